//! The directive grammar (`asl-lint-disable[-file] <rule>…`), and where a directive was written.

use std::ops::Range;

use super::KEYWORD;
use crate::document::Node;
use crate::source::{SourceFile, Span};

const FILE_SUFFIX: &str = "-file";

/// One directive as written in a comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive<'t> {
    /// `asl-lint-disable-file` rather than `asl-lint-disable`.
    pub file: bool,
    /// Byte range of the keyword in the parsed text.
    pub keyword: Range<usize>,
    /// The listed rule ids as written (known or not) and their byte ranges; empty when the
    /// directive is bare, which means every rule.
    pub ids: Vec<(&'t str, Range<usize>)>,
}

/// Bytes that continue a word: a keyword glued to one of them is not a directive.
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b >= 0x80
}

/// Every directive in `text`.
///
/// Grammar: `asl-lint-disable[-file]`, standing as a word of its own, then an optional `:`, then
/// rule ids separated by commas and/or whitespace. The list ends at the end of the line, at `;`
/// or `.`, or where the next directive starts; whatever follows is free text (the reason).
pub fn parse(text: &str) -> Vec<Directive<'_>> {
    let bytes = text.as_bytes();
    let hits: Vec<usize> = text.match_indices(KEYWORD).map(|(i, _)| i).collect();
    let mut out = Vec::new();
    for (n, &start) in hits.iter().enumerate() {
        if start > 0 && is_word_byte(bytes[start - 1]) {
            continue;
        }
        let mut end = start + KEYWORD.len();
        let file = text[end..].starts_with(FILE_SUFFIX)
            && bytes
                .get(end + FILE_SUFFIX.len())
                .is_none_or(|&b| !is_word_byte(b));
        if file {
            end += FILE_SUFFIX.len();
        } else if bytes.get(end).is_some_and(|&b| is_word_byte(b)) {
            // `asl-lint-disable-next-line`, `asl-lint-disabled`: not ours.
            continue;
        }
        let limit = hits.get(n + 1).copied().unwrap_or(text.len());
        let list_end = text[end..limit]
            .find(['\n', '\r', ';', '.'])
            .map_or(limit, |i| end + i);
        let mut list_start = end;
        let list = &text[end..list_end];
        let trimmed = list.trim_start();
        if trimmed.starts_with(':') {
            list_start += list.len() - trimmed.len() + 1;
        }
        let mut ids = Vec::new();
        let mut token_start = None;
        for (i, c) in text[list_start..list_end]
            .char_indices()
            .chain([(list_end - list_start, ' ')])
        {
            let at = list_start + i;
            if c == ',' || c.is_whitespace() {
                if let Some(s) = token_start.take() {
                    ids.push((&text[s..at], s..at));
                }
            } else if token_start.is_none() {
                token_start = Some(at);
            }
        }
        out.push(Directive {
            file,
            keyword: start..end,
            ids,
        });
    }
    out
}

/// Where a directive was written: how to turn its byte ranges into source spans.
pub(super) struct Written {
    /// Source offset of the parsed text's first byte, when the text is the source verbatim.
    pub(super) base: Option<usize>,
    /// The whole string value or comment, the fallback when `base` is unknown.
    pub(super) whole: Span,
}

impl Written {
    /// A string value: its text maps onto the source when it has no escapes, with or without
    /// quotes around it; otherwise every range maps to the whole value.
    pub(super) fn string(source: &SourceFile, node: &Node, text: &str) -> Self {
        let raw = source
            .text
            .get(node.span.start..node.span.end)
            .unwrap_or("");
        let base = if raw == text {
            Some(node.span.start)
        } else if raw.len() == text.len() + 2 && raw.get(1..raw.len() - 1) == Some(text) {
            Some(node.span.start + 1)
        } else {
            None
        };
        Written {
            base,
            whole: node.span,
        }
    }

    pub(super) fn span(&self, range: &Range<usize>) -> Span {
        match self.base {
            Some(base) => Span::new(base + range.start, base + range.end),
            None => self.whole,
        }
    }
}
