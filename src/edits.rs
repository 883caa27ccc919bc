//! Edits that fix findings, shaped to the text they change: a renamed key keeps its quotes (or
//! their absence), a moved array entry keeps the separators where they were, an inserted member
//! takes its neighbours' indentation, commas and line endings. Every builder returns `None`
//! when it cannot be sure of the result; the finding then simply has no fix.

use std::ops::Range;

use crate::diagnostic::Edit;
use crate::document::{Member, Node, Value};
use crate::source::Span;

/// How a key or string is written, judged by comparing its span with its decoded value: a
/// quoted scalar without escapes spans its value and two quotes, a plain YAML scalar spans just
/// its value. Escapes, folded lines, tags and template substitutions change the length, and
/// such scalars get no edit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Written {
    Quoted,
    Plain,
}

fn written(span: Span, value: &str) -> Option<Written> {
    if span.len() == value.len() + 2 {
        Some(Written::Quoted)
    } else if span.len() == value.len() && !value.is_empty() {
        Some(Written::Plain)
    } else {
        None
    }
}

/// Text that reads the same between double quotes (JSON, YAML) and single quotes (YAML).
fn quote_safe(s: &str) -> bool {
    !s.chars()
        .any(|c| matches!(c, '"' | '\'' | '\\') || c.is_control())
}

/// Text that YAML reads as this same string when written without quotes, in block and flow
/// context alike. Conservative: anything doubtful is quoted instead.
pub fn plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    let starts_badly = first.is_whitespace()
        || first.is_ascii_digit()
        || "-?:,[]{}#&*!|>'\"%@`.+~=".contains(first);
    let special = [
        "true", "false", "null", "yes", "no", "on", "off", "y", "n", "~",
    ]
    .contains(&s.to_ascii_lowercase().as_str());
    !starts_badly
        && !special
        && !s.ends_with(char::is_whitespace)
        && !s.ends_with(':')
        && !s.contains(": ")
        && !s.contains(" #")
        && !s
            .chars()
            .any(|c| c.is_control() || ",[]{}#\"'\\".contains(c))
}

/// A JSON string literal (also valid YAML, double-quoted).
pub fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

/// Replaces a key or string written at `span` whose decoded value is `old` with `new`, in the
/// same style: inside the same quotes, or plain when YAML allows it (double-quoted otherwise).
pub fn replace_scalar(span: Span, old: &str, new: &str) -> Option<Edit> {
    match written(span, old)? {
        Written::Quoted if quote_safe(new) => {
            Some(Edit::replace(Span::new(span.start + 1, span.end - 1), new))
        }
        Written::Quoted => None,
        Written::Plain if plain_safe(new) => Some(Edit::replace(span, new)),
        Written::Plain => Some(Edit::replace(span, quoted(new))),
    }
}

/// Renames a member's key, keeping how the key is written.
pub fn rename_key(member: &Member, new: &str) -> Option<Edit> {
    replace_scalar(member.key_span, &member.key, new)
}

/// Appends `suffix` to a member's key (`"id"` → `"id.$"`), keeping how the key is written.
pub fn append_to_key(member: &Member, suffix: &str) -> Option<Edit> {
    let new = format!("{}{suffix}", member.key);
    match written(member.key_span, &member.key)? {
        Written::Quoted if quote_safe(suffix) => {
            Some(Edit::insert(member.key_span.end - 1, suffix))
        }
        Written::Plain if plain_safe(&new) => Some(Edit::insert(member.key_span.end, suffix)),
        _ => replace_scalar(member.key_span, &member.key, &new),
    }
}

/// Replaces bytes `range` of the string `node` (e.g. a function name inside an intrinsic call)
/// with `new`, a word of letters, digits, dots and underscores.
pub fn replace_in_string(node: &Node, range: Range<usize>, new: &str) -> Option<Edit> {
    let value = node.as_str()?;
    if range.start > range.end
        || range.end > value.len()
        || !value.is_char_boundary(range.start)
        || !value.is_char_boundary(range.end)
        || !new
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_')
    {
        return None;
    }
    let base = match written(node.span, value)? {
        Written::Quoted => node.span.start + 1,
        Written::Plain => node.span.start,
    };
    Some(Edit::replace(
        Span::new(base + range.start, base + range.end),
        new,
    ))
}

/// Replaces a quoted string with `literal` written bare (`"5"` → `5`, `"true"` → `true`).
pub fn unquote(node: &Node, literal: &str) -> Option<Edit> {
    let value = node.as_str()?;
    (written(node.span, value)? == Written::Quoted).then(|| Edit::replace(node.span, literal))
}

