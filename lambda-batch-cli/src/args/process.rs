//! The `process` command's arguments.

use std::path::PathBuf;
use std::time::Duration;

use lambda_batch::ordering::{FifoMode, StreamMode};

use super::{Arg, Args, Command, Input, SourceKind, SOURCES};
use crate::exit::CliError;
use crate::suggest::{closest, did_you_mean};

/// Usage of `process`.
pub const PROCESS_USAGE: &str = "\
usage: lambda-batch process [FILE|-] [OPTIONS]

Reads a batch event (from FILE, or stdin when FILE is `-` or absent), runs a demo
handler on every record and prints the partial batch response on stdout.
A record fails when its payload contains `fail`.

options:
  --source sqs|kinesis|dynamodb|kafka  the event source (default: detected from the event)
  --no-raise-on-full-failure           when every record fails, list them all instead of failing
  --panic-on WORD                      the handler panics when the payload contains WORD
  --sleep-ms MS                        the handler is async and sleeps MS milliseconds per record
  --cpu-ms MS                          the handler burns MS milliseconds of CPU per record
  --concurrency N                      run up to N records at once (async handler; default 1)
  --parallel N                         run the sync handler on N threads (default 1)
  --deadline-ms MS                     the invocation's deadline is MS milliseconds after the start
  --deadline-margin-ms MS              stop records this long before the deadline (default 500)
  --record-timeout-ms MS               cancel a record whose async handler runs longer than MS
  --fifo auto|stop|skip-group|off      SQS FIFO ordering (default auto: skip-group on .fifo queues)
  --stream off|stop|per-key            Kinesis/DynamoDB/Kafka ordering after a failure (default off)
  --report FILE                        write one JSON line per record (outcome, error, timing) to FILE
  --repeat N                           process the event N times; print timing on stderr
  --typed                              the handler decodes {\"status\": ...} payloads (DynamoDB: the new
                                       image) and fails when the status contains \"fail\"; payloads that do
                                       not decode fail
  --kafka-value json|avro:SCHEMA.avsc  how Kafka values are read (default json: as text); avro: decoded
                                       with the writer schema in SCHEMA.avsc, then read as JSON
  --kafka-framing auto|plain|confluent|glue
                                       the schema registry framing of Avro values (default auto: from
                                       Lambda's valueSchemaMetadata, else the first byte)
  -h, --help                           print this help

exit codes: 0 response printed, 1 the whole batch failed (Diagnostic JSON on stderr),
            2 invalid input or usage";

/// The options of `process`, for suggestions.
const PROCESS_OPTIONS: &[&str] = &[
    "--help",
    "--source",
    "--no-raise-on-full-failure",
    "--panic-on",
    "--sleep-ms",
    "--report",
    "--repeat",
    "--cpu-ms",
    "--concurrency",
    "--parallel",
    "--deadline-ms",
    "--deadline-margin-ms",
    "--record-timeout-ms",
    "--fifo",
    "--stream",
    "--typed",
    "--kafka-value",
    "--kafka-framing",
];

/// Arguments of `process`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessArgs {
    /// Where the event comes from.
    pub input: Input,
    /// The source, when forced.
    pub source: Option<SourceKind>,
    /// Whether a batch whose every record failed fails the invocation.
    pub raise_on_full_failure: bool,
    /// The handler panics when the payload contains this text.
    pub panic_on: Option<String>,
    /// The handler sleeps this long per record.
    pub sleep: Option<Duration>,
    /// Where to write the per-record report.
    pub report: Option<PathBuf>,
    /// How many times to process the event, when timing is asked for.
    pub repeat: Option<u64>,
    /// The handler burns this much CPU per record.
    pub cpu: Option<Duration>,
    /// How many records may run at once.
    pub concurrency: usize,
    /// How many threads run the sync handler.
    pub parallel: usize,
    /// The simulated invocation deadline, after the start.
    pub deadline: Option<Duration>,
    /// The safety margin before the deadline.
    pub deadline_margin: Option<Duration>,
    /// The per-record timeout.
    pub record_timeout: Option<Duration>,
    /// SQS FIFO ordering, when given.
    pub fifo: Option<FifoMode>,
    /// Stream ordering, when given.
    pub stream: Option<StreamMode>,
    /// Whether the handler decodes typed payloads.
    pub typed: bool,
    /// How Kafka values are read.
    pub kafka_value: KafkaValue,
    /// The registry framing of Kafka values.
    pub kafka_framing: FramingArg,
}

