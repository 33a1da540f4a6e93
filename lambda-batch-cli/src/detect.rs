//! Tells which source an event comes from, reading as little of it as JSON allows.
//!
//! In order: the top-level `eventSource` (`aws:kafka`, `SelfManagedKafka`,
//! or `aws:SelfManagedKafka` as Powertools' sample writes it);
//! the first record's `eventSource` (`aws:sqs`, `aws:kinesis`,
//! `aws:dynamodb`); the shape: a top-level `records` object is Kafka, and a
//! first record holding `kinesis`, `dynamodb`, or `messageId` or `body`
//! (SQS) names its source.
//!
//! A top-level list is an EventBridge pipe's batch: its first record names
//! the source the same way (Kafka's too, whose processor then says that
//! pipes from Kafka take no partial batch response), and a flat Kinesis
//! record is told by `partitionKey` or `kinesisSchemaVersion`, a Kafka one
//! by `topic`. The library reads either form by itself.

use std::cell::Cell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::args::SourceKind;

/// Why the source cannot be told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Undetected {
    /// The text is neither a JSON object nor a list: the library's envelope
    /// error says best what is wrong.
    NotAnObject,
    /// The source is named, but it is not one with partial batch responses.
    Unsupported(String),
    /// Neither a `Records` list nor a `records` object.
    NoRecords,
    /// `Records` is there, but is not a list: the library's envelope error says it.
    RecordsNotAList,
    /// The first record names no source and has no telling shape.
    Unknown,
}

impl fmt::Display for Undetected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Undetected::NotAnObject => {
                f.write_str("the event is neither a JSON object nor a list of records")
            }
            Undetected::Unsupported(name) => write!(
                f,
                "unsupported event source `{name}` (expected aws:sqs, aws:kinesis, aws:dynamodb, aws:kafka, SelfManagedKafka or aws:SelfManagedKafka)"
            ),
            Undetected::NoRecords => f.write_str(
                "the event has neither a `Records` list (SQS, Kinesis, DynamoDB Streams) nor a `records` object (Kafka)",
            ),
            Undetected::RecordsNotAList => f.write_str("`Records` is not a list"),
            Undetected::Unknown => f.write_str(
                "cannot tell the event source: the first record has no `eventSource` (use --source)",
            ),
        }
    }
}

/// The source of `event`.
///
/// An empty `Records` list is read as SQS: every source answers it the same way.
pub fn detect(event: &str) -> Result<SourceKind, Undetected> {
    let mut de = serde_json::Deserializer::from_str(event);
    let named = Cell::new(None);
    let top = de
        .deserialize_any(TopVisitor { named: &named })
        .and_then(|top| de.end().map(|()| top));
    // The first record named its source: reading stopped there, and the
    // processor reads (and checks) the whole event anyway.
    if let Some(kind) = named.get() {
        return Ok(kind);
    }
    let top = match top.map_err(|_| Undetected::NotAnObject)? {
        Top::Object(top) => top,
        // An empty batch: every source answers it the same way (but Kafka's
        // pipes, which send none).
        Top::Pipe(None) => return Ok(SourceKind::Sqs),
        Top::Pipe(Some(first)) => {
            return match first.event_source {
                Some(name) => Err(Undetected::Unsupported(name)),
                None => first.shape.ok_or(Undetected::Unknown),
            }
        }
        Top::Other => return Err(Undetected::NotAnObject),
    };
    if let Some(name) = &top.event_source {
        match name.as_str() {
            "aws:kafka" | "SelfManagedKafka" | "aws:SelfManagedKafka" => {
                return Ok(SourceKind::Kafka)
            }
            _ if top.records.is_none() => return Err(Undetected::Unsupported(name.clone())),
            _ => {}
        }
    }
    match top.records {
        Some(Records::List(Some(first))) => {
            if let Some(name) = &first.event_source {
                return match name.as_str() {
                    "aws:sqs" => Ok(SourceKind::Sqs),
                    "aws:kinesis" => Ok(SourceKind::Kinesis),
                    "aws:dynamodb" => Ok(SourceKind::DynamoDb),
                    _ => Err(Undetected::Unsupported(name.clone())),
                };
            }
            first.shape.ok_or(Undetected::Unknown)
        }
        Some(Records::List(None)) => Ok(SourceKind::Sqs),
        Some(Records::Other) => Err(Undetected::RecordsNotAList),
        None if top.kafka_records => Ok(SourceKind::Kafka),
        None => Err(Undetected::NoRecords),
    }
}

