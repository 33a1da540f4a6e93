//! A Lambda function served by `lambda_runtime` in a thread of its own,
//! against its own Runtime API on loopback, invoked one event at a time.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::runtime_api::{Answer, Event, RuntimeApi};

/// How long an invocation may take before the benchmark gives up.
const PATIENCE: Duration = Duration::from_secs(60);

/// A running function and its Runtime API.
pub struct Function {
    api: RuntimeApi,
    invocations: u64,
}

impl Function {
    /// Starts the function `start` returns (such as `lambda_batch::run(..)`)
    /// under Lambda's environment, on a Tokio runtime of one worker thread
    /// as `#[tokio::main]` builds on one vCPU, and invokes it once with
    /// `event` so that it has read its configuration before the next
    /// function is started. Returns the function and its first answer.
    pub fn start<F>(start: impl FnOnce() -> F + Send + 'static, event: &Event) -> (Function, Answer)
    where
        F: Future<Output = Result<(), lambda_runtime::Error>>,
    {
        let api = RuntimeApi::start(Vec::new());
        std::env::set_var("AWS_LAMBDA_RUNTIME_API", api.address());
        std::env::set_var("AWS_LAMBDA_FUNCTION_NAME", "bench");
        std::env::set_var("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1769");
        std::env::set_var("AWS_LAMBDA_FUNCTION_VERSION", "1");
        std::env::remove_var("AWS_LAMBDA_MAX_CONCURRENCY");
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .expect("a Tokio runtime");
            // Runs until the process ends.
            if let Err(e) = runtime.block_on(start()) {
                eprintln!("the function stopped: {e}");
            }
        });
        let mut function = Function {
            api,
            invocations: 0,
        };
        let (_, answer) = function.invoke(event);
        (function, answer)
    }

    /// Invokes the function with `event`: the time from handing the event
    /// out to receiving the answer, and the answer.
    pub fn invoke(&mut self, event: &Event) -> (Duration, Answer) {
        self.invocations += 1;
        let id = format!("req-{}", self.invocations);
        let start = Instant::now();
        self.api.push(id.clone(), Arc::clone(event));
        let answer = self.api.answer(&id, PATIENCE);
        (start.elapsed(), answer)
    }
}
