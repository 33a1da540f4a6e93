//! DynamoDB JSON: attribute values `{"<type>": <value>}` read from their
//! text, with what is wrong in them told in the words of the format.

use std::borrow::Cow;

use base64::Engine as _;

use super::error::ImageError;
use super::number;
use super::reader::Reader;
use crate::source::lenient::JsonKind;

/// A type descriptor: the key of an attribute value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tag {
    S,
    N,
    B,
    Bool,
    Null,
    M,
    L,
    Ss,
    Ns,
    Bs,
}

impl Tag {
    fn from_name(name: &str) -> Option<Tag> {
        Some(match name {
            "S" => Tag::S,
            "N" => Tag::N,
            "B" => Tag::B,
            "BOOL" => Tag::Bool,
            "NULL" => Tag::Null,
            "M" => Tag::M,
            "L" => Tag::L,
            "SS" => Tag::Ss,
            "NS" => Tag::Ns,
            "BS" => Tag::Bs,
            _ => return None,
        })
    }

    pub(super) fn name(self) -> &'static str {
        match self {
            Tag::S => "S",
            Tag::N => "N",
            Tag::B => "B",
            Tag::Bool => "BOOL",
            Tag::Null => "NULL",
            Tag::M => "M",
            Tag::L => "L",
            Tag::Ss => "SS",
            Tag::Ns => "NS",
            Tag::Bs => "BS",
        }
    }
}

#[cold]
fn not_an_attribute(found: &str) -> ImageError {
    ImageError::new(format!(
        "found {found}, expected an attribute value such as {{\"S\": \"text\"}}"
    ))
}

/// Reads the start of an attribute value, `{"<type>":`, giving its type.
#[inline]
pub(super) fn open(r: &mut Reader<'_>) -> Result<Tag, ImageError> {
    if r.peek() != Some(b'{') {
        return Err(not_an_attribute(r.kind().describe()));
    }
    r.begin_object()?;
    let name = r
        .next_key(&mut true)?
        .ok_or_else(|| not_an_attribute("an empty object"))?;
    Tag::from_name(&name).ok_or_else(|| ImageError::new(format!("unknown attribute type `{name}`")))
}

/// Reads the `}` that ends an attribute value.
#[inline]
pub(super) fn close(r: &mut Reader<'_>) -> Result<(), ImageError> {
    if r.end_object() {
        Ok(())
    } else {
        Err(ImageError::new(
            "an attribute value has more than one type descriptor",
        ))
    }
}

#[cold]
fn holds(tag: Tag, found: JsonKind, expected: &str) -> ImageError {
    ImageError::new(format!(
        "`{}` holds {found}, expected {expected}",
        tag.name()
    ))
}

/// Checks that the value of `tag` is of `kind`, before reading into it.
#[inline]
pub(super) fn expect(
    r: &mut Reader<'_>,
    tag: Tag,
    kind: JsonKind,
    expected: &str,
) -> Result<(), ImageError> {
    match r.kind() {
        found if found == kind => Ok(()),
        found => Err(holds(tag, found, expected)),
    }
}

/// The string value of `tag`.
#[inline]
pub(super) fn text<'de>(r: &mut Reader<'de>, tag: Tag) -> Result<Cow<'de, str>, ImageError> {
    expect(r, tag, JsonKind::String, "a string")?;
    r.string()
}

/// The boolean value of `BOOL` or `NULL` (DynamoDB always writes `true`
/// for `NULL`; `false` is read as null too).
pub(super) fn boolean(r: &mut Reader<'_>, tag: Tag) -> Result<bool, ImageError> {
    expect(r, tag, JsonKind::Bool, "a boolean")?;
    r.boolean()
}

/// Number text, when it is a decimal number.
pub(super) fn checked_number(text: Cow<'_, str>) -> Result<Cow<'_, str>, ImageError> {
    if number::is_number(&text) {
        Ok(text)
    } else {
        Err(ImageError::new(format!("`{text}` is not a number")))
    }
}

/// The bytes of a base64 binary value.
pub(super) fn binary(text: &str) -> Result<Vec<u8>, ImageError> {
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|e| ImageError::new(format!("binary value is not valid base64 ({e})")))
}

/// A member of an `SS`, `NS` or `BS`: a string.
#[inline]
pub(super) fn member<'de>(r: &mut Reader<'de>) -> Result<Cow<'de, str>, ImageError> {
    match r.kind() {
        JsonKind::String => r.string(),
        found => Err(ImageError::new(format!("found {found}, expected a string"))),
    }
}

/// Checks that an image (or the value of an `M`) is an object.
pub(super) fn expect_image(r: &mut Reader<'_>) -> Result<(), ImageError> {
    match r.kind() {
        JsonKind::Object => Ok(()),
        found => Err(ImageError::new(format!(
            "found {found}, expected a map of attributes"
        ))),
    }
}
