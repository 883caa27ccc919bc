//! The pipeline for one input: bytes → source text → spanned document → model → graph →
//! rules → located diagnostics.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::config::{Level, LintOptions};
use crate::dataflow::DataFlow;
use crate::diagnostic::{Diagnostic, Finding, Severity};
use crate::document::{json, Document};
use crate::graph::StateGraph;
use crate::model::Machine;
use crate::rules::{self, Context, RULES};
use crate::source::{SourceFile, Span};

/// Whether a file is linted whatever it holds, or only when it is a state machine definition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Selection {
    /// Named on the command line, read from stdin, or named `*.asl.json`.
    Always,
    /// Any other `*.json` found while walking: linted only when its top level has StartAt and States.
    IfDefinition,
}

#[derive(Debug)]
pub struct FileReport {
    pub source: Arc<SourceFile>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Lints one input. Returns `None` when `selection` says the file is not ours.
pub fn lint_bytes(
    name: &str,
    bytes: Vec<u8>,
    selection: Selection,
    options: &LintOptions,
) -> Option<FileReport> {
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            if selection == Selection::IfDefinition {
                return None;
            }
            return Some(invalid_utf8(name, err));
        }
    };
    if selection == Selection::IfDefinition
        && !(text.contains("\"StartAt\"") && text.contains("\"States\""))
    {
        return None;
    }
    let source = SourceFile::new(name, text);
    let diagnostics = match json::parse(&source.text) {
        Ok(document) => {
            if selection == Selection::IfDefinition
                && !Machine::looks_like_definition(&document.root)
            {
                return None;
            }
            lint_document(&source, &document, options)
        }
        Err(err) => {
            let finding = Finding {
                help: err.help,
                ..Finding::new(err.span, err.message)
            };
            vec![Diagnostic::locate(
                rules::PARSE_ERROR,
                Severity::Error,
                finding,
                &source,
                None,
            )]
        }
    };
    Some(FileReport {
        source,
        diagnostics,
    })
}

/// Runs every rule over a parsed document.
pub fn lint_document(
    source: &SourceFile,
    document: &Document,
    options: &LintOptions,
) -> Vec<Diagnostic> {
    let machine = Machine::build(&document.root);
    let graph = StateGraph::build(&machine);
    let flow = DataFlow::build(&machine, &graph);
    let cx = Context {
        document,
        machine: &machine,
        graph: &graph,
        flow: &flow,
        options,
    };
    let threads = if machine.states.len() >= PARALLEL_RULES_MIN_STATES {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
    } else {
        1
    };
    let mut diagnostics = if threads > 1 {
        // Threads take the next rule from a shared counter, so a heavy rule does not leave
        // the other threads idle.
        let next = AtomicUsize::new(0);
        std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads)
                .map(|_| scope.spawn(|| run_rules(&cx, source, &next)))
                .collect();
            workers
                .into_iter()
                .flat_map(|w| {
                    w.join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect()
        })
    } else {
        run_rules(&cx, source, &AtomicUsize::new(0))
    };
    diagnostics.sort_by(|a, b| {
        (a.span.start, a.rule, &a.message).cmp(&(b.span.start, b.rule, &b.message))
    });
    crate::suppress::apply(source, &document.root, &machine, diagnostics)
}

/// Machines at least this big have their rules spread over threads; below it, spawning costs
/// more than it saves (a 10,000-state machine takes tens of milliseconds, a typical one < 1 ms).
const PARALLEL_RULES_MIN_STATES: usize = 2_000;

/// Runs rules, taking each next one from `next`, until none are left.
fn run_rules(cx: &Context, source: &SourceFile, next: &AtomicUsize) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let mut findings = Vec::new();
    loop {
        let Some(rule) = RULES.get(next.fetch_add(1, Ordering::Relaxed)) else {
            return diagnostics;
        };
        let Some(check) = rule.check else { continue };
        // Configured off: skip. A configured severity replaces the rule's default and any
        // severity a finding sets for itself.
        let configured = match cx.options.rules.level(rule) {
            Some(Level::Off) => continue,
            Some(Level::On(severity)) => Some(severity),
            None => None,
        };
        check(cx, &mut findings);
        diagnostics.extend(findings.drain(..).map(|mut f| {
            f.severity = configured.or(f.severity);
            Diagnostic::locate(rule.id, rule.severity, f, source, Some(&cx.document.root))
        }));
    }
}

fn invalid_utf8(name: &str, err: std::string::FromUtf8Error) -> FileReport {
    let valid = err.utf8_error().valid_up_to();
    let byte = err.as_bytes()[valid];
    // The lossy text is identical up to the first bad byte, so the offset still points at it.
    let source = SourceFile::new(name, String::from_utf8_lossy(err.as_bytes()).into_owned());
    let end = source.text[valid..]
        .chars()
        .next()
        .map_or(valid, |c| valid + c.len_utf8());
    let finding = Finding::new(
        Span::new(valid, end),
        format!("the file is not valid UTF-8: byte 0x{byte:02X} at offset {valid} does not start a UTF-8 character"),
    )
    .help("state machine definitions are UTF-8 JSON; re-save the file with UTF-8 encoding");
    let diagnostic =
        Diagnostic::locate(rules::PARSE_ERROR, Severity::Error, finding, &source, None);
    FileReport {
        source,
        diagnostics: vec![diagnostic],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lint(text: &[u8], selection: Selection) -> Option<Vec<&'static str>> {
        lint_bytes("t.json", text.to_vec(), selection, &LintOptions::default())
            .map(|r| r.diagnostics.iter().map(|d| d.rule).collect())
    }

    #[test]
    fn discovered_files_must_look_like_definitions() {
        assert_eq!(lint(br#"{"name": "pkg"}"#, Selection::IfDefinition), None);
        assert_eq!(lint(b"not json", Selection::IfDefinition), None);
        assert_eq!(lint(b"\xff\xfe", Selection::IfDefinition), None);
        // Both words present but nested, not at the top level.
        assert_eq!(
            lint(
                br#"{"a": {"StartAt": "X", "States": {}}}"#,
                Selection::IfDefinition
            ),
            None
        );
        let clean = br#"{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}"#;
        assert_eq!(lint(clean, Selection::IfDefinition), Some(vec![]));
        // A broken file that mentions both is most likely a broken definition: report it.
        assert_eq!(
            lint(br#"{"StartAt": "A", "States": {"#, Selection::IfDefinition),
            Some(vec!["parse-error"])
        );
    }

    #[test]
    fn explicit_files_are_always_reported() {
        assert_eq!(
            lint(b"not json", Selection::Always),
            Some(vec!["parse-error"])
        );
        assert_eq!(
            lint(b"{\"a\": \"\xff\"}", Selection::Always),
            Some(vec!["parse-error"])
        );
    }

    #[test]
    fn diagnostics_are_located_and_sorted() {
        let text = br#"{"StartAt": "A", "States": {
  "A": {"Type": "Pass", "Next": "B"},
  "C": {"Type": "Succeed"}
}}"#;
        let report = lint_bytes(
            "t.json",
            text.to_vec(),
            Selection::Always,
            &LintOptions::default(),
        )
        .unwrap();
        let got: Vec<(&str, usize, usize, &str)> = report
            .diagnostics
            .iter()
            .map(|d| (d.rule, d.start.line, d.start.column, d.pointer.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("unknown-target", 2, 33, "/States/A/Next"),
                ("unreachable-state", 3, 3, "/States/C")
            ]
        );
    }
}
