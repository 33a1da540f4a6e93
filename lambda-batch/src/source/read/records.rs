//! Reading a list of records: each element converted into a record as it is read, in one pass.

use std::fmt;

use serde::de::{
    self, Deserialize, DeserializeSeed as _, Deserializer, IgnoredAny, MapAccess, SeqAccess,
    Visitor,
};

use super::field::{scalars_to, JsonKind};
use super::raw::invalid;
use crate::error::{strip_position, RecordError};
use crate::response::ItemIdentifier;
use crate::source::Parsed;

/// How the elements of a records list become records, each as soon as it
/// is read: no list of intermediate wire records is built, and the record
/// is not moved through wrapper types on the way.
///
/// An element that is not an object becomes a record that failed with
/// [`RecordError::NotAnObject`].
pub(crate) trait ConvertElement<'de> {
    /// The record an element becomes.
    type Record;
    /// Converts an element that is a JSON object, at position `index` of
    /// its list.
    fn convert_map<A: MapAccess<'de>>(
        &self,
        map: A,
        index: usize,
    ) -> Result<Parsed<'de, Self::Record>, A::Error>;

    /// Converts an element that is a JSON object onto the end of `out`,
    /// at position `out.len()`. By default, pushes what
    /// [`convert_map`](Self::convert_map) returns; a source whose records
    /// are large builds them in place instead, sparing their copies.
    #[inline(always)]
    fn convert_map_onto<A: MapAccess<'de>>(
        &self,
        map: A,
        out: &mut Vec<Parsed<'de, Self::Record>>,
    ) -> Result<(), A::Error> {
        let index = out.len();
        out.push(self.convert_map(map, index)?);
        Ok(())
    }

    /// The identifier of a record that could not be read with the event
    /// (see [`recover`](super::recovery)), from its text `record`, every
    /// other field skipped; `None` when the identifier cannot be read.
    fn identify(&self, record: &'de str) -> Option<ItemIdentifier<'de>>;
}

/// Reads a records list, converting each element with `convert` as it is
/// read and pushing it onto `out`. Anything but a list is told by its kind.
pub(crate) struct Converted<'v, 'de, C: ConvertElement<'de>> {
    convert: &'v C,
    out: &'v mut Vec<Parsed<'de, C::Record>>,
    recover: bool,
}

impl<'v, 'de, C: ConvertElement<'de>> Converted<'v, 'de, C> {
    /// Reads into `out` with `convert`, each record on its own when
    /// `recover` (see [`recover`](super::recovery)).
    pub(crate) fn new(
        convert: &'v C,
        out: &'v mut Vec<Parsed<'de, C::Record>>,
        recover: bool,
    ) -> Self {
        Converted {
            convert,
            out,
            recover,
        }
    }
}

impl<'de, C: ConvertElement<'de>> de::DeserializeSeed<'de> for Converted<'_, 'de, C> {
    type Value = Result<(), JsonKind>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, C: ConvertElement<'de>> Converted<'_, 'de, C> {
    fn other(self, found: JsonKind) -> Result<(), JsonKind> {
        Err(found)
    }
}

impl<'de, C: ConvertElement<'de>> Visitor<'de> for Converted<'_, 'de, C> {
    type Value = Result<(), JsonKind>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of records")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        // Each element is pushed where it is converted, not returned through
        // the seed first: records are large, and every move is a copy.
        while seq
            .next_element_seed(Element {
                convert: self.convert,
                out: &mut *self.out,
                recover: self.recover,
            })?
            .is_some()
        {}
        Ok(Ok(()))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Err(JsonKind::Object))
    }
    scalars_to!(other);
}

/// One element of a records list, converted by `C` and pushed onto `out`.
struct Element<'v, 'de, C: ConvertElement<'de>> {
    convert: &'v C,
    out: &'v mut Vec<Parsed<'de, C::Record>>,
    /// Whether the element is kept as its text and converted on its own.
    recover: bool,
}

impl<'de, 'v, C: ConvertElement<'de>> de::DeserializeSeed<'de> for Element<'v, 'de, C> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        if self.recover {
            let text = <&'de serde_json::value::RawValue>::deserialize(deserializer)?;
            convert_alone(self.convert, self.out, text.get());
            return Ok(());
        }
        deserializer.deserialize_any(self)
    }
}

impl<'v, 'de, C: ConvertElement<'de>> Element<'v, 'de, C> {
    fn other(self, found: JsonKind) {
        self.out.push(Parsed::new(
            None,
            Err(RecordError::NotAnObject {
                found: found.describe(),
            }),
        ));
    }
}

impl<'de, 'v, C: ConvertElement<'de>> Visitor<'de> for Element<'v, 'de, C> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a record")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        self.convert.convert_map_onto(map, self.out)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        self.other(JsonKind::Array);
        Ok(())
    }
    scalars_to!(other);
}

/// Converts the record whose text is `text` with `convert` and pushes it
/// onto `out`; a record that does not read is pushed failed, with what
/// `convert` can read of its identifier.
fn convert_alone<'de, C: ConvertElement<'de>>(
    convert: &C,
    out: &mut Vec<Parsed<'de, C::Record>>,
    text: &'de str,
) {
    let len = out.len();
    let mut de = serde_json::Deserializer::from_str(text);
    let mut track = serde_path_to_error::Track::new();
    let element = Element {
        convert,
        out: &mut *out,
        recover: false,
    };
    let read = element.deserialize(serde_path_to_error::Deserializer::new(&mut de, &mut track));
    if let Err(error) = read {
        // A record is pushed once it is read whole.
        out.truncate(len);
        let path = track.path().to_string();
        let field = if path == "." { "(the record)" } else { &path };
        out.push(Parsed::new(
            convert.identify(text),
            Err(invalid(field, strip_position(&error))),
        ));
    }
}
