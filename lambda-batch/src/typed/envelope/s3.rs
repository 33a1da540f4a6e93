//! An S3 event notification, as S3 delivers it to an SQS queue or SNS topic.

use serde::Deserialize;

/// An S3 event notification: the `Records` of one or more object events.
///
/// When a bucket's notification to a queue is set up, S3 first sends a test
/// message (`"Event": "s3:TestEvent"`) without records: it decodes into an
/// event with no records for which [`is_test_event`](Self::is_test_event)
/// is true, so the handler can succeed on it rather than fail it forever.
///
/// ```
/// use lambda_batch::typed::envelope::S3Event;
///
/// let body = r#"{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1",
///   "eventTime":"2023-04-12T20:43:38.021Z","eventName":"ObjectCreated:Put",
///   "s3":{"s3SchemaVersion":"1.0","configurationId":"orders",
///     "bucket":{"name":"uploads","arn":"arn:aws:s3:::uploads"},
///     "object":{"key":"2023/report+of+April%2C+final.pdf","size":104681,"eTag":"2e3ad1e983318bbd8e73b080e2997980"}}}]}"#;
/// let event: S3Event = serde_json::from_str(body)?;
/// let object = &event.records[0].s3.object;
/// assert_eq!(object.size, Some(104681));
/// assert_eq!(object.decoded_key().as_deref(), Some("2023/report of April, final.pdf"));
///
/// let test: S3Event = serde_json::from_str(r#"{"Service":"Amazon S3","Event":"s3:TestEvent","Bucket":"uploads"}"#)?;
/// assert!(test.is_test_event() && test.records.is_empty());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct S3Event {
    /// `Records`: one per object event; empty for a test event.
    #[serde(rename = "Records", default)]
    pub records: Vec<S3EventRecord>,
    /// `Event`: set on test events only (`s3:TestEvent`).
    #[serde(rename = "Event", default)]
    pub event: Option<String>,
}

impl S3Event {
    /// Whether this is the test message S3 sends when a notification is set up.
    pub fn is_test_event(&self) -> bool {
        self.event.as_deref() == Some("s3:TestEvent")
    }
}

/// One object event of an [`S3Event`].
///
/// ```
/// use lambda_batch::typed::envelope::S3Event;
///
/// let body = r#"{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1",
///   "eventTime":"2023-04-12T20:43:38.021Z","eventName":"ObjectRemoved:Delete",
///   "s3":{"configurationId":"orders","bucket":{"name":"uploads","arn":"arn:aws:s3:::uploads"},
///     "object":{"key":"a+b.txt","sequencer":"0055AED6DCD90281E5"}}}]}"#;
/// let event: S3Event = serde_json::from_str(body)?;
/// let record = &event.records[0];
/// assert_eq!((record.event_name.as_str(), record.aws_region.as_str()), ("ObjectRemoved:Delete", "us-east-1"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct S3EventRecord {
    /// `eventVersion`, such as `2.1`.
    #[serde(rename = "eventVersion", default)]
    pub event_version: String,
    /// `eventSource`: `aws:s3`.
    #[serde(rename = "eventSource", default)]
    pub event_source: String,
    /// `awsRegion`: the bucket's Region.
    #[serde(rename = "awsRegion", default)]
    pub aws_region: String,
    /// `eventTime`: when the event happened (RFC 3339).
    #[serde(rename = "eventTime", default)]
    pub event_time: String,
    /// `eventName`, such as `ObjectCreated:Put` or `ObjectRemoved:Delete`.
    #[serde(rename = "eventName")]
    pub event_name: String,
    /// `s3`: the bucket and the object.
    pub s3: S3Entity,
}

