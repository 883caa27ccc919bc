//! Where the characters of a decoded string value sit in the source text.
//!
//! A string node's value (`Node::as_str`) is its raw text decoded: JSON escapes, YAML quotes,
//! folding, block indentation and chomping. `ValueMap` decodes the raw text again, remembering
//! where each decoded piece came from, and checks that it really yields the node's value (a
//! template substitution builds a copy whose value differs from the text under its span). A
//! finding inside a value then points at the exact characters, across escapes and line breaks.

use std::ops::Range;

use super::Node;
use crate::source::Span;

mod block;
mod flow;
#[cfg(test)]
mod tests;

use block::block;
use flow::{plain, quoted};

/// How a scalar is written, which decides how its text decodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// A JSON string or a YAML double-quoted scalar (JSON's escapes are a subset of YAML's).
    DoubleQuoted,
    SingleQuoted,
    Plain,
    /// YAML `|`.
    Literal,
    /// YAML `>`.
    Folded,
}

/// A run of decoded bytes and the raw bytes it came from. A verbatim piece is copied byte for
/// byte (so offsets inside it map one to one); any other piece (an escape, a folded line break,
/// a chomped ending) maps as a whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Piece {
    decoded: usize,
    len: usize,
    raw: usize,
    raw_len: usize,
    verbatim: bool,
}

/// The decoded value of one string node with the origin of every decoded byte.
#[derive(Debug)]
pub struct ValueMap {
    style: Style,
    /// The node's span: mapped spans never leave it.
    node: Span,
    pieces: Vec<Piece>,
    len: usize,
}

impl ValueMap {
    /// The map of `node`'s string value in `text` (the source its spans refer to), or `None`
    /// when it is not a string or its raw text does not decode to its value.
    pub fn new(text: &str, node: &Node) -> Option<ValueMap> {
        let value = node.as_str()?;
        let raw = text.get(node.span.start..node.span.end)?;
        let style = match raw.as_bytes().first() {
            Some(b'"') => Style::DoubleQuoted,
            Some(b'\'') => Style::SingleQuoted,
            Some(b'|') => Style::Literal,
            Some(b'>') => Style::Folded,
            _ => Style::Plain,
        };
        let decoded = match style {
            Style::DoubleQuoted | Style::SingleQuoted => {
                quoted(raw, node.span.start, style == Style::DoubleQuoted)
            }
            Style::Plain => plain(raw, node.span.start),
            Style::Literal | Style::Folded => block(text, node.span.start, value),
        }?;
        if decoded.text != value {
            return None;
        }
        Some(ValueMap {
            style,
            node: node.span,
            len: decoded.text.len(),
            pieces: decoded.pieces,
        })
    }

    pub fn style(&self) -> Style {
        self.style
    }

    /// The source span of decoded bytes `range` (clamped to the value).
    pub fn span(&self, range: Range<usize>) -> Span {
        let start = self.start(range.start.min(self.len));
        let end = self.end(range.end.clamp(range.start.min(self.len), self.len));
        let clamp = |o: usize| o.clamp(self.node.start, self.node.end);
        let (start, end) = (clamp(start), clamp(end));
        Span::new(start, end.max(start))
    }

    /// The source span of decoded bytes `range` when those bytes are written verbatim, one
    /// run of identical bytes in the source; `None` when an escape, a line break or
    /// indentation lies inside. Only such a span can be replaced without re-encoding around it.
    pub fn verbatim(&self, range: Range<usize>) -> Option<Span> {
        if range.start > range.end || range.end > self.len {
            return None;
        }
        // An empty range is an insertion point: any verbatim piece it touches places it.
        let piece = self
            .pieces
            .iter()
            .find(|p| p.verbatim && p.decoded <= range.start && range.end <= p.decoded + p.len)?;
        let start = piece.raw + (range.start - piece.decoded);
        Some(Span::new(start, start + range.len()))
    }

    /// `text` written so that it decodes to itself inside this value, for replacing a verbatim
    /// span (see `verbatim`); `None` when the style cannot hold it without rewriting more of
    /// the scalar (a line break in a block or single-quoted scalar, an indicator in a plain one).
    pub fn encode(&self, text: &str) -> Option<String> {
        match self.style {
            Style::DoubleQuoted => {
                let mut out = String::with_capacity(text.len());
                for c in text.chars() {
                    match c {
                        '"' => out.push_str("\\\""),
                        '\\' => out.push_str("\\\\"),
                        '\n' => out.push_str("\\n"),
                        '\r' => out.push_str("\\r"),
                        '\t' => out.push_str("\\t"),
                        c if (c as u32) < 0x20 || c == '\u{7f}' => {
                            out.push_str(&format!("\\u{:04x}", c as u32))
                        }
                        c => out.push(c),
                    }
                }
                Some(out)
            }
            Style::SingleQuoted => (!text.contains(['\n', '\r'])).then(|| text.replace('\'', "''")),
            Style::Literal | Style::Folded => {
                (!text.contains(['\n', '\r'])).then(|| text.to_string())
            }
            Style::Plain => text
                .bytes()
                .all(|b| {
                    b.is_ascii_alphanumeric()
                        || matches!(b, b'_' | b'-' | b'.' | b'$' | b'@' | b'/')
                })
                .then(|| text.to_string()),
        }
    }

