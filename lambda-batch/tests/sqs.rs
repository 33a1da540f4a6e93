//! SQS: partial batch responses, record parsing and typed accessors, on
//! events shaped as Lambda delivers them.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};

use common::contract::{contract_tests, fails_without_identifier, Contract};
use common::{errors, expected_json, fixture, json, sqs_order, SQS_IDS};
use lambda_batch::source::{EventSource, Sqs, SqsRecord};
use lambda_batch::{BatchProcessor, Context, Outcome};

contract_tests!(
    || BatchProcessor::sqs(sqs_order),
    Contract::orders("sqs", SQS_IDS, "missing_id")
);

#[tokio::test]
async fn an_empty_message_id_counts_as_missing() {
    let event = fixture("sqs/empty_id_fails.json");
    fails_without_identifier(
        BatchProcessor::sqs(sqs_order),
        &event,
        2,
        "order o-3 was rejected",
    )
    .await;
}

#[tokio::test]
async fn a_message_id_that_is_not_a_string_counts_as_missing() {
    let event = r#"{"Records":[
        {"messageId":"a","body":"{\"orderId\":\"o-1\",\"status\":\"ok\"}"},
        {"messageId":17,"body":"{\"orderId\":\"o-2\",\"status\":\"ok\"}"}]}"#;
    fails_without_identifier(
        BatchProcessor::sqs(sqs_order),
        event,
        1,
        "invalid record: field `messageId` is a number, expected a string",
    )
    .await;
}

#[tokio::test]
async fn unknown_fields_are_ignored() {
    let processor = BatchProcessor::sqs(sqs_order);
    let event = fixture("sqs/unknown_fields.json");
    let ctx = Context::default();
    let response = processor.process(&event, &ctx).await.unwrap();
    assert_eq!(json(&response), expected_json(&[SQS_IDS[0]]));

    let records = Sqs::parse(&event).unwrap();
    assert_eq!(records.len(), 3);
    let third = records[2].record().unwrap();
    let kind = third.message_attribute("kind").unwrap().unwrap();
    assert_eq!(kind.string_value(), Some("order"));
    assert_eq!(kind.data_type(), Some("String"));
}

#[tokio::test]
async fn wrong_typed_fields_fail_only_their_record_reported_by_its_id() {
    let calls = AtomicUsize::new(0);
    let processor = BatchProcessor::sqs(|record: SqsRecord<'_>| {
        calls.fetch_add(1, Ordering::SeqCst);
        sqs_order(record)
    });
    let event = fixture("sqs/wrong_types.json");
    let ctx = Context::default();
    let response = processor.process(&event, &ctx).await.unwrap();
    assert_eq!(
        json(&response),
        expected_json(&["c1d0a9e4-0002-4b3a-9a2f-000000000002"])
    );
    // Every record whose body is text reached the handler, those with
    // attributes that are no object or a receive count that is no number
    // among them: this handler reads neither.
    assert_eq!(calls.load(Ordering::SeqCst), 4);

    let report = processor.run(&event, &ctx).await.unwrap();
    assert_eq!(
        errors(&report),
        [
            None,
            Some("invalid record: field `body` is a number, expected a string".to_owned()),
            None,
            None,
            None,
        ]
    );
    assert_eq!((report.succeeded(), report.failed()), (4, 1));

    // A handler that reads the count fails those records, with the field named.
    let counting = BatchProcessor::sqs(|record: SqsRecord<'_>| {
        record
            .attributes()
            .and_then(|attributes| attributes.approximate_receive_count())
            .map_err(|e| e.to_string())?;
        sqs_order(record).map_err(|e| e.to_string())
    });
    let report = counting.run(&event, &ctx).await.unwrap();
    assert_eq!(
        errors(&report)[2].as_deref(),
        Some("field `attributes` is a string, expected an object")
    );
    assert_eq!(
        errors(&report)[3].as_deref(),
        Some("field `attributes.ApproximateReceiveCount` is invalid: `abc` is not a whole number of type u32")
    );
    assert_eq!((report.succeeded(), report.failed()), (2, 3));
}

