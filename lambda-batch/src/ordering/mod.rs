//! Ordered processing: SQS FIFO queues and stream checkpoints.
//!
//! A partial batch response can break the order that a FIFO queue or a
//! stream promises: a record processed after an earlier record of its group
//! failed runs before that record's retry. The modes here keep order by not
//! processing such records: they are reported failed with
//! [`Outcome::Skipped`](crate::Outcome::Skipped), so Lambda delivers them
//! again, after the record that failed.
//!
//! | mode | records the handler does not run on | runs concurrently |
//! |---|---|---|
//! | [`FifoMode::Stop`], [`StreamMode::Stop`] | every record after the first failure | no: one record at a time |
//! | [`FifoMode::SkipGroup`], [`StreamMode::PerKey`] | later records with the key of a record that failed | different keys, under the concurrency limit; each key in order |
//! | [`FifoMode::Off`], [`StreamMode::Off`] | none | every record, under the concurrency limit |
//!
//! The key is the SQS `MessageGroupId`, the Kinesis partition key, the
//! DynamoDB item's keys or the Kafka topic-partition
//! ([`EventSource::ordering_key`]). SQS processors
//! default to [`FifoMode::Auto`]: skip-group handling when the queue is a
//! FIFO queue (its ARN ends in `.fifo`), none otherwise.
//!
//! ```
//! use lambda_batch::{BatchProcessor, Context};
//! use lambda_batch::ordering::FifoMode;
//! use lambda_batch::source::SqsRecord;
//!
//! fn handle(record: SqsRecord<'_>) -> Result<(), String> {
//!     if record.body() == "fail" { Err("refused".into()) } else { Ok(()) }
//! }
//!
//! let processor = BatchProcessor::sqs(handle).fifo(FifoMode::Stop);
//! let event = r#"{"Records":[
//!   {"messageId":"1","body":"ok"},{"messageId":"2","body":"fail"},{"messageId":"3","body":"ok"}]}"#;
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let response = processor.process(event, &Context::default()).await.unwrap();
//! let reported: Vec<String> = response.identifiers().map(|id| id.to_string()).collect();
//! assert_eq!(reported, ["2", "3"]);
//! # });
//! ```

use crate::source::{EventSource, Parsed};

pub(crate) mod schedule;

/// How an SQS processor keeps the order of FIFO queues.
///
/// ```
/// use lambda_batch::BatchProcessor;
/// use lambda_batch::ordering::FifoMode;
/// use lambda_batch::source::SqsRecord;
///
/// let processor = BatchProcessor::sqs(|_: SqsRecord<'_>| Ok::<(), String>(()))
///     .fifo(FifoMode::SkipGroup)
///     .concurrency(10); // different message groups run at once
/// # let _ = processor;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum FifoMode {
    /// [`SkipGroup`](Self::SkipGroup) when a record's event source ARN ends
    /// in `.fifo`; [`Off`](Self::Off) otherwise. A `MessageGroupId` alone
    /// does not make a queue FIFO: fair queues set it on standard queues.
    #[default]
    Auto,
    /// No ordering: every record runs, whatever failed before it.
    Off,
    /// After the first failure, that record and every later one are
    /// reported; the handler runs on no later record. Records run one at a
    /// time, whatever the concurrency limit.
    Stop,
    /// After a failure, only later records of the same message group are
    /// skipped; other groups go on, and records without a group id poison
    /// nothing. Different groups run concurrently under the concurrency
    /// limit, each group strictly in order.
    SkipGroup,
}

/// How a Kinesis, DynamoDB Streams or Kafka processor treats the records
/// after a failure.
///
/// For Kinesis and DynamoDB Streams, Lambda checkpoints at the lowest
/// reported sequence number and delivers every record after it again,
/// reported or not. Kafka keeps order within a topic-partition: these modes
/// report the records that follow a failure in its partition (or, in stop
/// mode, in the batch), so they come again after the failed one.
///
/// ```
/// use lambda_batch::BatchProcessor;
/// use lambda_batch::ordering::StreamMode;
/// use lambda_batch::source::KinesisRecord;
///
/// let processor = BatchProcessor::kinesis(|_: KinesisRecord<'_>| Ok::<(), String>(()))
///     .stream(StreamMode::PerKey)
///     .concurrency(8);
/// # let _ = processor;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum StreamMode {
    /// Every record runs; failed ones are reported (the default, as in
    /// every Powertools). Records after the first failure are delivered
    /// again anyway, so they run twice.
    #[default]
    Off,
    /// Checkpoint mode: stop at the first failure and report it and every
    /// later record, which Lambda delivers again from there. Records run one
    /// at a time.
    Stop,
    /// Per-key mode: partition keys (Kinesis), item keys (DynamoDB) or
    /// topic-partitions (Kafka) run concurrently under the concurrency
    /// limit, each key in order; a failure stops only its key, whose later
    /// records are reported.
    PerKey,
}

/// The ordering setting of a processor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Order {
    /// FIFO handling for queues that are FIFO; none for other sources.
    #[default]
    Auto,
    Fifo(FifoMode),
    Stream(StreamMode),
}

/// How one batch is ordered, once its records are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Plan {
    /// Any record may run at any time.
    Unordered,
    /// One record at a time; every record after the first failure is skipped.
    Stop,
    /// Records of one key run in order; a failure skips its key's later records.
    Groups,
}

impl Order {
    /// The plan for a batch of `records`.
    pub(crate) fn plan<S: EventSource>(self, records: &[Parsed<'_, S::Record<'_>>]) -> Plan {
        match self {
            Order::Auto | Order::Fifo(FifoMode::Auto) => {
                let fifo = records
                    .iter()
                    .any(|parsed| parsed.record().is_ok_and(|r| S::from_fifo_queue(r)));
                if fifo {
                    Plan::Groups
                } else {
                    Plan::Unordered
                }
            }
            Order::Fifo(FifoMode::Off) | Order::Stream(StreamMode::Off) => Plan::Unordered,
            Order::Fifo(FifoMode::Stop) | Order::Stream(StreamMode::Stop) => Plan::Stop,
            Order::Fifo(FifoMode::SkipGroup) | Order::Stream(StreamMode::PerKey) => Plan::Groups,
        }
    }
}
