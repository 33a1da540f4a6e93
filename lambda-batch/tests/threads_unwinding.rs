//! A panic outside the handler on one of several threads (here: a log
//! subscriber that panics when a failed record is logged) ends the batch
//! with that panic, instead of leaving the other threads waiting for ever.
//! (The handler's own values cannot do it: their panics are caught, see
//! `no_panic_escapes`.)
//!
//! In a file of its own: it installs a global `tracing` subscriber, so that
//! failed records are logged on every thread.

mod common;

use std::sync::mpsc;
use std::time::Duration;

use lambda_batch::source::SqsRecord;
use lambda_batch::{BatchProcessor, Context};
use tracing::{Event, Level};

use common::subscriber::OnEvent;

fn handle(record: SqsRecord<'_>) -> Result<(), String> {
    std::thread::sleep(Duration::from_millis(2));
    if record.body() == "fail" {
        Err("refused".to_owned())
    } else {
        Ok(())
    }
}

/// Panics on warnings, such as a failed record's log.
fn panic_on_warnings(event: &Event<'_>) {
    if *event.metadata().level() == Level::WARN {
        panic!("the log cannot be written");
    }
}

#[test]
fn a_panic_on_one_thread_ends_the_batch() {
    tracing::subscriber::set_global_default(OnEvent(panic_on_warnings)).unwrap();
    // Keep the expected panic out of the test output.
    std::panic::set_hook(Box::new(|_| {}));

    let records: Vec<String> = (0..40)
        .map(|i| {
            let body = if i == 5 { "fail" } else { "ok" };
            format!(r#"{{"messageId":"m{i}","body":"{body}"}}"#)
        })
        .collect();
    let event = format!(r#"{{"Records":[{}]}}"#, records.join(","));
    let (done, ended) = mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let processor = BatchProcessor::sqs(handle).parallel(3);
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            runtime.block_on(processor.process(&event, &Context::default()))
        }));
        let _ = done.send(outcome.is_err());
    });
    let panicked = ended
        .recv_timeout(Duration::from_secs(10))
        .expect("the batch ends instead of hanging");
    assert!(panicked, "the panic reaches the caller");
}
