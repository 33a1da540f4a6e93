//! Why a typed record failed: its payload did not decode, or the handler said so.

use std::error::Error;
use std::fmt;

/// A record's payload does not decode into the handler's type.
///
/// The record fails without reaching the handler. The message names the
/// payload (`body`, `kinesis.data`, `dynamodb.NewImage`, `value`, ...), the
/// path of the offending field inside it, and what is wrong there. A JSON
/// payload that is not JSON at all (`hello`, a truncated object) says so,
/// with where its text stops being JSON, rather than name a path:
/// ``payload `body` is not JSON: expected value at line 1 column 1``.
///
/// ```
/// use lambda_batch::typed::{DecodeError, FromRecord};
/// use lambda_batch::source::{EventSource, Sqs, SqsRecord};
///
/// #[derive(Debug, serde::Deserialize)]
/// struct Order { items: Vec<Item> }
/// #[derive(Debug, serde::Deserialize)]
/// struct Item { qty: u32 }
///
/// let event = r#"{"Records":[{"messageId":"m1","body":"{\"items\":[{\"qty\":1},{\"qty\":\"two\"}]}"}]}"#;
/// let records = Sqs::parse(event)?;
/// let err: DecodeError = Order::from_record(records[0].record().unwrap()).unwrap_err();
/// assert_eq!(err.payload(), "body");
/// assert_eq!(err.path(), "items[1].qty");
/// assert_eq!(
///     err.to_string(),
///     r#"payload `body` does not decode: items[1].qty: invalid type: string "two", expected u32 at line 1 column 32"#,
/// );
/// # Ok::<(), lambda_batch::InvalidEvent>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("payload `{payload}` {kind}: {}{message}", at(.path))]
pub struct DecodeError {
    payload: &'static str,
    path: String,
    message: String,
    kind: Kind,
}

/// What kind of failure a [`DecodeError`] is, as its message says it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    /// The payload does not decode into the type.
    Decode,
    /// The payload is not JSON; with how a schema registry framed it, when
    /// one did.
    NotJson { framing: Option<String> },
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Kind::Decode => f.write_str("does not decode"),
            Kind::NotJson { framing: None } => f.write_str("is not JSON"),
            Kind::NotJson {
                framing: Some(framing),
            } => write!(f, "is not JSON ({framing})"),
        }
    }
}

/// The path of a decode error followed by `: `; nothing for the payload itself.
fn at(path: &str) -> impl fmt::Display + '_ {
    struct At<'p>(&'p str);
    impl fmt::Display for At<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            if self.0.is_empty() {
                Ok(())
            } else {
                write!(f, "{}: ", self.0)
            }
        }
    }
    At(path)
}

impl DecodeError {
    /// A decode error of `payload` at `path` (empty for the payload itself).
    ///
    /// For [`FromRecord`](super::FromRecord) implementations of your own.
    ///
    /// ```
    /// use lambda_batch::typed::DecodeError;
    ///
    /// let err = DecodeError::new("body", "", "not a CSV line");
    /// assert_eq!(err.to_string(), "payload `body` does not decode: not a CSV line");
    /// ```
    pub fn new(payload: &'static str, path: impl Into<String>, message: impl Into<String>) -> Self {
        DecodeError {
            payload,
            path: path.into(),
            message: message.into(),
            kind: Kind::Decode,
        }
    }

