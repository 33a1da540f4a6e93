//! The event as a deserialized payload: [`BatchEvent`] and [`BatchService`],
//! the path that reads the event twice.
//!
//! `lambda_runtime` deserializes the payload of every invocation before the
//! handler sees it. For a [`BatchEvent`] that means checking the whole event
//! is JSON and copying it, and then the processor parses it again. The
//! one-pass entry points of the [`runtime`](super) module avoid both; this
//! service stays for code that composes `lambda_runtime` services, and for
//! tests that call a service directly.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};

use lambda_runtime::{LambdaEvent, Service};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

use crate::error::{BatchError, InvalidEvent};
use crate::handler::Handler;
use crate::processor::BatchProcessor;
use crate::response::BatchResponse;
use crate::source::EventSource;

/// A batch event as Lambda delivered it: its JSON text, unparsed.
///
/// The runtime hands over the bytes; records are then parsed, and borrowed
/// from, this text by the processor. Deserializing it only checks that the
/// text is JSON.
///
/// ```
/// use lambda_batch::BatchEvent;
///
/// let event: BatchEvent = serde_json::from_str(r#"{"Records": []}"#).unwrap();
/// assert_eq!(event.as_str(), r#"{"Records": []}"#);
/// ```
#[derive(Debug, Clone)]
pub struct BatchEvent(Box<RawValue>);

impl BatchEvent {
    /// The event's JSON text.
    pub fn as_str(&self) -> &str {
        self.0.get()
    }

    /// An event from JSON text.
    ///
    /// ```
    /// # use lambda_batch::BatchEvent;
    /// assert!(BatchEvent::from_json(String::from("{}")).is_ok());
    /// assert!(BatchEvent::from_json(String::from("{")).is_err());
    /// ```
    ///
    /// # Errors
    ///
    /// [`InvalidEvent::Json`] when the text is not JSON.
    pub fn from_json(text: String) -> Result<Self, InvalidEvent> {
        RawValue::from_string(text)
            .map(BatchEvent)
            .map_err(|e| InvalidEvent::json(&e))
    }
}

impl<'de> Deserialize<'de> for BatchEvent {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Box::<RawValue>::deserialize(deserializer).map(BatchEvent)
    }
}

/// A [`BatchProcessor`] as a `lambda_runtime` service of
/// [`LambdaEvent<BatchEvent>`]. Cheap to clone: the clones share one
/// processor.
///
/// The event is read twice (checked and copied by `lambda_runtime`, then
/// parsed by the processor); [`run`](crate::run) and
/// [`BatchProcessor::into_runtime`] read it once. It serves tests, and code
/// that composes `lambda_runtime` services:
///
/// ```
/// use lambda_batch::{BatchEvent, BatchProcessor};
/// use lambda_batch::source::SqsRecord;
/// use lambda_runtime::{Context, LambdaEvent, Service};
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let service = BatchProcessor::sqs(|record: SqsRecord<'_>| match record.body() {
///     "fail" => Err("refused"),
///     _ => Ok(()),
/// })
/// .into_service();
/// let event = BatchEvent::from_json(
///     r#"{"Records":[{"messageId":"a","body":"fail"},{"messageId":"b","body":"ok"}]}"#.into(),
/// )?;
/// // Clones share the processor, as concurrent invocations do.
/// let response = service.clone().call(LambdaEvent::new(event, Context::default())).await?;
/// assert_eq!(serde_json::to_string(&response)?, r#"{"batchItemFailures":[{"itemIdentifier":"a"}]}"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # }).unwrap();
/// ```
pub struct BatchService<S, H, M> {
    processor: Arc<BatchProcessor<S, H, M>>,
}

impl<S, H, M> Clone for BatchService<S, H, M> {
    fn clone(&self) -> Self {
        BatchService {
            processor: Arc::clone(&self.processor),
        }
    }
}

impl<S: std::fmt::Debug, H, M> std::fmt::Debug for BatchService<S, H, M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchService")
            .field("processor", &self.processor)
            .finish()
    }
}

impl<S, H, M> BatchProcessor<S, H, M>
where
    S: EventSource,
    for<'a> H: Handler<'a, S::Record<'a>, M>,
{
    /// This processor as a service for [`lambda_runtime::run`].
    ///
    /// `lambda_runtime` checks and copies the whole event into a
    /// [`BatchEvent`] before the processor parses it: the event is read
    /// twice. Prefer [`run`](crate::run), [`run_concurrent`](crate::run_concurrent)
    /// or [`into_runtime`](Self::into_runtime), which read it once; this
    /// service is for code that composes `lambda_runtime` services, and for
    /// tests that call the service directly.
    ///
    /// ```
    /// use lambda_batch::{BatchEvent, BatchProcessor};
    /// use lambda_batch::source::KafkaRecord;
    /// use lambda_runtime::{Context, LambdaEvent, Service};
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let mut service = BatchProcessor::kafka(|_: KafkaRecord<'_>| Ok::<_, String>(())).into_service();
    /// let event = BatchEvent::from_json(r#"{"eventSource":"aws:kafka","records":{}}"#.into())?;
    /// let response = service.call(LambdaEvent::new(event, Context::default())).await?;
    /// assert!(response.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # }).unwrap();
    /// ```
    pub fn into_service(self) -> BatchService<S, H, M> {
        BatchService {
            processor: Arc::new(self),
        }
    }
}

impl<S, H, M> Service<LambdaEvent<BatchEvent>> for BatchService<S, H, M>
where
    S: EventSource,
    H: 'static,
    M: 'static,
    for<'a> H: Handler<'a, S::Record<'a>, M>,
{
    type Response = BatchResponse;
    type Error = BatchError;
    type Future = Pin<Box<dyn Future<Output = Result<BatchResponse, BatchError>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut TaskContext<'_>) -> Poll<Result<(), BatchError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, event: LambdaEvent<BatchEvent>) -> Self::Future {
        let processor = Arc::clone(&self.processor);
        Box::pin(async move {
            let (payload, context) = event.into_parts();
            processor.process(payload.as_str(), &context).await
        })
    }
}
