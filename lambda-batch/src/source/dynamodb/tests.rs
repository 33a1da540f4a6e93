use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde_json::json;

use super::*;
use crate::error::RecordError;
use crate::response::ItemIdentifier;

fn event(records: &[&str]) -> String {
    format!(r#"{{"Records":[{}]}}"#, records.join(","))
}

fn with_new_image(sequence: &str, image: &str) -> String {
    format!(
        r#"{{"eventName":"MODIFY","dynamodb":{{"SequenceNumber":"{sequence}","NewImage":{image}}}}}"#
    )
}

/// The record of a one-record event with this `NewImage`.
fn new_image_error(image: &str) -> RecordError {
    let text = event(&[&with_new_image("1", image)]);
    let records = DynamoDb::parse(&text).expect("a valid envelope");
    let (id, record) = records.into_iter().next().expect("one record").into_parts();
    assert_eq!(
        id,
        Some(ItemIdentifier::from("1")),
        "the identifier survives a bad image"
    );
    record.expect_err("a malformed image")
}

fn invalid(field: &str, reason: &str) -> RecordError {
    RecordError::InvalidValue {
        field: field.to_owned(),
        reason: reason.to_owned(),
    }
}

const ALL_TYPES: &str = r#"{
    "s": {"S": "text"}, "n": {"N": "-12.5"}, "b": {"B": "aGVsbG8="}, "t": {"BOOL": true},
    "z": {"NULL": true}, "m": {"M": {"inner": {"N": "1"}}}, "l": {"L": [{"S": "a"}, {"N": "2"}]},
    "ss": {"SS": ["x", "y"]}, "ns": {"NS": ["1", "2.5"]}, "bs": {"BS": ["AQI=", "Aw=="]}
}"#;

#[test]
fn reads_every_attribute_type_in_event_order() {
    let text = event(&[&with_new_image("1", ALL_TYPES)]);
    let records = DynamoDb::parse(&text).unwrap();
    let image = records[0].record().unwrap().new_image().unwrap();
    let names: Vec<&str> = image.iter().map(|(name, _)| name).collect();
    assert_eq!(names, ["s", "n", "b", "t", "z", "m", "l", "ss", "ns", "bs"]);
    assert_eq!(image.get("s"), Some(&AttributeValue::S("text".into())));
    assert_eq!(image.get("n").and_then(AttributeValue::as_n), Some("-12.5"));
    assert_eq!(
        image.get("b").and_then(AttributeValue::as_b),
        Some(&b"hello"[..])
    );
    assert_eq!(image.get("t").and_then(AttributeValue::as_bool), Some(true));
    assert!(image.get("z").is_some_and(AttributeValue::is_null));
    let m = image.get("m").and_then(AttributeValue::as_m).unwrap();
    assert_eq!(m.get("inner"), Some(&AttributeValue::N("1".into())));
    assert_eq!(
        image.get("l").and_then(AttributeValue::as_l).unwrap(),
        [AttributeValue::S("a".into()), AttributeValue::N("2".into())]
    );
    assert_eq!(
        image.get("ss").and_then(AttributeValue::as_ss).unwrap(),
        ["x", "y"]
    );
    assert_eq!(
        image.get("ns").and_then(AttributeValue::as_ns).unwrap(),
        ["1", "2.5"]
    );
    assert_eq!(
        image.get("bs").and_then(AttributeValue::as_bs).unwrap(),
        [vec![1, 2], vec![3]]
    );
    assert_eq!(image.len(), 10);
    assert!(!image.is_empty());
    assert!(image.get("missing").is_none());
    assert_eq!(image.iter().len(), 10);
    assert_eq!(
        image.into_iter().next_back().map(|(name, _)| name),
        Some("bs")
    );
}

