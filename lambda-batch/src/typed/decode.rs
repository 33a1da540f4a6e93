//! Decoding a record's payload: the [`FromRecord`] trait and JSON decoding
//! that names the path of a field that does not fit, or says that the
//! payload is not JSON.

use serde::de::value::{Error as TextError, StrDeserializer};
use serde::de::{DeserializeOwned, IgnoredAny, IntoDeserializer as _};

use super::DecodeError;
use crate::source::{KinesisRecord, SqsRecord};

/// A type a record's payload decodes into.
///
/// Implemented for every `T: DeserializeOwned` on the JSON payload of
/// [`SqsRecord`] (`body`), [`KinesisRecord`] (`kinesis.data`, after base64)
/// and [`KafkaRecord`](crate::source::KafkaRecord) (`value`, after base64 and any schema registry frame;
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

/// Decodes JSON `text` into `T`, straight from the text: no intermediate
/// value, and strings are copied only into `T`'s own fields.
///
/// The first attempt is plain `serde_json`; only a payload that fails is
/// read again: for JSON's syntax alone, to say when it is not JSON, then
/// tracking the path, to name the field that does not fit. Records that
/// decode pay for neither.
pub(crate) fn json_text<T: DeserializeOwned>(
    text: &str,
    payload: &'static str,
) -> Result<T, DecodeError> {
    serde_json::from_str(text).map_err(|error| match not_json(text.as_bytes()) {
        Some(why) => DecodeError::not_json(payload, None, why),
        None => locate::<_, T>(serde_json::Deserializer::from_str(text), error, payload),
    })
}

/// [`json_text`] of bytes (which must be UTF-8 JSON).
pub(crate) fn json_bytes<T: DeserializeOwned>(
    bytes: &[u8],
    payload: &'static str,
) -> Result<T, DecodeError> {
    serde_json::from_slice(bytes).map_err(|error| match not_json(bytes) {
        Some(why) => DecodeError::not_json(payload, None, why),
        None => locate::<_, T>(serde_json::Deserializer::from_slice(bytes), error, payload),
    })
}

/// Why `bytes`, which serde_json failed to decode into a type, are not JSON
/// at all: where JSON's syntax breaks (or the text ends early), or that
/// they are not UTF-8. `None` when they are JSON, which then does not fit
/// the type.
///
/// Told by a pass that reads JSON's syntax alone (no type, no depth
/// limit), whatever the typed pass said: a type can fail on a value before
/// the text breaks (`[` where it wants a map), and serde_json files under
/// syntax errors some JSON it refuses for the type's sake (a number out of
/// the type's range, nesting deeper than its recursion limit, a map key
/// that is not a number).
#[cold]
fn not_json(bytes: &[u8]) -> Option<String> {
    if let Err(syntax) = serde_json::from_slice::<IgnoredAny>(bytes) {
        return Some(syntax.to_string());
    }
    // That pass does not check strings for UTF-8.
    let utf8 = std::str::from_utf8(bytes).err()?;
    Some(format!("not UTF-8: {utf8}"))
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
        assert!(err.message().contains("UTF-8"), "{err}");
    }

    #[test]
    fn a_payload_that_is_not_json_says_so() {
        let err = json_text::<Order>("not json", "body").unwrap_err();
        assert_eq!(
            err.to_string(),
            "payload `body` is not JSON: expected ident at line 1 column 2"
        );
        assert!(err.is_not_json());
        assert_eq!(err.path(), "");
        let err = json_bytes::<String>(b"hello", "kinesis.data").unwrap_err();
        assert_eq!(
            err.to_string(),
            "payload `kinesis.data` is not JSON: expected value at line 1 column 1"
        );
        // Cut short, broken inside, followed by more text, or not UTF-8.
        for (bytes, message) in [
            (&b""[..], "EOF while parsing a value at line 1 column 0"),
            (
                b"{\"order\":",
                "EOF while parsing a value at line 1 column 9",
            ),
            (
                b"{\"order\":{\"items\":[{\"qty\":1 2}]}}",
                "expected `,` or `}` at line 1 column 29",
            ),
            (b"{} {}", "trailing characters at line 1 column 4"),
            (
                b"{\"order\":\"\xff\"}",
                "not UTF-8: invalid utf-8 sequence of 1 bytes from index 10",
            ),
        ] {
            let err = json_bytes::<Order>(bytes, "value").unwrap_err();
            assert!(err.is_not_json(), "{err}");
            assert_eq!(
                err.to_string(),
                format!("payload `value` is not JSON: {message}")
            );
        }
        // Not JSON, whatever the type meets first: a list where it wants a
        // map, a string not UTF-8 it does not read.
        let err = json_bytes::<Order>(b"[1, 2", "value").unwrap_err();
        assert_eq!(
            err.to_string(),
            "payload `value` is not JSON: EOF while parsing a list at line 1 column 5"
        );
        let err = json_bytes::<Order>(b"{\"order\":7,\"x\":\"\xff\"}", "value").unwrap_err();
        assert_eq!(
            err.to_string(),
            "payload `value` is not JSON: not UTF-8: invalid utf-8 sequence of 1 bytes from index 16"
        );
    }

    #[test]
    fn json_that_serde_json_refuses_for_the_type_still_does_not_decode() {
        // serde_json files these under syntax errors, yet the text is JSON.
        let err = json_text::<f64>("1e999", "body").unwrap_err();
        assert!(!err.is_not_json(), "{err}");
        assert!(
            err.to_string()
                .starts_with("payload `body` does not decode: number out of range"),
            "{err}"
        );
        let err =
            json_text::<std::collections::HashMap<u32, u32>>(r#"{"a":1}"#, "body").unwrap_err();
        assert!(!err.is_not_json(), "{err}");
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        let err = json_text::<serde_json::Value>(&deep, "body").unwrap_err();
        assert!(!err.is_not_json(), "{err}");
        assert!(err.message().contains("recursion limit"), "{err}");
        // A data error keeps its path.
        let err = json_text::<Order>(r#"{"order":{"items":[{"qty":-1}]}}"#, "body").unwrap_err();
        assert!(!err.is_not_json());
        assert_eq!(err.path(), "order.items[0].qty");
    }

    #[test]
    fn missing_fields_name_their_parent() {
        let err = json_text::<Order>(r#"{"order":{}}"#, "body").unwrap_err();
        assert_eq!(err.path(), "order");
        assert!(err.message().starts_with("missing field `items`"), "{err}");
    }
}
