//! Whole `lambda-batch process` runs, process start to exit, on events the
//! command writes itself: the demo handler's simulated I/O (`--sleep-ms`)
//! with bounded concurrency, and FIFO message groups side by side.
//!
//! | case | ideal |
//! |---|---|
//! | 10,000 SQS records, 5 ms each, `--concurrency 10000` | 5 ms |
//! | the same, `--concurrency 100` | 500 ms |
//! | 10 FIFO groups of 50 records, 5 ms each, `--concurrency 10` | 250 ms |

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use criterion::{criterion_group, criterion_main, Criterion};

const BIN: &str = env!("CARGO_BIN_EXE_lambda-batch");

/// Writes `lambda-batch events ARGS` to a file named `name`.
fn event(name: &str, args: &[&str]) -> PathBuf {
    let path =
        std::env::temp_dir().join(format!("lambda-batch-bench-{}-{name}", std::process::id()));
    let output = Command::new(BIN)
        .arg("events")
        .args(args)
        .output()
        .expect("the command runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::write(&path, output.stdout).expect("the event is written");
    path
}

fn process(event: &Path, args: &[&str]) {
    let status = Command::new(BIN)
        .arg("process")
        .arg(event)
        .args(args)
        .stdout(Stdio::null())
        .status()
        .expect("the command runs");
    assert!(status.success());
}

fn command(c: &mut Criterion) {
    let sqs = event("sqs.json", &["sqs", "--records", "10000"]);
    let fifo = event(
        "fifo.json",
        &[
            "sqs-fifo",
            "--records",
            "500",
            "--groups",
            "10",
            "--fail-every",
            "0",
        ],
    );
    let mut group = c.benchmark_group("process");
    group.sample_size(10);
    group.bench_function("sqs-10000/sleep-5ms/concurrency-10000", |b| {
        b.iter(|| process(&sqs, &["--sleep-ms", "5", "--concurrency", "10000"]))
    });
    group.bench_function("sqs-10000/sleep-5ms/concurrency-100", |b| {
        b.iter(|| process(&sqs, &["--sleep-ms", "5", "--concurrency", "100"]))
    });
    group.bench_function("sqs-fifo-10x50/sleep-5ms/skip-group/concurrency-10", |b| {
        b.iter(|| {
            process(
                &fifo,
                &[
                    "--sleep-ms",
                    "5",
                    "--concurrency",
                    "10",
                    "--fifo",
                    "skip-group",
                ],
            )
        })
    });
    group.finish();
    for path in [sqs, fifo] {
        let _ = std::fs::remove_file(path);
    }
}

criterion_group!(benches, command);
criterion_main!(benches);
