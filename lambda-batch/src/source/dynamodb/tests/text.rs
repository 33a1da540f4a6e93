use std::borrow::Cow;
use std::collections::BTreeMap;

use serde_json::json;

use super::tree::{everything, Everything, Shape, TYPED};
use super::*;
use crate::source::dynamodb::{from_str, tree, ImageError};

fn err<T: serde::de::DeserializeOwned + std::fmt::Debug>(image: &str) -> String {
    from_str::<T>(image).unwrap_err().to_string()
}

#[test]
fn every_type_deserializes_straight_from_the_text() {
    let value: Everything<'_, Vec<u8>> = from_str(TYPED).unwrap();
    assert_eq!(value, everything(vec![0xff]));
    // Through a record: the same, from the event text.
    with_record(TYPED, |r| {
        let value = r.new_image_as::<Everything<'_, Vec<u8>>>().unwrap();
        assert_eq!(value, Some(everything(vec![0xff])));
    });
}

#[test]
fn untyped_targets_get_what_the_tree_gives() {
    for image in [ALL_TYPES, TYPED] {
        let text: serde_json::Value = from_str(image).unwrap();
        assert_eq!(text, tree::image(image).unwrap().to_json());
    }
    let huge: serde_json::Value =
        from_str(r#"{"h":{"N":"123456789012345678901234567890"}}"#).unwrap();
    assert_eq!(huge, json!({"h": "123456789012345678901234567890"}));
}

#[test]
fn attributes_not_read_are_not_checked() {
    #[derive(Debug, serde::Deserialize)]
    struct Status {
        status: String,
    }
    let image = r#"{"x":{"X":1},"b":{"B":"%%"},"n":{"N":"abc"},"l":{"L":{}},"two":{"S":"a","N":"1"},
        "status":{"S":"ok"},"after":[1,{"S":2}]}"#;
    assert_eq!(from_str::<Status>(image).unwrap().status, "ok");
    // The same attributes fail a reader that reads them.
    assert_eq!(
        from_str::<BTreeMap<String, serde_json::Value>>(image).unwrap_err(),
        ImageError::new("unknown attribute type `X`").at_key("x")
    );
}

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

fn order(third: &str) -> String {
    format!(
        r#"{{"order":{{"M":{{"items":{{"L":[{{"M":{{"qty":{{"N":"1"}}}}}},{{"M":{{"qty":{{"N":"2"}}}}}},{{"M":{{"qty":{third}}}}}]}}}}}}}}"#
    )
}

