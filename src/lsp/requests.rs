//! Requests on one document: hover, go to definition, document symbols and code actions. Each
//! reads the lint of the document's current version (made now if the worker has not).

use std::collections::HashMap;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, DocumentSymbolParams,
    DocumentSymbolResponse, GotoDefinitionParams, GotoDefinitionResponse, Hover, HoverContents,
    HoverParams, Location, MarkupContent, MarkupKind, Uri, WorkspaceEdit,
};
use serde_json::Value;

use super::convert::{range, span, text_edit};
use super::documents::Linted;
use super::navigation;
use super::worker::Shared;
use crate::diagnostic::{Applicability, Fix};
use crate::document::Document;
use crate::model::Machine;
use crate::outline;
use crate::rules;
use crate::source::Span;

/// The document parsed, when it is ours and parses.
fn parsed(linted: &Linted, uri: &Uri) -> Option<Document> {
    if !linted.ours {
        return None;
    }
    crate::document::parse(uri.as_str(), &linted.text).ok()
}

fn to_value<T: serde::Serialize>(value: Option<T>) -> Value {
    value
        .and_then(|v| serde_json::to_value(v).ok())
        .unwrap_or(Value::Null)
}

/// A finding's rule document; on a state name in a transition, that state's type and comment;
/// on a Task's Resource, the integration's parameters.
pub fn hover(shared: &Shared, params: HoverParams) -> Value {
    let uri = &params.text_document_position_params.text_document.uri;
    let Some(linted) = shared.current(uri) else {
        return Value::Null;
    };
    let position = params.text_document_position_params.position;
    let offset = linted.index.offset(position, shared.encoding);
    let mut sections = Vec::new();
    let mut at: Option<Span> = None;
    if let Some(document) = parsed(&linted, uri) {
        for written in outline::machines(&document.root) {
            let machine = Machine::build(written.definition);
            if let Some((reference, target)) = navigation::reference_at(&machine, offset) {
                sections.push(navigation::describe(&machine, target));
                at = Some(reference);
                break;
            }
            if let Some((resource, text)) = navigation::resource_at(&machine, offset) {
                sections.push(text);
                at = Some(resource);
                break;
            }
        }
    }
    let mut rules_shown = Vec::new();
    for d in &linted.diagnostics {
        let on = d.span.start <= offset && offset <= d.span.end;
        if !on || rules_shown.contains(&d.rule) {
            continue;
        }
        rules_shown.push(d.rule);
        if let Some(rule) = rules::find(d.rule) {
            sections.push(rule.doc.trim_end().to_string());
            at.get_or_insert(d.span);
        }
    }
    let Some(at) = at else {
        return Value::Null;
    };
    to_value(Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: sections.join("\n\n---\n\n"),
        }),
        range: Some(range(&linted.index, at, shared.encoding)),
    }))
}

/// From a transition's target (or `StartAt`) to the state it names.
pub fn definition(shared: &Shared, params: GotoDefinitionParams) -> Value {
    let uri = &params.text_document_position_params.text_document.uri;
    let Some(linted) = shared.current(uri) else {
        return Value::Null;
    };
    let Some(document) = parsed(&linted, uri) else {
        return Value::Null;
    };
    let offset = linted.index.offset(
        params.text_document_position_params.position,
        shared.encoding,
    );
    for written in outline::machines(&document.root) {
        let machine = Machine::build(written.definition);
        if let Some((_, target)) = navigation::reference_at(&machine, offset) {
            let name = machine.state(target).name_span;
            let location = Location::new(uri.clone(), range(&linted.index, name, shared.encoding));
            return to_value(Some(GotoDefinitionResponse::Scalar(location)));
        }
    }
    Value::Null
}

/// The states as an outline.
pub fn symbols(shared: &Shared, params: DocumentSymbolParams) -> Value {
    let uri = &params.text_document.uri;
    let Some(linted) = shared.current(uri) else {
        return Value::Null;
    };
    let Some(document) = parsed(&linted, uri) else {
        return to_value(Some(DocumentSymbolResponse::Nested(Vec::new())));
    };
    let mut symbols = Vec::new();
    for written in outline::machines(&document.root) {
        let machine = Machine::build(written.definition);
        symbols.extend(navigation::symbols(
            &written,
            &machine,
            &linted.index,
            shared.encoding,
        ));
    }
    to_value(Some(DocumentSymbolResponse::Nested(symbols)))
}

/// For each finding in the range: its fix (safe ones preferred, unsafe ones said so), and
/// "disable <rule> for this state".
pub fn code_actions(shared: &Shared, params: CodeActionParams) -> Value {
    let uri = &params.text_document.uri;
    let wanted = params.context.only.as_ref().is_none_or(|only| {
        only.iter()
            .any(|k| CodeActionKind::QUICKFIX.as_str().starts_with(k.as_str()))
    });
    let Some(linted) = shared.current(uri) else {
        return Value::Null;
    };
    if !wanted {
        return Value::Array(Vec::new());
    }
    let encoding = shared.encoding;
    let asked = span(&linted.index, params.range, encoding);
    let document = parsed(&linted, uri);
    let machines = document
        .as_ref()
        .map(|d| crate::disable::Machines::new(&d.root));
    let mut actions = Vec::new();
    let mut disables: Vec<String> = Vec::new();
    for (d, published) in linted.diagnostics.iter().zip(&linted.published) {
        let overlaps = d.span.start <= asked.end && asked.start <= d.span.end;
        if !overlaps {
            continue;
        }
        if let Some(fix) = &d.fix {
            let title = match fix.applicability {
                Applicability::Safe => fix.title.clone(),
                Applicability::Unsafe => {
                    format!(
                        "{} (unsafe: may change what the state machine does)",
                        fix.title
                    )
                }
            };
            actions.push(action(
                title,
                fix,
                fix.applicability == Applicability::Safe,
                published,
                uri,
                &linted,
                shared,
            ));
        }
        actions.extend(super::permissions::code_action(
            shared, &linted, uri, d, published,
        ));
        let disable = machines
            .as_ref()
            .and_then(|m| m.fix(&linted.text, d.rule, d.span));
        if let Some(fix) = disable {
            if !disables.contains(&fix.title) {
                disables.push(fix.title.clone());
                actions.push(action(
                    fix.title.clone(),
                    &fix,
                    false,
                    published,
                    uri,
                    &linted,
                    shared,
                ));
            }
        }
    }
    to_value(Some(actions))
}

fn action(
    title: String,
    fix: &Fix,
    preferred: bool,
    published: &lsp_types::Diagnostic,
    uri: &Uri,
    linted: &Linted,
    shared: &Shared,
) -> CodeActionOrCommand {
    let edits = fix
        .edits
        .iter()
        .map(|e| text_edit(&linted.index, e, shared.encoding))
        .collect();
    CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![published.clone()]),
        edit: Some(WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), edits)])),
            ..Default::default()
        }),
        is_preferred: preferred.then_some(true),
        ..Default::default()
    })
}
