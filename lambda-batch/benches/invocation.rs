//! Whole invocations through `lambda_runtime`: a Runtime API on loopback
//! hands out a 10,000-record SQS event (one record in ten failing) and
//! the function posts its response, one invocation at a time. Each
//! function runs as it is deployed, with `lambda_runtime`'s tracing layer
//! (no subscriber), on a one-worker Tokio runtime in a thread of its own:
//!
//! - lambda-batch, typed handler, through `lambda_batch::run` (one pass
//!   over the event);
//! - the same processor through `lambda_runtime::run(processor.into_service())`
//!   (the event checked and copied by `lambda_runtime`, then parsed);
//! - (a) a hand-written `LambdaEvent<SqsEvent>` loop (`aws_lambda_events`)
//!   that decodes each body into the same struct and builds an
//!   `SqsBatchResponse`;
//! - (b) a `LambdaEvent<Box<RawValue>>` function that answers
//!   `{"batchItemFailures":[]}` without reading the event.
//!
//! Criterion reports each. Then, for figures that the load of a shared
//! machine skews least, every function is invoked in turn, round after
//! round (the order turning each round): the medians of those invocations
//! and their ratios to (a) and (b) are printed, and the steps timed in
//! process.

#[path = "../tests/managed_instances/runtime_api.rs"]
mod runtime_api;

#[path = "invocation/event.rs"]
mod event;
#[path = "invocation/function.rs"]
mod function;
#[path = "invocation/split.rs"]
mod split;

use std::time::Duration;

use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent};
use criterion::Criterion;
use lambda_batch::typed::typed;
use lambda_batch::BatchProcessor;
use lambda_runtime::{service_fn, LambdaEvent};
use serde_json::value::RawValue;

use event::Status;
use function::Function;
use runtime_api::{Answer, Event};

#[derive(Debug)]
struct Failed;

impl std::fmt::Display for Failed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("record failed")
    }
}

/// The typed handler: fails when `status` is "fail".
fn decide_typed(payload: Status) -> Result<(), Failed> {
    if payload.status == "fail" {
        Err(Failed)
    } else {
        Ok(())
    }
}

/// (a)'s loop: every body decoded into [`Status`]; the records that fail,
/// or whose body does not decode, reported.
fn sqs_response(event: SqsEvent) -> SqsBatchResponse {
    let mut response = SqsBatchResponse::default();
    for message in event.records {
        let status = message
            .body
            .as_deref()
            .and_then(|body| serde_json::from_str::<Status>(body).ok());
        if status.is_none_or(|s| s.status == "fail") {
            let mut failure = BatchItemFailure::default();
            failure.item_identifier = message.message_id.unwrap_or_default();
            response.batch_item_failures.push(failure);
        }
    }
    response
}

async fn hand_written(
    event: LambdaEvent<SqsEvent>,
) -> Result<SqsBatchResponse, lambda_runtime::Error> {
    Ok(sqs_response(event.payload))
}

async fn empty_answer(
    _event: LambdaEvent<Box<RawValue>>,
) -> Result<SqsBatchResponse, lambda_runtime::Error> {
    Ok(SqsBatchResponse::default())
}

/// The functions, by label and Criterion name.
const ONE_PASS: (&str, &str) = ("lambda-batch typed, one pass", "lambda-batch-one-pass");
const INTO_SERVICE: (&str, &str) = (
    "lambda-batch typed, into_service",
    "lambda-batch-into-service",
);
const HAND_WRITTEN: (&str, &str) = ("(a) LambdaEvent<SqsEvent> loop", "sqs-event-loop");
const EMPTY_ANSWER: (&str, &str) = ("(b) LambdaEvent<Box<RawValue>>, []", "raw-value-empty");

