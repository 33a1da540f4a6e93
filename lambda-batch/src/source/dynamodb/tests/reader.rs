//! The JSON reader: tokens in place, and the one-loop skip checked against
//! a plain recursive descent on valid, mutated and arbitrary text.

use std::borrow::Cow;

use proptest::prelude::*;

use super::super::reader::Reader;

#[test]
fn reads_objects_arrays_and_strings_in_place() {
    let mut r =
        Reader::new(r#" { "a" : [1, "x\"y", true, null, {"b": -2.5e3}], "c\u00e9": "plain" } "#);
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

#[test]
fn strings_end_at_their_quote_in_any_word_position() {
    // Quotes, escapes and control characters at every offset of an
    // eight-byte word, and multi-byte characters around them.
    for len in 0..24 {
        for stop in ["\\\"", "\\\\", "\u{1}", "é", "\u{7f}"] {
            let text = format!("\"{}{stop}{}\" 1", "a".repeat(len), "b".repeat(len % 9));
            assert_eq!(skip_result(&text), oracle_result(&text), "{text:?}");
            let object = format!("[{text}]");
            if is_json(&object) {
                assert_eq!(
                    json_skip_result(&object),
                    oracle_result(&object),
                    "{object:?}"
                );
            }
        }
    }
}

/// What skipping the first value of `text` gives: where it stopped, or the
/// message, and whether only whitespace is left.
fn skip_result(text: &str) -> Result<(usize, bool), String> {
    skipped(Reader::new(text))
}

/// The same with the reader of text known to be JSON; on any other text,
/// only that it does not panic matters.
fn json_skip_result(text: &str) -> Result<(usize, bool), String> {
    skipped(Reader::of_json(text))
}

/// Whether `serde_json` reads `text` as one value, as it does an event's raw values.
fn is_json(text: &str) -> bool {
    serde_json::from_str::<&serde_json::value::RawValue>(text).is_ok()
}

fn skipped(mut r: Reader<'_>) -> Result<(usize, bool), String> {
    match r.skip() {
        Ok(()) => Ok((r.position(), r.at_end())),
        Err(e) => Err(e.message().to_owned()),
    }
}

fn oracle_result(text: &str) -> Result<(usize, bool), String> {
    let mut o = Oracle {
        text,
        pos: 0,
        depth: 0,
    };
    match o.skip() {
        Ok(()) => {
            let pos = o.pos;
            o.peek();
            Ok((pos, o.pos == text.len()))
        }
        Err(e) => Err(format!("malformed JSON: {e}")),
    }
}

/// The skip as a recursive descent, as the reader once had it: the
/// reference for what is accepted and refused, and with which message.
struct Oracle<'a> {
    text: &'a str,
    pos: usize,
    depth: usize,
}

impl Oracle<'_> {
    fn peek(&mut self) -> Option<u8> {
        let bytes = self.text.as_bytes();
        while let Some(&b) = bytes.get(self.pos) {
            if !matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
                return Some(b);
            }
            self.pos += 1;
        }
        None
    }

    fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        self.pos += usize::from(found);
        found
    }

    fn open(&mut self) -> Result<(), &'static str> {
        self.pos += 1;
        self.depth += 1;
        if self.depth > 128 {
            return Err("nested too deeply");
        }
        Ok(())
    }

    fn member(&mut self, first: &mut bool, close: u8) -> Result<bool, &'static str> {
        if self.eat(close) {
            self.depth -= 1;
            return Ok(false);
        }
        if !std::mem::take(first) && !self.eat(b',') {
            return Err("expected `,` between members");
        }
        Ok(true)
    }

    fn string(&mut self) -> Result<(), &'static str> {
        if !self.eat(b'"') {
            return Err("expected a string");
        }
        let bytes = self.text.as_bytes();
        let mut i = self.pos;
        while let Some(&b) = bytes.get(i) {
            match b {
                b'"' => {
                    self.pos = i + 1;
                    return Ok(());
                }
                b'\\' => i += 2,
                0..=0x1f => return Err("control character in a string"),
                _ => i += 1,
            }
        }
        Err("unterminated string")
    }

    fn literal(&mut self, word: &str) -> bool {
        let found = self.text.as_bytes()[self.pos..].starts_with(word.as_bytes());
        self.pos += if found { word.len() } else { 0 };
        found
    }

    fn skip(&mut self) -> Result<(), &'static str> {
        match self.peek() {
            Some(b'"') => self.string(),
            Some(b'{') => {
                self.open()?;
                let mut first = true;
                while self.member(&mut first, b'}')? {
                    self.string()?;
                    if !self.eat(b':') {
                        return Err("expected `:` after a key");
                    }
                    self.skip()?;
                }
                Ok(())
            }
            Some(b'[') => {
                self.open()?;
                let mut first = true;
                while self.member(&mut first, b']')? {
                    self.skip()?;
                }
                Ok(())
            }
            Some(b't' | b'f') if self.literal("true") || self.literal("false") => Ok(()),
            Some(b't' | b'f') => Err("expected a boolean"),
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
            _ => Err("expected a value"),
        }
    }
}

