//! The layer that processes an invocation from the bytes the Runtime API
//! sent, before `lambda_runtime` deserializes anything.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};

use futures_util::FutureExt as _;
use lambda_runtime::tower::Layer;
use lambda_runtime::{Context, LambdaInvocation, Service};

use super::slot::{Slots, Ticket};
use crate::error::{BatchError, InvalidEvent};
use crate::handler::Handler;
use crate::processor::BatchProcessor;
use crate::response::BatchResponse;
use crate::source::EventSource;

/// Puts [`OnePass`] in front of the runtime's own service.
pub(super) struct OnePassLayer<S, H, M> {
    processor: Arc<BatchProcessor<S, H, M>>,
    slots: Arc<Slots>,
}

impl<S, H, M> OnePassLayer<S, H, M> {
    /// `slots` are the ones the runtime's handler collects from.
    pub(super) fn new(processor: BatchProcessor<S, H, M>, slots: Arc<Slots>) -> Self {
        OnePassLayer {
            processor: Arc::new(processor),
            slots,
        }
    }
}

impl<S, H, M, I> Layer<I> for OnePassLayer<S, H, M> {
    type Service = OnePass<S, H, M, I>;

    fn layer(&self, inner: I) -> Self::Service {
        OnePass {
            processor: Arc::clone(&self.processor),
            slots: Arc::clone(&self.slots),
            inner,
        }
    }
}

/// Processes each invocation's body, puts the result in a slot, and hands
/// `inner` (the runtime's service, which deserializes the payload, calls the
/// handler and posts its result) the slot's key in place of the event.
pub(super) struct OnePass<S, H, M, I> {
    processor: Arc<BatchProcessor<S, H, M>>,
    slots: Arc<Slots>,
    inner: I,
}

impl<S, H, M, I: Clone> Clone for OnePass<S, H, M, I> {
    fn clone(&self) -> Self {
        OnePass {
            processor: Arc::clone(&self.processor),
            slots: Arc::clone(&self.slots),
            inner: self.inner.clone(),
        }
    }
}

impl<S, H, M, I> Service<LambdaInvocation> for OnePass<S, H, M, I>
where
    S: EventSource,
    H: 'static,
    M: 'static,
    for<'a> H: Handler<'a, S::Record<'a>, M>,
    I: Service<LambdaInvocation, Response = (), Error = lambda_runtime::Error>,
    I::Future: Send + 'static,
{
    type Response = ();
    type Error = lambda_runtime::Error;
    type Future = Pin<Box<dyn Future<Output = Result<(), lambda_runtime::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut TaskContext<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, invocation: LambdaInvocation) -> Self::Future {
        let LambdaInvocation {
            parts,
            body,
            context,
        } = invocation;
        let ticket = self.slots.ticket();
        // `inner` is called now, as `poll_ready` allows, with the key; its
        // handler reads the slot only when its future is first polled, which
        // is after the slot is filled.
        let report = self.inner.call(LambdaInvocation {
            parts,
            body: ticket.key().to_string().into(),
            context: context.clone(),
        });
        let processor = Arc::clone(&self.processor);
        Box::pin(async move {
            let computed = AssertUnwindSafe(process(&processor, &body, &context))
                .catch_unwind()
                .await;
            ticket.fill(computed);
            let reported = report.await;
            drop::<Ticket>(ticket);
            reported
        })
    }
}

async fn process<S, H, M>(
    processor: &BatchProcessor<S, H, M>,
    body: &[u8],
    context: &Context,
) -> Result<BatchResponse, BatchError>
where
    S: EventSource,
    for<'a> H: Handler<'a, S::Record<'a>, M>,
{
    let event = text(body)?;
    // What `lambda_runtime` logs of the event it deserializes, which is now
    // only the slot's key.
    tracing::trace!(body = event, "raw JSON event received from Lambda");
    processor.process(event, context).await
}

/// The body as text: JSON is UTF-8.
pub(super) fn text(body: &[u8]) -> Result<&str, InvalidEvent> {
    std::str::from_utf8(body).map_err(|e| not_utf8(body, e.valid_up_to()))
}

/// The error for a body that is UTF-8 up to byte `at` only, placed as a JSON
/// parser would place it.
fn not_utf8(body: &[u8], at: usize) -> InvalidEvent {
    let before = body.get(..at).unwrap_or(body);
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |newline| newline + 1);
    InvalidEvent::Json {
        message: format!("the bytes are not UTF-8 from byte {at} on"),
        line: before.iter().filter(|&&b| b == b'\n').count() + 1,
        column: at - line_start + 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::slot::Collect;
    use crate::source::SqsRecord;

    #[test]
    fn a_body_that_is_not_utf8_is_an_invalid_event_at_its_first_bad_byte() {
        let err = text(b"{\"Records\":\n[\"a\xffb\"]}").expect_err("not UTF-8");
        assert_eq!(
            err.to_string(),
            "the event is not valid JSON: the bytes are not UTF-8 from byte 15 on (line 2, column 4)"
        );
    }

    #[test]
    fn utf8_text_is_the_body_itself() {
        assert_eq!(text("{\"é\":1}".as_bytes()), Ok("{\"é\":1}"));
    }

    /// The runtime's service, standing in: answers nothing, ever.
    #[derive(Clone)]
    struct Unanswered;

    impl Service<LambdaInvocation> for Unanswered {
        type Response = ();
        type Error = lambda_runtime::Error;
        type Future = std::future::Pending<Result<(), lambda_runtime::Error>>;

        fn poll_ready(&mut self, _cx: &mut TaskContext<'_>) -> Poll<Result<(), Self::Error>> {
            Poll::Ready(Ok(()))
        }

        fn call(&mut self, _invocation: LambdaInvocation) -> Self::Future {
            std::future::pending()
        }
    }

    #[test]
    fn a_cancelled_invocation_leaves_no_result_behind() {
        let slots = Arc::new(Slots::default());
        let _collect = Collect::new(Arc::clone(&slots));
        let processor = BatchProcessor::sqs(|_: SqsRecord<'_>| Ok::<_, String>(()));
        let mut service = OnePassLayer::new(processor, Arc::clone(&slots)).layer(Unanswered);
        let invocation = LambdaInvocation {
            parts: http::Response::new(()).into_parts().0,
            body: r#"{"Records":[{"messageId":"a","body":"x"}]}"#.into(),
            context: Context::default(),
        };
        let mut future = service.call(invocation);
        let waker = futures_util::task::noop_waker();
        let pending = future
            .as_mut()
            .poll(&mut TaskContext::from_waker(&waker))
            .is_pending();
        assert!(pending, "the runtime's service never answers");
        assert_eq!(slots.len(), 1, "the result waits in its slot");
        drop(future);
        assert_eq!(slots.len(), 0, "and goes with the invocation");
    }
}
