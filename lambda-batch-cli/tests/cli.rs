//! The `lambda-batch` command, run as a process.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_lambda-batch");

/// The result of one run.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str], stdin: &str) -> Run {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut input = child.stdin.take().expect("stdin is piped");
    // The command may exit before reading all of stdin (usage errors).
    let _ = input.write_all(stdin.as_bytes());
    drop(input);
    let Output {
        status,
        stdout,
        stderr,
    } = child.wait_with_output().expect("the binary runs");
    let run = Run {
        code: status.code().expect("the binary exits by itself"),
        stdout: String::from_utf8(stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(stderr).expect("stderr is UTF-8"),
    };
    assert!(
        !run.stderr.contains("panicked"),
        "a panic trace: {}",
        run.stderr
    );
    run
}

fn sample(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../events")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn temp_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("lambda-batch-cli-{}-{name}", std::process::id()))
}

/// The response printed on stdout: exactly one line of JSON.
fn response(run: &Run) -> Value {
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    assert!(run.stdout.ends_with('\n'), "{:?}", run.stdout);
    assert_eq!(run.stdout.lines().count(), 1, "{:?}", run.stdout);
    serde_json::from_str(&run.stdout).expect("the response is JSON")
}

fn failures(response: &Value) -> Vec<Value> {
    response["batchItemFailures"]
        .as_array()
        .expect("a list of failures")
        .iter()
        .map(|f| f["itemIdentifier"].clone())
        .collect()
}

/// An invalid input or usage: exit 2, nothing on stdout, `error: ` on stderr.
fn assert_usage_or_input_error(run: &Run, expected: &str) {
    assert_eq!(run.code, 2, "stdout: {} stderr: {}", run.stdout, run.stderr);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
    assert!(run.stderr.contains(expected), "{}", run.stderr);
}

#[test]
fn bundled_sample_events_give_their_responses() {
    for (file, expected) in [
        (
            "sqs.json",
            r#"{"batchItemFailures":[{"itemIdentifier":"2e1424d4-f796-459a-8184-9c92662be6da"},{"itemIdentifier":"7d3e9a12-0b4c-4e8f-a1d2-9c8b7a6f5e4d"}]}"#,
        ),
        (
            // A FIFO queue: Alice's refund fails, so her later payment is
            // skipped to keep her group in order; Bob's group goes on.
            "sqs-fifo.json",
            r#"{"batchItemFailures":[{"itemIdentifier":"0b1c2d3e-4f5a-4b7c-8d9e-0f1a2b3c4d5e"},{"itemIdentifier":"c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f"}]}"#,
        ),
        (
            "kinesis.json",
            r#"{"batchItemFailures":[{"itemIdentifier":"49590338271490256608559692538361571095921575989136588899"}]}"#,
        ),
        (
            "dynamodb.json",
            r#"{"batchItemFailures":[{"itemIdentifier":"111200000000000000000002"}]}"#,
        ),
        (
            "kafka.json",
            r#"{"batchItemFailures":[{"itemIdentifier":{"partition":"orders-0","offset":1042}}]}"#,
        ),
    ] {
        // The typed demo, on decoded statuses, fails the same records.
        for typed in [false, true] {
            let args = if typed {
                vec!["process", "--typed"]
            } else {
                vec!["process"]
            };
            let path = sample(file);
            let out = run(&[args.as_slice(), &[path.as_str()]].concat(), "");
            assert_eq!(out.code, 0, "{file} (typed: {typed}): {}", out.stderr);
            assert_eq!(
                out.stdout,
                format!("{expected}\n"),
                "{file} (typed: {typed})"
            );
            assert_eq!(out.stderr, "", "{file}");
        }
    }
}

#[test]
fn stdin_is_read_when_no_file_or_dash() {
    let event = std::fs::read_to_string(sample("sqs.json")).unwrap();
    let from_file = run(&["process", &sample("sqs.json")], "");
    assert_eq!(run(&["process"], &event).stdout, from_file.stdout);
    assert_eq!(run(&["process", "-"], &event).stdout, from_file.stdout);
}

