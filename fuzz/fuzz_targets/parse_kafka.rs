//! Kafka events: reading never panics, identifiers are usable (a topic, a
//! partition from 0, the record's own offset), and key, value and headers
//! decode the same way through every accessor.
#![no_main]

use libfuzzer_sys::fuzz_target;

use lambda_batch::source::{EventSource, Kafka};
use lambda_batch::ItemIdentifier;
use lambda_batch_fuzz::assert_usable;

fuzz_target!(|data: &[u8]| {
    let Ok(event) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(parsed) = Kafka::parse(event) else {
        assert!(Kafka::parse_check(event).is_err());
        return;
    };
    assert_eq!(Kafka::parse_check(event), Ok(parsed.len()));
    for record in &parsed {
        if let Some(id) = record.identifier() {
            assert_usable(id, "kafka");
            let text = serde_json::to_string(id).expect("an identifier serialises");
            let back: ItemIdentifier<'static> =
                serde_json::from_str(&text).expect("an identifier reads back");
            assert_eq!(&back, id, "{text} reads back as written");
        }
        let Ok(r) = record.record() else {
            continue;
        };
        match record.identifier() {
            Some(ItemIdentifier::Kafka {
                topic,
                partition,
                offset,
            }) => {
                assert_eq!(r.topic(), Some(topic.as_ref()));
                assert_eq!(r.partition(), Some(*partition));
                assert_eq!(r.offset(), Some(*offset));
            }
            Some(other) => panic!("a Kafka record named {other:?}"),
            None => assert!(r.offset().is_none() || r.topic().is_none() || r.partition().is_none()),
        }
        lambda_batch_fuzz::kafka::check_decoding(r);
        let _ = (
            r.timestamp(),
            r.timestamp_type(),
            r.event_source(),
            r.event_source_arn(),
        );
        let _ = (r.bootstrap_servers(), r.is_self_managed());
        let _ = Kafka::ordering_key(r);
        let _ = r.clone().into_owned();
    }
});
