//! Reading what YAML forbids but CloudFormation accepts: flow collections and quoted
//! strings indented less than their key.

use std::ops::Range;

pub(super) enum Patch {
    /// Blank these bytes (line breaks, spaces, comment lines): the line after them joins the
    /// line before.
    Join(Range<usize>),
    /// Make this quoted scalar one line; its value is then decoded from the original text.
    Unfold(Range<usize>),
}

/// YAML wants the lines of a flow collection (`[...]`, `{...}`) and of a quoted string to be
/// indented more than their key; PyYAML and the parsers behind CloudFormation do not check, and
/// real templates close a `[` at the column of its key. saphyr rejects those lines, so the line
/// it stops at is joined to the one before (same byte length, so every span is unchanged), when
/// that provably means the same:
/// - a line starting a flow token after a `,`, `[` or `{`, or with a closing bracket;
/// - the lines of a quoted string, whose value is then folded from the original text.
pub(super) fn lenient_patch(source: &str, at: usize, info: &str) -> Option<Patch> {
    let bytes = source.as_bytes();
    match info {
        "invalid indentation" | "invalid indentation in flow construct" => {
            let line_start = source[..at].rfind('\n')? + 1;
            if !bytes[line_start..at]
                .iter()
                .all(|b| matches!(b, b' ' | b'\t'))
            {
                return None;
            }
            // Back over blank and comment lines to the line holding the previous token.
            let mut end = line_start - 1;
            loop {
                let start = source[..end].rfind('\n').map_or(0, |i| i + 1);
                let line = source[start..end].trim_end();
                let body = line.trim_start();
                if body.is_empty() || body.starts_with('#') {
                    end = start.checked_sub(1)?;
                    continue;
                }
                // A '#' could start a comment the joined line would fall into.
                if line.contains('#') {
                    return None;
                }
                let closing = matches!(bytes.get(at), Some(b']' | b'}'));
                if !closing && !body.ends_with([',', '[', '{']) {
                    return None;
                }
                return Some(Patch::Join(start + line.len()..line_start));
            }
        }
        "invalid indentation in quoted scalar" => {
            // Only a string that ends a line: a quote left open would otherwise run on to the
            // next quote in the file.
            let end = quoted_end(bytes, at)?;
            let rest = source[end..].trim_start_matches([' ', '\t']);
            let ends_line = rest.is_empty()
                || rest.starts_with(['\n', '\r', ',', ']', '}'])
                || (rest.starts_with('#') && rest.len() < source.len() - end);
            ends_line.then_some(Patch::Unfold(at..end))
        }
        _ => None,
    }
}

/// The end of the quoted scalar whose opening quote is at `at`.
pub(super) fn quoted_end(bytes: &[u8], at: usize) -> Option<usize> {
    let mut i = at + 1;
    match bytes.get(at)? {
        b'"' => loop {
            i += bytes
                .get(i..)?
                .iter()
                .position(|&b| b == b'"' || b == b'\\')?;
            if bytes[i] == b'"' {
                return Some(i + 1);
            }
            i += 2;
        },
        b'\'' => loop {
            i += bytes.get(i..)?.iter().position(|&b| b == b'\'')?;
            if bytes.get(i + 1) != Some(&b'\'') {
                return Some(i + 1);
            }
            i += 2;
        },
        _ => None,
    }
}

/// The value of a quoted scalar, `raw` with its quotes: lines folded (a line break becomes a
/// space, each blank line a newline) and, in double quotes, escapes decoded.
pub(super) fn decode_quoted(raw: &str) -> String {
    let double = raw.starts_with('"');
    let body = &raw[1..raw.len().saturating_sub(1).max(1)];
    let lines: Vec<&str> = body.split('\n').collect();
    let mut out = String::with_capacity(body.len());
    let (mut blank_lines, mut joined) = (0, true);
    for (i, line) in lines.iter().enumerate() {
        let last = i + 1 == lines.len();
        let mut line = line.strip_suffix('\r').unwrap_or(line);
        if i > 0 {
            line = line.trim_start_matches([' ', '\t']);
        }
        let mut escaped_break = false;
        if !last {
            let backslashes = line.len() - line.trim_end_matches('\\').len();
            if double && backslashes % 2 == 1 {
                line = &line[..line.len() - 1];
                escaped_break = true;
            } else {
                line = line.trim_end_matches([' ', '\t']);
            }
        }
        if i > 0 && !last && line.is_empty() && !escaped_break {
            blank_lines += 1;
            continue;
        }
        if !joined {
            match blank_lines {
                0 => out.push(' '),
                n => out.extend(std::iter::repeat_n('\n', n)),
            }
        }
        if double {
            unescape(line, &mut out);
        } else {
            out.push_str(&line.replace("''", "'"));
        }
        blank_lines = 0;
        joined = escaped_break;
    }
    out
}

/// Decodes the escapes of one line of a double-quoted scalar.
pub(super) fn unescape(line: &str, out: &mut String) {
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let hex = |chars: &mut std::str::Chars, n: usize| {
            let digits: String = chars.by_ref().take(n).collect();
            u32::from_str_radix(&digits, 16)
                .ok()
                .and_then(char::from_u32)
                .unwrap_or('\u{fffd}')
        };
        let decoded = match chars.next() {
            Some('0') => '\0',
            Some('a') => '\u{7}',
            Some('b') => '\u{8}',
            Some('t' | '\t') => '\t',
            Some('n') => '\n',
            Some('v') => '\u{b}',
            Some('f') => '\u{c}',
            Some('r') => '\r',
            Some('e') => '\u{1b}',
            Some('N') => '\u{85}',
            Some('_') => '\u{a0}',
            Some('L') => '\u{2028}',
            Some('P') => '\u{2029}',
            Some('x') => hex(&mut chars, 2),
            Some('u') => hex(&mut chars, 4),
            Some('U') => hex(&mut chars, 8),
            Some(other) => other, // `\"`, `\\`, `\/`, `\ `
            None => '\\',
        };
        out.push(decoded);
    }
}
