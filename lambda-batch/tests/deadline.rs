//! The invocation's deadline: records stop a safety margin before it, so the
//! response goes back before Lambda's timeout. Records not started are
//! skipped, running async handlers cancelled, and nothing is lost.

#[path = "common/timing.rs"]
#[macro_use]
mod timing;

use std::sync::Arc;
use std::time::{Duration, Instant};

use lambda_batch::source::SqsRecord;
use lambda_batch::{BatchError, BatchProcessor, CancelReason, Outcome, SkipReason};

use timing::{
    context_ending_in, context_with_deadline, ids, msg, now_ms, sqs_event, InFlight, Msg,
    STANDARD_ARN,
};

/// `n` messages `m0..`; those at `hanging` have the body `hang`.
fn event(n: usize, hanging: &[usize]) -> String {
    let messages: Vec<Msg> = (0..n)
        .map(|i| {
            msg(
                format!("m{i}"),
                if hanging.contains(&i) { "hang" } else { "ok" },
            )
        })
        .collect();
    sqs_event(STANDARD_ARN, &messages)
}

fn names(range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|i| format!("m{i}")).collect()
}

/// What each record's outcome says: `ok`, `cancelled:deadline`,
/// `skipped:deadline` or the debug form of anything else.
fn outcomes<E: std::fmt::Debug + std::fmt::Display>(
    report: &lambda_batch::BatchReport<'_, (), E>,
) -> Vec<String> {
    report
        .records()
        .iter()
        .map(|r| match r.outcome() {
            Outcome::Success(()) => "ok".to_owned(),
            Outcome::Cancelled(CancelReason::Deadline) => "cancelled:deadline".to_owned(),
            Outcome::Skipped(SkipReason::Deadline) => "skipped:deadline".to_owned(),
            other => format!("{other:?}"),
        })
        .collect()
}

fn assert_took_about_the_time_left(start: Instant) {
    let took = start.elapsed();
    assert!(
        took >= Duration::from_millis(150) && took < Duration::from_secs(1),
        "the batch took {took:?}; the deadline less the margin was 200 ms away"
    );
}

#[tokio::test]
async fn a_hanging_record_is_cancelled_at_the_deadline_in_sequence() {
    let event = event(6, &[2]);
    let flight = InFlight::new();
    let processor =
        BatchProcessor::sqs(hanging_handler!(flight)).deadline_margin(Duration::from_millis(100));

    let context = context_ending_in(300);
    let start = Instant::now();
    let report = processor.run(&event, &context).await.unwrap();
    assert_took_about_the_time_left(start);
    assert_eq!(
        outcomes(&report),
        [
            "ok",
            "ok",
            "cancelled:deadline",
            "skipped:deadline",
            "skipped:deadline",
            "skipped:deadline"
        ]
    );
    assert_eq!((report.cancelled(), report.skipped()), (1, 3));
    assert_eq!(flight.calls(), 3);
    assert_eq!(
        flight.current(),
        0,
        "the hanging handler's future was dropped"
    );
    assert_eq!(ids(&report.into_response().unwrap()), names(2..6));

    let context = context_ending_in(300);
    let start = Instant::now();
    let response = processor.process(&event, &context).await.unwrap();
    assert_took_about_the_time_left(start);
    assert_eq!(ids(&response), names(2..6));
}

#[tokio::test]
async fn hanging_records_are_cancelled_at_the_deadline_concurrently() {
    // With 4 at once: m0 and m1 finish, then m2..m5 hang and fill every slot.
    let event = event(10, &[2, 3, 4, 5]);
    let flight = InFlight::new();
    let processor = BatchProcessor::sqs(hanging_handler!(flight))
        .concurrency(4)
        .deadline_margin(Duration::from_millis(100));

    let context = context_ending_in(300);
    let start = Instant::now();
    let report = processor.run(&event, &context).await.unwrap();
    assert_took_about_the_time_left(start);
    let mut expected = vec!["ok"; 2];
    expected.extend(["cancelled:deadline"; 4]);
    expected.extend(["skipped:deadline"; 4]);
    assert_eq!(outcomes(&report), expected);
    assert_eq!(flight.max(), 4);
    assert_eq!(flight.calls(), 6);
    assert_eq!(flight.current(), 0, "every hanging future was dropped");
    assert_eq!(ids(&report.into_response().unwrap()), names(2..10));

    let context = context_ending_in(300);
    let start = Instant::now();
    let response = processor.process(&event, &context).await.unwrap();
    assert_took_about_the_time_left(start);
    assert_eq!(ids(&response), names(2..10));
}

