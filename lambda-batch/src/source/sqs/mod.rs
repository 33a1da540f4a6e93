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
//! | the system attributes (`attributes`) | when read: [`SqsRecord::attributes`] checks every text attribute, numeric ones ([`SqsAttributes::approximate_receive_count`], ...) when their accessor parses them; [`SqsRecord::message_group_id`], [`SqsRecord::message_deduplication_id`] and [`SqsRecord::approximate_receive_count`] check only the attribute they read |
//! | `messageAttributes` | when read: [`SqsRecord::message_attributes`]; binary values when their accessor decodes them |
//!
//! A field no handler reads never fails a record: a message attribute whose
//! `binaryValue` is not base64 fails the record only for the handler that
//! asks for that value.

use std::borrow::Cow;

use serde::de::IgnoredAny;

use super::read::event::named_records;
use super::read::field::text_id;
use super::read::keys::{record_keys, FieldKey as _, Fields};
use super::read::records::ConvertElement;
use super::{EventSource, Foreign, Parsed};
use crate::error::{InvalidEvent, RecordError};
use crate::response::ItemIdentifier;

mod attributes;
mod record;
#[cfg(test)]
mod tests;

pub use attributes::{MessageAttribute, SqsAttributes};
pub use record::SqsRecord;
use record::Text;

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
        named_records(
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
        record.message_group_id()
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
        crate::source::read::recovery::text_identifier(record, None, Key::MessageId.text())
    }

    fn convert_map<A: serde::de::MapAccess<'a>>(
        &self,
        map: A,
        index: usize,
    ) -> Result<Parsed<'a, Self::Record>, A::Error> {
        let mut identifier = None;
        let mut record = SqsRecord::default();
        let checked = self.read(map, index, &mut identifier, &mut record)?;
        Ok(Parsed::new(identifier, checked.map(|()| record)))
    }

    // A record is 176 bytes: built where it stays, it is not copied there.
    #[inline(always)]
    fn convert_map_onto<A: serde::de::MapAccess<'a>>(
        &self,
        map: A,
        out: &mut Vec<Parsed<'a, Self::Record>>,
    ) -> Result<(), A::Error> {
        let index = out.len();
        out.push(Parsed::new(None, Ok(SqsRecord::default())));
        if let Some(parsed) = out.last_mut() {
            let (identifier, slot) = parsed.parts_mut();
            if let Ok(record) = slot {
                if let Err(problem) = self.read(map, index, identifier, record)? {
                    *slot = Err(problem);
                }
            }
        }
        Ok(())
    }
}

impl Records {
    /// Reads a record's fields into `record` and its identifier into
    /// `identifier`; `Ok(Err(_))` when the record fails alone.
    #[inline(always)]
    fn read<'a, A: serde::de::MapAccess<'a>>(
        &self,
        mut map: A,
        index: usize,
        identifier: &mut Option<ItemIdentifier<'a>>,
        record: &mut SqsRecord<'a>,
    ) -> Result<Result<(), RecordError>, A::Error> {
        let mut body = None;
        let mut fields = Fields::default();
        while let Some(key) = map.next_key_seed(Key::Other)? {
            let m = &mut map;
            let (field, text) = match key {
                Key::MessageId => {
                    let text = fields.text_value(m, key)?;
                    if text.is_some() {
                        *identifier = text_id(text.as_ref());
                    }
                    (Text::MessageId, text)
                }
                Key::ReceiptHandle => (Text::ReceiptHandle, fields.text_value(m, key)?),
                Key::Body => {
                    body = fields.text_value(m, key)?.or(body);
                    continue;
                }
                Key::Attributes => (Text::Attributes, fields.raw_value(m, key)?),
                Key::MessageAttributes => (Text::MessageAttributes, fields.raw_value(m, key)?),
                Key::Md5OfBody => (Text::Md5OfBody, fields.text_value(m, key)?),
                Key::Md5OfMessageAttributes => {
                    (Text::Md5OfMessageAttributes, fields.text_value(m, key)?)
                }
                Key::EventSource => (Text::EventSource, fields.text_value(m, key)?),
                Key::EventSourceArn => (Text::EventSourceArn, fields.text_value(m, key)?),
                Key::AwsRegion => (Text::AwsRegion, fields.text_value(m, key)?),
                Key::Other => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            if let Some(text) = text {
                record.put(field, text);
            }
        }
        self.foreign.note(index, record.event_source(), "aws:sqs");
        Ok(fields.finish().and_then(|()| match body {
            Some(body) => {
                record.set_body(body);
                Ok(())
            }
            None => Err(RecordError::Missing {
                field: Key::Body.name(),
            }),
        }))
    }
}

pub(crate) fn own(text: Option<Cow<'_, str>>) -> Option<Cow<'static, str>> {
    text.map(|t| Cow::Owned(t.into_owned()))
}
