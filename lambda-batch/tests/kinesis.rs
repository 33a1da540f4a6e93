//! Kinesis Data Streams: partial batch responses, record parsing and typed
//! accessors, on events shaped as Lambda delivers them.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};

use common::contract::{contract_tests, fails_without_identifier, Contract};
use common::{errors, expected_json, fixture, ids, json, kinesis_order, KINESIS_SEQS};
use lambda_batch::source::{EventSource, Kinesis, KinesisRecord};
use lambda_batch::{BatchProcessor, Context, Outcome};

contract_tests!(
    || BatchProcessor::kinesis(kinesis_order),
    Contract::orders("kinesis", KINESIS_SEQS, "missing_sequence")
);

#[tokio::test]
async fn an_empty_sequence_number_counts_as_missing() {
    let event = fixture("kinesis/empty_sequence_fails.json");
    fails_without_identifier(
        BatchProcessor::kinesis(kinesis_order),
        &event,
        2,
        "order o-3 was rejected",
    )
    .await;
}

#[tokio::test]
async fn a_record_whose_kinesis_part_is_not_an_object_has_no_identifier() {
    let event = r#"{"Records":[
        {"kinesis":{"sequenceNumber":"1","data":"eyJvcmRlcklkIjoibyIsInN0YXR1cyI6Im9rIn0="}},
        {"kinesis":"1"}]}"#;
    fails_without_identifier(
        BatchProcessor::kinesis(kinesis_order),
        event,
        1,
        "invalid record: field `kinesis` is a string, expected an object",
    )
    .await;
}

#[tokio::test]
async fn unknown_fields_are_ignored() {
    let processor = BatchProcessor::kinesis(kinesis_order);
    let event = fixture("kinesis/unknown_fields.json");
    let response = processor
        .process(&event, &Context::default())
        .await
        .unwrap();
    assert_eq!(json(&response), expected_json(&[KINESIS_SEQS[0]]));
    let records = Kinesis::parse(&event).unwrap();
    assert_eq!(records[2].record().unwrap().encryption_type(), Some("NONE"));
    assert_eq!(records[2].record().unwrap().event_version(), Some("1.1"));
}

#[tokio::test]
async fn wrong_typed_fields_fail_only_their_record_reported_by_its_sequence_number() {
    let calls = AtomicUsize::new(0);
    let processor = BatchProcessor::kinesis(|record: KinesisRecord<'_>| {
        calls.fetch_add(1, Ordering::SeqCst);
        kinesis_order(record)
    });
    let event = fixture("kinesis/wrong_types.json");
    let ctx = Context::default();
    // The fixture's sequence numbers step by 1000 from the first.
    let seq = |k: u32| {
        format!(
            "49590338271490256608559692538361571095921575989136{}",
            588_898 + k * 1000
        )
    };
    let response = processor.process(&event, &ctx).await.unwrap();
    assert_eq!(ids(&response), [seq(1), seq(3), seq(4)]);
    // The records whose identifying and ordering fields read went to the
    // handler; a timestamp written as text is read (when asked for) as the
    // number it holds.
    assert_eq!(calls.load(Ordering::SeqCst), 4);

    let report = processor.run(&event, &ctx).await.unwrap();
    assert_eq!(
        errors(&report),
        [
            None,
            // The handler read the data, and learnt why it cannot be read.
            Some(
                "payload is not an order: field `kinesis.data` is a number, expected a string"
                    .to_owned()
            ),
            None,
            Some(
                "invalid record: field `kinesis.partitionKey` is an object, expected a string"
                    .to_owned()
            ),
            Some("invalid record: field `eventID` is a number, expected a string".to_owned()),
            None,
        ]
    );
    let identifiers: Vec<String> = report
        .records()
        .iter()
        .map(|r| r.identifier().unwrap().to_string())
        .collect();
    assert_eq!(identifiers, (0..6).map(seq).collect::<Vec<_>>());
}

#[tokio::test]
async fn data_that_is_not_base64_fails_only_the_handler_that_reads_it() {
    let calls = AtomicUsize::new(0);
    let processor = BatchProcessor::kinesis(|record: KinesisRecord<'_>| {
        calls.fetch_add(1, Ordering::SeqCst);
        kinesis_order(record)
    });
    let event = fixture("kinesis/bad_base64.json");
    let ctx = Context::default();
    let response = processor.process(&event, &ctx).await.unwrap();
    assert_eq!(json(&response), expected_json(&[KINESIS_SEQS[1]]));
    // Every record reached the handler; the one that read bad data failed.
    assert_eq!(calls.load(Ordering::SeqCst), 3);

    let report = processor.run(&event, &ctx).await.unwrap();
    let text = report.records()[1].outcome().error_text().unwrap();
    assert!(
        text.starts_with(
            "payload is not an order: field `kinesis.data` is invalid: not valid base64 ("
        ),
        "{text}"
    );

    // A handler that never reads the data is not failed by it.
    let ignoring = BatchProcessor::kinesis(|record: KinesisRecord<'_>| {
        record.partition_key().map(drop).ok_or("no partition key")
    });
    let response = ignoring.process(&event, &ctx).await.unwrap();
    assert_eq!(json(&response), expected_json(&[]));
    assert!(report.records()[0].outcome().is_success());
    assert!(report.records()[2].outcome().is_success());
}

