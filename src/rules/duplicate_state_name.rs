use super::{rule_doc, Category, Context, Rule};
use crate::diagnostic::{Finding, Severity};
use crate::hash::FastMap;
use crate::model::StateId;
use crate::quote::abbreviate;

pub static RULE: Rule = Rule {
    id: "duplicate-state-name",
    severity: Severity::Error,
    category: Category::Structure,
    summary: "A state name is used twice anywhere in the machine, nested branches included",
    doc: rule_doc!("duplicate-state-name"),
    check: Some(check),
    fix: None,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let machine = cx.machine;
    let mut by_name: FastMap<&str, Vec<StateId>> = FastMap::default();
    by_name.reserve(machine.states.len());
    for state in &machine.states {
        by_name.entry(state.name).or_default().push(state.id);
    }
    let mut groups: Vec<Vec<StateId>> = by_name.into_values().filter(|ids| ids.len() > 1).collect();
    for ids in &mut groups {
        ids.sort_by_key(|&id| machine.state(id).name_span.start);
    }
    groups.sort_by_key(|ids| machine.state(ids[0]).name_span.start);
    for ids in groups {
        let first = machine.state(ids[0]);
        for (i, &id) in ids.iter().enumerate().skip(1) {
            let state = machine.state(id);
            // Twice in one States object is a duplicate JSON key; `duplicate-key` reports that.
            if ids[..i]
                .iter()
                .any(|&e| machine.state(e).scope == state.scope)
            {
                continue;
            }
            out.push(
                Finding::new(
                    state.name_span,
                    format!(
                        "state name '{}' is already used in {}; names must be unique across the whole machine, Parallel branches and Map processors included",
                        abbreviate(state.name),
                        machine.scope_path(first.scope)
                    ),
                )
                .state(state.name)
                .related(first.name_span, "first defined here")
                .help("rename one of the states (and the transitions that point to it)"),
            );
        }
    }
}
