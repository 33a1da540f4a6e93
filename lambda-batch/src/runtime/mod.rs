//! Running a processor as a Lambda function with `lambda_runtime`, reading
//! each event once.

mod event;
mod one_pass;
mod slot;

use lambda_runtime::layers::TracingLayer;
use lambda_runtime::{LambdaInvocation, Runtime, Service};

pub use event::{BatchEvent, BatchService};
use one_pass::OnePassLayer;
use slot::{Collect, Slots};

use crate::handler::Handler;
use crate::processor::BatchProcessor;
use crate::source::EventSource;

impl<S, H, M> BatchProcessor<S, H, M>
where
    S: EventSource,
    H: 'static,
    M: 'static,
    for<'a> H: Handler<'a, S::Record<'a>, M>,
{
    /// A `lambda_runtime` [`Runtime`] that serves this processor, reading
    /// each event once; [`run`] and [`run_concurrent`] are this runtime with
    /// `lambda_runtime`'s [`TracingLayer`].
    ///
    /// Layers added with [`Runtime::layer`] run before the processor, in
    /// the usual order (the last added runs first), and see each
    /// [`LambdaInvocation`] as the Runtime API sent it; when they return,
    /// the response has been posted. A layer that changes the body changes
    /// the event the processor reads.
    ///
    /// ```no_run
    /// use lambda_batch::BatchProcessor;
    /// use lambda_batch::source::SqsRecord;
    /// use lambda_runtime::layers::TracingLayer;
    ///
    /// async fn handle(record: SqsRecord<'_>) -> Result<(), std::io::Error> {
    ///     println!("{}", record.body());
    ///     Ok(())
    /// }
    ///
    /// #[tokio::main]
    /// async fn main() -> Result<(), lambda_runtime::Error> {
    ///     BatchProcessor::sqs(handle)
    ///         .into_runtime()
    ///         // .layer(your_layer)
    ///         .layer(TracingLayer::new())
    ///         .run()
    ///         .await
    /// }
    /// ```
    ///
    /// # Panics
    ///
    /// As [`Runtime::new`]: when Lambda's environment variables are missing
    /// (`AWS_LAMBDA_FUNCTION_NAME`, `AWS_LAMBDA_FUNCTION_MEMORY_SIZE`,
    /// `AWS_LAMBDA_FUNCTION_VERSION`, `AWS_LAMBDA_RUNTIME_API`).
    pub fn into_runtime(
        self,
    ) -> Runtime<
        impl Service<
                LambdaInvocation,
                Response = (),
                Error = lambda_runtime::Error,
                Future: Send + 'static,
            > + Clone
            + Send
            + 'static,
    > {
        let slots = std::sync::Arc::new(Slots::default());
        Runtime::new(Collect::new(std::sync::Arc::clone(&slots)))
            .layer(OnePassLayer::new(self, slots))
    }
}

/// Serves `processor` on the Lambda Runtime API, one invocation at a time,
/// reading each event once (see
/// [On the deployed path](crate#on-the-deployed-path)).
///
/// ```no_run
/// use lambda_batch::BatchProcessor;
/// use lambda_batch::typed::typed;
///
/// #[derive(serde::Deserialize)]
/// struct Order { quantity: u32 }
///
/// fn handle(order: Order) -> Result<(), String> {
///     if order.quantity == 0 { Err("no items".into()) } else { Ok(()) }
/// }
///
/// #[tokio::main]
/// async fn main() -> Result<(), lambda_runtime::Error> {
///     lambda_batch::run(BatchProcessor::sqs(typed(handle))).await
/// }
/// ```
///
/// # Errors
///
/// When the runtime stops: the Runtime API cannot be reached, or answers
/// what the runtime cannot read. Batch errors are not among them: they are
/// reported for their invocation, and the next one is served.
///
/// # Panics
///
/// When Lambda's environment variables are missing, as
/// [`into_runtime`](BatchProcessor::into_runtime).
pub async fn run<S, H, M>(processor: BatchProcessor<S, H, M>) -> Result<(), lambda_runtime::Error>
where
    S: EventSource,
    H: 'static,
    M: 'static,
    for<'a> H: Handler<'a, S::Record<'a>, M>,
{
    processor
        .into_runtime()
        .layer(TracingLayer::new())
        .run()
        .await
}

/// Serves `processor` on the Lambda Runtime API with as many invocations in
/// flight as Lambda Managed Instances allow (`AWS_LAMBDA_MAX_CONCURRENCY`),
/// reading each event once; one at a time when the variable is unset or 1.
///
/// Each of the runtime's workers polls for invocations with a clone of one
/// service, and the clones share the processor, which keeps nothing of one
/// batch for the next: the records, failures and response of each
/// invocation stay its own.
///
/// ```no_run
/// use lambda_batch::{BatchProcessor, Context};
/// use lambda_batch::source::SqsRecord;
///
/// async fn handle(record: SqsRecord<'_>, context: &Context) -> Result<(), std::io::Error> {
///     println!("{}: {}", context.request_id, record.body());
///     Ok(())
/// }
///
/// #[tokio::main]
/// async fn main() -> Result<(), lambda_runtime::Error> {
///     lambda_batch::run_concurrent(BatchProcessor::sqs(handle)).await
/// }
/// ```
///
/// # Errors
///
/// When every worker has stopped (see [`run`]).
///
/// # Panics
///
/// Outside a Tokio runtime, and when Lambda's environment variables are
/// missing, as [`into_runtime`](BatchProcessor::into_runtime).
pub async fn run_concurrent<S, H, M>(
    processor: BatchProcessor<S, H, M>,
) -> Result<(), lambda_runtime::Error>
where
    S: EventSource,
    H: 'static,
    M: 'static,
    for<'a> H: Handler<'a, S::Record<'a>, M>,
{
    processor
        .into_runtime()
        .layer(TracingLayer::new())
        .run_concurrent()
        .await
}
