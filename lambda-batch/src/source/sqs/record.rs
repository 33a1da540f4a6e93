//! An SQS message as the event pass keeps it: text fields borrowed from
//! the event (or, where the event escaped them, unescaped and owned), JSON
//! fields kept as text and decoded by their accessors.

use std::borrow::Cow;
use std::fmt;

use super::attributes::{self, MessageAttribute, SqsAttributes};
use crate::error::RecordError;

/// A message of an SQS batch.
///
/// Accessors return what the event holds; optional fields that SQS always
/// sends are still `Option`, so a record missing them is processed rather
/// than failed. Fields that need decoding are decoded by the accessor that
/// reads them (see the [module](crate::source::sqs) for which).
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
#[derive(Clone, Default)]
pub struct SqsRecord<'a> {
    /// The text fields, by [`Text`], when the event wrote them without JSON
    /// escapes: borrowed from the event, 16 bytes each.
    texts: [Option<&'a str>; TEXTS],
    body: Cow<'a, str>,
    /// The text fields the event wrote with escapes, unescaped, by [`Text`]
    /// (rare: SQS writes none), and every field of a record made owned.
    owned: Option<Box<[Option<String>; TEXTS]>>,
}

/// A record's text fields, by their place in [`SqsRecord`]'s storage.
/// `Attributes` and `MessageAttributes` are JSON texts, decoded when read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Text {
    MessageId,
    ReceiptHandle,
    Attributes,
    MessageAttributes,
    Md5OfBody,
    Md5OfMessageAttributes,
    EventSource,
    EventSourceArn,
    AwsRegion,
}

const TEXTS: usize = Text::AwsRegion as usize + 1;

impl<'a> SqsRecord<'a> {
    /// Keeps `text` as the field `field`: borrowed where the event allows.
    #[inline]
    pub(super) fn put(&mut self, field: Text, text: Cow<'a, str>) {
        match text {
            Cow::Borrowed(text) => self.texts[field as usize] = Some(text),
            Cow::Owned(text) => self.put_owned(field, text),
        }
    }

    #[cold]
    #[inline(never)]
    fn put_owned(&mut self, field: Text, text: String) {
        self.owned.get_or_insert_with(Box::default)[field as usize] = Some(text);
        self.texts[field as usize] = None;
    }

    /// Sets the body.
    #[inline]
    pub(super) fn set_body(&mut self, body: Cow<'a, str>) {
        self.body = body;
    }

    /// The field `field`, wherever it is kept.
    #[inline]
    fn text(&self, field: Text) -> Option<&str> {
        self.text_at(field as usize)
    }

    /// The text field at position `at` of the storage, wherever it is kept.
    #[inline]
    fn text_at(&self, at: usize) -> Option<&str> {
        match self.texts[at] {
            Some(text) => Some(text),
            None => self.owned.as_ref()?[at].as_deref(),
        }
    }

