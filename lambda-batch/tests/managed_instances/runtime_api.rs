//! A Lambda Runtime API on loopback that hands out events and records the
//! functions' answers: enough of the real interface (long-polled `next`,
//! `response`, `error`, request ids and deadlines in headers, kept-alive
//! connections) to serve `lambda_runtime` unchanged.
//!
//! Events are given up front ([`RuntimeApi::start`]) or one at a time
//! ([`RuntimeApi::push`]); their bytes are sent as they are, never copied.
//! It counts how many invocations were ever in flight at the same time.
//!
//! Shared by the Managed Instances tests and the invocation benchmark, each
//! of which uses part of it.
#![allow(dead_code)]

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// An event's bytes, as the Runtime API sends them.
pub type Event = Arc<[u8]>;

/// What a function answered to one invocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// A response, with its body.
    Response(String),
    /// An error, with the body's `errorType`.
    Error(String),
}

#[derive(Default)]
struct State {
    pending: VecDeque<(String, Event)>,
    in_flight: usize,
    most_in_flight: usize,
    answers: HashMap<String, Answer>,
}

struct Shared {
    state: Mutex<State>,
    changed: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn wait<'a>(&self, state: MutexGuard<'a, State>, left: Duration) -> MutexGuard<'a, State> {
        self.changed
            .wait_timeout(state, left)
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .0
    }
}

/// The Runtime API, listening on a loopback port.
pub struct RuntimeApi {
    shared: Arc<Shared>,
    address: String,
}

impl RuntimeApi {
    /// Serves `events` (request id, event body), in order.
    pub fn start(events: Vec<(String, Event)>) -> RuntimeApi {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("a loopback port");
        let address = format!("http://{}", listener.local_addr().expect("its address"));
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                pending: events.into(),
                ..State::default()
            }),
            changed: Condvar::new(),
        });
        let accepting = Arc::clone(&shared);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let shared = Arc::clone(&accepting);
                std::thread::spawn(move || serve(&shared, stream));
            }
        });
        RuntimeApi { shared, address }
    }

    /// The value for `AWS_LAMBDA_RUNTIME_API`.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// Hands out `event` as request `id`, after the events before it.
    pub fn push(&self, id: String, event: Event) {
        self.shared.lock().pending.push_back((id, event));
        self.shared.changed.notify_all();
    }

    /// Waits for the answer to request `id`, and takes it.
    ///
    /// # Panics
    ///
    /// When it does not come within `timeout`.
    pub fn answer(&self, id: &str, timeout: Duration) -> Answer {
        let until = Instant::now() + timeout;
        let mut state = self.shared.lock();
        loop {
            if let Some(answer) = state.answers.remove(id) {
                return answer;
            }
            let left = until.saturating_duration_since(Instant::now());
            assert!(!left.is_zero(), "no answer to {id} after {timeout:?}");
            state = self.shared.wait(state, left);
        }
    }

    /// Waits for `count` answers, and returns them by request id.
    ///
    /// # Panics
    ///
    /// When they do not all come within `timeout`.
    pub fn answers(&self, count: usize, timeout: Duration) -> HashMap<String, Answer> {
        let until = Instant::now() + timeout;
        let mut state = self.shared.lock();
        while state.answers.len() < count {
            let left = until.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "{} of {count} answers after {timeout:?}",
                state.answers.len()
            );
            state = self.shared.wait(state, left);
        }
        state.answers.clone()
    }

    /// The most invocations that were handed out and not yet answered at
    /// the same time.
    pub fn most_in_flight(&self) -> usize {
        self.shared.lock().most_in_flight
    }
}

/// Answers the requests of one kept-alive connection.
fn serve(shared: &Shared, stream: TcpStream) {
    // A reply is written as its head, then its body: without this, the body
    // could wait for the acknowledgement of the head.
    if stream.set_nodelay(true).is_err() {
        return;
    }
    let Ok(writer) = stream.try_clone() else {
        return;
    };
    let mut writer = writer;
    let mut reader = BufReader::new(stream);
    while let Some((method, path, body)) = read_request(&mut reader) {
        let (head, body) = match (method.as_str(), path.as_str()) {
            ("GET", "/2018-06-01/runtime/invocation/next") => next(shared),
            ("POST", path) => answer(shared, path, body),
            _ => reply(404, &[], text("{}")),
        };
        if writer.write_all(head.as_bytes()).is_err() || writer.write_all(&body).is_err() {
            return;
        }
    }
}

/// Reads one HTTP/1.1 request: method, path and body.
fn read_request(reader: &mut BufReader<TcpStream>) -> Option<(String, String, String)> {
    let mut line = String::new();
    reader.read_line(&mut line).ok().filter(|n| *n > 0)?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let path = parts.next()?.to_owned();
    let mut length = 0;
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok().filter(|n| *n > 0)?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().ok()?;
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some((method, path, String::from_utf8(body).ok()?))
}

/// A reply's head (status line and headers) and body.
type Reply = (String, Event);

/// Hands out the next event; when there is none left, the poll waits, as on
/// Lambda.
fn next(shared: &Shared) -> Reply {
    let mut state = shared.lock();
    let (id, event) = loop {
        if let Some(next) = state.pending.pop_front() {
            break next;
        }
        state = shared
            .changed
            .wait(state)
            .unwrap_or_else(|poisoned| poisoned.into_inner());
    };
    state.in_flight += 1;
    state.most_in_flight = state.most_in_flight.max(state.in_flight);
    drop(state);
    let deadline = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |now| now.as_millis())
        + 60_000;
    reply(
        200,
        &[
            ("lambda-runtime-aws-request-id", id.as_str()),
            ("lambda-runtime-deadline-ms", &deadline.to_string()),
            (
                "lambda-runtime-invoked-function-arn",
                "arn:aws:lambda:us-east-2:123456789012:function:reservations",
            ),
            (
                "lambda-runtime-trace-id",
                "Root=1-67891233-abcdef012345678912345678",
            ),
        ],
        event,
    )
}

/// Records a response or an error.
fn answer(shared: &Shared, path: &str, body: String) -> Reply {
    let rest = path.strip_prefix("/2018-06-01/runtime/invocation/");
    let answered = rest.and_then(|rest| match rest.rsplit_once('/') {
        Some((id, "response")) => Some((id, Answer::Response(body))),
        Some((id, "error")) => {
            let error: serde_json::Value = serde_json::from_str(&body).ok()?;
            let error_type = error.get("errorType")?.as_str()?.to_owned();
            Some((id, Answer::Error(error_type)))
        }
        _ => None,
    });
    let Some((id, answer)) = answered else {
        return reply(400, &[], text(r#"{"errorMessage":"unexpected request"}"#));
    };
    let mut state = shared.lock();
    state.in_flight = state.in_flight.saturating_sub(1);
    state.answers.insert(id.to_owned(), answer);
    shared.changed.notify_all();
    reply(202, &[], text(r#"{"status":"OK"}"#))
}

fn text(body: &str) -> Event {
    Arc::from(body.as_bytes())
}

fn reply(status: u16, headers: &[(&str, &str)], body: Event) -> Reply {
    let reason = match status {
        200 => "OK",
        202 => "Accepted",
        400 => "Bad Request",
        _ => "Not Found",
    };
    let mut text = format!("HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\n");
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
    (text, body)
}
