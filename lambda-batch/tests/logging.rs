//! What the processor logs through `tracing`: a warning per failed record with
//! its identifier and whole error, and a debug summary per batch.

mod common;

use std::fmt;
use std::sync::{Arc, Mutex};

use lambda_batch::source::SqsRecord;
use lambda_batch::{BatchProcessor, Context};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};

use common::subscriber::OnEvent;

/// One logged event: its level and its fields as text.
#[derive(Debug, Clone)]
struct Logged {
    level: Level,
    fields: Vec<(String, String)>,
}

impl Logged {
    fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A subscriber that keeps every event, and the list it keeps them in.
fn collect() -> (impl Subscriber, Arc<Mutex<Vec<Logged>>>) {
    let logged = Arc::new(Mutex::new(Vec::new()));
    let kept = Arc::clone(&logged);
    let subscriber = OnEvent(move |event: &Event<'_>| {
        let mut fields = Vec::new();
        event.record(&mut Fields(&mut fields));
        kept.lock().expect("not poisoned").push(Logged {
            level: *event.metadata().level(),
            fields,
        });
    });
    (subscriber, logged)
}

struct Fields<'a>(&'a mut Vec<(String, String)>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.push((field.name().to_owned(), format!("{value:?}")));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.push((field.name().to_owned(), value.to_owned()));
    }
}

#[derive(Debug, thiserror::Error)]
#[error("the order could not be stored")]
struct StoreError(#[source] std::io::Error);

fn handle(record: SqsRecord<'_>) -> anyhow::Result<()> {
    if record.body().contains("fail") {
        let cause = StoreError(std::io::Error::other("disk full"));
        return Err(anyhow::Error::new(cause).context("order rejected"));
    }
    Ok(())
}

#[test]
fn failed_records_are_warned_with_identifier_and_error_chain_and_batches_summarised() {
    let (collect, logged) = collect();
    let event = r#"{"Records":[
        {"messageId":"m-1","body":"ok"},
        {"messageId":"m-2","body":"fail"},
        {"body":"fail too"},
        {"messageId":"m-4","body":"ok"}]}"#;
    let processor = BatchProcessor::sqs(handle).raise_on_full_failure(false);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let context = Context::default();
    let report = tracing::subscriber::with_default(collect, || {
        runtime.block_on(processor.run(event, &context))
    })
    .expect("a readable event");
    assert_eq!(report.failed(), 2);

    let logged = logged.lock().expect("not poisoned").clone();
    let warnings: Vec<&Logged> = logged.iter().filter(|l| l.level == Level::WARN).collect();
    assert_eq!(warnings.len(), 2, "{logged:#?}");

    let first = warnings[0];
    assert_eq!(first.field("identifier"), Some("m-2"));
    assert_eq!(first.field("index"), Some("1"));
    assert_eq!(first.field("source"), Some("sqs"));
    assert_eq!(
        first.field("error"),
        Some("order rejected: the order could not be stored: disk full")
    );
    assert_eq!(first.field("message"), Some("record failed"));

    let second = warnings[1];
    assert_eq!(second.field("identifier"), None);
    assert_eq!(second.field("index"), Some("2"));
    assert_eq!(
        second.field("message"),
        Some("record without identifier failed")
    );

    let summaries: Vec<&Logged> = logged
        .iter()
        .filter(|l| l.level == Level::DEBUG && l.field("message") == Some("batch processed"))
        .collect();
    assert_eq!(summaries.len(), 1, "{logged:#?}");
    assert_eq!(summaries[0].field("records"), Some("4"));
    assert_eq!(summaries[0].field("failed"), Some("2"));
    assert_eq!(summaries[0].field("source"), Some("sqs"));
    assert!(summaries[0].field("elapsed_us").is_some());
}

/// An event's message and the index of the record span it was logged in.
type InSpan = (String, Option<String>);

/// A subscriber that keeps, for each event, the `index` of the record span
/// it was logged in.
#[derive(Clone, Default)]
struct Spans {
    /// Each span's record index, by id less one.
    indexes: Arc<Mutex<Vec<Option<String>>>>,
    /// The spans entered, innermost last.
    entered: Arc<Mutex<Vec<u64>>>,
    /// Each event's message and the index of its innermost record span.
    events: Arc<Mutex<Vec<InSpan>>>,
}

impl Subscriber for Spans {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut fields = Vec::new();
        span.record(&mut Fields(&mut fields));
        let index = (span.metadata().name() == "record")
            .then(|| {
                fields
                    .into_iter()
                    .find(|(n, _)| n == "index")
                    .map(|(_, v)| v)
            })
            .flatten();
        let mut indexes = self.indexes.lock().expect("not poisoned");
        indexes.push(index);
        Id::from_u64(indexes.len() as u64)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut fields = Vec::new();
        event.record(&mut Fields(&mut fields));
        let message = Logged {
            level: *event.metadata().level(),
            fields,
        }
        .field("message")
        .unwrap_or_default()
        .to_owned();
        let indexes = self.indexes.lock().expect("not poisoned");
        let index = self
            .entered
            .lock()
            .expect("not poisoned")
            .iter()
            .rev()
            .find_map(|id| indexes[*id as usize - 1].clone());
        self.events
            .lock()
            .expect("not poisoned")
            .push((message, index));
    }
    fn enter(&self, id: &Id) {
        self.entered
            .lock()
            .expect("not poisoned")
            .push(id.into_u64());
    }
    fn exit(&self, _: &Id) {
        self.entered.lock().expect("not poisoned").pop();
    }
}

#[test]
fn every_record_logs_within_its_own_span() {
    fn handle(record: SqsRecord<'_>) -> Result<(), String> {
        tracing::info!("handling {}", record.body());
        Ok(())
    }
    async fn handle_async(record: SqsRecord<'_>) -> Result<(), String> {
        tracing::info!("handling {}", record.body());
        tokio::task::yield_now().await;
        tracing::info!("handled {}", record.body());
        Ok(())
    }
    let event = r#"{"Records":[
        {"messageId":"m-0","body":"a"},
        {"body":"b"},
        {"messageId":"m-2","body":"c"},
        {"body":"d"}]}"#;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a runtime");
    let context = Context::default();
    let handled = |spans: &Spans| -> Vec<InSpan> {
        let events = spans.events.lock().expect("not poisoned");
        events
            .iter()
            .filter(|(message, _)| message.starts_with("handl"))
            .cloned()
            .collect()
    };
    let expected = |messages: &[(&str, &str)]| -> Vec<InSpan> {
        messages
            .iter()
            .map(|(m, i)| ((*m).to_owned(), Some((*i).to_owned())))
            .collect()
    };

    let spans = Spans::default();
    let processor = BatchProcessor::sqs(handle);
    tracing::subscriber::with_default(spans.clone(), || {
        runtime.block_on(processor.run(event, &context))
    })
    .expect("a readable event");
    assert_eq!(
        handled(&spans),
        expected(&[
            ("handling a", "0"),
            ("handling b", "1"),
            ("handling c", "2"),
            ("handling d", "3")
        ])
    );

    let spans = Spans::default();
    let processor = BatchProcessor::sqs(handle_async);
    tracing::subscriber::with_default(spans.clone(), || {
        runtime.block_on(processor.run(event, &context))
    })
    .expect("a readable event");
    assert_eq!(
        handled(&spans),
        expected(&[
            ("handling a", "0"),
            ("handled a", "0"),
            ("handling b", "1"),
            ("handled b", "1"),
            ("handling c", "2"),
            ("handled c", "2"),
            ("handling d", "3"),
            ("handled d", "3")
        ])
    );
}
