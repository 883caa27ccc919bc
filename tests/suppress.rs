//! Inline suppressions end to end: `asl-lint-disable` in a state's Comment,
//! `asl-lint-disable-file` in the top-level Comment, YAML comment lines, and the
//! `unused-suppression` findings; plus the README examples, which must do what they say.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use asl_lint::config::LintOptions;
use asl_lint::diagnostic::{Diagnostic, Severity};
use asl_lint::lint::{lint_bytes, Selection};

fn lint_named(name: &str, text: &str) -> Vec<Diagnostic> {
    lint_bytes(
        name,
        text.as_bytes().to_vec(),
        Selection::Always,
        &LintOptions::default(),
    )
    .map(|r| r.diagnostics)
    .unwrap_or_default()
}

fn lint(text: &str) -> Vec<Diagnostic> {
    lint_named("t.asl.json", text)
}

/// `(rule, state)` of each diagnostic, in report order.
fn found(text: &str) -> Vec<(&'static str, String)> {
    lint(text)
        .iter()
        .map(|d| (d.rule, d.state.clone().unwrap_or_default()))
        .collect()
}

fn pairs(items: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    items.iter().map(|&(r, s)| (r, s.to_string())).collect()
}

/// Two Choice states without Default, each with a Comment placeholder.
fn two_choices(first: &str, second: &str) -> String {
    format!(
        r#"{{
  "StartAt": "First",
  "States": {{
    "First": {{
      "Type": "Choice", "Comment": "{first}",
      "Choices": [{{ "Variable": "$.a", "StringEquals": "x", "Next": "Second" }}]
    }},
    "Second": {{
      "Type": "Choice", "Comment": "{second}",
      "Choices": [{{ "Variable": "$.b", "StringEquals": "y", "Next": "Done" }}]
    }},
    "Done": {{ "Type": "Succeed" }}
  }}
}}"#
    )
}

#[test]
fn state_comment_silences_the_rule_for_that_state_only() {
    let plain = two_choices("", "");
    assert_eq!(
        found(&plain),
        pairs(&[
            ("choice-without-default", "First"),
            ("choice-without-default", "Second")
        ])
    );
    let text = two_choices("asl-lint-disable choice-without-default", "");
    assert_eq!(found(&text), pairs(&[("choice-without-default", "Second")]));
    // Free text before the directive and a reason after `;` or `.` are fine.
    for comment in [
        "Routes input. asl-lint-disable choice-without-default; upstream validates",
        "asl-lint-disable: choice-without-default. Upstream validates.",
    ] {
        assert_eq!(
            found(&two_choices("", comment)),
            pairs(&[("choice-without-default", "First")]),
            "{comment}"
        );
    }
}

/// Two Lambda tasks: `Charge` is pinned but has no Retry; `Refund` is unpinned, no Retry.
fn tasks(charge: &str, refund: &str) -> String {
    format!(
        r#"{{
  "StartAt": "Charge",
  "States": {{
    "Charge": {{
      "Type": "Task", "Comment": "{charge}",
      "Resource": "arn:aws:states:::lambda:invoke",
      "Parameters": {{ "FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:charge:live", "Payload.$": "$" }},
      "Next": "Refund"
    }},
    "Refund": {{
      "Type": "Task", "Comment": "{refund}",
      "Resource": "arn:aws:states:::lambda:invoke",
      "Parameters": {{ "FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:refund", "Payload.$": "$" }},
      "End": true
    }}
  }}
}}"#
    )
}

#[test]
fn lists_of_ids_and_the_bare_directive() {
    assert_eq!(
        found(&tasks("", "")),
        pairs(&[
            ("lambda-missing-retry", "Charge"),
            ("lambda-missing-retry", "Refund"),
            ("unversioned-lambda", "Refund"),
        ])
    );
    for list in [
        "lambda-missing-retry, unversioned-lambda",
        "lambda-missing-retry unversioned-lambda",
        "unversioned-lambda,lambda-missing-retry",
    ] {
        let text = tasks("", &format!("asl-lint-disable {list}"));
        assert_eq!(
            found(&text),
            pairs(&[("lambda-missing-retry", "Charge")]),
            "{list}"
        );
    }
    // Only the listed rule is silenced.
    let text = tasks("", "asl-lint-disable unversioned-lambda");
    assert_eq!(
        found(&text),
        pairs(&[
            ("lambda-missing-retry", "Charge"),
            ("lambda-missing-retry", "Refund")
        ])
    );
    // Without ids: every rule, for that state.
    let text = tasks("", "asl-lint-disable");
    assert_eq!(found(&text), pairs(&[("lambda-missing-retry", "Charge")]));
    let text = tasks("asl-lint-disable", "asl-lint-disable; legacy");
    assert_eq!(found(&text), pairs(&[]));
}

