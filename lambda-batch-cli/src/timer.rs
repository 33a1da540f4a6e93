//! A precise timer for the demo handler's simulated I/O (`--sleep-ms`).
//!
//! Tokio's timers round every sleep up to the next millisecond tick, so a
//! 5 ms sleep started just after a tick lasts 6 ms: one record after another
//! on a slot of `--concurrency`, that adds up to a fifth more than the work
//! asked for. Real I/O completes at any moment, not on ticks. This timer
//! wakes sleepers from one background thread at their deadline, to within
//! the operating system's timer slack (tens of microseconds).

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering as AtomicOrdering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::task::{Context, Poll, Waker};
use std::thread::{self, Thread};
use std::time::{Duration, Instant};

/// Waits `duration` from now.
pub fn sleep(duration: Duration) -> Sleep {
    Sleep {
        deadline: Instant::now() + duration,
        entry: None,
    }
}

/// The future of [`sleep`].
#[derive(Debug)]
pub struct Sleep {
    deadline: Instant,
    entry: Option<Arc<Entry>>,
}

#[derive(Debug)]
struct Entry {
    deadline: Instant,
    fired: AtomicBool,
    waker: Mutex<Option<Waker>>,
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if let Some(entry) = &self.entry {
            if entry.fired.load(AtomicOrdering::Acquire) {
                return Poll::Ready(());
            }
            let mut waker = entry.waker.lock().unwrap_or_else(PoisonError::into_inner);
            // Checked again under the lock the timer takes to wake.
            if entry.fired.load(AtomicOrdering::Acquire) {
                return Poll::Ready(());
            }
            *waker = Some(cx.waker().clone());
            return Poll::Pending;
        }
        if Instant::now() >= self.deadline {
            return Poll::Ready(());
        }
        let entry = Arc::new(Entry {
            deadline: self.deadline,
            fired: AtomicBool::new(false),
            waker: Mutex::new(Some(cx.waker().clone())),
        });
        timer().add(Arc::clone(&entry));
        self.entry = Some(entry);
        Poll::Pending
    }
}

/// Entries ordered by deadline.
struct Due(Arc<Entry>);

impl PartialEq for Due {
    fn eq(&self, other: &Self) -> bool {
        self.0.deadline == other.0.deadline
    }
}
impl Eq for Due {}
impl PartialOrd for Due {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Due {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.deadline.cmp(&other.0.deadline)
    }
}

struct Timer {
    queue: Mutex<BinaryHeap<Reverse<Due>>>,
    thread: Thread,
}

fn timer() -> &'static Timer {
    static TIMER: OnceLock<Timer> = OnceLock::new();
    TIMER.get_or_init(|| {
        let handle = thread::Builder::new()
            .name("demo-timer".into())
            .spawn(run)
            .unwrap_or_else(|e| panic!("cannot start the demo timer thread: {e}"));
        Timer {
            queue: Mutex::new(BinaryHeap::new()),
            thread: handle.thread().clone(),
        }
    })
}

impl Timer {
    fn add(&self, entry: Arc<Entry>) {
        let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        let earliest = queue
            .peek()
            .is_none_or(|Reverse(due)| entry.deadline < due.0.deadline);
        queue.push(Reverse(Due(entry)));
        drop(queue);
        if earliest {
            self.thread.unpark();
        }
    }
}

/// The timer thread: wakes what is due, then parks until the next deadline.
fn run() {
    precise_wakeups();
    let timer = timer();
    loop {
        let now = Instant::now();
        let mut due = Vec::new();
        let next = {
            let mut queue = timer.queue.lock().unwrap_or_else(PoisonError::into_inner);
            while let Some(Reverse(first)) = queue.peek() {
                if first.0.deadline > now {
                    break;
                }
                if let Some(Reverse(Due(entry))) = queue.pop() {
                    due.push(entry);
                }
            }
            queue.peek().map(|Reverse(first)| first.0.deadline)
        };
        for entry in due {
            let waker = {
                let mut waker = entry.waker.lock().unwrap_or_else(PoisonError::into_inner);
                entry.fired.store(true, AtomicOrdering::Release);
                waker.take()
            };
            if let Some(waker) = waker {
                waker.wake();
            }
        }
        match next {
            Some(deadline) => {
                thread::park_timeout(deadline.saturating_duration_since(Instant::now()))
            }
            None => thread::park(),
        }
    }
}

/// Asks Linux to wake this thread on time: by default it may delay timed
/// waits by up to 50 µs to group wakeups, which would add to every sleep.
#[cfg(target_os = "linux")]
fn precise_wakeups() {
    // SAFETY: PR_SET_TIMERSLACK takes one integer argument and only changes
    // the calling thread's timer slack; failure leaves the default slack.
    unsafe {
        libc::prctl(libc::PR_SET_TIMERSLACK, 1 as libc::c_ulong);
    }
}

#[cfg(not(target_os = "linux"))]
fn precise_wakeups() {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sleeps_last_their_duration() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime");
        let started = Instant::now();
        runtime.block_on(async {
            // All started at once: together they last as long as the longest.
            let waits: Vec<Sleep> = (1..=20)
                .map(|i| sleep(Duration::from_micros(500 * i)))
                .collect();
            for wait in waits {
                wait.await;
            }
        });
        let took = started.elapsed();
        assert!(took >= Duration::from_millis(10), "{took:?}");
        assert!(took < Duration::from_millis(100), "{took:?}");
    }
}
