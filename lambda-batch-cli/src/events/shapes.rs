//! The records of each source, as Lambda's events hold them.

use serde::Serialize;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SqsMessage<'a> {
    pub(super) message_id: String,
    pub(super) receipt_handle: String,
    pub(super) body: String,
    pub(super) attributes: SqsAttributes,
    pub(super) message_attributes: serde_json::Value,
    pub(super) md5_of_body: String,
    pub(super) event_source: &'a str,
    #[serde(rename = "eventSourceARN")]
    pub(super) event_source_arn: &'a str,
    pub(super) aws_region: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct SqsAttributes {
    pub(super) approximate_receive_count: String,
    pub(super) sent_timestamp: String,
    pub(super) sender_id: &'static str,
    pub(super) approximate_first_receive_timestamp: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) sequence_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) message_group_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) message_deduplication_id: Option<String>,
}

#[derive(Serialize)]
pub(super) struct KinesisRecord<'a> {
    pub(super) kinesis: KinesisData,
    #[serde(flatten)]
    pub(super) event: KinesisEvent<'a>,
}

/// A pipe's Kinesis record: the stream record's fields beside the event's.
#[derive(Serialize)]
pub(super) struct FlatKinesisRecord<'a> {
    #[serde(flatten)]
    pub(super) kinesis: KinesisData,
    #[serde(flatten)]
    pub(super) event: KinesisEvent<'a>,
}

impl<'a> From<KinesisRecord<'a>> for FlatKinesisRecord<'a> {
    fn from(record: KinesisRecord<'a>) -> Self {
        FlatKinesisRecord {
            kinesis: record.kinesis,
            event: record.event,
        }
    }
}

/// The fields of a Kinesis record around the stream record.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct KinesisEvent<'a> {
    pub(super) event_source: &'a str,
    pub(super) event_version: &'a str,
    #[serde(rename = "eventID")]
    pub(super) event_id: String,
    pub(super) event_name: &'a str,
    pub(super) invoke_identity_arn: &'a str,
    pub(super) aws_region: &'a str,
    #[serde(rename = "eventSourceARN")]
    pub(super) event_source_arn: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct KinesisData {
    pub(super) kinesis_schema_version: &'static str,
    pub(super) partition_key: String,
    pub(super) sequence_number: String,
    pub(super) data: String,
    pub(super) approximate_arrival_timestamp: f64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct DynamoDbRecord<'a> {
    #[serde(rename = "eventID")]
    pub(super) event_id: String,
    pub(super) event_name: &'a str,
    pub(super) event_version: &'a str,
    pub(super) event_source: &'a str,
    pub(super) aws_region: &'a str,
    pub(super) dynamodb: StreamRecord,
    #[serde(rename = "eventSourceARN")]
    pub(super) event_source_arn: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct StreamRecord {
    pub(super) approximate_creation_date_time: u64,
    pub(super) keys: serde_json::Value,
    pub(super) new_image: serde_json::Value,
    pub(super) old_image: serde_json::Value,
    pub(super) sequence_number: String,
    pub(super) size_bytes: usize,
    pub(super) stream_view_type: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct KafkaRecord<'a> {
    pub(super) topic: &'a str,
    pub(super) partition: usize,
    pub(super) offset: usize,
    pub(super) timestamp: u64,
    pub(super) timestamp_type: &'a str,
    pub(super) key: String,
    pub(super) value: String,
    pub(super) headers: [serde_json::Value; 1],
}
