//! End-to-end cost per record: parse the event text, run every record through
//! a handler that parses its JSON payload and fails when `status` is "fail"
//! (10% of records), build and serialise the response.
//!
//! Events have the shapes and sizes of real 10,000-record batches. To measure
//! events made elsewhere (for instance by `lambda-batch events`), point
//! `LAMBDA_BATCH_BENCH_EVENTS` at a folder holding `sqs.json`, `kinesis.json`,
//! `dynamodb.json` and/or `kafka.json`.
//!
//! The `-pipe` cases read the same records as an EventBridge pipe sends them
//! (a top-level list; Kinesis records flat), to compare with the event
//! source mapping's form.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use lambda_batch::handler::with_state;
use lambda_batch::source::{DynamoDbRecord, KafkaRecord, KinesisRecord, SqsRecord};
use lambda_batch::typed::{typed, Images};
use lambda_batch::{BatchProcessor, BatchReport, Context, RecordReport};
use serde::Deserialize;
use serde_json::json;

#[path = "process/floor.rs"]
mod floor;
#[path = "process/interleaved.rs"]
mod interleaved;

const RECORDS: usize = 10_000;
const FAIL_EVERY: usize = 10;
const PAD: usize = 64;

#[derive(Deserialize)]
struct Payload<'a> {
    #[serde(borrow)]
    status: std::borrow::Cow<'a, str>,
}

#[derive(Debug)]
struct Failed;

impl std::fmt::Display for Failed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("record failed")
    }
}

/// The handler's decision on a JSON payload given as bytes (Kinesis, Kafka).
fn decide(payload: &[u8]) -> Result<(), Failed> {
    match serde_json::from_slice::<Payload<'_>>(payload) {
        Ok(p) if p.status != "fail" => Ok(()),
        _ => Err(Failed),
    }
}

/// The typed handler's payload: decoded by the processor before the call.
/// (A DynamoDB old image of the events here has no `status`.)
#[derive(Deserialize)]
struct Status {
    #[serde(default)]
    status: String,
}

/// The typed handler: the same decision on a payload decoded for it.
fn decide_typed(payload: Status) -> Result<(), Failed> {
    if payload.status == "fail" {
        Err(Failed)
    } else {
        Ok(())
    }
}

/// The same on a payload that is already text (an SQS body): as from bytes,
/// less the UTF-8 check.
fn decide_text(payload: &str) -> Result<(), Failed> {
    match serde_json::from_str::<Payload<'_>>(payload) {
        Ok(p) if p.status != "fail" => Ok(()),
        _ => Err(Failed),
    }
}

fn payload(i: usize) -> serde_json::Value {
    let fail = i % FAIL_EVERY == FAIL_EVERY - 1;
    json!({"id": i, "status": if fail { "fail" } else { "ok" }, "pad": "x".repeat(PAD)})
}

fn b64(text: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(text)
}

fn sqs_event() -> String {
    let records: Vec<_> = (0..RECORDS)
        .map(|i| {
            json!({
                "messageId": format!("{:08x}-1d1c-4a8b-9c7e-{:012x}", i * 2_654_435_761 % (1 << 32), i),
                "receiptHandle": format!("AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a{i}"),
                "body": payload(i).to_string(),
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
            })
        })
        .collect();
    json!({ "Records": records }).to_string()
}

fn kinesis_event() -> String {
    let records: Vec<_> = (0..RECORDS)
        .map(|i| {
            let seq = format!(
                "4959033827149025660855969253836157109592157598913658{:04}",
                i
            );
            json!({
                "kinesis": {
                    "kinesisSchemaVersion": "1.0",
                    "partitionKey": format!("pk-{}", i % 16),
                    "sequenceNumber": seq,
                    "data": b64(&payload(i).to_string()),
                    "approximateArrivalTimestamp": 1_545_084_650.987
                },
                "eventSource": "aws:kinesis",
                "eventVersion": "1.0",
                "eventID": format!("shardId-000000000006:{seq}"),
                "eventName": "aws:kinesis:record",
                "invokeIdentityArn": "arn:aws:iam::123456789012:role/lambda-role",
                "awsRegion": "us-east-2",
                "eventSourceARN": "arn:aws:kinesis:us-east-2:123456789012:stream/lambda-stream"
            })
        })
        .collect();
    json!({ "Records": records }).to_string()
}

