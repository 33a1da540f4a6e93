//! The per-record report of `--report`: one JSON line per record, in input order.
//!
//! `{"index":0,"identifier":"...","outcome":"success","reason":null,"error":null,"start_us":3,"end_us":5}`
//! where `identifier` is a string, a Kafka `{"partition":..,"offset":..}`
//! object, or null; `outcome` is `success`, `failure`, `skipped` or
//! `cancelled`; `reason` is the short reason of a skipped or cancelled
//! record (`deadline`, `timeout`, `earlier_failure`, and after a record of
//! the same ordering key: `group_failed` and `unknown_group` for an SQS
//! message group, `key_failed` and `unknown_key` for the key of a stream's
//! `per-key` mode, which `error` names: a Kinesis partition key, a DynamoDB
//! item key, a Kafka topic-partition); times are microseconds since the
//! start of the batch.

use std::fmt::Display;
use std::io::{self, Write};

use lambda_batch::source::{EventSource, Sqs};
use lambda_batch::{BatchReport, ItemIdentifier, Outcome, RecordReport, SkipReason};
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

/// The short reason of a skipped or cancelled record of a source whose
/// ordering key is called `scope` ([`EventSource::ORDERING_SCOPE`]).
///
/// The library's codes name every ordering key a group; streams have keys.
fn reason<T, E>(outcome: &Outcome<T, E>, scope: &str) -> Option<&'static str> {
    let stream = scope != Sqs::ORDERING_SCOPE;
    match outcome {
        Outcome::Skipped(SkipReason::GroupFailed { .. }) if stream => Some("key_failed"),
        Outcome::Skipped(SkipReason::UnknownGroup { .. }) if stream => Some("unknown_key"),
        Outcome::Skipped(reason) => Some(reason.code()),
        Outcome::Cancelled(reason) => Some(reason.code()),
        _ => None,
    }
}

fn line<'r, T, E: Display>(record: &'r RecordReport<'r, T, E>, scope: &str) -> Line<'r> {
    Line {
        index: record.index(),
        identifier: record.identifier(),
        outcome: record.outcome().kind(),
        reason: reason(record.outcome(), scope),
        error: record.outcome().error_text(),
        start_us: record.started().as_micros(),
        end_us: record.finished().as_micros(),
    }
}

/// Writes one line per record of `report`, from a source whose ordering key
/// is called `scope`, to `out`.
pub fn write<T, E: Display>(
    out: &mut impl Write,
    report: &BatchReport<'_, T, E>,
    scope: &str,
) -> io::Result<()> {
    for record in report.records() {
        serde_json::to_writer(&mut *out, &line(record, scope))?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use lambda_batch::source::{DynamoDb, Kafka, Kinesis};
    use lambda_batch::CancelReason;

    use super::*;

    type Of = Outcome<(), String>;

    fn group_failed() -> Of {
        Outcome::Skipped(SkipReason::GroupFailed {
            scope: Kinesis::ORDERING_SCOPE,
            key: "pk-1".into(),
            index: 0,
            identifier: None,
        })
    }

    fn unknown_group() -> Of {
        Outcome::Skipped(SkipReason::UnknownGroup {
            index: 0,
            identifier: None,
        })
    }

    #[test]
    fn ordering_skips_are_named_after_the_source_key() {
        assert_eq!(
            reason(&group_failed(), Sqs::ORDERING_SCOPE),
            Some("group_failed")
        );
        assert_eq!(
            reason(&unknown_group(), Sqs::ORDERING_SCOPE),
            Some("unknown_group")
        );
        for scope in [
            Kinesis::ORDERING_SCOPE,
            DynamoDb::ORDERING_SCOPE,
            Kafka::ORDERING_SCOPE,
        ] {
            assert_eq!(
                reason(&group_failed(), scope),
                Some("key_failed"),
                "{scope}"
            );
            assert_eq!(
                reason(&unknown_group(), scope),
                Some("unknown_key"),
                "{scope}"
            );
        }
        let deadline: Of = Outcome::Cancelled(CancelReason::Deadline);
        assert_eq!(reason(&deadline, Kinesis::ORDERING_SCOPE), Some("deadline"));
        assert_eq!(reason(&Of::Success(()), Kinesis::ORDERING_SCOPE), None);
    }
}
