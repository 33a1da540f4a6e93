//! EventBridge Pipes with a Lambda target: the batch is a top-level list of
//! records, answered with the same partial batch response, by the
//! identifiers the pipe expects (SQS `messageId`, Kinesis and DynamoDB
//! `eventID`). The contract of every source, the AWS documentation's
//! samples, and the capabilities that must work the same on both forms.

mod common;

use common::contract::{contract_tests, Contract};
use common::{errors, expected_json, fixture, ids, invalid_event, json, kinesis_order, sqs_order};
use common::{KINESIS_SEQS, SQS_IDS};
use lambda_batch::ordering::{FifoMode, StreamMode};
use lambda_batch::source::{DynamoDbRecord, EventSource, Kafka, Kinesis, KinesisRecord, SqsRecord};
use lambda_batch::typed::typed;
use lambda_batch::{BatchEvent, BatchProcessor, Context, InvalidEvent, Outcome};
use lambda_runtime::{LambdaEvent, Service};

/// The pipe's identifiers of the Kinesis order fixtures: their `eventID`s.
const KINESIS_EVENT_IDS: [&str; 3] = [
    "shardId-000000000006:49590338271490256608559692538361571095921575989136588898",
    "shardId-000000000006:49590338271490256608559692540925702759324208523137515618",
    "shardId-000000000006:49590338271490256608559692541123456789012345678901234562",
];

/// The pipe's identifiers of the DynamoDB order fixtures: their `eventID`s.
const DYNAMODB_EVENT_IDS: [&str; 3] = [
    "c81e728d9d4c2f636f067f89cc148621",
    "c81e728d9d4c2f636f067f89cc148622",
    "c81e728d9d4c2f636f067f89cc148623",
];

/// Fails when the new image, as plain JSON text, contains "fail".
fn dynamodb_order(record: DynamoDbRecord<'_>) -> Result<(), String> {
    let image = record
        .new_image()
        .map_err(|e| e.to_string())?
        .map(|image| image.to_json().to_string())
        .unwrap_or_default();
    match image.contains("fail") {
        true => Err(format!("rejected: {image}")),
        false => Ok(()),
    }
}

mod sqs {
    use super::*;
    contract_tests!(
        || BatchProcessor::sqs(sqs_order),
        Contract::orders("pipes/sqs", SQS_IDS, "missing_id")
    );
}

mod kinesis {
    use super::*;
    contract_tests!(
        || BatchProcessor::kinesis(kinesis_order),
        Contract::orders("pipes/kinesis", KINESIS_EVENT_IDS, "missing_event_id")
    );
}

mod dynamodb {
    use super::*;
    contract_tests!(
        || BatchProcessor::dynamodb(dynamodb_order),
        Contract::from_folder(
            "pipes/dynamodb",
            DYNAMODB_EVENT_IDS,
            "missing_event_id",
            [
                r#"rejected: {"id":"order-1","qty":1,"status":"fail","total":19.99}"#,
                r#"rejected: {"id":"order-2","qty":2,"status":"fail","total":19.99}"#,
                r#"rejected: {"id":"order-3","qty":3,"status":"fail","total":19.99}"#,
            ],
            "()",
        )
    );
}

/// The identifiers `processor` reports for `event`, not raising when all fail.
macro_rules! reported {
    ($processor:expr, $event:expr) => {
        ids(&$processor
            .raise_on_full_failure(false)
            .process(&$event, &Context::default())
            .await
            .unwrap())
    };
}

