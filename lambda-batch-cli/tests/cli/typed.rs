//! `process --typed`: the demo handler on decoded payloads.

use super::*;

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
