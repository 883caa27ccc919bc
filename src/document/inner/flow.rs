//! Flow scalars (JSON strings, YAML quoted and plain scalars) decoded with their origins.

use super::{break_len, fold, is_blank, is_break, Decoded};

/// A quoted scalar (`raw` with its quotes, at source offset `base`).
pub(super) fn quoted(raw: &str, base: usize, double: bool) -> Option<Decoded> {
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
pub(super) fn plain(raw: &str, base: usize) -> Option<Decoded> {
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
