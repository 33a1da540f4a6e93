//! The Kafka event as it arrives, read in one pass: envelope and identifier
//! fields tolerantly, everything that needs decoding kept as it stands.

use std::borrow::Cow;
use std::fmt;

use serde::de::value::MapAccessDeserializer;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::record::KafkaRecord;
use super::{identifier, split_key};
use crate::response::ItemIdentifier;
use crate::source::lazy::Raw;
use crate::source::lenient::{scalars_to, Field, JsonKind, Num};
use crate::source::records_list::{ConvertElement, Converted};
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
    /// Whether each record is read on its own (see `source::recover`).
    pub(super) recover: bool,
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
                        recover: self.recover,
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
    recover: bool,
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
            let list = Converted::new(&partition, &mut *self.out, self.recover);
            if let Err(found) = map.next_value_seed(list)? {
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
        _index: usize,
    ) -> Result<Parsed<'a, KafkaRecord<'a>>, A::Error> {
        let wire = RecordWire::deserialize(MapAccessDeserializer::new(map))?;
        let id = identifier(
            &wire.topic,
            wire.partition.clone(),
            wire.offset.clone(),
            self.topic.as_ref(),
            self.partition,
        );
        Ok(Parsed::new(
            id,
            KafkaRecord::from_wire(wire, self.topic.as_ref(), self.partition),
        ))
    }

    fn identify(&self, record: &'a str) -> Option<ItemIdentifier<'a>> {
        let ids = Ids::deserialize(&mut serde_json::Deserializer::from_str(record)).ok()?;
        identifier(
            &ids.topic,
            ids.partition,
            ids.offset,
            self.topic.as_ref(),
            self.partition,
        )
    }
}

/// A record's identifying fields, every other field skipped unread.
#[derive(Deserialize)]
struct Ids<'a> {
    #[serde(borrow, default)]
    topic: Field<Cow<'a, str>>,
    #[serde(default)]
    partition: Field<Num>,
    #[serde(default)]
    offset: Field<Num>,
}

/// One record of a partition's list. Identifier fields are read as
/// tolerant values; the fields that need decoding are kept as the event
/// holds them, for the accessors to decode.
#[derive(Deserialize)]
pub(super) struct RecordWire<'a> {
    #[serde(borrow, default)]
    pub(super) topic: Field<Cow<'a, str>>,
    #[serde(default)]
    pub(super) partition: Field<Num>,
    #[serde(default)]
    pub(super) offset: Field<Num>,
    #[serde(borrow, default)]
    pub(super) timestamp: Raw<'a>,
    #[serde(rename = "timestampType", borrow, default)]
    pub(super) timestamp_type: Field<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub(super) key: Field<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub(super) value: Field<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub(super) headers: Raw<'a>,
    #[serde(rename = "keySchemaMetadata", borrow, default)]
    pub(super) key_schema_metadata: Raw<'a>,
    #[serde(rename = "valueSchemaMetadata", borrow, default)]
    pub(super) value_schema_metadata: Raw<'a>,
}
