//! Avro Kafka values for the command: `process --kafka-value avro:SCHEMA.avsc`
//! decodes them, `events kafka --avro SCHEMA.avsc` writes them. Built with
//! the `avro` feature; without it, both say how to get it.

use std::path::Path;

use crate::args::FramingArg;
use crate::exit::CliError;

#[cfg(feature = "avro")]
pub use with_avro::*;
#[cfg(not(feature = "avro"))]
pub use without_avro::*;

#[cfg(feature = "avro")]
mod with_avro {
    use std::io;

    use lambda_batch::source::{Kafka, KafkaRecord};
    use lambda_batch::typed::kafka::apache_avro::types::Value;
    use lambda_batch::typed::kafka::apache_avro::{self, Schema};
    use lambda_batch::typed::kafka::{Framing, Part, WriterSchema};
    use lambda_batch::BatchProcessor;

    use super::*;
    use crate::args::ProcessArgs;
    use crate::demo::{self, Burn, Demo, Refused};
    use crate::process::{configure, drive, Done};

    fn framing(arg: FramingArg) -> Framing {
        match arg {
            FramingArg::Auto => Framing::Auto,
            FramingArg::Plain => Framing::Plain,
            FramingArg::Confluent => Framing::Confluent,
            FramingArg::Glue => Framing::Glue,
        }
    }

    /// A record's value decoded with the schema, as JSON text.
    fn value_json(schema: &WriterSchema, record: &KafkaRecord<'_>) -> Result<String, Refused> {
        let (value, _) = schema
            .decode_value(record, Part::Value)
            .map_err(|e| Refused::Undecodable(e.to_string()))?;
        serde_json::Value::try_from(value)
            .map(|json| json.to_string())
            .map_err(|e| Refused::Undecodable(format!("the Avro value has no JSON form: {e}")))
    }

    /// Runs the demo handler on the Avro values of `event`: each value is
    /// decoded with the schema in `path`, then decided as its JSON text
    /// (`--typed`: its `status`).
    pub(crate) async fn process(
        event: &str,
        args: &ProcessArgs,
        path: &Path,
    ) -> Result<Done, CliError> {
        let schema = WriterSchema::from_file(path)
            .map_err(CliError::input)?
            .framing(framing(args.kafka_framing));
        let demo = Demo {
            panic_on: args.panic_on.clone(),
        };
        let typed = args.typed;
        let burn = args.cpu.map(Burn::calibrate);
        let decide = move |record: &KafkaRecord<'_>| {
            if let Some(burn) = &burn {
                burn.run();
            }
            let json = value_json(&schema, record)?;
            if typed {
                let status: crate::typed::Status = serde_json::from_str(&json).map_err(|e| {
                    Refused::Undecodable(format!("payload `value` has no status: {e}"))
                })?;
                demo.decide_text(&status.status)
            } else {
                demo.decide_text(&json)
            }
        };
        match args.sleep {
            None => {
                let handler = move |record: KafkaRecord<'_>| decide(&record);
                let processor =
                    configure(BatchProcessor::new(Kafka, handler), args)?.parallel(args.parallel);
                drive(&processor, event, args).await
            }
            Some(sleep) => {
                let handler = move |record: KafkaRecord<'_>| demo::after(sleep, decide(&record));
                let processor = configure(BatchProcessor::new(Kafka, handler), args)?;
                drive(&processor, event, args).await
            }
        }
    }

    /// Encodes sample payloads with a schema, in a frame.
    pub struct Encoder {
        schema: Schema,
        framing: FramingArg,
    }

    /// The Glue schema version id of the samples.
    const GLUE_VERSION: [u8; 16] = [
        0x5e, 0x8f, 0x2d, 0x0c, 0x6a, 0x3b, 0x4c, 0x1e, 0x9f, 0x7a, 0x2b, 0x6d, 0x4e, 0x8a, 0x1c,
        0x3f,
    ];

    impl Encoder {
        /// The schema in `path`, for values in `framing`.
        pub fn open(path: &Path, framing: FramingArg) -> Result<Encoder, CliError> {
            let schema = WriterSchema::from_file(path).map_err(CliError::input)?;
            let schema = schema.schema().map_err(CliError::input)?.clone();
            Ok(Encoder { schema, framing })
        }

        /// `payload` in Avro, in the frame.
        pub fn encode(&self, payload: &serde_json::Value) -> io::Result<Vec<u8>> {
            let value = Value::from(payload.clone())
                .resolve(&self.schema)
                .map_err(|e| {
                    io::Error::other(format!(
                        "the sample payload {payload} does not fit the Avro schema: {e}"
                    ))
                })?;
            let datum = apache_avro::to_avro_datum(&self.schema, value)
                .map_err(|e| io::Error::other(format!("cannot encode {payload} in Avro: {e}")))?;
            Ok(match self.framing {
                FramingArg::Auto | FramingArg::Plain => datum,
                FramingArg::Confluent => [&[0, 0, 0, 0, 1][..], &datum].concat(),
                FramingArg::Glue => [&[3, 0][..], &GLUE_VERSION, &datum].concat(),
            })
        }
    }
}

#[cfg(not(feature = "avro"))]
mod without_avro {
    use super::*;
    use crate::args::ProcessArgs;
    use crate::process::Done;

    fn unsupported() -> CliError {
        CliError::input(
            "this lambda-batch was built without Avro: build it with `cargo install lambda-batch-cli --features avro` (or `cargo build --features avro`)",
        )
    }

    pub(crate) async fn process(
        _event: &str,
        _args: &ProcessArgs,
        _path: &Path,
    ) -> Result<Done, CliError> {
        Err(unsupported())
    }

    /// Without Avro, no encoder opens.
    pub enum Encoder {}

    impl Encoder {
        pub fn open(_path: &Path, _framing: FramingArg) -> Result<Encoder, CliError> {
            Err(unsupported())
        }

        pub fn encode(&self, _payload: &serde_json::Value) -> std::io::Result<Vec<u8>> {
            match *self {}
        }
    }
}
