//! DynamoDB Streams events through the batch processor: partial batch
//! responses, item images as JSON and as typed values, and records that
//! cannot be read.

mod common;

use std::collections::BTreeSet;

use common::contract::{contract_tests, Contract};
use common::{errors, expected_json, json};
use lambda_batch::source::dynamodb::{ChangeKind, Image};
use lambda_batch::source::{DynamoDb, DynamoDbRecord, EventSource};
use lambda_batch::{BatchError, BatchProcessor, BatchResponse, Context, Outcome};
use serde_json::json;

const FAIL_OK_FAIL: &str = include_str!("fixtures/dynamodb/fail_ok_fail.json");
const EVERY_TYPE: &str = include_str!("fixtures/dynamodb/every_type.json");
const CREATION_TIMES: &str = include_str!("fixtures/dynamodb/creation_times.json");
const TTL_DELETE: &str = include_str!("fixtures/dynamodb/ttl_delete.json");
const MALFORMED_IMAGE: &str = include_str!("fixtures/dynamodb/malformed_image.json");
const UNKNOWN_FIELDS: &str = include_str!("fixtures/dynamodb/unknown_fields.json");

const SEQ: [&str; 3] = [
    "4421584500000000017450439091",
    "4421584500000000017450439092",
    "4421584500000000017450439093",
];

/// Fails when the new image, as plain JSON text, contains "fail", or when
/// it does not read.
fn handle(record: DynamoDbRecord<'_>) -> Result<(), String> {
    let image = record
        .new_image()
        .map_err(|e| e.to_string())?
        .map(|image| image.to_json().to_string())
        .unwrap_or_default();
    if image.contains("fail") {
        Err(format!("rejected: {image}"))
    } else {
        Ok(())
    }
}

async fn process(event: &str) -> Result<BatchResponse, BatchError> {
    BatchProcessor::dynamodb(handle)
        .process(event, &Context::default())
        .await
}

contract_tests!(
    || BatchProcessor::dynamodb(handle),
    Contract::from_folder(
        "dynamodb",
        SEQ,
        "missing_sequence",
        [
            r#"rejected: {"id":"order-1","qty":1,"status":"fail","total":19.99}"#,
            r#"rejected: {"id":"order-2","qty":2,"status":"fail","total":19.99}"#,
            r#"rejected: {"id":"order-3","qty":3,"status":"fail","total":19.99}"#,
        ],
        "()",
    )
);

#[test]
fn images_with_every_attribute_type_convert_to_plain_json() {
    let records = DynamoDb::parse(EVERY_TYPE).unwrap();
    let record = records[0].record().unwrap();
    let image = record.new_image().unwrap().unwrap();
    assert_eq!(
        image.to_json(),
        json!({
            "id": "order-1",
            "total": 1234.5,
            "qty": 3,
            "ledger": "123456789012345678901234567890",
            "signature": "3q2+7w==",
            "gift": true,
            "coupon": null,
            "customer": {"name": "Ada Lovelace", "vip": false},
            "lines": [{"sku": "A-1", "qty": 2}, {"sku": "B-2", "qty": 1}],
            "tags": ["blue", "large"],
            "scores": [10, -2.5],
            "blobs": ["AQID", "BAU="],
            "note": "line one\nline \"two\" caf\u{e9}"
        })
    );
    let names: Vec<&str> = image.iter().map(|(name, _)| name).collect();
    assert_eq!(
        names[..3],
        ["id", "total", "qty"],
        "attributes stay in event order"
    );
    let keys = record.keys().unwrap().unwrap();
    assert_eq!(keys.to_json(), json!({"id": "order-1"}));
}

#[derive(Debug, PartialEq, serde::Deserialize)]
struct Order<'a> {
    id: &'a str,
    total: f64,
    qty: u8,
    ledger: u128,
    signature: Vec<u8>,
    gift: bool,
    coupon: Option<String>,
    discount: Option<u32>,
    customer: Customer,
    lines: Vec<Line>,
    tags: BTreeSet<String>,
    scores: Vec<f32>,
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
    qty: u16,
}

#[test]
fn images_with_every_attribute_type_deserialize_into_a_struct() {
    let records = DynamoDb::parse(EVERY_TYPE).unwrap();
    let record = records[0].record().unwrap();
    let image = record.new_image().unwrap().unwrap();
    let order: Order<'_> = image.deserialize().unwrap();
    // Straight from the event text, without the tree: the same order.
    let from_text: Order<'_> = record.new_image_as().unwrap().unwrap();
    assert_eq!(from_text, order);
    assert_eq!(
        order,
        Order {
            id: "order-1",
            total: 1234.5,
            qty: 3,
            ledger: 123_456_789_012_345_678_901_234_567_890,
            signature: vec![0xde, 0xad, 0xbe, 0xef],
            gift: true,
            coupon: None,
            discount: None,
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
            note: "line one\nline \"two\" caf\u{e9}".into(),
        }
    );
}

#[tokio::test]
async fn a_handler_can_use_typed_images() {
    #[derive(serde::Deserialize)]
    struct Qty {
        qty: u64,
    }
    let processor = BatchProcessor::dynamodb(|record: DynamoDbRecord<'_>| {
        let image: Image<'_> = record
            .new_image()
            .map_err(|e| e.to_string())?
            .ok_or("no new image")?;
        image
            .deserialize::<Qty>()
            .map(|q| q.qty)
            .map_err(|e| e.to_string())
    });
    let ctx = Context::default();
    let report = processor.run(FAIL_OK_FAIL, &ctx).await.unwrap();
    let quantities: Vec<Option<u64>> = report
        .records()
        .iter()
        .map(|r| match r.outcome() {
            Outcome::Success(qty) => Some(*qty),
            _ => None,
        })
        .collect();
    assert_eq!(quantities, [Some(1), Some(2), Some(3)]);
}