/// `s` as a JSON number literal (which YAML also reads as that number), if it is one.
pub fn json_number(s: &str) -> Option<&str> {
    let b = s.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i > start
    };
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            digits(&mut i);
        }
        _ => return None,
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if !digits(&mut i) {
            return None;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digits(&mut i) {
            return None;
        }
    }
    (i == b.len()).then_some(s)
}

/// Moves `items[index]` to the end of its array. The entries trade places; the text between
/// them (commas, line breaks, indentation) stays where it was, so the edit is right for JSON,
/// YAML flow and YAML block style alike. In block style an entry moves as whole lines, with the
/// comment lines just above its `- ` and any comment after its last value.
pub fn move_item_last(text: &str, items: &[Node], index: usize) -> Option<Edit> {
    let last = items.len().checked_sub(1)?;
    if index >= last {
        return None;
    }
    let moved = &items[index..];
    for item in moved {
        let raw = text.get(item.span.start..item.span.end)?;
        // A block scalar ending in a line break would carry that break along.
        if raw.is_empty() || raw.ends_with(['\n', '\r']) {
            return None;
        }
    }
    let block: Option<Vec<Span>> = moved.iter().map(|item| block_entry(text, item)).collect();
    let chunks = match block {
        Some(lines) => lines,
        None => {
            // Flow style: an entry spanning lines keeps its inner indentation only at the
            // column it started at.
            let column = |at: usize| at - text[..at].rfind('\n').map_or(0, |i| i + 1);
            let multi_line = moved
                .iter()
                .any(|i| text[i.span.start..i.span.end].contains('\n'));
            let first = column(moved[0].span.start);
            if multi_line && moved.iter().any(|i| column(i.span.start) != first) {
                return None;
            }
            moved.iter().map(|i| i.span).collect()
        }
    };
    if chunks.windows(2).any(|w| w[0].end > w[1].start) {
        return None;
    }
    let mut out = String::new();
    for k in 1..chunks.len() {
        out.push_str(&text[chunks[k].start..chunks[k].end]);
        out.push_str(&text[chunks[k - 1].end..chunks[k].start]);
    }
    out.push_str(&text[chunks[0].start..chunks[0].end]);
    Some(Edit::replace(
        Span::new(chunks[0].start, chunks[chunks.len() - 1].end),
        out,
    ))
}

/// The whole lines of a YAML block sequence entry: from the comment lines right above its
/// `- ` line to the end of its last line (a trailing comment included), without the final
/// line break. `None` when the item is not written after a `- ` at the start of its line.
fn block_entry(text: &str, item: &Node) -> Option<Span> {
    let line_start = |at: usize| text[..at].rfind('\n').map_or(0, |i| i + 1);
    let mut start = line_start(item.span.start);
    let marker = &text[start..item.span.start];
    let dash = marker.trim_start_matches([' ', '\t']);
    if !(dash.starts_with('-')
        && dash[1..].chars().all(|c| c == ' ' || c == '\t')
        && dash.len() > 1)
    {
        return None;
    }
    while start > 0 {
        let above = line_start(start - 1);
        if !text[above..start].trim_start().starts_with('#') {
            break;
        }
        start = above;
    }
    let rest = &text[item.span.end..];
    let end = item.span.end + rest.find(['\n', '\r']).unwrap_or(rest.len());
    let tail = text[item.span.end..end].trim_start();
    if !(tail.is_empty() || tail.starts_with('#')) {
        return None;
    }
    Some(Span::new(start, end))
}

/// Adds `"key": "value"` (a string value) as the last member of `object`, written like the
/// members around it: JSON or YAML flow style on one line or one member per line, or YAML
/// block style at the keys' indentation, with the file's line ending.
pub fn insert_member(text: &str, object: &Node, key: &str, value: &str) -> Option<Edit> {
    let members = object.as_object()?;
    let last = members.last()?;
    let flow = text.get(object.span.start..)?.starts_with('{');
    let (key_text, value_text) = if flow && !is_yaml_flow(members) {
        (quoted(key), quoted(value))
    } else {
        let last_value_plain = matches!(&last.value.value, Value::String(s)
            if written(last.value.span, s) == Some(Written::Plain));
        (
            styled(text, last.key_span, &last.key, key),
            if last_value_plain && plain_safe(value) {
                value.to_string()
            } else {
                styled_quotes(text, last.value.span, value)
            },
        )
    };
    let member = format!("{key_text}: {value_text}");
    let end = last.value.span.end;
    let before = text.get(..end)?;
    if before.ends_with(['\n', '\r']) {
        return None;
    }
    let key_line_start = text[..last.key_span.start].rfind('\n').map_or(0, |i| i + 1);
    let key_prefix = &text[key_line_start..last.key_span.start];
    if flow {
        // One member per line when the object spans lines and the last key starts its line.
        let own_line = text[object.span.start..last.key_span.start].contains('\n')
            && key_prefix.chars().all(|c| c == ' ' || c == '\t');
        if own_line {
            let newline = line_ending(text, last.key_span.start);
            return Some(Edit::insert(end, format!(",{newline}{key_prefix}{member}")));
        }
        return Some(Edit::insert(end, format!(", {member}")));
    }
    // Block style: a new line after the last member's line (after any comment on it), at the
    // column of the last key. A key after `- ` gets spaces in place of the marker.
    let rest = &text[end..];
    let line_end = end + rest.find(['\n', '\r']).unwrap_or(rest.len());
    let tail = text[end..line_end].trim_start();
    if !(tail.is_empty() || tail.starts_with('#')) {
        return None;
    }
    let indent: String = key_prefix
        .chars()
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    if !key_prefix.chars().all(|c| matches!(c, ' ' | '\t' | '-')) {
        return None;
    }
    let newline = line_ending(text, end);
    Some(Edit::insert(line_end, format!("{newline}{indent}{member}")))
}

