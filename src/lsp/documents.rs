//! The documents the editor has open, and what linting one version of a document gave.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lsp_types::{TextDocumentContentChangeEvent, Uri};

use super::convert;
use super::position::{Encoding, LineIndex};
use crate::baseline::Baselines;
use crate::diagnostic::Diagnostic;
use crate::discover;
use crate::engine::Engine;
use crate::lint;

/// What a document is linted as.
#[derive(Clone, Debug)]
pub enum Target {
    /// A file on disk: its configuration and its project's templates apply.
    File(PathBuf),
    /// A buffer with no file (`untitled:`): linted like standard input, under this name.
    Buffer(String),
}

impl Target {
    pub fn of(uri: &Uri) -> Target {
        match convert::path_of(uri) {
            Some(path) => Target::File(path),
            None => Target::Buffer(uri.as_str().to_string()),
        }
    }

    pub fn name(&self) -> String {
        match self {
            Target::File(path) => path.to_string_lossy().into_owned(),
            Target::Buffer(name) => name.clone(),
        }
    }
}

/// An open document.
#[derive(Debug)]
pub struct Document {
    pub target: Target,
    pub version: i32,
    pub text: Arc<String>,
    /// The latest lint of this document, possibly of an older version.
    pub linted: Option<Arc<Linted>>,
    /// The editor shows diagnostics for it: a document that stops being ours is cleared.
    pub shown: bool,
}

impl Document {
    pub fn new(uri: &Uri, version: i32, text: String) -> Document {
        Document {
            target: Target::of(uri),
            version,
            text: Arc::new(text),
            linted: None,
            shown: false,
        }
    }

    /// Applies the editor's changes in order: a range replaces that part of the text, no
    /// range replaces all of it.
    pub fn apply(&mut self, changes: Vec<TextDocumentContentChangeEvent>, encoding: Encoding) {
        let text = Arc::make_mut(&mut self.text);
        for change in changes {
            match change.range {
                Some(range) => {
                    let index = LineIndex::new(text);
                    let span = convert::span(&index, range, encoding);
                    text.replace_range(span.start..span.end, &change.text);
                }
                None => *text = change.text,
            }
        }
    }

    /// Whether `linted` is of the current text.
    pub fn is_current(&self) -> Option<&Arc<Linted>> {
        self.linted.as_ref().filter(|l| l.version == self.version)
    }
}

/// What one version of a document lints to, with what requests on it need.
#[derive(Debug)]
pub struct Linted {
    pub version: i32,
    pub text: Arc<String>,
    pub index: LineIndex,
    /// The content detection took the document: a definition or a template.
    pub ours: bool,
    pub diagnostics: Vec<Diagnostic>,
    /// `diagnostics` as published, in the same order.
    pub published: Vec<lsp_types::Diagnostic>,
}

/// Lints one version of a document with the engine, as the command line would lint the file.
pub fn lint(
    engine: &Engine,
    target: &Target,
    text: Arc<String>,
    version: i32,
    uri: &Uri,
    encoding: Encoding,
) -> Linted {
    let bytes = text.as_bytes().to_vec();
    let report = match target {
        Target::File(path) => engine.lint_document(path, bytes),
        Target::Buffer(name) => {
            let options = engine.options_for_stdin(Some(name));
            let selection = discover::named_selection(Path::new(name));
            lint::lint_bytes(name, bytes, selection, &options)
        }
    };
    let ours = report.is_some();
    let mut diagnostics = match (report, target) {
        (Some(mut report), Target::File(path)) => {
            // What the command line leaves out, the editor does too.
            if let Some(baseline) = &engine.options_for_file(path).baseline {
                let _ = Baselines::default().filter(&mut report, baseline);
            }
            report.diagnostics
        }
        (report, _) => report.map(|r| r.diagnostics).unwrap_or_default(),
    };
    // A definition two templates deploy is linted in each context: alike findings show once.
    let mut seen = HashSet::new();
    diagnostics.retain(|d| seen.insert((d.rule, d.span, d.message.clone())));
    let index = LineIndex::new(&text);
    let published = diagnostics
        .iter()
        .map(|d| convert::diagnostic(d, &index, encoding, uri))
        .collect();
    Linted {
        version,
        text,
        index,
        ours,
        diagnostics,
        published,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_types::{Position, Range};
    use std::str::FromStr;

    #[test]
    fn changes_apply_in_order() {
        let uri = Uri::from_str("untitled:x").unwrap();
        let mut doc = Document::new(&uri, 1, "ab\ncé d\n".to_string());
        let change = |line, from, to, text: &str| TextDocumentContentChangeEvent {
            range: Some(Range::new(
                Position::new(line, from),
                Position::new(line, to),
            )),
            range_length: None,
            text: text.to_string(),
        };
        doc.apply(
            vec![
                change(1, 2, 3, "X"),
                change(0, 0, 0, ">"),
                change(1, 0, 4, ""),
            ],
            Encoding::Utf16,
        );
        assert_eq!(doc.text.as_str(), ">ab\n\n");
        doc.apply(
            vec![TextDocumentContentChangeEvent {
                range: None,
                range_length: None,
                text: "new".to_string(),
            }],
            Encoding::Utf8,
        );
        assert_eq!(doc.text.as_str(), "new");
    }
}
