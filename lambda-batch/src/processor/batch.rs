//! One batch being processed: each record waiting, running or done.
//!
//! The parsed records stay where parsing put them: engines take each one out
//! as it starts, and its report takes its place, filled in as it ends;
//! whatever order that happens in, the reports come out in input order, and
//! a record that never got an outcome is reported failed, never lost. The
//! reports live in the records' own memory, so a batch holds no second
//! vector of its size.

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

/// A record, or the report that took its place.
enum Entry<'a, R, T, E> {
    Record(Parsed<'a, R>),
    Report(RecordReport<'a, T, E>),
}

/// What sees each record's report as the record ends: the hooks of
/// [`BatchProcessor::on_record`](crate::BatchProcessor::on_record).
pub(crate) type Observer<'a, T, E> = Box<dyn Fn(&RecordReport<'a, T, E>) + Send + Sync + 'a>;

pub(crate) struct Batch<'a, R, T, E> {
    /// The records as parsed, in input order; each is replaced by its
    /// report as it starts or is skipped.
    entries: Vec<Entry<'a, R, T, E>>,
    /// Each record's phase, by position.
    phases: Vec<Phase>,
    start: Instant,
    source: &'static str,
    scope: &'static str,
    observer: Option<Observer<'a, T, E>>,
}

impl<'a, R, T, E: fmt::Display> Batch<'a, R, T, E> {
    pub(crate) fn new(
        records: Vec<Parsed<'a, R>>,
        start: Instant,
        source: &'static str,
        scope: &'static str,
        observer: Option<Observer<'a, T, E>>,
    ) -> Self {
        let len = records.len();
        Batch {
            // Collected in place where the two have the same size.
            entries: records.into_iter().map(Entry::Record).collect(),
            phases: vec![Phase::Waiting; len],
            start,
            source,
            scope,
            observer,
        }
    }

    /// Hands the report of the record at `index`, just ended, to the
    /// observer.
    #[inline]
    fn ended(&mut self, index: usize) {
        if let Some(observer) = &self.observer {
            if let Entry::Report(report) = &self.entries[index] {
                observer(report);
            }
        }
    }

    /// How many records the batch holds.
    pub(crate) fn len(&self) -> usize {
        self.phases.len()
    }

    /// Time since the batch started, at `now`.
    pub(crate) fn at(&self, now: Instant) -> Duration {
        now.saturating_duration_since(self.start)
    }

    /// Takes the waiting record at `index` out of the batch, leaving its
    /// report, with its identifier, in its place.
    #[inline]
    fn take(&mut self, index: usize, started: Duration) -> Result<R, RecordError> {
        let entry = &mut self.entries[index];
        let report = Entry::Report(pending(index, started));
        match std::mem::replace(entry, report) {
            Entry::Record(parsed) => {
                let (identifier, record) = parsed.into_parts();
                self.report(index).identifier = identifier;
                record
            }
            Entry::Report(_) => unreachable!("record {index} was taken twice"),
        }
    }

    /// The report that took the place of the record at `index`.
    #[inline]
    fn report(&mut self, index: usize) -> &mut RecordReport<'a, T, E> {
        match &mut self.entries[index] {
            Entry::Report(report) => report,
            Entry::Record(_) => unreachable!("record {index} has no report yet"),
        }
    }

    /// Takes the record at `index` out to run it, started at `started`.
    #[inline]
    pub(crate) fn start(&mut self, index: usize, started: Duration) -> Result<R, RecordError> {
        if self.phases[index] != Phase::Waiting {
            // The schedule hands out every position once.
            unreachable!("record {index} was started twice")
        }
        self.phases[index] = Phase::Running;
        self.take(index, started)
    }

    /// The identifier of the record at `index`, whatever its phase.
    pub(crate) fn identifier(&self, index: usize) -> Option<&ItemIdentifier<'a>> {
        match self.entries.get(index)? {
            Entry::Record(parsed) => parsed.identifier(),
            Entry::Report(report) => report.identifier.as_ref(),
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
        let source = self.source;
        let report = self.report(index);
        if failed {
            log_failed(source, index, report.identifier.as_ref(), &outcome);
        }
        // The pending outcome owns nothing: forgetting it saves its drop.
        std::mem::forget(std::mem::replace(&mut report.outcome, outcome));
        report.finished = finished;
        self.ended(index);
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
        drop(self.take(index, at));
        let report = self.report(index);
        report.outcome = Outcome::Skipped(reason);
        report.finished = at;
        self.ended(index);
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
    pub(crate) fn into_reports(self) -> Vec<RecordReport<'a, T, E>> {
        let end = self.at(Instant::now());
        self.entries
            .into_iter()
            .zip(self.phases)
            .enumerate()
            // Collected in place: reports are smaller than records.
            .map(|(index, (entry, phase))| match (entry, phase) {
                (Entry::Report(report), Phase::Done) => report,
                // Engines settle every record; should one not be, it is
                // reported for a retry rather than lost.
                (Entry::Report(mut report), _) => {
                    report.outcome = Outcome::Cancelled(CancelReason::Deadline);
                    report.finished = end;
                    report
                }
                (Entry::Record(parsed), _) => {
                    let mut report = pending(index, end);
                    report.identifier = parsed.into_parts().0;
                    report.finished = end;
                    report
                }
            })
            .collect()
    }
}

/// The report of the record at `index`, started at `started`, before it has
/// an outcome (the outcome it gets if it never has one: its retry).
fn pending<'a, T, E>(index: usize, started: Duration) -> RecordReport<'a, T, E> {
    RecordReport {
        index,
        identifier: None,
        outcome: Outcome::Skipped(SkipReason::Deadline),
        started,
        finished: started,
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
