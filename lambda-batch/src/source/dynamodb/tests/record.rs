use super::*;
use crate::source::dynamodb::{ChangeKind, DynamoDbRecord, UserIdentity};

#[test]
fn reads_record_fields() {
    let text = event(&[
        r#"{"eventID":"e1","eventName":"INSERT","eventVersion":"1.1","eventSource":"aws:dynamodb",
        "awsRegion":"us-east-2","eventSourceARN":"arn:aws:dynamodb:us-east-2:1:table/T/stream/S",
        "dynamodb":{"ApproximateCreationDateTime":1480642020,"Keys":{"id":{"N":"1"}},"SequenceNumber":"111",
        "SizeBytes":26,"StreamViewType":"KEYS_ONLY"},"somethingNew":{"x":[1]}}"#,
    ]);
    let records = DynamoDb::parse(&text).unwrap();
    let r = records[0].record().unwrap();
    assert_eq!(r.event_id(), Some("e1"));
    assert_eq!(r.event_name(), Some("INSERT"));
    assert_eq!(r.change(), Some(ChangeKind::Insert));
    assert_eq!(r.event_version(), Some("1.1"));
    assert_eq!(r.event_source(), Some("aws:dynamodb"));
    assert_eq!(r.aws_region(), Some("us-east-2"));
    assert_eq!(
        r.event_source_arn(),
        Some("arn:aws:dynamodb:us-east-2:1:table/T/stream/S")
    );
    assert_eq!(
        r.approximate_creation_date_time(),
        Ok(Some(1_480_642_020.0))
    );
    assert_eq!(r.sequence_number(), Some("111"));
    assert_eq!(r.size_bytes(), Ok(Some(26)));
    assert_eq!(r.stream_view_type(), Some("KEYS_ONLY"));
    assert!(r.user_identity().is_none());
    assert!(!r.is_ttl_delete());
    assert!(r.new_image().unwrap().is_none() && r.old_image().unwrap().is_none());
    assert_eq!(r.keys().unwrap().map(|keys| keys.len()), Some(1));
}

#[test]
fn change_kinds_and_ttl_deletes() {
    let text = event(&[
        r#"{"eventName":"REMOVE","userIdentity":{"type":"Service","principalId":"dynamodb.amazonaws.com"},"dynamodb":{"SequenceNumber":"1"}}"#,
        r#"{"eventName":"REMOVE","userIdentity":{"type":"User","principalId":"someone"},"dynamodb":{"SequenceNumber":"2"}}"#,
        r#"{"eventName":"RENAME","dynamodb":{"SequenceNumber":"3","ApproximateCreationDateTime":1.5}}"#,
    ]);
    let records = DynamoDb::parse(&text).unwrap();
    let ttl = records[0].record().unwrap();
    assert!(ttl.is_ttl_delete());
    assert_eq!(
        ttl.user_identity().map(UserIdentity::identity_type),
        Some(Some("Service"))
    );
    assert!(ttl.user_identity().unwrap().is_ttl_delete());
    let user = records[1].record().unwrap();
    assert_eq!(user.change(), Some(ChangeKind::Remove));
    assert!(!user.is_ttl_delete());
    assert_eq!(
        user.user_identity().unwrap().principal_id(),
        Some("someone")
    );
    let odd = records[2].record().unwrap();
    assert_eq!(odd.change(), None);
    assert_eq!(odd.approximate_creation_date_time(), Ok(Some(1.5)));
    assert_eq!(ChangeKind::Modify.to_string(), "MODIFY");
}

#[test]
fn identifiers_come_from_the_sequence_number_only() {
    let text = event(&[
        r#"{"dynamodb":{"SequenceNumber":"7"}}"#,
        r#"{"dynamodb":{"SequenceNumber":""}}"#,
        r#"{"dynamodb":{"SequenceNumber":7}}"#,
        r#"{"dynamodb":{}}"#,
        r#"{"dynamodb":"x","eventID":"e"}"#,
        r#"{"eventID":"e"}"#,
        r#"null"#,
    ]);
    let records = DynamoDb::parse(&text).unwrap();
    let ids: Vec<Option<String>> = records
        .iter()
        .map(|p| p.identifier().map(ToString::to_string))
        .collect();
    assert_eq!(
        ids,
        [Some("7".to_owned()), None, None, None, None, None, None]
    );
    assert!(
        records[0].record().is_ok() && records[1].record().is_ok() && records[3].record().is_ok()
    );
    assert_eq!(
        records[2].record().unwrap_err(),
        &RecordError::WrongType {
            field: "dynamodb.SequenceNumber",
            found: "a number",
            expected: "a string"
        }
    );
    assert_eq!(
        records[4].record().unwrap_err(),
        &RecordError::WrongType {
            field: "dynamodb",
            found: "a string",
            expected: "an object"
        }
    );
    assert_eq!(
        records[5].record().unwrap_err(),
        &RecordError::Missing { field: "dynamodb" }
    );
    assert!(matches!(
        records[6].record(),
        Err(RecordError::NotAnObject { .. })
    ));
}

