//! The `lambda-batch` command, run as a process: the helpers every test
//! file here shares, and one module per capability.

mod events;
mod kafka_formats;
mod mistakes;
mod modes;
mod pipes;
mod process;
mod typed;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_lambda-batch");

/// The result of one run.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str], stdin: &str) -> Run {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut input = child.stdin.take().expect("stdin is piped");
    // The command may exit before reading all of stdin (usage errors).
    let _ = input.write_all(stdin.as_bytes());
    drop(input);
    let Output {
        status,
        stdout,
        stderr,
    } = child.wait_with_output().expect("the binary runs");
    let run = Run {
        code: status.code().expect("the binary exits by itself"),
        stdout: String::from_utf8(stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(stderr).expect("stderr is UTF-8"),
    };
    assert!(
        !run.stderr.contains("panicked"),
        "a panic trace: {}",
        run.stderr
    );
    run
}

fn sample(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../events")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn temp_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("lambda-batch-cli-{}-{name}", std::process::id()))
}

/// The response printed on stdout: exactly one line of JSON.
fn response(run: &Run) -> Value {
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    assert!(run.stdout.ends_with('\n'), "{:?}", run.stdout);
    assert_eq!(run.stdout.lines().count(), 1, "{:?}", run.stdout);
    serde_json::from_str(&run.stdout).expect("the response is JSON")
}

fn failures(response: &Value) -> Vec<Value> {
    response["batchItemFailures"]
        .as_array()
        .expect("a list of failures")
        .iter()
        .map(|f| f["itemIdentifier"].clone())
        .collect()
}

/// An invalid input or usage: exit 2, nothing on stdout, `error: ` on stderr.
fn assert_usage_or_input_error(run: &Run, expected: &str) {
    assert_eq!(run.code, 2, "stdout: {} stderr: {}", run.stdout, run.stderr);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
    assert!(run.stderr.contains(expected), "{}", run.stderr);
}

/// The report file of a run, one JSON value per record.
fn report_of(args: &[&str], stdin: &str, name: &str) -> (Run, Vec<Value>) {
    let path = temp_path(name);
    let mut all = args.to_vec();
    all.extend(["--report", path.to_str().unwrap()]);
    let out = run(&all, stdin);
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let _ = std::fs::remove_file(&path);
    let lines = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (out, lines)
}

fn fifo_event(records: &[(&str, &str, &str)], arn: &str) -> String {
    let records: Vec<Value> = records
        .iter()
        .map(|(id, group, body)| {
            serde_json::json!({
                "messageId": id, "body": body, "eventSourceARN": arn,
                "attributes": {"MessageGroupId": group}
            })
        })
        .collect();
    serde_json::json!({ "Records": records }).to_string()
}

const FIFO_ARN: &str = "arn:aws:sqs:us-east-1:123456789012:orders.fifo";
