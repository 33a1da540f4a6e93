//! Helpers shared by the integration tests: fixtures, handlers and checks.

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

pub mod contract;
pub mod subscriber;

use std::fs;
use std::path::PathBuf;

use lambda_batch::source::{KinesisRecord, SqsRecord};
use lambda_batch::{BatchError, BatchReport, BatchResponse, InvalidEvent};

/// The text of `tests/fixtures/<path>`.
pub fn fixture(path: &str) -> String {
    let full: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "fixtures", path]
        .iter()
        .collect();
    fs::read_to_string(&full).unwrap_or_else(|e| panic!("cannot read {}: {e}", full.display()))
}

/// The response as Lambda reads it.
pub fn json(response: &BatchResponse) -> String {
    serde_json::to_string(response).expect("a response serialises")
}

/// The response's identifiers, in order.
pub fn ids(response: &BatchResponse) -> Vec<String> {
    response.identifiers().map(ToString::to_string).collect()
}

/// Every record's error text, in order (`None` for a success).
pub fn errors<T, E: std::fmt::Display>(report: &BatchReport<'_, T, E>) -> Vec<Option<String>> {
    report
        .records()
        .iter()
        .map(|r| r.outcome().error_text())
        .collect()
}

/// The error texts of the failed records, in order.
pub fn failure_texts<T, E: std::fmt::Display>(report: &BatchReport<'_, T, E>) -> Vec<String> {
    errors(report).into_iter().flatten().collect()
}

/// A single-threaded async runtime with timers.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a runtime")
}

/// Runs `future` to completion on a fresh [`runtime`].
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    runtime().block_on(future)
}

/// Every record's identifier, in order (`None` for a record without).
pub fn identifiers<T, E: std::fmt::Display>(report: &BatchReport<'_, T, E>) -> Vec<Option<String>> {
    report
        .records()
        .iter()
        .map(|r| r.identifier().map(ToString::to_string))
        .collect()
}

/// `{"batchItemFailures":[...]}` listing `ids`, built independently of the library.
pub fn expected_json(ids: &[&str]) -> String {
    let failures: Vec<serde_json::Value> = ids
        .iter()
        .map(|id| serde_json::json!({ "itemIdentifier": id }))
        .collect();
    serde_json::json!({ "batchItemFailures": failures }).to_string()
}

/// Unwraps [`BatchError::InvalidEvent`], failing the test on any other result.
pub fn invalid_event<T: std::fmt::Debug>(result: Result<T, BatchError>) -> InvalidEvent {
    match result {
        Err(BatchError::InvalidEvent(e)) => e,
        other => panic!("expected BatchError::InvalidEvent, got {other:?}"),
    }
}

/// An order payload as the fixtures carry it.
#[derive(Debug, serde::Deserialize)]
pub struct Order {
    #[serde(rename = "orderId")]
    pub order_id: String,
    pub status: String,
}

/// The error of the fixture handlers.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum OrderError {
    /// The payload is not an order.
    #[error("payload is not an order: {0}")]
    NotAnOrder(String),
    /// The order asked to fail.
    #[error("order {0} was rejected")]
    Rejected(String),
}

fn check(order: Order) -> Result<String, OrderError> {
    if order.status == "fail" {
        Err(OrderError::Rejected(order.order_id))
    } else {
        Ok(order.order_id)
    }
}

/// Fails an SQS message whose body is an order with status `fail`; returns the order id.
pub fn sqs_order(record: SqsRecord<'_>) -> Result<String, OrderError> {
    let order: Order =
        serde_json::from_str(record.body()).map_err(|e| OrderError::NotAnOrder(e.to_string()))?;
    check(order)
}

/// Fails a Kinesis record whose data is an order with status `fail`; returns the order id.
pub fn kinesis_order(record: KinesisRecord<'_>) -> Result<String, OrderError> {
    let order: Order = record
        .data_json()
        .map_err(|e| OrderError::NotAnOrder(e.to_string()))?;
    check(order)
}

/// Identifiers of the SQS fixtures `all_ok`, `fail_ok_fail` and `all_fail`, in order.
pub const SQS_IDS: [&str; 3] = [
    "059f36b4-87a3-44ab-83d2-661975830a7d",
    "2e1424d4-f796-459a-8184-9c92662be6da",
    "8a2b4c6d-1e3f-4a5b-9c7d-0e1f2a3b4c5d",
];

/// Sequence numbers of the Kinesis fixtures `all_ok`, `fail_ok_fail` and `all_fail`, in order.
pub const KINESIS_SEQS: [&str; 3] = [
    "49590338271490256608559692538361571095921575989136588898",
    "49590338271490256608559692540925702759324208523137515618",
    "49590338271490256608559692541123456789012345678901234562",
];

/// Keeps the panics that tests cause on purpose (whose message starts with
/// `planned panic`, or whose payload is not text) out of the test output;
/// every other panic is printed as usual.
pub fn quiet_planned_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let payload = info.payload();
            let text = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned());
            match text {
                Some(text) if text.starts_with("planned panic") => {}
                None if payload.is::<u32>() => {}
                _ => default(info),
            }
        }));
    });
}
