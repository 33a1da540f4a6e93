//! Kafka (Amazon MSK and self-managed) events through the batch processor.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};

use common::contract::{
    contract_tests, expected_response, Contract, Id, MissingFails, MissingSucceeds,
};
use common::errors;
use lambda_batch::source::{EventSource, Kafka, KafkaRecord};
use lambda_batch::{BatchError, BatchProcessor, Context, InvalidEvent, ItemIdentifier, Outcome};

const MSK_ALL_OK: &str = include_str!("fixtures/kafka/msk_all_ok.json");
const MSK_MIXED: &str = include_str!("fixtures/kafka/msk_mixed.json");
const SELF_MANAGED_ALL_FAIL: &str = include_str!("fixtures/kafka/self_managed_all_fail.json");
const MULTI_TOPIC: &str = include_str!("fixtures/kafka/multi_topic.json");
const MALFORMED_RECORDS: &str = include_str!("fixtures/kafka/malformed_records.json");

/// Fails when the decoded value contains "fail".
fn handle(record: KafkaRecord<'_>) -> Result<(), String> {
    match record.value_text() {
        Ok(Some(text)) if text.contains("fail") => Err(format!("rejected: {text}")),
        Ok(_) => Ok(()),
        Err(e) => Err(e.to_string()),
    }
}

async fn response_json(event: &str) -> Result<String, BatchError> {
    let response = BatchProcessor::kafka(handle)
        .process(event, &Context::default())
        .await?;
    Ok(serde_json::to_string(&response).expect("a response serialises"))
}

/// The fixtures of the contract: orders whose decoded value contains
/// "fail" fail the handler.
fn contract() -> Contract {
    let orders = |partition, offset| Id::kafka("orders", partition, offset);
    let payments = |partition, offset| Id::kafka("payments", partition, offset);
    Contract {
        all_ok: "kafka/msk_all_ok.json".into(),
        fail_ok_fail: "kafka/msk_mixed.json".into(),
        fail_ok_fail_failed: [orders(0, 15), orders(3, 7)],
        all_fail: "kafka/self_managed_all_fail.json".into(),
        all_fail_failures: [
            (
                payments(2, 300),
                r#"rejected: {"orderId":"o-7","amount":70.5,"status":"fail"}"#,
            ),
            (
                payments(2, 301),
                r#"rejected: {"orderId":"o-8","amount":80.5,"status":"fail"}"#,
            ),
            (
                payments(5, 12),
                r#"rejected: {"orderId":"o-9","amount":90.5,"status":"fail"}"#,
            ),
        ],
        empty: "kafka/empty.json".into(),
        missing_fails: MissingFails {
            fixture: "kafka/missing_offset.json".into(),
            index: 2,
            error: r#"rejected: {"orderId":"o-21","amount":210.5,"status":"fail"}"#,
        },
        missing_succeeds: MissingSucceeds {
            fixture: "kafka/missing_offset_succeeds.json".into(),
            identifiers: vec![None, Some(orders(0, 4))],
            failed: vec![orders(0, 4)],
            output: "()",
        },
    }
}

contract_tests!(|| BatchProcessor::kafka(handle), contract());

#[tokio::test]
async fn identifiers_follow_topic_partitions_with_dashed_topics() {
    assert_eq!(
        response_json(MULTI_TOPIC).await.unwrap(),
        expected_response(&[
            Id::kafka("user-events", 0, 6),
            Id::kafka("user-events", 10, 2),
            Id::kafka("audit-log-v2", 1, 100),
            Id::kafka("orders", 0, 1),
        ])
    );
    let parsed = Kafka::parse(MULTI_TOPIC).unwrap();
    let identifiers: Vec<ItemIdentifier<'_>> = parsed
        .iter()
        .map(|p| p.identifier().unwrap().clone())
        .collect();
    assert_eq!(
        identifiers,
        [
            ItemIdentifier::kafka("user-events", 0, 5),
            ItemIdentifier::kafka("user-events", 0, 6),
            ItemIdentifier::kafka("user-events", 10, 2),
            ItemIdentifier::kafka("audit-log-v2", 1, 99),
            ItemIdentifier::kafka("audit-log-v2", 1, 100),
            ItemIdentifier::kafka("orders", 0, 1),
        ]
    );
}

