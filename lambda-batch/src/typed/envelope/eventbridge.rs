//! An EventBridge event, as a rule with an SQS target delivers it.

use serde::Deserialize;

/// An EventBridge event whose `detail` decodes into `T`.
///
/// An SQS target of an EventBridge rule receives the whole event as the
/// message body. `detail-type`, `source` and `detail` are required; the
/// other fields are empty when absent.
///
/// ```
/// use lambda_batch::typed::envelope::EventBridgeEvent;
///
/// #[derive(serde::Deserialize)]
/// struct StateChange { instance_id: String, state: String }
///
/// let body = r#"{"version":"0","id":"6a7e8feb-b491-4cf7-a9f1-bf3703467718",
///   "detail-type":"EC2 Instance State-change Notification","source":"aws.ec2",
///   "account":"111122223333","time":"2017-12-22T18:43:48Z","region":"us-west-1",
///   "resources":["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
///   "detail":{"instance_id":"i-1234567890abcdef0","state":"terminated"}}"#;
/// let event: EventBridgeEvent<StateChange> = serde_json::from_str(body)?;
/// assert_eq!(event.detail_type, "EC2 Instance State-change Notification");
/// assert_eq!(event.detail.state, "terminated");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct EventBridgeEvent<T> {
    /// `version`, `0` for every event so far.
    #[serde(default)]
    pub version: String,
    /// `id`: the event's unique identifier.
    #[serde(default)]
    pub id: String,
    /// `detail-type`: what kind of event this is.
    #[serde(rename = "detail-type")]
    pub detail_type: String,
    /// `source`: the service or application that sent it (`aws.ec2`, `com.example.orders`).
    pub source: String,
    /// `account`: the AWS account it comes from.
    #[serde(default)]
    pub account: String,
    /// `time`: when it happened (RFC 3339).
    #[serde(default)]
    pub time: String,
    /// `region`: the AWS Region it comes from.
    #[serde(default)]
    pub region: String,
    /// `resources`: ARNs of the resources it concerns.
    #[serde(default)]
    pub resources: Vec<String>,
    /// `detail`: the event itself.
    pub detail: T,
}
