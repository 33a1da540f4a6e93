//! Reading a record of the event in place: one pass over its keys, and
//! over those of its `dynamodb` and `userIdentity` objects, each value
//! stored straight into the record.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::change::UserIdentity;
use super::record::DynamoDbRecord;
use crate::error::RecordError;
use crate::source::lenient::{scalars_to, text_id, JsonKind};
use crate::source::read::keys::{record_keys, FieldKey as _, Fields};
use crate::source::records_list::ConvertElement;
use crate::source::{Foreign, Parsed};

/// Turns each element of `Records` (or of a pipe's batch, when `PIPE`) into
/// a parsed record as it is read, noting a record that names another
/// source. The records are the same in both forms; only their identifier
/// differs: `dynamodb.SequenceNumber` for an event source mapping,
/// `eventID` for a pipe.
pub(super) struct Records<'f, const PIPE: bool> {
    pub(super) foreign: &'f Foreign,
}

record_keys!(Key {
    EventId = "eventID",
    EventName = "eventName",
    EventVersion = "eventVersion",
    EventSource = "eventSource",
    AwsRegion = "awsRegion",
    EventSourceArn = "eventSourceARN",
    UserIdentity = "userIdentity",
    Dynamodb = "dynamodb",
});

record_keys!(StreamKey in "dynamodb." {
    ApproximateCreationDateTime = "ApproximateCreationDateTime",
    Keys = "Keys",
    NewImage = "NewImage",
    OldImage = "OldImage",
    SequenceNumber = "SequenceNumber",
    SizeBytes = "SizeBytes",
    StreamViewType = "StreamViewType",
});

record_keys!(IdentityKey in "userIdentity." {
    Type = "type",
    PrincipalId = "principalId",
});

impl<'a, const PIPE: bool> ConvertElement<'a> for Records<'_, PIPE> {
    type Record = DynamoDbRecord<'a>;

    fn identify(&self, record: &'a str) -> Option<crate::response::ItemIdentifier<'a>> {
        if PIPE {
            crate::source::recover::text_identifier(record, None, Key::EventId.text())
        } else {
            crate::source::recover::text_identifier(
                record,
                Some(Key::Dynamodb.text()),
                StreamKey::SequenceNumber.text(),
            )
        }
    }

    fn convert_map<A: MapAccess<'a>>(
        &self,
        mut map: A,
        index: usize,
    ) -> Result<Parsed<'a, Self::Record>, A::Error> {
        let mut record = DynamoDbRecord::empty();
        let mut fields = Fields::default();
        // Absent until read: as null.
        let mut stream = Some(JsonKind::Null);
        while let Some(key) = map.next_key_seed(Key::Other)? {
            let m = &mut map;
            let r = &mut record;
            match key {
                Key::EventId => fields.text(m, key, &mut r.event_id)?,
                Key::EventName => fields.text(m, key, &mut r.event_name)?,
                Key::EventVersion => fields.text(m, key, &mut r.event_version)?,
                Key::EventSource => fields.text(m, key, &mut r.event_source)?,
                Key::AwsRegion => fields.text(m, key, &mut r.aws_region)?,
                Key::EventSourceArn => fields.text(m, key, &mut r.event_source_arn)?,
                Key::UserIdentity => {
                    if !fields.first(key) {
                        map.next_value::<IgnoredAny>()?;
                    } else {
                        match map.next_value_seed(Object {
                            fields: &mut fields,
                            read: Identity(r),
                        })? {
                            None | Some(JsonKind::Null) => {}
                            Some(found) => {
                                fields.keep(not_an_object(Key::UserIdentity.name(), found))
                            }
                        }
                    }
                }
                Key::Dynamodb => {
                    if fields.first(key) {
                        stream = map.next_value_seed(Object {
                            fields: &mut fields,
                            read: Stream(r),
                        })?;
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Key::Other => map.next_value::<IgnoredAny>().map(drop)?,
            }
        }
        self.foreign
            .note(index, record.event_source.as_deref(), "aws:dynamodb");
        let identifier = text_id(if PIPE {
            record.event_id.as_ref()
        } else {
            record.sequence_number.as_ref()
        });
        // Without its `dynamodb` object, that is the record's problem,
        // before any other.
        let checked = match stream {
            Some(JsonKind::Null) => Err(RecordError::Missing {
                field: Key::Dynamodb.name(),
            }),
            Some(found) => Err(not_an_object(Key::Dynamodb.name(), found)),
            None => fields.finish().map(|()| record),
        };
        Ok(Parsed::new(identifier, checked))
    }
}

