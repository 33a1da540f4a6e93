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
//! # What the typed event writes back
//!
//! Records read the same as from the event Lambda sent, though the types
//! write some fields differently:
//!
//! - Numbers as text: Kinesis `approximateArrivalTimestamp`
//!   (`"1700000200.123"`) and Kafka `timestamp`. The accessors read numbers
//!   from text, so they return the same values.
//! - `null` for an absent optional field (SQS `stringValue`, DynamoDB
//!   `SequenceNumber`, `StreamViewType`, ...): read as absent.
//! - Kinesis `encryptionType` is `NONE` when the event had none.
//! - Maps are `HashMap`s: the order of SQS message attributes and of Kafka
//!   partitions is not kept (records within a partition keep theirs).
//! - DynamoDB: an absent `Keys`, `NewImage` or `OldImage` is written as an
//!   empty image `{}`, and an absent `ApproximateCreationDateTime` as `0`.
//!   Read as written, an `INSERT` would have an old image and a `REMOVE` a
//!   new one. So [`AwsEvent::to_event_json`] drops an empty image and a
//!   creation time of 0 before the processor reads the event. This cannot
//!   misread a real event: a DynamoDB item always holds its key attributes,
//!   so every image a stream sends, and its `Keys`, has at least one
//!   attribute (the view type and the change decide whether an image is
//!   sent at all, never whether it is empty), and no stream record was
//!   created at the Unix epoch. Events read by the processor itself are
//!   read as sent: an empty image there stays an empty image.
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
use serde_json::{Map, Value};

use crate::error::{BatchError, InvalidEvent};
use crate::handler::Handler;
use crate::processor::BatchProcessor;
use crate::response::BatchResponse;
use crate::source::{DynamoDb, EventSource, Kafka, Kinesis, Sqs};

/// An `aws_lambda_events` event type and the source whose events it holds.
pub trait AwsEvent: Serialize {
    /// The event source this event type belongs to.
    type Source: EventSource;

    /// The event as JSON for the processor to read: the event serialised,
    /// less what its type writes for a field the event did not have, where
    /// no real event could hold that value (see the [module](self) docs).
    ///
    /// ```
    /// use aws_lambda_events::event::dynamodb::Event;
    /// use lambda_batch::interop::AwsEvent;
    ///
    /// let event: Event = serde_json::from_str(r#"{"Records":[{"eventID":"1",
    ///   "eventName":"INSERT","awsRegion":"us-east-1","dynamodb":{"SequenceNumber":"7",
    ///   "Keys":{"id":{"S":"a"}},"NewImage":{"id":{"S":"a"}},"SizeBytes":10}}]}"#)?;
    /// // The type holds an empty old image; the JSON has none.
    /// assert!(event.records[0].change.old_image.is_empty());
    /// assert!(!event.to_event_json()?.contains("OldImage"));
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// When the event does not serialise (a map with keys that are not text).
    fn to_event_json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string(self)
    }
}

impl AwsEvent for sqs::SqsEvent {
    type Source = Sqs;
}
impl AwsEvent for kinesis::KinesisEvent {
    type Source = Kinesis;
}
impl AwsEvent for dynamodb::Event {
    type Source = DynamoDb;

    fn to_event_json(&self) -> Result<String, serde_json::Error> {
        let mut event = serde_json::to_value(self)?;
        let records = event.get_mut("Records").and_then(Value::as_array_mut);
        for record in records.into_iter().flatten() {
            if let Some(change) = record.get_mut("dynamodb").and_then(Value::as_object_mut) {
                drop_written_defaults(change);
            }
        }
        serde_json::to_string(&event)
    }
}
impl AwsEvent for kafka::KafkaEvent {
    type Source = Kafka;
}

/// Removes from a stream record's `dynamodb` what `aws_lambda_events`
/// writes for a field the record did not have, none of which a real stream
/// record holds: an empty `Keys`, `NewImage` or `OldImage` (an item always
/// has its key attributes, so a real image is never empty), and an
/// `ApproximateCreationDateTime` of 0 (the Unix epoch itself).
fn drop_written_defaults(change: &mut Map<String, Value>) {
    for image in ["Keys", "NewImage", "OldImage"] {
        if change
            .get(image)
            .and_then(Value::as_object)
            .is_some_and(Map::is_empty)
        {
            change.remove(image);
        }
    }
    let created = change
        .get("ApproximateCreationDateTime")
        .and_then(Value::as_f64);
    if created == Some(0.0) {
        change.remove("ApproximateCreationDateTime");
    }
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
        let json = event.to_event_json().map_err(|e| InvalidEvent::json(&e))?;
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
