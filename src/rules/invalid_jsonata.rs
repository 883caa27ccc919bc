use std::ops::Range;

use super::invalid_path::is_placeholder;
use super::{rule_doc, Category, Context, Rule};
use crate::diagnostic::{Finding, Severity};
use crate::document::Node;
use crate::jsonata::Code;
use crate::jsonata_sites::Site;
use crate::source::Span;

pub static RULE: Rule = Rule {
    id: "invalid-jsonata",
    severity: Severity::Error,
    category: Category::Expressions,
    summary:
        "A JSONata expression does not parse as JSONata 2.0.6, the version Step Functions runs",
    doc: rule_doc!("invalid-jsonata"),
    check: Some(check),
    fix: None,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for site in &cx.jsonata.sites {
        let Err(error) = &site.parsed else {
            continue;
        };
        // `${Name}` substitutions are replaced before deployment; what they stand for is unknown.
        if is_placeholder(site.text()) {
            continue;
        }
        let state = cx.machine.state(site.state);
        let span = site_span(cx, site, error.span.clone());
        let message = if error.code == Code::S0207 && site.text().trim().is_empty() {
            format!(
                "the JSONata expression in {} of state '{}' is empty",
                site.location, state.name
            )
        } else {
            format!(
                "the JSONata expression in {} of state '{}' does not parse: {}",
                site.location, state.name, error.message
            )
        };
        let several = site.text().contains("%}") && site.text().contains("{%");
        let help = if several {
            "the string holds several {% … %} parts, and Step Functions evaluates all of it as one expression: write one expression and join the parts with &, e.g. \"{% $a & ' ' & $b %}\"".to_string()
        } else {
            error.help.clone().unwrap_or_else(|| match error.code {
            Code::S0207 if site.text().trim().is_empty() => {
                "write an expression between {% and %}, or a plain value without them".to_string()
            }
            _ => "Step Functions runs JSONata 2.0.6 and rejects the state machine or fails the state with States.QueryEvaluationError".to_string(),
            })
        };
        out.push(Finding::new(span, message).help(help).state(state.name));
    }
}

/// The source span of bytes `range` of a site's expression; an empty range at the end of
/// the expression (something missing there) is the closing `%}`.
pub(super) fn site_span(cx: &Context, site: &Site, range: Range<usize>) -> Span {
    let in_string = site.in_string(range.clone());
    if range.is_empty() && range.start >= site.range.len() {
        let end = site.range.end;
        return string_span(cx, site.node, end..end + 2);
    }
    string_span(cx, site.node, in_string)
}

/// The source span of bytes `range` of the decoded string in `node`.
pub(super) fn string_span(cx: &Context, node: &Node, range: Range<usize>) -> Span {
    cx.value_span(node, range)
}

/// The source span of bytes `range` of a site's expression when it can be placed exactly,
/// so that an edit may replace it.
pub(super) fn exact_site_span(cx: &Context, site: &Site, range: Range<usize>) -> Option<Span> {
    cx.exact_value_span(site.node, site.in_string(range))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::run_check;

    fn findings(state: &str) -> Vec<(String, String)> {
        let text = format!(
            r#"{{"QueryLanguage": "JSONata", "StartAt": "A", "States": {{"A": {state}}}}}"#
        );
        run_check(check, &text)
            .into_iter()
            .map(|f| (text[f.span.start..f.span.end].to_string(), f.message))
            .collect()
    }

    #[test]
    fn points_at_the_offending_character() {
        let got = findings(
            r#"{"Type": "Pass", "Output": {"n": "{% $sum($states.input.items.price * (1 + $taxRate) %}", "m": "{% $states.input.n > %}"}, "End": true}"#,
        );
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].0, "%}");
        assert!(
            got[0].1.starts_with(
                "the JSONata expression in Output.n of state 'A' does not parse: expected ')'"
            ),
            "{}",
            got[0].1
        );
        assert_eq!(got[1].0, ">");
        assert_eq!(
            got[1].1,
            "the JSONata expression in Output.m of state 'A' does not parse: the expression ends after '>': expected an operand"
        );
    }

    #[test]
    fn empty_and_2_1_operators() {
        let got = findings(
            r#"{"Type": "Pass", "Output": "{%  %}", "Assign": {"x": "{% $a ?? 0 %}"}, "End": true}"#,
        );
        assert_eq!(
            got[0].1,
            "the JSONata expression in Output of state 'A' is empty"
        );
        assert_eq!(got[1].0, "?");
    }

    #[test]
    fn placeholders_and_valid_expressions_are_quiet() {
        assert!(findings(r#"{"Type": "Pass", "Output": "{% ${Sub} %}", "End": true}"#).is_empty());
        assert!(findings(r#"{"Type": "Pass", "Output": "{% $x.y[0] %}", "End": true}"#).is_empty());
    }
}
