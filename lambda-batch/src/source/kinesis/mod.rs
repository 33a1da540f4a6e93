//! Amazon Kinesis Data Streams.
//!
//! Identifier: `kinesis.sequenceNumber` in an event source mapping's event
//! (Lambda checkpoints at the lowest reported sequence number and
//! redelivers every record after it); `eventID` in an EventBridge pipe's
//! batch, as the pipe expects it. A pipe's record is flat: the stream
//! record's fields (`partitionKey`, `sequenceNumber`, `data`, ...) sit
//! beside `eventID` and the others, with no `kinesis` object; the same
//! [`KinesisRecord`] accessors read both, and errors name the fields as the
//! event holds them (`kinesis.data` or `data`).
//!
//! What is checked when: the identifier, the partition key and the
//! other text fields for their JSON kind when the event is read; `data`
//! (base64) and `approximateArrivalTimestamp` when read, by accessors that
//! return a `Result`. A record whose data no handler reads never fails for it.

use std::borrow::Cow;

use serde::Deserialize;

use super::read::event::named_records;
use super::read::field::{base64, Field};
use super::read::raw::{invalid, Cached, Raw};
use super::sqs::own;
use super::{EventSource, Foreign, Parsed};
use crate::error::strip_position;
use crate::error::{InvalidEvent, RecordError};

mod flat;
mod nested;

/// The Kinesis Data Streams event source.
///
/// ```
/// use lambda_batch::source::{EventSource, Kinesis};
///
/// let event = r#"{"Records":[{"kinesis":{"partitionKey":"pk","sequenceNumber":"495903",
///   "data":"eyJpZCI6MX0=","approximateArrivalTimestamp":1545084650.987},"eventID":"shardId-000000000006:495903"}]}"#;
/// let records = Kinesis::parse(event)?;
/// let record = records[0].record().unwrap();
/// assert_eq!(record.data_text()?, r#"{"id":1}"#);
/// assert_eq!(record.partition_key(), Some("pk"));
/// assert_eq!(record.shard_id(), Some("shardId-000000000006"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Kinesis;

impl super::sealed::Sealed for Kinesis {}

impl EventSource for Kinesis {
    const NAME: &'static str = "kinesis";
    type Record<'a> = KinesisRecord<'a>;

    fn parse(event: &str) -> Result<Vec<Parsed<'_, KinesisRecord<'_>>>, InvalidEvent> {
        let foreign = Foreign::default();
        let description = "a Kinesis event's list of records";
        named_records(
            event,
            &nested::Records { foreign: &foreign },
            &flat::Records { foreign: &foreign },
            &foreign,
            description,
            "Kinesis",
        )
    }

    const ORDERING_SCOPE: &'static str = "partition key";

    fn ordering_key<'r>(
        record: &'r KinesisRecord<'_>,
    ) -> Result<Option<Cow<'r, str>>, RecordError> {
        Ok(record.partition_key().map(Cow::Borrowed))
    }
}

/// A record of a Kinesis Data Streams batch. Its data is decoded from base64
/// when first read, and kept: a record whose data is not base64 fails only
/// when its handler reads the data.
///
/// ```
/// use lambda_batch::source::{EventSource, Kinesis};
///
/// let event = r#"{"Records":[{"kinesis":{"sequenceNumber":"1","partitionKey":"pk","data":"not base64!"}}]}"#;
/// let records = Kinesis::parse(event)?;
/// let record = records[0].record().unwrap(); // read: the data is not decoded yet
/// assert_eq!(record.partition_key(), Some("pk"));
/// assert!(record.data().unwrap_err().to_string().starts_with("field `kinesis.data` is invalid: not valid base64"));
/// # Ok::<(), lambda_batch::InvalidEvent>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KinesisRecord<'a> {
    schema_version: Option<Cow<'a, str>>,
    partition_key: Option<Cow<'a, str>>,
    sequence_number: Option<Cow<'a, str>>,
    data: Field<Cow<'a, str>>,
    decoded: Cached<Vec<u8>>,
    approximate_arrival_timestamp: Raw<'a>,
    encryption_type: Option<Cow<'a, str>>,
    event_source: Option<Cow<'a, str>>,
    event_version: Option<Cow<'a, str>>,
    event_id: Option<Cow<'a, str>>,
    event_name: Option<Cow<'a, str>>,
    invoke_identity_arn: Option<Cow<'a, str>>,
    aws_region: Option<Cow<'a, str>>,
    event_source_arn: Option<Cow<'a, str>>,
    /// Read from a pipe's batch: its fields are at the top level.
    from_pipe: bool,
}

impl<'a> KinesisRecord<'a> {
    /// The name of a field of the stream record, as the event holds it:
    /// `kinesis.<field>`, or `<field>` in a pipe's flat record.
    fn field_name(&self, nested: &'static str) -> &'static str {
        match self.from_pipe {
            true => nested.strip_prefix("kinesis.").unwrap_or(nested),
            false => nested,
        }
    }

    /// Whether the record came in an EventBridge pipe's batch (a flat
    /// record, identified by `eventID`) rather than in an event source
    /// mapping's event.
    ///
    /// ```
    /// use lambda_batch::source::{EventSource, Kinesis};
    ///
    /// let pipe = r#"[{"partitionKey":"pk","sequenceNumber":"1","data":"aGk=","eventID":"shardId-000000000000:1"}]"#;
    /// let records = Kinesis::parse(pipe)?;
    /// assert_eq!(records[0].identifier().unwrap().to_string(), "shardId-000000000000:1");
    /// let record = records[0].record().unwrap();
    /// assert!(record.is_from_pipe());
    /// assert_eq!((record.sequence_number(), record.data_text()?), (Some("1"), "hi"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_from_pipe(&self) -> bool {
        self.from_pipe
    }

