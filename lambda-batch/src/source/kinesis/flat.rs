//! The record of an EventBridge pipe's batch: flat, the stream record's
//! fields (`partitionKey`, `sequenceNumber`, `data`, ...) beside the
//! event's (`eventID`, `eventSource`, ...), with no `kinesis` object.

use serde::de::{IgnoredAny, MapAccess};

use super::KinesisRecord;
use crate::source::read::field::text_id;
use crate::source::read::keys::{record_keys, Fields};
use crate::source::read::records::ConvertElement;
use crate::source::{Foreign, Parsed};

/// Turns each element of a pipe's batch into a parsed record as it is
/// read, noting a record that names another source. Its identifier is
/// `eventID`, as the pipe expects it.
pub(super) struct Records<'f> {
    pub(super) foreign: &'f Foreign,
}

record_keys!(FlatKey {
    SchemaVersion = "kinesisSchemaVersion",
    PartitionKey = "partitionKey",
    SequenceNumber = "sequenceNumber",
    Data = "data",
    ApproximateArrivalTimestamp = "approximateArrivalTimestamp",
    EncryptionType = "encryptionType",
    EventSource = "eventSource",
    EventVersion = "eventVersion",
    EventId = "eventID",
    EventName = "eventName",
    InvokeIdentityArn = "invokeIdentityArn",
    AwsRegion = "awsRegion",
    EventSourceArn = "eventSourceARN",
});

impl<'a> ConvertElement<'a> for Records<'_> {
    type Record = KinesisRecord<'a>;

    fn identify(&self, record: &'a str) -> Option<crate::response::ItemIdentifier<'a>> {
        crate::source::read::recovery::text_identifier(record, None, FlatKey::EventId.text())
    }

    fn convert_map<A: MapAccess<'a>>(
        &self,
        mut map: A,
        index: usize,
    ) -> Result<Parsed<'a, Self::Record>, A::Error> {
        let mut record = KinesisRecord {
            from_pipe: true,
            ..KinesisRecord::default()
        };
        let mut fields = Fields::default();
        while let Some(key) = map.next_key_seed(FlatKey::Other)? {
            let m = &mut map;
            let r = &mut record;
            match key {
                FlatKey::SchemaVersion => fields.text(m, key, &mut r.schema_version)?,
                FlatKey::PartitionKey => fields.text(m, key, &mut r.partition_key)?,
                FlatKey::SequenceNumber => fields.text(m, key, &mut r.sequence_number)?,
                FlatKey::Data => fields.field(m, key, &mut r.data)?,
                FlatKey::ApproximateArrivalTimestamp => {
                    fields.raw(m, key, &mut r.approximate_arrival_timestamp)?
                }
                FlatKey::EncryptionType => fields.text(m, key, &mut r.encryption_type)?,
                FlatKey::EventSource => fields.text(m, key, &mut r.event_source)?,
                FlatKey::EventVersion => fields.text(m, key, &mut r.event_version)?,
                FlatKey::EventId => fields.text(m, key, &mut r.event_id)?,
                FlatKey::EventName => fields.text(m, key, &mut r.event_name)?,
                FlatKey::InvokeIdentityArn => fields.text(m, key, &mut r.invoke_identity_arn)?,
                FlatKey::AwsRegion => fields.text(m, key, &mut r.aws_region)?,
                FlatKey::EventSourceArn => fields.text(m, key, &mut r.event_source_arn)?,
                FlatKey::Other => map.next_value::<IgnoredAny>().map(drop)?,
            }
        }
        self.foreign
            .note(index, record.event_source.as_deref(), "aws:kinesis");
        let identifier = text_id(record.event_id.as_ref());
        Ok(Parsed::new(identifier, fields.finish().map(|()| record)))
    }
}
