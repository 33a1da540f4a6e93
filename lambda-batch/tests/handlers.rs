//! Handler forms, the invocation context, error types, panics, one processor
//! shared by concurrent invocations, and Lambda diagnostics.

mod common;

use std::borrow::Cow;
use std::sync::{Arc, Mutex};

use common::{
    expected_json, fixture, ids, json, kinesis_order, quiet_planned_panics, sqs_order, OrderError,
    KINESIS_SEQS, SQS_IDS,
};
use lambda_batch::source::{KinesisRecord, SqsRecord};
use lambda_batch::{
    BatchError, BatchEvent, BatchProcessor, Context, FailureReason, Outcome, RecordFailure,
};
use lambda_runtime::{Diagnostic, LambdaEvent, Service};

/// `{"Records":[...]}` of SQS messages with these ids and bodies.
fn sqs_event(messages: &[(&str, &str)]) -> String {
    let records: Vec<serde_json::Value> = messages
        .iter()
        .map(|(id, body)| {
            serde_json::json!({
                "messageId": id,
                "receiptHandle": format!("handle-{id}"),
                "body": body,
                "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1545082649183"},
                "messageAttributes": {},
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-2:123456789012:orders-queue",
                "awsRegion": "us-east-2"
            })
        })
        .collect();
    serde_json::json!({ "Records": records }).to_string()
}

/// Every record's error text, `None` for a success, in input order.
macro_rules! errors {
    ($report:expr) => {
        $report
            .records()
            .iter()
            .map(|r| r.outcome().error_text())
            .collect::<Vec<Option<String>>>()
    };
}

fn some(text: &str) -> Option<String> {
    Some(text.to_owned())
}

// ---------------------------------------------------------------- forms

#[tokio::test]
async fn a_sync_function() {
    let processor = BatchProcessor::sqs(sqs_order);
    let response = processor
        .process(&fixture("sqs/fail_ok_fail.json"), &Context::default())
        .await
        .unwrap();
    assert_eq!(json(&response), expected_json(&[SQS_IDS[0], SQS_IDS[2]]));
}

async fn body_length_after_io(record: SqsRecord<'_>) -> Result<usize, String> {
    tokio::task::yield_now().await;
    tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    if record.body() == "fail" {
        Err(format!(
            "message {} failed",
            record.message_id().unwrap_or("?")
        ))
    } else {
        Ok(record.body().len())
    }
}

#[tokio::test]
async fn an_async_function() {
    let processor = BatchProcessor::sqs(body_length_after_io);
    let event = sqs_event(&[("a", "fail"), ("b", "four"), ("c", "fail"), ("d", "")]);
    let ctx = Context::default();
    let report = processor.run(&event, &ctx).await.unwrap();
    let outcomes: Vec<Result<usize, String>> = report
        .records()
        .iter()
        .map(|r| match r.outcome() {
            Outcome::Success(len) => Ok(*len),
            other => Err(other.error_text().unwrap()),
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            Err("message a failed".to_owned()),
            Ok(4),
            Err("message c failed".to_owned()),
            Ok(0)
        ]
    );
    assert_eq!(
        json(&report.into_response().unwrap()),
        expected_json(&["a", "c"])
    );
}

fn sync_with_context(record: SqsRecord<'_>, ctx: &Context) -> Result<String, String> {
    Ok(format!(
        "{} {} {} {}",
        record.message_id().unwrap_or("?"),
        ctx.request_id,
        ctx.deadline,
        ctx.invoked_function_arn
    ))
}

async fn async_with_context(record: KinesisRecord<'_>, ctx: &Context) -> Result<String, String> {
    tokio::task::yield_now().await;
    Ok(format!(
        "{} {} {}",
        record.sequence_number().unwrap_or("?"),
        ctx.request_id,
        ctx.deadline
    ))
}

fn invocation_context() -> Context {
    let mut ctx = Context::default();
    ctx.request_id = "8476a536-e9f4-11e8-9739-2dfe598c3fcd".to_owned();
    ctx.deadline = 1_900_000_000_123;
    ctx.invoked_function_arn = "arn:aws:lambda:us-east-2:123456789012:function:orders".to_owned();
    ctx
}

fn successes<T: Clone, E: std::fmt::Display>(
    report: &lambda_batch::BatchReport<'_, T, E>,
) -> Vec<T> {
    report
        .records()
        .iter()
        .map(|r| match r.outcome() {
            Outcome::Success(value) => value.clone(),
            other => panic!("expected success, got {:?}", other.error_text()),
        })
        .collect()
}

