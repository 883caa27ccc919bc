use super::{rule_doc, Category, Context, Rule};
pub(super) use crate::asl::fields::{visit, Field, Item, Kind, Template};
use crate::asl::path::{self, Root};
use crate::asl::{char_position, SyntaxError};
use crate::diagnostic::{Finding, Severity};
use crate::document::Node;
use crate::model::{QueryLanguage, State};
use crate::quote::abbreviate;

pub static RULE: Rule = Rule {
    id: "invalid-path",
    severity: Severity::Error,
    category: Category::Expressions,
    summary: "A Path or Reference Path is malformed or uses a selector its field does not allow",
    doc: rule_doc!("invalid-path"),
    check: Some(check),
    fix: None,
};

const EXAMPLE_HELP: &str =
    "paths start with $, e.g. \"$.order.id\", \"$.items[0]\" or \"$['field with spaces']\"";

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for state in cx.states() {
        // In JSONata states these fields are not allowed at all (a schema error), and `.$`
        // keys are not evaluated.
        if state.query_language != QueryLanguage::JsonPath {
            continue;
        }
        visit(state, |item| match item {
            Item::Path { field, node, kind } => {
                // ErrorPath/CausePath may hold an intrinsic call instead: invalid-intrinsic's.
                let intrinsic_allowed = matches!(field, Field::Named("ErrorPath" | "CausePath"));
                if intrinsic_allowed && !node.as_str().is_some_and(|s| s.starts_with('$')) {
                    return;
                }
                check_field(cx, state, field, node, kind, out);
            }
            Item::Dollar { template, member } => {
                // Values that do not start with `$` must be intrinsic calls: invalid-intrinsic.
                if member.value.as_str().is_some_and(|s| s.starts_with('$')) {
                    let field = Field::Dollar {
                        key: &member.key,
                        template,
                    };
                    check_field(cx, state, field, &member.value, Kind::Path, out);
                }
            }
        });
    }
}

fn check_field(
    cx: &Context,
    state: &State,
    field: Field,
    node: &Node,
    kind: Kind,
    out: &mut Vec<Finding>,
) {
    // null and non-strings are the schema rule's business.
    let Some(s) = node.as_str() else { return };
    if is_placeholder(s) {
        return;
    }
    let name = state.name;
    if !s.starts_with('$') {
        let help = match path::suggest(s) {
            Some(fix) => format!(
                "did you mean \"{fix}\"? {EXAMPLE_HELP}",
                fix = abbreviate(&fix)
            ),
            None => EXAMPLE_HELP.to_string(),
        };
        out.push(
            Finding::new(
                node.span,
                format!(
                    "{field} of state '{name}' must be a path starting with '$', but it is \"{}\"",
                    abbreviate(s),
                    name = abbreviate(name)
                ),
            )
            .state(name)
            .help(help),
        );
        return;
    }
    let parsed = match path::parse(s) {
        Ok(parsed) => parsed,
        Err(SyntaxError {
            message,
            offset_range,
        }) => {
            out.push(
                Finding::new(
                    cx.value_span(node, offset_range.clone()),
                    format!(
                        "{field} of state '{name}' is not a valid path: {message} at character {}",
                        char_position(s, offset_range.start),
                        name = abbreviate(name)
                    ),
                )
                .state(name)
                .help(EXAMPLE_HELP),
            );
            return;
        }
    };
    if kind == Kind::ResultPath {
        match parsed.root {
            Root::Context => {
                out.push(
                    Finding::new(
                        cx.value_span(node, 0..2),
                        format!("{field} of state '{name}' must not start with '$$': the context object is read-only", name = abbreviate(name)),
                    )
                    .state(name)
                    .help("ResultPath says where in the state's output the result goes, e.g. \"$.result\""),
                );
                return;
            }
            Root::Variable => {
                out.push(
                    Finding::new(
                        cx.value_span(node, parsed.variable.clone().map_or(0..1, |r| 0..r.end)),
                        format!("{field} of state '{name}' must not reference a variable: ResultPath places the result in the state's output", name = abbreviate(name)),
                    )
                    .state(name)
                    .help("to store the result in a variable, use Assign, e.g. \"Assign\": {\"myVar.$\": \"$\"}"),
                );
                return;
            }
            Root::Data => {}
        }
    }
    if kind != Kind::Path {
        if let Some((feature, range)) = parsed.reference_violation() {
            out.push(
                Finding::new(
                    cx.value_span(node, range.clone()),
                    format!(
                        "{field} of state '{name}' must be a reference path to one node; {} are not allowed there",
                        feature.describe(), name = abbreviate(name)
                    ),
                )
                .state(name)
                .help("name a single node, e.g. \"$.result\" or \"$.items[0]\"; select several values in Parameters or ResultSelector instead"),
            );
        }
    }
}

