//! The code action on a `missing-permission` finding: add the missing statements (a SAM policy
//! template where one covers them) to the machine's `Policies` or role, in its template, which
//! may be another file than the definition the finding is in.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::{CodeAction, CodeActionKind, CodeActionOrCommand, Uri, WorkspaceEdit};

use super::amend::{amendment, Amendment};
use super::convert::{path_of, text_edit};
use super::documents::Linted;
use super::position::LineIndex;
use super::worker::Shared;
use crate::diagnostic::Diagnostic;
use crate::files::{read_file, DEFAULT_MAX_FILE_SIZE};

/// The action for finding `d` of the document at `uri`, if its template can be amended.
pub fn code_action(
    shared: &Shared,
    linted: &Linted,
    uri: &Uri,
    d: &Diagnostic,
    published: &lsp_types::Diagnostic,
) -> Option<CodeActionOrCommand> {
    if d.rule != "missing-permission" {
        return None;
    }
    let machine = d.machine.as_deref()?;
    let state = d.state.as_deref();
    let name = path_of(uri).map_or_else(|| uri.as_str().to_string(), |p| p.display().to_string());
    // The finding is in the template itself (a definition written in it)…
    if let Some(a) = amendment(&name, &linted.text, machine, None, state) {
        let edit = text_edit(&linted.index, &a.edit, shared.encoding);
        return Some(action(a, uri.clone(), edit, published));
    }
    // …or in a definition file that a template deploys.
    let path = path_of(uri)?;
    let template = shared
        .engine
        .template_contexts(&path)
        .into_iter()
        .find(|c| c.machine.as_deref() == Some(machine))?
        .deployment?
        .permissions?
        .location
        .clone()?
        .path;
    let template = absolute(Path::new(&template));
    let (template_uri, text) = open_or_read(shared, &template)?;
    let definition = crate::document::parse(&name, &linted.text).ok()?;
    let a = amendment(
        &template.display().to_string(),
        &text,
        machine,
        Some(&definition.root),
        state,
    )?;
    let edit = text_edit(&LineIndex::new(&text), &a.edit, shared.encoding);
    Some(action(a, template_uri, edit, published))
}

fn action(
    a: Amendment,
    uri: Uri,
    edit: lsp_types::TextEdit,
    published: &lsp_types::Diagnostic,
) -> CodeActionOrCommand {
    CodeActionOrCommand::CodeAction(CodeAction {
        title: a.title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![published.clone()]),
        edit: Some(WorkspaceEdit {
            changes: Some(HashMap::from([(uri, vec![edit])])),
            ..Default::default()
        }),
        ..Default::default()
    })
}

fn absolute(path: &Path) -> PathBuf {
    if path.is_absolute() {
        return path.to_path_buf();
    }
    std::env::current_dir()
        .map(|cwd| cwd.join(path))
        .unwrap_or_else(|_| path.to_path_buf())
}

/// The template's URI and text: the editor's, when it has the file open, else the file's.
fn open_or_read(shared: &Shared, path: &Path) -> Option<(Uri, String)> {
    let open = shared
        .documents()
        .keys()
        .find(|uri| path_of(uri).is_some_and(|p| same(&p, path)))
        .cloned();
    if let Some(uri) = open {
        let linted = shared.current(&uri)?;
        return Some((uri, linted.text.to_string()));
    }
    let bytes = read_file(path, DEFAULT_MAX_FILE_SIZE).ok()?;
    Some((file_uri(path)?, String::from_utf8(bytes).ok()?))
}

fn same(a: &Path, b: &Path) -> bool {
    a == b
        || matches!(
            (std::fs::canonicalize(a), std::fs::canonicalize(b)),
            (Ok(x), Ok(y)) if x == y
        )
}

/// `file:///…` for an absolute path, percent-encoding what a URI path may not hold.
fn file_uri(path: &Path) -> Option<Uri> {
    let mut out = String::from("file://");
    let text = path.to_str()?;
    if !text.starts_with('/') {
        out.push('/');
    }
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            b'\\' => out.push('/'),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    Uri::from_str(&out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_uris_round_trip() {
        let path = Path::new("/tmp/a b/t.yaml");
        let uri = file_uri(path).unwrap();
        assert_eq!(uri.as_str(), "file:///tmp/a%20b/t.yaml");
        assert_eq!(path_of(&uri).unwrap(), path);
    }
}
