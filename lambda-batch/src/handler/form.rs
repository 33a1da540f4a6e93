//! The forms a handler takes, before their value and error are checked:
//! plain functions and closures, sync or async, with or without context,
//! with or without state.

use std::future::{ready, Future, Ready};

use lambda_runtime::Context;

use super::marker::{self, Stateful};
use super::state::WithState;
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

/// One form of a plain handler: `$adapter` (with its type parameters
/// `$generic`) calls what it wraps as `$call` says, on the record and, when
/// asked for, the context; a sync call's result is ready at once, an async
/// call's future is the handler's own.
macro_rules! form {
    (sync $form:ty, [$($generic:ident),*] $adapter:ty,
     |$this:ident, $record:ident, $context:ident| $call:expr,
     where $($bound:tt)*) => {
        impl<'a, R, T, E, $($generic),*> Form<'a, R, $form> for $adapter
        where
            T: 'a,
            E: 'a,
            $($bound)* -> Result<T, E>,
        {
            type Output = T;
            type Error = E;
            type Future = Ready<Result<T, E>>;

            #[inline]
            fn call(&'a self, $record: R, $context: &'a Context) -> Self::Future {
                let $this = self;
                ready($call)
            }
        }
    };
    (async $form:ty, [$($generic:ident),*] $adapter:ty,
     |$this:ident, $record:ident, $context:ident| $call:expr,
     where $($bound:tt)*) => {
        impl<'a, R, T, E, Fut, $($generic),*> Form<'a, R, $form> for $adapter
        where
            Fut: Future<Output = Result<T, E>> + 'a,
            $($bound)* -> Fut,
        {
            type Output = T;
            type Error = E;
            type Future = Fut;

            #[inline]
            fn call(&'a self, $record: R, $context: &'a Context) -> Self::Future {
                let $this = self;
                $call
            }
        }
    };
}

form!(sync marker::Sync, [F] F,
    |this, record, _context| this(record),
    where F: Fn(R));
form!(sync marker::SyncWithContext, [F] F,
    |this, record, context| this(record, context),
    where F: Fn(R, &'a Context));
form!(async marker::Async, [F] F,
    |this, record, _context| this(record),
    where F: Fn(R));
form!(async marker::AsyncWithContext, [F] F,
    |this, record, context| this(record, context),
    where F: Fn(R, &'a Context));

// The same with the state lent after the record: `with_state(state, handle)`.
form!(sync Stateful<marker::Sync>, [S, F] WithState<S, F>,
    |this, record, _context| (this.handler)(record, &this.state),
    where S: 'a, F: Fn(R, &'a S));
form!(sync Stateful<marker::SyncWithContext>, [S, F] WithState<S, F>,
    |this, record, context| (this.handler)(record, &this.state, context),
    where S: 'a, F: Fn(R, &'a S, &'a Context));
form!(async Stateful<marker::Async>, [S, F] WithState<S, F>,
    |this, record, _context| (this.handler)(record, &this.state),
    where S: 'a, F: Fn(R, &'a S));
form!(async Stateful<marker::AsyncWithContext>, [S, F] WithState<S, F>,
    |this, record, context| (this.handler)(record, &this.state, context),
    where S: 'a, F: Fn(R, &'a S, &'a Context));
