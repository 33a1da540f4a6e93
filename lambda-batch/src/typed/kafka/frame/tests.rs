use super::*;
use crate::source::{EventSource, Kafka};

fn event(value: &[u8], metadata: &str) -> String {
    use base64::Engine as _;
    let value = base64::engine::general_purpose::STANDARD.encode(value);
    format!(r#"{{"records":{{"t-0":[{{"offset":1,"value":"{value}"{metadata}}}]}}}}"#)
}

fn frame_of(
    value: &[u8],
    metadata: &str,
    format: Format,
    framing: Framing,
) -> Result<(Found, Vec<u8>), String> {
    let event = event(value, metadata);
    let records = Kafka::parse(&event).unwrap();
    let record = records[0].record().unwrap();
    let bytes = record.value().unwrap().unwrap();
    unframe(record, Part::Value, bytes, format, framing)
        .map(|f| (f.found, f.payload.into_owned()))
        .map_err(|e| e.to_string())
}

const UUID: [u8; 16] = [
    0x7d, 0x55, 0xd4, 0x75, 0x22, 0x44, 0x44, 0x85, 0x83, 0x41, 0xf7, 0x44, 0x68, 0xc1, 0xe0, 0x58,
];

#[test]
fn confluent_frames_name_their_schema_id() {
    let framed = [&[0, 0, 0, 1, 2][..], b"{}"].concat();
    assert_eq!(
        frame_of(&framed, "", Format::Json, Framing::Auto),
        Ok((Found::Confluent(258), b"{}".to_vec()))
    );
    // Protocol Buffers: the message indexes go too.
    for (indexes, rest) in [
        (&[0u8][..], &[8u8, 1][..]),
        (&[2, 2], &[8, 1]),
        (&[4, 2, 0], &[8, 1]),
    ] {
        let framed = [&[0, 0, 0, 0, 9][..], indexes, rest].concat();
        assert_eq!(
            frame_of(&framed, "", Format::Protobuf, Framing::Auto),
            Ok((Found::Confluent(9), rest.to_vec())),
            "{indexes:?}"
        );
    }
}

#[test]
fn truncated_frames_say_what_is_missing() {
    let err = frame_of(&[0, 0, 1], "", Format::Json, Framing::Auto).unwrap_err();
    assert_eq!(
        err,
        "payload `value` does not decode: JSON (Confluent frame): 3 bytes, a frame has at least 5 (magic byte 0, a 4-byte schema id)"
    );
    let err = frame_of(&[3, 0, 1, 2], "", Format::Json, Framing::Auto).unwrap_err();
    assert!(
        err.contains("JSON (Glue frame): 4 bytes, a frame has at least 18"),
        "{err}"
    );
    let err = frame_of(&[0, 0, 0, 0, 1, 0x80], "", Format::Protobuf, Framing::Auto).unwrap_err();
    assert!(err.ends_with("PROTOBUF (Confluent frame, schema id 1): the message indexes end in the middle of their count"), "{err}");
    let err = frame_of(&[0, 0, 0, 0, 1, 4, 2], "", Format::Protobuf, Framing::Auto).unwrap_err();
    assert!(
        err.contains("the message indexes end in the middle of an index"),
        "{err}"
    );
    let err = frame_of(&[0, 0, 0, 0, 1, 2, 1], "", Format::Protobuf, Framing::Auto).unwrap_err();
    assert!(err.contains("message index 0 is -1, not an index"), "{err}");
}

#[test]
fn glue_frames_name_their_schema_version_and_inflate() {
    let framed = [&[3, 0][..], &UUID, b"{}"].concat();
    assert_eq!(
        frame_of(&framed, "", Format::Json, Framing::Auto),
        Ok((Found::Glue(UUID), b"{}".to_vec()))
    );
    let err = frame_of(
        &[&[3, 9][..], &UUID, b"{}"].concat(),
        "",
        Format::Json,
        Framing::Auto,
    )
    .unwrap_err();
    assert!(
        err.ends_with("compression byte 9 is neither 0 (none) nor 5 (zlib)"),
        "{err}"
    );
    let found = Found::Glue(UUID).to_string();
    assert_eq!(
        found,
        "Glue frame, schema version 7d55d475-2244-4485-8341-f74468c1e058"
    );
}

#[cfg(feature = "zlib")]
#[test]
fn zlib_glue_frames_inflate_within_the_cap() {
    use std::io::Write as _;
    let zlib = |data: &[u8]| {
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(data).unwrap();
        z.finish().unwrap()
    };
    let framed = [&[3, 5][..], &UUID, &zlib(&[1, 8, 150, 1])].concat();
    assert_eq!(
        frame_of(&framed, "", Format::Protobuf, Framing::Auto),
        Ok((Found::Glue(UUID), vec![8, 150, 1]))
    );
    let bomb = [&[3, 5][..], &UUID, &zlib(&vec![b' '; MAX_INFLATED + 1])].concat();
    let err = frame_of(&bomb, "", Format::Json, Framing::Auto).unwrap_err();
    assert!(
        err.ends_with(&format!("the zlib data inflates past {MAX_INFLATED} bytes")),
        "{err}"
    );
    let err = frame_of(
        &[&[3, 5][..], &UUID, b"not zlib"].concat(),
        "",
        Format::Json,
        Framing::Auto,
    )
    .unwrap_err();
    assert!(
        err.contains(
            "schema version 7d55d475-2244-4485-8341-f74468c1e058: the zlib data does not inflate"
        ),
        "{err}"
    );
}

#[test]
fn lambda_metadata_names_the_schema_and_checks_the_format() {
    let meta = r#","valueSchemaMetadata":{"dataFormat":"PROTOBUF","schemaId":"1"}"#;
    assert_eq!(
        frame_of(&[2, 2, 8, 1], meta, Format::Protobuf, Framing::Auto),
        Ok((Found::Lambda(SchemaId::Confluent(1)), vec![8, 1]))
    );
    let glue = r#","valueSchemaMetadata":{"dataFormat":"PROTOBUF","schemaId":"7d55d475-2244-4485-8341-f74468c1e058"}"#;
    assert_eq!(
        frame_of(&[1, 8, 1], glue, Format::Protobuf, Framing::Auto),
        Ok((Found::Lambda(SchemaId::Glue(UUID)), vec![8, 1]))
    );
    // Avro and JSON: Lambda left the payload alone.
    let avro = r#","valueSchemaMetadata":{"dataFormat":"AVRO","schemaId":"4"}"#;
    assert_eq!(
        frame_of(&[0, 2], avro, Format::Avro, Framing::Auto),
        Ok((Found::Lambda(SchemaId::Confluent(4)), vec![0, 2]))
    );
    let err = frame_of(&[0, 2], avro, Format::Json, Framing::Auto).unwrap_err();
    assert_eq!(err, "payload `value` does not decode: valueSchemaMetadata says `dataFormat` AVRO, this payload type reads JSON");
    let bad = r#","valueSchemaMetadata":{"dataFormat":"AVRO","schemaId":"v1"}"#;
    let err = frame_of(&[0, 2], bad, Format::Avro, Framing::Auto).unwrap_err();
    assert!(err.ends_with(r#"valueSchemaMetadata has `schemaId` "v1", neither a Confluent schema id nor a Glue schema version UUID"#), "{err}");
    // Without a schema id, the format is checked and the bytes read as they come.
    let format_only = r#","valueSchemaMetadata":{"dataFormat":"PROTOBUF"}"#;
    assert_eq!(
        frame_of(&[8, 1], format_only, Format::Protobuf, Framing::Auto),
        Ok((Found::Plain, vec![8, 1]))
    );
}

#[test]
fn chosen_framings_are_applied_as_chosen() {
    assert_eq!(
        frame_of(&[0, 0, 0, 0, 1, 2], "", Format::Avro, Framing::Plain),
        Ok((Found::Plain, vec![0, 0, 0, 0, 1, 2]))
    );
    let err = frame_of(&[8, 1], "", Format::Avro, Framing::Confluent).unwrap_err();
    assert!(err.contains("AVRO (Confluent frame): 2 bytes"), "{err}");
    let err = frame_of(&[0, 0, 0, 0, 1, 2], "", Format::Avro, Framing::Glue).unwrap_err();
    assert!(err.contains("AVRO (Glue frame): 6 bytes"), "{err}");
}
