//! Protocol Buffers keys and values: Powertools' samples (among them two
//! that Lambda delivered from Confluent and Glue registries), each framing,
//! failures.

use std::collections::HashMap;
use std::sync::Mutex;

use lambda_batch::typed::kafka::{Keyed, Protobuf, SchemaId};
use lambda_batch::typed::typed;
use prost::Message as _;

use super::{errors, event, fixture, keyed, only_failed, value};

/// `packages/kafka/tests/protos/product.proto` of Powertools (TypeScript).
#[derive(Clone, PartialEq, prost::Message)]
struct Product {
    #[prost(int32, tag = "1")]
    id: i32,
    #[prost(string, tag = "2")]
    name: String,
    #[prost(double, tag = "3")]
    price: f64,
}

/// `com.example.protobuf.Address`.
#[derive(Clone, PartialEq, prost::Message)]
struct Address {
    #[prost(string, tag = "1")]
    street: String,
    #[prost(string, tag = "2")]
    city: String,
    #[prost(string, tag = "3")]
    zip: String,
}

/// `com.example.protobuf.UserProfile`.
#[derive(Clone, PartialEq, prost::Message)]
struct UserProfile {
    #[prost(string, tag = "1")]
    user_id: String,
    #[prost(string, tag = "2")]
    name: String,
    #[prost(string, tag = "3")]
    email: String,
    #[prost(int32, tag = "4")]
    age: i32,
    #[prost(bool, tag = "5")]
    is_active: bool,
    #[prost(string, tag = "6")]
    signup_date: String,
    #[prost(string, repeated, tag = "7")]
    tags: Vec<String>,
    #[prost(double, tag = "8")]
    score: f64,
    #[prost(map = "string, string", tag = "9")]
    preferences: HashMap<String, String>,
    #[prost(message, optional, tag = "10")]
    address: Option<Address>,
}

fn laptop() -> Product {
    Product {
        id: 1001,
        name: "Laptop".into(),
        price: 999.99,
    }
}

#[tokio::test]
async fn powertools_protobuf_sample_decodes_what_is_framed_as_its_metadata_says() {
    let seen = Mutex::new(Vec::new());
    let handler = typed(|p: Protobuf<Product>| {
        seen.lock().unwrap().push(p.into_inner());
        Ok::<_, String>(())
    });
    let errors = errors!(handler, fixture("protobuf.json"));
    // The first value is plain: it decodes as Powertools' tests expect. The
    // other two claim a Glue and a Confluent schema but lack the message
    // index(es) Lambda leaves: each fails alone, saying which.
    assert_eq!(errors[0], None);
    let second = errors[1].as_deref().unwrap();
    assert!(
        second.starts_with("payload `value` does not decode: PROTOBUF (registry framing removed by Lambda, schema id 7d55d475-2244-4485-8341-f74468c1e058): "),
        "{second}"
    );
    let third = errors[2].as_deref().unwrap();
    assert!(
        third.starts_with("payload `value` does not decode: PROTOBUF (registry framing removed by Lambda, schema id 2): "),
        "{third}"
    );
    assert_eq!(*seen.lock().unwrap(), [laptop()]);
}

#[tokio::test]
async fn powertools_delimited_protobuf_values_decode() {
    // Powertools (TypeScript) "handles protobuf messages with delimiters":
    // plain; Confluent's [0] shortcut; [1, 0] written as plain varints.
    let meta = r#","valueSchemaMetadata":{"dataFormat":"PROTOBUF","schemaId":"1"}"#;
    let event = event(&[
        value(b64d("COkHEgZMYXB0b3AZUrgehes/j0A=")),
        value(b64d("AAjpBxIGTGFwdG9wGVK4HoXrP49A")).with(meta),
        value(b64d("AgEACOkHEgZMYXB0b3AZUrgehes/j0A=")).with(meta),
    ]);
    let seen = Mutex::new(Vec::new());
    let handler = typed(|p: Protobuf<Product>| {
        seen.lock().unwrap().push((p.schema_id, p.into_inner()));
        Ok::<_, String>(())
    });
    assert_eq!(errors!(handler, event.clone()), [None, None, None]);
    let one = Some(SchemaId::Confluent(1));
    assert_eq!(
        *seen.lock().unwrap(),
        [(None, laptop()), (one, laptop()), (one, laptop())]
    );
}

fn b64d(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap()
}

