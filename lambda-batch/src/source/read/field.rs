//! Tolerant field decoding.
//!
//! A record whose field has the wrong JSON type must not fail the whole
//! invocation: it becomes one failed record, reported by its identifier. The
//! types here accept any JSON value and remember what they found, so the
//! record-level validation can name the field and the problem.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{
    self, Deserialize, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor,
};

use crate::error::RecordError;
use crate::response::ItemIdentifier;

/// The JSON kind of a value, for messages such as "found a number".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JsonKind {
    Null,
    Bool,
    Number,
    String,
    Array,
    Object,
}

impl JsonKind {
    pub(crate) fn describe(self) -> &'static str {
        match self {
            JsonKind::Null => "null",
            JsonKind::Bool => "a boolean",
            JsonKind::Number => "a number",
            JsonKind::String => "a string",
            JsonKind::Array => "an array",
            JsonKind::Object => "an object",
        }
    }
}

impl fmt::Display for JsonKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// The visit methods of the JSON scalars and null: each hands the kind it
/// found to `self.$other(kind)`, a method of the visitor's own.
macro_rules! scalars_to {
    ($other:ident) => {
        fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok(self.$other($crate::source::lenient::JsonKind::Bool))
        }
        fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok(self.$other($crate::source::lenient::JsonKind::Number))
        }
        fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok(self.$other($crate::source::lenient::JsonKind::Number))
        }
        fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok(self.$other($crate::source::lenient::JsonKind::Number))
        }
        fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok(self.$other($crate::source::lenient::JsonKind::String))
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(self.$other($crate::source::lenient::JsonKind::Null))
        }
    };
}
pub(crate) use scalars_to;

/// A field read tolerantly: absent, null, of the expected type, or of another type.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) enum Field<T> {
    #[default]
    Missing,
    Null,
    Value(T),
    Wrong(JsonKind),
}

impl<T> Field<T> {
    /// The value, when the field holds one of the expected type.
    #[inline]
    pub(crate) fn get(&self) -> Option<&T> {
        match self {
            Field::Value(v) => Some(v),
            _ => None,
        }
    }

    /// Checks an optional field without taking it: absent and null are fine,
    /// a wrong type is an error naming `name`.
    #[inline]
    pub(crate) fn check(&self, name: &'static str) -> Result<(), RecordError>
    where
        T: Expect,
    {
        match self {
            Field::Wrong(found) => Err(wrong_type::<T>(*found, name)),
            _ => Ok(()),
        }
    }

    /// The value, when the field holds one of the expected type.
    #[inline]
    pub(crate) fn into_value(self) -> Option<T> {
        match self {
            Field::Value(v) => Some(v),
            _ => None,
        }
    }

    /// The value when present; `Ok(None)` when absent or null; the kind found otherwise.
    pub(crate) fn optional(self) -> Result<Option<T>, JsonKind> {
        match self {
            Field::Missing | Field::Null => Ok(None),
            Field::Value(v) => Ok(Some(v)),
            Field::Wrong(kind) => Err(kind),
        }
    }
}

/// What a tolerant field accepts. Every method not overridden rejects its kind.
pub(crate) trait Accept<'de>: Sized {
    fn borrowed_str(_v: &'de str) -> Option<Self> {
        None
    }
    fn owned_str(_v: String) -> Option<Self> {
        None
    }
    fn u64(_v: u64) -> Option<Self> {
        None
    }
    fn i64(_v: i64) -> Option<Self> {
        None
    }
    fn f64(_v: f64) -> Option<Self> {
        None
    }
    fn bool(_v: bool) -> Option<Self> {
        None
    }
    fn map<A: MapAccess<'de>>(mut map: A) -> Result<Option<Self>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    fn seq<A: SeqAccess<'de>>(mut seq: A) -> Result<Option<Self>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }
}

impl<'de: 'a, 'a> Accept<'de> for Cow<'a, str> {
    fn borrowed_str(v: &'de str) -> Option<Self> {
        Some(Cow::Borrowed(v))
    }
    fn owned_str(v: String) -> Option<Self> {
        Some(Cow::Owned(v))
    }
}

impl<'de> Accept<'de> for bool {
    fn bool(v: bool) -> Option<Self> {
        Some(v)
    }
}

/// A JSON number as it came: integers stay exact.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Num {
    U(u64),
    I(i64),
    F(f64),
}

