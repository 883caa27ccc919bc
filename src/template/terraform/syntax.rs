//! The part of a Terraform configuration this linter reads, in one shape for both syntaxes:
//! blocks, attributes and expressions with their byte spans in the file. `.tf` files are
//! parsed with `hcl-edit`; `.tf.json` files are JSON whose strings are templates.

use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::structure::{Body as HclBody, Structure};
use hcl_edit::template::{Element, Template as HclTemplate};
use hcl_edit::Span as _;

use crate::document::{Node, Value};
use crate::source::Span;

/// Deeper expressions are not read (hcl-edit stops at 64 nested levels; JSON at 256).
const MAX_DEPTH: usize = 128;

/// A body: attributes and blocks in the order written.
#[derive(Debug, Default)]
pub struct Body {
    pub attributes: Vec<Attribute>,
    pub blocks: Vec<Block>,
}

#[derive(Debug)]
pub struct Attribute {
    pub name: String,
    pub name_span: Span,
    pub value: Expr,
}

#[derive(Debug)]
pub struct Block {
    pub kind: String,
    pub kind_span: Span,
    pub labels: Vec<(String, Span)>,
    pub body: Body,
    pub span: Span,
}

impl Body {
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    pub fn get(&self, name: &str) -> Option<&Expr> {
        self.attribute(name).map(|a| &a.value)
    }
}

#[derive(Debug)]
pub struct Expr {
    pub span: Span,
    pub kind: Kind,
}

#[derive(Debug)]
pub enum Kind {
    Null,
    Bool(bool),
    /// The value and the number as written.
    Number(f64, String),
    /// A quoted string or a heredoc: literal text, interpolations and directives.
    Template(Template),
    Array(Vec<Expr>),
    Object(Vec<(Key, Expr)>),
    /// `a.b.c`: a variable and the attributes read from it, nothing else.
    Reference(Vec<String>),
    Call(String, Vec<Expr>),
    Conditional(Box<Expr>, Box<Expr>, Box<Expr>),
    /// Anything else (operators, `for` expressions, indexes, splats): unknown here.
    Other,
}

#[derive(Debug)]
pub struct Key {
    pub name: String,
    pub span: Span,
}

#[derive(Debug)]
pub struct Template {
    pub parts: Vec<Part>,
    /// Where the literal text's bytes are (see `Literals`).
    pub literals: Literals,
}

/// How the literal parts of a template are written in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Literals {
    /// A quoted HCL string: backslash escapes, `$${` and `%%{`.
    Quoted,
    /// A heredoc: text as written (no backslash escapes); `<<-` removes this much indentation
    /// from each line.
    Heredoc { strip: usize },
    /// Decoded from the JSON string value whose span is given (`.tf.json`): the part spans
    /// are already in the file, but not byte for byte.
    Json(Span),
}

#[derive(Debug)]
pub enum Part {
    /// Literal text: its value and the span of its source; in a `.tf.json` string, also the
    /// range of the string's decoded value it was read from.
    Literal {
        value: String,
        span: Span,
        decoded: Option<(usize, usize)>,
    },
    /// `${ expr }`: the span covers the braces.
    Interpolation { expr: Expr, span: Span },
    /// `%{ if … }…%{ endif }` or `%{ for … }…%{ endfor }`, whole.
    Directive { span: Span },
}

impl Expr {
    /// A plain string: a template without interpolations or directives.
    pub fn as_literal_str(&self) -> Option<String> {
        let Kind::Template(t) = &self.kind else {
            return None;
        };
        let mut out = String::new();
        for part in &t.parts {
            match part {
                Part::Literal { value, .. } => out.push_str(value),
                _ => return None,
            }
        }
        Some(out)
    }

    pub fn as_reference(&self) -> Option<&[String]> {
        match &self.kind {
            Kind::Reference(path) => Some(path),
            _ => None,
        }
    }
}

fn span(range: Option<std::ops::Range<usize>>) -> Span {
    range.map_or(Span::new(0, 0), |r| Span::new(r.start, r.end))
}