#[test]
fn errors_name_the_attribute_path() {
    assert!(from_str::<Order>(&order(r#"{"N":"3"}"#)).is_ok());
    let cases = [
        (
            r#"{"N":"256"}"#,
            "order.items[2].qty: number `256` is out of range for u8",
        ),
        (
            r#"{"N":"2.5"}"#,
            "order.items[2].qty: number `2.5` is not a whole number, expected u8",
        ),
        (
            r#"{"S":"one"}"#,
            r#"order.items[2].qty: invalid type: string "one", expected u8"#,
        ),
        (
            r#"{"Q":"1"}"#,
            "order.items[2].qty: unknown attribute type `Q`",
        ),
        (r#"{"N":"1x"}"#, "order.items[2].qty: `1x` is not a number"),
    ];
    for (third, message) in cases {
        assert_eq!(err::<Order>(&order(third)), message, "{third}");
    }
    let missing = from_str::<Order>(r#"{"order":{"M":{"items":{"L":[{"M":{}}]}}}}"#).unwrap_err();
    assert_eq!(
        (missing.path(), missing.message()),
        ("order.items[0]", "missing field `qty`")
    );
    assert_eq!(
        err::<Order>(r#"{"order":{"M":{"items":{"SS":["a"]}}}}"#),
        r#"order.items[0]: invalid type: string "a", expected struct Item"#
    );

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Strict {
        #[allow(dead_code)]
        a: Option<f64>,
    }
    assert_eq!(
        err::<Strict>(r#"{"a":{"N":"0.30000000000000000000001"}}"#),
        "a: number `0.30000000000000000000001` cannot be represented exactly as f64"
    );
    assert_eq!(
        from_str::<Strict>(r#"{"b":{"N":"1"}}"#).unwrap_err().path(),
        "b"
    );
}

#[test]
fn numbers_are_exact_or_refused() {
    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Wide {
        u: u64,
        i: i64,
        uu: u128,
        ii: i128,
        f: f64,
        text: String,
    }
    let wide = |u: &str, i: &str, uu: &str, f: &str| {
        format!(
            r#"{{"u":{{"N":"{u}"}},"i":{{"N":"{i}"}},"uu":{{"N":"{uu}"}},"ii":{{"N":"-1E2"}},"f":{{"N":"{f}"}},"text":{{"N":"{uu}"}}}}"#
        )
    };
    let max = "340282366920938463463374607431768211455";
    assert_eq!(
        from_str::<Wide>(&wide(
            "18446744073709551615",
            "-9223372036854775808",
            max,
            "0.1"
        ))
        .unwrap(),
        Wide {
            u: u64::MAX,
            i: i64::MIN,
            uu: u128::MAX,
            ii: -100,
            f: 0.1,
            text: max.to_owned()
        }
    );
    let cases = [
        (wide("18446744073709551616", "1", "1", "1"), "u: number `18446744073709551616` is out of range for u64"),
        (wide("1", "9223372036854775808", "1", "1"), "i: number `9223372036854775808` is out of range for i64"),
        (
            wide("1", "1", "340282366920938463463374607431768211456", "1"),
            "uu: number `340282366920938463463374607431768211456` is out of range for u128",
        ),
        (wide("1", "1", "1", "1e400"), "f: number `1e400` is out of range for f64"),
        (
            wide("1", "1", "1", "1.0000000000000000000000000000000000001"),
            "f: number `1.0000000000000000000000000000000000001` cannot be represented exactly as f64",
        ),
    ];
    for (image, message) in cases {
        assert_eq!(err::<Wide>(&image), message);
    }
    let sets: (Vec<u8>, Vec<f32>) =
        from_str::<BTreeMap<String, Vec<f64>>>(r#"{"ns":{"NS":["1","2.5"]}}"#)
            .map(|m| (vec![m["ns"].len() as u8], vec![m["ns"][1] as f32]))
            .unwrap();
    assert_eq!(sets, (vec![2], vec![2.5]));
    assert_eq!(
        err::<BTreeMap<String, Vec<u8>>>(r#"{"ns":{"NS":["1","x"]}}"#),
        "ns[1]: `x` is not a number"
    );
}

#[test]
fn strings_borrow_when_they_can_and_binaries_decode() {
    #[derive(Debug, serde::Deserialize)]
    struct Text<'a> {
        #[serde(borrow)]
        plain: &'a str,
        #[serde(borrow)]
        escaped: Cow<'a, str>,
        bytes: Vec<u8>,
        set: Vec<Vec<u8>>,
    }
    let image = r#"{"plain":{"S":"abc"},"escaped":{"S":"a\nb"},"bytes":{"B":"AAEC"},"set":{"BS":["AQ==","Ag=="]}}"#;
    let text: Text<'_> = from_str(image).unwrap();
    assert_eq!(text.plain, "abc");
    assert!(matches!(text.escaped, Cow::Owned(ref s) if s == "a\nb"));
    assert_eq!(
        (text.bytes, text.set),
        (vec![0, 1, 2], vec![vec![1], vec![2]])
    );
    #[derive(Debug, serde::Deserialize)]
    struct Borrowed<'a> {
        #[allow(dead_code)]
        s: &'a str,
    }
    assert!(from_str::<Borrowed<'_>>(r#"{"s":{"S":"a\"b"}}"#).is_err());
    assert_eq!(
        err::<BTreeMap<String, Vec<u8>>>(r#"{"b":{"B":"not base64!"}}"#),
        "b: binary value is not valid base64 (Invalid symbol 32, offset 3.)"
    );
    let names: BTreeMap<String, bool> = from_str(r#"{"caf\u00e9":{"BOOL":true}}"#).unwrap();
    assert!(names["caf\u{e9}"]);
}

#[test]
fn options_enums_and_lengths() {
    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Shapes {
        shapes: Vec<Shape>,
        gone: Option<u8>,
        here: Option<u8>,
        unit: (),
    }
    let image = r#"{"shapes":{"L":[{"M":{"Circle":{"N":"1.5"}}},{"M":{"Rect":{"M":{"w":{"N":"2"},"h":{"N":"3"}}}}},
        {"M":{"Pair":{"L":[{"N":"1"},{"N":"2"}]}}},{"S":"Empty"},{"M":{"Empty":{"NULL":true}}}]},
        "gone":{"NULL":true},"here":{"N":"4"},"unit":{"NULL":true}}"#;
    let shapes: Shapes = from_str(image).unwrap();
    assert_eq!(
        shapes,
        Shapes {
            shapes: vec![
                Shape::Circle(1.5),
                Shape::Rect { w: 2, h: 3 },
                Shape::Pair(1, 2),
                Shape::Empty,
                Shape::Empty
            ],
            gone: None,
            here: Some(4),
            unit: (),
        }
    );
    assert_eq!(
        err::<BTreeMap<String, Shape>>(r#"{"s":{"M":{"Empty":{"S":"x"}}}}"#),
        r#"s.Empty: invalid type: string "x", expected NULL for a unit variant"#
    );
    assert_eq!(
        err::<BTreeMap<String, Shape>>(r#"{"s":{"M":{"Circle":{"N":"1"},"Empty":{"NULL":true}}}}"#),
        "s: invalid value: map, expected a map with a single attribute naming the variant"
    );
    assert_eq!(
        err::<BTreeMap<String, ((), ())>>(
            r#"{"l":{"L":[{"NULL":true},{"NULL":true},{"NULL":true}]}}"#
        ),
        "l: invalid length 3, expected fewer elements in the list"
    );
}

#[test]
fn what_is_not_an_image_is_refused() {
    assert_eq!(
        err::<serde_json::Value>("[1]"),
        "found an array, expected a map of attributes"
    );
    assert_eq!(
        err::<serde_json::Value>("{} {}"),
        "trailing characters after the image"
    );
    assert_eq!(
        err::<serde_json::Value>(r#"{"a":{"S":"x"}"#),
        "malformed JSON: expected `,` between members"
    );
    let empty: BTreeMap<String, u8> = from_str(" {} ").unwrap();
    assert!(empty.is_empty());
}
