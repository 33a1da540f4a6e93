//! Whatever JSON arrives, reading it never panics and never loses a record:
//! every source either rejects the event as a whole with an `InvalidEvent`,
//! or reports every record once, and a record that failed is never missing
//! from the response.

use lambda_batch::source::{DynamoDb, Kafka, Kinesis, Sqs};
use lambda_batch::source::{
    DynamoDbRecord, EventSource, KafkaRecord, KinesisRecord, Parsed, SqsRecord,
};
use lambda_batch::{BatchError, BatchProcessor, BatchReport, Context};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

/// Field names the sources look for, so that random objects often hit them.
const NAMES: &[&str] = &[
    "messageId",
    "body",
    "attributes",
    "messageAttributes",
    "ApproximateReceiveCount",
    "SentTimestamp",
    "eventSourceARN",
    "stringValue",
    "binaryValue",
    "dataType",
    "kinesis",
    "data",
    "sequenceNumber",
    "partitionKey",
    "approximateArrivalTimestamp",
    "dynamodb",
    "SequenceNumber",
    "NewImage",
    "OldImage",
    "Keys",
    "eventName",
    "ApproximateCreationDateTime",
    "S",
    "N",
    "B",
    "BOOL",
    "NULL",
    "M",
    "L",
    "SS",
    "NS",
    "BS",
    "topic",
    "partition",
    "offset",
    "timestamp",
    "key",
    "value",
    "headers",
    "records",
    "Records",
    "eventSource",
    "other",
];

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        prop_oneof![
            Just("fail".to_owned()),
            Just("eyJpZCI6MX0=".to_owned()),
            Just("12".to_owned()),
            Just(String::new()),
            "[a-zA-Z0-9+/=\\\\\"é-]{0,12}",
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(NAMES), inner), 0..6).prop_map(|entries| {
                let map: Map<String, Value> = entries
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v))
                    .collect();
                Value::Object(map)
            }),
        ]
    })
}

/// Checks one source on one event: no panic, every record reported once, no
/// failed record missing from the response.
async fn check<S, H, M>(
    processor: &BatchProcessor<S, H, M>,
    event: &str,
) -> Result<(), TestCaseError>
where
    S: EventSource,
    for<'a> H: lambda_batch::handler::Handler<'a, S::Record<'a>, M>,
{
    let parsed: Result<Vec<Parsed<'_, S::Record<'_>>>, _> = S::parse(event);
    let context = Context::default();
    let report = processor.run(event, &context).await;
    let (parsed, report) = match (parsed, report) {
        (Err(a), Err(b)) => {
            prop_assert_eq!(a, b);
            return Ok(());
        }
        (Ok(parsed), Ok(report)) => (parsed, report),
        (a, b) => {
            return Err(TestCaseError::fail(format!(
                "parse and run disagree: {:?} / {:?}",
                a.map(|p| p.len()),
                b.map(|r| r.len())
            )))
        }
    };
    prop_assert_eq!(report.len(), parsed.len());
    let indices: Vec<usize> = report.records().iter().map(|r| r.index()).collect();
    prop_assert_eq!(indices, (0..parsed.len()).collect::<Vec<_>>());
    check_response(report)
}

fn check_response<T, E: std::fmt::Display>(
    report: BatchReport<'_, T, E>,
) -> Result<(), TestCaseError> {
    let failed: Vec<(usize, Option<String>)> = report
        .records()
        .iter()
        .filter(|r| !r.outcome().is_success())
        .map(|r| {
            (
                r.index(),
                r.identifier().map(|id| serde_json::to_string(id).unwrap()),
            )
        })
        .collect();
    let total = report.len();
    match report.into_response() {
        Ok(response) => {
            let reported: Vec<String> = response
                .identifiers()
                .map(|id| serde_json::to_string(id).unwrap())
                .collect();
            let expected: Vec<String> = failed.iter().filter_map(|(_, id)| id.clone()).collect();
            prop_assert_eq!(
                expected.len(),
                failed.len(),
                "a failed record without identifier was dropped"
            );
            prop_assert_eq!(reported, expected);
        }
        Err(BatchError::MissingIdentifier { index, .. }) => {
            let first_without = failed.iter().find(|(_, id)| id.is_none()).map(|(i, _)| *i);
            prop_assert_eq!(Some(index), first_without);
        }
        Err(BatchError::AllRecordsFailed { failures, response }) => {
            prop_assert_eq!(failures.len(), total);
            prop_assert_eq!(response.len(), total);
        }
        Err(other) => return Err(TestCaseError::fail(format!("unexpected {other}"))),
    }
    Ok(())
}

