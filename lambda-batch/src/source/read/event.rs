//! The event envelope: the top-level object and its list (or map) of records.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::field::{scalars_to, Expect, Field, JsonKind};
use super::records::{ConvertElement, Converted};
use crate::error::InvalidEvent;
use crate::source::{Foreign, Parsed};

/// Reads the top-level object of `event` with `seed`, in one pass, for a
/// source whose pipes take no partial batch response (`source_name`): a
/// top-level list, a pipe's batch, is an
/// [`InvalidEvent::PipeWithoutPartialFailures`]; any other value is an
/// [`InvalidEvent::Shape`].
pub(crate) fn top_level_object<'a, Sd: DeserializeSeed<'a>>(
    event: &'a str,
    seed: Sd,
    source_name: &'static str,
) -> Result<Sd::Value, InvalidEvent> {
    let mut de = serde_json::Deserializer::from_str(event);
    let top = de
        .deserialize_any(TopObject(seed))
        .and_then(|top| de.end().map(|()| top))
        .map_err(|e| InvalidEvent::json(&e))?;
    top.map_err(|found| match found {
        JsonKind::Array => InvalidEvent::PipeWithoutPartialFailures { source_name },
        found => InvalidEvent::Shape {
            path: String::new(),
            found: found.describe(),
            expected: "a JSON object",
        },
    })
}

/// Hands a top-level object to the seed; tells the kind of anything else.
struct TopObject<Sd>(Sd);

impl<Sd> TopObject<Sd> {
    fn other<V>(self, found: JsonKind) -> Result<V, JsonKind> {
        Err(found)
    }
}

impl<'de, Sd: DeserializeSeed<'de>> Visitor<'de> for TopObject<Sd> {
    type Value = Result<Sd::Value, JsonKind>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.0
            .deserialize(de::value::MapAccessDeserializer::new(map))
            .map(Ok)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Err(JsonKind::Array))
    }
    scalars_to!(other);
}

/// An optional top-level field: absent and null are `None`, a wrong type is
/// an [`InvalidEvent::Shape`] naming `path`.
pub(crate) fn optional<T: Expect>(field: Field<T>, path: &str) -> Result<Option<T>, InvalidEvent> {
    field.optional().map_err(|found| InvalidEvent::Shape {
        path: path.to_owned(),
        found: found.describe(),
        expected: T::EXPECTED,
    })
}

/// Lambda delivers at most 10,000 records a batch.
const MAX_RESERVED_RECORDS: usize = 10_000;

/// The records of an SQS, Kinesis or DynamoDB Streams event, in either of
/// the two forms Lambda delivers them in, told apart by the top-level value
/// alone: an object is an event source mapping's event, whose `Records`
/// list is read with `esm`; a list is an EventBridge Pipes batch, whose
/// elements are the records, read with `pipe`. Each element is converted
/// as it is read, in one pass. Both readers note into `foreign` a record
/// that names another source than `expected`: then the event is an
/// [`InvalidEvent::WrongSource`].
///
/// When the pass stops at a value JSON cannot give (see
/// [`recover`](super::recovery)), the event is read once more with each
/// record on its own, so that such a record fails alone.
pub(crate) fn named_records<'a, C, P>(
    event: &'a str,
    esm: &C,
    pipe: &P,
    foreign: &Foreign,
    source: &'static str,
    expected: &'static str,
) -> Result<Vec<Parsed<'a, C::Record>>, InvalidEvent>
where
    C: ConvertElement<'a>,
    P: ConvertElement<'a, Record = C::Record>,
{
    let records =
        super::recovery::read_or_recover(|recover| either_form(event, esm, pipe, source, recover))?;
    foreign.check(expected)?;
    Ok(records)
}

/// The records of `event` in either form, each read in place, or on its
/// own when `recover`.
fn either_form<'a, C, P>(
    event: &'a str,
    esm: &C,
    pipe: &P,
    source: &'static str,
    recover: bool,
) -> Result<Vec<Parsed<'a, C::Record>>, InvalidEvent>
where
    C: ConvertElement<'a>,
    P: ConvertElement<'a, Record = C::Record>,
{
    let mut records = Vec::with_capacity(likely_records(event));
    let mut de = serde_json::Deserializer::from_str(event);
    let top = de
        .deserialize_any(EitherForm {
            esm,
            pipe,
            out: &mut records,
            recover,
        })
        .and_then(|top| de.end().map(|()| top))
        .map_err(|e| InvalidEvent::json(&e))?;
    match top {
        Form::Read => {}
        Form::NoRecords => {
            return Err(InvalidEvent::Missing {
                path: "Records".to_owned(),
                expected: source,
            })
        }
        Form::RecordsOf(found) => {
            return Err(InvalidEvent::Shape {
                path: "Records".to_owned(),
                found: found.describe(),
                expected: "a list of records",
            })
        }
        Form::Neither(found) => {
            return Err(InvalidEvent::Shape {
                path: String::new(),
                found: found.describe(),
                expected: "a JSON object (an event source mapping's event) or a list of records (an EventBridge pipe's batch)",
            })
        }
    }
    Ok(records)
}

/// What the top level of an event held.
enum Form {
    /// The records were read, from `Records` or from the top-level list.
    Read,
    /// An object without `Records`.
    NoRecords,
    /// An object whose `Records` is of this other kind.
    RecordsOf(JsonKind),
    /// Neither an object nor a list.
    Neither(JsonKind),
}

/// Reads the top level of an event: an object's `Records` with `esm` (its
/// first occurrence; other fields are skipped), or a list's elements with
/// `pipe`, pushing each record onto `out`.
struct EitherForm<'v, 'de, C: ConvertElement<'de>, P> {
    esm: &'v C,
    pipe: &'v P,
    out: &'v mut Vec<Parsed<'de, C::Record>>,
    /// Whether each record is read on its own.
    recover: bool,
}

impl<'de, C, P> EitherForm<'_, 'de, C, P>
where
    C: ConvertElement<'de>,
{
    fn other(self, found: JsonKind) -> Form {
        Form::Neither(found)
    }
}

impl<'de, C, P> Visitor<'de> for EitherForm<'_, 'de, C, P>
where
    C: ConvertElement<'de>,
    P: ConvertElement<'de, Record = C::Record>,
{
    type Value = Form;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object or a list of records")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Form, A::Error> {
        let mut form = Form::NoRecords;
        let mut seen = false;
        while let Some(is_records) = map.next_key_seed(KeyIs("Records"))? {
            if is_records && !seen {
                seen = true;
                form = match map.next_value_seed(Converted::new(
                    self.esm,
                    &mut *self.out,
                    self.recover,
                ))? {
                    Ok(()) => Form::Read,
                    Err(found) => Form::RecordsOf(found),
                };
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(form)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Form, A::Error> {
        // A list is a pipe's batch: always read, even when empty.
        Converted::new(self.pipe, self.out, self.recover)
            .visit_seq(seq)
            .map(|_| Form::Read)
    }

    scalars_to!(other);
}

/// How many records an event of this size likely holds. Records are at least
/// a few hundred bytes: reserving for them up front spares growing (and
/// copying) the list while reading.
pub(crate) fn likely_records(event: &str) -> usize {
    (event.len() / 512).min(MAX_RESERVED_RECORDS)
}

/// A map key seed answering whether the key equals the one looked for.
struct KeyIs(&'static str);

impl<'de> DeserializeSeed<'de> for KeyIs {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyIs {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
        Ok(v == self.0)
    }
}
