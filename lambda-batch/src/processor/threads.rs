//! Sync handlers on several threads: CPU-bound work of one batch spread
//! over the cores Lambda gives (up to 6 vCPUs).
//!
//! The threads are scoped to the batch, since records borrow from the event
//! text; the calling thread is one of them. A running sync handler cannot be
//! interrupted, so at the deadline no record starts any more and the
//! running ones finish.

use std::future::Future;
use std::pin::pin;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::task::{Context as TaskContext, Poll, Wake, Waker};
use std::thread::{self, Thread};
use std::time::Instant;

use lambda_runtime::Context;

use super::batch::Batch;
use super::call::{self, Limits};
use super::spans::RecordSpans;
use crate::handler::Handler;
use crate::ordering::schedule::{Schedule, Step};
use crate::outcome::Outcome;

struct Shared<'a, R, T, E> {
    batch: Batch<'a, R, T, E>,
    schedule: Schedule,
    stopped: bool,
}

/// Runs the batch on `threads` threads, this one included, and no more
/// threads than the batch has records.
pub(crate) fn run<'a, H, R, M>(
    handler: &'a H,
    context: &'a Context,
    batch: Batch<'a, R, H::Output, H::Error>,
    schedule: Schedule,
    limits: Limits,
    threads: usize,
) -> Batch<'a, R, H::Output, H::Error>
where
    H: Handler<'a, R, M>,
    R: Send,
{
    // One thread a record at most: a small batch starts no thread that
    // would find nothing to run.
    let threads = threads.min(batch.len());
    let shared = Mutex::new(Shared {
        batch,
        schedule,
        stopped: false,
    });
    let changed = Condvar::new();
    let work = || worker(handler, context, &shared, &changed, limits);
    // Handlers on the other threads see the same async runtime as on this
    // one (for `tokio::spawn`, `Handle::current()`).
    let runtime = tokio::runtime::Handle::try_current().ok();
    thread::scope(|scope| {
        for _ in 1..threads {
            let runtime = runtime.clone();
            scope.spawn(move || {
                let _entered = runtime.as_ref().map(tokio::runtime::Handle::enter);
                work();
            });
        }
        work();
    });
    shared
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner)
        .batch
}

fn lock<'s, T>(mutex: &'s Mutex<T>) -> MutexGuard<'s, T> {
    // Handlers' panics are caught, so a poisoned lock holds settled state.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn worker<'a, H, R, M>(
    handler: &'a H,
    context: &'a Context,
    shared: &Mutex<Shared<'a, R, H::Output, H::Error>>,
    changed: &Condvar,
    limits: Limits,
) where
    H: Handler<'a, R, M>,
{
    let waker = Waker::from(Arc::new(Unpark(thread::current())));
    let mut spans = RecordSpans::default();
    let _unwinding = StopOthersOnPanic { shared, changed };
    let mut guard = lock(shared);
    loop {
        if guard.stopped {
            return;
        }
        let now = Instant::now();
        if limits.passed(now) {
            guard.stopped = true;
            let at = guard.batch.at(now);
            guard.batch.skip_at_deadline(at, 0);
            changed.notify_all();
            return;
        }
        let step = guard.schedule.next();
        match step {
            Step::Start(index) => {
                let state = &mut *guard;
                let started = state.batch.at(now);
                let span = spans.span(&state.batch, index);
                let record = state.batch.start(index, started);
                drop(guard);
                let outcome = match record {
                    Err(invalid) => Outcome::invalid(invalid),
                    Ok(record) => match call::start(handler, record, context, &span) {
                        Err(panicked) => panicked,
                        Ok(future) => span.in_scope(|| block_on(call::finish(future), &waker)),
                    },
                };
                guard = lock(shared);
                let state = &mut *guard;
                let failed = state
                    .batch
                    .finish(index, outcome, state.batch.at(Instant::now()));
                state.schedule.finished(index, failed);
                changed.notify_all();
            }
            Step::Skip(index, cause) => {
                let state = &mut *guard;
                let at = state.batch.at(now);
                state.batch.skip(index, &cause, &state.schedule, at);
            }
            Step::Wait => {
                guard = match limits.deadline {
                    Some(deadline) => {
                        let left = deadline.saturating_duration_since(now);
                        changed
                            .wait_timeout(guard, left)
                            .unwrap_or_else(PoisonError::into_inner)
                            .0
                    }
                    None => changed.wait(guard).unwrap_or_else(PoisonError::into_inner),
                };
            }
            Step::Done => {
                changed.notify_all();
                return;
            }
        }
    }
}

/// Should a worker panic outside a handler (handlers' panics are caught),
/// the others stop instead of waiting for it forever; the scope then
/// passes the panic on.
struct StopOthersOnPanic<'s, 'a, R, T, E> {
    shared: &'s Mutex<Shared<'a, R, T, E>>,
    changed: &'s Condvar,
}

impl<R, T, E> Drop for StopOthersOnPanic<'_, '_, R, T, E> {
    fn drop(&mut self) {
        if thread::panicking() {
            lock(self.shared).stopped = true;
            self.changed.notify_all();
        }
    }
}

/// Wakes a worker parked in [`block_on`].
struct Unpark(Thread);

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

/// Runs a handler's future on this thread. Sync handlers' futures are ready
/// at once; parking covers any other.
fn block_on<F: Future>(future: F, waker: &Waker) -> F::Output {
    let mut future = pin!(future);
    let mut cx = TaskContext::from_waker(waker);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        thread::park();
    }
}
