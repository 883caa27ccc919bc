use std::collections::VecDeque;

use super::{rule_doc, Category, Context, Rule};
use crate::diagnostic::{Finding, Severity};
use crate::document::Node;
use crate::graph::EdgeKind;
use crate::model::{State, StateId, StateType};
use crate::quote::abbreviate;
use crate::source::Span;

pub static RULE: Rule = Rule {
    id: "compensation-without-retry",
    severity: Severity::Warning,
    category: Category::Reliability,
    summary: "A Task that runs only after a Catch (a compensation step) has no Retry",
    doc: rule_doc!("compensation-without-retry"),
    check: Some(check),
    fix: None,
};

/// The Catch that puts a state on an error path.
#[derive(Clone, Copy)]
struct Origin {
    /// The state whose Catch it is.
    catching: StateId,
    catcher: usize,
    /// The catcher's `Next` value.
    span: Span,
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let (machine, graph) = (cx.machine, cx.graph);
    let n = machine.states.len();

    // Reachable from the scope's StartAt without following any Catch.
    let mut normal = vec![false; n];
    let mut stack: Vec<StateId> = machine.scopes.iter().filter_map(|s| s.start()).collect();
    for &id in &stack {
        normal[id] = true;
    }
    while let Some(id) = stack.pop() {
        for (target, edge) in graph.successors(id) {
            if !matches!(edge.kind, EdgeKind::Catch { .. }) && !normal[target] {
                normal[target] = true;
                stack.push(target);
            }
        }
    }

    // Breadth-first from every Catch that leaves the normal flow: the states reached this way
    // (and only this way) are the error path, each remembering the Catch that first led there.
    let mut origin: Vec<Option<Origin>> = vec![None; n];
    let mut queue = VecDeque::new();
    for id in (0..n).filter(|&id| normal[id]) {
        for (target, edge) in graph.successors(id) {
            if let EdgeKind::Catch { catcher, .. } = edge.kind {
                if !normal[target] && origin[target].is_none() {
                    origin[target] = Some(Origin {
                        catching: id,
                        catcher,
                        span: edge.span,
                    });
                    queue.push_back(target);
                }
            }
        }
    }
    while let Some(id) = queue.pop_front() {
        let from = origin[id];
        for (target, _) in graph.successors(id) {
            if !normal[target] && origin[target].is_none() {
                origin[target] = from;
                queue.push_back(target);
            }
        }
    }

    // States inside a Parallel/Map that is itself on an error path run only after that error
    // too, unless the Parallel/Map retries (which re-runs them). Owners are numbered before the
    // states of the scopes they own, so one forward pass settles the inheritance.
    let mut context: Vec<Option<Origin>> = vec![None; n];
    for state in &machine.states {
        context[state.id] = if origin[state.id].is_some() {
            origin[state.id]
        } else if normal[state.id] {
            machine
                .scope(state.scope)
                .owner
                .filter(|&owner| !retries(machine.state(owner)))
                .and_then(|owner| context[owner])
        } else {
            None
        };
    }

    for state in &machine.states {
        if !state.is(StateType::Task) || retries(state) || catches_everything(state) {
            continue;
        }
        let Some(from) = context[state.id] else {
            continue;
        };
        let catching = machine.state(from.catching);
        let mut finding = Finding::new(
            state.name_span,
            format!(
                "Task '{}' runs only on an error path, after the Catch of '{}', and has no Retry: \
                 a single transient failure of this recovery step raises a new error and the recovery is never completed",
                abbreviate(state.name), abbreviate(catching.name)
            ),
        )
        .state(state.name)
        .related(
            from.span,
            format!(
                "Catch[{}] of '{}' leads to the error path",
                from.catcher, abbreviate(catching.name)
            ),
        );
        if origin[state.id].is_none() {
            let owner = machine.scope(state.scope).owner.map(|o| machine.state(o));
            if let Some(owner) = owner {
                finding = finding.related(
                    owner.name_span,
                    format!(
                        "'{}' runs on the error path, without Retry",
                        abbreviate(owner.name)
                    ),
                );
            }
        }
        out.push(finding.help(
            "add a \"Retry\" to this Task (e.g. \"ErrorEquals\": [\"States.ALL\"], \"IntervalSeconds\": 2, \
             \"MaxAttempts\": 5, \"BackoffRate\": 2) and make its action idempotent: compensation, cleanup \
             and notification steps are the last chance to put things right, and a throttled or timed-out \
             call there leaves the work they should undo in place, or the failure unreported",
        ));
    }
}

/// Its own Catch takes every error (`States.ALL`, or `States.TaskFailed`, which is everything
/// but a timeout) somewhere: the author decided what happens when this step fails.
fn catches_everything(state: &State) -> bool {
    state.catchers().iter().any(|c| {
        c.get("ErrorEquals")
            .and_then(Node::as_array)
            .unwrap_or(&[])
            .iter()
            .any(|e| matches!(e.as_str(), Some("States.ALL" | "States.TaskFailed")))
    })
}

/// Has at least one retrier that retries (`MaxAttempts` is not 0; it defaults to 3).
fn retries(state: &State) -> bool {
    state
        .retriers()
        .iter()
        .any(|r| r.get("MaxAttempts").and_then(Node::as_i64) != Some(0))
}
