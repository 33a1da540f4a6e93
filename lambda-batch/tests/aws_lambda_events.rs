//! Events deserialised into `aws_lambda_events` types, processed through
//! `process_aws_event`: every sample event that crate ships for SQS,
//! Kinesis, DynamoDB Streams and Kafka (`tests/fixtures/aws_lambda_events`,
//! MIT licence kept next to them) reads whole, with a handler that reads
//! every field, and records fail only for what the handler decides.
#![cfg(feature = "aws_lambda_events")]

mod common;

use aws_lambda_events::event::{dynamodb, kafka, kinesis, sqs};
use lambda_batch::source::dynamodb::ChangeKind;
use lambda_batch::source::{DynamoDbRecord, KafkaRecord, KinesisRecord, SqsRecord};
use lambda_batch::{BatchProcessor, BatchResponse, Context, RecordError};
use serde::de::DeserializeOwned;

use common::{fixture, ids};

/// A sample event of `aws_lambda_events`, deserialised into its type.
fn sample<E: DeserializeOwned>(name: &str) -> E {
    let text = fixture(&format!("aws_lambda_events/{name}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn read(error: RecordError) -> String {
    error.to_string()
}

/// Reads every field of an SQS record; fails when the body says `fail`.
fn sqs_reads_all(record: SqsRecord<'_>) -> Result<(), String> {
    record.message_id().ok_or("no message id")?;
    record.receipt_handle().ok_or("no receipt handle")?;
    record.md5_of_body().ok_or("no md5 of body")?;
    record.md5_of_message_attributes();
    record.event_source().ok_or("no event source")?;
    record.event_source_arn().ok_or("no event source ARN")?;
    record.aws_region().ok_or("no region")?;
    record.queue_url().ok_or("no queue URL")?;
    let attributes = record.attributes().map_err(read)?;
    attributes
        .approximate_receive_count()
        .map_err(read)?
        .ok_or("no receive count")?;
    attributes
        .sent_timestamp()
        .map_err(read)?
        .ok_or("no sent timestamp")?;
    attributes
        .approximate_first_receive_timestamp()
        .map_err(read)?
        .ok_or("no first receive timestamp")?;
    attributes.sender_id().ok_or("no sender id")?;
    for attribute in record.message_attributes().map_err(read)? {
        attribute
            .data_type()
            .ok_or("an attribute without a data type")?;
        attribute.string_value();
        attribute.string_list_values();
        attribute.binary_value().map_err(read)?;
        attribute.binary_list_values().map_err(read)?;
    }
    match record.body() {
        "fail" => Err("the body says fail".to_owned()),
        _ => Ok(()),
    }
}

/// Reads every field of a Kinesis record; fails when its data says `fail`.
fn kinesis_reads_all(record: KinesisRecord<'_>) -> Result<(), String> {
    record.sequence_number().ok_or("no sequence number")?;
    record.partition_key().ok_or("no partition key")?;
    record
        .approximate_arrival_timestamp()
        .map_err(read)?
        .ok_or("no arrival")?;
    // Absent from some samples; `aws_lambda_events` writes `NONE` then.
    record.encryption_type();
    record.schema_version().ok_or("no schema version")?;
    record.event_id().ok_or("no event id")?;
    record.shard_id().ok_or("no shard id")?;
    record.event_name().ok_or("no event name")?;
    record.event_source().ok_or("no event source")?;
    record.event_version().ok_or("no event version")?;
    record.invoke_identity_arn().ok_or("no invoke identity")?;
    record.aws_region().ok_or("no region")?;
    record.event_source_arn().ok_or("no event source ARN")?;
    match record.data_text().map_err(read)? {
        "fail" => Err("the data says fail".to_owned()),
        _ => Ok(()),
    }
}

/// Reads every field of a Kafka record; fails when its value says `fail`.
fn kafka_reads_all(record: KafkaRecord<'_>) -> Result<(), String> {
    record.topic().ok_or("no topic")?;
    record.partition().ok_or("no partition")?;
    record.offset().ok_or("no offset")?;
    record.timestamp().map_err(read)?.ok_or("no timestamp")?;
    record.timestamp_type().ok_or("no timestamp type")?;
    record.key().map_err(read)?;
    record.key_text().map_err(read)?;
    for header in record.headers().map_err(read)? {
        header.value_text().map_err(|e| e.to_string())?;
    }
    record.event_source().ok_or("no event source")?;
    record.event_source_arn().ok_or("no event source ARN")?;
    record.bootstrap_servers().ok_or("no bootstrap servers")?;
    match record.value_text().map_err(read)? {
        Some("fail") => Err("the value says fail".to_owned()),
        _ => Ok(()),
    }
}

/// Reads every field of a DynamoDB record, and checks the images are those
/// its change can have; fails when the new image's `status` is `fail`.
fn dynamodb_reads_all(record: DynamoDbRecord<'_>) -> Result<(), String> {
    record.event_id().ok_or("no event id")?;
    record.aws_region().ok_or("no region")?;
    record.event_source().ok_or("no event source")?;
    record.size_bytes().map_err(read)?.ok_or("no size")?;
    // Absent rather than the epoch `aws_lambda_events` defaults it to.
    if record.approximate_creation_date_time().map_err(read)? == Some(0.0) {
        return Err("created at the epoch".to_owned());
    }
    record.stream_view_type();
    record.event_version();
    record.event_source_arn();
    record.user_identity();
    record.is_ttl_delete();
    let keys = record.keys().map_err(read)?;
    let new = record.new_image().map_err(read)?;
    let old = record.old_image().map_err(read)?;
    // Decoded too, through serde, whole.
    record.new_image_as::<serde_json::Value>().map_err(read)?;
    record.old_image_as::<serde_json::Value>().map_err(read)?;
    record.keys_as::<serde_json::Value>().map_err(read)?;
    for image in keys.iter().chain(new.iter()).chain(old.iter()) {
        if image.is_empty() {
            return Err("an empty image".to_owned());
        }
        image.to_json();
    }
    match record.change().ok_or("no change kind")? {
        ChangeKind::Insert if old.is_some() => return Err("an INSERT with an old image".into()),
        ChangeKind::Remove if new.is_some() => return Err("a REMOVE with a new image".into()),
        _ => {}
    }
    let status = new
        .as_ref()
        .and_then(|image| image.get("status")?.as_s().map(str::to_owned));
    match status.as_deref() {
        Some("fail") => Err("the status says fail".to_owned()),
        _ => Ok(()),
    }
}

async fn sqs_response(event: &sqs::SqsEvent) -> BatchResponse {
    let processor = BatchProcessor::sqs(sqs_reads_all);
    processor
        .process_aws_event(event, &Context::default())
        .await
        .unwrap()
}

async fn kinesis_response(event: &kinesis::KinesisEvent) -> BatchResponse {
    let processor = BatchProcessor::kinesis(kinesis_reads_all);
    processor
        .process_aws_event(event, &Context::default())
        .await
        .unwrap()
}

async fn kafka_response(event: &kafka::KafkaEvent) -> BatchResponse {
    let processor = BatchProcessor::kafka(kafka_reads_all);
    processor
        .process_aws_event(event, &Context::default())
        .await
        .unwrap()
}

async fn dynamodb_response(event: &dynamodb::Event) -> BatchResponse {
    let processor = BatchProcessor::dynamodb(dynamodb_reads_all);
    processor
        .process_aws_event(event, &Context::default())
        .await
        .unwrap()
}

#[tokio::test]
async fn sqs_samples_read_whole() {
    for name in ["example-sqs-event.json", "example-sqs-event-obj.json"] {
        let event: sqs::SqsEvent = sample(name);
        assert!(ids(&sqs_response(&event).await).is_empty(), "{name}");
    }
}

#[tokio::test]
async fn sqs_samples_fail_the_records_the_handler_fails() {
    let mut event: sqs::SqsEvent = sample("example-sqs-event-obj.json");
    let mut second = event.records[0].clone();
    second.message_id = Some("MessageID_2".to_owned());
    second.body = Some("fail".to_owned());
    event.records.push(second);
    assert_eq!(ids(&sqs_response(&event).await), ["MessageID_2"]);
}

#[tokio::test]
async fn kinesis_samples_read_whole() {
    for name in [
        "example-kinesis-event.json",
        "example-kinesis-event-encrypted.json",
    ] {
        let event: kinesis::KinesisEvent = sample(name);
        assert!(ids(&kinesis_response(&event).await).is_empty(), "{name}");
    }
}

#[tokio::test]
async fn kinesis_samples_fail_the_records_the_handler_fails() {
    let mut event: kinesis::KinesisEvent = sample("example-kinesis-event-encrypted.json");
    *event.records[1].kinesis.data = b"fail".to_vec();
    let failed = ids(&kinesis_response(&event).await);
    assert_eq!(
        failed,
        ["49568167373333333334444444444444444444444444444444444444"]
    );
}

#[tokio::test]
async fn kafka_sample_reads_whole_and_fails_by_content() {
    let event: kafka::KafkaEvent = sample("example-kafka-event.json");
    assert!(ids(&kafka_response(&event).await).is_empty());

    let mut event = event;
    let records = event.records.get_mut("AWSKafkaTopic-0").unwrap();
    let mut second = records[0].clone();
    second.offset = 1;
    second.value = Some("ZmFpbA==".to_owned());
    records.push(second);
    assert_eq!(ids(&kafka_response(&event).await), ["AWSKafkaTopic-0@1"]);
}

#[tokio::test]
async fn dynamodb_samples_read_whole() {
    for name in [
        "example-dynamodb-event.json",
        "example-dynamodb-event-null-items.json",
    ] {
        let event: dynamodb::Event = sample(name);
        assert!(ids(&dynamodb_response(&event).await).is_empty(), "{name}");
    }
}

/// A record with `tableName` and `recordFormat`, and without most optional
/// fields: a sample of a single record, put in an event.
#[tokio::test]
async fn dynamodb_sample_without_optional_fields_reads_whole() {
    let mut record: dynamodb::EventRecord =
        sample("example-dynamodb-event-record-with-optional-fields.json");
    // The sample has no sequence number, which a batch response needs.
    record.change.sequence_number = Some("100".to_owned());
    let mut event = dynamodb::Event::default();
    event.records.push(record);
    assert!(ids(&dynamodb_response(&event).await).is_empty());
}

/// One stream record, as DynamoDB Streams sends it.
fn change(sequence: u32, name: &str, new: Option<&str>, old: Option<&str>) -> String {
    let image =
        |status: &str| format!(r#"{{"id":{{"S":"i{sequence}"}},"status":{{"S":"{status}"}}}}"#);
    let mut images = String::new();
    if let Some(status) = new {
        images += &format!(r#","NewImage":{}"#, image(status));
    }
    if let Some(status) = old {
        images += &format!(r#","OldImage":{}"#, image(status));
    }
    format!(
        r#"{{"eventID":"e{sequence}","eventName":"{name}","eventVersion":"1.1",
        "eventSource":"aws:dynamodb","awsRegion":"us-east-1",
        "eventSourceARN":"arn:aws:dynamodb:us-east-1:1:table/t/stream/2024",
        "dynamodb":{{"ApproximateCreationDateTime":1700000000,"Keys":{{"id":{{"S":"i{sequence}"}}}},
        "SequenceNumber":"{sequence}","SizeBytes":40,"StreamViewType":"NEW_AND_OLD_IMAGES"{images}}}}}"#
    )
}

/// INSERT, MODIFY and REMOVE read as DynamoDB sent them: an INSERT has no
/// old image, a REMOVE no new one, and records fail by their content only;
/// the same as when the processor reads the event itself.
#[tokio::test]
async fn dynamodb_changes_read_as_sent() {
    let records = [
        change(1, "INSERT", Some("ok"), None),
        change(2, "INSERT", Some("fail"), None),
        change(3, "MODIFY", Some("ok"), Some("fail")),
        change(4, "MODIFY", Some("fail"), Some("ok")),
        change(5, "REMOVE", None, Some("fail")),
        change(6, "REMOVE", None, Some("ok")),
    ];
    let text = format!(r#"{{"Records":[{}]}}"#, records.join(","));
    let event: dynamodb::Event = serde_json::from_str(&text).unwrap();
    let interop = ids(&dynamodb_response(&event).await);
    assert_eq!(interop, ["2", "4"]);
    let processor = BatchProcessor::dynamodb(dynamodb_reads_all);
    let raw = processor.process(&text, &Context::default()).await.unwrap();
    assert_eq!(ids(&raw), interop);
}

/// Every sample reads the same through `aws_lambda_events` as from its own
/// text: the same records fail (none) for the same handler.
#[tokio::test]
async fn samples_read_the_same_as_their_text() {
    let context = Context::default();
    for name in ["example-sqs-event.json", "example-sqs-event-obj.json"] {
        let text = fixture(&format!("aws_lambda_events/{name}"));
        let raw = BatchProcessor::sqs(sqs_reads_all)
            .process(&text, &context)
            .await;
        assert_eq!(
            ids(&raw.unwrap()),
            ids(&sqs_response(&sample(name)).await),
            "{name}"
        );
    }
    for name in [
        "example-kinesis-event.json",
        "example-kinesis-event-encrypted.json",
    ] {
        let text = fixture(&format!("aws_lambda_events/{name}"));
        let raw = BatchProcessor::kinesis(kinesis_reads_all)
            .process(&text, &context)
            .await;
        assert_eq!(
            ids(&raw.unwrap()),
            ids(&kinesis_response(&sample(name)).await),
            "{name}"
        );
    }
}
