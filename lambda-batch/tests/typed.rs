//! Typed payloads: for every source a record whose payload does not decode
//! fails alone, reported by its identifier, with the path of the field.

mod common;

use std::collections::BTreeSet;

use base64::Engine as _;
use lambda_batch::source::{DynamoDbRecord, KafkaRecord};
use lambda_batch::typed::{typed, Images, Keyed, TypedError};
use lambda_batch::{BatchProcessor, Context};
use serde_json::json;

use common::{block_on, failure_texts, fixture, ids};

#[derive(Debug, PartialEq, serde::Deserialize)]
struct Order {
    id: u64,
    items: Vec<Item>,
}

#[derive(Debug, PartialEq, serde::Deserialize)]
struct Item {
    sku: String,
    qty: u32,
}

fn accept(order: Order) -> Result<u64, String> {
    Ok(order.id)
}

const OK_1: &str = r#"{"id":1,"items":[{"sku":"a","qty":1}]}"#;
const MALFORMED: &str =
    r#"{"id":2,"items":[{"sku":"a","qty":1},{"sku":"b","qty":2},{"sku":"c","qty":"3"}]}"#;
const OK_3: &str = r#"{"id":3,"items":[]}"#;
const PATH: &str = "items[2].qty";

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

macro_rules! ok_malformed_ok {
    ($processor:expr, $event:expr, $malformed_id:expr, $payload:expr) => {{
        let processor = $processor;
        let event: String = $event;
        let context = Context::default();
        let response = block_on(processor.process(&event, &context)).expect("a partial response");
        assert_eq!(ids(&response), [$malformed_id]);
        let report = block_on(processor.run(&event, &context)).expect("a report");
        let texts = failure_texts(&report);
        assert_eq!(texts.len(), 1, "{texts:?}");
        let prefix = format!(
            "payload `{}` does not decode: {PATH}: invalid type",
            $payload
        );
        assert!(texts[0].starts_with(&prefix), "{}", texts[0]);
    }};
}

#[test]
fn sqs_reports_only_the_malformed_body() {
    let event = json!({"Records": [
        {"messageId": "m-1", "body": OK_1},
        {"messageId": "m-2", "body": MALFORMED},
        {"messageId": "m-3", "body": OK_3},
    ]});
    ok_malformed_ok!(
        BatchProcessor::sqs(typed(accept)),
        event.to_string(),
        "m-2",
        "body"
    );
}

#[test]
fn kinesis_reports_only_the_malformed_data() {
    let record = |seq: &str, payload: &str| json!({"kinesis": {"sequenceNumber": seq, "data": b64(payload.as_bytes())}});
    let event =
        json!({"Records": [record("101", OK_1), record("102", MALFORMED), record("103", OK_3)]});
    ok_malformed_ok!(
        BatchProcessor::kinesis(typed(accept)),
        event.to_string(),
        "102",
        "kinesis.data"
    );
}

#[test]
fn kafka_reports_only_the_malformed_value() {
    let record = |offset: u64, payload: &str| json!({"topic": "orders", "partition": 0, "offset": offset, "value": b64(payload.as_bytes())});
    let event =
        json!({"records": {"orders-0": [record(7, OK_1), record(8, MALFORMED), record(9, OK_3)]}});
    ok_malformed_ok!(
        BatchProcessor::kafka(typed(accept)),
        event.to_string(),
        "orders-0@8",
        "value"
    );
}

