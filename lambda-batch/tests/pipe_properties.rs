//! Property: an EventBridge pipe's batch and the equivalent event source
//! mapping's event give the same outcomes, record for record, and the same
//! response, in every mode.
//!
//! The two events hold the same random records: the pipe's is the list
//! itself (Kinesis records flattened), and each record carries its random
//! identifier where its form puts it (`messageId`; `kinesis.sequenceNumber`
//! or `eventID`; `dynamodb.SequenceNumber` or `eventID`), the other field
//! holding a fixed valid value. Field names in errors differ only by the
//! Kinesis record's `kinesis.` prefix.

mod common;

use common::{quiet_planned_panics, runtime};
use lambda_batch::handler::Handler;
use lambda_batch::ordering::{FifoMode, StreamMode};
use lambda_batch::source::{DynamoDbRecord, EventSource, KinesisRecord, SqsRecord};
use lambda_batch::{BatchProcessor, BatchReport, Context};
use proptest::prelude::*;
use serde_json::{json, Value};

/// How a record carries its identifier.
#[derive(Debug, Clone, PartialEq)]
enum Id {
    Text(String),
    Absent,
    Empty,
    Null,
    Number,
}

/// What happens to a record: its payload decides, or one of its fields
/// does not read.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Action {
    Succeed,
    Fail,
    Panic,
    Malformed(u8),
}

#[derive(Debug, Clone)]
struct Spec {
    id: Id,
    action: Action,
    key: u8,
}

fn spec_strategy() -> impl Strategy<Value = Spec> {
    let id = prop_oneof![
        8 => "[a-zA-Z0-9 \"\\\\é:-]{1,12}".prop_map(Id::Text),
        1 => Just(Id::Absent),
        1 => Just(Id::Empty),
        1 => Just(Id::Null),
        1 => Just(Id::Number),
    ];
    let action = prop_oneof![
        5 => Just(Action::Succeed),
        3 => Just(Action::Fail),
        1 => Just(Action::Panic),
        2 => (0u8..3).prop_map(Action::Malformed),
    ];
    (id, action, 0u8..3).prop_map(|(id, action, key)| Spec { id, action, key })
}

impl Spec {
    fn payload(&self) -> &'static str {
        match self.action {
            Action::Fail => "fail",
            Action::Panic => "panic",
            Action::Succeed | Action::Malformed(_) => "ok",
        }
    }
    fn id_value(&self, index: usize) -> Option<Value> {
        Some(match &self.id {
            Id::Text(text) => Value::from(format!("{index}:{text}")),
            Id::Absent => return None,
            Id::Empty => Value::from(""),
            Id::Null => Value::Null,
            Id::Number => Value::from(1234),
        })
    }
}

/// Sets `key` of `object` to the record's identifier (or leaves it out).
fn put(object: &mut Value, key: &str, value: Option<Value>) {
    let object = object.as_object_mut().expect("an object");
    match value {
        Some(value) => object.insert(key.to_owned(), value),
        None => object.remove(key),
    };
}

fn sqs_records(specs: &[Spec]) -> Vec<Value> {
    let arn = "arn:aws:sqs:us-east-2:123456789012:orders.fifo";
    specs
        .iter()
        .enumerate()
        .map(|(i, spec)| {
            let mut record = json!({
                "receiptHandle": format!("AQEB{i}"),
                "body": spec.payload(),
                "attributes": {"ApproximateReceiveCount": "1", "MessageGroupId": format!("g{}", spec.key)},
                "messageAttributes": {},
                "eventSource": "aws:sqs",
                "eventSourceARN": arn,
            });
            match spec.action {
                Action::Malformed(0) => record["body"] = json!(42),
                Action::Malformed(1) => record["attributes"] = json!("x"),
                Action::Malformed(_) => {
                    record["attributes"]["ApproximateReceiveCount"] = json!("many")
                }
                _ => {}
            }
            put(&mut record, "messageId", spec.id_value(i));
            record
        })
        .collect()
}

