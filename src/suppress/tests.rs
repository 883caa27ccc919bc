//! The directive grammar, YAML comments and which state owns a finding.

use super::*;
use crate::config::LintOptions;
use crate::document::json;
use yaml::inside_string;

fn ids<'t>(d: &Directive<'t>) -> Vec<&'t str> {
    d.ids.iter().map(|(id, _)| *id).collect()
}

#[test]
fn parses_lists_separated_by_commas_and_spaces() {
    let text = "asl-lint-disable a, b  c,,d ,";
    let d = parse(text);
    assert_eq!(d.len(), 1);
    assert!(!d[0].file);
    assert_eq!(d[0].keyword, 0..16);
    assert_eq!(ids(&d[0]), ["a", "b", "c", "d"]);
    // Ranges point at the ids in the text.
    for (id, range) in &d[0].ids {
        assert_eq!(&text[range.clone()], *id);
    }
}

#[test]
fn list_ends_at_line_end_semicolon_period_or_next_directive() {
    let d = parse("Routes by method. asl-lint-disable choice-without-default; upstream checks");
    assert_eq!(ids(&d[0]), ["choice-without-default"]);
    assert_eq!(ids(&parse("asl-lint-disable a. b")[0]), ["a"]);
    assert_eq!(ids(&parse("asl-lint-disable a\nb")[0]), ["a"]);
    assert_eq!(ids(&parse("asl-lint-disable a\r\nb")[0]), ["a"]);
    let two = parse("asl-lint-disable a asl-lint-disable-file b");
    assert_eq!(two.len(), 2);
    assert_eq!((two[0].file, ids(&two[0])), (false, vec!["a"]));
    assert_eq!((two[1].file, ids(&two[1])), (true, vec!["b"]));
}

#[test]
fn bare_file_and_colon_forms() {
    let bare = parse("asl-lint-disable");
    assert_eq!(bare.len(), 1);
    assert!(bare[0].ids.is_empty());
    let bare = parse("asl-lint-disable; nothing to see");
    assert!(bare[0].ids.is_empty());
    let file = parse("asl-lint-disable-file x");
    assert!(file[0].file);
    assert_eq!(file[0].keyword, 0..21);
    assert_eq!(ids(&file[0]), ["x"]);
    assert_eq!(ids(&parse("asl-lint-disable: a,b")[0]), ["a", "b"]);
    assert_eq!(ids(&parse("asl-lint-disable-file : a")[0]), ["a"]);
    // Non-ASCII text around the directive keeps the ranges right.
    let text = "über → asl-lint-disable ä";
    let d = parse(text);
    assert_eq!(&text[d[0].ids[0].1.clone()], "ä");
}

#[test]
fn keyword_must_stand_alone() {
    for text in [
        "xasl-lint-disable a",
        "my-asl-lint-disable a",
        "asl-lint-disabled a",
        "asl-lint-disable-next-line a",
        "asl-lint-disable-files a",
        "asl-lint-enable a",
        "",
    ] {
        assert_eq!(parse(text), vec![], "{text}");
    }
    assert_eq!(parse("(asl-lint-disable a)").len(), 1);
    assert_eq!(ids(&parse("\"asl-lint-disable a\"")[0]), ["a\""]);
}

fn rules_of(diagnostics: &[Diagnostic]) -> Vec<(&'static str, String)> {
    diagnostics
        .iter()
        .map(|d| (d.rule, d.message.clone()))
        .collect()
}

/// The YAML form, before the YAML reader exists: `text` is JSON plus whole-line `#`
/// comments. The document is read from a copy with those lines blanked, so spans line up.
fn lint_commented(text: &str) -> Vec<Diagnostic> {
    let json_text: String = text
        .split_inclusive('\n')
        .map(|line| {
            if line.trim_start().starts_with('#') {
                " ".repeat(line.trim_end_matches('\n').len()) + "\n"
            } else {
                line.to_string()
            }
        })
        .collect();
    let document = json::parse(&json_text).unwrap();
    let source = SourceFile::new("t.yaml", text.to_string());
    crate::lint::lint_document(&source, &document, &LintOptions::default())
}

fn rule_ids(diagnostics: &[Diagnostic]) -> Vec<&'static str> {
    diagnostics.iter().map(|d| d.rule).collect()
}

const ROUTE: &str = r#"{
  "StartAt": "Route",
  "States": {
    #1
    "Route": {"Type": "Choice", "Choices": [{"Variable": "$.a", "IsPresent": true, "Next": "Done"}]},
    "Done": {"Type": "Succeed"}
  }
}
"#;

