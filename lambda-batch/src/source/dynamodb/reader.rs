//! A pull reader of JSON text: the tokens of an image, read in place.
//!
//! Images come from the event text, which the event pass has checked to be
//! JSON, so the reader is small: it finds where strings end, borrows them
//! when they hold no escape, and leaves unescaping to `serde_json`. It still
//! refuses what is not JSON rather than guess, since [`from_str`] takes
//! text from anywhere.
//!
//! [`from_str`]: super::from_str

use std::borrow::Cow;

use super::error::ImageError;
use crate::source::lenient::JsonKind;

/// How deep arrays and objects may nest, as in `serde_json`.
const MAX_DEPTH: usize = 128;

/// A position in JSON text.
pub(super) struct Reader<'de> {
    text: &'de str,
    pos: usize,
    depth: usize,
}

#[cold]
fn malformed(what: &str) -> ImageError {
    ImageError::new(format!("malformed JSON: {what}"))
}

impl<'de> Reader<'de> {
    pub(super) fn new(text: &'de str) -> Self {
        Reader {
            text,
            pos: 0,
            depth: 0,
        }
    }

    /// The next byte that is not whitespace, not consumed.
    #[inline]
    pub(super) fn peek(&mut self) -> Option<u8> {
        let bytes = self.text.as_bytes();
        while let Some(&byte) = bytes.get(self.pos) {
            if !matches!(byte, b' ' | b'\n' | b'\r' | b'\t') {
                return Some(byte);
            }
            self.pos += 1;
        }
        None
    }

    /// Consumes `byte` when it comes next.
    #[inline]
    fn eat(&mut self, byte: u8) -> bool {
        if self.peek() == Some(byte) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// The kind of the next value.
    pub(super) fn kind(&mut self) -> JsonKind {
        match self.peek() {
            Some(b'{') => JsonKind::Object,
            Some(b'[') => JsonKind::Array,
            Some(b'"') => JsonKind::String,
            Some(b't' | b'f') => JsonKind::Bool,
            Some(b'n') => JsonKind::Null,
            _ => JsonKind::Number,
        }
    }

    /// Whether only whitespace is left.
    pub(super) fn at_end(&mut self) -> bool {
        self.peek().is_none()
    }

    fn open(&mut self, byte: u8) -> Result<(), ImageError> {
        if !self.eat(byte) {
            return Err(malformed("expected `{` or `[`"));
        }
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(malformed("nested too deeply"));
        }
        Ok(())
    }

    /// Consumes the `{` of an object.
    pub(super) fn begin_object(&mut self) -> Result<(), ImageError> {
        self.open(b'{')
    }

    /// Consumes the `[` of an array.
    pub(super) fn begin_array(&mut self) -> Result<(), ImageError> {
        self.open(b'[')
    }

    /// Consumes the separator before the next member of the object or array
    /// being read; `false` (with its closing `close`) when it has no more.
    #[inline]
    fn next_member(&mut self, first: &mut bool, close: u8) -> Result<bool, ImageError> {
        if self.eat(close) {
            self.depth = self.depth.saturating_sub(1);
            return Ok(false);
        }
        if !std::mem::take(first) && !self.eat(b',') {
            return Err(malformed("expected `,` between members"));
        }
        Ok(true)
    }

