//! Diagnostics: what rules find (`Finding`, spans only) and what reporters print
//! (`Diagnostic`, with rule id, severity, pointer and line/column resolved).

use std::fmt;

use crate::document::{pointer_to, Node};
use crate::source::{LineCol, SourceFile, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a fix keeps the definition doing what its author meant (ruff's split): safe fixes
/// are applied by `--fix` and offered as quick fixes; unsafe ones change behaviour and are
/// applied only with `--unsafe-fixes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Applicability {
    Safe,
    Unsafe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// Replace the bytes of `span` with `replacement`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

impl Edit {
    pub fn replace(span: Span, replacement: impl Into<String>) -> Self {
        Edit {
            span,
            replacement: replacement.into(),
        }
    }

    pub fn insert(at: usize, text: impl Into<String>) -> Self {
        Edit::replace(Span::new(at, at), text)
    }

    pub fn delete(span: Span) -> Self {
        Edit::replace(span, "")
    }
}

/// A machine-applicable correction: non-overlapping edits to the file the finding is in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// What the fix does, imperative: "replace 'Wiat' with 'Wait'".
    pub title: String,
    pub edits: Vec<Edit>,
    pub applicability: Applicability,
}

impl Fix {
    pub fn safe(title: impl Into<String>, edits: Vec<Edit>) -> Self {
        Fix {
            title: title.into(),
            edits,
            applicability: Applicability::Safe,
        }
    }

    pub fn unsafe_(title: impl Into<String>, edits: Vec<Edit>) -> Self {
        Fix {
            title: title.into(),
            edits,
            applicability: Applicability::Unsafe,
        }
    }
}

/// What a rule reports: a span in the document and plain-words text. The engine adds the rest.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
    /// Name of the state the finding is about.
    pub state: Option<String>,
    pub related: Vec<(Span, String)>,
    /// Overrides the rule's default severity for this one finding.
    pub severity: Option<Severity>,
    pub fix: Option<Fix>,
}

impl Finding {
    pub fn new(span: Span, message: impl Into<String>) -> Self {
        Finding {
            span,
            message: message.into(),
            help: None,
            state: None,
            related: Vec::new(),
            severity: None,
            fix: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn state(mut self, name: impl Into<String>) -> Self {
        self.state = Some(name.into());
        self
    }

    pub fn related(mut self, span: Span, message: impl Into<String>) -> Self {
        self.related.push((span, message.into()));
        self
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = Some(severity);
        self
    }

    pub fn fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Related {
    pub message: String,
    pub span: Span,
    pub pointer: String,
    pub start: LineCol,
}

/// A located, reportable diagnostic.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    pub state: Option<String>,
    /// The template resource (logical id) or Serverless machine the finding is in.
    pub machine: Option<String>,
    pub span: Span,
    pub pointer: String,
    /// For a definition carried in a string (a template's `DefinitionString`), the pointer
    /// inside that definition; `pointer` then names the string fragment in the file.
    pub definition_pointer: Option<String>,
    pub start: LineCol,
    pub end: LineCol,
    pub related: Vec<Related>,
    /// Edits in this file's text that correct the finding.
    pub fix: Option<Fix>,
}

impl Diagnostic {
    /// Resolves a finding against its source; `root` gives the JSON pointer (none for parse errors).
    pub fn locate(
        rule: &'static str,
        severity: Severity,
        finding: Finding,
        source: &SourceFile,
        root: Option<&Node>,
    ) -> Diagnostic {
        let pointer = |span: Span| root.map(|r| pointer_to(r, span)).unwrap_or_default();
        let related = finding
            .related
            .into_iter()
            .map(|(span, message)| Related {
                message,
                span,
                pointer: pointer(span),
                start: source.line_col(span.start),
            })
            .collect();
        Diagnostic {
            rule,
            severity: finding.severity.unwrap_or(severity),
            pointer: pointer(finding.span),
            definition_pointer: None,
            start: source.line_col(finding.span.start),
            end: source.line_col(finding.span.end),
            span: finding.span,
            message: finding.message,
            help: finding.help,
            state: finding.state,
            machine: None,
            related,
            fix: finding.fix,
        }
    }
}
