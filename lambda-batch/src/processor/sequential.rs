//! One record at a time, in the order the schedule gives.

use std::pin::Pin;
use std::time::Instant;

use lambda_runtime::Context;
use tokio::time::Sleep;

use super::batch::Batch;
use super::begin;
use super::call::{self, Ended, Limits};
use crate::handler::Handler;
use crate::ordering::schedule::{Schedule, Step};

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
    // One clock reading a record: in sequence, a record starts when the one
    // before it finished.
    let mut now = Instant::now();
    loop {
        match schedule.next() {
            Step::Start(index) => {
                let started = batch.at(now);
                if limits.passed(now) {
                    batch.stop_at_deadline(started);
                    return;
                }
                let outcome = match begin(handler, context, batch, index, started) {
                    Err(immediate) => immediate,
                    Ok(future) => {
                        match call::guarded(future, now, limits, &mut deadline_timer).await {
                            Ended::Outcome(outcome) => outcome,
                            Ended::Deadline => {
                                batch.stop_at_deadline(batch.at(Instant::now()));
                                return;
                            }
                        }
                    }
                };
                now = Instant::now();
                let failed = batch.finish(index, outcome, batch.at(now));
                schedule.finished(index, failed);
            }
            Step::Skip(index, cause) => batch.skip(index, &cause, schedule, batch.at(now)),
            // With one record running at a time, finishing it always lets
            // the next step through; `Wait` would mean nothing is left.
            Step::Wait | Step::Done => return,
        }
    }
}