#[test]
fn file_level_directive_covers_the_whole_machine() {
    let text = r#"{
  "Comment": "asl-lint-disable-file choice-without-default",
  "StartAt": "First",
  "States": {
    "First": {
      "Type": "Choice",
      "Choices": [{ "Variable": "$.a", "StringEquals": "x", "Next": "Fan out" }]
    },
    "Fan out": {
      "Type": "Parallel", "End": true,
      "Branches": [{ "StartAt": "Inner", "States": {
        "Inner": { "Type": "Choice", "Choices": [{ "Variable": "$.b", "StringEquals": "y", "Next": "Done" }] },
        "Done": { "Type": "Succeed" }
      }}]
    }
  }
}"#;
    assert_eq!(found(text), pairs(&[]));
    let plain = text.replace("asl-lint-disable-file", "see");
    assert_eq!(found(&plain).len(), 2);
    // Bare: every rule, everywhere (but not unused-suppression for the state below).
    let bare = text.replace(" choice-without-default\"", "\"").replace(
        "\"Type\": \"Parallel\"",
        "\"Comment\": \"asl-lint-disable no-terminal\", \"Type\": \"Parallel\"",
    );
    let got = lint(&bare);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].rule, "unused-suppression");
    assert_eq!(got[0].pointer, "/States/Fan out/Comment");
}

#[test]
fn nested_states_are_not_covered_by_their_parallel_or_map() {
    let text = r#"{
  "StartAt": "Fan out",
  "States": {
    "Fan out": {
      "Type": "Parallel", "Next": "Each",
      "Comment": "asl-lint-disable choice-without-default",
      "Branches": [{ "StartAt": "Inner", "States": {
        "Inner": { "Type": "Choice", "Comment": "@inner", "Choices": [{ "Variable": "$.b", "StringEquals": "y", "Next": "Done" }] },
        "Done": { "Type": "Succeed" }
      }}]
    },
    "Each": {
      "Type": "Map", "End": true, "MaxConcurrency": 10,
      "Comment": "asl-lint-disable choice-without-default",
      "ItemProcessor": { "StartAt": "Item", "States": {
        "Item": { "Type": "Choice", "Choices": [{ "Variable": "$.c", "StringEquals": "z", "Next": "Ok" }] },
        "Ok": { "Type": "Succeed" }
      }}
    }
  }
}"#;
    assert_eq!(
        found(text),
        pairs(&[
            ("unused-suppression", "Fan out"),
            ("choice-without-default", "Inner"),
            ("unused-suppression", "Each"),
            ("choice-without-default", "Item"),
        ])
    );
    // The nested state's own Comment works.
    let text = text.replace("@inner", "asl-lint-disable choice-without-default");
    assert_eq!(
        found(&text),
        pairs(&[
            ("unused-suppression", "Fan out"),
            ("unused-suppression", "Each"),
            ("choice-without-default", "Item"),
        ])
    );
}

#[test]
fn unused_ids_are_reported_at_the_id() {
    let text = two_choices(
        "asl-lint-disable choice-without-default, no-terminal",
        "asl-lint-disable state-name-too-long",
    );
    let got = lint(&text);
    let described: Vec<String> = got
        .iter()
        .map(|d| {
            format!(
                "{}:{} {} {} {} {}",
                d.start.line, d.start.column, d.severity, d.rule, d.pointer, d.message
            )
        })
        .collect();
    assert_eq!(
        described,
        [
            "5:78 info unused-suppression /States/First/Comment 'no-terminal' is suppressed for state 'First', but it reports nothing there",
            "8:5 warning choice-without-default /States/Second Choice 'Second' has no Default: when no rule matches its input, the execution fails with States.NoChoiceMatched",
            "9:54 info unused-suppression /States/Second/Comment 'state-name-too-long' is suppressed for state 'Second', but it reports nothing there",
        ]
    );
    let unused = &got[0];
    assert_eq!(unused.severity, Severity::Info);
    assert!(unused.help.as_deref().unwrap().starts_with("remove it"));
    // The span is exactly the id.
    let line = text.lines().nth(4).unwrap();
    let column = unused.start.column - 1;
    assert_eq!(&line[column..column + "no-terminal".len()], "no-terminal");
    assert_eq!(unused.end.column - unused.start.column, "no-terminal".len());
}

