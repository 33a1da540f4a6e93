//! Arbitrary bytes as a framed key or value never panic and fail at most
//! their own record.

use proptest::prelude::*;

use lambda_batch::typed::kafka::Json;
use lambda_batch::typed::typed;

use super::{event, keyed, Rec};

fn frames() -> impl Strategy<Value = Vec<u8>> {
    let any = proptest::collection::vec(any::<u8>(), 0..64);
    prop_oneof![
        any.clone(),
        any.clone().prop_map(|rest| [&[0u8][..], &rest].concat()),
        any.clone().prop_map(|rest| [&[3u8, 0][..], &rest].concat()),
        any.prop_map(|rest| [&[3u8, 5][..], &[1; 16], &rest].concat()),
    ]
}

fn metadata() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just(r#","valueSchemaMetadata":{"schemaId":"5"}"#.to_owned()),
        Just(
            r#","valueSchemaMetadata":{"schemaId":"12345678-1234-1234-1234-123456789012"}"#
                .to_owned()
        ),
    ]
}

/// Runs the three-record batch `[ok, bytes, ok]` through `handler` and
/// checks that only the middle record may fail.
macro_rules! only_the_middle_may_fail {
    ($handler:expr, $good:expr, $bytes:expr, $meta:expr) => {{
        let records = [
            keyed($good, $good),
            keyed($bytes.clone(), $bytes.clone()).with(&$meta),
            keyed($good, $good),
        ];
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let errors = runtime.block_on(async { super::errors!($handler, event(&records)) });
        prop_assert_eq!(&errors[0], &None);
        prop_assert_eq!(&errors[2], &None);
    }};
}

fn good_json() -> Vec<u8> {
    b"[1]".to_vec()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn json(bytes in frames(), meta in metadata()) {
        let handler = typed(|k: lambda_batch::typed::kafka::Keyed<Json<Vec<u8>>, Json<Vec<u8>>>| Ok::<_, String>(k.value.len()));
        only_the_middle_may_fail!(handler, good_json(), bytes, meta);
    }

    #[cfg(feature = "avro")]
    #[test]
    fn avro(bytes in frames(), meta in metadata()) {
        use lambda_batch::typed::kafka::{Avro, AvroSchema, WriterSchema};
        #[derive(serde::Deserialize)]
        struct Doc { #[allow(dead_code)] tags: Vec<String>, #[allow(dead_code)] n: Option<i64> }
        impl AvroSchema for Doc {
            fn writer_schema() -> &'static WriterSchema {
                static SCHEMA: WriterSchema = WriterSchema::new(r#"{"type":"record","name":"Doc","fields":[
                    {"name":"tags","type":{"type":"array","items":"string"}},{"name":"n","type":["null","long"]}]}"#);
                &SCHEMA
            }
        }
        // tags ["a"], n null: plain (its first byte, 2, is no frame's).
        let good = vec![2, 2, b'a', 0, 0];
        let handler = typed(|k: lambda_batch::typed::kafka::Keyed<Avro<Doc>, Avro<Doc>>| Ok::<_, String>(k.value.tags.len()));
        only_the_middle_may_fail!(handler, good.clone(), bytes, meta);
    }

    #[cfg(feature = "protobuf")]
    #[test]
    fn protobuf(bytes in frames(), meta in metadata()) {
        use lambda_batch::typed::kafka::Protobuf;
        #[derive(Clone, PartialEq, prost::Message)]
        struct Doc {
            #[prost(string, repeated, tag = "1")]
            tags: Vec<String>,
            #[prost(message, optional, tag = "2")]
            child: Option<Box<Doc>>,
        }
        let good = vec![10, 1, b'a'];
        let handler = typed(|k: lambda_batch::typed::kafka::Keyed<Protobuf<Doc>, Protobuf<Doc>>| Ok::<_, String>(k.value.tags.len()));
        only_the_middle_may_fail!(handler, good.clone(), bytes, meta);
    }
}

#[test]
fn records_are_built_as_given() {
    // The helper's own check: a record without key or value has neither.
    assert!(!event(&[Rec::default()]).contains("\"value\""));
}
