//! Kinesis events: reading never panics, identifiers are never empty, and
//! data decodes the same way through every accessor.
#![no_main]

use libfuzzer_sys::fuzz_target;

use lambda_batch::source::{EventSource, Kinesis};
use lambda_batch::ItemIdentifier;
use lambda_batch_fuzz::assert_usable;

fuzz_target!(|data: &[u8]| {
    let Ok(event) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(parsed) = Kinesis::parse(event) else {
        assert!(Kinesis::parse_check(event).is_err());
        return;
    };
    assert_eq!(Kinesis::parse_check(event), Ok(parsed.len()));
    for record in &parsed {
        if let Some(id) = record.identifier() {
            assert_usable(id, "kinesis");
        }
        let Ok(r) = record.record() else {
            continue;
        };
        // A pipe names its records by `eventID`, a mapping by sequence number.
        let named_by = if r.is_from_pipe() {
            r.event_id()
        } else {
            r.sequence_number()
        };
        match record.identifier() {
            Some(ItemIdentifier::Text(id)) => assert_eq!(named_by, Some(id.as_ref())),
            Some(other) => panic!("a Kinesis record named {other:?}"),
            None => assert!(named_by.is_none_or(str::is_empty)),
        }
        let bytes = r.data();
        let text = r.data_text();
        match (&bytes, &text) {
            (Ok(bytes), Ok(text)) => assert_eq!(*bytes, text.as_bytes()),
            (Ok(bytes), Err(_)) => assert!(std::str::from_utf8(bytes).is_err()),
            (Err(_), Ok(_)) => panic!("data_text decoded what data did not"),
            (Err(_), Err(_)) => {}
        }
        if let Ok(value) = r.data_json::<serde_json::Value>() {
            let direct: serde_json::Value =
                serde_json::from_slice(bytes.expect("data decoded")).expect("the same JSON");
            assert_eq!(value, direct);
        }
        let _ = r.approximate_arrival_timestamp();
        let _ = (
            r.partition_key(),
            r.encryption_type(),
            r.schema_version(),
            r.event_id(),
        );
        let _ = (
            r.shard_id(),
            r.event_name(),
            r.event_source(),
            r.event_version(),
        );
        let _ = (
            r.invoke_identity_arn(),
            r.aws_region(),
            r.event_source_arn(),
        );
        let _ = Kinesis::ordering_key(r);
        let _ = r.clone().into_owned();
    }
});
