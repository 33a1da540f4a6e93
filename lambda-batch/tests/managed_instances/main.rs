//! Lambda Managed Instances: one process, one processor, many invocations in
//! flight at once through `lambda_runtime::run_concurrent`, served by a
//! Runtime API on loopback. No record, failure or response of one invocation
//! reaches another.
//!
//! A case with another processor (such as FIFO ordering) needs only its own
//! handler and events: [`serve`] runs any service this way.

mod runtime_api;

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use lambda_batch::source::SqsRecord;
use lambda_batch::{BatchProcessor, Context};
use lambda_runtime::Runtime;
use runtime_api::{Answer, RuntimeApi};
use serde::Deserialize;
use tokio::sync::Barrier;

/// Concurrent polls of the function (`AWS_LAMBDA_MAX_CONCURRENCY`).
const WORKERS: usize = 8;
const INVOCATIONS: usize = 48;
const RECORDS: usize = 4;

/// Serves `events` (request id, event) with the runtime `make` builds under
/// Lambda's environment, `WORKERS` invocations at a time, and returns every
/// answer and the most invocations in flight at once.
async fn serve<S>(
    events: Vec<(String, String)>,
    make: impl FnOnce() -> Runtime<S>,
) -> (HashMap<String, Answer>, usize)
where
    S: lambda_runtime::Service<
            lambda_runtime::LambdaInvocation,
            Response = (),
            Error = lambda_runtime::Error,
        > + Clone
        + Send
        + 'static,
    S::Future: Send,
{
    // The runtime reads its configuration from the environment when built.
    static ENVIRONMENT: Mutex<()> = Mutex::new(());
    let count = events.len();
    let api = RuntimeApi::start(events);
    let runtime = {
        let _environment = ENVIRONMENT.lock().unwrap_or_else(|e| e.into_inner());
        std::env::set_var("AWS_LAMBDA_RUNTIME_API", api.address());
        std::env::set_var("AWS_LAMBDA_FUNCTION_NAME", "reservations");
        std::env::set_var("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "2048");
        std::env::set_var("AWS_LAMBDA_FUNCTION_VERSION", "1");
        std::env::set_var("AWS_LAMBDA_MAX_CONCURRENCY", WORKERS.to_string());
        make()
    };
    let function = tokio::spawn(runtime.run_concurrent());
    let answers = tokio::task::spawn_blocking(move || {
        let answers = api.answers(count, Duration::from_secs(30));
        (answers, api.most_in_flight())
    })
    .await
    .expect("the answers are collected");
    function.abort();
    answers
}

#[derive(Debug, Deserialize)]
struct Reservation<'a> {
    /// The invocation the record was sent in.
    request: &'a str,
    quantity: u32,
    /// Whether to wait until every worker is in the handler.
    #[serde(default)]
    hold: bool,
}

/// Released once `WORKERS` records wait on it: the first record of each of
/// the first `WORKERS` invocations, which only concurrent invocations reach.
fn every_worker_busy() -> &'static Barrier {
    static BARRIER: OnceLock<Barrier> = OnceLock::new();
    BARRIER.get_or_init(|| Barrier::new(WORKERS))
}

async fn reserve(record: SqsRecord<'_>, context: &Context) -> Result<(), String> {
    let reservation: Reservation<'_> =
        serde_json::from_str(record.body()).map_err(|e| e.to_string())?;
    if reservation.request != context.request_id {
        return Err(format!(
            "a record of {} handled in invocation {}",
            reservation.request, context.request_id
        ));
    }
    if reservation.hold {
        every_worker_busy().wait().await;
    }
    tokio::time::sleep(Duration::from_millis(u64::from(reservation.quantity % 3))).await;
    if reservation.quantity == 0 {
        return Err(format!(
            "{} reserved nothing",
            record.message_id().unwrap_or_default()
        ));
    }
    Ok(())
}