impl Num {
    pub(crate) fn as_i64(self) -> Option<i64> {
        match self {
            Num::U(v) => i64::try_from(v).ok(),
            Num::I(v) => Some(v),
            Num::F(_) => None,
        }
    }
    pub(crate) fn as_f64(self) -> f64 {
        match self {
            Num::U(v) => v as f64,
            Num::I(v) => v as f64,
            Num::F(v) => v,
        }
    }
}

impl<'de> Accept<'de> for Num {
    fn u64(v: u64) -> Option<Self> {
        Some(Num::U(v))
    }
    fn i64(v: i64) -> Option<Self> {
        Some(Num::I(v))
    }
    fn f64(v: f64) -> Option<Self> {
        Some(Num::F(v))
    }
}

/// An object decoded with its own `Deserialize` (whose fields are tolerant too).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Obj<T>(pub(crate) T);

impl<'de, T: Deserialize<'de>> Accept<'de> for Obj<T> {
    fn map<A: MapAccess<'de>>(map: A) -> Result<Option<Self>, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map)).map(|v| Some(Obj(v)))
    }
}

impl<'de, T: Accept<'de>> Deserialize<'de> for Field<T> {
    #[inline]
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Lenient::<T, Self>(PhantomData).deserialize(deserializer)
    }
}

/// What a tolerant read gives: the value, or the JSON kind found instead.
pub(crate) trait Reading<T> {
    /// A value of the expected kind.
    fn value(value: T) -> Self;
    /// Another kind of value (`JsonKind::Null` for null).
    fn other(found: JsonKind) -> Self;
}

impl<T> Reading<T> for Field<T> {
    #[inline]
    fn value(value: T) -> Self {
        Field::Value(value)
    }
    #[inline]
    fn other(found: JsonKind) -> Self {
        match found {
            JsonKind::Null => Field::Null,
            found => Field::Wrong(found),
        }
    }
}

impl<T> Reading<T> for Result<T, JsonKind> {
    #[inline]
    fn value(value: T) -> Self {
        Ok(value)
    }
    #[inline]
    fn other(found: JsonKind) -> Self {
        Err(found)
    }
}

/// Reads any JSON value as one of the kinds `T` accepts, or tells the kind
/// found instead, giving it as `O`. The one tolerant reader behind [`Field`].
pub(crate) struct Lenient<T, O>(PhantomData<(T, O)>);

impl<T, O> Lenient<T, O> {
    /// The reader.
    #[inline]
    pub(crate) fn new() -> Self {
        Lenient(PhantomData)
    }
}

impl<'de, T: Accept<'de>, O: Reading<T>> DeserializeSeed<'de> for Lenient<T, O> {
    type Value = O;

    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<O, D::Error> {
        deserializer.deserialize_any(self)
    }
}

#[inline]
fn found<T, O: Reading<T>>(value: Option<T>, kind: JsonKind) -> O {
    match value {
        Some(value) => O::value(value),
        None => O::other(kind),
    }
}

