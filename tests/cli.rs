//! The command-line contract: formats, exit codes, stdin, directory walking, subcommands,
//! and hostile inputs that must give a located diagnostic instead of a crash.

mod common;

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use common::{scratch, write};

const SAMPLE: &str = "fixtures/sample/order-workflow.asl.json";
const CLEAN: &str = r#"{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}"#;

fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_asl-lint"));
    cmd.current_dir(common::root()).env_remove("NO_COLOR");
    cmd
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("binary runs")
}

fn run_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = bin()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn json_of(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not one JSON document: {e}\n{}", stdout(o)))
}

#[test]
fn human_output_shows_snippet_help_and_summary_without_colour() {
    let o = run(&[SAMPLE]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("unknown-target"), "{out}");
    assert!(
        out.contains("[fixtures/sample/order-workflow.asl.json:47:15]"),
        "{out}"
    );
    assert!(out.contains("help: did you mean 'done'?"), "{out}");
    assert!(
        out.ends_with("4 errors, 2 warnings in 1 file (1 state machine)\n"),
        "{out}"
    );
    assert!(
        !out.contains('\u{1b}'),
        "no ANSI escapes when stdout is not a terminal"
    );
}

#[test]
fn json_output_is_one_document_with_the_contract_fields() {
    let o = run(&["--format", "json", SAMPLE]);
    assert_eq!(o.status.code(), Some(1));
    let doc = json_of(&o);
    assert_eq!(doc["version"], 1);
    assert_eq!(
        doc["summary"],
        serde_json::json!({"files": 1, "machines": 1, "errors": 4, "warnings": 2, "infos": 0})
    );
    let diags = doc["diagnostics"].as_array().unwrap();
    let target = diags
        .iter()
        .find(|d| d["rule"] == "unknown-target")
        .unwrap();
    assert_eq!(target["path"], SAMPLE);
    assert_eq!(target["severity"], "error");
    assert_eq!(target["state"], "Ship order");
    assert_eq!(target["pointer"], "/States/Ship order/Next");
    assert_eq!(
        (target["line"].as_u64(), target["column"].as_u64()),
        (Some(47), Some(15))
    );
    assert_eq!(
        (target["end_line"].as_u64(), target["end_column"].as_u64()),
        (Some(47), Some(21))
    );
    assert!(target["help"].as_str().unwrap().contains("done"));
    let keys: Vec<&str> = target
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "path",
            "rule",
            "severity",
            "message",
            "help",
            "state",
            "pointer",
            "line",
            "column",
            "end_line",
            "end_column",
            "offset",
            "end_offset",
            "related",
            "fix"
        ]
    );
    let catch_all = diags
        .iter()
        .find(|d| d["rule"] == "retry-catch-all-not-last")
        .unwrap();
    let related = &catch_all["related"][0];
    assert_eq!(related["message"], "never used");
    assert_eq!(related["pointer"], "/States/Charge card/Catch/1");
    assert!(related["line"].is_u64() && related["column"].is_u64());
}

