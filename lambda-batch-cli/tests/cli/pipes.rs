//! EventBridge pipes: `events --pipe` writes a pipe's batch, and `process`
//! detects it and reports by the identifiers the pipe expects.

use super::*;

/// What `process` reports for a generated event of `kind`, in both forms.
fn both_forms(kind: &str, extra: &[&str]) -> (Value, Value, Vec<Value>, Vec<Value>) {
    let args = [
        &["events", kind, "--records", "30", "--fail-every", "4"],
        extra,
    ]
    .concat();
    let esm = run(&args, "");
    let pipe = run(&[args.as_slice(), &["--pipe"]].concat(), "");
    assert_eq!((esm.code, pipe.code), (0, 0), "{kind}: {}", pipe.stderr);
    let esm_event: Value = serde_json::from_str(&esm.stdout).unwrap();
    let pipe_event: Value = serde_json::from_str(&pipe.stdout).unwrap();
    let from_esm = failures(&response(&run(&["process"], &esm.stdout)));
    let from_pipe = failures(&response(&run(&["process", "-"], &pipe.stdout)));
    (esm_event, pipe_event, from_esm, from_pipe)
}

#[test]
fn pipe_batches_of_sqs_report_the_same_message_ids() {
    for kind in ["sqs", "sqs-fifo"] {
        let (esm, pipe, from_esm, from_pipe) = both_forms(kind, &["--groups", "3"]);
        assert_eq!(pipe, esm["Records"], "{kind}");
        assert!(!from_esm.is_empty(), "{kind}");
        assert_eq!(from_pipe, from_esm, "{kind}");
    }
}

#[test]
fn pipe_batches_of_streams_report_event_ids() {
    // Kinesis: flat records; reported by `eventID`, not `kinesis.sequenceNumber`.
    let (esm, pipe, from_esm, from_pipe) = both_forms("kinesis", &[]);
    let records = esm["Records"].as_array().unwrap();
    let by_sequence: Vec<Value> = from_esm
        .iter()
        .map(|seq| {
            let record = records
                .iter()
                .find(|r| &r["kinesis"]["sequenceNumber"] == seq)
                .unwrap();
            record["eventID"].clone()
        })
        .collect();
    assert_eq!(from_esm.len(), 7);
    assert_eq!(from_pipe, by_sequence);
    assert!(pipe[0].get("kinesis").is_none());
    assert_eq!(
        pipe[0]["partitionKey"],
        records[0]["kinesis"]["partitionKey"]
    );

    // DynamoDB: the same records; reported by `eventID`.
    let (esm, pipe, from_esm, from_pipe) = both_forms("dynamodb", &[]);
    assert_eq!(pipe, esm["Records"]);
    let records = esm["Records"].as_array().unwrap();
    let by_sequence: Vec<Value> = from_esm
        .iter()
        .map(|seq| {
            let record = records
                .iter()
                .find(|r| &r["dynamodb"]["SequenceNumber"] == seq)
                .unwrap();
            record["eventID"].clone()
        })
        .collect();
    assert_eq!(from_pipe, by_sequence);
}

#[test]
fn modes_and_typed_handlers_work_on_pipe_batches() {
    let pipe = run(
        &[
            "events",
            "kinesis",
            "--records",
            "12",
            "--fail-every",
            "5",
            "--pipe",
        ],
        "",
    );
    let event: Value = serde_json::from_str(&pipe.stdout).unwrap();
    let ids: Vec<Value> = event
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["eventID"].clone())
        .collect();
    // Stop: the first failure (record 4) and every record after it.
    let out = run(&["process", "--stream", "stop"], &pipe.stdout);
    assert_eq!(failures(&response(&out)), ids[4..].to_vec());
    let out = run(&["process", "--typed"], &pipe.stdout);
    assert_eq!(
        failures(&response(&out)),
        vec![ids[4].clone(), ids[9].clone()]
    );
}

#[test]
fn an_empty_pipe_batch_is_an_empty_response() {
    let pipe = run(&["events", "dynamodb", "--records", "0", "--pipe"], "");
    assert_eq!(pipe.stdout, "[]\n");
    let out = run(&["process"], &pipe.stdout);
    assert_eq!(out.stdout, "{\"batchItemFailures\":[]}\n");
    let out = run(&["process", "--source", "kinesis"], "[]");
    assert_eq!(out.stdout, "{\"batchItemFailures\":[]}\n");
}

#[test]
fn pipes_from_kafka_are_refused_with_the_reason() {
    let out = run(&["events", "kafka", "--records", "3", "--pipe"], "");
    assert_usage_or_input_error(&out, "`--pipe` is not for kafka");
    // The EventBridge guide's MSK sample, as a pipe sends it.
    let msk = r#"[{"eventSource":"aws:kafka","eventSourceKey":"mytopic-0","topic":"mytopic",
        "partition":"0","offset":15,"timestamp":1545084650987,"timestampType":"CREATE_TIME",
        "value":"SGVsbG8sIHRoaXMgaXMgYSB0ZXN0Lg==","headers":[]}]"#;
    let out = run(&["process"], msk);
    assert_usage_or_input_error(&out, "pipes from Kafka retry the whole batch");
}

#[test]
fn a_pipe_batch_of_another_source_is_named() {
    let pipe = run(&["events", "kinesis", "--records", "2", "--pipe"], "");
    let out = run(&["process", "--source", "sqs"], &pipe.stdout);
    assert_usage_or_input_error(
        &out,
        "this is a Kinesis event (record 0 has `eventSource` `aws:kinesis`), and the processor reads SQS events",
    );
}
