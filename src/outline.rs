//! The state machines a document holds as objects written in its text, for the tools that point
//! into that text: the language server's hover, navigation and outline, and the edits that
//! write an `asl-lint-disable` directive. A `DefinitionString` or a definition in another file
//! is not written here as an object, so it is not listed.

use crate::document::Node;
use crate::model::{Machine, StateId};
use crate::source::Span;
use crate::template::{self, Definition};

/// One state machine written as an object in the document.
#[derive(Debug)]
pub struct Written<'d> {
    /// The template's name for the machine (logical id or Serverless key); `None` for a
    /// definition file.
    pub name: Option<String>,
    /// The template's key that names the machine.
    pub anchor: Option<Span>,
    /// The definition object (`StartAt`, `States`).
    pub definition: &'d Node,
}

/// The machines of a document: the document itself when it is a definition, else each machine
/// a template declares with a `Definition` object (or a definition found below the top level).
pub fn machines(root: &Node) -> Vec<Written<'_>> {
    if Machine::looks_like_definition(root) {
        return vec![Written {
            name: None,
            anchor: None,
            definition: root,
        }];
    }
    template::find(root)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|embedded| match embedded.definition {
            Definition::Object(node) => Some(Written {
                name: Some(embedded.name),
                anchor: Some(embedded.anchor),
                definition: node,
            }),
            _ => None,
        })
        .collect()
}

/// The span of a state as written: its name key through its object.
pub fn state_span(machine: &Machine, id: StateId) -> Span {
    let state = machine.state(id);
    state.name_span.join(state.node.span)
}

/// The innermost state whose name key or object contains `span`: the state an
/// `asl-lint-disable` in its `Comment` covers a finding at `span` from.
pub fn innermost_state(machine: &Machine, span: Span) -> Option<StateId> {
    machine
        .states
        .iter()
        .filter(|s| state_span(machine, s.id).contains(span))
        .min_by_key(|s| state_span(machine, s.id).len())
        .map(|s| s.id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::parse;

    #[test]
    fn a_definition_is_its_own_machine() {
        let doc = parse(
            "a.asl.json",
            r#"{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}"#,
        )
        .unwrap();
        let found = machines(&doc.root);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].name, None);
    }

    #[test]
    fn a_template_lists_its_object_definitions_only() {
        let text = "Resources:\n  Flow:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Definition:\n        StartAt: A\n        States:\n          A:\n            Type: Succeed\n  Other:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionString: '{}'\n";
        let doc = parse("template.yaml", text).unwrap();
        let found = machines(&doc.root);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].name.as_deref(), Some("Flow"));
        let anchor = found[0].anchor.unwrap();
        assert_eq!(&text[anchor.start..anchor.end], "Flow");
    }

    #[test]
    fn the_innermost_state_holds_a_span() {
        let text = r#"{"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true,
            "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Pass", "End": true}}}]}}}"#;
        let doc = parse("a.json", text).unwrap();
        let machine = Machine::build(&doc.root);
        let at = text.find("\"Pass\"").unwrap();
        let inner = innermost_state(&machine, Span::new(at, at + 6)).unwrap();
        assert_eq!(machine.state(inner).name, "B");
        let at = text.find("\"End\"").unwrap();
        let outer = innermost_state(&machine, Span::new(at, at + 5)).unwrap();
        assert_eq!(machine.state(outer).name, "P");
        assert_eq!(innermost_state(&machine, Span::new(1, 10)), None);
    }
}
