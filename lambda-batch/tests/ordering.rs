//! Ordered processing: SQS FIFO queues (stop, skip-group, auto) and stream
//! checkpoints (Kinesis and DynamoDB, stop and per key). A record is never
//! processed after an earlier record of its key failed; keys run
//! concurrently, each in input order.

#[path = "common/timing.rs"]
mod timing;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use lambda_batch::handler::Handler;
use lambda_batch::ordering::{FifoMode, StreamMode};
use lambda_batch::source::{DynamoDbRecord, EventSource, KinesisRecord, SqsRecord};
use lambda_batch::{
    BatchError, BatchProcessor, BatchReport, Context, FailureReason, Outcome, SkipReason,
};

use timing::{
    assert_in_sequence, delay_for, grouped, ids, kinesis_event, msg, overlap, spin, sqs_event,
    InFlight, Msg, FIFO_ARN, STANDARD_ARN,
};

type Calls = Arc<Mutex<Vec<String>>>;

fn called(calls: &Calls) -> Vec<String> {
    calls.lock().unwrap().clone()
}

/// A sync SQS handler that notes each call and fails on the body `fail`.
fn sqs_handler(calls: &Calls) -> impl for<'r> Fn(SqsRecord<'r>) -> Result<(), String> {
    let calls = Arc::clone(calls);
    move |record: SqsRecord<'_>| {
        let id = record.message_id().unwrap_or_default().to_owned();
        calls.lock().unwrap().push(id.clone());
        if record.body() == "fail" {
            Err(format!("{id} refused"))
        } else {
            Ok(())
        }
    }
}

/// An async SQS handler that notes each call, counts handlers in flight,
/// sleeps 0 to `$max_ms` ms and fails on the body `fail`.
macro_rules! async_sqs_handler {
    ($calls:expr, $flight:expr, $max_ms:expr) => {{
        let calls: Calls = Arc::clone(&$calls);
        let flight: Arc<InFlight> = Arc::clone(&$flight);
        move |record: SqsRecord<'_>| {
            let id = record.message_id().unwrap_or_default().to_owned();
            let fail = record.body() == "fail";
            let calls = Arc::clone(&calls);
            let flight = Arc::clone(&flight);
            async move {
                let _running = flight.enter();
                calls.lock().unwrap().push(id.clone());
                tokio::time::sleep(delay_for(&id, $max_ms)).await;
                if fail {
                    Err(format!("{id} refused"))
                } else {
                    Ok(())
                }
            }
        }
    }};
}

fn skip_reasons<T, E: std::fmt::Display>(
    report: &BatchReport<'_, T, E>,
) -> Vec<Option<SkipReason>> {
    report
        .records()
        .iter()
        .map(|r| match r.outcome() {
            Outcome::Skipped(reason) => Some(reason.clone()),
            _ => None,
        })
        .collect()
}

fn group_failed(
    scope: &'static str,
    key: &str,
    index: usize,
    identifier: &str,
) -> Option<SkipReason> {
    Some(SkipReason::GroupFailed {
        scope,
        key: key.to_owned(),
        index,
        identifier: Some(identifier.to_owned()),
    })
}

fn earlier_failure(index: usize, identifier: &str) -> Option<SkipReason> {
    Some(SkipReason::EarlierFailure {
        index,
        identifier: Some(identifier.to_owned()),
    })
}

// ---------------------------------------------------------------- FIFO stop

#[tokio::test]
async fn fifo_stop_reports_the_failure_and_everything_after_it() {
    let event = sqs_event(
        FIFO_ARN,
        &[
            grouped("1", "ok", "g1"),
            grouped("2", "fail", "g2"),
            grouped("3", "ok", "g3"),
        ],
    );
    let calls = Calls::default();
    let processor = BatchProcessor::sqs(sqs_handler(&calls)).fifo(FifoMode::Stop);
    let context = Context::default();
    let report = processor.run(&event, &context).await.unwrap();
    assert_eq!(skip_reasons(&report), [None, None, earlier_failure(1, "2")]);
    assert_eq!(
        called(&calls),
        ["1", "2"],
        "the handler ran after the failure"
    );
    assert_eq!(ids(&report.into_response().unwrap()), ["2", "3"]);
}

