//! The JSONata 2.0.6 tokenizer. Its choices mirror the reference exactly, since they decide
//! what parses: `/` starts a regular expression wherever an operand may start and divides
//! elsewhere; `and`, `or` and `in` are operators that may also name fields; `!` and `~` lex as
//! operators that no rule accepts.

use std::ops::Range;

use super::error::{Code, Error};
use super::regex;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Dot,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    LParen,
    RParen,
    Comma,
    At,
    Hash,
    Semicolon,
    Colon,
    Question,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Pipe,
    Equal,
    Less,
    Greater,
    Caret,
    DoubleStar,
    DoubleDot,
    Assign,
    NotEqual,
    LessEqual,
    GreaterEqual,
    Chain,
    And,
    Or,
    In,
    Ampersand,
    /// `!`: lexed, but no rule takes it (S0204).
    Bang,
    /// `~` not followed by `>`: lexed, but no rule takes it (S0204).
    Tilde,
}

impl Op {
    pub fn text(self) -> &'static str {
        match self {
            Op::Dot => ".",
            Op::LBracket => "[",
            Op::RBracket => "]",
            Op::LBrace => "{",
            Op::RBrace => "}",
            Op::LParen => "(",
            Op::RParen => ")",
            Op::Comma => ",",
            Op::At => "@",
            Op::Hash => "#",
            Op::Semicolon => ";",
            Op::Colon => ":",
            Op::Question => "?",
            Op::Plus => "+",
            Op::Minus => "-",
            Op::Star => "*",
            Op::Slash => "/",
            Op::Percent => "%",
            Op::Pipe => "|",
            Op::Equal => "=",
            Op::Less => "<",
            Op::Greater => ">",
            Op::Caret => "^",
            Op::DoubleStar => "**",
            Op::DoubleDot => "..",
            Op::Assign => ":=",
            Op::NotEqual => "!=",
            Op::LessEqual => "<=",
            Op::GreaterEqual => ">=",
            Op::Chain => "~>",
            Op::And => "and",
            Op::Or => "or",
            Op::In => "in",
            Op::Ampersand => "&",
            Op::Bang => "!",
            Op::Tilde => "~",
        }
    }

    fn single(c: u8) -> Option<Op> {
        Some(match c {
            b'.' => Op::Dot,
            b'[' => Op::LBracket,
            b']' => Op::RBracket,
            b'{' => Op::LBrace,
            b'}' => Op::RBrace,
            b'(' => Op::LParen,
            b')' => Op::RParen,
            b',' => Op::Comma,
            b'@' => Op::At,
            b'#' => Op::Hash,
            b';' => Op::Semicolon,
            b':' => Op::Colon,
            b'?' => Op::Question,
            b'+' => Op::Plus,
            b'-' => Op::Minus,
            b'*' => Op::Star,
            b'/' => Op::Slash,
            b'%' => Op::Percent,
            b'|' => Op::Pipe,
            b'=' => Op::Equal,
            b'<' => Op::Less,
            b'>' => Op::Greater,
            b'^' => Op::Caret,
            b'&' => Op::Ampersand,
            b'!' => Op::Bang,
            b'~' => Op::Tilde,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum TokenKind {
    Op(Op),
    /// A field name, bare or in backticks.
    Name(String),
    /// `$name`, without the `$` (empty for `$`, `$` for `$$`).
    Variable(String),
    Str(String),
    Number(f64),
    Bool(bool),
    Null,
    /// `/pattern/flags`; the pattern has been checked.
    Regex,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub kind: TokenKind,
    /// Byte range in the expression.
    pub span: Range<usize>,
}

/// Characters the reference skips between tokens (note: no form feed, no Unicode spaces).
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b)
}

/// Characters that end a name: spaces and every operator character.
fn ends_name(c: u8) -> bool {
    is_space(c) || Op::single(c).is_some()
}

pub struct Lexer<'s> {
    src: &'s str,
    pos: usize,
}

impl<'s> Lexer<'s> {
    pub fn new(src: &'s str) -> Self {
        Lexer { src, pos: 0 }
    }

    fn byte(&self, at: usize) -> Option<u8> {
        self.src.as_bytes().get(at).copied()
    }

