//! Typed access to image trees through serde: a `Deserializer` over
//! attribute values already read (see the `text` module for the one that
//! reads straight from the event text).

use std::borrow::Cow;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde::de::value::{BorrowedStrDeserializer, U8Deserializer};
use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, Unexpected,
    VariantAccess, Visitor,
};

use super::attribute::AttributeValue;
use super::error::ImageError;
use super::image::Image;
use super::number::{self, Natural};

/// One value to deserialize: an attribute value, or an element of a set.
#[derive(Debug, Clone, Copy)]
pub(super) enum Node<'de, 'a> {
    Str(&'de str),
    Number(&'de str),
    Bytes(&'de [u8]),
    Bool(bool),
    Null,
    Map(&'de Image<'a>),
    List(&'de [AttributeValue<'a>]),
    Strs(&'de [Cow<'a, str>]),
    Numbers(&'de [Cow<'a, str>]),
    ByteSet(&'de [Vec<u8>]),
}

impl<'de, 'a> From<&'de AttributeValue<'a>> for Node<'de, 'a> {
    fn from(value: &'de AttributeValue<'a>) -> Self {
        match value {
            AttributeValue::S(s) => Node::Str(s),
            AttributeValue::N(n) => Node::Number(n),
            AttributeValue::B(b) => Node::Bytes(b),
            AttributeValue::Bool(b) => Node::Bool(*b),
            AttributeValue::Null => Node::Null,
            AttributeValue::M(m) => Node::Map(m),
            AttributeValue::L(l) => Node::List(l),
            AttributeValue::Ss(v) => Node::Strs(v),
            AttributeValue::Ns(v) => Node::Numbers(v),
            AttributeValue::Bs(v) => Node::ByteSet(v),
        }
    }
}

impl<'de> Node<'de, '_> {
    fn unexpected(self) -> Unexpected<'de> {
        match self {
            Node::Str(s) => Unexpected::Str(s),
            Node::Number(_) => Unexpected::Other("number"),
            Node::Bytes(b) => Unexpected::Bytes(b),
            Node::Bool(b) => Unexpected::Bool(b),
            Node::Null => Unexpected::Unit,
            Node::Map(_) => Unexpected::Map,
            Node::List(_) | Node::Strs(_) | Node::Numbers(_) | Node::ByteSet(_) => Unexpected::Seq,
        }
    }
}

fn number_error(text: &str, target: &str, error: number::NumberError) -> ImageError {
    ImageError::new(error.describe(text, target))
}

macro_rules! whole {
    ($($method:ident $visit:ident $ty:ident),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ImageError> {
            match self {
                Node::Number(n) => visitor.$visit(
                    number::whole::<$ty>(n).map_err(|e| number_error(n, stringify!($ty), e))?,
                ),
                _ => self.deserialize_any(visitor),
            }
        }
    )*};
}

macro_rules! float {
    ($($method:ident $visit:ident $ty:ident),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ImageError> {
            match self {
                Node::Number(n) => visitor.$visit(
                    number::float::<$ty>(n).map_err(|e| number_error(n, stringify!($ty), e))?,
                ),
                _ => self.deserialize_any(visitor),
            }
        }
    )*};
}

macro_rules! forward_to_any {
    ($($method:ident),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ImageError> {
            self.deserialize_any(visitor)
        }
    )*};
}

impl<'de, 'a: 'de> Deserializer<'de> for Node<'de, 'a> {
    type Error = ImageError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ImageError> {
        match self {
            Node::Str(s) => visitor.visit_borrowed_str(s),
            Node::Number(n) => match number::natural(n) {
                Natural::U64(v) => visitor.visit_u64(v),
                Natural::I64(v) => visitor.visit_i64(v),
                Natural::F64(v) => visitor.visit_f64(v),
                Natural::Text => visitor.visit_borrowed_str(n),
            },
            // As `to_json` writes it, and as the text path reads it.
            Node::Bytes(b) => visitor.visit_string(STANDARD.encode(b)),
            Node::Bool(b) => visitor.visit_bool(b),
            Node::Null => visitor.visit_unit(),
            Node::Map(m) => {
                let mut map = MapDe {
                    iter: m.attributes().iter(),
                    value: None,
                };
                let value = visitor.visit_map(&mut map)?;
                map.end()?;
                Ok(value)
            }
            Node::List(l) => visit_seq(visitor, l.iter().map(Node::from)),
            Node::Strs(v) => visit_seq(visitor, v.iter().map(|s| Node::Str(s.as_ref()))),
            Node::Numbers(v) => visit_seq(visitor, v.iter().map(|n| Node::Number(n.as_ref()))),
            Node::ByteSet(v) => visit_seq(visitor, v.iter().map(|b| Node::Bytes(b))),
        }
    }

    whole! {
        deserialize_i8 visit_i8 i8,
        deserialize_i16 visit_i16 i16,
        deserialize_i32 visit_i32 i32,
        deserialize_i64 visit_i64 i64,
        deserialize_i128 visit_i128 i128,
        deserialize_u8 visit_u8 u8,
        deserialize_u16 visit_u16 u16,
        deserialize_u32 visit_u32 u32,
        deserialize_u64 visit_u64 u64,
        deserialize_u128 visit_u128 u128,
    }

