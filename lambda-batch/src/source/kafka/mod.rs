//! Kafka: Amazon MSK and self-managed Apache Kafka.
//!
//! The event groups records by topic-partition:
//! `{"eventSource":"aws:kafka","records":{"orders-0":[{...}, ...], ...}}`.
//! Records are processed in document order: partition lists in the order
//! they appear, records in list order.
//!
//! Identifier: `{"partition":"<topic>-<partition>","offset":<offset>}`.
//! Topic and partition come from the record's own fields, else from its
//! `records` key (split at the last `-`, as topics may contain dashes). A
//! record without a usable `offset` has no identifier.
//!
//! # What is checked when
//!
//! The event is read once. A record fails for what the library needs, and
//! for what its handler reads, never for a field nobody reads:
//!
//! | field | checked | a malformed one |
//! |---|---|---|
//! | `topic`, `partition`, `offset` | with the event (identifier, ordering key) | fails the record before the handler |
//! | `timestampType` | with the event (its JSON kind: a string) | fails the record before the handler |
//! | `key`, `value` (base64) | by [`key`](KafkaRecord::key), [`value`](KafkaRecord::value) and the accessors built on them, on their first call | is an `Err` naming the field, for the handler's `?` |
//! | `headers` (arrays of bytes) | by [`headers`](KafkaRecord::headers) and [`header`](KafkaRecord::header), on their first call | is an `Err` naming the header |
//! | `timestamp` (number or numeric text) | by [`timestamp`](KafkaRecord::timestamp), on each call | is an `Err` naming the field |
//! | `keySchemaMetadata`, `valueSchemaMetadata` | by [`key_schema_metadata`](KafkaRecord::key_schema_metadata), [`value_schema_metadata`](KafkaRecord::value_schema_metadata) and the typed payloads that read them, on their first call | is an `Err` naming the field |
//!
//! Decoded key, value and headers are kept in the record, so accessors
//! hand out references and a second call decodes nothing.
//! [`typed`](crate::typed::typed) handlers decode the value (and the key,
//! with [`Keyed`](crate::typed::Keyed)) through the same accessors: a value
//! that is not base64 fails that record with a
//! [`DecodeError`](crate::typed::DecodeError) naming `value`, and the
//! handler is not called.

use std::borrow::Cow;

use super::envelope;
use super::lenient::{Field, JsonKind, Num};
use super::{EventSource, Parsed};
use crate::error::InvalidEvent;
use crate::response::ItemIdentifier;

mod decoded;
mod headers;
mod record;
mod schema_metadata;
mod wire;

pub use headers::KafkaHeader;
pub use record::KafkaRecord;
pub use schema_metadata::KafkaSchemaMetadata;

use wire::EventSeed;

/// The Kafka event source (Amazon MSK and self-managed Apache Kafka).
///
/// ```
/// use lambda_batch::source::{EventSource, Kafka};
///
/// let event = r#"{"eventSource":"aws:kafka",
///   "eventSourceArn":"arn:aws:kafka:us-east-1:123456789012:cluster/demo/abc",
///   "bootstrapServers":"b-1.demo:9092,b-2.demo:9092",
///   "records":{"my-topic-0":[{"topic":"my-topic","partition":0,"offset":15,
///     "timestamp":1545084650987,"timestampType":"CREATE_TIME","value":"eyJpZCI6MX0=","headers":[]}]}}"#;
/// let records = Kafka::parse(event)?;
/// let id = records[0].identifier().unwrap();
/// assert_eq!(serde_json::to_string(id).unwrap(), r#"{"partition":"my-topic-0","offset":15}"#);
/// let record = records[0].record().unwrap();
/// assert_eq!(record.value_text(), Ok(Some(r#"{"id":1}"#)));
/// assert_eq!(record.event_source(), Some("aws:kafka"));
/// assert!(!record.is_self_managed());
/// # Ok::<(), lambda_batch::InvalidEvent>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Kafka;

impl super::sealed::Sealed for Kafka {}

impl EventSource for Kafka {
    const NAME: &'static str = "kafka";
    type Record<'a> = KafkaRecord<'a>;

