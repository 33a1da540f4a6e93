//! Every typed handler form is accepted and called with the decoded payload.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};

use lambda_batch::source::{KinesisRecord, SqsRecord};
use lambda_batch::typed::{typed, TypedError};
use lambda_batch::{BatchProcessor, Context, FailureReason, Outcome};

use common::block_on;

#[derive(Debug, serde::Deserialize)]
struct Status {
    status: String,
}

fn check(status: &Status) -> Result<(), String> {
    if status.status == "fail" {
        Err("status is fail".to_owned())
    } else {
        Ok(())
    }
}

fn sync_payload(status: Status) -> Result<(), String> {
    check(&status)
}
fn sync_context(status: Status, _ctx: &Context) -> Result<(), String> {
    check(&status)
}
async fn async_payload(status: Status) -> Result<(), String> {
    check(&status)
}
async fn async_context(status: Status, ctx: &Context) -> Result<(), String> {
    let _ = &ctx.request_id;
    check(&status)
}
fn sync_record(status: Status, record: SqsRecord<'_>) -> Result<String, String> {
    check(&status).map(|()| record.message_id().unwrap_or_default().to_owned())
}
fn sync_record_context(
    status: Status,
    record: SqsRecord<'_>,
    _ctx: &Context,
) -> Result<String, String> {
    sync_record(status, record)
}
async fn async_record(status: Status, record: SqsRecord<'_>) -> Result<String, String> {
    sync_record(status, record)
}
async fn async_record_context(
    status: Status,
    record: SqsRecord<'_>,
    _ctx: &Context,
) -> Result<String, String> {
    sync_record(status, record)
}

const EVENT: &str = r#"{"Records":[
    {"messageId":"a","body":"{\"status\":\"ok\"}"},
    {"messageId":"b","body":"{\"status\":7}"},
    {"messageId":"c","body":"{\"status\":\"fail\"}"},
    {"messageId":"d","body":"{\"status\":\"ok\"}"}]}"#;

macro_rules! each_form {
    ($($handler:expr),* $(,)?) => {$({
        let processor = BatchProcessor::sqs(typed($handler));
        let response = block_on(processor.process(EVENT, &Context::default())).expect("a response");
        let failed: Vec<String> = response.identifiers().map(|id| id.to_string()).collect();
        assert_eq!(failed, ["b", "c"], "{}", stringify!($handler));
    })*};
}

#[test]
fn every_form_decodes_and_reports() {
    each_form!(
        sync_payload,
        sync_context,
        async_payload,
        async_context,
        sync_record,
        sync_record_context,
        async_record,
        async_record_context,
        |status: Status| check(&status),
        |status: Status, record: SqsRecord<'_>| check(&status).map(|()| record.body().len()),
    );
}

#[test]
fn decode_failures_do_not_call_the_handler_and_name_the_path() {
    let calls = AtomicUsize::new(0);
    let processor = BatchProcessor::kinesis(typed(|status: Status, _: KinesisRecord<'_>| {
        calls.fetch_add(1, Ordering::SeqCst);
        check(&status)
    }));
    // data: {"status":"ok"}, {"status":[1]}, not JSON, {"status":"ok"}
    let event = r#"{"Records":[
        {"kinesis":{"sequenceNumber":"1","data":"eyJzdGF0dXMiOiJvayJ9"}},
        {"kinesis":{"sequenceNumber":"2","data":"eyJzdGF0dXMiOlsxXX0="}},
        {"kinesis":{"sequenceNumber":"3","data":"bm90IGpzb24="}},
        {"kinesis":{"sequenceNumber":"4","data":"eyJzdGF0dXMiOiJvayJ9"}}]}"#;
    let context = Context::default();
    let report = block_on(processor.run(event, &context)).expect("a report");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    let errors: Vec<Option<String>> = report
        .records()
        .iter()
        .map(|r| r.outcome().error_text())
        .collect();
    assert_eq!(
        errors,
        [
            None,
            Some(
                "payload `kinesis.data` does not decode: status: invalid type: sequence, expected a string at line 1 column 10"
                    .to_owned()
            ),
            Some(
                "payload `kinesis.data` is not JSON: expected ident at line 1 column 2"
                    .to_owned()
            ),
            None,
        ]
    );
    match report.records()[1].outcome() {
        Outcome::Failure(FailureReason::Handler(TypedError::Decode(e))) => {
            assert_eq!(e.path(), "status")
        }
        other => panic!("expected a decode failure, got {other:?}"),
    }
}

#[test]
fn handler_errors_keep_their_type() {
    let processor = BatchProcessor::sqs(typed(sync_payload));
    let context = Context::default();
    let report = block_on(processor.run(EVENT, &context)).expect("a report");
    match report.records()[2].outcome() {
        Outcome::Failure(FailureReason::Handler(TypedError::Handler(e))) => {
            assert_eq!(e, "status is fail")
        }
        other => panic!("expected the handler's error, got {other:?}"),
    }
}

#[test]
fn typed_processors_serve_lambda_runtime() {
    use lambda_batch::BatchEvent;
    use lambda_runtime::{LambdaEvent, Service};

    let mut service = BatchProcessor::sqs(typed(async_payload)).into_service();
    // `tokio::spawn` needs the future to be `Send + 'static`, as `lambda_runtime::run` does.
    let response = block_on(async move {
        let event = BatchEvent::from_json(EVENT.to_owned()).expect("an event");
        tokio::spawn(service.call(LambdaEvent::new(event, Context::default())))
            .await
            .expect("the task completes")
    })
    .expect("a response");
    let failed: Vec<String> = response.identifiers().map(|id| id.to_string()).collect();
    assert_eq!(failed, ["b", "c"]);
}
