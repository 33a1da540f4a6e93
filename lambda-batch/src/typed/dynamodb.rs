//! DynamoDB Streams: the new image, or the new and old images, decoded into
//! types of your own.

use serde::de::DeserializeOwned;

use super::{DecodeError, FromRecord};
use crate::source::dynamodb::{ImageError, Which};
use crate::source::DynamoDbRecord;

/// The images of a DynamoDB Streams record: the new one decoded into `New`,
/// the old one into `Old` (by default the same type).
///
/// **After a schema change, type the old image apart** (or take
/// [`NewImage<T>`] when the handler needs only the item as it is now).
/// `Images<T>` decodes both images into `T`: once `T` gains a required
/// field, the old image of every `MODIFY` to an item written before lacks
/// it, so the record fails, and on a stream it is retried until it expires,
/// holding back its shard. Type the old image with the fields it had
/// (`Images<Order, OrderV1>`), leniently (`Images<Order, serde_json::Value>`),
/// or give the new field a `#[serde(default)]`.
///
/// ```
/// use lambda_batch::typed::{FromRecord, Images};
/// use lambda_batch::source::{DynamoDb, EventSource};
///
/// #[derive(serde::Deserialize)]
/// struct Order { id: String, currency: String } // `currency` is new
///
/// // An item written before `currency` existed, now modified.
/// let event = r#"{"Records":[{"eventName":"MODIFY","dynamodb":{"SequenceNumber":"1",
///   "NewImage":{"id":{"S":"o1"},"currency":{"S":"EUR"}},"OldImage":{"id":{"S":"o1"}}}}]}"#;
/// let records = DynamoDb::parse(event)?;
/// let record = records[0].record().unwrap();
/// assert!(Images::<Order>::from_record(record).is_err());
/// let images = Images::<Order, serde_json::Value>::from_record(record).unwrap();
/// assert_eq!(images.new.unwrap().currency, "EUR");
/// assert_eq!(images.old.unwrap()["id"], "o1");
/// # Ok::<(), lambda_batch::InvalidEvent>(())
/// ```
///
/// An image is `None` when the record has none: `INSERT` has no old image,
/// `REMOVE` no new one, and the stream's view type may leave either out.
/// Each image is decoded straight from the event text into `T` (no tree of
/// attribute values is built), and only the attributes `T` reads are
/// checked. A present image that does not decode fails the record, naming
/// the attribute path (`dynamodb.NewImage`, `order.items[2].qty`).
///
/// Attribute values map to serde as follows:
///
/// | attribute | decodes into |
/// |---|---|
/// | `S` | `String`, an enum variant, or a borrowed `&str` |
/// | `N` | any integer or float type when it converts **exactly** (up to `u128`/`i128`), else the record fails; a `String` takes the digits as written |
/// | `B` | `Vec<u8>`, `serde_bytes::ByteBuf` or any byte-sequence type (decoded from base64) |
/// | `BOOL`, `NULL` | `bool`; `Option<T>` (`NULL` is `None`), `()` |
/// | `M` | a struct, a map |
/// | `L`, `SS`, `NS`, `BS` | a `Vec`, a set (`BTreeSet`, `HashSet`), a tuple |
///
/// Numbers never lose precision silently. DynamoDB numbers have up to 38
/// significant digits: a conversion that would round (a 17-digit decimal into
/// `f64`, `1e400`, `2^64` into `u64`) fails the record instead. To keep any
/// number exactly, decode it into a `String` (its text as written), or into
/// `u128`/`i128` for integers up to 38 digits. Untyped targets such as
/// `serde_json::Value` get numbers that fit `u64`, `i64` or `f64` exactly as
/// numbers, and any other as its text.
///
/// ```
/// use lambda_batch::typed::{FromRecord, Images};
/// use lambda_batch::source::{DynamoDb, EventSource};
///
/// #[derive(Debug, PartialEq, serde::Deserialize)]
/// struct Account { id: String, balance: String, tags: Vec<String> }
///
/// let event = r#"{"Records":[{"dynamodb":{"SequenceNumber":"1",
///   "NewImage":{"id":{"S":"a1"},"balance":{"N":"12345678901234567890.123456789"},"tags":{"SS":["x","y"]}}}}]}"#;
/// let records = DynamoDb::parse(event)?;
/// let images = Images::<Account>::from_record(records[0].record().unwrap()).unwrap();
/// let new = images.new.unwrap();
/// assert_eq!(new.balance, "12345678901234567890.123456789");
/// assert_eq!(new.tags, ["x", "y"]);
/// assert!(images.old.is_none());
/// # Ok::<(), lambda_batch::InvalidEvent>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Images<New, Old = New> {
    /// `dynamodb.NewImage`: the item after the change.
    pub new: Option<New>,
    /// `dynamodb.OldImage`: the item before the change.
    pub old: Option<Old>,
}

impl<New, Old> FromRecord<DynamoDbRecord<'_>> for Images<New, Old>
where
    New: DeserializeOwned,
    Old: DeserializeOwned,
{
    fn from_record(record: &DynamoDbRecord<'_>) -> Result<Self, DecodeError> {
        Ok(Images {
            new: image(record, Which::New)?,
            old: image(record, Which::Old)?,
        })
    }
}

/// The new image of a DynamoDB Streams record decoded into `T`, and the old
/// image never read: `None` when the record has no new image (a `REMOVE`,
/// or a stream whose view type leaves it out).
///
/// The old image cannot fail the record, so a schema change cannot either:
/// after `T` gains a required field, a `MODIFY` to an item written before
/// decodes, since only its new image, which has the field, is read (see
/// [`Images`] to read the old image too). The new image decodes as in
/// [`Images`].
///
/// ```
/// use lambda_batch::{BatchProcessor, Context};
/// use lambda_batch::typed::{typed, NewImage};
///
/// #[derive(serde::Deserialize)]
/// struct Order { id: String, currency: String } // `currency` is new
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let processor = BatchProcessor::dynamodb(typed(|NewImage(order): NewImage<Order>| {
///     match order {
///         Some(order) if order.currency.is_empty() => Err(format!("{}: no currency", order.id)),
///         _ => Ok(()),
///     }
/// }));
/// // The old image, written before `currency` existed, is not read.
/// let event = r#"{"Records":[{"eventName":"MODIFY","dynamodb":{"SequenceNumber":"1",
///   "NewImage":{"id":{"S":"o1"},"currency":{"S":"EUR"}},"OldImage":{"id":{"S":"o1"}}}}]}"#;
/// let response = processor.process(event, &Context::default()).await?;
/// assert!(response.batch_item_failures.is_empty());
/// # Ok::<(), lambda_batch::BatchError>(())
/// # }).unwrap();
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewImage<T>(pub Option<T>);

impl<T: DeserializeOwned> FromRecord<DynamoDbRecord<'_>> for NewImage<T> {
    fn from_record(record: &DynamoDbRecord<'_>) -> Result<Self, DecodeError> {
        image(record, Which::New).map(NewImage)
    }
}

fn image<T: DeserializeOwned>(
    record: &DynamoDbRecord<'_>,
    which: Which,
) -> Result<Option<T>, DecodeError> {
    record
        .decode_image::<T>(which)
        .map_err(|error: ImageError| DecodeError::new(which.field(), error.path(), error.message()))
}
