//! Scalars: the YAML 1.2 core schema, and the tags that change how a scalar is read.

use std::borrow::Cow;

use saphyr_parser::Tag;

use super::super::{Number, Text, Value};

/// What a tag asks of the node it is on.
pub(super) enum TagKind {
    /// No effect: the node reads as if untagged (`!!map`, `!!seq`, other handles).
    Ignored,
    Str,
    Int,
    Float,
    Bool,
    Null,
    /// A CloudFormation function in short form; the name of its long form.
    Function(Text),
}

impl TagKind {
    pub(super) fn core_name(&self) -> &'static str {
        match self {
            TagKind::Int => "int",
            TagKind::Float => "float",
            TagKind::Bool => "bool",
            TagKind::Null => "null",
            _ => "str",
        }
    }
}

pub(super) fn classify(tag: &Tag) -> TagKind {
    const CORE: &str = "tag:yaml.org,2002:";
    let core = match (tag.handle.as_str(), tag.suffix.as_str()) {
        (CORE, suffix) => suffix,
        ("", suffix) if suffix.starts_with(CORE) => &suffix[CORE.len()..],
        // The non-specific tag `! 12`: a string.
        ("", "!") | ("!", "") => return TagKind::Str,
        ("!", "Ref") => return TagKind::Function(Text::from("Ref")),
        ("!", "Condition") => return TagKind::Function(Text::from("Condition")),
        ("!", name) => return TagKind::Function(Text::from(format!("Fn::{name}"))),
        _ => return TagKind::Ignored,
    };
    match core {
        "str" | "binary" | "timestamp" => TagKind::Str,
        "int" => TagKind::Int,
        "float" => TagKind::Float,
        "bool" => TagKind::Bool,
        "null" => TagKind::Null,
        _ => TagKind::Ignored,
    }
}

/// A plain scalar by the YAML 1.2 core schema.
pub(super) fn resolve_plain(value: &str) -> Value {
    match value.as_bytes().first() {
        None => Value::Null,
        Some(b'0'..=b'9' | b'-' | b'+' | b'.') => {
            match parse_int(value).or_else(|| parse_float(value)) {
                Some(n) => Value::Number(Number::new(n, value)),
                None => Value::String(Text::from(value)),
            }
        }
        Some(b'n' | b'N' | b'~') if is_null(value) => Value::Null,
        Some(b't' | b'T' | b'f' | b'F') => match parse_bool(value) {
            Some(b) => Value::Bool(b),
            None => Value::String(Text::from(value)),
        },
        _ => Value::String(Text::from(value)),
    }
}

pub(super) fn is_null(value: &str) -> bool {
    matches!(value, "" | "~" | "null" | "Null" | "NULL")
}

pub(super) fn parse_bool(value: &str) -> Option<bool> {
    match value {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// `[-+]?[0-9]+`, `0o[0-7]+`, `0x[0-9a-fA-F]+`.
pub(super) fn parse_int(value: &str) -> Option<f64> {
    let radix = |digits: &str, radix: u32| {
        if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
            return None;
        }
        // Past u128 the value is far beyond f64's exact range anyway.
        u128::from_str_radix(digits, radix).ok().map(|n| n as f64)
    };
    if let Some(hex) = value.strip_prefix("0x") {
        return radix(hex, 16);
    }
    if let Some(octal) = value.strip_prefix("0o") {
        return radix(octal, 8);
    }
    let digits = value.strip_prefix(['-', '+']).unwrap_or(value);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value.parse().ok()
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?` and the infinities.
pub(super) fn parse_float(value: &str) -> Option<f64> {
    match value {
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Some(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Some(f64::NEG_INFINITY),
        _ => {}
    }
    let bytes = value.as_bytes();
    let mut i = usize::from(matches!(bytes.first(), Some(b'-' | b'+')));
    let digits = |i: &mut usize| {
        let start = *i;
        while bytes.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    let whole = digits(&mut i);
    let mut fraction = 0;
    if bytes.get(i) == Some(&b'.') {
        i += 1;
        fraction = digits(&mut i);
    }
    if whole == 0 && fraction == 0 {
        return None;
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(bytes.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return None;
        }
    }
    if i != bytes.len() {
        return None;
    }
    value.parse().ok()
}

/// A scalar under a core-schema tag (`!!int 12`), whatever its quoting.
pub(super) fn resolve_tagged(value: &str, kind: &TagKind) -> Option<Value> {
    match kind {
        TagKind::Str => Some(Value::String(Text::from(value))),
        TagKind::Int => parse_int(value).map(|n| Value::Number(Number::new(n, value))),
        TagKind::Float => parse_int(value)
            .or_else(|| parse_float(value))
            .or_else(|| matches!(value, ".nan" | ".NaN" | ".NAN").then_some(f64::NAN))
            .map(|n| Value::Number(Number::new(n, value))),
        TagKind::Bool => parse_bool(value).map(Value::Bool),
        TagKind::Null => is_null(value).then_some(Value::Null),
        TagKind::Ignored | TagKind::Function(_) => None,
    }
}

pub(super) fn text_of(value: Cow<'_, str>) -> Text {
    match value {
        Cow::Borrowed(s) => Text::from(s),
        Cow::Owned(s) => Text::from(s),
    }
}
