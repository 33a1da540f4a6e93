//! Amazon Kinesis Data Streams.
//!
//! Identifier: `kinesis.sequenceNumber`. Lambda checkpoints at the lowest
//! reported sequence number and redelivers every record after it.
//!
//! What is checked when: the sequence number, the partition key and the
//! other text fields for their JSON kind when the event is read; `data`
//! (base64) and `approximateArrivalTimestamp` when read, by accessors that
//! return a `Result`. A record whose data no handler reads never fails for it.

use std::borrow::Cow;

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;

use super::envelope;
use super::fields::{record_keys, Fields};
use super::lazy::{invalid, strip_position, Cached, Raw};
use super::lenient::{base64, scalars_to, text_id, ConvertElement, Field, JsonKind};
use super::sqs::own;
use super::{EventSource, Foreign, Parsed};
use crate::error::{InvalidEvent, RecordError};

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
        let records = Records::default();
        let description = "a Kinesis event's list of records";
        envelope::named_records(event, &records, &records.foreign, description, "Kinesis")
    }

    const ORDERING_SCOPE: &'static str = "partition key";

    fn ordering_key<'r>(
        record: &'r KinesisRecord<'_>,
    ) -> Result<Option<Cow<'r, str>>, RecordError> {
        Ok(record.partition_key().map(Cow::Borrowed))
    }
}

/// Turns each element of `Records` into a parsed record as it is read,
/// noting a record that names another source.
#[derive(Default)]
struct Records {
    foreign: Foreign,
}

record_keys!(Key {
    Kinesis = "kinesis",
    EventSource = "eventSource",
    EventVersion = "eventVersion",
    EventId = "eventID",
    EventName = "eventName",
    InvokeIdentityArn = "invokeIdentityArn",
    AwsRegion = "awsRegion",
    EventSourceArn = "eventSourceARN",
});

record_keys!(InnerKey {
    SchemaVersion = "kinesisSchemaVersion",
    PartitionKey = "partitionKey",
    SequenceNumber = "sequenceNumber",
    Data = "data",
    ApproximateArrivalTimestamp = "approximateArrivalTimestamp",
    EncryptionType = "encryptionType",
});

impl<'a> ConvertElement<'a> for Records {
    type Record = KinesisRecord<'a>;

    fn identify(&self, record: &'a str) -> Option<crate::response::ItemIdentifier<'a>> {
        crate::source::recover::text_identifier(record, Some("kinesis"), "sequenceNumber")
    }

    fn convert_map<A: MapAccess<'a>>(
        &self,
        mut map: A,
        index: usize,
    ) -> Result<Parsed<'a, Self::Record>, A::Error> {
        let mut record = KinesisRecord::default();
        let mut fields = Fields::default();
        let mut inner = false;
        while let Some(key) = map.next_key_seed(Key::Other)? {
            let m = &mut map;
            let bit = key.bit();
            let r = &mut record;
            match key {
                Key::Kinesis => {
                    if fields.first(bit, "kinesis") {
                        inner = map.next_value_seed(Inner {
                            fields: &mut fields,
                            record: r,
                        })?;
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Key::EventSource => fields.text(m, bit, "eventSource", &mut r.event_source)?,
                Key::EventVersion => fields.text(m, bit, "eventVersion", &mut r.event_version)?,
                Key::EventId => fields.text(m, bit, "eventID", &mut r.event_id)?,
                Key::EventName => fields.text(m, bit, "eventName", &mut r.event_name)?,
                Key::InvokeIdentityArn => {
                    fields.text(m, bit, "invokeIdentityArn", &mut r.invoke_identity_arn)?
                }
                Key::AwsRegion => fields.text(m, bit, "awsRegion", &mut r.aws_region)?,
                Key::EventSourceArn => {
                    fields.text(m, bit, "eventSourceARN", &mut r.event_source_arn)?
                }
                Key::Other => map.next_value::<IgnoredAny>().map(drop)?,
            }
        }
        self.foreign
            .note(index, record.event_source.as_deref(), "aws:kinesis");
        let identifier = text_id(record.sequence_number.as_ref());
        let checked = fields.finish().and_then(|()| match inner {
            true => Ok(record),
            false => Err(RecordError::Missing { field: "kinesis" }),
        });
        Ok(Parsed::new(identifier, checked))
    }
}

/// The `kinesis` object of a record, read into the record itself; `true`
/// when it was an object.
struct Inner<'f, 'r, 'a> {
    fields: &'f mut Fields,
    record: &'r mut KinesisRecord<'a>,
}

impl<'de> DeserializeSeed<'de> for Inner<'_, '_, 'de> {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Inner<'_, '_, 'de> {
    fn other(self, found: JsonKind) -> bool {
        if found != JsonKind::Null {
            self.fields.keep(RecordError::WrongType {
                field: "kinesis",
                found: found.describe(),
                expected: "an object",
            });
        }
        false
    }
}

impl<'de> Visitor<'de> for Inner<'_, '_, 'de> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the `kinesis` object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        // The inner keys have bits of their own.
        let mut inner = Fields::default();
        let r = self.record;
        while let Some(key) = map.next_key_seed(InnerKey::Other)? {
            let m = &mut map;
            let bit = key.bit();
            match key {
                InnerKey::SchemaVersion => inner.text(
                    m,
                    bit,
                    "kinesis.kinesisSchemaVersion",
                    &mut r.schema_version,
                )?,
                InnerKey::PartitionKey => {
                    inner.text(m, bit, "kinesis.partitionKey", &mut r.partition_key)?
                }
                InnerKey::SequenceNumber => {
                    inner.text(m, bit, "kinesis.sequenceNumber", &mut r.sequence_number)?
                }
                InnerKey::Data => inner.field(m, bit, "kinesis.data", &mut r.data)?,
                InnerKey::ApproximateArrivalTimestamp => inner.raw(
                    m,
                    bit,
                    "kinesis.approximateArrivalTimestamp",
                    &mut r.approximate_arrival_timestamp,
                )?,
                InnerKey::EncryptionType => {
                    inner.text(m, bit, "kinesis.encryptionType", &mut r.encryption_type)?
                }
                InnerKey::Other => map.next_value::<IgnoredAny>().map(drop)?,
            }
        }
        if let Err(problem) = inner.finish() {
            self.fields.keep(problem);
        }
        Ok(true)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(self.other(JsonKind::Array))
    }

    scalars_to!(other);
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
}

impl<'a> KinesisRecord<'a> {
    /// `kinesis.sequenceNumber`, the record's identifier.
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
            .get_or_decode(|| base64(self.data.required("kinesis.data")?, "kinesis.data"))
            .map(Vec::as_slice)
    }
    /// The data as UTF-8 text.
    ///
    /// # Errors
    ///
    /// As [`data`](Self::data), and when the data is not UTF-8.
    pub fn data_text(&self) -> Result<&str, RecordError> {
        std::str::from_utf8(self.data()?)
            .map_err(|e| invalid("kinesis.data", format!("not UTF-8 text ({e})")))
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
                "kinesis.data",
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
            .number("kinesis.approximateArrivalTimestamp")
    }
    /// `kinesis.encryptionType`: `NONE` or `KMS`.
    pub fn encryption_type(&self) -> Option<&str> {
        self.encryption_type.as_deref()
    }
    /// `kinesis.kinesisSchemaVersion`.
    pub fn schema_version(&self) -> Option<&str> {
        self.schema_version.as_deref()
    }
    /// `eventID`: `<shard id>:<sequence number>`.
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
        }
    }
}
