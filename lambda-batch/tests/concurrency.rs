//! Running records at once: async handlers under `.concurrency(n)`, sync
//! handlers on threads under `.parallel(n)`, panics, record timeouts and one
//! processor shared by concurrent invocations. Whatever order records finish
//! in, outcomes and the response stay in input order and every record is
//! reported exactly once.

#[path = "common/timing.rs"]
#[macro_use]
mod timing;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::thread::ThreadId;
use std::time::{Duration, Instant};

use lambda_batch::ordering::FifoMode;
use lambda_batch::source::SqsRecord;
use lambda_batch::{BatchProcessor, CancelReason, Context, FailureReason, Outcome};
use proptest::prelude::*;

use timing::{
    delay_for, grouped, ids, msg, spin, sqs_event, work, InFlight, Msg, FIFO_ARN, STANDARD_ARN,
};

/// `n` messages `m0..`, failing where `fails(i)`.
fn messages(n: usize, fails: impl Fn(usize) -> bool) -> Vec<Msg> {
    (0..n)
        .map(|i| msg(format!("m{i}"), if fails(i) { "fail" } else { "ok" }))
        .collect()
}

#[tokio::test]
async fn order_is_kept_whatever_order_records_finish_in() {
    let fails = |i: usize| i % 7 == 3 || i == 0 || i == 199;
    let messages = messages(200, fails);
    let event = sqs_event(STANDARD_ARN, &messages);
    let flight = InFlight::new();
    let counter = Arc::clone(&flight);
    let processor = BatchProcessor::sqs(move |record: SqsRecord<'_>| {
        let id = record.message_id().unwrap_or_default().to_owned();
        let body = record.body().to_owned();
        let counter = Arc::clone(&counter);
        async move {
            let _running = counter.enter();
            tokio::time::sleep(delay_for(&id, 5)).await;
            if body == "fail" {
                Err(format!("{id} refused"))
            } else {
                Ok(id)
            }
        }
    })
    .concurrency(16);
    let context = Context::default();

    let report = processor.run(&event, &context).await.unwrap();
    assert_eq!(report.len(), 200);
    for (i, record) in report.records().iter().enumerate() {
        let id = format!("m{i}");
        assert_eq!(record.index(), i);
        assert_eq!(
            record.identifier().map(ToString::to_string),
            Some(id.clone())
        );
        match record.outcome() {
            Outcome::Success(value) => {
                assert!(!fails(i), "record {i} should have failed");
                assert_eq!(value, &id);
            }
            Outcome::Failure(FailureReason::Handler(error)) => {
                assert!(fails(i), "record {i} should have succeeded");
                assert_eq!(error, &format!("{id} refused"));
            }
            other => panic!("record {i}: unexpected outcome {other:?}"),
        }
    }
    // Records did finish out of input order, so the order above was restored.
    let records = report.records();
    let reordered = (1..records.len()).any(|i| records[i].finished() < records[i - 1].finished());
    assert!(
        reordered,
        "every record finished in input order: the test proves nothing"
    );
    assert_eq!(flight.calls(), 200);
    assert!(flight.max() <= 16, "{}", flight.max());

    let response = report.into_response().unwrap();
    let expected: Vec<String> = (0..200)
        .filter(|&i| fails(i))
        .map(|i| format!("m{i}"))
        .collect();
    assert_eq!(ids(&response), expected);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn every_record_is_reported_once_in_input_order(
        records in prop::collection::vec((any::<bool>(), 0u64..=3), 1..60),
        limit in 1usize..20,
    ) {
        let messages: Vec<Msg> = records
            .iter()
            .enumerate()
            .map(|(i, (fail, delay))| {
                msg(format!("p{i}"), format!("{}:{delay}", if *fail { "fail" } else { "ok" }))
            })
            .collect();
        let event = sqs_event(STANDARD_ARN, &messages);
        let flight = InFlight::new();
        let counter = Arc::clone(&flight);
        let processor = BatchProcessor::sqs(move |record: SqsRecord<'_>| {
            let body = record.body().to_owned();
            let counter = Arc::clone(&counter);
            async move {
                let _running = counter.enter();
                let (verdict, delay) = body.split_once(':').unwrap();
                tokio::time::sleep(Duration::from_millis(delay.parse().unwrap())).await;
                if verdict == "fail" { Err("refused") } else { Ok(()) }
            }
        })
        .concurrency(limit)
        .raise_on_full_failure(false);
        let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
        let context = Context::default();
        let report = runtime.block_on(processor.run(&event, &context)).unwrap();

        prop_assert_eq!(report.len(), records.len());
        prop_assert_eq!(flight.calls(), records.len());
        prop_assert!(flight.max() <= limit);
        for (i, record) in report.records().iter().enumerate() {
            prop_assert_eq!(record.index(), i);
            prop_assert_eq!(record.identifier().map(ToString::to_string), Some(format!("p{i}")));
            prop_assert_eq!(record.outcome().is_success(), !records[i].0);
        }
        let response = report.into_response().unwrap();
        let expected: Vec<String> = records
            .iter()
            .enumerate()
            .filter(|(_, (fail, _))| *fail)
            .map(|(i, _)| format!("p{i}"))
            .collect();
        prop_assert_eq!(ids(&response), expected);
    }
}

