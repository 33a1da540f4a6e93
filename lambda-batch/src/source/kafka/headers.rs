//! A record's headers: kept as their JSON text by the event pass, decoded
//! into [`KafkaHeader`]s when first read.

use std::borrow::Cow;
use std::str::Utf8Error;

use serde::de::{IgnoredAny, MapAccess, SeqAccess};

use super::decoded::Decoded;
use super::RecordKey;
use crate::error::RecordError;
use crate::source::read::field::{Accept, Field, JsonKind, List, Num};
use crate::source::read::raw::{invalid, Raw};

/// A header of a Kafka record: its name and its value's bytes.
///
/// ```
/// # use lambda_batch::source::{EventSource, Kafka};
/// let event = r#"{"records":{"t-0":[{"offset":1,"headers":[{"id":[-1,65]},{"id":[66]}]}]}}"#;
/// let records = Kafka::parse(event)?;
/// let headers = records[0].record().unwrap().headers()?;
/// assert_eq!(headers.len(), 2);
/// assert_eq!((headers[0].name(), headers[0].value()), ("id", &[0xff, b'A'][..]));
/// assert_eq!(headers[1].value_text(), Ok("B"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KafkaHeader<'a> {
    name: Cow<'a, str>,
    value: Vec<u8>,
}

impl<'a> KafkaHeader<'a> {
    /// The header's name.
    ///
    /// ```
    /// # use lambda_batch::source::{EventSource, Kafka};
    /// let records = Kafka::parse(r#"{"records":{"t-0":[{"offset":1,"headers":[{"trace":[49]}]}]}}"#)?;
    /// assert_eq!(records[0].record().unwrap().headers()?[0].name(), "trace");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The header's value. Lambda sends it as an array of byte numbers,
    /// unsigned or (from Java producers) signed; both give the same bytes.
    ///
    /// ```
    /// # use lambda_batch::source::{EventSource, Kafka};
    /// let records = Kafka::parse(r#"{"records":{"t-0":[{"offset":1,"headers":[{"h":[255,-1]}]}]}}"#)?;
    /// assert_eq!(records[0].record().unwrap().headers()?[0].value(), [0xff, 0xff]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn value(&self) -> &[u8] {
        &self.value
    }

    /// The value as UTF-8 text.
    ///
    /// ```
    /// # use lambda_batch::source::{EventSource, Kafka};
    /// let records = Kafka::parse(r#"{"records":{"t-0":[{"offset":1,"headers":[{"a":[104,105]},{"b":[255]}]}]}}"#)?;
    /// let headers = records[0].record().unwrap().headers()?;
    /// assert_eq!(headers[0].value_text(), Ok("hi"));
    /// assert!(headers[1].value_text().is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// When the value is not UTF-8.
    pub fn value_text(&self) -> Result<&str, Utf8Error> {
        std::str::from_utf8(&self.value)
    }

    /// The same header, no longer borrowing from the event.
    ///
    /// ```
    /// # use lambda_batch::source::{EventSource, Kafka, KafkaHeader};
    /// let records = Kafka::parse(r#"{"records":{"t-0":[{"offset":1,"headers":[{"h":[1]}]}]}}"#)?;
    /// let header: KafkaHeader<'static> = records[0].record().unwrap().headers()?[0].clone().into_owned();
    /// assert_eq!(header.value(), [1]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn into_owned(self) -> KafkaHeader<'static> {
        KafkaHeader {
            name: Cow::Owned(self.name.into_owned()),
            value: self.value,
        }
    }
}

/// `headers` as the event pass left it, and its headers once read.
///
/// Decoded headers own their names (`'static`): the text they are read
/// from may belong to the record rather than to the event, and a cache of
/// borrowed headers would make the record invariant in `'a`.
pub(super) type Headers<'a> = Decoded<Raw<'a>, Vec<KafkaHeader<'static>>>;

impl<'a> Headers<'a> {
    /// The headers in event order; empty when `headers` is absent or null.
    ///
    /// # Errors
    ///
    /// A [`RecordError`] naming `headers`, or the element and header that
    /// does not decode (`headers[1].trace`). The same error on every call:
    /// the field is decoded once.
    pub(super) fn get(&self) -> Result<&[KafkaHeader<'a>], RecordError> {
        self.get_or_decode(decode).map(Vec::as_slice)
    }

    /// The value of the first header named `name`.
    ///
    /// # Errors
    ///
    /// As [`get`](Self::get).
    pub(super) fn find(&self, name: &str) -> Result<Option<&[u8]>, RecordError> {
        Ok(self
            .get()?
            .iter()
            .find(|h| h.name == name)
            .map(|h| h.value.as_slice()))
    }
}