#[tokio::test]
async fn a_sync_function_with_context_sees_the_invocation() {
    let processor = BatchProcessor::sqs(sync_with_context);
    let event = fixture("sqs/all_ok.json");
    let ctx = invocation_context();
    let report = processor.run(&event, &ctx).await.unwrap();
    let expected: Vec<String> = SQS_IDS
        .iter()
        .map(|id| {
            format!("{id} 8476a536-e9f4-11e8-9739-2dfe598c3fcd 1900000000123 arn:aws:lambda:us-east-2:123456789012:function:orders")
        })
        .collect();
    assert_eq!(successes(&report), expected);
}

#[tokio::test]
async fn an_async_function_with_context_sees_the_invocation() {
    let processor = BatchProcessor::kinesis(async_with_context);
    let event = fixture("kinesis/all_ok.json");
    let ctx = invocation_context();
    let report = processor.run(&event, &ctx).await.unwrap();
    let expected: Vec<String> = KINESIS_SEQS
        .iter()
        .map(|seq| format!("{seq} 8476a536-e9f4-11e8-9739-2dfe598c3fcd 1900000000123"))
        .collect();
    assert_eq!(successes(&report), expected);
}

#[tokio::test]
async fn closures_of_every_form() {
    let event = sqs_event(&[("a", "ok"), ("b", "fail"), ("c", "ok")]);
    let ctx = invocation_context();

    // Sync, capturing state by reference.
    let seen = Mutex::new(Vec::new());
    let processor = BatchProcessor::sqs(|record: SqsRecord<'_>| -> Result<(), String> {
        seen.lock()
            .unwrap()
            .push(record.message_id().unwrap_or("?").to_owned());
        if record.body() == "fail" {
            Err("sync closure refused".into())
        } else {
            Ok(())
        }
    });
    let response = processor.process(&event, &ctx).await.unwrap();
    assert_eq!(ids(&response), ["b"]);
    assert_eq!(*seen.lock().unwrap(), ["a", "b", "c"]);

    // Sync, with the context.
    let processor = BatchProcessor::sqs(|record: SqsRecord<'_>, ctx: &Context| {
        if record.body() == "fail" {
            Err(format!("refused in {}", ctx.request_id))
        } else {
            Ok(ctx.deadline)
        }
    });
    let report = processor.run(&event, &ctx).await.unwrap();
    assert_eq!(
        errors!(report),
        [
            None,
            some("refused in 8476a536-e9f4-11e8-9739-2dfe598c3fcd"),
            None
        ]
    );
    assert!(matches!(
        report.records()[0].outcome(),
        Outcome::Success(1_900_000_000_123)
    ));

    // Async: the record is detached so the future can own it.
    let processor = BatchProcessor::sqs(|record: SqsRecord<'_>| {
        let record = record.into_owned();
        async move {
            tokio::task::yield_now().await;
            if record.body() == "fail" {
                Err("async closure refused")
            } else {
                Ok(record.body().len())
            }
        }
    });
    let report = processor.run(&event, &ctx).await.unwrap();
    assert_eq!(errors!(report), [None, some("async closure refused"), None]);
    assert!(matches!(report.records()[2].outcome(), Outcome::Success(2)));

    // Async, with the context.
    let processor = BatchProcessor::sqs(|record: SqsRecord<'_>, ctx: &Context| {
        let failing = record.body() == "fail";
        let request = ctx.request_id.clone();
        async move {
            tokio::task::yield_now().await;
            if failing {
                Err(format!("async refused in {request}"))
            } else {
                Ok(request)
            }
        }
    });
    let response = processor.process(&event, &ctx).await.unwrap();
    assert_eq!(json(&response), expected_json(&["b"]));
    let report = processor.run(&event, &ctx).await.unwrap();
    assert_eq!(
        errors!(report),
        [
            None,
            some("async refused in 8476a536-e9f4-11e8-9739-2dfe598c3fcd"),
            None
        ]
    );
}

fn first_word<'a>(record: SqsRecord<'a>) -> Result<Cow<'a, str>, String> {
    match record.body() {
        "" => Err("empty body".to_owned()),
        _ => Ok(Cow::Owned(
            record
                .body()
                .split(' ')
                .next()
                .unwrap_or_default()
                .to_owned(),
        )),
    }
}