#[test]
fn fail_on_sets_the_exit_code() {
    assert_eq!(run(&["--fail-on", "never", SAMPLE]).status.code(), Some(0));
    assert_eq!(run(&["--fail-on", "error", SAMPLE]).status.code(), Some(1));
    assert_eq!(run(&["--fail-on", "info", SAMPLE]).status.code(), Some(1));
    let dir = scratch("fail_on");
    let clean = write(&dir, "clean.asl.json", CLEAN);
    assert_eq!(run(&[clean.to_str().unwrap()]).status.code(), Some(0));
    assert_eq!(
        run(&["--fail-on", "info", clean.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn usage_errors_exit_2() {
    let o = run(&["--format", "xml", SAMPLE]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("xml"));
    assert_eq!(run(&["--no-such-flag"]).status.code(), Some(2));
    assert_eq!(
        run(&["--workflow-type", "fast", SAMPLE]).status.code(),
        Some(2)
    );
    assert_eq!(run(&["--help"]).status.code(), Some(0));
}

#[test]
fn missing_path_exits_2_after_reporting_the_others() {
    let o = run(&["--format", "json", "does/not/exist.json", SAMPLE]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(json_of(&o)["summary"]["files"], 1);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("does/not/exist.json") && err.contains("no such file"),
        "{err}"
    );
}

#[test]
fn stdin_is_read_and_named() {
    let o = run_stdin(
        &[
            "--format",
            "json",
            "--stdin-filename",
            "flows/order.asl.json",
            "-",
        ],
        br#"{"StartAt": "A", "States": {}}"#,
    );
    assert_eq!(o.status.code(), Some(1));
    let doc = json_of(&o);
    assert_eq!(doc["diagnostics"][0]["path"], "flows/order.asl.json");
    assert_eq!(doc["diagnostics"][0]["rule"], "unknown-target");
    let o = run_stdin(&["-"], CLEAN.as_bytes());
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("in 1 file (1 state machine)"));
}

#[test]
fn directories_are_walked_by_name_and_content() {
    let dir = scratch("walk");
    let broken = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nope"}}}"#;
    write(&dir, "flows/a.asl.json", broken);
    write(&dir, "flows/b.json", broken);
    write(&dir, "package.json", r#"{"name": "x", "version": "1.0.0"}"#);
    write(&dir, "config.json", "not json at all, and not ours");
    write(&dir, "notes.txt", broken);
    for skipped in [
        "node_modules/m/x.asl.json",
        ".git/x.asl.json",
        "target/x.asl.json",
        ".aws-sam/build/x.asl.json",
    ] {
        write(&dir, skipped, broken);
    }
    let o = run(&["--format", "json", dir.to_str().unwrap()]);
    let doc = json_of(&o);
    assert_eq!(doc["summary"]["files"], 2, "{}", stdout(&o));
    let mut paths: Vec<String> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap().replace('\\', "/"))
        .collect();
    paths.sort();
    assert!(
        paths[0].ends_with("flows/a.asl.json") && paths[1].ends_with("flows/b.json"),
        "{paths:?}"
    );
    // A skipped directory named explicitly is linted.
    let o = run(&[
        "--format",
        "json",
        dir.join("node_modules").to_str().unwrap(),
    ]);
    assert_eq!(json_of(&o)["summary"]["files"], 1);
}

#[test]
fn default_path_is_the_current_directory() {
    let dir = scratch("default_dir");
    write(&dir, "m.asl.json", CLEAN);
    let o = bin()
        .current_dir(&dir)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(json_of(&o)["summary"]["files"], 1);
}

#[test]
fn rules_and_explain() {
    let o = run(&["rules"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    for rule in asl_lint::rules::RULES {
        let line = out
            .lines()
            .find(|l| l.starts_with(&format!("{} ", rule.id)))
            .unwrap_or_else(|| panic!("{} not listed", rule.id));
        assert!(
            line.contains(rule.severity.as_str()) && line.contains(rule.summary),
            "{line}"
        );
        if let Some(fix) = rule.fix {
            let expected = format!("fix ({}): {}", fix.applicability.as_str(), fix.summary);
            assert!(out.contains(&expected), "{} lacks `{expected}`", rule.id);
        }
    }
    let o = run(&["explain", "unknown-target"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).starts_with("# unknown-target\n"));
    let o = run(&["explain", "unknown-targte"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("did you mean 'unknown-target'"));
}

/// Each hostile input gives a located diagnostic and a normal exit, never a crash.
#[test]
fn adversarial_inputs_are_reported_not_crashed_on() {
    let dir = scratch("adversarial");
    let big_state = |i: usize| {
        format!(
            r#""S{i}": {{"Type": "Pass", "Result": {{"padding": "{}"}}, "Next": "S{}"}}"#,
            "x".repeat(120),
            i + 1
        )
    };
    let n = 120_000;
    let mut big = String::from(r#"{"StartAt": "S0", "States": {"#);
    for i in 0..n {
        big.push_str(&big_state(i));
        big.push(',');
    }
    big.push_str(&format!(r#""S{n}": {{"Type": "Succeed"}}}}}}"#));
    assert!(big.len() > 20_000_000);
    let long_name = "n".repeat(1000);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.asl.json", b"".to_vec(), "parse-error"),
        ("array.asl.json", b"[]".to_vec(), "schema"),
        ("null.asl.json", b"null".to_vec(), "schema"),
        ("truncated.asl.json", br#"{"StartAt": "A", "States": {"A": {"Type": "Su"#.to_vec(), "parse-error"),
        ("deep.asl.json", "[".repeat(100_000).into_bytes(), "parse-error"),
        ("latin1.asl.json", b"{\"Comment\": \"caf\xe9\", \"StartAt\": \"A\"}".to_vec(), "parse-error"),
        ("empty-name.asl.json", br#"{"StartAt": "", "States": {"": {"Type": "Succeed"}}}"#.to_vec(), "schema"),
        (
            "long-name.asl.json",
            format!(r#"{{"StartAt": "{long_name}", "States": {{"{long_name}": {{"Type": "Succeed"}}}}}}"#).into_bytes(),
            "state-name-too-long",
        ),
        ("big.asl.json", big.into_bytes(), ""),
    ];
    for (name, bytes, rule) in cases {
        let path = write(&dir, name, bytes);
        let o = run(&["--format", "json", path.to_str().unwrap()]);
        let doc = json_of(&o);
        let diags = doc["diagnostics"].as_array().unwrap();
        if rule.is_empty() {
            assert_eq!(o.status.code(), Some(0), "{name}: {diags:?}");
            continue;
        }
        assert_eq!(o.status.code(), Some(1), "{name}");
        let d = diags
            .iter()
            .find(|d| d["rule"] == rule)
            .unwrap_or_else(|| panic!("{name}: no {rule} in {diags:?}"));
        assert!(
            d["line"].as_u64().unwrap() >= 1 && d["column"].as_u64().unwrap() >= 1,
            "{name}"
        );
    }
}

#[test]
fn invalid_utf8_points_at_the_bad_byte() {
    let dir = scratch("utf8");
    let path = write(&dir, "bad.asl.json", b"{\n  \"Comment\": \"caf\xe9\"\n}");
    let doc = json_of(&run(&["--format", "json", path.to_str().unwrap()]));
    let d = &doc["diagnostics"][0];
    assert_eq!(d["rule"], "parse-error");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(2), Some(18))
    );
    assert!(d["message"].as_str().unwrap().contains("0xE9"));
}

#[test]
fn parse_errors_do_not_stop_other_files() {
    let dir = scratch("continue");
    let bad = write(&dir, "a.asl.json", r#"{"StartAt": "A",}"#);
    let good = write(&dir, "b.asl.json", CLEAN);
    let o = run(&[
        "--format",
        "json",
        bad.to_str().unwrap(),
        good.to_str().unwrap(),
    ]);
    let doc = json_of(&o);
    assert_eq!(doc["summary"]["files"], 2);
    let d = &doc["diagnostics"][0];
    assert_eq!(d["rule"], "parse-error");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(1), Some(17))
    );
    assert!(d["message"].as_str().unwrap().contains("trailing comma"));
}
