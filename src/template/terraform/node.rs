//! A Terraform file as the spanned document the rest of the linter reads: the shape of
//! Terraform's JSON syntax (`/resource/aws_sfn_state_machine/orders/definition`), every value
//! as far as it is known, every span in the `.tf` file. A `jsonencode({…})` is its object, so a
//! definition written in HCL is linted as the JSON it encodes, and findings point into HCL.

use crate::document::{Member, Node, Number, Text, Value};
use crate::source::Span;

use super::module::Module;
use super::render::describe;
use super::syntax::{Block, Body, Expr, Kind, Part};
use super::value::Val;

/// The document of file `file` of the module.
pub fn document(module: &Module, file: usize) -> Node {
    let f = &module.files[file];
    if let Some(json) = &f.json {
        // A `.tf.json` file is already a document; a `"${jsonencode({…})}"` string becomes
        // the object it encodes.
        let mut encoded = crate::hash::FastMap::default();
        collect_encoded(&f.body, &mut encoded);
        let mut root = json.root.clone();
        replace_encoded(module, file, &mut root, &encoded, 0);
        return root;
    }
    let end = f.text.len();
    Node {
        span: Span::new(0, end),
        value: Value::Object(body(module, file, &f.body)),
    }
}

/// The attributes of a `.tf.json` body whose value is `jsonencode(…)`, by their key's span.
fn collect_encoded<'m>(b: &'m Body, out: &mut crate::hash::FastMap<Span, &'m Expr>) {
    for a in &b.attributes {
        if matches!(&a.value.kind, Kind::Call(n, args) if n == "jsonencode" && args.len() == 1) {
            out.insert(a.name_span, &a.value);
        }
    }
    for blk in &b.blocks {
        collect_encoded(&blk.body, out);
    }
}

fn replace_encoded(
    module: &Module,
    file: usize,
    n: &mut Node,
    encoded: &crate::hash::FastMap<Span, &Expr>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    match &mut n.value {
        Value::Object(members) => {
            for m in members {
                match encoded.get(&m.key_span) {
                    Some(e) => m.value = node(module, file, e, 0),
                    None => replace_encoded(module, file, &mut m.value, encoded, depth + 1),
                }
            }
        }
        Value::Array(items) => {
            for i in items {
                replace_encoded(module, file, i, encoded, depth + 1);
            }
        }
        _ => {}
    }
}

fn body(module: &Module, file: usize, b: &Body) -> Vec<Member> {
    let mut members: Vec<Member> = b
        .attributes
        .iter()
        .map(|a| Member {
            key: Text::from(a.name.as_str()),
            key_span: a.name_span,
            value: node(module, file, &a.value, 0),
        })
        .chain(b.blocks.iter().map(|blk| block(module, file, blk)))
        .collect();
    members.sort_by_key(|m| m.key_span.start);
    members
}

/// `kind "a" "b" { … }` as `"kind": {"a": {"b": {…}}}`.
fn block(module: &Module, file: usize, b: &Block) -> Member {
    let mut value = Node {
        span: b.span,
        value: Value::Object(body(module, file, &b.body)),
    };
    for (label, span) in b.labels.iter().rev() {
        value = Node {
            span: Span::new(span.start, b.span.end),
            value: Value::Object(vec![Member {
                key: Text::from(label.as_str()),
                key_span: *span,
                value,
            }]),
        };
    }
    if let Some((_, first)) = b.labels.first() {
        value.span = Span::new(first.start, b.span.end);
    }
    Member {
        key: Text::from(b.kind.as_str()),
        key_span: b.kind_span,
        value,
    }
}

const MAX_DEPTH: usize = 128;

/// An expression as a document node: what it is known to be.
pub fn node(module: &Module, file: usize, e: &Expr, depth: usize) -> Node {
    let value = match &e.kind {
        _ if depth > MAX_DEPTH => unknown(module, file, e.span),
        Kind::Null => Value::Null,
        Kind::Bool(b) => Value::Bool(*b),
        Kind::Number(v, written) => Value::Number(Number::new(*v, written)),
        Kind::Template(t) => match t.parts.as_slice() {
            [Part::Literal { value, .. }] => Value::String(Text::from(value.as_str())),
            _ => scalar(module.value(file, e)),
        },
        Kind::Array(items) => Value::Array(
            items
                .iter()
                .map(|i| node(module, file, i, depth + 1))
                .collect(),
        ),
        Kind::Object(members) => Value::Object(
            members
                .iter()
                .map(|(key, value)| Member {
                    key: Text::from(key.name.as_str()),
                    key_span: key.span,
                    value: node(module, file, value, depth + 1),
                })
                .collect(),
        ),
        Kind::Reference(_) => scalar(module.value(file, e)),
        // The object a definition encodes is that object.
        Kind::Call(name, args) if name == "jsonencode" && args.len() == 1 => {
            return node(module, file, &args[0], depth + 1);
        }
        Kind::Conditional(condition, a, b) => {
            let (a, b) = (
                node(module, file, a, depth + 1),
                node(module, file, b, depth + 1),
            );
            let scalar = |n: &Node| !matches!(n.value, Value::Object(_) | Value::Array(_));
            if scalar(&a) && scalar(&b) {
                // Like CloudFormation's `Fn::If`: either value may be deployed.
                let condition = Node {
                    span: condition.span,
                    value: unknown(module, file, condition.span),
                };
                Value::Object(vec![Member {
                    key: Text::from("Fn::If"),
                    key_span: condition.span,
                    value: Node {
                        span: e.span,
                        value: Value::Array(vec![condition, a, b]),
                    },
                }])
            } else {
                unknown(module, file, e.span)
            }
        }
        _ => unknown(module, file, e.span),
    };
    Node {
        span: e.span,
        value,
    }
}

fn scalar(value: Val) -> Value {
    match value {
        Val::Str(s) => Value::String(Text::from(s.as_str())),
        Val::Num(n) => match n.parse::<f64>() {
            Ok(v) => Value::Number(Number::new(v, &n)),
            Err(_) => Value::String(Text::from(n.as_str())),
        },
        Val::Bool(b) => Value::Bool(b),
        Val::Null => Value::Null,
        Val::Unknown(name) => Value::String(Text::from(format!("${{{name}}}").as_str())),
    }
}

fn unknown(module: &Module, file: usize, span: Span) -> Value {
    let text = &module.files[file].text;
    let name = describe(text.get(span.start..span.end).unwrap_or(""));
    Value::String(Text::from(format!("${{{name}}}").as_str()))
}
