//! Events whose envelope cannot be read fail the invocation with
//! `BatchError::InvalidEvent` saying what is wrong; a record that is not an
//! object fails alone.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};

use common::contract::expect_missing_identifier;
use common::{fixture, invalid_event, kinesis_order, sqs_order, KINESIS_SEQS, SQS_IDS};
use lambda_batch::handler::Handler;
use lambda_batch::source::{EventSource, KinesisRecord, SqsRecord};
use lambda_batch::{BatchError, BatchProcessor, Context, InvalidEvent, Outcome};

/// What an SQS processor and a Kinesis processor both say about `event`,
/// checking that no handler ran.
async fn both(event: &str) -> (InvalidEvent, InvalidEvent) {
    let calls = AtomicUsize::new(0);
    let ctx = Context::default();
    let sqs = BatchProcessor::sqs(|record: SqsRecord<'_>| {
        calls.fetch_add(1, Ordering::SeqCst);
        sqs_order(record)
    });
    let kinesis = BatchProcessor::kinesis(|record: KinesisRecord<'_>| {
        calls.fetch_add(1, Ordering::SeqCst);
        kinesis_order(record)
    });
    let from_sqs = invalid_event(sqs.process(event, &ctx).await);
    let from_kinesis = invalid_event(kinesis.process(event, &ctx).await);
    // `run` says the same, without the `BatchError` wrapper.
    assert_eq!(sqs.run(event, &ctx).await.unwrap_err(), from_sqs);
    assert_eq!(kinesis.run(event, &ctx).await.unwrap_err(), from_kinesis);
    assert_eq!(calls.load(Ordering::SeqCst), 0, "no handler may run");
    (from_sqs, from_kinesis)
}

/// Checks a shape error that is the same for both sources.
async fn same_for_both(event: &str, expected: InvalidEvent, message: &str) {
    let (sqs, kinesis) = both(event).await;
    assert_eq!(sqs, expected, "SQS, event {event}");
    assert_eq!(kinesis, expected, "Kinesis, event {event}");
    assert_eq!(sqs.to_string(), message);
    assert_eq!(
        BatchError::from(sqs).to_string(),
        format!("invalid event: {message}")
    );
}

