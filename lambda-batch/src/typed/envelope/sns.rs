//! An SNS notification delivered to an SQS queue, with or without raw delivery.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::source::SqsRecord;
use crate::typed::decode::json_or_text;
use crate::typed::{DecodeError, FromRecord};

/// A message published to an SNS topic and delivered to an SQS queue; the
/// message decodes into `T`.
///
/// Both deliveries are read:
///
/// - standard delivery: the body is the SNS notification (`"Type":
///   "Notification"`, `TopicArn`, `Message`, ...), and the message is its
///   `Message` text. A failure names `body.Message` and the path inside it.
/// - raw message delivery: the body is the message itself, and SNS message
///   attributes are SQS message attributes. SNS metadata is absent.
///
/// The message is read as JSON or, when that fails, as plain text, so
/// `Sns<String>` takes text messages as they are.
///
/// ```
/// use lambda_batch::typed::{envelope::Sns, FromRecord};
/// use lambda_batch::source::{EventSource, Sqs};
///
/// #[derive(serde::Deserialize)]
/// struct Greeting { message: String }
///
/// let event = r#"{"Records":[
///   {"messageId":"standard","body":"{\"Type\":\"Notification\",\"MessageId\":\"d88d4479\",\"TopicArn\":\"arn:aws:sns:eu-west-1:123456789012:greetings\",\"Message\":\"{\\\"message\\\":\\\"hello\\\"}\",\"Timestamp\":\"2021-01-19T10:07:07.287Z\"}"},
///   {"messageId":"raw","body":"{\"message\":\"hi\"}"}]}"#;
/// let records = Sqs::parse(event)?;
/// let standard = Sns::<Greeting>::from_record(records[0].record().unwrap()).unwrap();
/// assert_eq!(standard.message.message, "hello");
/// assert_eq!(standard.topic_arn.as_deref(), Some("arn:aws:sns:eu-west-1:123456789012:greetings"));
/// assert!(!standard.raw_delivery);
/// let raw = Sns::<Greeting>::from_record(records[1].record().unwrap()).unwrap();
/// assert_eq!(raw.message.message, "hi");
/// assert!(raw.raw_delivery && raw.topic_arn.is_none());
/// # Ok::<(), lambda_batch::InvalidEvent>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Sns<T> {
    /// The message.
    pub message: T,
    /// Whether the message came by raw delivery (then SNS metadata is absent).
    pub raw_delivery: bool,
    /// `TopicArn`: the topic it was published to.
    pub topic_arn: Option<String>,
    /// `MessageId`: SNS's identifier of the message.
    pub message_id: Option<String>,
    /// `Subject`, when the publisher gave one.
    pub subject: Option<String>,
    /// `Timestamp`: when it was published (RFC 3339).
    pub timestamp: Option<String>,
    /// The message attributes: SNS's `MessageAttributes`, or with raw
    /// delivery the SQS message attributes that have a string value.
    pub message_attributes: BTreeMap<String, SnsMessageAttribute>,
}

/// A message attribute of an SNS message.
///
/// ```
/// use lambda_batch::typed::envelope::SnsMessageAttribute;
///
/// let attribute: SnsMessageAttribute = serde_json::from_str(r#"{"Type":"String","Value":"order"}"#)?;
/// assert_eq!((attribute.data_type.as_str(), attribute.value.as_str()), ("String", "order"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct SnsMessageAttribute {
    /// `Type`: `String`, `Number`, `String.Array` or `Binary`.
    #[serde(rename = "Type")]
    pub data_type: String,
    /// `Value`, as text (base64 for `Binary`).
    #[serde(rename = "Value")]
    pub value: String,
}

/// The fields of a standard SNS notification that are read.
#[derive(Deserialize)]
struct Notification<'a> {
    #[serde(rename = "Type", borrow, default)]
    kind: Option<Cow<'a, str>>,
    #[serde(rename = "Message", borrow, default)]
    message: Option<Cow<'a, str>>,
    #[serde(rename = "TopicArn", default)]
    topic_arn: Option<String>,
    #[serde(rename = "MessageId", default)]
    message_id: Option<String>,
    #[serde(rename = "Subject", default)]
    subject: Option<String>,
    #[serde(rename = "Timestamp", default)]
    timestamp: Option<String>,
    #[serde(rename = "MessageAttributes", default)]
    message_attributes: Option<BTreeMap<String, SnsMessageAttribute>>,
}

impl<T: DeserializeOwned> FromRecord<SqsRecord<'_>> for Sns<T> {
    fn from_record(record: &SqsRecord<'_>) -> Result<Self, DecodeError> {
        let body = record.body();
        match serde_json::from_str::<Notification<'_>>(body) {
            Ok(Notification {
                kind: Some(kind),
                message: Some(message),
                topic_arn: Some(topic_arn),
                message_id,
                subject,
                timestamp,
                message_attributes,
            }) if kind == "Notification" => Ok(Sns {
                message: json_or_text(message.as_bytes(), "body.Message")?,
                raw_delivery: false,
                topic_arn: Some(topic_arn),
                message_id,
                subject,
                timestamp,
                message_attributes: message_attributes.unwrap_or_default(),
            }),
            // Anything else is the message itself: raw delivery.
            _ => Ok(Sns {
                message: json_or_text(body.as_bytes(), "body")?,
                raw_delivery: true,
                topic_arn: None,
                message_id: None,
                subject: None,
                timestamp: None,
                message_attributes: raw_attributes(record)?,
            }),
        }
    }
}

/// SNS message attributes as raw delivery passes them: SQS message attributes.
fn raw_attributes(
    record: &SqsRecord<'_>,
) -> Result<BTreeMap<String, SnsMessageAttribute>, DecodeError> {
    let attributes = record
        .message_attributes()
        .map_err(|e| DecodeError::new("messageAttributes", "", e.to_string()))?;
    Ok(attributes
        .iter()
        .filter_map(|attribute| {
            let value = attribute.string_value()?;
            Some((
                attribute.name().to_owned(),
                SnsMessageAttribute {
                    data_type: attribute.data_type().unwrap_or("String").to_owned(),
                    value: value.to_owned(),
                },
            ))
        })
        .collect())
}
