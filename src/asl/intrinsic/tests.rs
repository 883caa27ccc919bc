//! The parser and the catalogue checks.

use super::check::ordinal;
use super::*;
use crate::asl::SyntaxError;

fn ok(s: &str) -> Call<'_> {
    parse(s).unwrap_or_else(|e| panic!("{s:?} should parse: {e:?}"))
}

fn err(s: &str) -> SyntaxError {
    match parse(s) {
        Ok(c) => panic!("{s:?} should not parse: {c:?}"),
        Err(e) => e,
    }
}

fn problems(s: &str) -> Vec<String> {
    check(&ok(s), Usage::Value)
        .into_iter()
        .map(|p| p.message)
        .collect()
}

fn clean(s: &str) {
    let p = problems(s);
    assert!(p.is_empty(), "{s:?}: {p:?}");
}

fn fires(s: &str, needle: &str) {
    let p = problems(s);
    assert!(
        p.iter().any(|m| m.contains(needle)),
        "{s:?}: {p:?} lacks {needle:?}"
    );
}

#[test]
fn parses_arguments() {
    let c = ok("States.Format('a {} b \\' c', $.x, 1.5e3, -2, true, false, null, States.UUID())");
    assert_eq!(c.name, "States.Format");
    assert_eq!(c.args.len(), 8);
    assert_eq!(c.args[0].value, ArgValue::String("a {} b \\' c"));
    assert!(matches!(c.args[1].value, ArgValue::Path(_)));
    assert_eq!(c.args[1].range, 29..32);
    assert_eq!(c.args[2].value, ArgValue::Number(1500.0, "1.5e3"));
    assert_eq!(c.args[3].value, ArgValue::Number(-2.0, "-2"));
    assert_eq!(c.args[4].value, ArgValue::Bool(true));
    assert_eq!(c.args[6].value, ArgValue::Null);
    assert!(
        matches!(&c.args[7].value, ArgValue::Call(inner) if inner.name == "States.UUID" && inner.args.is_empty())
    );
    assert_eq!(c.range, 0..c.range.end);
    assert_eq!(unescape("it\\'s \\{\\} \\\\"), "it's {} \\");
}

#[test]
fn accepts_real_world_calls() {
    for s in [
            "States.UUID()",
            " States.UUID ( ) ",
            "States.Array($)",
            "States.ArrayGetItem(States.StringSplit($$.Execution.Id, ':'), 6)",
            "States.Format('{}', States.MathAdd($$.Execution.Input.a, $$.Execution.Input.b))",
            "States.JsonMerge(States.StringToJson($.Body), States.StringToJson('{\"NewField\": \"MyValue\" }'), false)",
            "States.StringToJson($.[0].body)",
            "States.Format('unload (\\'{}\\') to \\'s3://{}/{}/result_\\'', $.q, $.b, $.p)",
            "States.MathAdd(States.ArrayLength($.resultItems), -1)",
            "States.ArrayRange(1,5,1)",
            "States.Format('{}', $.items[?(@.a == 'x, y')].b)",
            "States.Format('{}', $['a b'])",
            "States.Format('{}', $.a.length())",
            "States.Format('{}', $myVar.x)",
            "States.Hash($.data, 'SHA-256')",
            "States.MathRandom(1, 10)",
            "States.MathRandom(1, 10, $.seed)",
            "States.Format('{}\n{}','Human:', $.x)",
        ] {
            clean(s);
        }
}

