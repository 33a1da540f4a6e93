//! Where an invocation's time goes: the steps of each function timed in
//! process, on the benchmark's event, without the runtime or the network.

use std::hint::black_box;
use std::time::{Duration, Instant};

use aws_lambda_events::event::sqs::SqsEvent;
use lambda_batch::typed::typed;
use lambda_batch::{BatchProcessor, Context};
use serde_json::value::RawValue;

use super::event::Status;
use super::{decide_typed, median, ms, sqs_response};

const RUNS: usize = 30;

/// The median time of `step` over `RUNS` runs.
fn time<T>(mut step: impl FnMut() -> T) -> Duration {
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            black_box(step());
            start.elapsed()
        })
        .collect();
    median(&mut times)
}

/// Prints the median time of each step, in milliseconds.
pub fn print(event: &[u8]) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a current-thread runtime");
    let processor = BatchProcessor::sqs(typed(decide_typed));
    let context = Context::default();
    let text = std::str::from_utf8(event).expect("the event is UTF-8");
    let steps = [
        (
            "UTF-8 check of the body (one pass)",
            time(|| std::str::from_utf8(black_box(event)).map(str::len)),
        ),
        (
            "lambda-batch typed: process + serialize the response",
            time(|| {
                let response = runtime
                    .block_on(processor.process(black_box(text), &context))
                    .expect("a partial response");
                serde_json::to_vec(&response).expect("serializable")
            }),
        ),
        (
            "into_service only: deserialize Box<RawValue> (check + copy)",
            time(|| {
                let raw: Box<RawValue> = serde_json::from_slice(black_box(event)).expect("JSON");
                raw.get().len()
            }),
        ),
        (
            "(a): deserialize SqsEvent",
            time(|| {
                let parsed: SqsEvent = serde_json::from_slice(black_box(event)).expect("an event");
                parsed.records.len()
            }),
        ),
        (
            "(a): deserialize SqsEvent + loop + serialize the response",
            time(|| {
                let parsed: SqsEvent = serde_json::from_slice(black_box(event)).expect("an event");
                serde_json::to_vec(&sqs_response(parsed)).expect("serializable")
            }),
        ),
        (
            "(a): one body into Status, x10,000",
            time(|| {
                let body = r#"{"id":1,"status":"ok","pad":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}"#;
                (0..super::event::RECORDS)
                    .filter(|_| serde_json::from_str::<Status>(black_box(body)).is_ok())
                    .count()
            }),
        ),
    ];
    println!();
    println!("Steps in process, median of {RUNS} runs:");
    for (step, took) in steps {
        println!("  {:>8} ms  {step}", ms(took));
    }
}
