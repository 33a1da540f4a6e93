//! An SQS-fed Lambda function that reports only the messages that failed.
//!
//! Each message body is an order in JSON. Orders that do not parse, or whose
//! quantity is zero, fail; Lambda makes only those messages visible again.
//!
//! Build for Lambda with `cargo lambda build --release --example sqs`, and turn
//! on `ReportBatchItemFailures` on the event source mapping.

use lambda_batch::source::SqsRecord;
use lambda_batch::BatchProcessor;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Order<'a> {
    id: &'a str,
    quantity: u32,
}

#[derive(Debug, thiserror::Error)]
enum OrderError {
    #[error("the body is not an order: {0}")]
    Malformed(#[from] serde_json::Error),
    #[error("order {0} has no items")]
    Empty(String),
}

async fn handle(record: SqsRecord<'_>) -> Result<(), OrderError> {
    let order: Order<'_> = serde_json::from_str(record.body())?;
    if order.quantity == 0 {
        return Err(OrderError::Empty(order.id.to_owned()));
    }
    tracing::info!(
        order = order.id,
        quantity = order.quantity,
        "order accepted"
    );
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    lambda_runtime::tracing::init_default_subscriber();
    lambda_batch::run(BatchProcessor::sqs(handle)).await
}
