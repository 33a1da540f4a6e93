//! A DynamoDB Streams record.

use std::borrow::Cow;

use serde::Deserialize;

use super::change::{ChangeKind, UserIdentity};
use super::error::ImageError;
use super::image::Image;
use super::reader::Reader;
use super::{text, tree, StreamWire, Wire};
use crate::error::RecordError;
use crate::source::lazy::Raw;
use crate::source::lenient::{opt, req, JsonKind, Obj};
use crate::source::sqs::own;

/// A record of a DynamoDB Streams batch: one change to one item.
///
/// Reading the event checks the identifier (`dynamodb.SequenceNumber`) and
/// the JSON types of the plain string fields. Images and numbers are kept as
/// their text and decoded by the accessor that reads them: a malformed image
/// fails only a handler that reads it (with `?`), with a [`RecordError`]
/// naming the attribute, such as `dynamodb.NewImage.items[2].qty`. Which
/// images are present depends on the stream's view type and the change (an
/// `INSERT` has no old image, a `REMOVE` no new one).
///
/// ```
/// use lambda_batch::source::{DynamoDb, EventSource};
///
/// let event = r#"{"Records":[{"eventName":"REMOVE",
///   "userIdentity":{"type":"Service","principalId":"dynamodb.amazonaws.com"},
///   "dynamodb":{"ApproximateCreationDateTime":1480642020.25,"Keys":{"Id":{"N":"101"}},
///     "OldImage":{"Id":{"N":"101"},"ExpiresAt":{"N":"1480642000"}},
///     "SequenceNumber":"222","SizeBytes":38,"StreamViewType":"OLD_IMAGE"}}]}"#;
/// let records = DynamoDb::parse(event)?;
/// let record = records[0].record().unwrap();
/// assert!(record.is_ttl_delete());
/// assert!(record.new_image()?.is_none());
/// assert_eq!(record.approximate_creation_date_time()?, Some(1480642020.25));
/// let old = record.old_image()?.unwrap();
/// let expires: u64 = old.get("ExpiresAt").unwrap().deserialize().unwrap();
/// assert_eq!(expires, 1_480_642_000);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct DynamoDbRecord<'a> {
    event_id: Option<Cow<'a, str>>,
    event_name: Option<Cow<'a, str>>,
    event_version: Option<Cow<'a, str>>,
    event_source: Option<Cow<'a, str>>,
    aws_region: Option<Cow<'a, str>>,
    event_source_arn: Option<Cow<'a, str>>,
    user_identity: Option<UserIdentity<'a>>,
    approximate_creation_date_time: Raw<'a>,
    keys: Raw<'a>,
    new_image: Raw<'a>,
    old_image: Raw<'a>,
    sequence_number: Option<Cow<'a, str>>,
    size_bytes: Raw<'a>,
    stream_view_type: Option<Cow<'a, str>>,
}

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
    pub(super) fn from_wire(w: Wire<'a>) -> Result<Self, RecordError> {
        let Obj(stream): Obj<Box<StreamWire<'a>>> = req(w.dynamodb, "dynamodb")?;
        let stream = *stream;
        let user_identity = opt(w.user_identity, "userIdentity")?
            .map(|Obj(u)| UserIdentity::from_wire(u))
            .transpose()?;
        Ok(DynamoDbRecord {
            keys: stream.keys,
            new_image: stream.new_image,
            old_image: stream.old_image,
            sequence_number: opt(stream.sequence_number, "dynamodb.SequenceNumber")?,
            size_bytes: stream.size_bytes,
            stream_view_type: opt(stream.stream_view_type, "dynamodb.StreamViewType")?,
            approximate_creation_date_time: stream.approximate_creation_date_time,
            event_id: opt(w.event_id, "eventID")?,
            event_name: opt(w.event_name, "eventName")?,
            event_version: opt(w.event_version, "eventVersion")?,
            event_source: opt(w.event_source, "eventSource")?,
            aws_region: opt(w.aws_region, "awsRegion")?,
            event_source_arn: opt(w.event_source_arn, "eventSourceARN")?,
            user_identity,
        })
    }

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

    /// `dynamodb.SequenceNumber`, the record's identifier.
    ///
    /// ```
    /// # use lambda_batch::source::{DynamoDb, EventSource};
    /// let records = DynamoDb::parse(r#"{"Records":[{"dynamodb":{"SequenceNumber":"111"}}]}"#).unwrap();
    /// assert_eq!(records[0].record().unwrap().sequence_number(), Some("111"));
    /// ```
    pub fn sequence_number(&self) -> Option<&str> {
        self.sequence_number.as_deref()
    }
    /// `eventID`: unique per record.
    pub fn event_id(&self) -> Option<&str> {
        self.event_id.as_deref()
    }
    /// `eventName`: `INSERT`, `MODIFY` or `REMOVE`.
    pub fn event_name(&self) -> Option<&str> {
        self.event_name.as_deref()
    }
    /// The change, from `eventName`; `None` when it is absent or not one of the three.
    pub fn change(&self) -> Option<ChangeKind> {
        self.event_name
            .as_deref()
            .and_then(ChangeKind::from_event_name)
    }
    /// `eventVersion`.
    pub fn event_version(&self) -> Option<&str> {
        self.event_version.as_deref()
    }
    /// `eventSource`, normally `aws:dynamodb`.
    pub fn event_source(&self) -> Option<&str> {
        self.event_source.as_deref()
    }
    /// `awsRegion`.
    pub fn aws_region(&self) -> Option<&str> {
        self.aws_region.as_deref()
    }
    /// `eventSourceARN`: the stream's ARN.
    pub fn event_source_arn(&self) -> Option<&str> {
        self.event_source_arn.as_deref()
    }
    /// `userIdentity`, present on TTL deletes.
    pub fn user_identity(&self) -> Option<&UserIdentity<'a>> {
        self.user_identity.as_ref()
    }
    /// Whether DynamoDB deleted the item itself because its time to live
    /// expired: a `REMOVE` by the TTL service.
    pub fn is_ttl_delete(&self) -> bool {
        self.change() == Some(ChangeKind::Remove)
            && self
                .user_identity
                .as_ref()
                .is_some_and(UserIdentity::is_ttl_delete)
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

    /// `dynamodb.SizeBytes`: the size of the stream record, read when asked
    /// for (a JSON number, or text holding one).
    ///
    /// ```
    /// # use lambda_batch::source::{DynamoDb, EventSource};
    /// let event = r#"{"Records":[{"dynamodb":{"SequenceNumber":"1","SizeBytes":26}},
    ///   {"dynamodb":{"SequenceNumber":"2","SizeBytes":-1}}]}"#;
    /// let records = DynamoDb::parse(event).unwrap();
    /// assert_eq!(records[0].record().unwrap().size_bytes(), Ok(Some(26)));
    /// assert!(records[1].record().unwrap().size_bytes().is_err());
    /// ```
    ///
    /// # Errors
    ///
    /// [`RecordError::InvalidValue`] when it is not a whole number of bytes.
    pub fn size_bytes(&self) -> Result<Option<u64>, RecordError> {
        const FIELD: &str = "dynamodb.SizeBytes";
        match self.size_bytes.number::<u64>(FIELD) {
            // A whole float below 2^64, such as `26.0`, converts exactly.
            Err(whole) => match self.size_bytes.number::<f64>(FIELD) {
                Ok(Some(v)) if v >= 0.0 && v.fract() == 0.0 && v < 18_446_744_073_709_551_616.0 => {
                    Ok(Some(v as u64))
                }
                _ => Err(whole),
            },
            read => read,
        }
    }

    /// `dynamodb.StreamViewType`: `KEYS_ONLY`, `NEW_IMAGE`, `OLD_IMAGE` or `NEW_AND_OLD_IMAGES`.
    pub fn stream_view_type(&self) -> Option<&str> {
        self.stream_view_type.as_deref()
    }

    /// `dynamodb.ApproximateCreationDateTime`, in seconds since the Unix
    /// epoch (sent as a whole number or with a fraction), read when asked for.
    ///
    /// ```
    /// # use lambda_batch::source::{DynamoDb, EventSource};
    /// let event = r#"{"Records":[{"dynamodb":{"SequenceNumber":"1","ApproximateCreationDateTime":1480642020.5}}]}"#;
    /// let records = DynamoDb::parse(event).unwrap();
    /// assert_eq!(records[0].record().unwrap().approximate_creation_date_time(), Ok(Some(1480642020.5)));
    /// ```
    ///
    /// # Errors
    ///
    /// [`RecordError::InvalidValue`] when it is not a finite number.
    pub fn approximate_creation_date_time(&self) -> Result<Option<f64>, RecordError> {
        self.approximate_creation_date_time
            .number("dynamodb.ApproximateCreationDateTime")
    }

    /// The same record, no longer borrowing from the event.
    ///
    /// ```
    /// # use lambda_batch::source::{DynamoDb, DynamoDbRecord, EventSource};
    /// let event = String::from(r#"{"Records":[{"dynamodb":{"SequenceNumber":"1","Keys":{"k":{"S":"v"}}}}]}"#);
    /// let owned: DynamoDbRecord<'static> = DynamoDb::parse(&event).unwrap()[0].record().unwrap().clone().into_owned();
    /// drop(event);
    /// assert_eq!(owned.keys().unwrap().unwrap().get("k").unwrap().as_s(), Some("v"));
    /// ```
    pub fn into_owned(self) -> DynamoDbRecord<'static> {
        DynamoDbRecord {
            event_id: own(self.event_id),
            event_name: own(self.event_name),
            event_version: own(self.event_version),
            event_source: own(self.event_source),
            aws_region: own(self.aws_region),
            event_source_arn: own(self.event_source_arn),
            user_identity: self.user_identity.map(UserIdentity::into_owned),
            approximate_creation_date_time: self.approximate_creation_date_time.into_owned(),
            keys: self.keys.into_owned(),
            new_image: self.new_image.into_owned(),
            old_image: self.old_image.into_owned(),
            sequence_number: own(self.sequence_number),
            size_bytes: self.size_bytes.into_owned(),
            stream_view_type: own(self.stream_view_type),
        }
    }
}
