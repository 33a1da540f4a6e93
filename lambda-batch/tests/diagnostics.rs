//! What the compiler says to a handler it refuses: the messages name what
//! is wrong (the error type that is not `Send`, the async handler given to
//! threads) rather than only "not a record handler".
//!
//! The expected messages (`tests/diagnostics/*.stderr`) are the current
//! stable compiler's; `TRYBUILD=overwrite` rewrites them after a compiler
//! update, to be read before they are committed.

#[test]
fn refused_handlers_are_told_why() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/diagnostics/*.rs");
}
