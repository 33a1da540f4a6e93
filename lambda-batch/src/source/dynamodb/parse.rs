//! Reading images from the event text, tolerantly.
//!
//! An image is read in the same pass as the rest of the record. A malformed
//! attribute never stops the parse of the event: the rest of the image is
//! skipped and the problem is kept, with its path, so that the record fails
//! alone.

use std::borrow::Cow;
use std::fmt;

use base64::Engine as _;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::attribute::AttributeValue;
use super::de::{prefix_index, prefix_key};
use super::image::Image;
use super::number;
use super::seeds::{skip_map, skip_seq, NameSeed, Tag, TagSeed};
use crate::error::RecordError;
use crate::source::lenient::{lenient, scalars_to};
use crate::source::lenient::{Accept, Expect, JsonKind};

/// What is wrong in an image, and where (relative to the value that holds it).
#[derive(Debug)]
pub(super) struct Problem {
    path: String,
    reason: String,
}

/// A value read from an image, or the problem that stopped it.
type Read<T> = Result<T, Box<Problem>>;

impl Problem {
    fn new(reason: impl Into<String>) -> Box<Problem> {
        Box::new(Problem {
            path: String::new(),
            reason: reason.into(),
        })
    }

    fn at_key(mut self: Box<Self>, key: &str) -> Box<Self> {
        prefix_key(&mut self.path, key);
        self
    }

    fn at_index(mut self: Box<Self>, index: usize) -> Box<Self> {
        prefix_index(&mut self.path, index);
        self
    }

    /// The record error for this problem in the image at `field`, such as `dynamodb.NewImage`.
    pub(super) fn into_record_error(self, field: &str) -> RecordError {
        let mut path = self.path;
        if !path.is_empty() {
            prefix_key(&mut path, field);
        } else {
            path = field.to_owned();
        }
        RecordError::InvalidValue {
            field: path,
            reason: self.reason,
        }
    }
}

/// An image as read from the event: its attributes, or the first problem in it.
pub(super) struct ImageWire<'a>(pub(super) Read<Image<'a>>);

impl Expect for ImageWire<'_> {
    const EXPECTED: &'static str = "an object";
}

impl<'de: 'a, 'a> Accept<'de> for ImageWire<'a> {
    fn map<A: MapAccess<'de>>(map: A) -> Result<Option<Self>, A::Error> {
        read_image(map).map(|image| Some(ImageWire(image)))
    }
}

fn read_image<'de, A: MapAccess<'de>>(mut map: A) -> Result<Read<Image<'de>>, A::Error> {
    let mut sink = ImageSink {
        attributes: Vec::new(),
        name: None,
    };
    while let Some(name) = map.next_key_seed(NameSeed)? {
        sink.name = Some(name);
        if let Some(problem) = map.next_value_seed(AttributeSeed(&mut sink))? {
            let problem = match sink.name.take() {
                Some(name) => problem.at_key(&name),
                None => problem,
            };
            skip_map(map)?;
            return Ok(Err(problem));
        }
    }
    Ok(Ok(Image::from_attributes(sink.attributes)))
}

/// Where an attribute value goes once read. Values are put in place rather
/// than returned, which keeps them from being copied through every layer
/// of the parser.
trait Sink<'de> {
    fn put(&mut self, value: AttributeValue<'de>);
}

/// The attributes of an image, and the name of the one being read.
struct ImageSink<'de> {
    attributes: Vec<(Cow<'de, str>, AttributeValue<'de>)>,
    name: Option<Cow<'de, str>>,
}

impl<'de> Sink<'de> for ImageSink<'de> {
    #[inline(always)]
    fn put(&mut self, value: AttributeValue<'de>) {
        if let Some(name) = self.name.take() {
            self.attributes.push((name, value));
        }
    }
}

impl<'de> Sink<'de> for Vec<AttributeValue<'de>> {
    #[inline(always)]
    fn put(&mut self, value: AttributeValue<'de>) {
        self.push(value);
    }
}

/// One attribute value, `{"<type>": <value>}`, put into its sink; the
/// problem when it is not one.
struct AttributeSeed<'s, S>(&'s mut S);

impl<'de, S: Sink<'de>> DeserializeSeed<'de> for AttributeSeed<'_, S> {
    type Value = Option<Box<Problem>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

fn not_an_attribute(found: JsonKind) -> Option<Box<Problem>> {
    Some(Problem::new(format!(
        "found {found}, expected an attribute value such as {{\"S\": \"text\"}}"
    )))
}

impl<S> AttributeSeed<'_, S> {
    fn other(self, found: JsonKind) -> Option<Box<Problem>> {
        not_an_attribute(found)
    }
}

impl<'de, S: Sink<'de>> Visitor<'de> for AttributeSeed<'_, S> {
    type Value = Option<Box<Problem>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a DynamoDB attribute value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let Some(tag) = map.next_key_seed(TagSeed)? else {
            return Ok(Some(Problem::new(
                "found an empty object, expected an attribute value such as {\"S\": \"text\"}",
            )));
        };
        let value = read_value(&mut map, tag)?;
        if map.next_key::<IgnoredAny>()?.is_some() {
            map.next_value::<IgnoredAny>()?;
            skip_map(map)?;
            return Ok(Some(Problem::new(
                "an attribute value has more than one type descriptor",
            )));
        }
        match value {
            Ok(value) => {
                self.0.put(value);
                Ok(None)
            }
            Err(problem) => Ok(Some(problem)),
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        skip_seq(seq)?;
        Ok(not_an_attribute(JsonKind::Array))
    }
    scalars_to!(other);
}

