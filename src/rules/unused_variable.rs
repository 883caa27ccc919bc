use super::{rule_doc, Category, Context, Rule};
use crate::diagnostic::{Finding, Severity};
use crate::model::{ScopeKind, State};
use crate::quote::abbreviate;
use crate::variables::{Assignment, Placement, Seen};

pub static RULE: Rule = Rule {
    id: "unused-variable",
    severity: Severity::Info,
    category: Category::Practice,
    summary: "A variable is assigned and never read where the assignment is visible",
    doc: rule_doc!("unused-variable"),
    check: Some(check),
    fix: None,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let vars = cx.variables;
    let mut read_somewhere = vec![false; vars.variable_count()];
    for r in &vars.reads {
        read_somewhere[r.var] = true;
    }
    for a in &vars.assignments {
        let state = cx.machine.state(a.state);
        let raw_name = vars.name(a.var);
        let name = abbreviate(raw_name);
        let field = a.placement.field();
        let finding = match a.seen {
            Seen::NeverRead => {
                let message = if read_somewhere[a.var] {
                    format!(
                        "${name} is assigned in {field} of state '{}' but never read where it is visible, in {} and the branches and iterations inside it",
                        abbreviate(state.name),
                        cx.machine.scope_path(state.scope)
                    )
                } else {
                    format!(
                        "${name} is assigned in {field} of state '{}' but never read",
                        abbreviate(state.name)
                    )
                };
                Finding::new(a.member.key_span, message).help(format!(
                    "remove it, or read it as ${name} in a state after '{}'",
                    abbreviate(state.name)
                ))
            }
            Seen::Ends if a.placement == Placement::State && state.is_terminal() => {
                ends(cx, a, state, raw_name)
            }
            Seen::Overwritten => Finding::new(
                a.member.key_span,
                format!(
                    "the value that {field} of state '{}' gives ${name} is never read: every path from '{}' assigns ${name} again, or ends, before a state reads it",
                    abbreviate(state.name),
                    abbreviate(state.name)
                ),
            )
            .help(format!(
                "remove it from {field}, or read ${name} before it is assigned again"
            )),
            _ => continue,
        };
        out.push(finding.state(state.name));
    }
}

/// An assignment in the last state of its execution, branch or iteration.
fn ends(cx: &Context, a: &Assignment, state: &State, name: &str) -> Finding {
    let name = abbreviate(name);
    let scope = cx.machine.scope(state.scope);
    let owner = scope
        .owner
        .map(|o| abbreviate(cx.machine.state(o).name).to_string());
    let (when, help) = match (scope.kind, owner) {
        (ScopeKind::Branch { index }, Some(p)) => (
            format!(
                "branch {} of Parallel '{p}' ends after it, and its variables with it",
                index + 1
            ),
            format!("to hand the value to '{p}', put it in this state's Output"),
        ),
        (ScopeKind::Processor, Some(m)) => (
            format!("each iteration of Map '{m}' ends after it, and its variables with it"),
            format!("to hand the value to '{m}', put it in this state's Output"),
        ),
        _ => (
            "the execution ends after it".to_string(),
            "to return the value from the execution, put it in this state's Output".to_string(),
        ),
    };
    Finding::new(
        a.member.key_span,
        format!(
            "${name} is assigned in {} of state '{}', but {when}, so no state reads it",
            a.placement.field(),
            abbreviate(state.name)
        ),
    )
    .help(format!("remove it; {help}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::run_check;

    #[test]
    fn never_read_overwritten_and_last_state() {
        let got: Vec<String> = run_check(
            check,
            r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {
              "A": {"Type": "Pass", "Assign": {"never": 1, "twice": 1, "used": 1}, "Next": "B"},
              "B": {"Type": "Pass", "Assign": {"twice": 2}, "Next": "M"},
              "M": {"Type": "Map", "Next": "C", "ItemProcessor": {"StartAt": "I", "States": {
                "I": {"Type": "Pass", "Assign": {"done": true}, "End": true}}}},
              "C": {"Type": "Pass", "Output": "{% $twice + $used %}", "Assign": {"late": 1}, "End": true}}}"#
        )
        .into_iter()
        .map(|f| f.message)
        .collect();
        assert_eq!(
            got,
            [
                "$never is assigned in Assign of state 'A' but never read",
                "the value that Assign of state 'A' gives $twice is never read: every path from 'A' assigns $twice again, or ends, before a state reads it",
                "$late is assigned in Assign of state 'C', but the execution ends after it, so no state reads it",
                "$done is assigned in Assign of state 'I', but each iteration of Map 'M' ends after it, and its variables with it, so no state reads it",
            ]
        );
    }
}
