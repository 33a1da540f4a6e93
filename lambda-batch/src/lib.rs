#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]
#![warn(rust_2018_idioms, unreachable_pub)]

mod caught;
mod error;
pub mod handler;
mod metrics;
pub mod ordering;
mod outcome;
mod processor;
mod report;
mod response;
mod runtime;
pub mod source;
pub mod typed;

// One path per public type: what the modules above keep private is here.
pub use error::{BatchError, FailureReason, InvalidEvent, RecordError, RecordFailure};
pub use lambda_runtime::Context;
pub use metrics::{BatchSummary, EmfMetrics};
pub use outcome::{CancelReason, Outcome, SkipReason};
pub use processor::{BatchProcessor, BoxProcessor, ReportFor, DEFAULT_DEADLINE_MARGIN};
pub use report::{BatchReport, RecordReport};
pub use response::{BatchItemFailure, BatchResponse, ItemIdentifier};
pub use runtime::{run, run_concurrent, BatchEvent, BatchService};

#[cfg(feature = "aws_lambda_events")]
#[cfg_attr(docsrs, doc(cfg(feature = "aws_lambda_events")))]
pub mod interop;
