//! `cargo lambda watch` serving one example on loopback, and `cargo lambda
//! invoke` sending it events.
//!
//! What cargo-lambda 1.9.2 does here: on the first invocation, watch starts
//! the function with `cargo run --example NAME` and the feature flags given
//! to it (so the examples CI already built are reused); it sets
//! `AWS_LAMBDA_MAX_CONCURRENCY=1` unless `--env-var` says otherwise; and it
//! sends `lambda-runtime-deadline-ms: 600000`, a deadline already past, so a
//! function that stopped at its deadline would process nothing here. Invoke
//! prints the response body and a newline on standard output; for a function
//! error it exits with status 1 and `Error: <errorType>` as the first line of
//! standard error.

use std::io::Read as _;
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long the Runtime API may take to start listening.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// The `cargo-lambda` executable, or a failure that says how to install it.
fn cargo_lambda() -> Command {
    let probe = Command::new("cargo-lambda")
        .args(["lambda", "--version"])
        .output();
    match probe {
        Ok(output) if output.status.success() => Command::new("cargo-lambda"),
        Ok(output) => panic!(
            "`cargo-lambda lambda --version` failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ),
        Err(err) => panic!(
            "these tests need cargo-lambda on PATH (`pip install cargo-lambda==1.9.2`): {err}"
        ),
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the package lies inside the workspace")
        .to_path_buf()
}

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .expect("a free loopback port")
        .port()
}

/// The answer to one invocation.
#[derive(Debug)]
pub struct Invocation {
    /// Whether `cargo lambda invoke` exited successfully (the function
    /// returned a response, not an error).
    pub succeeded: bool,
    /// The function's response, as printed.
    pub stdout: String,
    /// The error report, when the function returned an error.
    pub stderr: String,
}

impl Invocation {
    /// The function's error type, as `cargo lambda invoke` reports it on its
    /// first line of error output (`Error: <errorType>`).
    pub fn error_type(&self) -> Option<&str> {
        if self.succeeded {
            return None;
        }
        self.stderr.lines().next()?.strip_prefix("Error: ")
    }
}

/// A `cargo lambda watch` process serving one example; ended, with the
/// function it started, when dropped (also when a test fails).
pub struct Watch {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Watch {
    /// Serves `example` (built with every feature, as CI builds the examples)
    /// on a free loopback port, with extra environment variables for the
    /// function, and waits until the Runtime API listens.
    pub fn start(example: &str, env: &[(&str, &str)]) -> Watch {
        let mut command = cargo_lambda();
        let port = free_port();
        let log = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("watch-{example}.log"));
        let log_file = std::fs::File::create(&log).expect("a log file for cargo lambda watch");
        command
            .current_dir(workspace_root())
            .args(["lambda", "watch", "--example", example, "--all-features"])
            .args(["--ignore-changes", "--color", "never"])
            .args(["--invoke-address", "127.0.0.1", "--invoke-port"])
            .arg(port.to_string());
        for (key, value) in env {
            command.arg("--env-var").arg(format!("{key}={value}"));
        }
        let child = command
            .stdin(Stdio::null())
            .stdout(
                log_file
                    .try_clone()
                    .expect("a second handle on the log file"),
            )
            .stderr(log_file)
            // Its own process group, so that dropping the watch also ends
            // the `cargo run` and the function it starts.
            .process_group(0)
            .spawn()
            .expect("cargo lambda watch starts");
        let mut watch = Watch { child, port, log };
        watch.wait_until_listening();
        watch
    }

    fn wait_until_listening(&mut self) {
        let started = Instant::now();
        loop {
            if TcpStream::connect((Ipv4Addr::LOCALHOST, self.port)).is_ok() {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("cargo lambda watch exited ({status}):\n{}", self.log());
            }
            if started.elapsed() > START_TIMEOUT {
                panic!(
                    "cargo lambda watch did not listen on port {} within {START_TIMEOUT:?}:\n{}",
                    self.port,
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Everything `cargo lambda watch` and the function printed so far.
    pub fn log(&self) -> String {
        let mut text = String::new();
        if let Ok(mut file) = std::fs::File::open(&self.log) {
            let _ = file.read_to_string(&mut text);
        }
        text
    }

    /// Sends the event in `file` and waits for the answer.
    pub fn invoke_file(&self, file: &Path) -> Invocation {
        self.invoke(|command| {
            command.arg("--data-file").arg(file);
        })
    }

    /// Sends `event` and waits for the answer.
    pub fn invoke_text(&self, event: &str) -> Invocation {
        self.invoke(|command| {
            command.arg("--data-ascii").arg(event);
        })
    }

    fn invoke(&self, data: impl FnOnce(&mut Command)) -> Invocation {
        let mut command = cargo_lambda();
        command
            .args(["lambda", "invoke", "--color", "never"])
            .args(["--invoke-address", "127.0.0.1", "--invoke-port"])
            .arg(self.port.to_string());
        data(&mut command);
        let output = command.output().expect("cargo lambda invoke runs");
        Invocation {
            succeeded: output.status.success(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        // The process group: cargo lambda watch, `cargo run` and the function.
        let _ = Command::new("kill")
            .args(["-KILL", "--"])
            .arg(format!("-{}", self.child.id()))
            .status();
        let _ = self.child.wait();
    }
}
