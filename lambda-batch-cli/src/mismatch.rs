//! A `--source` that does not fit the event: when the forced source cannot
//! read it, the error names the source the event looks like, as detection
//! (the source `process` takes without `--source`) tells it.
//!
//! Records that name another source (`eventSource`) are refused by the
//! library already, naming both (`InvalidEvent::WrongSource`). The rest is
//! told here: a Kafka event read as another source or the reverse (no
//! `Records` list, or no `records` object), a pipe's batch read as Kafka,
//! and records that name no source but whose shape does, which the forced
//! source reads as records without an identifier.

use lambda_batch::{BatchError, InvalidEvent};

use crate::args::SourceKind;
use crate::detect::detect;
use crate::exit::CliError;

/// The error of `invalid`, which the processor of `forced` (the `--source`
/// given, if any) answered for `event`.
pub fn invalid_event(invalid: InvalidEvent, event: &str, forced: Option<SourceKind>) -> CliError {
    if matches!(invalid, InvalidEvent::WrongSource { .. }) {
        return CliError::from(BatchError::from(invalid));
    }
    match looks_like(event, forced) {
        Some(mismatch) => mismatch.error(&invalid),
        None => CliError::from(BatchError::from(invalid)),
    }
}

/// The error of a batch that failed as a whole: when records failed for
/// want of an identifier or all failed, and the event looks like another
/// source than `forced`, the event is what is wrong, not the batch.
pub fn batch_error(error: BatchError, event: &str, forced: Option<SourceKind>) -> CliError {
    let telling = matches!(
        error,
        BatchError::MissingIdentifier { .. } | BatchError::AllRecordsFailed { .. }
    );
    match looks_like(event, forced).filter(|_| telling) {
        Some(mismatch) => mismatch.error(&error),
        None => CliError::from(error),
    }
}

/// A forced source, and the other one the event looks like.
struct Mismatch {
    forced: SourceKind,
    detected: SourceKind,
}

/// The mismatch of `forced` with `event`, if detection names another source.
fn looks_like(event: &str, forced: Option<SourceKind>) -> Option<Mismatch> {
    let forced = forced?;
    match detect(event) {
        Ok(detected) if detected != forced => Some(Mismatch { forced, detected }),
        _ => None,
    }
}

impl Mismatch {
    fn error(&self, why: &dyn std::fmt::Display) -> CliError {
        let why = why.to_string();
        // The processor's own words, without a second `invalid event: `.
        let why = why.strip_prefix("invalid event: ").unwrap_or(&why);
        CliError::Input(format!(
            "invalid event: this looks like {} event, and `--source {}` reads {} events \
             (use `--source {}`, or leave `--source` out to detect it): {why}",
            with_article(self.detected),
            self.forced,
            title(self.forced),
            self.detected,
        ))
    }
}

/// The source's name, as the library's messages give it.
fn title(source: SourceKind) -> &'static str {
    match source {
        SourceKind::Sqs => "SQS",
        SourceKind::Kinesis => "Kinesis",
        SourceKind::DynamoDb => "DynamoDB Streams",
        SourceKind::Kafka => "Kafka",
    }
}

/// The source's name with its article: `an SQS`, `a Kinesis`, ...
fn with_article(source: SourceKind) -> String {
    match source {
        SourceKind::Sqs => "an SQS".to_owned(),
        other => format!("a {}", title(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(error: &CliError) -> String {
        match error {
            CliError::Input(message) => message.clone(),
            other => panic!("an input error: {other:?}"),
        }
    }

    #[test]
    fn a_forced_source_that_cannot_read_the_event_names_the_one_it_looks_like() {
        let dynamodb = r#"{"Records":[{"eventSource":"aws:dynamodb","dynamodb":{}}]}"#;
        let missing = InvalidEvent::Missing {
            path: "records".into(),
            expected: "a Kafka event's records, grouped by topic-partition",
        };
        assert_eq!(
            text(&invalid_event(
                missing.clone(),
                dynamodb,
                Some(SourceKind::Kafka)
            )),
            "invalid event: this looks like a DynamoDB Streams event, and `--source kafka` \
             reads Kafka events (use `--source dynamodb`, or leave `--source` out to detect it): \
             the event has no `records` field; expected a Kafka event's records, grouped by \
             topic-partition"
        );
        // Without `--source`, or when detection agrees or cannot tell: the
        // processor's words alone.
        for (event, forced) in [
            (dynamodb, None),
            (dynamodb, Some(SourceKind::DynamoDb)),
            ("{}", Some(SourceKind::Kafka)),
        ] {
            assert_eq!(
                text(&invalid_event(missing.clone(), event, forced)),
                format!("invalid event: {missing}"),
                "{event} {forced:?}"
            );
        }
    }

    #[test]
    fn a_batch_failed_for_want_of_identifiers_is_a_mismatch_when_the_shape_says_so() {
        let sqs = r#"{"Records":[{"messageId":"m","body":"b"}]}"#;
        let missing = || BatchError::MissingIdentifier {
            index: 0,
            error: "invalid record: field `kinesis` is missing".into(),
        };
        let error = batch_error(missing(), sqs, Some(SourceKind::Kinesis));
        assert!(
            text(&error).starts_with(
                "invalid event: this looks like an SQS event, and `--source kinesis` reads Kinesis events"
            ),
            "{error:?}"
        );
        assert!(text(&error).ends_with(": record 0 failed and has no identifier to report it by, so the whole batch must be retried; its error: invalid record: field `kinesis` is missing"));
        assert!(matches!(
            batch_error(missing(), sqs, Some(SourceKind::Sqs)),
            CliError::Batch(_)
        ));
    }
}
