//! State for handlers: one value owned by the processor, lent to every
//! call, in every handler form and engine, typed or not, never cloned per
//! record.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{block_on, ids};
use lambda_batch::handler::with_state;
use lambda_batch::source::{KinesisRecord, SqsRecord};
use lambda_batch::typed::{typed, TypedError};
use lambda_batch::{BatchProcessor, Context};

/// Stands in for an AWS SDK client: a cheap handle to shared rows, which
/// counts how often it is cloned.
#[derive(Debug, Default)]
struct Table {
    rows: Arc<Mutex<Vec<String>>>,
    clones: Arc<AtomicUsize>,
}

impl Clone for Table {
    fn clone(&self) -> Self {
        self.clones.fetch_add(1, Ordering::Relaxed);
        Table {
            rows: Arc::clone(&self.rows),
            clones: Arc::clone(&self.clones),
        }
    }
}

impl Table {
    /// A second handle, not counted as a clone, for the test to look with.
    fn handle(&self) -> Table {
        Table {
            rows: Arc::clone(&self.rows),
            clones: Arc::clone(&self.clones),
        }
    }

    async fn put(&self, row: &str) -> Result<(), String> {
        tokio::time::sleep(Duration::from_millis(1)).await;
        self.put_now(row).map(drop)
    }

    fn put_now(&self, row: &str) -> Result<usize, String> {
        if row.contains("fail") {
            return Err(format!("`{row}` refused"));
        }
        let mut rows = self.rows.lock().expect("not poisoned");
        rows.push(row.to_owned());
        Ok(rows.len())
    }

    fn rows(&self) -> Vec<String> {
        let mut rows = self.rows.lock().expect("not poisoned").clone();
        rows.sort();
        rows
    }

    fn clones(&self) -> usize {
        self.clones.load(Ordering::Relaxed)
    }
}

const EVENT: &str = r#"{"Records":[
    {"messageId":"a","body":"one"},
    {"messageId":"b","body":"fail"},
    {"messageId":"c","body":"three"}]}"#;

fn context() -> Context {
    let mut context = Context::default();
    context.request_id = "req-1".into();
    context
}

async fn put(record: SqsRecord<'_>, table: &Table) -> Result<(), String> {
    table.put(record.body()).await
}

async fn put_with_context(
    record: SqsRecord<'_>,
    table: &Table,
    ctx: &Context,
) -> Result<(), String> {
    table
        .put(&format!("{}:{}", ctx.request_id, record.body()))
        .await
}

fn put_now(record: SqsRecord<'_>, table: &Table) -> Result<usize, String> {
    table.put_now(record.body())
}

fn put_now_with_context(
    record: SqsRecord<'_>,
    table: &Table,
    ctx: &Context,
) -> Result<usize, String> {
    table.put_now(&format!("{}:{}", ctx.request_id, record.body()))
}

/// Runs `handler` with a fresh table as its state on [`EVENT`]; returns the
/// failed identifiers and the table.
macro_rules! served {
    ($handler:expr) => {{
        let table = Table::default();
        let look = table.handle();
        let processor = BatchProcessor::sqs(with_state(table, $handler));
        let response = block_on(processor.process(EVENT, &context())).expect("a response");
        (ids(&response), look)
    }};
}

#[test]
fn every_form_gets_the_state_by_reference() {
    let (failed, table) = served!(put);
    assert_eq!(
        (failed, table.rows()),
        (vec!["b".to_owned()], vec!["one".into(), "three".into()])
    );

    let (failed, table) = served!(put_with_context);
    assert_eq!(failed, ["b"]);
    assert_eq!(table.rows(), ["req-1:one", "req-1:three"]);

    let (failed, table) = served!(put_now);
    assert_eq!(
        (failed, table.rows()),
        (vec!["b".to_owned()], vec!["one".into(), "three".into()])
    );

    let (failed, table) = served!(put_now_with_context);
    assert_eq!(failed, ["b"]);
    assert_eq!(table.rows(), ["req-1:one", "req-1:three"]);
    assert_eq!(table.clones(), 0, "the state is lent, never cloned");
}

