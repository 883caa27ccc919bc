//! The checks the reference makes after parsing, while it flattens paths into steps: a
//! literal as a path step (S0213), predicates and groupings in the wrong place
//! (S0209, S0210, S0215, S0216), the end reached where an operand was needed (S0207), and
//! `%` (parent) operators that no step can resolve (S0217).
//!
//! Those checks depend on how the reference rewrites the tree (paths flattened, predicates
//! moved onto steps, and parent "slots" shared between nodes), so this pass rebuilds the same
//! shapes in a small arena and walks them in the reference's order. Recursion is bounded by
//! the tree's height, which the parser limits.

use std::ops::Range;

use super::ast::{Ast, Kind, NodeId};
use super::error::{Code, Error};
use super::lexer::Op;

pub(super) fn check(ast: &Ast, src: &str) -> Result<(), Error> {
    let mut pass = Pass {
        ast,
        src,
        nodes: Vec::new(),
        lists: Vec::new(),
        slots: Vec::new(),
        budget: PARENT_BUDGET,
    };
    let root = pass.process(ast.root)?;
    let node = &pass.nodes[root];
    if node.kind == Shape::Parent || node.seeking.is_some() {
        // Point at the first `%` left unresolved.
        let slot = match (node.kind, node.seeking) {
            (Shape::Parent, _) => node.slot,
            (_, Some(list)) => pass.lists[list]
                .iter()
                .copied()
                .find(|&s| pass.slots[s].level > 0)
                .or_else(|| pass.lists[list].first().copied()),
            _ => None,
        };
        let at = slot.map_or(ast.root().token.clone(), |s| pass.slots[s].token.clone());
        return Err(no_parent(at));
    }
    Ok(())
}

fn no_parent(at: Range<usize>) -> Error {
    Error::new(
        Code::S0217,
        at,
        "'%' refers to the parent of the current step, but there is no step it can be derived from",
    )
    .help("'%' is used inside a path, after a step: Account.Order.Product.%.OrderID")
}

/// The node types the reference's post-parse pass distinguishes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    Path,
    Name,
    Wildcard,
    Parent,
    Block,
    Number,
    /// `true`, `false`, `null`.
    Value,
    String,
    Sort,
    Other,
}

type Id = usize;
type ListId = usize;
type SlotId = usize;

struct Processed {
    kind: Shape,
    token: Range<usize>,
    /// Path steps.
    steps: Vec<Id>,
    /// A block's last expression.
    last: Option<Id>,
    /// Parent slots this node still seeks; lists are shared between nodes as in the reference.
    seeking: Option<ListId>,
    group: bool,
    predicate: bool,
    stages: bool,
    focus: bool,
    slot: Option<SlotId>,
    /// Path steps already checked for literals.
    checked: usize,
}

struct Slot {
    level: i64,
    token: Range<usize>,
}

struct Pass<'a> {
    ast: &'a Ast,
    src: &'a str,
    nodes: Vec<Processed>,
    lists: Vec<Vec<SlotId>>,
    slots: Vec<Slot>,
    /// Steps left to examine while resolving `%`: a path of many `%` costs quadratic time in
    /// the reference's algorithm, so hostile input stops here instead.
    budget: usize,
}

/// Steps examined while resolving `%` operators, at most, per expression.
const PARENT_BUDGET: usize = 1_000_000;

