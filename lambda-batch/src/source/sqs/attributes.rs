//! The system attributes (`attributes`) and message attributes
//! (`messageAttributes`) of an SQS message.

use std::borrow::Cow;

use serde::Deserialize;

use super::own;
use crate::error::RecordError;
use crate::source::read::field::{self, base64, opt, req, Accept, Field, List, Obj};
use crate::source::read::raw::{self, Raw};

/// The system attributes of an SQS message, with typed accessors.
///
/// Read by [`SqsRecord::attributes`](super::SqsRecord::attributes), which
/// checks the text attributes for their JSON kind; numeric ones (written as
/// text by SQS) are parsed by their accessors, so a count that is not a
/// number fails only the handler that reads it.
///
/// ```
/// use lambda_batch::source::{EventSource, Sqs};
///
/// let event = r#"{"Records":[{"messageId":"m","body":"",
///   "attributes":{"ApproximateReceiveCount":"many","SenderId":"AIDA"}}]}"#;
/// let records = Sqs::parse(event)?;
/// let attributes = records[0].record().unwrap().attributes()?;
/// assert_eq!(attributes.sender_id(), Some("AIDA"));
/// let err = attributes.approximate_receive_count().unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "field `attributes.ApproximateReceiveCount` is invalid: `many` is not a whole number of type u32"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct SqsAttributes<'a> {
    #[serde(rename = "ApproximateReceiveCount", borrow, default)]
    approximate_receive_count: Raw<'a>,
    #[serde(rename = "SentTimestamp", borrow, default)]
    sent_timestamp: Raw<'a>,
    #[serde(rename = "SenderId", borrow, default)]
    sender_id: Field<Cow<'a, str>>,
    #[serde(rename = "ApproximateFirstReceiveTimestamp", borrow, default)]
    approximate_first_receive_timestamp: Raw<'a>,
    #[serde(rename = "MessageGroupId", borrow, default)]
    message_group_id: Field<Cow<'a, str>>,
    #[serde(rename = "MessageDeduplicationId", borrow, default)]
    message_deduplication_id: Field<Cow<'a, str>>,
    #[serde(rename = "SequenceNumber", borrow, default)]
    sequence_number: Field<Cow<'a, str>>,
    #[serde(rename = "AWSTraceHeader", borrow, default)]
    aws_trace_header: Field<Cow<'a, str>>,
    #[serde(rename = "DeadLetterQueueSourceArn", borrow, default)]
    dead_letter_queue_source_arn: Field<Cow<'a, str>>,
}

impl<'a> SqsAttributes<'a> {
    /// Reads the attributes from the text the event pass kept, checking
    /// the JSON kind of every text attribute.
    pub(super) fn read(text: Option<&'a str>) -> Result<Self, RecordError> {
        let attributes = Self::read_unchecked(text)?;
        attributes.check()?;
        Ok(attributes)
    }