#[test]
fn closures_take_the_state_too() {
    let (failed, table) =
        served!(|record: SqsRecord<'_>, table: &Table| table.put_now(record.body()));
    assert_eq!(failed, ["b"]);
    assert_eq!(table.rows(), ["one", "three"]);
}

#[test]
fn async_closures_take_the_state_too() {
    // An async closure that captured the table would not be `Fn` ("captures
    // state from its environment"); given as state, it is lent instead.
    let (failed, table) =
        served!(async |record: SqsRecord<'_>, table: &Table| { table.put(record.body()).await });
    assert_eq!(failed, ["b"]);
    assert_eq!(table.rows(), ["one", "three"]);
}

#[test]
fn the_state_is_shared_by_concurrent_records_and_threads_without_a_clone() {
    let body = |i: usize| {
        if i % 7 == 3 {
            "fail".to_owned()
        } else {
            format!("row{i:03}")
        }
    };
    let records: Vec<String> = (0..200)
        .map(|i| format!(r#"{{"messageId":"m{i}","body":"{}"}}"#, body(i)))
        .collect();
    let event = format!(r#"{{"Records":[{}]}}"#, records.join(","));
    let expected_failed: Vec<String> = (0..200)
        .filter(|i| i % 7 == 3)
        .map(|i| format!("m{i}"))
        .collect();

    let table = Table::default();
    let look = table.handle();
    let concurrent = BatchProcessor::sqs(with_state(table, put)).concurrency(16);
    let response = block_on(concurrent.process(&event, &context())).expect("a response");
    assert_eq!(ids(&response), expected_failed);
    assert_eq!(look.rows().len(), 200 - expected_failed.len());

    let table = Table::default();
    let look = table.handle();
    let threads = BatchProcessor::sqs(with_state(table, put_now)).parallel(4);
    let response = block_on(threads.process(&event, &context())).expect("a response");
    assert_eq!(ids(&response), expected_failed);
    assert_eq!(look.rows().len(), 200 - expected_failed.len());
    assert_eq!(look.clones(), 0);
}

#[derive(Debug, serde::Deserialize)]
struct Reading {
    sensor: String,
    value: i64,
}

async fn store(reading: Reading, table: &Table) -> Result<(), String> {
    if reading.value < 0 {
        return Err(format!("{} read {}", reading.sensor, reading.value));
    }
    table.put(&reading.sensor).await
}

fn store_with_record(
    reading: Reading,
    record: KinesisRecord<'_>,
    table: &Table,
    ctx: &Context,
) -> Result<(), String> {
    let sequence = record.sequence_number().ok_or("no sequence number")?;
    table
        .put_now(&format!("{}@{sequence}/{}", reading.sensor, ctx.request_id))
        .map(drop)
}

/// `{"sensor":..,"value":..}` as Kinesis data, base64.
fn kinesis_event(readings: &[(&str, i64)]) -> String {
    use base64::Engine as _;
    let records: Vec<String> = readings
        .iter()
        .enumerate()
        .map(|(i, (sensor, value))| {
            let data = base64::engine::general_purpose::STANDARD
                .encode(format!(r#"{{"sensor":"{sensor}","value":{value}}}"#));
            format!(r#"{{"kinesis":{{"sequenceNumber":"{i}","data":"{data}"}}}}"#)
        })
        .collect();
    format!(r#"{{"Records":[{}]}}"#, records.join(","))
}

#[test]
fn typed_handlers_get_the_state_after_the_payload_and_the_record() {
    let event = kinesis_event(&[("s1", 1), ("s2", -4), ("s3", 3)]);

    let table = Table::default();
    let look = table.handle();
    let processor = BatchProcessor::kinesis(typed(with_state(table, store)));
    let context = context();
    let report = block_on(processor.run(&event, &context)).expect("a report");
    let errors: Vec<_> = report
        .records()
        .iter()
        .map(|r| r.outcome().error_text())
        .collect();
    assert_eq!(errors, [None, Some("s2 read -4".to_owned()), None]);
    assert_eq!(look.rows(), ["s1", "s3"]);

    let table = Table::default();
    let look = table.handle();
    let processor = BatchProcessor::kinesis(typed(with_state(table, store_with_record)));
    let response = block_on(processor.process(&event, &context)).expect("a response");
    assert!(response.is_empty());
    assert_eq!(look.rows(), ["s1@0/req-1", "s2@1/req-1", "s3@2/req-1"]);
}

#[test]
fn a_payload_that_does_not_decode_never_reaches_the_stateful_handler() {
    let event = r#"{"Records":[{"kinesis":{"sequenceNumber":"7","data":"bm90IGpzb24="}}]}"#;
    let table = Table::default();
    let look = table.handle();
    let processor =
        BatchProcessor::kinesis(typed(with_state(table, store))).raise_on_full_failure(false);
    let context = context();
    let report = block_on(processor.run(event, &context)).expect("a report");
    assert!(matches!(
        report.records()[0].outcome(),
        lambda_batch::Outcome::Failure(lambda_batch::FailureReason::Handler(TypedError::Decode(_)))
    ));
    assert!(look.rows().is_empty());
}