#[test]
fn creation_times_may_be_whole_or_fractional_seconds() {
    let records = DynamoDb::parse(CREATION_TIMES).unwrap();
    let times: Vec<Option<f64>> = records
        .iter()
        .map(|p| {
            p.record()
                .unwrap()
                .approximate_creation_date_time()
                .unwrap()
        })
        .collect();
    assert_eq!(times, [Some(1_480_642_020.0), Some(1_727_286_000.123_456)]);
}

#[tokio::test]
async fn a_ttl_delete() {
    let records = DynamoDb::parse(TTL_DELETE).unwrap();
    let record = records[0].record().unwrap();
    assert_eq!(record.change(), Some(ChangeKind::Remove));
    assert!(record.is_ttl_delete());
    let identity = record.user_identity().unwrap();
    assert_eq!(identity.identity_type(), Some("Service"));
    assert_eq!(identity.principal_id(), Some("dynamodb.amazonaws.com"));
    assert!(identity.is_ttl_delete());
    assert!(record.new_image().unwrap().is_none());
    let old = record.old_image().unwrap().unwrap();
    let expires: u64 = old.get("expiresAt").unwrap().deserialize().unwrap();
    assert_eq!(expires, 1_727_280_000);
    #[derive(serde::Deserialize)]
    struct Expiring {
        #[serde(rename = "expiresAt")]
        expires_at: u64,
    }
    let old: Expiring = record.old_image_as().unwrap().unwrap();
    assert_eq!(old.expires_at, 1_727_280_000);
    assert_eq!(record.stream_view_type(), Some("OLD_IMAGE"));
    assert_eq!(record.size_bytes(), Ok(Some(44)));
    assert!(process(TTL_DELETE).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_malformed_image_fails_only_a_handler_that_reads_it() {
    // Read as attribute values: the record fails, naming the attribute.
    let response = process(MALFORMED_IMAGE).await.unwrap();
    assert_eq!(json(&response), expected_json(&[SEQ[1]]));
    let processor = BatchProcessor::dynamodb(handle);
    let ctx = Context::default();
    let report = processor.run(MALFORMED_IMAGE, &ctx).await.unwrap();
    assert_eq!(
        errors(&report),
        [
            None,
            Some("field `dynamodb.NewImage.id` is invalid: unknown attribute type `X`".to_owned()),
            None
        ]
    );

    // Read into a type with `?`: the same, as the handler's error.
    #[derive(serde::Deserialize)]
    struct Order<'a> {
        #[allow(dead_code)]
        id: &'a str,
    }
    let reads = BatchProcessor::dynamodb(|record: DynamoDbRecord<'_>| {
        record.new_image_as::<Order<'_>>()?;
        Ok::<_, lambda_batch::RecordError>(())
    });
    let report = reads.run(MALFORMED_IMAGE, &ctx).await.unwrap();
    assert_eq!(
        errors(&report)[1].as_deref(),
        Some("field `dynamodb.NewImage.id` is invalid: unknown attribute type `X`")
    );

    // Not read, or not the malformed attribute: every record succeeds.
    #[derive(serde::Deserialize)]
    struct Status {
        status: String,
    }
    let ignores = BatchProcessor::dynamodb(|record: DynamoDbRecord<'_>| {
        let status = record.new_image_as::<Status>()?.map(|s| s.status);
        assert_eq!(status.as_deref(), Some("placed"));
        Ok::<_, lambda_batch::RecordError>(record.sequence_number().map(str::to_owned))
    });
    let report = ignores.run(MALFORMED_IMAGE, &ctx).await.unwrap();
    assert_eq!(report.succeeded(), 3, "{:?}", errors(&report));
    let never_reads =
        BatchProcessor::dynamodb(|record: DynamoDbRecord<'_>| record.change().ok_or("no change"));
    let response = never_reads
        .process(MALFORMED_IMAGE, &Context::default())
        .await
        .unwrap();
    assert!(response.is_empty());
}

#[tokio::test]
async fn unknown_fields_are_ignored() {
    let response = process(UNKNOWN_FIELDS).await.unwrap();
    assert_eq!(json(&response), expected_json(&[SEQ[1]]));
    let records = DynamoDb::parse(UNKNOWN_FIELDS).unwrap();
    let record = records[0].record().unwrap();
    assert_eq!(record.sequence_number(), Some(SEQ[0]));
    assert_eq!(
        record.new_image().unwrap().map(|image| image.len()),
        Some(4)
    );
}

#[test]
fn records_outlive_the_event_once_owned() {
    let event = String::from(EVERY_TYPE);
    let owned: Vec<DynamoDbRecord<'static>> = DynamoDb::parse(&event)
        .unwrap()
        .into_iter()
        .map(|p| p.into_parts().1.unwrap().into_owned())
        .collect();
    drop(event);
    let image = owned[0].new_image().unwrap().unwrap();
    assert_eq!(image.get("id").and_then(|v| v.as_s()), Some("order-1"));
}
