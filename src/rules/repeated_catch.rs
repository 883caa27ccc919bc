use std::fmt::Write;

use super::{rule_doc, Category, Context, Rule};
use crate::diagnostic::{Finding, Severity};
use crate::document::{Node, Value};
use crate::hash::FastMap;
use crate::model::{ScopeId, StateId};
use crate::quote::abbreviate;

pub static RULE: Rule = Rule {
    id: "repeated-catch",
    severity: Severity::Info,
    category: Category::Practice,
    summary: "Three or more states in one States block repeat the same Catch",
    doc: rule_doc!("repeated-catch"),
    check: Some(check),
    fix: None,
};

/// How many states must share a Catch before it is worth wrapping them.
const MIN_GROUP: usize = 3;

/// Most other states named in a message and pointed at as related.
const SHOWN: usize = 8;

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let machine = cx.machine;
    // (scope, canonical Catch) → states, in document order.
    let mut groups: FastMap<(ScopeId, String), Vec<StateId>> = FastMap::default();
    let mut order: Vec<(ScopeId, String)> = Vec::new();
    for state in cx.states() {
        let Some(catch) = state.get("Catch") else {
            continue;
        };
        if state.catchers().is_empty() {
            continue;
        }
        let key = (state.scope, canonical(catch));
        if let Some(members) = groups.get_mut(&key) {
            members.push(state.id);
        } else {
            order.push(key.clone());
            groups.insert(key, vec![state.id]);
        }
    }
    for key in order {
        let members = &groups[&key];
        if members.len() < MIN_GROUP {
            continue;
        }
        let first = machine.state(members[0]);
        let Some(catch) = first.member("Catch") else {
            continue;
        };
        let others = &members[1..];
        let mut names: Vec<String> = others
            .iter()
            .take(SHOWN)
            .map(|&id| format!("'{}'", abbreviate(machine.state(id).name)))
            .collect();
        if others.len() > SHOWN {
            names.push("…".to_string());
        }
        let mut finding = Finding::new(
            catch.key_span,
            format!(
                "'{}' and {} other states in {} have the same Catch ({})",
                abbreviate(first.name),
                members.len() - 1,
                machine.scope_path(first.scope),
                names.join(", ")
            ),
        )
        .state(first.name);
        for &id in others.iter().take(SHOWN) {
            let other = machine.state(id);
            if let Some(member) = other.member("Catch") {
                finding = finding.related(
                    member.key_span,
                    format!("the same Catch on '{}'", abbreviate(other.name)),
                );
            }
        }
        out.push(finding.help(
            "wrap the states in a Parallel with one branch and put the Catch on the Parallel once \
             (the try/catch pattern): an error in any of them then goes to one handler, and a new \
             state added to the block cannot be left without it",
        ));
    }
}

/// The value as compact JSON with object keys sorted: equal for structurally equal values,
/// whatever their layout and key order. Iterative, like every walk over the document.
fn canonical(node: &Node) -> String {
    enum Item<'a> {
        Node(&'a Node),
        Text(&'static str),
        Key(&'a str),
    }
    let mut out = String::new();
    let mut stack = vec![Item::Node(node)];
    while let Some(item) = stack.pop() {
        match item {
            Item::Text(text) => out.push_str(text),
            Item::Key(key) => {
                let _ = write!(out, "{key:?}:");
            }
            Item::Node(node) => match &node.value {
                Value::Null => out.push_str("null"),
                Value::Bool(b) => {
                    let _ = write!(out, "{b}");
                }
                Value::Number(n) => {
                    let _ = write!(out, "{}", n.value);
                }
                Value::String(s) => {
                    let _ = write!(out, "{s:?}");
                }
                Value::Array(items) => {
                    out.push('[');
                    stack.push(Item::Text("]"));
                    for (i, item) in items.iter().enumerate().rev() {
                        stack.push(Item::Node(item));
                        if i > 0 {
                            stack.push(Item::Text(","));
                        }
                    }
                }
                Value::Object(members) => {
                    let mut sorted: Vec<_> = members.iter().collect();
                    sorted.sort_by(|a, b| a.key.cmp(&b.key));
                    out.push('{');
                    stack.push(Item::Text("}"));
                    for (i, member) in sorted.iter().enumerate().rev() {
                        stack.push(Item::Node(&member.value));
                        stack.push(Item::Key(&member.key));
                        if i > 0 {
                            stack.push(Item::Text(","));
                        }
                    }
                }
            },
        }
    }
    out
}
