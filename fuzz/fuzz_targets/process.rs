//! Whole batches through every engine and ordering mode, against an oracle.
//!
//! The input is read as an event of each source. Handlers fail, panic or
//! succeed as the bytes they read decide, so an independent reading of the
//! event says which records fail. For each engine (sequential sync and
//! async, concurrent, threads) and ordering mode, the records reported must
//! be: exactly the failed ones without ordering; the first failed and every
//! later one in stop mode; in per-key modes every failed record and, after
//! it, every record of its key, the same whatever the engine. The response
//! must name the reported records, in order, each once, never with an empty
//! identifier.
#![no_main]

use std::borrow::Cow;

use libfuzzer_sys::fuzz_target;

use lambda_batch::source::{
    DynamoDbRecord, EventSource, KafkaRecord, KinesisRecord, Parsed, SqsRecord,
};
use lambda_batch::{BatchError, BatchProcessor, Context};
use lambda_batch::handler::Handler;
use lambda_batch::ordering::{FifoMode, StreamMode};
use lambda_batch::source::{DynamoDb, Kafka, Kinesis, Sqs};
use lambda_batch_fuzz::{check_response, fails, handlers, runtime, Payload};

handlers!(sqs_sync, sqs_async, SqsRecord);
handlers!(kinesis_sync, kinesis_async, KinesisRecord);
handlers!(dynamodb_sync, dynamodb_async, DynamoDbRecord);
handlers!(kafka_sync, kafka_async, KafkaRecord);

/// How the records after a failure are treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Unordered,
    Stop,
    PerKey,
}

const MODES: [Mode; 3] = [Mode::Unordered, Mode::Stop, Mode::PerKey];

/// The engine that runs the records.
#[derive(Debug, Clone, Copy)]
enum Engine {
    Sequential,
    SequentialAsync,
    Concurrent,
    Threads,
}

const ENGINES: [Engine; 4] = [
    Engine::Sequential,
    Engine::SequentialAsync,
    Engine::Concurrent,
    Engine::Threads,
];

/// The records `processor` reports for `event`, by position, checked
/// against its response.
fn reported<S, H, M>(
    processor: &BatchProcessor<S, H, M>,
    event: &str,
    parsed: &[Parsed<'_, S::Record<'_>>],
    what: &str,
) -> Vec<bool>
where
    S: EventSource,
    for<'a> H: Handler<'a, S::Record<'a>, M, Error = String>,
{
    let context = Context::default();
    let report = runtime()
        .block_on(processor.run(event, &context))
        .unwrap_or_else(|e| panic!("{what}: the event read once, not twice: {e}"));
    assert_eq!(
        report.len(),
        parsed.len(),
        "{what}: every record reported once"
    );
    let mut reported = Vec::with_capacity(report.len());
    for (index, record) in report.records().iter().enumerate() {
        assert_eq!(record.index(), index, "{what}: records in input order");
        assert_eq!(
            record.identifier(),
            parsed[index].identifier(),
            "{what}: record {index}'s identifier"
        );
        reported.push(!record.outcome().is_success());
    }
    check_response(report.into_response(), parsed, &reported, true, what);
    reported
}

/// What the oracle expects in `mode`, given which records fail (`failed`)
/// and their keys; `None` where only the invariants are checked.
fn expected(mode: Mode, failed: &[bool]) -> Option<Vec<bool>> {
    match mode {
        Mode::Unordered => Some(failed.to_vec()),
        Mode::Stop => {
            let first = failed.iter().position(|&f| f).unwrap_or(failed.len());
            Some((0..failed.len()).map(|index| index >= first).collect())
        }
        Mode::PerKey => None,
    }
}

/// Per-key invariants: every failed record is reported, and after a
/// reported record every record of the same key is.
fn check_per_key(reported: &[bool], failed: &[bool], keys: &[Option<Option<String>>], what: &str) {
    for index in 0..reported.len() {
        assert!(
            !failed[index] || reported[index],
            "{what}: failed record {index} not reported"
        );
        let Some(Some(key)) = &keys[index] else {
            continue;
        };
        if !reported[index] {
            continue;
        }
        for later in index + 1..reported.len() {
            if keys[later].as_ref().and_then(Option::as_ref) == Some(key) {
                assert!(
                    reported[later],
                    "{what}: record {later} of key {key} ran after {index} failed"
                );
            }
        }
    }
}

