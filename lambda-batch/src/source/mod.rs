//! Event sources: how each batch event is read and how its records are named.
//!
//! | source | type | records | identifier (event source mapping) | identifier (EventBridge pipe) |
//! |---|---|---|---|---|
//! | SQS (standard and FIFO) | [`Sqs`] | [`SqsRecord`] | `messageId` | `messageId` |
//! | Kinesis Data Streams | [`Kinesis`] | [`KinesisRecord`] | `kinesis.sequenceNumber` | `eventID` |
//! | DynamoDB Streams | [`DynamoDb`] | [`DynamoDbRecord`] | `dynamodb.SequenceNumber` | `eventID` |
//! | Kafka (MSK, self-managed) | [`Kafka`] | [`KafkaRecord`] | `{"partition": "<topic>-<partition>", "offset": n}` | none: [`InvalidEvent::PipeWithoutPartialFailures`] |
//!
//! # Two forms of event
//!
//! Lambda delivers a batch in one of two forms, and the top-level JSON
//! value alone tells which, so a processor reads both without being told:
//!
//! - an **object**, `{"Records": [...]}` (Kafka: `{"records": {...}}`), from
//!   an event source mapping;
//! - a **list** of records, `[...]`, from an
//!   [EventBridge pipe](https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-batching-concurrency.html)
//!   whose target is the function. SQS and DynamoDB Streams records are the
//!   same as in the object form; a Kinesis record is flat (`partitionKey`,
//!   `sequenceNumber`, `data`, ... at its top level, no `kinesis` object).
//!   The pipe reads the same `batchItemFailures` response, and expects
//!   each record by the identifier of the last column of the table above
//!   ("For Amazon SQS, this is the `messageId`. For Kinesis and DynamoDB,
//!   this is the `eventID`", EventBridge user guide, partial batch failure).
//!   An empty list is a valid, empty batch. Pipes from Kafka retry their
//!   whole batch and read no partial response: the Kafka processor rejects
//!   a list with [`InvalidEvent::PipeWithoutPartialFailures`].
//!
//! Parsing is two-level. The envelope (`Records`, Kafka's `records` map,
//! or a pipe's list) must be well formed, or the event is rejected with an
//! [`InvalidEvent`] that says what is wrong. Each record is then read on
//! its own, in the same pass, for what the library needs: its identifier,
//! and the JSON kind of its plain text fields (a record where they are
//! malformed fails alone, reported by its identifier, and the rest of the
//! batch goes on).
//! Everything that decodes (base64, numbers, attributes, headers, images) is
//! kept as the event's text and decoded by the accessor that reads it, which
//! names the field in its [`RecordError`]: a field no handler reads never
//! fails a record. Unknown fields are ignored. Records borrow from the event
//! text wherever JSON escaping allows.

use std::borrow::Cow;
use std::fmt;

use crate::error::{InvalidEvent, RecordError};
use crate::response::ItemIdentifier;

pub(crate) mod read;
// The event pass's former paths, for the readers that still name them.
pub(crate) use read::{
    event as envelope, field as lenient, raw as lazy, records as records_list, recovery as recover,
};

pub mod dynamodb;
pub mod kafka;
pub mod kinesis;
pub mod sqs;

pub use dynamodb::{DynamoDb, DynamoDbRecord};
pub use kafka::{Kafka, KafkaHeader, KafkaRecord, KafkaSchemaMetadata};
pub use kinesis::{Kinesis, KinesisRecord};
pub use sqs::{MessageAttribute, Sqs, SqsAttributes, SqsRecord};

/// What a record's `eventSource` says of the event, when it names a source
/// other than `own` (with its article, for messages): `None` for its own
/// name or a name no source uses.
pub(crate) fn foreign_source(event_source: &str, own: &str) -> Option<&'static str> {
    let found = match event_source {
        "aws:sqs" => "an SQS",
        "aws:kinesis" => "a Kinesis",
        "aws:dynamodb" => "a DynamoDB Streams",
        "aws:kafka" | "SelfManagedKafka" | "aws:SelfManagedKafka" => "a Kafka",
        _ => return None,
    };
    (event_source != own).then_some(found)
}