/// A CloudFormation/SAM/Terraform substitution (`${Name}`) that is replaced before deployment.
pub(super) fn is_placeholder(s: &str) -> bool {
    crate::placeholder::has(s)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::document::json;
    use crate::model::Machine;

    pub(crate) fn run(rule: &Rule, text: &str) -> Vec<Finding> {
        let check = rule.check.expect("the rule has a check");
        crate::rules::run_check(check, text)
    }

    fn machine(state: &str) -> String {
        format!(r#"{{"StartAt": "A", "States": {{"A": {state}}}}}"#)
    }

    fn findings(state: &str) -> Vec<Finding> {
        run(&RULE, &machine(state))
    }

    fn messages(state: &str) -> Vec<String> {
        findings(state).into_iter().map(|f| f.message).collect()
    }

    #[test]
    fn accepts_valid_paths_everywhere() {
        for state in [
            r#"{"Type": "Pass", "InputPath": "$.[0].body", "OutputPath": null, "ResultPath": "$.a.b", "End": true}"#,
            r#"{"Type": "Pass", "Parameters": {"x.$": "$.[?(@.OU > 0)]", "id.$": "$$.Execution.Id", "v.$": "$$.Map.Item.Value", "n": {"deep.$": "$myVar.x[0]"}, "i.$": "States.Format('{}', $.a)"}, "End": true}"#,
            r#"{"Type": "Pass", "InputPath": "${InputPath}", "ResultPath": "${Result}", "End": true}"#,
            r#"{"Type": "Map", "ItemsPath": "$.items[*]", "MaxConcurrencyPath": "$$.Execution.Input.c", "ItemProcessor": {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}, "End": true}"#,
            r#"{"Type": "Choice", "Choices": [{"Variable": "$[0].error", "NumericGreaterThanEqualsPath": "$$.Execution.Input.quorum", "Next": "A"}, {"Not": {"Variable": "$x", "IsPresent": true}, "Next": "A"}]}"#,
            r#"{"Type": "Fail", "ErrorPath": "States.Format('{}', $.e)", "CausePath": "$.cause"}"#,
            r#"{"Type": "Task", "Resource": "r", "End": true, "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "A"}]}"#,
            r#"{"Type": "Pass", "QueryLanguage": "JSONata", "InputPath": "nonsense", "End": true}"#,
        ] {
            assert_eq!(messages(state), Vec::<String>::new(), "{state}");
        }
    }

    #[test]
    fn reports_malformed_paths_at_the_character() {
        let text = machine(r#"{"Type": "Pass", "InputPath": "$.a.", "End": true}"#);
        let f = run(&RULE, &text);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].message, "InputPath of state 'A' is not a valid path: expected a field name after '.' at character 4");
        assert_eq!(&text[f[0].span.start..f[0].span.end], ".");
        assert_eq!(f[0].state.as_deref(), Some("A"));

        let text =
            machine(r#"{"Type": "Pass", "Parameters": {"a": {"b.$": "$.x[y]"}}, "End": true}"#);
        let f = run(&RULE, &text);
        assert_eq!(f[0].message, "\"b.$\" in Parameters of state 'A' is not a valid path: a field name in brackets must be quoted: ['y'] at character 5");
        assert_eq!(&text[f[0].span.start..f[0].span.end], "y");
    }

    #[test]
    fn result_path_rules() {
        let m = messages(r#"{"Type": "Pass", "ResultPath": "$.a[?(@.x)]", "End": true}"#);
        assert_eq!(m, ["ResultPath of state 'A' must be a reference path to one node; filters ('?') are not allowed there"]);
        let m = messages(r#"{"Type": "Pass", "ResultPath": "$$.x", "End": true}"#);
        assert!(m[0].contains("must not start with '$$'"), "{m:?}");
        let m = messages(r#"{"Type": "Pass", "ResultPath": "$v.x", "End": true}"#);
        assert!(m[0].contains("must not reference a variable"), "{m:?}");
        let m = messages(r#"{"Type": "Map", "ItemsPath": "$.a[0:2]", "End": true}"#);
        assert!(
            m[0].contains("ItemsPath of state 'A' must be a reference path to one node; slices"),
            "{m:?}"
        );
        let m = messages(
            r#"{"Type": "Task", "Resource": "r", "End": true, "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$['a','b']", "Next": "A"}]}"#,
        );
        assert!(
            m[0].starts_with(
                "Catch[0].ResultPath of state 'A' must be a reference path to one node; unions"
            ),
            "{m:?}"
        );
        // Wildcards are not among the operators a Reference Path forbids.
        assert!(messages(r#"{"Type": "Pass", "ResultPath": "$.a[*]", "End": true}"#).is_empty());
    }

    #[test]
    fn path_fields_must_start_with_dollar() {
        let f = findings(r#"{"Type": "Pass", "InputPath": "order.id", "End": true}"#);
        assert_eq!(
            f[0].message,
            "InputPath of state 'A' must be a path starting with '$', but it is \"order.id\""
        );
        assert!(f[0]
            .help
            .as_deref()
            .unwrap()
            .starts_with("did you mean \"$.order.id\"?"));
        let f = findings(
            r#"{"Type": "Choice", "Choices": [{"And": [{"Variable": "x", "IsPresent": true}], "Next": "A"}]}"#,
        );
        assert!(
            f[0].message
                .starts_with("Variable in a nested rule of Choices[0] of state 'A'"),
            "{:?}",
            f[0].message
        );
        let f = findings(
            r#"{"Type": "Map", "ItemReader": {"ReaderConfig": {"MaxItemsPath": "$.a["}}, "ItemBatcher": {"MaxItemsPerBatchPath": "n"}, "End": true}"#,
        );
        assert_eq!(f.len(), 2);
        assert!(f[0]
            .message
            .starts_with("ItemReader.ReaderConfig.MaxItemsPath"));
        assert!(f[1].message.starts_with("ItemBatcher.MaxItemsPerBatchPath"));
    }

    #[test]
    fn dollar_values_in_assign_and_catchers() {
        let m = messages(
            r#"{"Type": "Task", "Resource": "r", "End": true, "Assign": {"a.$": "$.x..", "b": [{"c.$": "$$x"}]},
                "Catch": [{"ErrorEquals": ["States.ALL"], "Assign": {"e.$": "$.a b"}, "Next": "A"}]}"#,
        );
        assert_eq!(m.len(), 3, "{m:?}");
        assert!(m[0].starts_with("\"a.$\" in Assign"));
        assert!(m[1].starts_with("\"c.$\" in Assign"));
        assert!(m[2].starts_with("\"e.$\" in Catch[0].Assign"));
    }

    #[test]
    fn visit_covers_every_payload_template_of_the_model() {
        let text = machine(
            r#"{"Type": "Map", "Parameters": {"a.$": "$"}, "ResultSelector": {"a.$": "$"}, "ItemSelector": {"a.$": "$"},
                "Credentials": {"a.$": "$"}, "ItemReader": {"Parameters": {"a.$": "$"}}, "ResultWriter": {"Parameters": {"a.$": "$"}},
                "ItemBatcher": {"BatchInput": {"a.$": "$"}}, "Assign": {"a.$": "$"}, "End": true}"#,
        );
        let doc = json::parse(&text).unwrap();
        let machine = Machine::build(&doc.root);
        let state = &machine.states[0];
        let mut visited = Vec::new();
        visit(state, |item| {
            if let Item::Dollar { template, .. } = item {
                visited.push(template.to_string());
            }
        });
        let mut expected: Vec<String> = state
            .payload_templates()
            .into_iter()
            .map(|(n, _)| n.to_string())
            .collect();
        expected.push("Assign".to_string());
        visited.sort();
        expected.sort();
        assert_eq!(visited, expected);
    }

    #[test]
    fn duplicate_keys_check_the_last_value_only() {
        let m =
            messages(r#"{"Type": "Pass", "InputPath": "bad", "InputPath": "$.good", "End": true}"#);
        assert!(m.is_empty(), "{m:?}");
    }

    #[test]
    fn spans_are_exact_across_escapes() {
        let text = machine(r#"{"Type": "Pass", "InputPath": "$.\u0061.", "End": true}"#);
        let f = run(&RULE, &text);
        assert_eq!(&text[f[0].span.start..f[0].span.end], ".");
        let text = machine(
            r#"{"Type": "Pass", "Parameters": {"a.$": "$['\"q\"'].\u00e9[x]"}, "End": true}"#,
        );
        let f = run(&RULE, &text);
        assert_eq!(&text[f[0].span.start..f[0].span.end], "x");
    }
}
