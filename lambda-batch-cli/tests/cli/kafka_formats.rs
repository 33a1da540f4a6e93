//! `--kafka-value avro:SCHEMA.avsc` and `events kafka --avro`: Avro values
//! decoded and written by the command (feature `avro`), and what the
//! command says without it or for Protobuf.

use super::*;

#[test]
fn protobuf_values_are_left_to_the_library_with_a_clear_message() {
    let out = run(
        &[
            "process",
            &sample("kafka.json"),
            "--kafka-value",
            "protobuf:user.desc",
        ],
        "",
    );
    assert_usage_or_input_error(
        &out,
        "Decode them in your function with `lambda_batch::typed::Protobuf<T>`",
    );
}

#[cfg(not(feature = "avro"))]
#[test]
fn without_the_avro_feature_the_command_says_how_to_get_it() {
    let schema = sample("order.avsc");
    let avro = format!("avro:{schema}");
    let out = run(
        &["process", &sample("kafka.json"), "--kafka-value", &avro],
        "",
    );
    assert_usage_or_input_error(&out, "built without Avro: build it with");
    let out = run(
        &["events", "kafka", "--records", "2", "--avro", &schema],
        "",
    );
    assert_usage_or_input_error(&out, "built without Avro");
}

#[cfg(feature = "avro")]
mod avro {
    use super::*;

    /// `events kafka --avro` in `framing`, then `process` of it.
    fn round_trip(framing: &str, process_framing: &str) -> Vec<Value> {
        let schema = sample("order.avsc");
        let events = run(
            &[
                "events",
                "kafka",
                "--records",
                "30",
                "--fail-every",
                "7",
                "--avro",
                &schema,
                "--framing",
                framing,
            ],
            "",
        );
        assert_eq!(events.code, 0, "{}", events.stderr);
        let event: Value = serde_json::from_str(&events.stdout).unwrap();
        let first = event["records"]["orders-0"][0]["value"].as_str().unwrap();
        let bytes = BASE64.decode(first).unwrap();
        match framing {
            "confluent" => assert_eq!(bytes[..5], [0, 0, 0, 0, 1]),
            "glue" => assert_eq!(bytes[..2], [3, 0]),
            _ => assert_eq!(bytes[0], 0, "id 0 as a long is the byte 0"),
        }
        let avro = format!("avro:{schema}");
        let out = run(
            &[
                "process",
                "-",
                "--kafka-value",
                &avro,
                "--kafka-framing",
                process_framing,
            ],
            &events.stdout,
        );
        failures(&response(&out))
    }

    #[test]
    fn generated_avro_values_round_trip_in_every_framing() {
        // Records 6, 13, 20, 27 fail: partitions i % 4, offsets 1000 + i / 4.
        let expected: Vec<Value> = [6, 13, 20, 27]
            .iter()
            .map(|i| serde_json::json!({"partition": format!("orders-{}", i % 4), "offset": 1000 + i / 4}))
            .collect();
        for (framing, process_framing) in [
            ("confluent", "auto"),
            ("glue", "auto"),
            ("plain", "plain"),
            ("confluent", "confluent"),
        ] {
            let mut got = round_trip(framing, process_framing);
            got.sort_by_key(|v| v.to_string());
            let mut want = expected.clone();
            want.sort_by_key(|v| v.to_string());
            assert_eq!(got, want, "{framing} / {process_framing}");
        }
    }

    #[test]
    fn powertools_avro_sample_through_the_command() {
        let schema = temp_path("product.avsc");
        std::fs::write(
            &schema,
            r#"{"type":"record","name":"Product","fields":[{"name":"id","type":"int"},{"name":"name","type":"string"},{"name":"price","type":"double"}]}"#,
        )
        .unwrap();
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../lambda-batch/tests/fixtures/powertools-kafka/avro.json");
        let avro = format!("avro:{}", schema.display());
        let fixture = fixture.to_str().unwrap();
        // Nothing says `fail`: every record succeeds once decoded.
        let out = run(
            &[
                "process",
                fixture,
                "--kafka-value",
                &avro,
                "--kafka-framing",
                "plain",
            ],
            "",
        );
        assert_eq!(failures(&response(&out)), Vec::<Value>::new());
        // Decoded, the second value reads {"id":1002,"name":"Smartphone",...}.
        let out = run(
            &[
                "process",
                fixture,
                "--kafka-value",
                &avro,
                "--kafka-framing",
                "plain",
                "--panic-on",
                "Smartphone",
            ],
            "",
        );
        assert_eq!(
            failures(&response(&out)),
            [serde_json::json!({"partition": "mytopic-0", "offset": 16})]
        );
        // The plain JSON demo reads the raw bytes, which hold no such text.
        let out = run(&["process", fixture, "--panic-on", "Smart\"phone"], "");
        assert_eq!(failures(&response(&out)), Vec::<Value>::new());
        let _ = std::fs::remove_file(&schema);
    }

    #[test]
    fn an_undecodable_value_fails_only_its_record() {
        let schema = sample("order.avsc");
        let avro = format!("avro:{schema}");
        // The sample kafka.json holds JSON values: not Avro of this schema.
        let (out, report) = report_of(
            &[
                "process",
                &sample("kafka.json"),
                "--kafka-value",
                &avro,
                "--kafka-framing",
                "plain",
                "--no-raise-on-full-failure",
            ],
            "",
            "kafka-avro-report.jsonl",
        );
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(!report.is_empty());
        for line in &report {
            let error = line["error"].as_str().unwrap();
            assert!(
                error.starts_with("payload `value` does not decode: AVRO (plain): "),
                "{error}"
            );
        }
        let out = run(
            &["process", &sample("sqs.json"), "--kafka-value", &avro],
            "",
        );
        assert_usage_or_input_error(&out, "`--kafka-value` applies to Kafka events");
        let out = run(
            &[
                "events",
                "kafka",
                "--records",
                "1",
                "--avro",
                &sample("kafka.json"),
            ],
            "",
        );
        assert_usage_or_input_error(&out, "the Avro schema does not parse");
    }
}
