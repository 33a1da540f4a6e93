//! The batch processor: every record through the handler, in input order.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::time::{Duration, Instant};

use lambda_runtime::Context;

use crate::error::{BatchError, InvalidEvent};
use crate::handler::{marker::Blocking, Handler};
use crate::metrics::EmfMetrics;
use crate::ordering::schedule::{Key, Schedule};
use crate::ordering::{FifoMode, Order, Plan, StreamMode};
use crate::report::BatchReport;
use crate::response::BatchResponse;
use crate::source::{DynamoDb, EventSource, Kafka, Kinesis, Sqs};

mod batch;
mod call;
mod concurrent;
mod deadline;
mod sequential;
mod threads;

use batch::Batch;
use call::Limits;

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
    options: Options,
    metrics: Option<EmfMetrics>,
    marker: PhantomData<fn() -> M>,
}

/// How records are run; see the builder methods of [`BatchProcessor`].
#[derive(Debug, Clone, Copy)]
struct Options {
    raise_on_full_failure: bool,
    concurrency: usize,
    threads: usize,
    deadline_margin: Option<Duration>,
    record_timeout: Option<Duration>,
    order: Order,
}

/// The default safety margin before the invocation's deadline.
pub const DEFAULT_DEADLINE_MARGIN: Duration = Duration::from_millis(500);

