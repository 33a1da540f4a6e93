//! Amazon SQS, standard and FIFO queues.
//!
//! Identifier: `messageId`. FIFO is told by the queue ARN (`.fifo`), never by
//! the presence of a `MessageGroupId`: fair queues set it on standard queues.

use std::borrow::Cow;

use serde::de::value::MapAccessDeserializer;
use serde::Deserialize;

use super::envelope;
use super::lenient::{
    self, base64, check_whole_number, opt, req, text_id, Accept, ConvertElement, Field, List, Obj,
};
use super::{EventSource, Parsed};
use crate::error::{InvalidEvent, RecordError};

/// The SQS event source.
///
/// ```
/// use lambda_batch::source::{EventSource, Sqs};
///
/// let event = r#"{"Records":[{"messageId":"m1","body":"{\"id\":1}",
///   "attributes":{"ApproximateReceiveCount":"2","MessageGroupId":"g"},
///   "eventSourceARN":"arn:aws:sqs:us-east-2:123456789012:orders.fifo"}]}"#;
/// let records = Sqs::parse(event)?;
/// let record = records[0].record().unwrap();
/// assert_eq!(record.body(), r#"{"id":1}"#);
/// assert_eq!(record.attributes().approximate_receive_count(), Some(2));
/// assert!(record.is_fifo_queue());
/// assert_eq!(record.queue_url().as_deref(), Some("https://sqs.us-east-2.amazonaws.com/123456789012/orders.fifo"));
/// # Ok::<(), lambda_batch::InvalidEvent>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sqs;

impl super::sealed::Sealed for Sqs {}

impl EventSource for Sqs {
    const NAME: &'static str = "sqs";
    type Record<'a> = SqsRecord<'a>;

    fn parse(event: &str) -> Result<Vec<Parsed<'_, SqsRecord<'_>>>, InvalidEvent> {
        envelope::converted_records(event, &Records, "an SQS event's list of records")
    }

    const ORDERING_SCOPE: &'static str = "message group";

    fn ordering_key<'r>(record: &'r SqsRecord<'_>) -> Result<Option<Cow<'r, str>>, RecordError> {
        Ok(record.attributes().message_group_id().map(Cow::Borrowed))
    }

    fn from_fifo_queue(record: &SqsRecord<'_>) -> bool {
        record.is_fifo_queue()
    }
}

/// Turns each element of `Records` into a parsed record as it is read.
struct Records;

impl<'a> ConvertElement<'a> for Records {
    type Record = SqsRecord<'a>;

    fn convert_map<A: serde::de::MapAccess<'a>>(
        &self,
        map: A,
    ) -> Result<Parsed<'a, Self::Record>, A::Error> {
        let wire = Wire::deserialize(MapAccessDeserializer::new(map))?;
        let identifier = text_id(&wire.message_id);
        Ok(Parsed::new(identifier, SqsRecord::from_wire(wire)))
    }
}

/// An SQS message as read from the event. Once checked, it is the record
/// itself: accessors read its fields in place, so no field is copied again.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
struct Wire<'a> {
    #[serde(rename = "messageId", borrow, default)]
    message_id: Field<Cow<'a, str>>,
    #[serde(rename = "receiptHandle", borrow, default)]
    receipt_handle: Field<Cow<'a, str>>,
    #[serde(borrow, default)]
    body: Field<Cow<'a, str>>,
    #[serde(borrow, default)]
    attributes: Field<Obj<SqsAttributes<'a>>>,
    #[serde(rename = "messageAttributes", borrow, default)]
    message_attributes: Field<AttributeMap<'a>>,
    #[serde(rename = "md5OfBody", borrow, default)]
    md5_of_body: Field<Cow<'a, str>>,
    #[serde(rename = "md5OfMessageAttributes", borrow, default)]
    md5_of_message_attributes: Field<Cow<'a, str>>,
    #[serde(rename = "eventSource", borrow, default)]
    event_source: Field<Cow<'a, str>>,
    #[serde(rename = "eventSourceARN", borrow, default)]
    event_source_arn: Field<Cow<'a, str>>,
    #[serde(rename = "awsRegion", borrow, default)]
    aws_region: Field<Cow<'a, str>>,
}