#[tokio::test]
async fn records_without_topic_and_partition_take_them_from_the_key() {
    let event = r#"{"eventSource":"aws:kafka","records":{
        "click-stream-4":[{"offset":8,"value":"ImZhaWwi"},{"offset":9,"value":"Im9rIg=="}]}}"#;
    assert_eq!(
        response_json(event).await.unwrap(),
        expected_response(&[Id::kafka("click-stream", 4, 8)])
    );
}

/// Whether an envelope error is the one expected.
type Check = fn(&InvalidEvent) -> bool;

#[tokio::test]
async fn invalid_envelopes_fail_the_invocation() {
    let cases: [(&str, Check); 8] = [
        (
            r#"{"eventSource":"aws:kafka"}"#,
            |e| matches!(e, InvalidEvent::Missing { path, .. } if path == "records"),
        ),
        (
            r#"{"records":null}"#,
            |e| matches!(e, InvalidEvent::Shape { path, found: "null", .. } if path == "records"),
        ),
        (
            r#"{"records":[{"offset":1}]}"#,
            |e| matches!(e, InvalidEvent::Shape { path, found: "an array", .. } if path == "records"),
        ),
        (
            r#"{"records":{"orders-0":[],"orders-1":{"offset":1}}}"#,
            |e| matches!(e, InvalidEvent::Shape { path, .. } if path == r#"records."orders-1""#),
        ),
        (
            r#"{"records":{"orders-0":"x"}}"#,
            |e| matches!(e, InvalidEvent::Shape { path, found: "a string", .. } if path == r#"records."orders-0""#),
        ),
        (
            // A pipe's batch: pipes from Kafka take no partial response.
            "[]",
            |e| {
                matches!(
                    e,
                    InvalidEvent::PipeWithoutPartialFailures {
                        source_name: "Kafka"
                    }
                )
            },
        ),
        (
            "42",
            |e| matches!(e, InvalidEvent::Shape { path, .. } if path.is_empty()),
        ),
        (r#"{"records":{"orders-0":[}"#, |e| {
            matches!(e, InvalidEvent::Json { .. })
        }),
    ];
    for (event, expected) in cases {
        match response_json(event).await {
            Err(BatchError::InvalidEvent(e)) => assert!(expected(&e), "{event}: {e:?}"),
            other => panic!("{event}: {other:?}"),
        }
    }
    let err = response_json(r#"{"records":{"t-0":{}}}"#)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"invalid event: `records."t-0"` is an object, expected a list of records"#
    );
}

/// The fixture's records: 40 and 43 are well formed, 41's value is not
/// base64, 42's header is not an array of bytes.
#[tokio::test]
async fn malformed_fields_fail_only_the_handlers_that_read_them() {
    let calls = AtomicUsize::new(0);
    let context = Context::default();

    // A handler that reads nothing but the identifier: every record succeeds.
    let offsets = BatchProcessor::kafka(|record: KafkaRecord<'_>| {
        calls.fetch_add(1, Ordering::Relaxed);
        Ok::<_, String>(record.offset())
    });
    let report = offsets.run(MALFORMED_RECORDS, &context).await.unwrap();
    assert_eq!(calls.swap(0, Ordering::Relaxed), 4);
    assert_eq!(errors(&report), [None, None, None, None]);
    assert_eq!(
        serde_json::to_string(&report.into_response().unwrap()).unwrap(),
        expected_response(&[])
    );

    // A handler that reads the value: the record whose value is not base64
    // fails with a message naming the field; the bad header goes unread.
    let values = BatchProcessor::kafka(|record: KafkaRecord<'_>| {
        calls.fetch_add(1, Ordering::Relaxed);
        handle(record)
    });
    let report = values.run(MALFORMED_RECORDS, &context).await.unwrap();
    assert_eq!(calls.swap(0, Ordering::Relaxed), 4);
    let errors = errors(&report);
    assert_eq!([&errors[0], &errors[2], &errors[3]], [&None, &None, &None]);
    let error = errors[1].as_deref().unwrap();
    assert!(
        error.starts_with("field `value` is invalid: not valid base64"),
        "{error}"
    );
    assert_eq!(
        serde_json::to_string(&report.into_response().unwrap()).unwrap(),
        expected_response(&[Id::kafka("inventory", 0, 41)])
    );

    // A handler that reads a header: the record whose headers do not
    // decode fails, naming the header.
    let traced = BatchProcessor::kafka(|record: KafkaRecord<'_>| {
        calls.fetch_add(1, Ordering::Relaxed);
        record.header("trace").map(|h| h.is_some())
    });
    let report = traced.run(MALFORMED_RECORDS, &context).await.unwrap();
    assert_eq!(calls.swap(0, Ordering::Relaxed), 4);
    assert_eq!(
        common::errors(&report)[2].as_deref(),
        Some("field `headers[0].h` is invalid: it is a string, expected an array of bytes")
    );
    assert_eq!(
        serde_json::to_string(&report.into_response().unwrap()).unwrap(),
        expected_response(&[Id::kafka("inventory", 0, 42)])
    );
}

