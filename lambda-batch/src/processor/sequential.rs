//! One record at a time, in the order the schedule gives.

use std::future::poll_fn;
use std::pin::{pin, Pin};
use std::time::Instant;

use lambda_runtime::Context;
use tokio::time::Sleep;
use tracing::Instrument as _;

use super::batch::Batch;
use super::call::{self, Ended, First, Limits};
use super::spans::RecordSpans;
use crate::handler::Handler;
use crate::ordering::schedule::{Schedule, Step};
use crate::outcome::Outcome;

pub(crate) async fn run<'a, H, R, M>(
    handler: &'a H,
    context: &'a Context,
    batch: &mut Batch<'a, R, H::Output, H::Error>,
    schedule: &mut Schedule,
    limits: Limits,
) where
    H: Handler<'a, R, M>,
{
    let mut deadline_timer: Option<Pin<Box<Sleep>>> = None;
    let mut spans = RecordSpans::default();
    // One clock reading a record: in sequence, a record starts when the one
    // before it finished.
    let mut now = Instant::now();
    let mut at = batch.at(now);
    loop {
        match schedule.next() {
            Step::Start(index) => {
                if limits.passed(now) {
                    batch.stop_at_deadline(at);
                    return;
                }
                let span = spans.span(batch, index);
                let outcome = match batch.start(index, at) {
                    Err(invalid) => Outcome::invalid(invalid),
                    Ok(record) => {
                        let mut slot = pin!(None);
                        match call::call_and_poll(handler, record, context, &span, slot.as_mut()) {
                            First::Ready(outcome) => outcome,
                            First::Pending(mut future) => {
                                let rest = poll_fn(|cx| call::poll(future.as_mut(), cx));
                                let guarded = call::guarded(
                                    rest.instrument(span),
                                    now,
                                    limits,
                                    &mut deadline_timer,
                                );
                                match guarded.await {
                                    Ended::Outcome(outcome) => outcome,
                                    Ended::Deadline => {
                                        batch.stop_at_deadline(batch.at(Instant::now()));
                                        return;
                                    }
                                }
                            }
                        }
                    }
                };
                now = Instant::now();
                at = batch.at(now);
                let failed = batch.finish(index, outcome, at);
                schedule.finished(index, failed);
            }
            Step::Skip(index, cause) => batch.skip(index, &cause, schedule, at),
            // With one record running at a time, finishing it always lets
            // the next step through; `Wait` would mean nothing is left.
            Step::Wait | Step::Done => return,
        }
    }
}
