use super::{rule_doc, Category, Context, Rule};
use crate::diagnostic::{Finding, Severity};
use crate::model::StateId;
use crate::quote::abbreviate;

pub static RULE: Rule = Rule {
    id: "no-terminal",
    severity: Severity::Error,
    category: Category::Structure,
    summary: "A reachable state can never lead to Succeed, Fail or End: true",
    doc: rule_doc!("no-terminal"),
    check: Some(check),
    fix: None,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let (machine, graph) = (cx.machine, cx.graph);
    let trapped = |id: StateId| graph.is_reachable(id) && !graph.can_finish(id);
    for state in &machine.states {
        if !trapped(state.id) {
            continue;
        }
        // Report once per trap, at the states where execution enters it.
        let is_start = machine.scope(state.scope).start() == Some(state.id);
        let entered_from_outside = graph
            .predecessors(state.id)
            .any(|(p, _)| graph.is_reachable(p) && graph.can_finish(p));
        if !is_start && !entered_from_outside {
            continue;
        }
        let loop_names = trap_members(cx, state.id);
        let shown: Vec<String> = loop_names
            .iter()
            .take(6)
            .map(|n| format!("'{n}'", n = abbreviate(n)))
            .collect();
        let more = if loop_names.len() > 6 { ", …" } else { "" };
        out.push(
            Finding::new(
                state.name_span,
                format!(
                    "no terminal state can be reached from '{}': from there, execution can only move among {}{more}, forever",
                    abbreviate(state.name),
                    shown.join(", ")
                ),
            )
            .state(state.name)
            .help("add a Choice rule, Default or Catch that leads to a Succeed or Fail state or a state with \"End\": true"),
        );
    }
}

/// Names of the states reachable from `start` (all of which are trapped too), in visit order.
fn trap_members<'d>(cx: &Context<'_, 'd>, start: StateId) -> Vec<&'d str> {
    let mut seen = vec![false; cx.machine.states.len()];
    let mut order = Vec::new();
    let mut stack = vec![start];
    seen[start] = true;
    while let Some(id) = stack.pop() {
        order.push(cx.machine.state(id).name);
        let mut next: Vec<StateId> = cx.graph.successors(id).map(|(t, _)| t).collect();
        next.reverse();
        for t in next {
            if !seen[t] {
                seen[t] = true;
                stack.push(t);
            }
        }
    }
    order
}
