//! Batch metrics written by a processor: one EMF line per batch, with the
//! batch's own figures.

use std::io::{self, Write};
use std::sync::{Arc, Mutex};

use lambda_batch::ordering::FifoMode;
use lambda_batch::source::SqsRecord;
use lambda_batch::{BatchProcessor, Context, EmfMetrics};
use serde_json::Value;

/// A writer whose lines the test reads back.
#[derive(Clone, Default)]
struct Lines(Arc<Mutex<Vec<u8>>>);

impl Write for Lines {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Lines {
    fn values(&self) -> Vec<Value> {
        let bytes = self.0.lock().unwrap().clone();
        String::from_utf8(bytes)
            .unwrap()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect()
    }
}

fn handle(record: SqsRecord<'_>) -> Result<(), String> {
    if record.body() == "fail" {
        Err("refused".into())
    } else {
        Ok(())
    }
}

#[tokio::test]
async fn every_batch_writes_its_figures() {
    let lines = Lines::default();
    let processor = BatchProcessor::sqs(handle)
        .fifo(FifoMode::Stop)
        .raise_on_full_failure(false)
        .metrics(
            EmfMetrics::new("Orders")
                .function_name("orders")
                .output(lines.clone()),
        );
    let event = r#"{"Records":[
        {"messageId":"1","body":"ok"},{"messageId":"2","body":"fail"},
        {"messageId":"3","body":"ok"},{"messageId":"4","body":"ok"}]}"#;
    let context = Context::default();
    processor.process(event, &context).await.unwrap();
    processor
        .process(r#"{"Records":[{"messageId":"5","body":"ok"}]}"#, &context)
        .await
        .unwrap();
    // An event that cannot be read fails the invocation and writes nothing.
    assert!(processor.process("{}", &context).await.is_err());

    let values = lines.values();
    assert_eq!(values.len(), 2);
    let figures = |v: &Value| {
        ["records", "succeeded", "failed", "skipped"].map(|name| v[name].as_u64().unwrap())
    };
    assert_eq!(figures(&values[0]), [4, 1, 1, 2]);
    assert_eq!(figures(&values[1]), [1, 1, 0, 0]);
    for value in &values {
        assert_eq!(value["function"], "orders");
        assert_eq!(value["source"], "sqs");
        assert_eq!(value["_aws"]["CloudWatchMetrics"][0]["Namespace"], "Orders");
        assert!(value["duration"].as_f64().unwrap() >= 0.0);
    }
}
