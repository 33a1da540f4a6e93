//! One record's oddity fails at most that record, and what is reported
//! names each record once, unambiguously.

mod common;

use lambda_batch::source::dynamodb::AttributeValue;
use lambda_batch::source::{DynamoDb, EventSource, KafkaRecord, KinesisRecord, SqsRecord};
use lambda_batch::{BatchError, BatchProcessor, Context, ItemIdentifier};

use common::{block_on, ids};

fn sqs_ok(_: SqsRecord<'_>) -> Result<(), String> {
    Ok(())
}

fn sqs_fails(_: SqsRecord<'_>) -> Result<(), String> {
    Err("refused".to_owned())
}

fn kafka_fails(_: KafkaRecord<'_>) -> Result<(), String> {
    Err("refused".to_owned())
}

#[test]
fn a_duplicate_key_inside_one_record_fails_only_that_record() {
    let event = r#"{"Records":[{"messageId":"a","messageId":"b","body":"x"},{"messageId":"c","body":"y"}]}"#;
    let processor = BatchProcessor::sqs(sqs_ok);
    let context = Context::default();
    let report = block_on(processor.run(event, &context)).expect("the records are delimited");
    assert!(!report.records()[0].outcome().is_success());
    assert!(report.records()[1].outcome().is_success());
}

#[test]
fn a_lone_surrogate_in_one_body_fails_only_that_record() {
    let event = r#"{"Records":[{"messageId":"a","body":"bad \ud800 text"},{"messageId":"b","body":"fine \u00e9"}]}"#;
    let processor = BatchProcessor::sqs(|record: SqsRecord<'_>| {
        assert_eq!(record.body(), "fine é");
        Ok::<(), String>(())
    });
    let context = Context::default();
    let report = block_on(processor.run(event, &context)).expect("the records are delimited");
    let first = report.records()[0]
        .outcome()
        .error_text()
        .expect("the first fails");
    assert!(first.contains("body"), "{first}");
    assert!(first.contains("escape"), "{first}");
    assert!(report.records()[1].outcome().is_success());
    assert_eq!(ids(&report.into_response().expect("a response")), ["a"]);
}

#[test]
fn a_lone_surrogate_in_a_field_no_one_reads_fails_nothing() {
    let event = r#"{"Records":[{"messageId":"a","body":"x","unknown":"\udc00"},
        {"messageId":"b","body":"y","attributes":{"AWSTraceHeader":"\ud800"}}]}"#;
    let processor = BatchProcessor::sqs(sqs_ok);
    let response = block_on(processor.process(event, &Context::default())).expect("a response");
    assert!(ids(&response).is_empty(), "{response:?}");
}

#[test]
fn an_out_of_range_number_in_fields_no_one_reads_fails_nothing() {
    let sqs = r#"{"Records":[{"messageId":"a","body":"x","attributes":{"SentTimestamp":1e999},
        "messageAttributes":{"n":{"dataType":"Number","stringValue":"1","binaryValue":null,"x":1e999}},"other":-1e999}]}"#;
    let response = block_on(BatchProcessor::sqs(sqs_ok).process(sqs, &Context::default()))
        .expect("a response");
    assert!(ids(&response).is_empty());

    let kinesis = r#"{"Records":[{"kinesis":{"sequenceNumber":"1","data":"",
        "approximateArrivalTimestamp":1e999}}]}"#;
    let processor = BatchProcessor::kinesis(|_: KinesisRecord<'_>| Ok::<(), String>(()));
    let response = block_on(processor.process(kinesis, &Context::default())).expect("a response");
    assert!(ids(&response).is_empty());
}

#[test]
fn a_kafka_offset_in_exponent_form_is_named_clearly() {
    let event = r#"{"records":{"t-0":[{"topic":"t","partition":0,"offset":1E2},
        {"topic":"t","partition":0,"offset":7}]}}"#;
    let processor = BatchProcessor::kafka(kafka_fails).raise_on_full_failure(false);
    let err = block_on(processor.process(event, &Context::default())).unwrap_err();
    let BatchError::MissingIdentifier { index, error } = err else {
        panic!("expected MissingIdentifier, got {err:?}");
    };
    assert_eq!(index, 0);
    assert!(error.contains("offset"), "{error}");
    assert!(error.contains("exponent"), "{error}");
}

#[test]
fn the_same_records_key_twice_reports_each_identifier_once() {
    let event = r#"{"records":{"t-0":[{"topic":"t","partition":0,"offset":5}],
        "t-0":[{"topic":"t","partition":0,"offset":5},{"topic":"t","partition":0,"offset":6}]}}"#;
    let processor = BatchProcessor::kafka(kafka_fails).raise_on_full_failure(false);
    let response = block_on(processor.process(event, &Context::default())).expect("a response");
    assert_eq!(ids(&response), ["t-0@5", "t-0@6"]);

    let sqs = r#"{"Records":[{"messageId":"a","body":""},{"messageId":"a","body":""},{"messageId":"b","body":""}]}"#;
    let processor = BatchProcessor::sqs(sqs_fails).raise_on_full_failure(false);
    let response = block_on(processor.process(sqs, &Context::default())).expect("a response");
    assert_eq!(ids(&response), ["a", "b"]);
}