#[test]
fn whole_batch_failure_exits_1_with_a_diagnostic() {
    let event =
        r#"{"Records":[{"messageId":"a","body":"fail 1"},{"messageId":"b","body":"fail 2"}]}"#;
    let out = run(&["process"], event);
    assert_eq!(out.code, 1);
    assert_eq!(out.stdout, "");
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    assert!(
        out.stderr
            .starts_with(r#"{"errorType":"AllRecordsFailed","errorMessage":"#),
        "{}",
        out.stderr
    );
    let diagnostic: Value = serde_json::from_str(&out.stderr).unwrap();
    let message = diagnostic["errorMessage"].as_str().unwrap();
    assert!(message.contains("all 2 records"), "{message}");
}

#[test]
fn no_raise_on_full_failure_lists_every_record() {
    let event =
        r#"{"Records":[{"messageId":"a","body":"fail 1"},{"messageId":"b","body":"fail 2"}]}"#;
    let out = run(&["process", "--no-raise-on-full-failure"], event);
    assert_eq!(failures(&response(&out)), ["a", "b"]);
}

#[test]
fn failed_record_without_identifier_fails_the_batch() {
    let event = r#"{"Records":[{"messageId":"a","body":"ok"},{"body":"fail"}]}"#;
    let out = run(&["process", "--source", "sqs"], event);
    assert_eq!(out.code, 1);
    assert_eq!(out.stdout, "");
    let diagnostic: Value = serde_json::from_str(&out.stderr).unwrap();
    assert_eq!(diagnostic["errorType"], "MissingIdentifier");
}

#[test]
fn invalid_events_exit_2_with_one_line() {
    for (event, expected) in [
        (
            "{}",
            "invalid event: the event has neither a `Records` list",
        ),
        ("[]", "invalid event: the event is an array"),
        ("123", "invalid event: the event is a number"),
        (
            r#"{"Records":[{"messageId":"#,
            "invalid event: the event is not valid JSON",
        ),
        ("", "invalid event: the event is not valid JSON"),
        (r#"{"Records":null}"#, "invalid event: `Records` is null"),
        (
            r#"{"Records":[{"eventSource":"aws:s3"}]}"#,
            "unsupported event source `aws:s3`",
        ),
    ] {
        let out = run(&["process"], event);
        assert_usage_or_input_error(&out, expected);
        assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    }
}

#[test]
fn forced_source_reports_the_envelope_error() {
    let out = run(&["process", "--source", "kinesis"], "{}");
    assert_usage_or_input_error(&out, "invalid event: the event has no `Records` field");
}

#[test]
fn usage_errors_exit_2_with_a_short_usage() {
    let out = run(&["process", "--frobnicate"], "");
    assert_usage_or_input_error(&out, "unknown option `--frobnicate`");
    assert!(
        out.stderr.contains("usage: lambda-batch process"),
        "{}",
        out.stderr
    );

    let missing = temp_path("does-not-exist.json");
    let out = run(&["process", missing.to_str().unwrap()], "");
    assert_usage_or_input_error(&out, "cannot read");

    for args in [
        &[][..],
        &["transmogrify"],
        &["process", "--repeat", "0"],
        &["process", "--source", "sns"],
        &["events", "sqs"],
        &["events", "sns", "--records", "2"],
    ] {
        let out = run(args, "");
        assert_eq!(out.code, 2, "{args:?}");
        assert_eq!(out.stdout, "", "{args:?}");
        assert!(
            out.stderr.starts_with("error: "),
            "{args:?}: {}",
            out.stderr
        );
    }
}

#[test]
fn help_prints_usage() {
    for args in [&["--help"][..], &["process", "--help"], &["events", "-h"]] {
        let out = run(args, "");
        assert_eq!(out.code, 0);
        assert!(out.stdout.contains("usage: ") || out.stdout.contains("usage:\n"));
        assert_eq!(out.stderr, "");
    }
}

#[test]
fn panics_fail_only_their_record_silently() {
    let event = r#"{"Records":[{"messageId":"a","body":"ok"},{"messageId":"b","body":"boom"},{"messageId":"c","body":"fine"}]}"#;
    let out = run(&["process", "--panic-on", "boom"], event);
    assert_eq!(failures(&response(&out)), ["b"]);
    assert_eq!(out.stderr, "");
}

#[test]
fn report_has_one_line_per_record() {
    let path = temp_path("report.jsonl");
    let event = r#"{"Records":[{"messageId":"a","body":"ok"},{"messageId":"b","body":"fail"},{"messageId":"c","body":"boom"}]}"#;
    let out = run(
        &[
            "process",
            "--panic-on",
            "boom",
            "--report",
            path.to_str().unwrap(),
        ],
        event,
    );
    assert_eq!(failures(&response(&out)), ["b", "c"]);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    for (index, line) in lines.iter().enumerate() {
        assert_eq!(line["index"], index);
        let (start, end) = (
            line["start_us"].as_u64().unwrap(),
            line["end_us"].as_u64().unwrap(),
        );
        assert!(start <= end, "{line}");
    }
    assert_eq!(lines[0]["identifier"], "a");
    assert_eq!(lines[0]["outcome"], "success");
    assert_eq!(lines[0]["error"], Value::Null);
    assert_eq!(lines[1]["outcome"], "failure");
    assert_eq!(lines[1]["error"], "the payload contains `fail`");
    assert_eq!(lines[2]["outcome"], "failure");
    assert!(lines[2]["error"].as_str().unwrap().contains("panicked"));
    let keys: Vec<&String> = lines[0].as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 7);
    assert!(text.starts_with(
        r#"{"index":0,"identifier":"a","outcome":"success","reason":null,"error":null,"start_us":"#
    ));
}

#[test]
fn report_names_kafka_records_by_object_and_missing_identifiers_by_null() {
    let path = temp_path("report-kafka.jsonl");
    let out = run(
        &[
            "process",
            &sample("kafka.json"),
            "--report",
            path.to_str().unwrap(),
        ],
        "",
    );
    response(&out);
    let text = std::fs::read_to_string(&path).unwrap();
    let first: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(
        first["identifier"],
        serde_json::json!({"partition":"orders-0","offset":1041})
    );

    let event = r#"{"Records":[{"messageId":"a","body":"ok"},{"body":"ok"}]}"#;
    let out = run(
        &[
            "process",
            "--source",
            "sqs",
            "--report",
            path.to_str().unwrap(),
        ],
        event,
    );
    response(&out);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    let second: Value = serde_json::from_str(text.lines().nth(1).unwrap()).unwrap();
    assert_eq!(second["identifier"], Value::Null);
    assert_eq!(second["outcome"], "success");
}

#[test]
fn repeat_prints_the_response_once_and_timing() {
    let out = run(&["process", &sample("sqs.json"), "--repeat", "3"], "");
    assert_eq!(failures(&response(&out)).len(), 2);
    let line = out.stderr.trim_end();
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    let fields: Vec<(&str, &str)> = line
        .split(' ')
        .map(|f| f.split_once('=').expect("name=value"))
        .collect();
    assert_eq!(fields[0], ("records", "12"));
    assert_eq!(fields[1].0, "secs");
    assert!(fields[1].1.parse::<f64>().is_ok(), "{line}");
    assert_eq!(fields[2].0, "ns_per_record");
    assert!(fields[2].1.parse::<u64>().is_ok(), "{line}");
}

#[test]
fn async_handler_sleeps() {
    let out = run(&["process", &sample("kinesis.json"), "--sleep-ms", "1"], "");
    assert_eq!(
        failures(&response(&out)),
        ["49590338271490256608559692538361571095921575989136588899"]
    );
    let out = run(
        &[
            "process",
            &sample("sqs.json"),
            "--sleep-ms=1",
            "--panic-on",
            "o-1003",
        ],
        "",
    );
    assert_eq!(failures(&response(&out)).len(), 3);
}

/// The identifiers of the records of a generated event whose payload has status `fail`.
fn expected_failures(kind: &str, event: &Value) -> Vec<Value> {
    let decode = |text: &Value| -> Value {
        let bytes = BASE64.decode(text.as_str().unwrap()).unwrap();
        serde_json::from_slice(&bytes).unwrap()
    };
    let status_fails = |payload: &Value| payload["status"] == "fail";
    let mut ids = Vec::new();
    match kind {
        "sqs" | "sqs-fifo" => {
            // FIFO: a failure also reports the later records of its group.
            let mut failed_groups = Vec::new();
            for r in event["Records"].as_array().unwrap() {
                let body: Value = serde_json::from_str(r["body"].as_str().unwrap()).unwrap();
                let group = &r["attributes"]["MessageGroupId"];
                let after_failure = kind == "sqs-fifo" && failed_groups.contains(group);
                if status_fails(&body) || after_failure {
                    ids.push(r["messageId"].clone());
                    failed_groups.push(group.clone());
                }
            }
        }
        "kinesis" => {
            for r in event["Records"].as_array().unwrap() {
                if status_fails(&decode(&r["kinesis"]["data"])) {
                    ids.push(r["kinesis"]["sequenceNumber"].clone());
                }
            }
        }
        "dynamodb" => {
            for r in event["Records"].as_array().unwrap() {
                if r["dynamodb"]["NewImage"]["status"]["S"] == "fail" {
                    ids.push(r["dynamodb"]["SequenceNumber"].clone());
                }
            }
        }
        "kafka" => {
            for (partition, records) in event["records"].as_object().unwrap() {
                for r in records.as_array().unwrap() {
                    if status_fails(&decode(&r["value"])) {
                        ids.push(
                            serde_json::json!({"partition": partition, "offset": r["offset"]}),
                        );
                    }
                }
            }
        }
        _ => unreachable!(),
    }
    ids
}

#[test]
fn generated_events_round_trip_through_process() {
    for kind in ["sqs", "sqs-fifo", "kinesis", "dynamodb", "kafka"] {
        let generated = run(
            &[
                "events",
                kind,
                "--records",
                "50",
                "--fail-every",
                "7",
                "--groups",
                "3",
            ],
            "",
        );
        assert_eq!(generated.code, 0, "{kind}: {}", generated.stderr);
        let event: Value = serde_json::from_str(&generated.stdout).unwrap();
        let expected = expected_failures(kind, &event);
        let failing = if kind == "sqs-fifo" { 38 } else { 7 };
        assert_eq!(expected.len(), failing, "{kind}");
        let out = run(&["process"], &generated.stdout);
        assert_eq!(failures(&response(&out)), expected, "{kind}");
    }
}

#[test]
fn generated_events_are_deterministic_and_shaped() {
    let args = [
        "events",
        "sqs-fifo",
        "--records",
        "6",
        "--groups",
        "2",
        "--payload-bytes",
        "3",
    ];
    let first = run(&args, "");
    assert_eq!(first.stdout, run(&args, "").stdout);
    let event: Value = serde_json::from_str(&first.stdout).unwrap();
    let records = event["Records"].as_array().unwrap();
    assert_eq!(records.len(), 6);
    assert!(records[0]["eventSourceARN"]
        .as_str()
        .unwrap()
        .ends_with(".fifo"));
    assert_eq!(records[3]["attributes"]["MessageGroupId"], "group-1");
    assert_eq!(records[0]["body"], r#"{"id":0,"status":"ok","pad":"xxx"}"#);

    let none_fail = run(
        &["events", "kinesis", "--records", "20", "--fail-every", "0"],
        "",
    );
    let out = run(&["process"], &none_fail.stdout);
    assert!(failures(&response(&out)).is_empty());

    let kafka = run(&["events", "kafka", "--records", "7", "--groups", "3"], "");
    let event: Value = serde_json::from_str(&kafka.stdout).unwrap();
    let partitions = event["records"].as_object().unwrap();
    assert_eq!(partitions.len(), 3);
    let offsets: Vec<&Value> = partitions["orders-0"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["offset"])
        .collect();
    assert!(offsets.windows(2).all(|w| w[0].as_u64() < w[1].as_u64()));
}

#[test]
fn ten_thousand_records() {
    for kind in ["sqs", "kafka"] {
        let generated = run(&["events", kind, "--records", "10000"], "");
        assert_eq!(generated.code, 0);
        let out = run(&["process", "-"], &generated.stdout);
        assert_eq!(failures(&response(&out)).len(), 1000, "{kind}");
    }
}

/// The report file of a run, one JSON value per record.
fn report_of(args: &[&str], stdin: &str, name: &str) -> (Run, Vec<Value>) {
    let path = temp_path(name);
    let mut all = args.to_vec();
    all.extend(["--report", path.to_str().unwrap()]);
    let out = run(&all, stdin);
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let _ = std::fs::remove_file(&path);
    let lines = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (out, lines)
}

fn fifo_event(records: &[(&str, &str, &str)], arn: &str) -> String {
    let records: Vec<Value> = records
        .iter()
        .map(|(id, group, body)| {
            serde_json::json!({
                "messageId": id, "body": body, "eventSourceARN": arn,
                "attributes": {"MessageGroupId": group}
            })
        })
        .collect();
    serde_json::json!({ "Records": records }).to_string()
}

const FIFO_ARN: &str = "arn:aws:sqs:us-east-1:123456789012:orders.fifo";

#[test]
fn fifo_modes_skip_what_order_requires() {
    let records = [
        ("1", "g1", "ok"),
        ("2", "g2", "fail"),
        ("3", "g1", "ok"),
        ("4", "g2", "ok"),
    ];
    let event = fifo_event(&records, FIFO_ARN);
    // Auto on a .fifo queue: skip-group.
    let (out, lines) = report_of(&["process"], &event, "fifo-auto.jsonl");
    assert_eq!(failures(&response(&out)), ["2", "4"]);
    assert_eq!(lines[3]["outcome"], "skipped");
    assert_eq!(lines[3]["reason"], "group_failed");
    assert_eq!(
        lines[3]["error"],
        "skipped: record 1 (2) of the same message group `g2` failed"
    );
    let out = run(&["process", "--fifo", "stop"], &event);
    assert_eq!(failures(&response(&out)), ["2", "3", "4"]);
    let out = run(&["process", "--fifo", "off"], &event);
    assert_eq!(failures(&response(&out)), ["2"]);
    // A standard queue carrying group ids is not FIFO.
    let standard = fifo_event(&records, "arn:aws:sqs:us-east-1:123456789012:orders");
    let out = run(&["process"], &standard);
    assert_eq!(failures(&response(&out)), ["2"]);
}

#[test]
fn groups_run_concurrently_each_in_order() {
    let records: Vec<(String, String)> = (0..40)
        .map(|i| (format!("m{i}"), format!("g{}", i % 4)))
        .collect();
    let borrowed: Vec<(&str, &str, &str)> = records
        .iter()
        .map(|(id, group)| (id.as_str(), group.as_str(), "ok"))
        .collect();
    let event = fifo_event(&borrowed, FIFO_ARN);
    let args = ["process", "--sleep-ms", "5", "--concurrency", "4"];
    let (out, lines) = report_of(&args, &event, "fifo-groups.jsonl");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "{\"batchItemFailures\":[]}\n");
    let time = |line: &Value, key: &str| line[key].as_u64().unwrap();
    for group in 0..4 {
        let of_group: Vec<&Value> = lines.iter().skip(group).step_by(4).collect();
        for pair in of_group.windows(2) {
            assert!(
                time(pair[1], "start_us") >= time(pair[0], "end_us"),
                "{pair:?}"
            );
        }
    }
    // Ten records of 5 ms per group, the four groups side by side.
    let last_end = lines.iter().map(|l| time(l, "end_us")).max().unwrap();
    assert!(last_end < 150_000, "{last_end} us");
}

#[test]
fn stream_modes_apply_to_streams_only() {
    let event = std::fs::read_to_string(sample("kinesis.json")).unwrap();
    let all: Vec<Value> = serde_json::from_str::<Value>(&event).unwrap()["Records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kinesis"]["sequenceNumber"].clone())
        .collect();
    let off = run(&["process"], &event);
    let stop = run(&["process", "--stream", "stop"], &event);
    let first_failed = failures(&response(&off))[0].clone();
    let from = all.iter().position(|id| *id == first_failed).unwrap();
    assert_eq!(failures(&response(&stop)), all[from..].to_vec());
    let refused = run(&["process", "--fifo", "stop"], &event);
    assert_usage_or_input_error(
        &refused,
        "`--fifo` applies to SQS events, and this is a Kinesis event",
    );
    let sqs = std::fs::read_to_string(sample("sqs.json")).unwrap();
    let refused = run(&["process", "--stream", "per-key"], &sqs);
    assert_usage_or_input_error(
        &refused,
        "`--stream` applies to Kinesis, DynamoDB and Kafka events, and this is an SQS event",
    );
}

