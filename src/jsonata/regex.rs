//! Regular expression literals: where the reference's tokenizer says `/…/flags` ends, and
//! whether JavaScript's `RegExp` (Node 20, without the `u` flag, so with the lenient
//! Annex B grammar) accepts the pattern. Both decide whether the expression compiles.

use std::ops::Range;

use super::error::{Code, Error};

/// Scans the regular expression whose opening `/` is at `start`; returns the offset after its
/// flags. The closing `/` is the first one at bracket depth 0 that is not escaped, where any
/// unescaped `(`, `[`, `{` opens and `)`, `]`, `}` closes, as the reference counts them.
pub fn scan(src: &str, start: usize) -> Result<usize, Error> {
    let bytes = src.as_bytes();
    let body = start + 1;
    let mut depth: i64 = 0;
    let mut pos = body;
    while pos < bytes.len() {
        let c = bytes[pos];
        if c == b'/' && depth == 0 {
            let backslashes = bytes[..pos]
                .iter()
                .rev()
                .take_while(|&&b| b == b'\\')
                .count();
            if backslashes % 2 == 0 {
                if pos == body {
                    return Err(Error::new(
                        Code::S0301,
                        start..pos + 1,
                        "empty regular expression: expected a pattern between the slashes",
                    ));
                }
                let mut end = pos + 1;
                while matches!(bytes.get(end), Some(b'i' | b'm')) {
                    end += 1;
                }
                let flags = &src[pos + 1..end];
                if flags.len() == 2 && flags.as_bytes()[0] == flags.as_bytes()[1] || flags.len() > 2
                {
                    return Err(Error::new(
                        Code::RegexSyntax,
                        pos + 1..end,
                        format!("invalid regular expression flags '{flags}': each of i and m may appear once"),
                    ));
                }
                if let Err((range, reason)) = validate(&src[body..pos]) {
                    let range = body + range.start..body + range.end;
                    return Err(Error::new(
                        Code::RegexSyntax,
                        range,
                        format!("invalid regular expression: {reason}"),
                    ));
                }
                return Ok(end);
            }
        }
        let escaped = pos > 0 && bytes[pos - 1] == b'\\';
        match c {
            b'(' | b'[' | b'{' if !escaped => depth += 1,
            b')' | b']' | b'}' if !escaped => depth -= 1,
            _ => {}
        }
        pos += 1;
    }
    Err(Error::new(
        Code::S0302,
        start..start + 1,
        "this regular expression is never closed: expected a closing '/'",
    )
    .help("a '/' where an operand starts begins a regular expression; for division put an operand before it"))
}

type Invalid = (Range<usize>, String);

/// Checks a pattern as `new RegExp(pattern)` in Node 20 would, without the `u` flag.
pub fn validate(pattern: &str) -> Result<(), Invalid> {
    let names = group_names(pattern);
    let mut checker = Checker {
        p: pattern.as_bytes(),
        src: pattern,
        pos: 0,
        named: !names.is_empty(),
        defined: Vec::new(),
        references: Vec::new(),
    };
    checker.run()?;
    for (name, range) in &checker.references {
        if !checker.defined.iter().any(|(n, _)| n == name) {
            return Err((range.clone(), format!("no capture group is named '{name}'")));
        }
    }
    Ok(())
}

