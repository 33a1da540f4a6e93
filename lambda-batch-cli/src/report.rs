//! The per-record report of `--report`: one JSON line per record, in input order.
//!
//! `{"index":0,"identifier":"...","outcome":"success","reason":null,"error":null,"start_us":3,"end_us":5}`
//! where `identifier` is a string, a Kafka `{"partition":..,"offset":..}`
//! object, or null; `outcome` is `success`, `failure`, `skipped` or
//! `cancelled`; `reason` is the short reason of a skipped or cancelled
//! record (`deadline`, `timeout`, `earlier_failure`, `group_failed`,
//! `unknown_group`); times are microseconds since the start of the batch.

use std::fmt::Display;
use std::io::{self, Write};

use lambda_batch::{BatchReport, ItemIdentifier, Outcome, RecordReport};
use serde::Serialize;

#[derive(Serialize)]
struct Line<'r> {
    index: usize,
    identifier: Option<&'r ItemIdentifier<'r>>,
    outcome: &'static str,
    reason: Option<&'static str>,
    error: Option<String>,
    start_us: u128,
    end_us: u128,
}

/// The short reason of a skipped or cancelled record.
fn reason<T, E>(outcome: &Outcome<T, E>) -> Option<&'static str> {
    match outcome {
        Outcome::Skipped(reason) => Some(reason.code()),
        Outcome::Cancelled(reason) => Some(reason.code()),
        _ => None,
    }
}

fn line<'r, T, E: Display>(record: &'r RecordReport<'r, T, E>) -> Line<'r> {
    Line {
        index: record.index(),
        identifier: record.identifier(),
        outcome: record.outcome().kind(),
        reason: reason(record.outcome()),
        error: record.outcome().error_text(),
        start_us: record.started().as_micros(),
        end_us: record.finished().as_micros(),
    }
}

/// Writes one line per record of `report` to `out`.
pub fn write<T, E: Display>(
    out: &mut impl Write,
    report: &BatchReport<'_, T, E>,
) -> io::Result<()> {
    for record in report.records() {
        serde_json::to_writer(&mut *out, &line(record))?;
        out.write_all(b"\n")?;
    }
    out.flush()
}
