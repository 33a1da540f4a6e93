//! No panic escapes `process`: whatever the handler, its values and the
//! options do, each record gets an outcome and the caller a response or a
//! `BatchError`.

mod common;

use std::fmt;
use std::time::Duration;

use lambda_batch::source::SqsRecord;
use lambda_batch::{BatchError, BatchProcessor, Context, Outcome};

use common::subscriber::OnEvent;
use common::{block_on, ids};

const EVENT: &str =
    r#"{"Records":[{"messageId":"a","body":"ok"},{"messageId":"b","body":"fail"}]}"#;

/// A handler whose future waits on a timer before it answers.
async fn waits_once(record: SqsRecord<'_>) -> Result<(), String> {
    tokio::time::sleep(Duration::from_millis(1)).await;
    match record.body() {
        "fail" => Err("refused".to_owned()),
        _ => Ok(()),
    }
}

#[test]
fn a_record_timeout_no_instant_can_hold_is_no_limit() {
    for limit in [Duration::MAX, Duration::from_secs(u64::MAX / 2)] {
        for concurrency in [1, 4] {
            let processor = BatchProcessor::sqs(waits_once)
                .record_timeout(limit)
                .concurrency(concurrency);
            let response = block_on(processor.process(EVENT, &Context::default()))
                .expect("one record fails, one succeeds");
            assert_eq!(
                ids(&response),
                ["b"],
                "{limit:?}, concurrency {concurrency}"
            );
        }
    }
}

/// A panic payload whose drop panics in turn.
struct Bomb;

impl Drop for Bomb {
    fn drop(&mut self) {
        panic!("the payload's drop panics");
    }
}

fn throws_a_bomb(record: SqsRecord<'_>) -> Result<(), String> {
    if record.body() == "fail" {
        std::panic::panic_any(Bomb);
    }
    Ok(())
}

async fn throws_a_bomb_later(record: SqsRecord<'_>) -> Result<(), String> {
    tokio::task::yield_now().await;
    throws_a_bomb(record)
}

#[test]
fn a_panic_payload_whose_drop_panics_fails_only_its_record() {
    let sync = BatchProcessor::sqs(throws_a_bomb);
    let response = block_on(sync.process(EVENT, &Context::default())).expect("a response");
    assert_eq!(ids(&response), ["b"]);

    let threads = BatchProcessor::sqs(throws_a_bomb).parallel(2);
    let response = block_on(threads.process(EVENT, &Context::default())).expect("a response");
    assert_eq!(ids(&response), ["b"]);

    for concurrency in [1, 4] {
        let processor = BatchProcessor::sqs(throws_a_bomb_later).concurrency(concurrency);
        let context = Context::default();
        let report = block_on(processor.run(EVENT, &context)).expect("the event reads");
        let failure = report.records()[1].outcome().error_text();
        assert_eq!(
            failure.as_deref(),
            Some("the handler panicked: a panic with a non-text payload")
        );
        assert_eq!(ids(&report.into_response().expect("a response")), ["b"]);
    }
}

/// An error whose `Display` panics.
#[derive(Debug)]
struct Unprintable;

impl fmt::Display for Unprintable {
    fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
        panic!("this error cannot be shown")
    }
}

fn always_fails(_: SqsRecord<'_>) -> Result<(), Unprintable> {
    Err(Unprintable)
}

#[test]
fn an_error_whose_display_panics_still_fails_the_batch_when_every_record_fails() {
    let processor = BatchProcessor::sqs(always_fails);
    let err = block_on(processor.process(EVENT, &Context::default())).unwrap_err();
    let BatchError::AllRecordsFailed { failures, response } = err else {
        panic!("expected AllRecordsFailed, got {err:?}");
    };
    assert_eq!(ids(&response), ["a", "b"]);
    assert_eq!(failures.len(), 2);
    assert_eq!(
        failures[0].error,
        "the handler's error could not be shown: its `Display` panicked (this error cannot be shown)"
    );

    // Partial failure: the response does not need the text.
    let partial = BatchProcessor::sqs(|record: SqsRecord<'_>| match record.body() {
        "fail" => Err(Unprintable),
        _ => Ok(()),
    });
    let response = block_on(partial.process(EVENT, &Context::default())).expect("a response");
    assert_eq!(ids(&response), ["b"]);

    let context = Context::default();
    let report = block_on(processor.run(EVENT, &context)).expect("the event reads");
    assert!(matches!(report.records()[0].outcome(), Outcome::Failure(_)));
}

#[test]
fn an_error_whose_display_panics_is_logged_without_a_panic() {
    // Failed records are logged with their error: a subscriber formats it.
    let subscriber = OnEvent(format_fields);
    let _default = tracing::subscriber::set_default(subscriber);
    let partial = BatchProcessor::sqs(|record: SqsRecord<'_>| match record.body() {
        "fail" => Err(Unprintable),
        _ => Ok(()),
    });
    let response = block_on(partial.process(EVENT, &Context::default())).expect("a response");
    assert_eq!(ids(&response), ["b"]);
}

/// Formats every field of an event, as a real subscriber does.
fn format_fields(event: &tracing::Event<'_>) {
    use std::fmt::Write as _;
    use tracing::field::{Field, Visit};

    struct Text(String);

    impl Visit for Text {
        fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
            let _ = write!(self.0, "{}={value:?} ", field.name());
        }
    }

    event.record(&mut Text(String::new()));
}
