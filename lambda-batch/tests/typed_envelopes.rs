//! Envelopes from sample events: SNS, EventBridge and S3 through SQS,
//! CloudWatch Logs through Kinesis. In each batch the middle record does
//! not decode and is the only one reported.

mod common;

use std::sync::Mutex;

use lambda_batch::typed::envelope::{EventBridgeEvent, S3Event, Sns};
use lambda_batch::typed::typed;
use lambda_batch::{BatchProcessor, Context};

use common::{block_on, failure_texts, fixture, ids};

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
struct Greeting {
    message: String,
    username: String,
}

#[test]
fn sns_notifications_standard_and_raw() {
    let event = fixture("typed/sns_sqs.json");
    let seen = Mutex::new(Vec::new());
    let handle = |sns: Sns<Greeting>| -> Result<(), String> {
        seen.lock().expect("not poisoned").push(sns);
        Ok(())
    };
    let processor = BatchProcessor::sqs(typed(handle));
    let context = Context::default();
    let response = block_on(processor.process(&event, &context)).expect("a response");
    assert_eq!(ids(&response), ["2a7c4f6e-95a1-4e3b-8d0c-1f2e3d4c5b6a"]);
    let report = block_on(processor.run(&event, &context)).expect("a report");
    let texts = failure_texts(&report);
    drop(report);
    assert!(
        texts[0].starts_with(
            "payload `body.Message` does not decode: username: invalid type: integer `42`"
        ),
        "{texts:?}"
    );

    let seen = seen.into_inner().expect("not poisoned");
    // Each run sees the two good records.
    let (standard, raw) = (&seen[0], &seen[1]);
    assert_eq!(
        standard.message,
        Greeting {
            message: "hello world".into(),
            username: "lessa".into()
        }
    );
    assert!(!standard.raw_delivery);
    assert_eq!(
        standard.topic_arn.as_deref(),
        Some("arn:aws:sns:eu-west-1:123456789012:orders")
    );
    assert_eq!(standard.subject.as_deref(), Some("greeting"));
    assert_eq!(
        standard.message_id.as_deref(),
        Some("d88d4479-6ec0-54fe-b63f-1cf9df4bb16e")
    );
    assert_eq!(standard.message_attributes["kind"].value, "order");

    assert!(raw.raw_delivery);
    assert_eq!(raw.message.message, "raw hello");
    assert_eq!(raw.topic_arn, None);
    assert_eq!(raw.message_attributes["kind"].value, "order");
}

#[test]
fn sns_text_messages_read_as_text() {
    let event = r#"{"Records":[{"messageId":"t","body":"{\"Type\":\"Notification\",\"TopicArn\":\"arn:aws:sns:us-east-1:1:t\",\"Message\":\"plain words\"}"}]}"#;
    let processor = BatchProcessor::sqs(typed(|sns: Sns<String>| {
        if sns.message == "plain words" {
            Ok(())
        } else {
            Err(sns.message)
        }
    }));
    let response = block_on(processor.process(event, &Context::default())).expect("a response");
    assert!(response.is_empty());
}

#[derive(Debug, PartialEq, serde::Deserialize)]
struct StateChange {
    #[serde(rename = "instance-id")]
    instance_id: String,
    state: String,
}

#[test]
fn eventbridge_events_through_sqs() {
    let event = fixture("typed/eventbridge_sqs.json");
    let handle = |event: EventBridgeEvent<StateChange>| -> Result<String, String> {
        assert_eq!(event.source, "aws.ec2");
        assert_eq!(event.detail_type, "EC2 Instance State-change Notification");
        assert_eq!(event.resources.len(), 1);
        Ok(event.detail.state)
    };
    let processor = BatchProcessor::sqs(typed(handle));
    let context = Context::default();
    let report = block_on(processor.run(&event, &context)).expect("a report");
    let outcomes: Vec<Option<&String>> = report
        .records()
        .iter()
        .map(|r| match r.outcome() {
            lambda_batch::Outcome::Success(state) => Some(state),
            _ => None,
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            Some(&"terminated".to_owned()),
            None,
            Some(&"running".to_owned())
        ]
    );
    assert!(failure_texts(&report)[0]
        .starts_with("payload `body` does not decode: detail.state: invalid type: sequence"));
    let response = block_on(processor.process(&event, &context)).expect("a response");
    assert_eq!(ids(&response), ["eb-2"]);
}

#[test]
fn s3_notifications_through_sqs() {
    let event = fixture("typed/s3_sqs.json");
    let keys = Mutex::new(Vec::new());
    let handle = |event: S3Event| -> Result<(), String> {
        if event.is_test_event() {
            keys.lock()
                .expect("not poisoned")
                .push("test event".to_owned());
        }
        for record in event.records {
            assert_eq!(record.event_name, "ObjectCreated:Put");
            assert_eq!(record.s3.bucket.name, "uploads");
            assert_eq!(record.s3.object.size, Some(104_681));
            let key = record.s3.object.decoded_key().ok_or("malformed key")?;
            keys.lock().expect("not poisoned").push(key);
        }
        Ok(())
    };
    let processor = BatchProcessor::sqs(typed(handle));
    let context = Context::default();
    let report = block_on(processor.run(&event, &context)).expect("a report");
    let texts = failure_texts(&report);
    let response = report.into_response().expect("a partial response");
    assert_eq!(ids(&response), ["d4f5a6b7-c8d9-4e0f-8a1b-2c3d4e5f6a7b"]);
    assert!(
        texts[0].starts_with(
            "payload `body` does not decode: Records[0].s3.object.size: invalid type: string"
        ),
        "{texts:?}"
    );
    assert_eq!(
        keys.into_inner().expect("not poisoned"),
        ["reports/April 2023, final.pdf", "test event"]
    );
}

#[cfg(feature = "cloudwatch-logs")]
#[test]
fn cloudwatch_logs_through_kinesis() {
    use lambda_batch::typed::envelope::CloudWatchLogs;

    #[derive(serde::Deserialize)]
    struct Structured {
        level: String,
        order: u32,
    }
    let event = fixture("typed/cloudwatch_logs_kinesis.json");
    let seen = Mutex::new(Vec::new());
    let handle = |logs: CloudWatchLogs| -> Result<(), String> {
        if logs.is_control_message() {
            seen.lock()
                .expect("not poisoned")
                .push("control".to_owned());
            return Ok(());
        }
        assert_eq!(logs.log_group, "/aws/lambda/orders");
        assert_eq!(logs.subscription_filters, ["orders-to-kinesis"]);
        for log in &logs.log_events {
            if let Ok(line) = log.message_json::<Structured>() {
                seen.lock()
                    .expect("not poisoned")
                    .push(format!("{} {}", line.level, line.order));
            }
        }
        seen.lock()
            .expect("not poisoned")
            .push(format!("{} events", logs.log_events.len()));
        Ok(())
    };
    let processor = BatchProcessor::kinesis(typed(handle));
    let context = Context::default();
    let report = block_on(processor.run(&event, &context)).expect("a report");
    let texts = failure_texts(&report);
    let response = report.into_response().expect("a partial response");
    assert_eq!(
        ids(&response),
        ["49635052289529725553291405521504870233219489715332317187"]
    );
    assert!(
        texts[0].starts_with("payload `kinesis.data` does not decode: not gzip data"),
        "{texts:?}"
    );
    assert_eq!(
        seen.into_inner().expect("not poisoned"),
        ["ERROR 17", "3 events", "control"]
    );
}
