//! The state graph: one node per state (node index == `StateId`), typed edges for every
//! resolved transition, plus entry edges from a Parallel/Map to the first state of each scope
//! it owns. Reachability and "can finish" are computed once here, iteratively, for all rules.

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use petgraph::Direction;

use crate::model::{Machine, ScopeKind, State, StateId, TransitionKind};
use crate::source::Span;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EdgeKind {
    Next,
    Default,
    Choice {
        rule: usize,
    },
    Catch {
        catcher: usize,
        errors: Vec<String>,
    },
    /// From a Parallel to the `StartAt` state of `Branches[branch]`.
    BranchEntry {
        branch: usize,
    },
    /// From a Map to the `StartAt` state of its processor.
    ProcessorEntry,
}

impl EdgeKind {
    /// Transitions inside one scope, as opposed to entering a nested scope.
    pub fn is_transition(&self) -> bool {
        !matches!(
            self,
            EdgeKind::BranchEntry { .. } | EdgeKind::ProcessorEntry
        )
    }
}

#[derive(Clone, Debug)]
pub struct Edge {
    pub kind: EdgeKind,
    /// Where the edge is written (the target name, or the nested `StartAt`).
    pub span: Span,
}

#[derive(Debug)]
pub struct StateGraph {
    pub graph: DiGraph<StateId, Edge>,
    /// Reachable from its scope's `StartAt` by transitions.
    reachable: Vec<bool>,
    /// Some path leads to a terminal state, or to a transition we cannot follow
    /// (missing or unknown), which other rules report.
    can_finish: Vec<bool>,
}

impl StateGraph {
    pub fn build(machine: &Machine) -> StateGraph {
        let n = machine.states.len();
        let mut graph = DiGraph::with_capacity(n, n + n / 2);
        for id in 0..n {
            graph.add_node(id);
        }
        let mut open_ended = vec![false; n];
        for state in &machine.states {
            let scope = machine.scope(state.scope);
            for t in &state.transitions {
                let Some(target) = scope.state_named(t.target) else {
                    open_ended[state.id] = true;
                    continue;
                };
                let kind = EdgeKind::of_transition(state, t.kind);
                graph.add_edge(
                    NodeIndex::new(state.id),
                    NodeIndex::new(target),
                    Edge { kind, span: t.span },
                );
            }
            let has_next = state
                .transitions
                .iter()
                .any(|t| t.kind == TransitionKind::Next);
            if state.ty.is_some_and(|t| t.needs_transition()) && !has_next && !state.has_end() {
                open_ended[state.id] = true;
            }
            if state.ty.is_none() {
                open_ended[state.id] = true;
            }
            for &child in &state.children {
                let child_scope = machine.scope(child);
                let (Some(start), Some(start_at)) = (child_scope.start(), child_scope.start_at)
                else {
                    continue;
                };
                let kind = match child_scope.kind {
                    ScopeKind::Branch { index } => EdgeKind::BranchEntry { branch: index },
                    _ => EdgeKind::ProcessorEntry,
                };
                graph.add_edge(
                    NodeIndex::new(state.id),
                    NodeIndex::new(start),
                    Edge {
                        kind,
                        span: start_at.value.span,
                    },
                );
            }
        }
        let mut g = StateGraph {
            graph,
            reachable: vec![false; n],
            can_finish: vec![false; n],
        };
        g.compute_reachable(machine);
        g.compute_can_finish(machine, &open_ended);
        g
    }

    /// Scope-local successors: `(target, edge)` for Next, Default, Choice and Catch edges.
    pub fn successors(&self, id: StateId) -> impl Iterator<Item = (StateId, &Edge)> + '_ {
        self.graph
            .edges(NodeIndex::new(id))
            .filter(|e| e.weight().kind.is_transition())
            .map(|e| (e.target().index(), e.weight()))
    }

    /// Scope-local predecessors: `(source, edge)`.
    pub fn predecessors(&self, id: StateId) -> impl Iterator<Item = (StateId, &Edge)> + '_ {
        self.graph
            .edges_directed(NodeIndex::new(id), Direction::Incoming)
            .filter(|e| e.weight().kind.is_transition())
            .map(|e| (e.source().index(), e.weight()))
    }

    /// Entry edges from a Parallel/Map to the first state of each nested scope.
    pub fn entries(&self, id: StateId) -> impl Iterator<Item = (StateId, &Edge)> + '_ {
        self.graph
            .edges(NodeIndex::new(id))
            .filter(|e| !e.weight().kind.is_transition())
            .map(|e| (e.target().index(), e.weight()))
    }

    pub fn is_reachable(&self, id: StateId) -> bool {
        self.reachable[id]
    }

    pub fn can_finish(&self, id: StateId) -> bool {
        self.can_finish[id]
    }

    fn compute_reachable(&mut self, machine: &Machine) {
        let mut stack: Vec<StateId> = machine.scopes.iter().filter_map(|s| s.start()).collect();
        for &s in &stack {
            self.reachable[s] = true;
        }
        while let Some(id) = stack.pop() {
            let next: Vec<StateId> = self.successors(id).map(|(t, _)| t).collect();
            for t in next {
                if !self.reachable[t] {
                    self.reachable[t] = true;
                    stack.push(t);
                }
            }
        }
    }

    fn compute_can_finish(&mut self, machine: &Machine, open_ended: &[bool]) {
        let mut stack: Vec<StateId> = machine
            .states
            .iter()
            .filter(|s| s.is_terminal() || open_ended[s.id])
            .map(|s| s.id)
            .collect();
        for &s in &stack {
            self.can_finish[s] = true;
        }
        while let Some(id) = stack.pop() {
            let prev: Vec<StateId> = self.predecessors(id).map(|(p, _)| p).collect();
            for p in prev {
                if !self.can_finish[p] {
                    self.can_finish[p] = true;
                    stack.push(p);
                }
            }
        }
    }
}

