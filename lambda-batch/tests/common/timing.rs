//! Helpers for the concurrency, deadline and ordering tests: deadlines,
//! in-flight counting, pseudo-random delays, CPU work, time overlaps and
//! small event builders.

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use lambda_batch::{BatchResponse, Context, RecordReport};

/// An async handler counted in `$counter` (an `Arc<InFlight>`): a record
/// whose body is `hang` never finishes, any other takes 1 ms.
#[allow(unused_macros)]
macro_rules! hanging_handler {
    ($counter:expr) => {{
        let counter: ::std::sync::Arc<$crate::timing::InFlight> =
            ::std::sync::Arc::clone(&$counter);
        move |record: ::lambda_batch::source::SqsRecord<'_>| {
            let hang = record.body() == "hang";
            let counter = ::std::sync::Arc::clone(&counter);
            async move {
                let _running = counter.enter();
                if hang {
                    std::future::pending::<()>().await;
                }
                ::tokio::time::sleep(::std::time::Duration::from_millis(1)).await;
                Ok::<(), String>(())
            }
        }
    }};
}

/// The ARN of a FIFO queue.
pub const FIFO_ARN: &str = "arn:aws:sqs:us-east-1:123456789012:orders.fifo";
/// The ARN of a standard queue.
pub const STANDARD_ARN: &str = "arn:aws:sqs:us-east-1:123456789012:orders";

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("the clock is after 1970")
        .as_millis() as u64
}

/// A context whose deadline is `millis` from now (negative: in the past).
pub fn context_ending_in(millis: i64) -> Context {
    let mut context = Context::default();
    context.deadline = (now_ms() as i64 + millis).max(0) as u64;
    context
}

/// A context with this exact deadline, in epoch milliseconds.
pub fn context_with_deadline(deadline: u64) -> Context {
    let mut context = Context::default();
    context.deadline = deadline;
    context
}

/// Counts handlers running at once and remembers the most seen.
#[derive(Debug, Default)]
pub struct InFlight {
    current: AtomicUsize,
    max: AtomicUsize,
    calls: AtomicUsize,
}

impl InFlight {
    pub fn new() -> Arc<Self> {
        Arc::new(InFlight::default())
    }

    /// One handler starts; it ends when the guard drops (also when its
    /// future is dropped by a cancellation).
    pub fn enter(self: &Arc<Self>) -> Running {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let now = self.current.fetch_add(1, Ordering::SeqCst) + 1;
        self.max.fetch_max(now, Ordering::SeqCst);
        Running(Arc::clone(self))
    }

    /// The most handlers seen running at once.
    pub fn max(&self) -> usize {
        self.max.load(Ordering::SeqCst)
    }

    /// Handlers running now.
    pub fn current(&self) -> usize {
        self.current.load(Ordering::SeqCst)
    }

    /// How many handler calls started.
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

/// A running handler, counted until dropped.
#[derive(Debug)]
pub struct Running(Arc<InFlight>);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.current.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A small deterministic pseudo-random generator (SplitMix64).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..=max`.
    pub fn up_to(&mut self, max: u64) -> u64 {
        self.next_u64() % (max + 1)
    }
}

/// A pseudo-random delay of 0 to `max_ms` milliseconds, the same for the
/// same `key`.
pub fn delay_for(key: &str, max_ms: u64) -> Duration {
    let seed = key.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    Duration::from_millis(Rng::new(seed).up_to(max_ms))
}

/// A fixed amount of arithmetic on `seed`, the same result on every call.
pub fn work(seed: u64, rounds: u32) -> u64 {
    let mut x = seed ^ 0x5851_F42D_4C95_7F2D;
    for _ in 0..rounds {
        x = std::hint::black_box(x.rotate_left(13).wrapping_mul(6_364_136_223_846_793_005) ^ 1);
    }
    x
}

/// Keeps this thread busy for `duration` (no sleeping).
pub fn spin(duration: Duration) {
    let start = Instant::now();
    while start.elapsed() < duration {
        std::hint::spin_loop();
    }
}

/// Whether two records ran at the same time.
pub fn overlap<T, E>(a: &RecordReport<'_, T, E>, b: &RecordReport<'_, T, E>) -> bool {
    a.started() < b.finished() && b.started() < a.finished()
}

/// Checks, from the reports' times, that the records at `positions` (in
/// input order) ran one after the other.
pub fn assert_in_sequence<T, E>(
    records: &[RecordReport<'_, T, E>],
    positions: &[usize],
    what: &str,
) {
    for pair in positions.windows(2) {
        let (before, after) = (&records[pair[0]], &records[pair[1]]);
        assert!(
            after.started() >= before.finished(),
            "{what}: record {} started at {:?}, before record {} finished at {:?}",
            pair[1],
            after.started(),
            pair[0],
            before.finished()
        );
    }
}

/// The response's identifiers, in order.
pub fn ids(response: &BatchResponse) -> Vec<String> {
    response.identifiers().map(ToString::to_string).collect()
}

/// One SQS record for [`sqs_event`].
#[derive(Debug, Clone)]
pub struct Msg {
    pub id: String,
    pub body: String,
    pub group: Option<String>,
}

/// A message with this id and body, in no group.
pub fn msg(id: impl Into<String>, body: impl Into<String>) -> Msg {
    Msg {
        id: id.into(),
        body: body.into(),
        group: None,
    }
}

/// A message with this id and body, in message group `group`.
pub fn grouped(id: impl Into<String>, body: impl Into<String>, group: impl Into<String>) -> Msg {
    Msg {
        id: id.into(),
        body: body.into(),
        group: Some(group.into()),
    }
}

/// An SQS event from queue `arn` holding `messages`.
pub fn sqs_event(arn: &str, messages: &[Msg]) -> String {
    let records: Vec<serde_json::Value> = messages
        .iter()
        .map(|m| {
            let mut attributes = serde_json::json!({
                "ApproximateReceiveCount": "1",
                "SentTimestamp": "1545082649183",
            });
            if let Some(group) = &m.group {
                attributes["MessageGroupId"] = group.clone().into();
            }
            serde_json::json!({
                "messageId": m.id,
                "receiptHandle": format!("handle-{}", m.id),
                "body": m.body,
                "attributes": attributes,
                "messageAttributes": {},
                "eventSource": "aws:sqs",
                "eventSourceARN": arn,
                "awsRegion": "us-east-1",
            })
        })
        .collect();
    serde_json::json!({ "Records": records }).to_string()
}

/// A Kinesis event of `(sequence number, partition key)` records.
pub fn kinesis_event(records: &[(&str, &str)]) -> String {
    let records: Vec<serde_json::Value> = records
        .iter()
        .map(|(sequence, key)| {
            serde_json::json!({
                "kinesis": {
                    "kinesisSchemaVersion": "1.0",
                    "partitionKey": key,
                    "sequenceNumber": sequence,
                    "data": "e30=",
                    "approximateArrivalTimestamp": 1545084650.987,
                },
                "eventSource": "aws:kinesis",
                "eventVersion": "1.0",
                "eventID": format!("shardId-000000000006:{sequence}"),
                "eventName": "aws:kinesis:record",
                "awsRegion": "us-east-1",
                "eventSourceARN": "arn:aws:kinesis:us-east-1:123456789012:stream/orders",
            })
        })
        .collect();
    serde_json::json!({ "Records": records }).to_string()
}