/// A handler's `?` on an accessor fails the record with the accessor's
/// error, and the batch goes on.
#[tokio::test]
async fn accessor_errors_fail_the_record_through_question_mark() {
    #[derive(serde::Deserialize)]
    struct Order {
        qty: u32,
    }
    fn total(record: KafkaRecord<'_>) -> Result<u32, Box<dyn std::error::Error + Send + Sync>> {
        let order: Order = record.value_json()?;
        let stamp = record.timestamp()?.ok_or("no timestamp")?;
        Ok(order.qty + u32::from(stamp > 0))
    }
    // {"qty":2}, then text that is not base64, then {"qty":"x"}.
    let event = r#"{"eventSource":"aws:kafka","records":{"t-0":[
        {"offset":1,"timestamp":5,"value":"eyJxdHkiOjJ9"},
        {"offset":2,"timestamp":5,"value":"{\"qty\":2}"},
        {"offset":3,"timestamp":5,"value":"eyJxdHkiOiJ4In0="},
        {"offset":4,"timestamp":"later","value":"eyJxdHkiOjJ9"}]}}"#;
    let processor = BatchProcessor::kafka(total);
    let context = Context::default();
    let report = processor.run(event, &context).await.unwrap();
    let errors = errors(&report);
    assert_eq!(errors[0], None);
    for (index, start) in [
        (1, "field `value` is invalid: not valid base64"),
        (
            2,
            "field `value` is invalid: invalid type: string \"x\", expected u32",
        ),
        (
            3,
            "field `timestamp` is invalid: `later` is not a whole number",
        ),
    ] {
        let error = errors[index].as_deref().unwrap();
        assert!(error.starts_with(start), "{index}: {error}");
    }
    assert_eq!(
        serde_json::to_string(&report.into_response().unwrap()).unwrap(),
        expected_response(&[
            Id::kafka("t", 0, 2),
            Id::kafka("t", 0, 3),
            Id::kafka("t", 0, 4)
        ])
    );
}

/// Identifier fields are still checked with the event: a record whose
/// partition has the wrong type fails before the handler, by its identifier.
#[tokio::test]
async fn malformed_identifier_fields_fail_before_the_handler() {
    let calls = AtomicUsize::new(0);
    let processor = BatchProcessor::kafka(|_: KafkaRecord<'_>| {
        calls.fetch_add(1, Ordering::Relaxed);
        Ok::<_, String>(())
    });
    let event = r#"{"records":{"t-4":[{"offset":1,"partition":"4"},{"offset":2}]}}"#;
    let context = Context::default();
    let report = processor.run(event, &context).await.unwrap();
    assert_eq!(calls.load(Ordering::Relaxed), 1);
    assert_eq!(
        errors(&report)[0].as_deref(),
        Some("invalid record: field `partition` is a string, expected a number")
    );
    assert_eq!(
        serde_json::to_string(&report.into_response().unwrap()).unwrap(),
        expected_response(&[Id::kafka("t", 4, 1)])
    );
}

