//! The record of an event source mapping's event: the stream record in a
//! `kinesis` object, the event's fields around it.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

use super::KinesisRecord;
use crate::error::RecordError;
use crate::source::read::field::{scalars_to, text_id, JsonKind};
use crate::source::read::keys::{record_keys, FieldKey as _, Fields};
use crate::source::read::records::ConvertElement;
use crate::source::{Foreign, Parsed};

/// Turns each element of `Records` into a parsed record as it is read,
/// noting a record that names another source.
pub(super) struct Records<'f> {
    pub(super) foreign: &'f Foreign,
}

record_keys!(Key {
    Kinesis = "kinesis",
    EventSource = "eventSource",
    EventVersion = "eventVersion",
    EventId = "eventID",
    EventName = "eventName",
    InvokeIdentityArn = "invokeIdentityArn",
    AwsRegion = "awsRegion",
    EventSourceArn = "eventSourceARN",
});

record_keys!(InnerKey in "kinesis." {
    SchemaVersion = "kinesisSchemaVersion",
    PartitionKey = "partitionKey",
    SequenceNumber = "sequenceNumber",
    Data = "data",
    ApproximateArrivalTimestamp = "approximateArrivalTimestamp",
    EncryptionType = "encryptionType",
});

impl<'a> ConvertElement<'a> for Records<'_> {
    type Record = KinesisRecord<'a>;

    fn identify(&self, record: &'a str) -> Option<crate::response::ItemIdentifier<'a>> {
        crate::source::read::recovery::text_identifier(
            record,
            Some(Key::Kinesis.text()),
            InnerKey::SequenceNumber.text(),
        )
    }

    fn convert_map<A: MapAccess<'a>>(
        &self,
        mut map: A,
        index: usize,
    ) -> Result<Parsed<'a, Self::Record>, A::Error> {
        let mut record = KinesisRecord::default();
        let mut fields = Fields::default();
        let mut inner = false;
        while let Some(key) = map.next_key_seed(Key::Other)? {
            let m = &mut map;
            let r = &mut record;
            match key {
                Key::Kinesis => {
                    if fields.first(key) {
                        inner = map.next_value_seed(Inner {
                            fields: &mut fields,
                            record: r,
                        })?;
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Key::EventSource => fields.text(m, key, &mut r.event_source)?,
                Key::EventVersion => fields.text(m, key, &mut r.event_version)?,
                Key::EventId => fields.text(m, key, &mut r.event_id)?,
                Key::EventName => fields.text(m, key, &mut r.event_name)?,
                Key::InvokeIdentityArn => fields.text(m, key, &mut r.invoke_identity_arn)?,
                Key::AwsRegion => fields.text(m, key, &mut r.aws_region)?,
                Key::EventSourceArn => fields.text(m, key, &mut r.event_source_arn)?,
                Key::Other => map.next_value::<IgnoredAny>().map(drop)?,
            }
        }
        self.foreign
            .note(index, record.event_source.as_deref(), "aws:kinesis");
        let identifier = text_id(record.sequence_number.as_ref());
        let checked = fields.finish().and_then(|()| match inner {
            true => Ok(record),
            false => Err(RecordError::Missing {
                field: Key::Kinesis.name(),
            }),
        });
        Ok(Parsed::new(identifier, checked))
    }
}

/// The `kinesis` object of a record, read into the record itself; `true`
/// when it was an object.
struct Inner<'f, 'r, 'a> {
    fields: &'f mut Fields,
    record: &'r mut KinesisRecord<'a>,
}

impl<'de> DeserializeSeed<'de> for Inner<'_, '_, 'de> {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Inner<'_, '_, 'de> {
    fn other(self, found: JsonKind) -> bool {
        if found != JsonKind::Null {
            self.fields.keep(RecordError::WrongType {
                field: Key::Kinesis.name(),
                found: found.describe(),
                expected: "an object",
            });
        }
        false
    }
}

impl<'de> Visitor<'de> for Inner<'_, '_, 'de> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the `kinesis` object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        // The inner keys have bits of their own.
        let mut inner = Fields::default();
        let r = self.record;
        while let Some(key) = map.next_key_seed(InnerKey::Other)? {
            let m = &mut map;
            match key {
                InnerKey::SchemaVersion => inner.text(m, key, &mut r.schema_version)?,
                InnerKey::PartitionKey => inner.text(m, key, &mut r.partition_key)?,
                InnerKey::SequenceNumber => inner.text(m, key, &mut r.sequence_number)?,
                InnerKey::Data => inner.field(m, key, &mut r.data)?,
                InnerKey::ApproximateArrivalTimestamp => {
                    inner.raw(m, key, &mut r.approximate_arrival_timestamp)?
                }
                InnerKey::EncryptionType => inner.text(m, key, &mut r.encryption_type)?,
                InnerKey::Other => map.next_value::<IgnoredAny>().map(drop)?,
            }
        }
        if let Err(problem) = inner.finish() {
            self.fields.keep(problem);
        }
        Ok(true)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(self.other(JsonKind::Array))
    }

    scalars_to!(other);
}
