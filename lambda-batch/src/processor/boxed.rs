//! A processor whose type can be written out: its handler boxed.

use std::fmt;

use super::BatchProcessor;
use crate::handler::{marker, BoxHandler, Handler};
use crate::source::EventSource;

/// A processor of `S` events whose handler returns `Result<T, E>`, with the
/// handler's own type erased: a type you can write out, for every handler
/// form, typed and stateful included.
///
/// For the function that builds the processor once, shared by `main` and
/// the tests, and for a processor kept in a struct field. Made by
/// [`BatchProcessor::boxed`]. A typed handler's error is
/// [`TypedError<E>`](crate::typed::TypedError) of the handler's own `E`.
///
/// ```
/// use lambda_batch::{BatchProcessor, BoxProcessor, Context};
/// use lambda_batch::source::DynamoDb;
/// use lambda_batch::typed::{typed, NewImage, TypedError};
///
/// #[derive(serde::Deserialize)]
/// struct Order { id: String, qty: u32 }
///
/// async fn handle(order: NewImage<Order>) -> Result<(), String> {
///     match order.0 {
///         Some(order) if order.qty == 0 => Err(format!("order {} is empty", order.id)),
///         _ => Ok(()),
///     }
/// }
///
/// /// The function's processor: `main` serves it with `lambda_batch::run(processor())`.
/// fn processor() -> BoxProcessor<DynamoDb, (), TypedError<String>> {
///     BatchProcessor::dynamodb(typed(handle)).concurrency(8).boxed()
/// }
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let event = r#"{"Records":[{"eventID":"1","eventName":"INSERT","dynamodb":{
///     "SequenceNumber":"1","NewImage":{"id":{"S":"o1"},"qty":{"N":"0"}}}}]}"#;
/// let processor = processor();
/// let context = Context::default();
/// let report = processor.run(event, &context).await?;
/// assert_eq!(report.records()[0].outcome().error_text().as_deref(), Some("order o1 is empty"));
/// # Ok::<(), lambda_batch::InvalidEvent>(())
/// # }).unwrap();
/// ```
pub type BoxProcessor<S, T, E> = BatchProcessor<S, BoxHandler<S, T, E>, marker::Boxed>;

impl<S, H, M, T, E> BatchProcessor<S, H, M>
where
    S: EventSource,
    H: 'static,
    M: 'static,
    T: Send + 'static,
    E: fmt::Display + fmt::Debug + Send + 'static,
    for<'a> H: Handler<'a, S::Record<'a>, M, Output = T, Error = E>,
{
    /// This processor with its handler's type erased: a
    /// [`BoxProcessor`], whose type you can write out. Options, metrics
    /// and hooks are kept; each record's call allocates its future.
    ///
    /// The handler's value and error must not borrow from the record
    /// (`T` and `E` are `'static`).
    ///
    /// ```
    /// use lambda_batch::{BatchProcessor, BoxProcessor};
    /// use lambda_batch::source::{Sqs, SqsRecord};
    ///
    /// fn processor() -> BoxProcessor<Sqs, usize, String> {
    ///     BatchProcessor::sqs(|record: SqsRecord<'_>| Ok(record.body().len())).boxed()
    /// }
    /// # let _ = processor();
    /// ```
    pub fn boxed(self) -> BoxProcessor<S, T, E> {
        self.wrap(BoxHandler::new::<H, M>)
    }
}
