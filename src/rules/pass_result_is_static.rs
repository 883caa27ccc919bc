use super::no_dollar::looks_evaluated;
use super::{rule_doc, Category, Context, Rule};
use crate::diagnostic::{Finding, Severity};
use crate::document::{Node, Value};
use crate::model::{QueryLanguage, StateType};
use crate::quote::abbreviate;
use crate::source::Span;

pub static RULE: Rule = Rule {
    id: "pass-result-is-static",
    severity: Severity::Warning,
    category: Category::Correctness,
    summary:
        "A Pass state's Result holds a path, intrinsic or .$ key, but Result is never evaluated",
    doc: rule_doc!("pass-result-is-static"),
    check: Some(check),
    fix: None,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for state in cx.states() {
        if !state.is(StateType::Pass) {
            continue;
        }
        let Some(result) = state.get("Result") else {
            continue;
        };
        let jsonata = state.query_language == QueryLanguage::Jsonata;
        // Everything in Result that was meant to be evaluated, in document order.
        let mut hits: Vec<(Span, String)> = Vec::new();
        let mut stack: Vec<&Node> = vec![result];
        while let Some(node) = stack.pop() {
            match &node.value {
                Value::String(s) => {
                    if let Some(what) = evaluated_string(s, jsonata) {
                        hits.push((
                            node.span,
                            format!("\"{}\", which looks like {what}", abbreviate(s)),
                        ));
                    }
                }
                Value::Object(members) => {
                    for member in members.iter().rev() {
                        if !jsonata && member.key.ends_with(".$") {
                            let what = match member.value.as_str() {
                                Some(s) => format!(
                                    "the key \"{}\" (with \"{}\")",
                                    abbreviate(&member.key),
                                    abbreviate(s)
                                ),
                                None => format!("the key \"{}\"", abbreviate(&member.key)),
                            };
                            hits.push((member.key_span, what));
                            if member.value.as_str().is_some() {
                                continue;
                            }
                        }
                        stack.push(&member.value);
                    }
                }
                Value::Array(items) => stack.extend(items.iter().rev()),
                _ => {}
            }
        }
        hits.sort_by_key(|(span, _)| span.start);
        let Some((span, first)) = hits.first() else {
            continue;
        };
        let more = match hits.len() {
            1 => String::new(),
            2 => " (and 1 more)".to_string(),
            n => format!(" (and {} more)", n - 1),
        };
        let mut finding = Finding::new(
            *span,
            format!(
                "Result of Pass '{}' contains {first}{more}, but Result is never evaluated: \
                 the state outputs it exactly as written",
                abbreviate(state.name)
            ),
        )
        .state(state.name)
        .help(if jsonata {
            "use \"Output\" instead of \"Result\" to evaluate {% %} expressions"
        } else {
            "use \"Parameters\" instead of \"Result\" to evaluate paths and intrinsic functions, \
             with \".$\" at the end of each key whose value is one"
        });
        for (span, what) in &hits[1..] {
            finding = finding.related(*span, format!("also never evaluated: {what}"));
        }
        out.push(finding);
    }
}

/// What a string in Result looks like when it was probably meant to be evaluated.
fn evaluated_string(s: &str, jsonata: bool) -> Option<&'static str> {
    if jsonata {
        let t = s.trim();
        return (t.starts_with("{%") && t.ends_with("%}")).then_some("a JSONata expression");
    }
    looks_evaluated(s).map(|l| l.describe())
}
