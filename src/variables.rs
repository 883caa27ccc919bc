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

use crate::asl::fields::{self, Field, Item, Kind};
use crate::asl::intrinsic::{self, ArgValue};
use crate::asl::path::{self, Root};
use crate::asl::variable;
use crate::document::{Member, Node};
use crate::graph::{EdgeKind, StateGraph};
use crate::hash::FastMap;
use crate::jsonata_sites::JsonataSites;
use crate::model::{Machine, QueryLanguage, ScopeId, ScopeKind, State, StateId, StateType};

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

    fn intern(&mut self, name: &str) -> VarId {
        if let Some(&id) = self.index.get(name) {
            return id;
        }
        let id = self.names.len();
        self.names.push(name.to_string());
        self.index.insert(name.to_string(), id);
        id
    }

    fn collect_assignments(&mut self, state: &State<'d>) {
        // Succeed and Fail cannot assign (the schema rule says so); there is nothing after them.
        if matches!(state.ty, Some(StateType::Succeed | StateType::Fail)) {
            return;
        }
        let jsonpath = state.query_language == QueryLanguage::JsonPath;
        let add = |v: &mut Self, assign: Option<&'d Node>, placement| {
            for member in assign.and_then(Node::as_object).unwrap_or(&[]) {
                let name = match member.key.strip_suffix(".$") {
                    Some(name) if jsonpath => name,
                    _ => member.key.as_str(),
                };
                // Invalid names are the schema rule's.
                if !variable::is_name(name) {
                    continue;
                }
                let var = v.intern(name);
                v.assignments.push(Assignment {
                    var,
                    state: state.id,
                    placement,
                    member,
                    seen: Seen::Unknown,
                });
            }
        };
        // One pass over the state's members (this runs for every state); the last of a
        // duplicated key counts, as everywhere else.
        let (mut assign, mut choices, mut catchers) = (None, None, None);
        for member in state.node.as_object().unwrap_or(&[]) {
            match member.key.as_str() {
                "Assign" => assign = Some(&member.value),
                "Choices" => choices = member.value.as_array(),
                "Catch" => catchers = member.value.as_array(),
                _ => {}
            }
        }
        add(self, assign, Placement::State);
        for (top, rule) in choices.unwrap_or(&[]).iter().enumerate() {
            add(self, rule.get("Assign"), Placement::ChoiceRule(top));
        }
        for (index, catcher) in catchers.unwrap_or(&[]).iter().enumerate() {
            add(self, catcher.get("Assign"), Placement::Catcher(index));
        }
    }

    fn collect_reads(&mut self, state: &State<'d>, jsonata: &JsonataSites<'d>, first_site: usize) {
        let language = state.query_language;
        match language {
            QueryLanguage::Jsonata => {
                for (offset, site) in jsonata.of_state(state.id).iter().enumerate() {
                    let Ok(expression) = &site.parsed else {
                        continue;
                    };
                    let names = &expression.names;
                    // A built-in's name read as a value is a workflow variable when the
                    // machine assigns one by that name (the binding shadows the function).
                    let shadowing = names
                        .builtin_reads
                        .iter()
                        .filter(|r| self.index.contains_key(&r.name));
                    let mut refs: Vec<_> = names.free.iter().chain(shadowing).collect();
                    if refs.is_empty() {
                        continue;
                    }
                    refs.sort_by_key(|r| r.span.start);
                    for r in refs {
                        let var = self.intern(&r.name);
                        self.reads.push(Read {
                            var,
                            state: state.id,
                            node: site.node,
                            range: site.in_string(r.span.clone()),
                            place: Place::Site(first_site + offset),
                            language,
                            status: Status::Unknown,
                        });
                    }
                }
            }
            QueryLanguage::JsonPath => {
                let mut found: Vec<(&'d Node, Range<usize>, Field<'d>)> = Vec::new();
                fields::visit(state, |item| {
                    let (node, field) = match item {
                        // A variable there is invalid-path's finding, not a read.
                        Item::Path {
                            kind: Kind::ResultPath,
                            ..
                        } => return,
                        Item::Path { field, node, .. } => (node, field),
                        Item::Dollar { template, member } => (
                            &member.value,
                            Field::Dollar {
                                key: &member.key,
                                template,
                            },
                        ),
                    };
                    let Some(text) = node.as_str() else { return };
                    value_reads(text, |range| found.push((node, range, field)));
                });
                for (node, range, field) in found {
                    let Some(text) = node.as_str() else { continue };
                    let var = self.intern(&text[range.start + 1..range.end]);
                    self.reads.push(Read {
                        var,
                        state: state.id,
                        node,
                        range,
                        place: Place::Field(field),
                        language,
                        status: Status::Unknown,
                    });
                }
            }
        }
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

/// The `$name` variable reads in a JSONPath value: a path, or the path arguments of an
/// intrinsic call at any depth. Ranges cover `$name`.
fn value_reads(text: &str, mut found: impl FnMut(Range<usize>)) {
    if text.starts_with('$') {
        // `$.x`, `$[0]` and `$$.x` are the common case: no parse needed.
        if matches!(text.as_bytes().get(1), None | Some(b'.' | b'[' | b'$')) {
            return;
        }
        if let Ok(parsed) = path::parse(text) {
            if let (Root::Variable, Some(name)) = (parsed.root, parsed.variable) {
                found(0..name.end);
            }
        }
        return;
    }
    if !has_variable_sign(text) {
        return;
    }
    let Ok(call) = intrinsic::parse(text) else {
        return;
    };
    let mut stack = vec![call];
    while let Some(call) = stack.pop() {
        for arg in call.args {
            match arg.value {
                ArgValue::Path(parsed) => {
                    if let (Root::Variable, Some(name)) = (parsed.root, parsed.variable) {
                        found(arg.range.start..arg.range.start + name.end);
                    }
                }
                ArgValue::Call(inner) => stack.push(inner),
                _ => {}
            }
        }
    }
}

/// Whether the text has a `$` followed by something other than `.`, `[` or `$`.
fn has_variable_sign(text: &str) -> bool {
    let b = text.as_bytes();
    b.iter()
        .enumerate()
        .any(|(i, &c)| c == b'$' && !matches!(b.get(i + 1), None | Some(b'.' | b'[' | b'$')))
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::json;

    struct Outcome {
        reads: Vec<String>,
        assignments: Vec<String>,
    }

    fn analyse(text: &str) -> Outcome {
        let doc = json::parse(text).unwrap();
        let machine = Machine::build(&doc.root);
        let graph = StateGraph::build(&machine);
        let jsonata = JsonataSites::build(&machine);
        let v = Variables::build(&machine, &graph, &jsonata);
        let reads = v
            .reads
            .iter()
            .map(|r| {
                let text = r.node.as_str().unwrap();
                format!(
                    "{} {} {} {:?}",
                    machine.state(r.state).name,
                    r.field(&jsonata),
                    &text[r.range.clone()],
                    r.status
                )
            })
            .collect();
        let assignments = v
            .assignments
            .iter()
            .map(|a| {
                format!(
                    "{} {} {} {:?}",
                    machine.state(a.state).name,
                    a.placement.field(),
                    v.name(a.var),
                    a.seen
                )
            })
            .collect();
        Outcome { reads, assignments }
    }

    #[test]
    fn jsonpath_reads_in_paths_templates_and_intrinsics() {
        let o = analyse(
            r#"{"StartAt": "A", "States": {
              "A": {"Type": "Pass", "Assign": {"order.$": "$.order", "n": 1}, "Next": "B"},
              "B": {"Type": "Task", "Resource": "r", "InputPath": "$order",
                    "Parameters": {"id.$": "$order.id", "x.$": "$.x", "c.$": "$$.Execution.Id",
                                   "f.$": "States.Format('{} {}', $n, States.JsonToString($order[0]))"},
                    "ResultPath": "$n", "Next": "C"},
              "C": {"Type": "Choice", "Choices": [{"Variable": "$n", "NumericEqualsPath": "$limit", "Next": "D"}], "Default": "D"},
              "D": {"Type": "Succeed"}}}"#,
        );
        assert_eq!(
            o.reads,
            [
                "B InputPath $order Assigned",
                "B \"id.$\" in Parameters $order Assigned",
                "B \"f.$\" in Parameters $n Assigned",
                "B \"f.$\" in Parameters $order Assigned",
                "C Choices[0].Variable $n Assigned",
                "C Choices[0].NumericEqualsPath $limit Unassigned",
            ]
        );
        assert_eq!(o.assignments, ["A Assign order Read", "A Assign n Read"]);
    }

    #[test]
    fn a_state_reads_values_from_its_entry() {
        let o = analyse(
            r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {
              "A": {"Type": "Pass", "Assign": {"x": 1, "y": "{% $x %}"}, "Output": "{% $x %}", "Next": "B"},
              "B": {"Type": "Pass", "Assign": {"x": "{% $y %}", "y": "{% $x %}"}, "End": true}}}"#,
        );
        assert_eq!(
            o.reads,
            [
                "A Assign.y $x Unassigned",
                "A Output $x Unassigned",
                "B Assign.x $y Assigned",
                "B Assign.y $x Assigned",
            ]
        );
        assert_eq!(
            o.assignments,
            [
                "A Assign x Read",
                "A Assign y Read",
                "B Assign x Ends",
                "B Assign y Ends"
            ]
        );
    }

    #[test]
    fn choice_rule_and_catcher_assign_replace_the_states_own() {
        let o = analyse(
            r#"{"QueryLanguage": "JSONata", "StartAt": "C", "States": {
              "C": {"Type": "Choice", "Assign": {"limit": 10},
                    "Choices": [{"Condition": "{% $states.input.big %}", "Assign": {"limit": 100}, "Next": "Use"},
                                {"Condition": "{% $states.input.none %}", "Next": "Use"}],
                    "Default": "Use"},
              "Use": {"Type": "Task", "Resource": "r", "Arguments": {"n": "{% $limit %}"}, "Next": "T",
                      "Assign": {"ok": true}, "Catch": [{"ErrorEquals": ["States.ALL"], "Assign": {"err": "{% $states.errorOutput %}"}, "Next": "H"}]},
              "H": {"Type": "Pass", "Output": "{% [$err, $ok] %}", "End": true},
              "T": {"Type": "Pass", "Output": "{% [$ok, $err] %}", "End": true}}}"#,
        );
        assert_eq!(
            o.reads,
            [
                "Use Arguments.n $limit Maybe",
                "H Output $err Assigned",
                "H Output $ok Unassigned",
                "T Output $ok Assigned",
                "T Output $err Unassigned",
            ]
        );
        let paths = {
            let doc = json::parse(
                r#"{"QueryLanguage": "JSONata", "StartAt": "C", "States": {
                  "C": {"Type": "Choice", "Assign": {"limit": 10},
                        "Choices": [{"Condition": "{% true %}", "Assign": {"limit": 100}, "Next": "Use"},
                                    {"Condition": "{% false %}", "Next": "Use"}], "Default": "Use"},
                  "Use": {"Type": "Pass", "Output": "{% $limit %}", "End": true}}}"#,
            )
            .unwrap();
            let machine = Machine::build(&doc.root);
            let graph = StateGraph::build(&machine);
            let jsonata = JsonataSites::build(&machine);
            let v = Variables::build(&machine, &graph, &jsonata);
            let mut paths = UnassignedPaths::new(&v, &machine, &graph);
            let path: Vec<String> = paths
                .path(v.lookup("limit").unwrap(), 1)
                .into_iter()
                .map(|s| format!("{} {:?}", machine.state(s.state).name, s.via))
                .collect();
            path.join(", ")
        };
        assert_eq!(paths, "C Some(Choice(1)), Use None");
    }

    #[test]
    fn loops_reach_a_fixed_point() {
        let o = analyse(
            r#"{"QueryLanguage": "JSONata", "StartAt": "Init", "States": {
              "Init": {"Type": "Pass", "Assign": {"i": 0}, "Next": "Check"},
              "Check": {"Type": "Choice", "Choices": [{"Condition": "{% $i < 3 %}", "Next": "Step"}], "Default": "Done"},
              "Step": {"Type": "Pass", "Assign": {"i": "{% $i + 1 %}", "last": "{% $i %}"}, "Next": "Check"},
              "Done": {"Type": "Pass", "Output": "{% $last %}", "End": true}}}"#,
        );
        assert_eq!(
            o.reads,
            [
                "Check Choices[0].Condition $i Assigned",
                "Step Assign.i $i Assigned",
                "Step Assign.last $i Assigned",
                "Done Output $last Maybe",
            ]
        );
        assert_eq!(
            o.assignments,
            [
                "Init Assign i Read",
                "Step Assign i Read",
                "Step Assign last Read"
            ]
        );
    }

    #[test]
    fn branches_see_outer_variables_and_lose_their_own() {
        let o = analyse(
            r#"{"QueryLanguage": "JSONata", "StartAt": "Init", "States": {
              "Init": {"Type": "Pass", "Assign": {"rate": 2}, "Next": "P"},
              "P": {"Type": "Parallel", "Next": "After", "Assign": {"all": "{% $states.result %}"},
                    "Catch": [{"ErrorEquals": ["States.ALL"], "Assign": {"failed": true}, "Next": "After"}],
                    "Branches": [{"StartAt": "B", "States": {
                      "B": {"Type": "Pass", "Assign": {"inner": "{% $rate %}"}, "Next": "B2"},
                      "B2": {"Type": "Pass", "Output": "{% $inner * $all %}", "End": true}}}]},
              "After": {"Type": "Pass", "Output": "{% [$inner, $all, $failed, $rate] %}", "End": true}}}"#,
        );
        assert_eq!(
            o.reads,
            [
                "After Output $inner Unassigned",
                "After Output $all Maybe",
                "After Output $failed Maybe",
                "After Output $rate Assigned",
                "B Assign.inner $rate Assigned",
                "B2 Output $inner Assigned",
                "B2 Output $all Unassigned",
            ]
        );
        assert_eq!(
            o.assignments,
            [
                "Init Assign rate Read",
                "P Assign all Read",
                "P Catch[0].Assign failed Read",
                "B Assign inner Read",
            ]
        );
    }

    #[test]
    fn distributed_map_children_start_without_outer_variables() {
        let o = analyse(
            r#"{"QueryLanguage": "JSONata", "StartAt": "Init", "States": {
              "Init": {"Type": "Pass", "Assign": {"bucket": "b"}, "Next": "M"},
              "M": {"Type": "Map", "End": true, "ItemSelector": {"b": "{% $bucket %}"},
                    "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                      "StartAt": "I", "States": {"I": {"Type": "Pass", "Output": "{% $bucket %}", "End": true}}}}}}"#,
        );
        assert_eq!(
            o.reads,
            [
                "M ItemSelector.b $bucket Assigned",
                "I Output $bucket OutsideChild { map: 1 }",
            ]
        );
    }

    #[test]
    fn unused_assignments() {
        let o = analyse(
            r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {
              "A": {"Type": "Pass", "Assign": {"never": 1, "twice": 1, "used": 1}, "Next": "B"},
              "B": {"Type": "Pass", "Assign": {"twice": 2}, "Next": "C"},
              "C": {"Type": "Pass", "Output": "{% $twice + $used %}", "Assign": {"late": 1}, "End": true}}}"#,
        );
        assert_eq!(
            o.assignments,
            [
                "A Assign never NeverRead",
                "A Assign twice Overwritten",
                "A Assign used Read",
                "B Assign twice Read",
                "C Assign late Ends",
            ]
        );
    }

    #[test]
    fn builtin_names_are_variables_only_when_assigned() {
        let o = analyse(
            r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {
              "A": {"Type": "Pass", "Assign": {"count": 1}, "Next": "B"},
              "B": {"Type": "Pass", "Output": "{% [$count + 1, $sum, ($f := function($v) { $v * $rate }; $f(2)), $states.input] %}", "End": true}}}"#,
        );
        assert_eq!(
            o.reads,
            ["B Output $count Assigned", "B Output $rate Unassigned"]
        );
    }

    #[test]
    fn names_beyond_the_followed_ones_are_not_judged() {
        let names: Vec<String> = (0..MAX_TRACKED + 10).map(|i| format!("v{i}")).collect();
        let assign: Vec<String> = names.iter().map(|n| format!(r#""{n}": 1"#)).collect();
        let read: Vec<String> = names.iter().map(|n| format!("${n}")).collect();
        let text = format!(
            r#"{{"QueryLanguage": "JSONata", "StartAt": "A", "States": {{
              "A": {{"Type": "Pass", "Assign": {{{}}}, "Next": "B"}},
              "B": {{"Type": "Pass", "Output": "{{% [{}] %}}", "End": true}}}}}}"#,
            assign.join(", "),
            read.join(", ")
        );
        let o = analyse(&text);
        assert_eq!(o.reads.len(), MAX_TRACKED + 10);
        assert!(o.reads[MAX_TRACKED - 1].ends_with("Assigned"));
        assert!(o.reads[MAX_TRACKED].ends_with("Unknown"));
        assert!(o.assignments[MAX_TRACKED].ends_with("Unknown"));
    }

    #[test]
    fn no_variables_costs_nothing() {
        let doc = json::parse(
            r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"a.$": "$.x"}, "End": true}}}"#,
        )
        .unwrap();
        let machine = Machine::build(&doc.root);
        let graph = StateGraph::build(&machine);
        let jsonata = JsonataSites::build(&machine);
        let v = Variables::build(&machine, &graph, &jsonata);
        assert!(v.reads.is_empty() && v.assignments.is_empty());
    }
}