    fn parse(event: &str) -> Result<Vec<Parsed<'_, KafkaRecord<'_>>>, InvalidEvent> {
        let seed = |recover| EventSeed {
            capacity: envelope::likely_records(event),
            recover,
        };
        let wire = crate::source::recover::read_or_recover(|recover| {
            envelope::top_level_object(event, seed(recover), "Kafka")
        })?;
        let envelope = Envelope {
            event_source: envelope::optional(wire.event_source, "eventSource")?,
            event_source_arn: envelope::optional(wire.event_source_arn, "eventSourceArn")?,
            bootstrap_servers: envelope::optional(wire.bootstrap_servers, "bootstrapServers")?,
        };
        match wire.records {
            Field::Value(()) => {}
            Field::Missing => {
                return Err(InvalidEvent::Missing {
                    path: "records".to_owned(),
                    expected: "a Kafka event's records, grouped by topic-partition",
                })
            }
            Field::Null => return Err(records_shape(JsonKind::Null)),
            Field::Wrong(kind) => return Err(records_shape(kind)),
        }
        if let Some((key, found)) = wire.bad_partition {
            return Err(InvalidEvent::Shape {
                path: format!("records.\"{key}\""),
                found: found.describe(),
                expected: "a list of records",
            });
        }
        let mut parsed = wire.parsed;
        for record in &mut parsed {
            if let Ok(record) = &mut record.record {
                record.attach(&envelope);
            }
        }
        Ok(parsed)
    }

    const ORDERING_SCOPE: &'static str = "topic-partition";

    fn ordering_key<'r>(
        record: &'r KafkaRecord<'_>,
    ) -> Result<Option<Cow<'r, str>>, crate::error::RecordError> {
        Ok(record
            .topic()
            .zip(record.partition())
            .map(|(topic, partition)| Cow::Owned(format!("{topic}-{partition}"))))
    }
}

/// The top-level fields every record of an event shares.
#[derive(Debug)]
pub(super) struct Envelope<'a> {
    pub(super) event_source: Option<Cow<'a, str>>,
    pub(super) event_source_arn: Option<Cow<'a, str>>,
    pub(super) bootstrap_servers: Option<Cow<'a, str>>,
}

fn records_shape(found: JsonKind) -> InvalidEvent {
    InvalidEvent::Shape {
        path: "records".to_owned(),
        found: found.describe(),
        expected: "an object of record lists by topic-partition",
    }
}

/// Splits a `records` key `"<topic>-<partition>"` at its last `-`.
fn split_key<'a>(key: &Cow<'a, str>) -> Option<(Cow<'a, str>, i64)> {
    let (topic, partition) = match key {
        Cow::Borrowed(key) => {
            let (topic, partition) = key.rsplit_once('-')?;
            (Cow::Borrowed(topic), partition)
        }
        Cow::Owned(key) => {
            let (topic, partition) = key.rsplit_once('-')?;
            (Cow::Owned(topic.to_owned()), partition)
        }
    };
    // `i64::from_str` accepts a leading `+`; a partition number has digits only.
    if topic.is_empty() || partition.is_empty() || !partition.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((topic, partition.parse().ok()?))
}

/// The record's identifier: a usable offset, and a topic and partition from
/// the record's fields when usable, else from its `records` key. A
/// negative partition is no partition: `"t--1"` would read back as topic
/// `t-`, partition 1.
fn identifier<'a>(
    topic: &Field<Cow<'a, str>>,
    partition: Field<Num>,
    offset: Field<Num>,
    key_topic: Option<&Cow<'a, str>>,
    key_partition: Option<i64>,
) -> Option<ItemIdentifier<'a>> {
    let offset = match offset {
        Field::Value(offset) => offset.as_i64()?,
        _ => return None,
    };
    let topic = match topic {
        Field::Value(topic) if !topic.is_empty() => topic.clone(),
        _ => key_topic?.clone(),
    };
    let partition = match partition {
        Field::Value(partition) => Some(Num::as_i64(partition).filter(|p| *p >= 0)?),
        _ => None,
    }
    .or(key_partition)?;
    Some(ItemIdentifier::Kafka {
        topic,
        partition,
        offset,
    })
}

#[cfg(test)]
mod tests;