impl<'a> Wire<'a> {
    fn into_owned(self) -> Wire<'static> {
        Wire {
            message_id: self.message_id.into_owned(),
            receipt_handle: self.receipt_handle.into_owned(),
            body: self.body.into_owned(),
            attributes: match self.attributes {
                Field::Value(Obj(a)) => Field::Value(Obj(a.into_owned())),
                Field::Missing => Field::Missing,
                Field::Null => Field::Null,
                Field::Wrong(kind) => Field::Wrong(kind),
            },
            // Converted into `SqsRecord::message_attributes` when read.
            message_attributes: Field::Missing,
            md5_of_body: self.md5_of_body.into_owned(),
            md5_of_message_attributes: self.md5_of_message_attributes.into_owned(),
            event_source: self.event_source.into_owned(),
            event_source_arn: self.event_source_arn.into_owned(),
            aws_region: self.aws_region.into_owned(),
        }
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
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct AttributeMap<'a>(Vec<(Cow<'a, str>, Field<Obj<MessageAttributeWire<'a>>>)>);

impl<'a> lenient::Expect for AttributeMap<'a> {
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

/// A message of an SQS batch.
///
/// Accessors return what the event holds; optional fields that SQS always
/// sends are still `Option`, so a record missing them is processed rather
/// than failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqsRecord<'a> {
    wire: Wire<'a>,
    message_attributes: Vec<MessageAttribute<'a>>,
}

/// The attributes of a message that has none.
const NO_ATTRIBUTES: SqsAttributes<'static> = SqsAttributes {
    approximate_receive_count: Field::Missing,
    sent_timestamp: Field::Missing,
    sender_id: Field::Missing,
    approximate_first_receive_timestamp: Field::Missing,
    message_group_id: Field::Missing,
    message_deduplication_id: Field::Missing,
    sequence_number: Field::Missing,
    aws_trace_header: Field::Missing,
    dead_letter_queue_source_arn: Field::Missing,
};

impl<'a> SqsRecord<'a> {
    fn from_wire(mut wire: Wire<'a>) -> Result<Self, RecordError> {
        wire.message_id.check("messageId")?;
        wire.receipt_handle.check("receiptHandle")?;
        match wire.body {
            Field::Value(_) => {}
            Field::Wrong(_) => wire.body.check("body")?,
            Field::Missing | Field::Null => return Err(RecordError::Missing { field: "body" }),
        }
        wire.attributes.check("attributes")?;
        if let Field::Value(Obj(attributes)) = &wire.attributes {
            attributes.check()?;
        }
        let message_attributes = match opt(
            std::mem::take(&mut wire.message_attributes),
            "messageAttributes",
        )? {
            Some(AttributeMap(entries)) => entries
                .into_iter()
                .map(|(name, value)| MessageAttribute::from_wire(name, value))
                .collect::<Result<_, _>>()?,
            None => Vec::new(),
        };
        wire.md5_of_body.check("md5OfBody")?;
        wire.md5_of_message_attributes
            .check("md5OfMessageAttributes")?;
        wire.event_source.check("eventSource")?;
        wire.event_source_arn.check("eventSourceARN")?;
        wire.aws_region.check("awsRegion")?;
        Ok(SqsRecord {
            wire,
            message_attributes,
        })
    }

