//! Properties of random SQS, Kinesis and DynamoDB Streams batches: every
//! record is reported exactly once and in order, the response lists exactly
//! the failed records by identifier, and the missing-identifier and
//! all-failed rules hold.

mod common;

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{ids, json, quiet_planned_panics, runtime};
use lambda_batch::source::{DynamoDbRecord, KinesisRecord, SqsRecord};
use lambda_batch::{BatchError, BatchProcessor, BatchResponse, Context, Outcome};
use proptest::prelude::*;
use serde_json::{json, Value};

/// How a record carries its identifier.
#[derive(Debug, Clone, PartialEq)]
enum Id {
    /// A non-empty string (made unique by its index).
    Text(String),
    /// No identifier field.
    Absent,
    /// `""`.
    Empty,
    /// `null`.
    Null,
    /// A JSON number: the record is malformed and has no identifier.
    Number,
}

/// What happens to a record.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Action {
    Succeed,
    Fail,
    Panic,
    /// One of four malformed fields. The record fails either when the event
    /// is read (the handler is not called) or when the handler reads the
    /// field, depending on the field: see [`FoundWhen`].
    Malformed(u8),
}

#[derive(Debug, Clone)]
struct Spec {
    id: Id,
    action: Action,
}

fn id_strategy() -> impl Strategy<Value = Id> {
    prop_oneof![
        8 => "[a-zA-Z0-9 \"\\\\/é€😀:-]{0,16}".prop_map(Id::Text),
        1 => Just(Id::Absent),
        1 => Just(Id::Empty),
        1 => Just(Id::Null),
        1 => Just(Id::Number),
    ]
}

fn action_strategy() -> impl Strategy<Value = Action> {
    prop_oneof![
        5 => Just(Action::Succeed),
        3 => Just(Action::Fail),
        1 => Just(Action::Panic),
        2 => (0u8..4).prop_map(Action::Malformed),
    ]
}

fn batch_strategy() -> impl Strategy<Value = Vec<Spec>> {
    prop::collection::vec(
        (id_strategy(), action_strategy()).prop_map(|(id, action)| Spec { id, action }),
        0..40,
    )
}

/// A batch where every record succeeds or fails by its handler, to reach
/// the all-failed rule often.
fn mostly_failing_strategy() -> impl Strategy<Value = Vec<Spec>> {
    prop::collection::vec(
        prop_oneof![
            6 => Just(Action::Fail),
            2 => Just(Action::Panic),
            1 => Just(Action::Malformed(0)),
            1 => Just(Action::Succeed),
        ]
        .prop_map(|action| Spec {
            id: Id::Text(String::new()),
            action,
        }),
        1..8,
    )
}

/// Which of a source's malformed fields are found only when the handler
/// reads them (the others fail the record when the event is read).
type FoundWhen = fn(u8) -> bool;

/// SQS: attributes that are no object, a receive count that is no number,
/// a binary attribute that is not base64.
fn sqs_read_when(kind: u8) -> bool {
    kind >= 1
}

/// Kinesis: bad base64 data, data of the wrong kind, a timestamp that is no number.
fn kinesis_read_when(kind: u8) -> bool {
    kind <= 2
}

/// DynamoDB: every malformed field of these batches is one the event pass
/// checks (text fields of the wrong kind); the unread broken parts the
/// batches also carry must fail nothing.
fn dynamodb_read_when(_kind: u8) -> bool {
    false
}

impl Spec {
    /// The identifier the record is reported by, if any; text identifiers
    /// are prefixed with the index so that they are unique.
    fn identifier(&self, index: usize) -> Option<String> {
        match &self.id {
            Id::Text(text) => Some(format!("{index}:{text}")),
            _ => None,
        }
    }
    fn fails(&self) -> bool {
        self.action != Action::Succeed || self.id == Id::Number
    }
    /// Whether the record reaches the handler.
    fn is_well_formed(&self, read_when: FoundWhen) -> bool {
        let found_on_read = match self.action {
            Action::Malformed(kind) => read_when(kind),
            _ => true,
        };
        found_on_read && self.id != Id::Number
    }
    fn payload(&self) -> &'static str {
        match self.action {
            Action::Fail => "fail",
            Action::Panic => "panic",
            Action::Succeed | Action::Malformed(_) => "ok",
        }
    }
    fn put_id(&self, index: usize, object: &mut serde_json::Map<String, Value>, key: &str) {
        let value = match &self.id {
            Id::Text(_) => Value::from(self.identifier(index)),
            Id::Absent => return,
            Id::Empty => Value::from(""),
            Id::Null => Value::Null,
            Id::Number => Value::from(1234),
        };
        object.insert(key.to_owned(), value);
    }
}