/// The `s3` part of an [`S3EventRecord`].
///
/// ```
/// use lambda_batch::typed::envelope::S3Event;
///
/// let body = r#"{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1",
///   "eventTime":"2023-04-12T20:43:38.021Z","eventName":"ObjectRemoved:Delete",
///   "s3":{"configurationId":"orders","bucket":{"name":"uploads","arn":"arn:aws:s3:::uploads"},
///     "object":{"key":"a+b.txt","sequencer":"0055AED6DCD90281E5"}}}]}"#;
/// let event: S3Event = serde_json::from_str(body)?;
/// let s3 = &event.records[0].s3;
/// assert_eq!(s3.configuration_id.as_deref(), Some("orders"));
/// assert_eq!(s3.bucket.name, "uploads");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct S3Entity {
    /// `configurationId`: the name of the notification configuration.
    #[serde(rename = "configurationId", default)]
    pub configuration_id: Option<String>,
    /// `bucket`.
    pub bucket: S3Bucket,
    /// `object`.
    pub object: S3Object,
}

/// The bucket of an [`S3Entity`].
///
/// ```
/// use lambda_batch::typed::envelope::S3Event;
///
/// let body = r#"{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1",
///   "eventTime":"2023-04-12T20:43:38.021Z","eventName":"ObjectRemoved:Delete",
///   "s3":{"configurationId":"orders","bucket":{"name":"uploads","arn":"arn:aws:s3:::uploads"},
///     "object":{"key":"a+b.txt","sequencer":"0055AED6DCD90281E5"}}}]}"#;
/// let event: S3Event = serde_json::from_str(body)?;
/// let bucket = &event.records[0].s3.bucket;
/// assert_eq!(bucket.arn.as_deref(), Some("arn:aws:s3:::uploads"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct S3Bucket {
    /// `name`.
    pub name: String,
    /// `arn`.
    #[serde(default)]
    pub arn: Option<String>,
}

/// The object of an [`S3Entity`].
///
/// ```
/// use lambda_batch::typed::envelope::S3Event;
///
/// let body = r#"{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1",
///   "eventTime":"2023-04-12T20:43:38.021Z","eventName":"ObjectRemoved:Delete",
///   "s3":{"configurationId":"orders","bucket":{"name":"uploads","arn":"arn:aws:s3:::uploads"},
///     "object":{"key":"a+b.txt","sequencer":"0055AED6DCD90281E5"}}}]}"#;
/// let event: S3Event = serde_json::from_str(body)?;
/// let object = &event.records[0].s3.object;
/// // A deletion: no size, no ETag.
/// assert_eq!((object.size, object.e_tag.as_deref()), (None, None));
/// assert_eq!(object.decoded_key().as_deref(), Some("a b.txt"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct S3Object {
    /// `key`, URL-encoded as S3 sends it (spaces as `+`): see
    /// [`decoded_key`](Self::decoded_key).
    pub key: String,
    /// `size` in bytes; absent on deletions.
    #[serde(default)]
    pub size: Option<u64>,
    /// `eTag`; absent on deletions.
    #[serde(rename = "eTag", default)]
    pub e_tag: Option<String>,
    /// `versionId`, on versioned buckets.
    #[serde(rename = "versionId", default)]
    pub version_id: Option<String>,
    /// `sequencer`: orders the events of one key.
    #[serde(default)]
    pub sequencer: Option<String>,
}

impl S3Object {
    /// The key as stored: `+` is a space and `%XX` a byte. `None` when an
    /// escape is malformed or the bytes are not UTF-8.
    pub fn decoded_key(&self) -> Option<String> {
        url_decode(&self.key)
    }
}

/// Decodes `application/x-www-form-urlencoded` text.
fn url_decode(text: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(text.len());
    let mut rest = text.bytes();
    while let Some(byte) = rest.next() {
        bytes.push(match byte {
            b'+' => b' ',
            b'%' => {
                let high = hex(rest.next()?)?;
                let low = hex(rest.next()?)?;
                high << 4 | low
            }
            other => other,
        });
    }
    String::from_utf8(bytes).ok()
}

fn hex(digit: u8) -> Option<u8> {
    char::from(digit)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

#[cfg(test)]
mod tests {
    use super::url_decode;

    #[test]
    fn keys_are_url_decoded() {
        assert_eq!(url_decode("a+b%2Fc%C3%A9").as_deref(), Some("a b/cé"));
        assert_eq!(url_decode("plain").as_deref(), Some("plain"));
        assert_eq!(url_decode("bad%2"), None);
        assert_eq!(url_decode("bad%zz"), None);
        assert_eq!(url_decode("%ff"), None);
    }
}
