//! The event envelope: the top-level object and its list (or map) of records.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::lenient::{scalars_to, ConvertElement, Converted, Expect, Field, JsonKind};
use super::{Foreign, Parsed};
use crate::error::InvalidEvent;

/// Reads the top-level object of `event` with `seed`, in one pass. Any
/// other top-level value is an [`InvalidEvent::Shape`].
pub(crate) fn top_level_object<'a, Sd: DeserializeSeed<'a>>(
    event: &'a str,
    seed: Sd,
) -> Result<Sd::Value, InvalidEvent> {
    let mut de = serde_json::Deserializer::from_str(event);
    let top = de
        .deserialize_any(TopObject(seed))
        .and_then(|top| de.end().map(|()| top))
        .map_err(|e| InvalidEvent::json(&e))?;
    top.map_err(|found| InvalidEvent::Shape {
        path: String::new(),
        found: found.describe(),
        expected: "a JSON object",
    })
}

/// Hands a top-level object to the seed; tells the kind of anything else.
struct TopObject<Sd>(Sd);

impl<Sd> TopObject<Sd> {
    fn other<V>(self, found: JsonKind) -> Result<V, JsonKind> {
        Err(found)
    }
}

impl<'de, Sd: DeserializeSeed<'de>> Visitor<'de> for TopObject<Sd> {
    type Value = Result<Sd::Value, JsonKind>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.0
            .deserialize(de::value::MapAccessDeserializer::new(map))
            .map(Ok)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Err(JsonKind::Array))
    }
    scalars_to!(other);
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
    convert: &C,
    source: &'static str,
) -> Result<Vec<Parsed<'a, C::Record>>, InvalidEvent> {
    match records_list(event, convert, source, false) {
        // A record held a value JSON cannot give: read each on its own.
        Err(error @ InvalidEvent::Json { .. }) => {
            records_list(event, convert, source, true).map_err(|_| error)
        }
        read => read,
    }
}

/// The `Records` list, each record read in place, or on its own when
/// `recover` (see [`recover`](super::recover)).
fn records_list<'a, C: ConvertElement<'a>>(
    event: &'a str,
    convert: &C,
    source: &'static str,
    recover: bool,
) -> Result<Vec<Parsed<'a, C::Record>>, InvalidEvent> {
    let mut records = Vec::with_capacity(likely_records(event));
    let seed = KeyValue {
        key: "Records",
        seed: Converted::new(convert, &mut records, recover),
    };
    match top_level_object(event, seed)? {
        Some(Ok(())) => Ok(records),
        None => Err(InvalidEvent::Missing {
            path: "Records".to_owned(),
            expected: source,
        }),
        Some(Err(found)) => Err(InvalidEvent::Shape {
            path: "Records".to_owned(),
            found: found.describe(),
            expected: "a list of records",
        }),
    }
}

/// The `Records` list of an event whose records name their source (SQS,
/// Kinesis, DynamoDB Streams), read as [`converted_records`] reads it, with
/// `convert` noting into `foreign` a record that names another source than
/// `expected`: then the event is an [`InvalidEvent::WrongSource`].
pub(crate) fn named_records<'a, C: ConvertElement<'a>>(
    event: &'a str,
    convert: &C,
    foreign: &Foreign,
    source: &'static str,
    expected: &'static str,
) -> Result<Vec<Parsed<'a, C::Record>>, InvalidEvent> {
    let records = converted_records(event, convert, source)?;
    foreign.check(expected)?;
    Ok(records)
}

/// How many records an event of this size likely holds. Records are at least
/// a few hundred bytes: reserving for them up front spares growing (and
/// copying) the list while reading.
pub(crate) fn likely_records(event: &str) -> usize {
    (event.len() / 512).min(MAX_RESERVED_RECORDS)
}

/// Reads an object's `key` field, when present, with `seed`; the other
/// fields are skipped. The first occurrence of the key counts.
struct KeyValue<Sd> {
    key: &'static str,
    seed: Sd,
}

impl<'de, Sd: DeserializeSeed<'de>> DeserializeSeed<'de> for KeyValue<Sd> {
    type Value = Option<Sd::Value>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, Sd: DeserializeSeed<'de>> Visitor<'de> for KeyValue<Sd> {
    type Value = Option<Sd::Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
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
        Ok(found)
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
