//! Fields decoded when they are read, not when the event is.
//!
//! The event pass reads each record's identifier (and the strings a record
//! hands out as they are) and keeps everything that needs decoding as it
//! stands in the event: base64 text, numbers, nested objects. The accessor
//! that reads such a field decodes it, and a field that does not decode
//! fails only the reader, with a [`RecordError`] naming it. A field no one
//! reads is never decoded, so it can never fail a record.
//!
//! - [`Raw`]: a JSON value kept as its text, borrowed from the event. Its
//!   extent is all the event pass checks; the accessor parses it.
//! - [`Cached`]: the decoded value of a field, made on the first read and
//!   kept for the next ones, so that accessors can hand out references.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use serde::de::{Deserialize, Deserializer};
use serde_json::value::RawValue;

use super::field::{opt, Accept, Expect, Field};
use crate::error::{strip_position, RecordError};

/// A JSON value kept as its text, to be decoded when read. Absent and
/// `null` are both `None`.
#[derive(Clone, Default, PartialEq, Eq)]
pub(crate) struct Raw<'a>(Option<Cow<'a, str>>);

impl fmt::Debug for Raw<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Some(text) => write!(f, "Raw({text})"),
            None => f.write_str("Raw(absent)"),
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Raw<'a> {
    #[inline]
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // The event is always read from its text, so the value borrows.
        let raw = Option::<&'de RawValue>::deserialize(deserializer)?;
        Ok(Raw(raw.map(|raw| Cow::Borrowed(raw.get()))))
    }
}

impl<'a> Raw<'a> {
    /// The value's JSON text; `None` when absent or null.
    #[inline]
    pub(crate) fn text(&self) -> Option<&str> {
        self.0.as_deref()
    }

    /// Whether the field is absent or null.
    #[cfg(test)]
    pub(crate) fn is_absent(&self) -> bool {
        self.0.is_none()
    }

    /// Decodes the value as JSON into `T`; `Ok(None)` when absent or null.
    ///
    /// # Errors
    ///
    /// [`RecordError::InvalidValue`] naming `field` with what serde said.
    pub(crate) fn decode<'s, T: Deserialize<'s>>(
        &'s self,
        field: &str,
    ) -> Result<Option<T>, RecordError> {
        decode(self.text(), field)
    }

    /// Decodes the value with the tolerant reader of `T`: `Ok(None)` when
    /// absent or null, [`RecordError::WrongType`] naming `field` when it is
    /// of another JSON kind than `T` takes.
    ///
    /// # Errors
    ///
    /// As [`decode`](Self::decode), and for a value of another kind.
    pub(crate) fn decode_field<'s, T: Accept<'s> + Expect>(
        &'s self,
        field: &'static str,
    ) -> Result<Option<T>, RecordError> {
        decode_field(self.text(), field)
    }

    /// The value's text, given up: borrowed from the event, unless the
    /// value was made owned.
    #[inline]
    pub(crate) fn into_text(self) -> Option<Cow<'a, str>> {
        self.0
    }

    /// A number, written as a JSON number or as text holding one (as
    /// `aws_lambda_events` writes some); `Ok(None)` when absent or null.
    ///
    /// # Errors
    ///
    /// [`RecordError::InvalidValue`] naming `field` when the value is not a
    /// number of type `T` (out of range, a fraction for a whole number, not
    /// a number at all).
    pub(crate) fn number<T: FromStr + Finite>(
        &self,
        field: &str,
    ) -> Result<Option<T>, RecordError> {
        let Some(text) = self.text() else {
            return Ok(None);
        };
        let digits = match text.as_bytes().first() {
            Some(b'"') => match serde_json::from_str::<Cow<'_, str>>(text) {
                Ok(inner) => inner,
                Err(_) => return Err(invalid(field, format!("{text} is not a number"))),
            },
            Some(b'-' | b'0'..=b'9') => Cow::Borrowed(text),
            _ => return Err(invalid(field, format!("{} is not a number", kind_of(text)))),
        };
        match digits.trim().parse::<T>() {
            Ok(value) if value.is_finite() => Ok(Some(value)),
            _ => Err(invalid(
                field,
                format!("`{digits}` is not {}", T::DESCRIPTION),
            )),
        }
    }

    /// The same value, no longer borrowing from the event.
    pub(crate) fn into_owned(self) -> Raw<'static> {
        Raw(self.0.map(|text| Cow::Owned(text.into_owned())))
    }
}

/// Decodes the JSON text of a value kept by the event pass into `T`;
/// `Ok(None)` when absent or null (see [`Raw::decode`]).
pub(crate) fn decode<'s, T: Deserialize<'s>>(
    text: Option<&'s str>,
    field: &str,
) -> Result<Option<T>, RecordError> {
    text.map(|text| serde_json::from_str(text).map_err(|e| invalid(field, strip_position(&e))))
        .transpose()
}

/// Decodes the JSON text of a value kept by the event pass with the
/// tolerant reader of `T` (see [`Raw::decode_field`]).
pub(crate) fn decode_field<'s, T: Accept<'s> + Expect>(
    text: Option<&'s str>,
    field: &'static str,
) -> Result<Option<T>, RecordError> {
    decode::<Field<T>>(text, field)?.map_or(Ok(None), |value| opt(value, field))
}

/// Number types a [`Raw`] value reads as, with how to name them in errors.
pub(crate) trait Finite {
    /// Such as "a whole number" or "a finite number".
    const DESCRIPTION: &'static str;
    /// Whether the value is usable (not infinite, for floats).
    fn is_finite(&self) -> bool {
        true
    }
}