/// A `.tf` file's body.
pub fn from_hcl(body: &HclBody) -> Body {
    hcl_body(body, 0)
}

fn hcl_body(body: &HclBody, depth: usize) -> Body {
    let mut out = Body::default();
    for structure in body.iter() {
        match structure {
            Structure::Attribute(a) => out.attributes.push(Attribute {
                name: a.key.as_str().to_string(),
                name_span: span(a.key.span()),
                value: hcl_expr(&a.value, depth + 1),
            }),
            Structure::Block(b) if depth < MAX_DEPTH => out.blocks.push(Block {
                kind: b.ident.as_str().to_string(),
                kind_span: span(b.ident.span()),
                labels: b
                    .labels
                    .iter()
                    .map(|l| (l.as_str().to_string(), span(l.span())))
                    .collect(),
                body: hcl_body(&b.body, depth + 1),
                span: span(b.span()),
            }),
            Structure::Block(_) => {}
        }
    }
    out
}

fn hcl_expr(e: &Expression, depth: usize) -> Expr {
    let at = span(e.span());
    let kind = if depth > MAX_DEPTH {
        Kind::Other
    } else {
        match e {
            Expression::Null(_) => Kind::Null,
            Expression::Bool(b) => Kind::Bool(*b.value()),
            Expression::Number(n) => {
                let written = n.to_string();
                match n.value().as_f64() {
                    Some(v) => Kind::Number(v, written.trim().to_string()),
                    None => Kind::Other,
                }
            }
            Expression::String(s) => Kind::Template(Template {
                parts: vec![Part::Literal {
                    value: s.value().clone(),
                    span: Span::new(at.start + 1, at.end.saturating_sub(1).max(at.start + 1)),
                    decoded: None,
                }],
                literals: Literals::Quoted,
            }),
            Expression::StringTemplate(t) => Kind::Template(Template {
                parts: hcl_template(t, depth),
                literals: Literals::Quoted,
            }),
            Expression::HeredocTemplate(h) => Kind::Template(Template {
                parts: hcl_template(&h.template, depth),
                literals: Literals::Heredoc {
                    strip: h.indent().unwrap_or(0),
                },
            }),
            Expression::Array(items) => {
                Kind::Array(items.iter().map(|i| hcl_expr(i, depth + 1)).collect())
            }
            Expression::Object(object) => Kind::Object(
                object
                    .iter()
                    .filter_map(|(key, value)| {
                        let key = match key {
                            ObjectKey::Ident(ident) => Key {
                                name: ident.as_str().to_string(),
                                span: span(ident.span()),
                            },
                            ObjectKey::Expression(expr) => {
                                let expr = hcl_expr(expr, depth + 1);
                                Key {
                                    name: expr.as_literal_str()?,
                                    span: expr.span,
                                }
                            }
                        };
                        Some((key, hcl_expr(value.expr(), depth + 1)))
                    })
                    .collect(),
            ),
            Expression::Parenthesis(p) => return hcl_expr(p.inner(), depth + 1),
            Expression::Variable(v) => Kind::Reference(vec![v.as_str().to_string()]),
            Expression::Traversal(t) => reference(t).map_or(Kind::Other, Kind::Reference),
            Expression::FuncCall(call) if call.name.namespace.is_empty() => Kind::Call(
                call.name.name.as_str().to_string(),
                call.args.iter().map(|a| hcl_expr(a, depth + 1)).collect(),
            ),
            Expression::Conditional(c) => Kind::Conditional(
                Box::new(hcl_expr(&c.cond_expr, depth + 1)),
                Box::new(hcl_expr(&c.true_expr, depth + 1)),
                Box::new(hcl_expr(&c.false_expr, depth + 1)),
            ),
            _ => Kind::Other,
        }
    };
    Expr { span: at, kind }
}

fn reference(t: &hcl_edit::expr::Traversal) -> Option<Vec<String>> {
    let Expression::Variable(root) = &t.expr else {
        return None;
    };
    let mut path = vec![root.as_str().to_string()];
    for op in &t.operators {
        match op.value() {
            TraversalOperator::GetAttr(name) => path.push(name.as_str().to_string()),
            _ => return None,
        }
    }
    Some(path)
}