#[test]
fn unknown_ids_are_reported_with_a_suggestion() {
    let text = two_choices("asl-lint-disable choice-without-defualt, banana", "");
    let got = lint(&text);
    let messages: Vec<(&str, &str)> = got.iter().map(|d| (d.rule, d.message.as_str())).collect();
    assert_eq!(
        messages,
        [
            ("choice-without-default", "Choice 'First' has no Default: when no rule matches its input, the execution fails with States.NoChoiceMatched"),
            ("unused-suppression", "unknown rule 'choice-without-defualt'; did you mean 'choice-without-default'?"),
            ("unused-suppression", "unknown rule 'banana'"),
            ("choice-without-default", "Choice 'Second' has no Default: when no rule matches its input, the execution fails with States.NoChoiceMatched"),
        ]
    );
    assert_eq!(got[1].state.as_deref(), Some("First"));
    // Case matters: a miscased id is unknown, and the suggestion fixes it.
    let text = two_choices("asl-lint-disable Choice-Without-Default", "");
    assert!(lint(&text).iter().any(|d| d.message
        == "unknown rule 'Choice-Without-Default'; did you mean 'choice-without-default'?"));
}

#[test]
fn misplaced_duplicated_and_unsuppressible_directives_are_reported() {
    let text = two_choices(
        "asl-lint-disable-file choice-without-default",
        "asl-lint-disable choice-without-default, choice-without-default unused-suppression parse-error",
    )
    .replacen(
        "\"StartAt\"",
        "\"Comment\": \"asl-lint-disable no-terminal\", \"StartAt\"",
        1,
    );
    let messages: Vec<String> = lint(&text)
        .iter()
        .map(|d| format!("{} {}", d.rule, d.message))
        .collect();
    assert_eq!(
        messages,
        [
            "unused-suppression asl-lint-disable in the machine's top-level Comment silences nothing: it works in a state's Comment",
            "choice-without-default Choice 'First' has no Default: when no rule matches its input, the execution fails with States.NoChoiceMatched",
            "unused-suppression asl-lint-disable-file in the Comment of state 'First' silences nothing: it works only in the machine's top-level Comment",
            "unused-suppression 'choice-without-default' is already suppressed for state 'Second'",
            "unused-suppression 'unused-suppression' cannot be suppressed",
            "unused-suppression 'parse-error' cannot be suppressed",
        ]
    );
}

#[test]
fn unused_suppression_and_parse_error_cannot_be_silenced() {
    // A bare directive does not silence the report of another unused id in the same state.
    let text = two_choices(
        "asl-lint-disable; asl-lint-disable choice-without-default no-terminal",
        "asl-lint-disable choice-without-default",
    );
    assert_eq!(
        found(&text),
        pairs(&[("unused-suppression", "First")]),
        "only 'no-terminal' is unused"
    );
    let broken = r#"{"Comment": "asl-lint-disable-file parse-error", "StartAt": "A", "States": {"#;
    assert_eq!(found(broken), pairs(&[("parse-error", "")]));
}

