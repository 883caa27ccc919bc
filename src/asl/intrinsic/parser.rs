//! The call grammar (see `mod.rs`) parsed by recursive descent: syntax only.

use std::ops::Range;

use super::super::path;
use super::super::{char_at, char_range, SyntaxError};
use super::{Arg, ArgValue, Call, MAX_NESTING};
use crate::quote::abbreviate;

/// Parses one intrinsic function call (the whole string, surrounding whitespace allowed).
pub fn parse(s: &str) -> Result<Call<'_>, SyntaxError> {
    let p = Parser { s, b: s.as_bytes() };
    let start = skip_ws(p.b, 0);
    let (call, end) = p.call(start, 1)?;
    let j = skip_ws(p.b, end);
    if j < s.len() {
        let c = char_at(s, j).unwrap_or(' ');
        let message = if c == ')' {
            format!(
                "unbalanced ')': the call to {} is already closed",
                call.name
            )
        } else {
            format!(
                "unexpected '{c}' after the end of the call to {}",
                call.name
            )
        };
        return Err(SyntaxError::new(message, char_range(s, j)));
    }
    Ok(call)
}

pub(super) fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

pub(super) fn is_name_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'.'
}

/// `-?digits(.digits)?([eE][+-]?digits)?`
fn is_number(t: &str) -> bool {
    fn digits(b: &[u8], mut i: usize) -> usize {
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        i
    }
    let b = t.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let j = digits(b, i);
    if j == i {
        return false;
    }
    i = j;
    if i < b.len() && b[i] == b'.' {
        let j = digits(b, i + 1);
        if j == i + 1 {
            return false;
        }
        i = j;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let j = digits(b, i);
        if j == i {
            return false;
        }
        i = j;
    }
    i == b.len()
}

struct Parser<'s> {
    s: &'s str,
    b: &'s [u8],
}

impl<'s> Parser<'s> {
    fn unclosed(&self, name: &str, open: Range<usize>) -> SyntaxError {
        SyntaxError::new(format!("missing ')' to close {name}("), open)
    }

    /// A call whose name starts at `i`; returns it and the offset after its ')'.
    fn call(&self, i: usize, depth: usize) -> Result<(Call<'s>, usize), SyntaxError> {
        let (s, b) = (self.s, self.b);
        let mut name_end = i;
        while name_end < b.len() && is_name_byte(b[name_end]) {
            name_end += 1;
        }
        if name_end == i {
            return Err(SyntaxError::new(
                "expected an intrinsic function name such as States.Format",
                char_range(s, i),
            ));
        }
        let name = &s[i..name_end];
        let open = skip_ws(b, name_end);
        if open >= b.len() || b[open] != b'(' {
            let range = if open >= b.len() {
                i..name_end
            } else {
                char_range(s, open)
            };
            return Err(SyntaxError::new(
                format!("expected '(' after {name}"),
                range,
            ));
        }
        if depth > MAX_NESTING {
            return Err(SyntaxError::new(
                format!("intrinsic functions can be nested at most {MAX_NESTING} deep"),
                i..name_end,
            ));
        }
        let open_range = i..open + 1;
        let mut args = Vec::new();
        let mut j = skip_ws(b, open + 1);
        if j < b.len() && b[j] == b')' {
            let call = Call {
                name,
                name_range: i..name_end,
                args,
                range: i..j + 1,
            };
            return Ok((call, j + 1));
        }
        loop {
            let (arg, end) = self.arg(j, depth, name, &open_range)?;
            args.push(arg);
            let k = skip_ws(b, end);
            if k >= b.len() {
                return Err(self.unclosed(name, open_range));
            }
            match b[k] {
                b',' => {
                    let n = skip_ws(b, k + 1);
                    if n < b.len() && b[n] == b')' {
                        return Err(SyntaxError::new(
                            "trailing ',' before ')': remove it or add the missing argument",
                            k..k + 1,
                        ));
                    }
                    j = n;
                }
                b')' => {
                    let call = Call {
                        name,
                        name_range: i..name_end,
                        args,
                        range: i..k + 1,
                    };
                    return Ok((call, k + 1));
                }
                _ => {
                    let c = char_at(s, k).unwrap_or(' ');
                    return Err(SyntaxError::new(
                        format!("expected ',' or ')' after the argument, found '{c}'"),
                        char_range(s, k),
                    ));
                }
            }
        }
    }