/// How `process` reads Kafka values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KafkaValue {
    /// As text (JSON for `--typed`).
    Json,
    /// Avro, with the writer schema in this file.
    Avro(PathBuf),
}

/// A schema registry framing, as named on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FramingArg {
    /// Detected.
    Auto,
    /// None.
    Plain,
    /// Confluent.
    Confluent,
    /// AWS Glue.
    Glue,
}

/// The values of `--kafka-framing`.
const FRAMINGS: &[(&str, FramingArg)] = &[
    ("auto", FramingArg::Auto),
    ("plain", FramingArg::Plain),
    ("confluent", FramingArg::Confluent),
    ("glue", FramingArg::Glue),
];

/// The values of `--fifo`.
const FIFO_MODES: &[(&str, FifoMode)] = &[
    ("auto", FifoMode::Auto),
    ("stop", FifoMode::Stop),
    ("skip-group", FifoMode::SkipGroup),
    ("off", FifoMode::Off),
];

/// The values of `--stream`.
const STREAM_MODES: &[(&str, StreamMode)] = &[
    ("off", StreamMode::Off),
    ("stop", StreamMode::Stop),
    ("per-key", StreamMode::PerKey),
];

/// Reads `--kafka-value`.
fn kafka_value(value: &str) -> Result<KafkaValue, String> {
    if value == "json" {
        return Ok(KafkaValue::Json);
    }
    if value == "protobuf" || value.starts_with("protobuf:") {
        return Err(
            "the command cannot decode Protobuf values: a message type is Rust code, not \
             a file it can read. Decode them in your function with \
             `lambda_batch::typed::Protobuf<T>` (feature `protobuf`) and a `prost` message"
                .into(),
        );
    }
    match value.strip_prefix("avro:") {
        Some(path) if !path.is_empty() => Ok(KafkaValue::Avro(PathBuf::from(path))),
        _ if value == "avro" || value == "avro:" => {
            Err("`--kafka-value avro:SCHEMA.avsc` needs the path of the writer schema".into())
        }
        _ => {
            // `avor:order.avsc` is `avro:order.avsc` misspelt: keep its path.
            let (format, path) = value.split_once(':').unwrap_or((value, ""));
            let suggestion = match closest(format, &["json", "avro"]) {
                Some("avro") if !path.is_empty() => format!("; did you mean `avro:{path}`?"),
                Some("avro") => "; did you mean `avro:SCHEMA.avsc`?".to_owned(),
                Some(format) => format!("; did you mean `{format}`?"),
                None => String::new(),
            };
            Err(format!(
                "unknown Kafka value format `{value}`; expected json or avro:SCHEMA.avsc{suggestion}"
            ))
        }
    }
}
pub(super) fn parse_process(mut args: Args) -> Result<Command, CliError> {
    let mut parsed = ProcessArgs {
        input: Input::Unnamed,
        source: None,
        raise_on_full_failure: true,
        panic_on: None,
        sleep: None,
        report: None,
        repeat: None,
        cpu: None,
        concurrency: 1,
        parallel: 1,
        deadline: None,
        deadline_margin: None,
        record_timeout: None,
        fifo: None,
        stream: None,
        typed: false,
        kafka_value: KafkaValue::Json,
        kafka_framing: FramingArg::Auto,
    };
    let mut input = None;
    while let Some(arg) = args.next_arg() {
        match arg {
            Arg::Option(name, inline) => match name.as_str() {
                "-h" | "--help" => return Ok(Command::Help(PROCESS_USAGE)),
                "--source" => parsed.source = Some(args.choice(&name, inline, "source", SOURCES)?),
                "--no-raise-on-full-failure" => {
                    args.no_value(&name, inline)?;
                    parsed.raise_on_full_failure = false;
                }
                "--panic-on" => {
                    let word = args.value(&name, inline)?;
                    if word.is_empty() {
                        return Err(args.error("option `--panic-on` needs a non-empty word".into()));
                    }
                    parsed.panic_on = Some(word);
                }
                "--sleep-ms" => parsed.sleep = Some(args.millis(&name, inline)?),
                "--report" => parsed.report = Some(PathBuf::from(args.value(&name, inline)?)),
                "--repeat" => parsed.repeat = Some(args.number(&name, inline, 1)?),
                "--cpu-ms" => parsed.cpu = Some(args.millis(&name, inline)?),
                "--concurrency" => parsed.concurrency = args.number(&name, inline, 1)?,
                "--parallel" => parsed.parallel = args.number(&name, inline, 1)?,
                "--deadline-ms" => parsed.deadline = Some(args.millis(&name, inline)?),
                "--deadline-margin-ms" => {
                    parsed.deadline_margin = Some(args.millis(&name, inline)?)
                }
                "--record-timeout-ms" => parsed.record_timeout = Some(args.millis(&name, inline)?),
                "--fifo" => {
                    parsed.fifo = Some(args.choice(&name, inline, "FIFO mode", FIFO_MODES)?)
                }
                "--stream" => {
                    parsed.stream = Some(args.choice(&name, inline, "stream mode", STREAM_MODES)?)
                }
                "--typed" => {
                    args.no_value(&name, inline)?;
                    parsed.typed = true;
                }
                "--kafka-value" => {
                    let value = args.value(&name, inline)?;
                    parsed.kafka_value = kafka_value(&value).map_err(|e| args.error(e))?;
                }
                "--kafka-framing" => {
                    parsed.kafka_framing = args.choice(&name, inline, "framing", FRAMINGS)?
                }
                _ => {
                    return Err(args.error(format!(
                        "unknown option `{name}` for `process`{}",
                        did_you_mean(&name, PROCESS_OPTIONS)
                    )))
                }
            },
            Arg::Positional(path) => {
                if input.is_some() {
                    return Err(args.error(format!(
                        "unexpected argument `{path}`: `process` reads one event"
                    )));
                }
                input = Some(if path == "-" {
                    Input::Stdin
                } else {
                    Input::File(PathBuf::from(path))
                });
            }
        }
    }
    if let Some(input) = input {
        parsed.input = input;
    }
    if parsed.parallel > 1 && parsed.sleep.is_some() {
        return Err(args.error(
            "`--parallel` runs the sync handler on threads, and `--sleep-ms` makes the handler async: use `--concurrency` with `--sleep-ms`".into(),
        ));
    }
    Ok(Command::Process(parsed))
}

