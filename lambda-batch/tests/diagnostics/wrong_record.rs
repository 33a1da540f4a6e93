// A handler of another source's records.
use lambda_batch::source::KinesisRecord;
use lambda_batch::BatchProcessor;

fn handle(record: KinesisRecord<'_>) -> Result<(), String> {
    let _ = record.sequence_number();
    Ok(())
}

fn main() {
    let _processor = BatchProcessor::sqs(handle);
}