fn sqs_event(specs: &[Spec], pretty: bool) -> String {
    let records: Vec<Value> = specs
        .iter()
        .enumerate()
        .map(|(i, spec)| {
            let mut record = json!({
                "receiptHandle": format!("AQEB{i}"),
                "body": spec.payload(),
                "attributes": {
                    "ApproximateReceiveCount": "1",
                    "SentTimestamp": "1545082649183",
                    "SenderId": "AIDAIENQZJOLO23YVJ4VO",
                    "ApproximateFirstReceiveTimestamp": "1545082649185"
                },
                "messageAttributes": {},
                "md5OfBody": "e4e68fb7bd0e697a0ae8f1bb342846b3",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-2:123456789012:my-queue",
                "awsRegion": "us-east-2"
            });
            match spec.action {
                Action::Malformed(0) => record["body"] = json!(42),
                Action::Malformed(1) => record["attributes"] = json!("x"),
                Action::Malformed(2) => {
                    record["attributes"]["ApproximateReceiveCount"] = json!("abc")
                }
                Action::Malformed(_) => {
                    record["messageAttributes"] =
                        json!({"sig": {"binaryValue": "%%%", "dataType": "Binary"}})
                }
                _ => {}
            }
            let object = record.as_object_mut().expect("an object");
            spec.put_id(i, object, "messageId");
            record
        })
        .collect();
    render(&json!({ "Records": records }), pretty)
}

fn kinesis_event(specs: &[Spec], pretty: bool) -> String {
    use base64::Engine as _;
    let encode = |text: &str| base64::engine::general_purpose::STANDARD.encode(text);
    let records: Vec<Value> = specs
        .iter()
        .enumerate()
        .map(|(i, spec)| {
            let mut record = json!({
                "kinesis": {
                    "kinesisSchemaVersion": "1.0",
                    "partitionKey": format!("pk-{}", i % 4),
                    "data": encode(spec.payload()),
                    "approximateArrivalTimestamp": 1545084650.987
                },
                "eventSource": "aws:kinesis",
                "eventVersion": "1.0",
                "eventID": format!("shardId-000000000006:{i}"),
                "eventName": "aws:kinesis:record",
                "invokeIdentityArn": "arn:aws:iam::123456789012:role/lambda-role",
                "awsRegion": "us-east-2",
                "eventSourceARN": "arn:aws:kinesis:us-east-2:123456789012:stream/lambda-stream"
            });
            match spec.action {
                Action::Malformed(0) => record["kinesis"]["data"] = json!("not base64!"),
                Action::Malformed(1) => record["kinesis"]["data"] = json!(12),
                Action::Malformed(2) => {
                    record["kinesis"]["approximateArrivalTimestamp"] = json!("x")
                }
                Action::Malformed(_) => record["kinesis"]["partitionKey"] = json!([1]),
                _ => {}
            }
            let inner = record["kinesis"].as_object_mut().expect("an object");
            spec.put_id(i, inner, "sequenceNumber");
            record
        })
        .collect();
    render(&json!({ "Records": records }), pretty)
}

/// Every DynamoDB record also carries fields that no one reads and that do
/// not decode: an old image with an unknown type, numbers that are not
/// numbers. They must never fail a record.
fn dynamodb_event(specs: &[Spec], pretty: bool) -> String {
    let records: Vec<Value> = specs
        .iter()
        .enumerate()
        .map(|(i, spec)| {
            let mut record = json!({
                "eventID": format!("e{i}"),
                "eventName": "MODIFY",
                "eventVersion": "1.1",
                "eventSource": "aws:dynamodb",
                "awsRegion": "us-east-2",
                "dynamodb": {
                    "ApproximateCreationDateTime": "not a time",
                    "Keys": {"id": {"N": i.to_string()}},
                    "NewImage": {
                        "id": {"N": i.to_string()},
                        "payload": {"S": spec.payload()},
                        "unread": {"B": "not base64!"}
                    },
                    "OldImage": {"id": {"X": "unknown type"}},
                    "SizeBytes": -1,
                    "StreamViewType": "NEW_AND_OLD_IMAGES"
                },
                "eventSourceARN": "arn:aws:dynamodb:us-east-2:123456789012:table/T/stream/S"
            });
            match spec.action {
                Action::Malformed(0) => record["eventName"] = json!(42),
                Action::Malformed(1) => record["userIdentity"] = json!("x"),
                Action::Malformed(2) => record["dynamodb"]["StreamViewType"] = json!([1]),
                Action::Malformed(_) => record["eventID"] = json!({}),
                _ => {}
            }
            let inner = record["dynamodb"].as_object_mut().expect("an object");
            spec.put_id(i, inner, "SequenceNumber");
            record
        })
        .collect();
    render(&json!({ "Records": records }), pretty)
}