#[cfg(test)]
mod tests {
    use super::super::tests::parse_strs;
    use super::*;

    #[test]
    fn process_defaults_to_stdin() {
        let Ok(Command::Process(p)) = parse_strs(&["process"]) else {
            panic!("process")
        };
        assert_eq!(p.input, Input::Unnamed);
        assert!(p.raise_on_full_failure);
        assert_eq!(p.repeat, None);
    }

    #[test]
    fn process_options_inline_and_separate() {
        let Ok(Command::Process(p)) = parse_strs(&[
            "process",
            "e.json",
            "--source=kinesis",
            "--repeat",
            "3",
            "--sleep-ms=2",
            "--no-raise-on-full-failure",
            "--panic-on",
            "boom",
            "--report",
            "r.jsonl",
        ]) else {
            panic!("process")
        };
        assert_eq!(p.input, Input::File("e.json".into()));
        assert_eq!(p.source, Some(SourceKind::Kinesis));
        assert_eq!(p.repeat, Some(3));
        assert_eq!(p.sleep, Some(Duration::from_millis(2)));
        assert!(!p.raise_on_full_failure);
        assert_eq!(p.panic_on.as_deref(), Some("boom"));
        assert_eq!(p.report, Some(PathBuf::from("r.jsonl")));
    }

    #[test]
    fn kafka_formats() {
        let Ok(Command::Process(p)) = parse_strs(&[
            "process",
            "--kafka-value=avro:schemas/order.avsc",
            "--kafka-framing",
            "glue",
        ]) else {
            panic!("process")
        };
        assert_eq!(p.kafka_value, KafkaValue::Avro("schemas/order.avsc".into()));
        assert_eq!(p.kafka_framing, FramingArg::Glue);
        let Err(err) = parse_strs(&["process", "--kafka-value", "protobuf"]) else {
            panic!("protobuf")
        };
        assert!(
            format!("{err:?}").contains("lambda_batch::typed::Protobuf<T>"),
            "{err:?}"
        );
        let Ok(Command::Events(e)) = parse_strs(&[
            "events",
            "kafka",
            "--records",
            "2",
            "--avro",
            "o.avsc",
            "--framing=plain",
        ]) else {
            panic!("events")
        };
        assert_eq!(
            (e.avro, e.framing),
            (Some(PathBuf::from("o.avsc")), FramingArg::Plain)
        );
    }
}
