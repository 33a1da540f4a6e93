//! CloudWatch Logs subscription data, delivered through Kinesis Data Streams.

use std::io::Read as _;

use flate2::read::MultiGzDecoder;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::source::KinesisRecord;
use crate::typed::decode::{json_bytes, json_text};
use crate::typed::{DecodeError, FromRecord};

/// Decompressed data larger than this fails the record: a Kinesis record
/// holds at most 1 MiB of compressed data, and log text compresses about
/// tenfold, so only a malicious payload comes near.
const MAX_DECOMPRESSED: u64 = 64 << 20;

/// The log events a CloudWatch Logs subscription filter sent to a Kinesis
/// stream: `kinesis.data` is gzip-compressed JSON (after base64).
///
/// CloudWatch Logs also sends a `CONTROL_MESSAGE` when the subscription is
/// set up, to check that the stream is reachable: it has no log events, and
/// [`is_control_message`](Self::is_control_message) tells it apart.
///
/// ```
/// use std::io::Write as _;
/// use base64::Engine as _;
/// use lambda_batch::source::{EventSource, Kinesis};
/// use lambda_batch::typed::{envelope::CloudWatchLogs, FromRecord};
///
/// let logs = r#"{"messageType":"DATA_MESSAGE","owner":"123456789012","logGroup":"/aws/lambda/orders",
///   "logStream":"2022/11/10/[$LATEST]26b6","subscriptionFilters":["to-kinesis"],
///   "logEvents":[{"id":"3719","timestamp":1668093027015,"message":"{\"level\":\"ERROR\"}"}]}"#;
/// let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
/// gzip.write_all(logs.as_bytes())?;
/// let data = base64::engine::general_purpose::STANDARD.encode(gzip.finish()?);
/// let event = format!(r#"{{"Records":[{{"kinesis":{{"sequenceNumber":"1","data":"{data}"}}}}]}}"#);
///
/// let records = Kinesis::parse(&event)?;
/// let logs = CloudWatchLogs::from_record(records[0].record().unwrap()).unwrap();
/// assert_eq!(logs.log_group, "/aws/lambda/orders");
/// #[derive(serde::Deserialize)]
/// struct Line { level: String }
/// let line: Line = logs.log_events[0].message_json().unwrap();
/// assert_eq!(line.level, "ERROR");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CloudWatchLogs {
    /// `messageType`: `DATA_MESSAGE`, or `CONTROL_MESSAGE` for the check
    /// CloudWatch Logs sends when the subscription is set up.
    pub message_type: String,
    /// `owner`: the AWS account of the log group.
    pub owner: String,
    /// `logGroup`.
    pub log_group: String,
    /// `logStream`.
    pub log_stream: String,
    /// `subscriptionFilters`: the filters that matched.
    pub subscription_filters: Vec<String>,
    /// `logEvents`, in order.
    pub log_events: Vec<LogEvent>,
}

impl CloudWatchLogs {
    /// Whether this is the reachability check sent when the subscription is set up.
    pub fn is_control_message(&self) -> bool {
        self.message_type == "CONTROL_MESSAGE"
    }
}

/// One log event of [`CloudWatchLogs`].
///
/// ```
/// use lambda_batch::typed::envelope::LogEvent;
///
/// let event: LogEvent = serde_json::from_str(
///     r#"{"id":"3719","timestamp":1668093027015,"message":"{\"level\":\"WARN\"}"}"#,
/// )?;
/// assert_eq!(event.timestamp, 1_668_093_027_015);
/// let line: serde_json::Value = event.message_json().unwrap();
/// assert_eq!(line["level"], "WARN");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct LogEvent {
    /// `id`: the event's unique identifier.
    pub id: String,
    /// `timestamp`, in milliseconds since the Unix epoch.
    pub timestamp: i64,
    /// `message`: the log line.
    pub message: String,
}

impl LogEvent {
    /// The message parsed as JSON into `T` (for structured logs).
    ///
    /// # Errors
    ///
    /// [`DecodeError`] of `logEvents[].message` naming the path inside it.
    pub fn message_json<T: DeserializeOwned>(&self) -> Result<T, DecodeError> {
        json_text(&self.message, "logEvents[].message")
    }
}

/// The data as sent; a private type, so that `CloudWatchLogs` is decoded
/// from compressed data only.
#[derive(Deserialize)]
struct Wire {
    #[serde(rename = "messageType")]
    message_type: String,
    #[serde(default)]
    owner: String,
    #[serde(rename = "logGroup", default)]
    log_group: String,
    #[serde(rename = "logStream", default)]
    log_stream: String,
    #[serde(rename = "subscriptionFilters", default)]
    subscription_filters: Vec<String>,
    #[serde(rename = "logEvents", default)]
    log_events: Vec<LogEvent>,
}

impl FromRecord<KinesisRecord<'_>> for CloudWatchLogs {
    fn from_record(record: &KinesisRecord<'_>) -> Result<Self, DecodeError> {
        let data = record
            .data()
            .map_err(|e| DecodeError::unreadable("kinesis.data", e))?;
        let json = gunzip(data)?;
        let wire: Wire = json_bytes(&json, "kinesis.data")?;
        Ok(CloudWatchLogs {
            message_type: wire.message_type,
            owner: wire.owner,
            log_group: wire.log_group,
            log_stream: wire.log_stream,
            subscription_filters: wire.subscription_filters,
            log_events: wire.log_events,
        })
    }
}

fn gunzip(data: &[u8]) -> Result<Vec<u8>, DecodeError> {
    let mut json = Vec::with_capacity(data.len() * 8);
    MultiGzDecoder::new(data)
        .take(MAX_DECOMPRESSED + 1)
        .read_to_end(&mut json)
        .map_err(|e| DecodeError::new("kinesis.data", "", format!("not gzip data: {e}")))?;
    if json.len() as u64 > MAX_DECOMPRESSED {
        return Err(DecodeError::new(
            "kinesis.data",
            "",
            format!("gzip data decompresses to more than {MAX_DECOMPRESSED} bytes"),
        ));
    }
    Ok(json)
}

#[cfg(test)]
mod tests {
    use super::gunzip;

    #[test]
    fn data_that_is_not_gzip_fails() {
        let err = gunzip(b"{\"plain\":\"json\"}").unwrap_err();
        assert!(err.message().starts_with("not gzip data"), "{err}");
        assert!(gunzip(&[0x1f, 0x8b, 8, 0, 0]).is_err());
    }
}