/// Runs 120 records sleeping 1 ms each under `limit` and returns the most
/// handlers seen at once.
async fn most_at_once(limit: usize, records: usize) -> usize {
    let event = sqs_event(STANDARD_ARN, &messages(records, |_| false));
    let flight = InFlight::new();
    let counter = Arc::clone(&flight);
    let processor = BatchProcessor::sqs(move |_: SqsRecord<'_>| {
        let counter = Arc::clone(&counter);
        async move {
            let _running = counter.enter();
            tokio::time::sleep(Duration::from_millis(1)).await;
            Ok::<(), String>(())
        }
    })
    .concurrency(limit);
    let context = Context::default();
    let response = processor.process(&event, &context).await.unwrap();
    assert!(response.is_empty());
    assert_eq!(flight.calls(), records);
    assert_eq!(flight.current(), 0);
    flight.max()
}

#[tokio::test]
async fn the_concurrency_limit_is_reached_and_never_exceeded() {
    for limit in [1, 3, 50] {
        assert_eq!(most_at_once(limit, 120).await, limit, "limit {limit}");
    }
    // Fewer records than the limit: all of them at once, no more.
    assert_eq!(most_at_once(50, 10).await, 10);
}

#[tokio::test]
async fn a_panicking_async_handler_fails_only_its_record() {
    let bodies = [
        "ok",
        "panic-early",
        "ok",
        "panic-late",
        "fail",
        "ok",
        "panic-late",
        "ok",
    ];
    let messages: Vec<Msg> = bodies
        .iter()
        .enumerate()
        .map(|(i, body)| msg(format!("m{i}"), *body))
        .collect();
    let event = sqs_event(STANDARD_ARN, &messages);
    let processor = BatchProcessor::sqs(|record: SqsRecord<'_>| {
        let id = record.message_id().unwrap_or_default().to_owned();
        let body = record.body().to_owned();
        if body == "panic-early" {
            panic!("no future for {id}");
        }
        async move {
            tokio::time::sleep(delay_for(&id, 3)).await;
            match body.as_str() {
                "panic-late" => panic!("boom in {id}"),
                "fail" => Err(format!("{id} refused")),
                _ => Ok(()),
            }
        }
    })
    .concurrency(4);
    let context = Context::default();
    let report = processor.run(&event, &context).await.unwrap();
    let outcomes: Vec<String> = report
        .records()
        .iter()
        .map(|r| match r.outcome() {
            Outcome::Success(()) => "ok".to_owned(),
            Outcome::Failure(FailureReason::Panic(message)) => format!("panic: {message}"),
            Outcome::Failure(FailureReason::Handler(error)) => format!("error: {error}"),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            "ok",
            "panic: no future for m1",
            "ok",
            "panic: boom in m3",
            "error: m4 refused",
            "ok",
            "panic: boom in m6",
            "ok",
        ]
    );
    let response = report.into_response().unwrap();
    assert_eq!(ids(&response), ["m1", "m3", "m4", "m6"]);
}

