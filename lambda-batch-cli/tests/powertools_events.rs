//! Powertools' own sample events, run through `lambda-batch process`, must get
//! the responses Powertools for AWS Lambda (Python) gives for them.
//!
//! The events and the responses live in `lambda-batch/tests/fixtures/powertools/`
//! (see its NOTICE.md). Each case of `expected.json` names the texts that make a
//! record fail. The command's demo handler always fails on `fail`, and
//! `--panic-on WORD` adds one more text, so only the cases whose texts are
//! `fail` plus at most one word can be run here; the others are left out.
//! Every runnable case is run with `--no-raise-on-full-failure` (Powertools'
//! `raise_on_entire_batch_failure=False`) and without it (the default of
//! both), where Powertools' error is the command's exit code 1; each of those
//! with the source named by `--source`, as Powertools is given its event
//! type, and with the source detected from the event, the command's default.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_lambda-batch");

/// The text the demo handler fails on.
const FAIL_WORD: &str = "fail";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../lambda-batch/tests/fixtures/powertools")
}

fn expected() -> Value {
    let path = fixtures().join("expected.json");
    let text = std::fs::read_to_string(&path).expect("expected.json is readable");
    serde_json::from_str(&text).expect("expected.json is JSON")
}

/// The result of one run of the command.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Run {
    let child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let Output {
        status,
        stdout,
        stderr,
    } = child.wait_with_output().expect("the binary runs");
    Run {
        code: status.code().expect("the binary exits by itself"),
        stdout: String::from_utf8(stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(stderr).expect("stderr is UTF-8"),
    }
}

/// The command's `--source` for Powertools' `EventType`.
fn source_of(event_type: &str) -> &'static str {
    match event_type {
        "SQS" => "sqs",
        "KinesisDataStreams" => "kinesis",
        "DynamoDBStreams" => "dynamodb",
        "Kafka" => "kafka",
        other => panic!("unknown Powertools event type {other}"),
    }
}

/// The `--panic-on` word that, with the demo handler, makes a record fail on
/// exactly `texts`; `None` when the command cannot express them.
fn flags_for(texts: &[&str]) -> Option<Option<String>> {
    if !texts.contains(&FAIL_WORD) {
        return None;
    }
    let others: Vec<&str> = texts.iter().copied().filter(|t| *t != FAIL_WORD).collect();
    match others.as_slice() {
        [] => Some(None),
        [word] => Some(Some((*word).to_owned())),
        _ => None,
    }
}

/// What a run gave, in the form Powertools' answer is written: the response,
/// or `{"error": ...}` for a failed invocation.
fn outcome(run: &Run) -> Result<Value, String> {
    match run.code {
        0 => {
            if run.stdout.lines().count() != 1 {
                return Err(format!("not one line on stdout: {:?}", run.stdout));
            }
            serde_json::from_str(&run.stdout)
                .map_err(|e| format!("stdout is not JSON ({e}): {:?}", run.stdout))
        }
        1 => Ok(serde_json::json!({ "error": "whole batch failed (exit 1)" })),
        code => Err(format!(
            "exit {code}; stdout {:?}; stderr {:?}",
            run.stdout,
            run.stderr.trim_end()
        )),
    }
}

/// Whether the command's outcome is Powertools' answer. A Powertools error
/// (`{"error": ...}`) matches any whole-batch failure of the command.
fn same(ours: &Value, powertools: &Value) -> bool {
    match (ours.get("error"), powertools.get("error")) {
        (Some(_), Some(_)) => true,
        (None, None) => ours == powertools,
        _ => false,
    }
}

/// Runs every case of one event file and fails, listing every difference,
/// when the command's answer is not Powertools'.
fn check_event(file: &str) {
    let expected = expected();
    let event = &expected["events"][file];
    assert!(event.is_object(), "{file} has no expectations");
    let event_type = event["event_type"].as_str().expect("event_type");
    let path = fixtures().join(file);
    let path = path.to_str().expect("a UTF-8 path");
    let cases = event["cases"].as_object().expect("cases");

    let mut ran = 0;
    let mut differences = Vec::new();
    for (name, case) in cases {
        let texts: Vec<&str> = case["fails_when_payload_contains"]
            .as_array()
            .expect("fails_when_payload_contains")
            .iter()
            .map(|t| t.as_str().expect("a text"))
            .collect();
        let Some(panic_on) = flags_for(&texts) else {
            continue;
        };
        let runs = [
            (Some(source_of(event_type)), false, &case["response"]),
            (Some(source_of(event_type)), true, &case["response_raising"]),
            (None, false, &case["response"]),
            (None, true, &case["response_raising"]),
        ];
        for (source, raise, powertools) in runs {
            let mut args = vec!["process", path];
            if let Some(source) = source {
                args.extend(["--source", source]);
            }
            if !raise {
                args.push("--no-raise-on-full-failure");
            }
            if let Some(word) = &panic_on {
                args.extend(["--panic-on", word.as_str()]);
            }
            let run = run(&args);
            ran += 1;
            let problem = match outcome(&run) {
                Ok(ours) if same(&ours, powertools) => continue,
                Ok(ours) => format!("gave {ours}; stderr {:?}", run.stderr.trim_end()),
                Err(problem) => problem,
            };
            differences.push(format!(
                "{file} [{name}] `{}`: Powertools gave {powertools}, the command {problem}",
                [&["process", file][..], &args[2..]].concat().join(" ")
            ));
        }
    }
    assert!(ran > 0, "{file}: no case the command can express");
    assert!(
        differences.is_empty(),
        "{} of {ran} runs differ from Powertools:\n{}",
        differences.len(),
        differences.join("\n")
    );
}

#[test]
fn every_fixture_has_expectations() {
    let expected = expected();
    let events = expected["events"].as_object().expect("events");
    let mut files: Vec<String> = std::fs::read_dir(fixtures())
        .expect("the fixtures folder")
        .map(|entry| entry.expect("an entry").file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".json") && name != "expected.json")
        .collect();
    files.sort();
    let mut named: Vec<String> = events.keys().cloned().collect();
    named.sort();
    assert_eq!(files, named);
    for (file, event) in events {
        for (name, case) in event["cases"].as_object().expect("cases") {
            let texts = case["fails_when_payload_contains"].as_array().unwrap();
            if texts.is_empty() {
                let none: Value = serde_json::json!({ "batchItemFailures": [] });
                assert_eq!(case["response"], none, "{file} [{name}]");
                assert_eq!(case["response_raising"], none, "{file} [{name}]");
            }
        }
    }
}

#[test]
fn sqs_event() {
    check_event("sqsEvent.json");
}

#[test]
fn sns_via_sqs_event() {
    check_event("snsSqsEvent.json");
}

#[test]
fn s3_via_sqs_event() {
    check_event("s3SqsEvent.json");
}

#[test]
fn kinesis_stream_event() {
    check_event("kinesisStreamEvent.json");
}

#[test]
fn dynamodb_stream_event() {
    check_event("dynamoStreamEvent.json");
}

#[test]
fn kafka_msk_event() {
    check_event("kafkaEventMsk.json");
}

#[test]
fn kafka_self_managed_event() {
    check_event("kafkaEventSelfManaged.json");
}