    /// Reads the attributes without checking the JSON kind of the text
    /// attributes, for an accessor that reads one of them and checks only
    /// it; fails only when `attributes` is not an object.
    pub(super) fn read_unchecked(text: Option<&'a str>) -> Result<Self, RecordError> {
        Ok(
            match raw::decode_field::<Obj<SqsAttributes<'a>>>(text, "attributes")? {
                Some(Obj(attributes)) => attributes,
                None => SqsAttributes::default(),
            },
        )
    }

    /// `MessageGroupId`, checked alone, for as long as the text it was read from.
    pub(super) fn into_message_group_id(self) -> Result<Option<Cow<'a, str>>, RecordError> {
        self.message_group_id.check("attributes.MessageGroupId")?;
        Ok(self.message_group_id.into_value())
    }

    /// `MessageDeduplicationId`, checked alone, for as long as the text it
    /// was read from.
    pub(super) fn into_message_deduplication_id(self) -> Result<Option<Cow<'a, str>>, RecordError> {
        self.message_deduplication_id
            .check("attributes.MessageDeduplicationId")?;
        Ok(self.message_deduplication_id.into_value())
    }

    /// Checks the JSON kind of the text attributes.
    fn check(&self) -> Result<(), RecordError> {
        self.sender_id.check("attributes.SenderId")?;
        self.message_group_id.check("attributes.MessageGroupId")?;
        self.message_deduplication_id
            .check("attributes.MessageDeduplicationId")?;
        self.sequence_number.check("attributes.SequenceNumber")?;
        self.aws_trace_header.check("attributes.AWSTraceHeader")?;
        self.dead_letter_queue_source_arn
            .check("attributes.DeadLetterQueueSourceArn")
    }

    /// `ApproximateReceiveCount`: how many times the message was received (1 the first time).
    ///
    /// # Errors
    ///
    /// [`RecordError::InvalidValue`] when it is not a whole number.
    pub fn approximate_receive_count(&self) -> Result<Option<u32>, RecordError> {
        self.approximate_receive_count
            .number("attributes.ApproximateReceiveCount")
    }
    /// `SentTimestamp`, in milliseconds since the Unix epoch.
    ///
    /// # Errors
    ///
    /// [`RecordError::InvalidValue`] when it is not a whole number.
    pub fn sent_timestamp(&self) -> Result<Option<u64>, RecordError> {
        self.sent_timestamp.number("attributes.SentTimestamp")
    }
    /// `SenderId`.
    pub fn sender_id(&self) -> Option<&str> {
        self.sender_id.text()
    }
    /// `ApproximateFirstReceiveTimestamp`, in milliseconds since the Unix epoch.
    ///
    /// # Errors
    ///
    /// [`RecordError::InvalidValue`] when it is not a whole number.
    pub fn approximate_first_receive_timestamp(&self) -> Result<Option<u64>, RecordError> {
        self.approximate_first_receive_timestamp
            .number("attributes.ApproximateFirstReceiveTimestamp")
    }
    /// `MessageGroupId` (FIFO queues, and fair standard queues).
    pub fn message_group_id(&self) -> Option<&str> {
        self.message_group_id.text()
    }
    /// `MessageDeduplicationId` (FIFO queues).
    pub fn message_deduplication_id(&self) -> Option<&str> {
        self.message_deduplication_id.text()
    }
    /// `SequenceNumber` (FIFO queues): a 128-bit number, kept as text.
    pub fn sequence_number(&self) -> Option<&str> {
        self.sequence_number.text()
    }
    /// `AWSTraceHeader`: the X-Ray trace header.
    pub fn aws_trace_header(&self) -> Option<&str> {
        self.aws_trace_header.text()
    }
    /// `DeadLetterQueueSourceArn`: the queue a redriven message came from.
    pub fn dead_letter_queue_source_arn(&self) -> Option<&str> {
        self.dead_letter_queue_source_arn.text()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
struct MessageAttributeWire<'a> {
    #[serde(rename = "dataType", borrow, default)]
    data_type: Field<Cow<'a, str>>,
    #[serde(rename = "stringValue", borrow, default)]
    string_value: Field<Cow<'a, str>>,
    #[serde(rename = "binaryValue", borrow, default)]
    binary_value: Field<Cow<'a, str>>,
    #[serde(rename = "stringListValues", borrow, default)]
    string_list_values: Field<List<Cow<'a, str>>>,
    #[serde(rename = "binaryListValues", borrow, default)]
    binary_list_values: Field<List<Cow<'a, str>>>,
}

/// `messageAttributes`: a map of name to attribute, kept in event order.
struct AttributeMap<'a>(Vec<(Cow<'a, str>, Field<Obj<MessageAttributeWire<'a>>>)>);

impl field::Expect for AttributeMap<'_> {
    const EXPECTED: &'static str = "an object";
}

impl<'de: 'a, 'a> Accept<'de> for AttributeMap<'a> {
    fn map<A: serde::de::MapAccess<'de>>(mut map: A) -> Result<Option<Self>, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Field<Cow<'a, str>>>()? {
            let value = map.next_value::<Field<Obj<MessageAttributeWire<'a>>>>()?;
            if let Field::Value(name) = key {
                entries.push((name, value));
            }
        }
        Ok(Some(AttributeMap(entries)))
    }
}

/// Reads `messageAttributes` from the text the event pass kept.
pub(super) fn read_message_attributes(
    text: Option<&str>,
) -> Result<Vec<MessageAttribute<'_>>, RecordError> {
    match raw::decode_field::<AttributeMap<'_>>(text, "messageAttributes")? {
        Some(AttributeMap(entries)) => entries
            .into_iter()
            .map(|(name, value)| MessageAttribute::from_wire(name, value))
            .collect(),
        None => Ok(Vec::new()),
    }
}

/// A message attribute (`messageAttributes.<name>`). Binary values are kept
/// as the event's base64 text and decoded by their accessors.
///
/// ```
/// use lambda_batch::source::{EventSource, Sqs};
///
/// let event = r#"{"Records":[{"messageId":"m","body":"","messageAttributes":{
///   "sig":{"dataType":"Binary","binaryValue":"AAH+"},
///   "bad":{"dataType":"Binary","binaryValue":"base64Str"}}}]}"#;
/// let records = Sqs::parse(event)?;
/// let record = records[0].record().unwrap();
/// let sig = record.message_attribute("sig")?.unwrap();
/// assert_eq!(sig.binary_value()?, Some(vec![0x00, 0x01, 0xfe]));
/// // Only reading the bad value fails, and it names the attribute.
/// let bad = record.message_attribute("bad")?.unwrap();
/// assert!(bad.binary_value().unwrap_err().to_string().starts_with(
///     "field `messageAttributes.bad.binaryValue` is invalid: not valid base64"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageAttribute<'a> {
    name: Cow<'a, str>,
    data_type: Option<Cow<'a, str>>,
    string_value: Option<Cow<'a, str>>,
    binary_value: Option<Cow<'a, str>>,
    string_list_values: Vec<Cow<'a, str>>,
    binary_list_values: Vec<Cow<'a, str>>,
}

