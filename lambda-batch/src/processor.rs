//! The batch processor: every record through the handler, in input order.

use std::any::Any;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Instant;

use futures_util::FutureExt as _;
use lambda_runtime::Context;

use crate::error::{BatchError, FailureReason, InvalidEvent};
use crate::handler::Handler;
use crate::report::{BatchReport, Outcome, RecordReport};
use crate::response::{BatchResponse, ItemIdentifier};
use crate::source::{DynamoDb, EventSource, Kafka, Kinesis, Sqs};

/// The report type of a processor run: outputs and errors of handler `H` for source `S`.
pub type ReportFor<'a, S, H, M> = BatchReport<
    'a,
    <H as Handler<'a, <S as EventSource>::Record<'a>, M>>::Output,
    <H as Handler<'a, <S as EventSource>::Record<'a>, M>>::Error,
>;

/// Runs a record handler over batch events and builds partial batch responses.
///
/// One processor serves every invocation: it holds only the handler and its
/// options, carries no state from one batch to the next, and is `Send + Sync`
/// when the handler is, so concurrent invocations may share it.
///
/// A handler that panics fails only its own record, with the panic message
/// as its error. This needs the default `panic = "unwind"`: a profile with
/// `panic = "abort"` ends the process instead. The panic hook still runs, so
/// the usual panic message reaches the function's log.
///
/// ```
/// use lambda_batch::{BatchProcessor, Context};
/// use lambda_batch::source::SqsRecord;
///
/// #[derive(Debug, thiserror::Error)]
/// #[error("order {0} is not valid")]
/// struct InvalidOrder(String);
///
/// async fn handle(record: SqsRecord<'_>) -> Result<(), InvalidOrder> {
///     if record.body().contains("fail") {
///         return Err(InvalidOrder(record.body().to_owned()));
///     }
///     Ok(())
/// }
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let processor = BatchProcessor::sqs(handle);
/// let event = r#"{"Records":[
///     {"messageId":"1","body":"fail"},{"messageId":"2","body":"ok"},{"messageId":"3","body":"fail"}]}"#;
/// let response = processor.process(event, &Context::default()).await?;
/// let failed: Vec<String> = response.identifiers().map(|id| id.to_string()).collect();
/// assert_eq!(failed, ["1", "3"]);
/// # Ok::<(), lambda_batch::BatchError>(())
/// # }).unwrap();
/// ```
pub struct BatchProcessor<S, H, M> {
    source: S,
    handler: H,
    raise_on_full_failure: bool,
    marker: PhantomData<fn() -> M>,
}

impl<S: fmt::Debug, H, M> fmt::Debug for BatchProcessor<S, H, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BatchProcessor")
            .field("source", &self.source)
            .field("handler", &std::any::type_name::<H>())
            .field("raise_on_full_failure", &self.raise_on_full_failure)
            .finish()
    }
}

impl<S: Clone, H: Clone, M> Clone for BatchProcessor<S, H, M> {
    fn clone(&self) -> Self {
        BatchProcessor {
            source: self.source.clone(),
            handler: self.handler.clone(),
            raise_on_full_failure: self.raise_on_full_failure,
            marker: PhantomData,
        }
    }
}

macro_rules! constructor {
    ($name:ident, $source:ident, $record:literal) => {
        impl<H, M> BatchProcessor<$source, H, M>
        where
            for<'a> H: Handler<'a, <$source as EventSource>::Record<'a>, M>,
        {
            #[doc = concat!("A processor of ", stringify!($source), " events whose records (`", $record, "`) go to `handler`.")]
            ///
            /// Shorthand for [`BatchProcessor::new`].
            pub fn $name(handler: H) -> Self {
                BatchProcessor::new($source, handler)
            }
        }
    };
}

constructor!(sqs, Sqs, "SqsRecord");
constructor!(kinesis, Kinesis, "KinesisRecord");
constructor!(dynamodb, DynamoDb, "DynamoDbRecord");
constructor!(kafka, Kafka, "KafkaRecord");