#[test]
fn escaped_comments_report_at_the_whole_comment() {
    let text = two_choices(r#"asl-lint-disable \"no-terminal\""#, "");
    let got = lint(&text);
    let unknown = got
        .iter()
        .find(|d| d.rule == "unused-suppression")
        .expect("reported");
    assert_eq!(
        unknown.message,
        "unknown rule '\"no-terminal\"'; did you mean 'no-terminal'?"
    );
    // The Comment has escapes, so the report covers the whole string value.
    let value = r#""asl-lint-disable \"no-terminal\"""#;
    let start = text.find(value).unwrap();
    assert_eq!(unknown.span.start, start);
    assert_eq!(unknown.span.end, start + value.len());
}

fn run_stdin(args: &[&str], input: &str) -> serde_json::Value {
    let mut child = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    serde_json::from_slice(&out.stdout).expect("one JSON document")
}

#[test]
fn json_output_omits_silenced_findings() {
    let rules_in = |v: &serde_json::Value| -> Vec<String> {
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                format!(
                    "{} {}",
                    d["rule"].as_str().unwrap(),
                    d["state"].as_str().unwrap_or("")
                )
            })
            .collect()
    };
    let plain = run_stdin(&["--format", "json", "-"], &two_choices("", ""));
    assert_eq!(
        rules_in(&plain),
        [
            "choice-without-default First",
            "choice-without-default Second"
        ]
    );
    let text = two_choices(
        "asl-lint-disable choice-without-default",
        "asl-lint-disable choice-without-default, no-terminal",
    );
    let silenced = run_stdin(&["--format", "json", "-"], &text);
    assert_eq!(rules_in(&silenced), ["unused-suppression Second"]);
    assert_eq!(silenced["summary"]["warnings"], 0);
    assert_eq!(silenced["summary"]["infos"], 1);
    let d = &silenced["diagnostics"][0];
    assert_eq!(d["pointer"], "/States/Second/Comment");
    assert_eq!(d["severity"], "info");
}

/// Fenced blocks of `lang` between the README's suppress markers.
fn readme_blocks(lang: &str) -> Vec<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(path).expect("README.md");
    let start = readme
        .find("<!-- suppress:start -->")
        .expect("README has a suppress:start marker");
    let end = readme
        .find("<!-- suppress:end -->")
        .expect("README has a suppress:end marker");
    let mut section = &readme[start..end];
    let fence = format!("```{lang}\n");
    let mut blocks = Vec::new();
    while let Some(open) = section.find(&fence) {
        let body = &section[open + fence.len()..];
        let close = body.find("\n```").expect("closed block");
        blocks.push(body[..close + 1].to_string());
        section = &body[close + 4..];
    }
    blocks
}

/// A README example must be clean as written, and something must show up once its directives
/// are turned into plain words: the example silences a real finding.
fn check_readme_example(name: &str, block: &str) {
    let noisy: Vec<String> = lint_named(name, block)
        .iter()
        .filter(|d| d.severity >= Severity::Warning || d.rule == "unused-suppression")
        .map(|d| format!("{} {}", d.rule, d.message))
        .collect();
    assert!(
        noisy.is_empty(),
        "README example is not clean:\n{block}\n{noisy:?}"
    );
    let without = block.replace("asl-lint-disable", "asl-lint-allow");
    let revealed = lint_named(name, &without);
    assert!(
        revealed.iter().any(|d| d.severity >= Severity::Warning),
        "README example silences nothing:\n{block}"
    );
}

#[test]
fn readme_json_examples_silence_what_they_say() {
    let blocks = readme_blocks("json");
    assert_eq!(blocks.len(), 2, "a state example and a file example");
    assert!(blocks[0].contains("\"asl-lint-disable "));
    assert!(blocks[1].contains("\"Comment\": \"") && blocks[1].contains("asl-lint-disable-file"));
    for block in &blocks {
        check_readme_example("README.asl.json", block);
    }
}

/// The YAML form, through the YAML reader.
#[test]
fn yaml_comment_lines_silence_findings() {
    let blocks = readme_blocks("yaml");
    assert_eq!(blocks.len(), 1);
    check_readme_example("README.asl.yaml", &blocks[0]);
    let text = "\
StartAt: Route
States:
  # asl-lint-disable choice-without-default, no-terminal
  Route:
    Type: Choice
    Choices:
      - Variable: $.a
        StringEquals: x
        Next: Done
  Done:
    Type: Succeed
";
    let got = lint_named("t.asl.yaml", text);
    let described: Vec<String> = got
        .iter()
        .map(|d| {
            format!(
                "{}:{} {} {}",
                d.start.line, d.start.column, d.rule, d.message
            )
        })
        .collect();
    assert_eq!(
        described,
        ["3:46 unused-suppression 'no-terminal' is suppressed for state 'Route', but it reports nothing there"]
    );
    // A blank line detaches the comment.
    let detached = text.replace("no-terminal\n", "no-terminal\n\n");
    let rules: Vec<&str> = lint_named("t.asl.yaml", &detached)
        .iter()
        .map(|d| d.rule)
        .collect();
    assert_eq!(rules, ["unused-suppression", "choice-without-default"]);
}

