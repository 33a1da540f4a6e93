use super::partition::split_key;
use super::*;
use crate::error::RecordError;

fn ids(event: &str) -> Vec<Option<String>> {
    Kafka::parse(event)
        .expect("a valid envelope")
        .iter()
        .map(|p| p.identifier().map(|id| serde_json::to_string(id).unwrap()))
        .collect()
}

#[test]
fn records_follow_document_order_across_partitions() {
    let event = r#"{"records":{
        "b-1":[{"topic":"b","partition":1,"offset":7},{"topic":"b","partition":1,"offset":8}],
        "a-0":[{"topic":"a","partition":0,"offset":3}]}}"#;
    assert_eq!(
        ids(event),
        [
            Some(r#"{"partition":"b-1","offset":7}"#.to_owned()),
            Some(r#"{"partition":"b-1","offset":8}"#.to_owned()),
            Some(r#"{"partition":"a-0","offset":3}"#.to_owned()),
        ]
    );
}

#[test]
fn topic_and_partition_fall_back_to_the_key_split_at_the_last_dash() {
    let event = r#"{"records":{"my-dashed-topic-12":[{"offset":5}]}}"#;
    assert_eq!(
        ids(event),
        [Some(
            r#"{"partition":"my-dashed-topic-12","offset":5}"#.to_owned()
        )]
    );
    let parsed = Kafka::parse(event).unwrap();
    let record = parsed[0].record().unwrap();
    assert_eq!(record.topic(), Some("my-dashed-topic"));
    assert_eq!(record.partition(), Some(12));
}

#[test]
fn the_records_own_fields_win_over_the_key() {
    let event = r#"{"records":{"x-9":[{"topic":"orders","partition":2,"offset":1}]}}"#;
    assert_eq!(
        ids(event),
        [Some(r#"{"partition":"orders-2","offset":1}"#.to_owned())]
    );
}

#[test]
fn keys_that_are_not_topic_partition_give_nothing() {
    for key in ["plain", "t-", "-3", "t-+3", "t-x", "t-99999999999999999999"] {
        assert_eq!(split_key(&Cow::Borrowed(key)), None, "{key}");
    }
    assert_eq!(
        split_key(&Cow::Owned("a-b-3".to_owned())),
        Some((Cow::Owned("a-b".to_owned()), 3))
    );
    let event = r#"{"records":{"plain":[{"offset":5},{"topic":"t","partition":0,"offset":6}]}}"#;
    assert_eq!(
        ids(event),
        [None, Some(r#"{"partition":"t-0","offset":6}"#.to_owned())]
    );
}

#[test]
fn escaped_keys_still_give_topic_and_partition() {
    let event = r#"{"records":{"a\u002db-4":[{"offset":1}]}}"#;
    let parsed = Kafka::parse(event).unwrap();
    assert_eq!(parsed[0].record().unwrap().topic(), Some("a-b"));
    assert_eq!(parsed[0].identifier().unwrap().to_string(), "a-b-4@1");
}

#[test]
fn a_record_without_usable_offset_has_no_identifier_but_is_processed() {
    let event = r#"{"records":{"t-0":[{"value":"aGk="},{"offset":1.5},{"offset":"3"}]}}"#;
    let parsed = Kafka::parse(event).unwrap();
    assert!(parsed.iter().all(|p| p.identifier().is_none()));
    assert_eq!(parsed[0].record().unwrap().offset(), None);
    assert_eq!(
        parsed[1].record().unwrap_err().to_string(),
        "field `offset` is invalid: `1.5` is not a whole number"
    );
    assert_eq!(
        parsed[2].record().unwrap_err().to_string(),
        "field `offset` is a string, expected a number"
    );
}

#[test]
fn malformed_identifier_fields_fail_the_record_and_keep_its_identifier() {
    let cases = [
        (
            r#""partition":"0""#,
            "field `partition` is a string, expected a number",
        ),
        (
            r#""topic":5"#,
            "field `topic` is a number, expected a string",
        ),
        (
            r#""timestampType":1"#,
            "field `timestampType` is a number, expected a string",
        ),
    ];
    for (field, message) in cases {
        let event = format!(r#"{{"records":{{"t-3":[{{"offset":9,{field}}}]}}}}"#);
        let parsed = Kafka::parse(&event).unwrap();
        let error = parsed[0].record().unwrap_err().to_string();
        assert_eq!(error, message, "{field}");
        assert_eq!(
            parsed[0].identifier().map(ToString::to_string).as_deref(),
            Some("t-3@9"),
            "{field}"
        );
    }
}

/// A field that needs decoding and does not decode: the record reads, and
/// only the accessor of that field fails, naming it.
#[test]
fn malformed_decoded_fields_fail_only_their_accessor() {
    type Read = fn(&KafkaRecord<'_>) -> Result<(), RecordError>;
    let key: Read = |r| r.key().map(drop);
    let value: Read = |r| r.value().map(drop);
    let headers: Read = |r| r.headers().map(drop);
    let timestamp: Read = |r| r.timestamp().map(drop);
    let cases: [(&str, Read, &str); 12] = [
        (
            r#""value":"%%%""#,
            value,
            "field `value` is invalid: not valid base64",
        ),
        (
            r#""key":"@""#,
            key,
            "field `key` is invalid: not valid base64",
        ),
        (
            r#""key":7"#,
            key,
            "field `key` is a number, expected a string",
        ),
        (
            r#""value":[1]"#,
            value,
            "field `value` is an array, expected a string",
        ),
        (
            r#""timestamp":"x""#,
            timestamp,
            "field `timestamp` is invalid: `x` is not a whole number",
        ),
        (
            r#""timestamp":true"#,
            timestamp,
            "field `timestamp` is invalid: a boolean is not a number",
        ),
        (
            r#""timestamp":1.5"#,
            timestamp,
            "field `timestamp` is invalid: `1.5` is not a whole number",
        ),
        (
            r#""headers":{}"#,
            headers,
            "field `headers` is an object, expected a list",
        ),
        (
            r#""headers":[3]"#,
            headers,
            "field `headers[0]` is invalid: it is a number",
        ),
        (
            r#""headers":[{},{"h":"abc"}]"#,
            headers,
            "field `headers[1].h` is invalid: it is a string",
        ),
        (
            r#""headers":[{"h":null}]"#,
            headers,
            "field `headers[0].h` is invalid: it is null",
        ),
        (
            r#""headers":[{"h":[1,300]}]"#,
            headers,
            "field `headers[0].h` is invalid: element 1 is 300, expected a byte",
        ),
    ];
    for (field, read, message) in cases {
        let event = format!(r#"{{"records":{{"t-3":[{{"offset":9,{field}}}]}}}}"#);
        let parsed = Kafka::parse(&event).unwrap();
        let record = parsed[0]
            .record()
            .expect("a field nobody read fails nothing");
        assert_eq!(record.offset(), Some(9));
        let error = read(record).unwrap_err().to_string();
        assert!(error.starts_with(message), "{field}: {error}");
        // Read again: the same error, not a different one or a success.
        assert_eq!(read(record).unwrap_err().to_string(), error, "{field}");
    }
}

#[test]
fn one_bad_field_leaves_the_others_readable() {
    let event = r#"{"records":{"t-0":[{"offset":1,"key":"*","value":"aGk=","timestamp":"soon",
        "headers":[{"h":[104]},{"bad":{}}]}]}}"#;
    let parsed = Kafka::parse(event).unwrap();
    let record = parsed[0].record().unwrap();
    assert!(record.key().is_err() && record.key_text().is_err());
    assert_eq!(record.value_text(), Ok(Some("hi")));
    assert!(record.timestamp().is_err());
    // A header lookup fails when any header is unreadable: the one looked
    // for could be the unreadable one.
    assert!(record.header("h").is_err());
    assert_eq!(
        record.headers().unwrap_err().to_string(),
        "field `headers[1].bad` is invalid: it is an object, expected an array of bytes"
    );
}

#[test]
fn text_and_json_accessors_name_the_field() {
    // "/w==" is the byte 0xff, never UTF-8; "eyJpZCI6" is `{"id":`.
    let event = r#"{"records":{"t-0":[{"offset":1,"key":"/w==","value":"/w=="},
        {"offset":2,"value":"eyJpZCI6"}]}}"#;
    let parsed = Kafka::parse(event).unwrap();
    let record = parsed[0].record().unwrap();
    assert_eq!(record.key(), Ok(Some(&[0xff][..])));
    let err = record.key_text().unwrap_err().to_string();
    assert!(
        err.starts_with("field `key` is invalid: the decoded bytes are not UTF-8"),
        "{err}"
    );
    let err = record.value_text().unwrap_err().to_string();
    assert!(err.starts_with("field `value` is invalid"), "{err}");
    let err = record.value_json::<serde_json::Value>().unwrap_err();
    assert!(
        err.to_string().starts_with("field `value` is invalid"),
        "{err}"
    );
    let truncated = parsed[1].record().unwrap();
    let err = truncated.value_json::<serde_json::Value>().unwrap_err();
    assert_eq!(
        err.to_string(),
        "field `value` is invalid: EOF while parsing a value at line 1 column 6"
    );
    let err = parsed[0].record().unwrap().value_json::<u8>().unwrap_err();
    assert!(matches!(err, RecordError::InvalidValue { ref field, .. } if field == "value"));
}

#[test]
fn decoded_values_are_kept_and_lent() {
    let event = r#"{"records":{"t-0":[{"offset":1,"key":"a2V5","value":"eyJpZCI6MX0=","headers":[{"h":[1]}]}]}}"#;
    let parsed = Kafka::parse(event).unwrap();
    let record = parsed[0].record().unwrap();
    let value = record.value().unwrap().unwrap();
    assert_eq!(record.value().unwrap().unwrap().as_ptr(), value.as_ptr());
    assert_eq!(
        record.value_text().unwrap().unwrap().as_ptr(),
        value.as_ptr()
    );
    let key = record.key().unwrap().unwrap();
    assert_eq!(record.key_text().unwrap().unwrap().as_ptr(), key.as_ptr());
    let headers = record.headers().unwrap();
    assert_eq!(
        record.header("h").unwrap().unwrap().as_ptr(),
        headers[0].value().as_ptr()
    );
    #[derive(serde::Deserialize)]
    struct Id {
        id: u8,
    }
    assert_eq!(record.value_json::<Id>().unwrap().id, 1);
}

#[test]
fn a_record_that_is_not_an_object_fails_without_identifier() {
    let event = r#"{"records":{"t-0":[42,null,{"offset":1}]}}"#;
    let parsed = Kafka::parse(event).unwrap();
    assert_eq!(
        parsed[0].record().unwrap_err(),
        &RecordError::NotAnObject { found: "a number" }
    );
    assert!(parsed[1].record().is_err());
    assert!(parsed[0].identifier().is_none() && parsed[1].identifier().is_none());
    assert!(parsed[2].record().is_ok());
}

#[test]
fn null_fields_are_absent() {
    let event = r#"{"records":{"t-0":[{"offset":1,"key":null,"value":null,"headers":null,
        "timestamp":null,"timestampType":null,"topic":null,"partition":null}]}}"#;
    let parsed = Kafka::parse(event).unwrap();
    let record = parsed[0].record().unwrap();
    assert_eq!((record.key(), record.value()), (Ok(None), Ok(None)));
    assert_eq!(
        (record.key_text(), record.value_text()),
        (Ok(None), Ok(None))
    );
    assert_eq!(record.headers(), Ok(&[][..]));
    assert_eq!(record.header("h"), Ok(None));
    assert_eq!((record.topic(), record.partition()), (Some("t"), Some(0)));
    assert_eq!(record.timestamp(), Ok(None));
    assert_eq!(record.value_json::<Option<u8>>(), Ok(None));
}

