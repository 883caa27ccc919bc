use super::invalid_path::{is_placeholder, visit, Field, Item};
use super::{rule_doc, Category, Context, FixSpec, Rule};
use crate::asl::intrinsic::{self, Usage};
use crate::asl::{char_position, path};
use crate::diagnostic::{Applicability, Edit, Finding, Fix, Severity};
use crate::document::Node;
use crate::edits;
use crate::model::{QueryLanguage, State};
use crate::quote::abbreviate;

pub static RULE: Rule = Rule {
    id: "invalid-intrinsic",
    severity: Severity::Error,
    category: Category::Expressions,
    summary:
        "A .$ value or ErrorPath/CausePath is neither a path nor a valid intrinsic function call",
    doc: rule_doc!("invalid-intrinsic"),
    check: Some(check),
    fix: Some(FixSpec {
        summary:
            "replace a misspelt function name with the one intrinsic function it is a near-miss of",
        applicability: Applicability::Safe,
    }),
};

const SYNTAX_HELP: &str = "write States.Name(arguments); arguments are 'single-quoted strings', numbers, true, false, null, paths and nested calls, separated by commas";

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for state in cx.states() {
        // Intrinsic functions exist only in JSONPath states.
        if state.query_language != QueryLanguage::JsonPath {
            continue;
        }
        visit(state, |item| {
            let (field, node, usage) = match item {
                Item::Dollar { template, member } => (
                    Field::Dollar {
                        key: &member.key,
                        template,
                    },
                    &member.value,
                    Usage::Value,
                ),
                Item::Path {
                    field: field @ Field::Named("ErrorPath" | "CausePath"),
                    node,
                    ..
                } => (field, node, Usage::StringResult),
                Item::Path { .. } => return,
            };
            let Some(s) = node.as_str() else { return };
            // Paths are invalid-path's.
            if s.starts_with('$') || is_placeholder(s) {
                return;
            }
            check_value(cx, state, field, node, s, usage, out);
        });
    }
}

fn check_value(
    cx: &Context,
    state: &State,
    field: Field,
    node: &Node,
    s: &str,
    usage: Usage,
    out: &mut Vec<Finding>,
) {
    let name = state.name;
    if !intrinsic::looks_like_call(s) {
        out.push(not_a_call(name, field, node, s, usage));
        return;
    }
    // As for paths, nothing may come before the call: the service does not trim it.
    let lead = s.len() - s.trim_start().len();
    if lead > 0 {
        let mut finding = Finding::new(
            cx.value_span(node, 0..lead),
            format!(
                "{field} of state '{name}' must start with the function name, but it starts with whitespace: \"{}\"",
                abbreviate(s), name = abbreviate(name)
            ),
        )
        .state(name)
        .help("remove the whitespace before the function name");
        if let Some(span) = cx.exact_value_span(node, 0..lead) {
            finding = finding.fix(Fix::safe(
                "remove the whitespace before the call",
                vec![Edit::delete(span)],
            ));
        }
        out.push(finding);
        return;
    }
    match intrinsic::parse(s) {
        Err(e) => out.push(
            Finding::new(
                cx.value_span(node, e.offset_range.clone()),
                format!(
                    "{field} of state '{name}' is not a valid intrinsic function call: {} at character {}",
                    e.message,
                    char_position(s, e.offset_range.start), name = abbreviate(name)
                ),
            )
            .state(name)
            .help(SYNTAX_HELP),
        ),
        Ok(call) => {
            for problem in intrinsic::check(&call, usage) {
                let mut f = Finding::new(
                    cx.value_span(node, problem.range.clone()),
                    format!("{field} of state '{name}': {}", problem.message, name = abbreviate(name)),
                )
                .state(name);
                if let Some(help) = problem.help {
                    f = f.help(help);
                }
                if let Some(new) = problem.replacement {
                    let old = s.get(problem.range.clone()).unwrap_or_default();
                    if let Some(edit) = edits::replace_in_string(node, problem.range, &new) {
                        f = f.fix(Fix::safe(format!("replace {old} with {new}"), vec![edit]));
                    }
                }
                out.push(f);
            }
        }
    }
}

