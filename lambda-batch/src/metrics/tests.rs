use std::io::{self, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use lambda_runtime::{Config, Context};

use super::{BatchSummary, EmfMetrics};

/// A writer whose bytes the test reads back.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn summary() -> BatchSummary {
    BatchSummary {
        records: 10,
        succeeded: 7,
        failed: 2,
        skipped: 1,
        duration: Duration::from_micros(12_345),
    }
}

fn context_of(function: &str) -> Context {
    let mut context = Context::default();
    context.env_config = Arc::new(Config {
        function_name: function.to_owned(),
        ..Config::default()
    });
    context
}

#[test]
fn one_line_in_embedded_metric_format() {
    let metrics = EmfMetrics::new("Orders");
    let line = metrics.line(
        "sqs",
        Some("orders-consumer"),
        &summary(),
        1_716_200_000_000,
    );
    let expected = concat!(
        r#"{"_aws":{"Timestamp":1716200000000,"CloudWatchMetrics":[{"Namespace":"Orders","#,
        r#""Dimensions":[["function","source"]],"Metrics":[{"Name":"records","Unit":"Count"},"#,
        r#"{"Name":"succeeded","Unit":"Count"},{"Name":"failed","Unit":"Count"},"#,
        r#"{"Name":"skipped","Unit":"Count"},{"Name":"duration","Unit":"Milliseconds"}]}]},"#,
        r#""function":"orders-consumer","source":"sqs","records":10,"succeeded":7,"failed":2,"#,
        r#""skipped":1,"duration":12.345}"#,
        "\n"
    );
    assert_eq!(String::from_utf8(line).unwrap(), expected);
}

#[test]
fn without_a_function_name_only_the_source_dimension() {
    let metrics = EmfMetrics::new("Orders");
    let empty = BatchSummary::default();
    let line = metrics.line("kafka", None, &empty, 5);
    let expected = concat!(
        r#"{"_aws":{"Timestamp":5,"CloudWatchMetrics":[{"Namespace":"Orders","#,
        r#""Dimensions":[["source"]],"Metrics":[{"Name":"records","Unit":"Count"},"#,
        r#"{"Name":"succeeded","Unit":"Count"},{"Name":"failed","Unit":"Count"},"#,
        r#"{"Name":"skipped","Unit":"Count"},{"Name":"duration","Unit":"Milliseconds"}]}]},"#,
        r#""source":"kafka","records":0,"succeeded":0,"failed":0,"skipped":0,"duration":0.0}"#,
        "\n"
    );
    assert_eq!(String::from_utf8(line).unwrap(), expected);
}

#[test]
fn names_are_escaped() {
    let metrics = EmfMetrics::new("Orders \"EU\"");
    let line = metrics.line("sqs", Some("a\\b"), &summary(), 1);
    let value: serde_json::Value = serde_json::from_slice(&line).unwrap();
    assert_eq!(
        value["_aws"]["CloudWatchMetrics"][0]["Namespace"],
        "Orders \"EU\""
    );
    assert_eq!(value["function"], "a\\b");
}

#[test]
fn durations_to_the_microsecond() {
    let metrics = EmfMetrics::new("N");
    for (micros, expected) in [(0, 0.0), (1, 0.001), (1_500, 1.5), (2_000_000, 2000.0)] {
        let summary = BatchSummary {
            duration: Duration::from_micros(micros),
            ..BatchSummary::default()
        };
        let line = metrics.line("sqs", None, &summary, 0);
        let value: serde_json::Value = serde_json::from_slice(&line).unwrap();
        assert_eq!(value["duration"], expected, "{micros} µs");
    }
}

#[test]
fn the_given_function_name_comes_first() {
    let out = Captured::default();
    let metrics = EmfMetrics::new("Orders")
        .function_name("given")
        .output(out.clone());
    metrics.publish("sqs", &summary(), &context_of("from-context"));
    let value: serde_json::Value = serde_json::from_str(out.text().trim_end()).unwrap();
    assert_eq!(value["function"], "given");
}

#[test]
fn the_function_name_of_the_invocation_context() {
    let out = Captured::default();
    let metrics = EmfMetrics::new("Orders").output(out.clone());
    metrics.publish("dynamodb", &summary(), &context_of("orders-index"));
    let text = out.text();
    assert!(
        text.ends_with('\n') && text.matches('\n').count() == 1,
        "{text}"
    );
    let value: serde_json::Value = serde_json::from_str(text.trim_end()).unwrap();
    assert_eq!(value["function"], "orders-index");
    assert_eq!(value["source"], "dynamodb");
    assert_eq!(
        value["_aws"]["CloudWatchMetrics"][0]["Dimensions"],
        serde_json::json!([["function", "source"]])
    );
    let timestamp = value["_aws"]["Timestamp"].as_u64().unwrap();
    assert!(
        timestamp > 1_700_000_000_000,
        "milliseconds since the epoch: {timestamp}"
    );
}

#[test]
fn concurrent_batches_write_whole_lines() {
    let out = Captured::default();
    let metrics = EmfMetrics::new("Orders")
        .function_name("f")
        .output(out.clone());
    std::thread::scope(|scope| {
        for thread in 0..8 {
            let metrics = metrics.clone();
            scope.spawn(move || {
                for batch in 0..50 {
                    let summary = BatchSummary {
                        records: thread * 1000 + batch,
                        ..BatchSummary::default()
                    };
                    metrics.publish("sqs", &summary, &Context::default());
                }
            });
        }
    });
    let mut records: Vec<u64> = out
        .text()
        .lines()
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            value["records"].as_u64().unwrap()
        })
        .collect();
    records.sort_unstable();
    let expected: Vec<u64> = (0..8)
        .flat_map(|thread| (0..50).map(move |batch| thread * 1000 + batch))
        .collect();
    assert_eq!(records, expected);
}

/// A writer that always fails.
struct Broken;

impl Write for Broken {
    fn write(&mut self, _: &[u8]) -> io::Result<usize> {
        Err(io::Error::other("disk full"))
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_failed_write_is_not_an_error_of_the_batch() {
    let metrics = EmfMetrics::new("Orders").output(Broken);
    assert!(metrics.write(b"{}\n").is_err());
    // Publishing goes on without panicking.
    metrics.publish("sqs", &summary(), &Context::default());
}