#[test]
fn kafka_keys_decode_with_their_values() {
    let record = |offset: u64, key: &str, payload: &str| json!({"topic": "orders", "partition": 1, "offset": offset, "key": b64(key.as_bytes()), "value": b64(payload.as_bytes())});
    let event = json!({"records": {"orders-1": [
        {"topic": "orders", "partition": 1, "offset": 1, "value": b64(OK_1.as_bytes())},
        record(2, "{\"region\":7}", OK_3),
        record(3, "{\"region\":\"eu\"}", OK_3),
    ]}})
    .to_string();
    #[derive(Debug, serde::Deserialize)]
    struct Key {
        region: String,
    }
    let handle = |keyed: Keyed<Key, Order>, record: KafkaRecord<'_>| -> Result<String, String> {
        let region = keyed.key.map(|k| k.region);
        Ok(format!(
            "{region:?} {} @{:?}",
            keyed.value.id,
            record.offset()
        ))
    };
    let processor = BatchProcessor::kafka(typed(handle));
    let context = Context::default();
    let report = block_on(processor.run(&event, &context)).expect("a report");
    let outcomes: Vec<String> = report
        .into_records()
        .into_iter()
        .map(|r| match r.into_outcome() {
            lambda_batch::Outcome::Success(text) => text,
            lambda_batch::Outcome::Failure(reason) => reason.to_string(),
            _ => unreachable!("two outcomes"),
        })
        .collect();
    assert_eq!(outcomes[0], "None 1 @Some(1)");
    assert!(
        outcomes[1].starts_with("payload `key` does not decode: region: invalid type: integer `7`"),
        "{}",
        outcomes[1]
    );
    assert_eq!(outcomes[2], r#"Some("eu") 3 @Some(3)"#);
}

/// A value or key that is not base64 is a decode failure of its record,
/// naming the payload; the handler is not called, the rest goes on.
#[test]
fn kafka_values_and_keys_that_are_not_base64_fail_their_record() {
    let calls = std::sync::atomic::AtomicUsize::new(0);
    let handle = |keyed: Keyed<String, Order>| -> Result<u64, String> {
        calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(keyed.value.id)
    };
    let event = json!({"records": {"orders-2": [
        {"offset": 1, "key": b64(b"k"), "value": b64(OK_1.as_bytes())},
        {"offset": 2, "key": b64(b"k"), "value": "not base64!"},
        {"offset": 3, "key": "%%", "value": b64(OK_3.as_bytes())},
        {"offset": 4, "value": b64(OK_3.as_bytes())},
    ]}})
    .to_string();
    let processor = BatchProcessor::kafka(typed(handle));
    let context = Context::default();
    let report = block_on(processor.run(&event, &context)).expect("a report");
    assert_eq!(calls.load(std::sync::atomic::Ordering::Relaxed), 2);
    let texts = failure_texts(&report);
    assert_eq!(texts.len(), 2, "{texts:?}");
    assert!(
        texts[0].starts_with("payload `value` does not decode: not valid base64"),
        "{}",
        texts[0]
    );
    assert!(
        texts[1].starts_with("payload `key` does not decode: not valid base64"),
        "{}",
        texts[1]
    );
    let response = report.into_response().expect("a partial response");
    assert_eq!(ids(&response), ["orders-2@2", "orders-2@3"]);
}

/// `{"id": ..., "items": [...]}` as a DynamoDB image.
fn order_image(id: u64, qtys: &[&serde_json::Value]) -> serde_json::Value {
    let items: Vec<_> = qtys
        .iter()
        .map(|qty| json!({"M": {"sku": {"S": "x"}, "qty": qty}}))
        .collect();
    json!({"id": {"N": id.to_string()}, "items": {"L": items}})
}

#[test]
fn dynamodb_reports_only_the_malformed_image() {
    let n1 = json!({"N": "1"});
    let bad = json!({"S": "3"});
    let record = |seq: &str, new: serde_json::Value, old: Option<serde_json::Value>| {
        let mut dynamodb = json!({"SequenceNumber": seq, "NewImage": new});
        if let Some(old) = old {
            dynamodb["OldImage"] = old;
        }
        json!({"eventName": "MODIFY", "dynamodb": dynamodb})
    };
    let event = json!({"Records": [
        record("201", order_image(1, &[&n1]), Some(order_image(1, &[]))),
        record("202", order_image(2, &[&n1, &n1, &bad]), None),
        record("203", order_image(3, &[]), None),
    ]});
    let handle = |images: Images<Order>| -> Result<(), String> {
        match images.new {
            Some(order) if order.id > 0 => Ok(()),
            _ => Err("no order".to_owned()),
        }
    };
    ok_malformed_ok!(
        BatchProcessor::dynamodb(typed(handle)),
        event.to_string(),
        "202",
        "dynamodb.NewImage"
    );

    // A malformed old image fails the record as well, and says so.
    let event =
        json!({"Records": [record("301", order_image(1, &[]), Some(order_image(1, &[&bad])))]});
    let processor = BatchProcessor::dynamodb(typed(handle)).raise_on_full_failure(false);
    let context = Context::default();
    let text = event.to_string();
    let report = block_on(processor.run(&text, &context)).expect("a report");
    assert!(failure_texts(&report)[0]
        .starts_with("payload `dynamodb.OldImage` does not decode: items[0].qty: invalid type"));
}

