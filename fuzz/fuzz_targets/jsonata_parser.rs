//! JSONata: the parser on any text (errors and every node located inside it, on character
//! boundaries), then the same text as the Output of a JSONata Pass state, so the rules that
//! read expressions (functions and their arity, `$states` members, variables) run on it too.
#![no_main]

use asl_lint::jsonata::Expression;
use asl_lint_fuzz::{check_report, lint_named};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let inside = |span: &std::ops::Range<usize>| {
        span.start <= span.end
            && span.end <= text.len()
            && text.is_char_boundary(span.start)
            && text.is_char_boundary(span.end)
    };
    match Expression::parse(text) {
        Ok(expression) => {
            for node in &expression.ast.nodes {
                assert!(inside(&node.span), "node span {:?}", node.span);
                assert!(inside(&node.token), "token span {:?}", node.token);
            }
            for call in &expression.names.calls {
                assert!(inside(&call.name_span) && inside(&call.span), "{call:?}");
            }
            for variable in &expression.names.free {
                assert!(inside(&variable.span), "{variable:?}");
            }
        }
        Err(error) => assert!(inside(&error.span), "error span {:?}", error.span),
    }
    let output = serde_json::to_string(&format!("{{% {text} %}}")).expect("a string serialises");
    let definition = format!(
        r#"{{"QueryLanguage":"JSONata","StartAt":"A","States":{{"A":{{"Type":"Pass","Assign":{{"n":1}},"Output":{output},"Next":"B"}},"B":{{"Type":"Succeed"}}}}}}"#
    );
    if let Some(report) = lint_named("fuzz.asl.json", definition.into_bytes()) {
        check_report(&report);
    }
});
