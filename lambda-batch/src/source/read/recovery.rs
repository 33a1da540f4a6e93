//! Reading an event record by record, when reading it in one pass failed.
//!
//! The event pass reads every record in place and stops at the first text
//! JSON cannot give: a string holding a lone surrogate (`"\ud800"`), a
//! number no `f64` holds (`1e999`) in a field the pass reads. Such a value
//! is within one record, and the event still delimits its records (skipping
//! a value checks its extent, not its content), so failing the whole
//! batch, and every record's retry, for it would be wrong. Then, and only
//! then, the event is read again with each record kept as its text and
//! converted on its own: a record that still cannot be read fails alone,
//! named by what can be read of its identifier, with the path of the value
//! at fault. Well-formed events never take this path; an event whose
//! records cannot be delimited is refused as before.

use std::borrow::Cow;

use serde::de::DeserializeSeed;

use super::field::{text_id, Field};
use crate::error::InvalidEvent;
use crate::response::ItemIdentifier;

/// Reads an event with `read`, in one pass (`read(false)`), and only when
/// that stops at a value JSON cannot give, once more with each record on
/// its own (`read(true)`). An event that does not read either way keeps the
/// first pass's error.
pub(crate) fn read_or_recover<T>(
    read: impl Fn(bool) -> Result<T, InvalidEvent>,
) -> Result<T, InvalidEvent> {
    match read(false) {
        Err(error @ InvalidEvent::Json { .. }) => read(true).map_err(|_| error),
        read => read,
    }
}

/// The text identifier at `name` of a record's text, or within its object
/// `inner` when given; other fields are skipped unread.
pub(crate) fn text_identifier<'de>(
    record: &'de str,
    inner: Option<&'static str>,
    name: &'static str,
) -> Option<ItemIdentifier<'de>> {
    let mut de = serde_json::Deserializer::from_str(record);
    let seed = Pick { inner, name };
    let found = seed.deserialize(&mut de).ok()??;
    text_id(found.get())
}

/// Reads one string field, in an inner object or not, skipping the rest.
struct Pick {
    inner: Option<&'static str>,
    name: &'static str,
}

impl<'de> DeserializeSeed<'de> for Pick {
    type Value = Option<Field<Cow<'de, str>>>;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Pick {
    type Value = Option<Field<Cow<'de, str>>>;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a record")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            let looked_for = self.inner.unwrap_or(self.name);
            if key != looked_for || found.is_some() {
                map.next_value::<serde::de::IgnoredAny>()?;
                continue;
            }
            found = Some(match self.inner {
                Some(_) => map
                    .next_value_seed(Pick {
                        inner: None,
                        name: self.name,
                    })?
                    .unwrap_or(Field::Missing),
                None => map.next_value::<Field<Cow<'de, str>>>()?,
            });
        }
        Ok(found)
    }
}