#[test]
fn the_deadline_reports_unfinished_records_with_their_reason() {
    let records: Vec<String> = (0..20)
        .map(|i| format!(r#"{{"messageId":"m{i}","body":"ok"}}"#))
        .collect();
    let event = format!(r#"{{"Records":[{}]}}"#, records.join(","));
    let args = [
        "process",
        "--sleep-ms",
        "50",
        "--deadline-ms",
        "230",
        "--deadline-margin-ms",
        "100",
        "--no-raise-on-full-failure",
    ];
    let (out, lines) = report_of(&args, &event, "deadline.jsonl");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let outcomes: Vec<&str> = lines
        .iter()
        .map(|l| l["outcome"].as_str().unwrap())
        .collect();
    let done = outcomes.iter().take_while(|o| **o == "success").count();
    // About 130 ms of 50 ms records: two done, the third cancelled.
    assert!((1..=3).contains(&done), "{outcomes:?}");
    assert_eq!(outcomes[done], "cancelled", "{outcomes:?}");
    assert_eq!(lines[done]["reason"], "deadline");
    assert!(
        outcomes[done + 1..].iter().all(|o| *o == "skipped"),
        "{outcomes:?}"
    );
    assert!(lines[done + 1..].iter().all(|l| l["reason"] == "deadline"));
    assert_eq!(failures(&response(&out)).len(), 20 - done);
}

#[test]
fn parallel_threads_and_concurrency_keep_the_response() {
    let event = std::fs::read_to_string(sample("sqs.json")).unwrap();
    let expected = run(&["process"], &event).stdout;
    for args in [
        &["process", "--parallel", "2", "--cpu-ms", "1"][..],
        &["process", "--concurrency", "3", "--sleep-ms", "1"][..],
        &[
            "process",
            "--concurrency",
            "3",
            "--sleep-ms",
            "1",
            "--record-timeout-ms",
            "1000",
        ][..],
    ] {
        let out = run(args, &event);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        assert_eq!(out.stdout, expected, "{args:?}");
    }
    let refused = run(&["process", "--parallel", "2", "--sleep-ms", "1"], &event);
    assert_eq!(refused.code, 2);
    assert!(
        refused
            .stderr
            .contains("`--parallel` runs the sync handler"),
        "{}",
        refused.stderr
    );
}

#[test]
fn typed_fails_on_status_and_on_payloads_that_do_not_decode() {
    for kind in ["sqs", "kinesis", "dynamodb", "kafka"] {
        let event = run(
            &["events", kind, "--records", "20", "--fail-every", "5"],
            "",
        );
        assert_eq!(event.code, 0, "{}", event.stderr);
        let typed = failures(&response(&run(&["process", "--typed"], &event.stdout)));
        let untyped = failures(&response(&run(&["process"], &event.stdout)));
        assert_eq!(typed.len(), 4, "{kind}: {typed:?}");
        assert_eq!(typed, untyped, "{kind}");
        let slow = run(&["process", "--typed", "--sleep-ms", "0"], &event.stdout);
        assert_eq!(failures(&response(&slow)), typed, "{kind}");
    }

    let event = r#"{"Records":[
        {"messageId":"ok","body":"{\"status\":\"ok\"}"},
        {"messageId":"malformed","body":"{\"status\":[\"ok\"]}"},
        {"messageId":"failed","body":"{\"status\":\"fail\"}"},
        {"messageId":"also-ok","body":"{\"status\":\"fine\"}"}]}"#;
    let report = temp_path("typed-report.jsonl");
    let out = run(
        &["process", "--typed", "--report", report.to_str().unwrap()],
        event,
    );
    assert_eq!(
        failures(&response(&out)),
        [Value::from("malformed"), Value::from("failed")]
    );
    let lines = std::fs::read_to_string(&report).expect("the report is written");
    let _ = std::fs::remove_file(&report);
    let errors: Vec<Value> = lines
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).expect("JSON")["error"].clone())
        .collect();
    assert_eq!(errors[0], Value::Null);
    assert_eq!(
        errors[1],
        "payload `body` does not decode: status: invalid type: sequence, expected a string at line 1 column 10"
    );
    assert_eq!(errors[2], "the status contains `fail`");
    assert_eq!(errors[3], Value::Null);
    // Untyped, the malformed payload does not contain `fail` and succeeds.
    let untyped = run(&["process"], event);
    assert_eq!(failures(&response(&untyped)), [Value::from("failed")]);

    assert_usage_or_input_error(
        &run(&["process", "--typed=yes"], event),
        "option `--typed` takes no value",
    );
}