#[tokio::test]
async fn powertools_confluent_and_glue_registry_events_decode() {
    let seen = Mutex::new(Vec::new());
    let handler = || {
        typed(|k: Keyed<String, Protobuf<UserProfile>>| {
            seen.lock()
                .unwrap()
                .push((k.key, k.value.schema_id, k.value.into_inner()));
            Ok::<_, String>(())
        })
    };
    let errors = errors!(handler(), fixture("protobuf-complex.confluent.json"));
    assert_eq!(errors, [None, None, None, None]);
    let errors = errors!(handler(), fixture("protobuf-complex.glue.json"));
    assert_eq!(errors, [None]);
    let seen = seen.lock().unwrap();
    let user_ids = [
        "a8e40971-1552-420d-a7c9-b8982325702d",
        "4dcfc61b-3993-49c3-a04f-8a6c7aaf7881",
        "2a861628-0800-4b76-bd3f-6ecba7cd286c",
        "71320c73-ec57-446e-bd5b-9252d6943182",
    ];
    for ((key, schema_id, user), id) in seen.iter().zip(user_ids) {
        assert_eq!(
            (key.as_deref(), *schema_id),
            (Some(id), Some(SchemaId::Confluent(1)))
        );
        let expected = UserProfile {
            user_id: id.into(),
            name: "Bob".into(),
            email: "bob@example.com".into(),
            age: 28,
            is_active: true,
            signup_date: "2024-02-02".into(),
            tags: vec!["tag1".into(), "tag2".into()],
            score: 88.0,
            preferences: HashMap::from([("theme".into(), "light".into())]),
            address: Some(Address {
                street: "123 Ave".into(),
                city: "Seattle".into(),
                zip: "98101".into(),
            }),
        };
        assert_eq!(user, &expected);
    }
    let (key, schema_id, user) = &seen[4];
    assert_eq!(key.as_deref(), Some("42"));
    assert_eq!(
        *schema_id,
        Some(SchemaId::glue("12345678-1234-1234-1234-123456789012"))
    );
    assert_eq!(
        (
            user.user_id.as_str(),
            user.name.as_str(),
            user.email.as_str(),
            user.age
        ),
        ("123", "Test", "test@gmx.com", 10)
    );
    assert_eq!(
        user.address.as_ref().map(|a| a.city.as_str()),
        Some("Zurich")
    );
    assert_eq!(user.preferences["theme"], "light");
}

const GLUE: [u8; 16] = [7; 16];

fn zlib(data: &[u8]) -> Vec<u8> {
    use std::io::Write as _;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(data).unwrap();
    z.finish().unwrap()
}

#[tokio::test]
async fn each_framing_of_keys_and_values_decodes() {
    let message = laptop().encode_to_vec();
    let confluent =
        |id: u32, indexes: &[u8]| [&[0][..], &id.to_be_bytes(), indexes, &message].concat();
    let glue_index = [&[0][..], &message].concat();
    let records = [
        keyed(message.clone(), message.clone()),
        keyed(confluent(3, &[0]), confluent(4, &[2, 2])),
        keyed(
            [&[3, 0][..], &GLUE, &glue_index].concat(),
            [&[3, 5][..], &GLUE, &zlib(&glue_index)].concat(),
        ),
    ];
    let seen = Mutex::new(Vec::new());
    let handler = typed(|k: Keyed<Protobuf<Product>, Protobuf<Product>>| {
        let key = k.key.expect("a key");
        assert_eq!((&*key, &*k.value), (&laptop(), &laptop()));
        seen.lock()
            .unwrap()
            .push((key.schema_id, k.value.schema_id));
        Ok::<_, String>(())
    });
    assert_eq!(errors!(handler, event(&records)), [None, None, None]);
    let glue = Some(SchemaId::Glue(GLUE));
    assert_eq!(
        *seen.lock().unwrap(),
        [
            (None, None),
            (Some(SchemaId::Confluent(3)), Some(SchemaId::Confluent(4))),
            (glue, glue)
        ]
    );
}

#[tokio::test]
async fn an_undecodable_value_fails_only_its_record_saying_why() {
    let good = laptop().encode_to_vec();
    let cases: Vec<(Vec<u8>, &str, &str)> = vec![
        (b"invalid protobuf data".to_vec(), "", "payload `value` does not decode: PROTOBUF (plain): "),
        (good[..good.len() - 2].to_vec(), "", "payload `value` does not decode: PROTOBUF (plain): "),
        (vec![0, 0, 0, 0, 1], "", "payload `value` does not decode: PROTOBUF (Confluent frame, schema id 1): the message indexes end in the middle of their count"),
        (vec![3, 0, 1], "", "payload `value` does not decode: PROTOBUF (Glue frame): 3 bytes, a frame has at least 18"),
        (good.clone(), r#","valueSchemaMetadata":{"dataFormat":"AVRO"}"#, "payload `value` does not decode: valueSchemaMetadata says `dataFormat` AVRO, this payload type reads PROTOBUF"),
    ];
    for (bad, extra, message) in cases {
        let records = [
            value(good.clone()),
            value(bad).with(extra),
            value(good.clone()),
        ];
        let errors = errors!(
            typed(|p: Protobuf<Product>| Ok::<_, String>(p.id)),
            event(&records)
        );
        only_failed(&errors, 1, message);
    }
    let records = [value(good.clone()), super::Rec::default()];
    let errors = errors!(
        typed(|p: Protobuf<Product>| Ok::<_, String>(p.id)),
        event(&records)
    );
    only_failed(
        &errors,
        1,
        "payload `value` does not decode: PROTOBUF (absent): the record has no value",
    );
}
