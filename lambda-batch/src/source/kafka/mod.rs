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

use super::read::keys::record_keys;
use super::{EventSource, Parsed};
use crate::error::InvalidEvent;

mod decoded;
mod event;
mod headers;
mod partition;
mod record;
mod schema_metadata;

pub use headers::KafkaHeader;
pub use record::KafkaRecord;
pub use schema_metadata::KafkaSchemaMetadata;

/// `record_keys!`, read as serde reads a struct's fields: a key given
/// twice is serde's error for a field given twice, as Kafka records have
/// always reported it.
macro_rules! named_keys {
    ($name:ident { $($variant:ident = $text:literal),* $(,)? }) => {
        record_keys!($name { $($variant = $text),* });

        impl $name {
            /// Marks the key seen in `seen`: a key seen already is serde's
            /// error for a field given twice.
            #[inline(always)]
            fn once<E: serde::de::Error>(self, seen: &mut u32) -> Result<(), E> {
                if *seen & self.bit() != 0 {
                    return Err(E::duplicate_field(self.text()));
                }
                *seen |= self.bit();
                Ok(())
            }

            /// The key's value, next in `map`, unless the key was seen already.
            #[inline(always)]
            fn value<'de, A, T>(self, seen: &mut u32, map: &mut A) -> Result<T, A::Error>
            where
                A: serde::de::MapAccess<'de>,
                T: serde::Deserialize<'de>,
            {
                self.once(seen)?;
                map.next_value()
            }
        }
    };
}

// The top level's keys: what every record shares, then the records.
named_keys!(EventKey {
    EventSource = "eventSource", EventSourceArn = "eventSourceArn",
    BootstrapServers = "bootstrapServers",
    Records = "records",
});

// A record's keys, a line a role: identifier, time, payload, schema metadata.
named_keys!(RecordKey {
    Topic = "topic", Partition = "partition", Offset = "offset",
    Timestamp = "timestamp", TimestampType = "timestampType",
    Key = "key", Value = "value", Headers = "headers",
    KeySchemaMetadata = "keySchemaMetadata", ValueSchemaMetadata = "valueSchemaMetadata",
});

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
    const ORDERING_SCOPE: &'static str = "topic-partition";
    type Record<'a> = KafkaRecord<'a>;

    fn parse(event: &str) -> Result<Vec<Parsed<'_, KafkaRecord<'_>>>, InvalidEvent> {
        event::read(event)
    }

    fn ordering_key<'r>(
        record: &'r KafkaRecord<'_>,
    ) -> Result<Option<Cow<'r, str>>, crate::error::RecordError> {
        Ok(record
            .topic()
            .zip(record.partition())
            .map(|(topic, partition)| Cow::Owned(format!("{topic}-{partition}"))))
    }
}

#[cfg(test)]
mod tests;