#[test]
fn a_source_that_does_not_fit_the_event_is_named() {
    // Read as Kinesis, an SQS event used to fail with `MissingIdentifier`
    // (exit 1), as if the batch had failed.
    let run = run(&["process", "--source", "kinesis", &sample("sqs.json")], "");
    assert_eq!(run.code, 2, "stderr: {}", run.stderr);
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr.contains("this is an SQS event (record 0 has `eventSource` `aws:sqs`), and the processor reads Kinesis events"),
        "{}",
        run.stderr
    );
}

#[test]
fn misspelt_options_and_values_get_a_suggestion() {
    let run_ = run(&["process", "--concurency", "10", &sample("sqs.json")], "");
    assert_eq!(run_.code, 2);
    assert!(
        run_.stderr
            .contains("unknown option `--concurency` for `process`; did you mean `--concurrency`?"),
        "{}",
        run_.stderr
    );
    let run_ = run(
        &["process", "--source", "kinesiss", &sample("sqs.json")],
        "",
    );
    assert!(
        run_.stderr.contains("did you mean `kinesis`?"),
        "{}",
        run_.stderr
    );
    let run_ = run(&["proces", &sample("sqs.json")], "");
    assert!(
        run_.stderr
            .contains("unknown command `proces`; did you mean `process`?"),
        "{}",
        run_.stderr
    );
    // Nothing close: no suggestion.
    let run_ = run(&["process", "--verbose"], "");
    assert!(!run_.stderr.contains("did you mean"), "{}", run_.stderr);
}

