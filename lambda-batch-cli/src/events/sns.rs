//! `events sqs --sns`: SQS bodies as the notifications an SNS topic delivers
//! to a queue subscribed with raw message delivery off (the default).
//!
//! SNS writes a notification as indented JSON with ` : ` between names and
//! values, its fields in a fixed order: `Type`, `MessageId`, then for a
//! FIFO topic `SequenceNumber`, `TopicArn`, `Message` (the published text),
//! `Timestamp`, then for a standard topic the signature (`SignatureVersion`,
//! `Signature`, `SigningCertURL`), and `UnsubscribeURL`. No `Subject` and no
//! `MessageAttributes`: the sample publisher gives neither.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;

use super::rng::SplitMix64;
use super::REGION;
use crate::demo::FAIL_WORD;

/// The topic of standard queues, and of FIFO queues (with `.fifo`).
const TOPIC_ARN: &str = "arn:aws:sns:us-east-2:123456789012:my-topic";

/// The notification SNS delivers for `message`, published at `published_ms`
/// (milliseconds since the Unix epoch) to the FIFO topic when `fifo`, as
/// `sequence` of its message group.
pub(super) fn notification(
    rng: &mut SplitMix64,
    message: &str,
    published_ms: u64,
    fifo: bool,
    sequence: u128,
) -> String {
    let topic = if fifo {
        format!("{TOPIC_ARN}.fifo")
    } else {
        TOPIC_ARN.to_owned()
    };
    let mut fields: Vec<(&str, String)> = vec![
        ("Type", "Notification".to_owned()),
        ("MessageId", rng.uuid()),
    ];
    if fifo {
        fields.push(("SequenceNumber", sequence.to_string()));
    }
    fields.push(("TopicArn", topic.clone()));
    fields.push(("Message", message.to_owned()));
    fields.push(("Timestamp", rfc3339_millis(published_ms)));
    if !fifo {
        fields.push(("SignatureVersion", "1".to_owned()));
        fields.push(("Signature", signature(rng)));
        fields.push((
            "SigningCertURL",
            format!(
                "https://sns.{REGION}.amazonaws.com/SimpleNotificationService-{}.pem",
                rng.hex(32)
            ),
        ));
    }
    fields.push((
        "UnsubscribeURL",
        format!(
            "https://sns.{REGION}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn={topic}:{}",
            rng.uuid()
        ),
    ));
    let mut text = String::from("{\n");
    for (n, (name, value)) in fields.iter().enumerate() {
        if n > 0 {
            text.push_str(",\n");
        }
        // A string always serialises.
        let value = serde_json::to_string(value).unwrap_or_default();
        text.push_str(&format!("  \"{name}\" : {value}"));
    }
    text.push_str("\n}");
    text
}

/// A signature's text: 256 bytes in base64. Only failing payloads may
/// contain the fail word, so a signature that spells it is drawn again.
fn signature(rng: &mut SplitMix64) -> String {
    loop {
        let signature = BASE64.encode(rng.bytes(256));
        if !signature.contains(FAIL_WORD) {
            return signature;
        }
    }
}

/// `2018-12-17T21:37:29.183Z`: `ms` milliseconds since the Unix epoch, in
/// UTC, as SNS writes its `Timestamp`.
fn rfc3339_millis(ms: u64) -> String {
    let (days, ms_of_day) = (ms / 86_400_000, ms % 86_400_000);
    let (year, month, day) = civil_date(days);
    let seconds = ms_of_day / 1000;
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60,
        ms_of_day % 1000
    )
}

/// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's
/// `civil_from_days`, for days on or after the epoch).
fn civil_date(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let day_of_era = z % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_in_utc() {
        assert_eq!(rfc3339_millis(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            rfc3339_millis(1_545_082_649_183),
            "2018-12-17T21:37:29.183Z"
        );
        assert_eq!(rfc3339_millis(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(
            rfc3339_millis(1_709_251_199_999),
            "2024-02-29T23:59:59.999Z"
        );
    }

    #[test]
    fn notifications_are_laid_out_as_sns_writes_them() {
        let text = notification(&mut SplitMix64(1), r#"{"id":0}"#, 0, false, 0);
        assert!(
            text.starts_with("{\n  \"Type\" : \"Notification\",\n  \"MessageId\" : \""),
            "{text}"
        );
        assert!(text.ends_with("\"\n}"), "{text}");
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        let names: Vec<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(names.len(), 9, "{names:?}");
        assert_eq!(value["Message"], r#"{"id":0}"#);
        assert_eq!(value["TopicArn"], TOPIC_ARN);
        assert_eq!(value["Signature"].as_str().unwrap().len(), 344);
        let fifo: serde_json::Value =
            serde_json::from_str(&notification(&mut SplitMix64(1), "m", 0, true, 7)).unwrap();
        assert_eq!(fifo["SequenceNumber"], "7");
        assert!(fifo["TopicArn"]
            .as_str()
            .unwrap()
            .ends_with(":my-topic.fifo"));
        assert!(fifo.get("Signature").is_none());
    }
}
