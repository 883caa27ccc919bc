use super::{rule_doc, Category, Context, Rule};
use crate::diagnostic::{Finding, Severity};
use crate::document::{descendants, Node};
use crate::graph::StateGraph;
use crate::model::WorkflowType;
use crate::model::{Machine, QueryLanguage, StateId, StateType};
use crate::quote::abbreviate;

pub static RULE: Rule = Rule {
    id: "history-quota-loop",
    severity: Severity::Info,
    category: Category::Reliability,
    summary: "A loop in a Standard workflow adds history events on every pass, toward the 25,000-event limit",
    doc: rule_doc!("history-quota-loop"),
    check: Some(check),
    fix: None,
};

/// Most loop members named in a message.
const SHOWN: usize = 6;

fn check(cx: &Context, out: &mut Vec<Finding>) {
    // Express executions keep no history in Step Functions, so there is no limit to reach.
    if cx.workflow_type == WorkflowType::Express {
        return;
    }
    let (machine, graph) = (cx.machine, cx.graph);
    let components = strongly_connected(machine, graph);
    let mut component_of = vec![usize::MAX; machine.states.len()];
    for (c, members) in components.iter().enumerate() {
        for &id in members {
            component_of[id] = c;
        }
    }
    for (c, scc) in components.iter().enumerate() {
        let first = scc[0];
        let single = scc.len() == 1;
        let state = machine.state(first);
        // Distributed Map children are executions of their own, with their own history.
        if machine.scope(state.scope).child_execution.is_some()
            || !graph.is_reachable(first)
            // A loop with no way out is no-terminal's (an error): not worth a second note.
            || !graph.can_finish(first)
        {
            continue;
        }
        if has_counter(machine, graph, scc, |id| component_of[id] == c) {
            continue;
        }
        // Where the loop is entered: the scope's StartAt, or else the first state in document
        // order that a reachable state outside the loop leads to.
        let start = machine.scope(state.scope).start();
        let entry = match start.filter(|s| component_of[*s] == c) {
            Some(start) => Some(start),
            None => scc
                .iter()
                .copied()
                .filter(|&id| {
                    graph
                        .predecessors(id)
                        .any(|(p, _)| component_of[p] != c && graph.is_reachable(p))
                })
                .min(),
        };
        let Some(entry) = entry else {
            continue;
        };
        let entry = machine.state(entry);
        let mut ordered = scc.clone();
        ordered.sort_unstable();
        // Members in document order, starting with the entry.
        let names: Vec<String> = std::iter::once(entry.id)
            .chain(ordered.into_iter().filter(|&id| id != entry.id))
            .take(SHOWN)
            .map(|id| format!("'{}'", abbreviate(machine.state(id).name)))
            .collect();
        let more = if scc.len() > SHOWN { ", …" } else { "" };
        let what = if single {
            format!(
                "state '{}' transitions back to itself",
                abbreviate(entry.name)
            )
        } else {
            format!(
                "{}{more} form a loop, entered at '{}'",
                names.join(", "),
                abbreviate(entry.name)
            )
        };
        let mut finding = Finding::new(
            entry.name_span,
            format!(
                "{what}: every pass adds events to the execution history, and a Standard execution fails \
                 when its history reaches 25,000 events"
            ),
        )
        .state(entry.name);
        // The transition that closes the loop, back to where it was entered.
        let back = graph
            .predecessors(entry.id)
            .filter(|(p, _)| component_of[*p] == c)
            .min_by_key(|(p, edge)| (*p, edge.span.start));
        if let Some((from, edge)) = back {
            finding = finding.related(
                edge.span,
                format!(
                    "'{}' goes back to '{}' here",
                    abbreviate(machine.state(from).name),
                    abbreviate(entry.name)
                ),
            );
        }
        out.push(finding.help(
            "unless the number of passes is bounded by design, count them (e.g. States.MathAdd in a \
             Pass state and a Choice that leaves after N passes), or move the loop into a child execution \
             (arn:aws:states:::states:startExecution) or a Distributed Map, whose executions each get \
             their own history",
        ));
    }
}

