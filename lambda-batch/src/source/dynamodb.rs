//! DynamoDb (Amazon MSK and self-managed).
use super::{EventSource, Parsed};
use crate::error::InvalidEvent;

/// The DynamoDb event source.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DynamoDb;
impl super::sealed::Sealed for DynamoDb {}
impl EventSource for DynamoDb {
    const NAME: &'static str = "dynamodb";
    type Record<'a> = DynamoDbRecord<'a>;
    fn parse(_event: &str) -> Result<Vec<Parsed<'_, DynamoDbRecord<'_>>>, InvalidEvent> {
        Ok(Vec::new())
    }
}
/// A DynamoDb record.
#[derive(Debug, Clone)]
pub struct DynamoDbRecord<'a>(std::marker::PhantomData<&'a ()>);
