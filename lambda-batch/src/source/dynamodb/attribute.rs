//! DynamoDB attribute values.

use std::borrow::Cow;

use base64::Engine as _;
use serde::Deserialize;

use super::de::Node;
use super::error::ImageError;
use super::image::Image;
use super::number;

/// A DynamoDB attribute value, as a stream record carries it
/// (`{"S": "text"}`, `{"N": "12.5"}`, ...).
///
/// Strings borrow from the event text where JSON escaping allows. Numbers
/// stay text, exactly as DynamoDB sent them (up to 38 digits, more than
/// `f64` holds); they convert through [`deserialize`](Self::deserialize),
/// which refuses to round. Binary values are decoded from base64 when the
/// record is read.
///
/// ```
/// use lambda_batch::source::dynamodb::AttributeValue;
///
/// let price = AttributeValue::N("19.99".into());
/// assert_eq!(price.as_n(), Some("19.99"));
/// assert_eq!(price.deserialize::<f64>().unwrap(), 19.99);
/// assert!(price.deserialize::<u32>().is_err());
/// assert_eq!(price.to_json(), serde_json::json!(19.99));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttributeValue<'a> {
    /// `S`: a string.
    S(Cow<'a, str>),
    /// `N`: a number, as its decimal text.
    N(Cow<'a, str>),
    /// `B`: binary, decoded from base64.
    B(Vec<u8>),
    /// `BOOL`: a boolean.
    Bool(bool),
    /// `NULL`: null.
    Null,
    /// `M`: a map of attributes, in event order.
    M(Image<'a>),
    /// `L`: a list of attribute values.
    L(Vec<AttributeValue<'a>>),
    /// `SS`: a set of strings, in event order.
    Ss(Vec<Cow<'a, str>>),
    /// `NS`: a set of numbers, each as its decimal text.
    Ns(Vec<Cow<'a, str>>),
    /// `BS`: a set of binary values, each decoded from base64.
    Bs(Vec<Vec<u8>>),
}

impl<'a> AttributeValue<'a> {
    /// The type descriptor: `S`, `N`, `B`, `BOOL`, `NULL`, `M`, `L`, `SS`, `NS` or `BS`.
    ///
    /// ```
    /// # use lambda_batch::source::dynamodb::AttributeValue;
    /// assert_eq!(AttributeValue::Bool(true).type_name(), "BOOL");
    /// ```
    pub fn type_name(&self) -> &'static str {
        match self {
            AttributeValue::S(_) => "S",
            AttributeValue::N(_) => "N",
            AttributeValue::B(_) => "B",
            AttributeValue::Bool(_) => "BOOL",
            AttributeValue::Null => "NULL",
            AttributeValue::M(_) => "M",
            AttributeValue::L(_) => "L",
            AttributeValue::Ss(_) => "SS",
            AttributeValue::Ns(_) => "NS",
            AttributeValue::Bs(_) => "BS",
        }
    }

    /// The string of an `S` value.
    pub fn as_s(&self) -> Option<&str> {
        match self {
            AttributeValue::S(s) => Some(s),
            _ => None,
        }
    }
    /// The decimal text of an `N` value.
    pub fn as_n(&self) -> Option<&str> {
        match self {
            AttributeValue::N(n) => Some(n),
            _ => None,
        }
    }
    /// The bytes of a `B` value.
    pub fn as_b(&self) -> Option<&[u8]> {
        match self {
            AttributeValue::B(b) => Some(b),
            _ => None,
        }
    }
    /// The boolean of a `BOOL` value.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            AttributeValue::Bool(b) => Some(*b),
            _ => None,
        }
    }
    /// Whether this is a `NULL` value.
    pub fn is_null(&self) -> bool {
        matches!(self, AttributeValue::Null)
    }
    /// The attributes of an `M` value.
    pub fn as_m(&self) -> Option<&Image<'a>> {
        match self {
            AttributeValue::M(m) => Some(m),
            _ => None,
        }
    }
    /// The elements of an `L` value.
    pub fn as_l(&self) -> Option<&[AttributeValue<'a>]> {
        match self {
            AttributeValue::L(l) => Some(l),
            _ => None,
        }
    }
    /// The strings of an `SS` value.
    pub fn as_ss(&self) -> Option<&[Cow<'a, str>]> {
        match self {
            AttributeValue::Ss(v) => Some(v),
            _ => None,
        }
    }
    /// The decimal texts of an `NS` value.
    pub fn as_ns(&self) -> Option<&[Cow<'a, str>]> {
        match self {
            AttributeValue::Ns(v) => Some(v),
            _ => None,
        }
    }
    /// The byte strings of a `BS` value.
    pub fn as_bs(&self) -> Option<&[Vec<u8>]> {
        match self {
            AttributeValue::Bs(v) => Some(v),
            _ => None,
        }
    }

    /// The value as plain JSON, without type descriptors.
    ///
    /// | attribute | JSON |
    /// |---|---|
    /// | `S` | string |
    /// | `N` | number when exactly an `i64`, a `u64` or an `f64` (one whose shortest form reads back as the same decimal); otherwise its digits as a string, so nothing is rounded |
    /// | `B` | base64 string |
    /// | `BOOL`, `NULL` | boolean, null |
    /// | `M` | object |
    /// | `L`, `SS`, `NS`, `BS` | array (elements converted as above) |
    ///
    /// ```
    /// # use lambda_batch::source::dynamodb::AttributeValue;
    /// use serde_json::json;
    ///
    /// assert_eq!(AttributeValue::N("-3".into()).to_json(), json!(-3));
    /// assert_eq!(AttributeValue::N("1.5".into()).to_json(), json!(1.5));
    /// let big = "123456789012345678901234567890.5";
    /// assert_eq!(AttributeValue::N(big.into()).to_json(), json!(big));
    /// assert_eq!(AttributeValue::B(b"hi".to_vec()).to_json(), json!("aGk="));
    /// assert_eq!(AttributeValue::Ns(vec!["1".into(), "2.5".into()]).to_json(), json!([1, 2.5]));
    /// ```
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        let base64 = |b: &[u8]| Value::String(base64::engine::general_purpose::STANDARD.encode(b));
        match self {
            AttributeValue::S(s) => Value::String(s.as_ref().to_owned()),
            AttributeValue::N(n) => number::to_json(n),
            AttributeValue::B(b) => base64(b),
            AttributeValue::Bool(b) => Value::Bool(*b),
            AttributeValue::Null => Value::Null,
            AttributeValue::M(m) => m.to_json(),
            AttributeValue::L(l) => Value::Array(l.iter().map(AttributeValue::to_json).collect()),
            AttributeValue::Ss(v) => Value::Array(
                v.iter()
                    .map(|s| Value::String(s.as_ref().to_owned()))
                    .collect(),
            ),
            AttributeValue::Ns(v) => Value::Array(v.iter().map(|n| number::to_json(n)).collect()),
            AttributeValue::Bs(v) => Value::Array(v.iter().map(|b| base64(b)).collect()),
        }
    }

    /// The value converted into `T` through serde, borrowing strings and
    /// bytes from it where `T` allows. See [`Image::deserialize`] for the
    /// mapping of attribute types onto Rust types.
    ///
    /// ```
    /// # use lambda_batch::source::dynamodb::AttributeValue;
    /// let tags = AttributeValue::Ss(vec!["a".into(), "b".into()]);
    /// let tags: std::collections::BTreeSet<&str> = tags.deserialize().unwrap();
    /// assert!(tags.contains("b"));
    /// ```
    ///
    /// # Errors
    ///
    /// When the value does not have `T`'s shape, or a number does not fit
    /// `T` exactly. The error names the path inside the value.
    pub fn deserialize<'de, T: Deserialize<'de>>(&'de self) -> Result<T, ImageError> {
        T::deserialize(Node::from(self))
    }

    /// The same value, no longer borrowing from the event.
    pub fn into_owned(self) -> AttributeValue<'static> {
        let own = |s: Cow<'_, str>| Cow::Owned(s.into_owned());
        match self {
            AttributeValue::S(s) => AttributeValue::S(own(s)),
            AttributeValue::N(n) => AttributeValue::N(own(n)),
            AttributeValue::B(b) => AttributeValue::B(b),
            AttributeValue::Bool(b) => AttributeValue::Bool(b),
            AttributeValue::Null => AttributeValue::Null,
            AttributeValue::M(m) => AttributeValue::M(m.into_owned()),
            AttributeValue::L(l) => {
                AttributeValue::L(l.into_iter().map(AttributeValue::into_owned).collect())
            }
            AttributeValue::Ss(v) => AttributeValue::Ss(v.into_iter().map(own).collect()),
            AttributeValue::Ns(v) => AttributeValue::Ns(v.into_iter().map(own).collect()),
            AttributeValue::Bs(v) => AttributeValue::Bs(v),
        }
    }
}
