//! One batch being processed: each record waiting, running or done.
//!
//! Engines move records out as they start and put reports back as they end;
//! whatever order that happens in, the reports come out in input order, and
//! a record that never got an outcome is reported failed, never lost.

use std::fmt;
use std::time::{Duration, Instant};

use crate::error::RecordError;
use crate::ordering::schedule::{Cause, Schedule};
use crate::outcome::{CancelReason, Outcome, SkipReason};
use crate::report::RecordReport;
use crate::response::ItemIdentifier;
use crate::source::Parsed;

enum Slot<'a, R, T, E> {
    Waiting(Parsed<'a, R>),
    Running {
        identifier: Option<ItemIdentifier<'a>>,
        started: Duration,
    },
    Done(RecordReport<'a, T, E>),
    /// Only while a slot is being changed.
    Moved,
}

pub(crate) struct Batch<'a, R, T, E> {
    slots: Vec<Slot<'a, R, T, E>>,
    start: Instant,
    source: &'static str,
    scope: &'static str,
}

impl<'a, R, T, E: fmt::Display> Batch<'a, R, T, E> {
    pub(crate) fn new(
        records: Vec<Parsed<'a, R>>,
        start: Instant,
        source: &'static str,
        scope: &'static str,
    ) -> Self {
        Batch {
            slots: records.into_iter().map(Slot::Waiting).collect(),
            start,
            source,
            scope,
        }
    }

    /// Time since the batch started, at `now`.
    pub(crate) fn at(&self, now: Instant) -> Duration {
        now.saturating_duration_since(self.start)
    }

    /// Takes the record at `index` out to run it, started at `started`.
    pub(crate) fn start(&mut self, index: usize, started: Duration) -> Result<R, RecordError> {
        match std::mem::replace(&mut self.slots[index], Slot::Moved) {
            Slot::Waiting(parsed) => {
                let (identifier, record) = parsed.into_parts();
                self.slots[index] = Slot::Running {
                    identifier,
                    started,
                };
                record
            }
            other => {
                self.slots[index] = other;
                // The schedule hands out every position once.
                unreachable!("record {index} was started twice")
            }
        }
    }

