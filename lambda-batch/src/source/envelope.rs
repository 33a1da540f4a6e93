//! The event envelope: the top-level object and its list (or map) of records.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::lenient::{ConvertElement, Converted, Expect, Field, JsonKind, Obj};
use super::Parsed;
use crate::error::{InvalidEvent, RecordError};

/// Reads the top-level object of `event` and hands its `key` field, when
/// present, to `seed`. Any other top-level value is an [`InvalidEvent::Shape`].
fn top_level_seed<'a, Sd: DeserializeSeed<'a>>(
    event: &'a str,
    key: &'static str,
    seed: Sd,
) -> Result<Option<Sd::Value>, InvalidEvent> {
    let mut de = serde_json::Deserializer::from_str(event);
    let top = de
        .deserialize_any(TopVisitor { key, seed })
        .and_then(|top| de.end().map(|()| top))
        .map_err(|e| InvalidEvent::json(&e))?;
    match top {
        Top::Object(found) => Ok(found),
        Top::Other(kind) => Err(InvalidEvent::Shape {
            path: String::new(),
            found: kind.describe(),
            expected: "a JSON object",
        }),
    }
}

/// Reads the top-level object of `event` as `W`, in one pass: `W` is a
/// struct of tolerant fields (every field read as a [`Field`]), so each of
/// several top-level fields can be checked afterwards. Any other top-level
/// value is an [`InvalidEvent::Shape`].
pub(crate) fn top_level_object<'a, W: de::Deserialize<'a>>(
    event: &'a str,
) -> Result<W, InvalidEvent> {
    let mut de = serde_json::Deserializer::from_str(event);
    let top = <Field<Obj<W>> as de::Deserialize>::deserialize(&mut de)
        .and_then(|top| de.end().map(|()| top))
        .map_err(|e| InvalidEvent::json(&e))?;
    let kind = match top {
        Field::Value(Obj(wire)) => return Ok(wire),
        Field::Null | Field::Missing => JsonKind::Null,
        Field::Wrong(kind) => kind,
    };
    Err(InvalidEvent::Shape {
        path: String::new(),
        found: kind.describe(),
        expected: "a JSON object",
    })
}

/// An optional top-level field: absent and null are `None`, a wrong type is
/// an [`InvalidEvent::Shape`] naming `path`.
pub(crate) fn optional<T: Expect>(field: Field<T>, path: &str) -> Result<Option<T>, InvalidEvent> {
    field.optional().map_err(|found| InvalidEvent::Shape {
        path: path.to_owned(),
        found: found.describe(),
        expected: T::EXPECTED,
    })
}

/// Lambda delivers at most 10,000 records a batch.
const MAX_RESERVED_RECORDS: usize = 10_000;

/// The `Records` list of an SQS, Kinesis or DynamoDB event, each element
/// converted by `C` as it is read.
pub(crate) fn converted_records<'a, C: ConvertElement<'a>>(
    event: &'a str,
    source: &'static str,
) -> Result<Vec<Parsed<'a, C::Record>>, InvalidEvent> {
    // Records are at least a few hundred bytes: reserve for the likely count
    // up front rather than growing (and copying) the list while reading.
    let capacity = (event.len() / 512).min(MAX_RESERVED_RECORDS);
    let field = top_level_seed(event, "Records", Converted::<C>::with_capacity(capacity))?;
    list_or_error(field.unwrap_or(Field::Missing), "Records", source)
}

/// Turns a tolerant list field into its elements, or the error naming `path`.
pub(crate) fn list_or_error<T>(
    field: Field<Vec<T>>,
    path: &str,
    expected: &'static str,
) -> Result<Vec<T>, InvalidEvent> {
    match field {
        Field::Value(items) => Ok(items),
        Field::Missing => Err(InvalidEvent::Missing {
            path: path.to_owned(),
            expected,
        }),
        Field::Null => Err(InvalidEvent::Shape {
            path: path.to_owned(),
            found: JsonKind::Null.describe(),
            expected: "a list of records",
        }),
        Field::Wrong(kind) => Err(InvalidEvent::Shape {
            path: path.to_owned(),
            found: kind.describe(),
            expected: "a list of records",
        }),
    }
}

/// One element of a records list: the wire record, or why it is not one.
pub(crate) fn element<W>(field: Field<Obj<W>>) -> Result<W, RecordError> {
    match field {
        Field::Value(Obj(wire)) => Ok(wire),
        Field::Null | Field::Missing => Err(RecordError::NotAnObject {
            found: JsonKind::Null.describe(),
        }),
        Field::Wrong(kind) => Err(RecordError::NotAnObject {
            found: kind.describe(),
        }),
    }
}

enum Top<V> {
    Object(Option<V>),
    Other(JsonKind),
}

struct TopVisitor<Sd> {
    key: &'static str,
    seed: Sd,
}

impl<'de, Sd: DeserializeSeed<'de>> Visitor<'de> for TopVisitor<Sd> {
    type Value = Top<Sd::Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        // The first occurrence of the key counts; a repeated one is skipped.
        let mut seed = Some(self.seed);
        let mut found = None;
        while let Some(is_key) = map.next_key_seed(KeyIs(self.key))? {
            match seed.take() {
                Some(s) if is_key => found = Some(map.next_value_seed(s)?),
                other => {
                    seed = other;
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Top::Object(found))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Top::Other(JsonKind::Array))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Top::Other(JsonKind::Bool))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Top::Other(JsonKind::Number))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Top::Other(JsonKind::Number))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Top::Other(JsonKind::Number))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Top::Other(JsonKind::String))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Top::Other(JsonKind::Null))
    }
}

/// A map key seed answering whether the key equals the one looked for.
struct KeyIs(&'static str);

impl<'de> DeserializeSeed<'de> for KeyIs {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyIs {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
        Ok(v == self.0)
    }
}
