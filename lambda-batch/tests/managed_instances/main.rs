//! Lambda Managed Instances: one process, one processor, many invocations in
//! flight at once through `lambda_batch::run_concurrent`, served by a Runtime
//! API on loopback. No record, failure or response of one invocation reaches
//! another. The same Runtime API serves `lambda_batch::run`, one invocation
//! at a time, and the errors both post.
//!
//! A case with another processor (such as FIFO ordering) needs only its own
//! handler and events: [`serve`] runs any function this way.

mod runtime_api;

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use lambda_batch::source::SqsRecord;
use lambda_batch::{BatchProcessor, Context};
use runtime_api::{Answer, Event, RuntimeApi};
use serde::Deserialize;
use tokio::sync::{Barrier, Mutex};

/// Concurrent polls of the function (`AWS_LAMBDA_MAX_CONCURRENCY`).
const WORKERS: usize = 8;
const INVOCATIONS: usize = 48;
const RECORDS: usize = 4;

/// Serves `events` (request id, event) with the function `start` runs
/// under Lambda's environment, with `AWS_LAMBDA_MAX_CONCURRENCY` set to
/// `workers`, and returns every answer and the most invocations in flight
/// at once.
async fn serve<F>(
    events: Vec<(String, Event)>,
    workers: usize,
    start: impl FnOnce() -> F,
) -> (HashMap<String, Answer>, usize)
where
    F: Future<Output = Result<(), lambda_runtime::Error>> + Send + 'static,
{
    // The runtime reads its configuration from the environment when it
    // starts, at its first poll: the tests take turns.
    static ENVIRONMENT: Mutex<()> = Mutex::const_new(());
    let _environment = ENVIRONMENT.lock().await;
    let count = events.len();
    let api = RuntimeApi::start(events);
    std::env::set_var("AWS_LAMBDA_RUNTIME_API", api.address());
    std::env::set_var("AWS_LAMBDA_FUNCTION_NAME", "reservations");
    std::env::set_var("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "2048");
    std::env::set_var("AWS_LAMBDA_FUNCTION_VERSION", "1");
    std::env::set_var("AWS_LAMBDA_MAX_CONCURRENCY", workers.to_string());
    let function = tokio::spawn(start());
    let answers = tokio::task::spawn_blocking(move || {
        let answers = api.answers(count, Duration::from_secs(30));
        (answers, api.most_in_flight())
    })
    .await
    .expect("the answers are collected");
    function.abort();
    answers
}

/// Request ids `req-0`, `req-1`, ... for `events`, and their expected
/// answers by request id.
fn numbered(
    events: impl IntoIterator<Item = (String, Answer)>,
) -> (Vec<(String, Event)>, HashMap<String, Answer>) {
    let mut numbered = Vec::new();
    let mut expected = HashMap::new();
    for (i, (event, answer)) in events.into_iter().enumerate() {
        numbered.push((format!("req-{i}"), Arc::from(event.into_bytes())));
        expected.insert(format!("req-{i}"), answer);
    }
    (numbered, expected)
}

/// Checks every answer against `expected`.
fn check(answers: &HashMap<String, Answer>, expected: &HashMap<String, Answer>) {
    for (id, answer) in expected {
        assert_eq!(answers.get(id), Some(answer), "invocation {id}");
    }
    assert_eq!(answers.len(), expected.len());
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

/// What invocation `i` holds, and what it must answer. With `hold`, the
/// first record of each of the first `WORKERS` invocations waits until all
/// of them are in the handler.
fn invocation(i: usize, hold: bool) -> (String, Answer) {
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
        let hold = hold && i < WORKERS && j == 0;
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
    let (events, expected) = numbered((0..INVOCATIONS).map(|i| invocation(i, true)));
    let (answers, most_in_flight) = serve(events, WORKERS, || {
        lambda_batch::run_concurrent(BatchProcessor::sqs(reserve))
    })
    .await;

    assert_eq!(most_in_flight, WORKERS, "invocations in flight at once");
    check(&answers, &expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn run_serves_one_invocation_at_a_time() {
    let (events, expected) = numbered((0..INVOCATIONS).map(|i| invocation(i, false)));
    let (answers, most_in_flight) = serve(events, 1, || {
        lambda_batch::run(BatchProcessor::sqs(reserve))
    })
    .await;

    assert_eq!(most_in_flight, 1, "invocations in flight at once");
    check(&answers, &expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_service_that_reads_the_event_twice_answers_the_same() {
    let (events, expected) = numbered((0..INVOCATIONS).map(|i| invocation(i, true)));
    let (answers, _) = serve(events, WORKERS, || {
        let service = BatchProcessor::sqs(reserve).into_service();
        lambda_runtime::run_concurrent(service)
    })
    .await;

    check(&answers, &expected);
}

/// Fails every record; panics on a record whose body is `panic`.
fn refuse(record: SqsRecord<'_>) -> Result<(), String> {
    assert_ne!(record.body(), "panic", "the handler panicked");
    Err(format!("{} refused", record.body()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn batch_errors_are_posted_as_errors_of_their_type() {
    let record = |id: &str, body: &str| serde_json::json!({"messageId": id, "body": body});
    let event = |records: Vec<serde_json::Value>| serde_json::json!({ "Records": records });
    let cases = [
        (
            event(vec![record("a", "x"), record("b", "panic")]).to_string(),
            Answer::Error("AllRecordsFailed".into()),
        ),
        (
            event(vec![serde_json::json!({"body": "x"})]).to_string(),
            Answer::Error("MissingIdentifier".into()),
        ),
        ("not JSON".to_owned(), Answer::Error("InvalidEvent".into())),
        (
            r#"{"Records":"nothing"}"#.to_owned(),
            Answer::Error("InvalidEvent".into()),
        ),
        // An empty batch: nothing to report, and the runtime goes on after
        // the errors.
        (
            event(Vec::new()).to_string(),
            Answer::Response(r#"{"batchItemFailures":[]}"#.into()),
        ),
    ];
    let (mut events, mut expected) = numbered(cases);
    // Bytes that are not UTF-8, which JSON must be.
    events.push((
        "req-utf8".into(),
        Arc::from(&b"{\"Records\":[\"\xff\"]}"[..]),
    ));
    expected.insert("req-utf8".into(), Answer::Error("InvalidEvent".into()));
    let (answers, _) = serve(events, 1, || lambda_batch::run(BatchProcessor::sqs(refuse))).await;

    check(&answers, &expected);
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
    let (events, expected) = numbered((0..FIFO_INVOCATIONS).map(fifo_invocation));
    let (answers, most_in_flight) = serve(events, WORKERS, || {
        let processor = BatchProcessor::sqs(settle)
            .fifo(lambda_batch::ordering::FifoMode::SkipGroup)
            .concurrency(2);
        lambda_batch::run_concurrent(processor)
    })
    .await;

    // Overlapping invocations with a failed group `a` and a clean one: a
    // failure that leaked would skip the clean invocation's group `a`.
    assert!(
        most_in_flight > 1,
        "invocations in flight at once: {most_in_flight}"
    );
    check(&answers, &expected);
}

/// Counts the records each invocation handled, by request id: the state of
/// a stateful handler, shared by every invocation in flight.
#[derive(Debug, Default)]
struct Ledger {
    handled: std::sync::Mutex<HashMap<String, usize>>,
}

async fn reserve_in(
    record: SqsRecord<'_>,
    ledger: &Arc<Ledger>,
    context: &Context,
) -> Result<(), String> {
    let result = reserve(record, context).await;
    let mut handled = ledger.handled.lock().expect("not poisoned");
    *handled.entry(context.request_id.clone()).or_default() += 1;
    result
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn state_and_hooks_serve_every_concurrent_invocation() {
    let (events, expected) = numbered((0..INVOCATIONS).map(|i| invocation(i, true)));
    type Seen = Arc<std::sync::Mutex<Vec<(String, usize, usize)>>>;
    let batches = Seen::default();
    let records = Arc::new(std::sync::Mutex::new(HashMap::<String, usize>::new()));
    let ledger = Arc::new(Ledger::default());
    let (answers, most_in_flight) = serve(events, WORKERS, {
        let (batches, records, ledger) = (
            Arc::clone(&batches),
            Arc::clone(&records),
            Arc::clone(&ledger),
        );
        move || {
            let processor =
                BatchProcessor::sqs(lambda_batch::handler::with_state(ledger, reserve_in))
                    .on_record(
                        move |_: &lambda_batch::RecordReport<'_, (), String>, ctx: &Context| {
                            *records
                                .lock()
                                .expect("not poisoned")
                                .entry(ctx.request_id.clone())
                                .or_default() += 1;
                        },
                    )
                    .on_batch(
                        move |report: &lambda_batch::BatchReport<'_, (), String>, ctx: &Context| {
                            batches.lock().expect("not poisoned").push((
                                ctx.request_id.clone(),
                                report.len(),
                                report.failed(),
                            ));
                        },
                    );
            lambda_batch::run_concurrent(processor)
        }
    })
    .await;

    assert_eq!(most_in_flight, WORKERS, "invocations in flight at once");
    check(&answers, &expected);
    // Every invocation that could be read was seen once by the batch hook,
    // with its own counts; each of its records once by the record hook and
    // once by the handler, through the shared state.
    let mut batches = batches.lock().expect("not poisoned").clone();
    batches.sort();
    let mut readable: Vec<(String, usize, usize)> = expected
        .iter()
        .filter_map(|(id, answer)| {
            let failed = match answer {
                Answer::Response(json) => json.matches("itemIdentifier").count(),
                Answer::Error(kind) if kind == "AllRecordsFailed" => RECORDS,
                Answer::Error(_) => return None,
            };
            Some((id.clone(), RECORDS, failed))
        })
        .collect();
    readable.sort();
    assert_eq!(batches, readable);
    let records = records.lock().expect("not poisoned").clone();
    let handled = ledger.handled.lock().expect("not poisoned").clone();
    assert_eq!(records.len(), readable.len());
    for (id, _, _) in &readable {
        assert_eq!(records.get(id), Some(&RECORDS), "records seen of {id}");
        assert_eq!(handled.get(id), Some(&RECORDS), "records handled of {id}");
    }
}
