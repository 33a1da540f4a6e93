// A sync handler whose error is not `Send`.
use std::rc::Rc;

use lambda_batch::source::KinesisRecord;
use lambda_batch::BatchProcessor;

fn handle(record: KinesisRecord<'_>) -> Result<(), Rc<str>> {
    let _ = record.sequence_number();
    Ok(())
}

fn main() {
    let _processor = BatchProcessor::kinesis(handle);
}
