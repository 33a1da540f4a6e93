//! The tracing span of each record, carrying its position and identifier.
//!
//! Making a span costs a few dozen instructions even when no subscriber
//! wants it, which shows on batches of thousands of cheap records. An
//! engine therefore makes the first span of each kind as usual and, when
//! the subscriber turned it down, hands out disabled spans for the rest of
//! its run: whether a span is enabled depends on its callsite, not on the
//! values it carries.

use std::fmt;

use tracing::Span;

use super::batch::Batch;

/// The record spans of one engine run (of one thread, in threads mode:
/// subscribers may differ from thread to thread).
#[derive(Debug, Default)]
pub(crate) struct RecordSpans {
    /// Whether spans of records with an identifier are enabled, once known.
    identified: Option<bool>,
    /// Whether spans of records without one are enabled, once known.
    anonymous: Option<bool>,
}

impl RecordSpans {
    /// The span of the record at `index`.
    pub(crate) fn span<R, T, E: fmt::Display>(
        &mut self,
        batch: &Batch<'_, R, T, E>,
        index: usize,
    ) -> Span {
        match batch.identifier(index) {
            Some(identifier) => {
                if self.identified == Some(false) {
                    return Span::none();
                }
                let span = tracing::info_span!(target: super::TARGET, "record", index, identifier = %identifier);
                self.identified = Some(!span.is_disabled());
                span
            }
            None => {
                if self.anonymous == Some(false) {
                    return Span::none();
                }
                let span = tracing::info_span!(target: super::TARGET, "record", index);
                self.anonymous = Some(!span.is_disabled());
                span
            }
        }
    }
}
