//! What an expression uses from outside itself: the variables it reads that it does not
//! bind, the functions it calls, and the members of `$states` it reads.
//!
//! Scoping follows JSONata's evaluation: the whole expression, each block `( … )` and each
//! function body is a frame; `$x := …` binds in the frame it stands in from the end of the
//! binding on; `@$x` and `#$x` bind from where they stand; parameters bind in their
//! function. A function body sees every binding of its enclosing frames, wherever it stands,
//! because the body runs later (this is what makes recursion work).

use std::ops::Range;

use super::ast::{Ast, Kind, NodeId};
use super::functions;
use super::lexer::Op;
use crate::hash::FastMap;

/// A `$name` read that the expression does not bind itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VariableRef {
    /// Without the `$`.
    pub name: String,
    /// The `$name` token, in bytes of the expression.
    pub span: Range<usize>,
}

/// A read of `$states` and, when it is followed by `.member`, which member.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatesAccess {
    /// The `$states` token.
    pub span: Range<usize>,
    /// `input`, `context`, `result`, `errorOutput`, or anything written there; `None` for
    /// `$states` used whole or indexed some other way.
    pub member: Option<String>,
    pub member_span: Option<Range<usize>>,
    /// The field names that follow the member (`$states.input.order.id` → `order`, `id`),
    /// up to the first step that is not a plain name.
    pub fields: Vec<(String, Range<usize>)>,
}

/// What the input of a `~>` chain is, for a call on its right.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChainInput {
    /// A value: it becomes the call's first argument.
    Value,
    /// A function: `f ~> g` composes, nothing is called yet.
    Function,
    /// Cannot tell.
    Unknown,
}

/// A call of a function named by a variable: `$name(args)`, or `$name` on the right of `~>`.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    /// Without the `$`.
    pub name: String,
    /// The `$name` token.
    pub name_span: Range<usize>,
    /// The whole call.
    pub span: Range<usize>,
    /// The written arguments.
    pub args: Vec<NodeId>,
    /// Some argument is a `?` placeholder (a partial application).
    pub partial: bool,
    /// On the right of `~>`: what flows in from the left.
    pub chained: Option<ChainInput>,
    /// The name is bound in the expression (`:=`, a parameter, `@`/`#`).
    pub bound: bool,
}

/// Everything an expression uses, in source order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Names {
    /// Variables read and not bound in the expression, other than `$`, `$$`, `$states` and
    /// the built-in function names, and other than the names of called functions (those
    /// are in `calls`). These are the workflow variables the expression reads.
    pub free: Vec<VariableRef>,
    /// Reads of a built-in function's name that is not called (`$count + 1`, or a function
    /// passed as a value, `$map(a, $string)`): a workflow variable of that name, if the
    /// machine assigns one, since Step Functions' bindings shadow the built-ins.
    pub builtin_reads: Vec<VariableRef>,
    pub states: Vec<StatesAccess>,
    pub calls: Vec<Call>,
}

const ROOT: usize = usize::MAX;

impl Names {
    /// One pass over the tree (nodes are stored children first), then one over the nodes.
    pub fn collect(ast: &Ast, _src: &str) -> Names {
        let n = ast.nodes.len();
        let mut parent = vec![ROOT; n];
        // The frame each node evaluates in: the nearest enclosing block or function.
        let mut frame = vec![ROOT; n];
        let mut stack = vec![(ast.root, ROOT)];
        while let Some((id, f)) = stack.pop() {
            frame[id as usize] = f;
            let inner = match ast.node(id).kind {
                Kind::Block(_) | Kind::Lambda { .. } => id as usize,
                _ => f,
            };
            for child in ast.children(id) {
                parent[child as usize] = id as usize;
                stack.push((child, inner));
            }
        }
        let scopes = Scopes::build(ast, &frame);

        // What each node yields when it is the input of `~>`, children before parents.
        let mut yields = vec![ChainInput::Value; n];
        for i in 0..n {
            yields[i] = scopes.yields(ast, i as NodeId, &yields);
        }

        let mut names = Names::default();
        let mut called = vec![false; n];
        for (i, node) in ast.nodes.iter().enumerate() {
            let (procedure, args) = match &node.kind {
                Kind::Call { procedure, args } => (*procedure, args.clone()),
                Kind::Variable(_) if is_chain_target(ast, &parent, i) => (i as NodeId, Vec::new()),
                _ => continue,
            };
            let Kind::Variable(name) = &ast.node(procedure).kind else {
                continue;
            };
            if name.is_empty() || name == "$" || name == "states" {
                continue;
            }
            called[procedure as usize] = true;
            let p = parent[i];
            let chained = match (p != ROOT).then(|| &ast.nodes[p].kind) {
                Some(Kind::Binary {
                    op: Op::Chain,
                    lhs,
                    rhs,
                }) if *rhs as usize == i => Some(yields[*lhs as usize]),
                _ => None,
            };
            names.calls.push(Call {
                name: name.clone(),
                name_span: ast.node(procedure).token.clone(),
                span: node.span.clone(),
                partial: args
                    .iter()
                    .any(|a| matches!(ast.node(*a).kind, Kind::Placeholder)),
                args,
                chained,
                bound: scopes.is_bound(ast, procedure, name),
            });
        }

        for (i, node) in ast.nodes.iter().enumerate() {
            let Kind::Variable(name) = &node.kind else {
                continue;
            };
            if scopes.binder[i] || called[i] || name.is_empty() || name == "$" {
                continue;
            }
            if scopes.is_bound(ast, i as NodeId, name) {
                continue;
            }
            if name == "states" {
                names.states.push(states_access(ast, &parent, i));
                continue;
            }
            if functions::is_builtin(name) {
                names.builtin_reads.push(VariableRef {
                    name: name.clone(),
                    span: node.token.clone(),
                });
                continue;
            }
            names.free.push(VariableRef {
                name: name.clone(),
                span: node.token.clone(),
            });
        }
        names.free.sort_by_key(|v| v.span.start);
        names.builtin_reads.sort_by_key(|v| v.span.start);
        names.calls.sort_by_key(|c| c.name_span.start);
        names.states.sort_by_key(|s| s.span.start);
        names
    }
}