#[tokio::test]
async fn fifo_stop_runs_one_record_at_a_time_whatever_the_limit() {
    let messages: Vec<Msg> = (0..12)
        .map(|i| {
            grouped(
                format!("m{i}"),
                if i == 8 { "fail" } else { "ok" },
                format!("g{}", i % 4),
            )
        })
        .collect();
    let event = sqs_event(FIFO_ARN, &messages);
    let calls = Calls::default();
    let flight = InFlight::new();
    let processor = BatchProcessor::sqs(async_sqs_handler!(calls, flight, 2))
        .fifo(FifoMode::Stop)
        .concurrency(10);
    let context = Context::default();
    let report = processor.run(&event, &context).await.unwrap();
    assert_eq!(flight.max(), 1, "stop mode ran records at once");
    let expected_calls: Vec<String> = (0..9).map(|i| format!("m{i}")).collect();
    assert_eq!(called(&calls), expected_calls);
    let reasons = skip_reasons(&report);
    for (i, reason) in reasons.iter().enumerate() {
        let expected = if i > 8 {
            earlier_failure(8, "m8")
        } else {
            None
        };
        assert_eq!(reason, &expected, "record {i}");
    }
    assert_in_sequence(report.records(), &(0..12).collect::<Vec<_>>(), "stop mode");
    assert_eq!(
        ids(&report.into_response().unwrap()),
        ["m8", "m9", "m10", "m11"]
    );
}

// ------------------------------------------------------------ FIFO skip-group

/// g1: [ok, ok], g2: [fail, ok], g3: [fail], interleaved.
fn three_groups() -> String {
    sqs_event(
        FIFO_ARN,
        &[
            grouped("1", "ok", "g1"),
            grouped("2", "fail", "g2"),
            grouped("3", "ok", "g1"),
            grouped("4", "fail", "g3"),
            grouped("5", "ok", "g2"),
        ],
    )
}

fn check_three_groups<E: std::fmt::Display>(report: BatchReport<'_, (), E>, calls: &Calls) {
    assert_eq!(
        skip_reasons(&report),
        [
            None,
            None,
            None,
            None,
            group_failed("message group", "g2", 1, "2")
        ]
    );
    let mut calls = called(calls);
    calls.sort();
    assert_eq!(calls, ["1", "2", "3", "4"]);
    assert_eq!(ids(&report.into_response().unwrap()), ["2", "4", "5"]);
}

#[tokio::test]
async fn skip_group_skips_only_the_failed_group() {
    let event = three_groups();
    let context = Context::default();

    let calls = Calls::default();
    let processor = BatchProcessor::sqs(sqs_handler(&calls)).fifo(FifoMode::SkipGroup);
    check_three_groups(processor.run(&event, &context).await.unwrap(), &calls);

    let calls = Calls::default();
    let flight = InFlight::new();
    let processor = BatchProcessor::sqs(async_sqs_handler!(calls, flight, 3))
        .fifo(FifoMode::SkipGroup)
        .concurrency(4);
    check_three_groups(processor.run(&event, &context).await.unwrap(), &calls);

    let calls = Calls::default();
    let processor = BatchProcessor::sqs(sqs_handler(&calls))
        .fifo(FifoMode::SkipGroup)
        .parallel(2);
    check_three_groups(processor.run(&event, &context).await.unwrap(), &calls);
}

#[tokio::test]
async fn the_first_messages_of_two_groups_failing_skip_both_groups() {
    let event = sqs_event(
        FIFO_ARN,
        &[
            grouped("1", "fail", "a"),
            grouped("2", "fail", "b"),
            grouped("3", "ok", "c"),
            grouped("4", "ok", "a"),
            grouped("5", "ok", "b"),
            grouped("6", "ok", "c"),
            grouped("7", "ok", "b"),
        ],
    );
    for limit in [1, 4] {
        let calls = Calls::default();
        let flight = InFlight::new();
        let processor = BatchProcessor::sqs(async_sqs_handler!(calls, flight, 2))
            .fifo(FifoMode::SkipGroup)
            .concurrency(limit);
        let context = Context::default();
        let report = processor.run(&event, &context).await.unwrap();
        assert_eq!(
            skip_reasons(&report),
            [
                None,
                None,
                None,
                group_failed("message group", "a", 0, "1"),
                group_failed("message group", "b", 1, "2"),
                None,
                group_failed("message group", "b", 1, "2"),
            ],
            "limit {limit}"
        );
        let mut calls = called(&calls);
        calls.sort();
        assert_eq!(calls, ["1", "2", "3", "6"], "limit {limit}");
        assert_eq!(
            ids(&report.into_response().unwrap()),
            ["1", "2", "4", "5", "7"]
        );
    }
}

