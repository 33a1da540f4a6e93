//! What happened to each record, in input order, and the response built from it.

use std::collections::HashSet;
use std::time::Duration;

use crate::error::{BatchError, RecordFailure};
use crate::metrics::BatchSummary;
use crate::outcome::Outcome;
use crate::response::{BatchResponse, ItemIdentifier};

/// One record's report: position, identifier, outcome and timing.
///
/// ```
/// use lambda_batch::{BatchProcessor, Context, Outcome};
/// use lambda_batch::source::SqsRecord;
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let processor = BatchProcessor::sqs(|record: SqsRecord<'_>| match record.body() {
///     "fail" => Err("refused"),
///     body => Ok(body.len()),
/// });
/// let event = r#"{"Records":[{"messageId":"a","body":"ok"},{"messageId":"b","body":"fail"}]}"#;
/// let context = Context::default();
/// let report = processor.run(event, &context).await?;
/// let second = &report.records()[1];
/// assert_eq!((second.index(), second.identifier().map(|id| id.to_string())), (1, Some("b".into())));
/// assert_eq!(second.outcome().error_text().as_deref(), Some("refused"));
/// assert!(matches!(report.records()[0].outcome(), Outcome::Success(2)));
/// assert!(second.finished() >= second.started());
/// # Ok::<(), lambda_batch::InvalidEvent>(())
/// # }).unwrap();
/// ```
#[derive(Debug)]
pub struct RecordReport<'a, T, E> {
    pub(crate) index: usize,
    pub(crate) identifier: Option<ItemIdentifier<'a>>,
    pub(crate) outcome: Outcome<T, E>,
    pub(crate) started: Duration,
    pub(crate) finished: Duration,
}

impl<'a, T, E> RecordReport<'a, T, E> {
    /// Position of the record in the batch, from 0.
    pub fn index(&self) -> usize {
        self.index
    }
    /// The record's identifier, when it has a usable one.
    pub fn identifier(&self) -> Option<&ItemIdentifier<'a>> {
        self.identifier.as_ref()
    }
    /// What happened to the record.
    pub fn outcome(&self) -> &Outcome<T, E> {
        &self.outcome
    }
    /// The outcome, by value.
    pub fn into_outcome(self) -> Outcome<T, E> {
        self.outcome
    }
    /// When the record's processing started, from the start of the batch.
    pub fn started(&self) -> Duration {
        self.started
    }
    /// When the record's processing ended, from the start of the batch.
    pub fn finished(&self) -> Duration {
        self.finished
    }
}

/// Every record's outcome, in input order, from
/// [`BatchProcessor::run`](crate::BatchProcessor::run).
///
/// This is the equivalent of success and failure hooks: iterate it to log,
/// count or collect results; then turn it into the response with
/// [`into_response`](Self::into_response).
///
/// ```
/// use lambda_batch::{BatchProcessor, Context, Outcome};
/// use lambda_batch::source::SqsRecord;
///
/// fn handle(record: SqsRecord<'_>) -> Result<usize, String> {
///     if record.body().contains("fail") { Err("bad".into()) } else { Ok(record.body().len()) }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let processor = BatchProcessor::sqs(handle);
/// let event = r#"{"Records":[{"messageId":"a","body":"ok"},{"messageId":"b","body":"fail"}]}"#;
/// let context = Context::default();
/// let report = processor.run(event, &context).await?;
/// assert_eq!((report.succeeded(), report.failed()), (1, 1));
/// assert!(matches!(report.records()[0].outcome(), Outcome::Success(2)));
/// let response = report.into_response()?;
/// assert_eq!(serde_json::to_string(&response)?, r#"{"batchItemFailures":[{"itemIdentifier":"b"}]}"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # }).unwrap();
/// ```
#[derive(Debug)]
pub struct BatchReport<'a, T, E> {
    pub(crate) records: Vec<RecordReport<'a, T, E>>,
    pub(crate) raise_on_full_failure: bool,
    pub(crate) elapsed: Duration,
}

