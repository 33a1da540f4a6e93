//! A Kinesis-fed Lambda function that reports only the records that failed.
//!
//! Each record holds a JSON reading from a sensor. Readings out of range fail;
//! Lambda checkpoints before the first failed record and retries from there.
//!
//! Build for Lambda with `cargo lambda build --release --example kinesis`, and
//! turn on `ReportBatchItemFailures` on the event source mapping.

use lambda_batch::source::KinesisRecord;
use lambda_batch::{BatchProcessor, Context};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Reading {
    sensor: String,
    celsius: f64,
}

async fn handle(record: KinesisRecord<'_>, context: &Context) -> anyhow::Result<()> {
    let reading: Reading = record.data_json()?;
    if !(-60.0..=60.0).contains(&reading.celsius) {
        anyhow::bail!("sensor {} reported {} °C", reading.sensor, reading.celsius);
    }
    tracing::info!(
        request = %context.request_id,
        partition_key = record.partition_key().unwrap_or_default(),
        sensor = %reading.sensor,
        "reading stored"
    );
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    lambda_runtime::tracing::init_default_subscriber();
    lambda_batch::run(BatchProcessor::kinesis(handle)).await
}