#[test]
fn numbers_are_read_when_asked_for() {
    let text = event(&[
        r#"{"dynamodb":{"SequenceNumber":"1","SizeBytes":26.0,"ApproximateCreationDateTime":"1700000000.5"}}"#,
        r#"{"dynamodb":{"SequenceNumber":"2","SizeBytes":-1,"ApproximateCreationDateTime":1e999}}"#,
        r#"{"dynamodb":{"SequenceNumber":"3","SizeBytes":"26"}}"#,
        r#"{"dynamodb":{"SequenceNumber":"4","SizeBytes":1.5,"ApproximateCreationDateTime":"now"}}"#,
    ]);
    let records = DynamoDb::parse(&text).unwrap();
    // Unreadable numbers fail no record: only the reader learns of them.
    let r: Vec<&DynamoDbRecord<'_>> = records.iter().map(|p| p.record().unwrap()).collect();
    assert_eq!(r[0].size_bytes(), Ok(Some(26)));
    assert_eq!(
        r[0].approximate_creation_date_time(),
        Ok(Some(1_700_000_000.5))
    );
    assert_eq!(
        r[1].size_bytes(),
        Err(invalid(
            "dynamodb.SizeBytes",
            "`-1` is not a whole number of type u64"
        ))
    );
    assert_eq!(
        r[1].approximate_creation_date_time(),
        Err(invalid(
            "dynamodb.ApproximateCreationDateTime",
            "`1e999` is not a finite number"
        ))
    );
    assert_eq!(r[2].size_bytes(), Ok(Some(26)));
    assert_eq!(r[2].approximate_creation_date_time(), Ok(None));
    assert!(r[3].size_bytes().is_err());
    assert_eq!(
        r[3].approximate_creation_date_time(),
        Err(invalid(
            "dynamodb.ApproximateCreationDateTime",
            "`now` is not a finite number"
        ))
    );
}

#[test]
fn into_owned_keeps_everything() {
    let text = event(&[&with_new_image("9", ALL_TYPES)]);
    let records = DynamoDb::parse(&text).unwrap();
    let borrowed = records[0].record().unwrap().clone();
    let owned: DynamoDbRecord<'static> = borrowed.clone().into_owned();
    assert_eq!(owned, borrowed);
}

#[test]
fn a_malformed_image_fails_no_record_that_does_not_read_it() {
    let text = event(&[
        &with_new_image(
            "1",
            r#"{"a":{"X":{"deep":[1,{"S":"x"}]}},"status":{"S":"ok"}}"#,
        ),
        r#"{"dynamodb":{"SequenceNumber":"2","NewImage":"image","OldImage":[1],"Keys":{"k":{"L":[{"N":"1"},{"NULL":true},{"L":[{"B":"*"}]}]}}}}"#,
    ]);
    let records = DynamoDb::parse(&text).unwrap();
    let first = records[0]
        .record()
        .expect("reads: no one read its image yet");
    assert_eq!(
        first.new_image(),
        Err(invalid("dynamodb.NewImage.a", "unknown attribute type `X`"))
    );
    #[derive(serde::Deserialize)]
    struct Status<'a> {
        status: &'a str,
    }
    let status: Status<'_> = first.new_image_as().unwrap().unwrap();
    assert_eq!(status.status, "ok", "what is not read is not checked");
    assert_eq!(
        first.new_image_as::<serde_json::Value>(),
        Err(invalid("dynamodb.NewImage.a", "unknown attribute type `X`"))
    );

    let second = records[1].record().unwrap();
    let wrong = |field| RecordError::WrongType {
        field,
        found: if field == "dynamodb.NewImage" {
            "a string"
        } else {
            "an array"
        },
        expected: "an object",
    };
    assert_eq!(second.new_image(), Err(wrong("dynamodb.NewImage")));
    assert_eq!(
        second.new_image_as::<serde_json::Value>(),
        Err(wrong("dynamodb.NewImage"))
    );
    assert_eq!(second.old_image(), Err(wrong("dynamodb.OldImage")));
    assert!(matches!(second.keys(),
        Err(RecordError::InvalidValue { field, .. }) if field == "dynamodb.Keys.k[2][0]"));
    assert!(matches!(DynamoDb::ordering_key(second),
        Err(RecordError::InvalidValue { field, .. }) if field == "dynamodb.Keys.k[2][0]"));
}

