//! The images of a record (`Keys`, `NewImage`, `OldImage`), read from
//! the text the event pass kept: as attribute values, or into your types.

use serde::Deserialize;

use super::error::ImageError;
use super::image::Image;
use super::reader::Reader;
use super::record::DynamoDbRecord;
use super::{text, tree};
use crate::error::RecordError;
use crate::source::lazy::Raw;
use crate::source::lenient::JsonKind;

/// One of the images of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Which {
    Keys,
    New,
    Old,
}

impl Which {
    /// The field's path in the record, such as `dynamodb.NewImage`.
    pub(crate) fn field(self) -> &'static str {
        match self {
            Which::Keys => "dynamodb.Keys",
            Which::New => "dynamodb.NewImage",
            Which::Old => "dynamodb.OldImage",
        }
    }
}

/// Checks that an image's text is a JSON object, as the field's type.
fn object(text: &str, field: &'static str) -> Result<(), RecordError> {
    match Reader::new(text).kind() {
        JsonKind::Object => Ok(()),
        found => Err(RecordError::WrongType {
            field,
            found: found.describe(),
            expected: "an object",
        }),
    }
}

impl<'a> DynamoDbRecord<'a> {
    fn raw(&self, which: Which) -> &Raw<'a> {
        match which {
            Which::Keys => &self.keys,
            Which::New => &self.new_image,
            Which::Old => &self.old_image,
        }
    }

    /// The JSON text of an image, as the event holds it; `None` when absent or null.
    pub(crate) fn image_text(&self, which: Which) -> Option<&str> {
        self.raw(which).text()
    }

    /// An image decoded straight from its text into `T`.
    pub(crate) fn decode_image<'r, T: Deserialize<'r>>(
        &'r self,
        which: Which,
    ) -> Result<Option<T>, ImageError> {
        // The text of a raw value of the event: JSON, as serde_json read it.
        self.image_text(which).map(text::from_json).transpose()
    }

    fn tree(&self, which: Which) -> Result<Option<Image<'_>>, RecordError> {
        let Some(text) = self.image_text(which) else {
            return Ok(None);
        };
        object(text, which.field())?;
        tree::image(text)
            .map(Some)
            .map_err(|e| e.into_record_error(which.field()))
    }

    fn typed<'r, T: Deserialize<'r>>(&'r self, which: Which) -> Result<Option<T>, RecordError> {
        if let Some(text) = self.image_text(which) {
            object(text, which.field())?;
        }
        self.decode_image(which)
            .map_err(|e| e.into_record_error(which.field()))
    }

    /// `dynamodb.Keys`: the key attributes of the item, read from the event
    /// text on each call. See [`new_image`](Self::new_image).
    ///
    /// ```
    /// # use lambda_batch::source::{DynamoDb, EventSource};
    /// let event = r#"{"Records":[{"dynamodb":{"SequenceNumber":"1","Keys":{"id":{"S":"a"}}}}]}"#;
    /// let records = DynamoDb::parse(event)?;
    /// let keys = records[0].record().unwrap().keys()?.unwrap();
    /// assert_eq!(keys.to_json(), serde_json::json!({"id": "a"}));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`new_image`](Self::new_image), naming `dynamodb.Keys`.
    pub fn keys(&self) -> Result<Option<Image<'_>>, RecordError> {
        self.tree(Which::Keys)
    }

    /// `dynamodb.NewImage`: the item after the change, as attribute values,
    /// read from the event text on each call (keep the image to read it
    /// more than once). `None` when the record has none.
    ///
    /// To decode into a type of your own, [`new_image_as`](Self::new_image_as)
    /// reads the text straight into it, without building attribute values.
    ///
    /// ```
    /// # use lambda_batch::source::{DynamoDb, EventSource};
    /// # use lambda_batch::RecordError;
    /// let event = r#"{"Records":[
    ///   {"dynamodb":{"SequenceNumber":"1","NewImage":{"status":{"S":"ok"}}}},
    ///   {"dynamodb":{"SequenceNumber":"2","NewImage":{"status":{"X":"?"}}}}]}"#;
    /// let records = DynamoDb::parse(event)?;
    /// let image = records[0].record().unwrap().new_image()?.unwrap();
    /// assert_eq!(image.get("status").and_then(|s| s.as_s()), Some("ok"));
    /// // The second record reads: only its image does not.
    /// let err = records[1].record().unwrap().new_image().unwrap_err();
    /// assert_eq!(err.to_string(), "field `dynamodb.NewImage.status` is invalid: unknown attribute type `X`");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`RecordError::WrongType`] when the image is not a JSON object;
    /// [`RecordError::InvalidValue`] naming the attribute when one is
    /// malformed (an unknown type descriptor, a `B` that is not base64, an
    /// `N` that is not a number, ...).
    pub fn new_image(&self) -> Result<Option<Image<'_>>, RecordError> {
        self.tree(Which::New)
    }

    /// `dynamodb.OldImage`: the item before the change. See
    /// [`new_image`](Self::new_image).
    ///
    /// ```
    /// # use lambda_batch::source::{DynamoDb, EventSource};
    /// let event = r#"{"Records":[{"dynamodb":{"SequenceNumber":"1","OldImage":{"n":{"N":"2"}}}}]}"#;
    /// let records = DynamoDb::parse(event)?;
    /// let old = records[0].record().unwrap().old_image()?.unwrap();
    /// assert_eq!(old.get("n").and_then(|n| n.as_n()), Some("2"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`new_image`](Self::new_image), naming `dynamodb.OldImage`.
    pub fn old_image(&self) -> Result<Option<Image<'_>>, RecordError> {
        self.tree(Which::Old)
    }

    /// `dynamodb.NewImage` decoded straight from the event text into `T`
    /// (see [`from_str`](super::from_str) for how attributes convert).
    /// Only the attributes `T` reads are checked. `None` when the record has
    /// no new image.
    ///
    /// ```
    /// # use lambda_batch::source::{DynamoDb, EventSource};
    /// #[derive(serde::Deserialize)]
    /// struct Line { qty: u8 }
    /// #[derive(serde::Deserialize)]
    /// struct Order<'a> { status: &'a str, items: Vec<Line> }
    ///
    /// let event = r#"{"Records":[{"dynamodb":{"SequenceNumber":"1","NewImage":{
    ///   "status":{"S":"placed"},"items":{"L":[{"M":{"qty":{"N":"1"}}},{"M":{"qty":{"N":"1.5"}}}]},
    ///   "unread":{"B":"not base64, never decoded"}}}}]}"#;
    /// let records = DynamoDb::parse(event)?;
    /// let record = records[0].record().unwrap();
    /// let err = record.new_image_as::<Order<'_>>().err().unwrap();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "field `dynamodb.NewImage.items[1].qty` is invalid: number `1.5` is not a whole number, expected u8",
    /// );
    /// #[derive(serde::Deserialize)]
    /// struct Status<'a> { status: &'a str }
    /// assert_eq!(record.new_image_as::<Status<'_>>()?.unwrap().status, "placed");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`RecordError::WrongType`] when the image is not a JSON object;
    /// [`RecordError::InvalidValue`] naming the attribute when one that `T`
    /// reads is malformed or does not fit `T`.
    pub fn new_image_as<'r, T: Deserialize<'r>>(&'r self) -> Result<Option<T>, RecordError> {
        self.typed(Which::New)
    }

    /// `dynamodb.OldImage` decoded straight from the event text into `T`.
    /// See [`new_image_as`](Self::new_image_as).
    ///
    /// ```
    /// # use lambda_batch::source::{DynamoDb, EventSource};
    /// #[derive(serde::Deserialize)]
    /// struct Ttl { expires: u64 }
    /// let event = r#"{"Records":[{"dynamodb":{"SequenceNumber":"1","OldImage":{"expires":{"N":"1700000000"}}}}]}"#;
    /// let records = DynamoDb::parse(event)?;
    /// let old: Option<Ttl> = records[0].record().unwrap().old_image_as()?;
    /// assert_eq!(old.unwrap().expires, 1_700_000_000);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`new_image_as`](Self::new_image_as), naming `dynamodb.OldImage`.
    pub fn old_image_as<'r, T: Deserialize<'r>>(&'r self) -> Result<Option<T>, RecordError> {
        self.typed(Which::Old)
    }

    /// `dynamodb.Keys` decoded straight from the event text into `T`.
    /// See [`new_image_as`](Self::new_image_as).
    ///
    /// ```
    /// # use lambda_batch::source::{DynamoDb, EventSource};
    /// #[derive(serde::Deserialize)]
    /// struct Key { pk: String, sk: u32 }
    /// let event = r#"{"Records":[{"dynamodb":{"SequenceNumber":"1","Keys":{"sk":{"N":"7"},"pk":{"S":"a"}}}}]}"#;
    /// let records = DynamoDb::parse(event)?;
    /// let key: Key = records[0].record().unwrap().keys_as()?.unwrap();
    /// assert_eq!((key.pk.as_str(), key.sk), ("a", 7));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`new_image_as`](Self::new_image_as), naming `dynamodb.Keys`.
    pub fn keys_as<'r, T: Deserialize<'r>>(&'r self) -> Result<Option<T>, RecordError> {
        self.typed(Which::Keys)
    }
}
