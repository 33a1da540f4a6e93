//! Amazon DynamoDB Streams.
//!
//! Identifier: `dynamodb.SequenceNumber` in an event source mapping's
//! event (Lambda checkpoints at the lowest reported sequence number and
//! redelivers every record after it), `eventID` in an EventBridge pipe's
//! batch, as the pipe expects it (its records are otherwise the same).
//!
//! What is checked when:
//!
//! - **When the event is read**: the identifier, `dynamodb.SequenceNumber`
//!   (`eventID` in a pipe's batch; a record without one that fails cannot
//!   be reported, so it fails the invocation), and the JSON types of the plain string fields (`eventID`,
//!   `eventName`, `userIdentity`, `dynamodb.StreamViewType`, ...). A record
//!   whose field has the wrong type, or that gives a key twice, fails
//!   alone, reported by its identifier.
//! - **When read**: the item images (`Keys`, `NewImage`, `OldImage`) and the
//!   numbers (`ApproximateCreationDateTime`, `SizeBytes`) are kept as their
//!   text and decoded by the accessor that reads them, which returns a
//!   [`RecordError`](crate::RecordError) naming the field, such as
//!   `dynamodb.NewImage.items[2].qty`. A malformed image fails only the
//!   handler that reads it; one no one reads never fails a record. `Keys`
//!   is also read for the ordering key, when the stream mode orders records
//!   per item.
//!
//! Images read as attribute values ([`DynamoDbRecord::new_image`], an
//! [`Image`] of [`AttributeValue`]s, with plain JSON from [`Image::to_json`])
//! or straight from their text into your own types
//! ([`DynamoDbRecord::new_image_as`], [`from_str`], and
//! [`Images`](crate::typed::Images) for typed handlers), without building
//! attribute values.

use std::borrow::Cow;

use super::envelope;
use super::{EventSource, Foreign, Parsed};
use crate::error::InvalidEvent;
use event::Records;

mod attribute;
mod change;
mod de;
mod descriptor;
mod error;
mod event;
mod image;
mod number;
mod reader;
mod record;
mod record_images;
mod text;
mod text_access;
mod text_de;
mod tree;

pub use attribute::AttributeValue;
pub use change::{ChangeKind, UserIdentity};
pub use error::ImageError;
pub use image::{Image, ImageIter};
pub use record::DynamoDbRecord;
pub use text::from_str;

pub(crate) use record_images::Which;

/// The DynamoDB Streams event source.
///
/// ```
/// use lambda_batch::source::{DynamoDb, EventSource};
/// use lambda_batch::source::dynamodb::ChangeKind;
///
/// let event = r#"{"Records":[{"eventID":"c4ca4238a0b923820dcc509a6f75849b","eventName":"INSERT",
///   "eventSource":"aws:dynamodb","awsRegion":"us-east-2",
///   "dynamodb":{"ApproximateCreationDateTime":1480642020,"Keys":{"Id":{"N":"101"}},
///     "NewImage":{"Id":{"N":"101"},"Message":{"S":"New item!"}},
///     "SequenceNumber":"111","SizeBytes":26,"StreamViewType":"NEW_AND_OLD_IMAGES"}}]}"#;
/// let records = DynamoDb::parse(event)?;
/// assert_eq!(records[0].identifier().unwrap().to_string(), "111");
/// let record = records[0].record().unwrap();
/// assert_eq!(record.change(), Some(ChangeKind::Insert));
/// let image = record.new_image()?.unwrap();
/// assert_eq!(image.get("Message").and_then(|m| m.as_s()), Some("New item!"));
/// assert_eq!(image.to_json(), serde_json::json!({"Id": 101, "Message": "New item!"}));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DynamoDb;

impl super::sealed::Sealed for DynamoDb {}

impl EventSource for DynamoDb {
    const NAME: &'static str = "dynamodb";
    type Record<'a> = DynamoDbRecord<'a>;

    fn parse(event: &str) -> Result<Vec<Parsed<'_, DynamoDbRecord<'_>>>, InvalidEvent> {
        let foreign = Foreign::default();
        let description = "a DynamoDB Streams event's list of records";
        envelope::named_records(
            event,
            &Records::<false> { foreign: &foreign },
            &Records::<true> { foreign: &foreign },
            &foreign,
            description,
            "DynamoDB Streams",
        )
    }

    const ORDERING_SCOPE: &'static str = "item key";

    fn ordering_key<'r>(
        record: &'r DynamoDbRecord<'_>,
    ) -> Result<Option<Cow<'r, str>>, crate::error::RecordError> {
        // Read from the text when asked for: an unreadable `Keys` fails the record.
        Ok(record.keys()?.map(|keys| Cow::Owned(keys.key_text())))
    }
}

#[cfg(test)]
mod tests;