#[tokio::test]
async fn handlers_return_values_reported_in_input_order() {
    let processor = BatchProcessor::sqs(first_word);
    let event = sqs_event(&[
        ("m1", "alpha one"),
        ("m2", ""),
        ("m3", "gamma three"),
        ("m4", "delta"),
        ("m5", ""),
    ]);
    let ctx = Context::default();
    let report = processor.run(&event, &ctx).await.unwrap();
    assert_eq!(report.len(), 5);
    assert_eq!((report.succeeded(), report.failed()), (3, 2));
    let rows: Vec<(usize, String, Option<String>, Option<String>)> = report
        .records()
        .iter()
        .map(|r| {
            let value = match r.outcome() {
                Outcome::Success(word) => Some(word.to_string()),
                _ => None,
            };
            (
                r.index(),
                r.identifier().unwrap().to_string(),
                value,
                r.outcome().error_text(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (0, "m1".into(), some("alpha"), None),
            (1, "m2".into(), None, some("empty body")),
            (2, "m3".into(), some("gamma"), None),
            (3, "m4".into(), some("delta"), None),
            (4, "m5".into(), None, some("empty body")),
        ]
    );
    for record in report.records() {
        assert!(record.started() <= record.finished());
    }
    assert_eq!(
        json(&report.into_response().unwrap()),
        expected_json(&["m2", "m5"])
    );
}

// ---------------------------------------------------------------- error types

#[tokio::test]
async fn a_thiserror_enum_is_kept_typed_in_the_report() {
    let processor = BatchProcessor::sqs(sqs_order);
    let event = sqs_event(&[
        ("a", r#"{"orderId":"o-1","status":"fail"}"#),
        ("b", "not json"),
        ("c", r#"{"orderId":"o-3","status":"ok"}"#),
    ]);
    let ctx = Context::default();
    let report = processor.run(&event, &ctx).await.unwrap();
    let records = report.into_records();
    match records[0].outcome() {
        Outcome::Failure(FailureReason::Handler(e)) => {
            assert_eq!(*e, OrderError::Rejected("o-1".into()));
        }
        other => panic!("expected a handler error, got {other:?}"),
    }
    assert_eq!(
        records[1].outcome().error_text().as_deref(),
        Some("payload is not an order: expected ident at line 1 column 2")
    );
    assert!(matches!(records[2].outcome(), Outcome::Success(id) if id == "o-3"));
}

#[tokio::test]
async fn an_anyhow_error_shows_its_whole_chain() {
    use anyhow::Context as _;
    fn save(record: SqsRecord<'_>) -> anyhow::Result<()> {
        let order: serde_json::Value =
            serde_json::from_str(record.body()).context("the body is not JSON")?;
        if order["status"] == "fail" {
            Err(anyhow::anyhow!("connection refused"))
                .with_context(|| format!("saving order {}", order["orderId"]))?;
        }
        Ok(())
    }
    let processor = BatchProcessor::sqs(save);
    let event = sqs_event(&[
        ("a", r#"{"orderId":"o-1","status":"fail"}"#),
        ("b", "{"),
        ("c", r#"{"orderId":"o-3","status":"ok"}"#),
    ]);
    let ctx = Context::default();
    let report = processor.run(&event, &ctx).await.unwrap();
    assert_eq!(
        errors!(report),
        [
            some(r#"saving order "o-1": connection refused"#),
            some("the body is not JSON: EOF while parsing an object at line 1 column 1"),
            None
        ]
    );
}

#[tokio::test]
async fn string_and_static_str_errors() {
    let event = sqs_event(&[("a", "ok"), ("b", "fail")]);
    let ctx = Context::default();

    let processor = BatchProcessor::sqs(|record: SqsRecord<'_>| -> Result<(), String> {
        match record.body() {
            "fail" => Err(format!(
                "owned error for {}",
                record.message_id().unwrap_or("?")
            )),
            _ => Ok(()),
        }
    });
    let report = processor.run(&event, &ctx).await.unwrap();
    assert_eq!(errors!(report), [None, some("owned error for b")]);

    let processor = BatchProcessor::sqs(|record: SqsRecord<'_>| -> Result<(), &'static str> {
        match record.body() {
            "fail" => Err("static error"),
            _ => Ok(()),
        }
    });
    let report = processor.run(&event, &ctx).await.unwrap();
    assert_eq!(errors!(report), [None, some("static error")]);

    type BoxError = Box<dyn std::error::Error + Send + Sync>;
    let processor = BatchProcessor::sqs(|record: SqsRecord<'_>| -> Result<(), BoxError> {
        record.body().parse::<u8>().map(drop).map_err(Into::into)
    });
    let report = processor.run(&event, &ctx).await.unwrap();
    assert_eq!(
        errors!(report),
        [
            some("invalid digit found in string"),
            some("invalid digit found in string")
        ]
    );
}

// ---------------------------------------------------------------- panics

fn panicking_sync(record: SqsRecord<'_>) -> Result<(), String> {
    match record.body() {
        "panic" => panic!("planned panic in {}", record.message_id().unwrap_or("?")),
        "panic-str" => panic!("planned panic, static"),
        "panic-any" => std::panic::panic_any(7u32),
        _ => Ok(()),
    }
}

#[tokio::test]
async fn a_sync_panic_fails_only_its_record() {
    quiet_planned_panics();
    let processor = BatchProcessor::sqs(panicking_sync);
    let event = sqs_event(&[
        ("a", "ok"),
        ("b", "panic"),
        ("c", "ok"),
        ("d", "panic-str"),
        ("e", "panic-any"),
        ("f", "ok"),
    ]);
    let ctx = Context::default();
    let report = processor.run(&event, &ctx).await.unwrap();
    assert_eq!(
        errors!(report),
        [
            None,
            some("the handler panicked: planned panic in b"),
            None,
            some("the handler panicked: planned panic, static"),
            some("the handler panicked: a panic with a non-text payload"),
            None
        ]
    );
    assert!(matches!(
        report.records()[1].outcome(),
        Outcome::Failure(FailureReason::Panic(message)) if message == "planned panic in b"
    ));
    let response = processor.process(&event, &ctx).await.unwrap();
    assert_eq!(json(&response), expected_json(&["b", "d", "e"]));
}

async fn panicking_after_await(record: KinesisRecord<'_>) -> Result<(), String> {
    tokio::task::yield_now().await;
    tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    let order: serde_json::Value = record.data_json().map_err(|e| e.to_string())?;
    if order["status"] == "fail" {
        panic!("planned panic after an await: {}", order["orderId"]);
    }
    Ok(())
}

#[tokio::test]
async fn an_async_panic_after_an_await_fails_only_its_record() {
    quiet_planned_panics();
    let processor = BatchProcessor::kinesis(panicking_after_await);
    let event = fixture("kinesis/fail_ok_fail.json");
    let ctx = Context::default();
    let report = processor.run(&event, &ctx).await.unwrap();
    assert_eq!(
        errors!(report),
        [
            some(r#"the handler panicked: planned panic after an await: "o-1""#),
            None,
            some(r#"the handler panicked: planned panic after an await: "o-3""#),
        ]
    );
    let response = processor.process(&event, &ctx).await.unwrap();
    assert_eq!(
        json(&response),
        expected_json(&[KINESIS_SEQS[0], KINESIS_SEQS[2]])
    );
}

#[tokio::test]
async fn a_panic_while_building_the_future_fails_only_its_record() {
    quiet_planned_panics();
    let processor = BatchProcessor::sqs(|record: SqsRecord<'_>| {
        if record.body() == "panic" {
            panic!("planned panic before the future");
        }
        async { Ok::<_, String>(()) }
    });
    let event = sqs_event(&[("a", "panic"), ("b", "ok")]);
    let ctx = Context::default();
    let report = processor.run(&event, &ctx).await.unwrap();
    assert_eq!(
        errors!(report),
        [
            some("the handler panicked: planned panic before the future"),
            None
        ]
    );
}

#[tokio::test]
async fn all_records_panicking_is_a_full_failure() {
    quiet_planned_panics();
    let processor = BatchProcessor::sqs(panicking_sync);
    let event = sqs_event(&[("a", "panic"), ("b", "panic")]);
    match processor.process(&event, &Context::default()).await {
        Err(BatchError::AllRecordsFailed { failures, response }) => {
            assert_eq!(
                failures,
                [
                    RecordFailure {
                        index: 0,
                        identifier: Some("a".into()),
                        error: "the handler panicked: planned panic in a".into()
                    },
                    RecordFailure {
                        index: 1,
                        identifier: Some("b".into()),
                        error: "the handler panicked: planned panic in b".into()
                    },
                ]
            );
            assert_eq!(json(&response), expected_json(&["a", "b"]));
        }
        other => panic!("expected AllRecordsFailed, got {other:?}"),
    }
}

// ---------------------------------------------------------------- shared processor

/// Invocation `t`'s messages: `1 + t % 7` of them, the `i`-th failing when
/// `(t + i) % 3 == 0`, each body naming the request it belongs to.
fn invocation(t: usize) -> (String, Context, Vec<String>, Vec<String>) {
    let n = 1 + t % 7;
    let request = format!("request-{t}");
    let all: Vec<String> = (0..n).map(|i| format!("msg-{t}-{i}")).collect();
    let bodies: Vec<String> = (0..n)
        .map(|i| {
            let status = if (t + i) % 3 == 0 { "fail" } else { "ok" };
            serde_json::json!({"request": request, "status": status, "delay": (t * 7 + i) % 4})
                .to_string()
        })
        .collect();
    let messages: Vec<(&str, &str)> = all
        .iter()
        .zip(&bodies)
        .map(|(id, body)| (id.as_str(), body.as_str()))
        .collect();
    let failed: Vec<String> = all
        .iter()
        .enumerate()
        .filter(|(i, _)| (t + i) % 3 == 0)
        .map(|(_, id)| id.clone())
        .collect();
    let mut ctx = Context::default();
    ctx.request_id = request;
    (sqs_event(&messages), ctx, all, failed)
}

/// Fails a message whose status is `fail`, and any message delivered with
/// another invocation's context.
async fn shared_handler(record: SqsRecord<'_>, ctx: &Context) -> Result<(), String> {
    let body: serde_json::Value = serde_json::from_str(record.body()).map_err(|e| e.to_string())?;
    let delay = body["delay"].as_u64().unwrap_or(0);
    tokio::time::sleep(std::time::Duration::from_millis(delay)).await;
    if body["request"] != ctx.request_id.as_str() {
        return Err(format!(
            "message of {} seen in {}",
            body["request"], ctx.request_id
        ));
    }
    match body["status"].as_str() {
        Some("fail") => Err("rejected".into()),
        _ => Ok(()),
    }
}

fn check_invocation(
    t: usize,
    result: Result<lambda_batch::BatchResponse, BatchError>,
    all: &[String],
    failed: &[String],
) {
    if failed.len() == all.len() {
        match result {
            Err(BatchError::AllRecordsFailed { failures, response }) => {
                assert_eq!(failures.len(), all.len(), "invocation {t}");
                assert!(
                    failures.iter().all(|f| f.error == "rejected"),
                    "{failures:?}"
                );
                assert_eq!(ids(&response), all, "invocation {t}");
            }
            other => panic!("invocation {t}: expected AllRecordsFailed, got {other:?}"),
        }
    } else {
        let response = result.unwrap_or_else(|e| panic!("invocation {t}: {e}"));
        assert_eq!(ids(&response), failed, "invocation {t}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_shared_processor_serves_concurrent_invocations() {
    let processor = Arc::new(BatchProcessor::sqs(shared_handler));
    let tasks: Vec<_> = (0..100)
        .map(|t| {
            let processor = Arc::clone(&processor);
            tokio::spawn(async move {
                let (event, ctx, all, failed) = invocation(t);
                let result = processor.process(&event, &ctx).await;
                (t, result, all, failed)
            })
        })
        .collect();
    let mut full_failures = 0;
    for task in tasks {
        let (t, result, all, failed) = task.await.unwrap();
        full_failures += usize::from(failed.len() == all.len());
        check_invocation(t, result, &all, &failed);
    }
    // Single-message invocations whose message fails: t % 7 == 0 and t % 3 == 0.
    assert_eq!(full_failures, 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_service_serves_concurrent_invocations() {
    let service = BatchProcessor::sqs(shared_handler).into_service();
    let tasks: Vec<_> = (0..100)
        .map(|t| {
            let mut service = service.clone();
            tokio::spawn(async move {
                let (event, ctx, all, failed) = invocation(t);
                let event = BatchEvent::from_json(event).unwrap();
                std::future::poll_fn(|cx| service.poll_ready(cx))
                    .await
                    .unwrap();
                let result = service.call(LambdaEvent::new(event, ctx)).await;
                (t, result, all, failed)
            })
        })
        .collect();
    for task in tasks {
        let (t, result, all, failed) = task.await.unwrap();
        check_invocation(t, result, &all, &failed);
    }
}

#[tokio::test]
async fn the_service_reports_errors_as_batch_errors() {
    let mut service = BatchProcessor::kinesis(kinesis_order).into_service();
    let event = BatchEvent::from_json(fixture("kinesis/fail_ok_fail.json")).unwrap();
    let response = service
        .call(LambdaEvent::new(event, Context::default()))
        .await
        .unwrap();
    assert_eq!(
        json(&response),
        expected_json(&[KINESIS_SEQS[0], KINESIS_SEQS[2]])
    );

    let event = BatchEvent::from_json(fixture("kinesis/all_fail.json")).unwrap();
    let err = service
        .call(LambdaEvent::new(event, Context::default()))
        .await
        .unwrap_err();
    assert_eq!(err.error_type(), "AllRecordsFailed");

    let event = BatchEvent::from_json(r#"{"Records":"x"}"#.to_owned()).unwrap();
    let err = service
        .call(LambdaEvent::new(event, Context::default()))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid event: `Records` is a string, expected a list of records"
    );

    let err = BatchEvent::from_json(r#"{"Records":["#.to_owned()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the event is not valid JSON: EOF while parsing a list (line 1, column 12)"
    );
}

// ---------------------------------------------------------------- diagnostics

#[tokio::test]
async fn errors_become_diagnostics_with_short_error_types() {
    let ctx = Context::default();
    let sqs = BatchProcessor::sqs(sqs_order);

    let err = sqs
        .process(&fixture("sqs/all_fail.json"), &ctx)
        .await
        .unwrap_err();
    let message = err.to_string();
    let diagnostic = Diagnostic::from(err);
    assert_eq!(diagnostic.error_type, "AllRecordsFailed");
    assert_eq!(diagnostic.error_message, message);
    assert!(
        message.starts_with("all 3 records of the batch failed"),
        "{message}"
    );

    let err = sqs
        .process(&fixture("sqs/missing_id_fails.json"), &ctx)
        .await
        .unwrap_err();
    let diagnostic = Diagnostic::from(err);
    assert_eq!(diagnostic.error_type, "MissingIdentifier");
    assert!(
        diagnostic.error_message.starts_with("record 1 failed"),
        "{}",
        diagnostic.error_message
    );

    let kinesis = BatchProcessor::kinesis(kinesis_order);
    let err = kinesis.process(r#"{"Records":7}"#, &ctx).await.unwrap_err();
    let diagnostic = Diagnostic::from(err);
    assert_eq!(diagnostic.error_type, "InvalidEvent");
    assert_eq!(
        diagnostic.error_message,
        "invalid event: `Records` is a number, expected a list of records"
    );

    // As the runtime sends it to Lambda.
    let wire = serde_json::to_value(&diagnostic).unwrap();
    assert_eq!(
        wire,
        serde_json::json!({
            "errorType": "InvalidEvent",
            "errorMessage": "invalid event: `Records` is a number, expected a list of records"
        })
    );
}

// ---------------------------------------------------------------- Send futures

fn assert_send<T: Send>(value: T) -> T {
    value
}

async fn async_plain(record: SqsRecord<'_>) -> Result<usize, String> {
    tokio::task::yield_now().await;
    Ok(record.body().len())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn processing_futures_can_be_spawned_for_every_handler_form() {
    let event = sqs_event(&[("a", "x"), ("b", "yy")]);
    let ctx = Context::default();

    // Checked on the futures themselves...
    let p1 = BatchProcessor::sqs(async_plain);
    let p2 = BatchProcessor::sqs(shared_handler);
    let p3 = BatchProcessor::sqs(first_word);
    let p4 = BatchProcessor::sqs(sync_with_context);
    assert_send(p1.process(&event, &ctx)).await.unwrap();
    assert_send(p1.run(&event, &ctx)).await.unwrap();
    assert_send(p2.run(&event, &ctx)).await.unwrap();
    assert_send(p3.process(&event, &ctx)).await.unwrap();
    assert_send(p4.run(&event, &ctx)).await.unwrap();

    // ...and where it matters: in a spawned task that borrows its own event.
    let processor = Arc::new(p1);
    let task = tokio::spawn({
        let processor = Arc::clone(&processor);
        async move {
            let ctx = Context::default();
            let report = processor.run(&event, &ctx).await.unwrap();
            successes(&report)
        }
    });
    assert_eq!(task.await.unwrap(), [1, 2]);
}
