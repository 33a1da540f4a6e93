//! Images: the attributes of an item (`Keys`, `NewImage`, `OldImage`, and `M` values).

use std::borrow::Cow;
use std::iter::FusedIterator;

use serde::Deserialize;

use super::attribute::AttributeValue;
use super::de::Node;
use super::error::ImageError;

/// The attributes of an item, in event order: a stream record's `Keys`,
/// `NewImage` or `OldImage`, or the value of an `M` attribute.
///
/// ```
/// use lambda_batch::source::dynamodb::{AttributeValue, Image};
///
/// let image: Image<'_> = [
///     ("id", AttributeValue::N("7".into())),
///     ("name", AttributeValue::S("Ada".into())),
/// ]
/// .into_iter()
/// .collect();
/// assert_eq!(image.len(), 2);
/// assert_eq!(image.get("name").and_then(AttributeValue::as_s), Some("Ada"));
/// assert_eq!(image.iter().map(|(name, _)| name).collect::<Vec<_>>(), ["id", "name"]);
/// assert_eq!(image.to_json(), serde_json::json!({"id": 7, "name": "Ada"}));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Image<'a> {
    attributes: Vec<(Cow<'a, str>, AttributeValue<'a>)>,
}

impl<'a> Image<'a> {
    pub(super) fn from_attributes(attributes: Vec<(Cow<'a, str>, AttributeValue<'a>)>) -> Self {
        Image { attributes }
    }

    pub(super) fn attributes(&self) -> &[(Cow<'a, str>, AttributeValue<'a>)] {
        &self.attributes
    }

