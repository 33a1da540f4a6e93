//! Record handlers: plain functions and closures, sync or async.
//!
//! A handler takes the record, and the invocation [`Context`] when it asks
//! for it, and returns `Result<T, E>` (or a future of it) for any `T` and any
//! error `E` that can be displayed:
//!
//! | form | example |
//! |---|---|
//! | sync | `fn handle(record: SqsRecord<'_>) -> Result<(), MyError>` |
//! | sync, with context | `fn handle(record: SqsRecord<'_>, ctx: &Context) -> Result<(), MyError>` |
//! | async | `async fn handle(record: SqsRecord<'_>) -> Result<(), MyError>` |
//! | async, with context | `async fn handle(record: SqsRecord<'_>, ctx: &Context) -> Result<(), MyError>` |
//!
//! Closures work too (`|record: SqsRecord<'_>| -> Result<(), MyError> { .. }`);
//! an async closure whose future must outlive the record can first call
//! `record.into_owned()`. Every handler is run to completion: an async
//! handler's future is always awaited, and a value that is neither a
//! `Result` nor a future of one is refused at compile time:
//!
//! ```compile_fail
//! use lambda_batch::BatchProcessor;
//! use lambda_batch::source::SqsRecord;
//!
//! // Returns nothing: there would be no way to report a failure.
//! let processor = BatchProcessor::sqs(|record: SqsRecord<'_>| println!("{}", record.body()));
//! ```
//!
//! ```compile_fail
//! use lambda_batch::BatchProcessor;
//! use lambda_batch::source::SqsRecord;
//!
//! // A future of something other than a `Result`.
//! async fn handle(record: SqsRecord<'_>) { println!("{}", record.body()); }
//! let processor = BatchProcessor::sqs(handle);
//! ```
//!
//! ```compile_fail
//! use lambda_batch::BatchProcessor;
//! use lambda_batch::source::KinesisRecord;
//!
//! // A handler of another source's records.
//! fn handle(record: KinesisRecord<'_>) -> Result<(), String> { Ok(()) }
//! let processor = BatchProcessor::sqs(handle);
//! ```

use std::fmt;
use std::future::{ready, Future, Ready};

use lambda_runtime::Context;

/// Marker types that tell the four handler forms apart. They only appear in
/// type inference; you never name them.
pub mod marker {
    /// `Fn(record) -> Result<T, E>`.
    #[derive(Debug)]
    pub struct Sync(());
    /// `Fn(record, &Context) -> Result<T, E>`.
    #[derive(Debug)]
    pub struct SyncWithContext(());
    /// `Fn(record) -> impl Future<Output = Result<T, E>>`.
    #[derive(Debug)]
    pub struct Async(());
    /// `Fn(record, &Context) -> impl Future<Output = Result<T, E>>`.
    #[derive(Debug)]
    pub struct AsyncWithContext(());

    /// The forms of sync handlers, which finish when called: only they can
    /// run on several threads
    /// ([`BatchProcessor::parallel`](crate::BatchProcessor::parallel)).
    /// Sealed.
    #[diagnostic::on_unimplemented(
        message = "only sync handlers can run on several threads",
        label = "this handler is async",
        note = "use `.concurrency(n)` to run async handlers concurrently"
    )]
    pub trait Blocking: sealed::Sealed {}

    impl Blocking for Sync {}
    impl Blocking for SyncWithContext {}

    pub(crate) mod sealed {
        pub trait Sealed {}
        impl Sealed for super::Sync {}
        impl Sealed for super::SyncWithContext {}
    }
}

/// A function that handles one record of a batch.
///
/// Implemented for every function and closure of the forms listed in the
/// [module documentation](self); `M` is one of the [`marker`] types and is
/// inferred. `'a` is the lifetime of the event and the context the record
/// borrows from.
///
/// ```
/// use lambda_batch::{BatchProcessor, Context};
/// use lambda_batch::source::SqsRecord;
///
/// async fn handle(record: SqsRecord<'_>, ctx: &Context) -> Result<usize, std::io::Error> {
///     let _request = &ctx.request_id;
///     Ok(record.body().len())
/// }
///
/// let processor = BatchProcessor::sqs(handle);
/// # let _ = processor;
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot handle records of type `{R}`",
    label = "not a record handler for this source",
    note = "a handler is a sync or async function taking the record (and optionally `&lambda_batch::Context`) and returning `Result<T, E>` where `E: Display + Debug`",
    note = "closures need their record type written out, such as `|record: SqsRecord<'_>| -> Result<(), MyError> {{ .. }}`"
)]
pub trait Handler<'a, R, M>: Send + Sync {
    /// What the handler returns for a record that succeeded.
    type Output: Send + 'a;
    /// The handler's error.
    type Error: fmt::Display + fmt::Debug + Send + 'a;
    /// The future of one call.
    type Future: Future<Output = Result<Self::Output, Self::Error>> + Send + 'a;

    /// Calls the handler on one record.
    fn call(&'a self, record: R, context: &'a Context) -> Self::Future;
}

impl<'a, F, R, T, E> Handler<'a, R, marker::Sync> for F
where
    F: Fn(R) -> Result<T, E> + Send + Sync,
    T: Send + 'a,
    E: fmt::Display + fmt::Debug + Send + 'a,
{
    type Output = T;
    type Error = E;
    type Future = Ready<Result<T, E>>;

    fn call(&'a self, record: R, _context: &'a Context) -> Self::Future {
        ready(self(record))
    }
}

impl<'a, F, R, T, E> Handler<'a, R, marker::SyncWithContext> for F
where
    F: Fn(R, &'a Context) -> Result<T, E> + Send + Sync,
    T: Send + 'a,
    E: fmt::Display + fmt::Debug + Send + 'a,
{
    type Output = T;
    type Error = E;
    type Future = Ready<Result<T, E>>;

    fn call(&'a self, record: R, context: &'a Context) -> Self::Future {
        ready(self(record, context))
    }
}

impl<'a, F, R, Fut, T, E> Handler<'a, R, marker::Async> for F
where
    F: Fn(R) -> Fut + Send + Sync,
    Fut: Future<Output = Result<T, E>> + Send + 'a,
    T: Send + 'a,
    E: fmt::Display + fmt::Debug + Send + 'a,
{
    type Output = T;
    type Error = E;
    type Future = Fut;

    fn call(&'a self, record: R, _context: &'a Context) -> Self::Future {
        self(record)
    }
}

impl<'a, F, R, Fut, T, E> Handler<'a, R, marker::AsyncWithContext> for F
where
    F: Fn(R, &'a Context) -> Fut + Send + Sync,
    Fut: Future<Output = Result<T, E>> + Send + 'a,
    T: Send + 'a,
    E: fmt::Display + fmt::Debug + Send + 'a,
{
    type Output = T;
    type Error = E;
    type Future = Fut;

    fn call(&'a self, record: R, context: &'a Context) -> Self::Future {
        self(record, context)
    }
}
