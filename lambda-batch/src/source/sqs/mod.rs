//! Amazon SQS, standard and FIFO queues.
//!
//! Identifier: `messageId`. FIFO is told by the queue ARN (`.fifo`), never by
//! the presence of a `MessageGroupId`: fair queues set it on standard queues.
//!
//! What is checked when:
//!
//! | field | checked |
//! |---|---|
//! | `messageId` | when the event is read: the record's identifier |
//! | `body` and the other text fields (`receiptHandle`, `eventSourceARN`, ...), the text system attributes (`MessageGroupId`, `SenderId`, ...) | when the event is read, for their JSON kind only: a number where text belongs fails the record, since its accessor would otherwise read it as absent |
//! | numeric system attributes (`ApproximateReceiveCount`, `SentTimestamp`, ...) | when read: [`SqsAttributes::approximate_receive_count`] and its siblings return a `Result` |
//! | `messageAttributes` | when read: [`SqsRecord::message_attributes`]; binary values when their accessor decodes them |
//!
//! A field no handler reads never fails a record: a message attribute whose
//! `binaryValue` is not base64 fails the record only for the handler that
//! asks for that value.

use std::borrow::Cow;

use serde::de::value::MapAccessDeserializer;
use serde::Deserialize;

use super::envelope;
use super::lazy::Raw;
use super::lenient::{text_id, ConvertElement, Field, Obj};
use super::{EventSource, Parsed};
use crate::error::{InvalidEvent, RecordError};

mod attributes;

pub use attributes::{MessageAttribute, SqsAttributes};

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
/// assert_eq!(record.attributes().approximate_receive_count()?, Some(2));
/// assert!(record.is_fifo_queue());
/// assert_eq!(record.queue_url().as_deref(), Some("https://sqs.us-east-2.amazonaws.com/123456789012/orders.fifo"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
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
    message_attributes: Raw<'a>,
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

impl Wire<'_> {
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
            message_attributes: self.message_attributes.into_owned(),
            md5_of_body: self.md5_of_body.into_owned(),
            md5_of_message_attributes: self.md5_of_message_attributes.into_owned(),
            event_source: self.event_source.into_owned(),
            event_source_arn: self.event_source_arn.into_owned(),
            aws_region: self.aws_region.into_owned(),
        }
    }
}

/// A message of an SQS batch.
///
/// Accessors return what the event holds; optional fields that SQS always
/// sends are still `Option`, so a record missing them is processed rather
/// than failed. Fields that need decoding are decoded by the accessor that
/// reads them (see the [module](self) for which).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqsRecord<'a> {
    wire: Wire<'a>,
}

impl<'a> SqsRecord<'a> {
    fn from_wire(wire: Wire<'a>) -> Result<Self, RecordError> {
        wire.message_id.check("messageId")?;
        wire.receipt_handle.check("receiptHandle")?;
        wire.body.required("body")?;
        wire.attributes.check("attributes")?;
        if let Field::Value(Obj(attributes)) = &wire.attributes {
            attributes.check()?;
        }
        wire.md5_of_body.check("md5OfBody")?;
        wire.md5_of_message_attributes
            .check("md5OfMessageAttributes")?;
        wire.event_source.check("eventSource")?;
        wire.event_source_arn.check("eventSourceARN")?;
        wire.aws_region.check("awsRegion")?;
        Ok(SqsRecord { wire })
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
            _ => SqsAttributes::none(),
        }
    }
    /// The message attributes (`messageAttributes`), in event order, read
    /// from the text the event pass kept (each call reads them again: keep
    /// the list if you need it more than once).
    ///
    /// ```
    /// # use lambda_batch::source::{EventSource, Sqs};
    /// let event = r#"{"Records":[{"messageId":"m","body":"",
    ///   "messageAttributes":{"kind":{"dataType":"String","stringValue":"order"}}}]}"#;
    /// let records = Sqs::parse(event)?;
    /// let attributes = records[0].record().unwrap().message_attributes()?;
    /// assert_eq!(attributes[0].name(), "kind");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`RecordError`] naming the attribute when `messageAttributes` is not
    /// an object of attribute objects, or an attribute's fields have the
    /// wrong JSON kind.
    pub fn message_attributes(&self) -> Result<Vec<MessageAttribute<'_>>, RecordError> {
        attributes::read_message_attributes(&self.wire.message_attributes)
    }
    /// The message attribute of this name.
    ///
    /// ```
    /// # use lambda_batch::source::{EventSource, Sqs};
    /// let event = r#"{"Records":[{"messageId":"m","body":"",
    ///   "messageAttributes":{"kind":{"dataType":"String","stringValue":"order"}}}]}"#;
    /// let records = Sqs::parse(event)?;
    /// let kind = records[0].record().unwrap().message_attribute("kind")?.unwrap();
    /// assert_eq!(kind.string_value(), Some("order"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`message_attributes`](Self::message_attributes).
    pub fn message_attribute(
        &self,
        name: &str,
    ) -> Result<Option<MessageAttribute<'_>>, RecordError> {
        Ok(self
            .message_attributes()?
            .into_iter()
            .find(|a| a.name() == name))
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
        }
    }
}

pub(crate) fn own(text: Option<Cow<'_, str>>) -> Option<Cow<'static, str>> {
    text.map(|t| Cow::Owned(t.into_owned()))
}
