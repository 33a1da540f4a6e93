//! `process --typed`: the demo handler on typed payloads.
//!
//! Each record's payload is decoded into `{"status": ...}` before the
//! handler runs: the SQS body, the Kinesis data, the Kafka value, or the
//! DynamoDB new image (the old image is not read, so an item written before
//! `status` existed does not fail its changes). A record whose payload does
//! not decode fails without reaching the handler; the handler fails a
//! record whose status contains `fail`, as the untyped demo fails a payload
//! that does (and panics when it contains the `--panic-on` word). A
//! DynamoDB record without a new image (a REMOVE) has nothing to check, and
//! succeeds.

use std::fmt;

use lambda_batch::source::{DynamoDb, Kafka, Kinesis, Sqs};
use lambda_batch::typed::{typed, NewImage};
use lambda_batch::BatchProcessor;

use crate::args::{ProcessArgs, SourceKind};
use crate::demo::{self, Burn, Refused, FAIL_WORD};
use crate::exit::CliError;
use crate::process::{configure, drive, Done};

/// The typed demo payload.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Status {
    /// A status containing `fail` fails the record.
    pub status: String,
}

/// Decides on a decoded status.
fn decide(status: &Status, panic_on: Option<&str>) -> Result<(), Refused> {
    if let Some(word) = panic_on {
        if status.status.contains(word) {
            panic!("the status contains `{word}`");
        }
    }
    if status.status.contains(FAIL_WORD) {
        Err(Refused::Word)
    } else {
        Ok(())
    }
}

/// Runs the typed demo handler on `event` as a `source` event.
pub(crate) async fn process_as(
    source: SourceKind,
    event: &str,
    args: &ProcessArgs,
) -> Result<Done, CliError> {
    let panic_on = args.panic_on.clone();
    let sleep = args.sleep;
    let burn = args.cpu.map(Burn::calibrate);
    // Sync, or async when the handler sleeps.
    macro_rules! run {
        ($source:expr, |$payload:ident: $ty:ty| $status:expr) => {
            match sleep {
                None => {
                    let handler = move |$payload: $ty| {
                        if let Some(burn) = &burn {
                            burn.run();
                        }
                        $status.and_then(|s| check(s, panic_on.as_deref()))
                    };
                    let processor = configure(BatchProcessor::new($source, typed(handler)), args)?
                        .parallel(args.parallel);
                    drive(&processor, event, args).await
                }
                Some(sleep) => {
                    let handler = move |$payload: $ty| {
                        if let Some(burn) = &burn {
                            burn.run();
                        }
                        let decision = $status.and_then(|s| check(s, panic_on.as_deref()));
                        async move {
                            demo::after(sleep, Ok(())).await.map_err(Why::Refused)?;
                            decision
                        }
                    };
                    let processor = configure(BatchProcessor::new($source, typed(handler)), args)?;
                    drive(&processor, event, args).await
                }
            }
        };
    }
    match source {
        SourceKind::Sqs => run!(Sqs, |payload: Status| Ok::<_, Why>(Some(&payload))),
        SourceKind::Kinesis => run!(Kinesis, |payload: Status| Ok::<_, Why>(Some(&payload))),
        SourceKind::Kafka => run!(Kafka, |payload: Status| Ok::<_, Why>(Some(&payload))),
        SourceKind::DynamoDb => {
            run!(DynamoDb, |image: NewImage<Status>| Ok::<_, Why>(
                image.0.as_ref()
            ))
        }
    }
}

/// Decides on a decoded status, when the record has one.
fn check(status: Option<&Status>, panic_on: Option<&str>) -> Result<(), Why> {
    status.map_or(Ok(()), |status| {
        decide(status, panic_on).map_err(Why::Refused)
    })
}

/// Why the typed demo handler failed a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    /// The status contains `fail`.
    Refused(Refused),
}

impl fmt::Display for Why {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Why::Refused(_) => write!(f, "the status contains `{FAIL_WORD}`"),
        }
    }
}
