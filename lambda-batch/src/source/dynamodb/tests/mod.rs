//! Unit tests of the DynamoDB Streams source: the record's fields
//! (`record`), images read as trees (`tree`) and straight from their text
//! into types (`text`).

use crate::error::RecordError;
use crate::response::ItemIdentifier;
use crate::source::{DynamoDb, EventSource};

mod reader;
mod record;
mod text;
mod tree;

fn event(records: &[&str]) -> String {
    format!(r#"{{"Records":[{}]}}"#, records.join(","))
}

fn with_new_image(sequence: &str, image: &str) -> String {
    format!(
        r#"{{"eventName":"MODIFY","dynamodb":{{"SequenceNumber":"{sequence}","NewImage":{image}}}}}"#
    )
}

/// Runs `read` on the record of a one-record event with this `NewImage`,
/// checking first that the record itself reads, identifier included.
fn with_record<T>(image: &str, read: impl FnOnce(&super::DynamoDbRecord<'_>) -> T) -> T {
    let text = event(&[&with_new_image("1", image)]);
    let records = DynamoDb::parse(&text).expect("a valid envelope");
    let parsed = records.into_iter().next().expect("one record");
    assert_eq!(parsed.identifier(), Some(&ItemIdentifier::from("1")));
    let record = parsed.record().expect("a record reads whatever its image");
    read(record)
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