#[test]
fn converts_to_plain_json() {
    let text = event(&[&with_new_image("1", ALL_TYPES)]);
    let records = DynamoDb::parse(&text).unwrap();
    let image = records[0].record().unwrap().new_image().unwrap();
    assert_eq!(
        image.to_json(),
        json!({
            "s": "text", "n": -12.5, "b": "aGVsbG8=", "t": true, "z": null, "m": {"inner": 1},
            "l": ["a", 2], "ss": ["x", "y"], "ns": [1, 2.5], "bs": ["AQI=", "Aw=="]
        })
    );
}

#[test]
fn strings_borrow_from_the_event_unless_escaped() {
    let text = event(&[&with_new_image(
        "1",
        r#"{"plain":{"S":"abc"},"esc\"aped":{"S":"a\nb"}}"#,
    )]);
    let records = DynamoDb::parse(&text).unwrap();
    let image = records[0].record().unwrap().new_image().unwrap();
    let (name, value) = &image.attributes()[0];
    assert!(matches!(name, Cow::Borrowed("plain")));
    assert!(matches!(value, AttributeValue::S(Cow::Borrowed("abc"))));
    let (name, value) = &image.attributes()[1];
    assert!(matches!(name, Cow::Owned(n) if n == "esc\"aped"));
    assert!(matches!(value, AttributeValue::S(Cow::Owned(s)) if s == "a\nb"));
}

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
    assert_eq!(r.approximate_creation_date_time(), Some(1_480_642_020.0));
    assert_eq!(r.sequence_number(), Some("111"));
    assert_eq!(r.size_bytes(), Some(26));
    assert_eq!(r.stream_view_type(), Some("KEYS_ONLY"));
    assert!(r.user_identity().is_none());
    assert!(!r.is_ttl_delete());
    assert!(r.new_image().is_none() && r.old_image().is_none());
    assert_eq!(r.keys().map(Image::len), Some(1));
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
    assert_eq!(odd.approximate_creation_date_time(), Some(1.5));
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
fn malformed_images_name_the_attribute() {
    assert_eq!(
        new_image_error(r#"{"id":{"X":"1"}}"#),
        invalid("dynamodb.NewImage.id", "unknown attribute type `X`")
    );
    assert_eq!(
        new_image_error(r#"{"ok":{"S":"a"},"b":{"B":"not base64!"}}"#),
        invalid(
            "dynamodb.NewImage.b",
            "binary value is not valid base64 (Invalid symbol 32, offset 3.)"
        )
    );
    assert_eq!(
        new_image_error(r#"{"n":{"N":"12abc"}}"#),
        invalid("dynamodb.NewImage.n", "`12abc` is not a number")
    );
    assert_eq!(
        new_image_error(r#"{"n":{"N":12}}"#),
        invalid(
            "dynamodb.NewImage.n",
            "`N` holds a number, expected a string"
        )
    );
    assert_eq!(
        new_image_error(r#"{"s":{"S":null}}"#),
        invalid("dynamodb.NewImage.s", "`S` holds null, expected a string")
    );
    assert_eq!(
        new_image_error(r#"{"t":{"BOOL":"true"}}"#),
        invalid(
            "dynamodb.NewImage.t",
            "`BOOL` holds a string, expected a boolean"
        )
    );
    assert_eq!(
        new_image_error(r#"{"id":"1"}"#),
        invalid(
            "dynamodb.NewImage.id",
            r#"found a string, expected an attribute value such as {"S": "text"}"#
        )
    );
    assert_eq!(
        new_image_error(r#"{"id":{}}"#),
        invalid(
            "dynamodb.NewImage.id",
            r#"found an empty object, expected an attribute value such as {"S": "text"}"#
        )
    );
    assert_eq!(
        new_image_error(r#"{"id":{"S":"a","N":"1"}}"#),
        invalid(
            "dynamodb.NewImage.id",
            "an attribute value has more than one type descriptor"
        )
    );
    assert_eq!(
        new_image_error(
            r#"{"order":{"M":{"items":{"L":[{"S":"a"},{"S":"b"},{"M":{"qty":{"Q":"1"}}}]}}}}"#
        ),
        invalid(
            "dynamodb.NewImage.order.items[2].qty",
            "unknown attribute type `Q`"
        )
    );
    assert_eq!(
        new_image_error(r#"{"tags":{"SS":["a",1]}}"#),
        invalid(
            "dynamodb.NewImage.tags[1]",
            "found a number, expected a string"
        )
    );
    assert_eq!(
        new_image_error(r#"{"ns":{"NS":["1","x"]}}"#),
        invalid("dynamodb.NewImage.ns[1]", "`x` is not a number")
    );
    assert!(matches!(new_image_error(r#"{"bs":{"BS":["AQI=","%"]}}"#),
        RecordError::InvalidValue { field, .. } if field == "dynamodb.NewImage.bs[1]"));
    assert_eq!(
        new_image_error(r#"{"l":{"L":{}}}"#),
        invalid(
            "dynamodb.NewImage.l",
            "`L` holds an object, expected a list"
        )
    );
    assert_eq!(
        new_image_error(r#"{"m":{"M":[]}}"#),
        invalid(
            "dynamodb.NewImage.m",
            "`M` holds an array, expected an object"
        )
    );
    assert_eq!(
        new_image_error(r#""image""#),
        RecordError::WrongType {
            field: "dynamodb.NewImage",
            found: "a string",
            expected: "an object"
        }
    );
}

#[test]
fn a_malformed_image_fails_its_record_alone() {
    let text = event(&[
        &with_new_image(
            "1",
            r#"{"a":{"X":{"deep":[1,{"S":"x"}]}},"b":{"S":"skipped"}}"#,
        ),
        &with_new_image("2", r#"{"a":{"S":"fine"}}"#),
        r#"{"dynamodb":{"SequenceNumber":"3","Keys":{"k":{"L":[{"N":"1"},{"NULL":true},{"L":[{"B":"*"}]}]}}}}"#,
    ]);
    let records = DynamoDb::parse(&text).unwrap();
    assert_eq!(records.len(), 3);
    assert!(records[0].record().is_err());
    assert_eq!(
        records[1]
            .record()
            .unwrap()
            .new_image()
            .unwrap()
            .get("a")
            .unwrap()
            .as_s(),
        Some("fine")
    );
    assert!(matches!(records[2].record(),
        Err(RecordError::InvalidValue { field, .. }) if field == "dynamodb.Keys.k[2][0]"));
}

#[test]
fn null_images_are_absent_and_null_descriptor_accepts_false() {
    let text = event(&[
        r#"{"dynamodb":{"SequenceNumber":"1","NewImage":null,"OldImage":{"z":{"NULL":false}}}}"#,
    ]);
    let records = DynamoDb::parse(&text).unwrap();
    let r = records[0].record().unwrap();
    assert!(r.new_image().is_none());
    assert!(r.old_image().unwrap().get("z").unwrap().is_null());
}

#[test]
fn size_bytes_must_be_a_whole_number() {
    let text = event(&[
        r#"{"dynamodb":{"SequenceNumber":"1","SizeBytes":26.0}}"#,
        r#"{"dynamodb":{"SequenceNumber":"2","SizeBytes":-1}}"#,
        r#"{"dynamodb":{"SequenceNumber":"3","SizeBytes":"26"}}"#,
        r#"{"dynamodb":{"SequenceNumber":"4","ApproximateCreationDateTime":"now"}}"#,
    ]);
    let records = DynamoDb::parse(&text).unwrap();
    assert_eq!(records[0].record().unwrap().size_bytes(), Some(26));
    assert!(
        matches!(records[1].record(), Err(RecordError::InvalidValue { field, .. }) if field == "dynamodb.SizeBytes")
    );
    assert!(matches!(
        records[2].record(),
        Err(RecordError::WrongType {
            field: "dynamodb.SizeBytes",
            ..
        })
    ));
    assert!(matches!(
        records[3].record(),
        Err(RecordError::WrongType {
            field: "dynamodb.ApproximateCreationDateTime",
            ..
        })
    ));
}

#[test]
fn into_owned_keeps_everything() {
    let text = event(&[&with_new_image("9", ALL_TYPES)]);
    let records = DynamoDb::parse(&text).unwrap();
    let borrowed = records[0].record().unwrap().clone();
    let owned: DynamoDbRecord<'static> = borrowed.clone().into_owned();
    assert_eq!(owned, borrowed);
}

#[derive(Debug, PartialEq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
enum Status {
    Active,
    Closed,
}

#[derive(Debug, PartialEq, serde::Deserialize)]
enum Shape {
    Circle(f64),
    Rect { w: u32, h: u32 },
    Pair(u8, u8),
    Empty,
}

#[derive(Debug, PartialEq, serde::Deserialize)]
struct Everything<'a> {
    s: &'a str,
    owned: String,
    n: f64,
    big: u128,
    neg: i128,
    small: i8,
    price: String,
    b: Vec<u8>,
    borrowed_bytes: &'a [u8],
    t: bool,
    z: Option<u32>,
    missing: Option<String>,
    m: BTreeMap<String, u32>,
    l: (String, u16),
    ss: HashSet<String>,
    ns: BTreeSet<i64>,
    bs: Vec<Vec<u8>>,
    status: Status,
    shapes: Vec<Shape>,
}

const TYPED: &str = r#"{
    "s": {"S": "text"}, "owned": {"S": "own"}, "n": {"N": "0.1"},
    "big": {"N": "340282366920938463463374607431768211455"},
    "neg": {"N": "-170141183460469231731687303715884105728"}, "small": {"N": "-128"},
    "price": {"N": "12345678901234567890.123456789"},
    "b": {"B": "AAEC"}, "borrowed_bytes": {"B": "/w=="}, "t": {"BOOL": false}, "z": {"NULL": true},
    "m": {"M": {"a": {"N": "1"}, "b": {"N": "2"}}}, "l": {"L": [{"S": "x"}, {"N": "65535"}]},
    "ss": {"SS": ["a", "b"]}, "ns": {"NS": ["3", "-1", "2"]}, "bs": {"BS": ["AQ=="]},
    "status": {"S": "active"},
    "shapes": {"L": [
        {"M": {"Circle": {"N": "1.5"}}}, {"M": {"Rect": {"M": {"w": {"N": "2"}, "h": {"N": "3"}}}}},
        {"M": {"Pair": {"L": [{"N": "1"}, {"N": "2"}]}}}, {"S": "Empty"}, {"M": {"Empty": {"NULL": true}}}
    ]},
    "ignored": {"M": {"x": {"BOOL": true}}}
}"#;

#[test]
fn deserializes_every_type_into_a_struct() {
    let text = event(&[&with_new_image("1", TYPED)]);
    let records = DynamoDb::parse(&text).unwrap();
    let image = records[0].record().unwrap().new_image().unwrap();
    let value: Everything<'_> = image.deserialize().unwrap();
    assert_eq!(
        value,
        Everything {
            s: "text",
            owned: "own".into(),
            n: 0.1,
            big: u128::MAX,
            neg: i128::MIN,
            small: -128,
            price: "12345678901234567890.123456789".into(),
            b: vec![0, 1, 2],
            borrowed_bytes: &[0xff],
            t: false,
            z: None,
            missing: None,
            m: BTreeMap::from([("a".into(), 1), ("b".into(), 2)]),
            l: ("x".into(), 65535),
            ss: HashSet::from(["a".into(), "b".into()]),
            ns: BTreeSet::from([-1, 2, 3]),
            bs: vec![vec![1]],
            status: Status::Active,
            shapes: vec![
                Shape::Circle(1.5),
                Shape::Rect { w: 2, h: 3 },
                Shape::Pair(1, 2),
                Shape::Empty,
                Shape::Empty
            ],
        }
    );
    assert_eq!(
        Status::Closed,
        AttributeValue::S("closed".into()).deserialize().unwrap()
    );
}

#[test]
fn typed_errors_name_the_attribute_path() {
    #[derive(Debug, serde::Deserialize)]
    struct Order {
        #[allow(dead_code)]
        order: Inner,
    }
    #[derive(Debug, serde::Deserialize)]
    struct Inner {
        #[allow(dead_code)]
        items: Vec<Item>,
    }
    #[derive(Debug, serde::Deserialize)]
    struct Item {
        #[allow(dead_code)]
        qty: u8,
    }
    let image = |qty: &str| -> Image<'static> {
        let item = |q: &str| {
            AttributeValue::M(
                [("qty", AttributeValue::N(q.to_owned().into()))]
                    .into_iter()
                    .collect(),
            )
        };
        let items = AttributeValue::L(vec![item("1"), item("2"), item(qty)]);
        let inner = AttributeValue::M([("items", items)].into_iter().collect());
        [("order", inner)].into_iter().collect()
    };
    let err = |qty: &str| image(qty).deserialize::<Order>().unwrap_err().to_string();
    assert_eq!(
        err("256"),
        "order.items[2].qty: number `256` is out of range for u8"
    );
    assert_eq!(
        err("2.5"),
        "order.items[2].qty: number `2.5` is not a whole number, expected u8"
    );
    assert!(image("2").deserialize::<Order>().is_ok());

    let typed = |image: &str| {
        let text = event(&[&with_new_image("1", image)]);
        let records = DynamoDb::parse(&text).unwrap();
        let image = records[0]
            .record()
            .unwrap()
            .new_image()
            .unwrap()
            .clone()
            .into_owned();
        image
    };
    let wrong_type = typed(r#"{"order":{"M":{"items":{"L":[{"M":{"qty":{"S":"one"}}}]}}}}"#);
    assert_eq!(
        wrong_type.deserialize::<Order>().unwrap_err().to_string(),
        r#"order.items[0].qty: invalid type: string "one", expected u8"#
    );
    let missing = typed(r#"{"order":{"M":{"items":{"L":[{"M":{}}]}}}}"#);
    let err = missing.deserialize::<Order>().unwrap_err();
    assert_eq!(
        (err.path(), err.message()),
        ("order.items[0]", "missing field `qty`")
    );
    let not_a_list = typed(r#"{"order":{"M":{"items":{"SS":["a"]}}}}"#);
    assert_eq!(
        not_a_list.deserialize::<Order>().unwrap_err().to_string(),
        "order.items[0]: invalid type: string \"a\", expected struct Item"
    );

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Strict {
        #[allow(dead_code)]
        a: Option<f64>,
    }
    let extra = typed(r#"{"a":{"N":"0.30000000000000000000001"}}"#);
    assert_eq!(
        extra.deserialize::<Strict>().unwrap_err().to_string(),
        "a: number `0.30000000000000000000001` cannot be represented exactly as f64"
    );
    let extra = typed(r#"{"b":{"N":"1"}}"#);
    assert_eq!(extra.deserialize::<Strict>().unwrap_err().path(), "b");
}

#[test]
fn untyped_targets_read_numbers_like_to_json() {
    let image: Image<'_> = [
        ("int", AttributeValue::N("-5".into())),
        ("float", AttributeValue::N("2.5".into())),
        (
            "huge",
            AttributeValue::N("123456789012345678901234567890".into()),
        ),
        (
            "list",
            AttributeValue::L(vec![AttributeValue::Bool(true), AttributeValue::Null]),
        ),
    ]
    .into_iter()
    .collect();
    let value: serde_json::Value = image.deserialize().unwrap();
    assert_eq!(value, image.to_json());
    assert_eq!(value["huge"], json!("123456789012345678901234567890"));
    let bytes = AttributeValue::B(vec![1, 2]);
    assert_eq!(bytes.deserialize::<Vec<u8>>().unwrap(), [1, 2]);
    assert_eq!(
        AttributeValue::N("7".into())
            .deserialize::<String>()
            .unwrap(),
        "7"
    );
    assert!(AttributeValue::S("7".into()).deserialize::<u32>().is_err());
    assert!(AttributeValue::L(vec![AttributeValue::Null; 3])
        .deserialize::<((), ())>()
        .is_err());
}