    /// The attribute of this name (the first, should the event repeat a name).
    pub fn get(&self, name: &str) -> Option<&AttributeValue<'a>> {
        self.attributes
            .iter()
            .find(|(n, _)| n.as_ref() == name)
            .map(|(_, value)| value)
    }

    /// Every attribute, name and value, in event order.
    pub fn iter(&self) -> ImageIter<'_, 'a> {
        ImageIter(self.attributes.iter())
    }

    /// How many attributes the image has.
    pub fn len(&self) -> usize {
        self.attributes.len()
    }

    /// Whether the image has no attribute.
    pub fn is_empty(&self) -> bool {
        self.attributes.is_empty()
    }

    /// The image as a plain JSON object, without type descriptors (a name
    /// the event repeats has its first value, as with [`get`](Self::get)); see
    /// [`AttributeValue::to_json`] for how each type converts (numbers that
    /// no `i64`, `u64` or `f64` holds exactly become strings of their digits).
    ///
    /// ```
    /// # use lambda_batch::source::{EventSource, DynamoDb};
    /// let event = r#"{"Records":[{"dynamodb":{"SequenceNumber":"1",
    ///   "NewImage":{"id":{"N":"1"},"tags":{"SS":["a"]},"gone":{"NULL":true}}}}]}"#;
    /// let records = DynamoDb::parse(event).unwrap();
    /// let image = records[0].record().unwrap().new_image().unwrap().unwrap();
    /// assert_eq!(image.to_json(), serde_json::json!({"id": 1, "tags": ["a"], "gone": null}));
    /// ```
    pub fn to_json(&self) -> serde_json::Value {
        let mut object = serde_json::Map::with_capacity(self.attributes.len());
        for (name, value) in &self.attributes {
            // The first of a repeated name, as `get` reads it.
            if !object.contains_key(name.as_ref()) {
                object.insert(name.as_ref().to_owned(), value.to_json());
            }
        }
        serde_json::Value::Object(object)
    }

    /// The image converted into `T` through serde (usually a struct deriving
    /// `Deserialize`), borrowing strings and bytes from the image where `T`
    /// allows. To decode a record's image into `T` without building the
    /// image first, use [`DynamoDbRecord::new_image_as`](super::DynamoDbRecord::new_image_as),
    /// which reads it straight from the event text.
    ///
    /// | attribute | converts into |
    /// |---|---|
    /// | `S` | `String`, `&str`, `Cow<str>`, `char`, unit enum variants |
    /// | `N` | every integer type (`i8` to `i128`, `u8` to `u128`) when the number is whole and in range; `f32`/`f64` when they hold it exactly; `String` (its digits) |
    /// | `B` | `Vec<u8>`, `&[u8]`, byte buffers; its base64 text for `String` and for targets that do not say what they expect |
    /// | `BOOL` | `bool` |
    /// | `NULL` | `None`, `()` |
    /// | `M` | structs, maps, enum variants with data (`{"Variant": value}`) |
    /// | `L` | `Vec`, tuples, arrays |
    /// | `SS`, `NS`, `BS` | `Vec`, `HashSet`, `BTreeSet` of the element type |
    ///
    /// A missing attribute is `None` for an `Option` field. A number never
    /// rounds: `1.5` into an integer, `300` into `u8` or a 20-digit number
    /// into `f64` is an error. Types that do not say what they expect
    /// (`serde_json::Value`, untagged enums) read numbers and binaries as
    /// [`to_json`](Self::to_json) does, and as
    /// [`new_image_as`](super::DynamoDbRecord::new_image_as) reads them.
    ///
    /// ```
    /// # use lambda_batch::source::{EventSource, DynamoDb};
    /// #[derive(serde::Deserialize)]
    /// struct Order<'a> {
    ///     id: u64,
    ///     customer: &'a str,
    ///     total: f64,
    ///     lines: Vec<Line>,
    ///     note: Option<String>,
    /// }
    /// #[derive(serde::Deserialize)]
    /// struct Line { sku: String, qty: u16 }
    ///
    /// let event = r#"{"Records":[{"dynamodb":{"SequenceNumber":"1","NewImage":{
    ///   "id":{"N":"12"},"customer":{"S":"Ada"},"total":{"N":"19.5"},
    ///   "lines":{"L":[{"M":{"sku":{"S":"A-1"},"qty":{"N":"2"}}},{"M":{"sku":{"S":"B-2"},"qty":{"N":"-1"}}}]}}}}]}"#;
    /// let records = DynamoDb::parse(event).unwrap();
    /// let image = records[0].record().unwrap().new_image().unwrap().unwrap();
    /// let err = image.deserialize::<Order<'_>>().err().unwrap();
    /// assert_eq!(err.path(), "lines[1].qty");
    /// assert_eq!(err.to_string(), "lines[1].qty: number `-1` is out of range for u16");
    /// ```
    ///
    /// # Errors
    ///
    /// When the image does not have `T`'s shape, or a number does not fit
    /// its field exactly. [`ImageError::path`] names the attribute.
    pub fn deserialize<'de, T: Deserialize<'de>>(&'de self) -> Result<T, ImageError> {
        T::deserialize(Node::Map(self))
    }

    /// One text for the attributes, the same whatever their order in the
    /// event: DynamoDB JSON with names sorted, such as
    /// `{"id":{"S":"a"},"version":{"N":"2"}}`. Two records of the same item
    /// have the same key text.
    pub(crate) fn key_text(&self) -> String {
        let mut attributes: Vec<_> = self.attributes.iter().collect();
        attributes.sort_by(|a, b| a.0.cmp(&b.0));
        let map: serde_json::Map<String, serde_json::Value> = attributes
            .into_iter()
            .map(|(name, value)| {
                let json = match value {
                    AttributeValue::N(digits) => serde_json::Value::String(digits.to_string()),
                    other => other.to_json(),
                };
                let mut typed = serde_json::Map::new();
                typed.insert(value.type_name().to_owned(), json);
                (name.to_string(), serde_json::Value::Object(typed))
            })
            .collect();
        serde_json::Value::Object(map).to_string()
    }

    /// The same image, no longer borrowing from the event.
    pub fn into_owned(self) -> Image<'static> {
        Image {
            attributes: self
                .attributes
                .into_iter()
                .map(|(name, value)| (Cow::Owned(name.into_owned()), value.into_owned()))
                .collect(),
        }
    }
}

impl<'a, N: Into<Cow<'a, str>>> FromIterator<(N, AttributeValue<'a>)> for Image<'a> {
    fn from_iter<I: IntoIterator<Item = (N, AttributeValue<'a>)>>(iter: I) -> Self {
        Image {
            attributes: iter
                .into_iter()
                .map(|(name, value)| (name.into(), value))
                .collect(),
        }
    }
}

impl<'i, 'a> IntoIterator for &'i Image<'a> {
    type Item = (&'i str, &'i AttributeValue<'a>);
    type IntoIter = ImageIter<'i, 'a>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// The attributes of an [`Image`], name and value, in event order.
#[derive(Debug, Clone)]
pub struct ImageIter<'i, 'a>(std::slice::Iter<'i, (Cow<'a, str>, AttributeValue<'a>)>);

impl<'i, 'a> Iterator for ImageIter<'i, 'a> {
    type Item = (&'i str, &'i AttributeValue<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(name, value)| (name.as_ref(), value))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl DoubleEndedIterator for ImageIter<'_, '_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0
            .next_back()
            .map(|(name, value)| (name.as_ref(), value))
    }
}

impl ExactSizeIterator for ImageIter<'_, '_> {}

impl FusedIterator for ImageIter<'_, '_> {}