#[tokio::test]
async fn a_bad_binary_message_attribute_fails_only_the_handler_that_reads_it() {
    let event = r#"{"Records":[
        {"messageId":"a","body":"{\"orderId\":\"o-1\",\"status\":\"ok\"}",
         "messageAttributes":{"sig":{"binaryValue":"%%%not base64","dataType":"Binary"}}},
        {"messageId":"b","body":"{\"orderId\":\"o-2\",\"status\":\"ok\"}",
         "messageAttributes":{"sig":{"binaryValue":"AAE=","dataType":"Binary"}}}]}"#;
    let ctx = Context::default();
    // No one reads the attribute: both records succeed.
    let processor = BatchProcessor::sqs(sqs_order);
    let response = processor.process(event, &ctx).await.unwrap();
    assert_eq!(json(&response), expected_json(&[]));

    // A handler that reads it fails that record alone, naming the attribute.
    let reading = BatchProcessor::sqs(|record: SqsRecord<'_>| {
        let sig = record
            .message_attribute("sig")?
            .and_then(|a| a.binary_value().transpose());
        sig.transpose().map(|_| ())
    });
    let response = reading.process(event, &ctx).await.unwrap();
    assert_eq!(json(&response), expected_json(&["a"]));
    let report = reading.run(event, &ctx).await.unwrap();
    let text = report.records()[0].outcome().error_text().unwrap();
    assert!(
        text.starts_with("field `messageAttributes.sig.binaryValue` is invalid: not valid base64"),
        "{text}"
    );
}