    /// Which payload of the record: `body`, `body.Message`, `kinesis.data`,
    /// `dynamodb.NewImage`, `dynamodb.OldImage`, `key` or `value`.
    pub fn payload(&self) -> &'static str {
        self.payload
    }

    /// Where in the payload: field names joined by `.`, list positions as
    /// `[n]`, such as `order.items[2].qty`; empty for the payload itself.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What is wrong there.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Whether the payload was to be JSON and is not, whatever the type: its
    /// text breaks JSON's syntax, ends early, or is not UTF-8. Then the
    /// [`message`](Self::message) says where, and the [`path`](Self::path)
    /// is empty. `false` for JSON that does not fit the type, and for
    /// payloads of other formats.
    ///
    /// ```
    /// use lambda_batch::typed::FromRecord;
    /// use lambda_batch::source::{EventSource, Sqs};
    ///
    /// #[derive(Debug, serde::Deserialize)]
    /// struct Order { id: u32 }
    ///
    /// let event = r#"{"Records":[{"messageId":"m1","body":"not json"},{"messageId":"m2","body":"{\"id\":\"7\"}"}]}"#;
    /// let records = Sqs::parse(event)?;
    /// let err = Order::from_record(records[0].record().unwrap()).unwrap_err();
    /// assert!(err.is_not_json());
    /// assert_eq!(err.to_string(), "payload `body` is not JSON: expected ident at line 1 column 2");
    /// let err = Order::from_record(records[1].record().unwrap()).unwrap_err();
    /// assert!(!err.is_not_json());
    /// assert!(err.to_string().starts_with("payload `body` does not decode: id: invalid type: string"), "{err}");
    /// # Ok::<(), lambda_batch::InvalidEvent>(())
    /// ```
    pub fn is_not_json(&self) -> bool {
        matches!(self.kind, Kind::NotJson { .. })
    }
}

impl DecodeError {
    /// The payload at `payload` could not be read from the record (missing,
    /// of the wrong kind, or not base64): the record error's reason, as the
    /// decode error of that payload.
    pub(crate) fn unreadable(payload: &'static str, error: crate::RecordError) -> Self {
        let message = match error {
            crate::RecordError::InvalidValue { reason, .. } => reason,
            other => other.to_string(),
        };
        DecodeError::new(payload, "", message)
    }

    /// `payload` is not JSON, as `message` (serde_json's) says where;
    /// `framing` says how a schema registry framed it, when one did.
    pub(crate) fn not_json(
        payload: &'static str,
        framing: Option<String>,
        message: impl Into<String>,
    ) -> Self {
        DecodeError {
            payload,
            path: String::new(),
            message: message.into(),
            kind: Kind::NotJson { framing },
        }
    }
}

/// The error of a [`typed`](super::typed) handler: the payload did not
/// decode (the handler was not called), or the handler returned an error.
///
/// ```
/// use lambda_batch::typed::{DecodeError, TypedError};
///
/// let decode: TypedError<std::io::Error> = TypedError::Decode(DecodeError::new("body", "id", "missing field"));
/// assert_eq!(decode.to_string(), "payload `body` does not decode: id: missing field");
/// assert!(decode.decode_error().is_some());
/// ```
#[derive(Debug)]
pub enum TypedError<E> {
    /// The payload did not decode; the handler was not called.
    Decode(DecodeError),
    /// The handler returned this error.
    Handler(E),
}

impl<E> TypedError<E> {
    /// The decode error, when the payload did not decode.
    pub fn decode_error(&self) -> Option<&DecodeError> {
        match self {
            TypedError::Decode(e) => Some(e),
            TypedError::Handler(_) => None,
        }
    }

    /// The handler's error, when the handler failed.
    pub fn handler_error(&self) -> Option<&E> {
        match self {
            TypedError::Decode(_) => None,
            TypedError::Handler(e) => Some(e),
        }
    }

    pub(crate) fn handler(error: E) -> Self {
        TypedError::Handler(error)
    }
}

impl<E: fmt::Display> fmt::Display for TypedError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypedError::Decode(e) => fmt::Display::fmt(e, f),
            // Passes `{:#}` on, so that errors such as anyhow's print their chain.
            TypedError::Handler(e) => fmt::Display::fmt(e, f),
        }
    }
}

impl<E: Error + 'static> Error for TypedError<E> {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            TypedError::Decode(e) => Some(e),
            TypedError::Handler(e) => Some(e),
        }
    }
}
