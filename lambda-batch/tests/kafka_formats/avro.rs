//! Avro keys and values: Powertools' sample, each framing, failures.

use std::sync::Mutex;

use apache_avro::types::Value;
use lambda_batch::typed::kafka::{Avro, AvroSchema, Framing, Keyed, SchemaId, WriterSchema};
use lambda_batch::typed::typed;

use super::{errors, event, fixture, keyed, only_failed, value};

const PRODUCT: &str = r#"{"type":"record","name":"Product","fields":[
    {"name":"id","type":"int"},{"name":"name","type":"string"},{"name":"price","type":"double"}]}"#;

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
struct Product {
    id: i32,
    name: String,
    price: f64,
}

impl AvroSchema for Product {
    fn writer_schema() -> &'static WriterSchema {
        static SCHEMA: WriterSchema = WriterSchema::new(PRODUCT);
        &SCHEMA
    }
}

/// The same, on a topic without a registry.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
struct PlainProduct {
    id: i32,
    name: String,
    price: f64,
}

impl AvroSchema for PlainProduct {
    fn writer_schema() -> &'static WriterSchema {
        static SCHEMA: WriterSchema = WriterSchema::new(PRODUCT).framing(Framing::Plain);
        &SCHEMA
    }
}

/// Registered as Confluent schema 1: payloads naming another id fail.
#[derive(Debug, serde::Deserialize)]
struct Registered {
    id: i32,
}

impl AvroSchema for Registered {
    fn writer_schema() -> &'static WriterSchema {
        static SCHEMA: WriterSchema = WriterSchema::new(
            r#"{"type":"record","name":"R","fields":[{"name":"id","type":"int"}]}"#,
        )
        .schema_id(SchemaId::Confluent(1));
        &SCHEMA
    }
}

#[derive(Debug, PartialEq, serde::Deserialize)]
struct UserKey {
    user_id: String,
}

impl AvroSchema for UserKey {
    fn writer_schema() -> &'static WriterSchema {
        static SCHEMA: WriterSchema = WriterSchema::new(
            r#"{"type":"record","name":"Key","namespace":"com.example","fields":[{"name":"user_id","type":"string"}]}"#,
        );
        &SCHEMA
    }
}

fn datum(schema: &WriterSchema, value: Value) -> Vec<u8> {
    apache_avro::to_avro_datum(schema.schema().unwrap(), value).unwrap()
}

fn product(id: i32, name: &str, price: f64) -> Vec<u8> {
    datum(
        Product::writer_schema(),
        Value::Record(vec![
            ("id".into(), Value::Int(id)),
            ("name".into(), Value::String(name.into())),
            ("price".into(), Value::Double(price)),
        ]),
    )
}

fn user_key(id: &str) -> Vec<u8> {
    datum(
        UserKey::writer_schema(),
        Value::Record(vec![("user_id".into(), Value::String(id.into()))]),
    )
}

const GLUE: [u8; 16] = *b"0123456789abcdef";

fn confluent(id: u32, payload: &[u8]) -> Vec<u8> {
    [&[0][..], &id.to_be_bytes(), payload].concat()
}

fn glue(compression: u8, payload: &[u8]) -> Vec<u8> {
    [&[3, compression][..], &GLUE, payload].concat()
}

fn zlib(data: &[u8]) -> Vec<u8> {
    use std::io::Write as _;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(data).unwrap();
    z.finish().unwrap()
}

#[tokio::test]
async fn powertools_avro_sample_decodes_to_the_values_its_tests_expect() {
    let seen = Mutex::new(Vec::new());
    let handler = typed(|k: Keyed<String, Avro<PlainProduct>>| {
        seen.lock().unwrap().push((k.key, k.value.into_inner()));
        Ok::<_, String>(())
    });
    let errors = errors!(handler, fixture("avro.json"));
    assert_eq!(errors, [None, None, None]);
    let product = |id, name: &str, price| PlainProduct {
        id,
        name: name.into(),
        price,
    };
    assert_eq!(
        *seen.lock().unwrap(),
        [
            (Some("42".to_owned()), product(1001, "Laptop", 999.99)),
            (Some("42".to_owned()), product(1002, "Smartphone", 599.99)),
            (None, product(1003, "Headphones", 149.99)),
        ]
    );
}