    /// The identifier of the record at `index`, whatever its state.
    pub(crate) fn identifier(&self, index: usize) -> Option<&ItemIdentifier<'a>> {
        match self.slots.get(index)? {
            Slot::Waiting(parsed) => parsed.identifier(),
            Slot::Running { identifier, .. } => identifier.as_ref(),
            Slot::Done(report) => report.identifier.as_ref(),
            Slot::Moved => None,
        }
    }

    /// Records the outcome of the running record at `index`; `true` when it
    /// is reported to Lambda.
    pub(crate) fn finish(
        &mut self,
        index: usize,
        outcome: Outcome<T, E>,
        finished: Duration,
    ) -> bool {
        let failed = !outcome.is_success();
        match std::mem::replace(&mut self.slots[index], Slot::Moved) {
            Slot::Running {
                identifier,
                started,
            } => {
                if failed {
                    log_failed(self.source, index, identifier.as_ref(), &outcome);
                }
                self.slots[index] = Slot::Done(RecordReport {
                    index,
                    identifier,
                    outcome,
                    started,
                    finished,
                });
            }
            other => {
                self.slots[index] = other;
                unreachable!("record {index} finished without running")
            }
        }
        failed
    }

    /// Reports the waiting record at `index` without running it.
    pub(crate) fn skip(&mut self, index: usize, cause: &Cause, schedule: &Schedule, at: Duration) {
        let reason = self.reason(cause, schedule);
        self.skip_with(index, reason, at);
    }

    fn skip_with(&mut self, index: usize, reason: SkipReason, at: Duration) {
        match std::mem::replace(&mut self.slots[index], Slot::Moved) {
            Slot::Waiting(parsed) => {
                let (identifier, _) = parsed.into_parts();
                tracing::debug!(source = self.source, index, error = %reason, "record skipped");
                self.slots[index] = Slot::Done(RecordReport {
                    index,
                    identifier,
                    outcome: Outcome::Skipped(reason),
                    started: at,
                    finished: at,
                });
            }
            // Only a waiting record can be skipped; any other keeps its state.
            other => self.slots[index] = other,
        }
    }

    fn reason(&self, cause: &Cause, schedule: &Schedule) -> SkipReason {
        let named = |index: usize| self.identifier(index).map(ToString::to_string);
        match *cause {
            Cause::EarlierFailure(index) => SkipReason::EarlierFailure {
                index,
                identifier: named(index),
            },
            Cause::GroupFailed { group, failed } => SkipReason::GroupFailed {
                scope: self.scope,
                key: schedule.group_key(group).to_owned(),
                index: failed,
                identifier: named(failed),
            },
            Cause::UnknownGroup(index) => SkipReason::UnknownGroup {
                index,
                identifier: named(index),
            },
        }
    }

    /// The deadline came: running records are cancelled, waiting ones skipped.
    pub(crate) fn stop_at_deadline(&mut self, at: Duration) {
        let mut cancelled = 0usize;
        for index in 0..self.slots.len() {
            if let Slot::Running { .. } = self.slots[index] {
                cancelled += 1;
                self.finish(index, Outcome::Cancelled(CancelReason::Deadline), at);
            }
        }
        self.skip_at_deadline(at, cancelled);
    }

    /// The deadline came: waiting records are skipped; running ones, which
    /// cannot be stopped, are left to finish.
    pub(crate) fn skip_at_deadline(&mut self, at: Duration, cancelled: usize) {
        let mut skipped = 0usize;
        for index in 0..self.slots.len() {
            if let Slot::Waiting(_) = self.slots[index] {
                skipped += 1;
                self.skip_with(index, SkipReason::Deadline, at);
            }
        }
        tracing::warn!(
            source = self.source,
            cancelled,
            skipped,
            "the invocation's deadline is near: records not finished are reported for a retry"
        );
    }

    /// Every record's report, in input order.
    pub(crate) fn into_reports(self) -> Vec<RecordReport<'a, T, E>> {
        let end = self.at(Instant::now());
        self.slots
            .into_iter()
            .enumerate()
            .map(|(index, slot)| match slot {
                Slot::Done(report) => report,
                // Engines settle every record; should one not be, it is
                // reported for a retry rather than lost.
                Slot::Waiting(parsed) => RecordReport {
                    index,
                    identifier: parsed.into_parts().0,
                    outcome: Outcome::Skipped(SkipReason::Deadline),
                    started: end,
                    finished: end,
                },
                Slot::Running {
                    identifier,
                    started,
                } => RecordReport {
                    index,
                    identifier,
                    outcome: Outcome::Cancelled(CancelReason::Deadline),
                    started,
                    finished: end,
                },
                Slot::Moved => unreachable!("a slot is moved only while it changes"),
            })
            .collect()
    }
}

/// Logs a record reported to Lambda, with its identifier and the whole error.
#[cold]
fn log_failed<T, E: fmt::Display>(
    source: &'static str,
    index: usize,
    identifier: Option<&ItemIdentifier<'_>>,
    outcome: &Outcome<T, E>,
) {
    let error = Why(outcome);
    match identifier {
        Some(id) => {
            tracing::warn!(source, index, identifier = %id, error = %error, "record failed")
        }
        None => tracing::warn!(source, index, error = %error, "record without identifier failed"),
    }
}

/// Why a record is reported, formatted only when a log is written.
struct Why<'o, T, E>(&'o Outcome<T, E>);

impl<T, E: fmt::Display> fmt::Display for Why<'_, T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Outcome::Success(_) => f.write_str("success"),
            Outcome::Failure(reason) => reason.fmt(f),
            Outcome::Skipped(reason) => reason.fmt(f),
            Outcome::Cancelled(reason) => reason.fmt(f),
        }
    }
}
