//! Schema registry framing: the bytes a producer's serializer puts before
//! the payload, read and removed.
//!
//! - Confluent: magic byte `0`, the schema id (4 bytes, big-endian); for
//!   Protocol Buffers, the message indexes (a zigzag varint count, then
//!   each index; the single byte `0` stands for `[0]`).
//! - AWS Glue Schema Registry: header version byte `3`, compression byte
//!   (`0` none, `5` zlib), the schema version UUID (16 bytes); for Protocol
//!   Buffers, the message index (a varint) at the start of the (inflated)
//!   data.
//! - Lambda's schema registry integration removes the registry's header and
//!   says in `keySchemaMetadata` / `valueSchemaMetadata` which schema it
//!   was; the Protocol Buffers message indexes stay.

use std::borrow::Cow;
use std::fmt;

use super::{Format, Part, SchemaId};
use crate::source::{KafkaRecord, KafkaSchemaMetadata};
use crate::typed::DecodeError;

/// How a Kafka key's or value's bytes are framed.
///
/// [`Auto`](Framing::Auto) (the default) reads the record's schema
/// metadata when Lambda added some, else the first byte: `0` is a
/// Confluent frame, `3` a Glue frame, anything else the plain payload. That
/// is exact for JSON and Protocol Buffers, whose payloads never start with
/// those bytes; a plain Avro datum may (a union's first branch, a zero), so
/// Avro topics without a registry should say [`Plain`](Framing::Plain).
///
/// ```
/// use lambda_batch::typed::kafka::Framing;
///
/// assert_eq!(Framing::default(), Framing::Auto);
/// assert_eq!(Framing::Confluent.to_string(), "Confluent");
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Framing {
    /// From Lambda's schema metadata, else from the first byte.
    #[default]
    Auto,
    /// No framing: the bytes are the payload.
    Plain,
    /// Confluent Schema Registry wire format.
    Confluent,
    /// AWS Glue Schema Registry wire format.
    Glue,
}

impl fmt::Display for Framing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Framing::Auto => "auto",
            Framing::Plain => "plain",
            Framing::Confluent => "Confluent",
            Framing::Glue => "Glue",
        })
    }
}

/// The largest payload a zlib-compressed Glue frame may inflate to: more
/// than any Lambda event holds, far less than a decompression bomb.
pub const MAX_INFLATED: usize = 8 * 1024 * 1024;

/// What framing was found: how the payload was delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Found {
    /// The record has no such part.
    #[cfg_attr(not(feature = "avro"), allow(dead_code))]
    Absent,
    Plain,
    Confluent(u32),
    Glue([u8; 16]),
    /// Lambda removed the registry's header and named the schema.
    Lambda(SchemaId),
}

impl Found {
    pub(super) fn schema_id(self) -> Option<SchemaId> {
        match self {
            Found::Absent | Found::Plain => None,
            Found::Confluent(id) => Some(SchemaId::Confluent(id)),
            Found::Glue(id) => Some(SchemaId::Glue(id)),
            Found::Lambda(id) => Some(id),
        }
    }
}

impl fmt::Display for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Found::Absent => f.write_str("absent"),
            Found::Plain => f.write_str("plain"),
            Found::Confluent(id) => write!(f, "Confluent frame, schema id {id}"),
            Found::Glue(_) => write!(
                f,
                "Glue frame, schema version {}",
                self.schema_id().expect("a Glue frame names its schema")
            ),
            Found::Lambda(id) => write!(f, "registry framing removed by Lambda, schema id {id}"),
        }
    }
}

/// A payload out of its frame.
#[derive(Debug)]
pub(super) struct Frame<'b> {
    pub(super) found: Found,
    pub(super) payload: Cow<'b, [u8]>,
}

/// A failure of `format` in `part`, with how the payload was framed.
#[cold]
pub(super) fn failure(
    part: Part,
    format: Format,
    framing: impl fmt::Display,
    why: impl fmt::Display,
) -> DecodeError {
    DecodeError::new(part.name(), "", format!("{format} ({framing}): {why}"))
}