/// The Kinesis records in the mapping's form (`pipe` false: the identifier
/// in `kinesis.sequenceNumber`) or flat, as a pipe sends them (the
/// identifier in `eventID`).
fn kinesis_records(specs: &[Spec], pipe: bool) -> Vec<Value> {
    use base64::Engine as _;
    let encode = |text: &str| base64::engine::general_purpose::STANDARD.encode(text);
    specs
        .iter()
        .enumerate()
        .map(|(i, spec)| {
            let mut stream = json!({
                "kinesisSchemaVersion": "1.0",
                "partitionKey": format!("pk-{}", spec.key),
                "sequenceNumber": format!("4959{i}"),
                "data": encode(spec.payload()),
                "approximateArrivalTimestamp": 1545084650.987
            });
            match spec.action {
                Action::Malformed(0) => stream["data"] = json!("not base64!"),
                Action::Malformed(1) => stream["data"] = json!(12),
                Action::Malformed(_) => stream["approximateArrivalTimestamp"] = json!("x"),
                _ => {}
            }
            let mut record = json!({
                "eventSource": "aws:kinesis",
                "eventID": format!("shardId-000000000006:4959{i}"),
                "eventName": "aws:kinesis:record",
                "awsRegion": "us-east-2",
            });
            if pipe {
                put(&mut record, "eventID", spec.id_value(i));
                let flat = record.as_object_mut().expect("an object");
                for (key, value) in stream.as_object().expect("an object") {
                    flat.insert(key.clone(), value.clone());
                }
            } else {
                put(&mut stream, "sequenceNumber", spec.id_value(i));
                record["kinesis"] = stream;
            }
            record
        })
        .collect()
}

/// The DynamoDB records, the identifier in `dynamodb.SequenceNumber` or,
/// for a pipe, in `eventID`.
fn dynamodb_records(specs: &[Spec], pipe: bool) -> Vec<Value> {
    specs
        .iter()
        .enumerate()
        .map(|(i, spec)| {
            let mut record = json!({
                "eventID": format!("e{i}"),
                "eventName": "MODIFY",
                "eventSource": "aws:dynamodb",
                "dynamodb": {
                    "Keys": {"id": {"N": spec.key.to_string()}},
                    "NewImage": {"id": {"N": spec.key.to_string()}, "payload": {"S": spec.payload()}},
                    "SequenceNumber": format!("10{i}"),
                    "StreamViewType": "NEW_AND_OLD_IMAGES"
                },
            });
            match spec.action {
                Action::Malformed(0) => record["eventName"] = json!(42),
                Action::Malformed(1) => record["dynamodb"]["NewImage"]["payload"] = json!({"Q": 1}),
                Action::Malformed(_) => record["dynamodb"]["Keys"] = json!("x"),
                _ => {}
            }
            if pipe {
                put(&mut record, "eventID", spec.id_value(i));
            } else {
                put(&mut record["dynamodb"], "SequenceNumber", spec.id_value(i));
            }
            record
        })
        .collect()
}

fn decide(payload: &str) -> Result<(), String> {
    match payload {
        "ok" => Ok(()),
        "fail" => Err("rejected".to_owned()),
        "panic" => panic!("planned panic"),
        other => Err(format!("unexpected payload {other:?}")),
    }
}

fn sqs_handler(record: SqsRecord<'_>) -> Result<(), String> {
    let attributes = record.attributes().map_err(|e| e.to_string())?;
    attributes
        .approximate_receive_count()
        .map_err(|e| e.to_string())?;
    decide(record.body())
}

fn kinesis_handler(record: KinesisRecord<'_>) -> Result<(), String> {
    record
        .approximate_arrival_timestamp()
        .map_err(|e| e.to_string())?;
    decide(record.data_text().map_err(|e| e.to_string())?)
}

fn dynamodb_handler(record: DynamoDbRecord<'_>) -> Result<(), String> {
    let image = record.new_image().map_err(|e| e.to_string())?;
    let payload = image
        .as_ref()
        .and_then(|image| image.get("payload"))
        .and_then(|value| value.as_s())
        .unwrap_or_default()
        .to_owned();
    decide(&payload)
}

/// What a batch gave: each record's identifier and outcome, and the
/// response or the error, with field names as both forms share them: the
/// Kinesis record's `kinesis.` prefix taken out, and the identifier's
/// field, `id_field`, named `<identifier>`.
type Outcomes = (
    Vec<(Option<String>, Option<String>)>,
    Result<String, String>,
);

fn outcomes<T, E: std::fmt::Display>(
    report: &BatchReport<'_, T, E>,
    result: Result<lambda_batch::BatchResponse, lambda_batch::BatchError>,
    id_field: &str,
) -> Outcomes {
    let unprefix = |text: String| {
        text.replace(&format!("`{id_field}`"), "`<identifier>`")
            .replace("`kinesis.", "`")
    };
    let records = report
        .records()
        .iter()
        .map(|r| {
            (
                r.identifier().map(ToString::to_string),
                r.outcome().error_text().map(unprefix),
            )
        })
        .collect();
    let result = result
        .map(|response| serde_json::to_string(&response).expect("serialises"))
        .map_err(|e| unprefix(e.to_string()));
    (records, result)
}