/// Names of the named groups, found by a quick scan that skips escapes and classes.
fn group_names(p: &str) -> Vec<&str> {
    let b = p.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut in_class = false;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'[' => in_class = true,
            b']' => in_class = false,
            b'(' if !in_class && b[i + 1..].starts_with(b"?<") => {
                let rest = &p[i + 3..];
                if !rest.starts_with('=') && !rest.starts_with('!') {
                    if let Some(end) = rest.find('>') {
                        out.push(&rest[..end]);
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

struct Checker<'p> {
    p: &'p [u8],
    src: &'p str,
    pos: usize,
    /// The pattern has named groups, which makes `\k` a strict named reference.
    named: bool,
    defined: Vec<(String, Range<usize>)>,
    references: Vec<(String, Range<usize>)>,
}

/// What the last term was, to know whether a quantifier may follow it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Last {
    /// Start of an alternative, or after a quantifier or a non-quantifiable assertion.
    Nothing,
    Atom,
}

impl Checker<'_> {
    fn peek(&self) -> Option<u8> {
        self.p.get(self.pos).copied()
    }

    fn fail<T>(&self, range: Range<usize>, reason: &str) -> Result<T, Invalid> {
        Err((range, reason.to_string()))
    }

    fn run(&mut self) -> Result<(), Invalid> {
        // Open groups: their start offsets. Iterative so that nesting costs no stack.
        let mut open: Vec<usize> = Vec::new();
        let mut last = Last::Nothing;
        while let Some(c) = self.peek() {
            let start = self.pos;
            match c {
                b'|' => {
                    self.pos += 1;
                    last = Last::Nothing;
                }
                b'(' => {
                    self.pos += 1;
                    last = Last::Nothing;
                    if self.peek() == Some(b'?') {
                        self.pos += 1;
                        match self.peek() {
                            Some(b':' | b'=' | b'!') => self.pos += 1,
                            Some(b'<') if matches!(self.p.get(self.pos + 1), Some(b'=' | b'!')) => {
                                self.pos += 2;
                            }
                            Some(b'<') => {
                                self.pos += 1;
                                let name = self.group_name(start)?;
                                if self.defined.iter().any(|(n, _)| *n == name) {
                                    return self.fail(start..self.pos, "a capture group name is used twice");
                                }
                                self.defined.push((name, start..self.pos));
                            }
                            _ => return self.fail(start..self.pos, "invalid group: '(?' must be followed by ':', '=', '!', '<=', '<!' or '<name>'"),
                        }
                    }
                    open.push(start);
                }
                b')' => {
                    let Some(group) = open.pop() else {
                        return self.fail(start..start + 1, "unmatched ')'");
                    };
                    self.pos += 1;
                    // Lookbehinds cannot be quantified; lookaheads can (Annex B).
                    let lookbehind = self.p[group..].starts_with(b"(?<=")
                        || self.p[group..].starts_with(b"(?<!");
                    last = if lookbehind {
                        Last::Nothing
                    } else {
                        Last::Atom
                    };
                }
                b'*' | b'+' | b'?' => {
                    if last == Last::Nothing {
                        return self.fail(start..start + 1, "nothing to repeat");
                    }
                    self.pos += 1;
                    self.lazy();
                    last = Last::Nothing;
                }
                b'{' => match self.braced() {
                    Some((min, max)) => {
                        if last == Last::Nothing {
                            return self.fail(start..self.pos, "nothing to repeat");
                        }
                        if max.is_some_and(|max| max < min) {
                            return self
                                .fail(start..self.pos, "numbers out of order in {} quantifier");
                        }
                        self.lazy();
                        last = Last::Nothing;
                    }
                    None => {
                        self.pos += 1;
                        last = Last::Atom;
                    }
                },
                b'^' | b'$' => {
                    self.pos += 1;
                    last = Last::Nothing;
                }
                b'[' => {
                    self.class()?;
                    last = Last::Atom;
                }
                b'\\' => {
                    last = self.escape()?;
                }
                _ => {
                    self.pos += self.src[start..].chars().next().map_or(1, char::len_utf8);
                    last = Last::Atom;
                }
            }
        }
        if let Some(&group) = open.last() {
            return self.fail(group..group + 1, "unterminated group: expected ')'");
        }
        Ok(())
    }

    /// An optional `?` making a quantifier lazy.
    fn lazy(&mut self) {
        if self.peek() == Some(b'?') {
            self.pos += 1;
        }
    }

    /// `{n}`, `{n,}` or `{n,m}` at the cursor: consumes it and returns its bounds.
    fn braced(&mut self) -> Option<(u64, Option<u64>)> {
        let mut i = self.pos + 1;
        let number = |i: &mut usize| {
            let from = *i;
            let mut value: u64 = 0;
            while let Some(d) = self.p.get(*i).filter(|d| d.is_ascii_digit()) {
                value = value.saturating_mul(10).saturating_add(u64::from(d - b'0'));
                *i += 1;
            }
            (*i > from).then_some(value)
        };
        let min = number(&mut i)?;
        let max = if self.p.get(i) == Some(&b',') {
            i += 1;
            number(&mut i)
        } else {
            Some(min)
        };
        if self.p.get(i) != Some(&b'}') {
            return None;
        }
        self.pos = i + 1;
        Some((min, max))
    }

    /// A group name after `(?<`, up to and including `>`.
    fn group_name(&mut self, group: usize) -> Result<String, Invalid> {
        let from = self.pos;
        let Some(len) = self.src[from..].find('>') else {
            return self.fail(group..self.p.len(), "invalid capture group name");
        };
        let name = &self.src[from..from + len];
        self.pos = from + len + 1;
        if !is_identifier(name) {
            return self.fail(group..self.pos, "invalid capture group name");
        }
        Ok(name.to_string())
    }

    /// An escape outside a class; returns whether it can be quantified.
    fn escape(&mut self) -> Result<Last, Invalid> {
        let start = self.pos;
        self.pos += 1;
        let Some(c) = self.src[self.pos..].chars().next() else {
            return self.fail(start..start + 1, "'\\' at end of pattern");
        };
        self.pos += c.len_utf8();
        match c {
            'b' | 'B' => Ok(Last::Nothing),
            'k' if self.named => {
                if self.peek() != Some(b'<') {
                    return self.fail(
                        start..self.pos,
                        "invalid named reference: expected \\k<name>",
                    );
                }
                self.pos += 1;
                let from = self.pos;
                let Some(len) = self.src[from..].find('>') else {
                    return self.fail(
                        start..self.p.len(),
                        "invalid named reference: expected \\k<name>",
                    );
                };
                let name = &self.src[from..from + len];
                self.pos = from + len + 1;
                if !is_identifier(name) {
                    return self.fail(start..self.pos, "invalid named reference");
                }
                self.references.push((name.to_string(), start..self.pos));
                Ok(Last::Atom)
            }
            _ => Ok(Last::Atom),
        }
    }

    /// A character class starting at `[`: ranges must be in order.
    fn class(&mut self) -> Result<(), Invalid> {
        let start = self.pos;
        self.pos += 1;
        if self.peek() == Some(b'^') {
            self.pos += 1;
        }
        loop {
            let Some(c) = self.peek() else {
                return self.fail(
                    start..start + 1,
                    "unterminated character class: expected ']'",
                );
            };
            if c == b']' {
                self.pos += 1;
                return Ok(());
            }
            let low_start = self.pos;
            let low = self.class_atom()?;
            if self.peek() == Some(b'-') && self.p.get(self.pos + 1).is_some_and(|&n| n != b']') {
                self.pos += 1;
                let Some(_) = self.peek() else { continue };
                let high = self.class_atom()?;
                if let (Some(low), Some(high)) = (low, high) {
                    if low > high {
                        return self
                            .fail(low_start..self.pos, "range out of order in character class");
                    }
                }
            }
        }
    }

    /// One class atom; its code point, or `None` for a class escape such as `\d`.
    fn class_atom(&mut self) -> Result<Option<u32>, Invalid> {
        let start = self.pos;
        let c = self.src[start..].chars().next().unwrap_or('\0');
        self.pos += c.len_utf8();
        if c != '\\' {
            return Ok(Some(c as u32));
        }
        let Some(e) = self.src[self.pos..].chars().next() else {
            return self.fail(start..start + 1, "'\\' at end of pattern");
        };
        self.pos += e.len_utf8();
        Ok(match e {
            'd' | 'D' | 'w' | 'W' | 's' | 'S' => None,
            'b' => Some(8),
            't' => Some(9),
            'n' => Some(10),
            'v' => Some(11),
            'f' => Some(12),
            'r' => Some(13),
            'c' => match self.peek() {
                Some(l) if l.is_ascii_alphanumeric() || l == b'_' => {
                    self.pos += 1;
                    Some(u32::from(l) % 32)
                }
                // A lone `\c` is a backslash, and the `c` is read next.
                _ => {
                    self.pos -= 1;
                    Some(u32::from(b'\\'))
                }
            },
            '0'..='7' => {
                let mut value = e as u32 - '0' as u32;
                for _ in 0..2 {
                    match self.peek() {
                        Some(d @ b'0'..=b'7') if value * 8 + u32::from(d - b'0') <= 0o377 => {
                            value = value * 8 + u32::from(d - b'0');
                            self.pos += 1;
                        }
                        _ => break,
                    }
                }
                Some(value)
            }
            'x' => Some(self.hex(2).unwrap_or('x' as u32)),
            'u' => Some(self.hex(4).unwrap_or('u' as u32)),
            other => Some(other as u32),
        })
    }

    /// Exactly `n` hex digits at the cursor, consumed.
    fn hex(&mut self, n: usize) -> Option<u32> {
        let digits = self.src.get(self.pos..self.pos + n)?;
        let value = u32::from_str_radix(digits, 16).ok()?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        self.pos += n;
        Some(value)
    }
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let start = |c: char| c == '$' || c == '_' || c.is_alphabetic();
    start(first)
        && chars.all(|c| start(c) || c.is_alphanumeric() || c == '\u{200c}' || c == '\u{200d}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_what_node_accepts() {
        for ok in [
            "a",
            "a+?",
            "a??",
            "(?:a)*",
            "(?=a)*",
            "[a-z]",
            "[\\w-z]",
            "[]",
            "[^]",
            "{",
            "a{",
            "a{,2}",
            "}",
            "]",
            "\\u{41}",
            "\\p{L}",
            "\\1(a)",
            "\\k",
            "\\c",
            "[\\d-\\w]",
            "a{1}?",
            "(?<y>\\d{4})\\k<y>",
            "[/]",
            "\\/",
            "^a$",
            "(a)|b",
        ] {
            assert_eq!(validate(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn rejects_what_node_rejects() {
        for bad in [
            "*a",
            "+",
            "?",
            "a**",
            "a???",
            "a|*b",
            "^*",
            "$*",
            "\\b*",
            "(?<=a)*",
            "{1}",
            "a{1}{2}",
            "a{2,1}",
            "(a",
            "a)",
            "[a",
            "[z-a]",
            "(?x)",
            "(?i:a)",
            "(?<1a>x)",
            "(?<n>a)(?<n>b)",
            "(?<n>a)\\k<m>",
            "(?<n>a)\\k",
            "a\\",
        ] {
            assert!(validate(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn scan_finds_the_closing_slash_as_the_reference_does() {
        assert_eq!(scan("/a\\/b/i + 1", 0), Ok(7));
        assert_eq!(scan("/[/]/", 0), Ok(5));
        assert_eq!(scan("/a)b/", 0).unwrap_err().code, Code::S0302);
        assert_eq!(scan("//", 0).unwrap_err().code, Code::S0301);
        assert_eq!(scan("/a/ii", 0).unwrap_err().code, Code::RegexSyntax);
    }
}