#[tokio::test]
async fn escaped_bodies_are_unescaped() {
    let processor =
        BatchProcessor::sqs(|record: SqsRecord<'_>| Ok::<_, String>(record.body().to_owned()));
    let event = fixture("sqs/escaped_body.json");
    let ctx = Context::default();
    let report = processor.run(&event, &ctx).await.unwrap();
    let bodies: Vec<String> = report
        .into_records()
        .into_iter()
        .map(|r| match r.into_outcome() {
            Outcome::Success(body) => body,
            other => panic!("expected success, got {other:?}"),
        })
        .collect();
    assert_eq!(
        bodies[0],
        r#"{"orderId":"o-\"quoted\"","note":"line one\nline two\ttab \\ backslash","city":"Z\u00fcrich \u20ac","emoji":"\ud83d\ude00"}"#
    );
    let payload: serde_json::Value = serde_json::from_str(&bodies[0]).unwrap();
    assert_eq!(payload["orderId"], "o-\"quoted\"");
    assert_eq!(payload["note"], "line one\nline two\ttab \\ backslash");
    assert_eq!(payload["city"], "Zürich €");
    assert_eq!(payload["emoji"], "😀");
    assert_eq!(bodies[1], "café \"quoted\"\nnext line\t\\ 😀 /");
}

#[test]
fn fifo_accessors_read_every_attribute() {
    let event = fixture("sqs/fifo.json");
    let records = Sqs::parse(&event).unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(
        records[0].identifier().map(ToString::to_string).as_deref(),
        Some("11d6ee51-4cc7-4302-9e22-7cd8afdaadf5")
    );
    let record = records[0].record().unwrap();
    assert_eq!(
        record.message_id(),
        Some("11d6ee51-4cc7-4302-9e22-7cd8afdaadf5")
    );
    assert_eq!(
        record.receipt_handle(),
        Some("AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a0Tm9aZnF0UnZ0K0d4UkJ4Z2V0ZGF0YQ==")
    );
    assert_eq!(record.body(), r#"{"orderId":"o-1","status":"ok"}"#);

    let attributes = record.attributes().unwrap();
    assert_eq!(attributes.approximate_receive_count(), Ok(Some(3)));
    assert_eq!(attributes.sent_timestamp(), Ok(Some(1_573_251_510_774)));
    assert_eq!(
        attributes.approximate_first_receive_timestamp(),
        Ok(Some(1_573_251_510_800))
    );
    assert_eq!(attributes.sender_id(), Some("AIDAIO23YVJENQZJOL4VO"));
    assert_eq!(attributes.message_group_id(), Some("customer-42"));
    assert_eq!(attributes.message_deduplication_id(), Some("dedup-0001"));
    assert_eq!(attributes.sequence_number(), Some("18849496460467696128"));
    assert_eq!(
        attributes.aws_trace_header(),
        Some("Root=1-5e6f2b0a-8c1f3d7e9b2a4c6d8e0f1a2b;Parent=53995c3f42cd8ad8;Sampled=1")
    );
    assert_eq!(
        attributes.dead_letter_queue_source_arn(),
        Some("arn:aws:sqs:us-east-2:123456789012:orders-source.fifo")
    );

    let attributes = record.message_attributes().unwrap();
    let names: Vec<&str> = attributes.iter().map(|a| a.name()).collect();
    assert_eq!(names, ["kind", "priority", "signature", "tags"]);
    let attribute = |name| record.message_attribute(name).unwrap().unwrap();
    let kind = attribute("kind");
    assert_eq!(
        (kind.data_type(), kind.string_value(), kind.binary_value()),
        (Some("String"), Some("order"), Ok(None))
    );
    let priority = attribute("priority");
    assert_eq!(
        (priority.data_type(), priority.string_value()),
        (Some("Number"), Some("7"))
    );
    let signature = attribute("signature");
    assert_eq!(signature.data_type(), Some("Binary"));
    assert_eq!(
        signature.binary_value(),
        Ok(Some(b"\x00\x01\xfeSIG".to_vec()))
    );
    assert_eq!(signature.string_value(), None);
    let tags = attribute("tags");
    assert_eq!(tags.data_type(), Some("String.List"));
    assert_eq!(tags.string_list_values(), ["a", "b"]);
    assert_eq!(tags.binary_list_values(), Ok(vec![b"xy".to_vec()]));
    assert_eq!(record.message_attribute("absent"), Ok(None));

    assert_eq!(
        record.md5_of_body(),
        Some("7b270e59b47ff90a553787216d55d91d")
    );
    assert_eq!(
        record.md5_of_message_attributes(),
        Some("5bd5a5bc8c3fd4a3e4c3f1d1a2b3c4d5")
    );
    assert_eq!(record.event_source(), Some("aws:sqs"));
    assert_eq!(
        record.event_source_arn(),
        Some("arn:aws:sqs:us-east-2:123456789012:orders.fifo")
    );
    assert_eq!(record.aws_region(), Some("us-east-2"));
    assert!(record.is_fifo_queue());
    assert_eq!(
        record.queue_url().as_deref(),
        Some("https://sqs.us-east-2.amazonaws.com/123456789012/orders.fifo")
    );

    // Detached from the event text, the record keeps every value.
    let owned: SqsRecord<'static> = record.clone().into_owned();
    assert_eq!(&owned, record);
}

#[test]
fn a_group_id_on_a_standard_queue_does_not_make_it_fifo() {
    let event = fixture("sqs/fair_queue.json");
    let records = Sqs::parse(&event).unwrap();
    let record = records[0].record().unwrap();
    let attributes = record.attributes().unwrap();
    assert_eq!(attributes.message_group_id(), Some("tenant-7"));
    assert!(!record.is_fifo_queue());
    assert_eq!(
        record.queue_url().as_deref(),
        Some("https://sqs.us-east-2.amazonaws.com/123456789012/orders-queue")
    );
    // Fields the standard queue does not send are absent, not errors.
    assert_eq!(attributes.sequence_number(), None);
    assert_eq!(attributes.message_deduplication_id(), None);
    assert_eq!(attributes.dead_letter_queue_source_arn(), None);
    assert_eq!(attributes.aws_trace_header(), None);
    assert_eq!(record.md5_of_message_attributes(), None);
    assert_eq!(record.message_attributes(), Ok(vec![]));
}

#[test]
fn queue_urls_of_the_china_partition_use_its_domain() {
    let event = fixture("sqs/china_region.json");
    let records = Sqs::parse(&event).unwrap();
    let record = records[0].record().unwrap();
    assert_eq!(record.aws_region(), Some("cn-north-1"));
    assert_eq!(
        record.queue_url().as_deref(),
        Some("https://sqs.cn-north-1.amazonaws.com.cn/123456789012/orders")
    );
    assert!(!record.is_fifo_queue());
}

#[tokio::test]
async fn a_typed_accessor_reaches_the_handler() {
    // A handler that retries only messages received fewer than three times.
    let processor = BatchProcessor::sqs(|record: SqsRecord<'_>| -> Result<u32, String> {
        let count = record
            .attributes()
            .and_then(|attributes| attributes.approximate_receive_count())
            .map_err(|e| e.to_string())?
            .unwrap_or(1);
        if record.is_fifo_queue() && count >= 3 {
            Err(format!("gave up after {count} receives"))
        } else {
            Ok(count)
        }
    });
    let event = fixture("sqs/fifo.json");
    let ctx = Context::default();
    let report = processor.run(&event, &ctx).await.unwrap();
    assert_eq!(
        report.records()[0].outcome().error_text().as_deref(),
        Some("gave up after 3 receives")
    );
}

#[tokio::test]
async fn a_key_given_twice_fails_its_record_not_the_event() {
    // Read by a derived struct, a duplicate key rejected the whole event.
    let event = r#"{"Records":[
        {"messageId":"a","messageId":"b","body":"ok"},
        {"messageId":"c","body":"ok"}]}"#;
    let processor = BatchProcessor::sqs(|_: SqsRecord<'_>| Ok::<_, String>(()));
    let ctx = Context::default();
    let report = processor.run(event, &ctx).await.unwrap();
    assert_eq!(
        errors(&report),
        [
            Some(
                "invalid record: field `messageId` is invalid: the field is given more than once"
                    .to_owned()
            ),
            None
        ]
    );
    // Reported by the identifier it was read with first.
    let response = processor.process(event, &ctx).await.unwrap();
    assert_eq!(json(&response), expected_json(&["a"]));
}
