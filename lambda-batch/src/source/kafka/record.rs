//! A Kafka record and its headers.

use std::borrow::Cow;
use std::str::Utf8Error;

use serde::Deserialize;

use super::wire::{HeaderBytes, HeaderObject, RecordWire, Timestamp};
use super::Envelope;
use crate::error::RecordError;
use crate::source::lenient::{base64, decimal, opt, Field, List, Num};
use crate::source::sqs::own;

/// A record of a Kafka batch (Amazon MSK or self-managed Apache Kafka).
///
/// Its key and value are decoded from base64 when the event is read, and its
/// headers from arrays of byte numbers: a record where any of them is
/// malformed fails without reaching the handler. The event's `eventSource`,
/// `eventSourceArn` and `bootstrapServers` are shared by every record.
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
/// assert_eq!(record.key_text(), Ok(Some("key")));
/// assert_eq!(record.value_text(), Ok(Some(r#"{"id":1}"#)));
/// assert_eq!(record.header("trace"), Some(&b"ab"[..]));
/// assert!(record.is_self_managed());
/// # Ok::<(), lambda_batch::InvalidEvent>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KafkaRecord<'a> {
    topic: Option<Cow<'a, str>>,
    partition: Option<i64>,
    offset: Option<i64>,
    timestamp: Option<i64>,
    timestamp_type: Option<Cow<'a, str>>,
    key: Option<Vec<u8>>,
    value: Option<Vec<u8>>,
    headers: Vec<KafkaHeader<'a>>,
    event_source: Option<Cow<'a, str>>,
    event_source_arn: Option<Cow<'a, str>>,
    bootstrap_servers: Option<Cow<'a, str>>,
}

impl<'a> KafkaRecord<'a> {
    /// Reads a record; `topic` and `partition` stand in for the record's own
    /// fields when they are absent (they come from its `records` key).
    pub(super) fn from_wire(
        w: RecordWire<'a>,
        topic: Option<&Cow<'a, str>>,
        partition: Option<i64>,
    ) -> Result<Self, RecordError> {
        let record_topic = opt(w.topic, "topic")?.filter(|t| !t.is_empty());
        let record_partition = whole(opt(w.partition, "partition")?, "partition")?;
        let offset = whole(opt(w.offset, "offset")?, "offset")?;
        let timestamp = match opt(w.timestamp, "timestamp")? {
            Some(Timestamp::Number(n)) => whole(Some(n), "timestamp")?,
            Some(Timestamp::Text(text)) => decimal(Some(text), "timestamp")?,
            None => None,
        };
        let timestamp_type = opt(w.timestamp_type, "timestampType")?;
        let key = opt(w.key, "key")?.map(|k| base64(&k, "key")).transpose()?;
        let value = opt(w.value, "value")?
            .map(|v| base64(&v, "value"))
            .transpose()?;
        let headers = headers(opt(w.headers, "headers")?)?;
        Ok(KafkaRecord {
            topic: record_topic.or_else(|| topic.cloned()),
            partition: record_partition.or(partition),
            offset,
            timestamp,
            timestamp_type,
            key,
            value,
            headers,
            // Set by `attach` once the whole event is read: the top-level
            // fields may come after `records`.
            event_source: None,
            event_source_arn: None,
            bootstrap_servers: None,
        })
    }

    /// Gives the record the event's top-level fields.
    pub(super) fn attach(&mut self, envelope: &Envelope<'a>) {
        self.event_source.clone_from(&envelope.event_source);
        self.event_source_arn.clone_from(&envelope.event_source_arn);
        self.bootstrap_servers
            .clone_from(&envelope.bootstrap_servers);
    }

