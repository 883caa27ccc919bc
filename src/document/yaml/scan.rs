//! Byte-level helpers over the YAML text, shared by the tree builder and the error messages.

use crate::source::Span;

/// Span of the character at `at` (empty at the end of the text).
pub(super) fn char_span(text: &str, at: usize) -> Span {
    let at = at.min(text.len());
    let len = text[at..].chars().next().map_or(0, char::len_utf8);
    Span::new(at, at + len)
}

pub(super) fn skip_separation(bytes: &[u8], mut at: usize) -> usize {
    while let Some(&b) = bytes.get(at) {
        match b {
            b' ' | b'\t' | b'\r' | b'\n' => at += 1,
            b'#' => at = line_end(bytes, at),
            _ => break,
        }
    }
    at
}

pub(super) fn line_end(bytes: &[u8], at: usize) -> usize {
    bytes[at..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |n| at + n)
}

/// End of a tag or anchor token starting at `at`.
pub(super) fn token_end(bytes: &[u8], at: usize) -> usize {
    if bytes.get(at + 1) == Some(&b'<') {
        // A verbatim tag: `!<tag:example.com,2000:x>`.
        if let Some(n) = bytes[at..].iter().position(|&b| b == b'>') {
            return at + n + 1;
        }
    }
    bytes[at..]
        .iter()
        .position(|b| {
            matches!(
                b,
                b' ' | b'\t' | b'\r' | b'\n' | b',' | b'[' | b']' | b'{' | b'}'
            )
        })
        .map_or(bytes.len(), |n| at + n)
}
