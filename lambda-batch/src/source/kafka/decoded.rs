//! Fields the event pass keeps as the event holds them, decoded when first
//! read and kept, so that accessors lend the decoded value: the holder of
//! each, and the simplest of them, a record's key and value (base64 text
//! decoded into bytes).

use std::borrow::Cow;

use crate::error::RecordError;
use crate::source::read::field::{base64, Field};
use crate::source::read::raw::{invalid, Cached};

/// A field as the event holds it (`S`), and its decoded value (`T`) once
/// read.
#[derive(Debug, Clone, Default)]
pub(super) struct Decoded<S, T> {
    text: S,
    decoded: Cached<T>,
}

impl<S, T: Default> Decoded<S, T> {
    /// The field as the event holds it; nothing is checked yet.
    pub(super) fn new(text: S) -> Self {
        Decoded {
            text,
            decoded: Cached::default(),
        }
    }

    /// The decoded value, decoded from the field with `decode` on the
    /// first call; its error, on this and every later call.
    #[inline]
    pub(super) fn get_or_decode(
        &self,
        decode: impl FnOnce(&S) -> Result<T, RecordError>,
    ) -> Result<&T, RecordError> {
        self.decoded.get_or_decode(|| decode(&self.text))
    }

    /// The same field, its text made owned by `own`; the value decoded
    /// already (or the error found) is kept.
    pub(super) fn into_owned<O>(self, own: impl FnOnce(S) -> O) -> Decoded<O, T> {
        Decoded {
            text: own(self.text),
            decoded: self.decoded,
        }
    }
}

/// Equal when the event held the same field: whether it was read yet does
/// not matter, as the decoded value follows from the text.
impl<S: PartialEq, T> PartialEq for Decoded<S, T> {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl<S: Eq, T> Eq for Decoded<S, T> {}

/// A base64 field of a Kafka record, as the event pass left it (its text,
/// or the JSON kind found instead), and its bytes once read.
pub(super) type Encoded<'a> = Decoded<Field<Cow<'a, str>>, Option<Vec<u8>>>;

impl Encoded<'_> {
    /// The decoded bytes; `Ok(None)` when the field is absent or null.
    ///
    /// # Errors
    ///
    /// [`RecordError::WrongType`] naming `name` when the field is not a
    /// string, [`RecordError::InvalidValue`] when it is not base64. The
    /// same error on every call: the field is decoded once.
    #[inline]
    pub(super) fn bytes(&self, name: &'static str) -> Result<Option<&[u8]>, RecordError> {
        self.get_or_decode(|text| {
            text.present(name)?
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::read::field::JsonKind;

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
        let owned = field.clone().into_owned(Field::into_owned);
        drop(event);
        // Kept: the cache answers without decoding again.
        let kept = owned.get_or_decode(|_| Err(invalid("probe", "not decoded")));
        assert_eq!(kept, Ok(&Some(b"hi".to_vec())));
        assert_eq!(owned, text("aGk="));
        assert_ne!(owned, text("aGo="));
    }
}
