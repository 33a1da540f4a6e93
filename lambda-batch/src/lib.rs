#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]
#![warn(rust_2018_idioms, unreachable_pub)]

mod caught;
pub mod error;
pub mod handler;
pub mod metrics;
pub mod ordering;
pub mod outcome;
pub mod processor;
pub mod report;
pub mod response;
pub mod runtime;
pub mod source;
pub mod typed;

pub use error::{BatchError, FailureReason, InvalidEvent, RecordError, RecordFailure};
pub use handler::Handler;
pub use lambda_runtime::Context;
pub use metrics::{BatchSummary, EmfMetrics};
pub use ordering::{FifoMode, StreamMode};
pub use outcome::{CancelReason, Outcome, SkipReason};
pub use processor::{BatchProcessor, BoxProcessor};
pub use report::{BatchReport, RecordReport};
pub use response::{BatchItemFailure, BatchResponse, ItemIdentifier};
pub use runtime::{run, run_concurrent, BatchEvent, BatchService};
pub use source::{DynamoDb, EventSource, Kafka, Kinesis, Sqs};

#[cfg(feature = "aws_lambda_events")]
#[cfg_attr(docsrs, doc(cfg(feature = "aws_lambda_events")))]
pub mod interop;
