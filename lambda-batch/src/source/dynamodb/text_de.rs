//! The serde `Deserializer` of one value of an image's text: each method
//! resolves the value as its type descriptor says, then converts it as the
//! target asks (numbers exact or refused, binaries as bytes, `NULL` as none).

use serde::de::value::SeqDeserializer;
use serde::de::{self, Deserializer, IntoDeserializer, Visitor};

use super::descriptor::{self, Tag};
use super::error::ImageError;
use super::number;
use super::text::{number_error, visit_text, At, Node, ValueDe};
use super::text_access;

macro_rules! whole {
    ($($method:ident $visit:ident $ty:ident),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(mut self, visitor: V) -> Result<V::Value, ImageError> {
            match self.resolve()? {
                Node::Number(n) => visitor.$visit(
                    number::whole::<$ty>(&n).map_err(|e| number_error(&n, stringify!($ty), e))?,
                ),
                other => self.visit(other, visitor),
            }
        }
    )*};
}

macro_rules! float {
    ($($method:ident $visit:ident $ty:ident),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(mut self, visitor: V) -> Result<V::Value, ImageError> {
            match self.resolve()? {
                Node::Number(n) => visitor.$visit(
                    number::float::<$ty>(&n).map_err(|e| number_error(&n, stringify!($ty), e))?,
                ),
                other => self.visit(other, visitor),
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

impl<'de> Deserializer<'de> for ValueDe<'_, 'de> {
    type Error = ImageError;

    fn deserialize_any<V: Visitor<'de>>(mut self, visitor: V) -> Result<V::Value, ImageError> {
        let node = self.resolve()?;
        self.visit(node, visitor)
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

    fn deserialize_bytes<V: Visitor<'de>>(mut self, visitor: V) -> Result<V::Value, ImageError> {
        match self.resolve()? {
            Node::Binary(text) => visitor.visit_byte_buf(descriptor::binary(&text)?),
            other => self.visit(other, visitor),
        }
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ImageError> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ImageError> {
        // Skipped as plain JSON: what no one reads is not checked.
        self.r.skip()?;
        if let At::Tagged(_) = self.at {
            descriptor::close(self.r)?;
        }
        visitor.visit_unit()
    }

    fn deserialize_str<V: Visitor<'de>>(mut self, visitor: V) -> Result<V::Value, ImageError> {
        match self.resolve()? {
            // A string target takes a number's digits as they are.
            Node::Str(text) | Node::Number(text) => visit_text(text, visitor),
            other => self.visit(other, visitor),
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
        let tag = match self.at {
            At::Tagged(tag) => tag,
            At::Attribute => descriptor::open(self.r)?,
            At::Image | At::Member(_) => return visitor.visit_some(self),
        };
        if tag == Tag::Null {
            descriptor::boolean(self.r, tag)?;
            descriptor::close(self.r)?;
            visitor.visit_none()
        } else {
            visitor.visit_some(ValueDe {
                r: self.r,
                at: At::Tagged(tag),
            })
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

    fn deserialize_seq<V: Visitor<'de>>(mut self, visitor: V) -> Result<V::Value, ImageError> {
        match self.resolve()? {
            // `Vec<u8>` asks for a sequence: give it the bytes of a `B`.
            Node::Binary(text) => {
                let bytes = descriptor::binary(&text)?;
                let mut seq = SeqDeserializer::<_, ImageError>::new(bytes.into_iter());
                let value = visitor.visit_seq(&mut seq)?;
                seq.end()?;
                Ok(value)
            }
            other => self.visit(other, visitor),
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
        mut self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ImageError> {
        match self.resolve()? {
            Node::Str(text) => {
                visitor.visit_enum(IntoDeserializer::<ImageError>::into_deserializer(text))
            }
            Node::Map { wrapped } => {
                let value = text_access::visit_enum(self.r, visitor)?;
                if wrapped {
                    descriptor::close(self.r)?;
                }
                Ok(value)
            }
            other => Err(de::Error::invalid_type(
                other.unexpected(),
                &"a string or a map naming the variant",
            )),
        }
    }
}
