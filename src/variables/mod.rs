//! Workflow variables: where each is assigned (`Assign` of a state, of a Choice rule, of a
//! Catcher) and read (`$name` in JSONPath paths and intrinsic arguments, free variables of
//! JSONata expressions), and two analyses on the state graph:
//!
//! - forward, for every state: the variables certainly and possibly assigned when it is
//!   entered. Every field of a state sees the values as of entry; a state's own `Assign` takes
//!   effect on its normal transitions, a Choice rule's `Assign` on that rule's transition
//!   (the state's own is then not evaluated, nor on a Catcher's), a Catcher's on its transition.
//!   Each Parallel branch and Map iteration starts with the values the Parallel or Map was
//!   entered with, and what it assigns is gone when it ends; a Distributed Map's child
//!   executions start with none.
//! - backward (liveness): which assignments some later read can see.
//!
//! Sets are bitsets over the machine's assigned names, one row per state, iterated to a fixed
//! point with a worklist, scope by scope (parents before children for the forward pass,
//! children before parents for the backward one).

use std::ops::Range;

mod collect;
mod paths;
#[cfg(test)]
mod tests;

pub use paths::{Step, UnassignedPaths, Via};

use crate::asl::fields::Field;
use crate::document::{Member, Node};
use crate::graph::{EdgeKind, StateGraph};
use crate::hash::FastMap;
use crate::jsonata_sites::JsonataSites;
use crate::model::{Machine, QueryLanguage, ScopeId, ScopeKind, StateId};

pub type VarId = usize;

/// Most distinct assigned names followed through the graph (64 words per state). Beyond it,
/// reads and assignments of the other names are not judged; no real machine comes near.
const MAX_TRACKED: usize = 4096;

/// Which `Assign` of a state an assignment is in; it takes effect on different transitions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// The state's own `Assign`: on `Next` (or a Choice's `Default`).
    State,
    /// `Choices[top].Assign`: on that rule's `Next`.
    ChoiceRule(usize),
    /// `Catch[index].Assign`: on that Catcher's `Next`.
    Catcher(usize),
}

impl Placement {
    /// Whether an assignment placed here takes effect on a transition of this kind.
    pub fn takes_effect_on(self, edge: &EdgeKind) -> bool {
        match (self, edge) {
            (Placement::State, EdgeKind::Next | EdgeKind::Default) => true,
            (Placement::ChoiceRule(top), EdgeKind::Choice { rule }) => top == *rule,
            (Placement::Catcher(index), EdgeKind::Catch { catcher, .. }) => index == *catcher,
            _ => false,
        }
    }

    /// `Assign`, `Choices[0].Assign` or `Catch[1].Assign`.
    pub fn field(self) -> String {
        match self {
            Placement::State => "Assign".to_string(),
            Placement::ChoiceRule(top) => format!("Choices[{top}].Assign"),
            Placement::Catcher(index) => format!("Catch[{index}].Assign"),
        }
    }
}

/// Whether the value an assignment gives is ever read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seen {
    /// Some state after it may read it.
    Read,
    /// No state where the assignment is visible reads the name at all.
    NeverRead,
    /// The state has no transition on which the assignment takes effect: it ends the
    /// execution, branch or iteration, and the value with it.
    Ends,
    /// The name is read, but every path assigns it again (or ends) before a read.
    Overwritten,
    /// Not judged: the state is unreachable, or the name is beyond what is followed.
    Unknown,
}

/// One variable set by an `Assign` object.
#[derive(Debug)]
pub struct Assignment<'d> {
    pub var: VarId,
    pub state: StateId,
    pub placement: Placement,
    /// The `Assign` member; its key is the name (with `.$` in JSONPath).
    pub member: &'d Member,
    pub seen: Seen,
}

/// What a read finds when its state is entered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Assigned on every path from the start.
    Assigned,
    /// Assigned on some paths and not on others.
    Maybe,
    /// Assigned on no path before the state.
    Unassigned,
    /// The state runs in a child execution of this Distributed Map, which does not see the
    /// outer variables, and the variable is (possibly) assigned where the Map is entered.
    OutsideChild { map: StateId },
    /// Not judged: the state is unreachable, or the name is beyond what is followed.
    Unknown,
}