/// The bindings of every frame.
struct Scopes<'a> {
    frame: &'a [usize],
    /// (frame, name) → the earliest offset from which a binding of the name is visible.
    earliest: FastMap<(usize, &'a str), usize>,
    /// Variable nodes that are bound rather than read.
    binder: Vec<bool>,
}

impl<'a> Scopes<'a> {
    fn build(ast: &'a Ast, frame: &'a [usize]) -> Scopes<'a> {
        let mut scopes = Scopes {
            frame,
            earliest: FastMap::default(),
            binder: vec![false; ast.nodes.len()],
        };
        for (i, node) in ast.nodes.iter().enumerate() {
            let mut bind = |var: NodeId, from: usize, in_frame: usize| {
                if let Kind::Variable(name) = &ast.node(var).kind {
                    let at = scopes
                        .earliest
                        .entry((in_frame, name.as_str()))
                        .or_insert(from);
                    *at = (*at).min(from);
                    scopes.binder[var as usize] = true;
                }
            };
            match &node.kind {
                Kind::Bind { variable, .. } => bind(*variable, node.span.end, frame[i]),
                Kind::Focus { variable, .. } | Kind::Index { variable, .. } => {
                    bind(*variable, ast.node(*variable).span.start, frame[i])
                }
                Kind::Lambda { params, .. } => {
                    for p in params {
                        bind(*p, node.span.start, i);
                    }
                }
                _ => {}
            }
        }
        scopes
    }

    /// Whether the variable read at `id` is bound in the expression. Frames are walked
    /// outward; once the read is inside a function, later bindings count too.
    fn is_bound(&self, ast: &Ast, id: NodeId, name: &str) -> bool {
        if self.earliest.is_empty() {
            return false;
        }
        let at = ast.node(id).span.start;
        let mut f = self.frame[id as usize];
        let mut later_too = false;
        loop {
            if let Some(&from) = self.earliest.get(&(f, name)) {
                if later_too || from <= at {
                    return true;
                }
            }
            if f == ROOT {
                return false;
            }
            if matches!(ast.nodes[f].kind, Kind::Lambda { .. }) {
                later_too = true;
            }
            f = self.frame[f];
        }
    }

    /// Whether a node yields a function, as far as its shape tells; `yields` holds the
    /// answer for every node stored before it (its children).
    fn yields(&self, ast: &Ast, id: NodeId, yields: &[ChainInput]) -> ChainInput {
        let builtin_call = |procedure: NodeId| match &ast.node(procedure).kind {
            Kind::Variable(name) => {
                functions::is_builtin(name) && !self.is_bound(ast, procedure, name)
            }
            _ => false,
        };
        match &ast.node(id).kind {
            Kind::Lambda { .. } | Kind::Regex | Kind::Transform { .. } => ChainInput::Function,
            Kind::Call { procedure, args } => {
                if args
                    .iter()
                    .any(|a| matches!(ast.node(*a).kind, Kind::Placeholder))
                {
                    ChainInput::Function
                } else if builtin_call(*procedure) {
                    ChainInput::Value
                } else {
                    ChainInput::Unknown
                }
            }
            Kind::Variable(name) => {
                if name.is_empty() || name == "$" || name == "states" {
                    ChainInput::Value
                } else if self.is_bound(ast, id, name) {
                    ChainInput::Unknown
                } else if functions::is_builtin(name) {
                    ChainInput::Function
                } else {
                    ChainInput::Value
                }
            }
            // `f ~> g` composes when `f` is a function; `v ~> g` is what g returns, a value
            // when g is a built-in.
            Kind::Binary {
                op: Op::Chain,
                lhs,
                rhs,
            } => match yields[*lhs as usize] {
                ChainInput::Value => {
                    let procedure = match &ast.node(*rhs).kind {
                        Kind::Call { procedure, .. } => *procedure,
                        _ => *rhs,
                    };
                    if builtin_call(procedure) {
                        ChainInput::Value
                    } else {
                        ChainInput::Unknown
                    }
                }
                other => other,
            },
            Kind::Block(items) => items
                .last()
                .map_or(ChainInput::Value, |l| yields[*l as usize]),
            Kind::Condition { .. } => ChainInput::Unknown,
            _ => ChainInput::Value,
        }
    }
}

