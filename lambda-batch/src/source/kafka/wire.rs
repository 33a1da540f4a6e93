//! The Kafka event as it arrives: every field read tolerantly.

use std::borrow::Cow;

use std::fmt;

use serde::de::value::MapAccessDeserializer;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::record::KafkaRecord;
use super::{identifier, split_key};
use crate::source::lenient::{
    scalars_to, Accept, ConvertElement, Converted, Expect, Field, JsonKind, List, Num,
};
use crate::source::Parsed;

/// The top-level object, read in one pass: the envelope fields, and every
/// record converted as it is read.
pub(super) struct EventWire<'a> {
    pub(super) event_source: Field<Cow<'a, str>>,
    pub(super) event_source_arn: Field<Cow<'a, str>>,
    pub(super) bootstrap_servers: Field<Cow<'a, str>>,
    /// `records`: a value (`()`) when it is an object, else what was found.
    pub(super) records: Field<()>,
    /// The records of every partition, in event order.
    pub(super) parsed: Vec<Parsed<'a, KafkaRecord<'a>>>,
    /// The first `records` entry that is not a list: its key and kind.
    pub(super) bad_partition: Option<(Cow<'a, str>, JsonKind)>,
}

/// Reads the top-level object into an [`EventWire`], reserving room for
/// `capacity` records.
pub(super) struct EventSeed {
    pub(super) capacity: usize,
}

impl<'de> DeserializeSeed<'de> for EventSeed {
    type Value = EventWire<'de>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

/// Stores a top-level field, refusing a second one of the same name.
fn once<'de, A: MapAccess<'de>, T: Deserialize<'de> + Default + PartialEq>(
    map: &mut A,
    slot: &mut T,
    name: &'static str,
) -> Result<(), A::Error> {
    if *slot != T::default() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = map.next_value()?;
    Ok(())
}

impl<'de> Visitor<'de> for EventSeed {
    type Value = EventWire<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Kafka event")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut wire = EventWire {
            event_source: Field::Missing,
            event_source_arn: Field::Missing,
            bootstrap_servers: Field::Missing,
            records: Field::Missing,
            parsed: Vec::with_capacity(self.capacity),
            bad_partition: None,
        };
        while let Some(key) = map.next_key::<Field<Cow<'de, str>>>()? {
            match key.text() {
                Some("eventSource") => once(&mut map, &mut wire.event_source, "eventSource")?,
                Some("eventSourceArn") => {
                    once(&mut map, &mut wire.event_source_arn, "eventSourceArn")?
                }
                Some("bootstrapServers") => {
                    once(&mut map, &mut wire.bootstrap_servers, "bootstrapServers")?
                }
                Some("records") => {
                    if wire.records != Field::Missing {
                        return Err(de::Error::duplicate_field("records"));
                    }
                    wire.records = map.next_value_seed(Partitions {
                        out: &mut wire.parsed,
                        bad: &mut wire.bad_partition,
                    })?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(wire)
    }
}

/// `records`: `"<topic>-<partition>"` to a list of records. Each list is
/// read into `out`, its records converted as they are read.
struct Partitions<'v, 'de> {
    out: &'v mut Vec<Parsed<'de, KafkaRecord<'de>>>,
    bad: &'v mut Option<(Cow<'de, str>, JsonKind)>,
}

impl<'de> DeserializeSeed<'de> for Partitions<'_, 'de> {
    type Value = Field<()>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Field<()>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl Partitions<'_, '_> {
    fn other(self, found: JsonKind) -> Field<()> {
        match found {
            JsonKind::Null => Field::Null,
            found => Field::Wrong(found),
        }
    }
}

impl<'de> Visitor<'de> for Partitions<'_, 'de> {
    type Value = Field<()>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of record lists by topic-partition")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Field<()>, A::Error> {
        while let Some(key) = map.next_key::<Field<Cow<'de, str>>>()? {
            // JSON object keys are always strings.
            let Field::Value(key) = key else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            let partition = PartitionKey::new(&key);
            if let Err(found) = map.next_value_seed(Converted::new(&partition, &mut *self.out))? {
                if self.bad.is_none() {
                    *self.bad = Some((key, found));
                }
            }
        }
        Ok(Field::Value(()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Field<()>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Field::Wrong(JsonKind::Array))
    }
    scalars_to!(other);
}

/// The topic and partition of a `records` key, standing in for a record's
/// own fields when they are absent; converts that partition's records.
pub(super) struct PartitionKey<'a> {
    topic: Option<Cow<'a, str>>,
    partition: Option<i64>,
}

impl<'a> PartitionKey<'a> {
    fn new(key: &Cow<'a, str>) -> Self {
        match split_key(key) {
            Some((topic, partition)) => PartitionKey {
                topic: Some(topic),
                partition: Some(partition),
            },
            None => PartitionKey {
                topic: None,
                partition: None,
            },
        }
    }
}

impl<'a> ConvertElement<'a> for PartitionKey<'a> {
    type Record = KafkaRecord<'a>;

    fn convert_map<A: MapAccess<'a>>(
        &self,
        map: A,
    ) -> Result<Parsed<'a, KafkaRecord<'a>>, A::Error> {
        let wire = RecordWire::deserialize(MapAccessDeserializer::new(map))?;
        let id = identifier(&wire, self.topic.as_ref(), self.partition);
        Ok(Parsed::new(
            id,
            KafkaRecord::from_wire(wire, self.topic.as_ref(), self.partition),
        ))
    }
}