#[tokio::test]
async fn records_without_a_group_poison_nothing() {
    let context = Context::default();
    // A failing record without a group skips nothing.
    let event = sqs_event(
        FIFO_ARN,
        &[
            msg("1", "fail"),
            msg("2", "ok"),
            grouped("3", "ok", "g1"),
            msg("4", "ok"),
        ],
    );
    let calls = Calls::default();
    let processor = BatchProcessor::sqs(sqs_handler(&calls)).fifo(FifoMode::SkipGroup);
    let response = processor.process(&event, &context).await.unwrap();
    assert_eq!(ids(&response), ["1"]);
    assert_eq!(called(&calls), ["1", "2", "3", "4"]);

    // A record without a group runs after a group failed.
    let event = sqs_event(
        FIFO_ARN,
        &[
            grouped("1", "fail", "g1"),
            msg("2", "ok"),
            grouped("3", "ok", "g1"),
        ],
    );
    let calls = Calls::default();
    let processor = BatchProcessor::sqs(sqs_handler(&calls)).fifo(FifoMode::SkipGroup);
    let response = processor.process(&event, &context).await.unwrap();
    assert_eq!(ids(&response), ["1", "3"]);
    assert_eq!(called(&calls), ["1", "2"]);
}

#[tokio::test]
async fn no_group_state_is_left_from_one_batch_to_the_next() {
    let failing = sqs_event(
        FIFO_ARN,
        &[
            grouped("1", "fail", "g2"),
            grouped("2", "ok", "g2"),
            grouped("3", "ok", "g1"),
        ],
    );
    let passing = sqs_event(
        FIFO_ARN,
        &[grouped("4", "ok", "g2"), grouped("5", "ok", "g2")],
    );
    let calls = Calls::default();
    let flight = InFlight::new();
    let processor = BatchProcessor::sqs(async_sqs_handler!(calls, flight, 1)).concurrency(4);
    let context = Context::default();
    for _ in 0..2 {
        let response = processor.process(&failing, &context).await.unwrap();
        assert_eq!(ids(&response), ["1", "2"]);
        let response = processor.process(&passing, &context).await.unwrap();
        assert!(response.is_empty(), "{:?}", ids(&response));
    }
    let mut calls = called(&calls);
    calls.sort();
    assert_eq!(calls, ["1", "1", "3", "3", "4", "4", "5", "5"]);
}

// ------------------------------------------------------------------ FIFO auto

#[tokio::test]
async fn auto_mode_keeps_order_on_fifo_queues_only() {
    let messages = [
        grouped("1", "fail", "g1"),
        grouped("2", "ok", "g1"),
        grouped("3", "ok", "g2"),
    ];
    let context = Context::default();

    // A FIFO queue: skip-group.
    let calls = Calls::default();
    let processor = BatchProcessor::sqs(sqs_handler(&calls));
    let event = sqs_event(FIFO_ARN, &messages);
    let report = processor.run(&event, &context).await.unwrap();
    assert_eq!(
        skip_reasons(&report),
        [None, group_failed("message group", "g1", 0, "1"), None]
    );
    assert_eq!(called(&calls), ["1", "3"]);
    assert_eq!(ids(&report.into_response().unwrap()), ["1", "2"]);

    // A standard queue whose messages carry group ids (a fair queue): no
    // ordering, a failure skips nothing.
    let calls = Calls::default();
    let processor = BatchProcessor::sqs(sqs_handler(&calls));
    let event = sqs_event(STANDARD_ARN, &messages);
    let report = processor.run(&event, &context).await.unwrap();
    assert_eq!(skip_reasons(&report), [None, None, None]);
    assert_eq!(called(&calls), ["1", "2", "3"]);
    assert_eq!(ids(&report.into_response().unwrap()), ["1"]);
}

// ------------------------------------------------------- groups in parallel

/// 10 groups of `per_group` records, interleaved: record `i` is in group `i % 10`.
fn many_groups(per_group: usize) -> String {
    let messages: Vec<Msg> = (0..10 * per_group)
        .map(|i| grouped(format!("m{i}"), "ok", format!("g{}", i % 10)))
        .collect();
    sqs_event(FIFO_ARN, &messages)
}

fn assert_groups_in_order_and_overlapping<E: std::fmt::Display>(
    report: &BatchReport<'_, (), E>,
    per_group: usize,
    what: &str,
) {
    assert_eq!(report.len(), 10 * per_group);
    assert_eq!(report.succeeded(), 10 * per_group, "{what}");
    let records = report.records();
    for group in 0..10 {
        let positions: Vec<usize> = (0..per_group).map(|k| group + 10 * k).collect();
        assert_in_sequence(records, &positions, &format!("{what}, group g{group}"));
    }
    let overlapping = (0..records.len()).any(|a| {
        (a + 1..records.len()).any(|b| a % 10 != b % 10 && overlap(&records[a], &records[b]))
    });
    assert!(overlapping, "{what}: no two groups ran at the same time");
}