impl Pass<'_> {
    fn new_node(&mut self, kind: Shape, token: Range<usize>) -> Id {
        self.nodes.push(Processed {
            kind,
            token,
            steps: Vec::new(),
            last: None,
            seeking: None,
            group: false,
            predicate: false,
            stages: false,
            focus: false,
            slot: None,
            checked: 0,
        });
        self.nodes.len() - 1
    }

    fn path(&mut self, first: Id) -> Id {
        let token = self.nodes[first].token.clone();
        let id = self.new_node(Shape::Path, token);
        self.nodes[id].steps.push(first);
        id
    }

    fn new_list(&mut self, slots: Vec<SlotId>) -> ListId {
        self.lists.push(slots);
        self.lists.len() - 1
    }

    /// Adds what `value` still seeks to what `result` seeks (the reference's pushAncestry).
    fn push_ancestry(&mut self, result: Id, value: Id) {
        let v = &self.nodes[value];
        if v.seeking.is_none() && v.kind != Shape::Parent {
            return;
        }
        let (seeking, parent, slot) = (v.seeking, v.kind == Shape::Parent, v.slot);
        let list = match seeking {
            Some(list) => list,
            None => self.new_list(Vec::new()),
        };
        if parent {
            if let Some(slot) = slot {
                self.lists[list].push(slot);
            }
        }
        match self.nodes[result].seeking {
            None => self.nodes[result].seeking = Some(list),
            Some(target) => {
                // The reference appends the list to itself when both are one list; past a
                // bound that only hostile input reaches, the copy is skipped.
                if target != list || self.lists[list].len() < 10_000 {
                    let items = self.lists[list].clone();
                    self.lists[target].extend(items);
                }
            }
        }
    }

    /// Resolves a parent slot against a step (the reference's seekParent).
    fn seek_parent(&mut self, node: Id, slot: SlotId) -> Result<(), Error> {
        if self.budget == 0 {
            return Err(Error::new(
                Code::Depth,
                self.slots[slot].token.clone(),
                "too many '%' operators to resolve in one expression",
            ));
        }
        self.budget -= 1;
        match self.nodes[node].kind {
            Shape::Name | Shape::Wildcard => self.slots[slot].level -= 1,
            Shape::Parent => self.slots[slot].level += 1,
            Shape::Block => {
                if let Some(last) = self.nodes[node].last {
                    self.seek_parent(last, slot)?;
                }
            }
            Shape::Path => {
                let mut index = self.nodes[node].steps.len();
                loop {
                    index -= 1;
                    let step = self.nodes[node].steps[index];
                    self.seek_parent(step, slot)?;
                    if index == 0 || self.slots[slot].level <= 0 {
                        break;
                    }
                }
            }
            _ => return Err(no_parent(self.nodes[node].token.clone())),
        }
        Ok(())
    }

    /// Resolves the parent slots sought by a path's last step against its earlier steps
    /// (the reference's resolveAncestry).
    fn resolve_ancestry(&mut self, path: Id) -> Result<(), Error> {
        let count = self.nodes[path].steps.len();
        let last = self.nodes[path].steps[count - 1];
        let list = match self.nodes[last].seeking {
            Some(list) => list,
            None => self.new_list(Vec::new()),
        };
        if self.nodes[last].kind == Shape::Parent {
            if let Some(slot) = self.nodes[last].slot {
                self.lists[list].push(slot);
            }
        }
        let mut i = 0;
        while i < self.lists[list].len() {
            let slot = self.lists[list][i];
            i += 1;
            let mut index = count as i64 - 2;
            while self.slots[slot].level > 0 {
                if index < 0 {
                    match self.nodes[path].seeking {
                        None => {
                            let fresh = self.new_list(vec![slot]);
                            self.nodes[path].seeking = Some(fresh);
                        }
                        Some(own) => self.lists[own].push(slot),
                    }
                    break;
                }
                let step_at = |pass: &Self, i: i64| pass.nodes[path].steps[i as usize];
                let mut step = step_at(self, index);
                index -= 1;
                while index >= 0 && self.nodes[step].focus && self.nodes[step_at(self, index)].focus
                {
                    step = step_at(self, index);
                    index -= 1;
                }
                self.seek_parent(step, slot)?;
            }
        }
        Ok(())
    }

    /// Processes a node as the reference's processAST does. Left operands are walked
    /// iteratively (a long `a + b + c + …` or `a.b.c…` is a deep left spine, not nesting);
    /// recursion only follows other operands, so it is as deep as the parser's nesting.
    fn process(&mut self, id: NodeId) -> Result<Id, Error> {
        let mut spine = Vec::new();
        let mut bottom = id;
        while let Some(lhs) = spine_lhs(&self.ast.node(bottom).kind) {
            spine.push(bottom);
            bottom = lhs;
        }
        let mut result = self.operand(bottom)?;
        while let Some(node) = spine.pop() {
            result = self.apply(node, result)?;
        }
        Ok(result)
    }

    /// The part of processing a spine node that follows its processed left operand.
    fn apply(&mut self, id: NodeId, lhs: Id) -> Result<Id, Error> {
        let node = self.ast.node(id);
        let token = node.token.clone();
        Ok(match &node.kind {
            Kind::Binary {
                op: Op::Dot, rhs, ..
            } => self.dot(lhs, *rhs)?,
            Kind::Filter { rhs, .. } => self.filter(lhs, *rhs, token)?,
            Kind::Object { pairs, .. } => {
                if self.nodes[lhs].group {
                    return Err(Error::new(
                        Code::S0210,
                        token,
                        "a step can have only one grouping expression {…}",
                    ));
                }
                for (key, value) in pairs {
                    self.process(*key)?;
                    self.process(*value)?;
                }
                self.nodes[lhs].group = true;
                lhs
            }
            Kind::Sort { terms, .. } => {
                let result = if self.nodes[lhs].kind == Shape::Path {
                    lhs
                } else {
                    self.path(lhs)
                };
                let sort = self.new_node(Shape::Sort, token);
                for (_, term) in terms {
                    let e = self.process(*term)?;
                    self.push_ancestry(sort, e);
                }
                self.nodes[result].steps.push(sort);
                self.resolve_ancestry(result)?;
                result
            }
            Kind::Focus { .. } => {
                let step = self.last_step(lhs);
                let s = &self.nodes[step];
                if s.stages || s.predicate {
                    return Err(Error::new(
                        Code::S0215,
                        token,
                        "'@' cannot follow a predicate: bind the context variable first, then filter",
                    )
                    .help("write a@$v[condition], not a[condition]@$v"));
                }
                if s.kind == Shape::Sort {
                    return Err(Error::new(
                        Code::S0216,
                        token,
                        "'@' cannot follow an order-by '^(…)': bind the context variable first",
                    ));
                }
                self.nodes[step].focus = true;
                lhs
            }
            Kind::Index { .. } => {
                if self.nodes[lhs].kind == Shape::Path {
                    lhs
                } else {
                    let s = &mut self.nodes[lhs];
                    if s.predicate {
                        s.predicate = false;
                        s.stages = true;
                    }
                    self.path(lhs)
                }
            }
            Kind::Binary {
                op: Op::Chain, rhs, ..
            } => {
                let result = self.new_node(Shape::Other, token);
                self.process(*rhs)?;
                result
            }
            Kind::Binary { rhs, .. } | Kind::Range { rhs, .. } => {
                let result = self.new_node(Shape::Other, token);
                let r = self.process(*rhs)?;
                self.push_ancestry(result, lhs);
                self.push_ancestry(result, r);
                result
            }
            _ => lhs,
        })
    }

    /// A path's last step, or the node itself.
    fn last_step(&self, id: Id) -> Id {
        if self.nodes[id].kind == Shape::Path {
            *self.nodes[id].steps.last().unwrap_or(&id)
        } else {
            id
        }
    }

    /// `lhs.rhs`: the path grows by the right side's steps.
    fn dot(&mut self, lstep: Id, rhs: NodeId) -> Result<Id, Error> {
        let result = if self.nodes[lstep].kind == Shape::Path {
            lstep
        } else {
            self.path(lstep)
        };
        if self.nodes[lstep].kind == Shape::Parent {
            let slot = self.nodes[lstep].slot.into_iter().collect();
            let list = self.new_list(slot);
            self.nodes[result].seeking = Some(list);
        }
        let rest = self.process(rhs)?;
        if self.nodes[rest].kind == Shape::Path {
            let steps = std::mem::take(&mut self.nodes[rest].steps);
            self.nodes[result].steps.extend_from_slice(&steps);
            self.nodes[rest].steps = steps;
        } else {
            let r = &mut self.nodes[rest];
            if r.predicate {
                r.predicate = false;
                r.stages = true;
            }
            self.nodes[result].steps.push(rest);
        }
        // Steps before `checked` passed this test when the path was built.
        let from = self.nodes[result].checked;
        for i in from..self.nodes[result].steps.len() {
            let step = self.nodes[result].steps[i];
            match self.nodes[step].kind {
                Shape::Number | Shape::Value => {
                    let at = self.nodes[step].token.clone();
                    let text = &self.src[at.clone()];
                    return Err(Error::new(
                        Code::S0213,
                        at.clone(),
                        format!("the literal {text} cannot be a step of a path"),
                    )
                    .help("a step is a field name: quote a name that reads as a literal with backticks, as in a.`true`, or select an array item with [index]"));
                }
                Shape::String => self.nodes[step].kind = Shape::Name,
                _ => {}
            }
        }
        self.nodes[result].checked = self.nodes[result].steps.len();
        self.resolve_ancestry(result)?;
        Ok(result)
    }

    /// `lhs[rhs]`: the predicate joins the last step.
    fn filter(&mut self, result: Id, rhs: NodeId, token: Range<usize>) -> Result<Id, Error> {
        let on_path = self.nodes[result].kind == Shape::Path;
        let step = self.last_step(result);
        if self.nodes[step].group {
            return Err(Error::new(
                Code::S0209,
                token,
                "a predicate cannot follow a grouping expression in the same step",
            )
            .help("wrap the grouping in parentheses first: (a{k: v})[0]"));
        }
        if on_path {
            self.nodes[step].stages = true;
        } else {
            self.nodes[step].predicate = true;
        }
        let predicate = self.process(rhs)?;
        if let Some(list) = self.nodes[predicate].seeking {
            for i in 0..self.lists[list].len() {
                let slot = self.lists[list][i];
                if self.slots[slot].level == 1 {
                    self.seek_parent(step, slot)?;
                } else {
                    self.slots[slot].level -= 1;
                }
            }
            self.push_ancestry(step, predicate);
        }
        Ok(result)
    }

    /// Every node that is not on a left spine.
    fn operand(&mut self, id: NodeId) -> Result<Id, Error> {
        let ast = self.ast;
        let node = ast.node(id);
        let token = node.token.clone();
        Ok(match &node.kind {
            Kind::Bind { variable, value } => {
                let result = self.new_node(Shape::Other, token);
                self.process(*variable)?;
                let rhs = self.process(*value)?;
                self.push_ancestry(result, rhs);
                result
            }
            Kind::Array(items) => {
                let result = self.new_node(Shape::Other, token);
                for item in items {
                    let v = self.process(*item)?;
                    self.push_ancestry(result, v);
                }
                result
            }
            Kind::Object { pairs, .. } => {
                let result = self.new_node(Shape::Other, token);
                for (key, value) in pairs {
                    let k = self.process(*key)?;
                    self.push_ancestry(result, k);
                    let v = self.process(*value)?;
                    self.push_ancestry(result, v);
                }
                result
            }
            Kind::Negate(operand) => {
                let inner = self.process(*operand)?;
                if self.nodes[inner].kind == Shape::Number {
                    inner
                } else {
                    let result = self.new_node(Shape::Other, token);
                    self.push_ancestry(result, inner);
                    result
                }
            }
            Kind::Call { procedure, args } => {
                let result = self.new_node(Shape::Other, token);
                for arg in args {
                    let a = self.process(*arg)?;
                    self.push_ancestry(result, a);
                }
                self.process(*procedure)?;
                result
            }
            Kind::Lambda { body, .. } => {
                let result = self.new_node(Shape::Other, token);
                self.process(*body)?;
                result
            }
            Kind::Condition {
                condition,
                then,
                otherwise,
            } => {
                let result = self.new_node(Shape::Other, token);
                for part in std::iter::once(condition).chain([then]).chain(otherwise) {
                    let p = self.process(*part)?;
                    self.push_ancestry(result, p);
                }
                result
            }
            Kind::Transform {
                pattern,
                update,
                delete,
            } => {
                let result = self.new_node(Shape::Other, token);
                for part in std::iter::once(pattern).chain([update]).chain(delete) {
                    self.process(*part)?;
                }
                result
            }
            Kind::Block(items) => {
                let result = self.new_node(Shape::Block, token);
                for item in items {
                    let part = self.process(*item)?;
                    self.push_ancestry(result, part);
                    self.nodes[result].last = Some(part);
                }
                result
            }
            Kind::Name(_) => {
                let name = self.new_node(Shape::Name, token);
                self.path(name)
            }
            Kind::Parent => {
                self.slots.push(Slot {
                    level: 1,
                    token: token.clone(),
                });
                let result = self.new_node(Shape::Parent, token);
                self.nodes[result].slot = Some(self.slots.len() - 1);
                result
            }
            Kind::Number(_) => self.new_node(Shape::Number, token),
            Kind::Bool(_) | Kind::Null => self.new_node(Shape::Value, token),
            Kind::String(_) => self.new_node(Shape::String, token),
            Kind::Wildcard => self.new_node(Shape::Wildcard, token),
            Kind::Missing => {
                return Err(Error::new(
                    Code::S0207,
                    token.clone(),
                    match &self.src[token] {
                        "" => "the expression is empty".to_string(),
                        before => {
                            format!("the expression ends after '{before}': expected an operand")
                        }
                    },
                ))
            }
            Kind::Binary { .. }
            | Kind::Filter { .. }
            | Kind::Sort { .. }
            | Kind::Focus { .. }
            | Kind::Index { .. }
            | Kind::Range { .. }
            | Kind::Variable(_)
            | Kind::Regex
            | Kind::Descendants
            | Kind::Placeholder => self.new_node(Shape::Other, token),
        })
    }
}

/// The left operand of a node processed left operand first.
fn spine_lhs(kind: &Kind) -> Option<NodeId> {
    match kind {
        Kind::Binary { lhs, .. }
        | Kind::Filter { lhs, .. }
        | Kind::Sort { lhs, .. }
        | Kind::Focus { lhs, .. }
        | Kind::Index { lhs, .. }
        | Kind::Range { lhs, .. }
        | Kind::Object { lhs: Some(lhs), .. } => Some(*lhs),
        _ => None,
    }
}
