//! Typed Kafka values by format: the same 10,000-record event with JSON
//! values, with Avro values (in a Confluent frame) and, with the `protobuf`
//! feature, Protocol Buffers values (in a Confluent frame), each decoded into
//! a struct by a typed handler that fails when `status` is "fail" (10% of
//! records). Whole path: parse the event, decode each value, run the
//! handler, build and serialise the response.
//!
//! After criterion's figures, the paths are timed in turn, round after round,
//! and the medians per record and their ratio to the JSON path printed.
//!
//! `cargo bench -p lambda-batch --features avro,protobuf --bench kafka_formats`

use std::hint::black_box;
use std::time::{Duration, Instant};

use base64::Engine as _;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use lambda_batch::typed::kafka::apache_avro::types::Value;
use lambda_batch::typed::kafka::{Avro, AvroSchema, WriterSchema};
use lambda_batch::typed::typed;
use lambda_batch::{BatchProcessor, Context};
use serde::Deserialize;
use serde_json::json;

const RECORDS: usize = 10_000;
const FAIL_EVERY: usize = 10;
const PAD: usize = 64;
const ROUNDS: usize = 40;

#[derive(Deserialize)]
struct Order {
    #[allow(dead_code)]
    id: u64,
    status: String,
    #[allow(dead_code)]
    pad: String,
}

impl AvroSchema for Order {
    fn writer_schema() -> &'static WriterSchema {
        static SCHEMA: WriterSchema = WriterSchema::new(
            r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"long"},
                {"name":"status","type":"string"},{"name":"pad","type":"string"}]}"#,
        );
        &SCHEMA
    }
}

#[cfg(feature = "protobuf")]
#[derive(Clone, PartialEq, prost::Message)]
struct OrderMessage {
    #[prost(uint64, tag = "1")]
    id: u64,
    #[prost(string, tag = "2")]
    status: String,
    #[prost(string, tag = "3")]
    pad: String,
}

#[derive(Debug)]
struct Failed;

impl std::fmt::Display for Failed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("record failed")
    }
}

fn decide(status: &str) -> Result<(), Failed> {
    if status == "fail" {
        Err(Failed)
    } else {
        Ok(())
    }
}

fn status(i: usize) -> &'static str {
    if i % FAIL_EVERY == FAIL_EVERY - 1 {
        "fail"
    } else {
        "ok"
    }
}

/// A 10,000-record event over 4 partitions whose value `i` is `value(i)`.
fn event(value: impl Fn(usize) -> Vec<u8>) -> String {
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut partitions = serde_json::Map::new();
    for p in 0..4 {
        let records: Vec<_> = (0..RECORDS)
            .filter(|i| i % 4 == p)
            .map(|i| {
                json!({
                    "topic": "orders", "partition": p, "offset": i / 4,
                    "timestamp": 1_545_084_650_987_i64, "timestampType": "CREATE_TIME",
                    "key": b64.encode(format!("order-{i}")),
                    "value": b64.encode(value(i)),
                    "headers": [{"source": [119, 101, 98]}]
                })
            })
            .collect();
        partitions.insert(format!("orders-{p}"), json!(records));
    }
    json!({"eventSource": "aws:kafka", "records": partitions}).to_string()
}

fn json_value(i: usize) -> Vec<u8> {
    json!({"id": i, "status": status(i), "pad": "x".repeat(PAD)})
        .to_string()
        .into_bytes()
}

fn avro_value(i: usize) -> Vec<u8> {
    let schema = Order::writer_schema().schema().expect("the schema parses");
    let value = Value::Record(vec![
        ("id".into(), Value::Long(i as i64)),
        ("status".into(), Value::String(status(i).into())),
        ("pad".into(), Value::String("x".repeat(PAD))),
    ]);
    let datum = lambda_batch::typed::kafka::apache_avro::to_avro_datum(schema, value)
        .expect("the datum encodes");
    [&[0, 0, 0, 0, 1][..], &datum].concat()
}

#[cfg(feature = "protobuf")]
fn protobuf_value(i: usize) -> Vec<u8> {
    use prost::Message as _;
    let message = OrderMessage {
        id: i as u64,
        status: status(i).into(),
        pad: "x".repeat(PAD),
    };
    [&[0, 0, 0, 0, 1, 0][..], &message.encode_to_vec()].concat()
}

type Run<'a> = Box<dyn Fn(&str) -> Vec<u8> + 'a>;

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a current-thread runtime");
    let context = Context::default();
    let json_event = event(json_value);
    let avro_event = event(avro_value);
    let json =
        BatchProcessor::kafka(typed(|o: Order| decide(&o.status))).raise_on_full_failure(false);
    let avro = BatchProcessor::kafka(typed(|o: Avro<Order>| decide(&o.status)))
        .raise_on_full_failure(false);
    #[cfg(feature = "protobuf")]
    let protobuf_event = event(protobuf_value);
    #[cfg(feature = "protobuf")]
    let protobuf = {
        use lambda_batch::typed::kafka::Protobuf;
        BatchProcessor::kafka(typed(|o: Protobuf<OrderMessage>| decide(&o.status)))
            .raise_on_full_failure(false)
    };
    let run = |processor: &dyn Fn(&str) -> Vec<u8>, text: &str| processor(black_box(text));
    macro_rules! runner {
        ($processor:expr) => {
            Box::new(|text: &str| {
                let response = runtime
                    .block_on($processor.process(text, &context))
                    .expect("a partial response");
                serde_json::to_vec(&response).expect("serialisable")
            }) as Run<'_>
        };
    }
    let mut paths: Vec<(&str, &String, Run<'_>)> = vec![
        ("json-typed", &json_event, runner!(json)),
        ("avro-typed", &avro_event, runner!(avro)),
    ];
    #[cfg(feature = "protobuf")]
    paths.push(("protobuf-typed", &protobuf_event, runner!(protobuf)));

    // Every path reports the same records.
    let expected = run(&*paths[0].2, paths[0].1);
    for (name, text, processor) in &paths {
        assert_eq!(run(&**processor, text), expected, "{name}");
    }

    let mut group = c.benchmark_group("kafka-formats");
    group.sample_size(20);
    group.throughput(Throughput::Elements(RECORDS as u64));
    for (name, text, processor) in &paths {
        group.bench_function(*name, |b| b.iter(|| run(&**processor, text)));
    }
    group.finish();

    // In turn, round after round: a shared machine's drift moves all alike.
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); paths.len()];
    for _ in 0..ROUNDS {
        for ((_, text, processor), times) in paths.iter().zip(&mut times) {
            let started = Instant::now();
            black_box(run(&**processor, text));
            times.push(started.elapsed());
        }
    }
    let median = |times: &mut Vec<Duration>| {
        times.sort();
        times[times.len() / 2].as_secs_f64() * 1e6 / RECORDS as f64
    };
    let medians: Vec<f64> = times.iter_mut().map(median).collect();
    println!("\nin turn, {ROUNDS} rounds, median per record:");
    for ((name, _, _), us) in paths.iter().zip(&medians) {
        println!(
            "  {name:<16} {us:.3} µs  ({:.2}x json-typed)",
            us / medians[0]
        );
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
