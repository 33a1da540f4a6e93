//! A record's key or value: base64 text kept from the event, decoded into
//! bytes when first read.

use std::borrow::Cow;

use crate::error::RecordError;
use crate::source::lazy::{invalid, Cached};
use crate::source::lenient::{base64, Field};

/// A base64 field of a Kafka record, as the event pass left it (its text,
/// or the JSON kind found instead), and its bytes once read.
#[derive(Debug, Clone, Default)]
pub(super) struct Encoded<'a> {
    text: Field<Cow<'a, str>>,
    bytes: Cached<Option<Vec<u8>>>,
}

impl<'a> Encoded<'a> {
    /// The field as the event holds it; nothing is checked yet.
    pub(super) fn new(text: Field<Cow<'a, str>>) -> Self {
        Encoded {
            text,
            bytes: Cached::default(),
        }
    }

    /// The decoded bytes; `Ok(None)` when the field is absent or null.
    ///
    /// # Errors
    ///
    /// [`RecordError::WrongType`] naming `name` when the field is not a
    /// string, [`RecordError::InvalidValue`] when it is not base64. The
    /// same error on every call: the field is decoded once.
    #[inline]
    pub(super) fn bytes(&self, name: &'static str) -> Result<Option<&[u8]>, RecordError> {
        self.bytes
            .get_or_decode(|| {
                self.text
                    .present(name)?
                    .map(|text| base64(text, name))
                    .transpose()
            })
            .map(Option::as_deref)
    }

    /// The decoded bytes as UTF-8 text; `Ok(None)` when absent or null.
    ///
    /// # Errors
    ///
    /// As [`bytes`](Self::bytes), and [`RecordError::InvalidValue`] naming
    /// `name` when the bytes are not UTF-8.
    pub(super) fn text(&self, name: &'static str) -> Result<Option<&str>, RecordError> {
        self.bytes(name)?
            .map(|bytes| {
                std::str::from_utf8(bytes)
                    .map_err(|e| invalid(name, format!("the decoded bytes are not UTF-8 ({e})")))
            })
            .transpose()
    }

    /// The same field, no longer borrowing from the event; bytes decoded
    /// already (or the error found) are kept.
    pub(super) fn into_owned(self) -> Encoded<'static> {
        Encoded {
            text: self.text.into_owned(),
            bytes: self.bytes,
        }
    }
}

/// Equal when the event held the same field: whether it was read yet does
/// not matter, as the bytes follow from the text.
impl PartialEq for Encoded<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for Encoded<'_> {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::lenient::JsonKind;

    fn text(value: &str) -> Encoded<'_> {
        Encoded::new(Field::Value(Cow::Borrowed(value)))
    }

    #[test]
    fn decodes_on_read_and_keeps_the_result() {
        let field = text("aGk=");
        assert_eq!(field.bytes("value"), Ok(Some(&b"hi"[..])));
        assert_eq!(field.text("value"), Ok(Some("hi")));
        // The second read hands out the same decoded bytes.
        let first = field.bytes("value").unwrap().unwrap().as_ptr();
        assert_eq!(field.bytes("value").unwrap().unwrap().as_ptr(), first);
        assert_eq!(Encoded::new(Field::Null).bytes("key"), Ok(None));
        assert_eq!(Encoded::default().text("key"), Ok(None));
    }

    #[test]
    fn errors_name_the_field() {
        let err = text("%%%").bytes("value").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("field `value` is invalid: not valid base64"),
            "{err}"
        );
        let err = Encoded::new(Field::Wrong(JsonKind::Number))
            .bytes("key")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "field `key` is a number, expected a string"
        );
        // 0xff is never UTF-8.
        let err = text("/w==").text("key").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("field `key` is invalid: the decoded bytes are not UTF-8"),
            "{err}"
        );
        assert_eq!(text("/w==").bytes("key"), Ok(Some(&[0xff][..])));
    }

    #[test]
    fn owned_copies_keep_what_was_decoded_and_compare_by_text() {
        let event = String::from("aGk=");
        let field = Encoded::new(Field::Value(Cow::Borrowed(event.as_str())));
        assert!(field.bytes("value").is_ok());
        let owned = field.clone().into_owned();
        drop(event);
        // Kept: the cache answers without decoding again.
        let kept = owned
            .bytes
            .get_or_decode(|| Err(invalid("probe", "not decoded")));
        assert_eq!(kept, Ok(&Some(b"hi".to_vec())));
        assert_eq!(owned, text("aGk="));
        assert_ne!(owned, text("aGo="));
    }
}