fn fails_on_word(payload: &str) -> Result<(), String> {
    if payload.contains("fail") {
        Err("failed".to_owned())
    } else {
        Ok(())
    }
}

/// Fails when the Kafka value cannot be read or contains "fail".
fn kafka_value_fails_on_word(record: KafkaRecord<'_>) -> Result<(), String> {
    let value = record.value().map_err(|e| e.to_string())?;
    fails_on_word(&String::from_utf8_lossy(value.unwrap_or_default()))
}

/// Reads every field a Kafka record decodes on demand, failing on the
/// first that does not decode.
fn kafka_reads_every_field(record: KafkaRecord<'_>) -> Result<(), lambda_batch::RecordError> {
    record.key_text()?;
    record.value_json::<Option<Value>>()?;
    record.timestamp()?;
    for header in record.headers()? {
        record.header(header.name())?;
    }
    Ok(())
}

fn run(
    future: impl std::future::Future<Output = Result<(), TestCaseError>>,
) -> Result<(), TestCaseError> {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime")
        .block_on(future)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn records_lists_of_arbitrary_values(records in prop::collection::vec(json_value(), 0..8)) {
        let event = json!({ "Records": records }).to_string();
        run(async {
            check(&BatchProcessor::new(Sqs, |r: SqsRecord<'_>| fails_on_word(r.body())), &event).await?;
            check(&BatchProcessor::new(Kinesis, |r: KinesisRecord<'_>| {
                fails_on_word(&String::from_utf8_lossy(r.data().map_err(|e| e.to_string())?))
            }), &event).await?;
            check(&BatchProcessor::new(DynamoDb, |r: DynamoDbRecord<'_>| {
                let image = r.new_image().map_err(|e| e.to_string())?;
                fails_on_word(&image.map(|i| i.to_json().to_string()).unwrap_or_default())
            }), &event).await
        })?;
    }

    #[test]
    fn kafka_partitions_of_arbitrary_values(
        partitions in prop::collection::vec(
            ("[a-z-]{0,6}(-[0-9]{1,2})?", prop::collection::vec(json_value(), 0..5)),
            0..4,
        )
    ) {
        let records: Map<String, Value> = partitions
            .into_iter()
            .map(|(key, list)| (key, Value::Array(list)))
            .collect();
        let event = json!({ "eventSource": "aws:kafka", "records": records }).to_string();
        run(async {
            check(&BatchProcessor::new(Kafka, kafka_value_fails_on_word), &event).await?;
            check(&BatchProcessor::new(Kafka, kafka_reads_every_field), &event).await?;
            check(&BatchProcessor::new(Kafka, |r: KafkaRecord<'_>| {
                Ok::<_, String>(r.offset())
            }), &event).await
        })?;
    }

    #[test]
    fn arbitrary_events(event in json_value()) {
        let event = event.to_string();
        run(async {
            check(&BatchProcessor::new(Sqs, |r: SqsRecord<'_>| fails_on_word(r.body())), &event).await?;
            check(&BatchProcessor::new(Kafka, kafka_value_fails_on_word), &event).await?;
            check(&BatchProcessor::new(Kafka, kafka_reads_every_field), &event).await
        })?;
    }
}
