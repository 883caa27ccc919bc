//! Our values as the protocol's: diagnostics, ranges, edits, and file URIs as paths.

use std::path::PathBuf;
use std::str::FromStr;

use lsp_types::{
    CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag, Location,
    NumberOrString, Range, TextEdit, Uri,
};

use super::position::{Encoding, LineIndex};
use crate::diagnostic::{Diagnostic, Edit, Severity};
use crate::report::sarif::INFORMATION_URI;
use crate::source::Span;

pub const SOURCE: &str = "asl-lint";

pub fn range(index: &LineIndex, span: Span, encoding: Encoding) -> Range {
    Range::new(
        index.position(span.start, encoding),
        index.position(span.end, encoding),
    )
}

pub fn span(index: &LineIndex, range: Range, encoding: Encoding) -> Span {
    let start = index.offset(range.start, encoding);
    let end = index.offset(range.end, encoding);
    Span::new(start.min(end), end.max(start))
}

pub fn text_edit(index: &LineIndex, edit: &Edit, encoding: Encoding) -> TextEdit {
    TextEdit::new(range(index, edit.span, encoding), edit.replacement.clone())
}

/// A finding as the editor shows it: the help on its own line after the message, related
/// spans as related information, unreachable states faded out.
pub fn diagnostic(
    d: &Diagnostic,
    index: &LineIndex,
    encoding: Encoding,
    uri: &Uri,
) -> lsp_types::Diagnostic {
    let severity = match d.severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    };
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .related
        .iter()
        .map(|r| DiagnosticRelatedInformation {
            location: Location::new(uri.clone(), range(index, r.span, encoding)),
            message: r.message.clone(),
        })
        .collect();
    let tags = (d.rule == "unreachable-state").then(|| vec![DiagnosticTag::UNNECESSARY]);
    lsp_types::Diagnostic {
        range: range(index, d.span, encoding),
        severity: Some(severity),
        code: Some(NumberOrString::String(d.rule.to_string())),
        code_description: rule_uri(d.rule).map(|href| CodeDescription { href }),
        source: Some(SOURCE.to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags,
        data: None,
    }
}

/// The rule's document online.
fn rule_uri(rule: &str) -> Option<Uri> {
    Uri::from_str(&format!("{INFORMATION_URI}/blob/main/rules/{rule}.md")).ok()
}

/// The local path a `file:` URI names; `None` for other schemes.
pub fn path_of(uri: &Uri) -> Option<PathBuf> {
    let text = uri.as_str();
    let scheme_end = text.find(':')?;
    if !text[..scheme_end].eq_ignore_ascii_case("file") {
        return None;
    }
    let rest = text[scheme_end + 1..].strip_prefix("//")?;
    // The authority: empty or `localhost` for local files.
    let slash = rest.find('/')?;
    let authority = &rest[..slash];
    if !(authority.is_empty() || authority.eq_ignore_ascii_case("localhost")) {
        return None;
    }
    let path = &rest[slash..];
    let path = &path[..path.find(['?', '#']).unwrap_or(path.len())];
    let bytes = percent_decode(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        Some(PathBuf::from(std::ffi::OsString::from_vec(bytes)))
    }
    #[cfg(not(unix))]
    {
        // `/C:/dir/file` on Windows.
        let text = String::from_utf8(bytes).ok()?;
        let text = match text.as_bytes() {
            [b'/', _, b':', ..] => &text[1..],
            _ => &text[..],
        };
        Some(PathBuf::from(text))
    }
}

fn percent_decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_uris_and_paths() {
        let uri = Uri::from_str("file:///tmp/a%20b/flow.asl.json").unwrap();
        assert_eq!(path_of(&uri), Some(PathBuf::from("/tmp/a b/flow.asl.json")));
        let uri = Uri::from_str("file://localhost/x.json").unwrap();
        assert_eq!(path_of(&uri), Some(PathBuf::from("/x.json")));
        for other in ["untitled:Untitled-1", "file://server/share/x.json"] {
            assert_eq!(path_of(&Uri::from_str(other).unwrap()), None, "{other}");
        }
        assert_eq!(percent_decode("a%zz"), None);
        assert_eq!(percent_decode("a%C3%A9"), Some("aé".as_bytes().to_vec()));
    }
}