    /// `topic`: the record's own field, else the topic of its `records` key.
    pub fn topic(&self) -> Option<&str> {
        self.topic.as_deref()
    }
    /// `partition`: the record's own field, else the partition of its `records` key.
    pub fn partition(&self) -> Option<i64> {
        self.partition
    }
    /// `offset`: the record's position in its partition.
    pub fn offset(&self) -> Option<i64> {
        self.offset
    }
    /// `timestamp`, in milliseconds since the Unix epoch (a JSON number, or
    /// the same number as text).
    pub fn timestamp(&self) -> Option<i64> {
        self.timestamp
    }
    /// `timestampType`: `CREATE_TIME` or `LOG_APPEND_TIME`.
    pub fn timestamp_type(&self) -> Option<&str> {
        self.timestamp_type.as_deref()
    }
    /// `key`, decoded from base64; `None` when the record has no key.
    pub fn key(&self) -> Option<&[u8]> {
        self.key.as_deref()
    }
    /// The key as UTF-8 text; `Ok(None)` when the record has no key.
    ///
    /// # Errors
    ///
    /// When the key is not UTF-8.
    pub fn key_text(&self) -> Result<Option<&str>, Utf8Error> {
        self.key.as_deref().map(std::str::from_utf8).transpose()
    }
    /// `value`, decoded from base64; `None` when the record has no value (a
    /// tombstone).
    pub fn value(&self) -> Option<&[u8]> {
        self.value.as_deref()
    }
    /// The value as UTF-8 text; `Ok(None)` when the record has no value.
    ///
    /// ```
    /// # use lambda_batch::source::{EventSource, Kafka};
    /// let event = r#"{"records":{"t-0":[{"offset":1,"value":"aGk="},{"offset":2,"value":null}]}}"#;
    /// let records = Kafka::parse(event).unwrap();
    /// assert_eq!(records[0].record().unwrap().value_text(), Ok(Some("hi")));
    /// assert_eq!(records[1].record().unwrap().value_text(), Ok(None));
    /// ```
    ///
    /// # Errors
    ///
    /// When the value is not UTF-8.
    pub fn value_text(&self) -> Result<Option<&str>, Utf8Error> {
        self.value.as_deref().map(std::str::from_utf8).transpose()
    }
    /// The value parsed as JSON into `T`, borrowing from the decoded value
    /// where `T` allows. A record without a value reads as JSON `null`, so
    /// `Option<T>` gives `None` for tombstones.
    ///
    /// ```
    /// # use lambda_batch::source::{EventSource, Kafka};
    /// #[derive(serde::Deserialize)]
    /// struct Order { id: u32 }
    /// let event = r#"{"records":{"t-0":[{"offset":1,"value":"eyJpZCI6MX0="},{"offset":2}]}}"#;
    /// let records = Kafka::parse(event).unwrap();
    /// let order: Order = records[0].record().unwrap().value_json().unwrap();
    /// assert_eq!(order.id, 1);
    /// let tombstone: Option<Order> = records[1].record().unwrap().value_json().unwrap();
    /// assert!(tombstone.is_none());
    /// ```
    ///
    /// # Errors
    ///
    /// When the value is not JSON of `T`'s shape.
    pub fn value_json<'de, T: Deserialize<'de>>(&'de self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(self.value.as_deref().unwrap_or(b"null"))
    }
    /// `headers`, in event order.
    pub fn headers(&self) -> &[KafkaHeader<'a>] {
        &self.headers
    }
    /// The value of the first header of this name.
    pub fn header(&self, name: &str) -> Option<&[u8]> {
        self.headers
            .iter()
            .find(|h| h.name == name)
            .map(|h| h.value.as_slice())
    }
    /// The event's `eventSource`: `aws:kafka` (Amazon MSK) or `SelfManagedKafka`.
    pub fn event_source(&self) -> Option<&str> {
        self.event_source.as_deref()
    }
    /// The event's `eventSourceArn`: the MSK cluster's ARN (absent for
    /// self-managed clusters).
    pub fn event_source_arn(&self) -> Option<&str> {
        self.event_source_arn.as_deref()
    }
    /// The event's `bootstrapServers`: comma-separated `host:port` brokers.
    pub fn bootstrap_servers(&self) -> Option<&str> {
        self.bootstrap_servers.as_deref()
    }
    /// Whether the record comes from a self-managed Apache Kafka cluster
    /// (`eventSource` is `SelfManagedKafka`) rather than Amazon MSK.
    pub fn is_self_managed(&self) -> bool {
        self.event_source.as_deref() == Some("SelfManagedKafka")
    }

