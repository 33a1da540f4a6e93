//! `events`: generated events, and their round trip through `process`.

use super::*;

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

#[test]
fn sns_bodies_are_notifications_the_library_sns_envelope_reads() {
    use lambda_batch::source::{EventSource, Sqs};
    use lambda_batch::typed::envelope::Sns;
    use lambda_batch::typed::FromRecord;

    #[derive(serde::Deserialize)]
    struct Payload {
        id: usize,
        status: String,
    }

    for kind in ["sqs", "sqs-fifo"] {
        let args = ["events", kind, "--records", "200", "--fail-every", "4"];
        let plain = run(&args, "");
        let wrapped = run(&[&args[..], &["--sns"]].concat(), "");
        assert_eq!(wrapped.code, 0, "{kind}: {}", wrapped.stderr);
        let plain: Value = serde_json::from_str(&plain.stdout).unwrap();
        let records = Sqs::parse(&wrapped.stdout).unwrap();
        assert_eq!(records.len(), 200);
        for (i, record) in records.iter().enumerate() {
            let record = record.record().unwrap();
            let sns = Sns::<Payload>::from_record(record).unwrap();
            assert!(!sns.raw_delivery, "{kind} {i}: {}", record.body());
            assert_eq!(sns.message.id, i);
            assert_eq!(sns.message.status, if i % 4 == 3 { "fail" } else { "ok" });
            let topic = sns.topic_arn.as_deref().unwrap();
            assert!(topic.starts_with("arn:aws:sns:us-east-2:123456789012:"));
            assert_eq!(topic.ends_with(".fifo"), kind == "sqs-fifo", "{topic}");
            assert_eq!(sns.message_id.as_deref().map(str::len), Some(36));
            assert!(sns
                .timestamp
                .as_deref()
                .unwrap()
                .starts_with("2018-12-17T21:37:29."));
            // The message is the body written without `--sns`.
            let body: Value = serde_json::from_str(record.body()).unwrap();
            assert_eq!(body["Message"], plain["Records"][i]["body"]);
            assert_eq!(body["Type"], "Notification");
            let signed = body.get("SignatureVersion").is_some();
            assert_eq!(signed, kind == "sqs", "{kind}: {body}");
            assert_eq!(body.get("SequenceNumber").is_some(), kind == "sqs-fifo");
        }
        // Only the failing messages hold `fail`: `process` reports the
        // records it reports without `--sns` (FIFO: with their groups' later
        // records), each by its own message id.
        let event: Value = serde_json::from_str(&wrapped.stdout).unwrap();
        let plain_records = plain["Records"].as_array().unwrap();
        let expected: Vec<Value> = expected_failures(kind, &plain)
            .iter()
            .map(|id| {
                let i = plain_records
                    .iter()
                    .position(|r| r["messageId"] == *id)
                    .unwrap();
                event["Records"][i]["messageId"].clone()
            })
            .collect();
        let out = run(&["process", "-"], &wrapped.stdout);
        assert!(!expected.is_empty());
        assert_eq!(failures(&response(&out)), expected, "{kind}");
    }
}

#[test]
fn sns_is_for_queues() {
    let out = run(&["events", "kinesis", "--records", "2", "--sns"], "");
    assert_usage_or_input_error(&out, "`--sns` applies to sqs and sqs-fifo events");
    let out = run(&["events", "sns", "--records", "2"], "");
    assert_usage_or_input_error(&out, "`events sqs --sns`");
}
