//! Hooks: user code that sees each record's report as it ends, and each
//! batch's report, on every path that runs the processor.

use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};

use lambda_runtime::Context;

use super::form::Form;
use super::Handler;
use crate::caught::panic_message;
use crate::report::{BatchReport, RecordReport};

/// A handler whose batches are seen by a hook; made by
/// [`BatchProcessor::on_batch`](crate::BatchProcessor::on_batch).
#[derive(Clone)]
pub struct OnBatch<H, F> {
    handler: H,
    hook: F,
}

/// A handler whose records are seen by a hook as each ends; made by
/// [`BatchProcessor::on_record`](crate::BatchProcessor::on_record).
#[derive(Clone)]
pub struct OnRecord<H, F> {
    handler: H,
    hook: F,
}

impl<H, F> OnBatch<H, F> {
    pub(crate) fn new(handler: H, hook: F) -> Self {
        OnBatch { handler, hook }
    }
}

impl<H, F> OnRecord<H, F> {
    pub(crate) fn new(handler: H, hook: F) -> Self {
        OnRecord { handler, hook }
    }
}

impl<H, F> fmt::Debug for OnBatch<H, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OnBatch")
            .field("handler", &std::any::type_name::<H>())
            .finish_non_exhaustive()
    }
}

impl<H, F> fmt::Debug for OnRecord<H, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OnRecord")
            .field("handler", &std::any::type_name::<H>())
            .finish_non_exhaustive()
    }
}

/// Runs a hook; a panic in it is logged and goes no further, so that a
/// hook cannot change what Lambda is answered.
fn guarded(what: &'static str, hook: impl FnOnce()) {
    if let Err(panic) = catch_unwind(AssertUnwindSafe(hook)) {
        let message = panic_message(panic);
        tracing::error!(hook = what, panic = %message, "a hook panicked; the response is unchanged");
    }
}

impl<'a, R, M, H, F> Form<'a, R, M> for OnBatch<H, F>
where
    H: Handler<'a, R, M>,
    F: Fn(&BatchReport<'a, H::Output, H::Error>, &'a Context),
{
    type Output = H::Output;
    type Error = H::Error;
    type Future = H::Future;

    #[inline]
    fn call(&'a self, record: R, context: &'a Context) -> Self::Future {
        self.handler.call(record, context)
    }

    fn observes_records(&self) -> bool {
        self.handler.observes_records()
    }

    fn on_record(&'a self, report: &RecordReport<'a, H::Output, H::Error>, context: &'a Context) {
        self.handler.on_record(report, context);
    }

    fn on_batch(&'a self, report: &BatchReport<'a, H::Output, H::Error>, context: &'a Context) {
        self.handler.on_batch(report, context);
        guarded("on_batch", || (self.hook)(report, context));
    }
}

impl<'a, R, M, H, F> Form<'a, R, M> for OnRecord<H, F>
where
    H: Handler<'a, R, M>,
    F: Fn(&RecordReport<'a, H::Output, H::Error>, &'a Context),
{
    type Output = H::Output;
    type Error = H::Error;
    type Future = H::Future;

    #[inline]
    fn call(&'a self, record: R, context: &'a Context) -> Self::Future {
        self.handler.call(record, context)
    }

    fn observes_records(&self) -> bool {
        true
    }

    fn on_record(&'a self, report: &RecordReport<'a, H::Output, H::Error>, context: &'a Context) {
        self.handler.on_record(report, context);
        guarded("on_record", || (self.hook)(report, context));
    }

    fn on_batch(&'a self, report: &BatchReport<'a, H::Output, H::Error>, context: &'a Context) {
        self.handler.on_batch(report, context);
    }
}
