//! Errors: an event that cannot be read, a record that cannot be read, and a
//! batch that must fail as a whole.

use std::fmt;

use crate::response::BatchResponse;

/// The event as a whole cannot be read, so no record can be processed.
///
/// Lambda retries the whole batch when the function returns this error.
///
/// ```
/// use lambda_batch::InvalidEvent;
/// use lambda_batch::source::Sqs;
/// use lambda_batch::source::EventSource;
///
/// let err = Sqs::parse_check(r#"{"Records": null}"#).unwrap_err();
/// assert_eq!(err.to_string(), "`Records` is null, expected a list of records");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidEvent {
    /// The text is not JSON.
    #[error("the event is not valid JSON: {message} (line {line}, column {column})")]
    Json {
        /// What the JSON parser said.
        message: String,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
    },
    /// A required part of the event is absent.
    #[error("the event has no `{path}` field; expected {expected}")]
    Missing {
        /// Where it was expected, such as `Records`.
        path: String,
        /// What a valid event holds there.
        expected: &'static str,
    },
    /// A part of the event has the wrong JSON type.
    #[error("{} is {found}, expected {expected}", display_path(path))]
    Shape {
        /// Where: `Records`, `records."orders-0"`, or empty for the event itself.
        path: String,
        /// The JSON kind found there.
        found: &'static str,
        /// What a valid event holds there.
        expected: &'static str,
    },
    /// The event comes from another source than the processor reads: its
    /// records name their source (`eventSource`), and it is not this one.
    ///
    /// ```
    /// use lambda_batch::source::{EventSource, Kinesis};
    ///
    /// let sqs = r#"{"Records":[{"messageId":"m1","body":"hi","eventSource":"aws:sqs"}]}"#;
    /// let err = Kinesis::parse_check(sqs).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "this is an SQS event (record 0 has `eventSource` `aws:sqs`), and the processor reads Kinesis events"
    /// );
    /// ```
    #[error("this is {found} event (record {index} has `eventSource` `{event_source}`), and the processor reads {expected} events")]
    WrongSource {
        /// The source the event names, with its article: `an SQS`, `a Kinesis`, ...
        found: &'static str,
        /// The `eventSource` the record gives.
        event_source: String,
        /// The position of the record that names it.
        index: usize,
        /// The source the processor reads: `SQS`, `Kinesis`, `DynamoDB Streams` or `Kafka`.
        expected: &'static str,
    },
    /// The event is an EventBridge Pipes batch (a top-level list of
    /// records) from a source whose pipes take no partial batch response:
    /// a pipe from Kafka (MSK or self-managed) retries its whole batch when
    /// the target fails, so the processor cannot report records one by one.
    ///
    /// ```
    /// use lambda_batch::source::{EventSource, Kafka};
    ///
    /// let pipe = r#"[{"eventSource":"aws:kafka","topic":"orders","partition":"0","offset":15}]"#;
    /// let err = Kafka::parse_check(pipe).unwrap_err();
    /// assert!(err.to_string().starts_with("this is an EventBridge Pipes event (a top-level list of records)"));
    /// ```
    #[error(
        "this is an EventBridge Pipes event (a top-level list of records), and pipes from {source_name} retry \
         the whole batch: they read no partial batch response; use an event source mapping to report \
         {source_name} records one by one, or process the pipe's batch as a whole"
    )]
    PipeWithoutPartialFailures {
        /// The source whose pipes retry whole batches: `Kafka`.
        source_name: &'static str,
    },
}

fn display_path(path: &str) -> String {
    if path.is_empty() {
        "the event".to_owned()
    } else {
        format!("`{path}`")
    }
}

/// serde_json's message without the " at line L column C" it appends: in a
/// field's text the position would point into the field, not the event, and
/// an event's error gives it in fields of its own.
pub(crate) fn strip_position(err: &serde_json::Error) -> String {
    let text = err.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

impl InvalidEvent {
    pub(crate) fn json(err: &serde_json::Error) -> Self {
        // The position is given in fields of its own.
        InvalidEvent::Json {
            message: strip_position(err),
            line: err.line(),
            column: err.column(),
        }
    }
}

/// A record of the batch cannot be read: it is reported failed by its
/// identifier without reaching the handler, and the rest of the batch goes on.
///
/// ```
/// use lambda_batch::RecordError;
///
/// let err = RecordError::WrongType { field: "body", found: "a number", expected: "a string" };
/// assert_eq!(err.to_string(), "field `body` is a number, expected a string");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RecordError {
    /// The record itself is not a JSON object.
    #[error("the record is {found}, expected an object")]
    NotAnObject {
        /// The JSON kind found.
        found: &'static str,
    },
    /// A required field is absent or null.
    #[error("field `{field}` is missing")]
    Missing {
        /// The field's path in the record, such as `kinesis.data`.
        field: &'static str,
    },
    /// A field has the wrong JSON type.
    #[error("field `{field}` is {found}, expected {expected}")]
    WrongType {
        /// The field's path in the record.
        field: &'static str,
        /// The JSON kind found.
        found: &'static str,
        /// The JSON kind expected.
        expected: &'static str,
    },
    /// A field has the right type but an unusable value (bad base64, a
    /// receive count that is not a number, ...).
    #[error("field `{field}` is invalid: {reason}")]
    InvalidValue {
        /// The field's path in the record.
        field: String,
        /// What is wrong with it.
        reason: String,
    },
}

/// Why a processed record counts as failed.
///
/// ```
/// use lambda_batch::FailureReason;
///
/// let reason: FailureReason<std::io::Error> = FailureReason::Panic("boom".into());
/// assert_eq!(reason.to_string(), "the handler panicked: boom");
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum FailureReason<E> {
    /// The handler returned this error.
    Handler(E),
    /// The handler panicked with this message.
    Panic(String),
    /// The record could not be read; the handler was not called.
    InvalidRecord(RecordError),
}

