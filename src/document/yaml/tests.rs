//! The YAML reader against the JSON parser's conventions, hostile inputs and real templates.

use super::lenient::decode_quoted;
use super::*;
use crate::document::{Member, Node, Value, MAX_DEPTH};
use std::time::{Duration, Instant};

fn doc(text: &str) -> Document {
    match parse(text) {
        Ok(d) => d,
        Err(e) => panic!("{} at {:?} in\n{text}", e.message, e.span),
    }
}

fn err(text: &str) -> ParseError {
    parse(text).expect_err("should fail")
}

fn at(text: &str, span: Span) -> &str {
    &text[span.start..span.end]
}

/// The tree without spans, as compact JSON (keys in order, duplicates kept).
fn plain(node: &Node) -> String {
    match &node.value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.value.to_string(),
        Value::String(s) => format!("{:?}", s.as_str()),
        Value::Array(items) => {
            format!(
                "[{}]",
                items.iter().map(plain).collect::<Vec<_>>().join(",")
            )
        }
        Value::Object(members) => format!(
            "{{{}}}",
            members
                .iter()
                .map(|m| format!("{:?}:{}", m.key.as_str(), plain(&m.value)))
                .collect::<Vec<_>>()
                .join(",")
        ),
    }
}

/// `yaml` reads as the JSON text `json`.
fn same(yaml: &str, json_text: &str) {
    let expected = plain(&json::parse(json_text).unwrap().root);
    assert_eq!(plain(&doc(yaml).root), expected, "for\n{yaml}");
}

/// Every node's span, with its pointer-like path, for comparing two trees exactly.
fn spans(node: &Node, path: String, out: &mut Vec<(String, Span)>) {
    out.push((path.clone(), node.span));
    match &node.value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                spans(item, format!("{path}/{i}"), out);
            }
        }
        Value::Object(members) => {
            for m in members {
                out.push((format!("{path}/{}#key", m.key.as_str()), m.key_span));
                spans(&m.value, format!("{path}/{}", m.key.as_str()), out);
            }
        }
        _ => {}
    }
}

/// Spans nest: every child inside its parent, members and items in order, and a key's span
/// holds the key as written.
fn nested(text: &str, node: &Node) {
    let children: Vec<Span> = match &node.value {
        Value::Array(items) => items.iter().map(|n| n.span).collect(),
        Value::Object(members) => members.iter().map(Member::span).collect(),
        _ => return,
    };
    for pair in children.windows(2) {
        assert!(pair[0].end <= pair[1].start, "{pair:?}");
    }
    for child in &children {
        assert!(
            node.span.contains(*child),
            "{child:?} outside {:?}",
            node.span
        );
    }
    match &node.value {
        Value::Array(items) => items.iter().for_each(|n| nested(text, n)),
        Value::Object(members) => {
            for m in members {
                let written = at(text, m.key_span);
                let tag = m.key.starts_with("Fn::") || m.key == "Ref" || m.key == "Condition";
                assert!(
                    written == m.key.as_str()
                        || written.starts_with(['"', '\''])
                        || (tag && written.starts_with('!')),
                    "key {:?} written {written:?}",
                    m.key.as_str()
                );
                nested(text, &m.value);
            }
        }
        _ => {}
    }
}

#[test]
fn block_spans_cover_keys_and_values() {
    let text = "# head\nStartAt: First   # trailing\nStates:\n  \"First\":\n    Type: 'Pass'  # c\n    Next: \"B\"\n  B:\n    Type: Succeed\n\n";
    let d = doc(text);
    let start = d.root.member("StartAt").unwrap();
    assert_eq!(at(text, start.key_span), "StartAt");
    assert_eq!(at(text, start.value.span), "First");
    let states = d.root.member("States").unwrap();
    assert!(at(text, states.value.span).starts_with("\"First\":"));
    assert!(at(text, states.value.span).ends_with("Type: Succeed"));
    let first = states.value.member("First").unwrap();
    assert_eq!(at(text, first.key_span), "\"First\"");
    assert_eq!(at(text, first.value.get("Type").unwrap().span), "'Pass'");
    assert_eq!(at(text, first.value.get("Next").unwrap().span), "\"B\"");
    assert!(at(text, first.value.span).starts_with("Type: 'Pass'"));
    assert!(at(text, first.value.span).ends_with("Next: \"B\""));
    assert_eq!(at(text, d.root.span), text[7..].trim_end());
}

