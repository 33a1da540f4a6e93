//! `lambda-batch process`: runs the demo handler on a batch event and prints
//! the partial batch response.

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::Path;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use lambda_batch::handler::Handler;
use lambda_batch::source::{DynamoDb, EventSource, Kafka, Kinesis, Sqs};
use lambda_batch::{BatchError, BatchProcessor, BatchResponse, Context};

use crate::args::{Input, KafkaValue, ProcessArgs, SourceKind, PROCESS_USAGE};
use crate::demo::{self, Burn, Demo, Payload};
use crate::detect::{detect, Undetected};
use crate::exit::{self, CliError};
use crate::{mismatch, report};

/// Runs `process` with these arguments.
pub fn run(args: &ProcessArgs) -> Result<(), CliError> {
    run_on_input(args).map_err(|error| match (&args.input, error) {
        // Reading stdin unasked can look like a hang, or fail oddly: say so.
        (Input::Unnamed, CliError::Input(message)) => CliError::Input(format!(
            "{message} (the event was read from standard input, as no FILE was given)"
        )),
        (_, error) => error,
    })
}

fn run_on_input(args: &ProcessArgs) -> Result<(), CliError> {
    let event = read_event(&args.input)?;
    let source = match args.source {
        Some(source) => source,
        None => detect_source(&event)?,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .map_err(|e| CliError::Internal(format!("cannot start the async runtime: {e}")))?;
    let done = runtime.block_on(process_as(source, &event, args))?;
    if args.repeat.is_some() {
        let secs = done.elapsed.as_secs_f64();
        let ns_per_record = match done.records {
            0 => 0,
            n => done.elapsed.as_nanos() / n as u128,
        };
        // Timing is informative: a closed stderr does not fail the command.
        let _ = writeln!(
            io::stderr(),
            "records={} secs={secs:.6} ns_per_record={ns_per_record}",
            done.records
        );
    }
    let response = done
        .response
        .map_err(|error| mismatch::batch_error(error, &event, args.source))?;
    exit::written(print_response(&response), "the response")
}

/// The event's text, from a file or stdin.
fn read_event(input: &Input) -> Result<String, CliError> {
    let mut bytes = match input {
        Input::Stdin | Input::Unnamed => {
            let mut bytes = Vec::new();
            io::stdin()
                .lock()
                .read_to_end(&mut bytes)
                .map_err(|e| CliError::input(format!("cannot read stdin: {e}")))?;
            bytes
        }
        Input::File(path) => std::fs::read(path)
            .map_err(|e| CliError::input(format!("cannot read `{}`: {e}", path.display())))?,
    };
    if strip_bom(&mut bytes) {
        // A warning only: a closed stderr does not fail the command.
        let _ = writeln!(
            io::stderr(),
            "warning: {} starts with a UTF-8 byte order mark (EF BB BF), which Lambda never \
             sends: it was skipped",
            named(input)
        );
    }
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let hint = match e.as_bytes() {
            [0xFF, 0xFE, ..] | [0xFE, 0xFF, ..] => {
                " (it starts with a UTF-16 byte order mark: save it as UTF-8)"
            }
            _ => "",
        };
        CliError::input(format!(
            "invalid event: the input is not UTF-8 text (invalid byte at offset {offset}){hint}"
        ))
    })
}

/// Removes a leading UTF-8 byte order mark, as some editors and .NET tools
/// write one, from `bytes`: whether there was one.
fn strip_bom(bytes: &mut Vec<u8>) -> bool {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let found = bytes.starts_with(BOM);
    if found {
        bytes.drain(..BOM.len());
    }
    found
}

/// The input, as messages name it.
fn named(input: &Input) -> String {
    match input {
        Input::Stdin | Input::Unnamed => "standard input".to_owned(),
        Input::File(path) => format!("`{}`", path.display()),
    }
}

/// The source of `event`, or why it cannot be processed.
fn detect_source(event: &str) -> Result<SourceKind, CliError> {
    detect(event).map_err(|undetected| {
        let reason = match undetected {
            // The library's own envelope error says best what is wrong.
            Undetected::NotAnObject | Undetected::RecordsNotAList => {
                match Sqs::parse_check(event) {
                    Err(invalid) => invalid.to_string(),
                    Ok(_) => undetected.to_string(),
                }
            }
            other => other.to_string(),
        };
        CliError::input(format!("invalid event: {reason}"))
    })
}

/// What processing produced: the last run's result, and the time spent.
pub(crate) struct Done {
    response: Result<BatchResponse, BatchError>,
    /// Records processed over every run.
    records: usize,
    /// Time spent processing, over every run.
    elapsed: Duration,
}

async fn process_as(source: SourceKind, event: &str, args: &ProcessArgs) -> Result<Done, CliError> {
    if let KafkaValue::Avro(path) = &args.kafka_value {
        if source != SourceKind::Kafka {
            return Err(CliError::usage(
                format!("`--kafka-value` applies to Kafka events, and this is not one (source: {source})"),
                PROCESS_USAGE,
            ));
        }
        return crate::kafka_avro::process(event, args, path).await;
    }
    if args.typed {
        return crate::typed::process_as(source, event, args).await;
    }
    match source {
        SourceKind::Sqs => with_source(Sqs, event, args).await,
        SourceKind::Kinesis => with_source(Kinesis, event, args).await,
        SourceKind::DynamoDb => with_source(DynamoDb, event, args).await,
        SourceKind::Kafka => with_source(Kafka, event, args).await,
    }
}

