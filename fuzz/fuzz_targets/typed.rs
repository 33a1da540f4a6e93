//! Typed payloads: a `typed` handler is called exactly for the records
//! whose payload decodes into its type (the SQS body, Kinesis data, Kafka
//! value, DynamoDB new image), and every other record fails, reported.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use serde::Deserialize;

use lambda_batch::source::{DynamoDb, EventSource, Kafka, Kinesis, Sqs};
use lambda_batch::typed::{typed, NewImage};
use lambda_batch::{BatchProcessor, Context};
use lambda_batch::handler::Handler;
use lambda_batch::ordering::FifoMode;
use lambda_batch_fuzz::runtime;

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Order {
    id: u64,
    #[serde(default)]
    qty: Option<u32>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    lines: Vec<Line>,
    #[serde(default)]
    extra: BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Line {
    sku: String,
    price: f64,
}

async fn order(_: Order) -> Result<(), String> {
    Ok(())
}

async fn value(_: serde_json::Value) -> Result<(), String> {
    Ok(())
}

async fn image(_: NewImage<Order>) -> Result<(), String> {
    Ok(())
}

/// Runs `processor` on `event` and checks each record's outcome against
/// `decodes`, which says whether its payload decodes.
fn check<S, H, M>(
    processor: BatchProcessor<S, H, M>,
    event: &str,
    decodes: impl Fn(&S::Record<'_>) -> bool,
) where
    S: EventSource,
    for<'a> H: Handler<'a, S::Record<'a>, M>,
{
    let Ok(parsed) = S::parse(event) else {
        return;
    };
    let context = Context::default();
    let report = runtime()
        .block_on(processor.run(event, &context))
        .expect("the event reads");
    for (index, (record, parsed)) in report.records().iter().zip(&parsed).enumerate() {
        let expected = parsed.record().is_ok_and(&decodes);
        assert_eq!(
            record.outcome().is_success(),
            expected,
            "{} record {index}: {:?}",
            S::NAME,
            record.outcome().error_text()
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(event) = std::str::from_utf8(data) else {
        return;
    };
    check(
        BatchProcessor::sqs(typed(order)).fifo(FifoMode::Off),
        event,
        |r| serde_json::from_str::<Order>(r.body()).is_ok(),
    );
    check(
        BatchProcessor::sqs(typed(value)).fifo(FifoMode::Off),
        event,
        |r| serde_json::from_str::<serde_json::Value>(r.body()).is_ok(),
    );
    check(BatchProcessor::kinesis(typed(order)), event, |r| {
        r.data()
            .is_ok_and(|data| serde_json::from_slice::<Order>(data).is_ok())
    });
    check(BatchProcessor::kafka(typed(order)), event, |r| {
        r.value_json::<Order>().is_ok()
    });
    check(BatchProcessor::dynamodb(typed(image)), event, |r| {
        r.new_image_as::<Order>().is_ok()
    });
    let _ = (Sqs, Kinesis, Kafka, DynamoDb);
});