/// Whether the loop visibly counts its passes: one of its states computes a number
/// (`States.MathAdd`, or arithmetic in a JSONata Assign/Output) and one of its Choices compares
/// numbers and can leave the loop. Such a loop is bounded by its author; a counter kept inside
/// a Lambda function cannot be seen and is still reported.
fn has_counter(
    machine: &Machine,
    graph: &StateGraph,
    scc: &[StateId],
    inside: impl Fn(StateId) -> bool,
) -> bool {
    let mut counts = false;
    let mut compares = false;
    for &id in scc {
        let state = machine.state(id);
        let jsonata = state.query_language == QueryLanguage::Jsonata;
        let mut fields: Vec<&Node> = state
            .payload_templates()
            .into_iter()
            .map(|(_, node)| node)
            .collect();
        fields.extend(state.get("Assign"));
        fields.extend(state.get("Output"));
        let rules = state.get("Choices").and_then(Node::as_array).unwrap_or(&[]);
        for rule in rules {
            fields.extend(rule.get("Assign"));
            fields.extend(rule.get("Output"));
        }
        counts |= fields.into_iter().flat_map(descendants).any(|node| {
            node.as_str().is_some_and(|s| {
                if jsonata {
                    s.starts_with("{%") && (s.contains('+') || s.contains(" - "))
                } else {
                    s.contains("States.MathAdd(")
                }
            })
        });
        if state.is(StateType::Choice) && graph.successors(id).any(|(t, _)| !inside(t)) {
            compares |= state.choice_rules().iter().any(|rule| {
                let node = rule.node;
                if jsonata {
                    node.get_str("Condition")
                        .is_some_and(|c| c.contains('<') || c.contains('>') || c.contains('='))
                } else {
                    node.as_object()
                        .unwrap_or(&[])
                        .iter()
                        .any(|m| m.key.starts_with("Numeric"))
                }
            });
        }
        if counts && compares {
            return true;
        }
    }
    false
}

/// Strongly connected components of the scope-local transition graph (Next, Default, Choice,
/// Catch), by Tarjan's algorithm with an explicit stack. Only loops are returned: components of
/// two or more states, and single states that transition to themselves.
fn strongly_connected(machine: &Machine, graph: &StateGraph) -> Vec<Vec<StateId>> {
    const UNSEEN: usize = usize::MAX;
    let n = machine.states.len();
    // Successors in one flat array: `targets[offsets[v]..offsets[v + 1]]`.
    let mut offsets = Vec::with_capacity(n + 1);
    let mut targets = Vec::with_capacity(n);
    for id in 0..n {
        offsets.push(targets.len());
        targets.extend(graph.successors(id).map(|(t, _)| t));
    }
    offsets.push(targets.len());

    let mut index = vec![UNSEEN; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<StateId> = Vec::new();
    let mut frames: Vec<(StateId, usize)> = Vec::new();
    let mut counter = 0;
    let mut components = Vec::new();
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        index[root] = counter;
        low[root] = counter;
        counter += 1;
        stack.push(root);
        on_stack[root] = true;
        frames.push((root, offsets[root]));
        while let Some(&mut (v, ref mut next)) = frames.last_mut() {
            if *next < offsets[v + 1] {
                let w = targets[*next];
                *next += 1;
                if index[w] == UNSEEN {
                    index[w] = counter;
                    low[w] = counter;
                    counter += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    frames.push((w, offsets[w]));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            frames.pop();
            if let Some(&(parent, _)) = frames.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                // A lone state with no transition to itself is no loop: skip the allocation.
                if stack.last() == Some(&v) && !targets[offsets[v]..offsets[v + 1]].contains(&v) {
                    stack.pop();
                    on_stack[v] = false;
                    continue;
                }
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                components.push(component);
            }
        }
    }
    components
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::json;

    fn loops(text: &str) -> Vec<Vec<String>> {
        let doc = json::parse(text).unwrap();
        let machine = Machine::build(&doc.root);
        let graph = StateGraph::build(&machine);
        let mut found: Vec<Vec<String>> = strongly_connected(&machine, &graph)
            .into_iter()
            .map(|c| {
                let mut names: Vec<String> = c
                    .iter()
                    .map(|&id| machine.state(id).name.to_string())
                    .collect();
                names.sort();
                names
            })
            .collect();
        found.sort();
        found
    }

    #[test]
    fn finds_loops_and_self_loops_only() {
        let found = loops(
            r#"{"StartAt": "A", "States": {
                "A": {"Type": "Pass", "Next": "B"},
                "B": {"Type": "Choice", "Choices": [{"Variable": "$.x", "BooleanEquals": true, "Next": "C"}], "Default": "D"},
                "C": {"Type": "Wait", "Seconds": 1, "Next": "B"},
                "D": {"Type": "Task", "Resource": "r", "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "D"}], "Next": "E"},
                "E": {"Type": "Succeed"}
            }}"#,
        );
        assert_eq!(found, vec![vec!["B", "C"], vec!["D"]]);
    }

    #[test]
    fn a_long_chain_and_a_long_cycle_do_not_recurse() {
        let n = 50_000;
        let mut states: Vec<String> = (0..n)
            .map(|i| format!(r#""S{i}": {{"Type": "Pass", "Next": "S{}"}}"#, (i + 1) % n))
            .collect();
        states.push(r#""Z": {"Type": "Succeed"}"#.to_string());
        let text = format!(r#"{{"StartAt": "S0", "States": {{{}}}}}"#, states.join(","));
        let found = loops(&text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].len(), n);
    }
}
