//! `lambda-batch events`: writes realistic sample batch events.
//!
//! Record `i`'s payload is `{"id":i,"status":"ok"|"fail","pad":"x..."}`; it
//! fails (status `fail`) when `fail_every > 0` and `i % fail_every ==
//! fail_every - 1`. Only failing payloads contain the text `fail`, so
//! `lambda-batch process` reports exactly those records. Output is
//! deterministic: identifiers come from a seeded generator.
//!
//! With `--pipe`, the batch is written as an EventBridge pipe sends it to a
//! Lambda target: the list of records itself, Kinesis records flat (the
//! `kinesis` object's fields beside `eventID` and the others).
//!
//! With `--sns`, each SQS body is the notification an SNS topic delivers to
//! the queue, the payload its `Message` (see [`sns`]).

mod rng;
mod shapes;
mod sns;

use std::io::{self, BufWriter, Write};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use serde::Serialize;
use serde_json::json;

use crate::args::{EventKind, EventsArgs};
use crate::exit::{self, CliError};
use crate::kafka_avro::Encoder;
use rng::SplitMix64;
use shapes::{
    DynamoDbRecord, FlatKinesisRecord, KafkaRecord, KinesisData, KinesisEvent, KinesisRecord,
    SqsAttributes, SqsMessage, StreamRecord,
};

const REGION: &str = "us-east-2";
const SQS_ARN: &str = "arn:aws:sqs:us-east-2:123456789012:my-queue";
const SQS_FIFO_ARN: &str = "arn:aws:sqs:us-east-2:123456789012:my-queue.fifo";
const KINESIS_ARN: &str = "arn:aws:kinesis:us-east-2:123456789012:stream/lambda-stream";
const DYNAMODB_ARN: &str =
    "arn:aws:dynamodb:us-east-2:123456789012:table/ExampleTable/stream/2015-06-27T00:48:05.899";
const KAFKA_ARN: &str =
    "arn:aws:kafka:us-east-2:123456789012:cluster/orders-cluster/5e8f2d0c-6a3b-4c1e-9f7a-2b6d4e8a1c3f-4";
const KAFKA_SERVERS: &str = "b-1.orders-cluster.x1y2z3.c4.kafka.us-east-2.amazonaws.com:9098,\
b-2.orders-cluster.x1y2z3.c4.kafka.us-east-2.amazonaws.com:9098";
const KAFKA_TOPIC: &str = "orders";
const SEED: u64 = 7;

/// Runs `events` with these arguments, writing to stdout.
pub fn run(args: &EventsArgs) -> Result<(), CliError> {
    let encoder = match &args.avro {
        Some(path) => Some(Encoder::open(path, args.framing)?),
        None => None,
    };
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    match write(&mut out, args, encoder.as_ref()).and_then(|()| out.flush()) {
        // A payload that does not fit the schema is the schema's fault.
        Err(e) if e.kind() == io::ErrorKind::Other => Err(CliError::input(e)),
        written => exit::written(written, "the event"),
    }
}

/// Writes the event `args` describe to `out`, followed by a newline; Kafka
/// values in Avro when `encoder` is given.
pub fn write(out: &mut impl Write, args: &EventsArgs, encoder: Option<&Encoder>) -> io::Result<()> {
    let mut generator = Generator {
        args,
        rng: SplitMix64(SEED),
        pad: "x".repeat(args.payload_bytes),
        encoder,
    };
    match (args.kind, args.pipe) {
        (EventKind::Sqs, _) => generator.records_list(out, |g, i| g.sqs(i, false)),
        (EventKind::SqsFifo, _) => generator.records_list(out, |g, i| g.sqs(i, true)),
        (EventKind::Kinesis, false) => generator.records_list(out, Generator::kinesis),
        (EventKind::Kinesis, true) => {
            generator.records_list(out, |g, i| FlatKinesisRecord::from(g.kinesis(i)))
        }
        (EventKind::DynamoDb, _) => generator.records_list(out, Generator::dynamodb),
        // The arguments refuse `--pipe` for Kafka: its pipes take no partial response.
        (EventKind::Kafka, _) => generator.kafka(out),
    }?;
    out.write_all(b"\n")
}

struct Generator<'a> {
    args: &'a EventsArgs,
    rng: SplitMix64,
    pad: String,
    encoder: Option<&'a Encoder>,
}

#[derive(Serialize)]
struct Payload<'a> {
    id: usize,
    status: &'a str,
    pad: &'a str,
}

