//! Strict RFC 8259 JSON parser that keeps a byte span on every key and value and keeps
//! duplicate keys (serde_json keeps only the last one, hiding the bug from the user).
//! Recursion is bounded by `MAX_DEPTH`.

use super::{Document, DuplicateKey, Member, Node, Number, ParseError, Text, Value, MAX_DEPTH};
use crate::diagnostic::abbreviate;
use crate::source::Span;

pub fn parse(text: &str) -> Result<Document, ParseError> {
    let mut parser = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        depth: 0,
        duplicate_keys: Vec::new(),
        member_stack: Vec::new(),
        item_stack: Vec::new(),
    };
    if text.starts_with('\u{feff}') {
        parser.pos = 3;
    }
    parser.skip_whitespace()?;
    if parser.pos >= parser.bytes.len() {
        return Err(ParseError {
            message: "the file is empty: expected a JSON object with \"StartAt\" and \"States\""
                .into(),
            span: Span::new(parser.pos, parser.pos),
            help: None,
        });
    }
    let root = parser.value()?;
    parser.skip_whitespace()?;
    if parser.pos < parser.bytes.len() {
        return Err(parser.error_here(
            "unexpected content after the end of the JSON document",
            Some("a file holds exactly one JSON value; remove what follows it"),
        ));
    }
    Ok(Document {
        root,
        duplicate_keys: parser.duplicate_keys,
        shared: Vec::new(),
    })
}