#[test]
fn dynamodb_attributes_the_type_does_not_read_are_not_checked() {
    #[derive(serde::Deserialize)]
    struct Placed {
        status: String,
    }
    // The second record's `id` has an unknown type: `Placed` never reads it.
    let event = fixture("dynamodb/malformed_image.json");
    let handle = |images: Images<Placed>| -> Result<(), String> {
        match images.new {
            Some(placed) if placed.status == "placed" => Ok(()),
            _ => Err("not placed".to_owned()),
        }
    };
    let processor = BatchProcessor::dynamodb(typed(handle));
    let response = block_on(processor.process(&event, &Context::default())).expect("a response");
    assert!(response.is_empty());

    // A type that reads it fails that record alone, naming the attribute.
    #[derive(serde::Deserialize)]
    struct Identified {
        #[allow(dead_code)]
        id: String,
    }
    let processor = BatchProcessor::dynamodb(typed(|_: Images<Identified>| Ok::<_, String>(())))
        .raise_on_full_failure(false);
    let context = Context::default();
    let report = block_on(processor.run(&event, &context)).expect("a report");
    assert_eq!(
        failure_texts(&report),
        ["payload `dynamodb.NewImage` does not decode: id: unknown attribute type `X`"]
    );
}

#[derive(Debug, PartialEq, serde::Deserialize)]
struct Everything {
    id: String,
    total: f64,
    qty: u8,
    /// 30 digits: beyond `u64`, exact as text and as `u128`.
    ledger: String,
    signature: Vec<u8>,
    gift: bool,
    coupon: Option<String>,
    customer: Customer,
    lines: Vec<Line>,
    tags: BTreeSet<String>,
    scores: Vec<f64>,
    blobs: Vec<Vec<u8>>,
    note: String,
}

#[derive(Debug, PartialEq, serde::Deserialize)]
struct Customer {
    name: String,
    vip: bool,
}

#[derive(Debug, PartialEq, serde::Deserialize)]
struct Line {
    sku: String,
    qty: u32,
}

#[test]
fn dynamodb_images_of_every_attribute_type_decode_into_a_struct() {
    let event = fixture("dynamodb/every_type.json");
    let seen = std::sync::Mutex::new(Vec::new());
    let handle = |images: Images<Everything>, record: DynamoDbRecord<'_>| -> Result<(), String> {
        assert!(record.sequence_number().is_some());
        seen.lock().expect("not poisoned").push(images.new);
        Ok(())
    };
    let processor = BatchProcessor::dynamodb(typed(handle));
    let response = block_on(processor.process(&event, &Context::default())).expect("a response");
    assert!(response.is_empty());
    let seen = seen.into_inner().expect("not poisoned");
    assert_eq!(
        seen[0],
        Some(Everything {
            id: "order-1".into(),
            total: 1234.5,
            qty: 3,
            ledger: "123456789012345678901234567890".into(),
            signature: vec![0xde, 0xad, 0xbe, 0xef],
            gift: true,
            coupon: None,
            customer: Customer {
                name: "Ada Lovelace".into(),
                vip: false
            },
            lines: vec![
                Line {
                    sku: "A-1".into(),
                    qty: 2
                },
                Line {
                    sku: "B-2".into(),
                    qty: 1
                }
            ],
            tags: BTreeSet::from(["blue".into(), "large".into()]),
            scores: vec![10.0, -2.5],
            blobs: vec![vec![1, 2, 3], vec![4, 5]],
            note: "line one\nline \"two\" café".into(),
        })
    );
}

#[derive(Debug, serde::Deserialize)]
struct Wide {
    exact: u128,
    text: String,
    float: f64,
}

