//! A Kafka record: its identifier fields read with the event, the rest
//! decoded by the accessor that reads it.

use std::borrow::Cow;

use serde::Deserialize;

use super::decoded::Encoded;
use super::headers::{Headers, KafkaHeader};
use super::schema_metadata::Metadata;
use super::RecordKey;
use crate::error::RecordError;
use crate::source::read::field::Field;
use crate::source::read::raw::{invalid, Raw};
use crate::source::sqs::own;

/// A record of a Kafka batch (Amazon MSK or self-managed Apache Kafka).
///
/// Topic, partition and offset (the record's identifier and ordering key)
/// and `timestampType` are read with the event: a record where one of them
/// has the wrong type fails without reaching the handler. Key, value,
/// headers and timestamp are decoded when an accessor first reads them,
/// and one that does not decode fails only the handler that reads it: the
/// accessor returns a [`RecordError`] naming the field, which `?` turns
/// into the record's failure. The event's `eventSource`, `eventSourceArn`
/// and `bootstrapServers` are shared by every record.
///
/// ```
/// use lambda_batch::source::{EventSource, Kafka};
///
/// let event = r#"{"eventSource":"SelfManagedKafka","bootstrapServers":"b-1:9092,b-2:9092",
///   "records":{"orders-0":[{"topic":"orders","partition":0,"offset":15,"timestamp":1545084650987,
///   "timestampType":"CREATE_TIME","key":"a2V5","value":"eyJpZCI6MX0=",
///   "headers":[{"trace":[97,98]}]}]}}"#;
/// let records = Kafka::parse(event)?;
/// let record = records[0].record().unwrap();
/// assert_eq!((record.topic(), record.partition(), record.offset()), (Some("orders"), Some(0), Some(15)));
/// assert_eq!(record.key_text()?, Some("key"));
/// assert_eq!(record.value_text()?, Some(r#"{"id":1}"#));
/// assert_eq!(record.header("trace")?, Some(&b"ab"[..]));
/// assert!(record.is_self_managed());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KafkaRecord<'a> {
    pub(super) topic: Option<Cow<'a, str>>,
    pub(super) partition: Option<i64>,
    pub(super) offset: Option<i64>,
    pub(super) timestamp: Raw<'a>,
    pub(super) timestamp_type: Option<Cow<'a, str>>,
    pub(super) key: Encoded<'a>,
    pub(super) value: Encoded<'a>,
    pub(super) headers: Headers<'a>,
    pub(super) key_schema_metadata: Metadata<'a>,
    pub(super) value_schema_metadata: Metadata<'a>,
    // The event's, set once it is read whole: they may come after `records`.
    pub(super) event_source: Option<Cow<'a, str>>,
    pub(super) event_source_arn: Option<Cow<'a, str>>,
    pub(super) bootstrap_servers: Option<Cow<'a, str>>,
}

impl<'a> KafkaRecord<'a> {
    /// A record with no field, for the event pass to fill in place.
    pub(super) fn empty() -> Self {
        KafkaRecord {
            topic: None,
            partition: None,
            offset: None,
            timestamp: Raw::default(),
            timestamp_type: None,
            key: Encoded::default(),
            value: Encoded::default(),
            headers: Headers::default(),
            key_schema_metadata: Metadata::default(),
            value_schema_metadata: Metadata::default(),
            event_source: None,
            event_source_arn: None,
            bootstrap_servers: None,
        }
    }

    /// `topic`: the record's own field, else the topic of its `records` key.
    ///
    /// ```
    /// # use lambda_batch::source::{EventSource, Kafka};
    /// let records = Kafka::parse(r#"{"records":{"my-topic-3":[{"offset":1}]}}"#)?;
    /// assert_eq!(records[0].record().unwrap().topic(), Some("my-topic"));
    /// # Ok::<(), lambda_batch::InvalidEvent>(())
    /// ```
    pub fn topic(&self) -> Option<&str> {
        self.topic.as_deref()
    }

    /// `partition`: the record's own field, else the partition of its `records` key.
    ///
    /// ```
    /// # use lambda_batch::source::{EventSource, Kafka};
    /// let records = Kafka::parse(r#"{"records":{"my-topic-3":[{"offset":1}]}}"#)?;
    /// assert_eq!(records[0].record().unwrap().partition(), Some(3));
    /// # Ok::<(), lambda_batch::InvalidEvent>(())
    /// ```
    pub fn partition(&self) -> Option<i64> {
        self.partition
    }