    /// `messageId`, the record's identifier.
    pub fn message_id(&self) -> Option<&str> {
        self.text(Text::MessageId)
    }
    /// `receiptHandle`, to delete or change the visibility of the message yourself.
    pub fn receipt_handle(&self) -> Option<&str> {
        self.text(Text::ReceiptHandle)
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
        SqsAttributes::read(self.text(Text::Attributes))
    }
    /// `attributes.MessageGroupId`: the message group of a FIFO queue's
    /// message (fair standard queues set it too), read from the text the
    /// event pass kept.
    ///
    /// Unlike [`attributes()`](Self::attributes), which checks every text
    /// attribute, this checks only the group id: a `MessageGroupId` that is
    /// not text fails this read, any other malformed attribute does not.
    /// The id is borrowed from the event, or unescaped into an owned text
    /// when the event wrote it with JSON escapes (group ids may hold `"`
    /// and `\`).
    ///
    /// ```
    /// use lambda_batch::source::{EventSource, Sqs};
    ///
    /// let event = r#"{"Records":[
    ///   {"messageId":"m1","body":"","attributes":{"MessageGroupId":"customer-42","SenderId":7}},
    ///   {"messageId":"m2","body":"","attributes":{"MessageGroupId":42}},
    ///   {"messageId":"m3","body":""}]}"#;
    /// let records = Sqs::parse(event)?;
    /// let group = |i: usize| records[i].record().unwrap().message_group_id();
    /// // A `SenderId` that is not text fails only a handler that reads it.
    /// assert_eq!(group(0)?.as_deref(), Some("customer-42"));
    /// assert_eq!(
    ///     group(1).unwrap_err().to_string(),
    ///     "field `attributes.MessageGroupId` is a number, expected a string"
    /// );
    /// assert_eq!(group(2)?, None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`RecordError`] when `attributes` is not an object, or its
    /// `MessageGroupId` is not text.
    pub fn message_group_id(&self) -> Result<Option<Cow<'_, str>>, RecordError> {
        SqsAttributes::read_unchecked(self.text(Text::Attributes))?.into_message_group_id()
    }
    /// `attributes.MessageDeduplicationId` (FIFO queues), read and checked
    /// alone as [`message_group_id`](Self::message_group_id) reads its id.
    ///
    /// ```
    /// use lambda_batch::source::{EventSource, Sqs};
    ///
    /// let event = r#"{"Records":[
    ///   {"messageId":"m1","body":"","attributes":{"MessageDeduplicationId":"order-7\"a\""}},
    ///   {"messageId":"m2","body":"","attributes":{"MessageDeduplicationId":["order-7"]}}]}"#;
    /// let records = Sqs::parse(event)?;
    /// let dedup = |i: usize| records[i].record().unwrap().message_deduplication_id();
    /// assert_eq!(dedup(0)?.as_deref(), Some(r#"order-7"a""#));
    /// assert_eq!(
    ///     dedup(1).unwrap_err().to_string(),
    ///     "field `attributes.MessageDeduplicationId` is an array, expected a string"
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`RecordError`] when `attributes` is not an object, or its
    /// `MessageDeduplicationId` is not text.
    pub fn message_deduplication_id(&self) -> Result<Option<Cow<'_, str>>, RecordError> {
        SqsAttributes::read_unchecked(self.text(Text::Attributes))?.into_message_deduplication_id()
    }
    /// `attributes.ApproximateReceiveCount`: how many times the message was
    /// received, 1 the first time; read and checked alone, as
    /// [`message_group_id`](Self::message_group_id) reads its id.
    ///
    /// ```
    /// use lambda_batch::source::{EventSource, Sqs};
    ///
    /// let event = r#"{"Records":[
    ///   {"messageId":"m1","body":"","attributes":{"ApproximateReceiveCount":"3","MessageGroupId":false}},
    ///   {"messageId":"m2","body":"","attributes":{"ApproximateReceiveCount":"often"}}]}"#;
    /// let records = Sqs::parse(event)?;
    /// let count = |i: usize| records[i].record().unwrap().approximate_receive_count();
    /// assert_eq!(count(0)?, Some(3));
    /// assert_eq!(
    ///     count(1).unwrap_err().to_string(),
    ///     "field `attributes.ApproximateReceiveCount` is invalid: `often` is not a whole number of type u32"
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`RecordError`] when `attributes` is not an object, or its
    /// `ApproximateReceiveCount` is not a whole number.
    pub fn approximate_receive_count(&self) -> Result<Option<u32>, RecordError> {
        SqsAttributes::read_unchecked(self.text(Text::Attributes))?.approximate_receive_count()
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
        attributes::read_message_attributes(self.text(Text::MessageAttributes))
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
        self.text(Text::Md5OfBody)
    }
    /// `md5OfMessageAttributes`.
    pub fn md5_of_message_attributes(&self) -> Option<&str> {
        self.text(Text::Md5OfMessageAttributes)
    }
    /// `eventSource`, normally `aws:sqs`.
    pub fn event_source(&self) -> Option<&str> {
        self.text(Text::EventSource)
    }
    /// `eventSourceARN`: the queue's ARN.
    pub fn event_source_arn(&self) -> Option<&str> {
        self.text(Text::EventSourceArn)
    }
    /// `awsRegion`.
    pub fn aws_region(&self) -> Option<&str> {
        self.text(Text::AwsRegion)
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
        let mut owned = self.owned.unwrap_or_default();
        for (slot, text) in owned.iter_mut().zip(self.texts) {
            if let Some(text) = text {
                *slot = Some(text.to_owned());
            }
        }
        SqsRecord {
            texts: [None; TEXTS],
            body: Cow::Owned(self.body.into_owned()),
            owned: Some(owned),
        }
    }
}

impl fmt::Debug for SqsRecord<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqsRecord")
            .field("message_id", &self.message_id())
            .field("receipt_handle", &self.receipt_handle())
            .field("body", &self.body())
            .field("attributes", &self.text(Text::Attributes))
            .field("message_attributes", &self.text(Text::MessageAttributes))
            .field("md5_of_body", &self.md5_of_body())
            .field(
                "md5_of_message_attributes",
                &self.md5_of_message_attributes(),
            )
            .field("event_source", &self.event_source())
            .field("event_source_arn", &self.event_source_arn())
            .field("aws_region", &self.aws_region())
            .finish()
    }
}

/// Records are equal when every field reads the same, whether it is kept
/// borrowed or owned.
impl PartialEq for SqsRecord<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.body == other.body && (0..TEXTS).all(|at| self.text_at(at) == other.text_at(at))
    }
}

impl Eq for SqsRecord<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_is_compact() {
        // Nine borrowed texts, the body and the pointer to the owned texts.
        assert_eq!(std::mem::size_of::<SqsRecord<'_>>(), 9 * 16 + 24 + 8);
    }

    #[test]
    fn escaped_texts_are_kept_owned_and_read_alike() {
        let mut record = SqsRecord::default();
        record.put(Text::ReceiptHandle, Cow::Borrowed("AQEB"));
        record.put(Text::AwsRegion, Cow::Owned("us-\"east".to_owned()));
        assert_eq!(record.receipt_handle(), Some("AQEB"));
        assert_eq!(record.aws_region(), Some("us-\"east"));
        assert_eq!(record.message_id(), None);
        let owned = record.clone().into_owned();
        assert_eq!(owned, record);
        assert_eq!(owned.receipt_handle(), Some("AQEB"));
        // A later borrowed value of a field replaces an owned one.
        record.put(Text::AwsRegion, Cow::Borrowed("eu-west-1"));
        assert_eq!(record.aws_region(), Some("eu-west-1"));
    }
}