    /// The next token, or `None` at the end. `operand` is true where an operand may start,
    /// which is where `/` begins a regular expression.
    pub fn next(&mut self, operand: bool) -> Result<Option<Token>, Error> {
        let bytes = self.src.as_bytes();
        loop {
            while self.byte(self.pos).is_some_and(is_space) {
                self.pos += 1;
            }
            if bytes[self.pos..].starts_with(b"/*") {
                let start = self.pos;
                match self.src[start + 2..].find("*/") {
                    Some(i) => self.pos = start + 2 + i + 2,
                    None => {
                        return Err(Error::new(
                            Code::S0106,
                            start..start + 2,
                            "this comment is never closed: expected '*/'",
                        ))
                    }
                }
                continue;
            }
            break;
        }
        let start = self.pos;
        let Some(c) = self.byte(start) else {
            return Ok(None);
        };
        let token = |kind, end: usize| {
            Ok(Some(Token {
                kind,
                span: start..end,
            }))
        };
        if operand && c == b'/' {
            let end = regex::scan(self.src, start)?;
            self.pos = end;
            return token(TokenKind::Regex, end);
        }
        let next = self.byte(start + 1);
        let double = match (c, next) {
            (b'.', Some(b'.')) => Some(Op::DoubleDot),
            (b':', Some(b'=')) => Some(Op::Assign),
            (b'!', Some(b'=')) => Some(Op::NotEqual),
            (b'>', Some(b'=')) => Some(Op::GreaterEqual),
            (b'<', Some(b'=')) => Some(Op::LessEqual),
            (b'*', Some(b'*')) => Some(Op::DoubleStar),
            (b'~', Some(b'>')) => Some(Op::Chain),
            _ => None,
        };
        if let Some(op) = double {
            self.pos = start + 2;
            return token(TokenKind::Op(op), start + 2);
        }
        if let Some(op) = Op::single(c) {
            self.pos = start + 1;
            return token(TokenKind::Op(op), start + 1);
        }
        if c == b'"' || c == b'\'' {
            let (value, end) = self.string(start, c)?;
            self.pos = end;
            return token(TokenKind::Str(value), end);
        }
        if c.is_ascii_digit() {
            let end = number_end(bytes, start);
            let text = &self.src[start..end];
            let value: f64 = text.parse().unwrap_or(f64::INFINITY);
            if !value.is_finite() {
                return Err(Error::new(
                    Code::S0102,
                    start..end,
                    format!("the number {text} is too large to be represented"),
                ));
            }
            self.pos = end;
            return token(TokenKind::Number(value), end);
        }
        if c == b'`' {
            return match self.src[start + 1..].find('`') {
                Some(i) => {
                    let end = start + 1 + i + 1;
                    self.pos = end;
                    token(
                        TokenKind::Name(self.src[start + 1..end - 1].to_string()),
                        end,
                    )
                }
                None => {
                    self.pos = self.src.len();
                    Err(Error::new(
                        Code::S0105,
                        start..start + 1,
                        "this quoted name is never closed: expected a closing '`'",
                    ))
                }
            };
        }
        let mut end = start;
        while self.byte(end).is_some_and(|c| !ends_name(c)) {
            end += 1;
        }
        self.pos = end;
        let text = &self.src[start..end];
        if let Some(name) = text.strip_prefix('$') {
            return token(TokenKind::Variable(name.to_string()), end);
        }
        let kind = match text {
            "or" => TokenKind::Op(Op::Or),
            "in" => TokenKind::Op(Op::In),
            "and" => TokenKind::Op(Op::And),
            "true" => TokenKind::Bool(true),
            "false" => TokenKind::Bool(false),
            "null" => TokenKind::Null,
            _ => TokenKind::Name(text.to_string()),
        };
        token(kind, end)
    }

    /// A quoted string starting at `start`; returns its value and the end offset.
    fn string(&self, start: usize, quote: u8) -> Result<(String, usize), Error> {
        let bytes = self.src.as_bytes();
        let mut value = String::new();
        let mut pos = start + 1;
        // Pending UTF-16 high surrogate from a `\uD8xx` escape.
        let mut high: Option<u16> = None;
        let flush = |value: &mut String, high: &mut Option<u16>| {
            if high.take().is_some() {
                value.push(char::REPLACEMENT_CHARACTER);
            }
        };
        while pos < bytes.len() {
            let c = bytes[pos];
            if c == b'\\' {
                let Some(e) = self.src[pos + 1..].chars().next() else {
                    return Err(Error::new(
                        Code::S0103,
                        pos..pos + 1,
                        "a string cannot end with a backslash: expected an escape such as \\\\ or \\\"",
                    ));
                };
                let escaped = match e {
                    '"' => Some('"'),
                    '\\' => Some('\\'),
                    '/' => Some('/'),
                    'b' => Some('\u{8}'),
                    'f' => Some('\u{c}'),
                    'n' => Some('\n'),
                    'r' => Some('\r'),
                    't' => Some('\t'),
                    'u' => None,
                    other => {
                        let at = pos + 1;
                        return Err(Error::new(
                            Code::S0103,
                            pos..at + other.len_utf8(),
                            format!(
                                "unsupported escape sequence '\\{other}' in a string: expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\u followed by 4 hex digits"
                            ),
                        ));
                    }
                };
                if let Some(ch) = escaped {
                    flush(&mut value, &mut high);
                    value.push(ch);
                    pos += 2;
                    continue;
                }
                // `\u`: the reference takes up to four following characters and needs them
                // all to be hex digits; fewer than four only happens at the end of the text.
                let digits_start = pos + 2;
                let digits: &str = {
                    let rest = &self.src[digits_start..];
                    let n = rest.char_indices().nth(4).map_or(rest.len(), |(i, _)| i);
                    &rest[..n]
                };
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(Error::new(
                        Code::S0104,
                        pos..digits_start,
                        "'\\u' must be followed by 4 hexadecimal digits",
                    ));
                }
                let unit = u16::from_str_radix(digits, 16).unwrap_or(0xfffd);
                if (0xd800..0xdc00).contains(&unit) {
                    flush(&mut value, &mut high);
                    high = Some(unit);
                } else if (0xdc00..0xe000).contains(&unit) {
                    match high.take() {
                        Some(h) => {
                            let code = 0x10000
                                + ((u32::from(h) - 0xd800) << 10)
                                + (u32::from(unit) - 0xdc00);
                            value.push(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
                        }
                        None => value.push(char::REPLACEMENT_CHARACTER),
                    }
                } else {
                    flush(&mut value, &mut high);
                    value.push(
                        char::from_u32(u32::from(unit)).unwrap_or(char::REPLACEMENT_CHARACTER),
                    );
                }
                pos = digits_start + 4;
                continue;
            }
            if c == quote {
                flush(&mut value, &mut high);
                return Ok((value, pos + 1));
            }
            let ch = self.src[pos..].chars().next().unwrap_or('\u{fffd}');
            flush(&mut value, &mut high);
            value.push(ch);
            pos += ch.len_utf8();
        }
        Err(Error::new(
            Code::S0101,
            start..start + 1,
            format!(
                "this string is never closed: expected a closing {}",
                if quote == b'"' { "'\"'" } else { "\"'\"" }
            ),
        ))
    }
}

