//! One batch being processed: each record waiting, running or done.
//!
//! The parsed records stay where parsing put them: engines take each one out
//! as it starts and record its outcome, in its report, as it ends;
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

/// Where one record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// The record is still in `records`, not started.
    Waiting,
    /// The record went to the handler; its report has its identifier and
    /// start.
    Running,
    /// The record's report is complete.
    Done,
}

pub(crate) struct Batch<'a, R, T, E> {
    /// The records as parsed, in input order; each leaves as it starts or
    /// is skipped.
    records: Vec<Parsed<'a, R>>,
    /// Each record's phase, by position.
    phases: Vec<Phase>,
    /// Each record's report, by position, filled in as the record goes: the
    /// final reports, so that no vector is built at the end.
    reports: Vec<RecordReport<'a, T, E>>,
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
        let len = records.len();
        Batch {
            records,
            phases: vec![Phase::Waiting; len],
            reports: (0..len).map(pending).collect(),
            start,
            source,
            scope,
        }
    }

    /// Time since the batch started, at `now`.
    pub(crate) fn at(&self, now: Instant) -> Duration {
        now.saturating_duration_since(self.start)
    }

    /// Takes the record at `index` out of the batch, leaving a placeholder
    /// never read again (its phase says where the record went).
    #[inline]
    fn take(&mut self, index: usize) -> (Option<ItemIdentifier<'a>>, Result<R, RecordError>) {
        const TAKEN: RecordError = RecordError::Missing { field: "" };
        std::mem::replace(&mut self.records[index], Parsed::new(None, Err(TAKEN))).into_parts()
    }

    /// Takes the record at `index` out to run it, started at `started`.
    #[inline]
    pub(crate) fn start(&mut self, index: usize, started: Duration) -> Result<R, RecordError> {
        if self.phases[index] != Phase::Waiting {
            // The schedule hands out every position once.
            unreachable!("record {index} was started twice")
        }
        self.phases[index] = Phase::Running;
        let (identifier, record) = self.take(index);
        let report = &mut self.reports[index];
        report.identifier = identifier;
        report.started = started;
        record
    }

    /// The identifier of the record at `index`, whatever its phase.
    pub(crate) fn identifier(&self, index: usize) -> Option<&ItemIdentifier<'a>> {
        match self.phases.get(index)? {
            Phase::Waiting => self.records[index].identifier(),
            Phase::Running | Phase::Done => self.reports[index].identifier.as_ref(),
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
        if self.phases[index] != Phase::Running {
            unreachable!("record {index} finished without running")
        }
        self.phases[index] = Phase::Done;
        let failed = !outcome.is_success();
        let report = &mut self.reports[index];
        if failed {
            log_failed(self.source, index, report.identifier.as_ref(), &outcome);
        }
        // The pending outcome owns nothing: forgetting it saves its drop.
        std::mem::forget(std::mem::replace(&mut report.outcome, outcome));
        report.finished = finished;
        failed
    }

    /// Reports the waiting record at `index` without running it.
    pub(crate) fn skip(&mut self, index: usize, cause: &Cause, schedule: &Schedule, at: Duration) {
        let reason = self.reason(cause, schedule);
        self.skip_with(index, reason, at);
    }

    fn skip_with(&mut self, index: usize, reason: SkipReason, at: Duration) {
        // Only a waiting record can be skipped; any other keeps its state.
        if self.phases[index] != Phase::Waiting {
            return;
        }
        self.phases[index] = Phase::Done;
        tracing::debug!(source = self.source, index, error = %reason, "record skipped");
        let (identifier, _) = self.take(index);
        let report = &mut self.reports[index];
        report.identifier = identifier;
        report.outcome = Outcome::Skipped(reason);
        report.started = at;
        report.finished = at;
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
        for index in 0..self.phases.len() {
            if self.phases[index] == Phase::Running {
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
        for index in 0..self.phases.len() {
            if self.phases[index] == Phase::Waiting {
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
    pub(crate) fn into_reports(mut self) -> Vec<RecordReport<'a, T, E>> {
        let end = self.at(Instant::now());
        for index in 0..self.phases.len() {
            // Engines settle every record; should one not be, it is
            // reported for a retry rather than lost.
            let outcome = match self.phases[index] {
                Phase::Done => continue,
                Phase::Waiting => {
                    let (identifier, _) = self.take(index);
                    let report = &mut self.reports[index];
                    report.identifier = identifier;
                    report.started = end;
                    Outcome::Skipped(SkipReason::Deadline)
                }
                Phase::Running => Outcome::Cancelled(CancelReason::Deadline),
            };
            let report = &mut self.reports[index];
            report.outcome = outcome;
            report.finished = end;
        }
        self.reports
    }
}

/// The report of the record at `index` before it has an outcome.
fn pending<'a, T, E>(index: usize) -> RecordReport<'a, T, E> {
    RecordReport {
        index,
        identifier: None,
        outcome: Outcome::Skipped(SkipReason::Deadline),
        started: Duration::ZERO,
        finished: Duration::ZERO,
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
