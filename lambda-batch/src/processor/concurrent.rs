//! Up to `limit` records at once on the calling task, started in the order
//! the schedule gives; outcomes go back to their input positions whatever
//! order they finish in.
//!
//! Callers run it unconstrained by tokio's cooperative budget: the budget
//! is per task, and this task polls every running record; once spent, each
//! record's timer would answer "not yet" and wake it again, so thousands of
//! records would be polled over and over for nothing.

use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};
use std::time::{Duration, Instant};

use futures_util::stream::{FuturesUnordered, StreamExt as _};
use lambda_runtime::Context;
use tokio::time::Sleep;
use tracing::Span;

use super::batch::Batch;
use super::call::{self, First, Limits};
use super::spans::RecordSpans;
use crate::handler::Handler;
use crate::ordering::schedule::{Schedule, Step};
use crate::outcome::{CancelReason, Outcome};

pub(crate) async fn run<'a, H, R, M>(
    handler: &'a H,
    context: &'a Context,
    batch: &mut Batch<'a, R, H::Output, H::Error>,
    schedule: &mut Schedule,
    limits: Limits,
    limit: usize,
) where
    H: Handler<'a, R, M>,
{
    let mut running = FuturesUnordered::new();
    let mut deadline_timer: Option<Pin<Box<Sleep>>> = None;
    let mut spans = RecordSpans::default();
    // The place of the next record's future, kept from a record that did
    // not wait: only records that wait take one of their own.
    let mut spare = None;
    loop {
        // Start what may start.
        while running.len() < limit {
            let now = Instant::now();
            match schedule.next() {
                Step::Start(index) => {
                    if limits.passed(now) {
                        batch.stop_at_deadline(batch.at(now));
                        return;
                    }
                    let started = batch.at(now);
                    let span = spans.span(batch, index);
                    let outcome = match batch.start(index, started) {
                        Err(invalid) => Outcome::invalid(invalid),
                        Ok(record) => {
                            // The future gets its place before the first
                            // poll, which settles records that do not wait
                            // without the bookkeeping of a running record;
                            // one that waits keeps its place in the set.
                            let mut future = spare.take().unwrap_or_else(|| Box::pin(None));
                            match call::call_and_poll(
                                handler,
                                record,
                                context,
                                &span,
                                future.as_mut(),
                            ) {
                                First::Ready(outcome) => {
                                    future.set(None);
                                    spare = Some(future);
                                    outcome
                                }
                                First::Pending(_) => {
                                    running.push(Running {
                                        index,
                                        future,
                                        span,
                                        timeout: limits.record_end(now),
                                        timeout_timer: None,
                                    });
                                    continue;
                                }
                            }
                        }
                    };
                    let failed = batch.finish(index, outcome, started);
                    schedule.finished(index, failed);
                }
                Step::Skip(index, cause) => batch.skip(index, &cause, schedule, batch.at(now)),
                Step::Wait => break,
                Step::Done => return,
            }
        }
        // Wait for a record to finish, or for the deadline.
        let next = poll_fn(|cx| {
            if let Poll::Ready(next) = running.poll_next_unpin(cx) {
                return Poll::Ready(next);
            }
            if let Some(deadline) = limits.deadline {
                let timer = deadline_timer
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline.into())));
                if timer.as_mut().poll(cx).is_ready() {
                    return Poll::Ready(None);
                }
            }
            Poll::Pending
        })
        .await;
        match next {
            Some((index, outcome)) => {
                let failed = batch.finish(index, outcome, batch.at(Instant::now()));
                schedule.finished(index, failed);
            }
            // The deadline came.
            None => {
                batch.stop_at_deadline(batch.at(Instant::now()));
                return;
            }
        }
    }
}

/// A record that waits: its handler's future, polled within the record's
/// span (and dropped within it), against the record timeout if any. The
/// batch deadline is watched by the engine for all records at once.
struct Running<F> {
    index: usize,
    /// Always `Some` until dropped: the future stays where its first poll
    /// left it.
    future: Pin<Box<Option<F>>>,
    span: Span,
    /// When the record runs out of time, and how long it may run.
    timeout: Option<(Instant, Duration)>,
    /// Made the first time the record waits after its first poll.
    timeout_timer: Option<Pin<Box<Sleep>>>,
}

impl<F, T, E> Future for Running<F>
where
    F: Future<Output = Result<T, E>>,
{
    type Output = (usize, Outcome<T, E>);

    fn poll(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        if let Some(future) = this.future.as_mut().as_pin_mut() {
            let _entered = this.span.enter();
            if let Poll::Ready(outcome) = call::poll(future, cx) {
                return Poll::Ready((this.index, outcome));
            }
        }
        if let Some((end, limit)) = this.timeout {
            let timer = this
                .timeout_timer
                .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(end.into())));
            if timer.as_mut().poll(cx).is_ready() {
                let cancelled = Outcome::Cancelled(CancelReason::Timeout(limit));
                return Poll::Ready((this.index, cancelled));
            }
        }
        Poll::Pending
    }
}

impl<F> Drop for Running<F> {
    fn drop(&mut self) {
        let _entered = self.span.enter();
        self.future.set(None);
    }
}