fn dynamodb_event() -> String {
    let records: Vec<_> = (0..RECORDS)
        .map(|i| {
            let fail = i % FAIL_EVERY == FAIL_EVERY - 1;
            json!({
                "eventID": format!("{i:032x}"),
                "eventName": "MODIFY",
                "eventVersion": "1.1",
                "eventSource": "aws:dynamodb",
                "awsRegion": "us-east-2",
                "dynamodb": {
                    "ApproximateCreationDateTime": 1_480_642_020,
                    "Keys": {"id": {"N": i.to_string()}},
                    "NewImage": {
                        "id": {"N": i.to_string()},
                        "status": {"S": if fail { "fail" } else { "ok" }},
                        "pad": {"S": "x".repeat(PAD)},
                        "tags": {"SS": ["a", "b"]},
                        "nested": {"M": {"n": {"N": "1.5"}, "l": {"L": [{"S": "v"}, {"NULL": true}]}}}
                    },
                    "OldImage": {"id": {"N": i.to_string()}},
                    "SequenceNumber": format!("1{:020}", i),
                    "SizeBytes": 59,
                    "StreamViewType": "NEW_AND_OLD_IMAGES"
                },
                "eventSourceARN": "arn:aws:dynamodb:us-east-2:123456789012:table/ExampleTable/stream/2015-06-27T00:48:05.899"
            })
        })
        .collect();
    json!({ "Records": records }).to_string()
}

fn kafka_event() -> String {
    let mut partitions = serde_json::Map::new();
    for p in 0..4 {
        let records: Vec<_> = (0..RECORDS)
            .filter(|i| i % 4 == p)
            .map(|i| {
                json!({
                    "topic": "orders",
                    "partition": p,
                    "offset": i / 4,
                    "timestamp": 1_545_084_650_987_i64,
                    "timestampType": "CREATE_TIME",
                    "key": b64(&format!("order-{i}")),
                    "value": b64(&payload(i).to_string()),
                    "headers": [{"source": [119, 101, 98]}]
                })
            })
            .collect();
        partitions.insert(format!("orders-{p}"), json!(records));
    }
    json!({
        "eventSource": "aws:kafka",
        "eventSourceArn": "arn:aws:kafka:us-east-2:123456789012:cluster/orders/abc",
        "bootstrapServers": "b-1.orders.kafka.us-east-2.amazonaws.com:9092",
        "records": partitions
    })
    .to_string()
}

fn event(name: &str, make: fn() -> String) -> String {
    match std::env::var_os("LAMBDA_BATCH_BENCH_EVENTS") {
        Some(dir) => {
            let path = std::path::Path::new(&dir).join(format!("{name}.json"));
            std::fs::read_to_string(&path).unwrap_or_else(|e| {
                eprintln!("{}: {e}; using the built-in event", path.display());
                make()
            })
        }
        None => make(),
    }
}