#[test]
fn record_details_are_read() {
    let event = fixture("kinesis/record_details.json");
    let records = Kinesis::parse(&event).unwrap();
    assert_eq!(records.len(), 3);

    let first = records[0].record().unwrap();
    assert_eq!(
        first.sequence_number(),
        Some("49590338271490256608559692538361571095921575989136588898")
    );
    assert_eq!(first.partition_key(), Some("customer-1"));
    assert_eq!(first.encryption_type(), Some("KMS"));
    assert_eq!(
        first.approximate_arrival_timestamp(),
        Ok(Some(1_607_497_475.123))
    );
    assert_eq!(first.shard_id(), Some("shardId-000000000011"));
    assert_eq!(
        first.event_id(),
        Some("shardId-000000000011:49590338271490256608559692538361571095921575989136588898")
    );
    assert_eq!(first.schema_version(), Some("1.0"));
    assert_eq!(first.event_name(), Some("aws:kinesis:record"));
    assert_eq!(first.event_source(), Some("aws:kinesis"));
    assert_eq!(first.event_version(), Some("1.0"));
    assert_eq!(
        first.invoke_identity_arn(),
        Some("arn:aws:iam::123456789012:role/lambda-kinesis-role")
    );
    assert_eq!(first.aws_region(), Some("us-east-2"));
    assert_eq!(
        first.event_source_arn(),
        Some("arn:aws:kinesis:us-east-2:123456789012:stream/orders-stream")
    );
    assert_eq!(
        first.data_text().unwrap(),
        r#"{"orderId": "o-77", "amount": 12.5, "items": ["book", "pen"]}"#
    );

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Order<'a> {
        #[serde(rename = "orderId")]
        order_id: &'a str,
        amount: f64,
        items: Vec<String>,
    }
    let order: Order<'_> = first.data_json().unwrap();
    assert_eq!(
        order,
        Order {
            order_id: "o-77",
            amount: 12.5,
            items: vec!["book".into(), "pen".into()]
        }
    );
    assert!(first.data_json::<Vec<u32>>().is_err());

    let second = records[1].record().unwrap();
    assert_eq!(second.data_text().unwrap(), "plain text: héllo");
    assert_eq!(
        second.approximate_arrival_timestamp(),
        Ok(Some(1_607_497_475.0))
    );
    assert_eq!(second.shard_id(), Some("shardId-000000000006"));
    assert_eq!(second.encryption_type(), None);
    assert!(second.data_json::<serde_json::Value>().is_err());

    let third = records[2].record().unwrap();
    assert_eq!(third.data(), Ok(&b"\xff\xfe\x00binary"[..]));
    assert!(third.data_text().is_err());

    let owned: KinesisRecord<'static> = first.clone().into_owned();
    assert_eq!(&owned, first);
}

#[tokio::test]
async fn handlers_read_decoded_data() {
    let processor =
        BatchProcessor::kinesis(|record: KinesisRecord<'_>| record.data_text().map(str::len));
    let event = fixture("kinesis/record_details.json");
    let ctx = Context::default();
    let report = processor.run(&event, &ctx).await.unwrap();
    assert!(matches!(
        report.records()[1].outcome(),
        Outcome::Success(18)
    ));
    let text = report.records()[2].outcome().error_text().unwrap();
    assert!(
        text.starts_with("field `kinesis.data` is invalid: not UTF-8 text (invalid utf-8 sequence"),
        "{text}"
    );
    let response = report.into_response().unwrap();
    assert_eq!(
        ids(&response),
        ["49590338271490256608559692538361571095921575989136590000"]
    );
}

#[tokio::test]
async fn a_number_out_of_range_fails_only_the_handler_that_reads_it() {
    // serde_json refuses `1e999` as an f64: read eagerly, it rejected the
    // whole event, so Lambda retried every record.
    let event = r#"{"Records":[
        {"kinesis":{"sequenceNumber":"1","partitionKey":"a","data":"b2s=","approximateArrivalTimestamp":1e999}},
        {"kinesis":{"sequenceNumber":"2","partitionKey":"a","data":"b2s=","approximateArrivalTimestamp":"1700000200.123"}}]}"#;
    let ctx = Context::default();
    let data_only = BatchProcessor::kinesis(|r: KinesisRecord<'_>| r.data().map(<[u8]>::len));
    let response = data_only.process(event, &ctx).await.unwrap();
    assert_eq!(json(&response), expected_json(&[]));

    let timed = BatchProcessor::kinesis(|r: KinesisRecord<'_>| r.approximate_arrival_timestamp())
        .raise_on_full_failure(false);
    let report = timed.run(event, &ctx).await.unwrap();
    assert_eq!(
        report.records()[0].outcome().error_text().as_deref(),
        Some("field `kinesis.approximateArrivalTimestamp` is invalid: `1e999` is not a finite number")
    );
    assert!(matches!(
        report.records()[1].outcome(),
        Outcome::Success(Some(t)) if (*t - 1_700_000_200.123).abs() < 1e-6
    ));
}
