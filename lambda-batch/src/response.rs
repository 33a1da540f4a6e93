//! The partial batch response that Lambda reads back.
//!
//! With `ReportBatchItemFailures` turned on for the event source mapping,
//! Lambda expects `{"batchItemFailures":[{"itemIdentifier":"<id>"}, ...]}`.
//! An empty list means the whole batch succeeded.

use std::borrow::Cow;
use std::fmt;

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};

/// The identifier Lambda uses to find a record of the batch again.
///
/// | source | identifier | in an EventBridge pipe's batch |
/// |---|---|---|
/// | SQS | `messageId` | `messageId` |
/// | Kinesis | `kinesis.sequenceNumber` | `eventID` |
/// | DynamoDB Streams | `dynamodb.SequenceNumber` | `eventID` |
/// | Kafka (MSK, self-managed) | `{"partition": "<topic>-<partition>", "offset": <offset>}` | (pipes retry whole batches) |
///
/// Identifiers borrow from the event while a batch is processed;
/// [`into_owned`](Self::into_owned) detaches them.
///
/// ```
/// use lambda_batch::ItemIdentifier;
///
/// let id = ItemIdentifier::from("059f36b4-87a3-44ab-83d2-661975830a7d");
/// assert_eq!(serde_json::to_string(&id).unwrap(), r#""059f36b4-87a3-44ab-83d2-661975830a7d""#);
///
/// let kafka = ItemIdentifier::kafka("orders", 2, 1041);
/// assert_eq!(serde_json::to_string(&kafka).unwrap(), r#"{"partition":"orders-2","offset":1041}"#);
/// assert_eq!(kafka.to_string(), "orders-2@1041");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum ItemIdentifier<'a> {
    /// A text identifier: SQS message id, Kinesis or DynamoDB sequence number
    /// (`eventID` in a pipe's batch).
    Text(Cow<'a, str>),
    /// A Kafka record: topic, partition and offset.
    Kafka {
        /// The topic the record was read from.
        topic: Cow<'a, str>,
        /// The partition of the topic.
        partition: i64,
        /// The record's offset in its partition.
        offset: i64,
    },
}

impl<'a> ItemIdentifier<'a> {
    /// A Kafka identifier.
    ///
    /// ```
    /// # use lambda_batch::ItemIdentifier;
    /// let id = ItemIdentifier::kafka("payments", 0, 7);
    /// assert_eq!(id.to_string(), "payments-0@7");
    /// ```
    pub fn kafka(topic: impl Into<Cow<'a, str>>, partition: i64, offset: i64) -> Self {
        ItemIdentifier::Kafka {
            topic: topic.into(),
            partition,
            offset,
        }
    }

    /// The same identifier, no longer borrowing from the event.
    ///
    /// ```
    /// # use lambda_batch::ItemIdentifier;
    /// let text = String::from("49590338271490256608559692538361571095921575989136588898");
    /// let owned: ItemIdentifier<'static> = ItemIdentifier::from(text.as_str()).into_owned();
    /// drop(text);
    /// assert!(matches!(owned, ItemIdentifier::Text(_)));
    /// ```
    pub fn into_owned(self) -> ItemIdentifier<'static> {
        match self {
            ItemIdentifier::Text(t) => ItemIdentifier::Text(Cow::Owned(t.into_owned())),
            ItemIdentifier::Kafka {
                topic,
                partition,
                offset,
            } => ItemIdentifier::Kafka {
                topic: Cow::Owned(topic.into_owned()),
                partition,
                offset,
            },
        }
    }
}

impl<'a> From<&'a str> for ItemIdentifier<'a> {
    fn from(value: &'a str) -> Self {
        ItemIdentifier::Text(Cow::Borrowed(value))
    }
}

impl From<String> for ItemIdentifier<'static> {
    fn from(value: String) -> Self {
        ItemIdentifier::Text(Cow::Owned(value))
    }
}

impl fmt::Display for ItemIdentifier<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ItemIdentifier::Text(t) => f.write_str(t),
            ItemIdentifier::Kafka {
                topic,
                partition,
                offset,
            } => write!(f, "{topic}-{partition}@{offset}"),
        }
    }
}

