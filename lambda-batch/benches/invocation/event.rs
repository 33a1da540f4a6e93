//! The benchmark's event: a 10,000-record SQS batch with the shape of real
//! SQS records (the same generator shape as the `process` benchmark), one
//! record in ten failing.

use serde::Deserialize;
use serde_json::json;

pub const RECORDS: usize = 10_000;
const FAIL_EVERY: usize = 10;
const PAD: usize = 64;

/// What every function decodes from a body: `status` decides.
#[derive(Deserialize)]
pub struct Status {
    pub status: String,
}

/// Whether record `i` fails.
pub fn fails(i: usize) -> bool {
    i % FAIL_EVERY == FAIL_EVERY - 1
}

/// Record `i`'s `messageId`.
pub fn message_id(i: usize) -> String {
    format!(
        "{:08x}-1d1c-4a8b-9c7e-{:012x}",
        i * 2_654_435_761 % (1 << 32),
        i
    )
}

/// The event's JSON text.
pub fn sqs_event() -> String {
    let records: Vec<_> = (0..RECORDS)
        .map(|i| {
            let status = if fails(i) { "fail" } else { "ok" };
            let body = json!({"id": i, "status": status, "pad": "x".repeat(PAD)});
            json!({
                "messageId": message_id(i),
                "receiptHandle": format!("AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a{i}"),
                "body": body.to_string(),
                "attributes": {
                    "ApproximateReceiveCount": "1",
                    "SentTimestamp": "1545082649183",
                    "SenderId": "AIDAIENQZJOLO23YVJ4VO",
                    "ApproximateFirstReceiveTimestamp": "1545082649185"
                },
                "messageAttributes": {},
                "md5OfBody": "e4e68fb7bd0e697a0ae8f1bb342846b3",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-2:123456789012:my-queue",
                "awsRegion": "us-east-2"
            })
        })
        .collect();
    json!({ "Records": records }).to_string()
}

/// The response every function must give: the failed records, in order.
pub fn expected_response() -> String {
    let failures: Vec<_> = (0..RECORDS)
        .filter(|&i| fails(i))
        .map(|i| json!({ "itemIdentifier": message_id(i) }))
        .collect();
    json!({ "batchItemFailures": failures }).to_string()
}
