//! Avro payloads: a writer schema, parsed once, and the datum read with it.

use std::fmt;
use std::ops::Deref;
use std::path::Path;
use std::sync::OnceLock;

use apache_avro::types::Value;
use apache_avro::Schema;
use serde::de::DeserializeOwned;

use super::frame::{failure, unframe, Found, MAX_INFLATED};
use super::{Format, Framing, KafkaPayload, Part, SchemaId};
use crate::source::KafkaRecord;
use crate::typed::{DecodeError, FromRecord};

/// The writer schema of an Avro key or value, with how its payloads are
/// framed and, optionally, the registry id they must name.
///
/// Parsed once: [`new`](Self::new) is `const`, for a `static` (the schema
/// is parsed on first use and kept), [`parse`](Self::parse) and
/// [`from_file`](Self::from_file) parse at once, for a schema read at run
/// time. A schema that does not parse fails every record decoded with it,
/// each with the parser's message.
///
/// ```
/// use lambda_batch::typed::kafka::{Framing, SchemaId, WriterSchema};
///
/// static PRODUCT: WriterSchema = WriterSchema::new(r#"{"type":"record","name":"Product",
///     "fields":[{"name":"id","type":"int"},{"name":"name","type":"string"}]}"#)
///     .framing(Framing::Confluent)
///     .schema_id(SchemaId::Confluent(1));
/// assert!(PRODUCT.schema().is_ok());
/// assert_eq!(PRODUCT.expected_schema_id(), Some(SchemaId::Confluent(1)));
///
/// let err = WriterSchema::parse(r#"{"type":"record"}"#).unwrap_err();
/// assert!(err.to_string().starts_with("the Avro schema does not parse: "), "{err}");
/// ```
pub struct WriterSchema {
    text: &'static str,
    framing: Framing,
    schema_id: Option<SchemaId>,
    parsed: OnceLock<Result<Schema, SchemaError>>,
}

impl WriterSchema {
    /// A schema from its JSON text, parsed on first use.
    pub const fn new(text: &'static str) -> Self {
        WriterSchema {
            text,
            framing: Framing::Auto,
            schema_id: None,
            parsed: OnceLock::new(),
        }
    }

    /// A schema from its JSON text, parsed now.
    ///
    /// ```
    /// use lambda_batch::typed::kafka::WriterSchema;
    ///
    /// let schema = WriterSchema::parse(r#"{"type":"string"}"#)?;
    /// assert_eq!(schema.schema()?.canonical_form(), r#""string""#);
    /// # Ok::<(), lambda_batch::typed::kafka::SchemaError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`SchemaError`] with the parser's message when the text is not an
    /// Avro schema.
    pub fn parse(text: &str) -> Result<Self, SchemaError> {
        let schema = Schema::parse_str(text)
            .map_err(|e| SchemaError(format!("the Avro schema does not parse: {e}")))?;
        let parsed = OnceLock::new();
        let _ = parsed.set(Ok(schema));
        Ok(WriterSchema {
            text: "",
            framing: Framing::Auto,
            schema_id: None,
            parsed,
        })
    }

