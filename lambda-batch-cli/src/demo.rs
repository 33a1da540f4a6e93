//! The demo handler: a record fails when its payload contains `fail`.
//!
//! The payload of a record is its SQS body, its Kinesis data (as text), its
//! DynamoDB `NewImage` as plain JSON text (empty without one) or its Kafka
//! value (as text, empty without one).

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use lambda_batch::source::{DynamoDbRecord, KafkaRecord, KinesisRecord, SqsRecord};

/// The text that makes a record fail.
pub const FAIL_WORD: &str = "fail";

/// A record's payload, as text.
pub trait Payload {
    /// The payload; binary data is decoded as lossy UTF-8.
    fn payload(&self) -> Cow<'_, str>;
}

impl Payload for SqsRecord<'_> {
    fn payload(&self) -> Cow<'_, str> {
        Cow::Borrowed(self.body())
    }
}

impl Payload for KinesisRecord<'_> {
    fn payload(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(self.data())
    }
}

impl Payload for DynamoDbRecord<'_> {
    fn payload(&self) -> Cow<'_, str> {
        self.new_image().map_or(Cow::Borrowed(""), |image| {
            Cow::Owned(image.to_json().to_string())
        })
    }
}

impl Payload for KafkaRecord<'_> {
    fn payload(&self) -> Cow<'_, str> {
        self.value()
            .map_or(Cow::Borrowed(""), String::from_utf8_lossy)
    }
}

/// The error of a record the demo handler refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused;

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the payload contains `{FAIL_WORD}`")
    }
}

impl std::error::Error for Refused {}

/// The demo handler's settings.
#[derive(Debug, Clone, Default)]
pub struct Demo {
    /// Panic when the payload contains this text.
    pub panic_on: Option<String>,
}

impl Demo {
    /// Decides a record: panics when its payload contains the `panic_on`
    /// word, fails when it contains `fail`, succeeds otherwise.
    pub fn decide<R: Payload>(&self, record: &R) -> Result<(), Refused> {
        let payload = record.payload();
        if let Some(word) = &self.panic_on {
            if payload.contains(word.as_str()) {
                panic!("the payload contains `{word}`");
            }
        }
        if payload.contains(FAIL_WORD) {
            Err(Refused)
        } else {
            Ok(())
        }
    }
}

/// Answers `decision` after `sleep`: the future of an async handler that
/// decided its record before awaiting, so it holds no borrow of the record.
pub async fn after(sleep: Duration, decision: Result<(), Refused>) -> Result<(), Refused> {
    tokio::time::sleep(sleep).await;
    decision
}

#[cfg(test)]
mod tests {
    use super::*;
    use lambda_batch::source::{EventSource, Sqs};

    #[test]
    fn fails_on_the_word() {
        let event =
            r#"{"Records":[{"messageId":"a","body":"ok"},{"messageId":"b","body":"will fail"}]}"#;
        let records = Sqs::parse(event).unwrap();
        let demo = Demo::default();
        assert_eq!(demo.decide(records[0].record().unwrap()), Ok(()));
        assert_eq!(demo.decide(records[1].record().unwrap()), Err(Refused));
    }
}