#[tokio::test]
async fn groups_run_concurrently_each_in_order() {
    let event = many_groups(20);
    let calls = Calls::default();
    let flight = InFlight::new();
    let processor = BatchProcessor::sqs(async_sqs_handler!(calls, flight, 3))
        .fifo(FifoMode::SkipGroup)
        .concurrency(10);
    let context = Context::default();
    let report = processor.run(&event, &context).await.unwrap();
    assert_groups_in_order_and_overlapping(&report, 20, "concurrency 10");
    assert!(flight.max() <= 10 && flight.max() >= 2, "{}", flight.max());
    assert_eq!(flight.calls(), 200);
}

#[tokio::test]
async fn groups_run_on_threads_each_in_order() {
    let event = many_groups(10);
    let flight = InFlight::new();
    let counter = Arc::clone(&flight);
    let processor = BatchProcessor::sqs(move |_: SqsRecord<'_>| -> Result<(), String> {
        let _running = counter.enter();
        spin(Duration::from_millis(1));
        Ok(())
    })
    .fifo(FifoMode::SkipGroup)
    .parallel(2);
    let context = Context::default();
    let report = processor.run(&event, &context).await.unwrap();
    assert_groups_in_order_and_overlapping(&report, 10, "2 threads");
    assert_eq!(flight.calls(), 100);
    assert!(flight.max() <= 2, "{}", flight.max());
}

// ------------------------------------------------- the whole-batch switch

/// Every record of `event` is reported: raising, the invocation fails and
/// carries them all; not raising, the response lists them all.
async fn all_reported<S, H, M>(
    make: impl Fn(bool) -> BatchProcessor<S, H, M>,
    event: &str,
    expected: &[&str],
    what: &str,
) where
    S: EventSource,
    for<'a> H: Handler<'a, S::Record<'a>, M>,
{
    let context = Context::default();
    match make(true).process(event, &context).await {
        Err(BatchError::AllRecordsFailed { failures, response }) => {
            assert_eq!(ids(&response), expected, "{what}");
            let identifiers: Vec<String> = failures
                .iter()
                .map(|f| f.identifier.clone().unwrap_or_default())
                .collect();
            assert_eq!(identifiers, expected, "{what}");
            let indexes: Vec<usize> = failures.iter().map(|f| f.index).collect();
            assert_eq!(indexes, (0..expected.len()).collect::<Vec<_>>(), "{what}");
        }
        other => panic!("{what}: expected AllRecordsFailed, got {other:?}"),
    }
    let response = make(false).process(event, &context).await.unwrap();
    assert_eq!(ids(&response), expected, "{what}");
}

fn failing_sequences(record: &KinesisRecord<'_>, failing: &[&str]) -> Result<(), String> {
    let sequence = record.sequence_number().unwrap_or_default();
    if failing.contains(&sequence) {
        Err(format!("{sequence} refused"))
    } else {
        Ok(())
    }
}