#[tokio::test]
async fn the_documentations_samples_are_answered_by_the_identifiers_the_pipe_expects() {
    let sqs = fixture("pipes/aws_docs/sqs_standard.json");
    let refuse_sqs = |_: SqsRecord<'_>| Err::<(), _>("refused");
    assert_eq!(
        reported!(BatchProcessor::sqs(refuse_sqs), sqs),
        [
            "059f36b4-87a3-44ab-83d2-661975830a7d",
            "2e1424d4-f796-459a-8184-9c92662be6da"
        ]
    );

    let kinesis = fixture("pipes/aws_docs/kinesis.json");
    let refuse_kinesis = |_: KinesisRecord<'_>| Err::<(), _>("refused");
    assert_eq!(
        reported!(BatchProcessor::kinesis(refuse_kinesis), kinesis),
        [
            "shardId-000000000006:49590338271490256608559692538361571095921575989136588898",
            "shardId-000000000006:49590338271490256608559692540925702759324208523137515618",
        ]
    );

    let dynamodb = fixture("pipes/aws_docs/dynamodb.json");
    let refuse_dynamodb = |_: DynamoDbRecord<'_>| Err::<(), _>("refused");
    assert_eq!(
        reported!(BatchProcessor::dynamodb(refuse_dynamodb), dynamodb),
        ["1", "2"]
    );
}

#[test]
fn a_flat_kinesis_record_reads_as_the_nested_one_and_names_its_own_fields() {
    let event = fixture("pipes/aws_docs/kinesis.json");
    let records = Kinesis::parse(&event).unwrap();
    let record = records[0].record().unwrap();
    assert!(record.is_from_pipe());
    assert_eq!(record.data_text(), Ok("Hello, this is a test."));
    assert_eq!(record.partition_key(), Some("1"));
    assert_eq!(
        record.sequence_number(),
        Some("49590338271490256608559692538361571095921575989136588898")
    );
    assert_eq!(
        record.approximate_arrival_timestamp(),
        Ok(Some(1545084650.987))
    );
    assert_eq!(record.shard_id(), Some("shardId-000000000006"));
    assert_eq!(record.schema_version(), Some("1.0"));
    assert_eq!(record.event_name(), Some("aws:kinesis:record"));

    let bad = r#"[{"eventID":"s:1","data":"not base64!","approximateArrivalTimestamp":"soon"},
        {"eventID":"s:2","partitionKey":7}]"#;
    let records = Kinesis::parse(bad).unwrap();
    let record = records[0].record().unwrap();
    assert!(record
        .data()
        .unwrap_err()
        .to_string()
        .starts_with("field `data` is invalid: not valid base64"));
    assert!(record
        .approximate_arrival_timestamp()
        .unwrap_err()
        .to_string()
        .starts_with("field `approximateArrivalTimestamp` is invalid"));
    assert_eq!(records[1].identifier().unwrap().to_string(), "s:2");
    assert_eq!(
        records[1].record().unwrap_err().to_string(),
        "field `partitionKey` is a number, expected a string"
    );
}

#[test]
fn an_event_source_mappings_event_stays_one() {
    // The same records, in `Records`: identified by their sequence numbers.
    let esm = fixture("kinesis/all_ok.json");
    let records = Kinesis::parse(&esm).unwrap();
    let found: Vec<String> = records
        .iter()
        .map(|r| r.identifier().unwrap().to_string())
        .collect();
    assert_eq!(found, KINESIS_SEQS);
    assert!(!records[0].record().unwrap().is_from_pipe());
    // A top-level list of records of the nested form is no event source
    // mapping's event: read as a pipe's, its records have no data.
    let nested = r#"[{"kinesis":{"sequenceNumber":"1","data":"aGk="},"eventID":"s:1"}]"#;
    let records = Kinesis::parse(nested).unwrap();
    assert_eq!(
        records[0].record().unwrap().data().unwrap_err().to_string(),
        "field `data` is missing"
    );
}

