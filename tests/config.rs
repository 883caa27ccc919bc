//! Configuration end to end: `.asl-lint.toml` discovery, `--config`, severities, overrides,
//! `exclude`, mistakes in the file, `--select`, `--ignore`, `--workflow-type`, and the README's
//! example configuration.

mod common;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use common::write;

/// Waits 10 minutes: `express-duration` (a warning) in an EXPRESS workflow, clean otherwise.
const WAIT_600: &str =
    r#"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 600, "End": true}}}"#;
/// An unpinned Lambda: `unversioned-lambda` (warning) and `lambda-missing-retry` (info).
const LAMBDA: &str = r#"{"StartAt": "T", "States": {"T": {"Type": "Task",
  "Resource": "arn:aws:states:::lambda:invoke",
  "Parameters": {"FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:f"},
  "End": true}}}"#;
/// An activity without a timeout: `task-without-timeout` (warning), `activity-prefer-callback` (info).
const ACTIVITY: &str = r#"{"StartAt": "T", "States": {"T": {"Type": "Task",
  "Resource": "arn:aws:states:us-east-1:123456789012:activity:a", "End": true}}}"#;
/// Next names no state: `unknown-target` (error).
const BROKEN: &str = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nope"}}}"#;
const CLEAN: &str = r#"{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}"#;

fn bin(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_asl-lint"));
    cmd.current_dir(dir).env_remove("NO_COLOR");
    cmd
}

/// Runs the binary in `dir` with `--format json` first.
fn run_in(dir: &Path, args: &[&str]) -> Output {
    bin(dir)
        .arg("--format")
        .arg("json")
        .args(args)
        .output()
        .expect("binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json_of(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "not one JSON document: {e}\n{}\nstderr: {}",
            stdout(o),
            stderr(o)
        )
    })
}

