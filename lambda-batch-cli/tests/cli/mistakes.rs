//! The command's answers to mistakes: a source that does not fit, misspelt words, stdin read
//! unasked, a byte order mark.

use super::*;

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

/// How the library and the command name each source's events.
const NAMED: [(&str, &str); 4] = [
    ("sqs", "an SQS event"),
    ("kinesis", "a Kinesis event"),
    ("dynamodb", "a DynamoDB Streams event"),
    ("kafka", "a Kafka event"),
];

#[test]
fn every_source_given_for_another_source_event_names_the_one_it_looks_like() {
    // Kafka's was "no `records` field" alone, and the others' on a Kafka
    // event "no `Records` field".
    for (file, actual) in [
        ("sqs.json", "sqs"),
        ("kinesis.json", "kinesis"),
        ("dynamodb.json", "dynamodb"),
        ("kafka.json", "kafka"),
    ] {
        let (_, looks_like) = NAMED.iter().find(|(name, _)| *name == actual).unwrap();
        for (forced, _) in NAMED.iter().filter(|(name, _)| *name != actual) {
            let out = run(&["process", "--source", forced, &sample(file)], "");
            assert_usage_or_input_error(&out, looks_like);
        }
    }
    let dynamodb = run(
        &["process", "--source", "kafka", &sample("dynamodb.json")],
        "",
    );
    assert!(
        dynamodb.stderr.starts_with(
            "error: invalid event: this looks like a DynamoDB Streams event, and `--source kafka` \
             reads Kafka events (use `--source dynamodb`, or leave `--source` out to detect it): \
             the event has no `records` field"
        ),
        "{}",
        dynamodb.stderr
    );
    // A pipe's batch read as Kafka: the source of its records, not only
    // that Kafka's pipes take no partial response.
    let pipe = run(&["events", "kinesis", "--records", "3", "--pipe"], "");
    let out = run(&["process", "--source", "kafka", "-"], &pipe.stdout);
    assert_usage_or_input_error(&out, "this looks like a Kinesis event");
    // Records that name no source but whose shape does were read without
    // an identifier: exit 1, as if the batch had failed.
    let shaped = r#"{"Records":[{"messageId":"m1","body":"ok"},{"messageId":"m2","body":"fail"}]}"#;
    for forced in ["kinesis", "dynamodb", "kafka"] {
        let out = run(&["process", "--source", forced, "-"], shaped);
        assert_usage_or_input_error(&out, "this looks like an SQS event");
    }
    // The source it is, forced or not, and an event no source can be told
    // from, are as they were.
    let out = run(&["process", "--source", "sqs", "-"], shaped);
    assert_eq!(failures(&response(&out)), ["m2"]);
    let out = run(&["process", "--source", "kafka", "-"], "{}");
    assert_usage_or_input_error(&out, "the event has no `records` field");
    assert!(!out.stderr.contains("looks like"), "{}", out.stderr);
}

#[test]
fn every_option_value_misspelt_gets_the_closest_valid_one() {
    let sqs = sample("sqs.json");
    for (args, suggested) in [
        (&["process", "--fifo", "skipgroup", &sqs][..], "skip-group"),
        (&["process", "--fifo", "skip_group", &sqs], "skip-group"),
        (&["process", "--fifo", "SkipGroup", &sqs], "skip-group"),
        (&["process", "--stream", "per_key", &sqs], "per-key"),
        (&["process", "--source", "SQS", &sqs], "sqs"),
        (
            &["process", "--kafka-framing", "confluen", &sqs],
            "confluent",
        ),
        (&["process", "--kafka-value", "jsn", &sqs], "json"),
        (&["events", "sqsfifo", "--records", "2"], "sqs-fifo"),
    ] {
        let out = run(args, "");
        assert_usage_or_input_error(&out, &format!("; did you mean `{suggested}`?"));
    }
    let out = run(&["process", "--fifo", "skipgroup", &sqs], "");
    assert!(
        out.stderr.starts_with(
            "error: unknown FIFO mode `skipgroup`; expected auto, stop, skip-group or off; \
             did you mean `skip-group`?\n"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn a_byte_order_mark_is_skipped_with_a_warning() {
    let event = std::fs::read_to_string(sample("sqs.json")).unwrap();
    let expected = run(&["process", "-"], &event).stdout;
    let path = temp_path("bom.json");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(event.as_bytes());
    std::fs::write(&path, &bytes).unwrap();
    let from_file = run(&["process", path.to_str().unwrap()], "");
    let _ = std::fs::remove_file(&path);
    response(&from_file);
    assert_eq!(from_file.stdout, expected);
    assert_eq!(
        from_file.stderr,
        format!(
            "warning: `{}` starts with a UTF-8 byte order mark (EF BB BF), which Lambda never \
             sends: it was skipped\n",
            path.display()
        )
    );
    let from_stdin = run(&["process"], &format!("\u{feff}{event}"));
    assert_eq!(from_stdin.stdout, expected);
    assert!(
        from_stdin
            .stderr
            .starts_with("warning: standard input starts with a UTF-8 byte order mark"),
        "{}",
        from_stdin.stderr
    );
    assert_eq!(
        from_stdin.stderr.lines().count(),
        1,
        "{}",
        from_stdin.stderr
    );
    // A mark inside the text is no mark: the event is still refused.
    let inside = run(&["process", "-"], &format!(" \u{feff}{event}"));
    assert_usage_or_input_error(&inside, "invalid event");
    assert!(!inside.stderr.contains("warning"), "{}", inside.stderr);
}

#[test]
fn a_utf16_event_says_to_save_it_as_utf8() {
    let path = temp_path("utf16.json");
    let mut bytes = vec![0xFF, 0xFE];
    for unit in r#"{"Records":[]}"#.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    std::fs::write(&path, &bytes).unwrap();
    let out = run(&["process", path.to_str().unwrap()], "");
    let _ = std::fs::remove_file(&path);
    assert_usage_or_input_error(
        &out,
        "(it starts with a UTF-16 byte order mark: save it as UTF-8)",
    );
}