#[tokio::test]
async fn each_framing_of_keys_and_values_decodes_and_names_its_schema() {
    let (k, v) = (user_key("user-123"), product(7, "pen", 1.5));
    let records = [
        keyed(confluent(11, &k), confluent(12, &v)),
        keyed(glue(0, &k), glue(0, &v)),
        keyed(glue(5, &zlib(&k)), glue(5, &zlib(&v))),
        keyed(k.clone(), v.clone()).with(
            r#","keySchemaMetadata":{"dataFormat":"AVRO","schemaId":"21"},"valueSchemaMetadata":{"dataFormat":"AVRO","schemaId":"22"}"#,
        ),
    ];
    let seen = Mutex::new(Vec::new());
    let handler = typed(|k: Keyed<Avro<UserKey>, Avro<Product>>| {
        let key = k.key.expect("a key");
        assert_eq!(
            (key.user_id.as_str(), k.value.name.as_str()),
            ("user-123", "pen")
        );
        seen.lock()
            .unwrap()
            .push((key.schema_id, k.value.schema_id));
        Ok::<_, String>(())
    });
    let errors = errors!(handler, event(&records));
    assert_eq!(errors, [None, None, None, None]);
    let glue = Some(SchemaId::Glue(GLUE));
    assert_eq!(
        *seen.lock().unwrap(),
        [
            (Some(SchemaId::Confluent(11)), Some(SchemaId::Confluent(12))),
            (glue, glue),
            (glue, glue),
            (Some(SchemaId::Confluent(21)), Some(SchemaId::Confluent(22))),
        ]
    );
}

#[tokio::test]
async fn an_undecodable_value_fails_only_its_record_saying_why() {
    let good = confluent(1, &product(1, "a", 1.0));
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"invalid avro data".to_vec(), "payload `value` does not decode: AVRO (plain): "),
        (vec![0, 0, 0], "payload `value` does not decode: AVRO (Confluent frame): 3 bytes, a frame has at least 5"),
        (confluent(1, &product(1, "a", 1.0)[..3]), "payload `value` does not decode: AVRO (Confluent frame, schema id 1): "),
        ([&product(1, "a", 1.0)[..], &[9]].concat(), "payload `value` does not decode: AVRO (plain): "),
        (glue(0, &[]), "payload `value` does not decode: AVRO (Glue frame, schema version 30313233-3435-3637-3839-616263646566): "),
        (glue(5, b"not zlib"), "payload `value` does not decode: AVRO (Glue frame): schema version 30313233-3435-3637-3839-616263646566: the zlib data does not inflate"),
        (glue(7, &[]), "payload `value` does not decode: AVRO (Glue frame): compression byte 7 is neither 0 (none) nor 5 (zlib)"),
    ];
    for (bad, message) in cases {
        let records = [value(good.clone()), value(bad), value(good.clone())];
        let errors = errors!(
            typed(|p: Avro<Product>| Ok::<_, String>(p.id)),
            event(&records)
        );
        only_failed(&errors, 1, message);
    }
}

#[tokio::test]
async fn a_payload_of_another_schema_id_fails_only_its_record() {
    let datum = datum(
        Registered::writer_schema(),
        Value::Record(vec![("id".into(), Value::Int(5))]),
    );
    let records = [
        value(confluent(1, &datum)),
        value(confluent(7, &datum)),
        value(datum.clone()).with(r#","valueSchemaMetadata":{"dataFormat":"AVRO","schemaId":"1"}"#),
    ];
    let errors = errors!(
        typed(|r: Avro<Registered>| Ok::<_, String>(r.id)),
        event(&records)
    );
    only_failed(
        &errors,
        1,
        "payload `value` does not decode: AVRO (Confluent frame, schema id 7): written with schema 7, this writer schema is 1",
    );
}

#[tokio::test]
async fn a_key_that_does_not_decode_names_the_key() {
    let v = product(1, "a", 1.0);
    let records = [
        keyed(user_key("u-1"), v.clone()),
        keyed(&b"\x02"[..], v.clone()),
        keyed(user_key("u-3"), v),
    ];
    let errors = errors!(
        typed(|k: Keyed<Avro<UserKey>, Avro<Product>>| Ok::<_, String>(k.value.id)),
        event(&records)
    );
    only_failed(&errors, 1, "payload `key` does not decode: AVRO (plain): ");
}

#[tokio::test]
async fn tombstones_read_as_null() {
    let records = [value(product(1, "a", 1.0)), super::Rec::default()];
    let seen = Mutex::new(Vec::new());
    let handler = typed(|p: Avro<Option<Product>>| {
        seen.lock().unwrap().push(p.into_inner().map(|p| p.id));
        Ok::<_, String>(())
    });
    assert_eq!(errors!(handler, event(&records)), [None, None]);
    assert_eq!(*seen.lock().unwrap(), [Some(1), None]);
    let errors = errors!(
        typed(|p: Avro<Product>| Ok::<_, String>(p.id)),
        event(&records)
    );
    only_failed(&errors, 1, "payload `value` does not decode: AVRO (absent): the record has no value (take `Avro<Option<T>>` for tombstones)");
}

#[test]
fn a_schema_that_does_not_parse_fails_every_record_with_the_parser_message() {
    static BROKEN: WriterSchema = WriterSchema::new(
        r#"{"type":"record","name":"User","fields":[{"name":"age","type":"integer"}]}"#,
    );
    let err = BROKEN.schema().unwrap_err();
    assert!(
        err.to_string()
            .starts_with("the Avro schema does not parse: "),
        "{err}"
    );
}