    /// `offset`: the record's position in its partition.
    ///
    /// ```
    /// # use lambda_batch::source::{EventSource, Kafka};
    /// let records = Kafka::parse(r#"{"records":{"t-0":[{"offset":41}]}}"#)?;
    /// assert_eq!(records[0].record().unwrap().offset(), Some(41));
    /// # Ok::<(), lambda_batch::InvalidEvent>(())
    /// ```
    pub fn offset(&self) -> Option<i64> {
        self.offset
    }

    /// `timestamp`, in milliseconds since the Unix epoch: a JSON number, or
    /// the same number as text (as `aws_lambda_events` writes it); `Ok(None)`
    /// when absent or null. Read when called.
    ///
    /// ```
    /// # use lambda_batch::source::{EventSource, Kafka};
    /// let event = r#"{"records":{"t-0":[{"offset":1,"timestamp":1545084650987},
    ///     {"offset":2,"timestamp":"1545084650988"},{"offset":3,"timestamp":1.5}]}}"#;
    /// let records = Kafka::parse(event)?;
    /// assert_eq!(records[0].record().unwrap().timestamp()?, Some(1_545_084_650_987));
    /// assert_eq!(records[1].record().unwrap().timestamp()?, Some(1_545_084_650_988));
    /// let err = records[2].record().unwrap().timestamp().unwrap_err();
    /// assert_eq!(err.to_string(), "field `timestamp` is invalid: `1.5` is not a whole number of type i64");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`RecordError::InvalidValue`] naming `timestamp` when it is not a
    /// whole number of milliseconds.
    pub fn timestamp(&self) -> Result<Option<i64>, RecordError> {
        self.timestamp.number(RecordKey::Timestamp.text())
    }

    /// `timestampType`: `CREATE_TIME` or `LOG_APPEND_TIME`.
    ///
    /// ```
    /// # use lambda_batch::source::{EventSource, Kafka};
    /// let records = Kafka::parse(r#"{"records":{"t-0":[{"offset":1,"timestampType":"CREATE_TIME"}]}}"#)?;
    /// assert_eq!(records[0].record().unwrap().timestamp_type(), Some("CREATE_TIME"));
    /// # Ok::<(), lambda_batch::InvalidEvent>(())
    /// ```
    pub fn timestamp_type(&self) -> Option<&str> {
        self.timestamp_type.as_deref()
    }

    /// `key`, decoded from base64 on the first call; `Ok(None)` when the
    /// record has no key.
    ///
    /// ```
    /// # use lambda_batch::source::{EventSource, Kafka};
    /// let records = Kafka::parse(r#"{"records":{"t-0":[{"offset":1,"key":"AAE="},{"offset":2,"key":"*"}]}}"#)?;
    /// assert_eq!(records[0].record().unwrap().key()?, Some(&[0, 1][..]));
    /// let err = records[1].record().unwrap().key().unwrap_err();
    /// assert!(err.to_string().starts_with("field `key` is invalid: not valid base64"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// A [`RecordError`] naming `key` when it is not a string of base64.
    pub fn key(&self) -> Result<Option<&[u8]>, RecordError> {
        self.key.bytes(RecordKey::Key.text())
    }

    /// The key as UTF-8 text; `Ok(None)` when the record has no key.
    ///
    /// ```
    /// # use lambda_batch::source::{EventSource, Kafka};
    /// let records = Kafka::parse(r#"{"records":{"t-0":[{"offset":1,"key":"b3JkZXItMQ=="},{"offset":2,"key":"/w=="}]}}"#)?;
    /// assert_eq!(records[0].record().unwrap().key_text()?, Some("order-1"));
    /// assert!(records[1].record().unwrap().key_text().is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`key`](Self::key), and when the key is not UTF-8.
    pub fn key_text(&self) -> Result<Option<&str>, RecordError> {
        self.key.text(RecordKey::Key.text())
    }

    /// `value`, decoded from base64 on the first call; `Ok(None)` when the
    /// record has no value (a tombstone). Decoders of binary formats (Avro,
    /// Protocol Buffers, schema-registry framing) start from these bytes.
    ///
    /// ```
    /// # use lambda_batch::source::{EventSource, Kafka};
    /// let records = Kafka::parse(r#"{"records":{"t-0":[{"offset":1,"value":"AAAAAAc="},{"offset":2}]}}"#)?;
    /// let value = records[0].record().unwrap().value()?.unwrap();
    /// assert_eq!(value, [0, 0, 0, 0, 7]);
    /// assert_eq!(records[1].record().unwrap().value()?, None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// A [`RecordError`] naming `value` when it is not a string of base64.
    pub fn value(&self) -> Result<Option<&[u8]>, RecordError> {
        self.value.bytes(RecordKey::Value.text())
    }