/// Where a read is written, rendered only for a finding.
#[derive(Clone, Copy, Debug)]
pub enum Place<'d> {
    /// A path field or `.$` member of a JSONPath state.
    Field(Field<'d>),
    /// `JsonataSites::sites[index]`.
    Site(usize),
}

/// One `$name` read.
#[derive(Debug)]
pub struct Read<'d> {
    pub var: VarId,
    pub state: StateId,
    /// The string holding the read.
    pub node: &'d Node,
    /// `$name` as a byte range of the decoded string.
    pub range: Range<usize>,
    /// Where the string is; `field` renders it.
    pub place: Place<'d>,
    pub language: QueryLanguage,
    /// Tested for existence (a Choice rule's `IsPresent`), or read in a JSONata expression
    /// that tests it (`$exists($x) ? $x : 10`): the author expects it may be unassigned. Still
    /// a read for whether an assignment is used.
    pub guarded: bool,
    pub status: Status,
}

impl Read<'_> {
    /// Where the read is written: `Arguments.Payload.id`, `"limit.$" in Parameters`,
    /// `Choices[0].Variable`.
    pub fn field(&self, jsonata: &JsonataSites) -> String {
        match self.place {
            Place::Field(field) => field.to_string(),
            Place::Site(index) => jsonata
                .sites
                .get(index)
                .map_or_else(String::new, |site| site.location.to_string()),
        }
    }
}

/// The variables of one machine.
#[derive(Debug, Default)]
pub struct Variables<'d> {
    names: Vec<String>,
    index: FastMap<String, VarId>,
    /// In state order.
    pub assignments: Vec<Assignment<'d>>,
    /// In state order.
    pub reads: Vec<Read<'d>>,
    /// Per variable: its assignments (indexes into `assignments`).
    assigned_at: Vec<Vec<usize>>,
    /// (variable, scope) → its first assignment made by a state of that scope.
    first_in_scope: FastMap<(VarId, ScopeId), usize>,
    /// Per variable: its bit in the sets, if followed.
    bit: Vec<Option<usize>>,
    /// Words per state row.
    words: usize,
    certain: Vec<u64>,
    possible: Vec<u64>,
    /// Reached from the machine's start through transitions and branch/iteration entries.
    reached: Vec<bool>,
}

