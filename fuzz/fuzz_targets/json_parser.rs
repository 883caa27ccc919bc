//! The JSON parser: any text parses or fails with an error located inside it.
#![no_main]

use asl_lint::document::json;
use asl_lint_fuzz::check_spans;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match json::parse(text) {
        Ok(document) => check_spans(&document, text),
        Err(err) => assert!(err.span.start <= err.span.end && err.span.end <= text.len()),
    }
});
