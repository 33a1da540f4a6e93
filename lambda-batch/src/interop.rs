//! Interoperability with the `aws_lambda_events` crate (cargo feature `aws_lambda_events`).
//!
//! Functions already written against `aws_lambda_events` types can hand
//! their event to a processor with
//! [`BatchProcessor::process_aws_event`], and turn a [`BatchResponse`] into
//! that crate's response types with `From`.
//!
//! This path re-serialises the event to JSON before reading it, so it costs
//! more than handing the processor the raw event (see [`BatchEvent`](crate::BatchEvent)),
//! which the `lambda_runtime` integration does.
//!
//! ```
//! use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent};
//! use lambda_batch::{BatchProcessor, Context};
//! use lambda_batch::source::SqsRecord;
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let event: SqsEvent = serde_json::from_str(
//!     r#"{"Records":[{"messageId":"a","body":"fail"},{"messageId":"b","body":"ok"}]}"#,
//! )?;
//! let processor = BatchProcessor::sqs(|record: SqsRecord<'_>| {
//!     if record.body() == "fail" { Err("failed") } else { Ok(()) }
//! });
//! let response = processor.process_aws_event(&event, &Context::default()).await?;
//! let response = SqsBatchResponse::from(response);
//! assert_eq!(response.batch_item_failures[0].item_identifier, "a");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # }).unwrap();
//! ```

use aws_lambda_events::event::{dynamodb, kafka, kinesis, sqs, streams};
use lambda_runtime::Context;
use serde::Serialize;

use crate::error::{BatchError, InvalidEvent};
use crate::handler::Handler;
use crate::processor::BatchProcessor;
use crate::response::BatchResponse;
use crate::source::{DynamoDb, EventSource, Kafka, Kinesis, Sqs};

/// An `aws_lambda_events` event type and the source whose events it holds.
pub trait AwsEvent: Serialize {
    /// The event source this event type belongs to.
    type Source: EventSource;
}

impl AwsEvent for sqs::SqsEvent {
    type Source = Sqs;
}
impl AwsEvent for kinesis::KinesisEvent {
    type Source = Kinesis;
}
impl AwsEvent for dynamodb::Event {
    type Source = DynamoDb;
}
impl AwsEvent for kafka::KafkaEvent {
    type Source = Kafka;
}

impl<S, H, M> BatchProcessor<S, H, M>
where
    S: EventSource,
    for<'a> H: Handler<'a, S::Record<'a>, M>,
{
    /// Processes an event already deserialised into an `aws_lambda_events` type.
    ///
    /// # Errors
    ///
    /// As [`process`](Self::process); an event that cannot be serialised back
    /// to JSON is an [`InvalidEvent`].
    pub async fn process_aws_event<E>(
        &self,
        event: &E,
        context: &Context,
    ) -> Result<BatchResponse, BatchError>
    where
        E: AwsEvent<Source = S>,
    {
        let json = serde_json::to_string(event).map_err(|e| InvalidEvent::json(&e))?;
        self.process(&json, context).await
    }
}

fn texts(response: BatchResponse) -> impl Iterator<Item = String> {
    response
        .batch_item_failures
        .into_iter()
        .map(|failure| failure.item_identifier.to_string())
}

impl From<BatchResponse> for sqs::SqsBatchResponse {
    fn from(response: BatchResponse) -> Self {
        let mut out = sqs::SqsBatchResponse::default();
        out.batch_item_failures = texts(response)
            .map(|id| {
                let mut failure = sqs::BatchItemFailure::default();
                failure.item_identifier = id;
                failure
            })
            .collect();
        out
    }
}

/// `From<BatchResponse>` for the `streams` response types, whose failures
/// hold an optional identifier.
macro_rules! stream_response {
    ($response:ident, $failure:ident) => {
        impl From<BatchResponse> for streams::$response {
            fn from(response: BatchResponse) -> Self {
                let mut out = streams::$response::default();
                out.batch_item_failures = texts(response)
                    .map(|id| {
                        let mut failure = streams::$failure::default();
                        failure.item_identifier = Some(id);
                        failure
                    })
                    .collect();
                out
            }
        }
    };
}

stream_response!(KinesisEventResponse, KinesisBatchItemFailure);
stream_response!(DynamoDbEventResponse, DynamoDbBatchItemFailure);
stream_response!(SqsEventResponse, SqsBatchItemFailure);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::response::ItemIdentifier;

    fn response(ids: &[&str]) -> BatchResponse {
        let mut r = BatchResponse::default();
        for id in ids {
            r.push(ItemIdentifier::from((*id).to_owned()));
        }
        r
    }

    #[test]
    fn responses_convert_with_identifiers_in_order() {
        let kinesis = streams::KinesisEventResponse::from(response(&["1", "2"]));
        let ids: Vec<_> = kinesis
            .batch_item_failures
            .iter()
            .map(|f| f.item_identifier.clone())
            .collect();
        assert_eq!(ids, [Some("1".to_owned()), Some("2".to_owned())]);
        let dynamodb = streams::DynamoDbEventResponse::from(response(&["9"]));
        assert_eq!(
            serde_json::to_string(&dynamodb).unwrap(),
            r#"{"batchItemFailures":[{"itemIdentifier":"9"}]}"#
        );
        let sqs = sqs::SqsBatchResponse::from(response(&[]));
        assert!(sqs.batch_item_failures.is_empty());
    }

    #[tokio::test]
    async fn kinesis_events_round_trip_through_the_processor() {
        // aws_lambda_events writes `approximateArrivalTimestamp` back as
        // text: it must still read, and a record that succeeds must not be
        // reported.
        let record = |sequence: &str, data: &str| {
            format!(
                r#"{{"eventSource":"aws:kinesis","eventVersion":"1.0","eventID":"s:{sequence}",
                "eventName":"aws:kinesis:record","invokeIdentityArn":"arn:aws:iam::1:role/r",
                "awsRegion":"us-east-2","eventSourceARN":"arn:aws:kinesis:us-east-2:1:stream/s",
                "kinesis":{{"kinesisSchemaVersion":"1.0","partitionKey":"pk","sequenceNumber":"{sequence}",
                "data":"{data}","approximateArrivalTimestamp":1545084650.987}}}}"#
            )
        };
        let text = format!(
            r#"{{"Records":[{},{}]}}"#,
            record("1", "ZmFpbA=="),
            record("2", "b2s=")
        );
        let event: kinesis::KinesisEvent = serde_json::from_str(&text).unwrap();
        let processor = BatchProcessor::kinesis(|r: crate::source::KinesisRecord<'_>| {
            let arrival = r
                .approximate_arrival_timestamp()
                .map_err(|e| e.to_string())?;
            if arrival != Some(1545084650.987) {
                return Err(format!("arrival read as {arrival:?}"));
            }
            match r.data().map_err(|e| e.to_string())? {
                b"fail" => Err("failed".to_owned()),
                _ => Ok(()),
            }
        });
        let response = processor
            .process_aws_event(&event, &Context::default())
            .await
            .unwrap();
        let failed: Vec<String> = response.identifiers().map(|id| id.to_string()).collect();
        assert_eq!(failed, ["1"]);
    }
}
