//! Where a batch result waits between the layer that computed it and the
//! handler through which `lambda_runtime` reports it.
//!
//! The [`OnePass`](super::one_pass::OnePass) layer processes the event, puts
//! the result in a slot under a fresh key and hands the inner runtime service
//! that key, as a JSON number, in place of the event. The runtime
//! deserializes the number into a `LambdaEvent<u64>` and calls [`Collect`],
//! which takes the result out; the runtime then posts it as it posts any
//! handler's result (`/response`, or `/error` with the error's
//! [`Diagnostic`](lambda_runtime::Diagnostic)).
//!
//! A slot belongs to a [`Ticket`]; dropping the ticket empties the slot, so a
//! result that is never taken (an invocation cancelled, or refused by the
//! runtime before its handler runs) does not stay behind.

use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context as TaskContext, Poll};

use lambda_runtime::{LambdaEvent, Service};

use crate::error::BatchError;
use crate::response::BatchResponse;

/// What processing an event gave: the batch result, or the payload of a
/// panic, to be raised again where `lambda_runtime` catches handler panics.
pub(super) type Computed = Result<Result<BatchResponse, BatchError>, Box<dyn Any + Send>>;

/// Results waiting to be collected, by key.
#[derive(Debug, Default)]
pub(super) struct Slots {
    next: AtomicU64,
    filled: Mutex<HashMap<u64, Computed>>,
}

impl Slots {
    fn filled(&self) -> MutexGuard<'_, HashMap<u64, Computed>> {
        // The map is consistent whatever panicked while it was locked.
        self.filled.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A ticket for a new, empty slot.
    pub(super) fn ticket(self: &Arc<Self>) -> Ticket {
        Ticket {
            slots: Arc::clone(self),
            key: self.next.fetch_add(1, Ordering::Relaxed),
        }
    }

    /// Takes what the slot `key` holds.
    fn take(&self, key: u64) -> Option<Computed> {
        self.filled().remove(&key)
    }

    /// How many slots hold a result.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.filled().len()
    }
}

/// The right to one slot; dropping it empties the slot.
#[derive(Debug)]
pub(super) struct Ticket {
    slots: Arc<Slots>,
    key: u64,
}

impl Ticket {
    /// The slot's key.
    pub(super) fn key(&self) -> u64 {
        self.key
    }

    /// Puts `computed` in the slot, for [`Collect`] to take.
    pub(super) fn fill(&self, computed: Computed) {
        self.slots.filled().insert(self.key, computed);
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        // Dropped outside the lock: a result can be large.
        drop(self.slots.take(self.key));
    }
}

/// The handler the runtime calls with a slot's key: answers with the result
/// the slot holds.
#[derive(Debug, Clone)]
pub(super) struct Collect {
    slots: Arc<Slots>,
}

impl Collect {
    pub(super) fn new(slots: Arc<Slots>) -> Self {
        Collect { slots }
    }
}

impl Service<LambdaEvent<u64>> for Collect {
    type Response = BatchResponse;
    type Error = BatchError;
    type Future = Collected;

    fn poll_ready(&mut self, _cx: &mut TaskContext<'_>) -> Poll<Result<(), BatchError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, event: LambdaEvent<u64>) -> Collected {
        // The slot is read when the future is polled: the layer calls the
        // runtime's service before it processes the event, and fills the
        // slot before it polls that service's future.
        Collected {
            slots: Arc::clone(&self.slots),
            key: event.payload,
        }
    }
}

/// The future of [`Collect`]: ready at its first poll.
#[derive(Debug)]
pub(super) struct Collected {
    slots: Arc<Slots>,
    key: u64,
}

impl Future for Collected {
    type Output = Result<BatchResponse, BatchError>;

    fn poll(self: Pin<&mut Self>, _cx: &mut TaskContext<'_>) -> Poll<Self::Output> {
        match self.slots.take(self.key) {
            Some(Ok(result)) => Poll::Ready(result),
            // Raised again inside `lambda_runtime`'s panic guard, which
            // reports it as it reports any handler panic.
            Some(Err(panic)) => std::panic::resume_unwind(panic),
            // Only a bug can get here; the panic fails the invocation, so
            // Lambda retries the batch rather than losing it.
            None => panic!(
                "lambda-batch: no batch result for slot {}; the invocation fails so that Lambda retries the batch",
                self.key
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(slots: &Arc<Slots>, key: u64) -> Result<BatchResponse, BatchError> {
        let event = LambdaEvent::new(key, lambda_runtime::Context::default());
        let future = Collect::new(Arc::clone(slots)).call(event);
        futures_util::FutureExt::now_or_never(future).expect("ready at once")
    }

    #[test]
    fn a_filled_slot_is_collected_once_and_emptied() {
        let slots = Arc::new(Slots::default());
        let ticket = slots.ticket();
        ticket.fill(Ok(Ok(BatchResponse::default())));
        assert_eq!(slots.len(), 1);
        assert!(collect(&slots, ticket.key()).is_ok());
        assert_eq!(slots.len(), 0);
    }

    #[test]
    fn a_ticket_dropped_before_collection_empties_its_slot() {
        let slots = Arc::new(Slots::default());
        let ticket = slots.ticket();
        ticket.fill(Ok(Ok(BatchResponse::default())));
        drop(ticket);
        assert_eq!(slots.len(), 0);
    }

    #[test]
    fn tickets_get_distinct_keys() {
        let slots = Arc::new(Slots::default());
        let (a, b) = (slots.ticket(), slots.ticket());
        assert_ne!(a.key(), b.key());
    }

    #[test]
    fn a_panic_is_raised_again_where_it_is_collected() {
        let slots = Arc::new(Slots::default());
        let ticket = slots.ticket();
        ticket.fill(Err(Box::new("boom")));
        let caught = std::panic::catch_unwind(|| collect(&slots, ticket.key()));
        let payload = caught.expect_err("the panic comes back");
        assert_eq!(payload.downcast_ref::<&str>(), Some(&"boom"));
    }

    #[test]
    fn an_empty_slot_fails_the_invocation() {
        let slots = Arc::new(Slots::default());
        let caught = std::panic::catch_unwind(|| collect(&slots, 7));
        assert!(caught.is_err());
    }
}