    /// The source offset where decoded offset `at` starts.
    fn start(&self, at: usize) -> usize {
        // The first piece that ends after `at` holds it.
        let i = self.pieces.partition_point(|p| p.decoded + p.len <= at);
        match self.pieces.get(i) {
            Some(p) if p.verbatim && p.decoded <= at => p.raw + (at - p.decoded),
            Some(p) => p.raw,
            None => self
                .pieces
                .last()
                .map_or(self.node.end, |p| p.raw + p.raw_len),
        }
    }

    /// The source offset where the decoded text before offset `at` ends.
    fn end(&self, at: usize) -> usize {
        if at == 0 {
            return self.start(0);
        }
        // The piece holding byte `at - 1`.
        let i = self.pieces.partition_point(|p| p.decoded + p.len < at);
        match self.pieces.get(i) {
            Some(p) if p.verbatim => p.raw + (at - p.decoded),
            Some(p) => p.raw + p.raw_len,
            None => self
                .pieces
                .last()
                .map_or(self.node.end, |p| p.raw + p.raw_len),
        }
    }
}

/// The source span of bytes `decoded` of `node`'s string value, in `text`. When the raw text
/// does not decode to the value (or the node is not a string), the whole node. An empty range
/// widens to the character after it (or before it, at the end).
pub fn value_span(text: &str, node: &Node, decoded: Range<usize>) -> Span {
    let Some(s) = node.as_str() else {
        return node.span;
    };
    let mut start = decoded.start.min(s.len());
    let mut end = decoded.end.clamp(start, s.len());
    if start == end {
        if let Some(c) = s.get(start..).and_then(|r| r.chars().next()) {
            end = start + c.len_utf8();
        } else if let Some(c) = s.get(..start).and_then(|r| r.chars().next_back()) {
            start -= c.len_utf8();
        } else {
            return node.span;
        }
    }
    if !s.is_char_boundary(start) || !s.is_char_boundary(end) {
        return node.span;
    }
    match ValueMap::new(text, node) {
        Some(map) => map.span(start..end),
        None => node.span,
    }
}

/// A decoded text being built with its pieces.
#[derive(Default)]
pub(super) struct Decoded {
    text: String,
    pieces: Vec<Piece>,
}

impl Decoded {
    /// Appends `s`, written verbatim at source offset `raw`.
    fn verbatim(&mut self, s: &str, raw: usize) {
        if s.is_empty() {
            return;
        }
        let decoded = self.text.len();
        self.text.push_str(s);
        if let Some(last) = self.pieces.last_mut() {
            if last.verbatim && last.raw + last.raw_len == raw && last.decoded + last.len == decoded
            {
                last.len += s.len();
                last.raw_len += s.len();
                return;
            }
        }
        self.pieces.push(Piece {
            decoded,
            len: s.len(),
            raw,
            raw_len: s.len(),
            verbatim: true,
        });
    }

    /// Appends `s`, decoded from source bytes `raw`.
    fn coded(&mut self, s: &str, raw: Range<usize>) {
        self.pieces.push(Piece {
            decoded: self.text.len(),
            len: s.len(),
            raw: raw.start,
            raw_len: raw.end - raw.start,
            verbatim: false,
        });
        self.text.push_str(s);
    }
}

pub(super) fn is_break(b: u8) -> bool {
    b == b'\n' || b == b'\r'
}

pub(super) fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Length of the line break at `at` (`\n`, `\r\n` or `\r`).
pub(super) fn break_len(bytes: &[u8], at: usize) -> usize {
    match (bytes.get(at), bytes.get(at + 1)) {
        (Some(b'\r'), Some(b'\n')) => 2,
        (Some(b'\n' | b'\r'), _) => 1,
        _ => 0,
    }
}

/// YAML line folding in flow scalars (quoted and plain), from the unescaped line break at
/// `at` (whose line's trailing blanks start at `blanks`), offsets in `bytes`, which sit at
/// source offset `base`: the break becomes a space, or each following empty line a newline;
/// leading blanks of the next line are dropped. Returns where the next line's content starts.
pub(super) fn fold(
    out: &mut Decoded,
    bytes: &[u8],
    base: usize,
    blanks: usize,
    mut at: usize,
) -> usize {
    let mut empty_lines = 0;
    loop {
        at += break_len(bytes, at);
        while bytes.get(at).copied().is_some_and(is_blank) {
            at += 1;
        }
        if bytes.get(at).copied().is_some_and(is_break) {
            empty_lines += 1;
        } else {
            break;
        }
    }
    let folded = if empty_lines == 0 {
        " ".to_string()
    } else {
        "\n".repeat(empty_lines)
    };
    out.coded(&folded, base + blanks..base + at);
    at
}