#[test]
fn accessors_decode_everything() {
    let event = r#"{"eventSource":"SelfManagedKafka","bootstrapServers":"h1:9092,h2:9092",
        "records":{"t-0":[{"topic":"t","partition":0,"offset":15,"timestamp":1545084650987,
        "timestampType":"LOG_APPEND_TIME","key":"a2V5","value":"eyJpZCI6MX0=",
        "headers":[{"headerKey":[104,101,97,100,101,114,86,97,108,117,101]},{"bin":[-1,-128,0]}]}]}}"#;
    let parsed = Kafka::parse(event).unwrap();
    let record = parsed[0].record().unwrap();
    assert_eq!(record.offset(), Some(15));
    assert_eq!(record.timestamp(), Ok(Some(1_545_084_650_987)));
    assert_eq!(record.timestamp_type(), Some("LOG_APPEND_TIME"));
    assert_eq!(record.key(), Ok(Some(&b"key"[..])));
    assert_eq!(record.key_text(), Ok(Some("key")));
    assert_eq!(record.value(), Ok(Some(&br#"{"id":1}"#[..])));
    let value: serde_json::Value = record.value_json().unwrap();
    assert_eq!(value["id"], 1);
    assert_eq!(record.header("headerKey"), Ok(Some(&b"headerValue"[..])));
    assert_eq!(record.header("bin"), Ok(Some(&[0xff, 0x80, 0][..])));
    assert_eq!(record.header("nope"), Ok(None));
    assert!(record.headers().unwrap()[1].value_text().is_err());
    assert_eq!(record.event_source(), Some("SelfManagedKafka"));
    assert_eq!(record.event_source_arn(), None);
    assert_eq!(record.bootstrap_servers(), Some("h1:9092,h2:9092"));
    assert!(record.is_self_managed());
}

#[test]
fn envelope_fields_are_shared_borrowed() {
    let event = r#"{"eventSource":"aws:kafka","eventSourceArn":"arn:aws:kafka:us-east-1:1:cluster/c/u",
        "records":{"t-0":[{"offset":1},{"offset":2}]}}"#;
    let parsed = Kafka::parse(event).unwrap();
    for p in &parsed {
        let record = p.record().unwrap();
        let text = event.as_bytes().as_ptr_range();
        for field in [record.event_source(), record.event_source_arn()] {
            let field = field.unwrap();
            assert!(
                text.contains(&field.as_ptr()),
                "{field} is borrowed from the event"
            );
        }
        assert!(!record.is_self_managed());
    }
}

#[test]
fn self_managed_clusters_are_told_by_either_spelling() {
    let cases = [
        (Some("SelfManagedKafka"), true),
        (Some("aws:SelfManagedKafka"), true),
        (Some("aws:kafka"), false),
        (Some("selfmanagedkafka"), false),
        (None, false),
    ];
    for (source, expected) in cases {
        let source = source.map_or(String::new(), |s| format!(r#""eventSource":"{s}","#));
        let event = format!(r#"{{{source}"records":{{"t-0":[{{"offset":1}}]}}}}"#);
        let parsed = Kafka::parse(&event).unwrap();
        assert_eq!(
            parsed[0].record().unwrap().is_self_managed(),
            expected,
            "{event}"
        );
    }
}

#[test]
fn into_owned_keeps_every_field() {
    let event = String::from(
        r#"{"eventSource":"aws:kafka","records":{"t-0":[{"offset":1,"key":"aw==","headers":[{"h":[1]}]}]}}"#,
    );
    let parsed = Kafka::parse(&event).unwrap();
    let record = parsed[0].record().unwrap().clone();
    let owned: KafkaRecord<'static> = record.clone().into_owned();
    drop(parsed);
    assert_eq!(owned, record);
    assert_eq!(owned.key(), Ok(Some(&b"k"[..])));
    assert_eq!(owned.headers().unwrap()[0].clone().into_owned().name(), "h");
}

/// Records of a longer-lived event stand in for shorter-lived ones, as
/// before the record kept decoded fields.
#[test]
fn records_are_covariant_in_their_lifetime() {
    fn shorten<'s, 'l: 's>(record: KafkaRecord<'l>) -> KafkaRecord<'s> {
        record
    }
    fn shorten_header<'s, 'l: 's>(header: &'s KafkaHeader<'l>) -> &'s KafkaHeader<'s> {
        header
    }
    let parsed =
        Kafka::parse(r#"{"records":{"t-0":[{"offset":1,"headers":[{"h":[1]}]}]}}"#).unwrap();
    let record = shorten(parsed[0].record().unwrap().clone());
    assert_eq!(shorten_header(&record.headers().unwrap()[0]).name(), "h");
}

#[test]
fn into_owned_keeps_what_was_decoded_and_what_was_not() {
    let event = String::from(
        r#"{"records":{"t-0":[{"offset":1,"key":"*","value":"aGk=","timestamp":"12","headers":[{"h":[1]},{"g":[2]}]}]}}"#,
    );
    let parsed = Kafka::parse(&event).unwrap();
    let record = parsed[0].record().unwrap().clone();
    assert!(record.key().is_err());
    assert_eq!(record.header("g"), Ok(Some(&[2][..])));
    let owned = record.into_owned();
    drop(parsed);
    drop(event);
    // Decoded before: the result is kept. Not yet decoded: decoded now.
    assert!(owned.key().unwrap_err().to_string().contains("base64"));
    assert_eq!(owned.header("h"), Ok(Some(&[1][..])));
    assert_eq!(owned.value_text(), Ok(Some("hi")));
    assert_eq!(owned.timestamp(), Ok(Some(12)));
}

#[test]
fn envelope_errors_name_the_path() {
    let missing = Kafka::parse(r#"{"eventSource":"aws:kafka"}"#).unwrap_err();
    assert!(matches!(missing, InvalidEvent::Missing { ref path, .. } if path == "records"));
    for (event, found) in [
        (r#"{"records":null}"#, "null"),
        (r#"{"records":[]}"#, "an array"),
        (r#"{"records":"x"}"#, "a string"),
    ] {
        let err = Kafka::parse(event).unwrap_err();
        assert!(
            matches!(err, InvalidEvent::Shape { ref path, found: f, .. } if path == "records" && f == found),
            "{event}: {err:?}"
        );
    }
    let err = Kafka::parse(r#"{"records":{"ok-0":[],"bad-1":{"offset":1}}}"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"`records."bad-1"` is an object, expected a list of records"#
    );
    let err = Kafka::parse(r#"{"records":{"t-0":null}}"#).unwrap_err();
    assert!(
        matches!(err, InvalidEvent::Shape { ref path, found: "null", .. } if path == r#"records."t-0""#)
    );
    // A list is a pipe's batch, which a pipe from Kafka never answers by record.
    assert_eq!(
        Kafka::parse("[]").unwrap_err(),
        InvalidEvent::PipeWithoutPartialFailures {
            source_name: "Kafka"
        }
    );
    assert!(matches!(
        Kafka::parse("null"),
        Err(InvalidEvent::Shape { .. })
    ));
    assert!(matches!(
        Kafka::parse(r#"{"records":"#),
        Err(InvalidEvent::Json { .. })
    ));
    assert!(matches!(
        Kafka::parse(r#"{"records":{}} x"#),
        Err(InvalidEvent::Json { .. })
    ));
    let err = Kafka::parse(r#"{"eventSource":1,"records":{}}"#).unwrap_err();
    assert!(matches!(err, InvalidEvent::Shape { ref path, .. } if path == "eventSource"));
}

#[test]
fn empty_records_and_unknown_fields_are_fine() {
    assert_eq!(Kafka::parse_check(r#"{"records":{}}"#), Ok(0));
    let event = r#"{"extra":{"deep":[1,2]},"records":{"t-0":[{"offset":1,"leaderEpoch":3,
        "valueSchemaMetadata":{"dataFormat":"JSON"}}]}}"#;
    let parsed = Kafka::parse(event).unwrap();
    assert!(parsed[0].record().is_ok());
    assert_eq!(Kafka::parse_check(event), Ok(1));
}

#[test]
fn timestamps_may_be_decimal_text() {
    // `aws_lambda_events` serialises `timestamp` as a string.
    let event = r#"{"records":{"t-0":[{"offset":1,"timestamp":"1595035749700"}]}}"#;
    let parsed = Kafka::parse(event).unwrap();
    assert_eq!(
        parsed[0].record().unwrap().timestamp(),
        Ok(Some(1_595_035_749_700))
    );
}
