//! Amazon SQS, standard and FIFO queues.
//!
//! Identifier: `messageId`, for an event source mapping and for an
//! EventBridge pipe alike (a pipe's batch is the list of the same records).
//! FIFO is told by the queue ARN (`.fifo`), never by the presence of a
//! `MessageGroupId`: fair queues set it on standard queues.
//!
//! What is checked when:
//!
//! | field | checked |
//! |---|---|
//! | `messageId` | when the event is read: the record's identifier |
//! | `body` and the other text fields (`receiptHandle`, `eventSourceARN`, ...) | when the event is read, for their JSON kind only: a number where text belongs fails the record, since its accessor would otherwise read it as absent |
//! | the system attributes (`attributes`) | when read: [`SqsRecord::attributes`]; numeric ones ([`SqsAttributes::approximate_receive_count`], ...) when their accessor parses them |
//! | `messageAttributes` | when read: [`SqsRecord::message_attributes`]; binary values when their accessor decodes them |
//!
//! A field no handler reads never fails a record: a message attribute whose
//! `binaryValue` is not base64 fails the record only for the handler that
//! asks for that value.

use std::borrow::Cow;

use serde::de::IgnoredAny;

use super::envelope;
use super::fields::{record_keys, Fields};
use super::lazy::Raw;
use super::lenient::{text_id, ConvertElement};
use super::{EventSource, Foreign, Parsed};
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
/// assert_eq!(record.attributes()?.approximate_receive_count()?, Some(2));
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
        // A pipe's SQS records are the event source mapping's records.
        let records = Records::default();
        let description = "an SQS event's list of records";
        envelope::named_records(
            event,
            &records,
            &records,
            &records.foreign,
            description,
            "SQS",
        )
    }

    const ORDERING_SCOPE: &'static str = "message group";

    fn ordering_key<'r>(record: &'r SqsRecord<'_>) -> Result<Option<Cow<'r, str>>, RecordError> {
        Ok(record.attributes()?.into_message_group_id())
    }

    fn from_fifo_queue(record: &SqsRecord<'_>) -> bool {
        record.is_fifo_queue()
    }
}

/// Turns each element of `Records` into a parsed record as it is read,
/// noting a record that names another source.
#[derive(Default)]
struct Records {
    foreign: Foreign,
}

record_keys!(Key {
    MessageId = "messageId",
    ReceiptHandle = "receiptHandle",
    Body = "body",
    Attributes = "attributes",
    MessageAttributes = "messageAttributes",
    Md5OfBody = "md5OfBody",
    Md5OfMessageAttributes = "md5OfMessageAttributes",
    EventSource = "eventSource",
    EventSourceArn = "eventSourceARN",
    AwsRegion = "awsRegion",
});

impl<'a> ConvertElement<'a> for Records {
    type Record = SqsRecord<'a>;

    fn identify(&self, record: &'a str) -> Option<crate::response::ItemIdentifier<'a>> {
        crate::source::recover::text_identifier(record, None, "messageId")
    }

    fn convert_map<A: serde::de::MapAccess<'a>>(
        &self,
        mut map: A,
        index: usize,
    ) -> Result<Parsed<'a, Self::Record>, A::Error> {
        let mut record = SqsRecord::default();
        let mut body = None;
        let mut fields = Fields::default();
        while let Some(key) = map.next_key_seed(Key::Other)? {
            let m = &mut map;
            let bit = key.bit();
            match key {
                Key::MessageId => fields.text(m, bit, "messageId", &mut record.message_id)?,
                Key::ReceiptHandle => {
                    fields.text(m, bit, "receiptHandle", &mut record.receipt_handle)?
                }
                Key::Body => fields.text(m, bit, "body", &mut body)?,
                Key::Attributes => fields.raw(m, bit, "attributes", &mut record.attributes)?,
                Key::MessageAttributes => {
                    fields.raw(m, bit, "messageAttributes", &mut record.message_attributes)?
                }
                Key::Md5OfBody => fields.text(m, bit, "md5OfBody", &mut record.md5_of_body)?,
                Key::Md5OfMessageAttributes => fields.text(
                    m,
                    bit,
                    "md5OfMessageAttributes",
                    &mut record.md5_of_message_attributes,
                )?,
                Key::EventSource => fields.text(m, bit, "eventSource", &mut record.event_source)?,
                Key::EventSourceArn => {
                    fields.text(m, bit, "eventSourceARN", &mut record.event_source_arn)?
                }
                Key::AwsRegion => fields.text(m, bit, "awsRegion", &mut record.aws_region)?,
                Key::Other => map.next_value::<IgnoredAny>().map(drop)?,
            }
        }
        self.foreign
            .note(index, record.event_source.as_deref(), "aws:sqs");
        let identifier = text_id(record.message_id.as_ref());
        let checked = fields.finish().and_then(|()| match body {
            Some(body) => {
                record.body = body;
                Ok(record)
            }
            None => Err(RecordError::Missing { field: "body" }),
        });
        Ok(Parsed::new(identifier, checked))
    }
}