impl<'de, T: Accept<'de>, O: Reading<T>> Visitor<'de> for Lenient<T, O> {
    type Value = O;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<O, E> {
        Ok(found(T::borrowed_str(v), JsonKind::String))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<O, E> {
        Ok(found(T::owned_str(v.to_owned()), JsonKind::String))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<O, E> {
        Ok(found(T::owned_str(v), JsonKind::String))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<O, E> {
        Ok(found(T::u64(v), JsonKind::Number))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<O, E> {
        Ok(found(T::i64(v), JsonKind::Number))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<O, E> {
        Ok(found(T::f64(v), JsonKind::Number))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<O, E> {
        Ok(found(T::bool(v), JsonKind::Bool))
    }
    fn visit_unit<E: de::Error>(self) -> Result<O, E> {
        Ok(O::other(JsonKind::Null))
    }
    fn visit_none<E: de::Error>(self) -> Result<O, E> {
        Ok(O::other(JsonKind::Null))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<O, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<O, A::Error> {
        Ok(found(T::seq(seq)?, JsonKind::Array))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<O, A::Error> {
        Ok(found(T::map(map)?, JsonKind::Object))
    }
}

/// A list read tolerantly: each element is a [`Field`], so one bad element
/// does not end the parse.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct List<T>(pub(crate) Vec<Field<T>>);

impl<'de, T: Accept<'de>> Accept<'de> for List<T> {
    fn seq<A: SeqAccess<'de>>(mut seq: A) -> Result<Option<Self>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(16).min(16_384));
        while let Some(item) = seq.next_element::<Field<T>>()? {
            items.push(item);
        }
        Ok(Some(List(items)))
    }
}

/// The JSON kind a tolerant type expects, for error messages.
pub(crate) trait Expect {
    const EXPECTED: &'static str;
}

impl Expect for Cow<'_, str> {
    const EXPECTED: &'static str = "a string";
}
impl Expect for Num {
    const EXPECTED: &'static str = "a number";
}
impl Expect for bool {
    const EXPECTED: &'static str = "a boolean";
}
impl<T> Expect for Obj<T> {
    const EXPECTED: &'static str = "an object";
}
impl<T> Expect for List<T> {
    const EXPECTED: &'static str = "a list";
}

#[cold]
fn wrong_type<T: Expect>(found: JsonKind, name: &'static str) -> RecordError {
    RecordError::WrongType {
        field: name,
        found: found.describe(),
        expected: T::EXPECTED,
    }
}

/// An optional field: absent and null are `None`, a wrong type is an error naming `name`.
#[inline]
pub(crate) fn opt<T: Expect>(
    field: Field<T>,
    name: &'static str,
) -> Result<Option<T>, RecordError> {
    field
        .optional()
        .map_err(|found| wrong_type::<T>(found, name))
}

impl<'a> Field<Cow<'a, str>> {
    /// The text, when the field holds a string.
    #[inline]
    pub(crate) fn text(&self) -> Option<&str> {
        self.get().map(|t| t.as_ref())
    }

    /// The same field, no longer borrowing from the event.
    pub(crate) fn into_owned(self) -> Field<Cow<'static, str>> {
        match self {
            Field::Missing => Field::Missing,
            Field::Null => Field::Null,
            Field::Value(v) => Field::Value(Cow::Owned(v.into_owned())),
            Field::Wrong(kind) => Field::Wrong(kind),
        }
    }
}

/// A required field: absent or null is [`RecordError::Missing`].
pub(crate) fn req<T: Expect>(field: Field<T>, name: &'static str) -> Result<T, RecordError> {
    opt(field, name)?.ok_or(RecordError::Missing { field: name })
}

/// A text identifier, when the field holds a non-empty string.
pub(crate) fn text_id<'a>(text: Option<&Cow<'a, str>>) -> Option<ItemIdentifier<'a>> {
    match text {
        Some(text) if !text.is_empty() => Some(ItemIdentifier::Text(text.clone())),
        _ => None,
    }
}

/// Decodes standard base64, naming the field when it is not (the name is
/// written out only then).
pub(crate) fn base64(text: &str, name: impl fmt::Display) -> Result<Vec<u8>, RecordError> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|e| RecordError::InvalidValue {
            field: name.to_string(),
            reason: format!("not valid base64 ({e})"),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Default)]
    struct Probe<'a> {
        #[serde(default, borrow)]
        text: Field<Cow<'a, str>>,
        #[serde(default)]
        num: Field<Num>,
    }

    fn probe(json: &str) -> Probe<'_> {
        serde_json::from_str(json).expect("valid JSON")
    }

    #[test]
    fn accepts_the_expected_type_and_borrows_plain_strings() {
        let p = probe(r#"{"text":"abc","num":12}"#);
        assert!(matches!(p.text, Field::Value(Cow::Borrowed("abc"))));
        assert!(matches!(p.num, Field::Value(Num::U(12))));
    }

    #[test]
    fn escaped_strings_are_owned_and_unescaped() {
        let p = probe(r#"{"text":"a\"b"}"#);
        assert!(matches!(p.text, Field::Value(Cow::Owned(ref s)) if s == "a\"b"));
    }

    #[test]
    fn wrong_types_are_captured_not_fatal() {
        let p = probe(r#"{"text":{"x":[1,2]},"num":"7"}"#);
        assert!(matches!(p.text, Field::Wrong(JsonKind::Object)));
        assert!(matches!(p.num, Field::Wrong(JsonKind::String)));
    }

    #[test]
    fn missing_and_null_are_told_apart() {
        let p = probe(r#"{"text":null}"#);
        assert!(matches!(p.text, Field::Null));
        assert!(matches!(p.num, Field::Missing));
        assert_eq!(p.text.optional().ok(), Some(None));
    }

    #[test]
    fn lists_keep_bad_elements_in_place() {
        let l: Field<List<Cow<'_, str>>> = serde_json::from_str(r#"["a", 1, null, "b"]"#).unwrap();
        let Field::Value(l) = l else {
            panic!("a list is a list")
        };
        assert_eq!(l.0.len(), 4);
        assert!(matches!(l.0[1], Field::Wrong(JsonKind::Number)));
        assert!(matches!(l.0[2], Field::Null));
    }
}