impl Generator<'_> {
    fn fails(&self, i: usize) -> bool {
        let every = self.args.fail_every;
        every > 0 && i % every == every - 1
    }

    fn payload(&self, i: usize) -> String {
        let status = if self.fails(i) { "fail" } else { "ok" };
        let payload = Payload {
            id: i,
            status,
            pad: &self.pad,
        };
        // A struct of a number and two strings always serialises.
        serde_json::to_string(&payload).unwrap_or_default()
    }

    /// `{"Records":[...]}`, one record per `i` from `record`; with `--pipe`,
    /// the list alone.
    fn records_list<W, R, F>(&mut self, out: &mut W, mut record: F) -> io::Result<()>
    where
        W: Write,
        R: Serialize,
        F: FnMut(&mut Self, usize) -> R,
    {
        let (open, close): (&[u8], &[u8]) = match self.args.pipe {
            true => (b"[", b"]"),
            false => (b"{\"Records\":[", b"]}"),
        };
        out.write_all(open)?;
        for i in 0..self.args.records {
            if i > 0 {
                out.write_all(b",")?;
            }
            serde_json::to_writer(&mut *out, &record(self, i))?;
        }
        out.write_all(close)
    }

    fn sqs(&mut self, i: usize, fifo: bool) -> SqsMessage<'static> {
        let sent = 1_545_082_649_183 + i as u64;
        let groups = self.args.groups;
        let mut handle = String::from("AQEB");
        BASE64.encode_string(self.rng.bytes(96), &mut handle);
        SqsMessage {
            message_id: self.rng.uuid(),
            receipt_handle: handle,
            body: match self.args.sns {
                // Published to the topic a little before the queue took it.
                true => {
                    let payload = self.payload(i);
                    let sequence = 10_000_000_000_000_000_000 + i as u128;
                    sns::notification(&mut self.rng, &payload, sent - 20, fifo, sequence)
                }
                false => self.payload(i),
            },
            attributes: SqsAttributes {
                approximate_receive_count: "1".into(),
                sent_timestamp: sent.to_string(),
                sender_id: "AIDAIENQZJOLO23YVJ4VO",
                approximate_first_receive_timestamp: (sent + 2).to_string(),
                sequence_number: fifo
                    .then(|| (18_849_496_460_467_696_128_u128 + i as u128).to_string()),
                message_group_id: fifo.then(|| format!("group-{}", i % groups)),
                message_deduplication_id: fifo.then(|| self.rng.hex(64)),
            },
            message_attributes: json!({}),
            md5_of_body: self.rng.hex(32),
            event_source: "aws:sqs",
            event_source_arn: if fifo { SQS_FIFO_ARN } else { SQS_ARN },
            aws_region: REGION,
        }
    }

    fn kinesis(&mut self, i: usize) -> KinesisRecord<'static> {
        // 49590338271490256608559692538361571095921575989136588898 + i, in two parts.
        let sequence = format!(
            "4959033827149025660855969253836{:025}",
            1_571_095_921_575_989_136_588_898_u128 + i as u128
        );
        KinesisRecord {
            kinesis: KinesisData {
                kinesis_schema_version: "1.0",
                partition_key: format!("pk-{}", i % 16),
                data: BASE64.encode(self.payload(i)),
                approximate_arrival_timestamp: (1_545_084_650_987 + i as u64) as f64 / 1000.0,
                sequence_number: sequence.clone(),
            },
            event: KinesisEvent {
                event_source: "aws:kinesis",
                event_version: "1.0",
                event_id: format!("shardId-000000000006:{sequence}"),
                event_name: "aws:kinesis:record",
                invoke_identity_arn: "arn:aws:iam::123456789012:role/lambda-role",
                aws_region: REGION,
                event_source_arn: KINESIS_ARN,
            },
        }
    }

    fn dynamodb(&mut self, i: usize) -> DynamoDbRecord<'static> {
        let status = if self.fails(i) { "fail" } else { "ok" };
        let new_image = json!({
            "id": {"N": i.to_string()},
            "status": {"S": status},
            "pad": {"S": self.pad},
            "tags": {"SS": ["a", "b"]},
            "nested": {"M": {"n": {"N": "1.5"}, "l": {"L": [{"S": "v"}, {"NULL": true}]}}},
        });
        DynamoDbRecord {
            event_id: format!("{i:032x}"),
            event_name: "MODIFY",
            event_version: "1.1",
            event_source: "aws:dynamodb",
            aws_region: REGION,
            dynamodb: StreamRecord {
                approximate_creation_date_time: 1_480_642_020,
                keys: json!({"id": {"N": i.to_string()}}),
                new_image,
                old_image: json!({"id": {"N": i.to_string()}, "status": {"S": "pending"}}),
                sequence_number: (100_000_000_000_000_000_000_u128 + i as u128).to_string(),
                size_bytes: 96 + self.pad.len(),
                stream_view_type: "NEW_AND_OLD_IMAGES",
            },
            event_source_arn: DYNAMODB_ARN,
        }
    }

    /// An MSK event: records spread over the partitions of one topic,
    /// record `i` in partition `i % groups`, offsets increasing per partition.
    fn kafka(&mut self, out: &mut impl Write) -> io::Result<()> {
        let (records, groups) = (self.args.records, self.args.groups);
        out.write_all(b"{\"eventSource\":\"aws:kafka\",\"eventSourceArn\":")?;
        serde_json::to_writer(&mut *out, KAFKA_ARN)?;
        out.write_all(b",\"bootstrapServers\":")?;
        serde_json::to_writer(&mut *out, KAFKA_SERVERS)?;
        out.write_all(b",\"records\":{")?;
        for partition in 0..groups.min(records) {
            if partition > 0 {
                out.write_all(b",")?;
            }
            serde_json::to_writer(&mut *out, &format!("{KAFKA_TOPIC}-{partition}"))?;
            out.write_all(b":[")?;
            for (n, i) in (partition..records).step_by(groups).enumerate() {
                if n > 0 {
                    out.write_all(b",")?;
                }
                let record = KafkaRecord {
                    topic: KAFKA_TOPIC,
                    partition,
                    offset: 1000 + i / groups,
                    timestamp: 1_545_084_650_987 + i as u64,
                    timestamp_type: "CREATE_TIME",
                    key: BASE64.encode(format!("order-{i}")),
                    value: BASE64.encode(match self.encoder {
                        Some(encoder) => {
                            encoder.encode(&serde_json::from_str(&self.payload(i))?)?
                        }
                        None => self.payload(i).into_bytes(),
                    }),
                    headers: [json!({"content-type": b"application/json".to_vec()})],
                };
                serde_json::to_writer(&mut *out, &record)?;
            }
            out.write_all(b"]")?;
        }
        out.write_all(b"}}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: EventKind, records: usize) -> serde_json::Value {
        written(kind, records, false)
    }

    fn written(kind: EventKind, records: usize, pipe: bool) -> serde_json::Value {
        let args = EventsArgs {
            kind,
            records,
            fail_every: 3,
            groups: 2,
            payload_bytes: 4,
            pipe,
            sns: false,
            avro: None,
            framing: crate::args::FramingArg::Confluent,
        };
        let mut out = Vec::new();
        write(&mut out, &args, None).unwrap();
        serde_json::from_slice(&out).unwrap()
    }

    #[test]
    fn deterministic() {
        assert_eq!(event(EventKind::Sqs, 5), event(EventKind::Sqs, 5));
    }

    #[test]
    fn fifo_groups_and_arn() {
        let e = event(EventKind::SqsFifo, 3);
        let records = e["Records"].as_array().unwrap();
        assert_eq!(records[2]["attributes"]["MessageGroupId"], "group-0");
        assert_eq!(records[1]["attributes"]["MessageGroupId"], "group-1");
        assert!(records[0]["eventSourceARN"]
            .as_str()
            .unwrap()
            .ends_with(".fifo"));
        assert_eq!(
            records[2]["body"],
            r#"{"id":2,"status":"fail","pad":"xxxx"}"#
        );
    }

    #[test]
    fn kinesis_sequence_numbers() {
        let e = event(EventKind::Kinesis, 2);
        assert_eq!(
            e["Records"][1]["kinesis"]["sequenceNumber"],
            "49590338271490256608559692538361571095921575989136588899"
        );
    }

    #[test]
    fn pipe_batches_are_the_lists_of_records() {
        for kind in [EventKind::Sqs, EventKind::SqsFifo, EventKind::DynamoDb] {
            let esm = written(kind, 3, false);
            assert_eq!(written(kind, 3, true), esm["Records"], "{kind:?}");
        }
        let esm = written(EventKind::Kinesis, 2, false);
        let pipe = written(EventKind::Kinesis, 2, true);
        for i in 0..2 {
            let mut flat = esm["Records"][i]["kinesis"].as_object().unwrap().clone();
            for (key, value) in esm["Records"][i].as_object().unwrap() {
                if key != "kinesis" {
                    flat.insert(key.clone(), value.clone());
                }
            }
            assert_eq!(pipe[i], serde_json::Value::Object(flat));
        }
        assert_eq!(
            pipe[1]["sequenceNumber"],
            esm["Records"][1]["kinesis"]["sequenceNumber"]
        );
        assert_eq!(written(EventKind::Sqs, 0, true), json!([]));
    }

    #[test]
    fn kafka_partitions_and_offsets() {
        let e = event(EventKind::Kafka, 5);
        let records = e["records"].as_object().unwrap();
        assert_eq!(records["orders-0"].as_array().unwrap().len(), 3);
        assert_eq!(records["orders-1"].as_array().unwrap().len(), 2);
        assert_eq!(records["orders-1"][1]["offset"], 1001);
        assert_eq!(records["orders-0"][2]["partition"], 0);
    }

    #[test]
    fn empty_events() {
        assert_eq!(event(EventKind::Kafka, 0)["records"], json!({}));
        assert_eq!(event(EventKind::DynamoDb, 0)["Records"], json!([]));
    }
}
