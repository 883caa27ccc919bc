//! A definition with placeholders and intrinsics resolved, spans kept (findings stay put).

use crate::document::{Member, Node, Text, Value, MAX_DEPTH};
use crate::hash::FastMap;

use super::resolver::{replace_placeholders, Resolver};
use super::Embedded;

/// A definition file referenced by a template (`DefinitionUri`), with that template's
/// `DefinitionSubstitutions` applied. Spans are kept.
pub fn substitute_definition(definition: &Node, substitutions: &FastMap<String, String>) -> Node {
    let resolver = Resolver {
        resources: FastMap::default(),
        parameters: Vec::new(),
    };
    resolve_node(definition, &resolver, substitutions, 0)
}

/// The definition with placeholders and intrinsic functions replaced by what they resolve to.
/// Spans are kept, so findings point into the template.
pub fn resolve(definition: &Node, embedded: &Embedded, template: &Node) -> Node {
    let resolver = Resolver::new(template);
    resolve_node(definition, &resolver, &embedded.substitutions, 0)
}

fn resolve_node(
    node: &Node,
    resolver: &Resolver,
    subs: &FastMap<String, String>,
    depth: usize,
) -> Node {
    let value = match &node.value {
        Value::String(s) if s.contains("${") => Value::String(Text::from(substitute(s, subs))),
        Value::Object(members) if depth < MAX_DEPTH => {
            if let Some(choice) = resolve_choice(members, resolver, subs, depth) {
                choice
            } else if is_intrinsic(members) {
                Value::String(Text::from(resolver.string(node, subs)))
            } else {
                Value::Object(
                    members
                        .iter()
                        .map(|m| Member {
                            key: m.key.clone(),
                            key_span: m.key_span,
                            value: resolve_node(&m.value, resolver, subs, depth + 1),
                        })
                        .collect(),
                )
            }
        }
        Value::Array(items) if depth < MAX_DEPTH => Value::Array(
            items
                .iter()
                .map(|i| resolve_node(i, resolver, subs, depth + 1))
                .collect(),
        ),
        other => other.clone(),
    };
    Node {
        span: node.span,
        value,
    }
}

/// `Fn::If` between two scalars (`Next: !If [IsProd, B, C]`), kept as a choice with both
/// branches resolved, so the model sees each value that may be deployed (both targets are
/// transitions). Choices between objects or arrays resolve to a placeholder, as before.
fn resolve_choice(
    members: &[Member],
    resolver: &Resolver,
    subs: &FastMap<String, String>,
    depth: usize,
) -> Option<Value> {
    let [m] = members else { return None };
    if m.key != "Fn::If" {
        return None;
    }
    let [condition, a, b] = m.value.as_array()? else {
        return None;
    };
    let branch = |n: &Node| {
        let resolved = resolve_node(n, resolver, subs, depth + 1);
        let scalar = !matches!(resolved.value, Value::Object(_) | Value::Array(_));
        scalar.then_some(resolved)
    };
    let (a, b) = (branch(a)?, branch(b)?);
    Some(Value::Object(vec![Member {
        key: m.key.clone(),
        key_span: m.key_span,
        value: Node {
            span: m.value.span,
            value: Value::Array(vec![condition.clone(), a, b]),
        },
    }]))
}

fn is_intrinsic(members: &[Member]) -> bool {
    matches!(members, [m] if m.key == "Ref" || m.key.starts_with("Fn::"))
}

/// `${Name}` placeholders replaced from `DefinitionSubstitutions`; others stay as written.
fn substitute(text: &str, subs: &FastMap<String, String>) -> String {
    replace_placeholders(text, |name| subs.get(name).cloned())
}
