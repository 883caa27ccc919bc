//! Renders a Terraform template (a heredoc, a quoted string, a `templatefile` file) into the
//! JSON text Step Functions receives, remembering where each piece came from: literal text
//! byte for byte, each `${…}` as the value it is known to have or as a `${…}` placeholder.
//!
//! Where the value goes depends on where it stands in the JSON: inside a string it is text;
//! outside, an unknown value is written as a quoted placeholder (`"${var.items}"`), which every
//! rule treats as a value of unknown type. A `%{ if }`/`%{ for }` directive inside a JSON string
//! makes that string unknown; one that builds JSON structure makes the whole text unknown.

use crate::document::Node;
use crate::source::Span;
use crate::template::{DefinedBy, Rebuilt, UnknownSubstitution};

use super::syntax::{Expr, Literals, Part};
use super::value::Val;

/// What an interpolation inserts.
pub enum Inserted {
    Value(Val),
    /// A `templatefile` variable the map does not define.
    Undefined {
        name: String,
        suggestion: Option<String>,
    },
}

/// The text could not be rendered: a directive builds its JSON structure, at this span.
pub struct Structural(pub Span);

/// Where JSON text stands: inside a string or not (for where an interpolation lands).
#[derive(Default)]
struct JsonState {
    in_string: bool,
    escaped: bool,
}

impl JsonState {
    fn feed(&mut self, text: &str) {
        for b in text.bytes() {
            if self.in_string {
                if self.escaped {
                    self.escaped = false;
                } else if b == b'\\' {
                    self.escaped = true;
                } else if b == b'"' {
                    self.in_string = false;
                }
            } else if b == b'"' {
                self.in_string = true;
            }
        }
    }
}

pub struct Renderer<'r, 'd> {
    pub out: Rebuilt<'d>,
    text: &'r str,
    json: JsonState,
    /// At the start of a line (for `<<-` indentation).
    line_start: bool,
    /// `.tf.json`: the string node a literal was decoded from, by its span.
    json_node: &'r dyn Fn(Span) -> Option<&'d Node>,
}

impl<'r, 'd> Renderer<'r, 'd> {
    pub fn new(text: &'r str, json_node: &'r dyn Fn(Span) -> Option<&'d Node>) -> Self {
        Renderer {
            out: Rebuilt::default(),
            text,
            json: JsonState::default(),
            line_start: true,
            json_node,
        }
    }

    /// Appends a template's parts, each interpolation as `resolve` says.
    pub fn template(
        &mut self,
        parts: &[Part],
        literals: Literals,
        resolve: &dyn Fn(&Expr) -> Inserted,
    ) -> Result<(), Structural> {
        for part in parts {
            match part {
                Part::Literal {
                    value,
                    span,
                    decoded,
                } => self.literal(value, *span, *decoded, literals),
                Part::Interpolation { expr, span } => {
                    self.line_start = false;
                    let inserted = resolve(expr);
                    self.interpolation(inserted, expr, *span);
                }
                Part::Directive { span } => {
                    self.line_start = false;
                    let written = self.text.get(span.start..span.end).unwrap_or("");
                    if !self.json.in_string || written.contains('"') {
                        return Err(Structural(*span));
                    }
                    self.push_computed(&format!("${{{}}}", describe(written)), *span);
                }
            }
        }
        Ok(())
    }

    fn push_computed(&mut self, value: &str, span: Span) {
        self.json.feed(value);
        self.out.computed(value, span);
    }

    fn push_verbatim(&mut self, value: &str, at: usize, template: bool) {
        self.json.feed(value);
        self.out.verbatim(value, at, template);
    }

    fn interpolation(&mut self, inserted: Inserted, expr: &Expr, span: Span) {
        let written = self.text.get(span.start..span.end).unwrap_or("");
        match inserted {
            Inserted::Undefined { name, suggestion } => {
                let placeholder = format!("${{{name}}}");
                let quoted = !self.json.in_string;
                if quoted {
                    self.push_computed("\"", span);
                }
                let at = self.out.text.len();
                if written == placeholder {
                    self.push_verbatim(&placeholder, span.start, false);
                } else {
                    self.push_computed(&placeholder, span);
                }
                if quoted {
                    self.push_computed("\"", span);
                }
                self.out.unknown.push(UnknownSubstitution {
                    name,
                    span: Span::new(at, at + placeholder.len()),
                    defined_by: DefinedBy::TemplateFile,
                    suggestion,
                });
            }
            Inserted::Value(value) => {
                let text = match value {
                    Val::Num(n) => n,
                    Val::Bool(b) => b.to_string(),
                    Val::Str(s)
                        if self.json.in_string
                            && !s.contains(['"', '\\'])
                            && !s.chars().any(char::is_control) =>
                    {
                        s
                    }
                    Val::Str(s) if !self.json.in_string && !crate::placeholder::has(&s) => s,
                    other => {
                        let name = match other {
                            Val::Unknown(name) => name,
                            _ => describe(
                                self.text.get(expr.span.start..expr.span.end).unwrap_or(""),
                            ),
                        };
                        if self.json.in_string {
                            format!("${{{name}}}")
                        } else {
                            format!("\"${{{name}}}\"")
                        }
                    }
                };
                self.push_computed(&text, span);
            }
        }
    }

