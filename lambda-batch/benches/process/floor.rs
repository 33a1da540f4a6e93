//! The floor: hand-written loops over minimal borrowed structs, doing the
//! same work as the processors they are compared with (read the identifier
//! and the payload, decide, serialise the failures), with no tolerance of
//! malformed records and no per-record report.

use std::borrow::Cow;
use std::hint::black_box;

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use super::{decide, decide_text};

#[derive(Serialize)]
struct Failure<'a> {
    #[serde(rename = "itemIdentifier")]
    item_identifier: &'a str,
}

#[derive(Deserialize)]
struct Records<T> {
    #[serde(rename = "Records")]
    records: Vec<T>,
}

#[derive(Deserialize)]
struct SqsRecord<'a> {
    #[serde(rename = "messageId", borrow)]
    message_id: Cow<'a, str>,
    #[serde(borrow)]
    body: Cow<'a, str>,
}

/// SQS: `messageId` and `body`, the body's `status` read.
pub fn sqs(text: &str) -> Vec<u8> {
    let event: Records<SqsRecord<'_>> = serde_json::from_str(black_box(text)).expect("valid");
    let failures: Vec<_> = event
        .records
        .iter()
        .filter(|r| decide_text(&r.body).is_err())
        .map(|r| Failure {
            item_identifier: &r.message_id,
        })
        .collect();
    serde_json::to_vec(&failures).expect("serialisable")
}

#[derive(Deserialize)]
struct KinesisRecord<'a> {
    #[serde(borrow)]
    kinesis: Kinesis<'a>,
}

#[derive(Deserialize)]
struct Kinesis<'a> {
    #[serde(rename = "sequenceNumber", borrow)]
    sequence_number: Cow<'a, str>,
    #[serde(borrow)]
    data: Cow<'a, str>,
}

/// Kinesis: `sequenceNumber` and `data`, decoded from base64 and parsed.
pub fn kinesis(text: &str) -> Vec<u8> {
    let event: Records<KinesisRecord<'_>> = serde_json::from_str(black_box(text)).expect("valid");
    let failures: Vec<_> = event
        .records
        .iter()
        .filter(|r| {
            base64::engine::general_purpose::STANDARD
                .decode(r.kinesis.data.as_bytes())
                .map_or(true, |data| decide(&data).is_err())
        })
        .map(|r| Failure {
            item_identifier: &r.kinesis.sequence_number,
        })
        .collect();
    serde_json::to_vec(&failures).expect("serialisable")
}

#[derive(Deserialize)]
struct StreamRecord<'a> {
    #[serde(borrow)]
    dynamodb: Stream<'a>,
}

#[derive(Deserialize)]
struct Stream<'a> {
    #[serde(rename = "SequenceNumber", borrow)]
    sequence_number: Cow<'a, str>,
    #[serde(rename = "NewImage", borrow)]
    new_image: Option<Image<'a>>,
}

#[derive(Deserialize)]
struct Image<'a> {
    #[serde(borrow)]
    status: Option<Text<'a>>,
}

#[derive(Deserialize)]
struct Text<'a> {
    #[serde(rename = "S", borrow)]
    s: Cow<'a, str>,
}

/// The new image's `status`, as lambda-batch decodes it from the image
/// text for the DynamoDB comparison.
#[derive(Deserialize)]
pub struct NewStatus<'a> {
    #[serde(borrow)]
    pub status: Cow<'a, str>,
}

/// DynamoDB Streams: `SequenceNumber` and `NewImage.status.S`.
pub fn dynamodb(text: &str) -> Vec<u8> {
    let event: Records<StreamRecord<'_>> = serde_json::from_str(black_box(text)).expect("valid");
    let failures: Vec<_> = event
        .records
        .iter()
        .filter(|r| {
            let status = r
                .dynamodb
                .new_image
                .as_ref()
                .and_then(|i| i.status.as_ref());
            status.is_some_and(|status| status.s == "fail")
        })
        .map(|r| Failure {
            item_identifier: &r.dynamodb.sequence_number,
        })
        .collect();
    serde_json::to_vec(&failures).expect("serialisable")
}
