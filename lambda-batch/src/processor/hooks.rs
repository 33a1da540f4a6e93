//! The builder methods that attach hooks to a processor's handler.

use std::marker::PhantomData;

use lambda_runtime::Context;

use super::{BatchProcessor, ReportFor};
use crate::handler::{Handler, OnBatch, OnRecord};
use crate::report::RecordReport;
use crate::source::EventSource;

/// One record's report, for a processor of `S` records handled by `H`.
type RecordReportFor<'a, S, H, M> = RecordReport<
    'a,
    <H as Handler<'a, <S as EventSource>::Record<'a>, M>>::Output,
    <H as Handler<'a, <S as EventSource>::Record<'a>, M>>::Error,
>;

impl<S, H, M> BatchProcessor<S, H, M>
where
    S: EventSource,
    for<'a> H: Handler<'a, S::Record<'a>, M>,
{
    /// Calls `hook` with each batch's [`BatchReport`](crate::BatchReport)
    /// once every record has ended, before the response is built: on every
    /// path that runs the processor ([`run`](crate::run),
    /// [`run_concurrent`](crate::run_concurrent),
    /// [`into_runtime`](Self::into_runtime), [`process`](Self::process),
    /// [`run`](Self::run)), reading the event once.
    ///
    /// The place to log the batch, count outcomes or publish your own
    /// metrics in production. The hook cannot change the response, and a
    /// panic in it is logged and goes no further. It runs on the
    /// invocation's task: keep it short, or hand the work to a channel. A
    /// second hook runs after the first. An event that cannot be read has
    /// no report: the invocation fails, and no hook runs.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use std::sync::Arc;
    /// use lambda_batch::{BatchProcessor, BatchReport, Context};
    /// use lambda_batch::source::SqsRecord;
    ///
    /// async fn handle(record: SqsRecord<'_>) -> Result<(), String> {
    ///     if record.body() == "fail" { Err("refused".into()) } else { Ok(()) }
    /// }
    ///
    /// let failures = Arc::new(AtomicUsize::new(0));
    /// let seen = Arc::clone(&failures);
    /// let processor = BatchProcessor::sqs(handle).on_batch(
    ///     move |report: &BatchReport<'_, (), String>, context: &Context| {
    ///         let summary = report.summary();
    ///         tracing::info!(request = %context.request_id, failed = summary.failed, "batch done");
    ///         seen.fetch_add(report.failed(), Ordering::Relaxed);
    ///     },
    /// );
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let event = r#"{"Records":[{"messageId":"a","body":"fail"},{"messageId":"b","body":"ok"}]}"#;
    /// processor.process(event, &Context::default()).await?;
    /// assert_eq!(failures.load(Ordering::Relaxed), 1);
    /// # Ok::<(), lambda_batch::BatchError>(())
    /// # }).unwrap();
    /// ```
    pub fn on_batch<F>(self, hook: F) -> BatchProcessor<S, OnBatch<H, F>, M>
    where
        F: for<'a> Fn(&ReportFor<'a, S, H, M>, &'a Context) + Send + Sync,
    {
        self.wrap(|handler| OnBatch::new(handler, hook))
    }

    /// Calls `hook` with each record's [`RecordReport`] as the record ends
    /// (succeeded, failed, skipped or cancelled), in the order they end: on
    /// every path that runs the processor, as [`on_batch`](Self::on_batch).
    ///
    /// Powertools' success and failure handlers, in one: match on the
    /// report's [`outcome`](RecordReport::outcome). The hook runs where the
    /// record ended, on the invocation's task or, with
    /// [`parallel`](Self::parallel), on the thread that ran it; it cannot
    /// change the outcome, and a panic in it is logged and goes no further.
    ///
    /// ```
    /// use lambda_batch::{BatchProcessor, Context, Outcome, RecordReport};
    /// use lambda_batch::source::SqsRecord;
    ///
    /// fn handle(record: SqsRecord<'_>) -> Result<usize, String> {
    ///     if record.body() == "fail" { Err("refused".into()) } else { Ok(record.body().len()) }
    /// }
    ///
    /// let processor = BatchProcessor::sqs(handle).on_record(
    ///     |report: &RecordReport<'_, usize, String>, _: &Context| match report.outcome() {
    ///         Outcome::Success(bytes) => tracing::debug!(index = report.index(), bytes, "done"),
    ///         other => tracing::warn!(index = report.index(), error = ?other.error_text(), "reported"),
    ///     },
    /// );
    /// # let _ = processor;
    /// ```
    pub fn on_record<F>(self, hook: F) -> BatchProcessor<S, OnRecord<H, F>, M>
    where
        F: for<'a> Fn(&RecordReportFor<'a, S, H, M>, &'a Context) + Send + Sync,
    {
        self.wrap(|handler| OnRecord::new(handler, hook))
    }

    /// The same processor with its handler wrapped by `wrap`.
    pub(super) fn wrap<G, N>(self, wrap: impl FnOnce(H) -> G) -> BatchProcessor<S, G, N> {
        BatchProcessor {
            source: self.source,
            handler: wrap(self.handler),
            options: self.options,
            metrics: self.metrics,
            marker: PhantomData,
        }
    }
}
