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

use crate::exit::CliError;
use crate::suggest::did_you_mean;

mod events;
mod process;

use events::parse_events;
use process::parse_process;

pub use events::{EventKind, EventsArgs, EVENTS_USAGE};
pub use process::{FramingArg, KafkaValue, ProcessArgs, PROCESS_USAGE};

/// Usage of the whole program.
pub const USAGE: &str = "\
lambda-batch: run AWS Lambda partial batch processing on event files, and write sample events

usage:
  lambda-batch process [FILE|-] [OPTIONS]
  lambda-batch events sqs|sqs-fifo|kinesis|dynamodb|kafka --records N [OPTIONS]
  lambda-batch --help | process --help | events --help

exit codes: 0 response printed, 1 the whole batch failed, 2 invalid input or usage";

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

/// The values of `--source`.
const SOURCES: &[(&str, SourceKind)] = &[
    ("sqs", SourceKind::Sqs),
    ("kinesis", SourceKind::Kinesis),
    ("dynamodb", SourceKind::DynamoDb),
    ("kafka", SourceKind::Kafka),
];

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

/// ``unknown WHAT `VALUE`; expected A, B or C``, with the closest name when
/// one is close.
fn unknown(what: &str, value: &str, names: &[&str]) -> String {
    let expected = match names.split_last() {
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    };
    format!(
        "unknown {what} `{value}`; expected {expected}{}",
        did_you_mean(value, names)
    )
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

    /// The value of option `name`, one of `choices` (its name, and what it
    /// means); `what` names the kind of value in the error.
    fn choice<T: Copy>(
        &mut self,
        name: &str,
        inline: Option<String>,
        what: &str,
        choices: &[(&str, T)],
    ) -> Result<T, CliError> {
        let value = self.value(name, inline)?;
        match choices.iter().find(|(choice, _)| *choice == value) {
            Some(&(_, meaning)) => Ok(meaning),
            None => {
                let names: Vec<&str> = choices.iter().map(|&(choice, _)| choice).collect();
                Err(self.error(unknown(what, &value, &names)))
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn parse_strs(args: &[&str]) -> Result<Command, CliError> {
        parse(args.iter().map(OsString::from))
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
    fn near_misses_of_every_value_suggest_the_valid_one() {
        for (args, suggested) in [
            (&["process", "--fifo", "skipgroup"][..], "skip-group"),
            (&["process", "--fifo", "skip_group"], "skip-group"),
            (&["process", "--fifo=SkipGroup"], "skip-group"),
            (&["process", "--stream", "perkey"], "per-key"),
            (&["process", "--stream", "Per_Key"], "per-key"),
            (&["process", "--source", "SQS"], "sqs"),
            (&["process", "--source", "DynamoDB"], "dynamodb"),
            (&["process", "--kafka-framing", "Confluent"], "confluent"),
            (&["process", "--kafka-value", "JSON"], "json"),
            (&["process", "--kafka-value", "avor:o.avsc"], "avro:o.avsc"),
            (&["events", "sqs_fifo", "--records", "1"], "sqs-fifo"),
            (&["events", "DynamoDB", "--records", "1"], "dynamodb"),
            (
                &[
                    "events",
                    "kafka",
                    "--records",
                    "1",
                    "--avro",
                    "o.avsc",
                    "--framing",
                    "GLUE",
                ],
                "glue",
            ),
        ] {
            let Err(CliError::Usage { message, .. }) = parse_strs(args) else {
                panic!("{args:?} is refused")
            };
            assert!(
                message.ends_with(&format!("; did you mean `{suggested}`?")),
                "{args:?}: {message}"
            );
        }
        let Err(CliError::Usage { message, .. }) = parse_strs(&["process", "--fifo", "order"])
        else {
            panic!("refused")
        };
        assert_eq!(
            message,
            "unknown FIFO mode `order`; expected auto, stop, skip-group or off"
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