#[tokio::test]
async fn handlers_see_every_field_of_the_record() {
    fn describe(record: KafkaRecord<'_>) -> Result<String, lambda_batch::RecordError> {
        Ok(format!(
            "{}|{:?}|{:?}|{:?}|{:?}|{}|{:?}|{:?}|{}",
            record.topic().unwrap_or("-"),
            record.partition(),
            record.offset(),
            record.key_text(),
            record.header("source")?.map(String::from_utf8_lossy),
            record.is_self_managed(),
            record.event_source_arn(),
            record.timestamp()?,
            record.bootstrap_servers().unwrap_or("-"),
        ))
    }
    let processor = BatchProcessor::kafka(describe);
    let context = Context::default();
    let report = processor
        .run(SELF_MANAGED_ALL_FAIL, &context)
        .await
        .unwrap();
    let Outcome::Success(first) = report.records()[0].outcome() else {
        panic!("the first record succeeds")
    };
    assert_eq!(
        first,
        "payments|Some(2)|Some(300)|Ok(Some(\"p-7\"))|Some(\"billing-é\")|true|None|Some(1716200011100)|kafka-1.internal.example.com:9092,kafka-2.internal.example.com:9092"
    );

    let report = processor.run(MSK_ALL_OK, &context).await.unwrap();
    let Outcome::Success(first) = report.records()[0].outcome() else {
        panic!("the first record succeeds")
    };
    assert!(
        first.starts_with(
            "orders|Some(0)|Some(1041)|Ok(Some(\"customer-17\"))|None|false|Some(\"arn:aws:kafka:"
        ),
        "{first}"
    );
}

#[tokio::test]
async fn value_json_reads_the_payload() {
    #[derive(serde::Deserialize)]
    struct Order<'a> {
        #[serde(rename = "orderId")]
        order_id: &'a str,
        status: &'a str,
    }
    fn statuses(record: KafkaRecord<'_>) -> Result<String, lambda_batch::RecordError> {
        let order: Order<'_> = record.value_json()?;
        Ok(format!("{}={}", order.order_id, order.status))
    }
    let processor = BatchProcessor::kafka(statuses);
    let context = Context::default();
    let report = processor.run(MSK_MIXED, &context).await.unwrap();
    let seen: Vec<String> = report
        .into_records()
        .into_iter()
        .map(|r| match r.into_outcome() {
            Outcome::Success(text) => text,
            other => panic!("{:?}", other.error_text()),
        })
        .collect();
    assert_eq!(seen, ["o-4=fail", "o-5=ok", "o-6=fail"]);
}

/// Events re-serialised by `aws_lambda_events` (timestamps become strings,
/// header bytes signed) read the same.
#[cfg(feature = "aws_lambda_events")]
#[tokio::test]
async fn events_reserialised_by_aws_lambda_events_read_the_same() {
    use aws_lambda_events::event::kafka::KafkaEvent;

    fn summary(event: &str) -> Vec<String> {
        let mut records: Vec<String> = Kafka::parse(event)
            .unwrap()
            .iter()
            .map(|p| {
                let record = p.record().unwrap();
                // `aws_lambda_events` reads timestamps through `f64` and may
                // lose a millisecond: only their presence is compared.
                assert!(record.timestamp().unwrap().is_some());
                format!(
                    "{} {:?} {:?} {:?} {:?} {:?} {:?}",
                    p.identifier().unwrap(),
                    record.key(),
                    record.value(),
                    record.headers(),
                    record.timestamp_type(),
                    record.event_source(),
                    record.bootstrap_servers(),
                )
            })
            .collect();
        // A `HashMap` holds the partitions there: their order is not kept.
        records.sort();
        records
    }

    for fixture in [MSK_MIXED, SELF_MANAGED_ALL_FAIL, MULTI_TOPIC] {
        let typed: KafkaEvent = serde_json::from_str(fixture).unwrap();
        let json = serde_json::to_string(&typed).unwrap();
        assert_eq!(summary(fixture), summary(&json));
    }
}

