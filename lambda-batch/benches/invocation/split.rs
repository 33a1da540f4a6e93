//! Where an invocation's time goes: the steps of each function timed in
//! process, on the benchmark's event, without the runtime or the network.

use std::hint::black_box;
use std::time::{Duration, Instant};

use aws_lambda_events::event::sqs::SqsEvent;
use lambda_batch::source::SqsRecord;
use lambda_batch::typed::typed;
use lambda_batch::{BatchProcessor, Context};
use serde_json::value::RawValue;

use super::{decide_typed, median, ms, sqs_response, Failed};

const RUNS: usize = 30;

/// One step, run for its time.
type Step<'a> = Box<dyn FnMut() -> usize + 'a>;

/// The time `step` takes, once.
fn once(step: &mut Step<'_>) -> Duration {
    let start = Instant::now();
    black_box(step());
    start.elapsed()
}

/// Prints the median time of each step, in milliseconds, over `RUNS` rounds
/// that each run every step once.
pub fn print(event: &[u8]) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a current-thread runtime");
    let processor = BatchProcessor::sqs(typed(decide_typed));
    let reading_nothing = BatchProcessor::sqs(|_: SqsRecord<'_>| Ok::<(), Failed>(()));
    let context = Context::default();
    let text = std::str::from_utf8(event).expect("the event is UTF-8");
    let mut steps: Vec<(&str, Step<'_>)> = vec![
        (
            "UTF-8 check of the body (one pass)",
            Box::new(|| std::str::from_utf8(black_box(event)).map_or(0, str::len)),
        ),
        (
            "lambda-batch: process, handler reading nothing + serialize",
            Box::new(|| {
                let response = runtime
                    .block_on(reading_nothing.process(black_box(text), &context))
                    .expect("a response");
                serde_json::to_vec(&response).expect("serializable").len()
            }),
        ),
        (
            "lambda-batch typed: process + serialize the response",
            Box::new(|| {
                let response = runtime
                    .block_on(processor.process(black_box(text), &context))
                    .expect("a partial response");
                serde_json::to_vec(&response).expect("serializable").len()
            }),
        ),
        (
            "into_service and (b): deserialize Box<RawValue> (check + copy)",
            Box::new(|| {
                let raw: Box<RawValue> = serde_json::from_slice(black_box(event)).expect("JSON");
                raw.get().len()
            }),
        ),
        (
            "(a): deserialize SqsEvent",
            Box::new(|| {
                let parsed: SqsEvent = serde_json::from_slice(black_box(event)).expect("an event");
                parsed.records.len()
            }),
        ),
        (
            "(a): deserialize SqsEvent + loop + serialize the response",
            Box::new(|| {
                let parsed: SqsEvent = serde_json::from_slice(black_box(event)).expect("an event");
                serde_json::to_vec(&sqs_response(parsed))
                    .expect("serializable")
                    .len()
            }),
        ),
    ];
    let mut times = vec![Vec::with_capacity(RUNS); steps.len()];
    for _ in 0..RUNS {
        for ((_, step), times) in steps.iter_mut().zip(&mut times) {
            times.push(once(step));
        }
    }
    println!();
    println!("Steps in process, medians of {RUNS} rounds:");
    for ((step, _), times) in steps.iter().zip(&mut times) {
        println!("  {:>8} ms  {step}", ms(median(times)));
    }
}
