//! The syntax tree of a JSONata expression: nodes in one arena, each with the byte range it
//! covers in the expression text.

use std::ops::Range;

use super::lexer::Op;

pub type NodeId = u32;

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub kind: Kind,
    /// Bytes of the expression this node covers.
    pub span: Range<usize>,
    /// Bytes of the token that makes the node (the operator of a binary node, the `(` of a
    /// call or block, the name itself...): where the reference reports errors about it.
    pub token: Range<usize>,
    /// Followed by `[]`: keep singleton arrays.
    pub keep_array: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// The end of the expression where an operand was needed (an error once parsing ends).
    Missing,
    /// A field name, bare or in backticks; also `and`, `or`, `in` used as names.
    Name(String),
    /// `$name`: the name without `$` (empty for `$`, `$` for `$$`).
    Variable(String),
    String(String),
    Number(f64),
    Bool(bool),
    Null,
    Regex,
    /// `*`
    Wildcard,
    /// `**`
    Descendants,
    /// `%`
    Parent,
    /// `?` standing for an argument in a partial application.
    Placeholder,
    /// `-operand`
    Negate(NodeId),
    /// Arithmetic, comparison, boolean, `&`, `in`, `.` (map) and `~>` (chain).
    Binary {
        op: Op,
        lhs: NodeId,
        rhs: NodeId,
    },
    /// `lhs[rhs]`
    Filter {
        lhs: NodeId,
        rhs: NodeId,
    },
    /// `lhs^(terms)`; each term is ascending unless marked descending.
    Sort {
        lhs: NodeId,
        terms: Vec<(bool, NodeId)>,
    },
    /// `lhs{key: value, …}` (grouping) or `{key: value, …}` (object constructor).
    Object {
        lhs: Option<NodeId>,
        pairs: Vec<(NodeId, NodeId)>,
    },
    /// `[items]`
    Array(Vec<NodeId>),
    /// `lhs..rhs`, only inside an array constructor.
    Range {
        lhs: NodeId,
        rhs: NodeId,
    },
    /// `(a; b; c)`
    Block(Vec<NodeId>),
    /// `$name := value`; `variable` is a `Variable` node.
    Bind {
        variable: NodeId,
        value: NodeId,
    },
    /// `lhs@$var`
    Focus {
        lhs: NodeId,
        variable: NodeId,
    },
    /// `lhs#$var`
    Index {
        lhs: NodeId,
        variable: NodeId,
    },
    /// `condition ? then : else`
    Condition {
        condition: NodeId,
        then: NodeId,
        otherwise: Option<NodeId>,
    },
    /// `procedure(args)`; a partial application when an argument is a `Placeholder`.
    Call {
        procedure: NodeId,
        args: Vec<NodeId>,
    },
    /// `function($a, $b)<signature>{body}`; `params` are `Variable` nodes.
    Lambda {
        params: Vec<NodeId>,
        signature: Option<Range<usize>>,
        body: NodeId,
    },
    /// `| pattern | update, delete |`
    Transform {
        pattern: NodeId,
        update: NodeId,
        delete: Option<NodeId>,
    },
}

/// A parsed expression.
#[derive(Clone, Debug, PartialEq)]
pub struct Ast {
    pub nodes: Vec<Node>,
    pub root: NodeId,
}

impl Ast {
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id as usize]
    }

    pub fn root(&self) -> &Node {
        self.node(self.root)
    }

    /// The direct children of a node, in source order.
    pub fn children(&self, id: NodeId) -> Vec<NodeId> {
        let mut out = Vec::new();
        match &self.node(id).kind {
            Kind::Negate(a) => out.push(*a),
            Kind::Binary { lhs, rhs, .. }
            | Kind::Filter { lhs, rhs }
            | Kind::Range { lhs, rhs } => out.extend([*lhs, *rhs]),
            Kind::Sort { lhs, terms } => {
                out.push(*lhs);
                out.extend(terms.iter().map(|t| t.1));
            }
            Kind::Object { lhs, pairs } => {
                out.extend(lhs.iter().copied());
                for (k, v) in pairs {
                    out.extend([*k, *v]);
                }
            }
            Kind::Array(items) | Kind::Block(items) => out.extend(items.iter().copied()),
            Kind::Bind { variable, value } => out.extend([*variable, *value]),
            Kind::Focus { lhs, variable } | Kind::Index { lhs, variable } => {
                out.extend([*lhs, *variable])
            }
            Kind::Condition {
                condition,
                then,
                otherwise,
            } => {
                out.extend([*condition, *then]);
                out.extend(otherwise.iter().copied());
            }
            Kind::Call { procedure, args } => {
                out.push(*procedure);
                out.extend(args.iter().copied());
            }
            Kind::Lambda { params, body, .. } => {
                out.extend(params.iter().copied());
                out.push(*body);
            }
            Kind::Transform {
                pattern,
                update,
                delete,
            } => {
                out.extend([*pattern, *update]);
                out.extend(delete.iter().copied());
            }
            _ => {}
        }
        out
    }
}