    /// The value as UTF-8 text; `Ok(None)` when the record has no value.
    ///
    /// ```
    /// # use lambda_batch::source::{EventSource, Kafka};
    /// let event = r#"{"records":{"t-0":[{"offset":1,"value":"aGk="},{"offset":2,"value":null}]}}"#;
    /// let records = Kafka::parse(event)?;
    /// assert_eq!(records[0].record().unwrap().value_text()?, Some("hi"));
    /// assert_eq!(records[1].record().unwrap().value_text()?, None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`value`](Self::value), and when the value is not UTF-8.
    pub fn value_text(&self) -> Result<Option<&str>, RecordError> {
        self.value.text(RecordKey::Value.text())
    }

    /// The value parsed as JSON into `T`, borrowing from the decoded value
    /// where `T` allows. A record without a value reads as JSON `null`, so
    /// `Option<T>` gives `None` for tombstones.
    ///
    /// ```
    /// # use lambda_batch::source::{EventSource, Kafka};
    /// #[derive(Debug, serde::Deserialize)]
    /// struct Order<'a> { id: u32, note: &'a str }
    /// let event = r#"{"records":{"t-0":[{"offset":1,"value":"eyJpZCI6MSwibm90ZSI6InJ1c2gifQ=="},{"offset":2}]}}"#;
    /// let records = Kafka::parse(event)?;
    /// let order: Order<'_> = records[0].record().unwrap().value_json()?;
    /// assert_eq!((order.id, order.note), (1, "rush"));
    /// let tombstone: Option<Order<'_>> = records[1].record().unwrap().value_json()?;
    /// assert!(tombstone.is_none());
    /// let err = records[1].record().unwrap().value_json::<Order<'_>>().unwrap_err();
    /// assert!(err.to_string().starts_with("field `value` is invalid: invalid type: null"), "{err}");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`value`](Self::value), and a [`RecordError::InvalidValue`] naming
    /// `value` with what serde said when the value is not JSON of `T`'s shape.
    pub fn value_json<'de, T: Deserialize<'de>>(&'de self) -> Result<T, RecordError> {
        let bytes = self.value()?.unwrap_or(b"null");
        serde_json::from_slice(bytes).map_err(|e| invalid(RecordKey::Value.text(), e.to_string()))
    }

    /// `headers` in event order, decoded on the first call; empty when the
    /// record has none.
    ///
    /// ```
    /// # use lambda_batch::source::{EventSource, Kafka};
    /// let event = r#"{"records":{"t-0":[{"offset":1,"headers":[{"a":[1]},{"b":[2]}]},
    ///     {"offset":2,"headers":[{"a":"text"}]}]}}"#;
    /// let records = Kafka::parse(event)?;
    /// let names: Vec<&str> = records[0].record().unwrap().headers()?.iter().map(|h| h.name()).collect();
    /// assert_eq!(names, ["a", "b"]);
    /// let err = records[1].record().unwrap().headers().unwrap_err();
    /// assert_eq!(err.to_string(), "field `headers[0].a` is invalid: it is a string, expected an array of bytes");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// A [`RecordError`] naming `headers`, or the element and header that
    /// does not decode (`headers[0].a`).
    pub fn headers(&self) -> Result<&[KafkaHeader<'a>], RecordError> {
        self.headers.get()
    }

    /// The value of the first header of this name; `Ok(None)` when there is
    /// no such header.
    ///
    /// ```
    /// # use lambda_batch::source::{EventSource, Kafka};
    /// let records = Kafka::parse(r#"{"records":{"t-0":[{"offset":1,"headers":[{"trace":[97,98]}]}]}}"#)?;
    /// let record = records[0].record().unwrap();
    /// assert_eq!(record.header("trace")?, Some(&b"ab"[..]));
    /// assert_eq!(record.header("other")?, None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`headers`](Self::headers): any header that does not decode fails
    /// the lookup, as the one looked for could be among them.
    pub fn header(&self, name: &str) -> Result<Option<&[u8]>, RecordError> {
        self.headers.find(name)
    }

