//! Hooks: each record's report as it ends and each batch's report, on every
//! path that runs the processor, unable to change the response.

mod common;

use std::sync::{Arc, Mutex};

use common::{block_on, ids, quiet_planned_panics};
use lambda_batch::handler::marker;
use lambda_batch::ordering::FifoMode;
use lambda_batch::source::{Sqs, SqsRecord};
use lambda_batch::{BatchProcessor, BatchReport, BoxProcessor, Context, Outcome, RecordReport};

const EVENT: &str = r#"{"Records":[
    {"messageId":"a","body":"ok"},
    {"messageId":"b","body":"fail"},
    {"messageId":"c","body":"ok"}]}"#;

fn handle(record: SqsRecord<'_>) -> Result<usize, String> {
    match record.body() {
        "fail" => Err("refused".into()),
        body => Ok(body.len()),
    }
}

/// The processor of [`handle`], without hooks: a sync `fn` pointer's
/// processor has a type that can be written out.
type Plain = BatchProcessor<Sqs, fn(SqsRecord<'_>) -> Result<usize, String>, marker::Sync>;

/// What the hooks saw, in order.
type Seen = Arc<Mutex<Vec<String>>>;

fn seen(log: &Seen) -> Vec<String> {
    log.lock().expect("not poisoned").clone()
}

/// `on_record` and `on_batch` hooks writing to one log.
fn observed(processor: Plain, log: &Seen) -> BoxProcessor<Sqs, usize, String> {
    let records = Arc::clone(log);
    let batches = Arc::clone(log);
    processor
        .on_record(
            move |report: &RecordReport<'_, usize, String>, ctx: &Context| {
                let id = report
                    .identifier()
                    .map(ToString::to_string)
                    .unwrap_or_default();
                let what = match report.outcome() {
                    Outcome::Success(n) => format!("ok {n}"),
                    other => other.kind().to_owned(),
                };
                records
                    .lock()
                    .expect("not poisoned")
                    .push(format!("{}:{id} {what}", ctx.request_id));
            },
        )
        .on_batch(
            move |report: &BatchReport<'_, usize, String>, ctx: &Context| {
                let summary = report.summary();
                batches.lock().expect("not poisoned").push(format!(
                    "{}: {} records, {} failed",
                    ctx.request_id, summary.records, summary.failed
                ));
            },
        )
        .boxed()
}

fn sqs() -> Plain {
    BatchProcessor::sqs(handle as fn(SqsRecord<'_>) -> Result<usize, String>)
}

fn context(id: &str) -> Context {
    let mut context = Context::default();
    context.request_id = id.into();
    context
}

#[test]
fn hooks_see_every_record_as_it_ends_then_the_batch() {
    let log = Seen::default();
    let processor = observed(sqs(), &log);
    let response = block_on(processor.process(EVENT, &context("r1"))).expect("a response");
    assert_eq!(ids(&response), ["b"]);
    assert_eq!(
        seen(&log),
        [
            "r1:a ok 2",
            "r1:b failure",
            "r1:c ok 2",
            "r1: 3 records, 1 failed"
        ]
    );
}

#[test]
fn skipped_records_are_seen_too() {
    let log = Seen::default();
    let processor = observed(sqs().fifo(FifoMode::Stop), &log);
    let record = |id: &str, body: &str| {
        format!(
            r#"{{"messageId":"{id}","body":"{body}","eventSourceARN":"arn:aws:sqs:us-east-1:1:q.fifo","attributes":{{"MessageGroupId":"g"}}}}"#
        )
    };
    let event = format!(
        r#"{{"Records":[{},{},{}]}}"#,
        record("a", "ok"),
        record("b", "fail"),
        record("c", "ok")
    );
    let response = block_on(processor.process(&event, &context("r2"))).expect("a response");
    assert_eq!(ids(&response), ["b", "c"]);
    assert_eq!(
        seen(&log),
        [
            "r2:a ok 2",
            "r2:b failure",
            "r2:c skipped",
            "r2: 3 records, 1 failed"
        ]
    );
}

#[test]
fn records_on_several_threads_are_each_seen_once() {
    let log = Seen::default();
    let processor = observed(sqs().parallel(3), &log);
    let records: Vec<String> = (0..60)
        .map(|i| {
            format!(
                r#"{{"messageId":"m{i}","body":"{}"}}"#,
                if i % 5 == 0 { "fail" } else { "ok" }
            )
        })
        .collect();
    let event = format!(r#"{{"Records":[{}]}}"#, records.join(","));
    block_on(processor.process(&event, &context("r3"))).expect("a response");
    let mut lines = seen(&log);
    assert_eq!(lines.pop().as_deref(), Some("r3: 60 records, 12 failed"));
    lines.sort();
    let mut expected: Vec<String> = (0..60)
        .map(|i| format!("r3:m{i} {}", if i % 5 == 0 { "failure" } else { "ok 2" }))
        .collect();
    expected.sort();
    assert_eq!(lines, expected);
}

#[test]
fn a_hook_that_panics_changes_nothing() {
    quiet_planned_panics();
    let processor = sqs()
        .on_record(|_: &RecordReport<'_, usize, String>, _: &Context| {
            panic!("planned panic in the record hook")
        })
        .on_batch(|_: &BatchReport<'_, usize, String>, _: &Context| {
            panic!("planned panic in the batch hook")
        });
    let response = block_on(processor.process(EVENT, &context("r4"))).expect("a response");
    assert_eq!(ids(&response), ["b"]);
}

#[test]
fn hooks_run_when_every_record_fails_and_the_invocation_fails() {
    let log = Seen::default();
    let processor = observed(sqs(), &log);
    let event = r#"{"Records":[{"messageId":"a","body":"fail"}]}"#;
    let error =
        block_on(processor.process(event, &context("r5"))).expect_err("every record failed");
    assert!(matches!(
        error,
        lambda_batch::BatchError::AllRecordsFailed { .. }
    ));
    assert_eq!(seen(&log), ["r5:a failure", "r5: 1 records, 1 failed"]);
}

#[test]
fn an_event_that_cannot_be_read_runs_no_hook() {
    let log = Seen::default();
    let processor = observed(sqs(), &log);
    block_on(processor.process("{", &context("r6"))).expect_err("not JSON");
    assert!(seen(&log).is_empty());
}
