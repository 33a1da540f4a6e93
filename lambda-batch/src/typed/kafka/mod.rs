//! Kafka payloads as teams ship them: JSON, Avro and Protocol Buffers,
//! plain or framed by a schema registry.
//!
//! A payload type says how a record's key or value decodes. Use it as the
//! argument of a [`typed`](crate::typed::typed) handler (the value), or in
//! [`Keyed<K, V>`] (the key and the value):
//!
//! | payload type | decodes | feature |
//! |---|---|---|
//! | any `T: DeserializeOwned` | JSON into `T` | |
//! | [`Json<T>`] | JSON into `T`, with the schema id | |
//! | `Avro<T>` (`T: AvroSchema`) | Avro with `T`'s writer schema, into `T` through serde | `avro` |
//! | `Protobuf<T>` (`T: prost::Message`) | Protocol Buffers into the message `T` | `protobuf` |
//!
//! Each reads the bytes' [`Framing`]: plain, Confluent (magic byte `0`,
//! schema id, Protocol Buffers message indexes) or AWS Glue Schema Registry
//! (header, compression byte with zlib, schema version UUID), detected or
//! chosen. When Lambda's schema registry integration added
//! `keySchemaMetadata` / `valueSchemaMetadata` to the record, the payload
//! type reads it: a record whose `dataFormat` is another format fails, and
//! the `schemaId` says how Lambda framed what it left. The wrappers hand the
//! handler the [`SchemaId`] the payload was written with.
//!
//! A key or value that does not decode fails only its record, reported by
//! its `{"partition":"<topic>-<partition>","offset":n}` identifier, with a
//! [`DecodeError`] naming the part (`key` or `value`), the format, the
//! framing and schema id, and why: ``payload `value` does not decode: AVRO
//! (Confluent frame, schema id 7): ...``. The rest of the batch goes on.
//!
//! ```
//! use lambda_batch::{BatchProcessor, Context};
//! use lambda_batch::typed::{typed, kafka::Json};
//!
//! #[derive(serde::Deserialize)]
//! struct Order { id: u32 }
//!
//! async fn handle(order: Json<Order>) -> Result<(), String> {
//!     let _registered_as = order.schema_id; // Some(SchemaId::Confluent(1)), then None
//!     if order.id == 0 { Err("order 0".to_owned()) } else { Ok(()) }
//! }
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! use base64::Engine as _;
//! let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
//! // A Confluent frame (schema id 1) of {"id":1}, a frame cut short, plain {"id":3}.
//! let framed = [&[0, 0, 0, 0, 1][..], br#"{"id":1}"#].concat();
//! let event = format!(r#"{{"records":{{"orders-0":[
//!     {{"offset":1,"value":"{}"}}, {{"offset":2,"value":"{}"}}, {{"offset":3,"value":"{}"}}]}}}}"#,
//!     b64(&framed), b64(&[0, 0, 0]), b64(br#"{"id":3}"#));
//! let processor = BatchProcessor::kafka(typed(handle));
//! let response = processor.process(&event, &Context::default()).await?;
//! let failed: Vec<String> = response.identifiers().map(|id| serde_json::to_string(id).unwrap()).collect();
//! assert_eq!(failed, [r#"{"partition":"orders-0","offset":2}"#]);
//! # Ok::<(), lambda_batch::BatchError>(())
//! # }).unwrap();
//! ```

use serde::de::DeserializeOwned;

use super::decode::{json_bytes, json_or_text};
use super::{DecodeError, FromRecord};
use crate::source::{KafkaRecord, KafkaSchemaMetadata};

#[cfg(feature = "avro")]
mod avro;
mod frame;
mod json;
mod keyed;
#[cfg(feature = "protobuf")]
mod protobuf;
mod schema_id;

#[cfg(feature = "avro")]
#[cfg_attr(docsrs, doc(cfg(feature = "avro")))]
pub use avro::{Avro, AvroSchema, SchemaError, WriterSchema};
pub use frame::{Framing, MAX_INFLATED};
pub use json::Json;
pub use keyed::Keyed;
#[cfg(feature = "protobuf")]
#[cfg_attr(docsrs, doc(cfg(feature = "protobuf")))]
pub use protobuf::Protobuf;
pub use schema_id::SchemaId;

/// The `apache-avro` crate this one decodes with, for schemas and values
/// of the same version.
#[cfg(feature = "avro")]
#[cfg_attr(docsrs, doc(cfg(feature = "avro")))]
pub use apache_avro;
/// The `prost` crate whose messages [`Protobuf`] decodes.
#[cfg(feature = "protobuf")]
#[cfg_attr(docsrs, doc(cfg(feature = "protobuf")))]
pub use prost;

/// Which part of a Kafka record a payload is.
///
/// ```
/// use lambda_batch::typed::kafka::Part;
///
/// assert_eq!((Part::Key.name(), Part::Value.name()), ("key", "value"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    /// The record's `key`.
    Key,
    /// The record's `value`.
    Value,
}