/// `(path relative to the run's directory, rule, severity)` for every diagnostic, sorted.
fn findings(o: &Output) -> Vec<(String, String, String)> {
    let doc = json_of(o);
    let mut out: Vec<(String, String, String)> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let path = d["path"].as_str().unwrap().replace('\\', "/");
            let path = path.trim_start_matches("./").to_string();
            (
                path,
                d["rule"].as_str().unwrap().to_string(),
                d["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

fn f(path: &str, rule: &str, severity: &str) -> (String, String, String) {
    (path.to_string(), rule.to_string(), severity.to_string())
}

fn files_linted(o: &Output) -> u64 {
    json_of(o)["summary"]["files"].as_u64().unwrap()
}

/// A fresh directory under cargo's per-test scratch space.
fn scratch(name: &str) -> PathBuf {
    common::scratch(&format!("config/{name}"))
}

#[test]
fn the_nearest_configuration_above_a_file_applies() {
    let dir = scratch("walk_up");
    write(
        &dir,
        ".asl-lint.toml",
        "[rules]\nunversioned-lambda = \"error\"\n",
    );
    write(&dir, "a/b/c/lambda.asl.json", LAMBDA);
    // A nearer file wins outright: nothing is merged from the one above it.
    write(
        &dir,
        "other/.asl-lint.toml",
        "[rules]\nlambda-missing-retry = \"off\"\n",
    );
    write(&dir, "other/lambda.asl.json", LAMBDA);
    let o = run_in(&dir, &["."]);
    assert_eq!(
        findings(&o),
        [
            f("a/b/c/lambda.asl.json", "lambda-missing-retry", "info"),
            f("a/b/c/lambda.asl.json", "unversioned-lambda", "error"),
            f("other/lambda.asl.json", "unversioned-lambda", "warning"),
        ]
    );
    // Found from the file's directory, whatever the current directory: here the repository root.
    let o = bin(&common::root())
        .args(["--format", "json"])
        .arg(dir.join("a/b/c/lambda.asl.json"))
        .output()
        .unwrap();
    let doc = json_of(&o);
    let lambda = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "unversioned-lambda")
        .unwrap();
    assert_eq!(lambda["severity"], "error");
}

#[test]
fn severities_can_be_raised_lowered_and_turned_off() {
    let dir = scratch("severity");
    write(
        &dir,
        ".asl-lint.toml",
        r#"
[rules]
unversioned-lambda = "error"
lambda-missing-retry = "off"
[rules.task-without-timeout]
severity = "info"
[rules.activity-prefer-callback]
severity = "off"
"#,
    );
    write(&dir, "lambda.asl.json", LAMBDA);
    write(&dir, "activity.asl.json", ACTIVITY);
    let o = run_in(&dir, &[]);
    assert_eq!(
        findings(&o),
        [
            f("activity.asl.json", "task-without-timeout", "info"),
            f("lambda.asl.json", "unversioned-lambda", "error"),
        ]
    );
    assert_eq!(o.status.code(), Some(1));
    // Lowered to info, nothing fails the default --fail-on warning.
    write(&dir, "lambda.asl.json", CLEAN);
    assert_eq!(run_in(&dir, &[]).status.code(), Some(0));
}

#[test]
fn a_configured_severity_replaces_the_one_a_finding_sets_for_itself() {
    // In an EXPRESS workflow, a Distributed Map is a *warning* of an error rule.
    let distributed = r#"{"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
      "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
        "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}}}}"#;
    let severity_with = |config: &str| {
        let dir = scratch("finding_severity");
        write(&dir, ".asl-lint.toml", config);
        write(&dir, "map.asl.json", distributed);
        findings(&run_in(&dir, &[]))
            .into_iter()
            .find(|(_, rule, _)| rule == "express-unsupported-integration")
            .map(|(_, _, severity)| severity)
    };
    let express = "workflow_type = \"express\"\n";
    assert_eq!(severity_with(express).as_deref(), Some("warning"));
    assert_eq!(
        severity_with(&format!(
            "{express}[rules]\nexpress-unsupported-integration = \"info\"\n"
        ))
        .as_deref(),
        Some("info")
    );
    // Setting a rule's own default severity changes nothing.
    assert_eq!(
        severity_with(&format!(
            "{express}[rules]\nexpress-unsupported-integration = \"error\"\n"
        ))
        .as_deref(),
        Some("warning")
    );
}

#[test]
fn overrides_apply_by_glob_and_later_ones_win() {
    let dir = scratch("overrides");
    write(
        &dir,
        ".asl-lint.toml",
        r#"
[[overrides]]
files = ["flows/express/**", "jobs/{fast,quick}.asl.json"]
workflow_type = "express"

[[overrides]]
files = ["flows/express/batch"]
[overrides.rules]
express-duration = "error"
"#,
    );
    for path in [
        "flows/standard/wait.asl.json",
        "flows/express/wait.asl.json",
        "flows/express/batch/wait.asl.json",
        "jobs/fast.asl.json",
        "jobs/slow.asl.json",
    ] {
        write(&dir, path, WAIT_600);
    }
    let o = run_in(&dir, &[]);
    assert_eq!(
        findings(&o),
        [
            f(
                "flows/express/batch/wait.asl.json",
                "express-duration",
                "error"
            ),
            f("flows/express/wait.asl.json", "express-duration", "warning"),
            f("jobs/fast.asl.json", "express-duration", "warning"),
        ]
    );
    // Overrides match by path relative to the configuration, however the file is named.
    let o = run_in(&dir.join("flows/express"), &["wait.asl.json"]);
    assert_eq!(
        findings(&o),
        [f("wait.asl.json", "express-duration", "warning")]
    );
}

#[test]
fn workflow_type_from_the_command_line_beats_the_configuration() {
    let dir = scratch("workflow_type");
    write(&dir, ".asl-lint.toml", "workflow_type = \"express\"\n");
    write(&dir, "wait.asl.json", WAIT_600);
    assert_eq!(
        findings(&run_in(&dir, &[])),
        [f("wait.asl.json", "express-duration", "warning")]
    );
    assert_eq!(
        findings(&run_in(&dir, &["--workflow-type", "standard"])),
        []
    );
    // ... and beats overrides too.
    write(
        &dir,
        ".asl-lint.toml",
        "[[overrides]]\nfiles = [\"*.asl.json\"]\nworkflow_type = \"standard\"\n",
    );
    assert_eq!(
        findings(&run_in(&dir, &["--workflow-type", "express"])),
        [f("wait.asl.json", "express-duration", "warning")]
    );
}

/// Issue 20, point 10. Precedence of the workflow type, lowest first: the default, the top
/// level of `.asl-lint.toml`, the type a template declares, a matching `[[overrides]]` entry,
/// `--workflow-type`.
#[test]
fn a_template_beats_the_top_level_and_an_override_beats_the_template() {
    let dir = scratch("workflow_type_template");
    fs::create_dir_all(dir.join(".git")).unwrap();
    // Serverless says EXPRESS, for a machine inline and for one in its own file.
    write(
        &dir,
        "serverless.yml",
        "service: s\nstepFunctions:\n  stateMachines:\n    inline:\n      type: EXPRESS\n      definition:\n        StartAt: W\n        States:\n          W:\n            Type: Wait\n            Seconds: 600\n            End: true\n    nightly:\n      type: EXPRESS\n      definition: ${file(./nightly.asl.json)}\n",
    );
    write(&dir, "nightly.asl.json", WAIT_600);
    let both = [
        f("nightly.asl.json", "express-duration", "warning"),
        f("serverless.yml", "express-duration", "warning"),
    ];
    assert_eq!(findings(&run_in(&dir, &["."])), both);
    // The top level is a default for what no template declares.
    write(&dir, ".asl-lint.toml", "workflow_type = \"standard\"\n");
    assert_eq!(findings(&run_in(&dir, &["."])), both);
    // An override names the files: it beats the template, for the files it matches.
    write(
        &dir,
        ".asl-lint.toml",
        "workflow_type = \"standard\"\n[[overrides]]\nfiles = [\"serverless.yml\"]\nworkflow_type = \"standard\"\n",
    );
    assert_eq!(
        findings(&run_in(&dir, &["."])),
        [f("nightly.asl.json", "express-duration", "warning")]
    );
    write(
        &dir,
        ".asl-lint.toml",
        "[[overrides]]\nfiles = [\"*.asl.json\"]\nworkflow_type = \"standard\"\n",
    );
    assert_eq!(
        findings(&run_in(&dir, &["."])),
        [f("serverless.yml", "express-duration", "warning")]
    );
    // The command line beats them all.
    assert_eq!(
        findings(&run_in(&dir, &["--workflow-type", "express", "."])),
        both
    );
    assert_eq!(
        findings(&run_in(&dir, &["--workflow-type", "standard", "."])),
        []
    );
}

#[test]
fn exclude_skips_what_walking_finds_but_not_what_is_named() {
    let dir = scratch("exclude");
    write(
        &dir,
        ".asl-lint.toml",
        "exclude = [\"legacy/**\", \"**/*.generated.json\", \"scratch\"]\n",
    );
    write(&dir, "flows/a.asl.json", BROKEN);
    write(&dir, "flows/b.generated.json", BROKEN);
    write(&dir, "b.generated.json", BROKEN);
    write(&dir, "legacy/old.asl.json", BROKEN);
    write(&dir, "legacy/deep/old.asl.json", BROKEN);
    write(&dir, "legacy/deep/x.generated.json", BROKEN);
    write(&dir, "scratch/s.asl.json", BROKEN);
    let o = run_in(&dir, &[]);
    assert_eq!(
        findings(&o),
        [f("flows/a.asl.json", "unknown-target", "error")]
    );
    // Walking a subdirectory applies the same patterns, relative to the configuration.
    let o = run_in(&dir.join("flows"), &["."]);
    assert_eq!(files_linted(&o), 1);
    // A file named on the command line is linted even when excluded.
    let o = run_in(&dir, &["legacy/old.asl.json", "flows/b.generated.json"]);
    assert_eq!(files_linted(&o), 2);
    // So is a named directory; patterns that do not exclude the directory itself still apply
    // inside it.
    let o = run_in(&dir, &["legacy"]);
    assert_eq!(
        findings(&o),
        [
            f("legacy/deep/old.asl.json", "unknown-target", "error"),
            f("legacy/old.asl.json", "unknown-target", "error"),
        ]
    );
}

#[test]
fn an_explicit_config_is_used_for_every_file() {
    let dir = scratch("explicit");
    write(
        &dir,
        "flows/.asl-lint.toml",
        "[rules]\nunknown-target = \"info\"\n",
    );
    write(&dir, "flows/broken.asl.json", BROKEN);
    write(
        &dir,
        "ci/strict.toml",
        "[rules]\nunknown-target = \"off\"\n",
    );
    let o = run_in(&dir, &["flows"]);
    assert_eq!(
        findings(&o),
        [f("flows/broken.asl.json", "unknown-target", "info")]
    );
    // --config replaces the discovered file.
    let o = run_in(&dir, &["--config", "ci/strict.toml", "flows"]);
    assert_eq!(files_linted(&o), 1);
    assert_eq!(findings(&o), []);
    assert_eq!(o.status.code(), Some(0));
    // A missing or invalid --config is a usage error.
    let o = run_in(&dir, &["--config", "ci/missing.toml", "flows"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("cannot read configuration ci/missing.toml: no such file"),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).is_empty());
    write(&dir, "ci/bad.toml", "[rules]\nunknown-target = 3\n");
    let o = run_in(&dir, &["--config", "ci/bad.toml", "flows"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("ci/bad.toml:2:18: "), "{}", stderr(&o));
}

#[test]
fn standard_input_uses_the_current_directorys_configuration() {
    let dir = scratch("stdin");
    write(
        &dir,
        ".asl-lint.toml",
        "[rules]\nexpress-duration = \"error\"\n[[overrides]]\nfiles = [\"express/**\"]\nworkflow_type = \"express\"\n",
    );
    let lint_stdin = |args: &[&str]| {
        let mut child = bin(&dir)
            .args(["--format", "json"])
            .args(args)
            .arg("-")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(WAIT_600.as_bytes())
            .unwrap();
        findings(&child.wait_with_output().unwrap())
    };
    assert_eq!(lint_stdin(&[]), []);
    assert_eq!(
        lint_stdin(&["--workflow-type", "express"]),
        [f("<stdin>", "express-duration", "error")]
    );
    // Overrides are matched against --stdin-filename.
    assert_eq!(
        lint_stdin(&["--stdin-filename", "express/w.asl.json"]),
        [f("express/w.asl.json", "express-duration", "error")]
    );
}

/// Each mistake is reported with file, line, column and what is wrong; the run stops with
/// exit code 2 before linting anything.
#[test]
fn mistakes_in_the_file_are_located_and_stop_the_run() {
    let cases = [
        (
            "workflow_type = \"express\"\nexlude = [\"legacy/**\"]\n",
            ":2:1: unknown key 'exlude' at the top level (did you mean 'exclude'?)",
        ),
        (
            "[rules]\nunversioned-lambda = \"error\"\ntask-without-timout = \"off\"\n",
            ":3:1: unknown rule 'task-without-timout' in [rules] (did you mean 'task-without-timeout'?)",
        ),
        (
            "[rules.schema]\nseverity = \"fatal\"\n",
            ":2:12: invalid severity 'fatal': expected \"error\", \"warning\", \"info\" or \"off\"",
        ),
        (
            "[[overrides]]\nfiles = [\"a/**\"]\n[overrides.rules]\nno-dollar = \"warn\"\n",
            ":4:13: invalid severity 'warn'",
        ),
        (
            "[[overrides]]\nfiles = [\"a/**\"]\nseverity = \"off\"\n",
            ":3:1: unknown key 'severity' in [[overrides]]",
        ),
        (
            "workflow_type = express\n",
            ":1:17: invalid TOML: ",
        ),
        (
            "[rules]\nparse-error = \"off\"\n",
            ":2:1: parse-error cannot be configured",
        ),
    ];
    for (text, expected) in cases {
        let dir = scratch("mistakes");
        write(&dir, "sub/.asl-lint.toml", text);
        write(&dir, "sub/broken.asl.json", BROKEN);
        write(&dir, "fine/broken.asl.json", BROKEN);
        let o = bin(&dir).args(["--format", "json", "."]).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{text}");
        let err = stderr(&o);
        let wanted = format!(
            "error: {}{expected}",
            Path::new("sub").join(".asl-lint.toml").display()
        );
        assert!(
            err.contains(&wanted),
            "{text}\nwanted: {wanted}\ngot: {err}"
        );
        assert!(stdout(&o).is_empty(), "{text}: nothing is linted");
    }
    // Every mistake in a file is reported at once, in order.
    let dir = scratch("mistakes_all");
    write(
        &dir,
        ".asl-lint.toml",
        "workflow_type = \"fast\"\n[rules]\nschema = 1\n[[overrides]]\nworkflow_type = \"standard\"\n",
    );
    write(&dir, "clean.asl.json", CLEAN);
    let o = run_in(&dir, &[]);
    let lines: Vec<String> = stderr(&o).lines().map(str::to_string).collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(lines[0].starts_with("error: .asl-lint.toml:1:17: invalid workflow_type 'fast'"));
    assert!(lines[1].starts_with("error: .asl-lint.toml:3:10: the setting of rule 'schema'"));
    assert!(
        lines[2].starts_with("error: .asl-lint.toml:4:1: this [[overrides]] entry has no `files`")
    );
}

#[test]
fn select_and_ignore() {
    let dir = scratch("select");
    write(
        &dir,
        ".asl-lint.toml",
        "[rules]\nunversioned-lambda = \"error\"\nlambda-missing-retry = \"off\"\n",
    );
    write(&dir, "lambda.asl.json", LAMBDA);
    write(&dir, "broken.asl.json", BROKEN);
    write(&dir, "unparsable.asl.json", "{");
    // Only the selected rules run, at their configured severity; a rule the configuration
    // turns off runs when selected; parse-error always runs.
    let o = run_in(
        &dir,
        &["--select", "unversioned-lambda,lambda-missing-retry"],
    );
    assert_eq!(
        findings(&o),
        [
            f("lambda.asl.json", "lambda-missing-retry", "info"),
            f("lambda.asl.json", "unversioned-lambda", "error"),
            f("unparsable.asl.json", "parse-error", "error"),
        ]
    );
    let o = run_in(
        &dir,
        &[
            "--ignore",
            "unknown-target",
            "--ignore",
            "unversioned-lambda",
        ],
    );
    assert_eq!(
        findings(&o),
        [f("unparsable.asl.json", "parse-error", "error")]
    );
    // --ignore wins over --select.
    let o = run_in(
        &dir,
        &[
            "--select",
            "unknown-target,unversioned-lambda",
            "--ignore",
            "unknown-target",
        ],
    );
    assert_eq!(
        findings(&o),
        [
            f("lambda.asl.json", "unversioned-lambda", "error"),
            f("unparsable.asl.json", "parse-error", "error"),
        ]
    );
    for (args, message) in [
        (
            &["--select", "unknown-target,unversoned-lambda"][..],
            "error: unknown rule 'unversoned-lambda' in --select (did you mean 'unversioned-lambda'?)",
        ),
        (
            &["--ignore", "shcema"][..],
            "error: unknown rule 'shcema' in --ignore (did you mean 'schema'?)",
        ),
        (
            &["--ignore", "parse-error"][..],
            "error: parse-error cannot be turned off",
        ),
    ] {
        let o = run_in(&dir, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains(message), "{args:?}: {}", stderr(&o));
        assert!(stdout(&o).is_empty());
    }
}

/// The README's example configuration, run as the README describes it.
#[test]
fn the_readme_example_works_as_documented() {
    let readme = fs::read_to_string(common::root().join("README.md")).unwrap();
    let section = readme
        .split("<!-- config:start -->")
        .nth(1)
        .and_then(|s| s.split("<!-- config:end -->").next())
        .expect("README has the config markers");
    let example = section
        .split("```toml\n")
        .nth(1)
        .and_then(|s| s.split("```").next())
        .expect("the config section has a ```toml example");
    let dir = scratch("readme");
    write(&dir, ".asl-lint.toml", example);
    write(&dir, "flows/order.asl.json", LAMBDA);
    write(&dir, "flows/activity.asl.json", ACTIVITY);
    write(&dir, "flows/wait.asl.json", WAIT_600);
    write(&dir, "flows/express/wait.asl.json", WAIT_600);
    write(&dir, "flows/express/batch/wait.asl.json", WAIT_600);
    write(&dir, "flows/order.generated.json", BROKEN);
    write(&dir, "legacy/old.asl.json", BROKEN);
    let o = run_in(&dir, &[]);
    assert_eq!(
        findings(&o),
        [
            // activity.asl.json: task-without-timeout is off, activity-prefer-callback is not.
            f(
                "flows/activity.asl.json",
                "activity-prefer-callback",
                "info"
            ),
            // express/ is EXPRESS and raises express-duration to an error ...
            f("flows/express/wait.asl.json", "express-duration", "error"),
            // ... except batch/, where the later override turns it off.
            f("flows/order.asl.json", "lambda-missing-retry", "info"),
            f("flows/order.asl.json", "unversioned-lambda", "error"),
        ],
        "{}",
        stdout(&o)
    );
    // legacy/ and *.generated.json are excluded; flows/wait.asl.json is STANDARD and clean.
    assert_eq!(files_linted(&o), 5);
}
