//! The typed handler adapter: decode the payload, then call the handler.

use std::fmt;
use std::future::{ready, Future, Ready};

use futures_util::future::{Either, MapErr};
use futures_util::TryFutureExt as _;
use lambda_runtime::Context;

use super::{DecodeError, FromRecord, TypedError};
use crate::handler::{marker as base, Form, Handler, WithState};

/// Marker types of the typed handler forms. They only appear in type
/// inference: you name them only to write a processor's whole type, which
/// [`BoxProcessor`](crate::BoxProcessor) spares you.
pub mod marker {
    use std::marker::PhantomData;

    /// A handler of the payload alone: `M` is the handler's own form
    /// ([`Sync`](crate::handler::marker::Sync),
    /// [`Async`](crate::handler::marker::Async), with or without context).
    #[derive(Debug)]
    pub struct Payload<T, M>(PhantomData<fn() -> (T, M)>);

    /// A handler of the payload and the record: `M` is one of the four
    /// [`handler::marker`](crate::handler::marker) forms, or one of them
    /// [`Stateful`](crate::handler::marker::Stateful).
    #[derive(Debug)]
    pub struct WithRecord<T, M>(PhantomData<fn() -> (T, M)>);

    // Typed handlers are sync when the handler they wrap is.
    use crate::handler::marker::{sealed::Sealed, Blocking};
    impl<T, M: Blocking> Sealed for Payload<T, M> {}
    impl<T, M: Blocking> Blocking for Payload<T, M> {}
    impl<T, M: Blocking> Sealed for WithRecord<T, M> {}
    impl<T, M: Blocking> Blocking for WithRecord<T, M> {}
}

/// A handler whose records are first decoded into its argument type.
///
/// Made by [`typed`]; a [`Handler`] of every record type `R` whose payload
/// decodes into the handler's argument `T` ([`T: FromRecord<R>`](FromRecord)).
#[derive(Clone, Copy)]
pub struct Typed<F> {
    handler: F,
}

impl<F> fmt::Debug for Typed<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Typed")
            .field("handler", &std::any::type_name::<F>())
            .finish()
    }
}

impl<F> Typed<F> {
    /// The handler inside.
    pub fn into_inner(self) -> F {
        self.handler
    }
}

/// Turns a handler of decoded payloads into a handler of records.
///
/// The handler takes the payload type `T` first, then optionally the record
/// itself (by value), then optionally `&Context`; sync or async:
///
/// | form | example |
/// |---|---|
/// | payload | `async fn handle(order: Order) -> Result<(), E>` |
/// | payload, context | `async fn handle(order: Order, ctx: &Context) -> Result<(), E>` |
/// | payload, record | `async fn handle(order: Order, record: SqsRecord<'_>) -> Result<(), E>` |
/// | payload, record, context | `fn handle(order: Order, record: SqsRecord<'_>, ctx: &Context) -> Result<(), E>` |
///
/// With [`with_state`](crate::handler::with_state) inside
/// (`typed(with_state(state, handle))`), the state comes after the payload
/// and the record, before the context: `async fn handle(order: Order,
/// table: &Table)`, `async fn handle(order: Order, record: SqsRecord<'_>,
/// table: &Table, ctx: &Context)`.
///
/// Each record's payload is decoded before the handler is called. A record
/// whose payload does not decode fails with [`TypedError::Decode`] naming the
/// payload and the field path, and the handler is not called for it; the
/// rest of the batch goes on. The handler's own errors come as
/// [`TypedError::Handler`].
///
/// ```
/// use lambda_batch::{BatchProcessor, Context};
/// use lambda_batch::typed::typed;
///
/// #[derive(serde::Deserialize)]
/// struct Order { id: u64, qty: u32 }
///
/// async fn handle(order: Order) -> Result<(), String> {
///     if order.qty == 0 { Err(format!("order {} is empty", order.id)) } else { Ok(()) }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let processor = BatchProcessor::sqs(typed(handle)).raise_on_full_failure(false);
/// let event = r#"{"Records":[
///     {"messageId":"a","body":"{\"id\":1,\"qty\":2}"},
///     {"messageId":"b","body":"{\"id\":2,\"qty\":\"two\"}"},
///     {"messageId":"c","body":"{\"id\":3,\"qty\":0}"}]}"#;
/// let context = Context::default();
/// let report = processor.run(event, &context).await?;
/// let errors: Vec<String> = report.records().iter().filter_map(|r| r.outcome().error_text()).collect();
/// assert_eq!(errors, [
///     r#"payload `body` does not decode: qty: invalid type: string "two", expected u32 at line 1 column 19"#,
///     "order 3 is empty",
/// ]);
/// # Ok::<(), lambda_batch::InvalidEvent>(())
/// # }).unwrap();
/// ```
///
/// The payload type must own its data (`T: DeserializeOwned`): one
/// processor serves every invocation, so the type cannot borrow from one
/// event. Decoding still reads straight from the event text, with no
/// intermediate value; take the record as well to borrow from it.
pub fn typed<F>(handler: F) -> Typed<F> {
    Typed { handler }
}