#[tokio::test]
async fn a_panicking_sync_handler_fails_only_its_record_under_concurrency() {
    let bodies = ["panic", "ok", "ok", "panic", "fail", "ok"];
    let messages: Vec<Msg> = bodies
        .iter()
        .enumerate()
        .map(|(i, body)| msg(format!("m{i}"), *body))
        .collect();
    let event = sqs_event(STANDARD_ARN, &messages);
    let processor = BatchProcessor::sqs(|record: SqsRecord<'_>| -> Result<(), String> {
        let id = record.message_id().unwrap_or_default();
        match record.body() {
            "panic" => panic!("sync boom in {id}"),
            "fail" => Err(format!("{id} refused")),
            _ => Ok(()),
        }
    })
    .concurrency(8);
    let context = Context::default();
    let report = processor.run(&event, &context).await.unwrap();
    let errors: Vec<Option<String>> = report
        .records()
        .iter()
        .map(|r| r.outcome().error_text())
        .collect();
    assert_eq!(
        errors,
        [
            Some("the handler panicked: sync boom in m0".to_owned()),
            None,
            None,
            Some("the handler panicked: sync boom in m3".to_owned()),
            Some("m4 refused".to_owned()),
            None,
        ]
    );
    assert!(matches!(
        report.records()[3].outcome(),
        Outcome::Failure(FailureReason::Panic(m)) if m == "sync boom in m3"
    ));
    assert_eq!(ids(&report.into_response().unwrap()), ["m0", "m3", "m4"]);
}

/// What one invocation of the shared processor must answer: its failing ids.
fn invocation(n: usize, fifo: bool) -> (String, Vec<String>) {
    let mut messages = Vec::new();
    let mut expected = Vec::new();
    let mut failed_groups = HashSet::new();
    for j in 0..20 {
        let id = format!("inv{n}-m{j}");
        let fail = (n + j) % 5 == 0;
        let body = format!("{id}:{}", if fail { "fail" } else { "ok" });
        if fifo {
            let group = format!("g{}", j % 3);
            if failed_groups.contains(&group) {
                expected.push(id.clone());
            } else if fail {
                failed_groups.insert(group.clone());
                expected.push(id.clone());
            }
            messages.push(grouped(id, body, group));
        } else {
            if fail {
                expected.push(id.clone());
            }
            messages.push(msg(id, body));
        }
    }
    let arn = if fifo { FIFO_ARN } else { STANDARD_ARN };
    (sqs_event(arn, &messages), expected)
}

