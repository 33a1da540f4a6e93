use super::*;
use crate::source::{EventSource, Kafka};
use crate::typed::FromRecord;

fn records_of(values: &[&[u8]]) -> String {
    use base64::Engine as _;
    let list: Vec<String> = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let v = base64::engine::general_purpose::STANDARD.encode(v);
            format!(r#"{{"offset":{i},"key":"{v}","value":"{v}"}}"#)
        })
        .collect();
    format!(r#"{{"records":{{"t-0":[{}]}}}}"#, list.join(","))
}

#[test]
fn plain_json_keeps_its_messages_and_framed_json_names_the_frame() {
    let event = records_of(&[
        br#"{"id":"x"}"#,
        &[&[0, 0, 0, 0, 5][..], br#"{"id":"x"}"#].concat(),
    ]);
    let records = Kafka::parse(&event).unwrap();
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Order {
        id: u32,
    }
    let err = Order::from_part(records[0].record().unwrap(), Part::Value).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("payload `value` does not decode: id: invalid type"),
        "{err}"
    );
    let err = Order::from_part(records[1].record().unwrap(), Part::Key).unwrap_err();
    assert_eq!(err.path(), "id");
    assert!(
        err.message()
            .starts_with("JSON (Confluent frame, schema id 5): invalid type"),
        "{err}"
    );
}

#[test]
fn json_wrappers_carry_the_schema_id() {
    let event = records_of(&[b"[1]", &[&[0, 0, 0, 0, 5][..], b"[2]"].concat()]);
    let records = Kafka::parse(&event).unwrap();
    let plain = Json::<Vec<u8>>::from_part(records[0].record().unwrap(), Part::Key).unwrap();
    assert_eq!((plain.value, plain.schema_id), (vec![1], None));
    let keyed =
        Keyed::<Json<Vec<u8>>, Json<Vec<u8>>>::from_record(records[1].record().unwrap()).unwrap();
    assert_eq!(keyed.key.unwrap().schema_id, Some(SchemaId::Confluent(5)));
    assert_eq!(*keyed.value, [2]);
}

#[test]
fn a_value_that_is_not_json_says_so_with_its_frame() {
    let event = records_of(&[
        b"order-7",
        &[&[0, 0, 0, 0, 5][..], b"{\"id\":"].concat(),
        &[&[3, 0][..], &[0x12; 16], b"[1"].concat(),
    ]);
    let records = Kafka::parse(&event).unwrap();
    let value = |i: usize| Vec::<u8>::from_part(records[i].record().unwrap(), Part::Value);
    let messages: Vec<String> = (0..3).map(|i| value(i).unwrap_err().to_string()).collect();
    assert_eq!(
        messages,
        [
            "payload `value` is not JSON: expected value at line 1 column 1",
            "payload `value` is not JSON (Confluent frame, schema id 5): EOF while parsing a value at line 1 column 6",
            "payload `value` is not JSON (Glue frame, schema version 12121212-1212-1212-1212-121212121212): EOF while parsing a list at line 1 column 2",
        ]
    );
    assert!(value(1).unwrap_err().is_not_json());
    // A key that is not JSON is read as text.
    let key = String::from_part(records[0].record().unwrap(), Part::Key).unwrap();
    assert_eq!(key, "order-7");
}
