//! JSON payloads, plain or framed by a schema registry.

use std::ops::Deref;

use serde::de::DeserializeOwned;

use super::frame::{unframe, Found};
use super::{json_payload, Format, Framing, KafkaPayload, Part, SchemaId};
use crate::source::KafkaRecord;
use crate::typed::{DecodeError, FromRecord};

/// A JSON key or value decoded into `T`, with the [`SchemaId`] it was
/// written with when a schema registry framed it (Confluent's JSON Schema
/// serializer, Glue's JSON format) or Lambda's metadata names one.
///
/// A plain `T: DeserializeOwned` decodes the same way; take `Json<T>` to
/// learn the schema id.
///
/// ```
/// use lambda_batch::source::{EventSource, Kafka};
/// use lambda_batch::typed::{FromRecord, kafka::{Json, SchemaId}};
///
/// #[derive(serde::Deserialize)]
/// struct Order { id: u32 }
///
/// // Lambda removed the Confluent frame and says which schema it named.
/// let event = r#"{"records":{"t-0":[{"offset":1,"value":"eyJpZCI6MX0=",
///   "valueSchemaMetadata":{"dataFormat":"JSON","schemaId":"12"}}]}}"#;
/// let records = Kafka::parse(event)?;
/// let order = Json::<Order>::from_record(records[0].record().unwrap()).unwrap();
/// assert_eq!((order.id, order.schema_id), (1, Some(SchemaId::Confluent(12))));
/// # Ok::<(), lambda_batch::InvalidEvent>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Json<T> {
    /// The decoded payload.
    pub value: T,
    /// The schema the payload names; `None` when plain.
    pub schema_id: Option<SchemaId>,
}

impl<T> Json<T> {
    /// The decoded payload.
    ///
    /// ```
    /// # use lambda_batch::source::{EventSource, Kafka};
    /// # use lambda_batch::typed::{FromRecord, kafka::Json};
    /// let records = Kafka::parse(r#"{"records":{"t-0":[{"offset":1,"value":"WzEsMl0="}]}}"#)?;
    /// let list = Json::<Vec<u8>>::from_record(records[0].record().unwrap()).unwrap().into_inner();
    /// assert_eq!(list, [1, 2]);
    /// # Ok::<(), lambda_batch::InvalidEvent>(())
    /// ```
    pub fn into_inner(self) -> T {
        self.value
    }
}

impl<T> Deref for Json<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: DeserializeOwned> KafkaPayload for Json<T> {
    fn from_part(record: &KafkaRecord<'_>, part: Part) -> Result<Self, DecodeError> {
        decode(record, part, Framing::Auto).map(|(value, schema_id)| Json { value, schema_id })
    }
}

/// Decodes the value.
impl<T: DeserializeOwned> FromRecord<KafkaRecord<'_>> for Json<T> {
    fn from_record(record: &KafkaRecord<'_>) -> Result<Self, DecodeError> {
        Self::from_part(record, Part::Value)
    }
}

/// Decodes `part` of `record` as JSON after its frame; a part the record
/// lacks reads as `null`.
#[inline]
pub(super) fn decode<T: DeserializeOwned>(
    record: &KafkaRecord<'_>,
    part: Part,
    framing: Framing,
) -> Result<(T, Option<SchemaId>), DecodeError> {
    let Some(bytes) = part.bytes(record)? else {
        return json_payload(b"null", part).map(|value| (value, None));
    };
    let frame = unframe(record, part, bytes, Format::Json, framing)?;
    let value = json_payload(&frame.payload, part).map_err(|e| match frame.found {
        Found::Plain => e,
        found if e.is_not_json() => {
            DecodeError::not_json(part.name(), Some(found.to_string()), e.message())
        }
        found => DecodeError::new(
            part.name(),
            e.path(),
            format!("JSON ({found}): {}", e.message()),
        ),
    })?;
    Ok((value, frame.found.schema_id()))
}