/// A field of a Kafka record that is decoded when read.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Lazy {
    Key,
    Value,
    Headers,
    Timestamp,
}

const LAZY: [Lazy; 4] = [Lazy::Key, Lazy::Value, Lazy::Headers, Lazy::Timestamp];

/// A record whose `broken` field (if any) does not decode.
fn lazy_record(offset: usize, broken: Option<Lazy>) -> serde_json::Value {
    let mut record = serde_json::json!({
        "topic": "t", "partition": 1, "offset": offset, "timestamp": 1_700_000_000_000u64,
        "key": "a2V5", "value": "eyJpZCI6MX0=", "headers": [{"h": [1, 2]}],
    });
    let (field, bad) = match broken {
        None => return record,
        Some(Lazy::Key) => ("key", serde_json::json!("*")),
        Some(Lazy::Value) => ("value", serde_json::json!({"not": "text"})),
        Some(Lazy::Headers) => ("headers", serde_json::json!([{"h": [1, 999]}])),
        Some(Lazy::Timestamp) => ("timestamp", serde_json::json!("soon")),
    };
    record[field] = bad;
    record
}

/// Reads the fields in `reads`, failing on the first that does not decode.
fn read_fields(record: &KafkaRecord<'_>, reads: &[Lazy]) -> Result<(), lambda_batch::RecordError> {
    for field in reads {
        match field {
            Lazy::Key => drop(record.key_text()?),
            Lazy::Value => drop(record.value_json::<serde_json::Value>()?),
            Lazy::Headers => drop(record.header("h")?),
            Lazy::Timestamp => drop(record.timestamp()?),
        }
    }
    Ok(())
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]

    /// Every record reaches the handler; exactly those whose broken field
    /// the handler reads fail, and the response lists exactly them.
    #[test]
    fn records_fail_exactly_for_the_broken_fields_their_handler_reads(
        broken in proptest::collection::vec(proptest::option::of(proptest::sample::select(LAZY.to_vec())), 0..12),
        reads in proptest::sample::subsequence(LAZY.to_vec(), 0..=4),
    ) {
        let records: Vec<_> = broken.iter().enumerate().map(|(i, b)| lazy_record(i, *b)).collect();
        let event = serde_json::json!({"eventSource": "aws:kafka", "records": {"t-1": records}}).to_string();
        let calls = AtomicUsize::new(0);
        let processor = BatchProcessor::kafka(|record: KafkaRecord<'_>| {
            calls.fetch_add(1, Ordering::Relaxed);
            read_fields(&record, &reads)
        })
        .raise_on_full_failure(false);
        let context = Context::default();
        let report = common::block_on(processor.run(&event, &context)).unwrap();
        proptest::prop_assert_eq!(calls.load(Ordering::Relaxed), broken.len());
        let expected: Vec<Id> = broken
            .iter()
            .enumerate()
            .filter(|(_, b)| b.is_some_and(|b| reads.contains(&b)))
            .map(|(i, _)| Id::kafka("t", 1, i as i64))
            .collect();
        for (record, b) in report.records().iter().zip(&broken) {
            if let Some(error) = record.outcome().error_text() {
                let field = match b {
                    Some(Lazy::Key) => "`key`",
                    Some(Lazy::Value) => "`value`",
                    Some(Lazy::Headers) => "`headers[0].h`",
                    Some(Lazy::Timestamp) => "`timestamp`",
                    None => "no field",
                };
                proptest::prop_assert!(error.contains(field), "{error} names {field}");
            }
        }
        let response = report.into_response().unwrap();
        proptest::prop_assert_eq!(serde_json::to_string(&response).unwrap(), expected_response(&expected));
    }
}
