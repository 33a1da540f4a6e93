//! The maps, lists and enum variants of an image, handed to serde visitors
//! as they are read from the text.

use std::borrow::Cow;

use serde::de::value::{BorrowedStrDeserializer, StrDeserializer};
use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, Unexpected,
    VariantAccess, Visitor,
};

use super::error::ImageError;
use super::reader::Reader;
use super::text::{At, Node, ValueDe};

/// Hands the object of attributes that comes next to `visitor`.
pub(super) fn visit_map<'de, V: Visitor<'de>>(
    r: &mut Reader<'de>,
    visitor: V,
) -> Result<V::Value, ImageError> {
    r.begin_object()?;
    let mut map = MapDe {
        r,
        first: true,
        key: Cow::Borrowed(""),
        pending: false,
        done: false,
    };
    let value = visitor.visit_map(&mut map)?;
    map.end()?;
    Ok(value)
}

/// Hands the array that comes next to `visitor`, each element read as `members`.
pub(super) fn visit_seq<'de, V: Visitor<'de>>(
    r: &mut Reader<'de>,
    members: At,
    visitor: V,
) -> Result<V::Value, ImageError> {
    r.begin_array()?;
    let mut seq = SeqDe {
        r,
        members,
        first: true,
        index: 0,
        done: false,
    };
    let value = visitor.visit_seq(&mut seq)?;
    seq.end()?;
    Ok(value)
}

/// Deserializes a key with the lifetime it has: borrowed from the text, or not.
fn key<'de, K: DeserializeSeed<'de>>(seed: K, key: &Cow<'de, str>) -> Result<K::Value, ImageError> {
    match key {
        Cow::Borrowed(key) => seed.deserialize(BorrowedStrDeserializer::new(key)),
        Cow::Owned(key) => seed.deserialize(StrDeserializer::new(key)),
    }
}

struct MapDe<'r, 'de> {
    r: &'r mut Reader<'de>,
    first: bool,
    /// The name of the attribute whose value comes next, for error paths.
    key: Cow<'de, str>,
    /// Whether a name was read and not its value.
    pending: bool,
    /// Whether the object's `}` was read.
    done: bool,
}

impl MapDe<'_, '_> {
    /// Skips what the visitor left; more than nothing is an error, as for
    /// any map of fixed size.
    fn end(&mut self) -> Result<(), ImageError> {
        if self.pending {
            self.r.skip()?;
        }
        let mut left = 0;
        while !self.done {
            match self.r.next_key(&mut self.first)? {
                Some(_) => {
                    self.r.skip()?;
                    left += 1;
                }
                None => self.done = true,
            }
        }
        match left {
            0 => Ok(()),
            left => Err(de::Error::invalid_length(left, &"fewer attributes")),
        }
    }
}

impl<'de> MapAccess<'de> for MapDe<'_, 'de> {
    type Error = ImageError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, ImageError> {
        if self.pending {
            self.r.skip()?;
            self.pending = false;
        }
        if self.done {
            return Ok(None);
        }
        let Some(name) = self.r.next_key(&mut self.first)? else {
            self.done = true;
            return Ok(None);
        };
        let value = key(seed, &name).map_err(|e| e.at_key(&name))?;
        self.key = name;
        self.pending = true;
        Ok(Some(value))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, ImageError> {
        if !std::mem::take(&mut self.pending) {
            return Err(de::Error::custom(
                "an attribute value was asked for before its name",
            ));
        }
        seed.deserialize(ValueDe {
            r: self.r,
            at: At::Attribute,
        })
        .map_err(|e| e.at_key(&self.key))
    }
}

struct SeqDe<'r, 'de> {
    r: &'r mut Reader<'de>,
    members: At,
    first: bool,
    index: usize,
    /// Whether the array's `]` was read.
    done: bool,
}

impl SeqDe<'_, '_> {
    fn end(&mut self) -> Result<(), ImageError> {
        let mut left = 0;
        while !self.done {
            if self.r.next_element(&mut self.first)? {
                self.r.skip()?;
                left += 1;
            } else {
                self.done = true;
            }
        }
        match left {
            0 => Ok(()),
            left => Err(de::Error::invalid_length(
                self.index + left,
                &"fewer elements in the list",
            )),
        }
    }
}

impl<'de> SeqAccess<'de> for SeqDe<'_, 'de> {
    type Error = ImageError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, ImageError> {
        if self.done || !self.r.next_element(&mut self.first)? {
            self.done = true;
            return Ok(None);
        }
        let index = self.index;
        self.index += 1;
        seed.deserialize(ValueDe {
            r: self.r,
            at: self.members,
        })
        .map(Some)
        .map_err(|e| e.at_index(index))
    }
}

const ONE_VARIANT: &str = "a map with a single attribute naming the variant";

/// Hands the map that comes next, `{"Variant": value}`, to `visitor` as an
/// enum variant with data.
pub(super) fn visit_enum<'de, V: Visitor<'de>>(
    r: &mut Reader<'de>,
    visitor: V,
) -> Result<V::Value, ImageError> {
    r.begin_object()?;
    let Some(name) = r.next_key(&mut true)? else {
        return Err(de::Error::invalid_value(Unexpected::Map, &ONE_VARIANT));
    };
    let value = visitor.visit_enum(EnumDe { r: &mut *r, name })?;
    if r.end_object() {
        Ok(value)
    } else {
        Err(de::Error::invalid_value(Unexpected::Map, &ONE_VARIANT))
    }
}

struct EnumDe<'r, 'de> {
    r: &'r mut Reader<'de>,
    name: Cow<'de, str>,
}

impl<'r, 'de> EnumAccess<'de> for EnumDe<'r, 'de> {
    type Error = ImageError;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Self), ImageError> {
        let variant = key(seed, &self.name).map_err(|e| e.at_key(&self.name))?;
        Ok((variant, self))
    }
}

impl<'de> EnumDe<'_, 'de> {
    fn value(&mut self) -> ValueDe<'_, 'de> {
        ValueDe {
            r: self.r,
            at: At::Attribute,
        }
    }
}

impl<'de> VariantAccess<'de> for EnumDe<'_, 'de> {
    type Error = ImageError;

    fn unit_variant(mut self) -> Result<(), ImageError> {
        match self.value().resolve() {
            Ok(Node::Null) => Ok(()),
            Ok(other) => Err(de::Error::invalid_type(
                other.unexpected(),
                &"NULL for a unit variant",
            )),
            Err(e) => Err(e),
        }
        .map_err(|e: ImageError| e.at_key(&self.name))
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(
        mut self,
        seed: T,
    ) -> Result<T::Value, ImageError> {
        seed.deserialize(self.value())
            .map_err(|e| e.at_key(&self.name))
    }

    fn tuple_variant<V: Visitor<'de>>(
        mut self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, ImageError> {
        self.value()
            .deserialize_seq(visitor)
            .map_err(|e| e.at_key(&self.name))
    }

    fn struct_variant<V: Visitor<'de>>(
        mut self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ImageError> {
        self.value()
            .deserialize_any(visitor)
            .map_err(|e| e.at_key(&self.name))
    }
}