#[tokio::test]
async fn an_object_without_records() {
    let (sqs, kinesis) = both("{}").await;
    assert_eq!(
        sqs,
        InvalidEvent::Missing {
            path: "Records".into(),
            expected: "an SQS event's list of records"
        }
    );
    assert_eq!(
        sqs.to_string(),
        "the event has no `Records` field; expected an SQS event's list of records"
    );
    assert_eq!(
        kinesis,
        InvalidEvent::Missing {
            path: "Records".into(),
            expected: "a Kinesis event's list of records"
        }
    );
    assert_eq!(
        kinesis.to_string(),
        "the event has no `Records` field; expected a Kinesis event's list of records"
    );

    // Other fields do not stand in for `Records`.
    let (sqs, _) = both(r#"{"records":[],"Items":[]}"#).await;
    assert!(matches!(sqs, InvalidEvent::Missing { ref path, .. } if path == "Records"));
}

#[tokio::test]
async fn records_null() {
    same_for_both(
        r#"{"Records":null}"#,
        InvalidEvent::Shape {
            path: "Records".into(),
            found: "null",
            expected: "a list of records",
        },
        "`Records` is null, expected a list of records",
    )
    .await;
}

#[tokio::test]
async fn records_a_string() {
    same_for_both(
        r#"{"Records":"x"}"#,
        InvalidEvent::Shape {
            path: "Records".into(),
            found: "a string",
            expected: "a list of records",
        },
        "`Records` is a string, expected a list of records",
    )
    .await;
}

#[tokio::test]
async fn records_an_object() {
    same_for_both(
        r#"{"Records":{"0":{"messageId":"a"}}}"#,
        InvalidEvent::Shape {
            path: "Records".into(),
            found: "an object",
            expected: "a list of records",
        },
        "`Records` is an object, expected a list of records",
    )
    .await;
}

#[tokio::test]
async fn a_list_is_a_pipes_batch_and_still_checked_for_its_source() {
    // A top-level list is an EventBridge pipe's batch (see tests/pipes.rs);
    // records that name another source make it the wrong event.
    let event = r#"[{"messageId":"a","body":"b","eventSource":"aws:sqs"}]"#;
    let kinesis = BatchProcessor::kinesis(kinesis_order);
    let err = invalid_event(kinesis.process(event, &Context::default()).await);
    assert_eq!(
        err.to_string(),
        "this is an SQS event (record 0 has `eventSource` `aws:sqs`), and the processor reads Kinesis events"
    );
}

const NEITHER: &str = "a JSON object (an event source mapping's event) or a list of records (an EventBridge pipe's batch)";

#[tokio::test]
async fn scalars_instead_of_an_object() {
    for (event, found) in [
        ("123", "a number"),
        ("-1.5", "a number"),
        (r#""{\"Records\":[]}""#, "a string"),
        ("null", "null"),
        ("true", "a boolean"),
    ] {
        same_for_both(
            event,
            InvalidEvent::Shape {
                path: String::new(),
                found,
                expected: NEITHER,
            },
            &format!("the event is {found}, expected {NEITHER}"),
        )
        .await;
    }
}

/// Checks that both sources find `event` not valid JSON, as the parser says
/// at `line` and `column`.
async fn not_json_for_both(event: &str, message: &str, line: usize, column: usize) {
    same_for_both(
        event,
        InvalidEvent::Json {
            message: message.into(),
            line,
            column,
        },
        &format!("the event is not valid JSON: {message} (line {line}, column {column})"),
    )
    .await;
}

#[tokio::test]
async fn truncated_json() {
    not_json_for_both(
        r#"{"Records":[{"messageId":"a","body":"b"}"#,
        "EOF while parsing a list",
        1,
        40,
    )
    .await;

    // A real event cut in the middle of its first record.
    let whole = fixture("sqs/all_ok.json");
    let cut: String = whole.lines().take(6).collect::<Vec<_>>().join("\n");
    not_json_for_both(&cut, "EOF while parsing a value", 6, 56).await;
}

#[tokio::test]
async fn text_that_is_not_json() {
    for (event, message, line, column) in [
        ("", "EOF while parsing a value", 1, 0),
        ("Records", "expected value", 1, 1),
        (r#"{"Records":[]} trailing"#, "trailing characters", 1, 16),
        ("{\"Records\":[],}", "trailing comma", 1, 15),
    ] {
        not_json_for_both(event, message, line, column).await;
    }
}

#[tokio::test]
async fn invalid_events_become_invalid_event_diagnostics() {
    let processor = BatchProcessor::sqs(sqs_order);
    let err = processor
        .process(r#"{"Records":null}"#, &Context::default())
        .await
        .unwrap_err();
    assert_eq!(err.error_type(), "InvalidEvent");
    let diagnostic = lambda_runtime::Diagnostic::from(err);
    assert_eq!(diagnostic.error_type, "InvalidEvent");
    assert_eq!(
        diagnostic.error_message,
        "invalid event: `Records` is null, expected a list of records"
    );
}

/// Checks a batch of two records of which the first is a number and the
/// second an order (`o-2`) identified by `second`: the number fails alone
/// without identifier and never reaches the handler, which counts its calls
/// in `calls`.
async fn non_object_record_fails_alone<S, H, M>(
    processor: &BatchProcessor<S, H, M>,
    calls: &AtomicUsize,
    fixture_path: &str,
    second: &str,
) where
    S: EventSource,
    for<'a> H: Handler<'a, S::Record<'a>, M, Output = String>,
{
    let event = fixture(fixture_path);
    let ctx = Context::default();
    let error = "invalid record: the record is a number, expected an object";
    let err = processor.process(&event, &ctx).await.unwrap_err();
    expect_missing_identifier(err, 0, error);
    let report = processor.run(&event, &ctx).await.unwrap();
    assert_eq!(report.len(), 2);
    assert_eq!((report.succeeded(), report.failed()), (1, 1));
    assert!(report.records()[0].identifier().is_none());
    assert_eq!(
        report.records()[0].outcome().error_text().as_deref(),
        Some(error)
    );
    assert_eq!(
        report.records()[1]
            .identifier()
            .map(ToString::to_string)
            .as_deref(),
        Some(second)
    );
    assert!(matches!(report.records()[1].outcome(), Outcome::Success(id) if id == "o-2"));
    // Only the object reached the handler (once per call above).
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_record_that_is_not_an_object_fails_alone_without_identifier_sqs() {
    let calls = AtomicUsize::new(0);
    let processor = BatchProcessor::sqs(|record: SqsRecord<'_>| {
        calls.fetch_add(1, Ordering::SeqCst);
        sqs_order(record)
    });
    non_object_record_fails_alone(&processor, &calls, "sqs/non_object_record.json", SQS_IDS[1])
        .await;
}

#[tokio::test]
async fn a_record_that_is_not_an_object_fails_alone_without_identifier_kinesis() {
    let calls = AtomicUsize::new(0);
    let processor = BatchProcessor::kinesis(|record: KinesisRecord<'_>| {
        calls.fetch_add(1, Ordering::SeqCst);
        kinesis_order(record)
    });
    non_object_record_fails_alone(
        &processor,
        &calls,
        "kinesis/non_object_record.json",
        KINESIS_SEQS[1],
    )
    .await;
}

#[tokio::test]
async fn every_kind_of_non_object_record_is_named() {
    let processor = BatchProcessor::sqs(sqs_order);
    let event = r#"{"Records":[null,"m",[],true,2.5]}"#;
    let ctx = Context::default();
    let report = processor.run(event, &ctx).await.unwrap();
    let errors: Vec<String> = report
        .records()
        .iter()
        .map(|r| r.outcome().error_text().unwrap())
        .collect();
    assert_eq!(
        errors,
        [
            "invalid record: the record is null, expected an object",
            "invalid record: the record is a string, expected an object",
            "invalid record: the record is an array, expected an object",
            "invalid record: the record is a boolean, expected an object",
            "invalid record: the record is a number, expected an object",
        ]
    );
    match report.into_response() {
        Err(BatchError::MissingIdentifier { index: 0, .. }) => {}
        other => panic!("expected MissingIdentifier for record 0, got {other:?}"),
    }
}

#[tokio::test]
async fn an_event_of_another_source_is_named_as_such() {
    // Read as Kinesis, an SQS event's records have no sequence number: every
    // failure had no identifier, and the invocation failed with
    // `MissingIdentifier`, which said nothing of what was wrong.
    let sqs = r#"{"Records":[{"messageId":"m1","body":"hi","eventSource":"aws:sqs"}]}"#;
    let kinesis = r#"{"Records":[{"kinesis":{"sequenceNumber":"1","data":"aGk="},"eventSource":"aws:kinesis"}]}"#;
    let ctx = Context::default();
    let err = BatchProcessor::kinesis(|_: KinesisRecord<'_>| Err::<(), _>("no"))
        .process(sqs, &ctx)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid event: this is an SQS event (record 0 has `eventSource` `aws:sqs`), and the processor reads Kinesis events"
    );
    let err = BatchProcessor::sqs(|_: SqsRecord<'_>| Ok::<_, String>(()))
        .process(kinesis, &ctx)
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("this is a Kinesis event (record 0"),
        "{err}"
    );
    // A source name no processor knows, or none at all, is no objection.
    let unnamed = r#"{"Records":[{"messageId":"m1","body":"hi","eventSource":"custom"},{"messageId":"m2","body":"hi"}]}"#;
    assert!(BatchProcessor::sqs(|_: SqsRecord<'_>| Ok::<_, String>(()))
        .process(unnamed, &ctx)
        .await
        .is_ok());
}
