//! A partition's list of records: each record read in place, where it
//! stays in the batch, its topic and partition falling back to those of
//! its `records` key.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserializer as _, IgnoredAny, MapAccess, Visitor};

use super::decoded::Encoded;
use super::headers::Headers;
use super::record::KafkaRecord;
use super::schema_metadata::Metadata;
use super::RecordKey;
use crate::error::RecordError;
use crate::response::ItemIdentifier;
use crate::source::read::field::{opt, Field, Num};
use crate::source::read::raw::invalid;
use crate::source::read::records::ConvertElement;
use crate::source::Parsed;

/// The topic and partition of a `records` key, standing in for a record's
/// own fields when they are absent; reads that partition's records.
pub(super) struct Partition<'a> {
    topic: Option<Cow<'a, str>>,
    partition: Option<i64>,
}

impl<'a> ConvertElement<'a> for Partition<'a> {
    type Record = KafkaRecord<'a>;

    fn convert_map<A: MapAccess<'a>>(
        &self,
        map: A,
        _index: usize,
    ) -> Result<Parsed<'a, KafkaRecord<'a>>, A::Error> {
        let mut parsed = Parsed::new(None, Ok(KafkaRecord::empty()));
        self.read(map, &mut parsed)?;
        Ok(parsed)
    }

    // A record is over 600 bytes: built where it stays, it is not copied there.
    #[inline(always)]
    fn convert_map_onto<A: MapAccess<'a>>(
        &self,
        map: A,
        out: &mut Vec<Parsed<'a, KafkaRecord<'a>>>,
    ) -> Result<(), A::Error> {
        out.push(Parsed::new(None, Ok(KafkaRecord::empty())));
        match out.last_mut() {
            Some(parsed) => self.read(map, parsed),
            None => Ok(()),
        }
    }

    fn identify(&self, record: &'a str) -> Option<ItemIdentifier<'a>> {
        let mut checked = Checked::default();
        let mut de = serde_json::Deserializer::from_str(record);
        de.deserialize_map(&mut checked).ok()?;
        self.identifier(&checked)
    }
}

impl<'a> Partition<'a> {
    /// The partition of the `records` key `key`, when it is `"<topic>-<partition>"`.
    pub(super) fn new(key: &Cow<'a, str>) -> Self {
        let (topic, partition) = split_key(key).unzip();
        Partition { topic, partition }
    }

    /// Reads a record into `parsed`, and its identifier.
    #[inline(always)]
    fn read<A: MapAccess<'a>>(
        &self,
        map: A,
        parsed: &mut Parsed<'a, KafkaRecord<'a>>,
    ) -> Result<(), A::Error> {
        let (identifier, slot) = parsed.parts_mut();
        let Ok(record) = slot.as_mut() else {
            return Ok(());
        };
        let mut checked = Checked::default();
        read_fields(map, &mut checked, Some(record))?;
        *identifier = self.identifier(&checked);
        if let Err(problem) = self.check(checked, record) {
            *slot = Err(problem);
        }
        Ok(())
    }

    /// Checks the fields read tolerantly, one after the other, and stores
    /// them; a topic or partition the record lacks is its `records` key's.
    fn check(&self, checked: Checked<'a>, record: &mut KafkaRecord<'a>) -> Result<(), RecordError> {
        let topic = opt(checked.topic, RecordKey::Topic.text())?;
        let partition = whole(checked.partition, RecordKey::Partition)?;
        if let Some(negative) = partition.filter(|p| *p < 0) {
            let reason = format!("{negative} is negative; Kafka partitions are numbered from 0");
            return Err(invalid(RecordKey::Partition.text(), reason));
        }
        record.offset = whole(checked.offset, RecordKey::Offset)?;
        record.timestamp_type = opt(checked.timestamp_type, RecordKey::TimestampType.text())?;
        record.topic = topic
            .filter(|t| !t.is_empty())
            .or_else(|| self.topic.clone());
        record.partition = partition.or(self.partition);
        Ok(())
    }

    /// The record's identifier: a usable offset, and a topic and partition
    /// from the record's fields when usable, else from its `records` key. A
    /// negative partition is no partition: `"t--1"` would read back as
    /// topic `t-`, partition 1.
    fn identifier(&self, checked: &Checked<'a>) -> Option<ItemIdentifier<'a>> {
        let offset = checked.offset.get()?.as_i64()?;
        let topic = match checked.topic.get() {
            Some(topic) if !topic.is_empty() => topic.clone(),
            _ => self.topic.clone()?,
        };
        let partition = match checked.partition.get() {
            Some(partition) => partition.as_i64().filter(|p| *p >= 0)?,
            None => self.partition?,
        };
        Some(ItemIdentifier::Kafka {
            topic,
            partition,
            offset,
        })
    }
}

