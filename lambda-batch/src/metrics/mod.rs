//! Batch metrics in CloudWatch Embedded Metric Format (EMF).
//!
//! With [`EmfMetrics`], every batch writes one JSON line that CloudWatch Logs
//! turns into metrics: how many records the batch held, how many succeeded,
//! failed or were skipped, and how long it took, by function and event
//! source. Lambda sends the function's standard output to CloudWatch Logs,
//! so nothing else is needed: no agent, no API call, no extra latency.

use std::fmt;
use std::io::{self, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use lambda_runtime::Context;
use serde::Serialize;

/// The environment variable Lambda sets to the function's name.
const FUNCTION_NAME_VAR: &str = "AWS_LAMBDA_FUNCTION_NAME";

/// What one batch came to: its records, their outcomes, and its duration.
///
/// `records` is `succeeded + failed + skipped`: a skipped record is one not
/// given to the handler (such as the rest of a FIFO message group after a
/// failure) and reported failed so that Lambda retries it.
///
/// ```
/// use std::time::Duration;
/// use lambda_batch::BatchSummary;
///
/// let summary = BatchSummary {
///     records: 10,
///     succeeded: 7,
///     failed: 2,
///     skipped: 1,
///     duration: Duration::from_millis(40),
/// };
/// assert_eq!(summary.records, summary.succeeded + summary.failed + summary.skipped);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BatchSummary {
    /// Records in the batch.
    pub records: usize,
    /// Records the handler processed successfully.
    pub succeeded: usize,
    /// Records that failed: the handler's error, a panic, or malformed fields.
    pub failed: usize,
    /// Records not given to the handler, reported for retry.
    pub skipped: usize,
    /// Time from the start of the batch to its response.
    pub duration: Duration,
}

/// Where metric lines go.
#[derive(Clone)]
enum Output {
    /// The process's standard output, which Lambda sends to CloudWatch Logs.
    Stdout,
    /// Any writer, shared by every invocation.
    Writer(Arc<Mutex<dyn Write + Send>>),
}

/// Per-batch metrics in CloudWatch Embedded Metric Format.
///
/// Each batch writes one line to standard output with the metrics
/// `records`, `succeeded`, `failed`, `skipped` (unit `Count`) and `duration`
/// (`Milliseconds`), in the given namespace, with the dimensions `function`
/// (the Lambda function's name) and `source` (`sqs`, `kinesis`, `dynamodb`
/// or `kafka`).
///
/// The function name is, in order: the one given to
/// [`function_name`](Self::function_name); the invocation context's; the
/// `AWS_LAMBDA_FUNCTION_NAME` environment variable. When none is known (as
/// outside Lambda), lines have the `source` dimension only.
///
/// Cheap to clone; clones share one output, and each line is written whole,
/// so concurrent invocations never interleave their lines. Lambda sends the
/// function's standard output to CloudWatch Logs, which turns the lines into
/// metrics: no agent, no API call, no extra latency. One line looks like
/// this (wrapped here):
///
/// ```text
/// {"_aws":{"Timestamp":1716200000000,"CloudWatchMetrics":[{"Namespace":"Orders",
///  "Dimensions":[["function","source"]],"Metrics":[{"Name":"records","Unit":"Count"},
///  {"Name":"succeeded","Unit":"Count"},{"Name":"failed","Unit":"Count"},
///  {"Name":"skipped","Unit":"Count"},{"Name":"duration","Unit":"Milliseconds"}]}]},
///  "function":"orders-consumer","source":"sqs","records":10,"succeeded":8,"failed":2,
///  "skipped":0,"duration":12.5}
/// ```
///
/// ```
/// use lambda_batch::EmfMetrics;
///
/// let metrics = EmfMetrics::new("Orders").function_name("orders-consumer");
/// # let _ = metrics;
/// ```
#[derive(Clone)]
pub struct EmfMetrics {
    namespace: String,
    function_name: Option<String>,
    output: Output,
}

impl fmt::Debug for EmfMetrics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let output = match self.output {
            Output::Stdout => "stdout",
            Output::Writer(_) => "writer",
        };
        f.debug_struct("EmfMetrics")
            .field("namespace", &self.namespace)
            .field("function_name", &self.function_name)
            .field("output", &output)
            .finish()
    }
}

impl EmfMetrics {
    /// Metrics in CloudWatch namespace `namespace` (1 to 255 characters, such
    /// as `Orders` or `MyCompany/Payments`), written to standard output.
    ///
    /// ```
    /// use lambda_batch::EmfMetrics;
    ///
    /// let metrics = EmfMetrics::new("Payments");
    /// assert_eq!(metrics.namespace(), "Payments");
    /// ```
    pub fn new(namespace: impl Into<String>) -> Self {
        EmfMetrics {
            namespace: namespace.into(),
            function_name: None,
            output: Output::Stdout,
        }
    }

    /// The value of the `function` dimension, in place of the function's own
    /// name.
    ///
    /// ```
    /// use lambda_batch::EmfMetrics;
    ///
    /// let metrics = EmfMetrics::new("Payments").function_name("payments-eu");
    /// # let _ = metrics;
    /// ```
    pub fn function_name(mut self, name: impl Into<String>) -> Self {
        self.function_name = Some(name.into());
        self
    }