enum Top {
    Object(TopFields),
    /// A pipe's batch, and its first record (if any) when it names no source.
    Pipe(Option<FirstRecord>),
    Other,
}

#[derive(Default)]
struct TopFields {
    event_source: Option<String>,
    records: Option<Records>,
    kafka_records: bool,
}

enum Records {
    /// A list, and what its first record (if any) tells.
    List(Option<FirstRecord>),
    /// Anything else.
    Other,
}

#[derive(Default)]
struct FirstRecord {
    event_source: Option<String>,
    shape: Option<SourceKind>,
}

struct TopVisitor<'n> {
    /// Set when the first record names a source with a `Records` list.
    named: &'n Cell<Option<SourceKind>>,
}

impl<'de> Visitor<'de> for TopVisitor<'_> {
    type Value = Top;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Top, A::Error> {
        let mut fields = TopFields::default();
        while let Some(key) = map.next_key::<Key>()? {
            match key.0.as_deref() {
                Some("eventSource") => fields.event_source = map.next_value::<Text>()?.0,
                Some("Records") => {
                    fields.records =
                        Some(map.next_value_seed(RecordsVisitor { named: self.named })?)
                }
                Some("records") => fields.kafka_records = map.next_value::<IsObject>()?.0,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Top::Object(fields))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Top, A::Error> {
        let first = seq.next_element_seed(FirstSeed)?;
        let named = match first.as_ref().and_then(|f| f.event_source.as_deref()) {
            Some("aws:sqs") => Some(SourceKind::Sqs),
            Some("aws:kinesis") => Some(SourceKind::Kinesis),
            Some("aws:dynamodb") => Some(SourceKind::DynamoDb),
            Some("aws:kafka" | "SelfManagedKafka" | "aws:SelfManagedKafka") => {
                Some(SourceKind::Kafka)
            }
            _ => None,
        };
        if let Some(kind) = named {
            // Stop reading: the source is known.
            self.named.set(Some(kind));
            return Err(de::Error::custom("the first record names the source"));
        }
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Top::Pipe(first))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Top, E> {
        Ok(Top::Other)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Top, E> {
        Ok(Top::Other)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Top, E> {
        Ok(Top::Other)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Top, E> {
        Ok(Top::Other)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Top, E> {
        Ok(Top::Other)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Top, E> {
        Ok(Top::Other)
    }
}

/// Any JSON value, kept only when it is a string.
struct Text(Option<String>);

impl<'de> de::Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(Kind(|value: Seen<'_>| match value {
            Seen::Str(s) => Text(Some(s.to_owned())),
            _ => Text(None),
        }))
    }
}

/// An object key, kept as text (`None` when not a string, which JSON never does).
struct Key(Option<String>);

impl<'de> de::Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(Kind(|value: Seen<'_>| match value {
            Seen::Str(s) => Key(Some(s.to_owned())),
            _ => Key(None),
        }))
    }
}

/// Whether a JSON value is an object (its content is skipped).
struct IsObject(bool);

impl<'de> de::Deserialize<'de> for IsObject {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(Kind(|value: Seen<'_>| {
            IsObject(matches!(value, Seen::Object))
        }))
    }
}

/// What a [`Kind`] visitor saw: a string, or only the JSON kind of the value.
enum Seen<'s> {
    Str(&'s str),
    Object,
    Other,
}

/// A visitor that skips the value and maps what it saw with `F`.
struct Kind<F>(F);

