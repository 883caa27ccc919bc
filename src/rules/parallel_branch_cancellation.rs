use super::{rule_doc, Category, Context, Rule};
use crate::diagnostic::{Finding, Severity};
use crate::model::{Machine, StateType};
use crate::quote::abbreviate;

pub static RULE: Rule = Rule {
    id: "parallel-branch-cancellation",
    severity: Severity::Info,
    category: Category::Reliability,
    summary: "A Parallel runs Tasks in several branches and no branch catches errors, so one failure stops the others",
    doc: rule_doc!("parallel-branch-cancellation"),
    check: Some(check),
    fix: None,
};

/// What a scope holds at any depth.
#[derive(Clone, Copy, Default)]
struct Contents {
    task: bool,
    catch: bool,
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let machine = cx.machine;
    let mut contents: Option<Vec<Contents>> = None;
    for state in cx.states() {
        if !state.is(StateType::Parallel) || state.children.len() < 2 {
            continue;
        }
        let contents = contents.get_or_insert_with(|| contents_per_scope(machine));
        let branches = state.children.iter().map(|&c| contents[c]);
        if branches.clone().any(|c| c.catch) {
            continue;
        }
        let with_tasks = branches.filter(|c| c.task).count();
        if with_tasks < 2 {
            continue;
        }
        out.push(
            Finding::new(
                state.name_span,
                format!(
                    "{with_tasks} branches of Parallel '{}' run Tasks and none of them catches errors: \
                     when one branch fails, Step Functions stops the others and the Parallel fails",
                    abbreviate(state.name)
                ),
            )
            .state(state.name)
            .help(
                "if the branches are independent, add a Catch inside each branch (e.g. on its Tasks, \
                 leading to a Pass state that records the error) so one failure does not cancel the \
                 work of the others; if all-or-nothing is intended, a Catch on the Parallel is enough",
            ),
        );
    }
}

/// Whether each scope holds a Task and a state with a non-empty Catch, at any depth.
/// A nested scope is always numbered after its parent's, so walking scopes backwards sees
/// every child before its parent.
fn contents_per_scope(machine: &Machine) -> Vec<Contents> {
    let mut contents = vec![Contents::default(); machine.scopes.len()];
    for scope in machine.scopes.iter().rev() {
        let mut here = Contents::default();
        for &id in &scope.states {
            let state = machine.state(id);
            here.task |= state.is(StateType::Task);
            here.catch |= !state.catchers().is_empty();
            for &child in &state.children {
                debug_assert!(child > scope.id);
                here.task |= contents[child].task;
                here.catch |= contents[child].catch;
            }
        }
        contents[scope.id] = here;
    }
    contents
}