    /// The next key of the object being read, its `:` consumed; `None` at
    /// the end of the object.
    #[inline]
    pub(super) fn next_key(
        &mut self,
        first: &mut bool,
    ) -> Result<Option<Cow<'de, str>>, ImageError> {
        if !self.next_member(first, b'}')? {
            return Ok(None);
        }
        let key = self.string()?;
        if !self.eat(b':') {
            return Err(malformed("expected `:` after a key"));
        }
        Ok(Some(key))
    }

    /// Whether the array being read has another element.
    #[inline]
    pub(super) fn next_element(&mut self, first: &mut bool) -> Result<bool, ImageError> {
        self.next_member(first, b']')
    }

    /// Consumes the `}` that ends the object being read; `false` when
    /// something else comes next.
    pub(super) fn end_object(&mut self) -> bool {
        let ended = self.eat(b'}');
        if ended {
            self.depth = self.depth.saturating_sub(1);
        }
        ended
    }

    /// Reads a string, borrowed from the text unless it has escapes.
    #[inline]
    pub(super) fn string(&mut self) -> Result<Cow<'de, str>, ImageError> {
        let (start, end, escaped) = self.string_extent()?;
        if escaped {
            // From the opening to the closing quote: unescaped by serde_json.
            let quoted = &self.text[start - 1..=end];
            serde_json::from_str::<String>(quoted)
                .map(Cow::Owned)
                .map_err(|e| malformed(&e.to_string()))
        } else {
            Ok(Cow::Borrowed(&self.text[start..end]))
        }
    }

    /// Skips a string: where its content starts and ends, and whether it
    /// has escapes.
    #[inline]
    fn string_extent(&mut self) -> Result<(usize, usize, bool), ImageError> {
        if !self.eat(b'"') {
            return Err(malformed("expected a string"));
        }
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let mut escaped = false;
        let mut i = start;
        while let Some(&byte) = bytes.get(i) {
            match byte {
                b'"' => {
                    self.pos = i + 1;
                    return Ok((start, i, escaped));
                }
                b'\\' => {
                    escaped = true;
                    i += 2;
                }
                0..=0x1f => return Err(malformed("control character in a string")),
                _ => i += 1,
            }
        }
        Err(malformed("unterminated string"))
    }

    /// Reads `true` or `false`.
    pub(super) fn boolean(&mut self) -> Result<bool, ImageError> {
        if self.literal("true") {
            Ok(true)
        } else if self.literal("false") {
            Ok(false)
        } else {
            Err(malformed("expected a boolean"))
        }
    }

    fn literal(&mut self, word: &str) -> bool {
        self.peek();
        let found = self.text.as_bytes()[self.pos..].starts_with(word.as_bytes());
        if found {
            self.pos += word.len();
        }
        found
    }

    /// Skips one value of any kind, checking only that it is JSON.
    pub(super) fn skip(&mut self) -> Result<(), ImageError> {
        match self.peek() {
            Some(b'"') => self.string_extent().map(drop),
            Some(b'{') => {
                self.begin_object()?;
                let mut first = true;
                while self.next_member(&mut first, b'}')? {
                    self.string_extent()?;
                    if !self.eat(b':') {
                        return Err(malformed("expected `:` after a key"));
                    }
                    self.skip()?;
                }
                Ok(())
            }
            Some(b'[') => {
                self.begin_array()?;
                let mut first = true;
                while self.next_member(&mut first, b']')? {
                    self.skip()?;
                }
                Ok(())
            }
            Some(b't' | b'f') => self.boolean().map(drop),
            Some(b'n') if self.literal("null") => Ok(()),
            Some(b'-' | b'0'..=b'9') => {
                let bytes = self.text.as_bytes();
                while bytes
                    .get(self.pos)
                    .is_some_and(|b| matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
                {
                    self.pos += 1;
                }
                Ok(())
            }
            _ => Err(malformed("expected a value")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_objects_arrays_and_strings_in_place() {
        let mut r = Reader::new(
            r#" { "a" : [1, "x\"y", true, null, {"b": -2.5e3}], "c\u00e9": "plain" } "#,
        );
        r.begin_object().unwrap();
        let mut first = true;
        assert_eq!(r.next_key(&mut first).unwrap().as_deref(), Some("a"));
        r.skip().unwrap();
        let key = r.next_key(&mut first).unwrap().unwrap();
        assert!(matches!(key, Cow::Owned(ref k) if k == "c\u{e9}"));
        assert!(matches!(r.string().unwrap(), Cow::Borrowed("plain")));
        assert_eq!(r.next_key(&mut first).unwrap(), None);
        assert!(r.at_end());
    }

    #[test]
    fn refuses_what_is_not_json() {
        for bad in [r#""open"#, r#"{"a" 1}"#, "[1 2]", "nul", "\"a\u{1}\"", "}"] {
            assert!(Reader::new(bad).skip().is_err(), "{bad}");
        }
        let deep = "[".repeat(200) + &"]".repeat(200);
        let err = Reader::new(&deep).skip().unwrap_err();
        assert_eq!(err.message(), "malformed JSON: nested too deeply");
    }
}