impl<'a, T, E: std::fmt::Display> BatchReport<'a, T, E> {
    /// Every record's report, in input order.
    pub fn records(&self) -> &[RecordReport<'a, T, E>] {
        &self.records
    }
    /// Every record's report, by value.
    pub fn into_records(self) -> Vec<RecordReport<'a, T, E>> {
        self.records
    }
    /// How many records the batch held.
    pub fn len(&self) -> usize {
        self.records.len()
    }
    /// Whether the batch held no record.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
    /// How many records succeeded.
    pub fn succeeded(&self) -> usize {
        self.records
            .iter()
            .filter(|r| r.outcome.is_success())
            .count()
    }
    /// How many records are reported to Lambda: failed, skipped or cancelled.
    pub fn failed(&self) -> usize {
        self.len() - self.succeeded()
    }
    /// How many records were reported without calling the handler
    /// ([`Outcome::Skipped`]).
    pub fn skipped(&self) -> usize {
        self.records
            .iter()
            .filter(|r| matches!(r.outcome, Outcome::Skipped(_)))
            .count()
    }
    /// How many records were stopped while their handler ran
    /// ([`Outcome::Cancelled`]).
    pub fn cancelled(&self) -> usize {
        self.records
            .iter()
            .filter(|r| matches!(r.outcome, Outcome::Cancelled(_)))
            .count()
    }
    /// How long the batch took.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }

    /// The batch in figures, as [`EmfMetrics`](crate::EmfMetrics) publishes
    /// them: `failed` counts failed and cancelled records, `skipped` those the
    /// handler never saw.
    pub fn summary(&self) -> BatchSummary {
        let skipped = self.skipped();
        BatchSummary {
            records: self.len(),
            succeeded: self.succeeded(),
            failed: self.failed() - skipped,
            skipped,
            duration: self.elapsed,
        }
    }

    /// The partial batch response, or the error that must fail the invocation.
    ///
    /// - A failed record with no identifier: [`BatchError::MissingIdentifier`]
    ///   (reporting it as `""` or leaving it out would lose it).
    /// - Every record failed and raising on full failure is on:
    ///   [`BatchError::AllRecordsFailed`], carrying every failure and the
    ///   filled response.
    /// - Otherwise the failed records' identifiers, in input order, each
    ///   once (records that repeat an identifier are one item to Lambda).
    pub fn into_response(self) -> Result<BatchResponse, BatchError> {
        let mut failed_ids = Vec::new();
        for record in &self.records {
            if record.outcome.is_success() {
                continue;
            }
            match &record.identifier {
                Some(id) => failed_ids.push(id),
                None => {
                    return Err(BatchError::MissingIdentifier {
                        index: record.index,
                        error: record.outcome.error_text().unwrap_or_default(),
                    })
                }
            }
        }
        let failed = failed_ids.len();
        let repeated = repeats(&failed_ids);
        let mut response = BatchResponse::default();
        for (i, id) in failed_ids.into_iter().enumerate() {
            if !repeated.get(i).copied().unwrap_or(false) {
                response.push(id.clone().into_owned());
            }
        }
        if self.raise_on_full_failure && !self.records.is_empty() && failed == self.len() {
            let failures = self
                .records
                .iter()
                .map(|r| RecordFailure {
                    index: r.index,
                    identifier: r.identifier.as_ref().map(ToString::to_string),
                    error: r.outcome.error_text().unwrap_or_default(),
                })
                .collect();
            return Err(BatchError::AllRecordsFailed { failures, response });
        }
        Ok(response)
    }
}

/// Which of `ids` repeat an earlier one: two records of one identifier are
/// one item to Lambda, reported once, at its first failure. Empty when no
/// identifier repeats (the common case). One hash-set insertion per failure:
/// linear, where sorting them would cost a comparison of identifiers per
/// failure and step of the sort.
fn repeats(ids: &[&ItemIdentifier<'_>]) -> Vec<bool> {
    if ids.len() < 2 {
        return Vec::new();
    }
    let mut seen = HashSet::with_capacity(ids.len());
    let mut repeated = Vec::new();
    for (i, &id) in ids.iter().enumerate() {
        if !seen.insert(id) {
            if repeated.is_empty() {
                repeated = vec![false; ids.len()];
            }
            repeated[i] = true;
        }
    }
    repeated
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_later_occurrences_of_an_identifier_repeat() {
        let [a, b, c] = ["a", "b", "c"].map(ItemIdentifier::from);
        let k = ItemIdentifier::kafka("t", 0, 1);
        assert_eq!(
            repeats(&[&b, &a, &k, &b, &c, &a, &k, &b]),
            [false, false, false, true, false, true, true, true]
        );
        assert!(repeats(&[&a, &b, &c, &k]).is_empty());
        assert!(repeats(&[&a]).is_empty());
        assert!(repeats(&[]).is_empty());
    }
}