    fn arg(
        &self,
        j: usize,
        depth: usize,
        name: &str,
        open: &Range<usize>,
    ) -> Result<(Arg<'s>, usize), SyntaxError> {
        let (s, b) = (self.s, self.b);
        if j >= b.len() {
            return Err(self.unclosed(name, open.clone()));
        }
        let arg = |value, range: Range<usize>| {
            let end = range.end;
            Ok((Arg { value, range }, end))
        };
        match b[j] {
            b'\'' => {
                let mut k = j + 1;
                loop {
                    if k >= b.len() {
                        return Err(SyntaxError::new(
                            "unterminated string: missing the closing '",
                            j..j + 1,
                        ));
                    }
                    match b[k] {
                        b'\\' => k += 2,
                        b'\'' => break,
                        _ => k += 1,
                    }
                }
                arg(ArgValue::String(&s[j + 1..k]), j..k + 1)
            }
            b'$' => {
                let end = self.path_end(j);
                let parsed = path::parse(&s[j..end]).map_err(|e| {
                    SyntaxError::new(format!("invalid path: {}", e.message), e.offset_range)
                        .shifted(j)
                })?;
                arg(ArgValue::Path(parsed), j..end)
            }
            b'-' | b'0'..=b'9' => {
                let mut k = j;
                while k < b.len()
                    && (b[k].is_ascii_alphanumeric() || matches!(b[k], b'-' | b'+' | b'.'))
                {
                    k += 1;
                }
                let text = &s[j..k];
                match text.parse::<f64>() {
                    Ok(n) if is_number(text) => arg(ArgValue::Number(n, text), j..k),
                    _ => Err(SyntaxError::new(
                        format!("'{text}' is not a number", text = abbreviate(text)),
                        j..k,
                    )),
                }
            }
            b'"' => Err(SyntaxError::new(
                "strings in intrinsic functions are written in single quotes: 'text'",
                j..j + 1,
            )),
            b',' | b')' => Err(SyntaxError::new(
                format!("expected an argument before '{}'", b[j] as char),
                j..j + 1,
            )),
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let mut w_end = j;
                while w_end < b.len() && is_name_byte(b[w_end]) {
                    w_end += 1;
                }
                let n = skip_ws(b, w_end);
                if n < b.len() && b[n] == b'(' {
                    let (call, end) = self.call(j, depth + 1)?;
                    return arg(ArgValue::Call(call), j..end);
                }
                let word = &s[j..w_end];
                let value = match word {
                    "true" => ArgValue::Bool(true),
                    "false" => ArgValue::Bool(false),
                    "null" => ArgValue::Null,
                    _ => {
                        return Err(SyntaxError::new(
                            format!("unexpected '{word}': text arguments are quoted, e.g. '{word}', and paths start with $", word = abbreviate(word)),
                            j..w_end,
                        ))
                    }
                };
                arg(value, j..w_end)
            }
            _ => {
                let c = char_at(s, j).unwrap_or(' ');
                Err(SyntaxError::new(
                    format!("unexpected '{c}': expected an argument (a 'string', a number, true, false, null, a path or a function call)"),
                    char_range(s, j),
                ))
            }
        }
    }

    /// Where a path argument starting at `j` ends: the first ',' ')' quote or whitespace that is
    /// not inside brackets or parentheses.
    fn path_end(&self, j: usize) -> usize {
        let b = self.b;
        let mut depth = 0usize;
        let mut k = j;
        while k < b.len() {
            match b[k] {
                b'[' | b'(' => depth += 1,
                b')' if depth == 0 => break,
                b']' | b')' => depth = depth.saturating_sub(1),
                q @ (b'\'' | b'"') if depth > 0 => {
                    k += 1;
                    while k < b.len() && b[k] != q {
                        k += if b[k] == b'\\' { 2 } else { 1 };
                    }
                }
                b'\'' | b'"' => break,
                b',' | b' ' | b'\t' | b'\n' | b'\r' if depth == 0 => break,
                _ => {}
            }
            k += 1;
        }
        // A multi-byte character never contains these ASCII bytes, so `k` is a boundary
        // unless an escape skipped past the end.
        k.min(b.len())
    }
}
