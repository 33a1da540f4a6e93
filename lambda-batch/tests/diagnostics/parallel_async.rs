// An async handler given to threads.
use lambda_batch::source::SqsRecord;
use lambda_batch::BatchProcessor;

async fn handle(record: SqsRecord<'_>) -> Result<(), String> {
    let _ = record.body();
    Ok(())
}

fn main() {
    let _processor = BatchProcessor::sqs(handle).parallel(4);
}