#[test]
fn flow_and_block_mix() {
    let text = "a: [1, {b: c, 'd': [e]}]\nf:\n  - {g: h}\n  - - i\n    - j\n  - k: l\n    m: n\n";
    let d = doc(text);
    same(
        text,
        r#"{"a": [1, {"b": "c", "d": ["e"]}], "f": [{"g": "h"}, ["i", "j"], {"k": "l", "m": "n"}]}"#,
    );
    let a = d.root.get("a").unwrap();
    assert_eq!(at(text, a.span), "[1, {b: c, 'd': [e]}]");
    let inner = &a.as_array().unwrap()[1];
    assert_eq!(at(text, inner.span), "{b: c, 'd': [e]}");
    assert_eq!(at(text, inner.member("d").unwrap().key_span), "'d'");
    let f = d.root.get("f").unwrap().as_array().unwrap();
    assert_eq!(at(text, f[1].span), "- i\n    - j");
    assert_eq!(at(text, f[2].span), "k: l\n    m: n");
    // Pointers resolve through YAML spans as through JSON ones.
    let j = &f[1].as_array().unwrap()[1];
    assert_eq!(super::super::pointer_to(&d.root, j.span), "/f/1/1");
}

#[test]
fn json_text_gets_the_same_spans_through_the_yaml_path() {
    let text = "{\n  \"StartAt\": \"A\",\n  \"States\": {\"A\": {\"Type\": \"Pass\", \"Result\": [1, 2.5, true, null, \"x\\\"y\"], \"End\": true}}\n}\n";
    let (mut a, mut b) = (Vec::new(), Vec::new());
    spans(&json::parse(text).unwrap().root, String::new(), &mut a);
    spans(&parse_yaml(text).unwrap().root, String::new(), &mut b);
    assert_eq!(a, b);
}

#[test]
fn scalars_follow_the_core_schema() {
    same(
            "a: true\nb: False\nc: TRUE\nd: null\ne: ~\nf:\ng: 12\nh: -3\ni: 0x1F\nj: 0o17\nk: 1.5e3\nl: .5\nm: +7\nn: .inf\no: -.Inf\n",
            r#"{"a": true, "b": false, "c": true, "d": null, "e": null, "f": null, "g": 12, "h": -3, "i": 31, "j": 15, "k": 1500, "l": 0.5, "m": 7, "n": 1e400, "o": -1e400}"#,
        );
    same(
            "a: yes\nb: 'true'\nc: \"12\"\nd: 1.2.3\ne: .nan\nf: 0x\ng: 12abc\nh: nULL\ni: 1_000\nj: 0x-1\n",
            r#"{"a": "yes", "b": "true", "c": "12", "d": "1.2.3", "e": ".nan", "f": "0x", "g": "12abc", "h": "nULL", "i": "1_000", "j": "0x-1"}"#,
        );
    // Keys are always strings, as written.
    same(
        "1: a\ntrue: b\nnull: c\n\"q\": d\n? [x, y]\n: e\n",
        r#"{"1": "a", "true": "b", "null": "c", "q": "d", "[x, y]": "e"}"#,
    );
    // Core tags.
    same(
        "a: !!str 12\nb: !!int \"7\"\nc: !!float 1\nd: !!bool true\ne: ! 12\nf: !!null ''\n",
        r#"{"a": "12", "b": 7, "c": 1, "d": true, "e": "12", "f": null}"#,
    );
    let e = err("a: !!int abc\n");
    assert_eq!(e.message, "'abc' is not a valid !!int");
    assert_eq!(e.span, Span::new(9, 12));
}

