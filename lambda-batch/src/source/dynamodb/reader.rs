//! A pull reader of JSON text: the tokens of an image, read in place.
//!
//! Images come from the event text, which the event pass has checked to be
//! JSON, so the reader is small: it finds where strings end, borrows them
//! when they hold no escape, and leaves unescaping to `serde_json`. It still
//! refuses what is not JSON rather than guess, since [`from_str`] takes
//! text from anywhere: only a reader made with [`Reader::of_json`], over
//! text `serde_json` has read whole, skips values without checking their
//! syntax again. Either way it is total: no text makes it panic.
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
    /// Whether the text is known to be one JSON value.
    json: bool,
}

#[cold]
fn malformed(what: &str) -> ImageError {
    ImageError::new(format!("malformed JSON: {what}"))
}

impl<'de> Reader<'de> {
    /// A reader of any text, refusing what is not JSON.
    pub(super) fn new(text: &'de str) -> Self {
        Reader {
            text,
            pos: 0,
            depth: 0,
            json: false,
        }
    }

    /// A reader of text that `serde_json` has read as one JSON value (the
    /// text of a raw value of the event), whose syntax it need not check
    /// again: values are skipped by counting brackets. It accepts and
    /// refuses what [`Reader::new`] does on such text, nesting deeper
    /// than [`MAX_DEPTH`] included.
    pub(super) fn of_json(text: &'de str) -> Self {
        Reader {
            json: true,
            ..Reader::new(text)
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

    /// How far the text has been read.
    #[cfg(test)]
    pub(super) fn position(&self) -> usize {
        self.pos
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
        loop {
            i = scan::to_stop(bytes, i);
            match bytes.get(i) {
                Some(b'"') => {
                    self.pos = i + 1;
                    return Ok((start, i, escaped));
                }
                Some(b'\\') => {
                    escaped = true;
                    i += 2;
                }
                Some(_) => return Err(malformed("control character in a string")),
                None => return Err(malformed("unterminated string")),
            }
        }
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

    /// Consumes a key and its `:`, unread: what follows a `{` or a `,` in
    /// an object being skipped.
    #[inline]
    fn skip_key(&mut self) -> Result<(), ImageError> {
        self.string_extent()?;
        if self.eat(b':') {
            Ok(())
        } else {
            Err(malformed("expected `:` after a key"))
        }
    }

    /// Skips one value of any kind, checking only that it is JSON.
    ///
    /// One loop over the value's tokens, the containers it is inside of
    /// kept as bits (set for an object), since no more than [`MAX_DEPTH`]
    /// can be open: it accepts and refuses what a recursive descent would,
    /// with the same messages.
    pub(super) fn skip(&mut self) -> Result<(), ImageError> {
        if self.json && matches!(self.peek(), Some(b'{' | b'[')) {
            return self.skip_container();
        }
        let mut objects: u128 = 0;
        let mut open = 0usize;
        loop {
            // A value.
            match self.peek() {
                Some(b'"') => {
                    self.string_extent()?;
                }
                Some(b'{') => {
                    self.open(b'{')?;
                    if !self.end_object() {
                        objects = objects << 1 | 1;
                        open += 1;
                        self.skip_key()?;
                        continue;
                    }
                }
                Some(b'[') => {
                    self.open(b'[')?;
                    if self.eat(b']') {
                        self.depth = self.depth.saturating_sub(1);
                    } else {
                        objects <<= 1;
                        open += 1;
                        continue;
                    }
                }
                Some(b't' | b'f') => {
                    self.boolean()?;
                }
                Some(b'n') if self.literal("null") => {}
                Some(b'-' | b'0'..=b'9') => {
                    let bytes = self.text.as_bytes();
                    while bytes.get(self.pos).is_some_and(|b| {
                        matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')
                    }) {
                        self.pos += 1;
                    }
                }
                _ => return Err(malformed("expected a value")),
            }
            // After a value: close the containers that end, up to the next
            // member or the end of the value skipped.
            loop {
                if open == 0 {
                    return Ok(());
                }
                let in_object = objects & 1 == 1;
                match self.peek() {
                    Some(b',') => {
                        self.pos += 1;
                        if in_object {
                            self.skip_key()?;
                        }
                        break;
                    }
                    Some(b'}') if in_object => {}
                    Some(b']') if !in_object => {}
                    _ => return Err(malformed("expected `,` between members")),
                }
                self.pos += 1;
                self.depth = self.depth.saturating_sub(1);
                objects >>= 1;
                open -= 1;
            }
        }
    }
}

impl Reader<'_> {
    /// Skips the object or array that comes next in text known to be JSON:
    /// its brackets counted outside strings, nothing else looked at.
    fn skip_container(&mut self) -> Result<(), ImageError> {
        let bytes = self.text.as_bytes();
        let mut i = self.pos;
        let mut open = 0usize;
        while let Some(&byte) = bytes.get(i) {
            i += 1;
            match byte {
                b'"' => loop {
                    i = scan::to_stop(bytes, i);
                    match bytes.get(i) {
                        Some(b'"') => {
                            i += 1;
                            break;
                        }
                        // An escape, or (not in JSON) a control character.
                        Some(b'\\') => i += 2,
                        Some(_) => i += 1,
                        None => break,
                    }
                },
                b'{' | b'[' => {
                    open += 1;
                    if self.depth + open > MAX_DEPTH {
                        return Err(malformed("nested too deeply"));
                    }
                }
                b'}' | b']' => {
                    open = open.saturating_sub(1);
                    if open == 0 {
                        self.pos = i;
                        return Ok(());
                    }
                }
                _ => {}
            }
        }
        Err(malformed("unterminated value"))
    }
}

/// Finding where a string's plain text ends, eight bytes at a time.
mod scan {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;

    /// The high bit of each byte of `word` that is `"`, `\` or a control
    /// character; bytes after the first such may be marked wrongly, the
    /// first never is.
    #[inline(always)]
    fn stops(word: u64) -> u64 {
        let quote = word ^ (ONES * u64::from(b'"'));
        let backslash = word ^ (ONES * u64::from(b'\\'));
        let control = word.wrapping_sub(ONES * 0x20) & !word;
        let quote = quote.wrapping_sub(ONES) & !quote;
        let backslash = backslash.wrapping_sub(ONES) & !backslash;
        (control | quote | backslash) & HIGHS
    }

    /// The index of the first `"`, `\` or control character in `bytes`
    /// from `from`; `bytes.len()` when there is none.
    #[inline]
    pub(super) fn to_stop(bytes: &[u8], from: usize) -> usize {
        let mut i = from;
        while let Some(chunk) = bytes.get(i..).and_then(<[u8]>::first_chunk::<8>) {
            let found = stops(u64::from_le_bytes(*chunk));
            if found != 0 {
                return i + (found.trailing_zeros() / 8) as usize;
            }
            i += 8;
        }
        while let Some(&byte) = bytes.get(i) {
            if matches!(byte, b'"' | b'\\' | 0..=0x1f) {
                return i;
            }
            i += 1;
        }
        i.min(bytes.len())
    }
}