#[tokio::test]
async fn the_whole_batch_switch_holds_in_every_mode() {
    let calls = Calls::default();
    let all_fail = sqs_event(STANDARD_ARN, &[msg("1", "fail"), msg("2", "fail")]);
    all_reported(
        |raise| {
            BatchProcessor::sqs(sqs_handler(&calls))
                .fifo(FifoMode::Off)
                .raise_on_full_failure(raise)
        },
        &all_fail,
        &["1", "2"],
        "fifo off",
    )
    .await;
    let stopped = sqs_event(
        FIFO_ARN,
        &[
            grouped("1", "fail", "g1"),
            grouped("2", "ok", "g2"),
            grouped("3", "ok", "g3"),
        ],
    );
    all_reported(
        |raise| {
            BatchProcessor::sqs(sqs_handler(&calls))
                .fifo(FifoMode::Stop)
                .raise_on_full_failure(raise)
        },
        &stopped,
        &["1", "2", "3"],
        "fifo stop",
    )
    .await;
    let groups = sqs_event(
        FIFO_ARN,
        &[
            grouped("1", "fail", "g1"),
            grouped("2", "fail", "g2"),
            grouped("3", "ok", "g1"),
            grouped("4", "ok", "g2"),
        ],
    );
    for limit in [1, 4] {
        all_reported(
            |raise| {
                BatchProcessor::sqs(sqs_handler(&calls))
                    .fifo(FifoMode::SkipGroup)
                    .concurrency(limit)
                    .raise_on_full_failure(raise)
            },
            &groups,
            &["1", "2", "3", "4"],
            &format!("skip-group, limit {limit}"),
        )
        .await;
        all_reported(
            |raise| {
                BatchProcessor::sqs(sqs_handler(&calls))
                    .concurrency(limit)
                    .raise_on_full_failure(raise)
            },
            &groups,
            &["1", "2", "3", "4"],
            &format!("auto, limit {limit}"),
        )
        .await;
    }
    all_reported(
        |raise| {
            BatchProcessor::sqs(sqs_handler(&calls))
                .fifo(FifoMode::SkipGroup)
                .parallel(2)
                .raise_on_full_failure(raise)
        },
        &groups,
        &["1", "2", "3", "4"],
        "skip-group, threads",
    )
    .await;

    let kinesis = |failing: &'static [&'static str]| {
        move |record: KinesisRecord<'_>| failing_sequences(&record, failing)
    };
    let stream = kinesis_event(&[("1", "a"), ("2", "b"), ("3", "a")]);
    all_reported(
        |raise| {
            BatchProcessor::kinesis(kinesis(&["1"]))
                .stream(StreamMode::Stop)
                .raise_on_full_failure(raise)
        },
        &stream,
        &["1", "2", "3"],
        "kinesis stop",
    )
    .await;
    all_reported(
        |raise| {
            BatchProcessor::kinesis(kinesis(&["1", "2"]))
                .stream(StreamMode::PerKey)
                .concurrency(4)
                .raise_on_full_failure(raise)
        },
        &stream,
        &["1", "2", "3"],
        "kinesis per key",
    )
    .await;
    all_reported(
        |raise| {
            BatchProcessor::kinesis(kinesis(&["1", "2", "3"]))
                .stream(StreamMode::Off)
                .raise_on_full_failure(raise)
        },
        &stream,
        &["1", "2", "3"],
        "kinesis off",
    )
    .await;
    let table = dynamodb_event(&[("1", ITEM_A), ("2", ITEM_A_REORDERED)]);
    all_reported(
        |raise| {
            BatchProcessor::dynamodb(dynamodb_handler(&calls, &["1"]))
                .stream(StreamMode::PerKey)
                .raise_on_full_failure(raise)
        },
        &table,
        &["1", "2"],
        "dynamodb per key",
    )
    .await;
}

// ---------------------------------------------------------------- streams

fn kinesis_handler(
    calls: &Calls,
    failing: &'static [&'static str],
) -> impl for<'r> Fn(KinesisRecord<'r>) -> Result<(), String> {
    let calls = Arc::clone(calls);
    move |record: KinesisRecord<'_>| {
        calls
            .lock()
            .unwrap()
            .push(record.sequence_number().unwrap_or_default().to_owned());
        failing_sequences(&record, failing)
    }
}

#[tokio::test]
async fn kinesis_stop_mode_stops_at_the_first_failure() {
    let event = kinesis_event(&[("1", "a"), ("2", "b"), ("3", "c"), ("4", "a")]);
    let calls = Calls::default();
    let processor = BatchProcessor::kinesis(kinesis_handler(&calls, &["2"]))
        .stream(StreamMode::Stop)
        .concurrency(8);
    let context = Context::default();
    let report = processor.run(&event, &context).await.unwrap();
    assert_eq!(
        skip_reasons(&report),
        [None, None, earlier_failure(1, "2"), earlier_failure(1, "2")]
    );
    assert_eq!(called(&calls), ["1", "2"]);
    assert_eq!(ids(&report.into_response().unwrap()), ["2", "3", "4"]);
}

#[tokio::test]
async fn kinesis_per_key_mode_stops_only_the_failed_key() {
    let event = kinesis_event(&[
        ("1", "a"),
        ("2", "b"),
        ("3", "a"),
        ("4", "b"),
        ("5", "c"),
        ("6", "b"),
    ]);
    for limit in [1, 4] {
        let calls = Calls::default();
        let processor = BatchProcessor::kinesis(kinesis_handler(&calls, &["2"]))
            .stream(StreamMode::PerKey)
            .concurrency(limit);
        let context = Context::default();
        let report = processor.run(&event, &context).await.unwrap();
        let b_failed = group_failed("partition key", "b", 1, "2");
        assert_eq!(
            skip_reasons(&report),
            [None, None, None, b_failed.clone(), None, b_failed],
            "limit {limit}"
        );
        let mut calls = called(&calls);
        calls.sort();
        assert_eq!(calls, ["1", "2", "3", "5"], "limit {limit}");
        assert_eq!(ids(&report.into_response().unwrap()), ["2", "4", "6"]);
    }
}

