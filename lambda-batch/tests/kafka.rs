//! Kafka (Amazon MSK and self-managed) events through the batch processor.

use std::sync::atomic::{AtomicUsize, Ordering};

use lambda_batch::source::{EventSource, Kafka, KafkaRecord};
use lambda_batch::{BatchError, BatchProcessor, Context, InvalidEvent, ItemIdentifier, Outcome};

const MSK_ALL_OK: &str = include_str!("fixtures/kafka/msk_all_ok.json");
const MSK_MIXED: &str = include_str!("fixtures/kafka/msk_mixed.json");
const SELF_MANAGED_ALL_FAIL: &str = include_str!("fixtures/kafka/self_managed_all_fail.json");
const MULTI_TOPIC: &str = include_str!("fixtures/kafka/multi_topic.json");
const MALFORMED_RECORDS: &str = include_str!("fixtures/kafka/malformed_records.json");
const MISSING_OFFSET: &str = include_str!("fixtures/kafka/missing_offset.json");

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

fn failures(ids: &[(&str, i64)]) -> String {
    let items: Vec<String> = ids
        .iter()
        .map(|(partition, offset)| {
            format!(r#"{{"itemIdentifier":{{"partition":"{partition}","offset":{offset}}}}}"#)
        })
        .collect();
    format!(r#"{{"batchItemFailures":[{}]}}"#, items.join(","))
}

#[tokio::test]
async fn all_records_succeed() {
    assert_eq!(
        response_json(MSK_ALL_OK).await.unwrap(),
        r#"{"batchItemFailures":[]}"#
    );
}

#[tokio::test]
async fn failed_records_are_reported_in_order() {
    assert_eq!(
        response_json(MSK_MIXED).await.unwrap(),
        r#"{"batchItemFailures":[{"itemIdentifier":{"partition":"orders-0","offset":15}},{"itemIdentifier":{"partition":"orders-3","offset":7}}]}"#
    );
}

#[tokio::test]
async fn all_failed_raises_by_default_and_says_how_many() {
    let err = BatchProcessor::kafka(handle)
        .process(SELF_MANAGED_ALL_FAIL, &Context::default())
        .await
        .unwrap_err();
    assert_eq!(err.error_type(), "AllRecordsFailed");
    let message = err.to_string();
    assert!(
        message.starts_with("all 3 records of the batch failed"),
        "{message}"
    );
    assert!(message.contains("payments-2@300"), "{message}");
    let BatchError::AllRecordsFailed {
        failures: list,
        response,
    } = err
    else {
        panic!("all records failed")
    };
    let indexes: Vec<usize> = list.iter().map(|f| f.index).collect();
    assert_eq!(indexes, [0, 1, 2]);
    assert_eq!(
        serde_json::to_string(&response).unwrap(),
        failures(&[("payments-2", 300), ("payments-2", 301), ("payments-5", 12)])
    );
}

#[tokio::test]
async fn all_failed_without_raising_reports_every_record() {
    let processor = BatchProcessor::kafka(handle).raise_on_full_failure(false);
    let response = processor
        .process(SELF_MANAGED_ALL_FAIL, &Context::default())
        .await
        .unwrap();
    assert_eq!(
        serde_json::to_string(&response).unwrap(),
        failures(&[("payments-2", 300), ("payments-2", 301), ("payments-5", 12)])
    );
}

#[tokio::test]
async fn one_processor_serves_invocations_independently() {
    let processor = BatchProcessor::kafka(handle);
    let context = Context::default();
    for _ in 0..2 {
        let response = processor.process(MSK_MIXED, &context).await.unwrap();
        assert_eq!(
            serde_json::to_string(&response).unwrap(),
            failures(&[("orders-0", 15), ("orders-3", 7)])
        );
        let response = processor.process(MSK_ALL_OK, &context).await.unwrap();
        assert!(response.is_empty());
    }
}

#[tokio::test]
async fn identifiers_follow_topic_partitions_with_dashed_topics() {
    assert_eq!(
        response_json(MULTI_TOPIC).await.unwrap(),
        failures(&[
            ("user-events-0", 6),
            ("user-events-10", 2),
            ("audit-log-v2-1", 100),
            ("orders-0", 1),
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
        failures(&[("click-stream-4", 8)])
    );
}

#[tokio::test]
async fn empty_records_give_an_empty_response() {
    let event = r#"{"eventSource":"aws:kafka","bootstrapServers":"b-1:9092","records":{}}"#;
    assert_eq!(
        response_json(event).await.unwrap(),
        r#"{"batchItemFailures":[]}"#
    );
    let processor = BatchProcessor::kafka(handle);
    let context = Context::default();
    let report = processor.run(event, &context).await.unwrap();
    assert!(report.is_empty());
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
            "[]",
            |e| matches!(e, InvalidEvent::Shape { path, .. } if path.is_empty()),
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

#[tokio::test]
async fn a_failed_record_without_offset_fails_the_invocation() {
    let err = response_json(MISSING_OFFSET).await.unwrap_err();
    assert_eq!(err.error_type(), "MissingIdentifier");
    assert!(
        matches!(err, BatchError::MissingIdentifier { index: 2, .. }),
        "{err:?}"
    );
    assert!(err.to_string().starts_with("record 2 failed"), "{err}");
}

#[tokio::test]
async fn a_succeeding_record_without_offset_is_fine() {
    let event = r#"{"eventSource":"aws:kafka","records":{"orders-0":[
        {"topic":"orders","partition":0,"value":"Im9rIg=="},
        {"topic":"orders","partition":0,"offset":4,"value":"ImZhaWwi"}]}}"#;
    assert_eq!(
        response_json(event).await.unwrap(),
        failures(&[("orders-0", 4)])
    );
}

#[tokio::test]
async fn malformed_records_fail_alone_without_reaching_the_handler() {
    let calls = AtomicUsize::new(0);
    let processor = BatchProcessor::kafka(|record: KafkaRecord<'_>| {
        calls.fetch_add(1, Ordering::Relaxed);
        handle(record)
    });
    let context = Context::default();
    let report = processor.run(MALFORMED_RECORDS, &context).await.unwrap();
    assert_eq!(calls.load(Ordering::Relaxed), 2);
    let errors: Vec<Option<String>> = report
        .records()
        .iter()
        .map(|r| r.outcome().error_text())
        .collect();
    assert_eq!(errors[0], None);
    assert!(errors[1]
        .as_deref()
        .unwrap()
        .starts_with("invalid record: field `value` is invalid: not valid base64"));
    assert!(errors[2]
        .as_deref()
        .unwrap()
        .starts_with("invalid record: field `headers[0].h` is invalid"));
    assert_eq!(errors[3], None);
    assert_eq!(
        serde_json::to_string(&report.into_response().unwrap()).unwrap(),
        failures(&[("inventory-0", 41), ("inventory-0", 42)])
    );
}

#[tokio::test]
async fn handlers_see_every_field_of_the_record() {
    fn describe(record: KafkaRecord<'_>) -> Result<String, String> {
        Ok(format!(
            "{}|{:?}|{:?}|{:?}|{:?}|{}|{:?}|{:?}|{}",
            record.topic().unwrap_or("-"),
            record.partition(),
            record.offset(),
            record.key_text(),
            record.header("source").map(String::from_utf8_lossy),
            record.is_self_managed(),
            record.event_source_arn(),
            record.timestamp(),
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
    fn statuses(record: KafkaRecord<'_>) -> Result<String, serde_json::Error> {
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
                assert!(record.timestamp().is_some());
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
