//! A Kafka-fed (Amazon MSK or self-managed) Lambda function that reports only
//! the records that failed, by topic, partition and offset.
//!
//! Each record's value is a JSON payment; its key is the account. Payments
//! that are not base64, do not decode or have a negative amount fail.
//!
//! Build for Lambda with `cargo lambda build --release --example kafka`, and
//! turn on `ReportBatchItemFailures` on the event source mapping.

use lambda_batch::source::KafkaRecord;
use lambda_batch::{BatchProcessor, Context};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Payment<'a> {
    reference: &'a str,
    amount_cents: i64,
}

#[derive(Debug, thiserror::Error)]
enum PaymentError {
    #[error("the record has no value")]
    Tombstone,
    #[error(transparent)]
    Unreadable(#[from] lambda_batch::RecordError),
    #[error("the value is not a payment: {0}")]
    Malformed(#[from] serde_json::Error),
    #[error("payment {0} has a negative amount")]
    Negative(String),
}

fn handle(record: KafkaRecord<'_>, context: &Context) -> Result<(), PaymentError> {
    let value = record.value()?.ok_or(PaymentError::Tombstone)?;
    let payment: Payment<'_> = serde_json::from_slice(value)?;
    if payment.amount_cents < 0 {
        return Err(PaymentError::Negative(payment.reference.to_owned()));
    }
    tracing::info!(
        request = %context.request_id,
        topic = record.topic().unwrap_or_default(),
        offset = record.offset().unwrap_or_default(),
        account = ?record.key_text().ok().flatten(),
        payment = payment.reference,
        "payment booked"
    );
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    lambda_runtime::tracing::init_default_subscriber();
    lambda_batch::run(BatchProcessor::kafka(handle)).await
}