#[tokio::test]
async fn kinesis_per_key_order_holds_under_random_delays() {
    // 5 keys of 20 records, interleaved; key k2's tenth record fails.
    let records: Vec<(String, String)> = (0..100)
        .map(|i| (format!("{i}"), format!("k{}", i % 5)))
        .collect();
    let borrowed: Vec<(&str, &str)> = records
        .iter()
        .map(|(s, k)| (s.as_str(), k.as_str()))
        .collect();
    let event = kinesis_event(&borrowed);
    let failing = 2 + 5 * 9;
    let flight = InFlight::new();
    let counter = Arc::clone(&flight);
    let processor = BatchProcessor::kinesis(move |record: KinesisRecord<'_>| {
        let sequence = record.sequence_number().unwrap_or_default().to_owned();
        let counter = Arc::clone(&counter);
        async move {
            let _running = counter.enter();
            tokio::time::sleep(delay_for(&sequence, 3)).await;
            if sequence == failing.to_string() {
                Err("refused")
            } else {
                Ok(())
            }
        }
    })
    .stream(StreamMode::PerKey)
    .concurrency(8);
    let context = Context::default();
    let report = processor.run(&event, &context).await.unwrap();
    let records = report.records();
    for key in 0..5 {
        let positions: Vec<usize> = (0..20).map(|k| key + 5 * k).collect();
        assert_in_sequence(records, &positions, &format!("key k{key}"));
    }
    let overlapping =
        (0..100).any(|a| (a + 1..100).any(|b| a % 5 != b % 5 && overlap(&records[a], &records[b])));
    assert!(overlapping, "no two keys ran at the same time");
    let reasons = skip_reasons(&report);
    for (i, reason) in reasons.iter().enumerate() {
        let expected = if i % 5 == 2 && i > failing {
            group_failed("partition key", "k2", failing, &failing.to_string())
        } else {
            None
        };
        assert_eq!(reason, &expected, "record {i}");
    }
    assert_eq!(flight.calls(), 100 - 10);
    assert!(flight.max() >= 2 && flight.max() <= 8, "{}", flight.max());
    let expected: Vec<String> = (failing..100).step_by(5).map(|i| i.to_string()).collect();
    assert_eq!(ids(&report.into_response().unwrap()), expected);
}

const ITEM_A: &str = r#"{"id":{"S":"a"},"sk":{"N":"1"}}"#;
const ITEM_A_REORDERED: &str = r#"{"sk":{"N":"1"},"id":{"S":"a"}}"#;
const ITEM_B: &str = r#"{"id":{"S":"b"},"sk":{"N":"1"}}"#;
const ITEM_A2: &str = r#"{"id":{"S":"a"},"sk":{"N":"2"}}"#;

/// A DynamoDB Streams event of `(sequence number, Keys JSON)` records; the
/// keys are written as given, attribute order included.
fn dynamodb_event(records: &[(&str, &str)]) -> String {
    let records: Vec<String> = records
        .iter()
        .map(|(sequence, keys)| {
            format!(
                r#"{{"eventID":"e{sequence}","eventName":"MODIFY","eventVersion":"1.1","eventSource":"aws:dynamodb","awsRegion":"us-east-1","dynamodb":{{"ApproximateCreationDateTime":1480642020,"Keys":{keys},"SequenceNumber":"{sequence}","SizeBytes":26,"StreamViewType":"KEYS_ONLY"}},"eventSourceARN":"arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2024-01-01T00:00:00.000"}}"#
            )
        })
        .collect();
    format!(r#"{{"Records":[{}]}}"#, records.join(","))
}

fn dynamodb_handler(
    calls: &Calls,
    failing: &'static [&'static str],
) -> impl for<'r> Fn(DynamoDbRecord<'r>) -> Result<(), String> {
    let calls = Arc::clone(calls);
    move |record: DynamoDbRecord<'_>| {
        let sequence = record.sequence_number().unwrap_or_default().to_owned();
        calls.lock().unwrap().push(sequence.clone());
        if failing.contains(&sequence.as_str()) {
            Err(format!("{sequence} refused"))
        } else {
            Ok(())
        }
    }
}

