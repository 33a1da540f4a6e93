//! Command-line arguments, parsed by hand.
//!
//! Options take their value as the next argument (`--repeat 3`) or after
//! `=` (`--repeat=3`); `--` ends the options. When an option is given twice,
//! the last one counts.

use std::ffi::OsString;
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use lambda_batch::{FifoMode, StreamMode};

use crate::exit::CliError;
use crate::suggest::did_you_mean;

/// Usage of the whole program.
pub const USAGE: &str = "\
lambda-batch: run AWS Lambda partial batch processing on event files, and write sample events

usage:
  lambda-batch process [FILE|-] [OPTIONS]
  lambda-batch events sqs|sqs-fifo|kinesis|dynamodb|kafka --records N [OPTIONS]
  lambda-batch --help | process --help | events --help

exit codes: 0 response printed, 1 the whole batch failed, 2 invalid input or usage";

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

/// The options of `events`, for suggestions.
const EVENTS_OPTIONS: &[&str] = &[
    "--help",
    "--records",
    "--fail-every",
    "--groups",
    "--payload-bytes",
    "--pipe",
    "--avro",
    "--framing",
];

/// Usage of `events`.
pub const EVENTS_USAGE: &str = "\
usage: lambda-batch events sqs|sqs-fifo|kinesis|dynamodb|kafka --records N [OPTIONS]

Writes a sample batch event to stdout. Each record's payload is
{\"id\":i,\"status\":\"ok\"|\"fail\",\"pad\":\"x...\"}.

options:
  --records N          number of records (required)
  --fail-every K       record i fails when i % K == K-1 (default 10; 0: none fails)
  --groups G           message groups (sqs-fifo) or partitions (kafka) (default 4)
  --payload-bytes B    length of the pad text of each payload (default 64)
  --pipe               write the batch as an EventBridge pipe sends it to a Lambda target:
                       a list of records (Kinesis records flat), not an event source
                       mapping's {\"Records\": [...]} (not for kafka: pipes from Kafka
                       take no partial batch response)
  --avro SCHEMA.avsc   kafka: write each value Avro-encoded with the schema in SCHEMA.avsc (its
                       fields take the payload's id, status and pad)
  --framing plain|confluent|glue
                       kafka --avro: the registry frame around each value (default confluent,
                       schema id 1)
  -h, --help           print this help";

/// A command to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Print this usage text on stdout.
    Help(&'static str),
    /// `process`.
    Process(ProcessArgs),
    /// `events`.
    Events(EventsArgs),
}

/// Where the event is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Standard input, named as `-`.
    Stdin,
    /// Standard input, because no FILE was given: errors about the event say so.
    Unnamed,
    /// A file.
    File(PathBuf),
}

/// An event source, as named on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// Amazon SQS.
    Sqs,
    /// Kinesis Data Streams.
    Kinesis,
    /// DynamoDB Streams.
    DynamoDb,
    /// Kafka (MSK or self-managed).
    Kafka,
}

impl FromStr for SourceKind {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        match s {
            "sqs" => Ok(SourceKind::Sqs),
            "kinesis" => Ok(SourceKind::Kinesis),
            "dynamodb" => Ok(SourceKind::DynamoDb),
            "kafka" => Ok(SourceKind::Kafka),
            _ => Err(()),
        }
    }
}

impl fmt::Display for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SourceKind::Sqs => "sqs",
            SourceKind::Kinesis => "kinesis",
            SourceKind::DynamoDb => "dynamodb",
            SourceKind::Kafka => "kafka",
        })
    }
}

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

impl FromStr for FramingArg {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        match s {
            "auto" => Ok(FramingArg::Auto),
            "plain" => Ok(FramingArg::Plain),
            "confluent" => Ok(FramingArg::Confluent),
            "glue" => Ok(FramingArg::Glue),
            _ => Err(()),
        }
    }
}

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
        _ => Err(format!(
            "unknown Kafka value format `{value}`; expected json or avro:SCHEMA.avsc"
        )),
    }
}