#[tokio::test]
async fn a_list_of_another_sources_records_is_the_wrong_event() {
    let kinesis = fixture("pipes/aws_docs/kinesis.json");
    let err = invalid_event(
        BatchProcessor::sqs(sqs_order)
            .process(&kinesis, &Context::default())
            .await,
    );
    assert_eq!(
        err.to_string(),
        "this is a Kinesis event (record 0 has `eventSource` `aws:kinesis`), and the processor reads SQS events"
    );
    let dynamodb = fixture("pipes/aws_docs/dynamodb.json");
    let err = invalid_event(
        BatchProcessor::kinesis(kinesis_order)
            .process(&dynamodb, &Context::default())
            .await,
    );
    assert!(matches!(
        err,
        InvalidEvent::WrongSource {
            found: "a DynamoDB Streams",
            index: 0,
            ..
        }
    ));
}

#[tokio::test]
async fn a_pipe_from_kafka_is_refused_as_it_takes_no_partial_response() {
    let msk = fixture("pipes/aws_docs/msk.json");
    let processor =
        BatchProcessor::kafka(|_: lambda_batch::source::KafkaRecord<'_>| Ok::<_, String>(()));
    let err = invalid_event(processor.process(&msk, &Context::default()).await);
    assert_eq!(
        err,
        InvalidEvent::PipeWithoutPartialFailures {
            source_name: "Kafka"
        }
    );
    assert_eq!(
        err.to_string(),
        "this is an EventBridge Pipes event (a top-level list of records), and pipes from Kafka retry the \
         whole batch: they read no partial batch response; use an event source mapping to report Kafka \
         records one by one, or process the pipe's batch as a whole"
    );
    assert_eq!(
        Kafka::parse_check("[]"),
        Err(InvalidEvent::PipeWithoutPartialFailures {
            source_name: "Kafka"
        })
    );
}

#[tokio::test]
async fn fifo_handling_follows_the_queue_arn_in_a_pipe_too() {
    // The documentation's FIFO sample, with two more messages of its group.
    let mut records: Vec<serde_json::Value> =
        serde_json::from_str(&fixture("pipes/aws_docs/sqs_fifo.json")).unwrap();
    for (n, body) in [(2, "fail"), (3, "ok")] {
        let mut next = records[0].clone();
        next["messageId"] = format!("m-{n}").into();
        next["body"] = body.into();
        records.push(next);
    }
    records[0]["body"] = "fail".into();
    let event = serde_json::to_string(&records).unwrap();
    let handle = |record: SqsRecord<'_>| match record.body() {
        "fail" => Err("refused"),
        _ => Ok(()),
    };
    // Auto: the `.fifo` ARN makes it SkipGroup, and all three share group 1.
    let processor = BatchProcessor::sqs(handle).raise_on_full_failure(false);
    let ctx = Context::default();
    let report = processor.run(&event, &ctx).await.unwrap();
    assert!(matches!(report.records()[2].outcome(), Outcome::Skipped(_)));
    assert_eq!(
        reported!(BatchProcessor::sqs(handle), event),
        ["11d6ee51-4cc7-4302-9e22-7cd8afdaadf5", "m-2", "m-3"]
    );
    let off = BatchProcessor::sqs(handle).fifo(FifoMode::Off);
    let response = off.process(&event, &Context::default()).await.unwrap();
    assert_eq!(
        json(&response),
        expected_json(&["11d6ee51-4cc7-4302-9e22-7cd8afdaadf5", "m-2"])
    );
}

#[tokio::test]
async fn stream_modes_stop_and_report_by_event_id() {
    let event = fixture("pipes/kinesis/fail_ok_fail.json");
    let processor = BatchProcessor::kinesis(kinesis_order)
        .stream(StreamMode::Stop)
        .raise_on_full_failure(false);
    let response = processor
        .process(&event, &Context::default())
        .await
        .unwrap();
    // Stop: the first failure and every later record, by their eventID.
    assert_eq!(json(&response), expected_json(&KINESIS_EVENT_IDS));
    let per_key = BatchProcessor::kinesis(kinesis_order).stream(StreamMode::PerKey);
    let response = per_key.process(&event, &Context::default()).await.unwrap();
    assert_eq!(
        json(&response),
        expected_json(&[KINESIS_EVENT_IDS[0], KINESIS_EVENT_IDS[2]])
    );
}