#[tokio::test]
async fn dynamodb_per_key_mode_keys_by_item_whatever_the_attribute_order() {
    let event = dynamodb_event(&[
        ("1", ITEM_A),
        ("2", ITEM_B),
        ("3", ITEM_A_REORDERED),
        ("4", ITEM_A2),
        ("5", ITEM_B),
    ]);
    for limit in [1, 4] {
        let calls = Calls::default();
        let processor = BatchProcessor::dynamodb(dynamodb_handler(&calls, &["1"]))
            .stream(StreamMode::PerKey)
            .concurrency(limit);
        let context = Context::default();
        let report = processor.run(&event, &context).await.unwrap();
        assert_eq!(
            skip_reasons(&report),
            [
                None,
                None,
                group_failed("item key", ITEM_A, 0, "1"),
                None,
                None
            ],
            "limit {limit}"
        );
        let mut calls = called(&calls);
        calls.sort();
        assert_eq!(calls, ["1", "2", "4", "5"], "limit {limit}");
        assert_eq!(ids(&report.into_response().unwrap()), ["1", "3"]);
    }
}

#[tokio::test]
async fn dynamodb_keys_that_do_not_read_fail_their_record_only_when_keys_are_used() {
    const UNREADABLE: &str = r#"{"id":{"X":"a"}}"#;
    let event = dynamodb_event(&[("1", ITEM_A), ("2", UNREADABLE), ("3", ITEM_B)]);
    let context = Context::default();

    // Ordered per item: the key is read, and its record fails without a call.
    let calls = Calls::default();
    let processor =
        BatchProcessor::dynamodb(dynamodb_handler(&calls, &[])).stream(StreamMode::PerKey);
    let report = processor.run(&event, &context).await.unwrap();
    let error = report.records()[1]
        .outcome()
        .error_text()
        .unwrap_or_default();
    assert!(
        error.contains("field `dynamodb.Keys.id` is invalid: unknown attribute type `X`"),
        "{error}"
    );
    assert!(!called(&calls).contains(&"2".to_owned()));
    let reported = ids(&report.into_response().unwrap());
    assert_eq!(reported.first().map(String::as_str), Some("2"));
    assert!(!reported.contains(&"1".to_owned()));

    // Not ordered: no one reads the keys, and every record succeeds.
    let calls = Calls::default();
    let processor = BatchProcessor::dynamodb(dynamodb_handler(&calls, &[])).stream(StreamMode::Off);
    let response = processor.process(&event, &context).await.unwrap();
    assert!(response.is_empty());
    assert_eq!(called(&calls), ["1", "2", "3"]);
}

// ------------------------------------------------------ unreadable records

/// `messages` from a FIFO queue, with the body of the message at `broken`
/// replaced by a number.
fn with_unreadable(messages: &[Msg], broken: usize) -> String {
    let mut event: serde_json::Value =
        serde_json::from_str(&sqs_event(FIFO_ARN, messages)).unwrap();
    event["Records"][broken]["body"] = 7.into();
    event.to_string()
}

#[tokio::test]
async fn an_unreadable_record_skips_every_later_record() {
    let event = with_unreadable(
        &[
            grouped("1", "ok", "g1"),
            grouped("2", "ok", "g1"),
            grouped("3", "ok", "g2"),
            grouped("4", "ok", "g3"),
            grouped("5", "ok", "g1"),
            msg("6", "ok"),
        ],
        2,
    );
    let unknown = Some(SkipReason::UnknownGroup {
        index: 2,
        identifier: Some("3".to_owned()),
    });
    let context = Context::default();
    for (limit, mode) in [
        (1, FifoMode::SkipGroup),
        (4, FifoMode::SkipGroup),
        (4, FifoMode::Auto),
    ] {
        let what = format!("limit {limit}, {mode:?}");
        let calls = Calls::default();
        let flight = InFlight::new();
        let processor = BatchProcessor::sqs(async_sqs_handler!(calls, flight, 2))
            .fifo(mode)
            .concurrency(limit);
        let report = processor.run(&event, &context).await.unwrap();
        assert_eq!(
            skip_reasons(&report),
            [
                None,
                None,
                None,
                unknown.clone(),
                unknown.clone(),
                unknown.clone()
            ],
            "{what}"
        );
        match report.records()[2].outcome() {
            Outcome::Failure(FailureReason::InvalidRecord(error)) => {
                assert_eq!(
                    error.to_string(),
                    "field `body` is a number, expected a string",
                    "{what}"
                )
            }
            other => panic!("{what}: the unreadable record: {other:?}"),
        }
        assert_eq!(called(&calls), ["1", "2"], "{what}");
        assert_eq!(
            ids(&report.into_response().unwrap()),
            ["3", "4", "5", "6"],
            "{what}"
        );
    }
}

