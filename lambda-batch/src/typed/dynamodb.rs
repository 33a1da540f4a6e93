//! DynamoDB Streams: the new and old images, decoded into the same type.

use serde::de::DeserializeOwned;

use super::{DecodeError, FromRecord};
use crate::source::dynamodb::{ImageError, Which};
use crate::source::DynamoDbRecord;

/// The images of a DynamoDB Streams record, each decoded into `T`.
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
pub struct Images<T> {
    /// `dynamodb.NewImage`: the item after the change.
    pub new: Option<T>,
    /// `dynamodb.OldImage`: the item before the change.
    pub old: Option<T>,
}

impl<T: DeserializeOwned> FromRecord<DynamoDbRecord<'_>> for Images<T> {
    fn from_record(record: &DynamoDbRecord<'_>) -> Result<Self, DecodeError> {
        Ok(Images {
            new: image(record, Which::New)?,
            old: image(record, Which::Old)?,
        })
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