/// `$name` standing alone on the right of `~>`.
fn is_chain_target(ast: &Ast, parent: &[usize], id: usize) -> bool {
    let p = parent[id];
    p != ROOT
        && matches!(ast.nodes[p].kind, Kind::Binary { op: Op::Chain, rhs, .. } if rhs as usize == id)
}

fn states_access(ast: &Ast, parent: &[usize], id: usize) -> StatesAccess {
    let span = ast.nodes[id].token.clone();
    let mut chain: Vec<(String, Range<usize>)> = Vec::new();
    let mut current = id;
    loop {
        let p = parent[current];
        if p == ROOT {
            break;
        }
        let Kind::Binary {
            op: Op::Dot,
            lhs,
            rhs,
        } = ast.nodes[p].kind
        else {
            break;
        };
        if lhs as usize != current {
            break;
        }
        let rhs = ast.node(rhs);
        match &rhs.kind {
            Kind::Name(name) | Kind::String(name) if !rhs.keep_array => {
                chain.push((name.clone(), rhs.token.clone()));
            }
            Kind::Name(name) | Kind::String(name) => {
                chain.push((name.clone(), rhs.token.clone()));
                break;
            }
            _ => break,
        }
        current = p;
    }
    let mut chain = chain.into_iter();
    let first = chain.next();
    StatesAccess {
        span,
        member: first.as_ref().map(|f| f.0.clone()),
        member_span: first.map(|f| f.1),
        fields: chain.collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::Expression;
    use super::*;

    fn names(src: &str) -> Names {
        Expression::parse(src).unwrap().names
    }

    fn free(src: &str) -> Vec<String> {
        names(src).free.into_iter().map(|v| v.name).collect()
    }

    #[test]
    fn free_variables_respect_bindings() {
        assert_eq!(free("$a + $b"), ["a", "b"]);
        assert_eq!(free("($a := 1; $a + $b)"), ["b"]);
        // The right side is read before the binding exists.
        assert_eq!(free("($x := $x + 1; $x)"), ["x"]);
        // A binding inside a block does not leak out of it.
        assert_eq!(free("(($y := 1); $y)"), ["y"]);
        assert_eq!(free("function($v){ $v * $rate }"), ["rate"]);
        // Recursion: the body sees the binding made after the function is written.
        assert_eq!(
            free("($f := function($n){ $n < 1 ? 0 : $f($n - 1) }; $f(3))"),
            Vec::<String>::new()
        );
        assert_eq!(free("items#$i[$i < $limit]"), ["limit"]);
        assert_eq!(free("items@$o.$o.id"), Vec::<String>::new());
        assert_eq!(
            free("$ + $$.a + $states.input + $sum(x) + $string"),
            Vec::<String>::new()
        );
        let n = names("$count + $map(a, $string) + $count(b)");
        let reads: Vec<&str> = n.builtin_reads.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(reads, ["count", "string"]);
    }

    #[test]
    fn calls_and_chains() {
        let n = names("$x ~> $substring(1) ~> $uppercase");
        let got: Vec<(&str, usize, Option<ChainInput>)> = n
            .calls
            .iter()
            .map(|c| (c.name.as_str(), c.args.len(), c.chained))
            .collect();
        assert_eq!(
            got,
            [
                ("substring", 1, Some(ChainInput::Value)),
                ("uppercase", 0, Some(ChainInput::Value))
            ]
        );
        let n = names("($f := function($a){$a}; $f(1) & $g(2))");
        let bound: Vec<(&str, bool)> = n.calls.iter().map(|c| (c.name.as_str(), c.bound)).collect();
        assert_eq!(bound, [("f", true), ("g", false)]);
        assert_eq!(
            names("$trim ~> $uppercase").calls[0].chained,
            Some(ChainInput::Function)
        );
        assert!(names("$substring(?, 0, 5)").calls[0].partial);
    }

    #[test]
    fn states_members_and_fields() {
        let n = names("$states.input.order.id & $states.context.Execution.Id & $states");
        let got: Vec<(Option<&str>, Vec<&str>)> = n
            .states
            .iter()
            .map(|s| {
                (
                    s.member.as_deref(),
                    s.fields.iter().map(|f| f.0.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (Some("input"), vec!["order", "id"]),
                (Some("context"), vec!["Execution", "Id"]),
                (None, vec![])
            ]
        );
        assert_eq!(n.states[0].member_span, Some(8..13));
        // A parameter named $states is the author's own.
        assert!(names("function($states) { $states.inputs }")
            .states
            .is_empty());
    }
}
