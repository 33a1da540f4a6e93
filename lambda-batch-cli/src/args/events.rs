//! The `events` command's arguments.

use std::path::PathBuf;

use super::{unknown, Arg, Args, Command, FramingArg};
use crate::exit::CliError;
use crate::suggest::did_you_mean;

/// The options of `events`, for suggestions.
const EVENTS_OPTIONS: &[&str] = &[
    "--help",
    "--records",
    "--fail-every",
    "--groups",
    "--payload-bytes",
    "--pipe",
    "--sns",
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
  --sns                sqs, sqs-fifo: write each body as the notification an SNS topic
                       delivers to the queue (raw message delivery off): the payload is
                       its `Message`
  --avro SCHEMA.avsc   kafka: write each value Avro-encoded with the schema in SCHEMA.avsc (its
                       fields take the payload's id, status and pad)
  --framing plain|confluent|glue
                       kafka --avro: the registry frame around each value (default confluent,
                       schema id 1)
  -h, --help           print this help";

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

/// The kinds of sample event, as named on the command line.
const EVENT_KINDS: &[(&str, EventKind)] = &[
    ("sqs", EventKind::Sqs),
    ("sqs-fifo", EventKind::SqsFifo),
    ("kinesis", EventKind::Kinesis),
    ("dynamodb", EventKind::DynamoDb),
    ("kafka", EventKind::Kafka),
];

/// The values of `--framing`: the frames that can be written (no `auto`).
const FRAMES: &[(&str, FramingArg)] = &[
    ("plain", FramingArg::Plain),
    ("confluent", FramingArg::Confluent),
    ("glue", FramingArg::Glue),
];

/// The kind named `name`, or the error that names the closest one.
fn event_kind(name: &str) -> Result<EventKind, String> {
    if let Some(&(_, kind)) = EVENT_KINDS.iter().find(|(kind, _)| *kind == name) {
        return Ok(kind);
    }
    if name.eq_ignore_ascii_case("sns") {
        return Err(format!(
            "unknown event kind `{name}`: SNS reaches Lambda batches through an SQS queue; \
             `events sqs --sns` writes SQS messages whose bodies are SNS notifications"
        ));
    }
    let names: Vec<&str> = EVENT_KINDS.iter().map(|&(kind, _)| kind).collect();
    Err(unknown("event kind", name, &names))
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
    /// SQS: write each body as an SNS notification (raw message delivery off).
    pub sns: bool,
    /// Kafka: encode values in Avro with the schema in this file.
    pub avro: Option<PathBuf>,
    /// Kafka `--avro`: the frame around each value.
    pub framing: FramingArg,
}
pub(super) fn parse_events(mut args: Args) -> Result<Command, CliError> {
    let mut kind = None;
    let mut records = None;
    let mut fail_every = 10;
    let mut groups = 4;
    let mut payload_bytes = 64;
    let mut pipe = false;
    let mut sns = false;
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
                "--sns" => {
                    args.no_value(&name, inline)?;
                    sns = true;
                }
                "--avro" => avro = Some(PathBuf::from(args.value(&name, inline)?)),
                "--framing" => framing = Some(args.choice(&name, inline, "framing", FRAMES)?),
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
                kind = Some(event_kind(&name).map_err(|e| args.error(e))?);
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
    if sns && !matches!(kind, EventKind::Sqs | EventKind::SqsFifo) {
        return Err(args.error(
            "`--sns` applies to sqs and sqs-fifo events: SNS delivers its notifications to queues"
                .into(),
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
        sns,
        avro,
        framing: framing.unwrap_or(FramingArg::Confluent),
    }))
}

#[cfg(test)]
mod tests {
    use super::super::tests::parse_strs;
    use super::*;

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
                sns: false,
                avro: None,
                framing: FramingArg::Confluent,
            }
        );
        let Ok(Command::Events(e)) = parse_strs(&["events", "kinesis", "--records", "2", "--pipe"])
        else {
            panic!("events --pipe")
        };
        assert!(e.pipe);
        let Ok(Command::Events(e)) = parse_strs(&["events", "sqs-fifo", "--records=2", "--sns"])
        else {
            panic!("events --sns")
        };
        assert!(e.sns);
        for refused in [
            &["events", "kinesis", "--records", "2", "--sns"][..],
            &["events", "sqs", "--records", "2", "--sns=yes"],
        ] {
            assert!(parse_strs(refused).is_err(), "{refused:?}");
        }
        let Err(CliError::Usage { message, .. }) = parse_strs(&["events", "sns", "--records", "2"])
        else {
            panic!("events sns")
        };
        assert!(message.contains("`events sqs --sns`"), "{message}");
    }
}
