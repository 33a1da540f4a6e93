//! The Kafka event, read in one pass: the top-level fields every record
//! shares, and `records`, a map from topic-partition to a records list,
//! each list read as the other sources read theirs.

use std::borrow::Cow;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::partition::Partition;
use super::record::KafkaRecord;
use super::EventKey;
use crate::error::InvalidEvent;
use crate::source::read::event::{likely_records, optional, top_level_object};
use crate::source::read::field::{scalars_to, Field, JsonKind};
use crate::source::read::records::Converted;
use crate::source::read::recovery::read_or_recover;
use crate::source::Parsed;

/// Reads a Kafka event: its records in document order (partition lists in
/// the order they appear, records in list order), each given the event's
/// top-level fields.
pub(super) fn read(event: &str) -> Result<Vec<Parsed<'_, KafkaRecord<'_>>>, InvalidEvent> {
    let top = read_or_recover(|recover| {
        let top = TopLevel {
            parsed: Vec::with_capacity(likely_records(event)),
            recover,
            ..TopLevel::default()
        };
        top_level_object(event, top, "Kafka")
    })?;
    let shared = |field, key: EventKey| optional(field, key.text());
    let event_source = shared(top.event_source, EventKey::EventSource)?;
    let event_source_arn = shared(top.event_source_arn, EventKey::EventSourceArn)?;
    let bootstrap_servers = shared(top.bootstrap_servers, EventKey::BootstrapServers)?;
    let records = EventKey::Records.text();
    let (path, found, expected) = match top.records {
        Some(Ok(None)) => {
            let mut parsed = top.parsed;
            for record in &mut parsed {
                if let (_, Ok(record)) = record.parts_mut() {
                    record.event_source.clone_from(&event_source);
                    record.event_source_arn.clone_from(&event_source_arn);
                    record.bootstrap_servers.clone_from(&bootstrap_servers);
                }
            }
            return Ok(parsed);
        }
        None => {
            return Err(InvalidEvent::Missing {
                path: records.to_owned(),
                expected: "a Kafka event's records, grouped by topic-partition",
            })
        }
        Some(Err(found)) => (
            records.to_owned(),
            found,
            "an object of record lists by topic-partition",
        ),
        Some(Ok(Some((key, found)))) => {
            (format!("{records}.\"{key}\""), found, "a list of records")
        }
    };
    Err(InvalidEvent::Shape {
        path,
        found: found.describe(),
        expected,
    })
}

/// The top-level object: read in one pass into the fields it holds, every
/// record read into `parsed` as its partition's list is read.
#[derive(Default)]
struct TopLevel<'a> {
    event_source: Field<Cow<'a, str>>,
    event_source_arn: Field<Cow<'a, str>>,
    bootstrap_servers: Field<Cow<'a, str>>,
    /// `records`, when present.
    records: Option<RecordsMap<'a>>,
    /// The records of every partition, in event order.
    parsed: Vec<Parsed<'a, KafkaRecord<'a>>>,
    /// Whether each record is read on its own (see `read::recovery`).
    recover: bool,
}

/// What `records` held: an object, with its first entry that is not a list
/// (its key and the kind found), or another kind of value.
type RecordsMap<'a> = Result<Option<(Cow<'a, str>, JsonKind)>, JsonKind>;

impl<'de> DeserializeSeed<'de> for TopLevel<'de> {
    type Value = Self;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for TopLevel<'de> {
    type Value = Self;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Kafka event")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<Self, A::Error> {
        let mut seen = 0;
        while let Some(key) = map.next_key_seed(EventKey::Other)? {
            let (m, seen) = (&mut map, &mut seen);
            match key {
                EventKey::EventSource => self.event_source = key.value(seen, m)?,
                EventKey::EventSourceArn => self.event_source_arn = key.value(seen, m)?,
                EventKey::BootstrapServers => self.bootstrap_servers = key.value(seen, m)?,
                EventKey::Records => {
                    key.once(seen)?;
                    let partitions = Partitions {
                        out: &mut self.parsed,
                        recover: self.recover,
                    };
                    self.records = Some(m.next_value_seed(partitions)?);
                }
                EventKey::Other => m.next_value::<IgnoredAny>().map(drop)?,
            }
        }
        Ok(self)
    }
}

/// `records`: `"<topic>-<partition>"` to a records list. Each list is read
/// into `out`, its records read in place; anything but an object is told
/// by its kind.
struct Partitions<'v, 'de> {
    out: &'v mut Vec<Parsed<'de, KafkaRecord<'de>>>,
    recover: bool,
}

impl<'de> DeserializeSeed<'de> for Partitions<'_, 'de> {
    type Value = RecordsMap<'de>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Partitions<'_, 'de> {
    fn other(self, found: JsonKind) -> RecordsMap<'de> {
        Err(found)
    }
}

impl<'de> Visitor<'de> for Partitions<'_, 'de> {
    type Value = RecordsMap<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of record lists by topic-partition")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut bad = None;
        while let Some(key) = map.next_key::<Field<Cow<'de, str>>>()? {
            // JSON object keys are always strings.
            let Field::Value(key) = key else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            let partition = Partition::new(&key);
            let list = Converted::new(&partition, &mut *self.out, self.recover);
            if let Err(found) = map.next_value_seed(list)? {
                bad.get_or_insert((key, found));
            }
        }
        Ok(Ok(bad))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Err(JsonKind::Array))
    }
    scalars_to!(other);
}
