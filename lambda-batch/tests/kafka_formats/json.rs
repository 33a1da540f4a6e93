//! JSON keys and values, plain and framed, in the default build.

use lambda_batch::typed::kafka::{Json, Keyed, SchemaId};
use lambda_batch::typed::typed;

use super::{errors, event, keyed, only_failed, value};

#[derive(Debug, serde::Deserialize)]
struct Order {
    id: u32,
}

const GLUE: [u8; 16] = [
    0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0x12, 0x34, 0x12, 0x34, 0x12, 0x34, 0x56, 0x78, 0x90, 0x12,
];

fn confluent(id: u32, payload: &[u8]) -> Vec<u8> {
    [&[0][..], &id.to_be_bytes(), payload].concat()
}

fn glue(payload: &[u8]) -> Vec<u8> {
    [&[3, 0][..], &GLUE, payload].concat()
}

fn check(keyed: Keyed<Json<String>, Json<Order>>) -> Result<(), String> {
    match (keyed.key, keyed.value.id) {
        (Some(key), id) if *key == format!("order-{id}") => Ok(()),
        (key, id) => Err(format!("key {key:?} for order {id}")),
    }
}

#[tokio::test]
async fn each_framing_of_keys_and_values_decodes_and_names_its_schema() {
    let (key, order) = (&br#""order-1""#[..], &br#"{"id":1}"#[..]);
    let records = [
        keyed(key, order),
        keyed(confluent(7, key), confluent(8, order)),
        keyed(glue(key), glue(order)),
        keyed(key, order).with(
            r#","keySchemaMetadata":{"dataFormat":"JSON","schemaId":"3"},"valueSchemaMetadata":{"dataFormat":"JSON","schemaId":"12345678-1234-1234-1234-123456789012"}"#,
        ),
    ];
    let seen = std::sync::Mutex::new(Vec::new());
    let handler = typed(|k: Keyed<Json<String>, Json<Order>>| {
        seen.lock()
            .unwrap()
            .push((k.key.as_ref().and_then(|k| k.schema_id), k.value.schema_id));
        check(k)
    });
    let errors = errors!(handler, event(&records));
    assert_eq!(errors, [None, None, None, None]);
    let glue = Some(SchemaId::Glue(GLUE));
    assert_eq!(
        *seen.lock().unwrap(),
        [
            (None, None),
            (Some(SchemaId::Confluent(7)), Some(SchemaId::Confluent(8))),
            (glue, glue),
            (Some(SchemaId::Confluent(3)), glue),
        ]
    );
}

#[tokio::test]
async fn a_plain_payload_type_reads_framed_json_too() {
    let records = [
        value(confluent(1, br#"{"id":1}"#)),
        value(&b"{}"[..]),
        value(glue(br#"{"id":3}"#)),
    ];
    let errors = errors!(
        typed(|order: Order| Ok::<_, String>(order.id)),
        event(&records)
    );
    only_failed(
        &errors,
        1,
        "payload `value` does not decode: missing field `id`",
    );
}

#[tokio::test]
async fn an_undecodable_payload_fails_only_its_record_saying_why() {
    let cases: [(Vec<u8>, &str, &str); 5] = [
        (confluent(9, b"{"), "", "payload `value` is not JSON (Confluent frame, schema id 9): EOF"),
        (vec![0, 0, 1], "", "payload `value` does not decode: JSON (Confluent frame): 3 bytes, a frame has at least 5"),
        ([&[3, 0][..], &GLUE[..9]].concat(), "", "payload `value` does not decode: JSON (Glue frame): 11 bytes, a frame has at least 18"),
        (
            br#"{"id":2}"#.to_vec(),
            r#","valueSchemaMetadata":{"dataFormat":"AVRO","schemaId":"1"}"#,
            "payload `value` does not decode: valueSchemaMetadata says `dataFormat` AVRO, this payload type reads JSON",
        ),
        (
            br#"{"id":2}"#.to_vec(),
            r#","valueSchemaMetadata":"JSON""#,
            "payload `value` does not decode: field `valueSchemaMetadata` is invalid: invalid type: string",
        ),
    ];
    for (bad, extra, message) in cases {
        let records = [
            value(&br#"{"id":1}"#[..]),
            value(bad).with(extra),
            value(&br#"{"id":3}"#[..]),
        ];
        let errors = errors!(
            typed(|order: Json<Order>| Ok::<_, String>(order.id)),
            event(&records)
        );
        only_failed(&errors, 1, message);
    }
}

#[tokio::test]
async fn metadata_nobody_reads_fails_nothing() {
    // A handler of the record that never decodes a payload type.
    let records = [value(&b"x"[..]).with(r#","valueSchemaMetadata":[1,2]"#)];
    let errors = errors!(
        |record: lambda_batch::source::KafkaRecord<'_>| Ok::<_, String>(record.offset()),
        event(&records)
    );
    assert_eq!(errors, [None]);
}
