use super::{rule_doc, Category, Context, FixSpec, Rule};
use crate::dataflow::{reads, Access, Shape};
use crate::diagnostic::{Applicability, Edit, Finding, Fix, Severity};
use crate::document::Node;
use crate::edits;
use crate::model::QueryLanguage;
use crate::quote::abbreviate;

pub static RULE: Rule = Rule {
    id: "catch-replaces-input",
    severity: Severity::Warning,
    category: Category::Correctness,
    summary:
        "A Catch handler reads input fields, but the Catcher replaced the input with the error",
    doc: rule_doc!("catch-replaces-input"),
    check: Some(check),
    fix: Some(FixSpec {
        summary: "add \"ResultPath\": \"$.error\" to the Catchers (JSONPath), which changes what the handler receives",
        applicability: Applicability::Unsafe,
    }),
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for state in cx.states() {
        let Some(incoming) = cx
            .flow
            .every_incoming(state.id, |s| matches!(s, Shape::ErrorOutput { .. }))
        else {
            continue;
        };
        let lost: Vec<_> = reads(state)
            .into_iter()
            .filter(
                |r| matches!(&r.access, Access::Member(name) if name != "Error" && name != "Cause"),
            )
            .collect();
        let Some(first) = lost.first() else { continue };
        let jsonata = state.query_language == QueryLanguage::Jsonata;
        let mut catchers: Vec<(usize, usize)> = Vec::new();
        for i in incoming {
            if let Shape::ErrorOutput {
                state: failing,
                catcher,
            } = i.shape
            {
                if !catchers.contains(&(failing, catcher)) {
                    catchers.push((failing, catcher));
                }
            }
        }
        let (catcher_phrase, verb) = if catchers.len() == 1 {
            ("the Catcher that leads here has", "replaces")
        } else {
            ("the Catchers that lead here have", "replace")
        };
        let others = match lost.len() {
            1 => String::new(),
            2 => format!(" (and \"{}\")", abbreviate(&lost[1].path)),
            n => format!(" (and {} more)", n - 1),
        };
        let mut finding = Finding::new(
            first.span,
            format!(
                "state '{}' reads \"{}\"{others}, but its input is only the error object {{\"Error\", \"Cause\"}}: {catcher_phrase} no {} and {verb} the input, so the field is missing at run time",
                abbreviate(state.name),
                abbreviate(&first.path),
                if jsonata { "Output" } else { "ResultPath" }
            ),
        )
        .state(state.name)
        .help(if jsonata {
            "give the Catcher an Output that keeps the input, e.g. \"Output\": \"{% $merge([$states.input, {'error': $states.errorOutput}]) %}\""
        } else {
            "add \"ResultPath\": \"$.error\" to the Catcher: the error is then added to the original input instead of replacing it"
        });
        let mut fix_edits: Option<Vec<Edit>> = (!jsonata).then(Vec::new);
        for (failing, catcher) in catchers {
            let failing = cx.machine.state(failing);
            if let Some(node) = failing.catchers().get(catcher) {
                finding = finding.related(
                    node.span,
                    format!(
                        "this Catcher of '{}' passes only the error",
                        abbreviate(failing.name)
                    ),
                );
                fix_edits = fix_edits.and_then(|mut all| {
                    all.push(keep_input(cx.text, node)?);
                    Some(all)
                });
            } else {
                fix_edits = None;
            }
        }
        if let Some(fix_edits) = fix_edits.filter(|e| !e.is_empty()) {
            finding = finding.fix(Fix::unsafe_(
                "add \"ResultPath\": \"$.error\" to the Catcher, keeping the input",
                fix_edits,
            ));
        }
        out.push(finding);
    }
}

/// The edit that makes a JSONPath Catcher add the error to the input at `$.error`.
fn keep_input(text: &str, catcher: &Node) -> Option<Edit> {
    match catcher.member("ResultPath") {
        None => edits::insert_member(text, catcher, "ResultPath", "$.error"),
        Some(m) if m.value.as_str() == Some("$") => {
            edits::replace_scalar(m.value.span, "$", "$.error")
        }
        Some(_) => None,
    }
}
