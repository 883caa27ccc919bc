//! Spans of decoded pieces across every way a string can be written.

use super::*;
use crate::document::{json, yaml};

/// The source text of the span of decoded `needle` in the value at `key` of a one-member
/// mapping or object.
fn located(text: &str, key: &str, needle: &str) -> String {
    let doc = if text.trim_start().starts_with('{') {
        json::parse(text).unwrap()
    } else {
        yaml::parse(text).unwrap()
    };
    let mut node = doc.root.get(key).unwrap();
    // A tagged scalar (`!Sub |`) reads as `{"Fn::Sub": scalar}`.
    if let Some([m]) = node.as_object() {
        node = &m.value;
    }
    let value = node.as_str().unwrap();
    let at = value
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} in {value:?}"));
    let span = value_span(text, node, at..at + needle.len());
    text[span.start..span.end].to_string()
}

fn exact(text: &str, key: &str) -> bool {
    let doc = yaml::parse(text).unwrap();
    ValueMap::new(text, doc.root.get(key).unwrap()).is_some()
}

#[test]
fn json_escapes() {
    let text = r#"{"a": "x\"y\\z\n\u00e9\ud83d\ude00 $.a.b"}"#;
    assert_eq!(located(text, "a", "\"y"), r#"\"y"#);
    assert_eq!(located(text, "a", "\\z"), r#"\\z"#);
    assert_eq!(located(text, "a", "\n"), r#"\n"#);
    assert_eq!(located(text, "a", "é"), r#"\u00e9"#);
    assert_eq!(located(text, "a", "😀"), r#"\ud83d\ude00"#);
    assert_eq!(located(text, "a", "😀 $"), r#"\ud83d\ude00 $"#);
    assert_eq!(located(text, "a", ".b"), ".b");
    assert_eq!(located(text, "a", "x"), "x");
    // A lone surrogate decodes to U+FFFD, as the parser does.
    assert_eq!(located(r#"{"a": "\ud800x"}"#, "a", "x"), "x");
    assert_eq!(located(r#"{"a": "\ud800x"}"#, "a", "\u{fffd}"), r#"\ud800"#);
}

#[test]
fn empty_ranges_widen_to_a_character() {
    let text = r#"{"a": "$.\u0061."}"#;
    let doc = json::parse(text).unwrap();
    let node = doc.root.get("a").unwrap();
    let at = |r: Range<usize>| {
        let s = value_span(text, node, r);
        &text[s.start..s.end]
    };
    assert_eq!(at(3..3), ".");
    assert_eq!(at(2..3), r#"\u0061"#);
    assert_eq!(at(4..4), ".");
    assert_eq!(at(0..4), r#"$.\u0061."#);
}

#[test]
fn yaml_plain() {
    assert_eq!(located("a: $.x[y]\n", "a", "y"), "y");
    // A multi-line plain scalar folds its line break into a space.
    let text = "a: States.Format('{}',\n   $.x)  \nb: 1\n";
    assert_eq!(located(text, "a", "$.x"), "$.x");
    assert_eq!(located(text, "a", ", $"), ",\n   $");
    assert_eq!(located("a: one\n\n  two\n", "a", "two"), "two");
    assert_eq!(located("a: one\n\n  two\n", "a", "\n"), "\n\n  ");
}

#[test]
fn yaml_single_quoted() {
    let text = "a: 'it''s $.a b'\n";
    assert_eq!(located(text, "a", "'s"), "''s");
    assert_eq!(located(text, "a", "b"), "b");
    let text = "a: 'one\n   two'\n";
    assert_eq!(located(text, "a", "two"), "two");
    assert_eq!(located(text, "a", "e t"), "e\n   t");
}

#[test]
fn yaml_double_quoted() {
    let text = "a: \"tab\\there \\x41 \\u00e9 \\U0001F600 \\\" end\"\n";
    assert_eq!(located(text, "a", "\there"), "\\there");
    assert_eq!(located(text, "a", "A"), "\\x41");
    assert_eq!(located(text, "a", "é"), "\\u00e9");
    assert_eq!(located(text, "a", "😀"), "\\U0001F600");
    assert_eq!(located(text, "a", "\" end"), "\\\" end");
    // Folding, an empty line, and an escaped line break.
    let text = "a: \"one  \n  two\n\n  three\\\n    four\"\n";
    let doc = yaml::parse(text).unwrap();
    assert_eq!(doc.root.get_str("a"), Some("one two\nthreefour"));
    assert_eq!(located(text, "a", "two"), "two");
    assert_eq!(located(text, "a", "e t"), "e  \n  t");
    assert_eq!(located(text, "a", "three"), "three");
    assert_eq!(located(text, "a", "efo"), "e\\\n    fo");
}

#[test]
fn yaml_literal_block() {
    let text = "a: |\n  {\"StartAt\": \"A\",\n\n   \"States\": {}}\nb: 1\n";
    assert_eq!(located(text, "a", "\"States\""), "\"States\"");
    assert_eq!(located(text, "a", "\"A\""), "\"A\"");
    assert_eq!(located(text, "a", "{}}"), "{}}");
    // Under a tag, with a comment after the indicator.
    let text = "a: !Sub | # the definition\n    x: ${Fn}\n    y\n";
    assert_eq!(located(text, "a", "${Fn}"), "${Fn}");
    assert_eq!(located(text, "a", "y"), "y");
    // Chomping: strip, keep, clip.
    for (header, value) in [("|-", "x\n\ny"), ("|+", "x\n\ny\n\n"), ("|", "x\n\ny\n")] {
        let text = format!("a: {header}\n  x\n\n  y\n\nb: 1\n");
        let doc = yaml::parse(&text).unwrap();
        assert_eq!(doc.root.get_str("a"), Some(value), "{header}");
        assert!(exact(&text, "a"), "{header}");
        assert_eq!(located(&text, "a", "y"), "y");
    }
    // An explicit indentation indicator keeps the extra spaces as content.
    let text = "k:\n  a: |1\n     x\n    y\n";
    let doc = yaml::parse(text).unwrap();
    assert_eq!(doc.root.get("k").unwrap().get_str("a"), Some("  x\n y\n"));
    let k = doc.root.get("k").unwrap();
    let node = k.get("a").unwrap();
    let span = value_span(text, node, 5..6);
    assert_eq!(&text[span.start..span.end], "y");
    // Trailing blanks on the last line are content.
    let text = "a: |\n  x  \nb: 1\n";
    assert!(exact(text, "a"));
}

#[test]
fn yaml_folded_block() {
    let text = "a: >\n  one\n  two\n\n  three\n    more\n  four\n";
    let doc = yaml::parse(text).unwrap();
    assert_eq!(
        doc.root.get_str("a"),
        Some("one two\nthree\n  more\nfour\n")
    );
    assert!(exact(text, "a"));
    assert_eq!(located(text, "a", "two"), "two");
    assert_eq!(located(text, "a", "e t"), "e\n  t");
    assert_eq!(located(text, "a", "more"), "more");
    assert_eq!(located(text, "a", "four"), "four");
    let text = "a: >-\n  x\n  y\n";
    assert!(exact(text, "a"));
    assert_eq!(located(text, "a", "y"), "y");
}

#[test]
fn crlf_line_breaks() {
    let text = "a: |\r\n  x\r\n  y\r\nb: \"p\r\n  q\"\r\n";
    assert_eq!(located(text, "a", "y"), "y");
    assert_eq!(located(text, "b", "q"), "q");
    assert_eq!(located(text, "b", "p q"), "p\r\n  q");
}

#[test]
fn a_value_that_differs_from_its_text_maps_to_the_whole_node() {
    let text = r#"{"a": "$.x"}"#;
    let doc = json::parse(text).unwrap();
    let mut node = doc.root.get("a").unwrap().clone();
    node.value = crate::document::Value::String("arn:aws:lambda:x".into());
    assert!(ValueMap::new(text, &node).is_none());
    assert_eq!(value_span(text, &node, 2..3), node.span);
    // Not a string at all.
    let number = json::parse(r#"{"a": 12}"#).unwrap();
    let n = number.root.get("a").unwrap();
    assert_eq!(value_span(r#"{"a": 12}"#, n, 0..1), n.span);
}

#[test]
fn verbatim_spans_only_inside_one_run() {
    let text = r#"{"a": "ab\ncd"}"#;
    let doc = json::parse(text).unwrap();
    let map = ValueMap::new(text, doc.root.get("a").unwrap()).unwrap();
    assert_eq!(map.style(), Style::DoubleQuoted);
    let span = map.verbatim(3..5).unwrap();
    assert_eq!(&text[span.start..span.end], "cd");
    let span = map.verbatim(1..1).unwrap();
    assert_eq!(span.start, text.find("b\\").unwrap());
    assert!(map.verbatim(1..4).is_none());
    assert!(map.verbatim(2..3).is_none());
    assert_eq!(map.encode("a\"b\\\n").as_deref(), Some(r#"a\"b\\\n"#));
}

#[test]
fn replacements_are_encoded_for_the_style() {
    let text = "a: 'x'\nb: |\n  y\nc: z\n";
    let doc = yaml::parse(text).unwrap();
    let map = |key: &str| ValueMap::new(text, doc.root.get(key).unwrap()).unwrap();
    assert_eq!(map("a").encode("it's").as_deref(), Some("it''s"));
    assert_eq!(map("a").encode("two\nlines"), None);
    assert_eq!(map("b").encode("\"q\"").as_deref(), Some("\"q\""));
    assert_eq!(map("b").encode("x\ny"), None);
    assert_eq!(map("c").encode("$.ok").as_deref(), Some("$.ok"));
    assert_eq!(map("c").encode("a: b"), None);
}