/// A message of an SQS batch.
///
/// Accessors return what the event holds; optional fields that SQS always
/// sends are still `Option`, so a record missing them is processed rather
/// than failed. Fields that need decoding are decoded by the accessor that
/// reads them (see the [module](self) for which).
///
/// ```
/// use lambda_batch::source::{EventSource, Sqs};
///
/// let event = r#"{"Records":[{"messageId":"m1","receiptHandle":"AQEB","body":"{\"id\":7}",
///   "attributes":{"ApproximateReceiveCount":"3"},"eventSource":"aws:sqs",
///   "eventSourceARN":"arn:aws:sqs:us-east-2:123456789012:orders","awsRegion":"us-east-2"}]}"#;
/// let records = Sqs::parse(event)?;
/// let record = records[0].record().unwrap();
/// assert_eq!((record.message_id(), record.receipt_handle()), (Some("m1"), Some("AQEB")));
/// assert_eq!(record.body(), r#"{"id":7}"#);
/// assert_eq!(record.attributes()?.approximate_receive_count()?, Some(3));
/// assert!(!record.is_fifo_queue());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SqsRecord<'a> {
    message_id: Option<Cow<'a, str>>,
    receipt_handle: Option<Cow<'a, str>>,
    body: Cow<'a, str>,
    attributes: Raw<'a>,
    message_attributes: Raw<'a>,
    md5_of_body: Option<Cow<'a, str>>,
    md5_of_message_attributes: Option<Cow<'a, str>>,
    event_source: Option<Cow<'a, str>>,
    event_source_arn: Option<Cow<'a, str>>,
    aws_region: Option<Cow<'a, str>>,
}

impl<'a> SqsRecord<'a> {
    /// `messageId`, the record's identifier.
    pub fn message_id(&self) -> Option<&str> {
        self.message_id.as_deref()
    }
    /// `receiptHandle`, to delete or change the visibility of the message yourself.
    pub fn receipt_handle(&self) -> Option<&str> {
        self.receipt_handle.as_deref()
    }
    /// The message body, unescaped.
    pub fn body(&self) -> &str {
        &self.body
    }
    /// The system attributes (`attributes`), read from the text the event
    /// pass kept (each call reads them again: keep them if you need them
    /// more than once).
    ///
    /// ```
    /// # use lambda_batch::source::{EventSource, Sqs};
    /// let event = r#"{"Records":[{"messageId":"m","body":"","attributes":{"MessageGroupId":"g1"}},
    ///   {"messageId":"n","body":"","attributes":"not an object"}]}"#;
    /// let records = Sqs::parse(event)?;
    /// assert_eq!(records[0].record().unwrap().attributes()?.message_group_id(), Some("g1"));
    /// let err = records[1].record().unwrap().attributes().unwrap_err();
    /// assert_eq!(err.to_string(), "field `attributes` is a string, expected an object");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`RecordError`] when `attributes` is not an object, or one of its
    /// text attributes is not text.
    pub fn attributes(&self) -> Result<SqsAttributes<'_>, RecordError> {
        SqsAttributes::read(&self.attributes)
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
        attributes::read_message_attributes(&self.message_attributes)
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
        self.md5_of_body.as_deref()
    }
    /// `md5OfMessageAttributes`.
    pub fn md5_of_message_attributes(&self) -> Option<&str> {
        self.md5_of_message_attributes.as_deref()
    }
    /// `eventSource`, normally `aws:sqs`.
    pub fn event_source(&self) -> Option<&str> {
        self.event_source.as_deref()
    }
    /// `eventSourceARN`: the queue's ARN.
    pub fn event_source_arn(&self) -> Option<&str> {
        self.event_source_arn.as_deref()
    }
    /// `awsRegion`.
    pub fn aws_region(&self) -> Option<&str> {
        self.aws_region.as_deref()
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
            message_id: own(self.message_id),
            receipt_handle: own(self.receipt_handle),
            body: Cow::Owned(self.body.into_owned()),
            attributes: self.attributes.into_owned(),
            message_attributes: self.message_attributes.into_owned(),
            md5_of_body: own(self.md5_of_body),
            md5_of_message_attributes: own(self.md5_of_message_attributes),
            event_source: own(self.event_source),
            event_source_arn: own(self.event_source_arn),
            aws_region: own(self.aws_region),
        }
    }
}

pub(crate) fn own(text: Option<Cow<'_, str>>) -> Option<Cow<'static, str>> {
    text.map(|t| Cow::Owned(t.into_owned()))
}
