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
struct Decoded {
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

fn is_break(b: u8) -> bool {
    b == b'\n' || b == b'\r'
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Length of the line break at `at` (`\n`, `\r\n` or `\r`).
fn break_len(bytes: &[u8], at: usize) -> usize {
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
fn fold(out: &mut Decoded, bytes: &[u8], base: usize, blanks: usize, mut at: usize) -> usize {
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

/// A quoted scalar (`raw` with its quotes, at source offset `base`).
fn quoted(raw: &str, base: usize, double: bool) -> Option<Decoded> {
    let quote = if double { b'"' } else { b'\'' };
    let bytes = raw.as_bytes();
    if bytes.len() < 2 || bytes[bytes.len() - 1] != quote {
        return None;
    }
    let body_end = bytes.len() - 1;
    let mut out = Decoded::default();
    let mut at = 1;
    // Start of a run of blanks not yet copied: dropped if a line break follows.
    let mut blanks: Option<usize> = None;
    while at < body_end {
        let b = bytes[at];
        if is_blank(b) {
            blanks.get_or_insert(at);
            at += 1;
            continue;
        }
        if is_break(b) {
            let from = blanks.take().unwrap_or(at);
            at = fold(&mut out, &bytes[..body_end], base, from, at);
            continue;
        }
        if let Some(from) = blanks.take() {
            out.verbatim(&raw[from..at], base + from);
        }
        if double && b == b'\\' {
            at = escape(raw, at, body_end, base, &mut out)?;
        } else if !double && b == b'\'' {
            // `''` is one quote.
            if bytes.get(at + 1) != Some(&b'\'') {
                return None;
            }
            out.coded("'", base + at..base + at + 2);
            at += 2;
        } else {
            let len = raw[at..].chars().next()?.len_utf8();
            out.verbatim(&raw[at..at + len], base + at);
            at += len;
        }
    }
    if let Some(from) = blanks {
        out.verbatim(&raw[from..body_end], base + from);
    }
    Some(out)
}

/// One escape of a double-quoted scalar at `at` (its backslash); returns where it ends.
fn escape(raw: &str, at: usize, end: usize, base: usize, out: &mut Decoded) -> Option<usize> {
    let bytes = raw.as_bytes();
    let c = *bytes.get(at + 1).filter(|_| at + 1 < end)?;
    if is_break(c) {
        // An escaped line break joins the lines with nothing between, blanks before the
        // break kept (they were copied already), leading blanks of the next line dropped.
        let mut next = at + 1 + break_len(bytes, at + 1);
        while next < end && is_blank(bytes[next]) {
            next += 1;
        }
        out.coded("", base + at..base + next);
        return Some(next);
    }
    let hex = |digits: usize| -> Option<u32> {
        let s = raw.get(at + 2..at + 2 + digits)?;
        if at + 2 + digits > end || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u32::from_str_radix(s, 16).ok()
    };
    let (ch, len) = match c {
        b'0' => ('\0', 2),
        b'a' => ('\u{7}', 2),
        b'b' => ('\u{8}', 2),
        b't' | b'\t' => ('\t', 2),
        b'n' => ('\n', 2),
        b'v' => ('\u{b}', 2),
        b'f' => ('\u{c}', 2),
        b'r' => ('\r', 2),
        b'e' => ('\u{1b}', 2),
        b' ' => (' ', 2),
        b'"' => ('"', 2),
        b'/' => ('/', 2),
        b'\\' => ('\\', 2),
        b'N' => ('\u{85}', 2),
        b'_' => ('\u{a0}', 2),
        b'L' => ('\u{2028}', 2),
        b'P' => ('\u{2029}', 2),
        b'x' => (char::from_u32(hex(2)?)?, 4),
        b'U' => (char::from_u32(hex(8)?)?, 10),
        b'u' => {
            let code = hex(4)?;
            if (0xD800..0xDC00).contains(&code) {
                // A high surrogate: with a low one after it, one character from the pair.
                let low = raw
                    .get(at + 6..at + 8)
                    .filter(|s| *s == "\\u" && at + 12 <= end)
                    .and_then(|_| raw.get(at + 8..at + 12))
                    .filter(|s| s.bytes().all(|b| b.is_ascii_hexdigit()))
                    .and_then(|s| u32::from_str_radix(s, 16).ok())
                    .filter(|low| (0xDC00..0xE000).contains(low));
                match low {
                    Some(low) => (
                        char::from_u32(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00))?,
                        12,
                    ),
                    None => ('\u{fffd}', 6),
                }
            } else {
                (char::from_u32(code).unwrap_or('\u{fffd}'), 6)
            }
        }
        _ => return None,
    };
    let mut buf = [0; 4];
    out.coded(ch.encode_utf8(&mut buf), base + at..base + at + len);
    Some(at + len)
}

/// A plain scalar: lines folded, no escapes.
fn plain(raw: &str, base: usize) -> Option<Decoded> {
    let bytes = raw.as_bytes();
    let end = raw.trim_end_matches([' ', '\t', '\r', '\n']).len();
    let mut out = Decoded::default();
    let mut at = 0;
    let mut blanks: Option<usize> = None;
    while at < end {
        let b = bytes[at];
        if is_blank(b) {
            blanks.get_or_insert(at);
            at += 1;
        } else if is_break(b) {
            let from = blanks.take().unwrap_or(at);
            at = fold(&mut out, &bytes[..end], base, from, at);
        } else {
            if let Some(from) = blanks.take() {
                out.verbatim(&raw[from..at], base + from);
            }
            let len = raw[at..].chars().next()?.len_utf8();
            out.verbatim(&raw[at..at + len], base + at);
            at += len;
        }
    }
    Some(out)
}

/// The lines of a block scalar's content, read from the whole `text`: the scalar's span was
/// trimmed of trailing blanks and empty lines, which are content or chomped ending.
struct Line {
    /// Source offsets of the line's first byte and of its line break (or the end of text).
    start: usize,
    end: usize,
    /// Where the next line starts.
    next: usize,
}

/// The lines from `at` that may belong to a block scalar whose content is indented at least
/// `min_indent` (or, when `None`, as much as its first non-empty line): reading stops at the
/// first non-empty line indented less, so the rest of the file is never scanned.
fn lines_from(text: &str, mut at: usize, min_indent: Option<usize>) -> Vec<Line> {
    let bytes = text.as_bytes();
    let mut lines = Vec::new();
    let mut floor = min_indent;
    while at < bytes.len() {
        let end = bytes[at..]
            .iter()
            .position(|&b| is_break(b))
            .map_or(bytes.len(), |n| at + n);
        let next = end + break_len(bytes, end);
        let line = Line {
            start: at,
            end,
            next,
        };
        if !text[at..end].trim_matches(' ').is_empty() {
            let spaces = leading_spaces(text, &line);
            let floor = *floor.get_or_insert(spaces);
            if spaces < floor {
                break;
            }
        }
        lines.push(line);
        at = next;
    }
    lines
}

fn leading_spaces(text: &str, line: &Line) -> usize {
    text[line.start..line.end]
        .bytes()
        .take_while(|&b| b == b' ')
        .count()
}

/// A literal (`|`) or folded (`>`) block scalar whose indicator is at `at` in `text`.
/// `expected` is the node's value: with an explicit indentation indicator the parent's
/// indentation is not known here, so each possible one is tried.
fn block(text: &str, at: usize, expected: &str) -> Option<Decoded> {
    let bytes = text.as_bytes();
    let folded = bytes[at] == b'>';
    let mut header = at + 1;
    let mut indicator = None;
    let mut chomp = b'c';
    while let Some(&b) = bytes.get(header) {
        match b {
            b'1'..=b'9' if indicator.is_none() => indicator = Some((b - b'0') as usize),
            b'+' | b'-' if chomp == b'c' => chomp = b,
            _ => break,
        }
        header += 1;
    }
    // The rest of the header line: blanks and a comment.
    let header_end = bytes[header..]
        .iter()
        .position(|&b| is_break(b))
        .map_or(bytes.len(), |n| header + n);
    if !text[header..header_end].trim_start().is_empty()
        && !text[header..header_end].trim_start().starts_with('#')
    {
        return None;
    }
    let lines = lines_from(text, header_end + break_len(bytes, header_end), indicator);
    let first_content = lines
        .iter()
        .find(|l| !text[l.start..l.end].trim_matches(' ').is_empty())?;
    let detected = leading_spaces(text, first_content);
    let Some(m) = indicator else {
        return Some(block_lines(text, &lines, detected, folded, chomp));
    };
    // The indicator counts from the parent's indentation, most likely that of the key the
    // header follows (`key: |2`); other indentations are tried after it, a bounded few.
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let key_column = text[line_start..at]
        .bytes()
        .position(|b| b != b' ' && b != b'-')
        .unwrap_or(0);
    std::iter::once(key_column + m)
        .chain((m..=detected.max(m)).take(MAX_INDENT_GUESSES))
        .filter(|&indent| indent <= detected.max(m))
        .map(|indent| block_lines(text, &lines, indent, folded, chomp))
        .find(|d| d.text == expected)
}

/// Indentations tried for a block scalar with an explicit indentation indicator.
const MAX_INDENT_GUESSES: usize = 16;

/// Decodes block scalar lines with content indentation `indent`.
fn block_lines(text: &str, lines: &[Line], indent: usize, folded: bool, chomp: u8) -> Decoded {
    // The scalar's lines: empty ones (only spaces, no more than `indent`) and content ones
    // (indented at least `indent`), until the first less-indented non-empty line.
    let mut scalar: Vec<(&Line, bool)> = Vec::new();
    for line in lines {
        let spaces = leading_spaces(text, line);
        let empty = spaces == line.end - line.start && spaces <= indent;
        if !empty && spaces < indent {
            break;
        }
        scalar.push((line, empty));
    }
    let last_content = scalar.iter().rposition(|(_, empty)| !empty);
    let body = last_content.map_or(0, |i| i + 1);
    let mut out = Decoded::default();
    // Line breaks pending between the previous content line and the next one.
    let mut pending: Option<(usize, usize, bool)> = None; // (from, empty lines, previous spaced)
    let mut previous_end = None;
    for (line, empty) in &scalar[..body] {
        if *empty {
            let from = previous_end.unwrap_or(line.start);
            let (from, count, spaced) = pending.unwrap_or((from, 0, true));
            pending = Some((from, count + 1, spaced));
            continue;
        }
        let content = line.start + indent;
        let spaced = text.as_bytes().get(content).copied().is_some_and(is_blank);
        match (previous_end, pending) {
            (Some(prev), pending) => {
                let (from, count, prev_spaced) = pending.unwrap_or((prev, 0, true));
                let joined = match count {
                    0 if folded && !prev_spaced && !spaced => " ".to_string(),
                    n if folded && !prev_spaced && !spaced => "\n".repeat(n),
                    n => "\n".repeat(n + 1),
                };
                out.coded(&joined, from..content);
            }
            (None, Some((from, count, _))) => out.coded(&"\n".repeat(count), from..content),
            (None, None) => {}
        }
        out.verbatim(&text[content..line.end], content);
        previous_end = Some(line.end);
        pending = previous_end.map(|end| (end, 0, spaced));
    }
    // Chomping: the last line break and the empty lines after the content.
    if let Some(end) = previous_end {
        let trailing = scalar.len() - body;
        let ending = match chomp {
            b'-' => String::new(),
            b'+' => "\n".repeat(1 + trailing),
            _ => "\n".to_string(),
        };
        let finished = scalar.last().map_or(end, |(l, _)| l.next.max(end));
        // At the end of the text without a line break, clip adds none.
        let has_break = end < text.len();
        if has_break || chomp == b'+' {
            out.coded(&ending, end..finished);
        }
    } else if chomp == b'+' {
        let from = scalar.first().map_or(0, |(l, _)| l.start);
        let to = scalar.last().map_or(from, |(l, _)| l.next);
        out.coded(&"\n".repeat(scalar.len()), from..to);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{json, yaml};

    /// The source text of the span of decoded `needle` in the value at `key` of a one-member
    /// mapping or object.
    fn located(text: &str, key: &str, needle: &str) -> String {
        let doc = if text.trim_start().starts_with('{') {
            json::parse(text).unwrap()
        } else {
            yaml::parse(text).unwrap()
        };
        let mut node = doc.root.get(key).unwrap();
        // A tagged scalar (`!Sub |`) reads as `{"Fn::Sub": scalar}`.
        if let Some([m]) = node.as_object() {
            node = &m.value;
        }
        let value = node.as_str().unwrap();
        let at = value
            .find(needle)
            .unwrap_or_else(|| panic!("{needle:?} in {value:?}"));
        let span = value_span(text, node, at..at + needle.len());
        text[span.start..span.end].to_string()
    }

    fn exact(text: &str, key: &str) -> bool {
        let doc = yaml::parse(text).unwrap();
        ValueMap::new(text, doc.root.get(key).unwrap()).is_some()
    }

    #[test]
    fn json_escapes() {
        let text = r#"{"a": "x\"y\\z\n\u00e9\ud83d\ude00 $.a.b"}"#;
        assert_eq!(located(text, "a", "\"y"), r#"\"y"#);
        assert_eq!(located(text, "a", "\\z"), r#"\\z"#);
        assert_eq!(located(text, "a", "\n"), r#"\n"#);
        assert_eq!(located(text, "a", "é"), r#"\u00e9"#);
        assert_eq!(located(text, "a", "😀"), r#"\ud83d\ude00"#);
        assert_eq!(located(text, "a", "😀 $"), r#"\ud83d\ude00 $"#);
        assert_eq!(located(text, "a", ".b"), ".b");
        assert_eq!(located(text, "a", "x"), "x");
        // A lone surrogate decodes to U+FFFD, as the parser does.
        assert_eq!(located(r#"{"a": "\ud800x"}"#, "a", "x"), "x");
        assert_eq!(located(r#"{"a": "\ud800x"}"#, "a", "\u{fffd}"), r#"\ud800"#);
    }

    #[test]
    fn empty_ranges_widen_to_a_character() {
        let text = r#"{"a": "$.\u0061."}"#;
        let doc = json::parse(text).unwrap();
        let node = doc.root.get("a").unwrap();
        let at = |r: Range<usize>| {
            let s = value_span(text, node, r);
            &text[s.start..s.end]
        };
        assert_eq!(at(3..3), ".");
        assert_eq!(at(2..3), r#"\u0061"#);
        assert_eq!(at(4..4), ".");
        assert_eq!(at(0..4), r#"$.\u0061."#);
    }

    #[test]
    fn yaml_plain() {
        assert_eq!(located("a: $.x[y]\n", "a", "y"), "y");
        // A multi-line plain scalar folds its line break into a space.
        let text = "a: States.Format('{}',\n   $.x)  \nb: 1\n";
        assert_eq!(located(text, "a", "$.x"), "$.x");
        assert_eq!(located(text, "a", ", $"), ",\n   $");
        assert_eq!(located("a: one\n\n  two\n", "a", "two"), "two");
        assert_eq!(located("a: one\n\n  two\n", "a", "\n"), "\n\n  ");
    }

    #[test]
    fn yaml_single_quoted() {
        let text = "a: 'it''s $.a b'\n";
        assert_eq!(located(text, "a", "'s"), "''s");
        assert_eq!(located(text, "a", "b"), "b");
        let text = "a: 'one\n   two'\n";
        assert_eq!(located(text, "a", "two"), "two");
        assert_eq!(located(text, "a", "e t"), "e\n   t");
    }

    #[test]
    fn yaml_double_quoted() {
        let text = "a: \"tab\\there \\x41 \\u00e9 \\U0001F600 \\\" end\"\n";
        assert_eq!(located(text, "a", "\there"), "\\there");
        assert_eq!(located(text, "a", "A"), "\\x41");
        assert_eq!(located(text, "a", "é"), "\\u00e9");
        assert_eq!(located(text, "a", "😀"), "\\U0001F600");
        assert_eq!(located(text, "a", "\" end"), "\\\" end");
        // Folding, an empty line, and an escaped line break.
        let text = "a: \"one  \n  two\n\n  three\\\n    four\"\n";
        let doc = yaml::parse(text).unwrap();
        assert_eq!(doc.root.get_str("a"), Some("one two\nthreefour"));
        assert_eq!(located(text, "a", "two"), "two");
        assert_eq!(located(text, "a", "e t"), "e  \n  t");
        assert_eq!(located(text, "a", "three"), "three");
        assert_eq!(located(text, "a", "efo"), "e\\\n    fo");
    }

    #[test]
    fn yaml_literal_block() {
        let text = "a: |\n  {\"StartAt\": \"A\",\n\n   \"States\": {}}\nb: 1\n";
        assert_eq!(located(text, "a", "\"States\""), "\"States\"");
        assert_eq!(located(text, "a", "\"A\""), "\"A\"");
        assert_eq!(located(text, "a", "{}}"), "{}}");
        // Under a tag, with a comment after the indicator.
        let text = "a: !Sub | # the definition\n    x: ${Fn}\n    y\n";
        assert_eq!(located(text, "a", "${Fn}"), "${Fn}");
        assert_eq!(located(text, "a", "y"), "y");
        // Chomping: strip, keep, clip.
        for (header, value) in [("|-", "x\n\ny"), ("|+", "x\n\ny\n\n"), ("|", "x\n\ny\n")] {
            let text = format!("a: {header}\n  x\n\n  y\n\nb: 1\n");
            let doc = yaml::parse(&text).unwrap();
            assert_eq!(doc.root.get_str("a"), Some(value), "{header}");
            assert!(exact(&text, "a"), "{header}");
            assert_eq!(located(&text, "a", "y"), "y");
        }
        // An explicit indentation indicator keeps the extra spaces as content.
        let text = "k:\n  a: |1\n     x\n    y\n";
        let doc = yaml::parse(text).unwrap();
        assert_eq!(doc.root.get("k").unwrap().get_str("a"), Some("  x\n y\n"));
        let k = doc.root.get("k").unwrap();
        let node = k.get("a").unwrap();
        let span = value_span(text, node, 5..6);
        assert_eq!(&text[span.start..span.end], "y");
        // Trailing blanks on the last line are content.
        let text = "a: |\n  x  \nb: 1\n";
        assert!(exact(text, "a"));
    }

    #[test]
    fn yaml_folded_block() {
        let text = "a: >\n  one\n  two\n\n  three\n    more\n  four\n";
        let doc = yaml::parse(text).unwrap();
        assert_eq!(
            doc.root.get_str("a"),
            Some("one two\nthree\n  more\nfour\n")
        );
        assert!(exact(text, "a"));
        assert_eq!(located(text, "a", "two"), "two");
        assert_eq!(located(text, "a", "e t"), "e\n  t");
        assert_eq!(located(text, "a", "more"), "more");
        assert_eq!(located(text, "a", "four"), "four");
        let text = "a: >-\n  x\n  y\n";
        assert!(exact(text, "a"));
        assert_eq!(located(text, "a", "y"), "y");
    }

    #[test]
    fn crlf_line_breaks() {
        let text = "a: |\r\n  x\r\n  y\r\nb: \"p\r\n  q\"\r\n";
        assert_eq!(located(text, "a", "y"), "y");
        assert_eq!(located(text, "b", "q"), "q");
        assert_eq!(located(text, "b", "p q"), "p\r\n  q");
    }

    #[test]
    fn a_value_that_differs_from_its_text_maps_to_the_whole_node() {
        let text = r#"{"a": "$.x"}"#;
        let doc = json::parse(text).unwrap();
        let mut node = doc.root.get("a").unwrap().clone();
        node.value = crate::document::Value::String("arn:aws:lambda:x".into());
        assert!(ValueMap::new(text, &node).is_none());
        assert_eq!(value_span(text, &node, 2..3), node.span);
        // Not a string at all.
        let number = json::parse(r#"{"a": 12}"#).unwrap();
        let n = number.root.get("a").unwrap();
        assert_eq!(value_span(r#"{"a": 12}"#, n, 0..1), n.span);
    }

    #[test]
    fn verbatim_spans_only_inside_one_run() {
        let text = r#"{"a": "ab\ncd"}"#;
        let doc = json::parse(text).unwrap();
        let map = ValueMap::new(text, doc.root.get("a").unwrap()).unwrap();
        assert_eq!(map.style(), Style::DoubleQuoted);
        let span = map.verbatim(3..5).unwrap();
        assert_eq!(&text[span.start..span.end], "cd");
        let span = map.verbatim(1..1).unwrap();
        assert_eq!(span.start, text.find("b\\").unwrap());
        assert!(map.verbatim(1..4).is_none());
        assert!(map.verbatim(2..3).is_none());
        assert_eq!(map.encode("a\"b\\\n").as_deref(), Some(r#"a\"b\\\n"#));
    }

    #[test]
    fn replacements_are_encoded_for_the_style() {
        let text = "a: 'x'\nb: |\n  y\nc: z\n";
        let doc = yaml::parse(text).unwrap();
        let map = |key: &str| ValueMap::new(text, doc.root.get(key).unwrap()).unwrap();
        assert_eq!(map("a").encode("it's").as_deref(), Some("it''s"));
        assert_eq!(map("a").encode("two\nlines"), None);
        assert_eq!(map("b").encode("\"q\"").as_deref(), Some("\"q\""));
        assert_eq!(map("b").encode("x\ny"), None);
        assert_eq!(map("c").encode("$.ok").as_deref(), Some("$.ok"));
        assert_eq!(map("c").encode("a: b"), None);
    }
}