#[test]
fn ordering_keys_are_the_sorted_keys_whatever_the_order() {
    let text = event(&[
        r#"{"dynamodb":{"SequenceNumber":"1","Keys":{"pk":{"S":"a"},"sk":{"N":"1"}}}}"#,
        r#"{"dynamodb":{"SequenceNumber":"2","Keys":{ "sk" : {"N":"1"}, "pk": {"S":"a"} }}}"#,
        r#"{"dynamodb":{"SequenceNumber":"3"}}"#,
    ]);
    let records = DynamoDb::parse(&text).unwrap();
    let key = |i: usize| DynamoDb::ordering_key(records[i].record().unwrap()).unwrap();
    assert_eq!(
        key(0).as_deref(),
        Some(r#"{"pk":{"S":"a"},"sk":{"N":"1"}}"#)
    );
    assert_eq!(key(0), key(1));
    assert_eq!(key(2), None);
}

#[test]
fn fields_of_another_kind_fail_their_record_alone() {
    let text = event(&[
        r#"{"eventName":7,"dynamodb":{"SequenceNumber":"1"}}"#,
        r#"{"userIdentity":"me","dynamodb":{"SequenceNumber":"2"}}"#,
        r#"{"userIdentity":{"type":["Service"]},"dynamodb":{"SequenceNumber":"3"}}"#,
        r#"{"userIdentity":null,"dynamodb":{"SequenceNumber":"4","StreamViewType":{}}}"#,
        r#"{"eventID":1,"dynamodb":[{"SequenceNumber":"5"}]}"#,
        r#"{"userIdentity":{},"dynamodb":{"SequenceNumber":"6","Keys":null,"NewImage":"x"}}"#,
    ]);
    let records = DynamoDb::parse(&text).unwrap();
    let wrong = |field, found, expected| RecordError::WrongType {
        field,
        found,
        expected,
    };
    let expect = [
        wrong("eventName", "a number", "a string"),
        wrong("userIdentity", "a string", "an object"),
        wrong("userIdentity.type", "an array", "a string"),
        wrong("dynamodb.StreamViewType", "an object", "a string"),
        // Without its `dynamodb` object, that comes first.
        wrong("dynamodb", "an array", "an object"),
    ];
    for (i, expected) in expect.iter().enumerate() {
        assert_eq!(records[i].record().unwrap_err(), expected, "record {i}");
    }
    // Identified by their sequence number all the same.
    assert_eq!(records[3].identifier(), Some(&ItemIdentifier::from("4")));
    // An empty identity is there; a null `Keys` is absent; an image of
    // another kind is the reader's problem.
    let last = records[5].record().unwrap();
    assert_eq!(last.user_identity().map(|u| u.identity_type()), Some(None));
    assert!(last.keys().unwrap().is_none());
    assert!(last.new_image().is_err());
}

#[test]
fn a_key_given_twice_fails_its_record_not_the_event() {
    let text = event(&[
        r#"{"eventName":"INSERT","eventName":"REMOVE","dynamodb":{"SequenceNumber":"1"}}"#,
        r#"{"dynamodb":{"SequenceNumber":"2","NewImage":{},"NewImage":{}}}"#,
        r#"{"dynamodb":{"SequenceNumber":"3"},"dynamodb":{"SequenceNumber":"4"}}"#,
        r#"{"dynamodb":{"SequenceNumber":"5"}}"#,
    ]);
    let records = DynamoDb::parse(&text).unwrap();
    let twice = |field: &str| RecordError::InvalidValue {
        field: field.to_owned(),
        reason: "the field is given more than once".to_owned(),
    };
    assert_eq!(records[0].record().unwrap_err(), &twice("eventName"));
    assert_eq!(
        records[1].record().unwrap_err(),
        &twice("dynamodb.NewImage")
    );
    assert_eq!(records[2].record().unwrap_err(), &twice("dynamodb"));
    // The first one counts, for the identifier too.
    assert_eq!(records[2].identifier(), Some(&ItemIdentifier::from("3")));
    assert!(records[3].record().is_ok());
}
