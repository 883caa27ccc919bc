//! State names, where they are used and where they are defined: the target of a transition
//! (go to definition, hover) and the states as an outline.

use lsp_types::{DocumentSymbol, SymbolKind};

use super::convert::range;
use super::position::{Encoding, LineIndex};
use crate::asl::integrations;
use crate::asl::resource::Resource;
use crate::model::{Machine, ScopeId, ScopeKind, StateId, StateType};
use crate::outline;
use crate::source::Span;

/// Whether the cursor at `offset` is on `span` (its end included: the cursor after a word).
fn touches(span: Span, offset: usize) -> bool {
    span.start <= offset && offset <= span.end
}

/// The state named by the `StartAt` or transition target (`Next`, `Default`, a Choice rule's
/// or Catcher's `Next`) at `offset`, with the span of that name.
pub fn reference_at(machine: &Machine, offset: usize) -> Option<(Span, StateId)> {
    for scope in &machine.scopes {
        let Some(start_at) = scope.start_at else {
            continue;
        };
        if touches(start_at.value.span, offset) {
            let target = scope.state_named(start_at.value.as_str()?)?;
            return Some((start_at.value.span, target));
        }
    }
    for state in &machine.states {
        if !touches(state.node.span, offset) {
            continue;
        }
        for transition in &state.transitions {
            if touches(transition.span, offset) {
                let target = machine.scope(state.scope).state_named(transition.target)?;
                return Some((transition.span, target));
            }
        }
    }
    None
}

