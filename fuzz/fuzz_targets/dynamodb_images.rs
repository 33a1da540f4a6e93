//! DynamoDB Streams events: reading never panics, and each image (`Keys`,
//! `NewImage`, `OldImage`) reads the same way through every path: as an
//! `Image` (its `get` and `to_json` agreeing), into `serde_json::Value`,
//! and into a struct, straight from the event text or through the `Image`.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use serde::Deserialize;

use lambda_batch::source::dynamodb::{AttributeValue, Image};
use lambda_batch::source::{DynamoDb, DynamoDbRecord, EventSource};
use lambda_batch::RecordError;
use lambda_batch_fuzz::assert_usable;

/// An item of the shape the seeds' images have, every field optional.
#[derive(Debug, PartialEq, Deserialize)]
#[allow(dead_code)]
struct Item {
    #[serde(default, rename = "Id")]
    id: Option<u64>,
    #[serde(default, rename = "Message")]
    message: Option<String>,
    #[serde(default)]
    id_text: Option<String>,
    #[serde(default)]
    qty: Option<i64>,
    #[serde(default)]
    price: Option<f64>,
    #[serde(default)]
    active: Option<bool>,
    #[serde(default)]
    tags: Option<Vec<String>>,
    #[serde(default)]
    numbers: Option<Vec<f64>>,
    #[serde(default)]
    data: Option<Vec<u8>>,
    #[serde(default)]
    nested: Option<BTreeMap<String, serde_json::Value>>,
    #[serde(default)]
    list: Option<Vec<serde_json::Value>>,
}

type Read<'r, T> = Result<Option<T>, RecordError>;

fn check_image(
    image: Read<'_, Image<'_>>,
    as_value: Read<'_, serde_json::Value>,
    as_item: Read<'_, Item>,
    which: &str,
) {
    let image = match image {
        Ok(Some(image)) => image,
        Ok(None) => {
            assert!(
                matches!(as_value, Ok(None)),
                "{which}: absent, yet read as {as_value:?}"
            );
            assert!(
                matches!(as_item, Ok(None)),
                "{which}: absent, yet read as {as_item:?}"
            );
            return;
        }
        // The struct may still read: only the attributes it reads are
        // checked.
        Err(_) => return,
    };
    let json = image.to_json();
    let object = json.as_object().expect("an image is an object");
    for (name, value) in image.iter() {
        let got = image.get(name).expect("an attribute of the image");
        assert_eq!(
            object.get(name),
            Some(&got.to_json()),
            "{which}.{name}: get and to_json"
        );
        let _ = (value.type_name(), value.to_json());
        let _ = value.deserialize::<serde_json::Value>();
    }
    let through_image = image.deserialize::<Item>().map_err(|e| e.to_string());
    match (as_item, through_image) {
        (Ok(Some(direct)), Ok(tree)) => assert_eq!(direct, tree, "{which}: text and image paths"),
        (Err(_), Err(_)) => {}
        (direct, tree) => panic!("{which}: from the text {direct:?}, through the image {tree:?}"),
    }
    let _ = as_value;
    let _ = image.clone().into_owned();
    let _ = AttributeValue::M(image).to_json();
}

fuzz_target!(|data: &[u8]| {
    let Ok(event) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(parsed) = DynamoDb::parse(event) else {
        assert!(DynamoDb::parse_check(event).is_err());
        return;
    };
    assert_eq!(DynamoDb::parse_check(event), Ok(parsed.len()));
    for record in &parsed {
        if let Some(id) = record.identifier() {
            assert_usable(id, "dynamodb");
        }
        let Ok(r): Result<&DynamoDbRecord<'_>, _> = record.record() else {
            continue;
        };
        check_image(
            r.new_image(),
            r.new_image_as(),
            r.new_image_as(),
            "NewImage",
        );
        check_image(
            r.old_image(),
            r.old_image_as(),
            r.old_image_as(),
            "OldImage",
        );
        check_image(r.keys(), r.keys_as(), r.keys_as(), "Keys");
        let _ = (
            r.size_bytes(),
            r.approximate_creation_date_time(),
            r.stream_view_type(),
        );
        let _ = (
            r.event_id(),
            r.event_name(),
            r.change(),
            r.event_version(),
            r.event_source(),
        );
        let _ = (
            r.aws_region(),
            r.event_source_arn(),
            r.user_identity(),
            r.is_ttl_delete(),
        );
        let _ = DynamoDb::ordering_key(r);
        let _ = r.clone().into_owned();
    }
});
