//! A DynamoDB Streams-fed Lambda function that reports only the records that failed.
//!
//! It keeps a search index in step with an `Orders` table: inserted and
//! modified items are decoded into `Order`, removed ones are dropped from the
//! index. Items that do not decode fail; Lambda retries from the first of them.
//!
//! Build for Lambda with `cargo lambda build --release --example dynamodb`, and
//! turn on `ReportBatchItemFailures` on the event source mapping.

use lambda_batch::source::dynamodb::ChangeKind;
use lambda_batch::source::DynamoDbRecord;
use lambda_batch::BatchProcessor;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Order {
    id: String,
    total_cents: u64,
    #[serde(default)]
    tags: Vec<String>,
}

async fn handle(record: DynamoDbRecord<'_>) -> anyhow::Result<()> {
    match record.change() {
        Some(ChangeKind::Insert | ChangeKind::Modify) => {
            // Decoded straight from the event text: only what `Order` reads is checked.
            let order: Order = record
                .new_image_as()?
                .ok_or_else(|| anyhow::anyhow!("the stream does not carry new images"))?;
            tracing::info!(order = %order.id, total = order.total_cents, tags = ?order.tags, "indexed");
        }
        Some(ChangeKind::Remove) => {
            let ttl = record.is_ttl_delete();
            let keys = record.keys()?.map(|k| k.to_json()).unwrap_or_default();
            tracing::info!(%keys, ttl, "removed");
        }
        None => anyhow::bail!("unknown event name {:?}", record.event_name()),
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    lambda_runtime::tracing::init_default_subscriber();
    lambda_batch::run(BatchProcessor::dynamodb(handle)).await
}