impl<'d> Variables<'d> {
    pub fn build(
        machine: &Machine<'d>,
        graph: &StateGraph,
        jsonata: &JsonataSites<'d>,
    ) -> Variables<'d> {
        let mut v = Variables::default();
        for state in &machine.states {
            v.collect_assignments(state);
        }
        // Sites are stored state by state: those of a state start where the previous end.
        let mut first_site = 0;
        for state in &machine.states {
            v.collect_reads(state, jsonata, first_site);
            first_site += jsonata.of_state(state.id).len();
        }
        if v.reads.is_empty() && v.assignments.is_empty() {
            return v;
        }
        v.assigned_at = vec![Vec::new(); v.names.len()];
        for (i, a) in v.assignments.iter().enumerate() {
            v.assigned_at[a.var].push(i);
            let scope = machine.state(a.state).scope;
            v.first_in_scope.entry((a.var, scope)).or_insert(i);
        }
        let mut followed = 0;
        v.bit = v
            .assigned_at
            .iter()
            .map(|at| {
                (!at.is_empty() && followed < MAX_TRACKED).then(|| {
                    followed += 1;
                    followed - 1
                })
            })
            .collect();
        v.words = followed.div_ceil(64);
        let rows = Rows::for_states(machine, &v);
        v.forward(machine, graph, &rows);
        v.judge_reads(machine);
        v.judge_assignments(machine, graph, &rows);
        v
    }

    /// How many distinct names are assigned or read; `VarId`s are below it.
    pub fn variable_count(&self) -> usize {
        self.names.len()
    }

    pub fn name(&self, var: VarId) -> &str {
        &self.names[var]
    }

    pub fn lookup(&self, name: &str) -> Option<VarId> {
        self.index.get(name).copied()
    }

    /// The assignments of a variable, in state order.
    pub fn assignments_of(&self, var: VarId) -> impl Iterator<Item = &Assignment<'d>> + '_ {
        self.assigned_at
            .get(var)
            .into_iter()
            .flatten()
            .map(|&i| &self.assignments[i])
    }

    /// An assignment of `var` made in `scope`, or else in the nearest scope around it that
    /// assigns it (the first such assignment in that scope).
    pub fn assignment_around(
        &self,
        machine: &Machine,
        var: VarId,
        scope: ScopeId,
    ) -> Option<&Assignment<'d>> {
        let mut scope = scope;
        // Bounded by the nesting of scopes.
        loop {
            if let Some(&i) = self.first_in_scope.get(&(var, scope)) {
                return Some(&self.assignments[i]);
            }
            scope = machine.state(machine.scope(scope).owner?).scope;
        }
    }

    /// The assignments a state makes (in its own Assign, its Choice rules' and its Catchers').
    pub fn assignments_at(&self, state: StateId) -> &[Assignment<'d>] {
        let start = self.assignments.partition_point(|a| a.state < state);
        let end = self.assignments.partition_point(|a| a.state <= state);
        &self.assignments[start..end]
    }

    /// Whether the state is reached from the machine's start.
    pub fn is_reached(&self, state: StateId) -> bool {
        self.reached.get(state).copied().unwrap_or(false)
    }

    /// Whether `var` is assigned on every path into `state`; `None` when not followed.
    pub fn certainly_assigned(&self, state: StateId, var: VarId) -> Option<bool> {
        self.test(&self.certain, state, var)
    }

    /// Whether `var` is assigned on some path into `state`; `None` when not followed.
    pub fn possibly_assigned(&self, state: StateId, var: VarId) -> Option<bool> {
        self.test(&self.possible, state, var)
    }

    fn test(&self, set: &[u64], state: StateId, var: VarId) -> Option<bool> {
        let bit = (*self.bit.get(var)?)?;
        if !self.is_reached(state) {
            return None;
        }
        Some(set[state * self.words + bit / 64] & (1 << (bit % 64)) != 0)
    }

    fn forward(&mut self, machine: &Machine, graph: &StateGraph, rows: &Rows) {
        let n = machine.states.len();
        let w = self.words;
        self.certain = vec![0; n * w];
        self.possible = vec![0; n * w];
        self.reached = vec![false; n];
        let mut queued = vec![false; n];
        let mut work: Vec<StateId> = Vec::new();
        let mut out_certain = vec![0u64; w];
        let mut out_possible = vec![0u64; w];
        // Scopes are stored parents first: a Parallel's or Map's entry sets are final before
        // its branches are entered.
        for scope in &machine.scopes {
            let Some(start) = scope.start() else { continue };
            out_certain.fill(0);
            out_possible.fill(0);
            if let Some(owner) = scope.owner {
                if !self.reached[owner] {
                    continue;
                }
                if !starts_child_execution(machine, scope.id) {
                    out_certain.copy_from_slice(&self.certain[owner * w..][..w]);
                    out_possible.copy_from_slice(&self.possible[owner * w..][..w]);
                }
            }
            if self.join(start, &out_certain, &out_possible) && !queued[start] {
                queued[start] = true;
                work.push(start);
            }
            while let Some(s) = work.pop() {
                queued[s] = false;
                for (target, edge) in graph.successors(s) {
                    out_certain.copy_from_slice(&self.certain[s * w..][..w]);
                    out_possible.copy_from_slice(&self.possible[s * w..][..w]);
                    for &(placement, bit) in rows.assigned(s) {
                        if placement.takes_effect_on(&edge.kind) {
                            out_certain[bit / 64] |= 1 << (bit % 64);
                            out_possible[bit / 64] |= 1 << (bit % 64);
                        }
                    }
                    if self.join(target, &out_certain, &out_possible) && !queued[target] {
                        queued[target] = true;
                        work.push(target);
                    }
                }
            }
        }
    }

    /// Merges what arrives on one transition into the state's entry sets; true if they changed.
    fn join(&mut self, state: StateId, certain: &[u64], possible: &[u64]) -> bool {
        let w = self.words;
        if !self.reached[state] {
            self.reached[state] = true;
            self.certain[state * w..][..w].copy_from_slice(certain);
            self.possible[state * w..][..w].copy_from_slice(possible);
            return true;
        }
        let mut changed = false;
        let row_c = &mut self.certain[state * w..][..w];
        for (word, &c) in row_c.iter_mut().zip(certain) {
            let next = *word & c;
            changed |= next != *word;
            *word = next;
        }
        let row_p = &mut self.possible[state * w..][..w];
        for (word, &p) in row_p.iter_mut().zip(possible) {
            let next = *word | p;
            changed |= next != *word;
            *word = next;
        }
        changed
    }

    fn judge_reads(&mut self, machine: &Machine) {
        for i in 0..self.reads.len() {
            let (var, state) = (self.reads[i].var, self.reads[i].state);
            let status = if !self.is_reached(state) {
                Status::Unknown
            } else if self.bit[var].is_none() {
                if self.assigned_at[var].is_empty() {
                    Status::Unassigned
                } else {
                    Status::Unknown
                }
            } else if self.certainly_assigned(state, var) == Some(true) {
                Status::Assigned
            } else if self.possibly_assigned(state, var) == Some(true) {
                Status::Maybe
            } else {
                self.outside_child(machine, state, var)
                    .map_or(Status::Unassigned, |map| Status::OutsideChild { map })
            };
            self.reads[i].status = status;
        }
    }

    /// The Distributed Map whose child execution `state` runs in, when `var` may be assigned
    /// where that Map is entered (at any level of nesting).
    fn outside_child(&self, machine: &Machine, state: StateId, var: VarId) -> Option<StateId> {
        let mut scope = machine.state(state).scope;
        while let Some((map, _)) = machine.scope(scope).child_execution {
            if self.possibly_assigned(map, var) == Some(true) {
                return Some(map);
            }
            scope = machine.state(map).scope;
        }
        None
    }

    /// Liveness, then whether each assignment's value is seen.
    fn judge_assignments(&mut self, machine: &Machine, graph: &StateGraph, rows: &Rows) {
        if self.assignments.is_empty() {
            return;
        }
        let n = machine.states.len();
        let w = self.words;
        let mut live = vec![0u64; n * w];
        let mut queued = vec![false; n];
        let mut work: Vec<StateId> = Vec::new();
        let mut next = vec![0u64; w];
        // Children before parents: what a branch reads of the outer variables before
        // assigning it is read by its Parallel.
        for scope in machine.scopes.iter().rev() {
            for &s in &scope.states {
                if !self.reached[s] {
                    continue;
                }
                for &bit in rows.read(s) {
                    live[s * w + bit / 64] |= 1 << (bit % 64);
                }
                for &child in &machine.state(s).children {
                    if starts_child_execution(machine, child) {
                        continue;
                    }
                    if let Some(start) = machine.scope(child).start() {
                        for k in 0..w {
                            live[s * w + k] |= live[start * w + k];
                        }
                    }
                }
                queued[s] = true;
                work.push(s);
            }
            while let Some(s) = work.pop() {
                queued[s] = false;
                next.copy_from_slice(&live[s * w..][..w]);
                for (target, edge) in graph.successors(s) {
                    for (k, word) in next.iter_mut().enumerate() {
                        let mut arriving = live[target * w + k];
                        for &(placement, bit) in rows.assigned(s) {
                            if bit / 64 == k && placement.takes_effect_on(&edge.kind) {
                                arriving &= !(1 << (bit % 64));
                            }
                        }
                        *word |= arriving;
                    }
                }
                if next[..] != live[s * w..][..w] {
                    live[s * w..][..w].copy_from_slice(&next);
                    for (p, _) in graph.predecessors(s) {
                        if self.reached[p] && !queued[p] {
                            queued[p] = true;
                            work.push(p);
                        }
                    }
                }
            }
        }
        let read_scopes = self.read_scopes(machine);
        for i in 0..self.assignments.len() {
            let a = &self.assignments[i];
            let seen = match self.bit[a.var] {
                _ if !self.reached[a.state] => Seen::Unknown,
                None => Seen::Unknown,
                Some(bit) => {
                    let mut effective = false;
                    let mut read = false;
                    for (target, edge) in graph.successors(a.state) {
                        if a.placement.takes_effect_on(&edge.kind) {
                            effective = true;
                            read |= live[target * w + bit / 64] & (1 << (bit % 64)) != 0;
                        }
                    }
                    let scope = machine.state(a.state).scope;
                    if read {
                        Seen::Read
                    } else if !effective {
                        Seen::Ends
                    } else if !read_scopes[a.var]
                        .iter()
                        .any(|&r| is_within(machine, r, scope))
                    {
                        Seen::NeverRead
                    } else {
                        Seen::Overwritten
                    }
                }
            };
            self.assignments[i].seen = seen;
        }
    }

    /// Per variable, the scopes that read it (each once).
    fn read_scopes(&self, machine: &Machine) -> Vec<Vec<ScopeId>> {
        let mut out = vec![Vec::new(); self.names.len()];
        for r in &self.reads {
            let scope = machine.state(r.state).scope;
            let scopes: &mut Vec<ScopeId> = &mut out[r.var];
            if !scopes.contains(&scope) {
                scopes.push(scope);
            }
        }
        out
    }
}

