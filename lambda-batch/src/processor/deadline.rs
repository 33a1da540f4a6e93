//! The invocation's deadline, as an instant of this process's clock.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use lambda_runtime::Context;

/// When records must stop: the context's deadline (epoch milliseconds) less
/// `margin`, seen from `now`.
///
/// A deadline that has already passed when the batch starts means there is
/// none: local emulators send one (`cargo lambda watch` sends 600000, and
/// `Context::default()` has 0), and a real invocation never starts late.
pub(crate) fn stop_at(context: &Context, margin: Duration, now: Instant) -> Option<Instant> {
    let deadline = UNIX_EPOCH.checked_add(Duration::from_millis(context.deadline))?;
    let left = deadline.duration_since(SystemTime::now()).ok()?;
    if left.is_zero() {
        return None;
    }
    let usable = left.saturating_sub(margin);
    if usable.is_zero() {
        tracing::warn!(
            left_ms = left.as_millis() as u64,
            margin_ms = margin.as_millis() as u64,
            "the invocation's deadline leaves no time after the safety margin: every record is reported for a retry"
        );
    }
    now.checked_add(usable)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context_ending_in(millis: i64) -> Context {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64);
        let mut context = Context::default();
        context.deadline = (now + millis).max(0) as u64;
        context
    }

    #[test]
    fn past_deadlines_mean_none() {
        let now = Instant::now();
        assert_eq!(stop_at(&Context::default(), Duration::ZERO, now), None);
        let mut emulated = Context::default();
        emulated.deadline = 600_000;
        assert_eq!(stop_at(&emulated, Duration::ZERO, now), None);
        assert_eq!(
            stop_at(&context_ending_in(-5_000), Duration::ZERO, now),
            None
        );
    }

    #[test]
    fn the_margin_comes_off_the_time_left() {
        let now = Instant::now();
        let stop = stop_at(&context_ending_in(10_000), Duration::from_secs(2), now)
            .expect("a deadline in the future");
        let left = stop - now;
        assert!(
            left > Duration::from_millis(7_500) && left <= Duration::from_secs(8),
            "{left:?}"
        );
    }

    #[test]
    fn a_margin_longer_than_the_time_left_stops_at_once() {
        let now = Instant::now();
        let stop = stop_at(&context_ending_in(1_000), Duration::from_secs(5), now);
        assert_eq!(stop, Some(now));
    }
}