impl<S, H, M> BatchProcessor<S, H, M>
where
    S: EventSource,
    for<'a> H: Handler<'a, S::Record<'a>, M>,
{
    /// A processor of `source` events whose records go to `handler`.
    ///
    /// ```
    /// use lambda_batch::BatchProcessor;
    /// use lambda_batch::source::{Kinesis, KinesisRecord};
    ///
    /// let processor = BatchProcessor::new(Kinesis, |record: KinesisRecord<'_>| -> Result<(), String> {
    ///     record.data_json::<serde_json::Value>().map(drop).map_err(|e| e.to_string())
    /// });
    /// # let _ = processor;
    /// ```
    pub fn new(source: S, handler: H) -> Self {
        BatchProcessor {
            source,
            handler,
            raise_on_full_failure: true,
            marker: PhantomData,
        }
    }

    /// Whether a batch whose every record failed fails the invocation
    /// (default `true`, as in every Powertools).
    ///
    /// On, the caller gets [`BatchError::AllRecordsFailed`] (which still
    /// carries the filled response). Off, the response lists every record:
    /// the same records are retried, but SQS pollers do not scale down as they
    /// do on function errors.
    ///
    /// ```
    /// use lambda_batch::{BatchProcessor, Context};
    /// use lambda_batch::source::SqsRecord;
    ///
    /// let processor = BatchProcessor::sqs(|_: SqsRecord<'_>| Err::<(), _>("down"))
    ///     .raise_on_full_failure(false);
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let response = processor
    ///     .process(r#"{"Records":[{"messageId":"a","body":""}]}"#, &Context::default())
    ///     .await
    ///     .unwrap();
    /// assert_eq!(response.len(), 1);
    /// # });
    /// ```
    pub fn raise_on_full_failure(mut self, raise: bool) -> Self {
        self.raise_on_full_failure = raise;
        self
    }

    /// The event source.
    pub fn source(&self) -> S {
        self.source
    }

    /// Processes one batch event and returns the partial batch response.
    ///
    /// `event` is the event's JSON text; `context` is the invocation's
    /// context, handed to handlers that ask for it (`Context::default()` when
    /// there is none, as in tests).
    ///
    /// # Errors
    ///
    /// [`BatchError::InvalidEvent`] when the envelope cannot be read;
    /// [`BatchError::MissingIdentifier`] when a failed record has no
    /// identifier; [`BatchError::AllRecordsFailed`] when every record failed
    /// and [`raise_on_full_failure`](Self::raise_on_full_failure) is on.
    // An `async fn` could not say that its future is `Send` (see below).
    #[allow(clippy::manual_async_fn)]
    pub fn process<'a>(
        &'a self,
        event: &'a str,
        context: &'a Context,
    ) -> impl Future<Output = Result<BatchResponse, BatchError>> + Send + 'a {
        // The future is declared `Send` here, where the handler is generic,
        // rather than left for callers to prove: for an `async fn` handler
        // the compiler cannot prove it at a call site such as
        // `tokio::spawn(async move { processor.process(..).await })`
        // ("implementation of `FnOnce` is not general enough").
        async move { self.run(event, context).await?.into_response() }
    }

    /// Processes one batch event and returns every record's outcome.
    ///
    /// # Errors
    ///
    /// [`InvalidEvent`] when the envelope cannot be read.
    pub fn run<'a>(
        &'a self,
        event: &'a str,
        context: &'a Context,
    ) -> impl Future<Output = Result<ReportFor<'a, S, H, M>, InvalidEvent>> + Send + 'a {
        // Declared `Send` for the same reason as `process`.
        self.run_inner(event, context)
    }

    async fn run_inner<'a>(
        &'a self,
        event: &'a str,
        context: &'a Context,
    ) -> Result<ReportFor<'a, S, H, M>, InvalidEvent> {
        let start = Instant::now();
        let parsed = S::parse(event)?;
        let mut records = Vec::with_capacity(parsed.len());
        // One clock reading a record: in sequence, a record starts when the
        // one before it finished.
        let mut started = start.elapsed();
        for (index, parsed) in parsed.into_iter().enumerate() {
            let (identifier, record) = parsed.into_parts();
            let outcome = match record {
                Ok(record) => match start_handler(&self.handler, record, context) {
                    Ok(future) => finish_handler(future).await,
                    Err(panic) => Outcome::Failure(FailureReason::Panic(panic)),
                },
                Err(invalid) => Outcome::Failure(FailureReason::InvalidRecord(invalid)),
            };
            if let Outcome::Failure(reason) = &outcome {
                warn_failed(S::NAME, index, identifier.as_ref(), reason);
            }
            let finished = start.elapsed();
            records.push(RecordReport {
                index,
                identifier,
                outcome,
                started,
                finished,
            });
            started = finished;
        }
        let report = BatchReport {
            records,
            raise_on_full_failure: self.raise_on_full_failure,
            elapsed: start.elapsed(),
        };
        tracing::debug!(
            source = S::NAME,
            records = report.len(),
            failed = report.failed(),
            elapsed_us = report.elapsed().as_micros() as u64,
            "batch processed"
        );
        Ok(report)
    }
}

/// Logs a failed record with its identifier and the whole error.
#[cold]
fn warn_failed(
    source: &'static str,
    index: usize,
    identifier: Option<&ItemIdentifier<'_>>,
    reason: &dyn fmt::Display,
) {
    match identifier {
        Some(id) => {
            tracing::warn!(source, index, identifier = %id, error = %reason, "record failed")
        }
        None => tracing::warn!(source, index, error = %reason, "record without identifier failed"),
    }
}

/// Calls the handler, turning a panic while it builds its future into the
/// record's failure. Not `async`: the record goes straight to the handler
/// instead of being stored in a future first.
fn start_handler<'a, H, R, M>(
    handler: &'a H,
    record: R,
    context: &'a Context,
) -> Result<H::Future, String>
where
    H: Handler<'a, R, M>,
{
    catch_unwind(AssertUnwindSafe(|| handler.call(record, context))).map_err(panic_message)
}

/// Awaits a handler's future, turning a panic while it runs into the
/// record's failure.
async fn finish_handler<T, E>(
    future: impl std::future::Future<Output = Result<T, E>>,
) -> Outcome<T, E> {
    match AssertUnwindSafe(future).catch_unwind().await {
        Ok(Ok(value)) => Outcome::Success(value),
        Ok(Err(error)) => Outcome::Failure(FailureReason::Handler(error)),
        Err(panic) => Outcome::Failure(FailureReason::Panic(panic_message(panic))),
    }
}

fn panic_message(panic: Box<dyn Any + Send>) -> String {
    if let Some(text) = panic.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = panic.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic with a non-text payload".to_owned()
    }
}
