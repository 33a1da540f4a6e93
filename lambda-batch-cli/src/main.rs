//! The `lambda-batch` command: runs partial batch processing on event files
//! and writes sample events. See `lambda-batch --help`.

mod args;
mod demo;
mod detect;
mod events;
mod exit;
mod kafka_avro;
mod mismatch;
mod process;
mod report;
mod suggest;
mod timer;
mod typed;

use std::io::Write;
use std::process::ExitCode;

use args::Command;

fn main() -> ExitCode {
    exit::silence_panics();
    exit::finish(|| match args::parse(std::env::args_os().skip(1))? {
        Command::Help(usage) => {
            let mut stdout = std::io::stdout().lock();
            exit::written(
                writeln!(stdout, "{usage}").and_then(|()| stdout.flush()),
                "the help",
            )
        }
        Command::Process(process_args) => process::run(&process_args),
        Command::Events(events_args) => events::run(&events_args),
    })
}