/// A kind of sample event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// SQS standard queue.
    Sqs,
    /// SQS FIFO queue.
    SqsFifo,
    /// Kinesis Data Streams.
    Kinesis,
    /// DynamoDB Streams.
    DynamoDb,
    /// Amazon MSK.
    Kafka,
}

impl FromStr for EventKind {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        match s {
            "sqs" => Ok(EventKind::Sqs),
            "sqs-fifo" => Ok(EventKind::SqsFifo),
            "kinesis" => Ok(EventKind::Kinesis),
            "dynamodb" => Ok(EventKind::DynamoDb),
            "kafka" => Ok(EventKind::Kafka),
            _ => Err(()),
        }
    }
}

/// Arguments of `events`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventsArgs {
    /// The kind of event.
    pub kind: EventKind,
    /// How many records.
    pub records: usize,
    /// Record `i` fails when `i % fail_every == fail_every - 1`; 0: none fails.
    pub fail_every: usize,
    /// Message groups (SQS FIFO) or partitions (Kafka), at least 1.
    pub groups: usize,
    /// Length of each payload's pad text.
    pub payload_bytes: usize,
    /// Write an EventBridge pipe's batch instead of an event source mapping's event.
    pub pipe: bool,
    /// Kafka: encode values in Avro with the schema in this file.
    pub avro: Option<PathBuf>,
    /// Kafka `--avro`: the frame around each value.
    pub framing: FramingArg,
}

/// Parses the arguments that follow the program name.
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Command, CliError> {
    let args = args
        .into_iter()
        .map(|arg| {
            arg.into_string().map_err(|arg| {
                CliError::usage(
                    format!("argument `{}` is not valid UTF-8", arg.to_string_lossy()),
                    USAGE,
                )
            })
        })
        .collect::<Result<Vec<String>, _>>()?;
    let mut args = args.into_iter();
    match args.next().as_deref() {
        None => Err(CliError::usage("no command given", USAGE)),
        Some("-h" | "--help" | "help") => Ok(Command::Help(USAGE)),
        Some("process") => parse_process(Args::new(args, PROCESS_USAGE)),
        Some("events") => parse_events(Args::new(args, EVENTS_USAGE)),
        Some(other) if other.starts_with('-') => Err(CliError::usage(
            format!(
                "unknown option `{other}`{}",
                did_you_mean(other, &["--help", "--version"])
            ),
            USAGE,
        )),
        Some(other) => Err(CliError::usage(
            format!(
                "unknown command `{other}`{}",
                did_you_mean(other, &["process", "events"])
            ),
            USAGE,
        )),
    }
}

/// One argument of a command line.
enum Arg {
    /// `--name`, with its `=value` if given inline.
    Option(String, Option<String>),
    /// A positional argument.
    Positional(String),
}

/// The arguments of one command, with its usage for error messages.
struct Args {
    rest: std::vec::IntoIter<String>,
    usage: &'static str,
    only_positional: bool,
}

impl Args {
    fn new(rest: impl Iterator<Item = String>, usage: &'static str) -> Self {
        Args {
            rest: rest.collect::<Vec<_>>().into_iter(),
            usage,
            only_positional: false,
        }
    }

    fn next_arg(&mut self) -> Option<Arg> {
        loop {
            let arg = self.rest.next()?;
            if self.only_positional || arg == "-" || !arg.starts_with('-') {
                return Some(Arg::Positional(arg));
            }
            if arg == "--" {
                self.only_positional = true;
                continue;
            }
            return Some(match arg.split_once('=') {
                Some((name, value)) if name.starts_with("--") => {
                    Arg::Option(name.to_owned(), Some(value.to_owned()))
                }
                _ => Arg::Option(arg, None),
            });
        }
    }

    /// The value of option `name`: inline, or the next argument.
    fn value(&mut self, name: &str, inline: Option<String>) -> Result<String, CliError> {
        match inline {
            Some(value) => Ok(value),
            None => self
                .rest
                .next()
                .ok_or_else(|| self.error(format!("option `{name}` needs a value"))),
        }
    }