fn render(value: &Value, pretty: bool) -> String {
    if pretty {
        serde_json::to_string_pretty(value).expect("serialises")
    } else {
        value.to_string()
    }
}

fn decide(payload: &str) -> Result<(), String> {
    match payload {
        "ok" => Ok(()),
        "fail" => Err("rejected".to_owned()),
        "panic" => panic!("planned panic"),
        other => Err(format!("unexpected payload {other:?}")),
    }
}

/// What the handler saw, as the property expects it.
fn expected_error(spec: &Spec, read_when: FoundWhen) -> Option<&'static str> {
    if !spec.is_well_formed(read_when) {
        return Some("invalid record: ");
    }
    match spec.action {
        Action::Succeed => None,
        Action::Fail => Some("rejected"),
        Action::Panic => Some("the handler panicked: planned panic"),
        // The handler read the field and returned the accessor's error.
        Action::Malformed(_) => Some("field `"),
    }
}

/// Checks one batch's report and response against its specification.
async fn check<F, Fut>(
    specs: &[Spec],
    read_when: FoundWhen,
    raise: bool,
    calls: &AtomicUsize,
    run: F,
) where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<
        Output = (
            Vec<(usize, Option<String>, Result<(), String>)>,
            Result<BatchResponse, BatchError>,
        ),
    >,
{
    let n = specs.len();
    calls.store(0, Ordering::SeqCst);
    let (rows, result) = run().await;

    // Every record reported exactly once, in input order, with its identifier.
    let indices: Vec<usize> = rows.iter().map(|(i, _, _)| *i).collect();
    assert_eq!(indices, (0..n).collect::<Vec<_>>());
    for ((index, identifier, outcome), spec) in rows.iter().zip(specs) {
        assert_eq!(*identifier, spec.identifier(*index), "record {index}");
        match (expected_error(spec, read_when), outcome) {
            (None, Ok(())) => {}
            (Some(prefix), Err(text)) => {
                assert!(
                    text.starts_with(prefix),
                    "record {index}: {text:?} vs {prefix:?}"
                )
            }
            (expected, got) => panic!("record {index}: expected {expected:?}, got {got:?}"),
        }
    }
    // The handler ran on every well-formed record, once per `run` call (two calls).
    let well_formed = specs.iter().filter(|s| s.is_well_formed(read_when)).count();
    assert_eq!(calls.load(Ordering::SeqCst), 2 * well_formed);

    let failed: Vec<String> = specs
        .iter()
        .enumerate()
        .filter(|(_, s)| s.fails())
        .filter_map(|(i, s)| s.identifier(i))
        .collect();
    let succeeded: HashSet<String> = specs
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.fails())
        .filter_map(|(i, s)| s.identifier(i))
        .collect();
    let first_unnamed_failure = specs
        .iter()
        .enumerate()
        .find(|(i, s)| s.fails() && s.identifier(*i).is_none())
        .map(|(i, _)| i);
    let all_failed = n > 0 && specs.iter().all(Spec::fails);

    match (first_unnamed_failure, result) {
        (Some(expected), Err(BatchError::MissingIdentifier { index, error })) => {
            assert_eq!(index, expected);
            assert!(!error.is_empty());
        }
        (Some(expected), other) => {
            panic!("record {expected} fails without identifier: expected MissingIdentifier, got {other:?}")
        }
        (None, Err(BatchError::AllRecordsFailed { failures, response })) => {
            assert!(
                raise && all_failed,
                "AllRecordsFailed while raise={raise}, all_failed={all_failed}"
            );
            assert_eq!(failures.len(), n);
            for (i, failure) in failures.iter().enumerate() {
                assert_eq!(failure.index, i);
                assert_eq!(failure.identifier, specs[i].identifier(i));
                assert!(!failure.error.is_empty());
            }
            assert_eq!(ids(&response), failed);
        }
        (None, Ok(response)) => {
            assert!(!(raise && all_failed), "an all-failed batch must raise");
            assert_eq!(ids(&response), failed);
            assert!(ids(&response).iter().all(|id| !succeeded.contains(id)));
            // The response as Lambda reads it.
            let wire: Value = serde_json::from_str(&json(&response)).unwrap();
            let listed: Vec<&str> = wire["batchItemFailures"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["itemIdentifier"].as_str().unwrap())
                .collect();
            assert_eq!(listed, failed);
        }
        (None, Err(other)) => panic!("unexpected error {other:?}"),
    }
}

fn rows_of<T, E: std::fmt::Display>(
    report: &lambda_batch::BatchReport<'_, T, E>,
) -> Vec<(usize, Option<String>, Result<(), String>)> {
    report
        .records()
        .iter()
        .map(|r| {
            let outcome = match r.outcome() {
                Outcome::Success(_) => Ok(()),
                other => Err(other.error_text().unwrap_or_default()),
            };
            (r.index(), r.identifier().map(ToString::to_string), outcome)
        })
        .collect()
}