struct Parser<'t> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
    depth: usize,
    duplicate_keys: Vec<DuplicateKey>,
    /// Members and items of the objects and arrays being read, innermost last. Each container
    /// is moved out into a vector of its exact size when it closes, so vectors never regrow.
    member_stack: Vec<Member>,
    item_stack: Vec<Node>,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Span of the character at the cursor (empty at end of input).
    fn char_span(&self) -> Span {
        let len = self.text[self.pos.min(self.text.len())..]
            .chars()
            .next()
            .map_or(0, char::len_utf8);
        Span::new(self.pos, self.pos + len)
    }

    fn describe_here(&self) -> String {
        match self.text[self.pos.min(self.text.len())..].chars().next() {
            None => "the end of the file".into(),
            Some(c) if c.is_control() => format!("control character U+{:04X}", c as u32),
            Some(c) => format!("'{c}'"),
        }
    }

    fn error_here(&self, message: impl Into<String>, help: Option<&str>) -> ParseError {
        ParseError {
            message: message.into(),
            span: self.char_span(),
            help: help.map(str::to_string),
        }
    }

    fn skip_whitespace(&mut self) -> Result<(), ParseError> {
        while let Some(b) = self.peek() {
            match b {
                b' ' | b'\t' | b'\n' | b'\r' => self.pos += 1,
                b'/' if matches!(self.bytes.get(self.pos + 1), Some(b'/' | b'*')) => {
                    return Err(ParseError {
                        message: "comments are not allowed in JSON".into(),
                        span: Span::new(self.pos, self.pos + 2),
                        help: Some(
                            "Step Functions reads strict JSON; move the note into a \"Comment\" field"
                                .into(),
                        ),
                    });
                }
                _ => break,
            }
        }
        Ok(())
    }

    fn value(&mut self) -> Result<Node, ParseError> {
        match self.peek() {
            Some(b'{') => self.object(),
            Some(b'[') => self.array(),
            Some(b'"') => {
                let (s, span) = self.string()?;
                Ok(Node {
                    span,
                    value: Value::String(s),
                })
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Null),
            Some(b'\'') => Err(self.error_here(
                "strings must be enclosed in double quotes",
                Some("replace the single quotes with double quotes"),
            )),
            Some(b']' | b'}') => Err(self.error_here(
                format!("expected a value, found {}", self.describe_here()),
                None,
            )),
            None => Err(self.error_here(
                "unexpected end of file: expected a value",
                Some("the file looks truncated"),
            )),
            _ => Err(self.error_here(
                format!(
                    "expected a value (object, array, string, number, true, false or null), found {}",
                    self.describe_here()
                ),
                None,
            )),
        }
    }

    fn enter(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error_here(
                format!("nesting is deeper than {MAX_DEPTH} levels"),
                Some("no state machine needs this depth; the file is likely generated wrongly"),
            ));
        }
        Ok(())
    }

    fn object(&mut self) -> Result<Node, ParseError> {
        self.enter()?;
        let start = self.pos;
        self.pos += 1;
        let base = self.member_stack.len();
        self.skip_whitespace()?;
        if self.peek() == Some(b'}') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(Node {
                span: Span::new(start, self.pos),
                value: Value::Object(Vec::new()),
            });
        }
        loop {
            self.skip_whitespace()?;
            match self.peek() {
                Some(b'"') => {}
                Some(b'}') if self.member_stack.len() > base => {
                    return Err(self.error_here(
                        "trailing comma before '}' is not allowed in JSON",
                        Some("remove the last comma"),
                    ));
                }
                Some(b'\'') => {
                    return Err(self.error_here(
                        "object keys must be enclosed in double quotes",
                        Some("replace the single quotes with double quotes"),
                    ))
                }
                None => {
                    return Err(self.error_here(
                        "unexpected end of file inside an object: expected a key",
                        Some("the file looks truncated"),
                    ))
                }
                _ => {
                    return Err(self.error_here(
                        format!(
                            "expected an object key in double quotes, found {}",
                            self.describe_here()
                        ),
                        None,
                    ))
                }
            }
            let (key, key_span) = self.string()?;
            self.skip_whitespace()?;
            if self.peek() != Some(b':') {
                return Err(self.error_here(
                    format!(
                        "expected ':' after the key \"{key}\", found {}",
                        self.describe_here(),
                        key = abbreviate(&key)
                    ),
                    None,
                ));
            }
            self.pos += 1;
            self.skip_whitespace()?;
            let value = self.value()?;
            self.member_stack.push(Member {
                key,
                key_span,
                value,
            });
            self.skip_whitespace()?;
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    break;
                }
                None => {
                    return Err(self.error_here(
                        "unexpected end of file inside an object: expected ',' or '}'",
                        Some("the file looks truncated"),
                    ))
                }
                _ => {
                    return Err(self.error_here(
                        format!(
                            "expected ',' or '}}' after the value of \"{}\", found {}",
                            abbreviate(self.member_stack.last().map_or("", |m| m.key.as_str())),
                            self.describe_here()
                        ),
                        Some("is a comma missing between two members?"),
                    ))
                }
            }
        }
        self.depth -= 1;
        let members: Vec<Member> = self.member_stack.drain(base..).collect();
        super::record_duplicates(&members, &mut self.duplicate_keys);
        Ok(Node {
            span: Span::new(start, self.pos),
            value: Value::Object(members),
        })
    }

    fn array(&mut self) -> Result<Node, ParseError> {
        self.enter()?;
        let start = self.pos;
        self.pos += 1;
        let base = self.item_stack.len();
        self.skip_whitespace()?;
        if self.peek() == Some(b']') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(Node {
                span: Span::new(start, self.pos),
                value: Value::Array(Vec::new()),
            });
        }
        loop {
            self.skip_whitespace()?;
            if self.peek() == Some(b']') {
                return Err(self.error_here(
                    "trailing comma before ']' is not allowed in JSON",
                    Some("remove the last comma"),
                ));
            }
            if self.peek() == Some(b',') {
                return Err(self.error_here("expected a value before ','", None));
            }
            let item = self.value()?;
            self.item_stack.push(item);
            self.skip_whitespace()?;
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    break;
                }
                None => {
                    return Err(self.error_here(
                        "unexpected end of file inside an array: expected ',' or ']'",
                        Some("the file looks truncated"),
                    ))
                }
                _ => {
                    return Err(self.error_here(
                        format!(
                            "expected ',' or ']' after an array item, found {}",
                            self.describe_here()
                        ),
                        Some("is a comma missing between two items?"),
                    ))
                }
            }
        }
        self.depth -= 1;
        let items: Vec<Node> = self.item_stack.drain(base..).collect();
        Ok(Node {
            span: Span::new(start, self.pos),
            value: Value::Array(items),
        })
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Node, ParseError> {
        let start = self.pos;
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            if !self.peek().is_some_and(|b| b.is_ascii_alphanumeric()) {
                return Ok(Node {
                    span: Span::new(start, self.pos),
                    value,
                });
            }
        }
        let end = self.bytes[start..]
            .iter()
            .position(|b| !b.is_ascii_alphanumeric() && *b != b'_')
            .map_or(self.bytes.len(), |n| start + n);
        let end = end.max(start + 1);
        let end = (start..=end.min(self.text.len()))
            .rev()
            .find(|&i| self.text.is_char_boundary(i))
            .unwrap_or(start);
        Err(ParseError {
            message: format!(
                "unknown literal '{}': expected true, false or null, or a string in double quotes",
                abbreviate(&self.text[start..end])
            ),
            span: Span::new(start, end),
            help: None,
        })
    }

    fn number(&mut self) -> Result<Node, ParseError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if self.peek().is_some_and(|b| b.is_ascii_digit()) {
                    return Err(ParseError {
                        message: "numbers must not have leading zeros".into(),
                        span: Span::new(start, self.pos + 1),
                        help: None,
                    });
                }
            }
            Some(b'1'..=b'9') => self.digits(),
            _ => {
                return Err(ParseError {
                    message: "invalid number: expected a digit after '-'".into(),
                    span: Span::new(start, self.pos),
                    help: None,
                })
            }
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !self.peek().is_some_and(|b| b.is_ascii_digit()) {
                return Err(self.error_here(
                    "invalid number: expected a digit after the decimal point",
                    None,
                ));
            }
            self.digits();
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !self.peek().is_some_and(|b| b.is_ascii_digit()) {
                return Err(
                    self.error_here("invalid number: expected a digit in the exponent", None)
                );
            }
            self.digits();
        }
        let span = Span::new(start, self.pos);
        let n: f64 = self.text[start..self.pos].parse().map_err(|_| ParseError {
            message: "invalid number".into(),
            span,
            help: None,
        })?;
        Ok(Node {
            span,
            value: Value::Number(Number::new(n, &self.text[start..self.pos])),
        })
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
    }

    /// Reads a string starting at the opening quote; returns its decoded text and full span.
    fn string(&mut self) -> Result<(Text, Span), ParseError> {
        let start = self.pos;
        self.pos += 1;
        // Only strings with escapes need an owned buffer; the rest are sliced from the text.
        let mut escaped: Option<String> = None;
        let mut run_start = self.pos;
        loop {
            // Skip the plain run in one tight loop; only quotes, escapes and controls stop it.
            self.pos += self.bytes[self.pos..]
                .iter()
                .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
                .unwrap_or(self.bytes.len() - self.pos);
            let Some(b) = self.peek() else {
                return Err(ParseError {
                    message: "unterminated string: the closing '\"' is missing".into(),
                    span: Span::new(start, start + 1),
                    help: Some("the string starts here and runs to the end of the file".into()),
                });
            };
            match b {
                b'"' => {
                    let run = &self.text[run_start..self.pos];
                    let text = match escaped.take() {
                        Some(mut out) => {
                            out.push_str(run);
                            Text::from(out)
                        }
                        None => Text::from(run),
                    };
                    self.pos += 1;
                    return Ok((text, Span::new(start, self.pos)));
                }
                b'\\' => {
                    let out = escaped.get_or_insert_with(String::new);
                    out.push_str(&self.text[run_start..self.pos]);
                    self.escape(out)?;
                    run_start = self.pos;
                }
                b'\n' | b'\r' => {
                    return Err(ParseError {
                        message: "unterminated string: a line break must be written as \\n inside a JSON string".into(),
                        span: Span::new(start, self.pos),
                        help: Some("close the string with '\"' or escape the line break".into()),
                    })
                }
                0..=0x1f => {
                    return Err(self.error_here(
                        format!(
                            "control character U+{b:04X} must be escaped inside a string"
                        ),
                        None,
                    ))
                }
                _ => self.pos += 1,
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<(), ParseError> {
        let start = self.pos;
        self.pos += 1;
        let Some(b) = self.peek() else {
            return Err(
                self.error_here("unterminated escape sequence at the end of the file", None)
            );
        };
        self.pos += 1;
        let c = match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let hi = self.hex4(start)?;
                if (0xD800..0xDC00).contains(&hi) {
                    if self.bytes[self.pos..].starts_with(b"\\u") {
                        let low_start = self.pos;
                        self.pos += 2;
                        let lo = self.hex4(low_start)?;
                        if (0xDC00..0xE000).contains(&lo) {
                            let code = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                            char::from_u32(code).unwrap_or('\u{fffd}')
                        } else {
                            '\u{fffd}'
                        }
                    } else {
                        '\u{fffd}'
                    }
                } else {
                    char::from_u32(hi).unwrap_or('\u{fffd}')
                }
            }
            _ => {
                let end = (self.pos..=self.text.len())
                    .find(|&i| self.text.is_char_boundary(i))
                    .unwrap_or(self.pos);
                return Err(ParseError {
                    message: format!("invalid escape '{}' in a string", abbreviate(&self.text[start..end])),
                    span: Span::new(start, end),
                    help: Some(
                        "valid escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX; write a backslash as \\\\"
                            .into(),
                    ),
                });
            }
        };
        out.push(c);
        Ok(())
    }

    fn hex4(&mut self, escape_start: usize) -> Result<u32, ParseError> {
        let digits = self.bytes.get(self.pos..self.pos + 4);
        match digits.filter(|d| d.iter().all(u8::is_ascii_hexdigit)) {
            Some(d) => {
                self.pos += 4;
                // The four bytes are ASCII hex digits, so this cannot fail.
                Ok(u32::from_str_radix(std::str::from_utf8(d).unwrap_or("0"), 16).unwrap_or(0))
            }
            None => Err(ParseError {
                message: "invalid \\u escape: expected four hexadecimal digits".into(),
                span: Span::new(escape_start, (self.pos).min(self.bytes.len())),
                help: None,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> ParseError {
        parse(text).expect_err("should fail")
    }

    #[test]
    fn spans_cover_keys_and_values() {
        let text = r#"{ "a" : [1, true, null, "x\"y"], "b": {"c": -2.5e3} }"#;
        let d = parse(text).unwrap();
        let a = d.root.member("a").unwrap();
        assert_eq!(&text[a.key_span.start..a.key_span.end], "\"a\"");
        assert_eq!(
            &text[a.value.span.start..a.value.span.end],
            r#"[1, true, null, "x\"y"]"#
        );
        let items = a.value.as_array().unwrap();
        assert_eq!(items[3].as_str(), Some("x\"y"));
        assert_eq!(
            d.root.get("b").unwrap().get("c").unwrap().as_f64(),
            Some(-2500.0)
        );
        assert_eq!(d.root.span, Span::new(0, text.len()));
    }

    #[test]
    fn duplicate_keys_are_kept_and_reported() {
        let d = parse(r#"{"a": 1, "b": 2, "a": 3}"#).unwrap();
        assert_eq!(d.root.as_object().unwrap().len(), 3);
        assert_eq!(d.duplicate_keys.len(), 1);
        assert_eq!(d.duplicate_keys[0].first, Span::new(1, 4));
        assert_eq!(d.duplicate_keys[0].duplicate, Span::new(17, 20));
        // Large objects take the hashed path.
        let many: Vec<String> = (0..40).map(|i| format!("\"k{}\": {i}", i % 30)).collect();
        let d = parse(&format!("{{{}}}", many.join(","))).unwrap();
        assert_eq!(d.duplicate_keys.len(), 10);
    }

    #[test]
    fn escapes_decode() {
        let d = parse(r#""a\u00e9\ud83d\ude00\n\/""#).unwrap();
        assert_eq!(d.root.as_str(), Some("aé😀\n/"));
    }

    #[test]
    fn bom_is_accepted() {
        let d = parse("\u{feff}{\"a\": 1}").unwrap();
        assert_eq!(d.root.span.start, 3);
    }

    #[test]
    fn errors_are_located_precisely() {
        let e = err("{\"a\": 1,}");
        assert!(e.message.contains("trailing comma"), "{}", e.message);
        assert_eq!(e.span, Span::new(8, 9));

        let e = err("{\"a\": 1 \"b\": 2}");
        assert!(e.message.contains("expected ',' or '}'"), "{}", e.message);
        assert_eq!(e.span.start, 8);

        let e = err("{\"a\": 01}");
        assert!(e.message.contains("leading zeros"));

        let e = err("{\"a\": tru}");
        assert!(e.message.contains("unknown literal 'tru'"), "{}", e.message);

        let e = err("{\"a\": \"x");
        assert!(e.message.contains("unterminated string"));
        assert_eq!(e.span.start, 6);

        let e = err("{\"a\": \"\\q\"}");
        assert!(e.message.contains("invalid escape '\\q'"), "{}", e.message);

        let e = err("// c\n{}");
        assert!(e.message.contains("comments"));

        let e = err("{} x");
        assert!(e.message.contains("after the end"));

        let e = err("   ");
        assert!(e.message.contains("empty"));

        let e = err("{'a': 1}");
        assert!(e.message.contains("double quotes"));

        let e = err("[1,");
        assert!(e.message.contains("end of file"), "{}", e.message);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(100_000);
        let e = err(&text);
        assert!(e.message.contains("nesting is deeper"));
        assert_eq!(e.span.start, MAX_DEPTH);
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn multibyte_error_spans_stay_on_char_boundaries() {
        let e = err("{\"a\": é}");
        assert!(e.message.contains("'é'"));
        assert_eq!(e.span.len(), 'é'.len_utf8());
    }
}