    /// A schema from a file (`.avsc`), parsed now.
    ///
    /// ```
    /// use lambda_batch::typed::kafka::WriterSchema;
    ///
    /// let err = WriterSchema::from_file("no-such-schema.avsc").unwrap_err();
    /// assert!(err.to_string().starts_with("cannot read the Avro schema no-such-schema.avsc: "), "{err}");
    /// ```
    ///
    /// # Errors
    ///
    /// [`SchemaError`] when the file cannot be read or does not parse.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, SchemaError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| {
            SchemaError(format!(
                "cannot read the Avro schema {}: {e}",
                path.display()
            ))
        })?;
        WriterSchema::parse(&text).map_err(|e| SchemaError(format!("{}: {}", path.display(), e.0)))
    }

    /// How payloads are framed (default [`Framing::Auto`]; say
    /// [`Framing::Plain`] for topics without a registry, as a plain Avro
    /// datum may start with the byte a frame starts with).
    pub const fn framing(mut self, framing: Framing) -> Self {
        self.framing = framing;
        self
    }

    /// The registry id payloads must name: a frame or Lambda metadata naming
    /// another fails its record, rather than being read with a schema it
    /// was not written with. Without one, any id is read with this schema.
    pub const fn schema_id(mut self, id: SchemaId) -> Self {
        self.schema_id = Some(id);
        self
    }

    /// The id set with [`schema_id`](Self::schema_id).
    pub fn expected_schema_id(&self) -> Option<SchemaId> {
        self.schema_id
    }

    /// The parsed schema.
    ///
    /// ```
    /// use lambda_batch::typed::kafka::WriterSchema;
    ///
    /// static BROKEN: WriterSchema = WriterSchema::new(r#"{"type":"nothing"}"#);
    /// assert!(BROKEN.schema().is_err());
    /// ```
    ///
    /// Parsing the first schema also caps what one Avro length may
    /// allocate (`apache_avro::max_allocation_bytes`) at [`MAX_INFLATED`],
    /// unless the program set a cap before: no record of a Lambda event is
    /// larger, and a corrupt length no longer allocates hundreds of
    /// megabytes.
    ///
    /// # Errors
    ///
    /// [`SchemaError`] when the text does not parse.
    pub fn schema(&self) -> Result<&Schema, SchemaError> {
        self.parsed
            .get_or_init(|| parse_schema(self.text))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Decodes `part` of `record` into an Avro [`Value`] (`Value::Null` when
    /// the record has no such part), with the schema
    /// id the payload named; for readers of any schema, such as a command
    /// that prints records as JSON.
    ///
    /// ```
    /// use lambda_batch::source::{EventSource, Kafka};
    /// use lambda_batch::typed::kafka::{Framing, Part, WriterSchema};
    /// use apache_avro::types::Value;
    ///
    /// let schema = WriterSchema::parse(r#"{"type":"long"}"#)?.framing(Framing::Plain);
    /// // 42 is zigzag 84 (0x54): "VA==".
    /// let records = Kafka::parse(r#"{"records":{"t-0":[{"offset":1,"value":"VA=="}]}}"#).unwrap();
    /// let (value, schema_id) = schema.decode_value(records[0].record().unwrap(), Part::Value).unwrap();
    /// assert_eq!((value, schema_id), (Value::Long(42), None));
    /// # Ok::<(), lambda_batch::typed::kafka::SchemaError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// A [`DecodeError`] of `part` naming the framing and schema and why:
    /// as for [`Avro`].
    pub fn decode_value(
        &self,
        record: &KafkaRecord<'_>,
        part: Part,
    ) -> Result<(Value, Option<SchemaId>), DecodeError> {
        if part.bytes(record)?.is_none() {
            return Ok((Value::Null, None));
        }
        self.read(record, part)
            .map(|(value, found)| (value, found.schema_id()))
    }

    /// The datum of `part`, and how it was framed.
    fn read(&self, record: &KafkaRecord<'_>, part: Part) -> Result<(Value, Found), DecodeError> {
        let schema = self
            .schema()
            .map_err(|e| failure(part, Format::Avro, "schema", e))?;
        let Some(bytes) = part.bytes(record)? else {
            return Ok((Value::Null, Found::Absent));
        };
        let frame = unframe(record, part, bytes, Format::Avro, self.framing)?;
        let found = frame.found;
        if let (Some(expected), Some(id)) = (self.schema_id, found.schema_id()) {
            if expected != id {
                return Err(failure(
                    part,
                    Format::Avro,
                    found,
                    format!("written with schema {id}, this writer schema is {expected}"),
                ));
            }
        }
        let mut rest = &frame.payload[..];
        let value = apache_avro::from_avro_datum(schema, &mut rest, None)
            .map_err(|e| failure(part, Format::Avro, found, e))?;
        if !rest.is_empty() {
            return Err(failure(
                part,
                Format::Avro,
                found,
                format!(
                    "{} bytes are left after the datum: it was not written with this schema",
                    rest.len()
                ),
            ));
        }
        Ok((value, found))
    }

    fn decode<T: DeserializeOwned>(
        &self,
        record: &KafkaRecord<'_>,
        part: Part,
    ) -> Result<Avro<T>, DecodeError> {
        let (value, found) = self.read(record, part)?;
        let value = match found {
            // serde reads an `Option` from an Avro union only.
            Found::Absent => apache_avro::from_value(&Value::Union(0, Box::new(Value::Null)))
                .map_err(|_| {
                    failure(
                        part,
                        Format::Avro,
                        found,
                        format!(
                            "the record has no {} (take `Avro<Option<T>>` for tombstones)",
                            part.name()
                        ),
                    )
                })?,
            _ => apache_avro::from_value(&value).or_else(|first| {
                // `T` may be an `Option` of the schema's type: try it as
                // the union's second branch before failing.
                apache_avro::from_value(&Value::Union(1, Box::new(value))).map_err(|_| {
                    failure(
                        part,
                        Format::Avro,
                        found,
                        format!("the datum does not fit the type: {first}"),
                    )
                })
            })?,
        };
        Ok(Avro {
            value,
            schema_id: found.schema_id(),
        })
    }
}

/// Parses a schema, after capping what one Avro length may allocate.
fn parse_schema(text: &str) -> Result<Schema, SchemaError> {
    apache_avro::max_allocation_bytes(MAX_INFLATED);
    Schema::parse_str(text).map_err(|e| SchemaError(format!("the Avro schema does not parse: {e}")))
}

impl fmt::Debug for WriterSchema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WriterSchema")
            .field("framing", &self.framing)
            .field("schema_id", &self.schema_id)
            .field("parsed", &self.parsed.get().map(Result::is_ok))
            .finish_non_exhaustive()
    }
}

