//! Envelopes: payloads that another service wrapped before they reached the batch.
//!
//! | envelope | delivered by | payload type |
//! |---|---|---|
//! | SNS notification (raw or not) | SQS | [`Sns<T>`] |
//! | EventBridge event | SQS | [`EventBridgeEvent<T>`] |
//! | S3 event notification | SQS (directly, or through SNS as `Sns<S3Event>`) | [`S3Event`] |
//! | CloudWatch Logs subscription data (gzip) | Kinesis | `CloudWatchLogs` (feature `cloudwatch-logs`) |
//!
//! Each is a payload type like any other: the handler takes it, and a record
//! whose envelope or inner payload does not decode fails alone, with the
//! path of the offending field. [`EventBridgeEvent`] and [`S3Event`] are
//! plain `Deserialize` types, so they nest inside [`Sns`] and inside your
//! own types.
//!
//! ```
//! use lambda_batch::{BatchProcessor, Context};
//! use lambda_batch::typed::envelope::{S3Event, Sns};
//! use lambda_batch::typed::typed;
//!
//! // S3 notifies an SNS topic, which delivers to the queue.
//! async fn handle(notification: Sns<S3Event>) -> Result<(), String> {
//!     for record in &notification.message.records {
//!         let _key = record.s3.object.decoded_key();
//!     }
//!     Ok(())
//! }
//! let processor = BatchProcessor::sqs(typed(handle));
//! # let _ = processor;
//! ```

mod eventbridge;
mod s3;
mod sns;

#[cfg(feature = "cloudwatch-logs")]
mod cloudwatch_logs;

pub use eventbridge::EventBridgeEvent;
pub use s3::{S3Bucket, S3Entity, S3Event, S3EventRecord, S3Object};
pub use sns::{Sns, SnsMessageAttribute};

#[cfg(feature = "cloudwatch-logs")]
#[cfg_attr(docsrs, doc(cfg(feature = "cloudwatch-logs")))]
pub use cloudwatch_logs::{CloudWatchLogs, LogEvent};