/// The records of an event source mapping's event as a pipe sends them: the
/// `Records` list itself, each Kinesis record's `kinesis` object flattened
/// into it.
fn pipe_form(event: &str) -> String {
    let mut event: serde_json::Value = serde_json::from_str(event).expect("a JSON event");
    let mut records = event["Records"].take();
    for record in records.as_array_mut().expect("a list of records") {
        let record = record.as_object_mut().expect("a record");
        if let Some(serde_json::Value::Object(stream)) = record.remove("kinesis") {
            record.extend(stream);
        }
    }
    records.to_string()
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a current-thread runtime");
    let context = Context::default();
    let mut group = c.benchmark_group("process");
    group.sample_size(20);

    macro_rules! source {
        ($name:literal, $make:expr, $processor:expr) => {
            source!($name, $name, $make, $processor)
        };
        ($name:literal, $file:literal, $make:expr, $processor:expr) => {
            source!(@text $name, event($file, $make), $processor)
        };
        (pipe $name:literal, $file:literal, $make:expr, $processor:expr) => {
            source!(@text $name, pipe_form(&event($file, $make)), $processor)
        };
        (@text $name:literal, $text:expr, $processor:expr) => {{
            let text = $text;
            let processor = $processor.raise_on_full_failure(false);
            group.throughput(Throughput::Elements(RECORDS as u64));
            group.bench_function($name, |b| {
                b.iter_batched(
                    || (),
                    |()| {
                        let response = runtime
                            .block_on(processor.process(black_box(&text), &context))
                            .expect("a partial response");
                        black_box(serde_json::to_vec(&response).expect("serialisable"))
                    },
                    BatchSize::SmallInput,
                )
            });
        }};
    }

    source!(
        "sqs",
        sqs_event,
        BatchProcessor::sqs(|r: SqsRecord<'_>| decide_text(r.body()))
    );
    // Typed: the processor decodes each body into `Status` (an owned
    // `String` field) before calling the handler; compare with "sqs".
    source!(
        "sqs-typed",
        "sqs",
        sqs_event,
        BatchProcessor::sqs(typed(decide_typed))
    );
    // The production shapes: a handler given its state by reference, with
    // a hook on each record and on the batch; and the same processor boxed
    // (one allocation a record, for its future). Compare with "sqs".
    source!(
        "sqs-state-hooks",
        "sqs",
        sqs_event,
        BatchProcessor::sqs(with_state(Failed, |r: SqsRecord<'_>, _: &Failed| {
            decide_text(r.body())
        }))
        .on_record(|report: &RecordReport<'_, (), Failed>, _: &Context| {
            black_box(report.index());
        })
        .on_batch(|report: &BatchReport<'_, (), Failed>, _: &Context| {
            black_box(report.len());
        })
    );
    source!(
        "sqs-boxed",
        "sqs",
        sqs_event,
        BatchProcessor::sqs(|r: SqsRecord<'_>| decide_text(r.body())).boxed()
    );
    source!(
        "kinesis",
        kinesis_event,
        BatchProcessor::kinesis(|r: KinesisRecord<'_>| decide(r.data().map_err(|_| Failed)?))
    );
    source!(
        "dynamodb",
        dynamodb_event,
        BatchProcessor::dynamodb(|r: DynamoDbRecord<'_>| {
            // Attribute values: the image is read into a tree on this call.
            let image = r.new_image().map_err(|_| Failed)?;
            let status = image
                .as_ref()
                .and_then(|image| image.get("status"))
                .and_then(|value| value.as_s());
            if status == Some("fail") {
                Err(Failed)
            } else {
                Ok(())
            }
        })
    );
    // Typed: the new image is decoded straight from the event text into
    // `Status`; compare with "dynamodb-minimal-loop".
    source!(
        "dynamodb-typed",
        "dynamodb",
        dynamodb_event,
        BatchProcessor::dynamodb(typed(|images: Images<Status>| images
            .new
            .map_or(Err(Failed), decide_typed)))
    );
    // The new image alone, decoded straight from the text into a borrowed
    // struct: the same work as "dynamodb-minimal-loop".
    source!(
        "dynamodb-new-image",
        "dynamodb",
        dynamodb_event,
        BatchProcessor::dynamodb(|r: DynamoDbRecord<'_>| {
            #[derive(Deserialize)]
            struct NewStatus<'a> {
                #[serde(borrow)]
                status: std::borrow::Cow<'a, str>,
            }
            match r.new_image_as::<NewStatus<'_>>() {
                Ok(Some(image)) if image.status != "fail" => Ok(()),
                _ => Err(Failed),
            }
        })
    );
    // The same batches as a pipe's: compare with "sqs", "kinesis" and "dynamodb".
    source!(
        pipe "sqs-pipe",
        "sqs",
        sqs_event,
        BatchProcessor::sqs(|r: SqsRecord<'_>| decide_text(r.body()))
    );
    source!(
        pipe "kinesis-pipe",
        "kinesis",
        kinesis_event,
        BatchProcessor::kinesis(|r: KinesisRecord<'_>| decide(r.data().map_err(|_| Failed)?))
    );
    source!(
        pipe "dynamodb-pipe",
        "dynamodb",
        dynamodb_event,
        BatchProcessor::dynamodb(|r: DynamoDbRecord<'_>| {
            let image = r.new_image().map_err(|_| Failed)?;
            let status = image
                .as_ref()
                .and_then(|image| image.get("status"))
                .and_then(|value| value.as_s());
            if status == Some("fail") {
                Err(Failed)
            } else {
                Ok(())
            }
        })
    );
    source!(
        "kafka",
        kafka_event,
        BatchProcessor::kafka(|r: KafkaRecord<'_>| {
            decide(r.value().map_err(|_| Failed)?.unwrap_or_default())
        })
    );
    group.finish();

    // Reference points: hand-written loops over minimal borrowed structs
    // (identifier and payload only, no tolerance, no report), the floor for
    // serde_json-based parsing of the same events.
    let sqs = event("sqs", sqs_event);
    let kinesis = event("kinesis", kinesis_event);
    let dynamodb = event("dynamodb", dynamodb_event);
    let mut group = c.benchmark_group("reference");
    group.sample_size(20);
    group.throughput(Throughput::Elements(RECORDS as u64));
    group.bench_function("sqs-minimal-loop", |b| {
        b.iter(|| floor::sqs(black_box(&sqs)))
    });
    group.bench_function("kinesis-minimal-loop", |b| {
        b.iter(|| floor::kinesis(black_box(&kinesis)))
    });
    group.bench_function("dynamodb-minimal-loop", |b| {
        b.iter(|| floor::dynamodb(black_box(&dynamodb)))
    });
    group.finish();

    // The same comparisons, each pair timed in turn, round after round, so
    // that a shared machine's drift moves both sides alike.
    let context = &context;
    let runtime = &runtime;
    let sqs_typed = BatchProcessor::sqs(typed(decide_typed)).raise_on_full_failure(false);
    let sqs_plain =
        BatchProcessor::sqs(|r: SqsRecord<'_>| decide_text(r.body())).raise_on_full_failure(false);
    let kinesis_plain =
        BatchProcessor::kinesis(|r: KinesisRecord<'_>| decide(r.data().map_err(|_| Failed)?))
            .raise_on_full_failure(false);
    let dynamodb_new = BatchProcessor::dynamodb(|r: DynamoDbRecord<'_>| {
        match r.new_image_as::<floor::NewStatus<'_>>() {
            Ok(Some(image)) if image.status != "fail" => Ok(()),
            _ => Err(Failed),
        }
    })
    .raise_on_full_failure(false);
    let sqs_state_hooks =
        BatchProcessor::sqs(with_state(Failed, |r: SqsRecord<'_>, _: &Failed| {
            decide_text(r.body())
        }))
        .on_record(|report: &RecordReport<'_, (), Failed>, _: &Context| {
            black_box(report.index());
        })
        .on_batch(|report: &BatchReport<'_, (), Failed>, _: &Context| {
            black_box(report.len());
        })
        .raise_on_full_failure(false);
    let sqs_boxed = BatchProcessor::sqs(|r: SqsRecord<'_>| decide_text(r.body()))
        .raise_on_full_failure(false)
        .boxed();
    macro_rules! run {
        ($processor:expr) => {
            &|text: &str| {
                let response = runtime
                    .block_on($processor.process(black_box(text), context))
                    .expect("a partial response");
                serde_json::to_vec(&response).expect("serialisable")
            }
        };
    }
    interleaved::report(&[
        ("sqs", &sqs, run!(sqs_plain), &floor::sqs),
        ("sqs-typed", &sqs, run!(sqs_typed), &floor::sqs),
        // Against the plain processor rather than the floor: what state
        // and hooks, and boxing, add.
        (
            "sqs-state-hooks/sqs",
            &sqs,
            run!(sqs_state_hooks),
            run!(sqs_plain),
        ),
        ("sqs-boxed/sqs", &sqs, run!(sqs_boxed), run!(sqs_plain)),
        ("kinesis", &kinesis, run!(kinesis_plain), &floor::kinesis),
        (
            "dynamodb-new-image",
            &dynamodb,
            run!(dynamodb_new),
            &floor::dynamodb,
        ),
    ]);
}

criterion_group!(benches, bench);
criterion_main!(benches);
