use super::{rule_doc, Category, Context, Rule};
use crate::dataflow::{reads, Access, Shape};
use crate::diagnostic::abbreviate;
use crate::diagnostic::{Finding, Severity};
use crate::model::QueryLanguage;

pub static RULE: Rule = Rule {
    id: "catch-replaces-input",
    severity: Severity::Warning,
    category: Category::Correctness,
    summary:
        "A Catch handler reads input fields, but the Catcher replaced the input with the error",
    doc: rule_doc!("catch-replaces-input"),
    check: Some(check),
    fix: None,
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
            }
        }
        out.push(finding);
    }
}
