//! The contract every event source meets, written once.
//!
//! A source's test file describes what its fixtures hold in a [`Contract`]
//! and calls [`contract_tests!`], which writes one named test per clause into
//! a `contract` module of that file:
//!
//! - a batch whose every record succeeds gives `{"batchItemFailures":[]}`;
//! - of [fail, ok, fail], the first and the third are reported, in order;
//! - a batch whose every record fails raises `AllRecordsFailed` with every
//!   failure and the filled response, and without raising lists every record;
//! - one processor gives the same answers batch after batch;
//! - an empty batch gives an empty response whatever the switch;
//! - a failed record without identifier fails the invocation naming its
//!   index, and one that succeeds is fine.

use std::fmt::Debug;

use lambda_batch::handler::Handler;
use lambda_batch::source::EventSource;
use lambda_batch::{BatchError, BatchProcessor, Context, Outcome, RecordFailure};

use super::{fixture, identifiers, json};

/// The response of a batch in which nothing failed.
pub const EMPTY_RESPONSE: &str = r#"{"batchItemFailures":[]}"#;

/// A record's identifier, as the response carries it and as messages name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Id {
    /// Its JSON in the response.
    json: String,
    /// Its text in error messages and reports.
    text: String,
}

impl Id {
    /// A text identifier: an SQS message id, a Kinesis or DynamoDB sequence number.
    pub fn text(id: &str) -> Self {
        Id {
            json: serde_json::Value::from(id).to_string(),
            text: id.to_owned(),
        }
    }

