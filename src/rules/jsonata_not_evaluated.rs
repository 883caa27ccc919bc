use super::invalid_jsonata::string_span;
use super::{rule_doc, Category, Context, Rule};
use crate::diagnostic::{Finding, Severity};
use crate::jsonata_sites::{Literal, NotEvaluated};

pub static RULE: Rule = Rule {
    id: "jsonata-not-evaluated",
    severity: Severity::Warning,
    category: Category::Correctness,
    summary: "A string holds a JSONata expression that Step Functions passes on as literal text",
    doc: rule_doc!("jsonata-not-evaluated"),
    check: Some(check),
    fix: None,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for literal in &cx.jsonata.literals {
        let Some(s) = literal.node.as_str() else {
            continue;
        };
        let state = cx.machine.state(literal.state);
        let at = format!(
            "{} of state '{}'",
            literal.location,
            crate::quote::abbreviate(state.name)
        );
        let finding = match &literal.why {
            NotEvaluated::TextAround { segments } => text_around(cx, literal, s, segments, &at),
            NotEvaluated::Unclosed(open) => Finding::new(
                string_span(cx, literal.node, open.clone()),
                format!("{at} starts with {{% but never closes it with %}}, so it is passed on as literal text"),
            )
            .help("end the expression with %}: \"{% … %}\""),
            NotEvaluated::Unopened(close) => Finding::new(
                string_span(cx, literal.node, close.clone()),
                format!("{at} ends with %}} but does not start with {{%, so it is passed on as literal text"),
            )
            .help("start the expression with {%: \"{% … %}\""),
            NotEvaluated::JsonPathState { segments } => Finding::new(
                string_span(cx, literal.node, segments[0].clone()),
                format!(
                    "{at} holds a JSONata expression, but the state uses JSONPath, which passes {{% … %}} on as literal text"
                ),
            )
            .help("set \"QueryLanguage\": \"JSONata\" on the state (JSONata states take Arguments and Output instead of Parameters and ResultPath), or write a JSONPath path under a key ending in .$"),
        };
        out.push(finding.state(state.name));
    }
}

/// `"Hello {% $name %}"`: Step Functions evaluates a string only when all of it is `{% … %}`.
fn text_around(
    cx: &Context,
    literal: &Literal,
    s: &str,
    segments: &[std::ops::Range<usize>],
    at: &str,
) -> Finding {
    let first = &segments[0];
    let last = &segments[segments.len() - 1];
    let before = &s[..first.start];
    let after = &s[last.end..];
    // Point at the text outside the expression.
    let span = if !before.is_empty() {
        string_span(cx, literal.node, 0..first.start)
    } else {
        string_span(cx, literal.node, last.end..s.len())
    };
    let only_spaces = segments.len() == 1 && before.trim().is_empty() && after.trim().is_empty();
    let what = if only_spaces {
        "spaces around {% … %}"
    } else {
        "text around {% … %}"
    };
    let help = if only_spaces {
        format!("remove the spaces: \"{}\"", s.trim())
    } else if segments.len() == 1 && !before.contains(['\'', '"']) && !after.contains(['\'', '"']) {
        let quote = |t: &str| format!("'{t}'");
        let inner = s[first.start + 2..first.end - 2].trim();
        let mut parts = Vec::new();
        if !before.is_empty() {
            parts.push(quote(before));
        }
        parts.push(if inner.contains(' ') {
            format!("({inner})")
        } else {
            inner.to_string()
        });
        if !after.is_empty() {
            parts.push(quote(after));
        }
        format!(
            "make the whole string one expression and join the text with &: \"{{% {} %}}\"",
            parts.join(" & ")
        )
    } else {
        "make the whole string one expression and join the texts with &, e.g. \"{% 'a ' & $x & ' b' %}\"".to_string()
    };
    Finding::new(
        span,
        format!("{at} has {what}: Step Functions evaluates a string only when all of it is one {{% … %}} expression, so this one is passed on as literal text"),
    )
    .help(help)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::run_check;

    fn findings(state: &str) -> Vec<(String, String, String)> {
        let text = format!(r#"{{"StartAt": "A", "States": {{"A": {state}}}}}"#);
        run_check(check, &text)
            .into_iter()
            .map(|f| {
                (
                    text[f.span.start..f.span.end].to_string(),
                    f.message,
                    f.help.unwrap_or_default(),
                )
            })
            .collect()
    }

    #[test]
    fn text_around_an_expression() {
        let got = findings(
            r#"{"Type": "Pass", "QueryLanguage": "JSONata", "Output": {"g": "Hello {% $states.input.name %}!", "s": " {% 1 %}"}, "End": true}"#,
        );
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].0, "Hello ");
        assert_eq!(
            got[0].1,
            "Output.g of state 'A' has text around {% … %}: Step Functions evaluates a string only when all of it is one {% … %} expression, so this one is passed on as literal text"
        );
        assert_eq!(
            got[0].2,
            r#"make the whole string one expression and join the text with &: "{% 'Hello ' & $states.input.name & '!' %}""#
        );
        assert_eq!(got[1].0, " ");
        assert_eq!(got[1].2, r#"remove the spaces: "{% 1 %}""#);
    }

    #[test]
    fn jsonpath_states_and_other_templates() {
        let got = findings(
            r#"{"Type": "Pass", "Parameters": {"a": "{% $states.input %}", "b": "{% if x %}y{% endif %}", "c.$": "$.x"}, "End": true}"#,
        );
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, "{% $states.input %}");
        assert!(got[0].1.contains("the state uses JSONPath"));
    }
}
