//! An SQS-fed function for Lambda Managed Instances, where one process serves
//! many invocations at once.
//!
//! `lambda_batch::run_concurrent` starts `AWS_LAMBDA_MAX_CONCURRENCY` workers
//! that each poll the Runtime API with a clone of one service. The clones
//! share one processor, which keeps no state from one batch to the next: the
//! records, failures and response of each invocation stay its own. Without
//! Managed Instances (the variable unset or 1), invocations run one at a
//! time, as with `lambda_batch::run`.
//!
//! Each message body is a stock reservation in JSON; reservations of zero
//! items, or bodies that do not parse, fail. Build for Lambda with
//! `cargo lambda build --release --example managed_instances`, and turn on
//! `ReportBatchItemFailures` on the event source mapping.

use std::time::Duration;

use lambda_batch::source::SqsRecord;
use lambda_batch::{BatchProcessor, Context};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Reservation<'a> {
    sku: &'a str,
    quantity: u32,
}

#[derive(Debug, thiserror::Error)]
enum ReservationError {
    #[error("the body is not a reservation: {0}")]
    Malformed(#[from] serde_json::Error),
    #[error("reservation of {0} has no items")]
    Empty(String),
}

async fn handle(record: SqsRecord<'_>, context: &Context) -> Result<(), ReservationError> {
    let reservation: Reservation<'_> = serde_json::from_str(record.body())?;
    if reservation.quantity == 0 {
        return Err(ReservationError::Empty(reservation.sku.to_owned()));
    }
    // Stands for the call to the stock service: while it waits, the other
    // invocations in flight go on.
    tokio::time::sleep(Duration::from_millis(5)).await;
    tracing::info!(
        request = %context.request_id,
        sku = reservation.sku,
        quantity = reservation.quantity,
        "stock reserved"
    );
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    lambda_runtime::tracing::init_default_subscriber();
    lambda_batch::run_concurrent(BatchProcessor::sqs(handle)).await
}
