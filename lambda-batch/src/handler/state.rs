//! State for handlers: one value, given by reference to every call.

use std::fmt;

/// A handler with the state every call gets by reference; made by
/// [`with_state`].
#[derive(Clone)]
pub struct WithState<S, F> {
    pub(crate) state: S,
    pub(crate) handler: F,
}

impl<S: fmt::Debug, F> fmt::Debug for WithState<S, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WithState")
            .field("state", &self.state)
            .field("handler", &std::any::type_name::<F>())
            .finish()
    }
}

impl<S, F> WithState<S, F> {
    /// The state.
    pub fn state(&self) -> &S {
        &self.state
    }

    /// The state and the handler.
    pub fn into_parts(self) -> (S, F) {
        (self.state, self.handler)
    }
}

/// Gives `handler` a value that every call can use: an SDK client, a
/// connection pool, configuration.
///
/// The handler takes `&S` after the record, and `&Context` last when it
/// asks for it, sync or async:
///
/// | form | example |
/// |---|---|
/// | sync | `fn handle(record: SqsRecord<'_>, table: &Table) -> Result<(), E>` |
/// | sync, with context | `fn handle(record: SqsRecord<'_>, table: &Table, ctx: &Context) -> Result<(), E>` |
/// | async | `async fn handle(record: SqsRecord<'_>, table: &Table) -> Result<(), E>` |
/// | async, with context | `async fn handle(record: SqsRecord<'_>, table: &Table, ctx: &Context) -> Result<(), E>` |
///
/// The processor owns the state and lends it to each call for as long as
/// the record: nothing is cloned per record, and an async handler's future
/// may hold the reference across `.await`. As with axum's `State`, the
/// state is built once, before the function serves its first invocation
/// (an AWS SDK client from `aws_config::load_from_env().await` in `main`),
/// and is shared by concurrent invocations, so it is `Send + Sync`; what
/// changes goes behind its own lock or atomic. SDK clients and connection
/// pools already are cheap handles shared this way.
///
/// With [`typed`](crate::typed::typed), the state comes after the payload:
/// `typed(with_state(table, handle))` with `async fn handle(order: Order,
/// table: &Table)`, or `handle(order: Order, record: SqsRecord<'_>, table:
/// &Table)` for the record too.
///
/// ```
/// use std::collections::HashMap;
/// use std::sync::Mutex;
/// use lambda_batch::{BatchProcessor, Context};
/// use lambda_batch::handler::with_state;
/// use lambda_batch::source::SqsRecord;
///
/// /// A client of the orders table, as an AWS SDK client is: cheap to share.
/// #[derive(Default)]
/// struct Orders { rows: Mutex<HashMap<String, String>> }
///
/// impl Orders {
///     async fn put(&self, id: &str, body: &str) -> Result<(), String> {
///         if body.is_empty() { return Err(format!("order {id} is empty")); }
///         self.rows.lock().unwrap().insert(id.to_owned(), body.to_owned());
///         Ok(())
///     }
/// }
///
/// async fn handle(record: SqsRecord<'_>, orders: &Orders) -> Result<(), String> {
///     orders.put(record.message_id().unwrap_or_default(), record.body()).await
/// }
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let processor = BatchProcessor::sqs(with_state(Orders::default(), handle));
/// let event = r#"{"Records":[{"messageId":"a","body":"{}"},{"messageId":"b","body":""}]}"#;
/// let response = processor.process(event, &Context::default()).await?;
/// assert_eq!(response.identifiers().map(|id| id.to_string()).collect::<Vec<_>>(), ["b"]);
/// # Ok::<(), lambda_batch::BatchError>(())
/// # }).unwrap();
/// ```
pub fn with_state<S, F>(state: S, handler: F) -> WithState<S, F> {
    WithState { state, handler }
}