/// The first record that names another source than the one being read.
#[derive(Default)]
pub(crate) struct Foreign(std::cell::Cell<Option<(&'static str, String, usize)>>);

impl Foreign {
    /// Notes record `index`'s `eventSource` when it names another source.
    #[inline]
    pub(crate) fn note(&self, index: usize, event_source: Option<&str>, own: &str) {
        if let Some(found) = event_source.and_then(|name| foreign_source(name, own)) {
            self.note_cold(found, event_source.unwrap_or_default(), index);
        }
    }

    #[cold]
    fn note_cold(&self, found: &'static str, event_source: &str, index: usize) {
        let first = self.0.take();
        self.0
            .set(first.or_else(|| Some((found, event_source.to_owned(), index))));
    }

    /// The event's error when a record named another source.
    pub(crate) fn check(&self, expected: &'static str) -> Result<(), InvalidEvent> {
        match self.0.take() {
            None => Ok(()),
            Some((found, event_source, index)) => Err(InvalidEvent::WrongSource {
                found,
                event_source,
                index,
                expected,
            }),
        }
    }
}

mod sealed {
    pub trait Sealed {}
}

/// A kind of batch event that Lambda delivers with partial batch responses.
///
/// Implemented by [`Sqs`], [`Kinesis`], [`DynamoDb`] and [`Kafka`]; sealed.
///
/// ```
/// use lambda_batch::source::{EventSource, Sqs};
///
/// let event = r#"{"Records":[{"messageId":"m1","body":"hello"},{"body":"no id"}]}"#;
/// let records = Sqs::parse(event)?;
/// assert_eq!(records.len(), 2);
/// assert_eq!(records[0].identifier().map(|id| id.to_string()).as_deref(), Some("m1"));
/// assert_eq!(records[0].record().unwrap().body(), "hello");
/// assert!(records[1].identifier().is_none());
/// # Ok::<(), lambda_batch::InvalidEvent>(())
/// ```
pub trait EventSource: sealed::Sealed + Copy + Send + Sync + fmt::Debug + 'static {
    /// Short lowercase name: `sqs`, `kinesis`, `dynamodb` or `kafka`.
    const NAME: &'static str;

    /// A record of this source, borrowing from the event text.
    type Record<'a>: Send + Sync + fmt::Debug;

    /// Reads the event's envelope, then every record on its own, in one
    /// pass: an event source mapping's event or a pipe's batch (see the
    /// [module](self) for the two forms).
    ///
    /// Fails only when the envelope cannot be read; a malformed record is
    /// returned in place, with [`Parsed::record`] giving its [`RecordError`].
    ///
    /// ```
    /// use lambda_batch::source::{EventSource, Sqs};
    ///
    /// let esm = r#"{"Records":[{"messageId":"m1","body":"hello"}]}"#;
    /// let pipe = r#"[{"messageId":"m1","body":"hello"}]"#;
    /// for event in [esm, pipe] {
    ///     let records = Sqs::parse(event)?;
    ///     assert_eq!(records[0].identifier().unwrap().to_string(), "m1");
    ///     assert_eq!(records[0].record().unwrap().body(), "hello");
    /// }
    /// # Ok::<(), lambda_batch::InvalidEvent>(())
    /// ```
    fn parse(event: &str) -> Result<Vec<Parsed<'_, Self::Record<'_>>>, InvalidEvent>;

    /// Checks that an event can be read, returning how many records it holds.
    ///
    /// ```
    /// use lambda_batch::source::{EventSource, Kafka, Kinesis};
    /// assert_eq!(Kinesis::parse_check(r#"{"Records":[]}"#), Ok(0));
    /// assert_eq!(Kinesis::parse_check("[]"), Ok(0)); // a pipe's (empty) batch
    /// assert!(Kinesis::parse_check("7").is_err());
    /// assert!(Kafka::parse_check("[]").is_err()); // pipes from Kafka take no partial response
    /// ```
    fn parse_check(event: &str) -> Result<usize, InvalidEvent> {
        Self::parse(event).map(|records| records.len())
    }

    /// What the [ordering key](Self::ordering_key) is called in messages:
    /// `message group`, `partition key`, `item key` or `topic-partition`.
    ///
    /// ```
    /// use lambda_batch::source::{EventSource, Kinesis, Sqs};
    /// assert_eq!(Sqs::ORDERING_SCOPE, "message group");
    /// assert_eq!(Kinesis::ORDERING_SCOPE, "partition key");
    /// ```
    const ORDERING_SCOPE: &'static str;

    /// The key within which this source keeps records in order, used by
    /// the [ordering modes](crate::ordering): the SQS `MessageGroupId`, the
    /// Kinesis partition key, the DynamoDB item's keys (as one text, the
    /// same for every record of the item) or the Kafka topic-partition.
    /// `Ok(None)` when the record has none.
    ///
    /// Read only when an ordering mode needs it; then a key that cannot be
    /// read fails its record (and blocks the records that might share it).
    ///
    /// ```
    /// use lambda_batch::source::{EventSource, Sqs};
    ///
    /// let event = r#"{"Records":[{"messageId":"m1","body":"","attributes":{"MessageGroupId":"g1"}}]}"#;
    /// let records = Sqs::parse(event)?;
    /// let key = Sqs::ordering_key(records[0].record().unwrap())?;
    /// assert_eq!(key.as_deref(), Some("g1"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`RecordError`] when the record's key is malformed.
    fn ordering_key<'r>(record: &'r Self::Record<'_>) -> Result<Option<Cow<'r, str>>, RecordError>;

    /// Whether the record comes from a queue that promises order (an SQS
    /// FIFO queue); such batches get FIFO handling by default.
    #[doc(hidden)]
    fn from_fifo_queue(_record: &Self::Record<'_>) -> bool {
        false
    }
}

/// One record of a parsed event: its identifier (when it has a usable one)
/// and the record, or why it could not be read.
///
/// ```
/// use lambda_batch::source::{EventSource, Sqs};
///
/// let records = Sqs::parse(r#"{"Records":[{"messageId":"m1","body":7}]}"#).unwrap();
/// let (identifier, record) = records.into_iter().next().unwrap().into_parts();
/// assert_eq!(identifier.unwrap().to_string(), "m1");
/// assert_eq!(record.unwrap_err().to_string(), "field `body` is a number, expected a string");
/// ```
#[derive(Debug)]
pub struct Parsed<'a, R> {
    identifier: Option<ItemIdentifier<'a>>,
    record: Result<R, RecordError>,
}

