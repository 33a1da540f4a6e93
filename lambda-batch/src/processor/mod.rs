//! The batch processor: every record through the handler, in input order.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::time::Instant;

use lambda_runtime::Context;
use tracing::Instrument as _;

use crate::error::{BatchError, InvalidEvent};
use crate::handler::Handler;
use crate::metrics::EmfMetrics;
use crate::ordering::schedule::{Key, Schedule};
use crate::ordering::Plan;
use crate::report::BatchReport;
use crate::response::BatchResponse;
use crate::source::{DynamoDb, EventSource, Kafka, Kinesis, Sqs};

mod batch;
mod boxed;
mod call;
mod concurrent;
mod deadline;
mod hooks;
mod options;
mod sequential;
mod spans;
mod threads;

use batch::{Batch, Observer};
pub use boxed::BoxProcessor;
use call::Limits;
use options::Options;
pub use options::DEFAULT_DEADLINE_MARGIN;

/// The target of the processor's spans and logs.
const TARGET: &str = module_path!();

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
/// as its error. Its values cannot make a panic escape either: a panic
/// payload whose `Drop` panics is dropped within a guard, and an error
/// whose `Display` panics is shown as such. This needs the default `panic = "unwind"`: a profile with
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
    options: Options,
    metrics: Option<EmfMetrics>,
    marker: PhantomData<fn() -> M>,
}

impl<S: fmt::Debug, H, M> fmt::Debug for BatchProcessor<S, H, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BatchProcessor")
            .field("source", &self.source)
            .field("handler", &std::any::type_name::<H>())
            .field("options", &self.options)
            .field("metrics", &self.metrics)
            .finish()
    }
}

impl<S: Clone, H: Clone, M> Clone for BatchProcessor<S, H, M> {
    fn clone(&self) -> Self {
        BatchProcessor {
            source: self.source.clone(),
            handler: self.handler.clone(),
            options: self.options,
            metrics: self.metrics.clone(),
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
            options: Options::default(),
            metrics: None,
            marker: PhantomData,
        }
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
        let options = self.options;
        let mut parsed = S::parse(event)?;
        let batch_span = tracing::info_span!("batch", source = S::NAME, records = parsed.len());
        let plan = options.order.plan::<S>(&parsed);
        // Keys are read only when the plan orders records by them; a record
        // whose key cannot be read fails, and blocks what may share its key.
        let mut unreadable_keys = Vec::new();
        let keys = parsed
            .iter()
            .enumerate()
            .map(|(index, parsed)| match parsed.record() {
                Ok(record) => match S::ordering_key(record) {
                    Ok(key) => key.map_or(Key::None, Key::Known),
                    Err(error) => {
                        unreadable_keys.push((index, error));
                        Key::Unknown
                    }
                },
                Err(_) => Key::Unknown,
            });
        let schedule = Schedule::new(plan, parsed.len(), keys);
        for (index, error) in unreadable_keys {
            parsed[index].fail(error);
        }
        let limits = Limits {
            deadline: options
                .deadline_margin
                .and_then(|margin| deadline::stop_at(context, margin, start)),
            record_timeout: options.record_timeout,
        };
        let handler = &self.handler;
        let observer = handler.observes_records().then(|| {
            Box::new(move |report: &_| handler.on_record(report, context)) as Observer<'a, _, _>
        });
        let batch = Batch::new(parsed, start, S::NAME, S::ORDERING_SCOPE, observer);
        let batch = self
            .drive(batch, schedule, plan, limits, context)
            .instrument(batch_span)
            .await;
        let report = BatchReport {
            records: batch.into_reports(),
            raise_on_full_failure: options.raise_on_full_failure,
            elapsed: start.elapsed(),
        };
        if let Some(metrics) = &self.metrics {
            metrics.publish(S::NAME, &report.summary(), context);
        }
        self.handler.on_batch(&report, context);
        tracing::debug!(
            source = S::NAME,
            records = report.len(),
            failed = report.failed(),
            skipped = report.skipped(),
            cancelled = report.cancelled(),
            elapsed_us = report.elapsed().as_micros() as u64,
            "batch processed"
        );
        Ok(report)
    }

    /// Runs every record of `batch` with the engine the options call for.
    async fn drive<'a>(
        &'a self,
        mut batch: BatchFor<'a, S, H, M>,
        mut schedule: Schedule,
        plan: Plan,
        limits: Limits,
        context: &'a Context,
    ) -> BatchFor<'a, S, H, M> {
        let options = self.options;
        // Stop mode runs one record at a time whatever the limits.
        let serial = plan == Plan::Stop;
        if options.threads > 1 && !serial {
            return threads::run(
                &self.handler,
                context,
                batch,
                schedule,
                limits,
                options.threads,
            );
        }
        if options.concurrency > 1 && !serial {
            // Outside tokio's cooperative budget: see `concurrent`.
            tokio::task::unconstrained(concurrent::run(
                &self.handler,
                context,
                &mut batch,
                &mut schedule,
                limits,
                options.concurrency,
            ))
            .await;
        } else {
            sequential::run(&self.handler, context, &mut batch, &mut schedule, limits).await;
        }
        batch
    }
}

/// The batch state of a processor run.
type BatchFor<'a, S, H, M> = Batch<
    'a,
    <S as EventSource>::Record<'a>,
    <H as Handler<'a, <S as EventSource>::Record<'a>, M>>::Output,
    <H as Handler<'a, <S as EventSource>::Record<'a>, M>>::Error,
>;
