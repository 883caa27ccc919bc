//! The spanned document: a JSON-like tree where every key and value knows its byte span.
//! JSON (and later YAML) parsers produce it; the ASL model reads it.

pub mod inner;
pub mod json;
mod text;
pub mod yaml;

pub use text::Text;

use crate::hash::FastMap;
use crate::source::Span;

/// Deepest nesting any parser accepts. Every later walk over a document relies on this bound.
pub const MAX_DEPTH: usize = 256;

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub span: Span,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(Number),
    String(Text),
    Array(Vec<Node>),
    Object(Vec<Member>),
}

/// A number: its value, and its text as the file writes it when the value would print
/// differently (`1e400` is infinite, `18446744073709551616` prints as 18446744073709552000,
/// `1.50` as 1.5, `0x1F` as 31). Messages quote the number as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Number {
    pub value: f64,
    written: Option<Box<str>>,
}

impl Number {
    pub fn new(value: f64, written: &str) -> Number {
        // Plain integers of up to 15 digits print as written: no copy is kept of those (nearly
        // every number in a state machine).
        let digits = written.strip_prefix('-').unwrap_or(written);
        let plain = !digits.is_empty()
            && digits.len() <= 15
            && digits.bytes().all(|b| b.is_ascii_digit())
            && (digits == "0" || !digits.starts_with('0'))
            && written != "-0";
        Number {
            value,
            written: (!plain).then(|| written.into()),
        }
    }

    /// The number as written in the file.
    pub fn written(&self) -> std::borrow::Cow<'_, str> {
        match &self.written {
            Some(written) => std::borrow::Cow::Borrowed(written),
            None => std::borrow::Cow::Owned(self.value.to_string()),
        }
    }
}

/// As written, abbreviated like any user text (a number can be a megabyte of digits).
impl std::fmt::Display for Number {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.written {
            Some(written) => crate::quote::abbreviate(written).fmt(f),
            None => self.value.fmt(f),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub key: Text,
    pub key_span: Span,
    pub value: Node,
}

impl Member {
    /// Span from the key to the end of the value.
    pub fn span(&self) -> Span {
        self.key_span.join(self.value.span)
    }
}

/// A key that appears twice in one object.
#[derive(Debug, Clone, PartialEq)]
pub struct DuplicateKey {
    pub key: String,
    pub first: Span,
    pub duplicate: Span,
}

#[derive(Debug)]
pub struct Document {
    pub root: Node,
    pub duplicate_keys: Vec<DuplicateKey>,
    /// YAML text that stands for more than one place: every anchored node (`&a …`, its
    /// content) and every alias (`*a`). An edit there would change each use at once, so fixes
    /// stay out of it. Empty for JSON.
    pub shared: Vec<Span>,
}

/// Why a text could not be read as a document.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub message: String,
    pub span: Span,
    pub help: Option<String>,
}

impl Node {
    pub fn kind(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(ref n) if is_integer(n.value) => "an integer",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        self.as_number().map(|n| n.value)
    }