#[test]
fn block_scalars() {
    let text = "a: |\n  line 1\n    line 2\n\nb: >-\n  folded\n  text\n\n  para\nc: |+\n  keep\n\n# comment\nd: end\n";
    same(
        text,
        r#"{"a": "line 1\n  line 2\n", "b": "folded text\npara", "c": "keep\n\n", "d": "end"}"#,
    );
    let d = doc(text);
    assert_eq!(
        at(text, d.root.get("a").unwrap().span),
        "|\n  line 1\n    line 2"
    );
    assert_eq!(
        at(text, d.root.get("b").unwrap().span),
        ">-\n  folded\n  text\n\n  para"
    );
    assert_eq!(at(text, d.root.get("c").unwrap().span), "|+\n  keep");
    // In a list, after a comment, and tagged.
    let text = "- |  # note | >\n  x\n- !Sub >\n  y ${A}\n";
    let d = doc(text);
    let items = d.root.as_array().unwrap();
    assert_eq!(at(text, items[0].span), "|  # note | >\n  x");
    assert_eq!(at(text, items[1].span), "!Sub >\n  y ${A}");
    assert_eq!(
        at(text, items[1].get("Fn::Sub").unwrap().span),
        ">\n  y ${A}"
    );
}

#[test]
fn short_form_tags_become_the_long_form() {
    let cases = [
        ("!Ref X", r#"{"Ref": "X"}"#),
        ("!Condition IsProd", r#"{"Condition": "IsProd"}"#),
        ("!GetAtt Fn.Arn", r#"{"Fn::GetAtt": "Fn.Arn"}"#),
        ("!GetAtt [Fn, Arn]", r#"{"Fn::GetAtt": ["Fn", "Arn"]}"#),
        (
            "!Sub [ \"x${A}\", {A: 1} ]",
            r#"{"Fn::Sub": ["x${A}", {"A": 1}]}"#,
        ),
        (
            "!Sub 'arn:${AWS::Region}'",
            r#"{"Fn::Sub": "arn:${AWS::Region}"}"#,
        ),
        ("!Join [',', [a, b]]", r#"{"Fn::Join": [",", ["a", "b"]]}"#),
        ("!If [C, 1, 2]", r#"{"Fn::If": ["C", 1, 2]}"#),
        (
            "!Select [0, !GetAZs '']",
            r#"{"Fn::Select": [0, {"Fn::GetAZs": ""}]}"#,
        ),
        (
            "!Split [',', !ImportValue Out]",
            r#"{"Fn::Split": [",", {"Fn::ImportValue": "Out"}]}"#,
        ),
        (
            "!FindInMap [M, !Ref K, v]",
            r#"{"Fn::FindInMap": ["M", {"Ref": "K"}, "v"]}"#,
        ),
        ("!Base64 abc", r#"{"Fn::Base64": "abc"}"#),
        ("!Cidr [a, 6, 5]", r#"{"Fn::Cidr": ["a", 6, 5]}"#),
        (
            "!Equals [!Ref E, prod]",
            r#"{"Fn::Equals": [{"Ref": "E"}, "prod"]}"#,
        ),
        (
            "!And [!Condition A, !Not [!Condition B]]",
            r#"{"Fn::And": [{"Condition": "A"}, {"Fn::Not": [{"Condition": "B"}]}]}"#,
        ),
        (
            "!Or [!Condition A, x]",
            r#"{"Fn::Or": [{"Condition": "A"}, "x"]}"#,
        ),
        (
            "!Transform {Name: M, Parameters: {}}",
            r#"{"Fn::Transform": {"Name": "M", "Parameters": {}}}"#,
        ),
        ("!ToJsonString {a: 1}", r#"{"Fn::ToJsonString": {"a": 1}}"#),
        ("!Length [1, 2]", r#"{"Fn::Length": [1, 2]}"#),
        ("!Ref", r#"{"Ref": null}"#),
        ("!Foo 1", r#"{"Fn::Foo": 1}"#),
    ];
    for (yaml, json_text) in cases {
        same(&format!("v: {yaml}\n"), &format!("{{\"v\": {json_text}}}"));
    }
    same(
        "v: !Join ['', [!Sub 'arn:${P}', !Ref X]]",
        r#"{"v": {"Fn::Join": ["", [{"Fn::Sub": "arn:${P}"}, {"Ref": "X"}]]}}"#,
    );
    // Block forms.
    same(
            "v: !If\n  - C\n  - !GetAtt A.Arn\n  - !Ref AWS::NoValue\nw: !Sub\n  - '${A}'\n  - A: !Ref B\n",
            r#"{"v": {"Fn::If": ["C", {"Fn::GetAtt": "A.Arn"}, {"Ref": "AWS::NoValue"}]}, "w": {"Fn::Sub": ["${A}", {"A": {"Ref": "B"}}]}}"#,
        );
}

#[test]
fn tag_spans() {
    let text = "a: !Ref   Foo\nb: !Join ['', [!Sub 'x${A}', !Ref X]]\nc: !If\n  - C\n  - 1\n";
    let d = doc(text);
    let a = d.root.get("a").unwrap();
    assert_eq!(at(text, a.span), "!Ref   Foo");
    let m = &a.as_object().unwrap()[0];
    assert_eq!(at(text, m.key_span), "!Ref");
    assert_eq!(at(text, m.value.span), "Foo");

    let b = d.root.get("b").unwrap();
    assert_eq!(at(text, b.span), "!Join ['', [!Sub 'x${A}', !Ref X]]");
    let join = b.member("Fn::Join").unwrap();
    assert_eq!(at(text, join.key_span), "!Join");
    assert_eq!(at(text, join.value.span), "['', [!Sub 'x${A}', !Ref X]]");
    let parts = join.value.as_array().unwrap()[1].as_array().unwrap();
    assert_eq!(at(text, parts[0].span), "!Sub 'x${A}'");
    let sub = parts[0].member("Fn::Sub").unwrap();
    assert_eq!(at(text, sub.key_span), "!Sub");
    assert_eq!(at(text, sub.value.span), "'x${A}'");
    assert_eq!(at(text, parts[1].get("Ref").unwrap().span), "X");

    let c = d.root.get("c").unwrap();
    assert_eq!(at(text, c.span), "!If\n  - C\n  - 1");
    assert_eq!(at(text, c.get("Fn::If").unwrap().span), "- C\n  - 1");
    assert_eq!(
        super::super::pointer_to(&d.root, sub.value.span),
        "/b/Fn::Join/1/0/Fn::Sub"
    );
}

#[test]
fn merge_keys_are_expanded() {
    let text = "\
defaults: &d {Type: Task, Resource: arn, Retry: []}
more: &m {Comment: more, Type: Pass}
a:
  <<: *d
  Type: Wait
  Next: B
b: {<<: [*m, *d], End: true}
c:
  '<<': quoted
";
    same(
        text,
        r#"{"defaults": {"Type": "Task", "Resource": "arn", "Retry": []},
                "more": {"Comment": "more", "Type": "Pass"},
                "a": {"Resource": "arn", "Retry": [], "Type": "Wait", "Next": "B"},
                "b": {"Resource": "arn", "Retry": [], "Comment": "more", "Type": "Pass", "End": true},
                "c": {"<<": "quoted"}}"#,
    );
    let d = doc(text);
    // Merged members keep the spans of the text they come from, and overriding a merged
    // key is not a duplicate.
    let a = d.root.get("a").unwrap();
    assert_eq!(at(text, a.member("Resource").unwrap().key_span), "Resource");
    assert!(a.member("Resource").unwrap().key_span.start < a.span.start);
    assert!(d.duplicate_keys.is_empty(), "{:?}", d.duplicate_keys);
    let e = err("a: &a 1\nb:\n  <<: *a\n");
    assert_eq!(
        e.message,
        "the merge key << takes a mapping or a list of mappings"
    );
    assert_eq!(at("a: &a 1\nb:\n  <<: *a\n", e.span), "*a");
}

#[test]
fn anchors_and_aliases_are_expanded() {
    let text = "base: &b {Type: Pass, Next: X}\nother: *b\nlist: [&n 1, *n]\n*n : key\n";
    let d = doc(text);
    same(
        text,
        r#"{"base": {"Type": "Pass", "Next": "X"}, "other": {"Type": "Pass", "Next": "X"}, "list": [1, 1], "1": "key"}"#,
    );
    assert_eq!(at(text, d.root.get("other").unwrap().span), "*b");
    let e = err("a: &a [1, *a]\n");
    assert!(
        e.message.contains("inside the node it refers to"),
        "{}",
        e.message
    );
    let e = err("a: *nope\n");
    assert_eq!(
        e.message,
        "unknown alias *nope: no anchor &nope is defined before it"
    );
    assert_eq!(e.span, Span::new(3, 8));
}

#[test]
fn alias_bomb_is_an_error_not_an_oom() {
    let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let p = i - 1;
        text.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    let started = Instant::now();
    let e = err(&text);
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(
        e.message,
        format!("anchors and aliases expand to more than {ALIAS_BUDGET} nodes")
    );
    assert!(at(&text, e.span).starts_with("*a"));
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    for text in [
        "[".repeat(100_000),
        format!("a: {}", "[".repeat(100_000)),
        format!("{}x", "- ".repeat(100_000)),
        "a:\n".to_string()
            + &(1..2000)
                .map(|i| format!("{}k:\n", " ".repeat(i)))
                .collect::<String>(),
        format!("{}x", "!If [".repeat(100_000)),
    ] {
        let e = err(&text);
        assert!(
            e.message.contains("nested deeper") || e.message.contains("nesting is deeper"),
            "{}",
            e.message
        );
    }
    let ok = format!("{}x", "- ".repeat(MAX_DEPTH));
    assert!(parse(&ok).is_ok());
    let too_deep = format!("{}x", "- ".repeat(MAX_DEPTH + 1));
    let e = err(&too_deep);
    assert_eq!(e.span, Span::new(2 * MAX_DEPTH, 2 * MAX_DEPTH + 1));
    // Tags count: each becomes an object around its value.
    let e = err(&format!("{}x", "!Not [".repeat(MAX_DEPTH / 2 + 1)));
    assert!(e.message.contains("nesting is deeper"));
    // So do aliases copying a deep node.
    let deep = format!(
        "a: &d {}1{}\nb: {}*d{}\n",
        "[".repeat(200),
        "]".repeat(200),
        "[".repeat(100),
        "]".repeat(100)
    );
    assert!(err(&deep).message.contains("nesting is deeper"));
}

#[test]
fn duplicate_keys_are_kept_and_recorded() {
    let text = "a: 1\nb:\n  c: 2\n  c: 3\na: 4\nf: {x: 1, x: 2}\n";
    let d = doc(text);
    assert_eq!(d.root.as_object().unwrap().len(), 4);
    assert_eq!(d.root.get("a").unwrap().as_i64(), Some(4));
    let dups: Vec<(&str, &str, &str)> = d
        .duplicate_keys
        .iter()
        .map(|k| (k.key.as_str(), at(text, k.first), at(text, k.duplicate)))
        .collect();
    // Recorded as each mapping closes, inner ones first, as by the JSON parser.
    assert_eq!(dups, [("c", "c", "c"), ("x", "x", "x"), ("a", "a", "a")]);
    assert_eq!(d.duplicate_keys[2].first, Span::new(0, 1));
    assert_eq!(d.duplicate_keys[2].duplicate, Span::new(22, 23));
    let many: String = (0..40).map(|i| format!("k{}: {i}\n", i % 30)).collect();
    assert_eq!(doc(&many).duplicate_keys.len(), 10);
}

#[test]
fn multibyte_text_gets_byte_spans() {
    let text = "é→: \"ü 😀\"\nnext: 😀 plain → x\nlist: ['→', b]\nblock: |\n  日本\nz: !Ref Ω\n";
    let d = doc(text);
    let first = &d.root.as_object().unwrap()[0];
    assert_eq!(first.key.as_str(), "é→");
    assert_eq!(at(text, first.key_span), "é→");
    assert_eq!(at(text, first.value.span), "\"ü 😀\"");
    assert_eq!(at(text, d.root.get("next").unwrap().span), "😀 plain → x");
    let list = d.root.get("list").unwrap();
    assert_eq!(at(text, list.span), "['→', b]");
    assert_eq!(at(text, list.as_array().unwrap()[1].span), "b");
    assert_eq!(at(text, d.root.get("block").unwrap().span), "|\n  日本");
    assert_eq!(d.root.get_str("block"), Some("日本\n"));
    assert_eq!(
        at(text, d.root.get("z").unwrap().get("Ref").unwrap().span),
        "Ω"
    );
    let e = err("a: b\nc: é: x\n");
    assert_eq!(e.span, Span::new(10, 11));
    // A byte-order mark is skipped.
    let d = doc("\u{feff}a: é");
    assert_eq!(d.root.span, Span::new(3, 8));
}

#[test]
fn windows_line_ends() {
    let text = "a: 1\r\nb: 'x'  # c\r\nc: |\r\n  t\r\n  u\r\nd: [é,\r\n  f]\r\n";
    let d = doc(text);
    same(
        text,
        r#"{"a": 1, "b": "x", "c": "t\nu\n", "d": ["é", "f"]}"#,
    );
    assert_eq!(at(text, d.root.get("b").unwrap().span), "'x'");
    assert_eq!(at(text, d.root.get("c").unwrap().span), "|\r\n  t\r\n  u");
    assert_eq!(at(text, d.root.get("d").unwrap().span), "[é,\r\n  f]");
    assert_eq!(at(text, d.root.member("d").unwrap().key_span), "d");
}

#[test]
fn one_document_per_file() {
    let e = err("a: 1\n---\nb: 2\n");
    assert_eq!(e.message, "expected one YAML document, found a second");
    assert_eq!(e.span, Span::new(5, 8));
    let e = err("a: 1\n...\nb: 2\n");
    assert_eq!(e.span, Span::new(9, 10));
    // Empty documents around the one are fine.
    assert_eq!(
        plain(&doc("---\na: 1\n---\n# nothing\n...\n---\n").root),
        r#"{"a":1}"#
    );
    assert_eq!(plain(&doc("---\n---\na: 1\n").root), r#"{"a":1}"#);
    for empty in ["", "   \n", "# only a comment\n", "---\n", "---\n...\n"] {
        let e = err(empty);
        assert!(e.message.starts_with("the file is empty"), "{}", e.message);
    }
    // A document that is just a scalar is still a document.
    assert!(doc("~").root.is_null());
}

#[test]
fn errors_are_located_and_plain() {
    let e = err("a:\n\tb: 1\n");
    assert_eq!(e.message, "YAML does not allow tabs for indentation");
    assert_eq!(e.span, Span::new(3, 4));

    let e = err("a:\n  b: 1\n c: 2\n");
    assert!(
        e.message.starts_with("expected a key here"),
        "{}",
        e.message
    );
    assert_eq!(e.span, Span::new(11, 12));

    let e = err("a: x\n  b: y\n");
    assert_eq!(e.message, "a ':' is not allowed here");
    assert_eq!(e.span.start, 8);

    // Not run on to the next quote in the file.
    let e = err("a:\n  b: \"open\n  c: \"d\"\n");
    assert_eq!(
        e.message,
        "unterminated string, or its next line is not indented enough"
    );
    assert_eq!(e.span, Span::new(8, 9));

    let e = err("a:\n  - x\n - y\n");
    assert_eq!(
        e.message,
        "this list item does not line up with the list above"
    );

    let e = err("a: 'x\n");
    assert_eq!(
        e.message,
        "unterminated string: the closing quote is missing"
    );
    assert_eq!(e.span, Span::new(3, 4));

    let e = err("a: [1, 2\nb: 1\n");
    assert!(e.message.contains("inside '[...]'"), "{}", e.message);
    assert_eq!(e.span, Span::new(10, 11));

    let e = err("a: {x: 1\n");
    assert_eq!(e.message, "expected ',' or '}' in this mapping");

    let e = err("a: [1, 2]]\n");
    assert_eq!(e.message, "']' has no matching opening bracket");
    assert_eq!(e.span, Span::new(9, 10));

    let e = err("a: 1\nfoo\n\n# c\nb: 2\n");
    assert_eq!(e.message, "expected a ':' after this key");
    assert_eq!(e.span, Span::new(5, 8));

    let e = err("a: \"\\q\"\n");
    assert_eq!(e.message, "invalid escape in a double-quoted string");

    let e = err("a: @x\n");
    assert_eq!(e.message, "a plain value cannot start with '@'");
    assert_eq!(e.span, Span::new(3, 4));

    let e = err("- a\nb: 1\n");
    assert!(
        e.message.starts_with("expected a list item"),
        "{}",
        e.message
    );
}

#[test]
fn lines_indented_like_cloudformation_accepts_them() {
    // A closing bracket at the column of its key, and flow items below it: YAML forbids
    // them, PyYAML and CloudFormation read them.
    let text = "Statement:\n  Action: [\n    \"a\",\n  # note\n  \"b\"\n  ]\n  Resource: {\n    \"k\": 1\n  }\nNext: x\n";
    same(
        text,
        r#"{"Statement": {"Action": ["a", "b"], "Resource": {"k": 1}}, "Next": "x"}"#,
    );
    let d = doc(text);
    let action = d.root.get("Statement").unwrap().get("Action").unwrap();
    assert_eq!(
        at(text, action.span),
        "[\n    \"a\",\n  # note\n  \"b\"\n  ]"
    );
    assert_eq!(at(text, action.as_array().unwrap()[1].span), "\"b\"");
    // A quoted string whose last line sits at its key's column.
    let text = "Outputs:\n  Value: \"{\n    \\\"input\\\": \\\"x\\\"\n\n  }\"\n  Other: 'a\n  b'\n";
    same(
        text,
        r#"{"Outputs": {"Value": "{ \"input\": \"x\"\n}", "Other": "a b"}}"#,
    );
    let d = doc(text);
    let value = d.root.get("Outputs").unwrap().get("Value").unwrap();
    assert!(at(text, value.span).starts_with("\"{") && at(text, value.span).ends_with("}\""));
    // What the join cannot prove the same stays an error.
    let e = err("a:\n  k: [b, # note\n  c]\n");
    assert_eq!(
        e.message,
        "this line is not indented enough for the value it continues"
    );
    assert_eq!(e.span, Span::new(21, 22));
}

#[test]
fn quoted_strings_fold_as_saphyr_folds_them() {
    for raw in [
        "\"a\n  b\"",
        "\"a  \n\n  b\n\n\n  c\"",
        "\"a\\\n  b\\tc\\x41\\u00e9\\U0001F600\\\"\\\\\\/\"",
        "\"\n  a\n  \"",
        "'it''s\n  folded\n\n  twice'",
        "\"x \\\n  y\"",
    ] {
        let text = format!("k: {raw}\n");
        let d = parse_yaml(&text).unwrap();
        assert_eq!(
            d.root.get_str("k"),
            Some(decode_quoted(raw).as_str()),
            "{raw}"
        );
    }
}

#[test]
fn yaml_state_machine_reads_like_its_json() {
    let yaml = r#"
Comment: A small machine
StartAt: Fetch
States:
  Fetch:
    Type: Task
    Resource: arn:aws:states:::lambda:invoke
    Parameters:
      FunctionName: arn:aws:lambda:us-east-1:123456789012:function:fetch
      Payload.$: $
    Retry:
      - ErrorEquals: [States.TaskFailed]
        IntervalSeconds: 2
        MaxAttempts: 3
        BackoffRate: 1.5
    TimeoutSeconds: 30
    Next: Check
  Check:
    Type: Choice
    Choices:
      - Variable: $.ok
        BooleanEquals: true
        Next: Done
    Default: Fail
  Done: {Type: Succeed}
  Fail:
    Type: Fail
    Error: Failed
    Cause: "something \"went\" wrong"
"#;
    let json_text = r#"{
  "Comment": "A small machine",
  "StartAt": "Fetch",
  "States": {
    "Fetch": {
      "Type": "Task",
      "Resource": "arn:aws:states:::lambda:invoke",
      "Parameters": {
        "FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:fetch",
        "Payload.$": "$"
      },
      "Retry": [{"ErrorEquals": ["States.TaskFailed"], "IntervalSeconds": 2, "MaxAttempts": 3, "BackoffRate": 1.5}],
      "TimeoutSeconds": 30,
      "Next": "Check"
    },
    "Check": {
      "Type": "Choice",
      "Choices": [{"Variable": "$.ok", "BooleanEquals": true, "Next": "Done"}],
      "Default": "Fail"
    },
    "Done": {"Type": "Succeed"},
    "Fail": {"Type": "Fail", "Error": "Failed", "Cause": "something \"went\" wrong"}
  }
}"#;
    same(yaml, json_text);
    nested(yaml, &doc(yaml).root);
}

/// Every YAML file of the shared corpus parses, and every JSON file reads the same, spans
/// included, through the YAML path. `cargo test --lib yaml -- --ignored`
#[test]
#[ignore]
fn corpus() {
    let root = std::path::Path::new("/work/shared/corpus");
    let mut stack = vec![root.to_path_buf()];
    let (mut yaml, mut json_files, mut failures) = (0, 0, Vec::new());
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            match ext {
                "yaml" | "yml" => {
                    yaml += 1;
                    match parse_yaml(&text) {
                        Ok(d) => nested(&text, &d.root),
                        Err(e) => failures.push(format!(
                            "{}: {} at {:?}",
                            path.display(),
                            e.message,
                            e.span
                        )),
                    }
                }
                "json" => {
                    let Ok(expected) = json::parse(&text) else {
                        continue;
                    };
                    json_files += 1;
                    match parse_yaml(&text) {
                        Ok(got) => {
                            let (mut a, mut b) = (Vec::new(), Vec::new());
                            spans(&expected.root, String::new(), &mut a);
                            spans(&got.root, String::new(), &mut b);
                            if let Some((x, y)) = a.iter().zip(&b).find(|(x, y)| x != y) {
                                failures.push(format!(
                                    "{}: JSON has {x:?} {:?}, YAML has {y:?} {:?}",
                                    path.display(),
                                    &text[x.1.start..x.1.end],
                                    &text[y.1.start..y.1.end]
                                ));
                            } else if a.len() != b.len()
                                || plain(&expected.root) != plain(&got.root)
                            {
                                failures.push(format!("{}: differs from JSON", path.display()));
                            }
                        }
                        Err(e) => failures.push(format!(
                            "{}: {} at {:?}",
                            path.display(),
                            e.message,
                            e.span
                        )),
                    }
                }
                _ => {}
            }
        }
    }
    eprintln!("{yaml} YAML files, {json_files} JSON files through the YAML path");
    assert!(yaml > 100);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