#[test]
fn rejects_malformed_syntax() {
    let cases: &[(&str, &str, Range<usize>)] = &[
        (
            "States.Format('{}', $.a",
            "missing ')' to close States.Format(",
            0..14,
        ),
        ("States.Format('{}', $.a))", "unbalanced ')'", 24..25),
        ("States.Format('{}, $.a)", "unterminated string", 14..15),
        ("States.Array(1,)", "trailing ','", 14..15),
        ("States.Array(1 2)", "expected ',' or ')'", 15..16),
        (
            "States.Array(,1)",
            "expected an argument before ','",
            13..14,
        ),
        ("States.Array(\"a\")", "single quotes", 13..14),
        ("States.Array(abc)", "text arguments are quoted", 13..16),
        ("States.Array(1.2.3)", "'1.2.3' is not a number", 13..18),
        ("States.Array(1e)", "'1e' is not a number", 13..15),
        (
            "States.Array($.a.)",
            "invalid path: expected a field name after '.'",
            16..17,
        ),
        ("States.Array($.a b)", "expected ',' or ')'", 17..18),
        ("States.Array #", "expected '(' after States.Array", 13..14),
        ("States.Array('a\\", "unterminated string", 13..14),
        ("States.Array(é)", "unexpected 'é'", 13..15),
        ("States.UUID() x", "unexpected 'x' after the end", 14..15),
    ];
    for (s, needle, range) in cases {
        let e = err(s);
        assert!(
            e.message.contains(needle),
            "{s:?}: {:?} lacks {needle:?}",
            e.message
        );
        assert_eq!(&e.offset_range, range, "{s:?}: {}", e.message);
    }
}

#[test]
fn nesting_is_capped_at_ten() {
    let nest = |n: usize| format!("{}$.a{}", "States.Array(".repeat(n), ")".repeat(n));
    ok(&nest(10));
    assert!(err(&nest(11)).message.contains("nested at most 10 deep"));
    // Far deeper input stops at the cap without recursing further.
    assert!(err(&nest(100_000))
        .message
        .contains("nested at most 10 deep"));
}

#[test]
fn looks_like_call_only_for_call_shapes() {
    assert!(looks_like_call("States.Format('x')"));
    assert!(looks_like_call("Foo ("));
    assert!(!looks_like_call("hello"));
    assert!(!looks_like_call("States.Format"));
    assert!(!looks_like_call("{% $x %}"));
    assert!(!looks_like_call(""));
}

#[test]
fn catalogue_checks() {
    fires(
        "States.Formatt('{}', $.a)",
        "States.Formatt is not an intrinsic function",
    );
    let p = check(&ok("States.Formatt('{}', $.a)"), Usage::Value);
    assert_eq!(p[0].help.as_deref(), Some("did you mean States.Format?"));
    assert_eq!(p[0].range, 0..14);
    let p = check(&ok("Format('{}', $.a)"), Usage::Value);
    assert_eq!(p[0].help.as_deref(), Some("did you mean States.Format?"));
    fires(
        "States.Hash($.a)",
        "States.Hash takes 2 arguments, but 1 is given",
    );
    fires(
        "States.UUID(1)",
        "States.UUID takes 0 arguments, but 1 is given",
    );
    fires("States.MathRandom(1)", "takes 2 to 3 arguments");
    fires(
        "States.Format()",
        "takes at least 1 argument, but 0 are given",
    );
    fires("States.Array(States.Formatt())", "States.Formatt is not");
}

#[test]
fn literal_checks() {
    fires(
        "States.Hash($.a, 'SHA-3')",
        "'SHA-3' is not a hash algorithm",
    );
    let p = check(&ok("States.Hash($.a, 'SHA256')"), Usage::Value);
    assert!(p[0]
        .help
        .as_deref()
        .unwrap()
        .starts_with("did you mean 'SHA-256'?"));
    clean("States.Hash($.a, 'SHA-512')");
    fires("States.ArrayRange(1, 5000, 1)", "would produce 5000 items");
    clean("States.ArrayRange(1, 1000, 1)");
    clean("States.ArrayRange(10, 1, -1)");
    clean("States.ArrayRange(10, 1, 1)");
    clean("States.ArrayRange(0, 3000, -1)");
    fires(
        "States.ArrayRange(1000, -1000, -1)",
        "would produce 2001 items",
    );
    fires("States.ArrayRange($.a, $.b, 0)", "must not be 0");
    fires("States.JsonMerge($.a, $.b, true)", "only shallow merges");
    fires(
        "States.JsonMerge($.a, $.b, 'false')",
        "must be a boolean, but it is a string",
    );
    clean("States.JsonMerge($.a, $.b, false)");
    fires(
        "States.ArrayPartition($.a, 0)",
        "must be a positive integer",
    );
    fires(
        "States.ArrayPartition($.a, -2)",
        "must be a positive integer",
    );
    fires("States.MathAdd(2147483648, 1)", "outside the range");
    clean("States.MathAdd(-2147483648, 2147483647)");
    fires(
        "States.MathAdd('1', 1)",
        "must be a number, but it is a string",
    );
    fires("States.ArrayLength('abc')", "must be an array");
    fires(
        "States.ArrayLength(States.Format('x'))",
        "but it is a call to States.Format, which returns a string",
    );
    fires(
        "States.Format('{}', States.Array(1))",
        "must be a string, number, boolean or null",
    );
    fires("States.JsonToString('x')", "must be a path");
    fires("States.JsonToString(States.UUID())", "must be a path");
    fires("States.StringToJson('{\"a\": 1')", "not valid JSON");
    clean("States.StringToJson('{\"a\": \"it\\'s\"}')");
    clean("States.Format('x')");
    fires(
        "States.Format(1)",
        "template of States.Format must be a string",
    );
}