    /// Literal text, byte for byte where it is written so; escapes map as a whole.
    fn literal(
        &mut self,
        value: &str,
        span: Span,
        decoded: Option<(usize, usize)>,
        literals: Literals,
    ) {
        match literals {
            Literals::Json(node_span) => {
                let node = (self.json_node)(node_span);
                let (Some(node), Some((from, to))) = (node, decoded) else {
                    self.push_computed(value, span);
                    return;
                };
                let Some(raw) = node.as_str().and_then(|s| s.get(from..to)) else {
                    self.push_computed(value, span);
                    return;
                };
                // `$${` and `%%{` are the template's escapes; the rest is copied.
                let mut run = from;
                let mut i = 0;
                let bytes = raw.as_bytes();
                while i < bytes.len() {
                    if matches!(bytes[i], b'$' | b'%')
                        && bytes.get(i + 1) == Some(&bytes[i])
                        && bytes.get(i + 2) == Some(&b'{')
                    {
                        self.copy_json(node, run..from + i);
                        let escaped = if bytes[i] == b'$' { "${" } else { "%{" };
                        self.json.feed(escaped);
                        self.out.substitute(escaped, node, from + i..from + i + 3);
                        i += 3;
                        run = from + i;
                    } else {
                        i += 1;
                    }
                }
                self.copy_json(node, run..to);
            }
            Literals::Heredoc { strip } => {
                let raw = self.text.get(span.start..span.end).unwrap_or("");
                self.raw_literal(raw, span.start, strip, false);
            }
            Literals::Quoted => {
                let raw = self.text.get(span.start..span.end).unwrap_or("");
                self.raw_literal(raw, span.start, 0, true);
            }
        }
    }

    fn copy_json(&mut self, node: &'d Node, range: std::ops::Range<usize>) {
        if let Some(s) = node.as_str().and_then(|s| s.get(range.clone())) {
            self.json.feed(s);
        }
        self.out.copy(node, range);
    }

    /// Text written in the file at `at`: verbatim runs, with escapes (`$${`, `%%{`, and in a
    /// quoted string `\n`, `\"`, `\u00e9`…) and a `<<-` heredoc's indentation mapped apart.
    fn raw_literal(&mut self, raw: &str, at: usize, strip: usize, quoted: bool) {
        let bytes = raw.as_bytes();
        let mut run = 0;
        let mut i = 0;
        while i < bytes.len() {
            if self.line_start && strip > 0 {
                self.line_start = false;
                let indent = bytes[i..]
                    .iter()
                    .take(strip)
                    .take_while(|b| matches!(b, b' ' | b'\t'))
                    .count();
                if indent > 0 {
                    self.push_verbatim(&raw[run..i], at + run, true);
                    i += indent;
                    run = i;
                    continue;
                }
            }
            let b = bytes[i];
            let escape: Option<(usize, String)> = if matches!(b, b'$' | b'%')
                && bytes.get(i + 1) == Some(&b)
                && bytes.get(i + 2) == Some(&b'{')
            {
                Some((3, format!("{}{{", b as char)))
            } else if quoted && b == b'\\' {
                unescape(&raw[i..])
            } else {
                None
            };
            if let Some((len, value)) = escape {
                self.push_verbatim(&raw[run..i], at + run, true);
                self.push_computed(&value, Span::new(at + i, at + i + len));
                i += len;
                run = i;
                continue;
            }
            if b == b'\n' {
                self.line_start = true;
            }
            i += 1;
            if self.line_start && strip > 0 {
                self.push_verbatim(&raw[run..i], at + run, true);
                run = i;
            }
        }
        self.push_verbatim(&raw[run..], at + run, true);
    }
}

/// A backslash escape of a quoted HCL string: its length and what it stands for.
fn unescape(s: &str) -> Option<(usize, String)> {
    let mut chars = s.chars();
    chars.next()?;
    let c = chars.next()?;
    let simple = match c {
        'n' => Some('\n'),
        'r' => Some('\r'),
        't' => Some('\t'),
        '"' => Some('"'),
        '\\' => Some('\\'),
        _ => None,
    };
    if let Some(c) = simple {
        return Some((2, c.to_string()));
    }
    let digits = match c {
        'u' => 4,
        'U' => 8,
        _ => return None,
    };
    let hex = s.get(2..2 + digits)?;
    let c = char::from_u32(u32::from_str_radix(hex, 16).ok()?)?;
    Some((2 + digits, c.to_string()))
}

/// Source text of an expression made into a placeholder name: braces, quotes and escapes
/// taken out (they would end the placeholder), spaces collapsed, length bounded.
pub fn describe(written: &str) -> String {
    let mut out = String::new();
    let mut space = false;
    for c in written.chars() {
        if matches!(c, '{' | '}' | '"' | '\\' | '$' | '%') {
            continue;
        }
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.push(c);
        if out.len() >= 80 {
            out.push('…');
            break;
        }
    }
    if out.is_empty() {
        out.push_str("unknown");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_unknown_values_cannot_end_a_placeholder() {
        assert_eq!(describe("var.x"), "var.x");
        assert_eq!(describe("jsonencode({a = \"}\"})"), "jsonencode(a = )");
        assert_eq!(describe("  a\n  b "), "a b");
        assert_eq!(describe("{}"), "unknown");
    }

    #[test]
    fn quoted_escapes() {
        assert_eq!(unescape("\\n"), Some((2, "\n".into())));
        assert_eq!(unescape("\\u00e9x"), Some((6, "é".into())));
        assert_eq!(unescape("\\q"), None);
    }
}
