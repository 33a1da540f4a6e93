//! Typed payloads: records decoded into your types before the handler runs.
//!
//! Wrap a handler of your payload type in [`typed`] and give it to any
//! processor: `BatchProcessor::sqs(typed(handle))`. Each record's payload is
//! decoded into the handler's argument type; a record whose payload does not
//! decode fails with its identifier and a [`DecodeError`] naming the field
//! path (`order.items[2].qty: invalid type: ...`), without calling the
//! handler, and the rest of the batch goes on.
//!
//! | source | payload | decodes into |
//! |---|---|---|
//! | SQS | `body`, JSON | any `T: DeserializeOwned` |
//! | Kinesis | `kinesis.data`, base64 then JSON | any `T: DeserializeOwned` |
//! | DynamoDB Streams | `NewImage` (and `OldImage`), attribute values | [`NewImage<T>`]; [`Images<New, Old>`] |
//! | Kafka | `value` (and `key`), base64, any schema registry frame, then JSON, Avro or Protocol Buffers | any `T: DeserializeOwned`; `Avro<T>`, `Protobuf<T>` and the other [`kafka`] payload types; [`Keyed<K, V>`] |
//!
//! A DynamoDB item's old image may predate its type's latest fields: decode
//! only the new image with [`NewImage<T>`], or type the old one apart with
//! [`Images<New, Old>`], so that adding a required field does not fail every
//! later change to an item written before (see [`Images`]).
//!
//! [`envelope`]s read payloads that another service wrapped: an SNS
//! notification, an EventBridge event or an S3 event notification in an SQS
//! body, CloudWatch Logs subscription data in Kinesis. They compose: an S3
//! notification published to SNS, then delivered to SQS, is
//! `Sns<S3Event>`.
//!
//! ```
//! use lambda_batch::{BatchProcessor, Context};
//! use lambda_batch::source::SqsRecord;
//! use lambda_batch::typed::typed;
//!
//! #[derive(serde::Deserialize)]
//! struct Order { id: u64, items: Vec<Item> }
//! #[derive(serde::Deserialize)]
//! struct Item { qty: u32 }
//!
//! // The record comes too when the handler asks for it.
//! async fn handle(order: Order, record: SqsRecord<'_>) -> Result<(), String> {
//!     let _receipt = record.receipt_handle();
//!     match order.items.iter().map(|i| i.qty).sum::<u32>() {
//!         0 => Err(format!("order {} is empty", order.id)),
//!         _ => Ok(()),
//!     }
//! }
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let processor = BatchProcessor::sqs(typed(handle));
//! let event = r#"{"Records":[
//!     {"messageId":"ok","body":"{\"id\":1,\"items\":[{\"qty\":1}]}"},
//!     {"messageId":"malformed","body":"{\"id\":2,\"items\":[{\"qty\":1},{\"qty\":-1}]}"},
//!     {"messageId":"also-ok","body":"{\"id\":3,\"items\":[{\"qty\":4}]}"}]}"#;
//! let response = processor.process(event, &Context::default()).await?;
//! let failed: Vec<String> = response.identifiers().map(|id| id.to_string()).collect();
//! assert_eq!(failed, ["malformed"]);
//! # Ok::<(), lambda_batch::BatchError>(())
//! # }).unwrap();
//! ```
//!
//! Decoding reads straight from the event: an SQS body from the event text
//! (borrowed unless escaped), Kinesis and Kafka payloads from the bytes
//! decoded from base64 once, DynamoDB images through a serde `Deserializer`
//! over the attribute values, with no JSON in between. Only a payload that
//! fails is read a second time, to find the path of the offending field, so
//! records that decode pay nothing for error paths.
//!
//! Decoded types own their data (`T: DeserializeOwned`): the type is part of
//! the handler's signature, which serves records of every event, so it
//! cannot borrow from one of them. Little is lost: an SQS body holding JSON
//! is escaped in the event, and Kinesis and Kafka payloads are base64, so
//! their text is a copy whatever the type. To borrow from a record anyway,
//! take the record and decode it in the handler, as in
//! `serde_json::from_str::<Order<'_>>(record.body())` or
//! [`KinesisRecord::data_json`](crate::source::KinesisRecord::data_json).
//!
//! Numbers: JSON payloads follow `serde_json` (integers exact up to
//! `u128`/`i128`, floats rounded to the nearest `f64`, out-of-range values
//! refused); to keep a JSON number's text exactly, decode it into
//! `Box<serde_json::value::RawValue>`. DynamoDB numbers never round: see
//! [`Images`].

mod decode;
mod dynamodb;
pub mod envelope;
mod error;
mod handler;
pub mod kafka;

pub use decode::FromRecord;
pub use dynamodb::{Images, NewImage};
pub use error::{DecodeError, TypedError};
pub use handler::{marker, typed, Typed};
#[cfg(feature = "avro")]
#[cfg_attr(docsrs, doc(cfg(feature = "avro")))]
pub use kafka::Avro;
pub use kafka::Keyed;
#[cfg(feature = "protobuf")]
#[cfg_attr(docsrs, doc(cfg(feature = "protobuf")))]
pub use kafka::Protobuf;
