// An async handler whose error is not `Send`.
use lambda_batch::source::SqsRecord;
use lambda_batch::BatchProcessor;

async fn handle(record: SqsRecord<'_>) -> Result<(), Box<dyn std::error::Error>> {
    let _ = record.body();
    Ok(())
}

fn main() {
    let _processor = BatchProcessor::sqs(handle);
}
