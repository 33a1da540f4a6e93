//! Decoding a record's payload: the [`FromRecord`] trait and JSON decoding
//! that names the path of a field that does not fit.

use serde::de::value::{Error as TextError, StrDeserializer};
use serde::de::{DeserializeOwned, IntoDeserializer as _};

use super::DecodeError;
use crate::source::{KafkaRecord, KinesisRecord, SqsRecord};

/// A type a record's payload decodes into.
///
/// Implemented for every `T: DeserializeOwned` on the JSON payload of
/// [`SqsRecord`] (`body`), [`KinesisRecord`] (`kinesis.data`, after base64)
/// and [`KafkaRecord`] (`value`, after base64 and any schema registry frame;
/// a record without a value reads as JSON `null`), and for the payload types of this module:
/// [`Images`](super::Images) for DynamoDB, [`Keyed`](super::Keyed) and the
/// [`kafka`](super::kafka) payload types (Avro, Protocol Buffers) for Kafka, and the [`envelope`](super::envelope)s. Implement it for payloads of
/// your own (such as CSV or Protocol Buffers).
///
/// ```
/// use lambda_batch::typed::{DecodeError, FromRecord};
/// use lambda_batch::source::{EventSource, Sqs, SqsRecord};
///
/// /// A payload of `name,qty` text.
/// struct Line { name: String, qty: u32 }
///
/// impl FromRecord<SqsRecord<'_>> for Line {
///     fn from_record(record: &SqsRecord<'_>) -> Result<Self, DecodeError> {
///         let (name, qty) = record.body().split_once(',')
///             .ok_or_else(|| DecodeError::new("body", "", "expected `name,qty`"))?;
///         let qty = qty.parse().map_err(|e| DecodeError::new("body", "qty", format!("{e}")))?;
///         Ok(Line { name: name.to_owned(), qty })
///     }
/// }
///
/// let records = Sqs::parse(r#"{"Records":[{"messageId":"m","body":"pen,3"}]}"#)?;
/// let line = Line::from_record(records[0].record().unwrap()).unwrap();
/// assert_eq!((line.name.as_str(), line.qty), ("pen", 3));
/// # Ok::<(), lambda_batch::InvalidEvent>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "a record of type `{R}` cannot be decoded into `{Self}`",
    label = "not a payload type of this source",
    note = "SQS, Kinesis and Kafka payloads decode into any `T: serde::de::DeserializeOwned` (derive `serde::Deserialize`, without borrowed fields)",
    note = "DynamoDB images decode into `lambda_batch::typed::Images<T>`"
)]
pub trait FromRecord<R>: Sized {
    /// Decodes the payload of `record`.
    ///
    /// # Errors
    ///
    /// [`DecodeError`] naming the payload and the path of the field that
    /// does not fit.
    fn from_record(record: &R) -> Result<Self, DecodeError>;
}

impl<T: DeserializeOwned> FromRecord<SqsRecord<'_>> for T {
    fn from_record(record: &SqsRecord<'_>) -> Result<Self, DecodeError> {
        json_text(record.body(), "body")
    }
}

impl<T: DeserializeOwned> FromRecord<KinesisRecord<'_>> for T {
    fn from_record(record: &KinesisRecord<'_>) -> Result<Self, DecodeError> {
        let data = record
            .data()
            .map_err(|e| DecodeError::unreadable("kinesis.data", e))?;
        json_bytes(data, "kinesis.data")
    }
}

impl<T: DeserializeOwned> FromRecord<KafkaRecord<'_>> for T {
    fn from_record(record: &KafkaRecord<'_>) -> Result<Self, DecodeError> {
        <T as super::kafka::KafkaPayload>::from_part(record, super::kafka::Part::Value)
    }
}

/// Decodes JSON `text` into `T`, straight from the text: no intermediate
/// value, and strings are copied only into `T`'s own fields.
///
/// The first attempt is plain `serde_json`; only a payload that fails is
/// read a second time, tracking the path, to name the field that does not
/// fit. Records that decode pay nothing for the path.
pub(crate) fn json_text<T: DeserializeOwned>(
    text: &str,
    payload: &'static str,
) -> Result<T, DecodeError> {
    serde_json::from_str(text)
        .map_err(|error| locate::<_, T>(serde_json::Deserializer::from_str(text), error, payload))
}

/// [`json_text`] of bytes (which must be UTF-8 JSON).
pub(crate) fn json_bytes<T: DeserializeOwned>(
    bytes: &[u8],
    payload: &'static str,
) -> Result<T, DecodeError> {
    serde_json::from_slice(bytes).map_err(|error| {
        locate::<_, T>(serde_json::Deserializer::from_slice(bytes), error, payload)
    })
}

/// Decodes `bytes` as JSON or, when that fails, as plain text (so that a
/// `String` takes `order-17` as it is); the JSON error when neither fits.
pub(crate) fn json_or_text<T: DeserializeOwned>(
    bytes: &[u8],
    payload: &'static str,
) -> Result<T, DecodeError> {
    json_bytes(bytes, payload).or_else(|json_error| {
        let text = std::str::from_utf8(bytes).map_err(|_| json_error.clone())?;
        let text: StrDeserializer<'_, TextError> = text.into_deserializer();
        T::deserialize(text).map_err(|_| json_error)
    })
}

/// Reads the payload again with path tracking and returns where it fails.
#[cold]
fn locate<'de, R, T>(
    mut de: serde_json::Deserializer<R>,
    first: serde_json::Error,
    payload: &'static str,
) -> DecodeError
where
    R: serde_json::de::Read<'de>,
    T: DeserializeOwned,
{
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Err(error) => {
            let path = error.path().to_string();
            // The path of the payload itself is written `.`, and `?` where
            // the payload ends before its first value.
            let path = if path == "." || path == "?" {
                String::new()
            } else {
                path
            };
            DecodeError::new(payload, path, error.into_inner().to_string())
        }
        // Only trailing characters are left to fail on.
        Ok(_) => DecodeError::new(payload, "", first.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Order {
        order: Inner,
    }
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        items: Vec<Item>,
    }
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Item {
        qty: u32,
    }

    #[test]
    fn names_the_path_of_a_nested_field() {
        let text = r#"{"order":{"items":[{"qty":1},{"qty":2},{"qty":"x"}]}}"#;
        let err = json_text::<Order>(text, "body").unwrap_err();
        assert_eq!(err.path(), "order.items[2].qty");
        assert!(
            err.message().starts_with("invalid type: string \"x\""),
            "{err}"
        );
        let err = json_bytes::<Order>(text.as_bytes(), "value").unwrap_err();
        assert_eq!((err.payload(), err.path()), ("value", "order.items[2].qty"));
    }

    #[test]
    fn syntax_errors_and_trailing_text_fail() {
        let err = json_text::<Order>("{", "body").unwrap_err();
        assert!(err.message().contains("EOF"), "{err}");
        // Not `?: EOF ...`: an unknown position is no path.
        assert_eq!(err.path(), "");
        let err = json_text::<u32>("1 2", "body").unwrap_err();
        assert_eq!(err.path(), "");
        assert!(err.message().contains("trailing characters"), "{err}");
        let err = json_bytes::<String>(b"\"\xff\"", "kinesis.data").unwrap_err();
        assert!(err.message().contains("unicode"), "{err}");
    }

    #[test]
    fn missing_fields_name_their_parent() {
        let err = json_text::<Order>(r#"{"order":{}}"#, "body").unwrap_err();
        assert_eq!(err.path(), "order");
        assert!(err.message().starts_with("missing field `items`"), "{err}");
    }
}
