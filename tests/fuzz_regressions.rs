//! Every input a fuzz target ever crashed on (tests/fuzz-regressions/), run through what the
//! targets check: both parsers with their span invariants, and the whole lint with every
//! reporter. Add a crashing input here, named for what it broke, with its fix.

mod common;

use asl_lint::config::LintOptions;
use asl_lint::document::{descendants, json, yaml, Document, Value};
use asl_lint::lint::{lint_bytes, Selection};
use asl_lint::report::ci::{Github, Gitlab};
use asl_lint::report::concise::Concise;
use asl_lint::report::sarif::Sarif;
use asl_lint::report::{human, json as json_report, render_all};
use asl_lint::source::Span;

fn check_spans(document: &Document, text: &str, name: &str) {
    let ok = |span: Span| {
        span.start <= span.end
            && span.end <= text.len()
            && text.is_char_boundary(span.start)
            && text.is_char_boundary(span.end)
    };
    for node in descendants(&document.root) {
        assert!(ok(node.span), "{name}: node span {:?}", node.span);
        if let Value::Object(members) = &node.value {
            for m in members {
                assert!(ok(m.key_span), "{name}: key span {:?}", m.key_span);
            }
        }
    }
}

#[test]
fn inputs_that_crashed_a_fuzz_target_are_handled() {
    let dir = common::root().join("tests/fuzz-regressions");
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty());
    for path in inputs {
        let name = path.display().to_string();
        let bytes = std::fs::read(&path).unwrap();
        if let Ok(text) = std::str::from_utf8(&bytes) {
            if let Ok(d) = json::parse(text) {
                check_spans(&d, text, &name);
            }
            if let Ok(d) = yaml::parse(text) {
                check_spans(&d, text, &name);
            }
        }
        for as_name in ["input.asl.json", "input.asl.yaml"] {
            let Some(report) = lint_bytes(
                as_name,
                bytes.clone(),
                Selection::Always,
                &LintOptions::default(),
            ) else {
                continue;
            };
            let reports = [report];
            for width in [0, 100, 250] {
                human::render(
                    &reports,
                    &human::Style {
                        color: width == 0,
                        width,
                    },
                );
            }
            json_report::render(&reports);
            render_all(&mut Sarif::default(), &reports);
            render_all(&mut Gitlab::default(), &reports);
            render_all(&mut Github, &reports);
            render_all(&mut Concise, &reports);
        }
    }
}
