//! A Kafka-fed Lambda function whose values are Avro: products published
//! without a schema registry, each decoded with the topic's writer schema
//! before the handler sees it.
//!
//! A value that does not decode with the schema fails its own record, named
//! by topic, partition and offset, and the rest of the batch goes on; so
//! does a product without a price.
//!
//! Build for Lambda with `cargo lambda build --release --example kafka_avro
//! --features avro`, and turn on `ReportBatchItemFailures` on the event
//! source mapping. Try it locally with `cargo lambda watch --example
//! kafka_avro --features avro` and `cargo lambda invoke --data-file
//! lambda-batch/tests/fixtures/e2e/kafka_avro/all_ok.json`.

use lambda_batch::typed::kafka::{Avro, AvroSchema, Framing, Keyed, WriterSchema};
use lambda_batch::typed::typed;
use lambda_batch::BatchProcessor;

/// A product as the topic's producers write it.
#[derive(Debug, serde::Deserialize)]
struct Product {
    id: i32,
    name: String,
    price: f64,
}

impl AvroSchema for Product {
    fn writer_schema() -> &'static WriterSchema {
        // Parsed once, on the first record, for the life of the function.
        static SCHEMA: WriterSchema = WriterSchema::new(
            r#"{"type":"record","name":"Product","fields":[
                {"name":"id","type":"int"},
                {"name":"name","type":"string"},
                {"name":"price","type":"double"}]}"#,
        )
        .framing(Framing::Plain);
        &SCHEMA
    }
}

/// The key is the store (text, or none); the value the product.
async fn handle(product: Keyed<String, Avro<Product>>) -> Result<(), String> {
    let store = product.key.as_deref().unwrap_or("every store");
    let product = product.value.into_inner();
    // NaN is no price either.
    if product.price.is_nan() || product.price <= 0.0 {
        return Err(format!("product {} has no price", product.id));
    }
    tracing::info!(store, id = product.id, name = %product.name, price = product.price, "listed");
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    lambda_runtime::tracing::init_default_subscriber();
    lambda_batch::run(BatchProcessor::kafka(typed(handle))).await
}