fn hcl_template(t: &HclTemplate, depth: usize) -> Vec<Part> {
    t.iter()
        .map(|element| match element {
            Element::Literal(l) => Part::Literal {
                value: l.value().clone(),
                span: span(l.span()),
                decoded: None,
            },
            Element::Interpolation(i) => Part::Interpolation {
                expr: hcl_expr(&i.expr, depth + 1),
                span: span(i.span()),
            },
            Element::Directive(d) => Part::Directive {
                span: span(d.span()),
            },
        })
        .collect()
}

/// A `.tf.json` file's body: the JSON object's members as blocks and attributes (Terraform's
/// JSON syntax), strings read as templates. `text` is the file.
pub fn from_json(root: &Node, text: &str) -> Body {
    let mut out = Body::default();
    for m in root.as_object().unwrap_or(&[]) {
        match m.key.as_str() {
            // resource "type" "name" { … }, data "type" "name" { … }
            "resource" | "data" => {
                for (ty, ty_span, named) in json_members(&m.value) {
                    for (name, name_span, body) in json_members(named) {
                        out.blocks.push(json_block(
                            &m.key,
                            m.key_span,
                            vec![(ty.clone(), ty_span), (name, name_span)],
                            body,
                            text,
                        ));
                    }
                }
            }
            // module "name" { … }
            "module" => {
                for (name, name_span, body) in json_members(&m.value) {
                    out.blocks.push(json_block(
                        &m.key,
                        m.key_span,
                        vec![(name, name_span)],
                        body,
                        text,
                    ));
                }
            }
            // locals { … }, also as an array of objects.
            "locals" => {
                let bodies: Vec<&Node> = match m.value.as_array() {
                    Some(items) => items.iter().collect(),
                    None => vec![&m.value],
                };
                for body in bodies {
                    out.blocks
                        .push(json_block(&m.key, m.key_span, Vec::new(), body, text));
                }
            }
            _ => {}
        }
    }
    out
}

/// The members of an object, or of each object in an array of them (Terraform JSON allows
/// both for repeated labels).
fn json_members(node: &Node) -> Vec<(String, Span, &Node)> {
    let objects: Vec<&Node> = match node.as_array() {
        Some(items) => items.iter().collect(),
        None => vec![node],
    };
    objects
        .into_iter()
        .flat_map(|o| o.as_object().unwrap_or(&[]))
        .map(|m| (m.key.to_string(), m.key_span, &m.value))
        .collect()
}

fn json_block(
    kind: &str,
    kind_span: Span,
    labels: Vec<(String, Span)>,
    body: &Node,
    text: &str,
) -> Block {
    let mut out = Body::default();
    for m in body.as_object().unwrap_or(&[]) {
        out.attributes.push(Attribute {
            name: m.key.to_string(),
            name_span: m.key_span,
            value: json_expr(&m.value, text, 0),
        });
    }
    Block {
        kind: kind.to_string(),
        kind_span,
        labels,
        body: out,
        span: body.span,
    }
}

fn json_expr(node: &Node, text: &str, depth: usize) -> Expr {
    let kind = match &node.value {
        _ if depth > MAX_DEPTH => Kind::Other,
        Value::Null => Kind::Null,
        Value::Bool(b) => Kind::Bool(*b),
        Value::Number(n) => Kind::Number(n.value, n.written().into_owned()),
        Value::Array(items) => Kind::Array(
            items
                .iter()
                .map(|i| json_expr(i, text, depth + 1))
                .collect(),
        ),
        Value::Object(members) => Kind::Object(
            members
                .iter()
                .map(|m| {
                    (
                        Key {
                            name: m.key.to_string(),
                            span: m.key_span,
                        },
                        json_expr(&m.value, text, depth + 1),
                    )
                })
                .collect(),
        ),
        Value::String(s) => return json_string(node, s, text, depth),
    };
    Expr {
        span: node.span,
        kind,
    }
}