#[tokio::test]
async fn a_batch_stopped_whole_by_the_deadline_fails_the_invocation_when_raising() {
    // Every record hangs: those running are cancelled, the others skipped.
    let event = event(4, &[0, 1, 2, 3]);
    for limit in [1, 3] {
        let flight = InFlight::new();
        let processor = BatchProcessor::sqs(hanging_handler!(flight))
            .concurrency(limit)
            .deadline_margin(Duration::from_millis(100));
        let context = context_ending_in(300);
        match processor.process(&event, &context).await {
            Err(BatchError::AllRecordsFailed { failures, response }) => {
                assert_eq!(ids(&response), names(0..4));
                let listed: Vec<(usize, Option<String>, String)> = failures
                    .into_iter()
                    .map(|f| (f.index, f.identifier, f.error))
                    .collect();
                let cancelled = CancelReason::Deadline.to_string();
                let skipped = SkipReason::Deadline.to_string();
                let expected: Vec<(usize, Option<String>, String)> = (0..4)
                    .map(|i| {
                        let error = if i < limit { &cancelled } else { &skipped };
                        (i, Some(format!("m{i}")), error.clone())
                    })
                    .collect();
                assert_eq!(listed, expected, "limit {limit}");
            }
            other => panic!("limit {limit}: expected AllRecordsFailed, got {other:?}"),
        }
        // Off, the response lists every record.
        let processor = BatchProcessor::sqs(hanging_handler!(flight))
            .concurrency(limit)
            .deadline_margin(Duration::from_millis(100))
            .raise_on_full_failure(false);
        let context = context_ending_in(300);
        let response = processor.process(&event, &context).await.unwrap();
        assert_eq!(ids(&response), names(0..4), "limit {limit}");
    }
}

#[tokio::test]
async fn every_record_skipped_fails_the_invocation_with_all_of_them() {
    let event = event(5, &[]);
    let flight = InFlight::new();
    let processor =
        BatchProcessor::sqs(hanging_handler!(flight)).deadline_margin(Duration::from_secs(1));
    let context = context_ending_in(300);
    match processor.process(&event, &context).await {
        Err(BatchError::AllRecordsFailed { failures, response }) => {
            assert_eq!(ids(&response), names(0..5));
            assert_eq!(failures.len(), 5);
            for (i, failure) in failures.iter().enumerate() {
                assert_eq!(failure.index, i);
                assert_eq!(
                    failure.identifier.as_deref(),
                    Some(format!("m{i}").as_str())
                );
                assert_eq!(failure.error, SkipReason::Deadline.to_string());
            }
        }
        other => panic!("expected AllRecordsFailed, got {other:?}"),
    }
    assert_eq!(flight.calls(), 0);
}

#[tokio::test]
async fn a_deadline_in_the_past_means_none() {
    let event = event(5, &[]);
    let an_hour_ago = now_ms() - 3_600_000;
    for deadline in [0, 600_000, an_hour_ago] {
        for limit in [1, 4] {
            let flight = InFlight::new();
            let processor = BatchProcessor::sqs(hanging_handler!(flight)).concurrency(limit);
            let context = context_with_deadline(deadline);
            let report = processor.run(&event, &context).await.unwrap();
            assert_eq!(
                outcomes(&report),
                ["ok"; 5],
                "deadline {deadline}, limit {limit}"
            );
            assert_eq!(flight.calls(), 5);
        }
        // Threads mode too.
        let flight = InFlight::new();
        let counter = Arc::clone(&flight);
        let processor = BatchProcessor::sqs(move |_: SqsRecord<'_>| -> Result<(), String> {
            let _running = counter.enter();
            Ok(())
        })
        .parallel(2);
        let context = context_with_deadline(deadline);
        let response = processor.process(&event, &context).await.unwrap();
        assert!(response.is_empty(), "deadline {deadline}");
        assert_eq!(flight.calls(), 5);
    }
}