/// The value of a type descriptor, or the problem naming what was found.
#[inline(always)]
fn expect<T>(value: Result<T, JsonKind>, tag: &str, expected: &str) -> Read<T> {
    value.map_err(|found| Problem::new(format!("`{tag}` holds {found}, expected {expected}")))
}

#[inline(always)]
fn text<'a>(value: Result<Cow<'a, str>, JsonKind>, tag: &str) -> Read<Cow<'a, str>> {
    expect(value, tag, "a string")
}

fn number<'a>(text: Cow<'a, str>) -> Read<Cow<'a, str>> {
    if number::is_number(&text) {
        Ok(text)
    } else {
        Err(Problem::new(format!("`{text}` is not a number")))
    }
}

fn binary(text: &str) -> Read<Vec<u8>> {
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|e| Problem::new(format!("binary value is not valid base64 ({e})")))
}

#[inline(always)]
fn read_value<'de, A: MapAccess<'de>>(
    map: &mut A,
    tag: Tag,
) -> Result<Read<AttributeValue<'de>>, A::Error> {
    Ok(match tag {
        Tag::S => {
            text(map.next_value_seed(lenient::<Cow<'de, str>>())?, "S").map(AttributeValue::S)
        }
        Tag::N => text(map.next_value_seed(lenient::<Cow<'de, str>>())?, "N")
            .and_then(number)
            .map(AttributeValue::N),
        Tag::B => text(map.next_value_seed(lenient::<Cow<'de, str>>())?, "B")
            .and_then(|b| binary(&b))
            .map(AttributeValue::B),
        Tag::Bool => {
            expect(map.next_value_seed(lenient())?, "BOOL", "a boolean").map(AttributeValue::Bool)
        }
        // DynamoDB always writes `true`; `false` is read as null too.
        Tag::Null => expect::<bool>(map.next_value_seed(lenient())?, "NULL", "a boolean")
            .map(|_| AttributeValue::Null),
        Tag::M => expect::<ImageWire<'de>>(map.next_value_seed(lenient())?, "M", "an object")
            .and_then(|ImageWire(image)| image)
            .map(AttributeValue::M),
        Tag::L => expect::<ListWire<'de>>(map.next_value_seed(lenient())?, "L", "a list")
            .and_then(|ListWire(list)| list)
            .map(AttributeValue::L),
        Tag::Ss => texts(map.next_value_seed(lenient())?, "SS").map(AttributeValue::Ss),
        Tag::Ns => texts(map.next_value_seed(lenient())?, "NS")
            .and_then(|numbers| {
                for (index, n) in numbers.iter().enumerate() {
                    if !number::is_number(n) {
                        return Err(Problem::new(format!("`{n}` is not a number")).at_index(index));
                    }
                }
                Ok(numbers)
            })
            .map(AttributeValue::Ns),
        Tag::Bs => texts(map.next_value_seed(lenient())?, "BS")
            .and_then(|items| {
                items
                    .iter()
                    .enumerate()
                    .map(|(index, b)| binary(b).map_err(|p| p.at_index(index)))
                    .collect()
            })
            .map(AttributeValue::Bs),
        Tag::Unknown(name) => {
            map.next_value::<IgnoredAny>()?;
            Err(Problem::new(format!("unknown attribute type `{name}`")))
        }
    })
}

fn texts<'a>(field: Result<TextsWire<'a>, JsonKind>, tag: &str) -> Read<Vec<Cow<'a, str>>> {
    expect(field, tag, "a list of strings").and_then(|TextsWire(texts)| texts)
}

/// The value of an `L`.
struct ListWire<'a>(Read<Vec<AttributeValue<'a>>>);

impl<'de: 'a, 'a> Accept<'de> for ListWire<'a> {
    fn seq<A: SeqAccess<'de>>(mut seq: A) -> Result<Option<Self>, A::Error> {
        let mut items = Vec::new();
        while let Some(problem) = seq.next_element_seed(AttributeSeed(&mut items))? {
            if let Some(problem) = problem {
                let problem = problem.at_index(items.len());
                skip_seq(seq)?;
                return Ok(Some(ListWire(Err(problem))));
            }
        }
        Ok(Some(ListWire(Ok(items))))
    }
}

/// The value of an `SS`, `NS` or `BS`: a list of strings.
struct TextsWire<'a>(Read<Vec<Cow<'a, str>>>);

impl<'de: 'a, 'a> Accept<'de> for TextsWire<'a> {
    fn seq<A: SeqAccess<'de>>(mut seq: A) -> Result<Option<Self>, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(lenient::<Cow<'de, str>>())? {
            let found = match item {
                Ok(text) => {
                    items.push(text);
                    continue;
                }
                Err(kind) => kind,
            };
            let problem =
                Problem::new(format!("found {found}, expected a string")).at_index(items.len());
            skip_seq(seq)?;
            return Ok(Some(TextsWire(Err(problem))));
        }
        Ok(Some(TextsWire(Ok(items))))
    }
}
