//! Cost of the run modes on 10,000-record SQS events: what concurrent mode
//! adds per record with a no-op async handler, and how a CPU-bound sync
//! handler scales on threads.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use lambda_batch::source::SqsRecord;
use lambda_batch::{BatchProcessor, Context};
use serde_json::json;

const RECORDS: usize = 10_000;

fn sqs_event(records: usize) -> String {
    let records: Vec<_> = (0..records)
        .map(|i| {
            json!({
                "messageId": format!("{:08x}-1d1c-4a8b-9c7e-{:012x}", i * 2_654_435_761 % (1 << 32), i),
                "receiptHandle": format!("AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a{i}"),
                "body": json!({"id": i, "status": if i % 10 == 9 { "fail" } else { "ok" }}).to_string(),
                "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1545082649183"},
                "messageAttributes": {},
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-2:123456789012:my-queue",
                "awsRegion": "us-east-2"
            })
        })
        .collect();
    json!({ "Records": records }).to_string()
}

async fn no_op(record: SqsRecord<'_>) -> Result<(), &'static str> {
    if record.body().ends_with("\"fail\"}") {
        Err("failed")
    } else {
        Ok(())
    }
}

/// A fixed amount of CPU work (about 25 µs on a current core).
fn cpu_bound(record: SqsRecord<'_>) -> Result<u64, &'static str> {
    let mut x = record.body().len() as u64;
    for i in 0..40_000u64 {
        x = (x ^ black_box(i))
            .wrapping_mul(0xBF58_476D_1CE4_E5B9)
            .rotate_left(17);
    }
    Ok(x)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a runtime")
}

fn concurrency(c: &mut Criterion) {
    let event = sqs_event(RECORDS);
    let context = Context::default();
    let runtime = runtime();
    let mut group = c.benchmark_group("async-no-op");
    group.sample_size(20);
    group.throughput(Throughput::Elements(RECORDS as u64));
    for limit in [1, 100, 10_000] {
        let processor = BatchProcessor::sqs(no_op).concurrency(limit);
        group.bench_function(format!("concurrency-{limit}"), |b| {
            b.iter_batched(
                || (),
                |()| {
                    let response = runtime.block_on(processor.process(&event, &context));
                    black_box(serde_json::to_vec(&response.expect("a response")).unwrap())
                },
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

fn threads(c: &mut Criterion) {
    const CPU_RECORDS: usize = 2_000;
    let event = sqs_event(CPU_RECORDS);
    let context = Context::default();
    let runtime = runtime();
    let mut group = c.benchmark_group("sync-cpu");
    group.sample_size(10);
    group.throughput(Throughput::Elements(CPU_RECORDS as u64));
    for threads in [1, 2] {
        let processor = BatchProcessor::sqs(cpu_bound).parallel(threads);
        group.bench_function(format!("threads-{threads}"), |b| {
            b.iter(|| {
                black_box(
                    runtime
                        .block_on(processor.run(&event, &context))
                        .unwrap()
                        .len(),
                )
            })
        });
    }
    group.finish();
}

criterion_group!(benches, concurrency, threads);
criterion_main!(benches);