    /// The value of option `name`, as a number no smaller than `min`.
    fn number<T>(&mut self, name: &str, inline: Option<String>, min: T) -> Result<T, CliError>
    where
        T: FromStr + PartialOrd + fmt::Display,
    {
        let text = self.value(name, inline)?;
        match text.parse::<T>() {
            Ok(n) if n >= min => Ok(n),
            Ok(_) => Err(self.error(format!(
                "option `{name}` must be at least {min}, got `{text}`"
            ))),
            Err(_) => Err(self.error(format!(
                "option `{name}` needs a whole number, got `{text}`"
            ))),
        }
    }

    /// The value of option `name`, as whole milliseconds.
    fn millis(&mut self, name: &str, inline: Option<String>) -> Result<Duration, CliError> {
        self.number::<u64>(name, inline, 0)
            .map(Duration::from_millis)
    }

    /// Refuses a value given to a flag that takes none.
    fn no_value(&self, name: &str, inline: Option<String>) -> Result<(), CliError> {
        match inline {
            Some(_) => Err(self.error(format!("option `{name}` takes no value"))),
            None => Ok(()),
        }
    }

    fn error(&self, message: String) -> CliError {
        CliError::usage(message, self.usage)
    }
}

fn parse_process(mut args: Args) -> Result<Command, CliError> {
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
                "--source" => {
                    let value = args.value(&name, inline)?;
                    let source = value.parse().map_err(|()| {
                        args.error(format!(
                            "unknown source `{value}`; expected sqs, kinesis, dynamodb or kafka{}",
                            did_you_mean(&value, &["sqs", "kinesis", "dynamodb", "kafka"])
                        ))
                    })?;
                    parsed.source = Some(source);
                }
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
                    let value = args.value(&name, inline)?;
                    parsed.fifo = Some(match value.as_str() {
                        "auto" => FifoMode::Auto,
                        "stop" => FifoMode::Stop,
                        "skip-group" => FifoMode::SkipGroup,
                        "off" => FifoMode::Off,
                        _ => {
                            return Err(args.error(format!(
                            "unknown FIFO mode `{value}`; expected auto, stop, skip-group or off"
                        )))
                        }
                    });
                }
                "--stream" => {
                    let value = args.value(&name, inline)?;
                    parsed.stream = Some(match value.as_str() {
                        "off" => StreamMode::Off,
                        "stop" => StreamMode::Stop,
                        "per-key" => StreamMode::PerKey,
                        _ => {
                            return Err(args.error(format!(
                                "unknown stream mode `{value}`; expected off, stop or per-key"
                            )))
                        }
                    });
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
                    let value = args.value(&name, inline)?;
                    parsed.kafka_framing = value.parse().map_err(|()| {
                        args.error(format!(
                            "unknown framing `{value}`; expected auto, plain, confluent or glue"
                        ))
                    })?;
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

fn parse_events(mut args: Args) -> Result<Command, CliError> {
    let mut kind = None;
    let mut records = None;
    let mut fail_every = 10;
    let mut groups = 4;
    let mut payload_bytes = 64;
    let mut pipe = false;
    let mut avro = None;
    let mut framing = None;
    while let Some(arg) = args.next_arg() {
        match arg {
            Arg::Option(name, inline) => match name.as_str() {
                "-h" | "--help" => return Ok(Command::Help(EVENTS_USAGE)),
                "--records" => records = Some(args.number(&name, inline, 0)?),
                "--fail-every" => fail_every = args.number(&name, inline, 0)?,
                "--groups" => groups = args.number(&name, inline, 1)?,
                "--payload-bytes" => payload_bytes = args.number(&name, inline, 0)?,
                "--pipe" => {
                    args.no_value(&name, inline)?;
                    pipe = true;
                }
                "--avro" => avro = Some(PathBuf::from(args.value(&name, inline)?)),
                "--framing" => {
                    let value = args.value(&name, inline)?;
                    framing = Some(match value.parse() {
                        Ok(FramingArg::Auto) | Err(()) => {
                            return Err(args.error(format!(
                                "unknown framing `{value}`; expected plain, confluent or glue"
                            )))
                        }
                        Ok(framing) => framing,
                    });
                }
                _ => {
                    return Err(args.error(format!(
                        "unknown option `{name}` for `events`{}",
                        did_you_mean(&name, EVENTS_OPTIONS)
                    )))
                }
            },
            Arg::Positional(name) => {
                if kind.is_some() {
                    return Err(args.error(format!("unexpected argument `{name}`")));
                }
                kind = Some(name.parse().map_err(|()| {
                    args.error(format!(
                        "unknown event kind `{name}`; expected sqs, sqs-fifo, kinesis, dynamodb or kafka"
                    ))
                })?);
            }
        }
    }
    let kind = kind.ok_or_else(|| args.error("no event kind given".into()))?;
    let records = records.ok_or_else(|| args.error("option `--records N` is required".into()))?;
    if pipe && kind == EventKind::Kafka {
        return Err(args.error(
            "`--pipe` is not for kafka: pipes from Kafka retry the whole batch and take no partial batch response".into(),
        ));
    }
    if avro.is_some() && kind != EventKind::Kafka {
        return Err(args.error("`--avro` applies to kafka events".into()));
    }
    if framing.is_some() && avro.is_none() {
        return Err(
            args.error("`--framing` frames Avro values: give `--avro SCHEMA.avsc` too".into())
        );
    }
    Ok(Command::Events(EventsArgs {
        kind,
        records,
        fail_every,
        groups,
        payload_bytes,
        pipe,
        avro,
        framing: framing.unwrap_or(FramingArg::Confluent),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_strs(args: &[&str]) -> Result<Command, CliError> {
        parse(args.iter().map(OsString::from))
    }

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
    fn double_dash_ends_options() {
        let Ok(Command::Process(p)) = parse_strs(&["process", "--", "--odd-name"]) else {
            panic!("process")
        };
        assert_eq!(p.input, Input::File("--odd-name".into()));
    }

    #[test]
    fn bad_usage_is_refused() {
        for args in [
            &["process", "--nope"][..],
            &["process", "a", "b"],
            &["process", "--repeat", "0"],
            &["process", "--repeat", "x"],
            &["process", "--repeat"],
            &["process", "--source", "s3"],
            &["process", "--no-raise-on-full-failure=yes"],
            &["events", "sqs"],
            &["events", "--records", "3"],
            &["events", "sns", "--records", "3"],
            &["events", "kafka", "--records", "3", "--groups", "0"],
            &["events", "kafka", "--records", "3", "--pipe"],
            &["events", "sqs", "--records", "3", "--pipe=yes"],
            &["events", "sqs", "--records", "3", "--avro", "s.avsc"],
            &["events", "kafka", "--records", "3", "--framing", "glue"],
            &[
                "events",
                "kafka",
                "--records",
                "3",
                "--avro",
                "s.avsc",
                "--framing",
                "auto",
            ],
            &["process", "--kafka-value", "avro"],
            &["process", "--kafka-value", "avro:"],
            &["process", "--kafka-value", "protobuf:user.desc"],
            &["process", "--kafka-value", "xml"],
            &["process", "--kafka-framing", "zip"],
            &["frobnicate"],
            &[],
        ] {
            assert!(parse_strs(args).is_err(), "{args:?}");
        }
    }

    #[test]
    fn events_defaults() {
        let Ok(Command::Events(e)) = parse_strs(&["events", "sqs-fifo", "--records", "5"]) else {
            panic!("events")
        };
        assert_eq!(
            e,
            EventsArgs {
                kind: EventKind::SqsFifo,
                records: 5,
                fail_every: 10,
                groups: 4,
                payload_bytes: 64,
                pipe: false,
                avro: None,
                framing: FramingArg::Confluent,
            }
        );
        let Ok(Command::Events(e)) = parse_strs(&["events", "kinesis", "--records", "2", "--pipe"])
        else {
            panic!("events --pipe")
        };
        assert!(e.pipe);
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

    #[test]
    fn help_everywhere() {
        assert_eq!(parse_strs(&["--help"]).ok(), Some(Command::Help(USAGE)));
        assert_eq!(
            parse_strs(&["process", "x", "--help"]).ok(),
            Some(Command::Help(PROCESS_USAGE))
        );
        assert_eq!(
            parse_strs(&["events", "-h"]).ok(),
            Some(Command::Help(EVENTS_USAGE))
        );
    }
}
