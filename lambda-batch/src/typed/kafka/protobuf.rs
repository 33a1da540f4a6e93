//! Protocol Buffers payloads: `prost` messages.

use std::ops::Deref;

use super::frame::{failure, unframe};
use super::{Format, Framing, KafkaPayload, Part, SchemaId};
use crate::source::KafkaRecord;
use crate::typed::{DecodeError, FromRecord};

/// A Protocol Buffers key or value decoded into the `prost` message `T`,
/// with the [`SchemaId`] the payload named.
///
/// The framing is detected: a Protocol Buffers message never starts with
/// the byte `0` or `3` (field number 0 does not exist), so those are a
/// Confluent and a Glue frame. Confluent's message indexes and Glue's
/// message index are read and skipped, as they are where Lambda's schema
/// registry integration removed the rest of the frame: the message type is
/// `T`, whichever message of the schema the indexes name. A record without
/// the part fails (take the record too, to tell tombstones). A payload that does
/// not decode fails only its record, naming the part, the framing and
/// schema, and why.
///
/// ```
/// use lambda_batch::source::{EventSource, Kafka};
/// use lambda_batch::typed::{FromRecord, kafka::{Protobuf, SchemaId}};
///
/// #[derive(Clone, PartialEq, prost::Message)]
/// struct Product {
///     #[prost(int32, tag = "1")]
///     id: i32,
///     #[prost(string, tag = "2")]
///     name: String,
///     #[prost(double, tag = "3")]
///     price: f64,
/// }
///
/// // Powertools' Protobuf sample: plain, then in a Confluent frame (schema id 2, indexes [0]).
/// let event = r#"{"records":{"mytopic-0":[{"offset":15,"value":"COkHEgZMYXB0b3AZUrgehes/j0A="},
///     {"offset":16,"value":"AAAAAAIACOkHEgZMYXB0b3AZUrgehes/j0A="}]}}"#;
/// let records = Kafka::parse(event)?;
/// for record in &records {
///     let product = Protobuf::<Product>::from_record(record.record().unwrap()).unwrap();
///     assert_eq!((product.id, product.name.as_str(), product.price), (1001, "Laptop", 999.99));
/// }
/// let framed = Protobuf::<Product>::from_record(records[1].record().unwrap()).unwrap();
/// assert_eq!(framed.schema_id, Some(SchemaId::Confluent(2)));
/// # Ok::<(), lambda_batch::InvalidEvent>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Protobuf<T> {
    /// The decoded message.
    pub value: T,
    /// The schema the payload names; `None` when plain.
    pub schema_id: Option<SchemaId>,
}

impl<T> Protobuf<T> {
    /// The decoded message.
    pub fn into_inner(self) -> T {
        self.value
    }
}

impl<T> Deref for Protobuf<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: prost::Message + Default> KafkaPayload for Protobuf<T> {
    fn from_part(record: &KafkaRecord<'_>, part: Part) -> Result<Self, DecodeError> {
        let bytes = part.bytes(record)?.ok_or_else(|| {
            failure(
                part,
                Format::Protobuf,
                "absent",
                format!("the record has no {}", part.name()),
            )
        })?;
        let frame = unframe(record, part, bytes, Format::Protobuf, Framing::Auto)?;
        let value = T::decode(&frame.payload[..])
            .map_err(|e| failure(part, Format::Protobuf, frame.found, e))?;
        Ok(Protobuf {
            value,
            schema_id: frame.found.schema_id(),
        })
    }
}

/// Decodes the value.
impl<T: prost::Message + Default> FromRecord<KafkaRecord<'_>> for Protobuf<T> {
    fn from_record(record: &KafkaRecord<'_>) -> Result<Self, DecodeError> {
        Self::from_part(record, Part::Value)
    }
}