impl Part {
    /// The field's name: `key` or `value` (the payload of its
    /// [`DecodeError`]s).
    pub fn name(self) -> &'static str {
        match self {
            Part::Key => "key",
            Part::Value => "value",
        }
    }

    /// The name of the part's schema metadata field.
    fn metadata_name(self) -> &'static str {
        match self {
            Part::Key => "keySchemaMetadata",
            Part::Value => "valueSchemaMetadata",
        }
    }

    /// The part's bytes (decoded from base64); `None` when the record has
    /// none.
    ///
    /// ```
    /// use lambda_batch::source::{EventSource, Kafka};
    /// use lambda_batch::typed::kafka::Part;
    ///
    /// let records = Kafka::parse(r#"{"records":{"t-0":[{"offset":1,"key":"aGk=","value":"*"}]}}"#)?;
    /// let record = records[0].record().unwrap();
    /// assert_eq!(Part::Key.bytes(record).unwrap(), Some(&b"hi"[..]));
    /// assert_eq!(Part::Value.bytes(record).unwrap_err().payload(), "value");
    /// # Ok::<(), lambda_batch::InvalidEvent>(())
    /// ```
    ///
    /// # Errors
    ///
    /// A [`DecodeError`] of the part when it is not base64 text.
    pub fn bytes<'r>(self, record: &'r KafkaRecord<'_>) -> Result<Option<&'r [u8]>, DecodeError> {
        match self {
            Part::Key => record.key(),
            Part::Value => record.value(),
        }
        .map_err(|e| DecodeError::unreadable(self.name(), e))
    }

    fn metadata<'r>(
        self,
        record: &'r KafkaRecord<'_>,
    ) -> Result<Option<&'r KafkaSchemaMetadata>, crate::RecordError> {
        match self {
            Part::Key => record.key_schema_metadata(),
            Part::Value => record.value_schema_metadata(),
        }
    }
}

/// The formats of Kafka payloads, as Lambda's `dataFormat` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Json,
    #[cfg_attr(not(feature = "avro"), allow(dead_code))]
    Avro,
    #[cfg_attr(not(feature = "protobuf"), allow(dead_code))]
    Protobuf,
}

impl Format {
    fn name(self) -> &'static str {
        match self {
            Format::Json => "JSON",
            Format::Avro => "AVRO",
            Format::Protobuf => "PROTOBUF",
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

// A handler's argument type decodes the record's value: JSON for any
// `T: DeserializeOwned`, or one of the payload types of this module.
impl<T: DeserializeOwned> FromRecord<KafkaRecord<'_>> for T {
    fn from_record(record: &KafkaRecord<'_>) -> Result<Self, DecodeError> {
        <T as KafkaPayload>::from_part(record, Part::Value)
    }
}

/// A type a Kafka record's key or value decodes into.
///
/// Implemented for every `T: DeserializeOwned` (JSON), [`Json<T>`],
/// `Avro<T>` (feature `avro`) and `Protobuf<T>` (feature `protobuf`).
/// [`Keyed<K, V>`] takes any two; a payload type alone, as a
/// [`typed`](crate::typed::typed) handler's argument, decodes the value.
/// Implement it for a format of your own.
///
/// ```
/// use lambda_batch::source::{EventSource, Kafka, KafkaRecord};
/// use lambda_batch::typed::kafka::{KafkaPayload, Keyed, Part};
/// use lambda_batch::typed::{DecodeError, FromRecord};
///
/// /// A big-endian u64 counter.
/// struct Counter(u64);
///
/// impl KafkaPayload for Counter {
///     fn from_part(record: &KafkaRecord<'_>, part: Part) -> Result<Self, DecodeError> {
///         let bytes = part.bytes(record)?.unwrap_or_default();
///         let bytes = <[u8; 8]>::try_from(bytes)
///             .map_err(|_| DecodeError::new(part.name(), "", format!("{} bytes, not 8", bytes.len())))?;
///         Ok(Counter(u64::from_be_bytes(bytes)))
///     }
/// }
///
/// // key "page-1", value 7
/// let records = Kafka::parse(r#"{"records":{"t-0":[{"offset":1,"key":"cGFnZS0x","value":"AAAAAAAAAAc="}]}}"#)?;
/// let keyed = Keyed::<String, Counter>::from_record(records[0].record().unwrap()).unwrap();
/// assert_eq!((keyed.key.as_deref(), keyed.value.0), (Some("page-1"), 7));
/// # Ok::<(), lambda_batch::InvalidEvent>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a Kafka payload type",
    note = "Kafka keys and values decode into any `T: serde::de::DeserializeOwned` (JSON), `Json<T>`, `Avro<T>` (feature `avro`) or `Protobuf<T>` (feature `protobuf`)"
)]
pub trait KafkaPayload: Sized {
    /// Decodes `part` of `record`.
    ///
    /// # Errors
    ///
    /// A [`DecodeError`] of `part` saying why it does not decode.
    fn from_part(record: &KafkaRecord<'_>, part: Part) -> Result<Self, DecodeError>;
}

/// JSON, plain or in a registry's frame. A value that a record lacks reads
/// as `null`; a key is read as JSON or, when that fails, as plain text.
impl<T: DeserializeOwned> KafkaPayload for T {
    #[inline]
    fn from_part(record: &KafkaRecord<'_>, part: Part) -> Result<Self, DecodeError> {
        json::decode(record, part, Framing::Auto).map(|(value, _)| value)
    }
}

/// Decodes `bytes` as JSON (a key: JSON or text).
fn json_payload<T: DeserializeOwned>(bytes: &[u8], part: Part) -> Result<T, DecodeError> {
    match part {
        Part::Key => json_or_text(bytes, "key"),
        Part::Value => json_bytes(bytes, "value"),
    }
}

#[cfg(test)]
mod tests;
