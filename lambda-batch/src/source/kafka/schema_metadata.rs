//! `keySchemaMetadata` / `valueSchemaMetadata`: what Lambda's schema
//! registry integration says of a record's key and value. Kept as their
//! JSON text by the event pass, decoded when first read.

use serde::Deserialize;

use super::decoded::Decoded;
use super::{KafkaRecord, RecordKey};
use crate::error::RecordError;
use crate::source::read::raw::Raw;

/// What Lambda's schema registry integration says of a record's key or
/// value: its `dataFormat` (`AVRO`, `PROTOBUF`, `JSON`) and the `schemaId`
/// it was written with (a Confluent schema id such as `"1"`, or an AWS Glue
/// schema version UUID).
///
/// When the event source mapping validates records against a schema
/// registry and passes them on in their source format, Lambda has removed
/// the registry's framing (magic byte and schema id, or the Glue header)
/// and says here what it was. [`typed`](crate::typed) payloads read it to
/// decode the bytes that are left, and refuse a record of another format.
///
/// ```
/// # use lambda_batch::source::{EventSource, Kafka};
/// let event = r#"{"records":{"t-0":[{"offset":1,"value":"AA==",
///   "valueSchemaMetadata":{"dataFormat":"AVRO","schemaId":"17"}}]}}"#;
/// let records = Kafka::parse(event)?;
/// let metadata = records[0].record().unwrap().value_schema_metadata()?.unwrap();
/// assert_eq!((metadata.data_format(), metadata.schema_id()), (Some("AVRO"), Some("17")));
/// assert_eq!(records[0].record().unwrap().key_schema_metadata()?, None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct KafkaSchemaMetadata {
    #[serde(rename = "dataFormat", default)]
    data_format: Option<String>,
    #[serde(rename = "schemaId", default)]
    schema_id: Option<String>,
}

impl KafkaSchemaMetadata {
    /// `dataFormat`: `AVRO`, `PROTOBUF` or `JSON`, as Lambda writes it.
    ///
    /// ```
    /// # use lambda_batch::source::{EventSource, Kafka};
    /// let event = r#"{"records":{"t-0":[{"offset":1,"keySchemaMetadata":{"dataFormat":"JSON"}}]}}"#;
    /// let records = Kafka::parse(event)?;
    /// let metadata = records[0].record().unwrap().key_schema_metadata()?.unwrap();
    /// assert_eq!((metadata.data_format(), metadata.schema_id()), (Some("JSON"), None));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn data_format(&self) -> Option<&str> {
        self.data_format.as_deref()
    }

    /// `schemaId`: a Confluent schema id (digits) or an AWS Glue schema
    /// version UUID.
    ///
    /// ```
    /// # use lambda_batch::source::{EventSource, Kafka};
    /// let event = r#"{"records":{"t-0":[{"offset":1,
    ///   "valueSchemaMetadata":{"dataFormat":"PROTOBUF","schemaId":"7d55d475-2244-4485-8341-f74468c1e058"}}]}}"#;
    /// let records = Kafka::parse(event)?;
    /// let metadata = records[0].record().unwrap().value_schema_metadata()?.unwrap();
    /// assert_eq!(metadata.schema_id(), Some("7d55d475-2244-4485-8341-f74468c1e058"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn schema_id(&self) -> Option<&str> {
        self.schema_id.as_deref()
    }
}

impl KafkaRecord<'_> {
    /// `keySchemaMetadata`: what Lambda's schema registry integration says
    /// of the key (its format and schema id), decoded on the first call;
    /// `Ok(None)` when the record has none.
    ///
    /// ```
    /// # use lambda_batch::source::{EventSource, Kafka};
    /// let event = r#"{"records":{"t-0":[{"offset":1,"keySchemaMetadata":{"dataFormat":"AVRO","schemaId":"3"}}]}}"#;
    /// let records = Kafka::parse(event)?;
    /// let metadata = records[0].record().unwrap().key_schema_metadata()?.unwrap();
    /// assert_eq!(metadata.schema_id(), Some("3"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// A [`RecordError`] naming `keySchemaMetadata` when it is not an
    /// object of strings.
    pub fn key_schema_metadata(&self) -> Result<Option<&KafkaSchemaMetadata>, RecordError> {
        self.key_schema_metadata.get(RecordKey::KeySchemaMetadata)
    }

    /// `valueSchemaMetadata`: what Lambda's schema registry integration
    /// says of the value, decoded on the first call; `Ok(None)` when the
    /// record has none.
    ///
    /// ```
    /// # use lambda_batch::source::{EventSource, Kafka};
    /// let event = r#"{"records":{"t-0":[{"offset":1,"valueSchemaMetadata":{"dataFormat":"PROTOBUF","schemaId":"1"}}]}}"#;
    /// let records = Kafka::parse(event)?;
    /// let metadata = records[0].record().unwrap().value_schema_metadata()?.unwrap();
    /// assert_eq!(metadata.data_format(), Some("PROTOBUF"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// A [`RecordError`] naming `valueSchemaMetadata` when it is not an
    /// object of strings.
    pub fn value_schema_metadata(&self) -> Result<Option<&KafkaSchemaMetadata>, RecordError> {
        self.value_schema_metadata
            .get(RecordKey::ValueSchemaMetadata)
    }
}

/// A record's `…SchemaMetadata` field as the event pass left it, and its
/// decoded value once read.
pub(super) type Metadata<'a> = Decoded<Raw<'a>, Option<KafkaSchemaMetadata>>;

impl Metadata<'_> {
    /// The decoded metadata; `Ok(None)` when absent or null.
    ///
    /// # Errors
    ///
    /// [`RecordError::InvalidValue`] naming the field, read from `key`, when
    /// it is not an object of strings; the same error on every call.
    pub(super) fn get(&self, key: RecordKey) -> Result<Option<&KafkaSchemaMetadata>, RecordError> {
        self.get_or_decode(|text| text.decode(key.text()))
            .map(Option::as_ref)
    }
}

#[cfg(test)]
mod tests {
    use crate::source::{EventSource, Kafka};

    #[test]
    fn a_malformed_metadata_fails_only_its_reader() {
        let event = r#"{"records":{"t-0":[{"offset":1,"valueSchemaMetadata":{"schemaId":7},
            "keySchemaMetadata":[1]}]}}"#;
        let records = Kafka::parse(event).unwrap();
        let record = records[0].record().unwrap();
        let err = record.value_schema_metadata().unwrap_err();
        assert!(
            err.to_string()
                .starts_with("field `valueSchemaMetadata` is invalid: invalid type: integer `7`"),
            "{err}"
        );
        assert!(record.key_schema_metadata().is_err());
        // Read once: the same error again.
        assert_eq!(record.value_schema_metadata().unwrap_err(), err);
    }
}
