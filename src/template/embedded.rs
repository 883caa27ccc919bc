//! Definitions found below the top level of a document that is not a template.

use crate::document::{Node, Value};
use crate::hash::FastMap;
use crate::source::Span;

use super::{Definition, Deployment, Embedded};

fn push_children<'d>(stack: &mut Vec<(&'d Node, String, Span)>, node: &'d Node, pointer: &str) {
    match &node.value {
        Value::Object(members) => {
            for m in members.iter().rev() {
                let child = format!(
                    "{pointer}/{}",
                    crate::document::escape_pointer_token(&m.key)
                );
                stack.push((&m.value, child, m.key_span));
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate().rev() {
                stack.push((item, format!("{pointer}/{i}"), item.span));
            }
        }
        _ => {}
    }
}

/// Definitions held anywhere below the top level of some other document, such as the
/// `definition` of a serverlessland example file. Each is named by its JSON pointer.
pub(super) fn embedded_definitions(root: &Node) -> Vec<Embedded<'_>> {
    let mut found = Vec::new();
    let mut stack: Vec<(&Node, String, Span)> = Vec::new();
    push_children(&mut stack, root, "");
    while let Some((node, pointer, anchor)) = stack.pop() {
        if crate::model::Machine::looks_like_definition(node) {
            found.push(Embedded {
                name: pointer,
                anchor,
                workflow_type: None,
                definition: Definition::Object(node),
                substitutions: FastMap::default(),
                template: false,
                deployment: Deployment::default(),
            });
        } else {
            push_children(&mut stack, node, &pointer);
        }
    }
    found
}