/// JSON keys are always quoted; a YAML flow mapping may have plain ones.
fn is_yaml_flow(members: &[Member]) -> bool {
    members
        .iter()
        .any(|m| written(m.key_span, &m.key) == Some(Written::Plain))
}

/// `new` written as `old` is at `span`: plain, single- or double-quoted.
fn styled(text: &str, span: Span, old: &str, new: &str) -> String {
    match written(span, old) {
        Some(Written::Plain) if plain_safe(new) => new.to_string(),
        _ => styled_quotes(text, span, new),
    }
}

/// `new` in the quotes used at `span` (single quotes when those are used and fit).
fn styled_quotes(text: &str, span: Span, new: &str) -> String {
    if text[span.start..].starts_with('\'') && quote_safe(new) {
        format!("'{new}'")
    } else {
        quoted(new)
    }
}

/// The line ending of the line holding `at` (`\r\n` or `\n`), else the file's first one.
fn line_ending(text: &str, at: usize) -> &'static str {
    let rest = &text[at..];
    let found = match rest.find('\n') {
        Some(i) => Some(at + i),
        None => text.find('\n'),
    };
    match found {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::yaml;

    /// Applies one edit to `text`.
    fn apply(text: &str, edit: &Edit) -> String {
        let mut out = text.to_string();
        out.replace_range(edit.span.start..edit.span.end, &edit.replacement);
        out
    }

    /// The YAML reader reads JSON with the JSON parser, and flow or block YAML otherwise.
    fn doc(text: &str) -> crate::document::Document {
        yaml::parse(text).unwrap()
    }

    #[test]
    fn renames_keep_the_quoting() {
        for (text, expected) in [
            (r#"{"Nxt": "A"}"#, r#"{"Next": "A"}"#),
            ("Nxt: A\n", "Next: A\n"),
            ("'Nxt': A\n", "'Next': A\n"),
            ("\"Nxt\": A\n", "\"Next\": A\n"),
            ("{Nxt: A}\n", "{Next: A}\n"),
        ] {
            let d = doc(text);
            let m = &d.root.as_object().unwrap()[0];
            assert_eq!(apply(text, &rename_key(m, "Next").unwrap()), expected);
        }
        // An escaped key cannot be rewritten in place.
        let d = doc(r#"{"N\u0078t": 1}"#);
        assert_eq!(rename_key(&d.root.as_object().unwrap()[0], "Next"), None);
    }

    #[test]
    fn appends_to_keys() {
        for (text, expected) in [
            (r#"{"id": "$.a"}"#, r#"{"id.$": "$.a"}"#),
            ("id: $.a\n", "id.$: $.a\n"),
            ("'id': $.a\n", "'id.$': $.a\n"),
        ] {
            let d = doc(text);
            let m = &d.root.as_object().unwrap()[0];
            assert_eq!(apply(text, &append_to_key(m, ".$").unwrap()), expected);
        }
    }

    #[test]
    fn replaces_strings_in_their_style() {
        let d = doc("a: Done\nb: \"x\"\n");
        let a = d.root.get("a").unwrap();
        let e = replace_scalar(a.span, "Done", "Finish Order").unwrap();
        assert_eq!(apply("a: Done\n", &e), "a: Finish Order\n");
        // Not plain-safe: double quotes.
        let e = replace_scalar(a.span, "Done", "yes").unwrap();
        assert_eq!(apply("a: Done\n", &e), "a: \"yes\"\n");
        assert!(plain_safe("$.error"));
        assert!(!plain_safe("a: b") && !plain_safe("1st") && !plain_safe("x,y"));
    }

    #[test]
    fn replaces_inside_strings() {
        let text = r#"{"a.$": "States.Formt('{}', $.x)"}"#;
        let d = doc(text);
        let v = d.root.get("a.$").unwrap();
        let e = replace_in_string(v, 0..12, "States.Format").unwrap();
        assert_eq!(apply(text, &e), r#"{"a.$": "States.Format('{}', $.x)"}"#);
    }

    #[test]
    fn json_numbers() {
        for ok in ["0", "5", "-1.5", "1e3", "2.5E-2"] {
            assert_eq!(json_number(ok), Some(ok));
        }
        for bad in ["", "05", "+5", ".5", "5.", "1e", "0x10", " 5", "NaN"] {
            assert_eq!(json_number(bad), None, "{bad}");
        }
    }

    fn move_first_last(text: &str, field: &str) -> String {
        let d = doc(text);
        let items = d.root.get(field).unwrap().as_array().unwrap();
        apply(text, &move_item_last(text, items, 0).unwrap())
    }

    #[test]
    fn moves_entries_in_every_style() {
        assert_eq!(
            move_first_last(r#"{"C": [{"E": 1}, {"E": 2}, {"E": 3}]}"#, "C"),
            r#"{"C": [{"E": 2}, {"E": 3}, {"E": 1}]}"#
        );
        let json = "{\"C\": [\r\n  {\"E\": 1,\r\n   \"N\": 1},\r\n  {\"E\": 2}\r\n]}";
        assert_eq!(
            move_first_last(json, "C"),
            "{\"C\": [\r\n  {\"E\": 2},\r\n  {\"E\": 1,\r\n   \"N\": 1}\r\n]}"
        );
        let block = "C:\n  # first\n  - E: [States.ALL]  # all\n    N: A  # a\n\n  # second\n  - E: [X]\n    N: B\nZ: 1\n";
        assert_eq!(
            move_first_last(block, "C"),
            "C:\n  # second\n  - E: [X]\n    N: B\n\n  # first\n  - E: [States.ALL]  # all\n    N: A  # a\nZ: 1\n"
        );
        let flow = "C: [{E: 1}, {E: 2}]\n";
        assert_eq!(move_first_last(flow, "C"), "C: [{E: 2}, {E: 1}]\n");
    }

    #[test]
    fn multi_line_entries_at_other_columns_are_not_moved() {
        let text = "{\"C\": [{\"E\": 1,\n \"N\": 2},\n    {\"E\": 3}]}";
        let d = doc(text);
        let items = d.root.get("C").unwrap().as_array().unwrap();
        assert_eq!(move_item_last(text, items, 0), None);
        assert_eq!(move_item_last(text, items, 1), None);
    }

    fn insert(text: &str) -> String {
        let d = doc(text);
        let object = d.root.get("C").unwrap();
        apply(
            text,
            &insert_member(text, object, "ResultPath", "$.error").unwrap(),
        )
    }

    #[test]
    fn inserts_members_like_their_neighbours() {
        assert_eq!(
            insert(r#"{"C": {"E": ["States.ALL"], "N": "H"}}"#),
            r#"{"C": {"E": ["States.ALL"], "N": "H", "ResultPath": "$.error"}}"#
        );
        assert_eq!(
            insert("{\"C\": {\r\n    \"E\": 1,\r\n    \"N\": \"H\"\r\n  }}"),
            "{\"C\": {\r\n    \"E\": 1,\r\n    \"N\": \"H\",\r\n    \"ResultPath\": \"$.error\"\r\n  }}"
        );
        assert_eq!(
            insert("C:\n  E: [X]\n  N: H  # handler\nZ: 1\n"),
            "C:\n  E: [X]\n  N: H  # handler\n  ResultPath: $.error\nZ: 1\n"
        );
        assert_eq!(
            insert("C:\n  'E': [X]\n  'N': 'H'"),
            "C:\n  'E': [X]\n  'N': 'H'\n  'ResultPath': '$.error'"
        );
        assert_eq!(
            insert("C: {E: [X], N: H}\n"),
            "C: {E: [X], N: H, ResultPath: $.error}\n"
        );
    }

    #[test]
    fn inserts_after_a_dash_line() {
        let text = "L:\n  - N: H\n";
        let d = doc(text);
        let object = &d.root.get("L").unwrap().as_array().unwrap()[0];
        let e = insert_member(text, object, "ResultPath", "$.error").unwrap();
        assert_eq!(apply(text, &e), "L:\n  - N: H\n    ResultPath: $.error\n");
    }
}