    pub fn as_number(&self) -> Option<&Number> {
        match &self.value {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    /// The value as an integer, when it is a number without a fractional part.
    pub fn as_i64(&self) -> Option<i64> {
        let n = self.as_f64()?;
        (is_integer(n) && n.abs() < 9.0e15).then_some(n as i64)
    }

    pub fn as_array(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&[Member]> {
        match &self.value {
            Value::Object(members) => Some(members),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// The member named `key`; with duplicate keys the last one wins, as in most JSON readers.
    pub fn member(&self, key: &str) -> Option<&Member> {
        self.as_object()?.iter().rev().find(|m| m.key == key)
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.member(key).map(|m| &m.value)
    }

    pub fn get_str(&self, key: &str) -> Option<&str> {
        self.get(key)?.as_str()
    }
}

/// Every node under `root` (itself included), preorder, without recursion.
/// Whether `name` is read as YAML: by its extension, else (standard input, extensionless
/// names) by its first non-blank byte, since JSON always starts with `{` or `[`.
pub fn is_yaml(name: &str, text: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".yaml") || lower.ends_with(".yml") {
        return true;
    }
    if lower.ends_with(".json") {
        return false;
    }
    let first = text
        .trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n'])
        .bytes()
        .next();
    !matches!(first, Some(b'{' | b'[') | None)
}

/// Files parsed by `parse`, in this process: tests check that a run parses each file once.
static PARSED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

pub fn documents_parsed() -> usize {
    PARSED.load(std::sync::atomic::Ordering::Relaxed)
}

/// Parses `text` as JSON or YAML, as `is_yaml` decides.
pub fn parse(name: &str, text: &str) -> Result<Document, ParseError> {
    PARSED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    if is_yaml(name, text) {
        yaml::parse(text)
    } else {
        json::parse(text)
    }
}

pub fn descendants(root: &Node) -> impl Iterator<Item = &Node> {
    let mut stack = vec![root];
    std::iter::from_fn(move || {
        let node = stack.pop()?;
        match &node.value {
            Value::Array(items) => stack.extend(items.iter().rev()),
            Value::Object(members) => stack.extend(members.iter().rev().map(|m| &m.value)),
            _ => {}
        }
        Some(node)
    })
}

fn is_integer(n: f64) -> bool {
    n.is_finite() && n.fract() == 0.0
}

/// Records every key of `members` that repeats an earlier one (both parsers keep all members).
pub(crate) fn record_duplicates(members: &[Member], out: &mut Vec<DuplicateKey>) {
    let mut push = |first: &Member, duplicate: &Member| {
        out.push(DuplicateKey {
            key: duplicate.key.to_string(),
            first: first.key_span,
            duplicate: duplicate.key_span,
        })
    };
    if members.len() < 2 {
        return;
    }
    if members.len() <= 12 {
        for (i, m) in members.iter().enumerate() {
            if let Some(first) = members[..i].iter().find(|f| f.key == m.key) {
                push(first, m);
            }
        }
    } else {
        let mut seen: FastMap<&str, &Member> = FastMap::default();
        seen.reserve(members.len());
        for m in members {
            if let Some(first) = seen.get(m.key.as_str()) {
                push(first, m);
            } else {
                seen.insert(&m.key, m);
            }
        }
    }
}

/// Escapes one reference token of an RFC 6901 JSON pointer.
pub fn escape_pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// The RFC 6901 pointer of the innermost node (or member) that contains `target`.
/// When `target` is a key or member span the pointer names that member.
pub fn pointer_to(root: &Node, target: Span) -> String {
    let mut pointer = String::new();
    let mut node = root;
    loop {
        if node.span == target {
            return pointer;
        }
        let next = match &node.value {
            Value::Object(members) => {
                // Members are in document order, so the candidate is found by binary search.
                let i = members.partition_point(|m| m.key_span.start <= target.start);
                let Some(m) = i
                    .checked_sub(1)
                    .map(|i| &members[i])
                    .filter(|m| m.span().contains(target))
                else {
                    return pointer;
                };
                pointer.push('/');
                pointer.push_str(&escape_pointer_token(&m.key));
                if !m.value.span.contains(target) {
                    // The key itself, or the whole member.
                    return pointer;
                }
                &m.value
            }
            Value::Array(items) => {
                let i = items.partition_point(|n| n.span.start <= target.start);
                let Some((i, item)) = i
                    .checked_sub(1)
                    .map(|i| (i, &items[i]))
                    .filter(|(_, n)| n.span.contains(target))
                else {
                    return pointer;
                };
                pointer.push('/');
                pointer.push_str(&i.to_string());
                item
            }
            _ => return pointer,
        };
        node = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Document {
        json::parse(text).unwrap()
    }

    #[test]
    fn pointer_names_the_member_for_key_and_value_spans() {
        let text = r#"{"States": {"A/b": {"Next": "X"}}, "L": [1, {"k~": 2}]}"#;
        let d = doc(text);
        let next = d
            .root
            .get("States")
            .unwrap()
            .get("A/b")
            .unwrap()
            .member("Next")
            .unwrap();
        assert_eq!(pointer_to(&d.root, next.value.span), "/States/A~1b/Next");
        assert_eq!(pointer_to(&d.root, next.key_span), "/States/A~1b/Next");
        let k = d.root.get("L").unwrap().as_array().unwrap()[1]
            .member("k~")
            .unwrap();
        assert_eq!(pointer_to(&d.root, k.value.span), "/L/1/k~0");
        assert_eq!(pointer_to(&d.root, d.root.span), "");
    }

    #[test]
    fn descendants_are_preorder() {
        let d = doc(r#"{"a": [1, {"b": 2}], "c": 3}"#);
        let kinds: Vec<&str> = descendants(&d.root).map(Node::kind).collect();
        assert_eq!(
            kinds,
            [
                "an object",
                "an array",
                "an integer",
                "an object",
                "an integer",
                "an integer"
            ]
        );
    }

    #[test]
    fn numbers_keep_their_written_form_when_it_differs() {
        let d = doc(r#"[1e400, 18446744073709551616, 1.50, -0, 30, -7, 0, 1e3]"#);
        let written: Vec<String> = d
            .root
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_number().unwrap().to_string())
            .collect();
        assert_eq!(
            written,
            [
                "1e400",
                "18446744073709551616",
                "1.50",
                "-0",
                "30",
                "-7",
                "0",
                "1e3"
            ]
        );
        assert!(Number::new(30.0, "30").written.is_none());
        assert_eq!(Number::new(30.0, "30").written(), "30");
        let long = format!("1{}", "0".repeat(1_000_000));
        assert!(
            Number::new(f64::INFINITY, &long)
                .to_string()
                .chars()
                .count()
                <= crate::quote::MAX_QUOTED_CHARS
        );
    }

    #[test]
    fn accessors() {
        let d = doc(r#"{"a": 2, "b": 2.5, "c": "s", "a": 3}"#);
        assert_eq!(d.root.get("a").unwrap().as_i64(), Some(3));
        assert_eq!(d.root.get("b").unwrap().as_i64(), None);
        assert_eq!(d.root.get("b").unwrap().kind(), "a number");
        assert_eq!(d.root.get_str("c"), Some("s"));
    }
}
