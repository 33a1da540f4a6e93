//! The command's answers to mistakes: a source that does not fit, misspelt words, stdin read unasked.

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