/// End of the number starting at `start` (a digit): `0|[1-9][0-9]*`, then `.digits` and an
/// exponent when complete, as the reference's pattern takes them.
fn number_end(bytes: &[u8], start: usize) -> usize {
    let digits = |from: usize| {
        let mut i = from;
        while bytes.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        i
    };
    let mut end = if bytes[start] == b'0' {
        start + 1
    } else {
        digits(start)
    };
    if bytes.get(end) == Some(&b'.') && bytes.get(end + 1).is_some_and(u8::is_ascii_digit) {
        end = digits(end + 1);
    }
    if matches!(bytes.get(end), Some(b'e' | b'E')) {
        let mut exp = end + 1;
        if matches!(bytes.get(exp), Some(b'+' | b'-')) {
            exp += 1;
        }
        if bytes.get(exp).is_some_and(u8::is_ascii_digit) {
            end = digits(exp);
        }
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<TokenKind> {
        let mut lexer = Lexer::new(src);
        let mut out = Vec::new();
        while let Some(t) = lexer.next(false).unwrap() {
            out.push(t.kind);
        }
        out
    }

    #[test]
    fn names_variables_and_keywords() {
        assert_eq!(
            kinds("$states.input and `a b` or $$ in $"),
            [
                TokenKind::Variable("states".into()),
                TokenKind::Op(Op::Dot),
                TokenKind::Name("input".into()),
                TokenKind::Op(Op::And),
                TokenKind::Name("a b".into()),
                TokenKind::Op(Op::Or),
                TokenKind::Variable("$".into()),
                TokenKind::Op(Op::In),
                TokenKind::Variable(String::new()),
            ]
        );
    }

    #[test]
    fn numbers_stop_where_the_reference_stops() {
        assert_eq!(
            kinds("01 1. 1e 2.5e-3"),
            [
                TokenKind::Number(0.0),
                TokenKind::Number(1.0),
                TokenKind::Number(1.0),
                TokenKind::Op(Op::Dot),
                TokenKind::Number(1.0),
                TokenKind::Name("e".into()),
                TokenKind::Number(0.0025),
            ]
        );
        let err = Lexer::new("1e400").next(false).unwrap_err();
        assert_eq!(err.code, Code::S0102);
    }

    #[test]
    fn strings_decode_escapes() {
        assert_eq!(
            kinds(r#"'a"b' "\u00e9\uD83D\uDE00\n""#),
            [
                TokenKind::Str("a\"b".into()),
                TokenKind::Str("é😀\n".into())
            ]
        );
        // Only \" is an escape for a quote: \' is not.
        assert_eq!(
            Lexer::new(r"'a\'b'").next(false).unwrap_err().code,
            Code::S0103
        );
        assert_eq!(kinds(r#""a\"b""#), [TokenKind::Str("a\"b".into())]);
        let err = Lexer::new(r#""\x""#).next(false).unwrap_err();
        assert_eq!((err.code, err.span.clone()), (Code::S0103, 1..3));
        let err = Lexer::new(r#""\u12g4""#).next(false).unwrap_err();
        assert_eq!(err.code, Code::S0104);
        let err = Lexer::new("'open").next(false).unwrap_err();
        assert_eq!((err.code, err.span.clone()), (Code::S0101, 0..1));
    }

    #[test]
    fn comments_and_regexes() {
        let mut lexer = Lexer::new("/* c */ /ab+/i / 2");
        let t = lexer.next(true).unwrap().unwrap();
        assert_eq!((t.kind, t.span), (TokenKind::Regex, 8..14));
        let t = lexer.next(false).unwrap().unwrap();
        assert_eq!(t.kind, TokenKind::Op(Op::Slash));
        let err = Lexer::new("1 /* open").next(false).unwrap();
        assert!(err.is_some());
    }
}
