//! What every fuzz target checks beyond "does not panic": the invariants later stages rely on.

use asl_lint::config::{LintOptions, WorkflowType};
use asl_lint::document::{descendants, Document, Node, Value};
use asl_lint::lint::{lint_bytes, FileReport, Selection};
use asl_lint::source::Span;

/// Every span of the document lies within `text` on character boundaries, and every key span
/// comes before its value's end.
pub fn check_spans(document: &Document, text: &str) {
    let ok = |span: Span| {
        span.start <= span.end
            && span.end <= text.len()
            && text.is_char_boundary(span.start)
            && text.is_char_boundary(span.end)
    };
    for node in descendants(&document.root) {
        assert!(
            ok(node.span),
            "node span {:?} in {} bytes",
            node.span,
            text.len()
        );
        if let Value::Object(members) = &node.value {
            for m in members {
                assert!(ok(m.key_span), "key span {:?}", m.key_span);
            }
        }
    }
    for d in &document.duplicate_keys {
        assert!(ok(d.first) && ok(d.duplicate), "{d:?}");
    }
}

/// The file name and options one input is linted with: JSON or YAML by its first byte, the
/// workflow type by its last, so both paths are reached without spending input bytes.
pub fn lint_input(data: &[u8]) -> Option<FileReport> {
    let first = data.iter().find(|b| !b.is_ascii_whitespace());
    let name = if matches!(first, Some(b'{' | b'[')) {
        "fuzz.asl.json"
    } else {
        "fuzz.asl.yaml"
    };
    let workflow_type = if data.last().is_some_and(|b| b & 1 == 1) {
        WorkflowType::Express
    } else {
        WorkflowType::Standard
    };
    let options = LintOptions {
        workflow_type,
        ..LintOptions::default()
    };
    lint_bytes(name, data.to_vec(), Selection::Always, &options)
}

/// Lints `bytes` as the file `name` with the default options.
pub fn lint_named(name: &str, bytes: Vec<u8>) -> Option<FileReport> {
    lint_bytes(name, bytes, Selection::Always, &LintOptions::default())
}

/// Diagnostics point into their file: spans in range, lines and columns matching them.
pub fn check_report(report: &FileReport) {
    let source = &report.source;
    for d in &report.diagnostics {
        assert!(
            d.span.start <= d.span.end && d.span.end <= source.text.len(),
            "{} span {:?} outside {} bytes",
            d.rule,
            d.span,
            source.text.len()
        );
        assert_eq!(d.start, source.line_col(d.span.start), "{}", d.rule);
        assert!(d.start.line >= 1 && d.start.column >= 1);
        for r in &d.related {
            assert!(
                r.span.end <= source.text.len(),
                "{} related {:?}",
                d.rule,
                r.span
            );
        }
        assert!(!d.message.is_empty(), "{} with an empty message", d.rule);
    }
}

/// Nodes compare equal to themselves (NaN aside): a cheap walk that touches every value.
pub fn touch(node: &Node) -> usize {
    descendants(node).count()
}