/// Issue 20, point 6: a directive at the end of a key's line covers that key, as a comment
/// line above it would; where it covers nothing, it is reported as such.
#[test]
fn yaml_comments_at_the_end_of_a_line_cover_its_key() {
    let text = |comment_on: &str| {
        format!(
            "\
StartAt: Route
States:
  Route:{route}
    Type: Choice{ty}
    Choices:
      - Variable: $.a
        StringEquals: x
        Next: Done
  Done:
    Type: Succeed
",
            route = if comment_on == "Route" {
                "  # asl-lint-disable choice-without-default"
            } else {
                ""
            },
            ty = if comment_on == "Type" {
                "  # asl-lint-disable choice-without-default"
            } else {
                ""
            },
        )
    };
    let rules = |text: &str| -> Vec<&'static str> {
        lint_named("t.asl.yaml", text)
            .iter()
            .map(|d| d.rule)
            .collect()
    };
    assert_eq!(rules(&text("none")), ["choice-without-default"]);
    // On the state's own line: the state's findings.
    assert_eq!(rules(&text("Route")), Vec::<&str>::new());
    // On a field's line: only what lies in that field, so here nothing, which is said.
    let on_type = lint_named("t.asl.yaml", &text("Type"));
    let described: Vec<String> = on_type
        .iter()
        .map(|d| {
            format!(
                "{}:{} {} {}",
                d.start.line, d.start.column, d.rule, d.message
            )
        })
        .collect();
    assert_eq!(
        described,
        [
            "3:3 choice-without-default Choice 'Route' has no Default: when no rule matches its input, the execution fails with States.NoChoiceMatched",
            "4:38 unused-suppression 'choice-without-default' is suppressed for 'Type' and everything under it, but it reports nothing there",
        ],
    );
    // A comment after a value that is not a key's, or inside a quoted string, is not a
    // directive for anything: the first is reported, the second is text.
    let item = "\
StartAt: A
States:
  A:
    Type: Pass
    Result:
      - one  # asl-lint-disable no-dollar
    End: true
";
    let got: Vec<String> = lint_named("t.asl.yaml", item)
        .iter()
        .map(|d| format!("{}:{} {}", d.start.line, d.start.column, d.message))
        .collect();
    assert_eq!(
        got,
        ["6:16 this asl-lint-disable comment is not on a key's line or directly above a key, so it silences nothing"]
    );
    let quoted = "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Comment: \"x # asl-lint-disable no-dollar\"\n    End: true\n";
    assert_eq!(
        lint_named("t.asl.yaml", quoted)
            .iter()
            .map(|d| d.rule)
            .collect::<Vec<_>>(),
        ["unused-suppression"],
        "a state's Comment field is a directive of its own"
    );
}

/// A directive for a rule the configuration turns off is dormant, not unused.
#[test]
fn directive_for_a_rule_turned_off_by_config_is_not_unused() {
    let dir = common::scratch("suppress-config-off");
    let machine = r#"{"StartAt": "Check", "States": {
      "Check": {"Type": "Choice", "Comment": "asl-lint-disable choice-without-default",
                "Choices": [{"Variable": "$.ok", "BooleanEquals": true, "Next": "Done"}]},
      "Done": {"Type": "Succeed"}}}"#;
    common::write(&dir, "flow.asl.json", machine);
    let run = || {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_asl-lint"))
            .args(["--format", "json", "--fail-on", "never"])
            .arg(&dir)
            .output()
            .unwrap();
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["rule"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    // Without configuration the directive silences the finding: nothing is reported.
    assert_eq!(run(), Vec::<String>::new());
    std::fs::write(
        dir.join(".asl-lint.toml"),
        "[rules]\nchoice-without-default = \"off\"\n",
    )
    .unwrap();
    assert_eq!(run(), Vec::<String>::new());
}