#[tokio::test]
async fn a_margin_longer_than_the_time_left_skips_every_record() {
    let event = event(6, &[]);
    for limit in [1, 4] {
        let flight = InFlight::new();
        let processor = BatchProcessor::sqs(hanging_handler!(flight))
            .concurrency(limit)
            .deadline_margin(Duration::from_secs(2));
        let context = context_ending_in(1_000);
        let start = Instant::now();
        let report = processor.run(&event, &context).await.unwrap();
        assert!(
            start.elapsed() < Duration::from_millis(500),
            "{:?}",
            start.elapsed()
        );
        assert_eq!(outcomes(&report), ["skipped:deadline"; 6], "limit {limit}");
        assert_eq!(flight.calls(), 0, "limit {limit}: the handler was called");
    }
    let flight = InFlight::new();
    let counter = Arc::clone(&flight);
    let processor = BatchProcessor::sqs(move |_: SqsRecord<'_>| -> Result<(), String> {
        let _running = counter.enter();
        Ok(())
    })
    .parallel(2)
    .deadline_margin(Duration::from_secs(2));
    let context = context_ending_in(1_000);
    let report = processor.run(&event, &context).await.unwrap();
    assert_eq!(outcomes(&report), ["skipped:deadline"; 6], "threads");
    assert_eq!(flight.calls(), 0, "threads: the handler was called");
}

#[tokio::test]
async fn ignoring_the_deadline_runs_records_past_it() {
    let event = event(6, &[]);
    let slow = |flight: &Arc<InFlight>| {
        let counter = Arc::clone(flight);
        move |_: SqsRecord<'_>| {
            let counter = Arc::clone(&counter);
            async move {
                let _running = counter.enter();
                tokio::time::sleep(Duration::from_millis(30)).await;
                Ok::<(), String>(())
            }
        }
    };

    let flight = InFlight::new();
    let processor = BatchProcessor::sqs(slow(&flight)).ignore_deadline();
    let context = context_ending_in(100);
    let start = Instant::now();
    let report = processor.run(&event, &context).await.unwrap();
    assert!(
        start.elapsed() >= Duration::from_millis(150),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(outcomes(&report), ["ok"; 6]);
    assert_eq!(flight.calls(), 6);

    // The same batch with the default margin of 500 ms runs nothing.
    let flight = InFlight::new();
    let processor = BatchProcessor::sqs(slow(&flight)).raise_on_full_failure(false);
    let context = context_ending_in(100);
    let report = processor.run(&event, &context).await.unwrap();
    assert_eq!(outcomes(&report), ["skipped:deadline"; 6]);
    assert_eq!(flight.calls(), 0);
}

#[tokio::test]
async fn threads_stop_starting_records_at_the_deadline() {
    let event = event(20, &[]);
    let flight = InFlight::new();
    let counter = Arc::clone(&flight);
    let processor = BatchProcessor::sqs(move |_: SqsRecord<'_>| -> Result<(), String> {
        let _running = counter.enter();
        std::thread::sleep(Duration::from_millis(50));
        Ok(())
    })
    .parallel(2)
    .deadline_margin(Duration::ZERO);
    let context = context_ending_in(200);
    let start = Instant::now();
    let report = processor.run(&event, &context).await.unwrap();
    let took = start.elapsed();
    assert!(
        took >= Duration::from_millis(150) && took < Duration::from_secs(1),
        "{took:?}"
    );

    // Every record is reported once: a prefix ran and succeeded (records
    // start in input order and a running sync handler is never
    // interrupted), the rest never started.
    assert_eq!(report.len(), 20);
    let outcomes = outcomes(&report);
    let ran = outcomes.iter().take_while(|o| *o == "ok").count();
    assert!((2..20).contains(&ran), "{ran} records ran: {outcomes:?}");
    assert!(
        outcomes[ran..].iter().all(|o| o == "skipped:deadline"),
        "{outcomes:?}"
    );
    for (i, record) in report.records().iter().enumerate() {
        assert_eq!(record.index(), i);
        assert_eq!(
            record.identifier().map(ToString::to_string),
            Some(format!("m{i}"))
        );
    }
    assert_eq!(flight.calls(), ran, "each record that ran ran once");
    assert_eq!(flight.current(), 0);
    assert_eq!(ids(&report.into_response().unwrap()), names(ran..20));
}
