//! The builder options of [`BatchProcessor`]: how records run, when they
//! stop, and in what order.

use std::time::Duration;

use super::BatchProcessor;
use crate::handler::{marker::Blocking, Handler};
use crate::metrics::EmfMetrics;
use crate::ordering::{FifoMode, Order, StreamMode};
use crate::source::{DynamoDb, EventSource, Kafka, Kinesis, Sqs};

/// How records are run; see the builder methods of [`BatchProcessor`].
#[derive(Debug, Clone, Copy)]
pub(super) struct Options {
    pub(super) raise_on_full_failure: bool,
    pub(super) concurrency: usize,
    pub(super) threads: usize,
    pub(super) deadline_margin: Option<Duration>,
    pub(super) record_timeout: Option<Duration>,
    pub(super) order: Order,
}

/// The default safety margin before the invocation's deadline: records stop
/// this long before it (see [`BatchProcessor::deadline_margin`]).
///
/// ```
/// use std::time::Duration;
/// assert_eq!(lambda_batch::DEFAULT_DEADLINE_MARGIN, Duration::from_millis(500));
/// ```
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

impl<S, H, M> BatchProcessor<S, H, M>
where
    S: EventSource,
    for<'a> H: Handler<'a, S::Record<'a>, M>,
{
    /// Whether a batch whose every record failed fails the invocation
    /// (default `true`, as in every Powertools).
    ///
    /// On, the caller gets [`BatchError::AllRecordsFailed`](crate::BatchError::AllRecordsFailed) (which still
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
    /// Waiting for the deadline uses tokio's timer, so the runtime needs
    /// its time driver, as `#[tokio::main]` and `lambda_runtime` set up
    /// (`Builder::enable_time` on a runtime you build yourself).
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
    /// cannot be interrupted, so this applies to async ones. A timeout the
    /// clock cannot reach from a record's start (`Duration::MAX`) is no
    /// limit. Like the
    /// deadline, it needs tokio's time driver.
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
    /// [`metrics`](crate::EmfMetrics). Cancelled records count as failed. An
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
}

impl<S, H, M> BatchProcessor<S, H, M>
where
    S: EventSource,
    for<'a> H: Handler<'a, S::Record<'a>, M>,
{
    /// Runs a sync handler on `threads` threads at once (default 1), for
    /// CPU-bound work: Lambda gives up to 6 vCPUs (one per 1,769 MB of
    /// memory), which `std::thread::available_parallelism()` reports. `0`
    /// counts as 1. A batch of fewer records runs on as many threads as it
    /// has records.
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
    /// fn checksum(record: KinesisRecord<'_>) -> Result<u64, lambda_batch::RecordError> {
    ///     Ok(record.data()?.iter().map(|&b| u64::from(b)).sum())
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
    pub fn parallel(mut self, threads: usize) -> Self
    where
        // On the method rather than the `impl`, so that an async handler
        // gets `Blocking`'s message (use `concurrency`) instead of "no
        // method named `parallel`".
        M: Blocking,
    {
        self.options.threads = threads.max(1);
        self
    }
}

impl<H, M> BatchProcessor<Sqs, H, M> {
    /// How FIFO order is kept (default [`FifoMode::Auto`]); see
    /// [`ordering`](crate::ordering).
    ///
    /// ```
    /// use lambda_batch::BatchProcessor;
    /// use lambda_batch::ordering::FifoMode;
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
    ($source:ident, $constructor:ident, $record:ident) => {
        impl<H, M> BatchProcessor<$source, H, M> {
            /// What happens to the records after a failure (default
            /// [`StreamMode::Off`]); see [`ordering`](crate::ordering).
            ///
            /// ```
            /// use lambda_batch::BatchProcessor;
            /// use lambda_batch::ordering::StreamMode;
            #[doc = concat!("use lambda_batch::source::", stringify!($record), ";")]
            ///
            #[doc = concat!("let processor = BatchProcessor::", stringify!($constructor), "(|_: ", stringify!($record), "<'_>| Ok::<(), String>(()))")]
            ///     .stream(StreamMode::Stop);
            /// # let _ = processor;
            /// ```
            pub fn stream(mut self, mode: StreamMode) -> Self {
                self.options.order = Order::Stream(mode);
                self
            }
        }
    };
}

stream_mode!(Kinesis, kinesis, KinesisRecord);
stream_mode!(DynamoDb, dynamodb, DynamoDbRecord);
stream_mode!(Kafka, kafka, KafkaRecord);