impl<E: fmt::Display> fmt::Display for FailureReason<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // `{:#}` lets error types such as anyhow's print their whole
            // chain; a `Display` that panics is shown as such.
            FailureReason::Handler(e) => f.write_str(&crate::caught::shown(e)),
            FailureReason::Panic(msg) => write!(f, "the handler panicked: {msg}"),
            FailureReason::InvalidRecord(e) => write!(f, "invalid record: {e}"),
        }
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for FailureReason<E> {}

/// A failed record, as carried by [`BatchError::AllRecordsFailed`].
///
/// ```
/// use lambda_batch::RecordFailure;
///
/// let failure = RecordFailure { index: 2, identifier: Some("id-3".into()), error: "timeout".into() };
/// assert_eq!(failure.to_string(), "record 2 (id-3): timeout");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordFailure {
    /// Position of the record in the batch, from 0.
    pub index: usize,
    /// The record's identifier, when it has one.
    pub identifier: Option<String>,
    /// The error text (the handler's error, a panic message, or why the record could not be read).
    pub error: String,
}

impl fmt::Display for RecordFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.identifier {
            Some(id) => write!(f, "record {} ({id}): {}", self.index, self.error),
            None => write!(f, "record {} (no identifier): {}", self.index, self.error),
        }
    }
}

/// The invocation must fail, so that Lambda retries the whole batch.
///
/// Returned by [`BatchProcessor::process`](crate::BatchProcessor::process) and
/// [`BatchReport::into_response`](crate::BatchReport::into_response). It
/// converts into [`lambda_runtime::Diagnostic`] with a short `errorType`.
///
/// ```
/// use lambda_batch::BatchError;
/// use lambda_runtime::Diagnostic;
///
/// let err = BatchError::MissingIdentifier { index: 4, error: "boom".into() };
/// let diagnostic = Diagnostic::from(err);
/// assert_eq!(diagnostic.error_type, "MissingIdentifier");
/// assert!(diagnostic.error_message.contains("record 4"));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BatchError {
    /// The event cannot be read.
    #[error("invalid event: {0}")]
    InvalidEvent(#[from] InvalidEvent),
    /// Every record failed, and raising on full failure is on (the default).
    ///
    /// `response` lists every record, so a caller that catches this error can
    /// still return it and lose nothing.
    #[error("{}; first: {}", how_many(.failures.len()), first(.failures))]
    AllRecordsFailed {
        /// Every record's failure, in input order.
        failures: Vec<RecordFailure>,
        /// The filled partial batch response (every record reported).
        response: BatchResponse,
    },
    /// A record failed and has no identifier to report it by. Reporting it as
    /// `""` would make Lambda retry everything anyway, and leaving it out would
    /// delete it: the invocation fails instead, and Lambda retries the batch.
    #[error("record {index} failed and has no identifier to report it by, so the whole batch must be retried; its error: {error}")]
    MissingIdentifier {
        /// Position of the record in the batch, from 0.
        index: usize,
        /// Why the record failed.
        error: String,
    },
}

fn how_many(count: usize) -> String {
    match count {
        1 => "the only record of the batch failed".to_owned(),
        n => format!("all {n} records of the batch failed"),
    }
}

fn first(failures: &[RecordFailure]) -> String {
    failures
        .first()
        .map_or_else(|| "none".to_owned(), ToString::to_string)
}

impl BatchError {
    /// A short, stable name of the error kind, used as Lambda's `errorType`.
    ///
    /// ```
    /// # use lambda_batch::{BatchError, InvalidEvent};
    /// let err = BatchError::from(InvalidEvent::Missing { path: "Records".into(), expected: "a list" });
    /// assert_eq!(err.error_type(), "InvalidEvent");
    /// ```
    pub fn error_type(&self) -> &'static str {
        match self {
            BatchError::InvalidEvent(_) => "InvalidEvent",
            BatchError::AllRecordsFailed { .. } => "AllRecordsFailed",
            BatchError::MissingIdentifier { .. } => "MissingIdentifier",
        }
    }
}

impl From<BatchError> for lambda_runtime::Diagnostic {
    fn from(err: BatchError) -> Self {
        lambda_runtime::Diagnostic {
            error_type: err.error_type().to_owned(),
            error_message: err.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_failed_message_counts_and_names_the_first() {
        let err = BatchError::AllRecordsFailed {
            failures: vec![
                RecordFailure {
                    index: 0,
                    identifier: Some("a".into()),
                    error: "x".into(),
                },
                RecordFailure {
                    index: 1,
                    identifier: Some("b".into()),
                    error: "y".into(),
                },
            ],
            response: BatchResponse::default(),
        };
        assert_eq!(
            err.to_string(),
            "all 2 records of the batch failed; first: record 0 (a): x"
        );
    }

    #[test]
    fn a_one_record_batch_is_told_in_the_singular() {
        let err = BatchError::AllRecordsFailed {
            failures: vec![RecordFailure {
                index: 0,
                identifier: None,
                error: "x".into(),
            }],
            response: BatchResponse::default(),
        };
        assert_eq!(
            err.to_string(),
            "the only record of the batch failed; first: record 0 (no identifier): x"
        );
    }

    #[test]
    fn json_errors_keep_position_apart() {
        let e = serde_json::from_str::<serde_json::Value>("{\"a\":").unwrap_err();
        let InvalidEvent::Json { message, line, .. } = InvalidEvent::json(&e) else {
            panic!("a JSON error")
        };
        assert_eq!(line, 1);
        assert!(!message.contains("line"), "{message}");
    }
}