/// Reads the frame of `bytes`, the `part` of `record`, for a decoder of
/// `format`.
///
/// # Errors
///
/// A [`DecodeError`] of `part` when Lambda's metadata names another format
/// or a schema id that is neither Confluent's nor Glue's, or the frame is
/// truncated, of an unknown kind or does not inflate.
pub(super) fn unframe<'b>(
    record: &KafkaRecord<'_>,
    part: Part,
    bytes: &'b [u8],
    format: Format,
    framing: Framing,
) -> Result<Frame<'b>, DecodeError> {
    let metadata = part
        .metadata(record)
        .map_err(|e| DecodeError::new(part.name(), "", e.to_string()))?;
    let lambda = match metadata {
        Some(metadata) => lambda_schema(part, metadata, format)?,
        None => None,
    };
    let fail = |found: &dyn fmt::Display, why: String| failure(part, format, found, why);
    let (found, rest) = match (framing, lambda) {
        (Framing::Auto, Some(id)) => (Found::Lambda(id), Cow::Borrowed(bytes)),
        (Framing::Auto, None) => match bytes.first() {
            Some(0) => confluent(bytes).map_err(|why| fail(&"Confluent frame", why))?,
            Some(3) => glue(bytes).map_err(|why| fail(&"Glue frame", why))?,
            _ => (Found::Plain, Cow::Borrowed(bytes)),
        },
        (Framing::Plain, _) => (Found::Plain, Cow::Borrowed(bytes)),
        (Framing::Confluent, _) => confluent(bytes).map_err(|why| fail(&"Confluent frame", why))?,
        (Framing::Glue, _) => glue(bytes).map_err(|why| fail(&"Glue frame", why))?,
    };
    let payload = match (format, found) {
        (Format::Protobuf, Found::Confluent(_) | Found::Lambda(SchemaId::Confluent(_))) => {
            skip(rest, message_indexes).map_err(|why| fail(&found, why))?
        }
        (Format::Protobuf, Found::Glue(_) | Found::Lambda(SchemaId::Glue(_))) => {
            skip(rest, glue_message_index).map_err(|why| fail(&found, why))?
        }
        _ => rest,
    };
    Ok(Frame { found, payload })
}

/// The schema Lambda's metadata names, after checking its format.
fn lambda_schema(
    part: Part,
    metadata: &KafkaSchemaMetadata,
    format: Format,
) -> Result<Option<SchemaId>, DecodeError> {
    if let Some(found) = metadata.data_format() {
        if !found.eq_ignore_ascii_case(format.name()) {
            return Err(DecodeError::new(
                part.name(),
                "",
                format!(
                    "{} says `dataFormat` {found}, this payload type reads {format}",
                    part.metadata_name()
                ),
            ));
        }
    }
    metadata
        .schema_id()
        .map(|text| {
            SchemaId::parse(text).ok_or_else(|| {
                DecodeError::new(
                    part.name(),
                    "",
                    format!(
                        "{} has `schemaId` {text:?}, neither a Confluent schema id nor a Glue schema version UUID",
                        part.metadata_name()
                    ),
                )
            })
        })
        .transpose()
}

type Split<'b> = (Found, Cow<'b, [u8]>);

fn confluent(bytes: &[u8]) -> Result<Split<'_>, String> {
    match bytes {
        [0, a, b, c, d, rest @ ..] => Ok((
            Found::Confluent(u32::from_be_bytes([*a, *b, *c, *d])),
            Cow::Borrowed(rest),
        )),
        _ => Err(format!(
            "{} bytes, a frame has at least 5 (magic byte 0, a 4-byte schema id)",
            bytes.len()
        )),
    }
}

fn glue(bytes: &[u8]) -> Result<Split<'_>, String> {
    if bytes.len() < 18 {
        return Err(format!(
            "{} bytes, a frame has at least 18 (header version 3, compression, a 16-byte schema version id)",
            bytes.len()
        ));
    }
    let mut id = [0; 16];
    id.copy_from_slice(&bytes[2..18]);
    let found = Found::Glue(id);
    let data = &bytes[18..];
    match bytes[1] {
        0 => Ok((found, Cow::Borrowed(data))),
        5 => inflate(data)
            .map(|inflated| (found, Cow::Owned(inflated)))
            .map_err(|why| format!("schema version {}: {why}", SchemaId::Glue(id))),
        other => Err(format!(
            "compression byte {other} is neither 0 (none) nor 5 (zlib)"
        )),
    }
}

