//! Typed DynamoDB images across a schema change: the type gained a required
//! field, and items written before it are modified.

mod common;

use lambda_batch::typed::{typed, Images, NewImage};
use lambda_batch::{BatchProcessor, BatchResponse, Context};
use serde_json::json;

use common::{failure_texts, ids};

/// The order as it is now: `currency` was added.
#[derive(Debug, serde::Deserialize)]
struct Order {
    id: String,
    status: String,
    currency: String,
}

/// The order as it was written before `currency`.
#[derive(Debug, serde::Deserialize)]
struct OrderV1 {
    id: String,
    status: String,
}

fn image(id: &str, status: &str, currency: Option<&str>) -> serde_json::Value {
    let mut image = json!({"id": {"S": id}, "status": {"S": status}});
    if let Some(currency) = currency {
        image["currency"] = json!({"S": currency});
    }
    image
}

/// Changes to items written before `currency`: `1` and `3` are MODIFYs whose
/// old image lacks it (`3` says fail), `2` a REMOVE of such an item, `4` an
/// INSERT of a new one.
fn event() -> String {
    let record =
        |seq: &str, name: &str, new: Option<serde_json::Value>, old: Option<serde_json::Value>| {
            let mut dynamodb = json!({"SequenceNumber": seq, "Keys": {"id": {"S": seq}}});
            if let Some(new) = new {
                dynamodb["NewImage"] = new;
            }
            if let Some(old) = old {
                dynamodb["OldImage"] = old;
            }
            json!({"eventID": seq, "eventName": name, "dynamodb": dynamodb})
        };
    json!({"Records": [
        record("1", "MODIFY", Some(image("1", "paid", Some("EUR"))), Some(image("1", "new", None))),
        record("2", "REMOVE", None, Some(image("2", "paid", None))),
        record("3", "MODIFY", Some(image("3", "fail", Some("EUR"))), Some(image("3", "paid", None))),
        record("4", "INSERT", Some(image("4", "new", Some("USD"))), None),
    ]})
    .to_string()
}

fn decide(order: Option<&Order>) -> Result<(), String> {
    match order {
        Some(order) if order.status == "fail" => Err(format!("order {} failed", order.id)),
        Some(order) if order.currency.is_empty() => Err("no currency".to_owned()),
        _ => Ok(()),
    }
}

async fn run<P>(processor: P) -> BatchResponse
where
    P: std::future::Future<Output = Result<BatchResponse, lambda_batch::BatchError>>,
{
    processor.await.unwrap()
}

#[tokio::test]
async fn new_image_decodes_items_written_before_the_change() {
    let processor = BatchProcessor::dynamodb(typed(|NewImage(order): NewImage<Order>| {
        decide(order.as_ref())
    }));
    let response = run(processor.process(&event(), &Context::default())).await;
    assert_eq!(ids(&response), ["3"]);
}

#[tokio::test]
async fn new_image_is_none_for_a_remove() {
    let processor = BatchProcessor::dynamodb(typed(
        |NewImage(order): NewImage<Order>, record: lambda_batch::source::DynamoDbRecord<'_>| match (
            record.event_name(),
            order,
        ) {
            (Some("REMOVE"), None) | (Some("MODIFY" | "INSERT"), Some(_)) => Ok(()),
            (name, order) => Err(format!("{name:?} with {order:?}")),
        },
    ));
    let response = run(processor.process(&event(), &Context::default())).await;
    assert!(ids(&response).is_empty(), "{:?}", ids(&response));
}

#[tokio::test]
async fn images_with_the_old_image_typed_apart_decode() {
    let processor = BatchProcessor::dynamodb(typed(|images: Images<Order, OrderV1>| {
        if let Some(old) = &images.old {
            assert!(!old.id.is_empty() && !old.status.is_empty());
        }
        decide(images.new.as_ref())
    }));
    let response = run(processor.process(&event(), &Context::default())).await;
    assert_eq!(ids(&response), ["3"]);
}

#[tokio::test]
async fn images_with_a_lenient_old_image_decode() {
    let processor = BatchProcessor::dynamodb(typed(|images: Images<Order, serde_json::Value>| {
        if let Some(old) = &images.old {
            assert!(old.get("currency").is_none());
        }
        decide(images.new.as_ref())
    }));
    let response = run(processor.process(&event(), &Context::default())).await;
    assert_eq!(ids(&response), ["3"]);
}

/// As before: one type for both images fails every change to an item
/// written before, with the field that is missing.
#[tokio::test]
async fn images_of_one_type_fail_items_written_before_the_change() {
    let processor =
        BatchProcessor::dynamodb(typed(|images: Images<Order>| decide(images.new.as_ref())))
            .raise_on_full_failure(false);
    let text = event();
    let context = Context::default();
    let report = processor.run(&text, &context).await.unwrap();
    let texts = failure_texts(&report);
    assert_eq!(texts.len(), 3);
    assert!(
        texts[0].starts_with("payload `dynamodb.OldImage` does not decode"),
        "{texts:?}"
    );
    assert!(texts[0].contains("missing field `currency`"), "{texts:?}");
    let response = run(processor.process(&text, &context)).await;
    assert_eq!(ids(&response), ["1", "2", "3"]);
}