/// The key the headers are read from, which errors name.
const HEADERS: &str = RecordKey::Headers.text();

/// Reads the headers from their JSON text, copying their names.
fn decode(raw: &Raw<'_>) -> Result<Vec<KafkaHeader<'static>>, RecordError> {
    // The tolerant types take any JSON value: only the kinds found can fail.
    let Some(List(elements)) = raw.decode_field::<List<HeaderObject<'_>>>(HEADERS)? else {
        return Ok(Vec::new());
    };
    let mut headers = Vec::with_capacity(elements.len());
    for (index, element) in elements.into_iter().enumerate() {
        let HeaderObject(entries) = value_or_kind(element).map_err(|found| {
            let reason = format!("it is {found}, expected an object of header name to bytes");
            invalid(&format!("{HEADERS}[{index}]"), reason)
        })?;
        for (name, bytes) in entries {
            let reason = match value_or_kind(bytes) {
                Ok(HeaderBytes(Ok(value))) => {
                    let name = Cow::Owned(name.into_owned());
                    headers.push(KafkaHeader { name, value });
                    continue;
                }
                Ok(HeaderBytes(Err(bad))) => format!(
                    "element {} is {}, expected a byte (-128 to 255)",
                    bad.index, bad.found
                ),
                Err(found) => format!("it is {found}, expected an array of bytes"),
            };
            return Err(invalid(&format!("{HEADERS}[{index}].{name}"), reason));
        }
    }
    Ok(headers)
}

/// A tolerant field's value, or the JSON kind found instead (null when
/// absent).
fn value_or_kind<T>(field: Field<T>) -> Result<T, &'static str> {
    match field {
        Field::Value(value) => Ok(value),
        Field::Null | Field::Missing => Err(JsonKind::Null.describe()),
        Field::Wrong(kind) => Err(kind.describe()),
    }
}

/// One element of `headers`: an object of header name to byte array. Lambda
/// sends one header per object; several are accepted, in event order.
struct HeaderObject<'a>(Vec<(Cow<'a, str>, Field<HeaderBytes>)>);

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
struct HeaderBytes(Result<Vec<u8>, BadByte>);

/// The first element of a header array that is not a byte.
#[derive(Debug, Clone, PartialEq)]
struct BadByte {
    index: usize,
    found: String,
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
    let number = value_or_kind(element).map_err(str::to_owned)?;
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

    fn headers(json: Option<&str>) -> Headers<'_> {
        Headers::new(json.map_or(Raw::default(), |json| {
            serde_json::from_str(json).expect("valid JSON")
        }))
    }

    /// Whether the headers were decoded already (and kept).
    fn decoded(headers: &Headers<'_>) -> Option<Result<usize, RecordError>> {
        let kept = headers.get_or_decode(|_| Err(invalid("probe", "not decoded")));
        match kept {
            Err(RecordError::InvalidValue { field, .. }) if field == "probe" => None,
            other => Some(other.map(Vec::len)),
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

    #[test]
    fn headers_decode_once_and_find_the_first_of_a_name() {
        let field = headers(Some(r#"[{"a":[1]},{"b":[2],"a":[3]}]"#));
        let all = field.get().unwrap();
        let names: Vec<&str> = all.iter().map(KafkaHeader::name).collect();
        assert_eq!(names, ["a", "b", "a"]);
        assert_eq!(field.get().unwrap().as_ptr(), all.as_ptr());
        assert_eq!(field.find("a"), Ok(Some(&[1][..])));
        assert_eq!(field.find("c"), Ok(None));
        assert_eq!(headers(None).get(), Ok(&[][..]));
        assert_eq!(headers(Some("null")).find("a"), Ok(None));
    }

    #[test]
    fn owned_copies_keep_decoded_headers_and_errors() {
        let field = headers(Some(r#"[{"a":[1]}]"#));
        assert!(field.get().is_ok());
        let owned = field.clone().into_owned(Raw::into_owned);
        assert_eq!(decoded(&owned), Some(Ok(1)));
        assert_eq!(owned, field);
        let bad = headers(Some("[3]"));
        assert!(bad.get().is_err());
        assert!(matches!(
            decoded(&bad.into_owned(Raw::into_owned)),
            Some(Err(_))
        ));
        assert_eq!(
            decoded(&headers(Some("[]")).into_owned(Raw::into_owned)),
            None
        );
    }
}
