//! Errors of the command and how each one ends the process.
//!
//! | exit code | meaning | stderr |
//! |---|---|---|
//! | 0 | the response (or the sample event) was printed, or its reader closed the pipe | timing line with `--repeat` |
//! | 1 | the whole batch failed | Lambda's Diagnostic JSON, one line |
//! | 2 | invalid input or usage | `error: ...`, plus the usage for usage errors |
//! | 70 | an internal error (a bug) | `error: internal error: ...` |

use std::any::Any;
use std::fmt;
use std::io::{self, Write};
use std::process::ExitCode;

use lambda_batch::BatchError;

/// Lambda's error body, as the runtime reports a failed invocation.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Diagnostic {
    error_type: &'static str,
    error_message: String,
}

/// Why the command did not succeed.
#[derive(Debug)]
pub enum CliError {
    /// The command line is wrong: message and the usage to show.
    Usage {
        /// What is wrong.
        message: String,
        /// The usage of the command.
        usage: &'static str,
    },
    /// The input cannot be used, or an output cannot be written.
    Input(String),
    /// The whole batch failed, as a Lambda function would fail.
    Batch(BatchError),
    /// A bug.
    Internal(String),
}

impl CliError {
    /// A usage error.
    pub fn usage(message: impl Into<String>, usage: &'static str) -> Self {
        CliError::Usage {
            message: message.into(),
            usage,
        }
    }

    /// An input or output error.
    pub fn input(message: impl fmt::Display) -> Self {
        CliError::Input(message.to_string())
    }

    /// The process exit code of this error.
    pub fn code(&self) -> u8 {
        match self {
            CliError::Batch(_) => 1,
            CliError::Usage { .. } | CliError::Input(_) => 2,
            CliError::Internal(_) => 70,
        }
    }

    /// Writes the error as this command reports it.
    pub fn write_to(&self, out: &mut impl Write) -> io::Result<()> {
        match self {
            CliError::Usage { message, usage } => {
                writeln!(out, "error: {message}")?;
                // The usage lines alone: from `usage:` to the first blank line.
                let short = usage
                    .lines()
                    .skip_while(|line| !line.starts_with("usage:"))
                    .take_while(|line| !line.is_empty());
                for line in short {
                    writeln!(out, "{line}")?;
                }
                Ok(())
            }
            CliError::Input(message) => writeln!(out, "error: {message}"),
            CliError::Batch(error) => {
                let diagnostic = Diagnostic {
                    error_type: error.error_type(),
                    error_message: error.to_string(),
                };
                serde_json::to_writer(&mut *out, &diagnostic)?;
                writeln!(out)
            }
            CliError::Internal(message) => writeln!(out, "error: internal error: {message}"),
        }
    }
}

impl From<BatchError> for CliError {
    fn from(error: BatchError) -> Self {
        match error {
            BatchError::InvalidEvent(invalid) => {
                CliError::Input(format!("invalid event: {invalid}"))
            }
            other => CliError::Batch(other),
        }
    }
}

/// The outcome of writing a command's output to stdout.
///
/// A reader that went away (a closed pipe, as with `| head`) stopped
/// listening on purpose: that ends the command quietly.
pub fn written(result: io::Result<()>, what: &str) -> Result<(), CliError> {
    match result {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            Err(CliError::input(format!("cannot write {what}: {e}")))
        }
        _ => Ok(()),
    }
}

/// Silences panic messages: a handler's panic is a failed record, reported
/// in the response, not a crash to print a trace for.
pub fn silence_panics() {
    std::panic::set_hook(Box::new(|_| {}));
}

/// Runs `command`, reporting its error on stderr, and returns the exit code.
///
/// A panic that escapes the command (a bug) is reported as an internal error.
pub fn finish(command: impl FnOnce() -> Result<(), CliError>) -> ExitCode {
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(command))
        .unwrap_or_else(|panic| Err(CliError::Internal(panic_text(&*panic))));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // Nothing more can be done when stderr itself is closed.
            let _ = error.write_to(&mut io::stderr().lock());
            ExitCode::from(error.code())
        }
    }
}

fn panic_text(panic: &(dyn Any + Send)) -> String {
    if let Some(text) = panic.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = panic.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(error: &CliError) -> String {
        let mut out = Vec::new();
        error.write_to(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn batch_errors_are_diagnostics() {
        let error = CliError::from(BatchError::MissingIdentifier {
            index: 1,
            error: "x".into(),
        });
        assert_eq!(error.code(), 1);
        let text = written(&error);
        assert!(text.starts_with(r#"{"errorType":"MissingIdentifier","errorMessage":"#));
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["errorType"], "MissingIdentifier");
        assert!(value["errorMessage"].as_str().unwrap().contains("record 1"));
    }

    #[test]
    fn usage_errors_show_the_usage_line() {
        let error = CliError::usage("unknown option `--x`", crate::args::PROCESS_USAGE);
        assert_eq!(error.code(), 2);
        let text = written(&error);
        assert!(text.starts_with("error: unknown option `--x`\nusage: lambda-batch process"));
    }
}