async fn shared_by_concurrent_invocations(fifo: bool) {
    let processor = Arc::new(
        BatchProcessor::sqs(|record: SqsRecord<'_>| {
            let id = record.message_id().unwrap_or_default().to_owned();
            let body = record.body().to_owned();
            async move {
                tokio::time::sleep(delay_for(&id, 2)).await;
                // The body names its own message: a record handed to the
                // wrong call would show here.
                let (owner, verdict) = body.split_once(':').ok_or("no verdict")?;
                if owner != id {
                    return Err("a record of another message");
                }
                if verdict == "fail" {
                    Err("refused")
                } else {
                    Ok(())
                }
            }
        })
        .concurrency(8)
        .fifo(if fifo { FifoMode::Auto } else { FifoMode::Off }),
    );
    let mut tasks = Vec::new();
    for n in 0..100 {
        let (event, expected) = invocation(n, fifo);
        let processor = Arc::clone(&processor);
        tasks.push(tokio::spawn(async move {
            let context = Context::default();
            let response = processor.process(&event, &context).await;
            (n, response.map(|r| ids(&r)), expected)
        }));
    }
    for task in tasks {
        let (n, response, expected) = task.await.unwrap();
        let response = response.unwrap_or_else(|e| panic!("invocation {n}: {e}"));
        assert!(!expected.is_empty());
        assert_eq!(response, expected, "invocation {n}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_processor_serves_concurrent_invocations() {
    shared_by_concurrent_invocations(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_fifo_processor_serves_concurrent_invocations() {
    shared_by_concurrent_invocations(true).await;
}

#[tokio::test]
async fn sync_handlers_run_on_several_threads() {
    let verdict = |i: usize| match i % 9 {
        4 => "fail",
        7 => "panic",
        _ => "ok",
    };
    let messages: Vec<Msg> = (0..64)
        .map(|i| msg(format!("m{i}"), format!("{i}:{}", verdict(i))))
        .collect();
    let event = sqs_event(STANDARD_ARN, &messages);
    let threads: Arc<Mutex<HashSet<ThreadId>>> = Arc::default();
    let seen = Arc::clone(&threads);
    let flight = InFlight::new();
    let counter = Arc::clone(&flight);
    let processor = BatchProcessor::sqs(move |record: SqsRecord<'_>| -> Result<u64, String> {
        let _running = counter.enter();
        seen.lock().unwrap().insert(std::thread::current().id());
        let (seed, verdict) = record.body().split_once(':').ok_or("no verdict")?;
        let seed: u64 = seed.parse().map_err(|_| "no seed")?;
        let value = work(seed, 20_000);
        spin(Duration::from_millis(1));
        match verdict {
            "fail" => Err(format!("{seed} refused")),
            "panic" => panic!("cpu boom {seed}"),
            _ => Ok(value),
        }
    })
    .parallel(4);
    let context = Context::default();
    let report = processor.run(&event, &context).await.unwrap();

    assert_eq!(report.len(), 64);
    for (i, record) in report.records().iter().enumerate() {
        assert_eq!(record.index(), i);
        assert_eq!(
            record.identifier().map(ToString::to_string),
            Some(format!("m{i}"))
        );
        match (verdict(i), record.outcome()) {
            ("ok", Outcome::Success(value)) => assert_eq!(*value, work(i as u64, 20_000)),
            ("fail", Outcome::Failure(FailureReason::Handler(e))) => {
                assert_eq!(e, &format!("{i} refused"))
            }
            ("panic", Outcome::Failure(FailureReason::Panic(m))) => {
                assert_eq!(m, &format!("cpu boom {i}"))
            }
            (expected, other) => panic!("record {i}: expected {expected}, got {other:?}"),
        }
    }
    assert_eq!(flight.calls(), 64);
    assert!(flight.max() <= 4, "{}", flight.max());
    let distinct = threads.lock().unwrap().len();
    assert!(distinct >= 2, "handlers ran on {distinct} thread(s)");
    let expected: Vec<String> = (0..64)
        .filter(|&i| verdict(i) != "ok")
        .map(|i| format!("m{i}"))
        .collect();
    assert_eq!(ids(&report.into_response().unwrap()), expected);
}

/// Records whose body is `hang` never finish; the record timeout is 50 ms.
async fn hanging_records_time_out(limit: usize, bodies: &[&str]) {
    let messages: Vec<Msg> = bodies
        .iter()
        .enumerate()
        .map(|(i, body)| msg(format!("m{i}"), *body))
        .collect();
    let event = sqs_event(STANDARD_ARN, &messages);
    let flight = InFlight::new();
    let processor = BatchProcessor::sqs(hanging_handler!(flight))
        .concurrency(limit)
        .record_timeout(Duration::from_millis(50));
    let context = Context::default();
    let start = Instant::now();
    let report = processor.run(&event, &context).await.unwrap();
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "{:?}",
        start.elapsed()
    );
    for (i, record) in report.records().iter().enumerate() {
        if bodies[i] == "hang" {
            assert!(
                matches!(
                    record.outcome(),
                    Outcome::Cancelled(CancelReason::Timeout(limit)) if *limit == Duration::from_millis(50)
                ),
                "record {i}: {:?}",
                record.outcome()
            );
        } else {
            assert!(
                record.outcome().is_success(),
                "record {i}: {:?}",
                record.outcome()
            );
        }
    }
    // Every hanging handler's future was dropped.
    assert_eq!(flight.current(), 0);
    assert_eq!(flight.calls(), bodies.len());
    let expected: Vec<String> = (0..bodies.len())
        .filter(|&i| bodies[i] == "hang")
        .map(|i| format!("m{i}"))
        .collect();
    assert_eq!(ids(&report.into_response().unwrap()), expected);
}

#[tokio::test]
async fn a_hanging_record_times_out_in_sequence() {
    hanging_records_time_out(1, &["ok", "hang", "ok", "ok", "hang", "ok"]).await;
}

#[tokio::test]
async fn hanging_records_time_out_concurrently() {
    hanging_records_time_out(
        4,
        &["ok", "hang", "hang", "ok", "hang", "ok", "ok", "hang", "ok"],
    )
    .await;
}

/// A sync handler that needs the async runtime, as `tokio::spawn` does.
fn needs_the_runtime(record: SqsRecord<'_>) -> Result<(), String> {
    let _ = record.body();
    tokio::runtime::Handle::try_current()
        .map(drop)
        .map_err(|e| format!("no runtime on this thread: {e}"))
}

#[test]
fn threads_see_the_async_runtime_of_the_caller() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let ids: Vec<String> = (0..40).map(|i| format!("r{i}")).collect();
    let records: Vec<String> = ids
        .iter()
        .map(|id| format!(r#"{{"messageId":"{id}","body":"x"}}"#))
        .collect();
    let event = format!(r#"{{"Records":[{}]}}"#, records.join(","));
    let processor = BatchProcessor::sqs(needs_the_runtime).parallel(4);
    let context = Context::default();
    let report = runtime.block_on(processor.run(&event, &context)).unwrap();
    for record in report.records() {
        assert!(
            record.outcome().is_success(),
            "record {}: {:?}",
            record.index(),
            record.outcome().error_text()
        );
    }
}