    float! {
        deserialize_f32 visit_f32 f32,
        deserialize_f64 visit_f64 f64,
    }

    forward_to_any! {
        deserialize_bool, deserialize_unit, deserialize_map,
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ImageError> {
        match self {
            Node::Bytes(b) => visitor.visit_borrowed_bytes(b),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ImageError> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ImageError> {
        visitor.visit_unit()
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ImageError> {
        match self {
            // A string target takes a number's digits as they are.
            Node::Str(s) | Node::Number(s) => visitor.visit_borrowed_str(s),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ImageError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ImageError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ImageError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ImageError> {
        match self {
            Node::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ImageError> {
        self.deserialize_any(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ImageError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ImageError> {
        match self {
            // `Vec<u8>` asks for a sequence: give it the bytes of a `B`.
            Node::Bytes(b) => visit_seq(
                visitor,
                b.iter()
                    .map(|&byte| U8Deserializer::<ImageError>::new(byte)),
            ),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, ImageError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, ImageError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ImageError> {
        self.deserialize_any(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ImageError> {
        match self {
            Node::Str(s) => visitor.visit_enum(BorrowedStrDeserializer::<ImageError>::new(s)),
            Node::Map(m) => match m.attributes() {
                [(key, value)] => visitor.visit_enum(EnumDe {
                    key,
                    value: Node::from(value),
                }),
                _ => Err(de::Error::invalid_value(
                    Unexpected::Map,
                    &"a map with a single attribute naming the variant",
                )),
            },
            _ => Err(de::Error::invalid_type(
                self.unexpected(),
                &"a string or a map naming the variant",
            )),
        }
    }
}

fn visit_seq<'de, V, I, D>(visitor: V, iter: I) -> Result<V::Value, ImageError>
where
    V: Visitor<'de>,
    I: ExactSizeIterator<Item = D>,
    D: Deserializer<'de, Error = ImageError>,
{
    let mut seq = SeqDe { iter, index: 0 };
    let value = visitor.visit_seq(&mut seq)?;
    match seq.iter.len() {
        0 => Ok(value),
        left => Err(de::Error::invalid_length(
            seq.index + left,
            &"fewer elements in the list",
        )),
    }
}

struct SeqDe<I> {
    iter: I,
    index: usize,
}

impl<'de, I, D> SeqAccess<'de> for SeqDe<I>
where
    I: ExactSizeIterator<Item = D>,
    D: Deserializer<'de, Error = ImageError>,
{
    type Error = ImageError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, ImageError> {
        let Some(item) = self.iter.next() else {
            return Ok(None);
        };
        let index = self.index;
        self.index += 1;
        seed.deserialize(item)
            .map(Some)
            .map_err(|e| e.at_index(index))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

struct MapDe<'de, 'a> {
    iter: std::slice::Iter<'de, (Cow<'a, str>, AttributeValue<'a>)>,
    value: Option<(&'de str, &'de AttributeValue<'a>)>,
}

impl MapDe<'_, '_> {
    fn end(&self) -> Result<(), ImageError> {
        match self.iter.len() {
            0 => Ok(()),
            left => Err(de::Error::invalid_length(left, &"fewer attributes")),
        }
    }
}

impl<'de, 'a: 'de> MapAccess<'de> for MapDe<'de, 'a> {
    type Error = ImageError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, ImageError> {
        let Some((name, value)) = self.iter.next() else {
            return Ok(None);
        };
        self.value = Some((name, value));
        seed.deserialize(BorrowedStrDeserializer::<ImageError>::new(name))
            .map(Some)
            .map_err(|e| e.at_key(name))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, ImageError> {
        let (name, value) = self
            .value
            .take()
            .ok_or_else(|| de::Error::custom("an attribute value was asked for before its name"))?;
        seed.deserialize(Node::from(value))
            .map_err(|e| e.at_key(name))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

/// An enum variant with data, written as a map of one attribute: `{"Variant": value}`.
struct EnumDe<'de, 'a> {
    key: &'de str,
    value: Node<'de, 'a>,
}

impl<'de, 'a: 'de> EnumAccess<'de> for EnumDe<'de, 'a> {
    type Error = ImageError;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Self), ImageError> {
        let variant = seed
            .deserialize(BorrowedStrDeserializer::<ImageError>::new(self.key))
            .map_err(|e| e.at_key(self.key))?;
        Ok((variant, self))
    }
}

impl<'de, 'a: 'de> VariantAccess<'de> for EnumDe<'de, 'a> {
    type Error = ImageError;

    fn unit_variant(self) -> Result<(), ImageError> {
        match self.value {
            Node::Null => Ok(()),
            other => Err(de::Error::invalid_type(
                other.unexpected(),
                &"NULL for a unit variant",
            )),
        }
        .map_err(|e: ImageError| e.at_key(self.key))
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<T::Value, ImageError> {
        seed.deserialize(self.value).map_err(|e| e.at_key(self.key))
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, ImageError> {
        self.value
            .deserialize_seq(visitor)
            .map_err(|e| e.at_key(self.key))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ImageError> {
        self.value
            .deserialize_any(visitor)
            .map_err(|e| e.at_key(self.key))
    }
}