#[cold]
fn not_an_object(field: &'static str, found: JsonKind) -> RecordError {
    RecordError::WrongType {
        field,
        found: found.describe(),
        expected: "an object",
    }
}

/// What reads the keys of one of a record's objects into the record.
trait ReadInto<'de> {
    fn read<A: MapAccess<'de>>(self, map: A, fields: &mut Fields) -> Result<(), A::Error>;
}

/// Reads the object that comes next with `read`, keeping the first problem
/// of its fields; `None` when it is an object, else the kind found.
struct Object<'f, R> {
    fields: &'f mut Fields,
    read: R,
}

impl<'de, R: ReadInto<'de>> DeserializeSeed<'de> for Object<'_, R> {
    type Value = Option<JsonKind>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<R> Object<'_, R> {
    fn other(self, found: JsonKind) -> Option<JsonKind> {
        Some(found)
    }
}

impl<'de, R: ReadInto<'de>> Visitor<'de> for Object<'_, R> {
    type Value = Option<JsonKind>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        // The inner keys have bits of their own.
        let mut inner = Fields::default();
        self.read.read(map, &mut inner)?;
        if let Err(problem) = inner.finish() {
            self.fields.keep(problem);
        }
        Ok(None)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(self.other(JsonKind::Array))
    }

    scalars_to!(other);
}

/// The `dynamodb` object: the identifier, the images kept as their text.
struct Stream<'r, 'a>(&'r mut DynamoDbRecord<'a>);

impl<'de> ReadInto<'de> for Stream<'_, 'de> {
    fn read<A: MapAccess<'de>>(self, mut map: A, f: &mut Fields) -> Result<(), A::Error> {
        let r = self.0;
        while let Some(key) = map.next_key_seed(StreamKey::Other)? {
            let m = &mut map;
            match key {
                StreamKey::ApproximateCreationDateTime => {
                    f.raw(m, key, &mut r.approximate_creation_date_time)?
                }
                StreamKey::Keys => f.raw(m, key, &mut r.keys)?,
                StreamKey::NewImage => f.raw(m, key, &mut r.new_image)?,
                StreamKey::OldImage => f.raw(m, key, &mut r.old_image)?,
                StreamKey::SequenceNumber => f.text(m, key, &mut r.sequence_number)?,
                StreamKey::SizeBytes => f.raw(m, key, &mut r.size_bytes)?,
                StreamKey::StreamViewType => f.text(m, key, &mut r.stream_view_type)?,
                StreamKey::Other => map.next_value::<IgnoredAny>().map(drop)?,
            }
        }
        Ok(())
    }
}

/// The `userIdentity` object, of TTL deletes.
struct Identity<'r, 'a>(&'r mut DynamoDbRecord<'a>);

impl<'de> ReadInto<'de> for Identity<'_, 'de> {
    fn read<A: MapAccess<'de>>(self, mut map: A, f: &mut Fields) -> Result<(), A::Error> {
        let identity = self.0.user_identity.insert(UserIdentity {
            identity_type: None,
            principal_id: None,
        });
        while let Some(key) = map.next_key_seed(IdentityKey::Other)? {
            let m = &mut map;
            match key {
                IdentityKey::Type => f.text(m, key, &mut identity.identity_type)?,
                IdentityKey::PrincipalId => f.text(m, key, &mut identity.principal_id)?,
                IdentityKey::Other => map.next_value::<IgnoredAny>().map(drop)?,
            }
        }
        Ok(())
    }
}
