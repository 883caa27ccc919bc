use std::collections::HashMap;

use super::{rule_doc, Category, Context, Rule};
use crate::diagnostic::{Finding, Severity};
use crate::model::StateId;

pub static RULE: Rule = Rule {
    id: "duplicate-state-name",
    severity: Severity::Error,
    category: Category::Structure,
    summary: "A state name is used twice anywhere in the machine, nested branches included",
    doc: rule_doc!("duplicate-state-name"),
    check: Some(check),
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let machine = cx.machine;
    let mut first: HashMap<&str, StateId> = HashMap::with_capacity(machine.states.len());
    for state in &machine.states {
        let Some(&earlier) = first.get(state.name) else {
            first.insert(state.name, state.id);
            continue;
        };
        let earlier = machine.state(earlier);
        // Twice in one States object is a duplicate JSON key; `duplicate-key` reports that.
        if earlier.scope == state.scope {
            continue;
        }
        out.push(
            Finding::new(
                state.name_span,
                format!(
                    "state name '{}' is already used in {}; names must be unique across the whole machine, Parallel branches and Map processors included",
                    state.name,
                    machine.scope_path(earlier.scope)
                ),
            )
            .state(state.name)
            .related(earlier.name_span, "first defined here")
            .help("rename one of the states (and the transitions that point to it)"),
        );
    }
}