/// A JSON string of a `.tf.json` file: a template. One that is a single interpolation is the
/// expression's value (`"${jsonencode({…})}"`).
fn json_string(node: &Node, s: &str, text: &str, depth: usize) -> Expr {
    let literal = || Expr {
        span: node.span,
        kind: Kind::Template(Template {
            parts: vec![Part::Literal {
                value: s.to_string(),
                span: node.span,
                decoded: Some((0, s.len())),
            }],
            literals: Literals::Json(node.span),
        }),
    };
    if !s.contains("${") && !s.contains("%{") {
        return literal();
    }
    let Ok(template) = hcl_edit::parser::parse_template(s) else {
        return literal();
    };
    let map = crate::document::inner::ValueMap::new(text, node);
    let place = |e: &mut Expr| relocate(e, &|r: Span| place_in(map.as_ref(), node.span, r));
    let mut parts = hcl_template(&template, depth);
    for part in &mut parts {
        match part {
            Part::Literal { span, decoded, .. } => {
                *decoded = Some((span.start, span.end));
                *span = place_in(map.as_ref(), node.span, *span)
            }
            Part::Directive { span } => *span = place_in(map.as_ref(), node.span, *span),
            Part::Interpolation { expr, span } => {
                *span = place_in(map.as_ref(), node.span, *span);
                place(expr);
            }
        }
    }
    if let [Part::Interpolation { .. }] = parts.as_slice() {
        let Some(Part::Interpolation { expr, .. }) = parts.pop() else {
            unreachable!()
        };
        return expr;
    }
    Expr {
        span: node.span,
        kind: Kind::Template(Template {
            parts,
            literals: Literals::Json(node.span),
        }),
    }
}

/// A span of a decoded JSON string value, in the file.
fn place_in(map: Option<&crate::document::inner::ValueMap>, whole: Span, decoded: Span) -> Span {
    match map {
        Some(map) => map.span(decoded.start..decoded.end),
        None => whole,
    }
}

/// Moves every span of `e` (parsed from a decoded string) into the file.
fn relocate(e: &mut Expr, place: &dyn Fn(Span) -> Span) {
    e.span = place(e.span);
    match &mut e.kind {
        Kind::Template(t) => {
            for part in &mut t.parts {
                match part {
                    Part::Literal { span, .. } | Part::Directive { span } => *span = place(*span),
                    Part::Interpolation { expr, span } => {
                        *span = place(*span);
                        relocate(expr, place);
                    }
                }
            }
            // Literal text inside an expression of a JSON string is not byte for byte.
            if t.literals != Literals::Quoted {
                return;
            }
            t.literals = Literals::Json(e.span);
        }
        Kind::Array(items) => items.iter_mut().for_each(|i| relocate(i, place)),
        Kind::Object(members) => {
            for (key, value) in members {
                key.span = place(key.span);
                relocate(value, place);
            }
        }
        Kind::Call(_, args) => args.iter_mut().for_each(|a| relocate(a, place)),
        Kind::Conditional(a, b, c) => {
            relocate(a, place);
            relocate(b, place);
            relocate(c, place);
        }
        _ => {}
    }
}

/// The parts of a template parsed on its own (a `templatefile` file): spans are in its text.
pub fn template_parts(t: &HclTemplate) -> Vec<Part> {
    hcl_template(t, 0)
}

/// The variables an expression reads: the first name of each reference in it.
pub fn variables(e: &Expr, out: &mut Vec<String>) {
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        match &e.kind {
            Kind::Reference(path) => {
                if let Some(root) = path.first() {
                    if !out.contains(root) {
                        out.push(root.clone());
                    }
                }
            }
            Kind::Template(t) => {
                for part in &t.parts {
                    if let Part::Interpolation { expr, .. } = part {
                        stack.push(expr);
                    }
                }
            }
            Kind::Array(items) | Kind::Call(_, items) => stack.extend(items),
            Kind::Object(members) => stack.extend(members.iter().map(|(_, v)| v)),
            Kind::Conditional(a, b, c) => stack.extend([&**a, &**b, &**c]),
            _ => {}
        }
    }
}
