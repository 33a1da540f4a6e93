//! The root README's minimal SQS function, compiled: the code here is the
//! README's, token for token (comments aside), so the README shows a
//! function that builds, tracing subscriber included.

/// Compiles `$code` in a module of its own and keeps its text.
macro_rules! compiled_and_quoted {
    ($($code:tt)*) => {
        #[allow(dead_code)]
        mod function {
            $($code)*
        }
        const CODE: &str = stringify!($($code)*);
    };
}

compiled_and_quoted! {
    use lambda_batch::BatchProcessor;
    use lambda_batch::source::SqsRecord;

    async fn handle(record: SqsRecord<'_>) -> Result<(), std::io::Error> {
        println!("{}", record.body());
        Ok(())
    }

    #[tokio::main]
    async fn main() -> Result<(), lambda_runtime::Error> {
        lambda_runtime::tracing::init_default_subscriber();
        lambda_batch::run(BatchProcessor::sqs(handle)).await
    }
}

/// The first Rust block after `heading` in the root README.
fn readme_block(heading: &str) -> String {
    let readme = include_str!("../../README.md");
    let section = readme
        .split_once(heading)
        .map(|(_, after)| after)
        .unwrap_or_else(|| panic!("the README has the heading {heading:?}"));
    let block = section
        .split_once("```rust\n")
        .and_then(|(_, after)| after.split_once("\n```"))
        .map(|(block, _)| block)
        .unwrap_or_else(|| panic!("a Rust block follows {heading:?}"));
    block.to_owned()
}

/// The code's tokens as text: line comments dropped, no whitespace.
fn tokens(code: &str) -> String {
    code.lines()
        .map(|line| line.split_once("//").map_or(line, |(code, _)| code))
        .flat_map(str::chars)
        .filter(|c| !c.is_whitespace())
        .collect()
}

#[test]
fn the_readme_minimal_function_is_this_compiled_code() {
    let shown = readme_block("## One function per source");
    assert!(
        shown.contains("lambda_runtime::tracing::init_default_subscriber();"),
        "{shown}"
    );
    assert_eq!(tokens(&shown), tokens(CODE), "the README shows:\n{shown}");
}
