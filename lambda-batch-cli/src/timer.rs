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
use std::sync::{Mutex, OnceLock, PoisonError};
use std::task::{Context, Poll, Waker};
use std::thread::{self, Thread};
use std::time::{Duration, Instant};

use futures_util::task::noop_waker_ref;

/// Waits `duration` from now.
pub fn sleep(duration: Duration) -> Sleep {
    Sleep {
        deadline: Instant::now() + duration,
        registered: None,
    }
}

/// The future of [`sleep`]: done once its deadline has passed, whoever
/// polls it. The timer only holds a waker to call at the deadline, so a
/// sleep shares no state with it and costs no allocation of its own.
#[derive(Debug)]
pub struct Sleep {
    deadline: Instant,
    /// The waker last given to the timer, so that polling again with the
    /// same one gives it nothing new.
    registered: Option<Waker>,
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if Instant::now() >= self.deadline {
            return Poll::Ready(());
        }
        let waker = cx.waker();
        // A waker that does nothing need not be kept: whoever polls with one
        // has to poll again with a real waker to learn of the deadline.
        let known = match &self.registered {
            Some(registered) => registered.will_wake(waker),
            None => waker.will_wake(noop_waker_ref()),
        };
        if !known {
            // A waker given before stays with the timer: waking it at the
            // deadline is harmless.
            timer().add(self.deadline, waker.clone());
            self.registered = Some(waker.clone());
        }
        Poll::Pending
    }
}

/// A waker to call at its deadline; ordered by deadline alone.
struct Due {
    deadline: Instant,
    waker: Waker,
}

impl PartialEq for Due {
    fn eq(&self, other: &Self) -> bool {
        self.deadline == other.deadline
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
        self.deadline.cmp(&other.deadline)
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
    fn add(&self, deadline: Instant, waker: Waker) {
        let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        let earliest = queue
            .peek()
            .is_none_or(|Reverse(due)| deadline < due.deadline);
        queue.push(Reverse(Due { deadline, waker }));
        drop(queue);
        if earliest {
            self.thread.unpark();
        }
    }
}

/// The timer thread: takes what is due under the lock, wakes it after
/// releasing the lock (so sleepers being added do not wait on the wakes),
/// then parks until the next deadline.
fn run() {
    precise_wakeups();
    let timer = timer();
    let mut due = Vec::new();
    loop {
        let now = Instant::now();
        let next = {
            let mut queue = timer.queue.lock().unwrap_or_else(PoisonError::into_inner);
            while queue
                .peek()
                .is_some_and(|Reverse(first)| first.deadline <= now)
            {
                if let Some(Reverse(first)) = queue.pop() {
                    due.push(first.waker);
                }
            }
            queue.peek().map(|Reverse(first)| first.deadline)
        };
        for waker in due.drain(..) {
            waker.wake();
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
