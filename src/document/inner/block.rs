//! YAML block scalars (`|`, `>`) decoded with their origins: indentation, folding, chomping.

use super::{break_len, is_blank, is_break, Decoded};

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
pub(super) fn block(text: &str, at: usize, expected: &str) -> Option<Decoded> {
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
