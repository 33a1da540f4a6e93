//! The demo handler: a record fails when its payload contains `fail`.
//!
//! The payload of a record is its SQS body, its Kinesis data (as text), its
//! DynamoDB `NewImage` as plain JSON text (empty without one) or its Kafka
//! value (as text, empty without one).

use std::borrow::Cow;
use std::fmt;
use std::time::{Duration, Instant};

use lambda_batch::source::{DynamoDbRecord, KafkaRecord, KinesisRecord, SqsRecord};
use lambda_batch::RecordError;

/// The text that makes a record fail.
pub const FAIL_WORD: &str = "fail";

/// A record's payload, as text.
pub trait Payload {
    /// The payload; binary data is decoded as lossy UTF-8.
    ///
    /// # Errors
    ///
    /// When the payload cannot be read (not base64, a malformed image).
    fn payload(&self) -> Result<Cow<'_, str>, RecordError>;
}

impl Payload for SqsRecord<'_> {
    fn payload(&self) -> Result<Cow<'_, str>, RecordError> {
        Ok(Cow::Borrowed(self.body()))
    }
}

impl Payload for KinesisRecord<'_> {
    fn payload(&self) -> Result<Cow<'_, str>, RecordError> {
        Ok(String::from_utf8_lossy(self.data()?))
    }
}

impl Payload for DynamoDbRecord<'_> {
    fn payload(&self) -> Result<Cow<'_, str>, RecordError> {
        Ok(self.new_image()?.map_or(Cow::Borrowed(""), |image| {
            Cow::Owned(image.to_json().to_string())
        }))
    }
}

impl Payload for KafkaRecord<'_> {
    fn payload(&self) -> Result<Cow<'_, str>, RecordError> {
        Ok(self
            .value()?
            .map_or(Cow::Borrowed(""), String::from_utf8_lossy))
    }
}

/// Why the demo handler refuses a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// The payload contains the fail word.
    Word,
    /// The payload cannot be read.
    Unreadable(RecordError),
    /// The payload does not decode in its format (`--kafka-value`).
    #[cfg_attr(not(feature = "avro"), allow(dead_code))]
    Undecodable(String),
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refused::Word => write!(f, "the payload contains `{FAIL_WORD}`"),
            Refused::Unreadable(error) => write!(f, "the payload cannot be read: {error}"),
            Refused::Undecodable(why) => f.write_str(why),
        }
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
        let payload = record.payload().map_err(Refused::Unreadable)?;
        self.decide_text(&payload)
    }

    /// Decides a payload read already (such as a decoded Avro value, as
    /// JSON text), as [`decide`](Self::decide) does.
    pub fn decide_text(&self, payload: &str) -> Result<(), Refused> {
        if let Some(word) = &self.panic_on {
            if payload.contains(word.as_str()) {
                panic!("the payload contains `{word}`");
            }
        }
        if payload.contains(FAIL_WORD) {
            Err(Refused::Word)
        } else {
            Ok(())
        }
    }
}

/// Answers `decision` after `sleep`: the future of an async handler that
/// decided its record before awaiting, so it holds no borrow of the record.
pub async fn after(sleep: Duration, decision: Result<(), Refused>) -> Result<(), Refused> {
    crate::timer::sleep(sleep).await;
    decision
}

/// CPU work of a fixed length per record, for `--cpu-ms`: real computation
/// (not a sleep, not a clock loop), so threads share the cores as real
/// CPU-bound handlers do.
#[derive(Debug, Clone, Copy)]
pub struct Burn {
    rounds: u64,
}

impl Burn {
    /// Work that takes about `per_record` on one core of this machine,
    /// measured now.
    pub fn calibrate(per_record: Duration) -> Self {
        const PROBE: u64 = 100_000;
        // The fastest of a few probes: the others were interrupted.
        let fastest = (0..5)
            .map(|_| {
                let started = Instant::now();
                spin(PROBE);
                started.elapsed()
            })
            .min()
            .unwrap_or(Duration::from_micros(1))
            .max(Duration::from_nanos(1));
        let rounds = PROBE as u128 * per_record.as_nanos() / fastest.as_nanos();
        Burn {
            rounds: u64::try_from(rounds).unwrap_or(u64::MAX),
        }
    }

    /// Does the work of one record.
    pub fn run(&self) -> u64 {
        spin(self.rounds)
    }
}

fn spin(rounds: u64) -> u64 {
    let mut x = 0x9E37_79B9_7F4A_7C15_u64;
    for i in 0..rounds {
        x = (x ^ std::hint::black_box(i))
            .wrapping_mul(0xBF58_476D_1CE4_E5B9)
            .rotate_left(17);
    }
    std::hint::black_box(x)
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
        assert_eq!(
            demo.decide(records[1].record().unwrap()),
            Err(Refused::Word)
        );
    }

    #[test]
    fn kafka_values_that_cannot_be_read_are_refused() {
        use lambda_batch::source::Kafka;
        // "d2lsbCBmYWls" is "will fail".
        let event = r#"{"records":{"t-0":[{"offset":1,"value":"b2s="},
            {"offset":2,"value":"d2lsbCBmYWls"},{"offset":3,"value":"*"},{"offset":4}]}}"#;
        let records = Kafka::parse(event).unwrap();
        let demo = Demo::default();
        let decide = |i: usize| demo.decide(records[i].record().unwrap());
        assert_eq!(decide(0), Ok(()));
        assert_eq!(decide(1), Err(Refused::Word));
        let Err(Refused::Unreadable(error)) = decide(2) else {
            panic!("a value that is not base64 cannot be read")
        };
        assert!(error
            .to_string()
            .starts_with("field `value` is invalid: not valid base64"));
        assert_eq!(decide(3), Ok(()));
    }

    #[test]
    fn longer_work_takes_more_rounds() {
        let short = Burn::calibrate(Duration::from_micros(100));
        let long = Burn::calibrate(Duration::from_millis(10));
        assert!(short.rounds > 0);
        assert!(long.rounds > short.rounds * 10, "{short:?} {long:?}");
    }
}
