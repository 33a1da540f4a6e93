//! A Kafka record's key decoded along with its value.

#[cfg(doc)]
use super::Json;
use super::{KafkaPayload, Part};
use crate::source::KafkaRecord;
use crate::typed::{DecodeError, FromRecord};

/// A Kafka record's key and value, decoded into `K` and `V`.
///
/// `K` and `V` are any [`KafkaPayload`]: a `T: DeserializeOwned` read as
/// JSON, or [`Avro<T>`] (feature `avro`), [`Protobuf<T>`] (feature
/// `protobuf`), [`Json<T>`]. The key is `None` when the record has none. A
/// JSON value of a record without one reads as `null`, so `V = Option<..>`
/// takes tombstones. A JSON key is read as JSON, or, when that fails, as plain
/// text: keys are most often plain text, so `K = String` takes `order-17`
/// as it is, and `"order-17"` (JSON) unquoted.
///
/// ```
/// use lambda_batch::typed::{FromRecord, Keyed};
/// use lambda_batch::source::{EventSource, Kafka};
///
/// #[derive(serde::Deserialize)]
/// struct Order { id: u32 }
///
/// // key "order-1" (text), value {"id":1}
/// let event = r#"{"records":{"orders-0":[{"offset":1,"key":"b3JkZXItMQ==","value":"eyJpZCI6MX0="}]}}"#;
/// let records = Kafka::parse(event)?;
/// let keyed = Keyed::<String, Order>::from_record(records[0].record().unwrap()).unwrap();
/// assert_eq!(keyed.key.as_deref(), Some("order-1"));
/// assert_eq!(keyed.value.id, 1);
/// # Ok::<(), lambda_batch::InvalidEvent>(())
/// ```
///
// A payload type of a feature that is off links to the module's table.
#[cfg_attr(feature = "avro", doc = "[`Avro<T>`]: super::Avro")]
#[cfg_attr(not(feature = "avro"), doc = "[`Avro<T>`]: super")]
#[cfg_attr(feature = "protobuf", doc = "[`Protobuf<T>`]: super::Protobuf")]
#[cfg_attr(not(feature = "protobuf"), doc = "[`Protobuf<T>`]: super")]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Keyed<K, V> {
    /// The record's key; `None` when it has none.
    pub key: Option<K>,
    /// The record's value.
    pub value: V,
}

impl<K: KafkaPayload, V: KafkaPayload> FromRecord<KafkaRecord<'_>> for Keyed<K, V> {
    fn from_record(record: &KafkaRecord<'_>) -> Result<Self, DecodeError> {
        let key = match Part::Key.bytes(record)? {
            Some(_) => Some(K::from_part(record, Part::Key)?),
            None => None,
        };
        let value = V::from_part(record, Part::Value)?;
        Ok(Keyed { key, value })
    }
}

#[cfg(test)]
mod tests {
    use serde::de::DeserializeOwned;

    use super::*;
    use crate::source::{EventSource, Kafka};

    fn record_with_key(key: &str) -> String {
        use base64::Engine as _;
        let key = base64::engine::general_purpose::STANDARD.encode(key);
        format!(r#"{{"records":{{"t-0":[{{"offset":1,"key":"{key}","value":"bnVsbA=="}}]}}}}"#)
    }

    fn decode<K: DeserializeOwned>(key: &str) -> Result<Option<K>, DecodeError> {
        let event = record_with_key(key);
        let records = Kafka::parse(&event).unwrap();
        Keyed::<K, ()>::from_record(records[0].record().unwrap()).map(|k| k.key)
    }

    #[test]
    fn keys_are_json_or_text() {
        assert_eq!(
            decode::<String>("order-1").unwrap().as_deref(),
            Some("order-1")
        );
        assert_eq!(
            decode::<String>("\"quoted\"").unwrap().as_deref(),
            Some("quoted")
        );
        assert_eq!(decode::<String>("123").unwrap().as_deref(), Some("123"));
        assert_eq!(decode::<u64>("123").unwrap(), Some(123));
        let err = decode::<u64>("order-1").unwrap_err();
        assert_eq!(err.payload(), "key");
        assert!(err.message().starts_with("expected value"), "{err}");
    }

    #[test]
    fn keys_and_values_that_are_not_base64_are_decode_errors() {
        let event = r#"{"records":{"t-0":[{"offset":1,"key":"*","value":"bnVsbA=="},
            {"offset":2,"key":"a2V5","value":"%%"},{"offset":3,"key":7,"value":"bnVsbA=="}]}}"#;
        let records = Kafka::parse(event).unwrap();
        let decode = |i: usize| Keyed::<String, ()>::from_record(records[i].record().unwrap());
        let err = decode(0).unwrap_err();
        assert_eq!((err.payload(), err.path()), ("key", ""));
        assert!(err.message().starts_with("not valid base64"), "{err}");
        let err = decode(1).unwrap_err();
        assert_eq!(err.payload(), "value");
        assert!(
            err.to_string()
                .starts_with("payload `value` does not decode: not valid base64"),
            "{err}"
        );
        let err = <()>::from_record(records[1].record().unwrap()).unwrap_err();
        assert_eq!(err.payload(), "value");
        let err = decode(2).unwrap_err();
        assert_eq!(
            err.to_string(),
            "payload `key` does not decode: field `key` is a number, expected a string"
        );
    }

    #[test]
    fn no_key_is_none() {
        let event = r#"{"records":{"t-0":[{"offset":1,"value":"bnVsbA=="}]}}"#;
        let records = Kafka::parse(event).unwrap();
        let keyed =
            Keyed::<String, Option<u32>>::from_record(records[0].record().unwrap()).unwrap();
        assert_eq!((keyed.key, keyed.value), (None, None));
    }
}
