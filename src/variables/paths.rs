//! Naming a path on which a variable is not assigned, for a message.

use super::{starts_child_execution, Placement, VarId, Variables};
use crate::graph::{EdgeKind, StateGraph};
use crate::hash::FastMap;
use crate::model::{Machine, ScopeId, ScopeKind, StateId};

/// How a path leaves a state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    Next,
    Default,
    /// `Choices[rule].Next`.
    Choice(usize),
    /// `Catch[catcher].Next`.
    Catch(usize),
    /// Into `Branches[index]` of a Parallel.
    Branch(usize),
    /// Into a Map's item processor.
    Processor,
}

impl Via {
    fn of(kind: &EdgeKind) -> Via {
        match kind {
            EdgeKind::Next => Via::Next,
            EdgeKind::Default => Via::Default,
            EdgeKind::Choice { rule } => Via::Choice(*rule),
            EdgeKind::Catch { catcher, .. } => Via::Catch(*catcher),
            EdgeKind::BranchEntry { branch } => Via::Branch(*branch),
            EdgeKind::ProcessorEntry => Via::Processor,
        }
    }

    /// How a message names it: nothing for `Next`, `Default`, `Choices[0]`, `Catch[1]`,
    /// `branch 2`, `item processor`.
    pub fn label(self) -> Option<String> {
        match self {
            Via::Next => None,
            Via::Default => Some("Default".to_string()),
            Via::Choice(rule) => Some(format!("Choices[{rule}]")),
            Via::Catch(catcher) => Some(format!("Catch[{catcher}]")),
            Via::Branch(index) => Some(format!("branch {}", index + 1)),
            Via::Processor => Some("item processor".to_string()),
        }
    }
}

/// One state of a path, and how the path leaves it (`None` for the last).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    pub state: StateId,
    pub via: Option<Via>,
}

/// For each state reached from a scope's start without assigning a variable, the state before
/// it and the transition taken (`None` at the start).
type Tree = FastMap<StateId, Option<(StateId, Via)>>;

/// A path through the graph on which a variable is not assigned, found by breadth-first
/// search per variable and scope (cached: each search answers every state of its scope).
pub struct UnassignedPaths<'v, 'm, 'd> {
    variables: &'v Variables<'d>,
    machine: &'m Machine<'d>,
    graph: &'m StateGraph,
    /// (variable, scope) → for each state reached without assigning it, the state before it
    /// and the transition taken.
    trees: FastMap<(VarId, ScopeId), Tree>,
    /// States the searches and the paths followed back may still visit: each is linear, but
    /// one per variable and scope, or one per read, could add up on a huge machine.
    budget: usize,
}

/// States all searches and paths of one machine may visit together.
const PATH_BUDGET: usize = 1_000_000;

impl<'v, 'm, 'd> UnassignedPaths<'v, 'm, 'd> {
    pub fn new(
        variables: &'v Variables<'d>,
        machine: &'m Machine<'d>,
        graph: &'m StateGraph,
    ) -> Self {
        UnassignedPaths {
            variables,
            machine,
            graph,
            trees: FastMap::default(),
            budget: PATH_BUDGET,
        }
    }

    /// The states from the start of the machine (through the Parallel or Map states `target`
    /// is nested in) to `target`, on which nothing assigns `var`. Empty if there is none, or
    /// when the searches have used up their budget.
    pub fn path(&mut self, var: VarId, target: StateId) -> Vec<Step> {
        let mut segments: Vec<Vec<Step>> = Vec::new();
        let mut at = target;
        let mut leaving: Option<Via> = None;
        // Bounded by the nesting of scopes.
        loop {
            let scope = self.machine.state(at).scope;
            self.tree(var, scope);
            let mut segment = vec![Step {
                state: at,
                via: leaving,
            }];
            let mut current = at;
            loop {
                // Following a path back costs as much as searching: on a long chain, every
                // read's path is long.
                if self.budget == 0 {
                    return Vec::new();
                }
                self.budget -= 1;
                let tree = &self.trees[&(var, scope)];
                match tree.get(&current) {
                    Some(Some((previous, via))) => {
                        segment.push(Step {
                            state: *previous,
                            via: Some(*via),
                        });
                        current = *previous;
                    }
                    Some(None) => break,
                    None => return Vec::new(),
                }
            }
            segment.reverse();
            segments.push(segment);
            let inner = self.machine.scope(scope);
            match inner.owner {
                Some(owner) if !starts_child_execution(self.machine, scope) => {
                    leaving = Some(match inner.kind {
                        ScopeKind::Branch { index } => Via::Branch(index),
                        _ => Via::Processor,
                    });
                    at = owner;
                }
                _ => break,
            }
        }
        segments.into_iter().rev().flatten().collect()
    }

    fn tree(&mut self, var: VarId, scope: ScopeId) -> &Tree {
        let (variables, machine, graph) = (self.variables, self.machine, self.graph);
        let budget = &mut self.budget;
        self.trees.entry((var, scope)).or_insert_with(|| {
            let mut tree = Tree::default();
            let Some(start) = machine.scope(scope).start() else {
                return tree;
            };
            let mut assigns: FastMap<StateId, Vec<Placement>> = FastMap::default();
            for a in variables.assignments_of(var) {
                assigns.entry(a.state).or_default().push(a.placement);
            }
            tree.insert(start, None);
            let mut queue = std::collections::VecDeque::from([start]);
            while let Some(s) = queue.pop_front() {
                if *budget == 0 {
                    return Tree::default();
                }
                *budget -= 1;
                let here = assigns.get(&s).map_or(&[][..], Vec::as_slice);
                for (target, edge) in graph.successors(s) {
                    if here.iter().any(|p| p.takes_effect_on(&edge.kind)) {
                        continue;
                    }
                    if let std::collections::hash_map::Entry::Vacant(e) = tree.entry(target) {
                        e.insert(Some((s, Via::of(&edge.kind))));
                        queue.push_back(target);
                    }
                }
            }
            tree
        })
    }
}
