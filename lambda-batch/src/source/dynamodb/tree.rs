//! Images read from their text into [`Image`]s of [`AttributeValue`]s, for
//! readers who ask for attribute values rather than a type of their own.
//!
//! Every attribute is checked: a malformed one (an unknown type descriptor,
//! a `B` that is not base64, an `N` that is not a number, ...) is an error
//! naming its path.

use super::attribute::AttributeValue;
use super::descriptor::{self, Tag};
use super::error::ImageError;
use super::image::Image;
use super::reader::Reader;
use crate::source::lenient::JsonKind;

/// The image of JSON text `text` (an object of attribute values), as a tree.
pub(super) fn image(text: &str) -> Result<Image<'_>, ImageError> {
    let mut r = Reader::new(text);
    descriptor::expect_image(&mut r)?;
    let image = attributes(&mut r)?;
    if r.at_end() {
        Ok(image)
    } else {
        Err(ImageError::new("trailing characters after the image"))
    }
}

/// The attributes of the object that comes next.
fn attributes<'de>(r: &mut Reader<'de>) -> Result<Image<'de>, ImageError> {
    r.begin_object()?;
    let mut attributes = Vec::new();
    let mut first = true;
    while let Some(name) = r.next_key(&mut first)? {
        match attribute(r) {
            Ok(value) => attributes.push((name, value)),
            Err(e) => return Err(e.at_key(&name)),
        }
    }
    Ok(Image::from_attributes(attributes))
}

/// The attribute value that comes next.
fn attribute<'de>(r: &mut Reader<'de>) -> Result<AttributeValue<'de>, ImageError> {
    let tag = descriptor::open(r)?;
    let value = match tag {
        Tag::S => AttributeValue::S(descriptor::text(r, tag)?),
        Tag::N => AttributeValue::N(descriptor::checked_number(descriptor::text(r, tag)?)?),
        Tag::B => AttributeValue::B(descriptor::binary(&descriptor::text(r, tag)?)?),
        Tag::Bool => AttributeValue::Bool(descriptor::boolean(r, tag)?),
        Tag::Null => {
            descriptor::boolean(r, tag)?;
            AttributeValue::Null
        }
        Tag::M => {
            descriptor::expect(r, tag, JsonKind::Object, "an object")?;
            AttributeValue::M(attributes(r)?)
        }
        Tag::L => {
            descriptor::expect(r, tag, JsonKind::Array, "a list")?;
            AttributeValue::L(list(r, attribute)?)
        }
        Tag::Ss => AttributeValue::Ss(set(r, tag, Ok)?),
        Tag::Ns => AttributeValue::Ns(set(r, tag, descriptor::checked_number)?),
        Tag::Bs => AttributeValue::Bs(set(r, tag, |text| descriptor::binary(&text))?),
    };
    descriptor::close(r)?;
    Ok(value)
}

/// The elements of the array that comes next, each read by `element`.
fn list<'de, T>(
    r: &mut Reader<'de>,
    mut element: impl FnMut(&mut Reader<'de>) -> Result<T, ImageError>,
) -> Result<Vec<T>, ImageError> {
    r.begin_array()?;
    let mut items = Vec::new();
    let mut first = true;
    while r.next_element(&mut first)? {
        let item = element(r).map_err(|e| e.at_index(items.len()))?;
        items.push(item);
    }
    Ok(items)
}

/// The members of a set (`SS`, `NS`, `BS`): strings, each converted.
fn set<'de, T>(
    r: &mut Reader<'de>,
    tag: Tag,
    convert: impl Fn(std::borrow::Cow<'de, str>) -> Result<T, ImageError>,
) -> Result<Vec<T>, ImageError> {
    descriptor::expect(r, tag, JsonKind::Array, "a list of strings")?;
    list(r, |r| descriptor::member(r).and_then(&convert))
}