    /// `messageId`, the record's identifier.
    pub fn message_id(&self) -> Option<&str> {
        self.wire.message_id.text()
    }
    /// `receiptHandle`, to delete or change the visibility of the message yourself.
    pub fn receipt_handle(&self) -> Option<&str> {
        self.wire.receipt_handle.text()
    }
    /// The message body, unescaped.
    pub fn body(&self) -> &str {
        // Checked present when the record was read.
        self.wire.body.text().unwrap_or_default()
    }
    /// The system attributes (`attributes`).
    pub fn attributes(&self) -> &SqsAttributes<'a> {
        match &self.wire.attributes {
            Field::Value(Obj(attributes)) => attributes,
            _ => &NO_ATTRIBUTES,
        }
    }
    /// The message attributes (`messageAttributes`), in event order.
    pub fn message_attributes(&self) -> &[MessageAttribute<'a>] {
        &self.message_attributes
    }
    /// The message attribute of this name.
    ///
    /// ```
    /// # use lambda_batch::source::{EventSource, Sqs};
    /// let event = r#"{"Records":[{"messageId":"m","body":"",
    ///   "messageAttributes":{"kind":{"dataType":"String","stringValue":"order"}}}]}"#;
    /// let records = Sqs::parse(event).unwrap();
    /// let kind = records[0].record().unwrap().message_attribute("kind").unwrap();
    /// assert_eq!(kind.string_value(), Some("order"));
    /// ```
    pub fn message_attribute(&self, name: &str) -> Option<&MessageAttribute<'a>> {
        self.message_attributes.iter().find(|a| a.name == name)
    }
    /// `md5OfBody`.
    pub fn md5_of_body(&self) -> Option<&str> {
        self.wire.md5_of_body.text()
    }
    /// `md5OfMessageAttributes`.
    pub fn md5_of_message_attributes(&self) -> Option<&str> {
        self.wire.md5_of_message_attributes.text()
    }
    /// `eventSource`, normally `aws:sqs`.
    pub fn event_source(&self) -> Option<&str> {
        self.wire.event_source.text()
    }
    /// `eventSourceARN`: the queue's ARN.
    pub fn event_source_arn(&self) -> Option<&str> {
        self.wire.event_source_arn.text()
    }
    /// `awsRegion`.
    pub fn aws_region(&self) -> Option<&str> {
        self.wire.aws_region.text()
    }
    /// Whether the queue is a FIFO queue: its ARN ends in `.fifo`.
    ///
    /// A `MessageGroupId` alone does not make a queue FIFO (fair queues set it
    /// on standard queues).
    pub fn is_fifo_queue(&self) -> bool {
        self.event_source_arn()
            .is_some_and(|arn| arn.ends_with(".fifo"))
    }
    /// The queue's URL, derived from its ARN
    /// (`arn:<partition>:sqs:<region>:<account>:<name>`).
    pub fn queue_url(&self) -> Option<String> {
        let arn = self.event_source_arn()?;
        let mut parts = arn.splitn(6, ':');
        let (_arn, partition, service, region, account, name) = (
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
        );
        if service != "sqs" || region.is_empty() || account.is_empty() || name.is_empty() {
            return None;
        }
        let domain = if partition == "aws-cn" {
            "amazonaws.com.cn"
        } else {
            "amazonaws.com"
        };
        Some(format!("https://sqs.{region}.{domain}/{account}/{name}"))
    }

    /// The same record, no longer borrowing from the event.
    ///
    /// ```
    /// # use lambda_batch::source::{EventSource, Sqs, SqsRecord};
    /// let event = String::from(r#"{"Records":[{"messageId":"m","body":"b"}]}"#);
    /// let owned: SqsRecord<'static> = Sqs::parse(&event).unwrap()[0].record().unwrap().clone().into_owned();
    /// drop(event);
    /// assert_eq!(owned.body(), "b");
    /// ```
    pub fn into_owned(self) -> SqsRecord<'static> {
        SqsRecord {
            wire: self.wire.into_owned(),
            message_attributes: self
                .message_attributes
                .into_iter()
                .map(MessageAttribute::into_owned)
                .collect(),
        }
    }
}

