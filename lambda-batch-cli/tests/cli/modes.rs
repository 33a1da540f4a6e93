//! Run modes: FIFO and stream ordering, deadlines, threads and concurrency.

use super::*;

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
fn stream_per_key_skips_are_reported_after_the_key() {
    // A key skipped in per-key mode was reported `group_failed`, the name
    // of an SQS message group.
    let record = |seq: u32, key: Value, data: &str| {
        serde_json::json!({
            "eventSource": "aws:kinesis", "eventID": format!("e{seq}"),
            "kinesis": {"partitionKey": key, "sequenceNumber": seq.to_string(),
                        "data": BASE64.encode(data)}
        })
    };
    let event = serde_json::json!({"Records": [
        record(1, "a".into(), "fail"),
        record(2, "b".into(), "ok"),
        record(3, "a".into(), "ok"),
        record(4, 5.into(), "ok"),
        record(5, "b".into(), "ok"),
    ]})
    .to_string();
    let args = ["process", "--stream", "per-key"];
    let (out, lines) = report_of(&args, &event, "per-key.jsonl");
    assert_eq!(failures(&response(&out)), ["1", "3", "4", "5"]);
    assert_eq!(lines[2]["outcome"], "skipped");
    assert_eq!(lines[2]["reason"], "key_failed");
    assert_eq!(
        lines[2]["error"],
        "skipped: record 0 (1) of the same partition key `a` failed"
    );
    // Record 3's key cannot be read: what follows may share it.
    assert_eq!(lines[4]["reason"], "unknown_key");
    // DynamoDB: the item key.
    let generated = run(
        &["events", "dynamodb", "--records", "3", "--fail-every", "2"],
        "",
    );
    let mut event: Value = serde_json::from_str(&generated.stdout).unwrap();
    for record in event["Records"].as_array_mut().unwrap() {
        record["dynamodb"]["Keys"] = serde_json::json!({"id": {"N": "1"}});
    }
    let (out, lines) = report_of(&args, &event.to_string(), "per-item.jsonl");
    assert_eq!(failures(&response(&out)).len(), 2);
    assert_eq!(lines[2]["reason"], "key_failed");
    assert!(
        lines[2]["error"]
            .as_str()
            .unwrap()
            .contains("of the same item key"),
        "{}",
        lines[2]
    );
}
