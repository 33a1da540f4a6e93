//! Reading a record's fields in place, in one pass over its object.
//!
//! A source's record reader walks the record's keys itself and hands each
//! value to [`Fields`], which stores it straight into the record being built:
//! no intermediate struct of tolerant fields is made and then converted, and
//! the record is moved once, into the batch. [`Fields`] keeps the first
//! problem it meets (a text field of another JSON kind, a key given twice),
//! so that the record fails alone while the rest of the event is read on.

use std::borrow::Cow;

use serde::de::{IgnoredAny, MapAccess};

use super::field::{Accept, Field, JsonKind, Lenient};
use super::raw::Raw;
use crate::error::RecordError;

/// A record's key, as [`record_keys!`] declares them: its bit among the
/// record's keys (for telling a key given twice) and its name in errors.
pub(crate) trait FieldKey: Copy {
    /// The key's bit among its record's keys.
    fn bit(self) -> u32;
    /// The key as errors name it: its path from the record
    /// (`kinesis.data`).
    fn name(self) -> &'static str;
}

/// Declares a record's known keys as an enum, with a map-key seed that reads
/// a key into it (`Other` for any key the record does not know). Each key's
/// JSON text is written here once: [`FieldKey::name`] gives it (after the
/// object's path, `in "kinesis."`, for keys of an inner object), and
/// `text()` the key alone.
macro_rules! record_keys {
    ($name:ident { $($variant:ident = $text:literal),* $(,)? }) => {
        record_keys!($name in "" { $($variant = $text),* });
    };
    ($name:ident in $prefix:literal { $($variant:ident = $text:literal),* $(,)? }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        enum $name {
            $($variant,)*
            Other,
        }

        impl<'de> serde::de::DeserializeSeed<'de> for $name {
            type Value = $name;
            #[inline(always)]
            fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<$name, D::Error> {
                d.deserialize_str(self)
            }
        }

        impl<'de> serde::de::Visitor<'de> for $name {
            type Value = $name;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a field name")
            }
            // Always: a call per key of every record costs more than the match.
            #[inline(always)]
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<$name, E> {
                Ok(match v {
                    $($text => $name::$variant,)*
                    _ => $name::Other,
                })
            }
            // serde_json hands keys over borrowed: the default would call
            // `visit_str` out of line.
            #[inline(always)]
            fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<$name, E> {
                self.visit_str(v)
            }
        }

        impl crate::source::read::keys::FieldKey for $name {
            #[inline(always)]
            fn bit(self) -> u32 {
                $name::bit(self)
            }
            fn name(self) -> &'static str {
                match self {
                    $($name::$variant => concat!($prefix, $text),)*
                    $name::Other => concat!($prefix, "(another key)"),
                }
            }
        }

        #[allow(dead_code)]
        impl $name {
            /// The key's bit among its record's keys.
            #[inline(always)]
            fn bit(self) -> u32 {
                1 << (self as u32)
            }

            /// The key's JSON text alone.
            const fn text(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                    $name::Other => "(another key)",
                }
            }
        }
    };
}
pub(crate) use record_keys;

/// The state of one record's read: which keys were seen, and the first
/// problem found.
#[derive(Debug, Default)]
pub(crate) struct Fields {
    seen: u32,
    problem: Option<RecordError>,
}

impl Fields {
    /// Marks the key at `bit` seen; `false` (and the problem kept) when it
    /// was seen already: its value is then skipped, and the first one kept.
    #[inline(always)]
    pub(crate) fn first(&mut self, key: impl FieldKey) -> bool {
        let bit = key.bit();
        if self.seen & bit != 0 {
            self.given_twice(key.name());
            return false;
        }
        self.seen |= bit;
        true
    }

    #[cold]
    #[inline(never)]
    fn given_twice(&mut self, name: &'static str) {
        self.keep(RecordError::InvalidValue {
            field: name.to_owned(),
            reason: "the field is given more than once".to_owned(),
        });
    }

    #[cold]
    #[inline(never)]
    fn wrong_kind(&mut self, name: &'static str, found: JsonKind) {
        self.keep(RecordError::WrongType {
            field: name,
            found: found.describe(),
            expected: "a string",
        });
    }

    /// Keeps `problem` unless an earlier one was kept.
    pub(crate) fn keep(&mut self, problem: RecordError) {
        self.problem.get_or_insert(problem);
    }

    /// Reads a text field into `slot`: absent and null stay `None`; another
    /// JSON kind is kept as the record's problem.
    #[inline(always)]
    pub(crate) fn text<'de, A: MapAccess<'de>>(
        &mut self,
        map: &mut A,
        key: impl FieldKey,
        slot: &mut Option<Cow<'de, str>>,
    ) -> Result<(), A::Error> {
        if let Some(text) = self.text_value(map, key)? {
            *slot = Some(text);
        }
        Ok(())
    }

    /// Reads a text field: `None` when null, of another JSON kind (kept as
    /// the record's problem) or given again (its first value is kept).
    #[inline(always)]
    pub(crate) fn text_value<'de, A: MapAccess<'de>>(
        &mut self,
        map: &mut A,
        key: impl FieldKey,
    ) -> Result<Option<Cow<'de, str>>, A::Error> {
        if !self.first(key) {
            return map.next_value::<IgnoredAny>().map(|_| None);
        }
        Ok(
            match map.next_value_seed(Lenient::<Cow<'de, str>, Result<_, JsonKind>>::new())? {
                Ok(text) => Some(text),
                Err(JsonKind::Null) => None,
                Err(found) => {
                    self.wrong_kind(key.name(), found);
                    None
                }
            },
        )
    }

    /// Reads a field tolerantly into `slot`, for its accessor to check when
    /// read.
    #[inline(always)]
    pub(crate) fn field<'de, A: MapAccess<'de>, T: Accept<'de>>(
        &mut self,
        map: &mut A,
        key: impl FieldKey,
        slot: &mut Field<T>,
    ) -> Result<(), A::Error> {
        if !self.first(key) {
            return map.next_value::<IgnoredAny>().map(drop);
        }
        *slot = map.next_value()?;
        Ok(())
    }

    /// Keeps a field as its JSON text, to be decoded when read.
    #[inline]
    pub(crate) fn raw<'de, A: MapAccess<'de>>(
        &mut self,
        map: &mut A,
        key: impl FieldKey,
        slot: &mut Raw<'de>,
    ) -> Result<(), A::Error> {
        if !self.first(key) {
            return map.next_value::<IgnoredAny>().map(drop);
        }
        *slot = map.next_value()?;
        Ok(())
    }

    /// A field's JSON text, to be decoded when read: `None` when null or
    /// given again (its first value is kept).
    #[inline]
    pub(crate) fn raw_value<'de, A: MapAccess<'de>>(
        &mut self,
        map: &mut A,
        key: impl FieldKey,
    ) -> Result<Option<Cow<'de, str>>, A::Error> {
        let mut raw = Raw::default();
        self.raw(map, key, &mut raw)?;
        Ok(raw.into_text())
    }

    /// The record's problem, if any.
    pub(crate) fn finish(self) -> Result<(), RecordError> {
        self.problem.map_or(Ok(()), Err)
    }
}
