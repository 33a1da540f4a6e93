//! A serde `Deserializer` reading images straight from their DynamoDB JSON
//! text into any `Deserialize` type: no tree of attribute values is built.
//!
//! Only what the target type reads is checked. An attribute it does not
//! name is skipped as plain JSON; one it reads is decoded as its type
//! descriptor says, with the same conversions as [`Image::deserialize`]
//! (numbers exact or refused, sets as sequences, binaries as bytes).
//!
//! [`Image::deserialize`]: super::Image::deserialize

use std::borrow::Cow;

use serde::de::{Deserialize, Unexpected, Visitor};

use super::descriptor::{self, Tag};
use super::error::ImageError;
use super::number::{self, Natural};
use super::reader::Reader;
use super::text_access;
use crate::source::lenient::JsonKind;

/// Deserializes `T` from the text of an image: a JSON object of DynamoDB
/// attribute values, as in a stream record's `NewImage`, or as the AWS SDKs
/// and DynamoDB exports write items.
///
/// | attribute | converts into |
/// |---|---|
/// | `S` | `String`, `Cow<str>`, `&str` (when the text has no escape), `char`, unit enum variants |
/// | `N` | every integer type (`i8` to `i128`, `u8` to `u128`) when the number is whole and in range; `f32`/`f64` when they hold it exactly; `String` (its digits) |
/// | `B` | `Vec<u8>` and byte buffers (decoded from base64); its base64 text for `String` and for targets that do not say what they expect |
/// | `BOOL` | `bool` |
/// | `NULL` | `None`, `()` |
/// | `M` | structs, maps, enum variants with data (`{"Variant": value}`) |
/// | `L` | `Vec`, tuples, arrays |
/// | `SS`, `NS`, `BS` | `Vec`, `HashSet`, `BTreeSet` of the element type |
///
/// A number never rounds: `1.5` into an integer, `300` into `u8` or a
/// 20-digit number into `f64` is an error. Types that do not say what they
/// expect (`serde_json::Value`, untagged enums) get numbers that `u64`,
/// `i64` or `f64` hold exactly as numbers, and others as their digits;
/// binaries as base64 text: what [`Image::to_json`](super::Image::to_json) gives.
/// Attributes the type does not read are skipped without being checked.
///
/// ```
/// use lambda_batch::source::dynamodb;
///
/// #[derive(Debug, PartialEq, serde::Deserialize)]
/// struct Order { id: u64, lines: Vec<Line> }
/// #[derive(Debug, PartialEq, serde::Deserialize)]
/// struct Line { sku: String, qty: u8 }
///
/// let text = r#"{"id":{"N":"12"},"lines":{"L":[{"M":{"sku":{"S":"A-1"},"qty":{"N":"2"}}}]},
///   "unread":{"X":"never checked"}}"#;
/// let order: Order = dynamodb::from_str(text)?;
/// assert_eq!(order, Order { id: 12, lines: vec![Line { sku: "A-1".into(), qty: 2 }] });
///
/// let err = dynamodb::from_str::<Order>(r#"{"id":{"N":"1"},"lines":{"L":[{"M":{"sku":{"S":"A"},"qty":{"N":"300"}}}]}}"#)
///     .unwrap_err();
/// assert_eq!(err.to_string(), "lines[0].qty: number `300` is out of range for u8");
/// # Ok::<(), dynamodb::ImageError>(())
/// ```
///
/// # Errors
///
/// When the text is not an image, an attribute the type reads is malformed,
/// or the image does not have `T`'s shape. [`ImageError::path`] names the
/// attribute.
pub fn from_str<'de, T: Deserialize<'de>>(image: &'de str) -> Result<T, ImageError> {
    read(Reader::new(image))
}

/// As [`from_str`], for text that `serde_json` has read as one JSON value
/// (an image kept from the event): the same result, with less checked again.
pub(crate) fn from_json<'de, T: Deserialize<'de>>(image: &'de str) -> Result<T, ImageError> {
    read(Reader::of_json(image))
}

fn read<'de, T: Deserialize<'de>>(mut r: Reader<'de>) -> Result<T, ImageError> {
    let value = T::deserialize(ValueDe::image(&mut r))?;
    if r.at_end() {
        Ok(value)
    } else {
        Err(ImageError::new("trailing characters after the image"))
    }
}

/// Where the reader stands when a value is asked for.
#[derive(Debug, Clone, Copy)]
pub(super) enum At {
    /// Before an attribute value, `{"<type>": ...}`.
    Attribute,
    /// Inside an attribute value whose type descriptor was read.
    Tagged(Tag),
    /// Before an image: an object of attribute values.
    Image,
    /// Before a member of a set: a string.
    Member(Set),
}

/// The kind of set whose members are read.
#[derive(Debug, Clone, Copy)]
pub(super) enum Set {
    Strings,
    Numbers,
    Binaries,
}