/// On a Task's `Resource` naming an integration the data knows: the call, its patterns and its
/// required and optional parameters, with the span of the Resource.
pub fn resource_at(machine: &Machine, offset: usize) -> Option<(Span, String)> {
    let state = machine.states.iter().find(|s| {
        s.task_resource()
            .is_some_and(|(node, _)| touches(node.span, offset))
    })?;
    let (node, arn) = state.task_resource()?;
    let call = integrations::call(&Resource::parse(arn))?;
    let mut out = format!("**{}**", call.describe());
    if let integrations::Call::Optimized(o) = call {
        let patterns: Vec<&str> = o
            .patterns()
            .map(|p| match p.suffix() {
                "" => "request/response",
                suffix => suffix,
            })
            .collect();
        out.push_str(&format!(
            " (optimized integration: {})\n\n{}",
            patterns.join(", "),
            o.page
        ));
    }
    let Some(params) = call.parameters() else {
        return Some((node.span, out));
    };
    let (required, optional): (Vec<_>, Vec<_>) = params.shape.members().partition(|m| m.required);
    let names = |members: &[integrations::Member]| {
        members
            .iter()
            .map(|m| format!("`{}`", m.name))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !required.is_empty() {
        out.push_str(&format!("\n\nRequired parameters: {}", names(&required)));
    }
    if !optional.is_empty() {
        out.push_str(&format!("\n\nOptional parameters: {}", names(&optional)));
    }
    Some((node.span, out))
}

/// What hovering a reference to a state shows: its type, where it is, and its comment.
pub fn describe(machine: &Machine, id: StateId) -> String {
    let state = machine.state(id);
    let ty = state.ty.map_or("(no valid Type)", StateType::name);
    let mut out = format!(
        "**{ty}** state `{}` in {}",
        state.name,
        machine.scope_path(state.scope)
    );
    if let Some((_, resource)) = state.task_resource() {
        out.push_str(&format!("\n\nResource: `{resource}`"));
    }
    if let Some(comment) = state.get("Comment").and_then(|c| c.as_str()) {
        out.push_str("\n\n");
        out.push_str(comment);
    }
    out
}

/// The states of one machine as an outline: Parallel branches under their state, a Map's
/// states under the Map; a machine a template declares under its name.
pub fn symbols(
    written: &outline::Written,
    machine: &Machine,
    index: &LineIndex,
    encoding: Encoding,
) -> Vec<DocumentSymbol> {
    let outline = Outline {
        machine,
        index,
        encoding,
    };
    let states = outline.scope(0);
    match (&written.name, written.anchor) {
        (Some(name), Some(anchor)) => vec![symbol(
            name.clone(),
            Some("state machine".to_string()),
            SymbolKind::MODULE,
            range(index, anchor.join(written.definition.span), encoding),
            range(index, anchor, encoding),
            states,
        )],
        _ => states,
    }
}

struct Outline<'a, 'd> {
    machine: &'a Machine<'d>,
    index: &'a LineIndex,
    encoding: Encoding,
}

impl Outline<'_, '_> {
    /// Scopes nest as deep as the document does, which the parsers bound.
    fn scope(&self, id: ScopeId) -> Vec<DocumentSymbol> {
        let states = &self.machine.scope(id).states;
        states.iter().map(|&state| self.state(state)).collect()
    }

    fn state(&self, id: StateId) -> DocumentSymbol {
        let machine = self.machine;
        let state = machine.state(id);
        let mut children = Vec::new();
        for &child in &state.children {
            let scope = machine.scope(child);
            match scope.kind {
                ScopeKind::Branch { index } => children.push(symbol(
                    format!("Branch {}", index + 1),
                    None,
                    SymbolKind::NAMESPACE,
                    self.range(scope.node.span),
                    self.range(Span::new(scope.node.span.start, scope.node.span.start)),
                    self.scope(child),
                )),
                _ => children.extend(self.scope(child)),
            }
        }
        symbol(
            state.name.to_string(),
            state.ty.map(|t| t.name().to_string()),
            kind(state.ty),
            self.range(outline::state_span(machine, id)),
            self.range(state.name_span),
            children,
        )
    }

    fn range(&self, span: Span) -> lsp_types::Range {
        range(self.index, span, self.encoding)
    }
}

fn kind(ty: Option<StateType>) -> SymbolKind {
    match ty {
        Some(StateType::Task) => SymbolKind::FUNCTION,
        Some(StateType::Pass) => SymbolKind::VARIABLE,
        Some(StateType::Choice) => SymbolKind::OPERATOR,
        Some(StateType::Wait) => SymbolKind::EVENT,
        Some(StateType::Succeed | StateType::Fail) => SymbolKind::CONSTANT,
        Some(StateType::Parallel) => SymbolKind::STRUCT,
        Some(StateType::Map) => SymbolKind::ARRAY,
        None => SymbolKind::OBJECT,
    }
}

fn symbol(
    name: String,
    detail: Option<String>,
    kind: SymbolKind,
    range: lsp_types::Range,
    selection_range: lsp_types::Range,
    children: Vec<DocumentSymbol>,
) -> DocumentSymbol {
    // `deprecated` is itself deprecated in favour of `tags`, but the struct still has it.
    #[allow(deprecated)]
    DocumentSymbol {
        // Editors reject an empty name.
        name: if name.is_empty() {
            "\"\"".to_string()
        } else {
            name
        },
        detail,
        kind,
        tags: None,
        deprecated: None,
        range,
        selection_range,
        children: (!children.is_empty()).then_some(children),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"{"StartAt": "P", "States": {
  "P": {"Type": "Parallel", "Next": "M", "Branches": [
    {"StartAt": "B", "States": {"B": {"Type": "Pass", "End": true}}}]},
  "M": {"Type": "Map", "End": true, "Comment": "Each item",
        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "P"}],
        "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}}}
}}"#;

    #[test]
    fn references_resolve_in_their_scope() {
        let doc = crate::document::parse("a.json", TEXT).unwrap();
        let machine = Machine::build(&doc.root);
        let name_of = |at: usize| {
            reference_at(&machine, at)
                .map(|(span, id)| (&TEXT[span.start..span.end], machine.state(id).name))
        };
        assert_eq!(name_of(TEXT.find("\"P\"").unwrap()), Some(("\"P\"", "P")));
        assert_eq!(
            name_of(TEXT.find("\"M\"").unwrap() + 2),
            Some(("\"M\"", "M"))
        );
        assert_eq!(name_of(TEXT.find("\"B\"").unwrap()), Some(("\"B\"", "B")));
        let catch = TEXT.rfind("\"P\"").unwrap();
        assert_eq!(name_of(catch + 1), Some(("\"P\"", "P")));
        assert_eq!(name_of(TEXT.find("Parallel").unwrap()), None);
        let m = reference_at(&machine, TEXT.find("\"M\"").unwrap())
            .unwrap()
            .1;
        assert_eq!(
            describe(&machine, m),
            "**Map** state `M` in the top-level States\n\nEach item"
        );
    }

    #[test]
    fn outline_nests_branches_and_map_states() {
        let doc = crate::document::parse("a.json", TEXT).unwrap();
        let machine = Machine::build(&doc.root);
        let index = LineIndex::new(TEXT);
        let written = &outline::machines(&doc.root)[0];
        let symbols = symbols(written, &machine, &index, Encoding::Utf16);
        let names: Vec<&str> = symbols.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["P", "M"]);
        let branch = &symbols[0].children.as_ref().unwrap()[0];
        assert_eq!(branch.name, "Branch 1");
        assert_eq!(branch.children.as_ref().unwrap()[0].name, "B");
        let map_children = symbols[1].children.as_ref().unwrap();
        assert_eq!(map_children[0].name, "I");
        assert_eq!(map_children[0].detail.as_deref(), Some("Task"));
    }
}