impl EdgeKind {
    /// The edge a transition of `state` makes; a Catch edge names the errors its Catcher takes.
    pub fn of_transition(state: &State, kind: TransitionKind) -> EdgeKind {
        match kind {
            TransitionKind::Next => EdgeKind::Next,
            TransitionKind::Default => EdgeKind::Default,
            TransitionKind::Choice { rule } => EdgeKind::Choice { rule },
            TransitionKind::Catch { catcher } => EdgeKind::Catch {
                catcher,
                errors: catch_errors(state.catchers().get(catcher)),
            },
        }
    }
}

fn catch_errors(catcher: Option<&crate::document::Node>) -> Vec<String> {
    catcher
        .and_then(|c| c.get("ErrorEquals"))
        .and_then(|e| e.as_array())
        .unwrap_or(&[])
        .iter()
        .filter_map(|e| e.as_str().map(str::to_string))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::json;

    fn graph_of(text: &str) -> (Vec<bool>, Vec<bool>, usize) {
        let doc = json::parse(text).unwrap();
        let m = Machine::build(&doc.root);
        let g = StateGraph::build(&m);
        let n = m.states.len();
        (
            (0..n).map(|i| g.is_reachable(i)).collect(),
            (0..n).map(|i| g.can_finish(i)).collect(),
            g.graph.edge_count(),
        )
    }

    #[test]
    fn reachability_and_finishing() {
        let (reach, finish, edges) = graph_of(
            r#"{"StartAt": "A", "States": {
                "A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "BooleanEquals": true, "Next": "B"}], "Default": "D"},
                "B": {"Type": "Pass", "Next": "C"},
                "C": {"Type": "Pass", "Next": "B"},
                "D": {"Type": "Succeed"},
                "E": {"Type": "Pass", "Next": "F"},
                "F": {"Type": "Pass", "Next": "E"}
            }}"#,
        );
        assert_eq!(reach, [true, true, true, true, false, false]);
        assert_eq!(finish, [true, false, false, true, false, false]);
        assert_eq!(edges, 6);
    }

    #[test]
    fn unknown_targets_do_not_cascade() {
        let (reach, finish, _) = graph_of(
            r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nope"}, "B": {"Type": "Task"}}}"#,
        );
        assert_eq!(reach, [true, false]);
        assert_eq!(finish, [true, true]);
    }

    #[test]
    fn entry_edges_and_catch_errors() {
        let text = r#"{"StartAt": "P", "States": {
            "P": {"Type": "Parallel", "End": true,
                  "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "F"}],
                  "Branches": [{"StartAt": "X", "States": {"X": {"Type": "Succeed"}}}]},
            "F": {"Type": "Fail"}}}"#;
        let doc = json::parse(text).unwrap();
        let m = Machine::build(&doc.root);
        let g = StateGraph::build(&m);
        let entries: Vec<_> = g.entries(0).map(|(t, e)| (t, e.kind.clone())).collect();
        assert_eq!(entries, vec![(2, EdgeKind::BranchEntry { branch: 0 })]);
        let succ: Vec<_> = g.successors(0).map(|(t, e)| (t, e.kind.clone())).collect();
        assert_eq!(
            succ,
            vec![(
                1,
                EdgeKind::Catch {
                    catcher: 0,
                    errors: vec!["States.ALL".into()]
                }
            )]
        );
        assert!(g.is_reachable(2));
        assert_eq!(g.predecessors(1).count(), 1);
    }
}