fn not_a_call(name: &str, field: Field, node: &Node, s: &str, usage: Usage) -> Finding {
    let message = match usage {
        Usage::Value => format!(
            "the value of {field} of state '{name}' must be a path starting with $ or an intrinsic function like States.Format(...), but it is \"{}\"",
            abbreviate(s), name = abbreviate(name)
        ),
        Usage::StringResult => format!(
            "{field} of state '{name}' must be a reference path or an intrinsic function that returns a string, but it is \"{}\"",
            abbreviate(s), name = abbreviate(name)
        ),
    };
    let trimmed = s.trim();
    let help = if trimmed.starts_with("{%") {
        "JSONata expressions ({% ... %}) work only in states with \"QueryLanguage\": \"JSONata\""
            .to_string()
    } else if trimmed.starts_with("States.") {
        "call the function with parentheses, e.g. States.UUID() or States.Format('{}', $.id)"
            .to_string()
    } else if usage == Usage::StringResult {
        let fixed = if matches!(field, Field::Named("ErrorPath")) {
            "Error"
        } else {
            "Cause"
        };
        format!(
            "for a fixed text, use \"{fixed}\": \"{}\" instead",
            abbreviate(s),
            fixed = abbreviate(fixed)
        )
    } else {
        let key = match field {
            Field::Dollar { key, .. } => key,
            _ => "key.$",
        };
        let plain = key.trim_end_matches(".$");
        match path::suggest(s).filter(|_| !trimmed.is_empty() && trimmed.contains('.')) {
            Some(fix) => format!("did you mean \"{fix}\"? To pass the text as it is, remove \".$\": \"{plain}\": \"{}\"", abbreviate(s), fix = abbreviate(&fix), plain = abbreviate(plain)),
            None => format!("to pass the text as it is, remove \".$\" from the key: \"{plain}\": \"{}\"", abbreviate(s), plain = abbreviate(plain)),
        }
    };
    Finding::new(node.span, message).state(name).help(help)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn machine(state: &str) -> String {
        format!(r#"{{"StartAt": "A", "States": {{"A": {state}}}}}"#)
    }

    fn findings(state: &str) -> Vec<Finding> {
        super::super::invalid_path::tests::run(&RULE, &machine(state))
    }

    fn param(value: &str) -> Vec<Finding> {
        let value = serde_json::to_string(value).unwrap();
        findings(&format!(
            r#"{{"Type": "Pass", "Parameters": {{"v.$": {value}}}, "End": true}}"#
        ))
    }

    #[test]
    fn accepts_valid_calls_and_leaves_paths_alone() {
        for v in [
            "States.Format('{}', $.a)",
            "States.ArrayGetItem(States.StringSplit($$.Execution.Id, ':'), 6)",
            "States.Format('it\\'s {}', $.a)",
            "States.JsonMerge(States.StringToJson($.Body), States.StringToJson('{\"NewField\": \"MyValue\" }'), false)",
            "$.a.",
            "${Placeholder}",
            "States.Format('Please review ${ApiEndpoint}?Token={}', $.t)",
        ] {
            let f = param(v);
            assert!(f.is_empty(), "{v}: {f:?}");
        }
    }

    #[test]
    fn leading_whitespace_is_reported_with_a_fix() {
        let text = machine(
            r#"{"Type": "Pass", "Parameters": {"v.$": "\t States.Array($.a)"}, "End": true}"#,
        );
        let f = super::super::invalid_path::tests::run(&RULE, &text);
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(
            f[0].message.contains("starts with whitespace"),
            "{}",
            f[0].message
        );
        assert_eq!(&text[f[0].span.start..f[0].span.end], "\\t ");
        let fix = f[0].fix.as_ref().unwrap();
        assert_eq!(fix.edits[0].span, f[0].span);
        assert_eq!(fix.edits[0].replacement, "");
        // Trailing whitespace is accepted, as after a path.
        assert!(param("States.Array($.a) ").is_empty());
    }

    #[test]
    fn reports_non_calls() {
        let f = param("hello");
        assert_eq!(
            f[0].message,
            "the value of \"v.$\" in Parameters of state 'A' must be a path starting with $ or an intrinsic function like States.Format(...), but it is \"hello\""
        );
        assert_eq!(
            f[0].help.as_deref(),
            Some("to pass the text as it is, remove \".$\" from the key: \"v\": \"hello\"")
        );
        assert!(param("order.id")[0]
            .help
            .as_deref()
            .unwrap()
            .starts_with("did you mean \"$.order.id\"?"));
        assert!(param("{% $states.input %}")[0]
            .help
            .as_deref()
            .unwrap()
            .contains("JSONata"));
        assert!(param("States.UUID")[0]
            .help
            .as_deref()
            .unwrap()
            .contains("parentheses"));
        assert_eq!(param("").len(), 1);
    }

    #[test]
    fn reports_syntax_and_catalogue_problems_at_the_spot() {
        let text = machine(
            r#"{"Type": "Pass", "Parameters": {"v.$": "States.Formatt('{}', $.a)"}, "End": true}"#,
        );
        let f = super::super::invalid_path::tests::run(&RULE, &text);
        assert_eq!(
            f[0].message,
            "\"v.$\" in Parameters of state 'A': States.Formatt is not an intrinsic function"
        );
        assert_eq!(&text[f[0].span.start..f[0].span.end], "States.Formatt");
        assert_eq!(f[0].help.as_deref(), Some("did you mean States.Format?"));

        let text = machine(
            r#"{"Type": "Pass", "Parameters": {"v.$": "States.Format('{}', $.a"}, "End": true}"#,
        );
        let f = super::super::invalid_path::tests::run(&RULE, &text);
        assert_eq!(
            f[0].message,
            "\"v.$\" in Parameters of state 'A' is not a valid intrinsic function call: missing ')' to close States.Format( at character 1"
        );
        assert_eq!(&text[f[0].span.start..f[0].span.end], "States.Format(");

        assert!(param("States.Hash($.a, 'SHA-3')")[0]
            .message
            .contains("'SHA-3' is not a hash algorithm"));
        assert!(param("States.ArrayRange(1, 5000, 1)")[0]
            .message
            .contains("5000 items"));
        assert!(param("States.JsonMerge($.a, $.b, true)")[0]
            .message
            .contains("shallow"));
        assert!(param("States.Format('{}', $.a b)")[0]
            .message
            .contains("expected ',' or ')'"));
        assert!(param("States.Array($.a[)")[0]
            .message
            .contains("invalid path"));
    }

    #[test]
    fn assign_and_fail_paths() {
        let f = findings(r#"{"Type": "Pass", "Assign": {"x.$": "States.UUID(1)"}, "End": true}"#);
        assert!(
            f[0].message
                .starts_with("\"x.$\" in Assign of state 'A': States.UUID takes 0 arguments"),
            "{:?}",
            f[0].message
        );
        let f = findings(
            r#"{"Type": "Fail", "ErrorPath": "States.Array($.a)", "CausePath": "States.Format('{}', $.c)"}"#,
        );
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message
                .starts_with("ErrorPath of state 'A': States.Array returns an array"),
            "{:?}",
            f[0].message
        );
        let f = findings(r#"{"Type": "Fail", "ErrorPath": "MyError"}"#);
        assert!(f[0]
            .message
            .contains("must be a reference path or an intrinsic function that returns a string"));
        assert_eq!(
            f[0].help.as_deref(),
            Some("for a fixed text, use \"Error\": \"MyError\" instead")
        );
        // JSONata states have no intrinsic functions and no `.$` keys.
        assert!(findings(r#"{"Type": "Pass", "QueryLanguage": "JSONata", "Assign": {"x.$": "hello"}, "End": true}"#).is_empty());
    }
}