/// Builds the demo processor for `source`: sync, or async when it sleeps.
async fn with_source<S>(source: S, event: &str, args: &ProcessArgs) -> Result<Done, CliError>
where
    S: Ordered,
    for<'a> S::Record<'a>: Payload,
{
    let demo = Demo {
        panic_on: args.panic_on.clone(),
    };
    let burn = args.cpu.map(Burn::calibrate);
    let work = move || {
        if let Some(burn) = &burn {
            burn.run();
        }
    };
    match args.sleep {
        None => {
            let handler = move |record: S::Record<'_>| {
                work();
                demo.decide(&record)
            };
            let processor =
                configure(BatchProcessor::new(source, handler), args)?.parallel(args.parallel);
            drive(&processor, event, args).await
        }
        Some(sleep) => {
            let handler = move |record: S::Record<'_>| {
                work();
                demo::after(sleep, demo.decide(&record))
            };
            let processor = configure(BatchProcessor::new(source, handler), args)?;
            drive(&processor, event, args).await
        }
    }
}

/// Applies the options every handler form shares.
pub(crate) fn configure<S: Ordered, H, M>(
    processor: BatchProcessor<S, H, M>,
    args: &ProcessArgs,
) -> Result<BatchProcessor<S, H, M>, CliError>
where
    for<'a> H: Handler<'a, S::Record<'a>, M>,
{
    let mut processor = processor
        .raise_on_full_failure(args.raise_on_full_failure)
        .concurrency(args.concurrency);
    if let Some(margin) = args.deadline_margin {
        processor = processor.deadline_margin(margin);
    }
    if let Some(timeout) = args.record_timeout {
        processor = processor.record_timeout(timeout);
    }
    S::ordered(processor, args)
}

/// Sources and the ordering options that apply to them.
pub(crate) trait Ordered: EventSource {
    /// Applies `--fifo` or `--stream`, refusing the one that does not apply.
    fn ordered<H, M>(
        processor: BatchProcessor<Self, H, M>,
        args: &ProcessArgs,
    ) -> Result<BatchProcessor<Self, H, M>, CliError>;
}

fn not_for(option: &str, source: &str, applies: &str) -> CliError {
    CliError::usage(
        format!("`{option}` applies to {applies} events, and this is {source} event"),
        PROCESS_USAGE,
    )
}

impl Ordered for Sqs {
    fn ordered<H, M>(
        processor: BatchProcessor<Self, H, M>,
        args: &ProcessArgs,
    ) -> Result<BatchProcessor<Self, H, M>, CliError> {
        if args.stream.is_some() {
            return Err(not_for("--stream", "an SQS", "Kinesis, DynamoDB and Kafka"));
        }
        Ok(match args.fifo {
            Some(mode) => processor.fifo(mode),
            None => processor,
        })
    }
}

macro_rules! stream_source {
    ($source:ident, $name:literal) => {
        impl Ordered for $source {
            fn ordered<H, M>(
                processor: BatchProcessor<Self, H, M>,
                args: &ProcessArgs,
            ) -> Result<BatchProcessor<Self, H, M>, CliError> {
                if args.fifo.is_some() {
                    return Err(not_for("--fifo", $name, "SQS"));
                }
                Ok(match args.stream {
                    Some(mode) => processor.stream(mode),
                    None => processor,
                })
            }
        }
    };
}

stream_source!(Kinesis, "a Kinesis");
stream_source!(DynamoDb, "a DynamoDB");
stream_source!(Kafka, "a Kafka");

/// Processes the event (`--repeat` times), writing the report of the last run.
pub(crate) async fn drive<S, H, M>(
    processor: &BatchProcessor<S, H, M>,
    event: &str,
    args: &ProcessArgs,
) -> Result<Done, CliError>
where
    S: EventSource,
    for<'a> H: Handler<'a, S::Record<'a>, M>,
{
    let rounds = args.repeat.unwrap_or(1);
    let mut done = Done {
        response: Ok(BatchResponse::default()),
        records: 0,
        elapsed: Duration::ZERO,
    };
    for round in 1..=rounds {
        let context = invocation_context(args.deadline);
        let started = Instant::now();
        let batch = processor
            .run(event, &context)
            .await
            .map_err(|invalid| mismatch::invalid_event(invalid, event, args.source))?;
        done.elapsed += started.elapsed();
        done.records += batch.len();
        if round == rounds {
            if let Some(path) = &args.report {
                write_report(path, &batch, S::ORDERING_SCOPE)?;
            }
        }
        let started = Instant::now();
        done.response = batch.into_response();
        done.elapsed += started.elapsed();
    }
    Ok(done)
}

/// The context of one simulated invocation: its deadline is `deadline`
/// from now, or in the past (none) without one.
fn invocation_context(deadline: Option<Duration>) -> Context {
    let mut context = Context::default();
    if let Some(deadline) = deadline {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        context.deadline = u64::try_from((now + deadline).as_millis()).unwrap_or(u64::MAX);
    }
    context
}

fn write_report<T, E: std::fmt::Display>(
    path: &Path,
    batch: &lambda_batch::BatchReport<'_, T, E>,
    scope: &str,
) -> Result<(), CliError> {
    let written =
        File::create(path).and_then(|file| report::write(&mut BufWriter::new(file), batch, scope));
    written
        .map_err(|e| CliError::input(format!("cannot write the report `{}`: {e}", path.display())))
}

fn print_response(response: &BatchResponse) -> io::Result<()> {
    let mut line = serde_json::to_vec(response).map_err(io::Error::other)?;
    line.push(b'\n');
    let mut stdout = io::stdout().lock();
    stdout.write_all(&line)?;
    stdout.flush()
}