impl Serialize for ItemIdentifier<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            ItemIdentifier::Text(t) => serializer.serialize_str(t),
            ItemIdentifier::Kafka {
                topic,
                partition,
                offset,
            } => {
                let mut map = serializer.serialize_map(Some(2))?;
                map.serialize_entry("partition", &format_args!("{topic}-{partition}"))?;
                map.serialize_entry("offset", offset)?;
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for ItemIdentifier<'static> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Wire {
            Text(String),
            Kafka { partition: String, offset: i64 },
        }
        match Wire::deserialize(deserializer)? {
            Wire::Text(t) => Ok(ItemIdentifier::Text(Cow::Owned(t))),
            Wire::Kafka { partition, offset } => {
                // "<topic>-<partition>": the topic itself may contain dashes.
                let (topic, number) = partition.rsplit_once('-').ok_or_else(|| {
                    serde::de::Error::custom(format!(
                        "Kafka partition `{partition}` is not of the form <topic>-<partition>"
                    ))
                })?;
                let number = number.parse().map_err(|_| {
                    serde::de::Error::custom(format!(
                        "Kafka partition `{partition}` does not end in a partition number"
                    ))
                })?;
                Ok(ItemIdentifier::kafka(topic.to_owned(), number, offset))
            }
        }
    }
}

/// One entry of `batchItemFailures`.
///
/// ```
/// use lambda_batch::{BatchItemFailure, ItemIdentifier};
///
/// let failure = BatchItemFailure::new(ItemIdentifier::from(String::from("id-1")));
/// assert_eq!(serde_json::to_string(&failure).unwrap(), r#"{"itemIdentifier":"id-1"}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BatchItemFailure {
    /// The failed record's identifier.
    #[serde(rename = "itemIdentifier")]
    pub item_identifier: ItemIdentifier<'static>,
}

impl BatchItemFailure {
    /// A failure entry for this identifier.
    ///
    /// ```
    /// # use lambda_batch::{BatchItemFailure, ItemIdentifier};
    /// let f = BatchItemFailure::new(ItemIdentifier::kafka("t", 0, 1));
    /// assert_eq!(f.item_identifier.to_string(), "t-0@1");
    /// ```
    pub fn new(item_identifier: ItemIdentifier<'static>) -> Self {
        BatchItemFailure { item_identifier }
    }
}

/// The partial batch response: the records Lambda must retry, in input order.
///
/// It serialises exactly as Lambda expects it, whatever the source:
///
/// ```
/// use lambda_batch::{BatchResponse, ItemIdentifier};
///
/// let mut response = BatchResponse::default();
/// assert_eq!(serde_json::to_string(&response).unwrap(), r#"{"batchItemFailures":[]}"#);
///
/// response.push(ItemIdentifier::from(String::from("b")));
/// assert_eq!(
///     serde_json::to_string(&response).unwrap(),
///     r#"{"batchItemFailures":[{"itemIdentifier":"b"}]}"#
/// );
/// assert_eq!(response.identifiers().next().map(|id| id.to_string()).as_deref(), Some("b"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchResponse {
    /// The records to retry. Empty when every record succeeded.
    #[serde(rename = "batchItemFailures", default)]
    pub batch_item_failures: Vec<BatchItemFailure>,
}

impl BatchResponse {
    /// Adds a failed record.
    ///
    /// ```
    /// # use lambda_batch::{BatchResponse, ItemIdentifier};
    /// let mut r = BatchResponse::default();
    /// r.push(ItemIdentifier::kafka("t", 1, 2));
    /// assert_eq!(r.len(), 1);
    /// ```
    pub fn push(&mut self, identifier: ItemIdentifier<'static>) {
        self.batch_item_failures
            .push(BatchItemFailure::new(identifier));
    }

    /// The identifiers of the failed records, in input order.
    ///
    /// ```
    /// # use lambda_batch::BatchResponse;
    /// assert_eq!(BatchResponse::default().identifiers().count(), 0);
    /// ```
    pub fn identifiers(&self) -> impl Iterator<Item = &ItemIdentifier<'static>> {
        self.batch_item_failures.iter().map(|f| &f.item_identifier)
    }

    /// How many records are reported failed.
    ///
    /// ```
    /// # use lambda_batch::BatchResponse;
    /// assert_eq!(BatchResponse::default().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.batch_item_failures.len()
    }

    /// Whether no record is reported failed (the whole batch succeeded).
    ///
    /// ```
    /// # use lambda_batch::BatchResponse;
    /// assert!(BatchResponse::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.batch_item_failures.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kafka_identifiers_round_trip_with_dashed_topics() {
        let id = ItemIdentifier::kafka("my-topic", 3, 15);
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, r#"{"partition":"my-topic-3","offset":15}"#);
        let back: ItemIdentifier<'static> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, id);
    }

    #[test]
    fn malformed_kafka_partitions_are_rejected() {
        let err =
            serde_json::from_str::<ItemIdentifier<'static>>(r#"{"partition":"x","offset":1}"#)
                .unwrap_err();
        assert!(err.to_string().contains("<topic>-<partition>"), "{err}");
    }

    #[test]
    fn null_failures_deserialize_as_empty() {
        let r: BatchResponse = serde_json::from_str("{}").unwrap();
        assert!(r.is_empty());
    }
}