/// Any JSON value, nested a few levels, with strings that need escapes.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(serde_json::Value::from),
        ".{0,20}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(serde_json::Value::from),
            prop::collection::btree_map(".{0,10}", inner, 0..8)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Bytes that steer a scanner: JSON's punctuation, quotes, escapes.
fn json_bytes() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(
            &[
                "{",
                "}",
                "[",
                "]",
                ",",
                ":",
                "\"",
                "\\",
                " ",
                "\n",
                "1",
                "-",
                "e",
                "true",
                "false",
                "null",
                "nul",
                "a",
                "é",
                "\u{1}",
                "\"k\":",
                "\"v\"",
                "{\"S\":\"x\"}",
            ][..],
        ),
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #[test]
    fn valid_json_is_skipped_whole(value in json_value(), pretty in any::<bool>()) {
        let text = if pretty {
            serde_json::to_string_pretty(&value).unwrap()
        } else {
            serde_json::to_string(&value).unwrap()
        };
        prop_assert_eq!(skip_result(&text), Ok((text.len(), true)));
        prop_assert_eq!(skip_result(&text), oracle_result(&text));
        prop_assert_eq!(json_skip_result(&text), oracle_result(&text));
    }

    #[test]
    fn mutated_json_is_judged_as_by_recursive_descent(
        value in json_value(),
        at in any::<prop::sample::Index>(),
        cut in any::<bool>(),
        insert in json_bytes(),
    ) {
        let text = serde_json::to_string(&value).unwrap();
        let mut at = at.index(text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let mutated = if cut {
            format!("{}{insert}", &text[..at])
        } else {
            format!("{}{insert}{}", &text[..at], &text[at..])
        };
        prop_assert_eq!(skip_result(&mutated), oracle_result(&mutated));
        let json = json_skip_result(&mutated);
        if is_json(&mutated) {
            prop_assert_eq!(json, oracle_result(&mutated));
        }
    }

    #[test]
    fn arbitrary_text_is_judged_as_by_recursive_descent(text in json_bytes()) {
        prop_assert_eq!(skip_result(&text), oracle_result(&text));
        let json = json_skip_result(&text);
        if is_json(&text) {
            prop_assert_eq!(json, oracle_result(&text));
        }
    }

    #[test]
    fn arbitrary_unicode_never_panics(text in "\\PC{0,64}") {
        prop_assert_eq!(skip_result(&text), oracle_result(&text));
        let _ = json_skip_result(&text);
    }
}

#[test]
fn deep_nesting_is_refused_as_before() {
    for depth in [127, 128, 129, 300] {
        for open in ["[", "{\"k\":"] {
            let close = if open == "[" { "]" } else { "}" };
            let text = open.repeat(depth) + "1" + &close.repeat(depth);
            assert_eq!(skip_result(&text), oracle_result(&text), "{depth} {open}");
            assert_eq!(
                json_skip_result(&text),
                oracle_result(&text),
                "{depth} {open}"
            );
        }
    }
}

#[test]
fn skipping_inside_an_object_counts_its_depth() {
    let deep = |n: usize| format!(r#"{{"a":[[1]],"b":{}1{}}}"#, "[".repeat(n), "]".repeat(n));
    for json in [false, true] {
        for (inner, fits) in [(126, true), (127, true), (128, false)] {
            let text = deep(inner);
            let mut r = if json {
                Reader::of_json(&text)
            } else {
                Reader::new(&text)
            };
            r.begin_object().unwrap();
            let mut first = true;
            r.next_key(&mut first).unwrap();
            r.skip().unwrap();
            assert_eq!(r.next_key(&mut first).unwrap().as_deref(), Some("b"));
            if !fits {
                let err = r.skip().unwrap_err();
                assert_eq!(err.message(), "malformed JSON: nested too deeply");
                continue;
            }
            r.skip().unwrap();
            assert_eq!(r.next_key(&mut first).unwrap(), None);
            assert!(r.at_end());
        }
    }
}
