//! Record handlers: plain functions and closures, sync or async.
//!
//! A handler takes the record, and the invocation [`Context`] when it asks
//! for it, and returns `Result<T, E>` (or a future of it):
//!
//! | form | example |
//! |---|---|
//! | sync | `fn handle(record: SqsRecord<'_>) -> Result<(), MyError>` |
//! | sync, with context | `fn handle(record: SqsRecord<'_>, ctx: &Context) -> Result<(), MyError>` |
//! | async | `async fn handle(record: SqsRecord<'_>) -> Result<(), MyError>` |
//! | async, with context | `async fn handle(record: SqsRecord<'_>, ctx: &Context) -> Result<(), MyError>` |
//!
//! The bounds, exactly: the function is `Fn + Send + Sync` (one processor
//! serves every invocation, and may run records on several threads); the
//! value `T` is `Send`; the error `E` is `Display + Debug + Send` (it is
//! logged, shown in the report, and may cross threads with the batch). An
//! error type that is not `Send`, such as `Box<dyn std::error::Error>`, is
//! named in the compiler's message: use `Box<dyn std::error::Error + Send +
//! Sync>`, `anyhow::Error`, or your own type. An async handler's future is
//! `Send` too, as `lambda_runtime` requires.
//!
//! A handler that needs a value shared by every call (an SDK client, a
//! connection pool, configuration) gets it by reference with
//! [`with_state`]: no clone per record, and no lifetime to write.
//!
//! Closures work too (`|record: SqsRecord<'_>| -> Result<(), MyError> { .. }`),
//! and so do async closures (`async |record: SqsRecord<'_>| { .. }`) that
//! capture nothing by reference: one that captures a client is not `Fn`
//! ("captures state from its environment"), so give the client with
//! [`with_state`] and take it as an argument. Every handler is run to completion: an async
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

//!
//! ```compile_fail
//! use lambda_batch::BatchProcessor;
//! use lambda_batch::source::SqsRecord;
//!
//! // An error type that cannot be sent between threads: the compiler names
//! // `dyn std::error::Error`, not the record type.
//! async fn handle(record: SqsRecord<'_>) -> Result<(), Box<dyn std::error::Error>> {
//!     let _ = record;
//!     Ok(())
//! }
//! let processor = BatchProcessor::sqs(handle);
//! ```

use std::fmt;
use std::future::Future;

use lambda_runtime::Context;

use crate::report::{BatchReport, RecordReport};

mod boxed;
mod form;
mod hooks;
mod state;

pub use boxed::BoxHandler;
pub(crate) use form::Form;
pub use hooks::{OnBatch, OnRecord};
pub use state::{with_state, WithState};

/// Marker types that tell the handler forms apart. They only appear in
/// type inference: you name them only to write a processor's whole type,
/// which [`BoxProcessor`](crate::BoxProcessor) spares you.
pub mod marker {
    use std::marker::PhantomData;

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
    /// A handler given its state by [`with_state`](super::with_state): `M`
    /// is one of the four forms above, with `&state` after the record
    /// (and before the context).
    #[derive(Debug)]
    pub struct Stateful<M>(PhantomData<fn() -> M>);
    /// A handler erased into a [`BoxHandler`](super::BoxHandler).
    #[derive(Debug)]
    pub struct Boxed(());

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
    impl<M: Blocking> Blocking for Stateful<M> {}

    pub(crate) mod sealed {
        pub trait Sealed {}
        impl Sealed for super::Sync {}
        impl Sealed for super::SyncWithContext {}
        impl<M: super::Blocking> Sealed for super::Stateful<M> {}
    }
}

/// A function that handles one record of a batch.
///
/// You shouldn't need to implement or name this trait: it is implemented
/// for every function and closure of the forms listed in the
/// [module documentation](self), and for the adapters that wrap them
/// ([`typed`](crate::typed::typed), [`with_state`], the processor's hooks
/// and [`BoxHandler`]). It appears in bounds (`for<'a> H: Handler<'a,
/// SqsRecord<'a>, M>`), where `M` is one of the [`marker`] types, inferred,
/// and `'a` is the lifetime of the event and the context the record
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
    note = "a handler is a sync or async function taking the record (and optionally `&lambda_batch::Context`) and returning `Result<T, E>` where `T: Send` and `E: Display + Debug + Send`",
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

    /// Whether [`on_record`](Self::on_record) does anything: the processor
    /// skips the calls when it does not.
    #[doc(hidden)]
    fn observes_records(&self) -> bool {
        false
    }

    /// Sees one record's report as the record ends (hooks set with
    /// [`BatchProcessor::on_record`](crate::BatchProcessor::on_record)).
    #[doc(hidden)]
    fn on_record(
        &'a self,
        _report: &RecordReport<'a, Self::Output, Self::Error>,
        _context: &'a Context,
    ) {
    }

    /// Sees the batch's report once every record has ended (hooks set
    /// with [`BatchProcessor::on_batch`](crate::BatchProcessor::on_batch)).
    #[doc(hidden)]
    fn on_batch(
        &'a self,
        _report: &BatchReport<'a, Self::Output, Self::Error>,
        _context: &'a Context,
    ) {
    }
}

// Every handler is a `Form` whose value and error meet the bounds. The
// bounds are checked here, after the form is chosen by its arguments, so
// that an error type that is not `Send` is named in the compiler's message
// rather than hidden behind "not a record handler".
impl<'a, R, M, F> Handler<'a, R, M> for F
where
    F: Form<'a, R, M> + Send + Sync,
    F::Output: Send + 'a,
    F::Error: fmt::Display + fmt::Debug + Send + 'a,
    F::Future: Send,
{
    type Output = F::Output;
    type Error = F::Error;
    type Future = F::Future;

    #[inline]
    fn call(&'a self, record: R, context: &'a Context) -> Self::Future {
        Form::call(self, record, context)
    }

    fn observes_records(&self) -> bool {
        Form::observes_records(self)
    }

    fn on_record(&'a self, report: &RecordReport<'a, F::Output, F::Error>, context: &'a Context) {
        Form::on_record(self, report, context);
    }

    fn on_batch(&'a self, report: &BatchReport<'a, F::Output, F::Error>, context: &'a Context) {
        Form::on_batch(self, report, context);
    }
}