#[derive(serde::Deserialize)]
struct Order {
    #[serde(rename = "orderId")]
    order_id: String,
    status: String,
}

async fn typed_order(order: Order) -> Result<(), String> {
    match order.status.as_str() {
        "fail" => Err(format!("order {} was rejected", order.order_id)),
        _ => Ok(()),
    }
}

#[tokio::test]
async fn typed_payloads_and_concurrency_work_on_a_pipes_batch() {
    for folder in ["pipes/sqs", "pipes/kinesis"] {
        let event = fixture(&format!("{folder}/fail_ok_fail.json"));
        let ctx = Context::default();
        let esm = fixture(&format!("{}/fail_ok_fail.json", &folder[6..]));
        let (pipe_report, esm_report) = if folder.ends_with("sqs") {
            let processor = BatchProcessor::sqs(typed(typed_order)).concurrency(3);
            (
                errors(&processor.run(&event, &ctx).await.unwrap()),
                errors(&processor.run(&esm, &ctx).await.unwrap()),
            )
        } else {
            let processor = BatchProcessor::kinesis(typed(typed_order)).concurrency(3);
            (
                errors(&processor.run(&event, &ctx).await.unwrap()),
                errors(&processor.run(&esm, &ctx).await.unwrap()),
            )
        };
        assert_eq!(pipe_report, esm_report, "{folder}");
        assert_eq!(
            pipe_report,
            [
                Some("order o-1 was rejected".to_owned()),
                None,
                Some("order o-3 was rejected".to_owned())
            ],
            "{folder}"
        );
    }
}

#[tokio::test]
async fn the_runtime_service_answers_a_pipes_batch() {
    let mut service = BatchProcessor::dynamodb(dynamodb_order).into_service();
    let event = BatchEvent::from_json(fixture("pipes/dynamodb/fail_ok_fail.json")).unwrap();
    let response = service
        .call(LambdaEvent::new(event, Context::default()))
        .await
        .unwrap();
    assert_eq!(
        json(&response),
        expected_json(&[DYNAMODB_EVENT_IDS[0], DYNAMODB_EVENT_IDS[2]])
    );
}

#[tokio::test]
async fn the_deadline_stops_a_pipes_batch_and_reports_what_it_did_not_finish() {
    let event = r#"[{"messageId":"m0","body":"ok"},{"messageId":"m1","body":"hang"},
        {"messageId":"m2","body":"ok"}]"#;
    let processor = BatchProcessor::sqs(|record: SqsRecord<'_>| {
        let hang = record.body() == "hang";
        async move {
            if hang {
                std::future::pending::<()>().await;
            }
            Ok::<(), String>(())
        }
    })
    .deadline_margin(std::time::Duration::from_millis(100));
    let mut context = Context::default();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    context.deadline = now + 300;
    let response = processor.process(event, &context).await.unwrap();
    assert_eq!(ids(&response), ["m1", "m2"]);
}

/// A writer whose bytes the test reads back.
#[derive(Clone, Default)]
struct Lines(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Lines {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn metrics_count_a_pipes_batch_as_the_mappings() {
    let lines = Lines::default();
    let processor = BatchProcessor::kinesis(kinesis_order)
        .metrics(lambda_batch::EmfMetrics::new("Orders").output(lines.clone()));
    for folder in ["kinesis", "pipes/kinesis"] {
        let event = fixture(&format!("{folder}/fail_ok_fail.json"));
        processor
            .process(&event, &Context::default())
            .await
            .unwrap();
    }
    let text = String::from_utf8(lines.0.lock().unwrap().clone()).unwrap();
    let figures: Vec<[u64; 3]> = text
        .lines()
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            assert_eq!(value["source"], "kinesis");
            ["records", "succeeded", "failed"].map(|name| value[name].as_u64().unwrap())
        })
        .collect();
    assert_eq!(figures, [[3, 1, 2], [3, 1, 2]]);
}