/// Whether `inner` is `outer` or nested in it, at any depth.
pub fn encloses(machine: &Machine, outer: ScopeId, mut inner: ScopeId) -> bool {
    loop {
        if inner == outer {
            return true;
        }
        match machine.scope(inner).owner {
            Some(owner) => inner = machine.state(owner).scope,
            None => return false,
        }
    }
}

/// Whether `scope` is `outer` or nested in it, within one execution (a Distributed Map's
/// child executions do not see the variables of the scopes around them).
pub fn is_within(machine: &Machine, mut scope: ScopeId, outer: ScopeId) -> bool {
    loop {
        if scope == outer {
            return true;
        }
        let Some(owner) = machine.scope(scope).owner else {
            return false;
        };
        if starts_child_execution(machine, scope) {
            return false;
        }
        scope = machine.state(owner).scope;
    }
}

/// Whether the scope is a Distributed Map's processor: its states run in child executions
/// that start without the outer variables.
pub fn starts_child_execution(machine: &Machine, scope: ScopeId) -> bool {
    let scope = machine.scope(scope);
    scope.kind == ScopeKind::Processor
        && scope.owner.is_some()
        && scope.child_execution.map(|(map, _)| map) == scope.owner
}

/// Per state, the followed bits it assigns (with where) and reads.
struct Rows {
    assigned: Vec<(Placement, usize)>,
    assigned_by_state: Vec<Range<usize>>,
    read: Vec<usize>,
    read_by_state: Vec<Range<usize>>,
}

