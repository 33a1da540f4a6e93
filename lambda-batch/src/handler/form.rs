//! The forms a handler takes, before their value and error are checked:
//! plain functions and closures, sync or async, with or without context.

use std::future::{ready, Future, Ready};

use lambda_runtime::Context;

use super::marker;
use crate::report::{BatchReport, RecordReport};

/// A handler form: how a function is called on a record. Public in a
/// private module, so that nothing outside the crate can name or implement
/// it; the crate's adapters implement it, and every `Form` whose value and
/// error meet the bounds is a [`Handler`](super::Handler).
pub trait Form<'a, R, M> {
    /// What the handler returns for a record that succeeded.
    type Output;
    /// The handler's error.
    type Error;
    /// The future of one call.
    type Future: Future<Output = Result<Self::Output, Self::Error>> + 'a;

    /// Calls the handler on one record.
    fn call(&'a self, record: R, context: &'a Context) -> Self::Future;

    /// Whether [`on_record`](Self::on_record) does anything.
    fn observes_records(&self) -> bool {
        false
    }

    /// Sees one record's report as the record ends.
    fn on_record(
        &'a self,
        _report: &RecordReport<'a, Self::Output, Self::Error>,
        _context: &'a Context,
    ) {
    }

    /// Sees the batch's report once every record has ended.
    fn on_batch(
        &'a self,
        _report: &BatchReport<'a, Self::Output, Self::Error>,
        _context: &'a Context,
    ) {
    }
}

impl<'a, F, R, T, E> Form<'a, R, marker::Sync> for F
where
    F: Fn(R) -> Result<T, E>,
    T: 'a,
    E: 'a,
{
    type Output = T;
    type Error = E;
    type Future = Ready<Result<T, E>>;

    #[inline]
    fn call(&'a self, record: R, _context: &'a Context) -> Self::Future {
        ready(self(record))
    }
}

impl<'a, F, R, T, E> Form<'a, R, marker::SyncWithContext> for F
where
    F: Fn(R, &'a Context) -> Result<T, E>,
    T: 'a,
    E: 'a,
{
    type Output = T;
    type Error = E;
    type Future = Ready<Result<T, E>>;

    #[inline]
    fn call(&'a self, record: R, context: &'a Context) -> Self::Future {
        ready(self(record, context))
    }
}

impl<'a, F, R, Fut, T, E> Form<'a, R, marker::Async> for F
where
    F: Fn(R) -> Fut,
    Fut: Future<Output = Result<T, E>> + 'a,
{
    type Output = T;
    type Error = E;
    type Future = Fut;

    #[inline]
    fn call(&'a self, record: R, _context: &'a Context) -> Self::Future {
        self(record)
    }
}

impl<'a, F, R, Fut, T, E> Form<'a, R, marker::AsyncWithContext> for F
where
    F: Fn(R, &'a Context) -> Fut,
    Fut: Future<Output = Result<T, E>> + 'a,
{
    type Output = T;
    type Error = E;
    type Future = Fut;

    #[inline]
    fn call(&'a self, record: R, context: &'a Context) -> Self::Future {
        self(record, context)
    }
}