#[test]
fn dynamodb_numbers_beyond_i64_and_f64_never_lose_precision() {
    let image = |exact: &str, text: &str, float: &str| json!({"exact": {"N": exact}, "text": {"N": text}, "float": {"N": float}});
    let event = json!({"Records": [
        // Beyond u64 and beyond f64's 17 digits: exact as u128 and as text.
        {"dynamodb": {"SequenceNumber": "1", "NewImage":
            image("340282366920938463463374607431768211455", "-0.00000000000000000000000000000000000001", "0.5")}},
        // 38 significant digits do not fit an f64: refused, not rounded.
        {"dynamodb": {"SequenceNumber": "2", "NewImage":
            image("1", "1", "1.0000000000000000000000000000000000001")}},
        // Beyond u128.
        {"dynamodb": {"SequenceNumber": "3", "NewImage":
            image("340282366920938463463374607431768211456", "1", "1")}},
        // Beyond f64's range.
        {"dynamodb": {"SequenceNumber": "4", "NewImage": image("1", "1", "1e400")}},
    ]})
    .to_string();
    let decoded = std::sync::Mutex::new(Vec::new());
    let handle = |images: Images<Wide>| -> Result<(), String> {
        let wide = images.new.ok_or("no new image")?;
        decoded
            .lock()
            .expect("not poisoned")
            .push((wide.exact, wide.text, wide.float));
        Ok(())
    };
    let processor = BatchProcessor::dynamodb(typed(handle));
    let context = Context::default();
    let report = block_on(processor.run(&event, &context)).expect("a report");
    let texts = failure_texts(&report);
    drop(report);
    assert_eq!(
        decoded.into_inner().expect("not poisoned"),
        [(
            u128::MAX,
            "-0.00000000000000000000000000000000000001".to_owned(),
            0.5
        )]
    );
    assert_eq!(
        texts,
        [
            "payload `dynamodb.NewImage` does not decode: float: number `1.0000000000000000000000000000000000001` cannot be represented exactly as f64",
            "payload `dynamodb.NewImage` does not decode: exact: number `340282366920938463463374607431768211456` is out of range for u128",
            "payload `dynamodb.NewImage` does not decode: float: number `1e400` is out of range for f64",
        ]
    );
}

#[test]
fn json_numbers_beyond_i64_are_exact_or_refused() {
    #[derive(serde::Deserialize)]
    struct Amounts {
        big: u128,
        raw: Box<serde_json::value::RawValue>,
    }
    let event = json!({"Records": [
        {"messageId": "exact", "body": r#"{"big":340282366920938463463374607431768211455,"raw":123456789012345678901234567890.000000000000000000001}"#},
        {"messageId": "too-big", "body": r#"{"big":340282366920938463463374607431768211456,"raw":1}"#},
    ]})
    .to_string();
    let handle = |amounts: Amounts| -> Result<String, String> {
        assert_eq!(amounts.big, u128::MAX);
        Ok(amounts.raw.get().to_owned())
    };
    let processor = BatchProcessor::sqs(typed(handle));
    let context = Context::default();
    let report = block_on(processor.run(&event, &context)).expect("a report");
    match report.records()[0].outcome() {
        lambda_batch::Outcome::Success(raw) => {
            assert_eq!(raw, "123456789012345678901234567890.000000000000000000001")
        }
        other => panic!("expected a success, got {other:?}"),
    }
    let texts = failure_texts(&report);
    assert_eq!(texts.len(), 1);
    assert!(
        texts[0].starts_with("payload `body` does not decode: big: "),
        "{}",
        texts[0]
    );
}

#[test]
fn decode_errors_are_told_apart_from_handler_errors() {
    let event = json!({"Records": [
        {"messageId": "a", "body": OK_1}, {"messageId": "b", "body": "[]"},
    ]})
    .to_string();
    let processor = BatchProcessor::sqs(typed(|_: Order| Err::<(), _>("refused")));
    let context = Context::default();
    let report = block_on(processor.run(&event, &context)).expect("a report");
    let kinds: Vec<&str> = report
        .records()
        .iter()
        .map(|r| match r.outcome() {
            lambda_batch::Outcome::Failure(lambda_batch::FailureReason::Handler(
                TypedError::Handler(_),
            )) => "handler",
            lambda_batch::Outcome::Failure(lambda_batch::FailureReason::Handler(
                TypedError::Decode(_),
            )) => "decode",
            _ => "other",
        })
        .collect();
    assert_eq!(kinds, ["handler", "decode"]);
}
