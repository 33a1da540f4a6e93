//! SQS events: reading never panics, identifiers are never empty, and every
//! accessor answers (a value or an error naming the field) for every record.
#![no_main]

use libfuzzer_sys::fuzz_target;

use lambda_batch::source::{EventSource, Sqs};
use lambda_batch::ItemIdentifier;
use lambda_batch_fuzz::assert_usable;

fuzz_target!(|data: &[u8]| {
    let Ok(event) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(parsed) = Sqs::parse(event) else {
        assert!(Sqs::parse_check(event).is_err());
        return;
    };
    assert_eq!(Sqs::parse_check(event), Ok(parsed.len()));
    for record in &parsed {
        if let Some(id) = record.identifier() {
            assert_usable(id, "sqs");
        }
        let Ok(r) = record.record() else {
            continue;
        };
        match record.identifier() {
            Some(ItemIdentifier::Text(id)) => assert_eq!(r.message_id(), Some(id.as_ref())),
            Some(other) => panic!("an SQS record named {other:?}"),
            None => assert!(r.message_id().is_none_or(str::is_empty)),
        }
        let _ = (
            r.body(),
            r.receipt_handle(),
            r.md5_of_body(),
            r.md5_of_message_attributes(),
        );
        let _ = (
            r.event_source(),
            r.event_source_arn(),
            r.aws_region(),
            r.is_fifo_queue(),
        );
        let _ = r.queue_url();
        let _ = Sqs::ordering_key(r);
        if let Ok(attributes) = r.attributes() {
            let _ = attributes.approximate_receive_count();
            let _ = attributes.sent_timestamp();
            let _ = attributes.approximate_first_receive_timestamp();
            let _ = (attributes.sender_id(), attributes.message_group_id());
            let _ = (
                attributes.message_deduplication_id(),
                attributes.sequence_number(),
            );
            let _ = (
                attributes.aws_trace_header(),
                attributes.dead_letter_queue_source_arn(),
            );
        }
        if let Ok(attributes) = r.message_attributes() {
            for attribute in &attributes {
                let _ = (
                    attribute.name(),
                    attribute.data_type(),
                    attribute.string_value(),
                );
                let _ = attribute.binary_value();
                let _ = attribute.string_list_values();
                let _ = attribute.binary_list_values();
                let named = r.message_attribute(attribute.name());
                assert!(
                    named.is_ok(),
                    "attribute {} read once, not twice",
                    attribute.name()
                );
            }
        }
        let _ = r.clone().into_owned();
    }
});