/// Starts every function, checking its first answer.
fn functions(event: &Event) -> Vec<((&'static str, &'static str), Function)> {
    let expected = Answer::Response(event::expected_response());
    let empty = Answer::Response(r#"{"batchItemFailures":[]}"#.to_owned());
    let started = [
        (
            ONE_PASS,
            Function::start(
                || lambda_batch::run(BatchProcessor::sqs(typed(decide_typed))),
                event,
            ),
            &expected,
        ),
        (
            INTO_SERVICE,
            Function::start(
                || lambda_runtime::run(BatchProcessor::sqs(typed(decide_typed)).into_service()),
                event,
            ),
            &expected,
        ),
        (
            HAND_WRITTEN,
            Function::start(|| lambda_runtime::run(service_fn(hand_written)), event),
            &expected,
        ),
        (
            EMPTY_ANSWER,
            Function::start(|| lambda_runtime::run(service_fn(empty_answer)), event),
            &empty,
        ),
    ];
    started
        .into_iter()
        .map(|(names, (function, answer), expected)| {
            assert!(answer == *expected, "{}: unexpected answer", names.0);
            (names, function)
        })
        .collect()
}

/// The median of `times`.
fn median(times: &mut [Duration]) -> Duration {
    times.sort_unstable();
    match times.len() {
        0 => Duration::ZERO,
        n if n % 2 == 1 => times[n / 2],
        n => (times[n / 2 - 1] + times[n / 2]) / 2,
    }
}

fn ms(duration: Duration) -> String {
    format!("{:.3}", duration.as_secs_f64() * 1e3)
}

/// Rounds of the interleaved pass: one invocation of every function each.
const ROUNDS: usize = 200;

fn main() {
    let text = event::sqs_event();
    let event: Event = text.into_bytes().into();
    let mut criterion = Criterion::default()
        .sample_size(20)
        .measurement_time(Duration::from_secs(5))
        .configure_from_args();
    let mut functions = functions(&event);
    {
        let mut group = criterion.benchmark_group("invocation");
        for ((_, name), function) in &mut functions {
            group.bench_function(*name, |b| {
                b.iter_custom(|iterations| (0..iterations).map(|_| function.invoke(&event).0).sum())
            });
        }
        group.finish();
    }
    criterion.final_summary();
    // `cargo test --benches` runs each benchmark once, as a test.
    let rounds = if std::env::args().any(|arg| arg == "--bench") {
        ROUNDS
    } else {
        1
    };
    report(&interleaved(&mut functions, &event, rounds), event.len());
    split::print(&event);
}

/// Every function's median over `rounds` invocations made in turn.
fn interleaved(
    functions: &mut [((&'static str, &'static str), Function)],
    event: &Event,
    rounds: usize,
) -> Vec<(&'static str, Duration, usize)> {
    let mut times = vec![Vec::with_capacity(rounds); functions.len()];
    for round in 0..rounds {
        for k in 0..functions.len() {
            let k = (k + round) % functions.len();
            times[k].push(functions[k].1.invoke(event).0);
        }
    }
    functions
        .iter()
        .zip(&mut times)
        .map(|(((label, _), _), times)| (*label, median(times), times.len()))
        .collect()
}

/// Prints each function's median and its ratios to (a) and (b).
fn report(medians: &[(&str, Duration, usize)], bytes: usize) {
    let of = |label: &str| medians.iter().find(|m| m.0 == label).map(|m| m.1);
    let (a, b) = (of(HAND_WRITTEN.0), of(EMPTY_ANSWER.0));
    let ratio = |took: Duration, to: Option<Duration>| {
        to.map_or_else(
            || "-".to_owned(),
            |to| format!("{:.2}x", took.as_secs_f64() / to.as_secs_f64()),
        )
    };
    println!();
    println!(
        "Per invocation, {} records, {:.2} MB event; medians of the invocations made in turn:",
        event::RECORDS,
        bytes as f64 / 1e6
    );
    println!(
        "  {:<36} {:>10} {:>8} {:>8} {:>8}",
        "function", "median ms", "vs (a)", "vs (b)", "timed"
    );
    for &(label, took, count) in medians {
        println!(
            "  {label:<36} {:>10} {:>8} {:>8} {count:>8}",
            ms(took),
            ratio(took, a),
            ratio(took, b)
        );
    }
}