impl Rows {
    fn for_states(machine: &Machine, v: &Variables) -> Rows {
        let n = machine.states.len();
        let mut rows = Rows {
            assigned: Vec::with_capacity(v.assignments.len()),
            assigned_by_state: vec![0..0; n],
            read: Vec::with_capacity(v.reads.len()),
            read_by_state: vec![0..0; n],
        };
        // Both lists are in state order.
        let mut i = 0;
        for s in 0..n {
            let first = rows.assigned.len();
            while i < v.assignments.len() && v.assignments[i].state == s {
                let a = &v.assignments[i];
                if let Some(bit) = v.bit[a.var] {
                    rows.assigned.push((a.placement, bit));
                }
                i += 1;
            }
            rows.assigned_by_state[s] = first..rows.assigned.len();
        }
        let mut i = 0;
        for s in 0..n {
            let first = rows.read.len();
            while i < v.reads.len() && v.reads[i].state == s {
                if let Some(bit) = v.bit[v.reads[i].var] {
                    rows.read.push(bit);
                }
                i += 1;
            }
            rows.read_by_state[s] = first..rows.read.len();
        }
        rows
    }

    fn assigned(&self, state: StateId) -> &[(Placement, usize)] {
        &self.assigned[self.assigned_by_state[state].clone()]
    }

    fn read(&self, state: StateId) -> &[usize] {
        &self.read[self.read_by_state[state].clone()]
    }
}
