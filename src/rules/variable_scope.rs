use super::undefined_variable::place;
use super::{rule_doc, Category, Context, Rule};
use crate::diagnostic::{Finding, Severity};
use crate::hash::FastMap;
use crate::model::{QueryLanguage, ScopeId, ScopeKind};
use crate::quote::abbreviate;
use crate::variables::{encloses, Assignment, Read, Status};

pub static RULE: Rule = Rule {
    id: "variable-scope",
    severity: Severity::Error,
    category: Category::Correctness,
    summary: "A Parallel branch or Map iteration assigns an outer variable's name, or a variable is read where the branch or iteration that assigns it has ended",
    doc: rule_doc!("variable-scope"),
    check: Some(check),
    fix: None,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    inner_assigns_outer(cx, out);
    for read in &cx.variables.reads {
        if read.status == Status::Unassigned && !read.guarded {
            out.extend(read_outside(cx, read));
        }
    }
}

/// A name assigned in a branch or iteration that a scope around it also assigns: Step
/// Functions rejects the definition (reachable or not).
fn inner_assigns_outer(cx: &Context, out: &mut Vec<Finding>) {
    let vars = cx.variables;
    let machine = cx.machine;
    for var in 0..vars.variable_count() {
        let mut first_in: FastMap<ScopeId, &Assignment> = FastMap::default();
        for a in vars.assignments_of(var) {
            first_in.entry(machine.state(a.state).scope).or_insert(a);
        }
        if first_in.len() < 2 {
            continue;
        }
        for inner in vars.assignments_of(var) {
            let scope = machine.state(inner.state).scope;
            // The nearest scope around it that assigns the name too.
            let mut around = machine.scope(scope).owner;
            let outer = loop {
                let Some(owner) = around else { break None };
                let outer_scope = machine.state(owner).scope;
                if let Some(b) = first_in.get(&outer_scope) {
                    break Some((outer_scope, *b));
                }
                around = machine.scope(outer_scope).owner;
            };
            let Some((outer_scope, outer)) = outer else {
                continue;
            };
            let raw_name = vars.name(var);
            let name = abbreviate(raw_name);
            let state = machine.state(inner.state);
            out.push(
                Finding::new(
                    inner.member.key_span,
                    format!(
                        "{} of state '{}' assigns ${name} in {}, but ${name} is also assigned in {} (state '{}'), a scope around it: Step Functions rejects a branch or iteration that assigns a variable name of the scopes around it",
                        inner.placement.field(),
                        abbreviate(state.name),
                        machine.scope_path(scope),
                        machine.scope_path(outer_scope),
                        abbreviate(machine.state(outer.state).name)
                    ),
                )
                .state(state.name)
                .related(outer.member.key_span, "assigned in the outer scope here")
                .help(format!(
                    "give the inner variable a name of its own, e.g. ${name}Item; to hand a value back, end the branch or iteration with it in Output and assign it from the result after '{}'",
                    abbreviate(machine.state(machine.scope(scope).owner.unwrap_or(inner.state)).name)
                )),
            );
        }
    }
}

