use super::{rule_doc, Category, Context, Rule};
use crate::diagnostic::{Finding, Severity};
use crate::model::{Machine, StateId, StateType};
use crate::quote::abbreviate;

pub static RULE: Rule = Rule {
    id: "map-unbounded-concurrency",
    severity: Severity::Warning,
    category: Category::Reliability,
    summary: "A Map whose iterations call a Task sets no MaxConcurrency (or sets it to 0)",
    doc: rule_doc!("map-unbounded-concurrency"),
    check: Some(check),
    fix: None,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let machine = cx.machine;
    let mut first_task: Option<Vec<Option<StateId>>> = None;
    for state in cx.states() {
        if !state.is(StateType::Map) {
            continue;
        }
        let Some(&processor) = state.children.first() else {
            continue;
        };
        // `MaxConcurrencyPath` bounds it at run time; a JSONata `{% %}` string is evaluated
        // at run time too; other non-numbers are the schema rule's.
        let (span, zero) = match (
            state.member("MaxConcurrency"),
            state.member("MaxConcurrencyPath"),
        ) {
            (_, Some(_)) => continue,
            (Some(max), None) => match max.value.as_f64() {
                Some(0.0) => (max.value.span, true),
                _ => continue,
            },
            (None, None) => (state.name_span, false),
        };
        let tasks = first_task.get_or_insert_with(|| first_task_per_scope(machine));
        let Some(task) = tasks[processor] else {
            continue;
        };
        let distributed = machine
            .scope(processor)
            .child_execution
            .is_some_and(|(map, _)| map == state.id);
        let fan_out = if distributed {
            "starts up to 10,000 child executions at once"
        } else {
            "runs up to 40 iterations at once"
        };
        let setting = if zero {
            "MaxConcurrency 0 means no limit"
        } else {
            "no MaxConcurrency is set"
        };
        let task = machine.state(task);
        out.push(
            Finding::new(
                span,
                format!(
                    "{setting}: Map '{}' {fan_out}, and every iteration calls Task '{}'",
                    abbreviate(state.name),
                    abbreviate(task.name)
                ),
            )
            .state(state.name)
            .related(
                task.name_span,
                format!("Task '{}' runs once per item", abbreviate(task.name)),
            )
            .help(
                "set \"MaxConcurrency\" to what the service behind the Task can take (e.g. 10): \
                 an unbounded fan-out floods it with concurrent calls and runs into throttling \
                 (Lambda TooManyRequestsException, API rate limits) downstream. Without a limit an \
                 inline Map runs up to 40 iterations in parallel, a Distributed Map up to 10,000 \
                 parallel child executions",
            ),
        );
    }
}

/// The first Task, in document order, at any depth inside each scope.
/// A nested scope is always numbered after its parent's, so walking scopes backwards
/// sees every child before its parent: one pass over all states.
fn first_task_per_scope(machine: &Machine) -> Vec<Option<StateId>> {
    let mut first: Vec<Option<StateId>> = vec![None; machine.scopes.len()];
    for scope in machine.scopes.iter().rev() {
        let found = scope.states.iter().find_map(|&id| {
            let state = machine.state(id);
            if state.is(StateType::Task) {
                return Some(id);
            }
            state.children.iter().find_map(|&child| {
                debug_assert!(child > scope.id);
                first[child]
            })
        });
        first[scope.id] = found;
    }
    first
}
