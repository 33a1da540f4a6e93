//! One processor shared by 64 concurrent invocations on a multi-thread
//! runtime, round after round of random batches and failures: each
//! response is the one its own batch calls for, whatever the others do at
//! the same time.

use std::sync::Arc;

use lambda_batch::source::{KinesisRecord, SqsRecord};
use lambda_batch::{BatchError, BatchProcessor, BatchResponse, Context};

const CALLS: usize = 64;
const ROUNDS: usize = 40;

/// xorshift64*: random enough, and the same run every time.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// What a record's payload tells the handler to do.
const PAYLOADS: [&str; 5] = ["ok", "fail", "panic", "wait", "wait-fail"];

fn fails(payload: &str) -> bool {
    matches!(payload, "fail" | "panic" | "wait-fail")
}

async fn act(payload: &str) -> Result<(), String> {
    if payload.starts_with("wait") {
        for _ in 0..3 {
            tokio::task::yield_now().await;
        }
    }
    match payload {
        "fail" | "wait-fail" => Err(format!("refused: {payload}")),
        "panic" => panic!("the handler panics"),
        _ => Ok(()),
    }
}

async fn sqs(record: SqsRecord<'_>) -> Result<(), String> {
    act(record.body()).await
}

async fn kinesis(record: KinesisRecord<'_>) -> Result<(), String> {
    let data = record.data_text().map_err(|e| e.to_string())?;
    act(data).await
}

/// A random batch of `source` (`sqs` or `kinesis`), and the identifiers
/// its response must hold, in order (`None`: every record fails).
fn batch(rng: &mut Rng, source: &str, call: usize, round: usize) -> (String, Option<Vec<String>>) {
    let len = 1 + rng.below(24) as usize;
    let mut records = Vec::with_capacity(len);
    let mut failed = Vec::new();
    for index in 0..len {
        let payload = PAYLOADS[rng.below(PAYLOADS.len() as u64) as usize];
        let id = format!("{call}-{round}-{index}");
        if fails(payload) {
            failed.push(id.clone());
        }
        records.push(match source {
            "sqs" => format!(r#"{{"messageId":"{id}","body":"{payload}"}}"#),
            _ => {
                use base64::Engine as _;
                let data = base64::engine::general_purpose::STANDARD.encode(payload);
                format!(r#"{{"kinesis":{{"sequenceNumber":"{id}","data":"{data}"}}}}"#)
            }
        });
    }
    let every = failed.len() == len;
    let event = format!(r#"{{"Records":[{}]}}"#, records.join(","));
    (event, (!every).then_some(failed))
}

fn ids(response: &BatchResponse) -> Vec<String> {
    response.identifiers().map(ToString::to_string).collect()
}

fn check(result: Result<BatchResponse, BatchError>, expected: Option<Vec<String>>, event: &str) {
    match (result, expected) {
        (Ok(response), Some(expected)) => assert_eq!(ids(&response), expected, "{event}"),
        (Err(BatchError::AllRecordsFailed { failures, response }), None) => {
            assert_eq!(failures.len(), response.len(), "{event}");
        }
        (other, expected) => panic!("{event}: expected {expected:?}, got {other:?}"),
    }
}

#[test]
fn sixty_four_concurrent_invocations_share_one_processor() {
    // Keep the handlers' expected panics out of the test output.
    std::panic::set_hook(Box::new(|_| {}));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .build()
        .expect("a runtime");
    let sqs = Arc::new(BatchProcessor::sqs(sqs).concurrency(4));
    let kinesis = Arc::new(BatchProcessor::kinesis(kinesis).concurrency(3));
    runtime.block_on(async {
        let mut calls = Vec::with_capacity(CALLS);
        for call in 0..CALLS {
            let (sqs, kinesis) = (Arc::clone(&sqs), Arc::clone(&kinesis));
            calls.push(tokio::spawn(async move {
                let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (call as u64 + 1));
                let context = Context::default();
                for round in 0..ROUNDS {
                    let source = if rng.below(2) == 0 { "sqs" } else { "kinesis" };
                    let (event, expected) = batch(&mut rng, source, call, round);
                    let result = match source {
                        "sqs" => sqs.process(&event, &context).await,
                        _ => kinesis.process(&event, &context).await,
                    };
                    check(result, expected, &event);
                    tokio::task::yield_now().await;
                }
            }));
        }
        for call in calls {
            call.await.expect("every call's responses are its own");
        }
    });
    let _ = std::panic::take_hook();
}
