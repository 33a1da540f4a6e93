//! Up to `limit` records at once on the calling task, started in the order
//! the schedule gives; outcomes go back to their input positions whatever
//! order they finish in.
//!
//! Callers run it unconstrained by tokio's cooperative budget: the budget
//! is per task, and this task polls every running record; once spent, each
//! record's timer would answer "not yet" and wake it again, so thousands of
//! records would be polled over and over for nothing.

use std::future::{poll_fn, Future as _};
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};
use std::time::Instant;

use futures_util::stream::{FuturesUnordered, StreamExt as _};
use futures_util::task::noop_waker_ref;
use lambda_runtime::Context;
use tokio::time::Sleep;

use super::batch::Batch;
use super::begin;
use super::call::{self, Ended, Limits};
use super::spans::RecordSpans;
use crate::handler::Handler;
use crate::ordering::schedule::{Schedule, Step};

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
    let record_limits = Limits {
        deadline: None,
        ..limits
    };
    let mut running = FuturesUnordered::new();
    let mut deadline_timer: Option<Pin<Box<Sleep>>> = None;
    let mut spans = RecordSpans::default();
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
                    let immediate = match begin(handler, context, batch, &mut spans, index, started)
                    {
                        Err(immediate) => immediate,
                        Ok(future) => {
                            let mut future = Box::pin(future);
                            // A first poll here settles records that do not
                            // wait without the bookkeeping of a running
                            // record. The waker may be dropped: the set polls
                            // what it is given again with its own.
                            let mut first = TaskContext::from_waker(noop_waker_ref());
                            match future.as_mut().poll(&mut first) {
                                Poll::Ready(outcome) => outcome,
                                Poll::Pending => {
                                    running.push(async move {
                                        let ended =
                                            call::guarded(future, now, record_limits, &mut None)
                                                .await;
                                        (index, ended)
                                    });
                                    continue;
                                }
                            }
                        }
                    };
                    let failed = batch.finish(index, immediate, started);
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
            Some((index, Ended::Outcome(outcome))) => {
                let failed = batch.finish(index, outcome, batch.at(Instant::now()));
                schedule.finished(index, failed);
            }
            // The deadline came (a record's own guard never reports it).
            Some((_, Ended::Deadline)) | None => {
                batch.stop_at_deadline(batch.at(Instant::now()));
                return;
            }
        }
    }
}