#[test]
fn format_placeholders() {
    clean("States.Format('{} and {}', $.a, $.b)");
    clean("States.Format('no placeholders')");
    clean(r"States.Format('literal \{\} {}', $.a)");
    fires(
        "States.Format('{} and {}', $.a)",
        "has 2 '{}' placeholders but 1 value follows it",
    );
    fires(
        "States.Format('{}', $.a, $.b)",
        "has 1 '{}' placeholder but 2 values follow",
    );
    let p = check(&ok("States.Format('{}', $.a, $.b)"), Usage::Value);
    assert_eq!(p[0].range, 25..28);
    assert_eq!(count_placeholders("{}{}\\{}{ }"), 2);
    clean("States.Format($.template, $.a)");
}

#[test]
fn string_result_usage() {
    let p = check(&ok("States.Array($.a)"), Usage::StringResult);
    assert!(
        p[0].message.contains("States.Array returns an array"),
        "{p:?}"
    );
    assert!(check(&ok("States.Format('{}', $.a)"), Usage::StringResult).is_empty());
    assert!(check(&ok("States.ArrayGetItem($.a, 0)"), Usage::StringResult).is_empty());
    assert!(check(&ok("States.Array($.a)"), Usage::Value).is_empty());
}

#[test]
fn signatures() {
    assert_eq!(
        function("States.Hash").unwrap().signature(),
        "States.Hash(data, algorithm)"
    );
    assert_eq!(
        function("States.MathRandom").unwrap().signature(),
        "States.MathRandom(start, end, [seed])"
    );
    assert_eq!(
        function("States.Format").unwrap().signature(),
        "States.Format(template, value…)"
    );
    assert_eq!(
        function("States.Array").unwrap().signature(),
        "States.Array(value…)"
    );
    assert_eq!(ordinal(1), "1st");
    assert_eq!(ordinal(12), "12th");
    assert_eq!(ordinal(23), "23rd");
}

#[test]
fn never_panics_on_odd_input() {
    let alphabet = [
        "States.Array(",
        "(",
        ")",
        "'",
        "\\",
        ",",
        "$",
        ".",
        "[",
        "]",
        "1",
        "-",
        "é",
        " ",
        "a",
        "\"",
    ];
    let mut frontier = vec![String::new()];
    for _ in 0..4 {
        frontier = frontier
            .iter()
            .flat_map(|s| alphabet.iter().map(move |t| format!("{s}{t}")))
            .collect();
        for s in &frontier {
            match parse(s) {
                Ok(call) => {
                    check(&call, Usage::StringResult);
                }
                Err(e) => assert!(
                    e.offset_range.start <= e.offset_range.end
                        && e.offset_range.end <= s.len()
                        && s.is_char_boundary(e.offset_range.start)
                        && s.is_char_boundary(e.offset_range.end),
                    "{s:?}: {e:?}"
                ),
            }
            let _ = looks_like_call(s);
        }
    }
}