pub(crate) fn own(text: Option<Cow<'_, str>>) -> Option<Cow<'static, str>> {
    text.map(|t| Cow::Owned(t.into_owned()))
}

/// The system attributes of an SQS message, with typed accessors.
///
/// Numeric attributes are checked when the record is read: a message whose
/// `ApproximateReceiveCount` is not a number fails without reaching the handler.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct SqsAttributes<'a> {
    #[serde(rename = "ApproximateReceiveCount", borrow, default)]
    approximate_receive_count: Field<Cow<'a, str>>,
    #[serde(rename = "SentTimestamp", borrow, default)]
    sent_timestamp: Field<Cow<'a, str>>,
    #[serde(rename = "SenderId", borrow, default)]
    sender_id: Field<Cow<'a, str>>,
    #[serde(rename = "ApproximateFirstReceiveTimestamp", borrow, default)]
    approximate_first_receive_timestamp: Field<Cow<'a, str>>,
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
    fn check(&self) -> Result<(), RecordError> {
        check_whole_number::<u32>(
            &self.approximate_receive_count,
            "attributes.ApproximateReceiveCount",
        )?;
        check_whole_number::<u64>(&self.sent_timestamp, "attributes.SentTimestamp")?;
        check_whole_number::<u64>(
            &self.approximate_first_receive_timestamp,
            "attributes.ApproximateFirstReceiveTimestamp",
        )?;
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
    pub fn approximate_receive_count(&self) -> Option<u32> {
        self.approximate_receive_count.text()?.parse().ok()
    }
    /// `SentTimestamp`, in milliseconds since the Unix epoch.
    pub fn sent_timestamp(&self) -> Option<u64> {
        self.sent_timestamp.text()?.parse().ok()
    }
    /// `SenderId`.
    pub fn sender_id(&self) -> Option<&str> {
        self.sender_id.text()
    }
    /// `ApproximateFirstReceiveTimestamp`, in milliseconds since the Unix epoch.
    pub fn approximate_first_receive_timestamp(&self) -> Option<u64> {
        self.approximate_first_receive_timestamp
            .text()?
            .parse()
            .ok()
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

    fn into_owned(self) -> SqsAttributes<'static> {
        SqsAttributes {
            approximate_receive_count: self.approximate_receive_count.into_owned(),
            sent_timestamp: self.sent_timestamp.into_owned(),
            sender_id: self.sender_id.into_owned(),
            approximate_first_receive_timestamp: self
                .approximate_first_receive_timestamp
                .into_owned(),
            message_group_id: self.message_group_id.into_owned(),
            message_deduplication_id: self.message_deduplication_id.into_owned(),
            sequence_number: self.sequence_number.into_owned(),
            aws_trace_header: self.aws_trace_header.into_owned(),
            dead_letter_queue_source_arn: self.dead_letter_queue_source_arn.into_owned(),
        }
    }
}

/// A message attribute (`messageAttributes.<name>`); binary values are decoded from base64.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageAttribute<'a> {
    name: Cow<'a, str>,
    data_type: Option<Cow<'a, str>>,
    string_value: Option<Cow<'a, str>>,
    binary_value: Option<Vec<u8>>,
    string_list_values: Vec<Cow<'a, str>>,
    binary_list_values: Vec<Vec<u8>>,
}

impl<'a> MessageAttribute<'a> {
    fn from_wire(
        name: Cow<'a, str>,
        value: Field<Obj<MessageAttributeWire<'a>>>,
    ) -> Result<Self, RecordError> {
        const FIELD: &str = "messageAttributes.<name>";
        let Obj(w) = req(value, FIELD)?;
        let strings = |list: Option<List<Cow<'a, str>>>| -> Result<Vec<Cow<'a, str>>, RecordError> {
            list.map_or(Ok(Vec::new()), |l| {
                l.0.into_iter()
                    .map(|item| req(item, "messageAttributes.<name>.stringListValues[]"))
                    .collect()
            })
        };
        let binary_value = opt(w.binary_value, "messageAttributes.<name>.binaryValue")?
            .map(|b| base64(&b, "messageAttributes.<name>.binaryValue"))
            .transpose()?;
        let binary_list_values = strings(opt(
            w.binary_list_values,
            "messageAttributes.<name>.binaryListValues",
        )?)?
        .iter()
        .map(|b| base64(b, "messageAttributes.<name>.binaryListValues[]"))
        .collect::<Result<_, _>>()?;
        Ok(MessageAttribute {
            data_type: opt(w.data_type, "messageAttributes.<name>.dataType")?,
            string_value: opt(w.string_value, "messageAttributes.<name>.stringValue")?,
            binary_value,
            string_list_values: strings(opt(
                w.string_list_values,
                "messageAttributes.<name>.stringListValues",
            )?)?,
            binary_list_values,
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
    pub fn binary_value(&self) -> Option<&[u8]> {
        self.binary_value.as_deref()
    }
    /// `stringListValues`.
    pub fn string_list_values(&self) -> &[Cow<'a, str>] {
        &self.string_list_values
    }
    /// `binaryListValues`, each decoded from base64.
    pub fn binary_list_values(&self) -> &[Vec<u8>] {
        &self.binary_list_values
    }

    fn into_owned(self) -> MessageAttribute<'static> {
        MessageAttribute {
            name: Cow::Owned(self.name.into_owned()),
            data_type: own(self.data_type),
            string_value: own(self.string_value),
            binary_value: self.binary_value,
            string_list_values: self
                .string_list_values
                .into_iter()
                .map(|s| Cow::Owned(s.into_owned()))
                .collect(),
            binary_list_values: self.binary_list_values,
        }
    }
}
