//! Kafka key, value and headers: any bytes, written as Lambda writes them
//! (base64 key and value, headers as lists of byte values), read back as
//! they were, through every accessor.
#![no_main]

use base64::Engine as _;
use libfuzzer_sys::fuzz_target;

use lambda_batch::source::{EventSource, Kafka};

/// Splits the input into key, value and headers: each part is a length
/// byte and that many bytes; a header is a name part and a value part.
fn parts(data: &[u8]) -> Vec<&[u8]> {
    let mut parts = Vec::new();
    let mut rest = data;
    while let Some((&len, tail)) = rest.split_first() {
        let len = usize::from(len).min(tail.len());
        let (part, tail) = tail.split_at(len);
        parts.push(part);
        rest = tail;
    }
    parts
}

fuzz_target!(|data: &[u8]| {
    let parts = parts(data);
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    let key = parts.first().copied();
    let value = parts.get(1).copied();
    let headers: Vec<(String, &[u8])> = parts
        .get(2..)
        .unwrap_or_default()
        .chunks(2)
        .map(|pair| {
            (
                String::from_utf8_lossy(pair[0]).into_owned(),
                pair.get(1).copied().unwrap_or_default(),
            )
        })
        .collect();
    let mut record = serde_json::json!({"topic": "t", "partition": 0, "offset": 1});
    if let Some(key) = key {
        record["key"] = b64(key).into();
    }
    if let Some(value) = value {
        record["value"] = b64(value).into();
    }
    record["headers"] = headers
        .iter()
        .map(|(name, value)| serde_json::json!({ name.as_str(): value }))
        .collect();
    let event =
        serde_json::json!({"eventSource": "aws:kafka", "records": {"t-0": [record]}}).to_string();

    let parsed = Kafka::parse(&event).expect("a well-formed event");
    let r = parsed[0].record().expect("a well-formed record");
    assert_eq!(r.key(), Ok(key));
    assert_eq!(r.value(), Ok(value));
    assert_eq!(
        r.key_text().ok().flatten().map(str::as_bytes),
        key.filter(|k| std::str::from_utf8(k).is_ok())
    );
    assert_eq!(
        r.value_text().ok().flatten().map(str::as_bytes),
        value.filter(|v| std::str::from_utf8(v).is_ok())
    );
    let read = r.headers().expect("headers decode");
    assert_eq!(read.len(), headers.len());
    for (header, (name, value)) in read.iter().zip(&headers) {
        assert_eq!(header.name(), name);
        assert_eq!(header.value(), *value);
    }
    lambda_batch_fuzz::kafka::check_decoding(r);
    if let Some(value) = value {
        let direct = serde_json::from_slice::<serde_json::Value>(value).ok();
        assert_eq!(r.value_json::<serde_json::Value>().ok(), direct);
    }
});
