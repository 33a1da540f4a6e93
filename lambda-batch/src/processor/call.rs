//! Calling the handler on one record: panics caught, time limits kept.

use std::future::{poll_fn, Future};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::{pin, Pin};
use std::task::{Context as TaskContext, Poll};
use std::time::{Duration, Instant};

use futures_util::task::noop_waker_ref;
use lambda_runtime::Context;
use tokio::time::Sleep;
use tracing::Span;

use crate::caught::panic_message;
use crate::error::FailureReason;
use crate::handler::Handler;
use crate::outcome::{CancelReason, Outcome};

/// The time limits of a batch.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Limits {
    /// When records stop: the invocation's deadline less the safety margin.
    pub(crate) deadline: Option<Instant>,
    /// How long one record may run.
    pub(crate) record_timeout: Option<Duration>,
}

impl Limits {
    /// Whether the deadline has come at `now`.
    pub(crate) fn passed(&self, now: Instant) -> bool {
        self.deadline.is_some_and(|deadline| now >= deadline)
    }

    /// When a record started at `started` runs out of time, with the
    /// timeout: `None` without a record timeout, and for one so long that
    /// no instant of the clock is that far (`Duration::MAX`): no limit.
    pub(crate) fn record_end(&self, started: Instant) -> Option<(Instant, Duration)> {
        let limit = self.record_timeout?;
        Some((started.checked_add(limit)?, limit))
    }
}

/// How a guarded call ended.
pub(crate) enum Ended<T, E> {
    /// The record has this outcome.
    Outcome(Outcome<T, E>),
    /// The batch's deadline came first; the call was dropped.
    Deadline,
}

/// Calls the handler within the record's span, turning a panic while it
/// builds its future into the record's failure. Not `async`, and given the
/// span rather than called within it: the record goes straight to the
/// handler instead of being moved into a future or closure first.
#[inline]
pub(crate) fn start<'a, H, R, M>(
    handler: &'a H,
    record: R,
    context: &'a Context,
    span: &Span,
) -> Result<H::Future, Outcome<H::Output, H::Error>>
where
    H: Handler<'a, R, M>,
{
    let _entered = span.enter();
    catch_unwind(AssertUnwindSafe(move || handler.call(record, context)))
        .map_err(|panic| Outcome::Failure(FailureReason::Panic(panic_message(panic))))
}

/// How the first poll of a handler's future went.
pub(crate) enum First<'f, F, T, E> {
    /// The record has this outcome.
    Ready(Outcome<T, E>),
    /// The future waits; poll it on, with the task's waker.
    Pending(Pin<&'f mut F>),
}

/// Calls the handler within the record's span and polls its future once,
/// stored in `slot`, turning a panic in either into the record's failure:
/// records that do not wait (every sync handler's) are settled with one
/// guard and no more. The first poll has a waker that does nothing, so a
/// future left pending must be polled again with the task's own.
#[inline]
pub(crate) fn call_and_poll<'a, 'f, H, R, M>(
    handler: &'a H,
    record: R,
    context: &'a Context,
    span: &Span,
    slot: Pin<&'f mut Option<H::Future>>,
) -> First<'f, H::Future, H::Output, H::Error>
where
    H: Handler<'a, R, M>,
{
    let _entered = span.enter();
    let polled = catch_unwind(AssertUnwindSafe(move || {
        let mut slot = slot;
        slot.set(Some(handler.call(record, context)));
        let Some(mut future) = slot.as_pin_mut() else {
            unreachable!("the future was just stored")
        };
        let mut cx = TaskContext::from_waker(noop_waker_ref());
        match future.as_mut().poll(&mut cx) {
            Poll::Ready(result) => Ok(result),
            Poll::Pending => Err(future),
        }
    }));
    match polled {
        Ok(Ok(Ok(value))) => First::Ready(Outcome::Success(value)),
        Ok(Ok(Err(error))) => First::Ready(Outcome::Failure(FailureReason::Handler(error))),
        Ok(Err(future)) => First::Pending(future),
        Err(panic) => First::Ready(Outcome::Failure(FailureReason::Panic(panic_message(panic)))),
    }
}

/// Awaits a handler's future, turning a panic while it runs into the
/// record's failure.
pub(crate) async fn finish<T, E>(future: impl Future<Output = Result<T, E>>) -> Outcome<T, E> {
    let mut future = pin!(future);
    poll_fn(|cx| poll(future.as_mut(), cx)).await
}

/// Polls a handler's future once, turning a panic while it runs into the
/// record's failure.
pub(crate) fn poll<T, E>(
    future: Pin<&mut impl Future<Output = Result<T, E>>>,
    cx: &mut TaskContext<'_>,
) -> Poll<Outcome<T, E>> {
    match catch_unwind(AssertUnwindSafe(|| future.poll(cx))) {
        Ok(Poll::Pending) => Poll::Pending,
        Ok(Poll::Ready(Ok(value))) => Poll::Ready(Outcome::Success(value)),
        Ok(Poll::Ready(Err(error))) => Poll::Ready(Outcome::Failure(FailureReason::Handler(error))),
        Err(panic) => Poll::Ready(Outcome::Failure(FailureReason::Panic(panic_message(panic)))),
    }
}

/// Awaits `outcome` within the record timeout (counted from `started`) and
/// the batch deadline, whose timer is made the first time a record has to
/// wait and then kept in `deadline_timer` for the rest of the batch. Timers
/// are made only for calls that do not finish at once, so handlers that
/// never wait cost no timer.
pub(crate) async fn guarded<T, E>(
    outcome: impl Future<Output = Outcome<T, E>>,
    started: Instant,
    limits: Limits,
    deadline_timer: &mut Option<Pin<Box<Sleep>>>,
) -> Ended<T, E> {
    let mut outcome = pin!(outcome);
    let mut timeout_timer: Option<Pin<Box<Sleep>>> = None;
    poll_fn(|cx| {
        if let Poll::Ready(outcome) = outcome.as_mut().poll(cx) {
            return Poll::Ready(Ended::Outcome(outcome));
        }
        if let Some(deadline) = limits.deadline {
            let timer = deadline_timer
                .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline.into())));
            if timer.as_mut().poll(cx).is_ready() {
                return Poll::Ready(Ended::Deadline);
            }
        }
        if let Some((end, limit)) = limits.record_end(started) {
            let timer =
                timeout_timer.get_or_insert_with(|| Box::pin(tokio::time::sleep_until(end.into())));
            if timer.as_mut().poll(cx).is_ready() {
                return Poll::Ready(Ended::Outcome(Outcome::Cancelled(CancelReason::Timeout(
                    limit,
                ))));
            }
        }
        Poll::Pending
    })
    .await
}
