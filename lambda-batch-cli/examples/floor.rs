//! The floor `lambda-batch process` is measured against: a hand-written loop
//! over minimal borrowed structs doing the demo handler's work on an SQS
//! event (a message fails when its body contains `fail`), printing the same
//! response. No tolerance, no report, no identifiers checked: the least a
//! serde_json-based program can do for the same answer.
//!
//! ```sh
//! cargo run --release -p lambda-batch-cli -- events sqs --records 10000 > sqs.json
//! cargo build --release -p lambda-batch-cli --example floor
//! /usr/bin/time -v target/release/examples/floor sqs.json
//! /usr/bin/time -v target/release/lambda-batch process sqs.json
//! ```

use std::borrow::Cow;
use std::io::Write as _;

use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
struct Event<'a> {
    #[serde(rename = "Records", borrow)]
    records: Vec<Record<'a>>,
}

#[derive(Deserialize)]
struct Record<'a> {
    #[serde(rename = "messageId", borrow)]
    message_id: Cow<'a, str>,
    #[serde(borrow)]
    body: Cow<'a, str>,
}

#[derive(Serialize)]
struct Response<'a> {
    #[serde(rename = "batchItemFailures")]
    batch_item_failures: Vec<Failure<'a>>,
}

#[derive(Serialize)]
struct Failure<'a> {
    #[serde(rename = "itemIdentifier")]
    item_identifier: &'a str,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args_os()
        .nth(1)
        .ok_or("usage: floor EVENT.json")?;
    let text = std::fs::read_to_string(path)?;
    let event: Event<'_> = serde_json::from_str(&text)?;
    let response = Response {
        batch_item_failures: event
            .records
            .iter()
            .filter(|record| record.body.contains("fail"))
            .map(|record| Failure {
                item_identifier: &record.message_id,
            })
            .collect(),
    };
    let mut out = std::io::stdout().lock();
    serde_json::to_writer(&mut out, &response)?;
    writeln!(out)?;
    Ok(())
}
