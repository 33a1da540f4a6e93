//! Properties of ordered processing on random FIFO batches: whatever the
//! engine (one at a time, concurrent with random delays, threads), each
//! record is reported exactly once, in input order, with the outcome a
//! one-record-at-a-time model of the mode gives, and no record of a group
//! starts before the one before it in that group finished.

mod common;

use std::collections::HashSet;
use std::time::Duration;

use lambda_batch::ordering::FifoMode;
use lambda_batch::source::SqsRecord;
use lambda_batch::{BatchProcessor, Context, Outcome, SkipReason};
use proptest::prelude::*;
use serde_json::json;

use common::runtime;

const ARN: &str = "arn:aws:sqs:us-east-1:123456789012:orders.fifo";

/// One record: its message group (if any), whether it fails, whether it
/// cannot be read (its body is a number), and how long its async handler
/// waits, in hundreds of microseconds.
#[derive(Debug, Clone)]
struct Spec {
    group: Option<u8>,
    fails: bool,
    unreadable: bool,
    wait: u8,
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        prop_oneof![4 => (0u8..4).prop_map(Some), 1 => Just(None)],
        prop::bool::weighted(0.25),
        prop::bool::weighted(0.04),
        0u8..10,
    )
        .prop_map(|(group, fails, unreadable, wait)| Spec {
            group,
            fails,
            unreadable,
            wait,
        })
}

fn event(specs: &[Spec]) -> String {
    let records: Vec<_> = specs
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mut attributes = json!({});
            if let Some(g) = s.group {
                attributes["MessageGroupId"] = json!(format!("g{g}"));
            }
            let body = format!("{}:{}", if s.fails { "fail" } else { "ok" }, s.wait);
            json!({
                "messageId": format!("m{i}"),
                "body": if s.unreadable { json!(7) } else { json!(body) },
                "eventSourceARN": ARN,
                "attributes": attributes,
            })
        })
        .collect();
    json!({ "Records": records }).to_string()
}

/// What the model says of each record: `Ok(())` runs and succeeds,
/// `Err(true)` runs and fails, `Err(false)` is skipped. An unreadable record
/// fails, and its group is unknown, so every later record is skipped.
fn model(specs: &[Spec], mode: FifoMode) -> Vec<Result<(), bool>> {
    let mut failed_groups = HashSet::new();
    let mut stopped = false;
    let mut blocked = false;
    specs
        .iter()
        .map(|s| {
            let skipped = match mode {
                FifoMode::Stop => stopped,
                // An unreadable record's group is unknown: only `blocked`
                // can skip it.
                _ => {
                    blocked
                        || (!s.unreadable && s.group.is_some_and(|g| failed_groups.contains(&g)))
                }
            };
            if skipped {
                return Err(false);
            }
            if s.unreadable {
                stopped = true;
                blocked = true;
                return Err(true);
            }
            if s.fails {
                stopped = true;
                if let Some(g) = s.group {
                    failed_groups.insert(g);
                }
                return Err(true);
            }
            Ok(())
        })
        .collect()
}

fn parse(body: &str) -> (bool, u64) {
    let (word, wait) = body.split_once(':').unwrap_or((body, "0"));
    (word == "fail", wait.parse().unwrap_or(0))
}

async fn wait_then_decide(record: SqsRecord<'_>) -> Result<(), String> {
    let (fails, wait) = parse(record.body());
    tokio::time::sleep(Duration::from_micros(wait * 100)).await;
    if fails {
        Err("refused".into())
    } else {
        Ok(())
    }
}

fn spin_then_decide(record: SqsRecord<'_>) -> Result<(), String> {
    let (fails, wait) = parse(record.body());
    let until = std::time::Instant::now() + Duration::from_micros(wait * 20);
    while std::time::Instant::now() < until {
        std::hint::spin_loop();
    }
    if fails {
        Err("refused".into())
    } else {
        Ok(())
    }
}

/// Checks a report against the model and the in-group order.
fn check<T: std::fmt::Debug, E: std::fmt::Display + std::fmt::Debug>(
    specs: &[Spec],
    mode: FifoMode,
    report: &lambda_batch::BatchReport<'_, T, E>,
) -> Result<(), TestCaseError> {
    let expected = model(specs, mode);
    prop_assert_eq!(report.len(), specs.len());
    for (i, (record, want)) in report.records().iter().zip(&expected).enumerate() {
        prop_assert_eq!(record.index(), i);
        let got = match record.outcome() {
            Outcome::Success(_) => Ok(()),
            Outcome::Failure(_) => Err(true),
            Outcome::Skipped(
                SkipReason::GroupFailed { .. }
                | SkipReason::EarlierFailure { .. }
                | SkipReason::UnknownGroup { .. },
            ) => Err(false),
            other => return Err(TestCaseError::fail(format!("record {i}: {other:?}"))),
        };
        prop_assert_eq!(&got, want, "record {}", i);
    }
    // In each group, a record that ran started after the one before it ended.
    for group in 0..4u8 {
        let ran: Vec<_> = report
            .records()
            .iter()
            .zip(specs)
            .filter(|(r, s)| {
                s.group == Some(group)
                    && !s.unreadable
                    && !matches!(r.outcome(), Outcome::Skipped(_))
            })
            .map(|(r, _)| r)
            .collect();
        for pair in ran.windows(2) {
            prop_assert!(
                pair[1].started() >= pair[0].finished(),
                "group g{}: record {} started before record {} finished",
                group,
                pair[1].index(),
                pair[0].index()
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn fifo_modes_match_the_model_in_every_engine(
        specs in prop::collection::vec(spec(), 0..40),
        stop in any::<bool>(),
        limit in 1usize..6,
    ) {
        let mode = if stop { FifoMode::Stop } else { FifoMode::SkipGroup };
        let event = event(&specs);
        let context = Context::default();
        let runtime = runtime();

        let concurrent = BatchProcessor::sqs(wait_then_decide).fifo(mode).concurrency(limit);
        let report = runtime.block_on(concurrent.run(&event, &context)).unwrap();
        check(&specs, mode, &report)?;

        let threads = BatchProcessor::sqs(spin_then_decide).fifo(mode).parallel(limit);
        let report = runtime.block_on(threads.run(&event, &context)).unwrap();
        check(&specs, mode, &report)?;

        let sequential = BatchProcessor::sqs(spin_then_decide).fifo(mode);
        let report = runtime.block_on(sequential.run(&event, &context)).unwrap();
        check(&specs, mode, &report)?;
    }
}