impl<'a> MessageAttribute<'a> {
    fn from_wire(
        name: Cow<'a, str>,
        value: Field<Obj<MessageAttributeWire<'a>>>,
    ) -> Result<Self, RecordError> {
        let Obj(w) = req(value, "messageAttributes.<name>")?;
        let list = |field: Field<List<Cow<'a, str>>>,
                    list_name: &'static str,
                    item_name: &'static str|
         -> Result<Vec<Cow<'a, str>>, RecordError> {
            opt(field, list_name)?.map_or(Ok(Vec::new()), |l| {
                l.0.into_iter().map(|item| req(item, item_name)).collect()
            })
        };
        Ok(MessageAttribute {
            data_type: opt(w.data_type, "messageAttributes.<name>.dataType")?,
            string_value: opt(w.string_value, "messageAttributes.<name>.stringValue")?,
            binary_value: opt(w.binary_value, "messageAttributes.<name>.binaryValue")?,
            string_list_values: list(
                w.string_list_values,
                "messageAttributes.<name>.stringListValues",
                "messageAttributes.<name>.stringListValues[]",
            )?,
            binary_list_values: list(
                w.binary_list_values,
                "messageAttributes.<name>.binaryListValues",
                "messageAttributes.<name>.binaryListValues[]",
            )?,
            name,
        })
    }

    /// The attribute's name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// `dataType`: `String`, `Number`, `Binary`, or a custom `Type.Label`.
    pub fn data_type(&self) -> Option<&str> {
        self.data_type.as_deref()
    }
    /// `stringValue` (also holds `Number` attributes, as text).
    pub fn string_value(&self) -> Option<&str> {
        self.string_value.as_deref()
    }
    /// `binaryValue`, decoded from base64.
    ///
    /// # Errors
    ///
    /// [`RecordError::InvalidValue`] naming the attribute when the value is
    /// not base64.
    pub fn binary_value(&self) -> Result<Option<Vec<u8>>, RecordError> {
        self.binary_value
            .as_deref()
            .map(|text| decode(text, &self.name, "binaryValue"))
            .transpose()
    }
    /// `stringListValues`.
    pub fn string_list_values(&self) -> &[Cow<'a, str>] {
        &self.string_list_values
    }
    /// `binaryListValues`, each decoded from base64.
    ///
    /// # Errors
    ///
    /// [`RecordError::InvalidValue`] naming the attribute when a value is
    /// not base64.
    pub fn binary_list_values(&self) -> Result<Vec<Vec<u8>>, RecordError> {
        self.binary_list_values
            .iter()
            .map(|text| decode(text, &self.name, "binaryListValues[]"))
            .collect()
    }

    /// The same attribute, no longer borrowing from the record.
    ///
    /// ```
    /// # use lambda_batch::source::{EventSource, MessageAttribute, Sqs};
    /// let event = r#"{"Records":[{"messageId":"m","body":"","messageAttributes":{"k":{"stringValue":"v"}}}]}"#;
    /// let records = Sqs::parse(event)?;
    /// let kept: MessageAttribute<'static> =
    ///     records[0].record().unwrap().message_attribute("k")?.unwrap().into_owned();
    /// drop(records);
    /// assert_eq!(kept.string_value(), Some("v"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn into_owned(self) -> MessageAttribute<'static> {
        let all = |list: Vec<Cow<'a, str>>| {
            list.into_iter()
                .map(|s| Cow::Owned(s.into_owned()))
                .collect()
        };
        MessageAttribute {
            name: Cow::Owned(self.name.into_owned()),
            data_type: own(self.data_type),
            string_value: own(self.string_value),
            binary_value: own(self.binary_value),
            string_list_values: all(self.string_list_values),
            binary_list_values: all(self.binary_list_values),
        }
    }
}

/// Decodes a binary attribute value, naming the attribute when it is not base64.
fn decode(text: &str, name: &str, part: &str) -> Result<Vec<u8>, RecordError> {
    base64(text, format_args!("messageAttributes.{name}.{part}"))
}