    /// `kinesis.sequenceNumber` (`sequenceNumber` in a pipe's record): the
    /// record's identifier in an event source mapping's event.
    pub fn sequence_number(&self) -> Option<&str> {
        self.sequence_number.as_deref()
    }
    /// `kinesis.partitionKey`.
    pub fn partition_key(&self) -> Option<&str> {
        self.partition_key.as_deref()
    }
    /// `kinesis.data`, decoded from base64 on the first call.
    ///
    /// # Errors
    ///
    /// [`RecordError`] when the data is missing, not a string, or not base64.
    pub fn data(&self) -> Result<&[u8], RecordError> {
        self.decoded
            .get_or_decode(|| {
                let name = self.field_name("kinesis.data");
                base64(self.data.required(name)?, name)
            })
            .map(Vec::as_slice)
    }
    /// The data as UTF-8 text.
    ///
    /// # Errors
    ///
    /// As [`data`](Self::data), and when the data is not UTF-8.
    pub fn data_text(&self) -> Result<&str, RecordError> {
        std::str::from_utf8(self.data()?).map_err(|e| {
            invalid(
                self.field_name("kinesis.data"),
                format!("not UTF-8 text ({e})"),
            )
        })
    }
    /// The data parsed as JSON into `T`, borrowing from the decoded data where `T` allows.
    ///
    /// ```
    /// # use lambda_batch::source::{EventSource, Kinesis};
    /// #[derive(serde::Deserialize)]
    /// struct Order { id: u32 }
    /// let event = r#"{"Records":[{"kinesis":{"sequenceNumber":"1","data":"eyJpZCI6MX0="}}]}"#;
    /// let records = Kinesis::parse(event)?;
    /// let order: Order = records[0].record().unwrap().data_json()?;
    /// assert_eq!(order.id, 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`data`](Self::data), and when the data is not JSON of `T`'s shape.
    pub fn data_json<'de, T: Deserialize<'de>>(&'de self) -> Result<T, RecordError> {
        serde_json::from_slice(self.data()?).map_err(|e| {
            invalid(
                self.field_name("kinesis.data"),
                format!("not JSON of the expected shape: {}", strip_position(&e)),
            )
        })
    }
    /// `kinesis.approximateArrivalTimestamp`, in seconds since the Unix epoch
    /// (a JSON number, or the same number as text).
    ///
    /// # Errors
    ///
    /// [`RecordError::InvalidValue`] when it is not a finite number.
    pub fn approximate_arrival_timestamp(&self) -> Result<Option<f64>, RecordError> {
        self.approximate_arrival_timestamp
            .number(self.field_name("kinesis.approximateArrivalTimestamp"))
    }
    /// `kinesis.encryptionType`: `NONE` or `KMS`.
    pub fn encryption_type(&self) -> Option<&str> {
        self.encryption_type.as_deref()
    }
    /// `kinesis.kinesisSchemaVersion`.
    pub fn schema_version(&self) -> Option<&str> {
        self.schema_version.as_deref()
    }
    /// `eventID`: `<shard id>:<sequence number>`; the record's identifier
    /// in a pipe's batch.
    pub fn event_id(&self) -> Option<&str> {
        self.event_id.as_deref()
    }
    /// The shard the record was read from: the part of `eventID` before `:`.
    pub fn shard_id(&self) -> Option<&str> {
        self.event_id
            .as_deref()
            .and_then(|id| id.split_once(':').map(|(shard, _)| shard))
    }
    /// `eventName`, normally `aws:kinesis:record`.
    pub fn event_name(&self) -> Option<&str> {
        self.event_name.as_deref()
    }
    /// `eventSource`, normally `aws:kinesis`.
    pub fn event_source(&self) -> Option<&str> {
        self.event_source.as_deref()
    }
    /// `eventVersion`.
    pub fn event_version(&self) -> Option<&str> {
        self.event_version.as_deref()
    }
    /// `invokeIdentityArn`.
    pub fn invoke_identity_arn(&self) -> Option<&str> {
        self.invoke_identity_arn.as_deref()
    }
    /// `awsRegion`.
    pub fn aws_region(&self) -> Option<&str> {
        self.aws_region.as_deref()
    }
    /// `eventSourceARN`: the stream's ARN.
    pub fn event_source_arn(&self) -> Option<&str> {
        self.event_source_arn.as_deref()
    }

    /// The same record, no longer borrowing from the event.
    pub fn into_owned(self) -> KinesisRecord<'static> {
        KinesisRecord {
            schema_version: own(self.schema_version),
            partition_key: own(self.partition_key),
            sequence_number: own(self.sequence_number),
            data: self.data.into_owned(),
            decoded: self.decoded,
            approximate_arrival_timestamp: self.approximate_arrival_timestamp.into_owned(),
            encryption_type: own(self.encryption_type),
            event_source: own(self.event_source),
            event_version: own(self.event_version),
            event_id: own(self.event_id),
            event_name: own(self.event_name),
            invoke_identity_arn: own(self.invoke_identity_arn),
            aws_region: own(self.aws_region),
            event_source_arn: own(self.event_source_arn),
            from_pipe: self.from_pipe,
        }
    }
}