/// One record of a partition's list.
#[derive(Deserialize)]
pub(super) struct RecordWire<'a> {
    #[serde(borrow, default)]
    pub(super) topic: Field<Cow<'a, str>>,
    #[serde(default)]
    pub(super) partition: Field<Num>,
    #[serde(default)]
    pub(super) offset: Field<Num>,
    #[serde(borrow, default)]
    pub(super) timestamp: Field<Timestamp<'a>>,
    #[serde(rename = "timestampType", borrow, default)]
    pub(super) timestamp_type: Field<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub(super) key: Field<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub(super) value: Field<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub(super) headers: Field<List<HeaderObject<'a>>>,
}

/// `timestamp`: a number of milliseconds, or the same number as decimal text
/// (the form `aws_lambda_events` serialises it in).
pub(super) enum Timestamp<'a> {
    Number(Num),
    Text(Cow<'a, str>),
}

impl Expect for Timestamp<'_> {
    const EXPECTED: &'static str = "a number";
}

impl<'de: 'a, 'a> Accept<'de> for Timestamp<'a> {
    fn u64(v: u64) -> Option<Self> {
        Num::u64(v).map(Timestamp::Number)
    }
    fn i64(v: i64) -> Option<Self> {
        Num::i64(v).map(Timestamp::Number)
    }
    fn f64(v: f64) -> Option<Self> {
        Num::f64(v).map(Timestamp::Number)
    }
    fn borrowed_str(v: &'de str) -> Option<Self> {
        Some(Timestamp::Text(Cow::Borrowed(v)))
    }
    fn owned_str(v: String) -> Option<Self> {
        Some(Timestamp::Text(Cow::Owned(v)))
    }
}

/// One element of `headers`: an object of header name to byte array. Lambda
/// sends one header per object; several are accepted, in event order.
pub(super) struct HeaderObject<'a>(pub(super) Vec<(Cow<'a, str>, Field<HeaderBytes>)>);

impl<'de: 'a, 'a> Accept<'de> for HeaderObject<'a> {
    fn map<A: MapAccess<'de>>(mut map: A) -> Result<Option<Self>, A::Error> {
        let mut entries = Vec::with_capacity(1);
        while let Some(key) = map.next_key::<Field<Cow<'a, str>>>()? {
            let value = map.next_value::<Field<HeaderBytes>>()?;
            if let Field::Value(key) = key {
                entries.push((key, value));
            }
        }
        Ok(Some(HeaderObject(entries)))
    }
}

/// A header value: a JSON array of byte numbers, either unsigned (0 to 255)
/// or signed as Java's `byte` (-128 to 127, negatives read in two's complement).
pub(super) struct HeaderBytes(pub(super) Result<Vec<u8>, BadByte>);

/// The first element of a header array that is not a byte.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct BadByte {
    pub(super) index: usize,
    pub(super) found: String,
}

impl<'de> Accept<'de> for HeaderBytes {
    fn seq<A: SeqAccess<'de>>(mut seq: A) -> Result<Option<Self>, A::Error> {
        let mut bytes = Vec::with_capacity(seq.size_hint().unwrap_or(16).min(4096));
        let mut index = 0;
        while let Some(element) = seq.next_element::<Field<Num>>()? {
            match byte(element) {
                Ok(b) => bytes.push(b),
                Err(found) => {
                    while seq.next_element::<IgnoredAny>()?.is_some() {}
                    return Ok(Some(HeaderBytes(Err(BadByte { index, found }))));
                }
            }
            index += 1;
        }
        Ok(Some(HeaderBytes(Ok(bytes))))
    }
}

/// One header byte; a Java `byte` (-128 to 127) is taken in two's complement.
fn byte(element: Field<Num>) -> Result<u8, String> {
    let number = match element {
        Field::Value(number) => number,
        Field::Null | Field::Missing => return Err(JsonKind::Null.describe().to_owned()),
        Field::Wrong(kind) => return Err(kind.describe().to_owned()),
    };
    match number.as_i64() {
        // The low eight bits: the byte itself, or a negative's two's complement.
        Some(n @ -128..=255) => Ok(n as u8),
        Some(n) => Err(n.to_string()),
        None => Err(number.as_f64().to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(json: &str) -> Result<Vec<u8>, BadByte> {
        match serde_json::from_str::<Field<HeaderBytes>>(json).expect("valid JSON") {
            Field::Value(HeaderBytes(result)) => result,
            _ => panic!("not an array"),
        }
    }

    #[test]
    fn header_bytes_accept_signed_and_unsigned_values() {
        assert_eq!(bytes("[0, 127, 128, 255]").unwrap(), [0, 127, 128, 255]);
        assert_eq!(bytes("[-128, -1, -2]").unwrap(), [0x80, 0xff, 0xfe]);
        assert_eq!(bytes("[]").unwrap(), Vec::<u8>::new());
    }

    #[test]
    fn header_bytes_name_the_first_bad_element() {
        let bad = bytes(r#"[1, 256, "x"]"#).unwrap_err();
        assert_eq!(
            bad,
            BadByte {
                index: 1,
                found: "256".into()
            }
        );
        assert_eq!(bytes("[-129]").unwrap_err().found, "-129");
        assert_eq!(bytes("[1.5]").unwrap_err().found, "1.5");
        assert_eq!(bytes(r#"[0, "a"]"#).unwrap_err().found, "a string");
        assert_eq!(bytes("[null]").unwrap_err().found, "null");
    }
}
