//! `process`: responses, errors, usage, reports and timing.

use super::*;

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
        // A list is a pipe's batch (tests/cli/pipes.rs); a list of records
        // that name no known source cannot be told.
        ("[{}]", "cannot tell the event source"),
        (
            "123",
            "invalid event: the event is a number, expected a JSON object (an event source mapping's event) or a list of records",
        ),
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
