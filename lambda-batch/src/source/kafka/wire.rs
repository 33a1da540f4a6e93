//! The Kafka event as it arrives: every field read tolerantly.

use std::borrow::Cow;

use serde::de::{IgnoredAny, MapAccess, SeqAccess};
use serde::Deserialize;

use crate::source::lenient::{Accept, Expect, Field, JsonKind, List, Num, Obj};

/// The top-level object, read in one pass.
#[derive(Deserialize)]
pub(super) struct EventWire<'a> {
    #[serde(rename = "eventSource", borrow, default)]
    pub(super) event_source: Field<Cow<'a, str>>,
    #[serde(rename = "eventSourceArn", borrow, default)]
    pub(super) event_source_arn: Field<Cow<'a, str>>,
    #[serde(rename = "bootstrapServers", borrow, default)]
    pub(super) bootstrap_servers: Field<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub(super) records: Field<RecordsMap<'a>>,
}

/// A partition's list of records, each element still to be validated.
pub(super) type PartitionWire<'a> = Field<List<Obj<RecordWire<'a>>>>;

/// `records`: `"<topic>-<partition>"` to a list of records, in event order.
pub(super) struct RecordsMap<'a>(pub(super) Vec<(Cow<'a, str>, PartitionWire<'a>)>);

impl Expect for RecordsMap<'_> {
    const EXPECTED: &'static str = "an object of record lists by topic-partition";
}

impl<'de: 'a, 'a> Accept<'de> for RecordsMap<'a> {
    fn map<A: MapAccess<'de>>(mut map: A) -> Result<Option<Self>, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Field<Cow<'a, str>>>()? {
            let value = map.next_value::<PartitionWire<'a>>()?;
            // JSON object keys are always strings.
            if let Field::Value(key) = key {
                entries.push((key, value));
            }
        }
        Ok(Some(RecordsMap(entries)))
    }
}

/// One record of a partition's list.
#[derive(Deserialize)]
pub(super) struct RecordWire<'a> {
    #[serde(borrow, default)]
    pub(super) topic: Field<Cow<'a, str>>,
    #[serde(default)]
    pub(super) partition: Field<Num>,
    #[serde(default)]
    pub(super) offset: Field<Num>,
    #[serde(borrow, default)]
    pub(super) timestamp: Field<Timestamp<'a>>,
    #[serde(rename = "timestampType", borrow, default)]
    pub(super) timestamp_type: Field<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub(super) key: Field<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub(super) value: Field<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub(super) headers: Field<List<HeaderObject<'a>>>,
}

/// `timestamp`: a number of milliseconds, or the same number as decimal text
/// (the form `aws_lambda_events` serialises it in).
pub(super) enum Timestamp<'a> {
    Number(Num),
    Text(Cow<'a, str>),
}

impl Expect for Timestamp<'_> {
    const EXPECTED: &'static str = "a number";
}

impl<'de: 'a, 'a> Accept<'de> for Timestamp<'a> {
    fn u64(v: u64) -> Option<Self> {
        Num::u64(v).map(Timestamp::Number)
    }
    fn i64(v: i64) -> Option<Self> {
        Num::i64(v).map(Timestamp::Number)
    }
    fn f64(v: f64) -> Option<Self> {
        Num::f64(v).map(Timestamp::Number)
    }
    fn borrowed_str(v: &'de str) -> Option<Self> {
        Some(Timestamp::Text(Cow::Borrowed(v)))
    }
    fn owned_str(v: String) -> Option<Self> {
        Some(Timestamp::Text(Cow::Owned(v)))
    }
}

/// One element of `headers`: an object of header name to byte array. Lambda
/// sends one header per object; several are accepted, in event order.
pub(super) struct HeaderObject<'a>(pub(super) Vec<(Cow<'a, str>, Field<HeaderBytes>)>);

impl<'de: 'a, 'a> Accept<'de> for HeaderObject<'a> {
    fn map<A: MapAccess<'de>>(mut map: A) -> Result<Option<Self>, A::Error> {
        let mut entries = Vec::with_capacity(1);
        while let Some(key) = map.next_key::<Field<Cow<'a, str>>>()? {
            let value = map.next_value::<Field<HeaderBytes>>()?;
            if let Field::Value(key) = key {
                entries.push((key, value));
            }
        }
        Ok(Some(HeaderObject(entries)))
    }
}

/// A header value: a JSON array of byte numbers, either unsigned (0 to 255)
/// or signed as Java's `byte` (-128 to 127, negatives read in two's complement).
pub(super) struct HeaderBytes(pub(super) Result<Vec<u8>, BadByte>);

/// The first element of a header array that is not a byte.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct BadByte {
    pub(super) index: usize,
    pub(super) found: String,
}

impl<'de> Accept<'de> for HeaderBytes {
    fn seq<A: SeqAccess<'de>>(mut seq: A) -> Result<Option<Self>, A::Error> {
        let mut bytes = Vec::with_capacity(seq.size_hint().unwrap_or(16).min(4096));
        let mut index = 0;
        while let Some(element) = seq.next_element::<Field<Num>>()? {
            match byte(element) {
                Ok(b) => bytes.push(b),
                Err(found) => {
                    while seq.next_element::<IgnoredAny>()?.is_some() {}
                    return Ok(Some(HeaderBytes(Err(BadByte { index, found }))));
                }
            }
            index += 1;
        }
        Ok(Some(HeaderBytes(Ok(bytes))))
    }
}

/// One header byte; a Java `byte` (-128 to 127) is taken in two's complement.
fn byte(element: Field<Num>) -> Result<u8, String> {
    let number = match element {
        Field::Value(number) => number,
        Field::Null | Field::Missing => return Err(JsonKind::Null.describe().to_owned()),
        Field::Wrong(kind) => return Err(kind.describe().to_owned()),
    };
    match number.as_i64() {
        // The low eight bits: the byte itself, or a negative's two's complement.
        Some(n @ -128..=255) => Ok(n as u8),
        Some(n) => Err(n.to_string()),
        None => Err(number.as_f64().to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(json: &str) -> Result<Vec<u8>, BadByte> {
        match serde_json::from_str::<Field<HeaderBytes>>(json).expect("valid JSON") {
            Field::Value(HeaderBytes(result)) => result,
            _ => panic!("not an array"),
        }
    }

    #[test]
    fn header_bytes_accept_signed_and_unsigned_values() {
        assert_eq!(bytes("[0, 127, 128, 255]").unwrap(), [0, 127, 128, 255]);
        assert_eq!(bytes("[-128, -1, -2]").unwrap(), [0x80, 0xff, 0xfe]);
        assert_eq!(bytes("[]").unwrap(), Vec::<u8>::new());
    }

    #[test]
    fn header_bytes_name_the_first_bad_element() {
        let bad = bytes(r#"[1, 256, "x"]"#).unwrap_err();
        assert_eq!(
            bad,
            BadByte {
                index: 1,
                found: "256".into()
            }
        );
        assert_eq!(bytes("[-129]").unwrap_err().found, "-129");
        assert_eq!(bytes("[1.5]").unwrap_err().found, "1.5");
        assert_eq!(bytes(r#"[0, "a"]"#).unwrap_err().found, "a string");
        assert_eq!(bytes("[null]").unwrap_err().found, "null");
    }
}
