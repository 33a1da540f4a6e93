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
            "sqs-fifo.json",
            r#"{"batchItemFailures":[{"itemIdentifier":"0b1c2d3e-4f5a-4b7c-8d9e-0f1a2b3c4d5e"}]}"#,
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
        let out = run(&["process", &sample(file)], "");
        assert_eq!(out.code, 0, "{file}: {}", out.stderr);
        assert_eq!(out.stdout, format!("{expected}\n"), "{file}");
        assert_eq!(out.stderr, "", "{file}");
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
    assert_eq!(keys.len(), 6);
    assert!(text.starts_with(
        r#"{"index":0,"identifier":"a","outcome":"success","error":null,"start_us":"#
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
            for r in event["Records"].as_array().unwrap() {
                let body: Value = serde_json::from_str(r["body"].as_str().unwrap()).unwrap();
                if status_fails(&body) {
                    ids.push(r["messageId"].clone());
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
        assert_eq!(expected.len(), 7, "{kind}");
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
    assert_eq!(errors[2], "the status is `fail`");
    assert_eq!(errors[3], Value::Null);
    // Untyped, the malformed payload does not contain `fail` and succeeds.
    let untyped = run(&["process"], event);
    assert_eq!(failures(&response(&untyped)), [Value::from("failed")]);

    assert_usage_or_input_error(
        &run(&["process", "--typed=yes"], event),
        "option `--typed` takes no value",
    );
}