fn check_sqs(specs: &[Spec], raise: bool, pretty: bool) {
    quiet_planned_panics();
    let event = sqs_event(specs, pretty);
    let calls = AtomicUsize::new(0);
    let processor = BatchProcessor::sqs(|record: SqsRecord<'_>| {
        calls.fetch_add(1, Ordering::SeqCst);
        // Reads every field that decodes when read.
        let read = |e: lambda_batch::RecordError| e.to_string();
        record
            .attributes()
            .and_then(|attributes| attributes.approximate_receive_count())
            .map_err(read)?;
        for attribute in record.message_attributes().map_err(read)? {
            attribute.binary_value().map_err(read)?;
        }
        decide(record.body())
    })
    .raise_on_full_failure(raise);
    let ctx = Context::default();
    runtime().block_on(check(specs, sqs_read_when, raise, &calls, || async {
        let report = processor.run(&event, &ctx).await.expect("a valid event");
        assert_eq!(report.len(), specs.len());
        assert_eq!(report.failed(), specs.iter().filter(|s| s.fails()).count());
        assert_eq!(report.succeeded() + report.failed(), specs.len());
        let rows = rows_of(&report);
        (rows, processor.process(&event, &ctx).await)
    }));
}

fn check_kinesis(specs: &[Spec], raise: bool, pretty: bool) {
    quiet_planned_panics();
    let event = kinesis_event(specs, pretty);
    let calls = AtomicUsize::new(0);
    // An async handler this time.
    let processor = BatchProcessor::kinesis(|record: KinesisRecord<'_>| {
        calls.fetch_add(1, Ordering::SeqCst);
        let arrival = record.approximate_arrival_timestamp();
        let text = arrival.and_then(|_| record.data_text().map(str::to_owned));
        async move {
            tokio::task::yield_now().await;
            decide(&text.map_err(|e| e.to_string())?)
        }
    })
    .raise_on_full_failure(raise);
    let ctx = Context::default();
    runtime().block_on(check(specs, kinesis_read_when, raise, &calls, || async {
        let report = processor.run(&event, &ctx).await.expect("a valid event");
        assert_eq!(report.len(), specs.len());
        assert_eq!(report.failed(), specs.iter().filter(|s| s.fails()).count());
        let rows = rows_of(&report);
        (rows, processor.process(&event, &ctx).await)
    }));
}

fn check_dynamodb(specs: &[Spec], raise: bool, pretty: bool) {
    #[derive(serde::Deserialize)]
    struct Payload<'a> {
        #[serde(borrow)]
        payload: std::borrow::Cow<'a, str>,
    }
    quiet_planned_panics();
    let event = dynamodb_event(specs, pretty);
    let calls = AtomicUsize::new(0);
    let processor = BatchProcessor::dynamodb(|record: DynamoDbRecord<'_>| {
        calls.fetch_add(1, Ordering::SeqCst);
        let image = record.new_image_as::<Payload<'_>>();
        let payload = image.map_err(|e| e.to_string())?.ok_or("no new image")?;
        decide(&payload.payload)
    })
    .raise_on_full_failure(raise);
    let ctx = Context::default();
    runtime().block_on(check(specs, dynamodb_read_when, raise, &calls, || async {
        let report = processor.run(&event, &ctx).await.expect("a valid event");
        assert_eq!(report.len(), specs.len());
        assert_eq!(report.failed(), specs.iter().filter(|s| s.fails()).count());
        let rows = rows_of(&report);
        (rows, processor.process(&event, &ctx).await)
    }));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(160))]

    #[test]
    fn sqs_batches_report_exactly_the_failed_records(
        specs in batch_strategy(), raise in any::<bool>(), pretty in any::<bool>()
    ) {
        check_sqs(&specs, raise, pretty);
    }

    #[test]
    fn kinesis_batches_report_exactly_the_failed_records(
        specs in batch_strategy(), raise in any::<bool>(), pretty in any::<bool>()
    ) {
        check_kinesis(&specs, raise, pretty);
    }

    #[test]
    fn dynamodb_batches_report_exactly_the_failed_records(
        specs in batch_strategy(), raise in any::<bool>(), pretty in any::<bool>()
    ) {
        check_dynamodb(&specs, raise, pretty);
    }

    #[test]
    fn mostly_failing_batches_follow_the_all_failed_rule(
        specs in mostly_failing_strategy(), raise in any::<bool>()
    ) {
        check_sqs(&specs, raise, false);
        check_kinesis(&specs, raise, true);
        check_dynamodb(&specs, raise, false);
    }
}