impl Finite for f64 {
    const DESCRIPTION: &'static str = "a finite number";
    fn is_finite(&self) -> bool {
        f64::is_finite(*self)
    }
}

macro_rules! whole_numbers {
    ($($t:ty),*) => {$(
        impl Finite for $t {
            const DESCRIPTION: &'static str = concat!("a whole number of type ", stringify!($t));
        }
    )*};
}
whole_numbers!(u32, u64, i32, i64);

/// The JSON kind of a value's text, for messages.
fn kind_of(text: &str) -> &'static str {
    match text.as_bytes().first() {
        Some(b'{') => "an object",
        Some(b'[') => "a list",
        Some(b't' | b'f') => "a boolean",
        Some(b'"') => "a string",
        _ => "the value",
    }
}

/// A field whose value is unusable.
#[cold]
pub(crate) fn invalid(field: &str, reason: impl Into<String>) -> RecordError {
    RecordError::InvalidValue {
        field: field.to_owned(),
        reason: reason.into(),
    }
}

/// The decoded value of a field, made when first read and kept, with the
/// error when it does not decode (given again on every read).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Cached<T>(OnceLock<Result<T, RecordError>>);

impl<T> Cached<T> {
    /// The decoded value, decoding it with `decode` on the first call.
    ///
    /// # Errors
    ///
    /// What `decode` gave, on this and every later call.
    #[inline]
    pub(crate) fn get_or_decode(
        &self,
        decode: impl FnOnce() -> Result<T, RecordError>,
    ) -> Result<&T, RecordError> {
        self.0.get_or_init(decode).as_ref().map_err(Clone::clone)
    }
}

impl<T> Field<T> {
    /// A required field read by an accessor: absent or null is
    /// [`RecordError::Missing`], a wrong type [`RecordError::WrongType`].
    pub(crate) fn required(&self, name: &'static str) -> Result<&T, RecordError>
    where
        T: super::field::Expect,
    {
        self.check(name)?;
        self.get().ok_or(RecordError::Missing { field: name })
    }

    /// An optional field read by an accessor: absent and null are `None`, a
    /// wrong type is [`RecordError::WrongType`].
    pub(crate) fn present(&self, name: &'static str) -> Result<Option<&T>, RecordError>
    where
        T: super::field::Expect,
    {
        self.check(name)?;
        Ok(self.get())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct Probe<'a> {
        #[serde(borrow, default)]
        value: Raw<'a>,
    }

    fn raw(json: &str) -> Raw<'_> {
        serde_json::from_str::<Probe<'_>>(json).unwrap().value
    }

    #[test]
    fn keeps_the_text_of_any_value_and_borrows_it() {
        let event = r#"{"value": {"a": [1, "x\"y"]}}"#;
        let value = raw(event);
        assert_eq!(value.text(), Some(r#"{"a": [1, "x\"y"]}"#));
        assert!(matches!(value.0, Some(Cow::Borrowed(_))));
        assert!(raw(r#"{"value": null}"#).is_absent());
        assert!(raw("{}").is_absent());
    }

    #[test]
    fn numbers_out_of_range_are_kept_not_rejected() {
        // serde_json would refuse 1e999 as a number: kept as text, the
        // event still reads, and only the reader learns of it.
        let value = raw(r#"{"value": 1e999}"#);
        let err = value
            .number::<f64>("kinesis.approximateArrivalTimestamp")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "field `kinesis.approximateArrivalTimestamp` is invalid: `1e999` is not a finite number"
        );
    }

    #[test]
    fn numbers_read_from_json_numbers_and_from_text() {
        assert_eq!(
            raw(r#"{"value": 1545084650.987}"#).number::<f64>("t"),
            Ok(Some(1545084650.987))
        );
        assert_eq!(
            raw(r#"{"value": "1700000200.123"}"#).number::<f64>("t"),
            Ok(Some(1700000200.123))
        );
        assert_eq!(raw(r#"{"value": "12"}"#).number::<u32>("n"), Ok(Some(12)));
        assert_eq!(raw(r#"{"value": null}"#).number::<u32>("n"), Ok(None));
        let err = raw(r#"{"value": "1.5"}"#).number::<u32>("n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "field `n` is invalid: `1.5` is not a whole number of type u32"
        );
        let err = raw(r#"{"value": {"x": 1}}"#)
            .number::<u32>("n")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "field `n` is invalid: an object is not a number"
        );
    }

    #[test]
    fn decodes_on_demand_naming_the_field() {
        let value = raw(r#"{"value": {"a": 1}}"#);
        let map: Option<std::collections::BTreeMap<String, u8>> = value.decode("attrs").unwrap();
        assert_eq!(map.unwrap()["a"], 1);
        let err = value.decode::<Vec<u8>>("attrs").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("field `attrs` is invalid: invalid type: map"),
            "{err}"
        );
    }

    #[test]
    fn cached_values_decode_once_and_keep_their_error() {
        let cache = Cached::<u8>::default();
        let mut calls = 0;
        let mut decode = || {
            calls += 1;
            Err(invalid("x", "no"))
        };
        assert!(cache.get_or_decode(&mut decode).is_err());
        assert!(cache.get_or_decode(&mut decode).is_err());
        assert_eq!(calls, 1);
        let cache = Cached::default();
        assert_eq!(cache.get_or_decode(|| Ok(3)), Ok(&3));
        assert_eq!(cache.get_or_decode(|| Ok(4)), Ok(&3));
    }
}