/// A value read as its type descriptor says. Scalars are read; containers
/// are not yet, the reader standing at their opening bracket.
pub(super) enum Node<'de> {
    Str(Cow<'de, str>),
    Number(Cow<'de, str>),
    /// A `B`, as its base64 text: bytes for targets that ask for bytes or
    /// a sequence, the text (checked) for those that do not say.
    Binary(Cow<'de, str>),
    Bool(bool),
    Null,
    /// An image, or the value of an `M` (`wrapped`: its attribute value
    /// is to be closed after it).
    Map {
        wrapped: bool,
    },
    List,
    Set(Set),
}

impl Node<'_> {
    pub(super) fn unexpected(&self) -> Unexpected<'_> {
        match self {
            Node::Str(s) => Unexpected::Str(s),
            Node::Number(_) => Unexpected::Other("number"),
            Node::Binary(_) => Unexpected::Other("binary"),
            Node::Bool(b) => Unexpected::Bool(*b),
            Node::Null => Unexpected::Unit,
            Node::Map { .. } => Unexpected::Map,
            Node::List | Node::Set(_) => Unexpected::Seq,
        }
    }
}

/// The deserializer of one value in the text.
pub(super) struct ValueDe<'r, 'de> {
    pub(super) r: &'r mut Reader<'de>,
    pub(super) at: At,
}

pub(super) fn visit_text<'de, V: Visitor<'de>>(
    text: Cow<'de, str>,
    visitor: V,
) -> Result<V::Value, ImageError> {
    match text {
        Cow::Borrowed(text) => visitor.visit_borrowed_str(text),
        Cow::Owned(text) => visitor.visit_string(text),
    }
}

pub(super) fn number_error(text: &str, target: &str, error: number::NumberError) -> ImageError {
    ImageError::new(error.describe(text, target))
}

impl<'r, 'de> ValueDe<'r, 'de> {
    pub(super) fn image(r: &'r mut Reader<'de>) -> Self {
        ValueDe { r, at: At::Image }
    }

    /// Reads the value up to its contents: a scalar whole, a container up
    /// to its opening bracket.
    pub(super) fn resolve(&mut self) -> Result<Node<'de>, ImageError> {
        let r = &mut *self.r;
        let tag = match self.at {
            At::Image => {
                descriptor::expect_image(r)?;
                return Ok(Node::Map { wrapped: false });
            }
            At::Member(set) => {
                let text = descriptor::member(r)?;
                return Ok(match set {
                    Set::Strings => Node::Str(text),
                    Set::Numbers => Node::Number(descriptor::checked_number(text)?),
                    Set::Binaries => Node::Binary(text),
                });
            }
            At::Tagged(tag) => tag,
            At::Attribute => descriptor::open(r)?,
        };
        let container = |r: &mut Reader<'_>, kind, expected, node| {
            descriptor::expect(r, tag, kind, expected).map(|()| node)
        };
        let scalar = match tag {
            Tag::S => Node::Str(descriptor::text(r, tag)?),
            Tag::N => Node::Number(descriptor::checked_number(descriptor::text(r, tag)?)?),
            Tag::B => Node::Binary(descriptor::text(r, tag)?),
            Tag::Bool => Node::Bool(descriptor::boolean(r, tag)?),
            Tag::Null => {
                descriptor::boolean(r, tag)?;
                Node::Null
            }
            Tag::M => {
                return container(
                    r,
                    JsonKind::Object,
                    "an object",
                    Node::Map { wrapped: true },
                )
            }
            Tag::L => return container(r, JsonKind::Array, "a list", Node::List),
            Tag::Ss => {
                return container(
                    r,
                    JsonKind::Array,
                    "a list of strings",
                    Node::Set(Set::Strings),
                )
            }
            Tag::Ns => {
                return container(
                    r,
                    JsonKind::Array,
                    "a list of strings",
                    Node::Set(Set::Numbers),
                )
            }
            Tag::Bs => {
                return container(
                    r,
                    JsonKind::Array,
                    "a list of strings",
                    Node::Set(Set::Binaries),
                )
            }
        };
        descriptor::close(r)?;
        Ok(scalar)
    }

    /// Hands `node` to `visitor` as the value it naturally is.
    pub(super) fn visit<V: Visitor<'de>>(
        self,
        node: Node<'de>,
        visitor: V,
    ) -> Result<V::Value, ImageError> {
        match node {
            Node::Str(text) => visit_text(text, visitor),
            Node::Number(text) => match number::natural(&text) {
                Natural::U64(v) => visitor.visit_u64(v),
                Natural::I64(v) => visitor.visit_i64(v),
                Natural::F64(v) => visitor.visit_f64(v),
                Natural::Text => visit_text(text, visitor),
            },
            Node::Binary(text) => {
                // As `to_json` writes it, once it is known to decode.
                descriptor::binary(&text)?;
                visit_text(text, visitor)
            }
            Node::Bool(b) => visitor.visit_bool(b),
            Node::Null => visitor.visit_unit(),
            Node::Map { wrapped } => {
                let value = text_access::visit_map(self.r, visitor)?;
                if wrapped {
                    descriptor::close(self.r)?;
                }
                Ok(value)
            }
            Node::List => self.visit_list(At::Attribute, visitor),
            Node::Set(set) => self.visit_list(At::Member(set), visitor),
        }
    }

    fn visit_list<V: Visitor<'de>>(self, members: At, visitor: V) -> Result<V::Value, ImageError> {
        let value = text_access::visit_seq(self.r, members, visitor)?;
        descriptor::close(self.r)?;
        Ok(value)
    }
}