#[test]
fn an_event_read_from_stdin_unasked_says_so_when_it_fails() {
    let unnamed = run(&["process"], "");
    assert_eq!(unnamed.code, 2);
    assert!(
        unnamed
            .stderr
            .contains("(the event was read from standard input, as no FILE was given)"),
        "{}",
        unnamed.stderr
    );
    // Asked for with `-`, it is no surprise.
    let named = run(&["process", "-"], "");
    assert_eq!(named.code, 2);
    assert!(
        !named.stderr.contains("no FILE was given"),
        "{}",
        named.stderr
    );
}

/// `--typed` decodes only the DynamoDB new image: an old image written
/// before `status` existed does not fail the record; a REMOVE, which has
/// no new image, has nothing to check.
#[test]
fn typed_dynamodb_reads_only_the_new_image() {
    let event = r#"{"Records":[
        {"eventName":"MODIFY","dynamodb":{"SequenceNumber":"1",
         "NewImage":{"status":{"S":"ok"}},"OldImage":{"id":{"S":"a"}}}},
        {"eventName":"MODIFY","dynamodb":{"SequenceNumber":"2",
         "NewImage":{"status":{"S":"fail"}},"OldImage":{"status":{"N":"1"}}}},
        {"eventName":"REMOVE","dynamodb":{"SequenceNumber":"3","OldImage":{"id":{"S":"b"}}}}]}"#;
    let out = run(&["process", "--typed", "--source", "dynamodb"], event);
    assert_eq!(
        failures(&response(&out)),
        [Value::from("2")],
        "{}",
        out.stderr
    );
}
