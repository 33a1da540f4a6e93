//! What every Kafka record's accessors must agree on.

use lambda_batch::source::KafkaRecord;

/// Key, value and headers read the same way through every accessor, and
/// twice the same.
pub fn check_decoding(r: &KafkaRecord<'_>) {
    for (bytes, text) in [(r.key(), r.key_text()), (r.value(), r.value_text())] {
        match (bytes, text) {
            (Ok(Some(bytes)), Ok(Some(text))) => assert_eq!(bytes, text.as_bytes()),
            (Ok(Some(bytes)), Err(_)) => assert!(std::str::from_utf8(bytes).is_err()),
            (Ok(None), Ok(None)) | (Err(_), Err(_)) => {}
            (bytes, text) => panic!("bytes {bytes:?} but text {text:?}"),
        }
    }
    assert_eq!(r.key(), r.key());
    assert_eq!(r.value(), r.value());
    if let Ok(value) = r.value_json::<serde_json::Value>() {
        let bytes = r.value().expect("the value decoded").unwrap_or(b"null");
        let direct: serde_json::Value = serde_json::from_slice(bytes).expect("the same JSON");
        assert_eq!(value, direct);
    }
    match r.headers() {
        Ok(headers) => {
            for header in headers {
                let first = headers
                    .iter()
                    .find(|h| h.name() == header.name())
                    .map(|h| h.value());
                assert_eq!(
                    r.header(header.name()),
                    Ok(first),
                    "header {}",
                    header.name()
                );
                let _ = header.value_text();
            }
        }
        Err(_) => assert!(r.header("any").is_err()),
    }
}