/// A read of a variable that only a branch or iteration the reader cannot see assigns.
fn read_outside(cx: &Context, read: &Read) -> Option<Finding> {
    let vars = cx.variables;
    let machine = cx.machine;
    let state = machine.state(read.state);
    if vars
        .assignment_around(machine, read.var, state.scope)
        .is_some()
    {
        return None;
    }
    let assigned = vars.assignments_of(read.var).next()?;
    let raw_name = vars.name(read.var);
    let name = abbreviate(raw_name);
    // The scope around both the reader and the assignment, and the branch or iteration just
    // inside it that holds the assignment.
    let mut holder = machine.state(assigned.state).scope;
    let common = loop {
        let owner = machine.scope(holder).owner?;
        let up = machine.state(owner).scope;
        if encloses(machine, up, state.scope) {
            break up;
        }
        holder = up;
    };
    let owner = machine.state(machine.scope(holder).owner?);
    let assigner = abbreviate(machine.state(assigned.state).name);
    let what = match machine.scope(holder).kind {
        ScopeKind::Branch { .. } => "a branch's variables disappear when the branch ends",
        _ => "an iteration's variables disappear when the iteration ends",
    };
    let (message, help) = if state.scope == common {
        let example = match (machine.scope(holder).kind, owner.query_language) {
            (ScopeKind::Branch { index }, QueryLanguage::Jsonata) => {
                format!("\"Assign\": {{\"{name}\": \"{{% $states.result[{index}].{name} %}}\"}}")
            }
            (ScopeKind::Branch { index }, QueryLanguage::JsonPath) => {
                format!("\"Assign\": {{\"{name}.$\": \"$[{index}].{name}\"}}")
            }
            (_, QueryLanguage::Jsonata) => {
                format!("\"Assign\": {{\"{name}s\": \"{{% $states.result.{name} %}}\"}}, one value per item")
            }
            (_, QueryLanguage::JsonPath) => {
                format!("\"Assign\": {{\"{name}s.$\": \"$[*].{name}\"}}, one value per item")
            }
        };
        (
            format!(
                "${name} is read in {}, but it is assigned only inside {} (state '{assigner}'), and {what}",
                place(cx, read),
                machine.scope_path(holder)
            ),
            format!(
                "return the value in the Output of the branch's or iteration's last state, and assign it from the result in '{}': {example}",
                abbreviate(owner.name)
            ),
        )
    } else {
        (
            format!(
                "${name} is read in {}, but it is assigned only in {} (state '{assigner}'), which '{}' cannot see: each branch and iteration sees only its own variables and those of the scopes around it",
                place(cx, read),
                machine.scope_path(machine.state(assigned.state).scope),
                abbreviate(state.name)
            ),
            format!(
                "assign ${name} before '{}' in a scope around both, or pass the value in through the input",
                abbreviate(owner.name)
            ),
        )
    };
    Some(
        Finding::new(cx.value_span(read.node, read.range.clone()), message)
            .state(state.name)
            .related(assigned.member.key_span, "assigned only here")
            .help(help),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::run_check;

    fn messages(text: &str) -> Vec<String> {
        run_check(check, text)
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn inner_scopes_must_not_reuse_outer_names() {
        let got = messages(
            r#"{"QueryLanguage": "JSONata", "StartAt": "Init", "States": {
              "Init": {"Type": "Pass", "Assign": {"customer": 1}, "Next": "M"},
              "M": {"Type": "Map", "End": true, "ItemProcessor": {"StartAt": "I", "States": {
                "I": {"Type": "Pass", "Assign": {"customer": 2, "item": 3}, "Output": "{% $item %}", "End": true}}}}}}"#,
        );
        assert_eq!(
            got,
            ["Assign of state 'I' assigns $customer in the processor of Map 'M', but $customer is also assigned in the top-level States (state 'Init'), a scope around it: Step Functions rejects a branch or iteration that assigns a variable name of the scopes around it"]
        );
    }

    #[test]
    fn reads_after_the_branch_or_in_a_sibling() {
        let got = messages(
            r#"{"QueryLanguage": "JSONata", "StartAt": "P", "States": {
              "P": {"Type": "Parallel", "Next": "Notify", "Branches": [
                {"StartAt": "Track", "States": {"Track": {"Type": "Pass", "Assign": {"trackingId": 1}, "Next": "T2"},
                                                "T2": {"Type": "Pass", "Output": "{% $trackingId %}", "End": true}}},
                {"StartAt": "Other", "States": {"Other": {"Type": "Pass", "Output": "{% $trackingId %}", "End": true}}}]},
              "Notify": {"Type": "Pass", "Output": "{% $trackingId %}", "End": true}}}"#,
        );
        assert_eq!(
            got,
            [
                "$trackingId is read in Output of state 'Notify', but it is assigned only inside branch 1 of Parallel 'P' (state 'Track'), and a branch's variables disappear when the branch ends",
                "$trackingId is read in Output of state 'Other', but it is assigned only in branch 1 of Parallel 'P' (state 'Track'), which 'Other' cannot see: each branch and iteration sees only its own variables and those of the scopes around it",
            ]
        );
    }
}
