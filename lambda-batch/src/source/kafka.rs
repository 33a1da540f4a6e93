//! Kafka (Amazon MSK and self-managed).
use super::{EventSource, Parsed};
use crate::error::InvalidEvent;

/// The Kafka event source.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Kafka;
impl super::sealed::Sealed for Kafka {}
impl EventSource for Kafka {
    const NAME: &'static str = "kafka";
    type Record<'a> = KafkaRecord<'a>;
    fn parse(_event: &str) -> Result<Vec<Parsed<'_, KafkaRecord<'_>>>, InvalidEvent> {
        Ok(Vec::new())
    }
}
/// A Kafka record.
#[derive(Debug, Clone)]
pub struct KafkaRecord<'a>(std::marker::PhantomData<&'a ()>);
