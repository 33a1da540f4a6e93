//! An SQS-fed Lambda function as it runs in production: a client built once
//! and shared by every call, typed orders, hooks that log each batch, and a
//! processor built in one function that `main` and the tests share.
//!
//! Each message body is an order in JSON. The orders table refuses an order
//! id it already holds (a conditional write), so the same message delivered
//! twice fails the second time; an order of no items fails. Lambda makes
//! only the failed messages visible again.
//!
//! The client here is a stand-in of an AWS SDK client's shape (built once
//! from the configuration, cheap to clone, `Send + Sync`, async calls that
//! return typed errors), keeping its rows in memory, so that the example
//! runs anywhere; with `aws-sdk-dynamodb`, `Table` wraps its `Client` and
//! `put_new` is a `put_item` with `attribute_not_exists(id)`.
//!
//! Build for Lambda with `cargo lambda build --release --example orders`,
//! and turn on `ReportBatchItemFailures` on the event source mapping.

use lambda_batch::handler::with_state;
use lambda_batch::source::{Sqs, SqsRecord};
use lambda_batch::typed::{typed, TypedError};
use lambda_batch::{BatchProcessor, BatchReport, BoxProcessor, Context};
use serde::Deserialize;

mod table {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, PoisonError};

    /// The orders table's client.
    #[derive(Clone, Debug, Default)]
    pub struct Table {
        rows: Arc<Mutex<HashMap<String, u32>>>,
    }

    /// Why a write failed.
    #[derive(Debug, thiserror::Error)]
    pub enum WriteError {
        /// The condition of a conditional write did not hold.
        #[error("the table already holds {0}")]
        ConditionalCheckFailed(String),
    }

    impl Table {
        /// Writes `id` unless the table holds it already.
        pub async fn put_new(&self, id: &str, items: u32) -> Result<(), WriteError> {
            let mut rows = self.rows.lock().unwrap_or_else(PoisonError::into_inner);
            if rows.contains_key(id) {
                return Err(WriteError::ConditionalCheckFailed(id.to_owned()));
            }
            rows.insert(id.to_owned(), items);
            Ok(())
        }
    }
}

use table::{Table, WriteError};

#[derive(Debug, Deserialize)]
struct Order {
    id: String,
    quantity: u32,
}

#[derive(Debug, thiserror::Error)]
enum OrderError {
    #[error("order {0} has no items")]
    Empty(String),
    #[error("order not stored: {0}")]
    Table(#[from] WriteError),
}

async fn handle(order: Order, record: SqsRecord<'_>, table: &Table) -> Result<(), OrderError> {
    if order.quantity == 0 {
        return Err(OrderError::Empty(order.id));
    }
    table.put_new(&order.id, order.quantity).await?;
    tracing::info!(
        order = order.id,
        message = record.message_id(),
        quantity = order.quantity,
        "order stored"
    );
    Ok(())
}

/// The function's processor, shared by `main` and the tests.
fn processor(table: Table) -> BoxProcessor<Sqs, (), TypedError<OrderError>> {
    BatchProcessor::sqs(typed(with_state(table, handle)))
        .concurrency(8)
        .on_batch(
            |report: &BatchReport<'_, (), TypedError<OrderError>>, ctx: &Context| {
                tracing::info!(
                    request = %ctx.request_id,
                    records = report.len(),
                    failed = report.failed(),
                    "batch done"
                );
            },
        )
        .boxed()
}

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    lambda_runtime::tracing::init_default_subscriber();
    // Built once, before the first invocation: with the AWS SDK,
    // `Table::new(&aws_config::load_from_env().await)`.
    let table = Table::default();
    lambda_batch::run(processor(table)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVENT: &str = r#"{"Records":[
        {"messageId":"m1","body":"{\"id\":\"o-1\",\"quantity\":2}"},
        {"messageId":"m2","body":"{\"id\":\"o-2\",\"quantity\":0}"},
        {"messageId":"m3","body":"{\"id\":\"o-3\",\"quantity\":1}"}]}"#;

    #[tokio::test]
    async fn an_order_is_stored_once() {
        let processor = processor(Table::default());
        let context = Context::default();
        let response = processor.process(EVENT, &context).await.unwrap();
        let failed: Vec<String> = response.identifiers().map(|id| id.to_string()).collect();
        assert_eq!(failed, ["m2"]);

        // The same messages again: the table holds their orders.
        let report = processor.run(EVENT, &context).await.unwrap();
        assert_eq!(report.failed(), 3);
        assert_eq!(
            report.records()[0].outcome().error_text().as_deref(),
            Some("order not stored: the table already holds o-1")
        );
    }
}
