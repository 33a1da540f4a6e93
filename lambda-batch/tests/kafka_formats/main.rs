//! Kafka payloads in each format and framing: Powertools' sample events
//! decoded to the values its tests expect, each framing of keys and values,
//! and payloads that do not decode failing only their record.

use base64::Engine as _;
use lambda_batch::BatchReport;

#[cfg(feature = "avro")]
mod avro;
mod json;
mod properties;
#[cfg(feature = "protobuf")]
mod protobuf;

/// A Powertools Kafka sample event.
#[cfg_attr(not(any(feature = "avro", feature = "protobuf")), allow(dead_code))]
fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/powertools-kafka/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A record of partition `orders-0` at `offset`.
#[derive(Default, Clone)]
struct Rec {
    key: Option<Vec<u8>>,
    value: Option<Vec<u8>>,
    /// Extra JSON fields, such as `,"valueSchemaMetadata":{...}`.
    extra: String,
}

fn value(bytes: impl Into<Vec<u8>>) -> Rec {
    Rec {
        value: Some(bytes.into()),
        ..Rec::default()
    }
}

fn keyed(key: impl Into<Vec<u8>>, value: impl Into<Vec<u8>>) -> Rec {
    Rec {
        key: Some(key.into()),
        value: Some(value.into()),
        ..Rec::default()
    }
}

impl Rec {
    fn with(mut self, extra: &str) -> Rec {
        self.extra.push_str(extra);
        self
    }
}

fn event(records: &[Rec]) -> String {
    let list: Vec<String> = records
        .iter()
        .enumerate()
        .map(|(offset, r)| {
            let mut fields = format!(r#"{{"topic":"orders","partition":0,"offset":{offset}"#);
            if let Some(key) = &r.key {
                fields.push_str(&format!(r#","key":"{}""#, b64(key)));
            }
            if let Some(value) = &r.value {
                fields.push_str(&format!(r#","value":"{}""#, b64(value)));
            }
            fields.push_str(&r.extra);
            fields.push('}');
            fields
        })
        .collect();
    format!(
        r#"{{"eventSource":"aws:kafka","records":{{"orders-0":[{}]}}}}"#,
        list.join(",")
    )
}

/// Runs `$handler` over `$event`: each record's error, in event order
/// (`None`: it succeeded), after checking that the response reports exactly
/// the failed ones.
macro_rules! errors {
    ($handler:expr, $event:expr) => {{
        let processor = lambda_batch::BatchProcessor::kafka($handler).raise_on_full_failure(false);
        let event: String = $event;
        let context = lambda_batch::Context::default();
        let report = processor
            .run(&event, &context)
            .await
            .expect("a Kafka event");
        crate::summarize(report)
    }};
}
use errors;

fn summarize<T, E: std::fmt::Display>(report: BatchReport<'_, T, E>) -> Vec<Option<String>> {
    let errors: Vec<Option<String>> = report
        .records()
        .iter()
        .map(|r| r.outcome().error_text())
        .collect();
    let reported: Vec<serde_json::Value> = report
        .records()
        .iter()
        .filter(|r| !r.outcome().is_success())
        .map(|r| serde_json::to_value(r.identifier().expect("an identifier")).unwrap())
        .collect();
    let response = serde_json::to_value(report.into_response().unwrap()).unwrap();
    let in_response: Vec<serde_json::Value> = response["batchItemFailures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["itemIdentifier"].clone())
        .collect();
    assert_eq!(in_response, reported);
    errors
}

/// Asserts that only record `failed` failed, and that its error starts with `start`.
#[track_caller]
fn only_failed(errors: &[Option<String>], failed: usize, start: &str) {
    for (i, error) in errors.iter().enumerate() {
        if i == failed {
            let error = error
                .as_deref()
                .unwrap_or_else(|| panic!("record {i} succeeded"));
            assert!(error.starts_with(start), "record {i}: {error}");
        } else {
            assert_eq!(error, &None, "record {i}");
        }
    }
}
