//! `cargo lambda watch` serving one example on loopback, and `cargo lambda
//! invoke` sending it events.
//!
//! What cargo-lambda 1.9.2 does here: on the first invocation, watch starts
//! the function with `cargo run --example NAME` and the feature flags given
//! to it (so the examples CI already built are reused); it sets
//! `AWS_LAMBDA_MAX_CONCURRENCY=1`, even over `--env-var` (so a function
//! with several workers is run apart, [`Watch::start_apart`]); and it
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

/// Starts `command` writing to `log`, in a process group of its own, so
/// that dropping the watch also ends what it started (`cargo run` and the
/// function).
fn spawn_logged(log: &Path, mut command: Command) -> Child {
    let log_file = std::fs::OpenOptions::new()
        .append(true)
        .open(log)
        .expect("the log file opens");
    command
        .stdin(Stdio::null())
        .stdout(
            log_file
                .try_clone()
                .expect("a second handle on the log file"),
        )
        .stderr(log_file)
        .process_group(0)
        .spawn()
        .expect("the command starts")
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
    /// The function, when it runs apart from cargo-lambda.
    function: Option<Child>,
    port: u16,
    log: PathBuf,
}

impl Watch {
    /// Serves `example` (built with every feature, as CI builds the examples)
    /// on a free loopback port, with extra environment variables for the
    /// function, and waits until the Runtime API listens.
    pub fn start(example: &str, env: &[(&str, &str)]) -> Watch {
        let mut command = cargo_lambda();
        command.args(["lambda", "watch", "--example", example, "--all-features"]);
        for (key, value) in env {
            command.arg("--env-var").arg(format!("{key}={value}"));
        }
        Watch::serve(command, example)
    }

    /// Serves `example` as the READMEs say to try `run_concurrent` locally:
    /// cargo-lambda's Runtime API alone (`--only-lambda-apis`), and the
    /// function run apart with `cargo run` and the environment Lambda would
    /// give it, `env` included, which cargo-lambda would override.
    pub fn start_apart(example: &str, env: &[(&str, &str)]) -> Watch {
        let mut command = cargo_lambda();
        command.args(["lambda", "watch", "--only-lambda-apis"]);
        let mut watch = Watch::serve(command, example);
        let mut function = Command::new(env!("CARGO"));
        function
            .current_dir(workspace_root())
            .args([
                "run",
                "-p",
                "lambda-batch",
                "--example",
                example,
                "--all-features",
            ])
            .env(
                "AWS_LAMBDA_RUNTIME_API",
                format!("http://127.0.0.1:{}/.rt", watch.port),
            )
            .env("AWS_LAMBDA_FUNCTION_NAME", example)
            .env("AWS_LAMBDA_FUNCTION_VERSION", "1")
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "4096")
            .envs(env.iter().copied());
        watch.function = Some(spawn_logged(&watch.log, function));
        watch
    }

    /// Starts `command` (a `cargo lambda watch`) on a free loopback port,
    /// logging to a file named after `example`, and waits until it listens.
    fn serve(mut command: Command, example: &str) -> Watch {
        let port = free_port();
        let log = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("watch-{example}.log"));
        std::fs::File::create(&log).expect("a log file for cargo lambda watch");
        command
            .current_dir(workspace_root())
            .args(["--ignore-changes", "--color", "never"])
            .args(["--invoke-address", "127.0.0.1", "--invoke-port"])
            .arg(port.to_string());
        let child = spawn_logged(&log, command);
        let mut watch = Watch {
            child,
            function: None,
            port,
            log,
        };
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
        // The process groups: cargo lambda watch, `cargo run` and the function.
        for child in std::iter::once(&mut self.child).chain(self.function.as_mut()) {
            let _ = Command::new("kill")
                .args(["-KILL", "--"])
                .arg(format!("-{}", child.id()))
                .status();
            let _ = child.wait();
        }
    }
}