/// Both forms of one batch through the same processor; `ids` names each
/// form's identifier field.
fn both<S, H, M>(
    processor: &BatchProcessor<S, H, M>,
    esm: &str,
    pipe: &str,
    ids: [&'static str; 2],
) -> (Outcomes, Outcomes)
where
    S: EventSource,
    for<'a> H: Handler<'a, S::Record<'a>, M>,
{
    let ctx = Context::default();
    runtime().block_on(async {
        let run = |event: &str, id_field: &'static str| {
            let event = event.to_owned();
            let ctx = &ctx;
            async move {
                let report = processor.run(&event, ctx).await.expect("a valid event");
                let result = processor.process(&event, ctx).await;
                outcomes(&report, result, id_field)
            }
        };
        let esm = run(esm, ids[0]).await;
        let pipe = run(pipe, ids[1]).await;
        (esm, pipe)
    })
}

/// The identifiers the records carry, as both forms must report them.
fn identifiers(specs: &[Spec]) -> Vec<Option<String>> {
    specs
        .iter()
        .enumerate()
        .map(|(i, spec)| match &spec.id {
            Id::Text(text) => Some(format!("{i}:{text}")),
            _ => None,
        })
        .collect()
}

/// Checks that the two forms agree, and that what they agree on is the batch.
fn agree(specs: &[Spec], esm: Outcomes, pipe: Outcomes) -> Result<(), TestCaseError> {
    let found: Vec<Option<String>> = esm.0.iter().map(|(id, _)| id.clone()).collect();
    prop_assert_eq!(found, identifiers(specs));
    prop_assert_eq!(esm, pipe);
    Ok(())
}

const FIFO: [FifoMode; 3] = [FifoMode::Off, FifoMode::Stop, FifoMode::SkipGroup];
const STREAM: [StreamMode; 3] = [StreamMode::Off, StreamMode::Stop, StreamMode::PerKey];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn sqs_pipe_batches_give_the_mappings_outcomes(
        specs in prop::collection::vec(spec_strategy(), 0..24),
        mode in 0usize..3,
        concurrency in 1usize..4,
        raise in any::<bool>(),
    ) {
        quiet_planned_panics();
        let records = sqs_records(&specs);
        let esm = json!({ "Records": records }).to_string();
        let pipe = Value::from(records).to_string();
        let processor = BatchProcessor::sqs(sqs_handler)
            .fifo(FIFO[mode])
            .concurrency(concurrency)
            .raise_on_full_failure(raise);
        let (esm, pipe) = both(&processor, &esm, &pipe, ["messageId", "messageId"]);
        agree(&specs, esm, pipe)?;
    }

    #[test]
    fn kinesis_pipe_batches_give_the_mappings_outcomes(
        specs in prop::collection::vec(spec_strategy(), 0..24),
        mode in 0usize..3,
        concurrency in 1usize..4,
        raise in any::<bool>(),
    ) {
        quiet_planned_panics();
        let esm = json!({ "Records": kinesis_records(&specs, false) }).to_string();
        let pipe = Value::from(kinesis_records(&specs, true)).to_string();
        let processor = BatchProcessor::kinesis(kinesis_handler)
            .stream(STREAM[mode])
            .concurrency(concurrency)
            .raise_on_full_failure(raise);
        let (esm, pipe) = both(&processor, &esm, &pipe, ["kinesis.sequenceNumber", "eventID"]);
        agree(&specs, esm, pipe)?;
    }

    #[test]
    fn dynamodb_pipe_batches_give_the_mappings_outcomes(
        specs in prop::collection::vec(spec_strategy(), 0..24),
        mode in 0usize..3,
        concurrency in 1usize..4,
        raise in any::<bool>(),
    ) {
        quiet_planned_panics();
        let esm = json!({ "Records": dynamodb_records(&specs, false) }).to_string();
        let pipe = Value::from(dynamodb_records(&specs, true)).to_string();
        let processor = BatchProcessor::dynamodb(dynamodb_handler)
            .stream(STREAM[mode])
            .concurrency(concurrency)
            .raise_on_full_failure(raise);
        let (esm, pipe) = both(&processor, &esm, &pipe, ["dynamodb.SequenceNumber", "eventID"]);
        agree(&specs, esm, pipe)?;
    }
}