#[cfg(feature = "zlib")]
fn inflate(data: &[u8]) -> Result<Vec<u8>, String> {
    use std::io::Read as _;
    let mut out = Vec::with_capacity(data.len().saturating_mul(4).min(MAX_INFLATED));
    // One byte past the cap tells a payload at the cap from a larger one.
    let limit = MAX_INFLATED as u64 + 1;
    flate2::read::ZlibDecoder::new(data)
        .take(limit)
        .read_to_end(&mut out)
        .map_err(|e| format!("the zlib data does not inflate ({e})"))?;
    if out.len() > MAX_INFLATED {
        return Err(format!("the zlib data inflates past {MAX_INFLATED} bytes"));
    }
    Ok(out)
}

#[cfg(not(feature = "zlib"))]
fn inflate(_data: &[u8]) -> Result<Vec<u8>, String> {
    Err("the data is zlib-compressed (compression byte 5): enable lambda-batch's `zlib` feature to inflate it".to_owned())
}

/// The payload after what `read` takes from the start of `rest`.
fn skip(
    rest: Cow<'_, [u8]>,
    read: fn(&[u8]) -> Result<usize, String>,
) -> Result<Cow<'_, [u8]>, String> {
    let taken = read(&rest)?;
    Ok(match rest {
        Cow::Borrowed(rest) => Cow::Borrowed(&rest[taken..]),
        Cow::Owned(mut rest) => {
            rest.drain(..taken);
            Cow::Owned(rest)
        }
    })
}

/// An unsigned varint of at most 32 bits: its value and length.
fn varint(bytes: &[u8]) -> Option<(u32, usize)> {
    let mut value: u64 = 0;
    for (i, &b) in bytes.iter().enumerate().take(5) {
        value |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return u32::try_from(value).ok().map(|v| (v, i + 1));
        }
    }
    None
}

/// Confluent's Protocol Buffers message indexes: the length they take.
///
/// Confluent writes them as zigzag varints. Some producers (and
/// Powertools' samples) write plain varints: a list that is not one as
/// zigzag (a negative count or index, or one cut short) is read again as
/// plain varints, so what the specification allows is always read its way.
fn message_indexes(bytes: &[u8]) -> Result<usize, String> {
    indexes(bytes, true).or_else(|zigzag| indexes(bytes, false).map_err(|_| zigzag))
}

fn indexes(bytes: &[u8], zigzag: bool) -> Result<usize, String> {
    let read = |bytes: &[u8], what: &str| -> Result<(i64, usize), String> {
        let (raw, len) = varint(bytes)
            .ok_or_else(|| format!("the message indexes end in the middle of {what}"))?;
        let value = if zigzag {
            i64::from(raw >> 1) ^ -i64::from(raw & 1)
        } else {
            i64::from(raw as i32)
        };
        Ok((value, len))
    };
    // The single byte 0 stands for [0]: the first message of the schema.
    let (count, mut at) = read(bytes, "their count")?;
    if count < 0 || count as usize > bytes.len() {
        return Err(format!(
            "message index count {count} does not fit the {} bytes",
            bytes.len()
        ));
    }
    for n in 0..count {
        let (index, len) = read(&bytes[at..], "an index")?;
        if index < 0 {
            return Err(format!("message index {n} is {index}, not an index"));
        }
        at += len;
    }
    Ok(at)
}

/// Glue's Protocol Buffers message index: the length it takes.
fn glue_message_index(bytes: &[u8]) -> Result<usize, String> {
    varint(bytes)
        .map(|(_, len)| len)
        .ok_or_else(|| "the data ends in the middle of its message index".to_owned())
}

#[cfg(test)]
mod tests;