fn fifo<H, M>(processor: BatchProcessor<Sqs, H, M>, mode: Mode) -> BatchProcessor<Sqs, H, M> {
    processor.fifo(match mode {
        Mode::Unordered => FifoMode::Off,
        Mode::Stop => FifoMode::Stop,
        Mode::PerKey => FifoMode::SkipGroup,
    })
}

fn stream(mode: Mode) -> StreamMode {
    match mode {
        Mode::Unordered => StreamMode::Off,
        Mode::Stop => StreamMode::Stop,
        Mode::PerKey => StreamMode::PerKey,
    }
}

fn kinesis<H, M>(
    processor: BatchProcessor<Kinesis, H, M>,
    mode: Mode,
) -> BatchProcessor<Kinesis, H, M> {
    processor.stream(stream(mode))
}

fn dynamodb<H, M>(
    processor: BatchProcessor<DynamoDb, H, M>,
    mode: Mode,
) -> BatchProcessor<DynamoDb, H, M> {
    processor.stream(stream(mode))
}

fn kafka<H, M>(processor: BatchProcessor<Kafka, H, M>, mode: Mode) -> BatchProcessor<Kafka, H, M> {
    processor.stream(stream(mode))
}

/// Runs the event as a `$source` event through every engine and mode.
macro_rules! check_source {
    ($event:expr, $source:ident, $sync:ident, $async:ident, $order:ident) => {{
        let event: &str = $event;
        let context = Context::default();
        match $source::parse(event) {
            Err(invalid) => {
                // Every processor refuses it, with the same error.
                let processor = BatchProcessor::new($source, $sync).parallel(2);
                match runtime().block_on(processor.process(event, &context)) {
                    Err(BatchError::InvalidEvent(again)) => assert_eq!(again, invalid),
                    other => panic!(
                        "{}: parse refused the event, process gave {other:?}",
                        $source::NAME
                    ),
                }
            }
            Ok(parsed) => {
                let failed: Vec<bool> = parsed
                    .iter()
                    .map(|p| p.record().map_or(true, |record| fails(record)))
                    .collect();
                // `None`: the key cannot be read (the record fails in
                // per-key mode); `Some(None)`: the record has no key.
                let keys: Vec<Option<Option<String>>> = parsed
                    .iter()
                    .map(|p| match p.record() {
                        Err(_) => Some(None),
                        Ok(record) => $source::ordering_key(record)
                            .ok()
                            .map(|key| key.map(Cow::into_owned)),
                    })
                    .collect();
                let failed_keyed: Vec<bool> = failed
                    .iter()
                    .zip(&keys)
                    .map(|(&failed, key)| failed || key.is_none())
                    .collect();
                for mode in MODES {
                    let mut first: Option<Vec<bool>> = None;
                    for engine in ENGINES {
                        let what = format!("{} {mode:?} {engine:?}", $source::NAME);
                        let got = match engine {
                            Engine::Sequential => {
                                let p = $order(BatchProcessor::new($source, $sync), mode);
                                reported(&p, event, &parsed, &what)
                            }
                            Engine::SequentialAsync => {
                                let p = $order(BatchProcessor::new($source, $async), mode);
                                reported(&p, event, &parsed, &what)
                            }
                            Engine::Concurrent => {
                                let p = $order(BatchProcessor::new($source, $async), mode)
                                    .concurrency(3);
                                reported(&p, event, &parsed, &what)
                            }
                            Engine::Threads => {
                                let p =
                                    $order(BatchProcessor::new($source, $sync), mode).parallel(3);
                                reported(&p, event, &parsed, &what)
                            }
                        };
                        match expected(mode, &failed) {
                            Some(expected) => assert_eq!(got, expected, "{what}: records reported"),
                            None => check_per_key(&got, &failed_keyed, &keys, &what),
                        }
                        match &first {
                            None => first = Some(got),
                            Some(first) => {
                                assert_eq!(&got, first, "{what}: the same as the sequential engine")
                            }
                        }
                    }
                }
            }
        }
    }};
}

fuzz_target!(|data: &[u8]| {
    lambda_batch_fuzz::allow_handler_panics();
    let Ok(event) = std::str::from_utf8(data) else {
        return;
    };
    check_source!(event, Sqs, sqs_sync, sqs_async, fifo);
    check_source!(event, Kinesis, kinesis_sync, kinesis_async, kinesis);
    check_source!(event, DynamoDb, dynamodb_sync, dynamodb_async, dynamodb);
    check_source!(event, Kafka, kafka_sync, kafka_async, kafka);
});