type Wrap<E> = fn(E) -> TypedError<E>;

/// The future of a typed call: the handler's, or the decode failure.
type TypedFuture<Fut, T, E> = Either<MapErr<Fut, Wrap<E>>, Ready<Result<T, TypedError<E>>>>;

/// The typed future of a sync handler's result.
fn settled<T, E>(result: Result<T, TypedError<E>>) -> Ready<Result<T, TypedError<E>>> {
    ready(result)
}

/// The typed future of an async handler's future, or of a decode failure.
fn pending<Fut, T, E>(future: Result<Fut, DecodeError>) -> TypedFuture<Fut, T, E>
where
    Fut: Future<Output = Result<T, E>>,
{
    match future {
        Ok(future) => Either::Left(future.map_err(TypedError::handler as Wrap<E>)),
        Err(error) => Either::Right(ready(Err(TypedError::Decode(error)))),
    }
}

impl<'a, F, R, T, M> Form<'a, R, marker::Payload<T, M>> for Typed<F>
where
    T: FromRecord<R>,
    F: Handler<'a, T, M>,
{
    type Output = F::Output;
    type Error = TypedError<F::Error>;
    type Future = TypedFuture<F::Future, F::Output, F::Error>;

    fn call(&'a self, record: R, context: &'a Context) -> Self::Future {
        pending(T::from_record(&record).map(|payload| self.handler.call(payload, context)))
    }
}

/// A form of typed handler that takes the record too: `$this` is the
/// adapter, `$call` calls what it wraps with the payload `$payload`.
macro_rules! with_record {
    (sync [$($generic:ident),*] $adapter:ty, $form:ty,
     |$this:ident, $payload:ident, $record:ident, $context:ident| $call:expr,
     where $($bound:tt)*) => {
        impl<'a, R, T, O, E, $($generic),*> Form<'a, R, marker::WithRecord<T, $form>> for $adapter
        where
            T: FromRecord<R>,
            O: 'a,
            E: 'a,
            $($bound)* -> Result<O, E>,
        {
            type Output = O;
            type Error = TypedError<E>;
            type Future = Ready<Result<O, TypedError<E>>>;

            fn call(&'a self, $record: R, $context: &'a Context) -> Self::Future {
                let $this = self;
                settled(match T::from_record(&$record) {
                    Ok($payload) => $call.map_err(TypedError::Handler),
                    Err(error) => Err(TypedError::Decode(error)),
                })
            }
        }
    };
    (async [$($generic:ident),*] $adapter:ty, $form:ty,
     |$this:ident, $payload:ident, $record:ident, $context:ident| $call:expr,
     where $($bound:tt)*) => {
        impl<'a, R, T, Fut, O, E, $($generic),*> Form<'a, R, marker::WithRecord<T, $form>> for $adapter
        where
            T: FromRecord<R>,
            Fut: Future<Output = Result<O, E>> + 'a,
            O: 'a,
            E: 'a,
            $($bound)* -> Fut,
        {
            type Output = O;
            type Error = TypedError<E>;
            type Future = TypedFuture<Fut, O, E>;

            fn call(&'a self, $record: R, $context: &'a Context) -> Self::Future {
                let $this = self;
                pending(T::from_record(&$record).map(|$payload| $call))
            }
        }
    };
}

with_record!(sync [F] Typed<F>, base::Sync,
    |this, payload, record, _context| (this.handler)(payload, record),
    where F: Fn(T, R));
with_record!(sync [F] Typed<F>, base::SyncWithContext,
    |this, payload, record, context| (this.handler)(payload, record, context),
    where F: Fn(T, R, &'a Context));
with_record!(async [F] Typed<F>, base::Async,
    |this, payload, record, _context| (this.handler)(payload, record),
    where F: Fn(T, R));
with_record!(async [F] Typed<F>, base::AsyncWithContext,
    |this, payload, record, context| (this.handler)(payload, record, context),
    where F: Fn(T, R, &'a Context));

// The same with state: `typed(with_state(state, handle))`.
with_record!(sync [S, F] Typed<WithState<S, F>>, base::Stateful<base::Sync>,
    |this, payload, record, _context| (this.handler.handler)(payload, record, &this.handler.state),
    where S: 'a, F: Fn(T, R, &'a S));
with_record!(sync [S, F] Typed<WithState<S, F>>, base::Stateful<base::SyncWithContext>,
    |this, payload, record, context| (this.handler.handler)(payload, record, &this.handler.state, context),
    where S: 'a, F: Fn(T, R, &'a S, &'a Context));
with_record!(async [S, F] Typed<WithState<S, F>>, base::Stateful<base::Async>,
    |this, payload, record, _context| (this.handler.handler)(payload, record, &this.handler.state),
    where S: 'a, F: Fn(T, R, &'a S));
with_record!(async [S, F] Typed<WithState<S, F>>, base::Stateful<base::AsyncWithContext>,
    |this, payload, record, context| (this.handler.handler)(payload, record, &this.handler.state, context),
    where S: 'a, F: Fn(T, R, &'a S, &'a Context));