    /// Writes metric lines to `writer` instead of standard output, as in
    /// tests, or to a file.
    ///
    /// ```
    /// use lambda_batch::EmfMetrics;
    ///
    /// let metrics = EmfMetrics::new("Payments").output(std::io::sink());
    /// # let _ = metrics;
    /// ```
    pub fn output(mut self, writer: impl Write + Send + 'static) -> Self {
        self.output = Output::Writer(Arc::new(Mutex::new(writer)));
        self
    }

    /// The CloudWatch namespace.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// Writes the metrics of one batch of `source` (an
    /// [`EventSource::NAME`](crate::source::EventSource::NAME)) as one line, stamped
    /// with the current time.
    ///
    /// A processor given these metrics calls this after every batch; call it
    /// yourself when you run batches another way, such as with
    /// [`BatchProcessor::run`](crate::BatchProcessor::run).
    ///
    /// Metrics never fail a batch: a line that cannot be written is reported
    /// as a `tracing` warning and dropped.
    ///
    /// ```
    /// use std::time::Duration;
    /// use lambda_batch::{BatchSummary, EmfMetrics};
    /// use lambda_batch::Context;
    /// use lambda_batch::source::{EventSource, Sqs};
    ///
    /// let metrics = EmfMetrics::new("Orders").output(std::io::sink());
    /// let summary = BatchSummary { records: 3, succeeded: 2, failed: 1, skipped: 0, duration: Duration::from_millis(8) };
    /// metrics.publish(Sqs::NAME, &summary, &Context::default());
    /// ```
    pub fn publish(&self, source: &str, summary: &BatchSummary, context: &Context) {
        let timestamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_millis());
        let function = self.resolve_function_name(context);
        let line = self.line(source, function.as_deref(), summary, timestamp);
        if let Err(err) = self.write(&line) {
            tracing::warn!(namespace = %self.namespace, error = %err, "batch metrics not written");
        }
    }

    fn resolve_function_name(&self, context: &Context) -> Option<String> {
        if let Some(name) = &self.function_name {
            return Some(name.clone());
        }
        let from_context = &context.env_config.function_name;
        if !from_context.is_empty() {
            return Some(from_context.clone());
        }
        std::env::var(FUNCTION_NAME_VAR)
            .ok()
            .filter(|name| !name.is_empty())
    }

    /// One EMF document, ending with a newline.
    fn line(
        &self,
        source: &str,
        function: Option<&str>,
        summary: &BatchSummary,
        timestamp: u128,
    ) -> Vec<u8> {
        let dimensions: &[&str] = if function.is_some() {
            &["function", "source"]
        } else {
            &["source"]
        };
        let document = Document {
            aws: Metadata {
                timestamp,
                cloud_watch_metrics: [Directive {
                    namespace: &self.namespace,
                    dimensions: [dimensions],
                    metrics: METRICS,
                }],
            },
            function,
            source,
            records: summary.records,
            succeeded: summary.succeeded,
            failed: summary.failed,
            skipped: summary.skipped,
            duration: milliseconds(summary.duration),
        };
        // Serializing plain structs of strings and numbers into memory
        // cannot fail; an empty line is never written.
        let mut line = serde_json::to_vec(&document).unwrap_or_default();
        line.push(b'\n');
        line
    }

    fn write(&self, line: &[u8]) -> io::Result<()> {
        match &self.output {
            Output::Stdout => {
                let mut stdout = io::stdout().lock();
                stdout.write_all(line)?;
                stdout.flush()
            }
            Output::Writer(writer) => {
                let mut writer = writer
                    .lock()
                    .map_err(|_| io::Error::other("a writer of batch metrics panicked"))?;
                writer.write_all(line)?;
                writer.flush()
            }
        }
    }
}

/// A duration in milliseconds, to the microsecond.
fn milliseconds(duration: Duration) -> f64 {
    duration.as_micros() as f64 / 1000.0
}

const METRICS: [MetricDefinition; 5] = [
    MetricDefinition::count("records"),
    MetricDefinition::count("succeeded"),
    MetricDefinition::count("failed"),
    MetricDefinition::count("skipped"),
    MetricDefinition {
        name: "duration",
        unit: "Milliseconds",
    },
];

#[derive(Serialize)]
struct Document<'a> {
    #[serde(rename = "_aws")]
    aws: Metadata<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    function: Option<&'a str>,
    source: &'a str,
    records: usize,
    succeeded: usize,
    failed: usize,
    skipped: usize,
    duration: f64,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Metadata<'a> {
    timestamp: u128,
    cloud_watch_metrics: [Directive<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Directive<'a> {
    namespace: &'a str,
    dimensions: [&'a [&'a str]; 1],
    metrics: [MetricDefinition; 5],
}

#[derive(Serialize, Clone, Copy)]
#[serde(rename_all = "PascalCase")]
struct MetricDefinition {
    name: &'static str,
    unit: &'static str,
}

impl MetricDefinition {
    const fn count(name: &'static str) -> Self {
        MetricDefinition {
            name,
            unit: "Count",
        }
    }
}

#[cfg(test)]
mod tests;
