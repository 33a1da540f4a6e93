//! The record's accessors of single system attributes, and the ordering key
//! that reads one of them.

use std::borrow::Cow;

use super::*;

/// The records of `event`, each of which must read.
fn records(event: &str) -> Vec<SqsRecord<'_>> {
    Sqs::parse(event)
        .expect("the event reads")
        .into_iter()
        .map(|parsed| parsed.record().expect("the record reads").clone())
        .collect()
}

#[test]
fn single_attribute_accessors_check_only_what_they_read() {
    let event = r#"{"Records":[{"messageId":"m","body":"","attributes":{
        "MessageGroupId":"customer-42","MessageDeduplicationId":"d-1",
        "ApproximateReceiveCount":"2","SenderId":7,"AWSTraceHeader":["x"]}}]}"#;
    let records = records(event);
    let record = &records[0];
    // Reading every attribute fails on the first malformed text one...
    assert_eq!(
        record.attributes().unwrap_err().to_string(),
        "field `attributes.SenderId` is a number, expected a string"
    );
    // ...while the accessors of one attribute read theirs.
    assert_eq!(
        record.message_group_id(),
        Ok(Some(Cow::Borrowed("customer-42")))
    );
    assert_eq!(
        record.message_deduplication_id(),
        Ok(Some(Cow::Borrowed("d-1")))
    );
    assert_eq!(record.approximate_receive_count(), Ok(Some(2)));
}

#[test]
fn single_attribute_accessors_fail_on_their_own_attribute() {
    let event = r#"{"Records":[{"messageId":"m","body":"","attributes":{
        "MessageGroupId":{},"MessageDeduplicationId":true,"ApproximateReceiveCount":"-1"}}]}"#;
    let records = records(event);
    let record = &records[0];
    let message = |result: Result<(), RecordError>| result.unwrap_err().to_string();
    assert_eq!(
        message(record.message_group_id().map(drop)),
        "field `attributes.MessageGroupId` is an object, expected a string"
    );
    assert_eq!(
        message(record.message_deduplication_id().map(drop)),
        "field `attributes.MessageDeduplicationId` is a boolean, expected a string"
    );
    assert!(
        message(record.approximate_receive_count().map(drop))
            .starts_with("field `attributes.ApproximateReceiveCount` is invalid: `-1`"),
        "{:?}",
        record.approximate_receive_count()
    );
}

#[test]
fn attributes_that_are_not_an_object_fail_each_accessor_naming_them() {
    let event = r#"{"Records":[{"messageId":"m","body":"","attributes":[1]}]}"#;
    let records = records(event);
    let record = &records[0];
    let expected = "field `attributes` is an array, expected an object";
    assert_eq!(record.message_group_id().unwrap_err().to_string(), expected);
    assert_eq!(
        record.message_deduplication_id().unwrap_err().to_string(),
        expected
    );
    assert_eq!(
        record.approximate_receive_count().unwrap_err().to_string(),
        expected
    );
}

#[test]
fn absent_and_null_attributes_read_as_none() {
    let event = r#"{"Records":[{"messageId":"m","body":""},
        {"messageId":"n","body":"","attributes":null},
        {"messageId":"o","body":"","attributes":{"MessageGroupId":null}}]}"#;
    for record in records(event) {
        assert_eq!(record.message_group_id(), Ok(None), "{record:?}");
        assert_eq!(record.message_deduplication_id(), Ok(None), "{record:?}");
        assert_eq!(record.approximate_receive_count(), Ok(None), "{record:?}");
    }
}

#[test]
fn an_escaped_group_id_is_unescaped_and_a_plain_one_borrowed() {
    let event = r#"{"Records":[{"messageId":"m","body":"","attributes":{"MessageGroupId":"a\"b\\c\u00e9"}},
        {"messageId":"n","body":"","attributes":{"MessageGroupId":"plain"}}]}"#;
    let records = records(event);
    let escaped = records[0].message_group_id().unwrap().unwrap();
    assert_eq!(escaped, "a\"b\\cé");
    assert!(matches!(escaped, Cow::Owned(_)));
    let plain = records[1].message_group_id().unwrap().unwrap();
    assert!(matches!(plain, Cow::Borrowed("plain")));
    // A record made owned reads the same.
    let owned = records[0].clone().into_owned();
    assert_eq!(
        owned.message_group_id().unwrap().as_deref(),
        Some("a\"b\\cé")
    );
}

#[test]
fn the_ordering_key_is_the_group_id_read_alone() {
    let event = r#"{"Records":[
        {"messageId":"m","body":"","attributes":{"MessageGroupId":"g","SenderId":7}},
        {"messageId":"n","body":"","attributes":{"MessageGroupId":7,"SenderId":"AIDA"}}]}"#;
    let records = records(event);
    // Another attribute's kind does not hold the record back...
    assert_eq!(Sqs::ordering_key(&records[0]), Ok(Some(Cow::Borrowed("g"))));
    // ...a group id that is not text does.
    assert_eq!(
        Sqs::ordering_key(&records[1]).unwrap_err().to_string(),
        "field `attributes.MessageGroupId` is a number, expected a string"
    );
}