#[test]
fn yaml_comment_above_a_state_key() {
    assert_eq!(rule_ids(&lint_commented(ROUTE)), ["choice-without-default"]);
    let directive = "# asl-lint-disable choice-without-default";
    assert_eq!(
        rules_of(&lint_commented(&ROUTE.replace("#1", directive))),
        []
    );
    // Leading spaces, no space after '#', a reason after ';'.
    let text = ROUTE.replace(
        "#1",
        "#asl-lint-disable choice-without-default; routed upstream",
    );
    assert_eq!(rules_of(&lint_commented(&text)), []);
    // In a block of comment lines directly above the key.
    let text = ROUTE.replace("#1", &format!("{directive}\n    # the API only sends GET"));
    assert_eq!(rules_of(&lint_commented(&text)), []);
    let text = ROUTE.replace("#1", &format!("# why: routed upstream\n    {directive}"));
    assert_eq!(rules_of(&lint_commented(&text)), []);
    // A blank line in between detaches it: reported, and the finding stays.
    let text = ROUTE.replace("#1", &format!("{directive}\n"));
    let got = lint_commented(&text);
    assert_eq!(rule_ids(&got), [ID, "choice-without-default"]);
    assert_eq!(
        got[0].message,
        "this asl-lint-disable comment is not on a key's line or directly above a key, so it silences nothing"
    );
    assert_eq!((got[0].start.line, got[0].start.column), (4, 7));
}

#[test]
fn yaml_comment_unused_unknown_and_misplaced() {
    let text = ROUTE.replace("#1", "# asl-lint-disable no-terminal, no-termnl");
    let got = lint_commented(&text);
    assert_eq!(
            rules_of(&got),
            [
                (ID, "'no-terminal' is suppressed for state 'Route', but it reports nothing there".to_string()),
                (ID, "unknown rule 'no-termnl'; did you mean 'no-terminal'?".to_string()),
                ("choice-without-default", "Choice 'Route' has no Default: when no rule matches its input, the execution fails with States.NoChoiceMatched".to_string()),
            ]
        );
    // Reported at the id itself; the pointer is the closest node (the States object).
    assert_eq!((got[0].start.line, got[0].start.column), (4, 24));
    assert_eq!((got[1].start.line, got[1].start.column), (4, 37));
    assert_eq!(got[0].state.as_deref(), Some("Route"));
    let text = ROUTE.replace("#1", "# asl-lint-disable-file choice-without-default");
    let got = lint_commented(&text);
    assert_eq!(rule_ids(&got), [ID, "choice-without-default"]);
    assert!(got[0]
        .message
        .starts_with("asl-lint-disable-file in a YAML comment"));
}

const NESTED: &str = r#"{
  "StartAt": "P",
  "States": {
    #1
    "P": {"Type": "Parallel", "End": true,
      #2
      "Branches": [{"StartAt": "C", "States": {
        "C": {"Type": "Choice", "Choices": [{"Variable": "$.a", "IsPresent": true, "Next": "D"}]},
        "D": {"Type": "Succeed"}}}]}
  }
}
"#;

#[test]
fn yaml_comment_above_other_keys_covers_the_subtree() {
    let directive = "# asl-lint-disable choice-without-default";
    assert_eq!(
        rules_of(&lint_commented(&NESTED.replace("#2", directive))),
        []
    );
    // Above the Parallel's own key it covers the Parallel only, not its branches.
    let got = lint_commented(&NESTED.replace("#1", directive));
    assert_eq!(rule_ids(&got), [ID, "choice-without-default"]);
    assert_eq!(
        got[0].message,
        "'choice-without-default' is suppressed for state 'P', but it reports nothing there"
    );
    // Above a key whose subtree has no finding.
    let got = lint_commented(&NESTED.replace("#2", "# asl-lint-disable no-terminal"));
    assert_eq!(
            got[0].message,
            "'no-terminal' is suppressed for 'Branches' and everything under it, but it reports nothing there"
        );
}

#[test]
fn hash_lines_inside_strings_are_not_comments() {
    let root = json::parse(r##"{"a": "# asl-lint-disable x", "b": [1, {"c": 2}]}"##)
        .unwrap()
        .root;
    assert!(inside_string(&root, 8));
    assert!(inside_string(&root, 2)); // the key "a"
    assert!(!inside_string(&root, 0));
    assert!(!inside_string(&root, 5));
    let c = r##"{"a": "# asl-lint-disable x", "b": [1, {"c": 2}]}"##
        .find("\"c\"")
        .unwrap();
    assert!(inside_string(&root, c + 1));
    assert!(!inside_string(&root, c + 5));
}

#[test]
fn innermost_state_owns_a_span() {
    let text = r#"{"StartAt": "P", "States": {
          "P": {"Type": "Parallel", "End": true, "Branches": [
            {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}},
            {"StartAt": "B", "States": {"B": {"Type": "Pass", "End": true}}}
          ], "Comment": "x"},
          "Q": {"Type": "Succeed"}}}"#;
    let document = json::parse(text).unwrap();
    let machine = Machine::build(&document.root);
    let stage = Stage::new(&machine);
    let at = |needle: &str| {
        let i = text.find(needle).unwrap();
        stage
            .innermost(Span::new(i, i + needle.len()))
            .map(|id| machine.states[id].name)
    };
    assert_eq!(at("\"P\": {"), Some("P"));
    assert_eq!(at("\"A\": {"), Some("A"));
    assert_eq!(at("\"Type\": \"Pass\", \"End\": true}"), Some("A"));
    // A span that runs past A's object belongs to the state holding both.
    assert_eq!(at("\"Type\": \"Pass\", \"End\": true}}},\n"), Some("P"));
    // After branch B, back in P.
    assert_eq!(at("\"Comment\""), Some("P"));
    assert_eq!(at("\"Q\""), Some("Q"));
    assert_eq!(at("\"StartAt\": \"P\""), None);
}