impl Default for Options {
    fn default() -> Self {
        Options {
            raise_on_full_failure: true,
            concurrency: 1,
            threads: 1,
            deadline_margin: Some(DEFAULT_DEADLINE_MARGIN),
            record_timeout: None,
            order: Order::Auto,
        }
    }
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
        self.options.raise_on_full_failure = raise;
        self
    }

    /// How many records may run at once (default 1: one at a time, in
    /// input order).
    ///
    /// With an async handler, up to `limit` records wait on I/O at the same
    /// time, on the invocation's own task. Records start in input order,
    /// and outcomes and the response stay in input order whatever order
    /// records finish in. The default is 1 because the right limit is a
    /// property of what the handler calls (a connection pool, a rate
    /// limit, a table's capacity), which only you know; unbounded, a
    /// 10,000-record batch would make 10,000 calls at once. `0` counts as 1.
    /// Sync handlers finish when called, so they run one at a time whatever
    /// the limit: see [`parallel`](Self::parallel) for those.
    ///
    /// ```
    /// use lambda_batch::{BatchProcessor, Context};
    /// use lambda_batch::source::SqsRecord;
    ///
    /// async fn handle(record: SqsRecord<'_>) -> Result<(), String> {
    ///     let body = record.body().to_owned();
    ///     tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    ///     if body == "fail" { Err("refused".into()) } else { Ok(()) }
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
    /// let processor = BatchProcessor::sqs(handle).concurrency(100);
    /// let event = r#"{"Records":[{"messageId":"a","body":"ok"},{"messageId":"b","body":"fail"}]}"#;
    /// let response = processor.process(event, &Context::default()).await.unwrap();
    /// assert_eq!(response.identifiers().map(|id| id.to_string()).collect::<Vec<_>>(), ["b"]);
    /// # });
    /// ```
    pub fn concurrency(mut self, limit: usize) -> Self {
        self.options.concurrency = limit.max(1);
        self
    }

    /// Stops records before the invocation's deadline, this long before it
    /// (default [`DEFAULT_DEADLINE_MARGIN`], 500 ms: time to build and send
    /// a response of 10,000 records).
    ///
    /// When the deadline less the margin comes, records not started are
    /// reported with [`Outcome::Skipped`](crate::Outcome::Skipped), running
    /// async handlers are dropped and their records reported with
    /// [`Outcome::Cancelled`](crate::Outcome::Cancelled), and the response
    /// goes back before Lambda's timeout. Without this, a timeout fails the
    /// invocation and Lambda retries the whole batch, records that succeeded
    /// included. A running sync handler cannot be interrupted: at the
    /// deadline it finishes, and no other record starts. A deadline already
    /// past when the batch starts (local emulators, `Context::default()`)
    /// means there is none.
    ///
    /// ```
    /// use std::time::Duration;
    /// use lambda_batch::BatchProcessor;
    /// use lambda_batch::source::SqsRecord;
    ///
    /// let processor = BatchProcessor::sqs(|_: SqsRecord<'_>| Ok::<(), String>(()))
    ///     .deadline_margin(Duration::from_secs(1));
    /// # let _ = processor;
    /// ```
    pub fn deadline_margin(mut self, margin: Duration) -> Self {
        self.options.deadline_margin = Some(margin);
        self
    }

    /// Runs every record whatever the invocation's deadline, as Powertools
    /// does: when the function times out, Lambda retries the whole batch.
    ///
    /// ```
    /// # use lambda_batch::BatchProcessor;
    /// # use lambda_batch::source::SqsRecord;
    /// let processor = BatchProcessor::sqs(|_: SqsRecord<'_>| Ok::<(), String>(())).ignore_deadline();
    /// # let _ = processor;
    /// ```
    pub fn ignore_deadline(mut self) -> Self {
        self.options.deadline_margin = None;
        self
    }

    /// Cancels an async handler that runs longer than `timeout` on one
    /// record, which is then reported with
    /// [`Outcome::Cancelled`](crate::Outcome::Cancelled). Sync handlers
    /// cannot be interrupted, so this applies to async ones.
    ///
    /// ```
    /// use std::time::Duration;
    /// use lambda_batch::{BatchProcessor, Context, Outcome};
    /// use lambda_batch::source::SqsRecord;
    ///
    /// async fn handle(record: SqsRecord<'_>) -> Result<(), String> {
    ///     let wait = if record.body() == "slow" { 60_000 } else { 1 };
    ///     tokio::time::sleep(Duration::from_millis(wait)).await;
    ///     Ok(())
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
    /// let processor = BatchProcessor::sqs(handle).record_timeout(Duration::from_millis(50));
    /// let event = r#"{"Records":[{"messageId":"a","body":"slow"},{"messageId":"b","body":"ok"}]}"#;
    /// let context = Context::default();
    /// let report = processor.run(event, &context).await.unwrap();
    /// assert!(matches!(report.records()[0].outcome(), Outcome::Cancelled(_)));
    /// assert!(report.records()[1].outcome().is_success());
    /// # });
    /// ```
    pub fn record_timeout(mut self, timeout: Duration) -> Self {
        self.options.record_timeout = Some(timeout);
        self
    }

    /// Writes one CloudWatch Embedded Metric Format line per batch (records,
    /// succeeded, failed, skipped, duration; by function and source): see
    /// [`metrics`](crate::metrics). Cancelled records count as failed. An
    /// event that cannot be read writes none: the invocation fails, which
    /// Lambda's own `Errors` metric counts.
    ///
    /// ```
    /// use lambda_batch::{BatchProcessor, EmfMetrics};
    /// use lambda_batch::source::SqsRecord;
    ///
    /// let processor = BatchProcessor::sqs(|_: SqsRecord<'_>| Ok::<(), String>(()))
    ///     .metrics(EmfMetrics::new("Orders"));
    /// # let _ = processor;
    /// ```
    pub fn metrics(mut self, metrics: EmfMetrics) -> Self {
        self.metrics = Some(metrics);
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
        let options = self.options;
        let parsed = S::parse(event)?;
        let batch_span = tracing::info_span!("batch", source = S::NAME, records = parsed.len());
        let plan = options.order.plan::<S>(&parsed);
        let schedule = match plan {
            Plan::Unordered => Schedule::unordered(parsed.len()),
            plan => Schedule::new(plan, parsed.len(), parsed.iter().map(ordering_key::<S>)),
        };
        let limits = Limits {
            deadline: options
                .deadline_margin
                .and_then(|margin| deadline::stop_at(context, margin, start)),
            record_timeout: options.record_timeout,
        };
        let batch = Batch::new(parsed, start, S::NAME, S::ORDERING_SCOPE);
        let batch = tracing::Instrument::instrument(
            self.drive(batch, schedule, plan, limits, context),
            batch_span,
        )
        .await;
        let report = BatchReport {
            records: batch.into_reports(),
            raise_on_full_failure: options.raise_on_full_failure,
            elapsed: start.elapsed(),
        };
        if let Some(metrics) = &self.metrics {
            metrics.publish(S::NAME, &report.summary(), context);
        }
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
            concurrent::run(
                &self.handler,
                context,
                &mut batch,
                &mut schedule,
                limits,
                options.concurrency,
            )
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

impl<S, H, M> BatchProcessor<S, H, M>
where
    S: EventSource,
    for<'a> H: Handler<'a, S::Record<'a>, M>,
    M: Blocking,
{
    /// Runs a sync handler on `threads` threads at once (default 1), for
    /// CPU-bound work: Lambda gives up to 6 vCPUs (one per 1,769 MB of
    /// memory). `0` counts as 1.
    ///
    /// The threads are started for each batch and scoped to it, since
    /// records borrow from the event; the calling thread is one of them and
    /// is busy until the batch is done, as with any sync handler. Records
    /// start in input order (within the [ordering](crate::ordering) mode),
    /// and outcomes stay in input order. Only sync handlers can run this
    /// way; async handlers use [`concurrency`](Self::concurrency).
    ///
    /// ```
    /// use lambda_batch::{BatchProcessor, Context};
    /// use lambda_batch::source::KinesisRecord;
    ///
    /// fn checksum(record: KinesisRecord<'_>) -> Result<u64, String> {
    ///     Ok(record.data().iter().map(|&b| u64::from(b)).sum())
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let processor = BatchProcessor::kinesis(checksum).parallel(4);
    /// let event = r#"{"Records":[{"kinesis":{"sequenceNumber":"1","data":"AQI="}}]}"#;
    /// let context = Context::default();
    /// let report = processor.run(event, &context).await.unwrap();
    /// assert!(matches!(report.records()[0].outcome(), lambda_batch::Outcome::Success(3)));
    /// # });
    /// ```
    pub fn parallel(mut self, threads: usize) -> Self {
        self.options.threads = threads.max(1);
        self
    }
}

impl<H, M> BatchProcessor<Sqs, H, M> {
    /// How FIFO order is kept (default [`FifoMode::Auto`]); see
    /// [`ordering`](crate::ordering).
    ///
    /// ```
    /// use lambda_batch::{BatchProcessor, FifoMode};
    /// use lambda_batch::source::SqsRecord;
    ///
    /// let processor = BatchProcessor::sqs(|_: SqsRecord<'_>| Ok::<(), String>(()))
    ///     .fifo(FifoMode::SkipGroup);
    /// # let _ = processor;
    /// ```
    pub fn fifo(mut self, mode: FifoMode) -> Self {
        self.options.order = Order::Fifo(mode);
        self
    }
}

macro_rules! stream_mode {
    ($source:ident) => {
        impl<H, M> BatchProcessor<$source, H, M> {
            /// What happens to the records after a failure (default
            /// [`StreamMode::Off`]); see [`ordering`](crate::ordering).
            pub fn stream(mut self, mode: StreamMode) -> Self {
                self.options.order = Order::Stream(mode);
                self
            }
        }
    };
}

stream_mode!(Kinesis);
stream_mode!(DynamoDb);

/// A record's key, as the schedule sees it.
fn ordering_key<'p, S: EventSource>(
    parsed: &'p crate::source::Parsed<'_, S::Record<'_>>,
) -> Key<'p> {
    match parsed.record() {
        Ok(record) => S::ordering_key(record).map_or(Key::None, Key::Known),
        Err(_) => Key::Unknown,
    }
}

/// The span of one record, carrying its position and identifier.
fn record_span<R, T, E: fmt::Display>(batch: &Batch<'_, R, T, E>, index: usize) -> tracing::Span {
    match batch.identifier(index) {
        Some(identifier) => tracing::info_span!("record", index, identifier = %identifier),
        None => tracing::info_span!("record", index),
    }
}
