//! Why a typed record failed: its payload did not decode, or the handler said so.

use std::error::Error;
use std::fmt;

/// A record's payload does not decode into the handler's type.
///
/// The record fails without reaching the handler. The message names the
/// payload (`body`, `kinesis.data`, `dynamodb.NewImage`, `value`, ...), the
/// path of the offending field inside it, and what is wrong there.
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    payload: &'static str,
    path: String,
    message: String,
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
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "payload `{}` does not decode: ", self.payload)?;
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)
    }
}

impl Error for DecodeError {}

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