    /// The same record, no longer borrowing from the event.
    ///
    /// ```
    /// # use lambda_batch::source::{EventSource, Kafka, KafkaRecord};
    /// let event = String::from(r#"{"records":{"t-0":[{"offset":1,"value":"aGk="}]}}"#);
    /// let owned: KafkaRecord<'static> = Kafka::parse(&event).unwrap()[0].record().unwrap().clone().into_owned();
    /// drop(event);
    /// assert_eq!(owned.value(), Some(&b"hi"[..]));
    /// assert_eq!(owned.topic(), Some("t"));
    /// ```
    pub fn into_owned(self) -> KafkaRecord<'static> {
        KafkaRecord {
            topic: own(self.topic),
            partition: self.partition,
            offset: self.offset,
            timestamp: self.timestamp,
            timestamp_type: own(self.timestamp_type),
            key: self.key,
            value: self.value,
            headers: self
                .headers
                .into_iter()
                .map(KafkaHeader::into_owned)
                .collect(),
            event_source: own(self.event_source),
            event_source_arn: own(self.event_source_arn),
            bootstrap_servers: own(self.bootstrap_servers),
        }
    }
}

/// A header of a Kafka record: its name and its value's bytes.
///
/// ```
/// # use lambda_batch::source::{EventSource, Kafka};
/// let event = r#"{"records":{"t-0":[{"offset":1,"headers":[{"id":[-1,65]},{"id":[66]}]}]}}"#;
/// let records = Kafka::parse(event).unwrap();
/// let headers = records[0].record().unwrap().headers();
/// assert_eq!(headers.len(), 2);
/// assert_eq!((headers[0].name(), headers[0].value()), ("id", &[0xff, b'A'][..]));
/// assert_eq!(headers[1].value_text(), Ok("B"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KafkaHeader<'a> {
    name: Cow<'a, str>,
    value: Vec<u8>,
}

impl<'a> KafkaHeader<'a> {
    /// The header's name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The header's value. Lambda sends it as an array of byte numbers,
    /// unsigned or (from Java producers) signed; both give the same bytes.
    pub fn value(&self) -> &[u8] {
        &self.value
    }
    /// The value as UTF-8 text.
    ///
    /// # Errors
    ///
    /// When the value is not UTF-8.
    pub fn value_text(&self) -> Result<&str, Utf8Error> {
        std::str::from_utf8(&self.value)
    }
    /// The same header, no longer borrowing from the event.
    pub fn into_owned(self) -> KafkaHeader<'static> {
        KafkaHeader {
            name: Cow::Owned(self.name.into_owned()),
            value: self.value,
        }
    }
}

/// A whole number, or an error naming the field.
pub(super) fn whole(number: Option<Num>, name: &'static str) -> Result<Option<i64>, RecordError> {
    number
        .map(|n| {
            n.as_i64().ok_or_else(|| RecordError::InvalidValue {
                field: name.to_owned(),
                reason: match n {
                    Num::F(v) => format!("`{v}` is not a whole number"),
                    Num::U(v) => format!("`{v}` is too large"),
                    Num::I(v) => format!("`{v}` is out of range"),
                },
            })
        })
        .transpose()
}

fn headers<'a>(list: Option<List<HeaderObject<'a>>>) -> Result<Vec<KafkaHeader<'a>>, RecordError> {
    let Some(List(elements)) = list else {
        return Ok(Vec::new());
    };
    let mut headers = Vec::with_capacity(elements.len());
    for (index, element) in elements.into_iter().enumerate() {
        let HeaderObject(entries) = match element {
            Field::Value(object) => object,
            Field::Null | Field::Missing => return Err(header_not_object(index, "null")),
            Field::Wrong(kind) => return Err(header_not_object(index, kind.describe())),
        };
        for (name, bytes) in entries {
            let value = match bytes {
                Field::Value(HeaderBytes(Ok(value))) => value,
                Field::Value(HeaderBytes(Err(bad))) => {
                    return Err(RecordError::InvalidValue {
                        field: format!("headers[{index}].{name}"),
                        reason: format!(
                            "element {} is {}, expected a byte (-128 to 255)",
                            bad.index, bad.found
                        ),
                    })
                }
                Field::Null | Field::Missing => return Err(header_not_bytes(index, &name, "null")),
                Field::Wrong(kind) => return Err(header_not_bytes(index, &name, kind.describe())),
            };
            headers.push(KafkaHeader { name, value });
        }
    }
    Ok(headers)
}

fn header_not_object(index: usize, found: &str) -> RecordError {
    RecordError::InvalidValue {
        field: format!("headers[{index}]"),
        reason: format!("it is {found}, expected an object of header name to bytes"),
    }
}

fn header_not_bytes(index: usize, name: &str, found: &str) -> RecordError {
    RecordError::InvalidValue {
        field: format!("headers[{index}].{name}"),
        reason: format!("it is {found}, expected an array of bytes"),
    }
}