    /// The event's `eventSource`: `aws:kafka` (Amazon MSK) or
    /// `SelfManagedKafka` (also written `aws:SelfManagedKafka`).
    ///
    /// ```
    /// # use lambda_batch::source::{EventSource, Kafka};
    /// let records = Kafka::parse(r#"{"eventSource":"aws:kafka","records":{"t-0":[{"offset":1}]}}"#)?;
    /// assert_eq!(records[0].record().unwrap().event_source(), Some("aws:kafka"));
    /// # Ok::<(), lambda_batch::InvalidEvent>(())
    /// ```
    pub fn event_source(&self) -> Option<&str> {
        self.event_source.as_deref()
    }

    /// The event's `eventSourceArn`: the MSK cluster's ARN (absent for
    /// self-managed clusters).
    ///
    /// ```
    /// # use lambda_batch::source::{EventSource, Kafka};
    /// let event = r#"{"eventSourceArn":"arn:aws:kafka:us-east-1:1:cluster/c/u","records":{"t-0":[{"offset":1}]}}"#;
    /// let records = Kafka::parse(event)?;
    /// assert_eq!(records[0].record().unwrap().event_source_arn(), Some("arn:aws:kafka:us-east-1:1:cluster/c/u"));
    /// # Ok::<(), lambda_batch::InvalidEvent>(())
    /// ```
    pub fn event_source_arn(&self) -> Option<&str> {
        self.event_source_arn.as_deref()
    }

    /// The event's `bootstrapServers`: comma-separated `host:port` brokers.
    ///
    /// ```
    /// # use lambda_batch::source::{EventSource, Kafka};
    /// let records = Kafka::parse(r#"{"bootstrapServers":"b-1:9092,b-2:9092","records":{"t-0":[{"offset":1}]}}"#)?;
    /// assert_eq!(records[0].record().unwrap().bootstrap_servers(), Some("b-1:9092,b-2:9092"));
    /// # Ok::<(), lambda_batch::InvalidEvent>(())
    /// ```
    pub fn bootstrap_servers(&self) -> Option<&str> {
        self.bootstrap_servers.as_deref()
    }

    /// Whether the record comes from a self-managed Apache Kafka cluster
    /// rather than Amazon MSK: `eventSource` is `SelfManagedKafka` (as the
    /// AWS documentation writes it) or `aws:SelfManagedKafka` (as some
    /// samples do).
    ///
    /// ```
    /// # use lambda_batch::source::{EventSource, Kafka};
    /// for (source, self_managed) in [("SelfManagedKafka", true), ("aws:SelfManagedKafka", true), ("aws:kafka", false)] {
    ///     let event = format!(r#"{{"eventSource":"{source}","records":{{"t-0":[{{"offset":1}}]}}}}"#);
    ///     let records = Kafka::parse(&event)?;
    ///     assert_eq!(records[0].record().unwrap().is_self_managed(), self_managed, "{source}");
    /// }
    /// # Ok::<(), lambda_batch::InvalidEvent>(())
    /// ```
    pub fn is_self_managed(&self) -> bool {
        matches!(
            self.event_source.as_deref(),
            Some("SelfManagedKafka" | "aws:SelfManagedKafka")
        )
    }

    /// The same record, no longer borrowing from the event. Fields decoded
    /// already keep their decoded value (or error); the others are decoded
    /// when first read, as before.
    ///
    /// ```
    /// # use lambda_batch::source::{EventSource, Kafka, KafkaRecord};
    /// let event = String::from(r#"{"records":{"t-0":[{"offset":1,"value":"aGk="}]}}"#);
    /// let owned: KafkaRecord<'static> = Kafka::parse(&event)?[0].record().unwrap().clone().into_owned();
    /// drop(event);
    /// assert_eq!(owned.value()?, Some(&b"hi"[..]));
    /// assert_eq!(owned.topic(), Some("t"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn into_owned(self) -> KafkaRecord<'static> {
        KafkaRecord {
            topic: own(self.topic),
            partition: self.partition,
            offset: self.offset,
            timestamp: self.timestamp.into_owned(),
            timestamp_type: own(self.timestamp_type),
            key: self.key.into_owned(Field::into_owned),
            value: self.value.into_owned(Field::into_owned),
            headers: self.headers.into_owned(Raw::into_owned),
            key_schema_metadata: self.key_schema_metadata.into_owned(Raw::into_owned),
            value_schema_metadata: self.value_schema_metadata.into_owned(Raw::into_owned),
            event_source: own(self.event_source),
            event_source_arn: own(self.event_source_arn),
            bootstrap_servers: own(self.bootstrap_servers),
        }
    }
}
