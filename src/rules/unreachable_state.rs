use super::{rule_doc, Category, Context, Rule};
use crate::diagnostic::{Finding, Severity};
use crate::quote::abbreviate;

pub static RULE: Rule = Rule {
    id: "unreachable-state",
    severity: Severity::Error,
    category: Category::Structure,
    summary: "A state cannot be reached from its scope's StartAt",
    doc: rule_doc!("unreachable-state"),
    check: Some(check),
    fix: None,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let machine = cx.machine;
    for state in &machine.states {
        // A value in States that is not an object is not a state; `schema` reports it.
        if cx.graph.is_reachable(state.id) || state.node.as_object().is_none() {
            continue;
        }
        let scope = machine.scope(state.scope);
        // With a broken StartAt every state looks unreachable; `unknown-target` reports the cause.
        let Some(start) = scope.start() else { continue };
        let start = machine.state(start);
        // A second definition of a name is reported as a duplicate, not as unreachable.
        if scope.state_named(state.name) != Some(state.id) {
            continue;
        }
        out.push(
            Finding::new(
                state.name_span,
                format!(
                    "state '{}' is unreachable: no chain of transitions from StartAt '{}' leads to it",
                    abbreviate(state.name), abbreviate(start.name)
                ),
            )
            .state(state.name)
            .help("add a Next, Default, Choice rule or Catch that targets it, or delete it"),
        );
    }
}