/// An Avro schema that does not parse, or a schema file that cannot be read.
///
/// ```
/// use lambda_batch::typed::kafka::WriterSchema;
///
/// let err = WriterSchema::parse("{").unwrap_err();
/// assert!(err.to_string().starts_with("the Avro schema does not parse"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError(String);

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SchemaError {}

/// A type whose Avro payloads are written with a known schema.
///
/// The schema belongs to the type, as a `static` [`WriterSchema`]: a
/// payload type is named in the handler's signature, with no processor
/// state to hold a schema, and a `static` is parsed once for the life of
/// the function, whichever records and invocations read it. Keys and
/// values of different types have their own.
///
/// ```
/// use lambda_batch::typed::kafka::{AvroSchema, WriterSchema};
///
/// #[derive(serde::Deserialize)]
/// struct Product { id: i32, name: String, price: f64 }
///
/// impl AvroSchema for Product {
///     fn writer_schema() -> &'static WriterSchema {
///         // Or WriterSchema::new(include_str!("product.avsc")).
///         static SCHEMA: WriterSchema = WriterSchema::new(r#"{"type":"record","name":"Product","fields":[
///             {"name":"id","type":"int"},{"name":"name","type":"string"},{"name":"price","type":"double"}]}"#);
///         &SCHEMA
///     }
/// }
/// assert!(Product::writer_schema().schema().is_ok());
/// ```
pub trait AvroSchema {
    /// The writer schema of this type's payloads.
    fn writer_schema() -> &'static WriterSchema;
}

/// An Avro key or value decoded into `T` (through serde, with `T`'s
/// [`AvroSchema`]), with the [`SchemaId`] the payload named.
///
/// The bytes are unframed as the schema's [`Framing`] says, read as one
/// datum of the writer schema, then deserialized into `T`. A record
/// without the part reads as Avro `null`: `Avro<Option<T>>` takes
/// tombstones as `None` (and values as `Some`). Any failure fails only the record, naming the part, the
/// framing and schema, and why: a frame cut short, a schema id other than
/// the schema's [`schema_id`](WriterSchema::schema_id), a datum that does
/// not read or leaves bytes over, a value that does not fit `T`.
///
/// ```
/// use lambda_batch::source::{EventSource, Kafka};
/// use lambda_batch::typed::{FromRecord, kafka::{Avro, AvroSchema, Framing, WriterSchema}};
///
/// #[derive(Debug, serde::Deserialize)]
/// struct Product { id: i32, name: String, price: f64 }
///
/// impl AvroSchema for Product {
///     fn writer_schema() -> &'static WriterSchema {
///         static SCHEMA: WriterSchema = WriterSchema::new(r#"{"type":"record","name":"Product","fields":[
///             {"name":"id","type":"int"},{"name":"name","type":"string"},{"name":"price","type":"double"}]}"#)
///             .framing(Framing::Plain);
///         &SCHEMA
///     }
/// }
///
/// // A record of Powertools' Avro sample event: 1001, "Laptop", 999.99.
/// let event = r#"{"records":{"mytopic-0":[{"offset":15,"value":"0g8MTGFwdG9wUrgehes/j0A="},
///     {"offset":16,"value":"0g8M"}]}}"#;
/// let records = Kafka::parse(event)?;
/// let product = Avro::<Product>::from_record(records[0].record().unwrap()).unwrap();
/// assert_eq!((product.id, product.name.as_str(), product.price), (1001, "Laptop", 999.99));
/// let err = Avro::<Product>::from_record(records[1].record().unwrap()).unwrap_err();
/// assert!(err.to_string().starts_with("payload `value` does not decode: AVRO (plain): "), "{err}");
/// # Ok::<(), lambda_batch::InvalidEvent>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Avro<T> {
    /// The decoded payload.
    pub value: T,
    /// The schema the payload names; `None` when plain.
    pub schema_id: Option<SchemaId>,
}

impl<T> Avro<T> {
    /// The decoded payload.
    pub fn into_inner(self) -> T {
        self.value
    }
}

impl<T> Deref for Avro<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: AvroSchema + DeserializeOwned> KafkaPayload for Avro<T> {
    fn from_part(record: &KafkaRecord<'_>, part: Part) -> Result<Self, DecodeError> {
        T::writer_schema().decode(record, part)
    }
}

/// `Option<T>` has the schema of `T`, and takes tombstones.
impl<T: AvroSchema> AvroSchema for Option<T> {
    fn writer_schema() -> &'static WriterSchema {
        T::writer_schema()
    }
}

/// Decodes the value.
impl<T: AvroSchema + DeserializeOwned> FromRecord<KafkaRecord<'_>> for Avro<T> {
    fn from_record(record: &KafkaRecord<'_>) -> Result<Self, DecodeError> {
        Self::from_part(record, Part::Value)
    }
}