/// What invocation `i` holds, and what it must answer.
fn invocation(i: usize) -> (String, Answer) {
    if i >= WORKERS && i % 12 == 5 {
        let event = format!(r#"{{"Records":{{"messageId":"inv{i}-rec0"}}}}"#);
        return (event, Answer::Error("InvalidEvent".into()));
    }
    let every_one_fails = i % 8 == 7;
    let mut records = Vec::new();
    let mut failed = Vec::new();
    for j in 0..RECORDS {
        let fails = every_one_fails || (i + j) % 3 == 0;
        let quantity = if fails { 0 } else { j + 1 };
        let hold = i < WORKERS && j == 0;
        let body = format!(r#"{{"request":"req-{i}","quantity":{quantity},"hold":{hold}}}"#);
        records.push(serde_json::json!({
            "messageId": format!("inv{i}-rec{j}"),
            "eventSource": "aws:sqs",
            "body": body,
        }));
        if fails {
            failed.push(format!(r#"{{"itemIdentifier":"inv{i}-rec{j}"}}"#));
        }
    }
    let event = serde_json::json!({ "Records": records }).to_string();
    let answer = if every_one_fails {
        Answer::Error("AllRecordsFailed".into())
    } else {
        Answer::Response(format!(r#"{{"batchItemFailures":[{}]}}"#, failed.join(",")))
    };
    (event, answer)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_invocations_keep_their_own_records_and_failures() {
    let mut events = Vec::new();
    let mut expected = HashMap::new();
    for i in 0..INVOCATIONS {
        let (event, answer) = invocation(i);
        events.push((format!("req-{i}"), event));
        expected.insert(format!("req-{i}"), answer);
    }
    let (answers, most_in_flight) = serve(events, || {
        Runtime::new(BatchProcessor::sqs(reserve).into_service())
    })
    .await;

    assert_eq!(most_in_flight, WORKERS, "invocations in flight at once");
    for i in 0..INVOCATIONS {
        let id = format!("req-{i}");
        assert_eq!(answers.get(&id), expected.get(&id), "invocation {i}");
    }
    assert_eq!(answers.len(), INVOCATIONS);
}

/// A FIFO record: fails when its body is `fail`, after a short wait so that
/// invocations overlap.
async fn settle(record: SqsRecord<'_>, context: &Context) -> Result<(), String> {
    let body = record.body().to_owned();
    let id = record.message_id().unwrap_or_default().to_owned();
    if !id.starts_with(&format!("{}-", context.request_id)) {
        return Err(format!("{id} handled in invocation {}", context.request_id));
    }
    tokio::time::sleep(Duration::from_millis(5)).await;
    if body == "fail" {
        Err(format!("{id} refused"))
    } else {
        Ok(())
    }
}

/// FIFO invocation `i`: groups `a` and `b` (the same names in every
/// invocation), four records each, interleaved; in odd invocations group
/// `a` fails at its second record, in the others nothing fails.
fn fifo_invocation(i: usize) -> (String, Answer) {
    let arn = "arn:aws:sqs:us-east-1:123456789012:settlements.fifo";
    let mut records = Vec::new();
    let mut reported = Vec::new();
    for j in 0..8 {
        let group = if j % 2 == 0 { "a" } else { "b" };
        let fails = i % 2 == 1 && j == 2;
        let id = format!("req-{i}-{j}");
        records.push(serde_json::json!({
            "messageId": id,
            "eventSource": "aws:sqs",
            "eventSourceARN": arn,
            "body": if fails { "fail" } else { "ok" },
            "attributes": {"MessageGroupId": group},
        }));
        // From the failure on, group a's records are reported.
        if i % 2 == 1 && group == "a" && j >= 2 {
            reported.push(format!(r#"{{"itemIdentifier":"{id}"}}"#));
        }
    }
    let event = serde_json::json!({ "Records": records }).to_string();
    let answer = Answer::Response(format!(
        r#"{{"batchItemFailures":[{}]}}"#,
        reported.join(",")
    ));
    (event, answer)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifo_state_stays_with_its_invocation() {
    const FIFO_INVOCATIONS: usize = 24;
    let mut events = Vec::new();
    let mut expected = HashMap::new();
    for i in 0..FIFO_INVOCATIONS {
        let (event, answer) = fifo_invocation(i);
        events.push((format!("req-{i}"), event));
        expected.insert(format!("req-{i}"), answer);
    }
    let (answers, most_in_flight) = serve(events, || {
        let processor = BatchProcessor::sqs(settle)
            .fifo(lambda_batch::FifoMode::SkipGroup)
            .concurrency(2);
        Runtime::new(processor.into_service())
    })
    .await;

    // Overlapping invocations with a failed group `a` and a clean one: a
    // failure that leaked would skip the clean invocation's group `a`.
    assert!(
        most_in_flight > 1,
        "invocations in flight at once: {most_in_flight}"
    );
    for i in 0..FIFO_INVOCATIONS {
        let id = format!("req-{i}");
        assert_eq!(answers.get(&id), expected.get(&id), "invocation {i}");
    }
    assert_eq!(answers.len(), FIFO_INVOCATIONS);
}
