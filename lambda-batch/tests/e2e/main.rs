//! End to end: every example function built, served by `cargo lambda watch`
//! through the Lambda Runtime API on loopback, and invoked with sample events
//! by `cargo lambda invoke`.
//!
//! These tests need `cargo-lambda` on PATH (`pip install cargo-lambda==1.9.2`)
//! and fail when it is missing. CI runs them with
//! `cargo test -p lambda-batch --all-features --test e2e -- --ignored`.
#![cfg(unix)]

mod watch;

use std::path::PathBuf;

use watch::Watch;

/// What an invocation must give back.
enum Expected {
    /// This response, byte for byte (`cargo lambda invoke` ends it with a
    /// newline).
    Response(&'static str),
    /// A function error of this type.
    Error(&'static str),
}

fn fixture(example: &str, case: &str) -> PathBuf {
    [
        env!("CARGO_MANIFEST_DIR"),
        "tests",
        "fixtures",
        "e2e",
        example,
    ]
    .iter()
    .collect::<PathBuf>()
    .join(format!("{case}.json"))
}

/// Serves `example` and checks the answer to each of its sample events.
fn check_example(example: &str, cases: &[(&str, Expected)]) {
    let watch = Watch::start(example, &[]);
    for (case, expected) in cases {
        let answer = watch.invoke_file(&fixture(example, case));
        let context = || format!("{example}/{case}: {answer:?}\nlog:\n{}", watch.log());
        match expected {
            Expected::Response(response) => {
                assert!(answer.succeeded, "expected a response; {}", context());
                assert_eq!(answer.stdout, format!("{response}\n"), "{}", context());
            }
            Expected::Error(error_type) => {
                assert_eq!(answer.error_type(), Some(*error_type), "{}", context());
                assert_eq!(answer.stdout, "", "{}", context());
            }
        }
    }
}

#[test]
#[ignore = "needs cargo-lambda; CI runs it with --ignored"]
fn sqs() {
    check_example(
        "sqs",
        &[
            ("all_ok", Expected::Response(r#"{"batchItemFailures":[]}"#)),
            (
                "partial",
                Expected::Response(concat!(
                    r#"{"batchItemFailures":[{"itemIdentifier":"6f1c2a9e-0003-4c1e-9a51-1f0c8e3b7a03"},"#,
                    r#"{"itemIdentifier":"6f1c2a9e-0005-4c1e-9a51-1f0c8e3b7a05"}]}"#
                )),
            ),
            (
                // The same records as an EventBridge pipe sends them.
                "pipe_partial",
                Expected::Response(concat!(
                    r#"{"batchItemFailures":[{"itemIdentifier":"6f1c2a9e-0003-4c1e-9a51-1f0c8e3b7a03"},"#,
                    r#"{"itemIdentifier":"6f1c2a9e-0005-4c1e-9a51-1f0c8e3b7a05"}]}"#
                )),
            ),
            ("all_fail", Expected::Error("AllRecordsFailed")),
            ("malformed", Expected::Error("InvalidEvent")),
        ],
    );
}

#[test]
#[ignore = "needs cargo-lambda; CI runs it with --ignored"]
fn orders_share_one_client_across_invocations() {
    check_example(
        "orders",
        &[
            (
                "first",
                Expected::Response(
                    r#"{"batchItemFailures":[{"itemIdentifier":"7a0c1e55-0002-4c1e-9a51-1f0c8e3b7a02"}]}"#,
                ),
            ),
            // The same messages again: the client kept the orders it
            // stored, so every record fails and the invocation with it.
            ("again", Expected::Error("AllRecordsFailed")),
            (
                "new_and_malformed",
                Expected::Response(
                    r#"{"batchItemFailures":[{"itemIdentifier":"7a0c1e55-0005-4c1e-9a51-1f0c8e3b7a05"}]}"#,
                ),
            ),
        ],
    );
}

#[test]
#[ignore = "needs cargo-lambda; CI runs it with --ignored"]
fn kinesis() {
    check_example(
        "kinesis",
        &[
            ("all_ok", Expected::Response(r#"{"batchItemFailures":[]}"#)),
            (
                "partial",
                Expected::Response(concat!(
                    r#"{"batchItemFailures":[{"itemIdentifier":"49590338271490256608559692538361571095921575989136588804"},"#,
                    r#"{"itemIdentifier":"49590338271490256608559692538361571095921575989136588805"}]}"#
                )),
            ),
            (
                // Flat records in a pipe's list, reported by their eventID.
                "pipe_partial",
                Expected::Response(concat!(
                    r#"{"batchItemFailures":[{"itemIdentifier":"shardId-000000000000:49590338271490256608559692538361571095921575989136588804"},"#,
                    r#"{"itemIdentifier":"shardId-000000000000:49590338271490256608559692538361571095921575989136588805"}]}"#
                )),
            ),
            ("all_fail", Expected::Error("AllRecordsFailed")),
            ("malformed", Expected::Error("InvalidEvent")),
        ],
    );
}

#[test]
#[ignore = "needs cargo-lambda; CI runs it with --ignored"]
fn dynamodb() {
    check_example(
        "dynamodb",
        &[
            ("all_ok", Expected::Response(r#"{"batchItemFailures":[]}"#)),
            (
                "partial",
                Expected::Response(concat!(
                    r#"{"batchItemFailures":[{"itemIdentifier":"440000000000000000000005"},"#,
                    r#"{"itemIdentifier":"440000000000000000000006"}]}"#
                )),
            ),
            (
                // The same records in a pipe's list, reported by their eventID.
                "pipe_partial",
                Expected::Response(concat!(
                    r#"{"batchItemFailures":[{"itemIdentifier":"e000005"},"#,
                    r#"{"itemIdentifier":"e000006"}]}"#
                )),
            ),
            ("all_fail", Expected::Error("AllRecordsFailed")),
            ("malformed", Expected::Error("InvalidEvent")),
        ],
    );
}

#[test]
#[ignore = "needs cargo-lambda; CI runs it with --ignored"]
fn kafka() {
    check_example(
        "kafka",
        &[
            ("all_ok", Expected::Response(r#"{"batchItemFailures":[]}"#)),
            (
                "partial",
                Expected::Response(concat!(
                    r#"{"batchItemFailures":[{"itemIdentifier":{"partition":"payments-0","offset":43}},"#,
                    r#"{"itemIdentifier":{"partition":"payments-1","offset":8}}]}"#
                )),
            ),
            // A pipe from MSK (the EventBridge guide's sample): such pipes
            // retry whole batches, so the function fails rather than answer.
            ("pipe", Expected::Error("InvalidEvent")),
            ("all_fail", Expected::Error("AllRecordsFailed")),
            ("malformed", Expected::Error("InvalidEvent")),
        ],
    );
}

/// Avro values (the `avro` feature): Powertools' own Avro sample decodes
/// whole; a value cut short and a product without a price fail alone.
#[test]
#[ignore = "needs cargo-lambda; CI runs it with --ignored"]
fn kafka_avro() {
    check_example(
        "kafka_avro",
        &[
            ("all_ok", Expected::Response(r#"{"batchItemFailures":[]}"#)),
            (
                "partial",
                Expected::Response(concat!(
                    r#"{"batchItemFailures":[{"itemIdentifier":{"partition":"mytopic-0","offset":16}},"#,
                    r#"{"itemIdentifier":{"partition":"mytopic-0","offset":18}}]}"#
                )),
            ),
            ("all_fail", Expected::Error("AllRecordsFailed")),
            ("malformed", Expected::Error("InvalidEvent")),
        ],
    );
}

/// One process serving many invocations at once, as on Lambda Managed
/// Instances: `run_concurrent` with `AWS_LAMBDA_MAX_CONCURRENCY` workers,
/// run as the READMEs say to try it locally (cargo-lambda would set the
/// variable to 1). Every invocation gets back exactly its own failures.
#[test]
#[ignore = "needs cargo-lambda; CI runs it with --ignored"]
fn managed_instances() {
    const INVOCATIONS: usize = 16;
    let watch = Watch::start_apart(
        "managed_instances",
        &[
            ("AWS_LAMBDA_MAX_CONCURRENCY", "8"),
            // For lambda_runtime's line that says how many workers poll.
            ("AWS_LAMBDA_LOG_LEVEL", "debug"),
        ],
    );
    let answers: Vec<_> = std::thread::scope(|scope| {
        let watch = &watch;
        let invocations: Vec<_> = (0..INVOCATIONS)
            .map(|i| scope.spawn(move || watch.invoke_text(&reservations(i))))
            .collect();
        invocations
            .into_iter()
            .map(|invocation| invocation.join().expect("the invoking thread ends"))
            .collect()
    });
    let log = watch.log();
    assert!(
        log.contains("worker_count=8"),
        "eight workers poll the Runtime API; log:\n{log}"
    );
    for (i, answer) in answers.iter().enumerate() {
        let context = || format!("invocation {i}: {answer:?}\nlog:\n{}", watch.log());
        if i % 4 == 3 {
            assert_eq!(
                answer.error_type(),
                Some("AllRecordsFailed"),
                "{}",
                context()
            );
        } else {
            let failed = i % 3;
            let expected = format!(
                r#"{{"batchItemFailures":[{{"itemIdentifier":"inv{i}-rec{failed}"}}]}}{}"#,
                "\n"
            );
            assert!(answer.succeeded, "expected a response; {}", context());
            assert_eq!(answer.stdout, expected, "{}", context());
        }
    }
}

/// Invocation `i`: three reservations whose message ids name the invocation;
/// record `i % 3` fails, and every record fails when `i % 4 == 3`.
fn reservations(i: usize) -> String {
    let records: Vec<String> = (0..3)
        .map(|j| {
            let quantity = if i % 4 == 3 || j == i % 3 { 0 } else { j + 1 };
            format!(
                r#"{{"messageId":"inv{i}-rec{j}","eventSource":"aws:sqs","body":"{{\"sku\":\"sku-{i}-{j}\",\"quantity\":{quantity}}}"}}"#
            )
        })
        .collect();
    format!(r#"{{"Records":[{}]}}"#, records.join(","))
}