impl<'a, R> Parsed<'a, R> {
    pub(crate) fn new(
        identifier: Option<ItemIdentifier<'a>>,
        record: Result<R, RecordError>,
    ) -> Self {
        Parsed { identifier, record }
    }

    /// The record's identifier; `None` when it is absent, empty or not a string.
    ///
    /// ```
    /// # use lambda_batch::source::{EventSource, Sqs};
    /// let records = Sqs::parse(r#"{"Records":[{"messageId":"","body":""}]}"#).unwrap();
    /// assert!(records[0].identifier().is_none());
    /// ```
    pub fn identifier(&self) -> Option<&ItemIdentifier<'a>> {
        self.identifier.as_ref()
    }

    /// The record, or why it could not be read.
    ///
    /// ```
    /// # use lambda_batch::source::{EventSource, Sqs};
    /// let records = Sqs::parse(r#"{"Records":[42]}"#).unwrap();
    /// assert_eq!(records[0].record().unwrap_err().to_string(), "the record is a number, expected an object");
    /// ```
    pub fn record(&self) -> Result<&R, &RecordError> {
        self.record.as_ref()
    }

    /// Both parts, to be filled in place.
    #[inline]
    pub(crate) fn parts_mut(
        &mut self,
    ) -> (&mut Option<ItemIdentifier<'a>>, &mut Result<R, RecordError>) {
        (&mut self.identifier, &mut self.record)
    }

    /// Fails the record with `error`: it is reported failed without reaching
    /// the handler.
    pub(crate) fn fail(&mut self, error: RecordError) {
        self.record = Err(error);
    }

    /// Both parts, by value.
    ///
    /// ```
    /// # use lambda_batch::source::{EventSource, Sqs};
    /// let records = Sqs::parse(r#"{"Records":[{"messageId":"a","body":"b"}]}"#).unwrap();
    /// let (id, record) = records.into_iter().next().unwrap().into_parts();
    /// assert!(id.is_some() && record.is_ok());
    /// ```
    pub fn into_parts(self) -> (Option<ItemIdentifier<'a>>, Result<R, RecordError>) {
        (self.identifier, self.record)
    }
}
