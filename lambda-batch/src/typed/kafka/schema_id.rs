//! The registry schema a payload names: a Confluent schema id or an AWS
//! Glue schema version UUID.

use std::fmt;

/// The schema registry's name for the schema a key or value was written
/// with, read from its frame or from Lambda's schema metadata.
///
/// ```
/// use lambda_batch::typed::kafka::SchemaId;
///
/// assert_eq!(SchemaId::parse("42"), Some(SchemaId::Confluent(42)));
/// let glue = SchemaId::parse("7d55d475-2244-4485-8341-f74468c1e058").unwrap();
/// assert_eq!(glue, SchemaId::glue("7d55d475-2244-4485-8341-f74468c1e058"));
/// assert_eq!(glue.to_string(), "7d55d475-2244-4485-8341-f74468c1e058");
/// assert_eq!(SchemaId::parse("version-1"), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SchemaId {
    /// A Confluent Schema Registry schema id (the 4 bytes after the magic
    /// byte `0`).
    Confluent(u32),
    /// An AWS Glue Schema Registry schema version id: the UUID's 16 bytes.
    Glue([u8; 16]),
}

impl SchemaId {
    /// A Glue schema version id from its UUID text, in `const` context too
    /// (for [`WriterSchema::schema_id`], feature `avro`).
    ///
    /// ```
    /// use lambda_batch::typed::kafka::SchemaId;
    ///
    /// const ORDERS_V3: SchemaId = SchemaId::glue("12345678-1234-1234-1234-123456789012");
    /// assert_eq!(ORDERS_V3.to_string(), "12345678-1234-1234-1234-123456789012");
    /// ```
    ///
    /// # Panics
    ///
    /// When `uuid` is not a UUID written `8-4-4-4-12` in hexadecimal (in a
    /// `const`, that is a compile error). Use [`parse`](Self::parse) on
    /// text from outside.
    ///
    // Without the feature, the Kafka module's table names `Avro<T>`.
    #[cfg_attr(
        feature = "avro",
        doc = "[`WriterSchema::schema_id`]: super::WriterSchema::schema_id"
    )]
    #[cfg_attr(not(feature = "avro"), doc = "[`WriterSchema::schema_id`]: super")]
    pub const fn glue(uuid: &str) -> SchemaId {
        match parse_uuid(uuid.as_bytes()) {
            Some(bytes) => SchemaId::Glue(bytes),
            None => panic!("not a UUID written 8-4-4-4-12 in hexadecimal"),
        }
    }

    /// Reads a schema id as Lambda's `schemaId` writes it: digits for
    /// Confluent, a UUID for Glue; `None` for anything else.
    ///
    /// ```
    /// use lambda_batch::typed::kafka::SchemaId;
    ///
    /// assert_eq!(SchemaId::parse("1"), Some(SchemaId::Confluent(1)));
    /// assert!(matches!(SchemaId::parse("12345678-1234-1234-1234-123456789012"), Some(SchemaId::Glue(_))));
    /// assert_eq!(SchemaId::parse("+1"), None);
    /// ```
    pub fn parse(text: &str) -> Option<SchemaId> {
        if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
            return text.parse().ok().map(SchemaId::Confluent);
        }
        parse_uuid(text.as_bytes()).map(SchemaId::Glue)
    }
}

const fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

const fn parse_uuid(text: &[u8]) -> Option<[u8; 16]> {
    if text.len() != 36 {
        return None;
    }
    let mut out = [0u8; 16];
    let (mut i, mut n) = (0, 0);
    while i < 36 {
        if matches!(i, 8 | 13 | 18 | 23) {
            if text[i] != b'-' {
                return None;
            }
            i += 1;
            continue;
        }
        let (Some(high), Some(low)) = (hex(text[i]), hex(text[i + 1])) else {
            return None;
        };
        out[n] = high << 4 | low;
        n += 1;
        i += 2;
    }
    Some(out)
}

impl fmt::Display for SchemaId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SchemaId::Confluent(id) => write!(f, "{id}"),
            SchemaId::Glue(bytes) => {
                for (i, b) in bytes.iter().enumerate() {
                    if matches!(i, 4 | 6 | 8 | 10) {
                        f.write_str("-")?;
                    }
                    write!(f, "{b:02x}")?;
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_round_trip_and_bad_ones_are_refused() {
        let text = "7D55D475-2244-4485-8341-F74468C1E058";
        let id = SchemaId::parse(text).unwrap();
        assert_eq!(id.to_string(), text.to_lowercase());
        for bad in [
            "",
            "7d55d475-2244-4485-8341-f74468c1e05",
            "7d55d475-2244-4485-8341-f74468c1e05g",
            "7d55d4752-244-4485-8341-f74468c1e058",
            "99999999999",
        ] {
            assert_eq!(SchemaId::parse(bad), None, "{bad}");
        }
        assert_eq!(SchemaId::parse("007"), Some(SchemaId::Confluent(7)));
    }
}
