//! What the fuzz targets share: handlers whose outcome the input decides,
//! and the oracle that says what a batch's response must be.
//!
//! A target panics (and libFuzzer reports a crash) when the library panics
//! or when a response differs from what the oracle derives from an
//! independent reading of the event.

use std::borrow::Cow;
use std::sync::OnceLock;

use lambda_batch::source::{DynamoDbRecord, KafkaRecord, KinesisRecord, Parsed, SqsRecord};
use lambda_batch::{BatchError, BatchResponse, ItemIdentifier};

pub mod kafka;

/// The runtime every target's batches run on.
pub fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime")
    })
}

/// The message every handler panic of the targets starts with.
const HANDLER_PANIC: &str = "a handler panics";

/// Lets the targets' handlers panic: libFuzzer's panic hook aborts on every
/// panic, caught or not, and the library catches those. Any other panic
/// still goes to libFuzzer's hook, and is a crash; so is a handler's panic
/// that escapes, through the guard around each run.
pub fn allow_handler_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let crash = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let message = info
                .payload()
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| info.payload().downcast_ref::<&str>().copied());
            if !message.is_some_and(|m| m.starts_with(HANDLER_PANIC)) {
                crash(info);
            }
        }));
    });
}

/// FNV-1a: a cheap, stable hash of the bytes a handler reads.
pub fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// What a handler does with a record whose payload is these bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Succeed,
    Fail,
    Panic,
}

pub fn verdict(payload: &[u8]) -> Verdict {
    match fnv(payload) % 5 {
        0 => Verdict::Fail,
        1 => Verdict::Panic,
        _ => Verdict::Succeed,
    }
}

/// How many times an async handler yields before it answers: records
/// finish out of input order in the concurrent engine.
pub fn yields(payload: &[u8]) -> usize {
    (fnv(payload) >> 8) as usize % 3
}

/// The bytes a handler reads from a record, as each source's handler
/// would read them; an `Err` fails the record (the handler's `?`).
pub trait Payload {
    fn payload(&self) -> Result<Cow<'_, [u8]>, String>;
}

impl Payload for SqsRecord<'_> {
    fn payload(&self) -> Result<Cow<'_, [u8]>, String> {
        Ok(Cow::Borrowed(self.body().as_bytes()))
    }
}

impl Payload for KinesisRecord<'_> {
    fn payload(&self) -> Result<Cow<'_, [u8]>, String> {
        self.data().map(Cow::Borrowed).map_err(|e| e.to_string())
    }
}

impl Payload for DynamoDbRecord<'_> {
    fn payload(&self) -> Result<Cow<'_, [u8]>, String> {
        let image = self.new_image().map_err(|e| e.to_string())?;
        Ok(Cow::Owned(
            image
                .map(|image| image.to_json().to_string())
                .unwrap_or_default()
                .into_bytes(),
        ))
    }
}

impl Payload for KafkaRecord<'_> {
    fn payload(&self) -> Result<Cow<'_, [u8]>, String> {
        let value = self.value().map_err(|e| e.to_string())?;
        Ok(Cow::Borrowed(value.unwrap_or_default()))
    }
}

/// The handler's decision, without panicking: `true` when it fails the record.
pub fn fails<R: Payload>(record: &R) -> bool {
    match record.payload() {
        Err(_) => true,
        Ok(payload) => verdict(&payload) != Verdict::Succeed,
    }
}

/// What every handler of the targets does.
pub fn decide<R: Payload>(record: &R) -> Result<(), String> {
    let payload = record.payload()?;
    match verdict(&payload) {
        Verdict::Succeed => Ok(()),
        Verdict::Fail => Err(format!("refused {} bytes", payload.len())),
        Verdict::Panic => panic!("{HANDLER_PANIC} on {} bytes", payload.len()),
    }
}

/// Handlers of one record type: sync, and async yielding first.
#[macro_export]
macro_rules! handlers {
    ($sync:ident, $async:ident, $record:ident) => {
        pub fn $sync(record: $record<'_>) -> Result<(), String> {
            $crate::decide(&record)
        }

        pub async fn $async(record: $record<'_>) -> Result<(), String> {
            let times = record
                .payload()
                .map_or(0, |payload| $crate::yields(&payload));
            for _ in 0..times {
                tokio::task::yield_now().await;
            }
            $crate::decide(&record)
        }
    };
}

/// Checks what `process` answered against the records reported (`reported`,
/// by position) of the batch `parsed` read: the identifiers of the reported
/// records, in input order, each once; `MissingIdentifier` naming the
/// first reported record without one; `AllRecordsFailed` when every record is
/// reported; never an empty identifier.
pub fn check_response<R>(
    result: Result<BatchResponse, BatchError>,
    parsed: &[Parsed<'_, R>],
    reported: &[bool],
    raise_on_full_failure: bool,
    what: &str,
) {
    assert_eq!(parsed.len(), reported.len(), "{what}: one verdict a record");
    let mut expected: Vec<ItemIdentifier<'static>> = Vec::new();
    for (index, record) in parsed.iter().enumerate() {
        if !reported[index] {
            continue;
        }
        match record.identifier() {
            Some(id) => {
                let id = id.clone().into_owned();
                if !expected.contains(&id) {
                    expected.push(id);
                }
            }
            None => {
                match result {
                    Err(BatchError::MissingIdentifier { index: named, .. }) => {
                        assert_eq!(named, index, "{what}: the first record without identifier")
                    }
                    other => panic!(
                        "{what}: record {index} is reported and has no identifier, got {other:?}"
                    ),
                }
                return;
            }
        }
    }
    let every = !parsed.is_empty() && reported.iter().all(|&r| r);
    let response = match result {
        Ok(response) => {
            assert!(
                !(every && raise_on_full_failure),
                "{what}: every record failed, got {response:?}"
            );
            response
        }
        Err(BatchError::AllRecordsFailed { failures, response }) => {
            assert!(
                every && raise_on_full_failure,
                "{what}: not every record failed"
            );
            let indexes: Vec<usize> = failures.iter().map(|f| f.index).collect();
            assert_eq!(
                indexes,
                (0..parsed.len()).collect::<Vec<_>>(),
                "{what}: failures"
            );
            response
        }
        Err(other) => panic!("{what}: unexpected {other:?}"),
    };
    let got: Vec<ItemIdentifier<'static>> = response.identifiers().cloned().collect();
    assert_eq!(got, expected, "{what}: reported identifiers");
    for id in &got {
        assert_usable(id, what);
    }
    // What Lambda reads back.
    let text = serde_json::to_string(&response).expect("a response serialises");
    let back: BatchResponse = serde_json::from_str(&text).expect("a response reads back");
    assert_eq!(
        back, response,
        "{what}: the response reads back as written: {text}"
    );
}

/// An identifier Lambda can use: no empty text, no empty topic, no
/// negative partition.
pub fn assert_usable(id: &ItemIdentifier<'_>, what: &str) {
    match id {
        ItemIdentifier::Text(text) => assert!(!text.is_empty(), "{what}: an empty identifier"),
        ItemIdentifier::Kafka {
            topic, partition, ..
        } => {
            assert!(!topic.is_empty(), "{what}: an empty topic");
            assert!(*partition >= 0, "{what}: a negative partition in {id:?}");
        }
        other => panic!("{what}: an identifier of an unknown kind: {other:?}"),
    }
}
