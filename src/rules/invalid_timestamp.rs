use super::invalid_path::{is_placeholder, Field};
use super::{rule_doc, Category, Context, Rule};
use crate::asl::timestamp;
use crate::diagnostic::{Finding, Severity};
use crate::document::Node;
use crate::model::{QueryLanguage, State, StateType};
use crate::quote::abbreviate;

pub static RULE: Rule = Rule {
    id: "invalid-timestamp",
    severity: Severity::Error,
    category: Category::Expressions,
    summary: "A Wait Timestamp or Choice Timestamp comparison value is not an RFC 3339 date-time",
    doc: rule_doc!("invalid-timestamp"),
    check: Some(check),
    fix: None,
};

/// Choice operators whose literal operand is a timestamp (their `…Path` twins take paths).
const CHOICE_OPERATORS: [&str; 5] = [
    "TimestampEquals",
    "TimestampLessThan",
    "TimestampGreaterThan",
    "TimestampLessThanEquals",
    "TimestampGreaterThanEquals",
];

const HELP: &str = "write a UTC time like \"2016-03-14T01:59:00Z\" or one with an offset like \"2016-03-14T01:59:00.123+02:00\"";

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for state in cx.states() {
        // `Timestamp` is a Wait field in both query languages.
        if state.is(StateType::Wait) {
            if let Some(node) = state.get("Timestamp") {
                check_value(cx, state, Field::Named("Timestamp"), node, out);
            }
        }
        // Choice data-test operators exist only in JSONPath states.
        if state.query_language != QueryLanguage::JsonPath || state.get("Choices").is_none() {
            continue;
        }
        for rule in state.choice_rules() {
            let members = rule.node.as_object().unwrap_or(&[]);
            for (i, member) in members.iter().enumerate() {
                let key = member.key.as_str();
                // With a duplicated operator only the last one counts.
                if !CHOICE_OPERATORS.contains(&key) || members[i + 1..].iter().any(|m| m.key == key)
                {
                    continue;
                }
                let field = Field::ChoiceRule {
                    key,
                    top: rule.top,
                    nested: rule.nested,
                };
                check_value(cx, state, field, &member.value, out);
            }
        }
    }
}

fn check_value(cx: &Context, state: &State, field: Field, node: &Node, out: &mut Vec<Finding>) {
    // Non-strings are the schema rule's; JSONata expressions and deployment placeholders are
    // only known later.
    let Some(s) = node.as_str() else { return };
    if is_placeholder(s) || s.trim_start().starts_with("{%") {
        return;
    }
    if let Err(e) = timestamp::parse(s) {
        out.push(
            Finding::new(
                cx.value_span(node, e.offset_range),
                format!(
                    "{field} of state '{}' is not a valid RFC 3339 timestamp (\"{}\"): {}",
                    abbreviate(state.name),
                    abbreviate(s),
                    e.message
                ),
            )
            .state(state.name)
            .help(HELP),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Vec<Finding> {
        super::super::invalid_path::tests::run(&RULE, text)
    }

    fn wait(ts: &str, language: &str) -> String {
        format!(
            r#"{{"StartAt": "W", "QueryLanguage": "{language}", "States": {{"W": {{"Type": "Wait", "Timestamp": "{ts}", "End": true}}}}}}"#
        )
    }

    #[test]
    fn wait_timestamps() {
        assert!(run(&wait("2016-03-14T01:59:00Z", "JSONPath")).is_empty());
        assert!(run(&wait("2016-03-14T01:59:00.123+02:00", "JSONata")).is_empty());
        assert!(run(&wait("{% $states.input.when %}", "JSONata")).is_empty());
        assert!(run(&wait("${When}", "JSONPath")).is_empty());
        let text = wait("2016-13-01T00:00:00Z", "JSONPath");
        let f = run(&text);
        assert_eq!(
            f[0].message,
            "Timestamp of state 'W' is not a valid RFC 3339 timestamp (\"2016-13-01T00:00:00Z\"): month 13 is out of range (01–12)"
        );
        assert_eq!(&text[f[0].span.start..f[0].span.end], "13");
        assert_eq!(f[0].help.as_deref(), Some(HELP));
        let text = wait("2016-03-14t01:59:00Z", "JSONata");
        let f = run(&text);
        assert_eq!(&text[f[0].span.start..f[0].span.end], "t");
    }

    #[test]
    fn choice_operators() {
        let text = r#"{"StartAt": "C", "States": {"C": {"Type": "Choice", "Default": "C", "Choices": [
            {"Variable": "$.t", "TimestampLessThan": "2016-03-14 01:59:00Z", "Next": "C"},
            {"Not": {"Variable": "$.t", "TimestampEqualsPath": "$.u"}, "Next": "C"},
            {"And": [{"Variable": "$.t", "TimestampGreaterThanEquals": "2016-02-30T00:00:00Z"}], "Next": "C"}
        ]}}}"#;
        let f = run(text);
        assert_eq!(f.len(), 2, "{f:?}");
        assert!(f[0]
            .message
            .starts_with("Choices[0].TimestampLessThan of state 'C'"));
        assert!(f[0]
            .message
            .ends_with("the date and the time must be separated by 'T', not a space"));
        assert!(f[1]
            .message
            .starts_with("TimestampGreaterThanEquals in a nested rule of Choices[2]"));
    }
}