#[test]
fn a_negative_kafka_partition_fails_its_record_and_is_never_reported_ambiguously() {
    let event = r#"{"records":{"t--1":[{"topic":"t","partition":-1,"offset":3}],
        "t-0":[{"topic":"t","partition":0,"offset":4}]}}"#;
    let records = lambda_batch::source::Kafka::parse(event).expect("the envelope reads");
    let error = records[0].record().unwrap_err().to_string();
    assert_eq!(
        error,
        "field `partition` is invalid: -1 is negative; Kafka partitions are numbered from 0"
    );
    // `t--1` would read back as topic `t-`, partition 1.
    assert!(records[0].identifier().is_none());
    assert_eq!(
        records[1].identifier(),
        Some(&ItemIdentifier::kafka("t", 0, 4))
    );
    let processor = BatchProcessor::kafka(|_: KafkaRecord<'_>| Ok::<(), String>(()));
    let err = block_on(processor.process(event, &Context::default())).unwrap_err();
    assert!(
        matches!(err, BatchError::MissingIdentifier { index: 0, .. }),
        "{err:?}"
    );
}

#[test]
fn a_repeated_dynamodb_attribute_reads_as_its_first_value_everywhere() {
    let event = r#"{"Records":[{"dynamodb":{"SequenceNumber":"1",
        "NewImage":{"id":{"S":"first"},"id":{"S":"second"}}}}]}"#;
    let records = DynamoDb::parse(event).expect("the event reads");
    let image = records[0]
        .record()
        .expect("the record reads")
        .new_image()
        .expect("the image reads")
        .expect("there is one");
    assert_eq!(image.get("id"), Some(&AttributeValue::S("first".into())));
    assert_eq!(image.to_json(), serde_json::json!({"id": "first"}));
}

#[test]
fn a_record_read_on_its_own_keeps_its_identifier() {
    let kafka = r#"{"records":{"t-0":[{"topic":"t","partition":0,"offset":5,"value":"\udc00"},
        {"topic":"t","partition":0,"offset":6,"value":"b2s="}]}}"#;
    let processor = BatchProcessor::kafka(|_: KafkaRecord<'_>| Ok::<(), String>(()));
    let response = block_on(processor.process(kafka, &Context::default())).expect("a response");
    assert_eq!(ids(&response), ["t-0@5"]);

    let kinesis = r#"{"Records":[{"kinesis":{"sequenceNumber":"1","partitionKey":"\ud800x","data":""}},
        {"kinesis":{"sequenceNumber":"2","data":""}}]}"#;
    let processor = BatchProcessor::kinesis(|_: KinesisRecord<'_>| Ok::<(), String>(()));
    let context = Context::default();
    let report = block_on(processor.run(kinesis, &context)).expect("the records are delimited");
    assert_eq!(
        report.records()[0].outcome().error_text().as_deref(),
        Some(
            "invalid record: field `kinesis.partitionKey` is invalid: unexpected end of hex escape"
        )
    );
    assert_eq!(ids(&report.into_response().expect("a response")), ["1"]);
}

#[test]
fn an_event_whose_records_cannot_be_delimited_is_still_refused() {
    let event = r#"{"Records":[{"messageId":"a","body":"\x"}]}"#;
    let err =
        block_on(BatchProcessor::sqs(sqs_ok).process(event, &Context::default())).unwrap_err();
    assert!(matches!(err, BatchError::InvalidEvent(_)), "{err:?}");
}

#[test]
fn a_pipe_record_read_on_its_own_keeps_the_pipes_identifier() {
    // A pipe names Kinesis and DynamoDB records by `eventID`, not by their
    // sequence numbers: a record read on its own must be named so too.
    let kinesis = r#"[{"eventID":"shardId-000:1","sequenceNumber":"1","partitionKey":"\ud800x","data":""},
        {"eventID":"shardId-000:2","sequenceNumber":"2","partitionKey":"k","data":""}]"#;
    let processor = BatchProcessor::kinesis(|_: KinesisRecord<'_>| Ok::<(), String>(()));
    let context = Context::default();
    let report = block_on(processor.run(kinesis, &context)).expect("the records are delimited");
    let first = report.records()[0].outcome().error_text().expect("fails");
    assert!(first.contains("`partitionKey`"), "{first}");
    assert!(report.records()[1].outcome().is_success());
    assert_eq!(
        ids(&report.into_response().expect("a response")),
        ["shardId-000:1"]
    );

    let dynamodb = r#"[{"eventID":"e1","eventName":"\udc00","dynamodb":{"SequenceNumber":"1","Keys":{"id":{"S":"a"}}}},
        {"eventID":"e2","eventName":"INSERT","dynamodb":{"SequenceNumber":"2","Keys":{"id":{"S":"b"}}}}]"#;
    let processor =
        BatchProcessor::dynamodb(
            |_: lambda_batch::source::DynamoDbRecord<'_>| Ok::<(), String>(()),
        );
    let response = block_on(processor.process(dynamodb, &context)).expect("a response");
    assert_eq!(ids(&response), ["e1"]);

    let sqs = r#"[{"messageId":"a","body":"\ud800"},{"messageId":"b","body":"x"}]"#;
    let response =
        block_on(BatchProcessor::sqs(sqs_ok).process(sqs, &context)).expect("a response");
    assert_eq!(ids(&response), ["a"]);
}