impl<'de, T, F: FnOnce(Seen<'_>) -> T> Visitor<'de> for Kind<F> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok((self.0)(Seen::Object))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<T, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok((self.0)(Seen::Other))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        Ok((self.0)(Seen::Str(v)))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<T, E> {
        Ok((self.0)(Seen::Other))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<T, E> {
        Ok((self.0)(Seen::Other))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<T, E> {
        Ok((self.0)(Seen::Other))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<T, E> {
        Ok((self.0)(Seen::Other))
    }
    fn visit_unit<E: de::Error>(self) -> Result<T, E> {
        Ok((self.0)(Seen::Other))
    }
}

impl<'de> DeserializeSeed<'de> for RecordsVisitor<'_> {
    type Value = Records;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Records, D::Error> {
        deserializer.deserialize_any(self)
    }
}

struct RecordsVisitor<'n> {
    named: &'n Cell<Option<SourceKind>>,
}

impl<'de> Visitor<'de> for RecordsVisitor<'_> {
    type Value = Records;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of records")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Records, A::Error> {
        let first = seq.next_element_seed(FirstSeed)?;
        let named = match first.as_ref().and_then(|f| f.event_source.as_deref()) {
            Some("aws:sqs") => Some(SourceKind::Sqs),
            Some("aws:kinesis") => Some(SourceKind::Kinesis),
            Some("aws:dynamodb") => Some(SourceKind::DynamoDb),
            _ => None,
        };
        if let Some(kind) = named {
            // Stop reading: the source is known.
            self.named.set(Some(kind));
            return Err(de::Error::custom("the first record names the source"));
        }
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Records::List(first))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Records, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Records::Other)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Records, E> {
        Ok(Records::Other)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Records, E> {
        Ok(Records::Other)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Records, E> {
        Ok(Records::Other)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Records, E> {
        Ok(Records::Other)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Records, E> {
        Ok(Records::Other)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Records, E> {
        Ok(Records::Other)
    }
}

/// Reads the first record of the list: its `eventSource` and telling keys.
/// A first element that is not an object tells nothing.
struct FirstSeed;

impl<'de> DeserializeSeed<'de> for FirstSeed {
    type Value = FirstRecord;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<FirstRecord, D::Error> {
        deserializer.deserialize_any(FirstVisitor)
    }
}

struct FirstVisitor;

impl<'de> Visitor<'de> for FirstVisitor {
    type Value = FirstRecord;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a record")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FirstRecord, A::Error> {
        let mut first = FirstRecord::default();
        while let Some(key) = map.next_key::<Key>()? {
            match key.0.as_deref() {
                Some("eventSource") => first.event_source = map.next_value::<Text>()?.0,
                Some(key) => {
                    let shape = match key {
                        // `partitionKey` and `kinesisSchemaVersion`: a pipe's flat record.
                        "kinesis" | "partitionKey" | "kinesisSchemaVersion" => {
                            Some(SourceKind::Kinesis)
                        }
                        "dynamodb" => Some(SourceKind::DynamoDb),
                        "messageId" | "receiptHandle" | "body" => Some(SourceKind::Sqs),
                        // Only in a pipe's list: a Kafka event groups its records.
                        "topic" => Some(SourceKind::Kafka),
                        _ => None,
                    };
                    first.shape = first.shape.or(shape);
                    map.next_value::<IgnoredAny>()?;
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(first)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<FirstRecord, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(FirstRecord::default())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<FirstRecord, E> {
        Ok(FirstRecord::default())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<FirstRecord, E> {
        Ok(FirstRecord::default())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<FirstRecord, E> {
        Ok(FirstRecord::default())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<FirstRecord, E> {
        Ok(FirstRecord::default())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<FirstRecord, E> {
        Ok(FirstRecord::default())
    }
    fn visit_unit<E: de::Error>(self) -> Result<FirstRecord, E> {
        Ok(FirstRecord::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_stops_at_the_first_record_that_names_its_source() {
        // What follows is never read here; the processor reports it.
        let event = r#"{"Records":[{"eventSource":"aws:dynamodb"},{"truncated"#;
        assert_eq!(detect(event), Ok(SourceKind::DynamoDb));
        let unnamed = r#"{"Records":[{"messageId":"a"},{"truncated"#;
        assert_eq!(detect(unnamed), Err(Undetected::NotAnObject));
    }

    #[test]
    fn named_sources() {
        for (event, kind) in [
            (
                r#"{"Records":[{"eventSource":"aws:sqs"}]}"#,
                SourceKind::Sqs,
            ),
            (
                r#"{"Records":[{"eventSource":"aws:kinesis"},{"x":1}]}"#,
                SourceKind::Kinesis,
            ),
            (
                r#"{"Records":[{"eventSource":"aws:dynamodb"}]}"#,
                SourceKind::DynamoDb,
            ),
            (
                r#"{"eventSource":"aws:kafka","records":{}}"#,
                SourceKind::Kafka,
            ),
            (
                r#"{"records":{"t-0":[]},"eventSource":"SelfManagedKafka"}"#,
                SourceKind::Kafka,
            ),
            (
                r#"{"records":{"t-0":[]},"eventSource":"aws:SelfManagedKafka"}"#,
                SourceKind::Kafka,
            ),
        ] {
            assert_eq!(detect(event), Ok(kind), "{event}");
        }
    }

    #[test]
    fn shapes() {
        for (event, kind) in [
            (r#"{"records":{"t-0":[]}}"#, SourceKind::Kafka),
            (
                r#"{"Records":[{"messageId":"m","body":"b"}]}"#,
                SourceKind::Sqs,
            ),
            (r#"{"Records":[{"kinesis":{}}]}"#, SourceKind::Kinesis),
            (
                r#"{"Records":[{"eventName":"INSERT","dynamodb":{}}]}"#,
                SourceKind::DynamoDb,
            ),
            (r#"{"Records":[]}"#, SourceKind::Sqs),
        ] {
            assert_eq!(detect(event), Ok(kind), "{event}");
        }
    }

    #[test]
    fn pipe_batches() {
        for (event, kind) in [
            (r#"[{"eventSource":"aws:sqs"}]"#, SourceKind::Sqs),
            (
                r#"[{"eventSource":"aws:kinesis"},{"truncated"#,
                SourceKind::Kinesis,
            ),
            (r#"[{"eventSource":"aws:dynamodb"}]"#, SourceKind::DynamoDb),
            (
                r#"[{"eventSource":"aws:kafka","topic":"t"}]"#,
                SourceKind::Kafka,
            ),
            (r#"[{"messageId":"m","body":"b"}]"#, SourceKind::Sqs),
            (r#"[{"partitionKey":"p","data":""}]"#, SourceKind::Kinesis),
            (r#"[{"eventID":"1","dynamodb":{}}]"#, SourceKind::DynamoDb),
            (r#"[{"topic":"t","offset":1}]"#, SourceKind::Kafka),
            ("[]", SourceKind::Sqs),
        ] {
            assert_eq!(detect(event), Ok(kind), "{event}");
        }
        assert_eq!(detect("[{}]"), Err(Undetected::Unknown));
        assert_eq!(detect("[7]"), Err(Undetected::Unknown));
        assert_eq!(
            detect(r#"[{"eventSource":"aws:mq"}]"#),
            Err(Undetected::Unsupported("aws:mq".into()))
        );
        assert_eq!(detect("[{"), Err(Undetected::NotAnObject));
    }

    #[test]
    fn undetected() {
        assert_eq!(detect("{}"), Err(Undetected::NoRecords));
        assert_eq!(detect("123"), Err(Undetected::NotAnObject));
        assert_eq!(detect(r#"{"Records":"#), Err(Undetected::NotAnObject));
        assert_eq!(detect(r#"{"Records":5}"#), Err(Undetected::RecordsNotAList));
        assert_eq!(detect(r#"{"Records":[{}]}"#), Err(Undetected::Unknown));
        assert_eq!(detect(r#"{"Records":[7]}"#), Err(Undetected::Unknown));
        assert_eq!(
            detect(r#"{"Records":[{"eventSource":"aws:s3"}]}"#),
            Err(Undetected::Unsupported("aws:s3".into()))
        );
        assert_eq!(
            detect(r#"{"eventSource":"aws:mq","messages":[]}"#),
            Err(Undetected::Unsupported("aws:mq".into()))
        );
    }
}