    /// A Kafka record's identifier.
    pub fn kafka(topic: &str, partition: i64, offset: i64) -> Self {
        Id {
            json: format!(r#"{{"partition":"{topic}-{partition}","offset":{offset}}}"#),
            text: format!("{topic}-{partition}@{offset}"),
        }
    }
}

/// `{"batchItemFailures":[...]}` listing `ids`, built independently of the library.
pub fn expected_response(ids: &[Id]) -> String {
    let items: Vec<String> = ids
        .iter()
        .map(|id| format!(r#"{{"itemIdentifier":{}}}"#, id.json))
        .collect();
    format!(r#"{{"batchItemFailures":[{}]}}"#, items.join(","))
}

/// What one source's fixtures hold, for the contract's checks.
#[derive(Debug, Clone)]
pub struct Contract {
    /// A batch whose every record succeeds.
    pub all_ok: String,
    /// A batch of three records of which the first and the third fail.
    pub fail_ok_fail: String,
    /// The identifiers of the first and the third record of `fail_ok_fail`.
    pub fail_ok_fail_failed: [Id; 2],
    /// A batch of three records that all fail.
    pub all_fail: String,
    /// Each record of `all_fail`: its identifier and its handler's error.
    pub all_fail_failures: [(Id, &'static str); 3],
    /// A batch without records.
    pub empty: String,
    /// A batch in which a record without identifier fails.
    pub missing_fails: MissingFails,
    /// A batch in which a record without identifier succeeds.
    pub missing_succeeds: MissingSucceeds,
}

/// A batch in which a record without identifier fails.
#[derive(Debug, Clone)]
pub struct MissingFails {
    /// The fixture.
    pub fixture: String,
    /// The position of the record without identifier.
    pub index: usize,
    /// Its handler's error.
    pub error: &'static str,
}

/// A batch in which a record without identifier succeeds.
#[derive(Debug, Clone)]
pub struct MissingSucceeds {
    /// The fixture.
    pub fixture: String,
    /// Every record's identifier, in order (`None` for the one without).
    pub identifiers: Vec<Option<Id>>,
    /// The identifiers the response lists.
    pub failed: Vec<Id>,
    /// The `Debug` text of what the handler returned for the record without identifier.
    pub output: &'static str,
}

impl Contract {
    /// The contract of a folder of `tests/fixtures/` holding the usual
    /// fixtures: `all_ok`, `fail_ok_fail`, `all_fail` and `empty`, plus
    /// `<missing>_fails` and `<missing>_succeeds` whose second record has no
    /// identifier. Their three records have the identifiers `ids`; in
    /// `all_fail` they fail with `errors`, and the second record fails with
    /// the same error in `<missing>_fails` and returns what `Debug` shows as
    /// `output` in `<missing>_succeeds`, whose first record fails.
    pub fn from_folder(
        folder: &str,
        ids: [&str; 3],
        missing: &str,
        errors: [&'static str; 3],
        output: &'static str,
    ) -> Self {
        let [first, second, third] = ids.map(Id::text);
        let path = |name: &str| format!("{folder}/{name}.json");
        Contract {
            all_ok: path("all_ok"),
            fail_ok_fail: path("fail_ok_fail"),
            fail_ok_fail_failed: [first.clone(), third.clone()],
            all_fail: path("all_fail"),
            all_fail_failures: [
                (first.clone(), errors[0]),
                (second, errors[1]),
                (third.clone(), errors[2]),
            ],
            empty: path("empty"),
            missing_fails: MissingFails {
                fixture: path(&format!("{missing}_fails")),
                index: 1,
                error: errors[1],
            },
            missing_succeeds: MissingSucceeds {
                fixture: path(&format!("{missing}_succeeds")),
                identifiers: vec![Some(first.clone()), None, Some(third)],
                failed: vec![first],
                output,
            },
        }
    }

    /// The contract of the order fixtures that SQS and Kinesis share (see
    /// [`from_folder`](Self::from_folder)): orders `o-1` to `o-3`, handled by
    /// [`sqs_order`](super::sqs_order) or [`kinesis_order`](super::kinesis_order).
    pub fn orders(folder: &str, ids: [&str; 3], missing: &str) -> Self {
        Contract::from_folder(
            folder,
            ids,
            missing,
            [
                "order o-1 was rejected",
                "order o-2 was rejected",
                "order o-3 was rejected",
            ],
            r#""o-2""#,
        )
    }

    /// The failures `AllRecordsFailed` carries for `all_fail`.
    fn all_fail_record_failures(&self) -> Vec<RecordFailure> {
        self.all_fail_failures
            .iter()
            .enumerate()
            .map(|(index, (id, error))| RecordFailure {
                index,
                identifier: Some(id.text.clone()),
                error: (*error).to_owned(),
            })
            .collect()
    }

    /// Every identifier of `all_fail`, in order.
    fn all_fail_ids(&self) -> Vec<Id> {
        self.all_fail_failures
            .iter()
            .map(|(id, _)| id.clone())
            .collect()
    }
}

/// Checks that `err` is `MissingIdentifier` for record `index` failed with
/// `error`, with its exact message.
pub fn expect_missing_identifier(err: BatchError, index: usize, error: &str) {
    assert_eq!(err.error_type(), "MissingIdentifier");
    assert_eq!(
        err.to_string(),
        format!(
            "record {index} failed and has no identifier to report it by, so the whole batch must be retried; its error: {error}"
        )
    );
    match err {
        BatchError::MissingIdentifier {
            index: found,
            error: text,
        } => {
            assert_eq!(found, index);
            assert_eq!(text, error);
        }
        other => panic!("expected MissingIdentifier, got {other:?}"),
    }
}

/// Checks that `processor` fails `event` with `MissingIdentifier` for record
/// `index` failed with `error` (see [`expect_missing_identifier`]).
pub async fn fails_without_identifier<S, H, M>(
    processor: BatchProcessor<S, H, M>,
    event: &str,
    index: usize,
    error: &str,
) where
    S: EventSource,
    for<'a> H: Handler<'a, S::Record<'a>, M>,
{
    let err = processor
        .process(event, &Context::default())
        .await
        .unwrap_err();
    expect_missing_identifier(err, index, error);
}

/// Checks that `err` is `AllRecordsFailed` for the contract's `all_fail`:
/// its exact message, every failure and the filled response.
fn expect_all_failed(err: BatchError, contract: &Contract) {
    assert_eq!(err.error_type(), "AllRecordsFailed");
    let (first, first_error) = &contract.all_fail_failures[0];
    assert_eq!(
        err.to_string(),
        format!(
            "all {} records of the batch failed; first: record 0 ({}): {first_error}",
            contract.all_fail_failures.len(),
            first.text
        )
    );
    let BatchError::AllRecordsFailed { failures, response } = err else {
        panic!("expected AllRecordsFailed, got {err:?}")
    };
    assert_eq!(failures, contract.all_fail_record_failures());
    assert_eq!(
        json(&response),
        expected_response(&contract.all_fail_ids()),
        "the error still carries the full response"
    );
}

/// A batch whose every record succeeds gives an empty response.
pub async fn all_succeed<S, H, M>(new: impl Fn() -> BatchProcessor<S, H, M>, contract: &Contract)
where
    S: EventSource,
    for<'a> H: Handler<'a, S::Record<'a>, M>,
{
    let response = new()
        .process(&fixture(&contract.all_ok), &Context::default())
        .await
        .unwrap();
    assert_eq!(json(&response), EMPTY_RESPONSE);
    assert!(response.is_empty());
}

/// Of [fail, ok, fail], the first and the third are reported, in order.
pub async fn fail_ok_fail<S, H, M>(new: impl Fn() -> BatchProcessor<S, H, M>, contract: &Contract)
where
    S: EventSource,
    for<'a> H: Handler<'a, S::Record<'a>, M>,
{
    let response = new()
        .process(&fixture(&contract.fail_ok_fail), &Context::default())
        .await
        .unwrap();
    assert_eq!(
        json(&response),
        expected_response(&contract.fail_ok_fail_failed)
    );
}

/// A batch whose every record fails raises, with every failure and the
/// filled response.
pub async fn all_fail_raises<S, H, M>(
    new: impl Fn() -> BatchProcessor<S, H, M>,
    contract: &Contract,
) where
    S: EventSource,
    for<'a> H: Handler<'a, S::Record<'a>, M>,
{
    let err = new()
        .process(&fixture(&contract.all_fail), &Context::default())
        .await
        .unwrap_err();
    expect_all_failed(err, contract);
}

/// Without raising, a batch whose every record fails lists every identifier
/// in order.
pub async fn all_fail_without_raising<S, H, M>(
    new: impl Fn() -> BatchProcessor<S, H, M>,
    contract: &Contract,
) where
    S: EventSource,
    for<'a> H: Handler<'a, S::Record<'a>, M>,
{
    let response = new()
        .raise_on_full_failure(false)
        .process(&fixture(&contract.all_fail), &Context::default())
        .await
        .unwrap();
    assert_eq!(json(&response), expected_response(&contract.all_fail_ids()));
}

/// One processor carries nothing from one batch to the next.
pub async fn same_processor_again<S, H, M>(
    new: impl Fn() -> BatchProcessor<S, H, M>,
    contract: &Contract,
) where
    S: EventSource,
    for<'a> H: Handler<'a, S::Record<'a>, M>,
{
    let processor = new();
    let ctx = Context::default();
    let mixed = fixture(&contract.fail_ok_fail);
    let all_ok = fixture(&contract.all_ok);
    let all_fail = fixture(&contract.all_fail);

    let first = processor.process(&mixed, &ctx).await.unwrap();
    for round in 0..2 {
        let response = processor.process(&mixed, &ctx).await.unwrap();
        assert_eq!(response, first, "round {round}");
        assert_eq!(
            json(&response),
            expected_response(&contract.fail_ok_fail_failed),
            "round {round}"
        );
        let response = processor.process(&all_ok, &ctx).await.unwrap();
        assert_eq!(json(&response), EMPTY_RESPONSE, "round {round}");
        let err = processor.process(&all_fail, &ctx).await.unwrap_err();
        expect_all_failed(err, contract);
    }
}

/// An empty batch gives an empty response and an empty report, whatever the
/// switch.
pub async fn empty_batch<S, H, M>(new: impl Fn() -> BatchProcessor<S, H, M>, contract: &Contract)
where
    S: EventSource,
    for<'a> H: Handler<'a, S::Record<'a>, M>,
{
    let event = fixture(&contract.empty);
    let ctx = Context::default();
    for raise in [true, false] {
        let processor = new().raise_on_full_failure(raise);
        let response = processor.process(&event, &ctx).await.unwrap();
        assert_eq!(json(&response), EMPTY_RESPONSE, "raise {raise}");
        let report = processor.run(&event, &ctx).await.unwrap();
        assert!(report.is_empty(), "raise {raise}");
        assert_eq!(
            (report.succeeded(), report.failed()),
            (0, 0),
            "raise {raise}"
        );
    }
}

/// A failed record without identifier fails the invocation, naming its index.
pub async fn missing_identifier_fails<S, H, M>(
    new: impl Fn() -> BatchProcessor<S, H, M>,
    contract: &Contract,
) where
    S: EventSource,
    for<'a> H: Handler<'a, S::Record<'a>, M>,
{
    let case = &contract.missing_fails;
    fails_without_identifier(new(), &fixture(&case.fixture), case.index, case.error).await;
}

/// A record without identifier that succeeds is fine: the others are
/// reported as usual.
pub async fn missing_identifier_succeeds<S, H, M>(
    new: impl Fn() -> BatchProcessor<S, H, M>,
    contract: &Contract,
) where
    S: EventSource,
    for<'a> H: Handler<'a, S::Record<'a>, M>,
    for<'a> <H as Handler<'a, S::Record<'a>, M>>::Output: Debug,
{
    let case = &contract.missing_succeeds;
    let processor = new();
    let event = fixture(&case.fixture);
    let ctx = Context::default();
    let response = processor.process(&event, &ctx).await.unwrap();
    assert_eq!(json(&response), expected_response(&case.failed));

    let report = processor.run(&event, &ctx).await.unwrap();
    let expected: Vec<Option<String>> = case
        .identifiers
        .iter()
        .map(|id| id.as_ref().map(|id| id.text.clone()))
        .collect();
    assert_eq!(identifiers(&report), expected);
    let missing = case
        .identifiers
        .iter()
        .position(Option::is_none)
        .expect("the fixture has a record without identifier");
    match report.records()[missing].outcome() {
        Outcome::Success(output) => assert_eq!(format!("{output:?}"), case.output),
        other => panic!("expected record {missing} to succeed, got {other:?}"),
    }
}

/// Writes the contract's tests for one source into a `contract` module:
/// `$new` builds the source's processor (a closure such as
/// `|| BatchProcessor::sqs(sqs_order)`), `$contract` is its [`Contract`].
/// Each test is named after its clause and runs the check of this module
/// named after it.
// Test binaries that do not check the contract leave the macro unused.
#[allow(unused_macros)]
macro_rules! contract_tests {
    ($new:expr, $contract:expr $(,)?) => {
        $crate::common::contract::contract_tests!(@tests $new, $contract;
            all_succeed_gives_an_empty_response => all_succeed,
            fail_ok_fail_reports_the_first_and_third_in_order => fail_ok_fail,
            all_failed_raises_with_every_failure_and_the_filled_response => all_fail_raises,
            all_failed_without_raising_lists_every_identifier_in_order => all_fail_without_raising,
            the_same_processor_carries_nothing_from_one_batch_to_the_next => same_processor_again,
            an_empty_batch_gives_an_empty_response_whatever_the_switch => empty_batch,
            a_failed_record_without_identifier_fails_the_invocation_naming_its_index
                => missing_identifier_fails,
            a_record_without_identifier_that_succeeds_is_fine => missing_identifier_succeeds,
        );
    };
    (@tests $new:expr, $contract:expr; $($name:ident => $check:ident,)*) => {
        /// The contract every source meets (see `common::contract`).
        mod contract {
            use super::*;
            $(
                #[tokio::test]
                async fn $name() {
                    $crate::common::contract::$check($new, &$contract).await;
                }
            )*
        }
    };
}

#[allow(unused_imports)]
pub(crate) use contract_tests;
