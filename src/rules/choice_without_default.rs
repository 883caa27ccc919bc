use super::{rule_doc, Category, Context, Rule};
use crate::diagnostic::{Finding, Severity};
use crate::document::Node;
use crate::model::{QueryLanguage, State, StateType};
use crate::quote::abbreviate;

pub static RULE: Rule = Rule {
    id: "choice-without-default",
    severity: Severity::Warning,
    category: Category::Correctness,
    summary: "A Choice state has no Default, so input no rule matches fails the execution",
    doc: rule_doc!("choice-without-default"),
    check: Some(check),
    fix: None,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for state in cx.states() {
        if !state.is(StateType::Choice) || state.member("Default").is_some() {
            continue;
        }
        if always_matches(state) {
            continue;
        }
        out.push(
            Finding::new(
                state.name_span,
                format!(
                    "Choice '{}' has no Default: when no rule matches its input, the execution fails with States.NoChoiceMatched",
                    abbreviate(state.name)
                ),
            )
            .state(state.name)
            .help(
                "add a \"Default\" that names the state to run when nothing matches, e.g. a Fail state \
                 with a clear \"Error\" and \"Cause\" if that input is really unexpected",
            ),
        );
    }
}

/// Choices that match every input: a JSONata rule whose Condition is the constant `true`,
/// or two JSONPath rules testing the same Variable with `"IsPresent": true` and `false`.
fn always_matches(state: &State) -> bool {
    let rules = state.get("Choices").and_then(Node::as_array).unwrap_or(&[]);
    if state.query_language == QueryLanguage::Jsonata {
        return rules.iter().any(|rule| {
            rule.get("Condition").is_some_and(|c| {
                c.as_bool() == Some(true)
                    || c.as_str().is_some_and(|s| {
                        s.strip_prefix("{%")
                            .and_then(|s| s.strip_suffix("%}"))
                            .is_some_and(|body| body.trim() == "true")
                    })
            })
        });
    }
    let presence = |value: bool| {
        rules.iter().filter_map(move |rule| {
            let variable = rule.get_str("Variable")?;
            (rule.get("IsPresent")?.as_bool()? == value).then_some(variable)
        })
    };
    presence(true).any(|variable| presence(false).any(|other| other == variable))
}
