use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde_json::json;

use super::*;
use crate::source::dynamodb::{AttributeValue, Image};

#[test]
fn reads_every_attribute_type_in_event_order() {
    let text = event(&[&with_new_image("1", ALL_TYPES)]);
    let records = DynamoDb::parse(&text).unwrap();
    let image = records[0].record().unwrap().new_image().unwrap().unwrap();
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
        (&image).into_iter().next_back().map(|(name, _)| name),
        Some("bs")
    );
}

#[test]
fn converts_to_plain_json() {
    let text = event(&[&with_new_image("1", ALL_TYPES)]);
    let records = DynamoDb::parse(&text).unwrap();
    let image = records[0].record().unwrap().new_image().unwrap().unwrap();
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
    let image = records[0].record().unwrap().new_image().unwrap().unwrap();
    let (name, value) = &image.attributes()[0];
    assert!(matches!(name, Cow::Borrowed("plain")));
    assert!(matches!(value, AttributeValue::S(Cow::Borrowed("abc"))));
    let (name, value) = &image.attributes()[1];
    assert!(matches!(name, Cow::Owned(n) if n == "esc\"aped"));
    assert!(matches!(value, AttributeValue::S(Cow::Owned(s)) if s == "a\nb"));
}

/// The error of reading this `NewImage`: the same read as a tree and
/// straight from the text into an untyped value, which reads everything.
fn new_image_error(image: &str) -> RecordError {
    with_record(image, |record| {
        let tree = record.new_image().expect_err("a malformed image");
        let text = record.new_image_as::<serde_json::Value>();
        assert_eq!(text.expect_err("a malformed image"), tree, "{image}");
        tree
    })
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
fn a_malformed_image_fails_its_reader_alone() {
    let text = event(&[
        &with_new_image(
            "1",
            r#"{"a":{"X":{"deep":[1,{"S":"x"}]}},"b":{"S":"skipped"}}"#,
        ),
        &with_new_image("2", r#"{"a":{"S":"fine"}}"#),
    ]);
    let records = DynamoDb::parse(&text).unwrap();
    assert_eq!(records.len(), 2);
    assert!(records[0].record().unwrap().new_image().is_err());
    let image = records[1].record().unwrap().new_image().unwrap().unwrap();
    assert_eq!(image.get("a").unwrap().as_s(), Some("fine"));
}

#[test]
fn null_images_are_absent_and_null_descriptor_accepts_false() {
    let text = event(&[
        r#"{"dynamodb":{"SequenceNumber":"1","NewImage":null,"OldImage":{"z":{"NULL":false}}}}"#,
    ]);
    let records = DynamoDb::parse(&text).unwrap();
    let r = records[0].record().unwrap();
    assert!(r.new_image().unwrap().is_none());
    let old = r.old_image().unwrap().unwrap();
    assert!(old.get("z").unwrap().is_null());
    #[derive(serde::Deserialize)]
    struct Z {
        z: Option<u8>,
    }
    assert_eq!(r.old_image_as::<Z>().unwrap().unwrap().z, None);
}

#[derive(Debug, PartialEq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub(super) enum Status {
    Active,
    Closed,
}

#[derive(Debug, PartialEq, serde::Deserialize)]
pub(super) enum Shape {
    Circle(f64),
    Rect { w: u32, h: u32 },
    Pair(u8, u8),
    Empty,
}

/// Every attribute type; `B` is the type of a `B` that a tree lends
/// (`&[u8]`) and the text cannot (`Vec<u8>`).
#[derive(Debug, PartialEq, serde::Deserialize)]
pub(super) struct Everything<'a, B = &'a [u8]> {
    s: &'a str,
    owned: String,
    n: f64,
    big: u128,
    neg: i128,
    small: i8,
    price: String,
    b: Vec<u8>,
    borrowed_bytes: B,
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

pub(super) const TYPED: &str = r#"{
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

/// What [`TYPED`] holds, with the bytes of `borrowed_bytes` as `B`.
pub(super) fn everything<'a, B>(borrowed_bytes: B) -> Everything<'a, B> {
    Everything {
        s: "text",
        owned: "own".into(),
        n: 0.1,
        big: u128::MAX,
        neg: i128::MIN,
        small: -128,
        price: "12345678901234567890.123456789".into(),
        b: vec![0, 1, 2],
        borrowed_bytes,
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
            Shape::Empty,
        ],
    }
}

#[test]
fn deserializes_every_type_into_a_struct() {
    let text = event(&[&with_new_image("1", TYPED)]);
    let records = DynamoDb::parse(&text).unwrap();
    let image = records[0].record().unwrap().new_image().unwrap().unwrap();
    let value: Everything<'_> = image.deserialize().unwrap();
    assert_eq!(value, everything(&[0xff][..]));
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
            .unwrap()
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

#[test]
fn binaries_read_alike_through_the_image_and_the_event_text() {
    // Found by fuzzing: a `BS` read into `Vec<String>` gave its base64 text
    // from the event text, and its bytes taken as UTF-8 through the image.
    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Item {
        tags: Vec<String>,
        one: String,
    }
    let text = r#"{"tags":{"BS":["AQID","BAU="]},"one":{"B":"aGk="}}"#;
    let image: Image<'_> = [
        ("tags", AttributeValue::Bs(vec![vec![1, 2, 3], vec![4, 5]])),
        ("one", AttributeValue::B(b"hi".to_vec())),
    ]
    .into_iter()
    .collect();
    let through_image: Item = image.deserialize().unwrap();
    assert_eq!(through_image.tags, ["AQID", "BAU="]);
    assert_eq!(through_image.one, "aGk=");
    let from_text: Item = crate::source::dynamodb::from_str(text).unwrap();
    assert_eq!(from_text, through_image);
    let value: serde_json::Value = image.deserialize().unwrap();
    assert_eq!(value, image.to_json());
    // Targets that ask for bytes still get the bytes.
    let bytes = AttributeValue::B(b"hi".to_vec());
    assert_eq!(bytes.deserialize::<&[u8]>().unwrap(), b"hi");
    assert_eq!(bytes.deserialize::<Vec<u8>>().unwrap(), b"hi");
}