#[tokio::test]
async fn skipped_records_keep_their_reasons_without_calls() {
    // The reasons name the failed record; the set of calls proves the
    // handler never saw a skipped record.
    let event = three_groups();
    let calls = Calls::default();
    let processor = BatchProcessor::sqs(sqs_handler(&calls));
    let context = Context::default();
    let report = processor.run(&event, &context).await.unwrap();
    let skipped: HashSet<String> = report
        .records()
        .iter()
        .filter(|r| matches!(r.outcome(), Outcome::Skipped(_)))
        .map(|r| r.identifier().map(ToString::to_string).unwrap_or_default())
        .collect();
    let called: HashSet<String> = called(&calls).into_iter().collect();
    assert!(skipped.is_disjoint(&called), "{skipped:?} {called:?}");
    assert_eq!(skipped, HashSet::from(["5".to_owned()]));
    assert_eq!(
        report.records()[4].outcome().error_text().as_deref(),
        Some("skipped: record 1 (2) of the same message group `g2` failed")
    );
}

/// A Kafka event: `(partition, offset, value)` records of topic `orders`.
fn kafka_event(records: &[(u32, u64, &str)]) -> String {
    use base64::Engine as _;
    let mut partitions = serde_json::Map::new();
    for (partition, offset, value) in records {
        let list = partitions
            .entry(format!("orders-{partition}"))
            .or_insert_with(|| serde_json::json!([]));
        list.as_array_mut().unwrap().push(serde_json::json!({
            "topic": "orders", "partition": partition, "offset": offset,
            "timestamp": 1_700_000_000_000u64, "timestampType": "CREATE_TIME",
            "value": base64::engine::general_purpose::STANDARD.encode(value),
        }));
    }
    serde_json::json!({"eventSource": "aws:kafka", "records": partitions}).to_string()
}

/// A field no handler reads does not fail its record, so it does not stop
/// its topic-partition either; one the handler reads and cannot decode
/// does, as any failure.
#[tokio::test]
async fn kafka_unread_malformed_fields_do_not_stop_the_partition() {
    let mut event: serde_json::Value = serde_json::from_str(&kafka_event(&[
        (0, 10, "ok"),
        (0, 11, "ok"),
        (0, 12, "ok"),
        (1, 20, "ok"),
        (1, 21, "ok"),
    ]))
    .unwrap();
    event["records"]["orders-0"][1]["headers"] = serde_json::json!([{"h": "not bytes"}]);
    event["records"]["orders-1"][0]["value"] = serde_json::json!("not base64!");
    let event = event.to_string();
    let processor = BatchProcessor::kafka(|record: lambda_batch::source::KafkaRecord<'_>| {
        record.value().map(|_| ())
    })
    .stream(StreamMode::PerKey);
    let context = Context::default();
    let report = processor.run(&event, &context).await.unwrap();
    let kinds: Vec<&str> = report
        .records()
        .iter()
        .map(|r| match r.outcome() {
            Outcome::Success(()) => "ok",
            Outcome::Skipped(_) => "skipped",
            _ => "failed",
        })
        .collect();
    assert_eq!(kinds, ["ok", "ok", "ok", "failed", "skipped"]);
    let response = serde_json::to_string(&report.into_response().unwrap()).unwrap();
    assert_eq!(
        response,
        r#"{"batchItemFailures":[{"itemIdentifier":{"partition":"orders-1","offset":20}},{"itemIdentifier":{"partition":"orders-1","offset":21}}]}"#
    );
}

#[tokio::test]
async fn kafka_per_key_stops_only_the_failed_partition() {
    let processor = BatchProcessor::kafka(|record: lambda_batch::source::KafkaRecord<'_>| {
        match record.value().map_err(|e| e.to_string())? {
            Some(b"fail") => Err("refused".to_owned()),
            _ => Ok(()),
        }
    })
    .stream(StreamMode::PerKey)
    .concurrency(4);
    let event = kafka_event(&[
        (0, 10, "ok"),
        (0, 11, "fail"),
        (0, 12, "ok"),
        (1, 20, "ok"),
        (1, 21, "ok"),
    ]);
    let context = Context::default();
    let report = processor.run(&event, &context).await.unwrap();
    let reasons: Vec<Option<SkipReason>> = report
        .records()
        .iter()
        .map(|r| match r.outcome() {
            Outcome::Skipped(reason) => Some(reason.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        reasons[2],
        Some(SkipReason::GroupFailed {
            scope: "topic-partition",
            key: "orders-0".into(),
            index: 1,
            identifier: Some("orders-0@11".into()),
        })
    );
    assert!(reasons[3].is_none() && reasons[4].is_none());
    let response = serde_json::to_string(&report.into_response().unwrap()).unwrap();
    assert_eq!(
        response,
        r#"{"batchItemFailures":[{"itemIdentifier":{"partition":"orders-0","offset":11}},{"itemIdentifier":{"partition":"orders-0","offset":12}}]}"#
    );
}