/// The fields read tolerantly and checked once the record is read whole:
/// the identifier's, and `timestampType`.
#[derive(Default)]
struct Checked<'a> {
    topic: Field<Cow<'a, str>>,
    partition: Field<Num>,
    offset: Field<Num>,
    timestamp_type: Field<Cow<'a, str>>,
}

/// Reads a record's fields: those [`Checked`] holds into `checked`, the
/// others, kept as the event holds them, into `record`; without a record,
/// the identifier's alone. A field given twice is serde's error.
#[inline(always)]
fn read_fields<'a, A: MapAccess<'a>>(
    mut map: A,
    checked: &mut Checked<'a>,
    mut record: Option<&mut KafkaRecord<'a>>,
) -> Result<(), A::Error> {
    let mut seen = 0;
    while let Some(key) = map.next_key_seed(RecordKey::Other)? {
        let (m, seen) = (&mut map, &mut seen);
        match (key, record.as_deref_mut()) {
            (RecordKey::Topic, _) => checked.topic = key.value(seen, m)?,
            (RecordKey::Partition, _) => checked.partition = key.value(seen, m)?,
            (RecordKey::Offset, _) => checked.offset = key.value(seen, m)?,
            (RecordKey::TimestampType, Some(_)) => checked.timestamp_type = key.value(seen, m)?,
            (RecordKey::Timestamp, Some(r)) => r.timestamp = key.value(seen, m)?,
            (RecordKey::Key, Some(r)) => r.key = Encoded::new(key.value(seen, m)?),
            (RecordKey::Value, Some(r)) => r.value = Encoded::new(key.value(seen, m)?),
            (RecordKey::Headers, Some(r)) => r.headers = Headers::new(key.value(seen, m)?),
            (RecordKey::KeySchemaMetadata, Some(r)) => {
                r.key_schema_metadata = Metadata::new(key.value(seen, m)?)
            }
            (RecordKey::ValueSchemaMetadata, Some(r)) => {
                r.value_schema_metadata = Metadata::new(key.value(seen, m)?)
            }
            // Unknown keys; without a record, all but the identifier's.
            _ => m.next_value::<IgnoredAny>().map(drop)?,
        }
    }
    Ok(())
}

/// Reads a record's text for the identifier's fields alone, for
/// `ConvertElement::identify`.
impl<'a> Visitor<'a> for &mut Checked<'a> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a record")
    }
    fn visit_map<A: MapAccess<'a>>(self, map: A) -> Result<(), A::Error> {
        read_fields(map, self, None)
    }
}

/// An optional whole number, or an error naming the field.
fn whole(field: Field<Num>, key: RecordKey) -> Result<Option<i64>, RecordError> {
    let number = match opt(field, key.text())? {
        Some(number) if number.as_i64().is_none() => number,
        whole => return Ok(whole.and_then(Num::as_i64)),
    };
    Err(invalid(
        key.text(),
        match number {
            Num::F(v) if v.fract() != 0.0 => format!("`{v}` is not a whole number"),
            // `1E2` or `100.0`: whole, yet not written as one.
            Num::F(v) => format!(
                "{v} is written with an exponent or a decimal point, expected the digits of a whole number"
            ),
            Num::U(v) => format!("`{v}` is too large"),
            Num::I(v) => format!("`{v}` is out of range"),
        },
    ))
}

/// Splits a `records` key `"<topic>-<partition>"` at its last `-`.
pub(super) fn split_key<'a>(key: &Cow<'a, str>) -> Option<(Cow<'a, str>, i64)> {
    let (topic, partition) = key.rsplit_once('-')?;
    // `i64::from_str` accepts a leading `+`; a partition number has digits only.
    if topic.is_empty() || partition.is_empty() || !partition.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let partition = partition.parse().ok()?;
    let topic = match key {
        Cow::Borrowed(key) => Cow::Borrowed(&key[..topic.len()]),
        Cow::Owned(_) => Cow::Owned(topic.to_owned()),
    };
    Some((topic, partition))
}
