//! What happened to one record: it succeeded, failed, was skipped without
//! reaching the handler, or was cancelled while the handler ran.
//!
//! Every outcome but [`Outcome::Success`] puts the record in the partial
//! batch response, so that Lambda delivers it again.

use std::fmt;
use std::time::Duration;

use crate::error::FailureReason;

/// The outcome of one record.
///
/// ```
/// use lambda_batch::{FailureReason, Outcome, SkipReason};
///
/// let ok: Outcome<u32, String> = Outcome::Success(7);
/// assert!(ok.is_success());
/// let failed: Outcome<u32, String> = Outcome::Failure(FailureReason::Handler("down".into()));
/// assert_eq!(failed.error_text().as_deref(), Some("down"));
/// let skipped: Outcome<u32, String> = Outcome::Skipped(SkipReason::Deadline);
/// assert!(!skipped.is_success());
/// assert_eq!(skipped.kind(), "skipped");
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum Outcome<T, E> {
    /// The handler returned `Ok` with this value.
    Success(T),
    /// The handler failed, panicked, or the record could not be read.
    Failure(FailureReason<E>),
    /// The handler was not called; the record is reported so that Lambda
    /// delivers it again.
    Skipped(SkipReason),
    /// The handler was called but stopped before it finished (its future was
    /// dropped); the record is reported so that Lambda delivers it again.
    Cancelled(CancelReason),
}

impl<T, E> Outcome<T, E> {
    /// The failure of a record that could not be read.
    pub(crate) fn invalid(error: crate::error::RecordError) -> Self {
        Outcome::Failure(FailureReason::InvalidRecord(error))
    }
}

impl<T, E: fmt::Display> Outcome<T, E> {
    /// Whether the record succeeded. Every other outcome is reported to Lambda.
    ///
    /// ```
    /// # use lambda_batch::Outcome;
    /// assert!(Outcome::<(), String>::Success(()).is_success());
    /// ```
    pub fn is_success(&self) -> bool {
        matches!(self, Outcome::Success(_))
    }

    /// `success`, `failure`, `skipped` or `cancelled`.
    ///
    /// ```
    /// # use lambda_batch::{Outcome, CancelReason};
    /// assert_eq!(Outcome::<(), String>::Cancelled(CancelReason::Deadline).kind(), "cancelled");
    /// ```
    pub fn kind(&self) -> &'static str {
        match self {
            Outcome::Success(_) => "success",
            Outcome::Failure(_) => "failure",
            Outcome::Skipped(_) => "skipped",
            Outcome::Cancelled(_) => "cancelled",
        }
    }

    /// The text of why the record is reported, or `None` for a success.
    ///
    /// ```
    /// # use lambda_batch::{Outcome, FailureReason};
    /// let o: Outcome<(), String> = Outcome::Failure(FailureReason::Panic("oops".into()));
    /// assert_eq!(o.error_text().unwrap(), "the handler panicked: oops");
    /// ```
    pub fn error_text(&self) -> Option<String> {
        match self {
            Outcome::Success(_) => None,
            Outcome::Failure(reason) => Some(reason.to_string()),
            Outcome::Skipped(reason) => Some(reason.to_string()),
            Outcome::Cancelled(reason) => Some(reason.to_string()),
        }
    }
}

/// Why a record was reported without calling the handler.
///
/// ```
/// use lambda_batch::SkipReason;
///
/// let reason = SkipReason::GroupFailed {
///     scope: "message group",
///     key: "g2".into(),
///     index: 3,
///     identifier: Some("m4".into()),
/// };
/// assert_eq!(reason.code(), "group_failed");
/// assert_eq!(
///     reason.to_string(),
///     "skipped: record 3 (m4) of the same message group `g2` failed"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SkipReason {
    /// The invocation's deadline, less the safety margin, came before the
    /// record could start.
    Deadline,
    /// An earlier record failed, and the batch stops at its first failure
    /// (SQS FIFO stop mode, stream checkpoint mode).
    EarlierFailure {
        /// Position of the record that failed.
        index: usize,
        /// Its identifier, when it has one.
        identifier: Option<String>,
    },
    /// An earlier record with the same ordering key failed (SQS FIFO
    /// skip-group mode, stream per-key mode).
    GroupFailed {
        /// What the key is: `message group`, `partition key` or `item key`.
        scope: &'static str,
        /// The key.
        key: String,
        /// Position of the record that failed.
        index: usize,
        /// Its identifier, when it has one.
        identifier: Option<String>,
    },
    /// An earlier record could not be read, so its ordering key is unknown:
    /// no later record is processed, as any of them may share its key.
    UnknownGroup {
        /// Position of the unreadable record.
        index: usize,
        /// Its identifier, when it has one.
        identifier: Option<String>,
    },
}

impl SkipReason {
    /// A short, stable name: `deadline`, `earlier_failure`, `group_failed`
    /// or `unknown_group`.
    ///
    /// ```
    /// assert_eq!(lambda_batch::SkipReason::Deadline.code(), "deadline");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            SkipReason::Deadline => "deadline",
            SkipReason::EarlierFailure { .. } => "earlier_failure",
            SkipReason::GroupFailed { .. } => "group_failed",
            SkipReason::UnknownGroup { .. } => "unknown_group",
        }
    }
}

/// `record 3 (m4)` or `record 3 (no identifier)`.
struct Named<'r>(usize, Option<&'r str>);

impl fmt::Display for Named<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.1 {
            Some(id) => write!(f, "record {} ({id})", self.0),
            None => write!(f, "record {} (no identifier)", self.0),
        }
    }
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::Deadline => f.write_str(
                "skipped: the invocation's deadline (less the safety margin) came before the record could start",
            ),
            SkipReason::EarlierFailure { index, identifier } => write!(
                f,
                "skipped: {} failed and processing stops at the first failure",
                Named(*index, identifier.as_deref())
            ),
            SkipReason::GroupFailed {
                scope,
                key,
                index,
                identifier,
            } => write!(
                f,
                "skipped: {} of the same {scope} `{key}` failed",
                Named(*index, identifier.as_deref())
            ),
            SkipReason::UnknownGroup { index, identifier } => write!(
                f,
                "skipped: {} could not be read, so its ordering key is unknown and no later record may run before it",
                Named(*index, identifier.as_deref())
            ),
        }
    }
}

/// Why a running handler was stopped.
///
/// ```
/// use std::time::Duration;
/// use lambda_batch::CancelReason;
///
/// assert_eq!(CancelReason::Timeout(Duration::from_millis(250)).to_string(),
///            "cancelled: the handler ran longer than the record timeout of 250ms");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CancelReason {
    /// The invocation's deadline, less the safety margin, was reached.
    Deadline,
    /// The handler ran longer than the per-record timeout.
    Timeout(Duration),
}

impl CancelReason {
    /// A short, stable name: `deadline` or `timeout`.
    ///
    /// ```
    /// assert_eq!(lambda_batch::CancelReason::Deadline.code(), "deadline");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            CancelReason::Deadline => "deadline",
            CancelReason::Timeout(_) => "timeout",
        }
    }
}

impl fmt::Display for CancelReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CancelReason::Deadline => f.write_str(
                "cancelled: the invocation's deadline (less the safety margin) was reached while the handler ran",
            ),
            CancelReason::Timeout(limit) => write!(
                f,
                "cancelled: the handler ran longer than the record timeout of {limit:?}"
            ),
        }
    }
}
