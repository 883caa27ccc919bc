//! User text (a state name, a value, a key) as messages quote it: bounded and escaped.

use std::fmt;

/// Most characters of user text (a state name, a value, a key) quoted in a message. Valid state
/// names (at most 80 characters) and Lambda ARNs (a 64-character function name and a short
/// alias) are never cut, so what a message suggests can still be copied.
pub const MAX_QUOTED_CHARS: usize = 140;

/// User text as a message quotes it: at most `MAX_QUOTED_CHARS` characters, the middle cut out
/// with an ellipsis when longer (the end of a name or an ARN tells as much as its start), and
/// control and bidirectional-override characters escaped, so a name cannot break a line or
/// reach the terminal as an escape sequence. Formatting it takes time bounded by the cap, not
/// by the length of the text.
pub fn abbreviate(text: &str) -> Abbreviated<'_> {
    Abbreviated(text)
}

#[derive(Clone, Copy, Debug)]
pub struct Abbreviated<'a>(&'a str);

impl fmt::Display for Abbreviated<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const HEAD: usize = MAX_QUOTED_CHARS * 3 / 5;
        const TAIL: usize = MAX_QUOTED_CHARS - HEAD - 1;
        let text = self.0;
        let long = text.len() > MAX_QUOTED_CHARS && text.chars().nth(MAX_QUOTED_CHARS).is_some();
        if !long {
            return write_escaped(f, text);
        }
        let head_end = text.char_indices().nth(HEAD).map_or(text.len(), |(i, _)| i);
        let tail_start = text
            .char_indices()
            .rev()
            .nth(TAIL - 1)
            .map_or(0, |(i, _)| i);
        write_escaped(f, &text[..head_end])?;
        f.write_str("…")?;
        write_escaped(f, &text[tail_start..])
    }
}

fn write_escaped(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    let needs_escape =
        |c: char| c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    let mut rest = text;
    while let Some(at) = rest.find(needs_escape) {
        f.write_str(&rest[..at])?;
        let c = rest[at..].chars().next().unwrap_or_default();
        match c {
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str("\\t")?,
            c => write!(f, "\\u{{{:x}}}", c as u32)?,
        }
        rest = &rest[at + c.len_utf8()..];
    }
    f.write_str(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_quoted_whole() {
        assert_eq!(abbreviate("Charge card").to_string(), "Charge card");
        let eighty = "n".repeat(80);
        assert_eq!(abbreviate(&eighty).to_string(), eighty);
        let hundred = "é".repeat(MAX_QUOTED_CHARS);
        assert_eq!(abbreviate(&hundred).to_string(), hundred);
    }

    #[test]
    fn long_text_keeps_its_start_and_end() {
        let name = format!("start{}end", "x".repeat(10_000_000));
        let shown = abbreviate(&name).to_string();
        assert_eq!(shown.chars().count(), MAX_QUOTED_CHARS);
        assert!(shown.starts_with("startxx"), "{shown}");
        assert!(
            shown.ends_with("xx…xxxend") || shown.ends_with("xxend"),
            "{shown}"
        );
        assert_eq!(shown.matches('…').count(), 1);
        let wide = "😀".repeat(MAX_QUOTED_CHARS + 1);
        assert_eq!(
            abbreviate(&wide).to_string().chars().count(),
            MAX_QUOTED_CHARS
        );
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(
            abbreviate("a\nb\tc\u{1b}[2J\u{202e}d").to_string(),
            "a\\nb\\tc\\u{1b}[2J\\u{202e}d"
        );
    }
}
