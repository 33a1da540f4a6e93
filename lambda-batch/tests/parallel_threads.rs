//! `parallel(n)` starts at most one thread a record: a small batch costs no
//! more threads than it has records, whatever `n`.
#![cfg(target_os = "linux")]

use std::fs;

use lambda_batch::source::SqsRecord;
use lambda_batch::{BatchProcessor, Context};

/// The threads of this process.
fn threads() -> usize {
    fs::read_dir("/proc/self/task").map_or(0, |tasks| tasks.count())
}

#[test]
fn a_one_record_batch_runs_on_the_calling_thread_alone() {
    let before = threads();
    let processor = BatchProcessor::sqs(move |_: SqsRecord<'_>| {
        // Threads that found no record wait for the running one to end.
        let during = threads();
        if during > before {
            Err(format!("{} threads more than before", during - before))
        } else {
            Ok(())
        }
    })
    .parallel(64);
    let event = r#"{"Records":[{"messageId":"a","body":"x"}]}"#;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let context = Context::default();
    let report = runtime
        .block_on(processor.run(event, &context))
        .expect("the event reads");
    assert_eq!(report.records()[0].outcome().error_text(), None);
}
