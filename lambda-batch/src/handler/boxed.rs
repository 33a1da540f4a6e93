//! A handler with its type erased, so that a processor's type can be
//! written out.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;

use lambda_runtime::Context;

use super::form::Form;
use super::{marker, Handler};
use crate::report::{BatchReport, RecordReport};
use crate::source::EventSource;

/// The future of a boxed handler's call.
type BoxFuture<'a, T, E> = Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'a>>;

/// A handler of `S`'s records, returning `Result<T, E>`, with its own type
/// erased; made by [`BatchProcessor::boxed`](crate::BatchProcessor::boxed),
/// and part of a [`BoxProcessor`](crate::BoxProcessor).
///
/// Each call's future is boxed: one allocation a record.
pub struct BoxHandler<S, T, E> {
    inner: Box<dyn Erased<S, T, E>>,
}

impl<S, T, E> fmt::Debug for BoxHandler<S, T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BoxHandler").finish_non_exhaustive()
    }
}

impl<S, T, E> BoxHandler<S, T, E>
where
    S: EventSource,
    T: Send + 'static,
    E: fmt::Display + fmt::Debug + Send + 'static,
{
    /// Erases `handler`, of form `M`.
    pub(crate) fn new<H, M>(handler: H) -> Self
    where
        H: 'static,
        M: 'static,
        for<'a> H: Handler<'a, S::Record<'a>, M, Output = T, Error = E>,
    {
        BoxHandler {
            inner: Box::new(Marked {
                handler,
                form: PhantomData,
            }),
        }
    }
}

/// What a boxed handler does, with the lifetime on each method so that the
/// trait is object safe.
trait Erased<S: EventSource, T, E>: Send + Sync {
    fn call<'a>(&'a self, record: S::Record<'a>, context: &'a Context) -> BoxFuture<'a, T, E>;
    fn observes_records(&self) -> bool;
    fn on_record<'a>(&'a self, report: &RecordReport<'a, T, E>, context: &'a Context);
    fn on_batch<'a>(&'a self, report: &BatchReport<'a, T, E>, context: &'a Context);
}

/// A handler with its form, which the erased calls need to pick its impl.
struct Marked<H, M> {
    handler: H,
    form: PhantomData<fn() -> M>,
}

impl<S, T, E, H, M> Erased<S, T, E> for Marked<H, M>
where
    S: EventSource,
    for<'a> H: Handler<'a, S::Record<'a>, M, Output = T, Error = E>,
{
    fn call<'a>(&'a self, record: S::Record<'a>, context: &'a Context) -> BoxFuture<'a, T, E> {
        Box::pin(self.handler.call(record, context))
    }

    fn observes_records(&self) -> bool {
        self.handler.observes_records()
    }

    fn on_record<'a>(&'a self, report: &RecordReport<'a, T, E>, context: &'a Context) {
        self.handler.on_record(report, context);
    }

    fn on_batch<'a>(&'a self, report: &BatchReport<'a, T, E>, context: &'a Context) {
        self.handler.on_batch(report, context);
    }
}

impl<'a, S, T, E> Form<'a, S::Record<'a>, marker::Boxed> for BoxHandler<S, T, E>
where
    S: EventSource,
    T: 'a,
    E: 'a,
{
    type Output = T;
    type Error = E;
    type Future = BoxFuture<'a, T, E>;

    #[inline]
    fn call(&'a self, record: S::Record<'a>, context: &'a Context) -> Self::Future {
        self.inner.call(record, context)
    }

    fn observes_records(&self) -> bool {
        self.inner.observes_records()
    }

    fn on_record(&'a self, report: &RecordReport<'a, T, E>, context: &'a Context) {
        self.inner.on_record(report, context);
    }

    fn on_batch(&'a self, report: &BatchReport<'a, T, E>, context: &'a Context) {
        self.inner.on_batch(report, context);
    }
}
