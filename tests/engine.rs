//! The engine through the command line: which named files are linted, the template context a
//! definition gets however it is reached, ignore files, special files, and the CI formats.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use common::{scratch, write};

fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .current_dir(dir)
        .args(args)
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .output()
        .expect("binary runs")
}

fn json_in(dir: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--format", "json", "--fail-on", "never"];
    all.extend_from_slice(args);
    let o = run_in(dir, &all);
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

/// (path, rule, line, machine) of every diagnostic whose path ends with `suffix`.
fn findings_for(report: &Value, suffix: &str) -> Vec<(String, String, u64, String)> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["path"].as_str().unwrap().ends_with(suffix))
        .map(|d| {
            (
                Path::new(d["path"].as_str().unwrap())
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                d["rule"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["machine"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

const BROKEN: &str = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nope"}}}"#;
const CLEAN: &str = r#"{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}"#;

/// A SAM project: an EXPRESS machine whose definition waits for a callback, runs a `.sync`
/// job and calls a function through a substitution that resolves to an unpinned ARN.
fn sam_project(name: &str) -> PathBuf {
    let dir = scratch(name);
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    write(
        &dir,
        "template.yaml",
        r#"Transform: AWS::Serverless-2016-10-31
Resources:
  Approve:
    Type: AWS::Serverless::StateMachine
    Properties:
      Type: EXPRESS
      DefinitionUri: sm/approve.asl.json
      DefinitionSubstitutions:
        RefundFunctionArn: !GetAtt Refund.Arn
  Refund:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
"#,
    );
    write(
        &dir,
        "sm/approve.asl.json",
        r#"{
  "StartAt": "Ask",
  "States": {
    "Ask": {
      "Type": "Task",
      "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
      "TimeoutSeconds": 60,
      "Next": "Build"
    },
    "Build": {
      "Type": "Task",
      "Resource": "arn:aws:states:::codebuild:startBuild.sync",
      "Parameters": {"ProjectName": "p"},
      "TimeoutSeconds": 60,
      "Next": "Refund"
    },
    "Refund": {
      "Type": "Task",
      "Resource": "arn:aws:states:::lambda:invoke",
      "Parameters": {"FunctionName": "${RefundFunctionArn}", "Payload.$": "$"},
      "TimeoutSeconds": 60,
      "End": true
    }
  }
}
"#,
    );
    write(&dir, "package.json", r#"{"name": "app"}"#);
    dir
}

#[test]
fn a_definition_gets_its_templates_context_however_it_is_named() {
    let dir = sam_project("engine/context");
    let whole = findings_for(&json_in(&dir, &["."]), "approve.asl.json");
    let rules: Vec<&str> = whole.iter().map(|f| f.1.as_str()).collect();
    // Callback and .sync in an Express workflow, and the substituted ARN is unpinned.
    assert_eq!(
        rules
            .iter()
            .filter(|r| **r == "express-unsupported-integration")
            .count(),
        2,
        "{whole:?}"
    );
    assert!(rules.contains(&"unversioned-lambda"), "{whole:?}");
    assert!(whole.iter().all(|f| f.3 == "Approve"), "{whole:?}");
    // The same findings when the file or its folder is named, or named from elsewhere.
    assert_eq!(
        findings_for(&json_in(&dir, &["sm/approve.asl.json"]), "approve.asl.json"),
        whole
    );
    assert_eq!(
        findings_for(&json_in(&dir, &["sm"]), "approve.asl.json"),
        whole
    );
    let from_above = json_in(dir.parent().unwrap(), &["context/sm/approve.asl.json"]);
    assert_eq!(findings_for(&from_above, "approve.asl.json"), whole);
    let report = json_in(&dir, &["sm/approve.asl.json"]);
    assert_eq!(report["summary"]["files"], 1);
    assert_eq!(report["summary"]["machines"], 1);
}

#[test]
fn named_files_go_through_content_detection() {
    let dir = scratch("engine/named");
    write(
        &dir,
        "package.json",
        r#"{"name": "app", "version": "1.0.0"}"#,
    );
    write(
        &dir,
        "tsconfig.json",
        r#"{"compilerOptions": {"strict": true}}"#,
    );
    write(&dir, ".pre-commit-config.yaml", "repos: []\n");
    write(&dir, ".github/workflows/ci.yml", "on: push\njobs: {}\n");
    write(&dir, "notes.txt", "StartAt");
    write(&dir, "flow.json", BROKEN);
    write(&dir, "broken.asl.json", "{not json");
    let quiet = run_in(
        &dir,
        &[
            "package.json",
            "tsconfig.json",
            ".pre-commit-config.yaml",
            ".github/workflows/ci.yml",
            "notes.txt",
        ],
    );
    assert_eq!(
        quiet.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&quiet.stdout)
    );
    assert!(String::from_utf8_lossy(&quiet.stdout)
        .ends_with("0 errors, 0 warnings in 0 files (0 state machines)\n"));
    // A definition is recognised by content; *.asl.json is always linted, broken or not.
    let report = json_in(&dir, &["package.json", "flow.json", "broken.asl.json"]);
    let rules: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    // In path order, not the order given.
    assert_eq!(rules, ["parse-error", "unknown-target"]);
    assert_eq!(report["summary"]["files"], 2);
}

#[test]
fn standard_input_is_json_or_yaml_by_its_first_byte() {
    let lint_stdin = |input: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
            .args(["--format", "concise", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap()
    };
    let yaml = lint_stdin("StartAt: A\nStates:\n  A:\n    Type: Pass\n    Next: Nope\n");
    assert!(
        yaml.starts_with("<stdin>:5:11: error[unknown-target]"),
        "{yaml}"
    );
    let json = lint_stdin(&format!("\n  {BROKEN}"));
    assert!(json.starts_with("<stdin>:2:"), "{json}");
    assert!(json.contains("error[unknown-target]"), "{json}");
}

#[test]
fn ignore_files_are_respected_and_named_files_are_not_ignored() {
    let dir = scratch("engine/ignore");
    write(&dir, ".gitignore", "generated/\n*.tmp.json\n");
    write(&dir, "generated/flow.asl.json", BROKEN);
    write(&dir, "scratch.tmp.json", BROKEN);
    write(&dir, "flows/ok.asl.json", CLEAN);
    let report = json_in(&dir, &["."]);
    assert_eq!(report["summary"]["files"], 1, "{report:#}");
    assert!(report["diagnostics"].as_array().unwrap().is_empty());
    // Named explicitly, an ignored file is linted.
    let report = json_in(&dir, &["generated/flow.asl.json"]);
    assert_eq!(report["diagnostics"][0]["rule"], "unknown-target");
}

#[cfg(unix)]
#[test]
fn special_files_are_reported_and_the_run_goes_on() {
    let dir = scratch("engine/special");
    write(&dir, "a.asl.json", BROKEN);
    let fifo = dir.join("pipe.asl.json");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let o = run_in(
        &dir,
        &[
            "--format",
            "json",
            "pipe.asl.json",
            "/dev/zero",
            "a.asl.json",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("cannot read pipe.asl.json: not a regular file (a FIFO)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("cannot read /dev/zero: not a regular file (a device)"),
        "{stderr}"
    );
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["diagnostics"][0]["rule"], "unknown-target");
    // Walking never opens a FIFO either.
    let o = run_in(&dir, &["--format", "json", "."]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn files_over_the_size_limit_are_a_located_finding() {
    let dir = scratch("engine/size");
    write(&dir, "big.asl.json", BROKEN);
    let o = run_in(
        &dir,
        &["--format", "json", "--max-file-size", "10", "big.asl.json"],
    );
    assert_eq!(o.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    let d = &report["diagnostics"][0];
    assert_eq!(d["rule"], "parse-error");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(1), Some(1))
    );
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("over the 10-byte limit"),
        "{d}"
    );
}

#[test]
fn template_references_to_non_files_say_what_they_are() {
    let dir = scratch("engine/refs");
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    std::fs::create_dir_all(dir.join("sm")).unwrap();
    write(
        &dir,
        "template.yaml",
        "Resources:\n  Dir:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: sm\n  Self:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: template.yaml\n",
    );
    let report = json_in(&dir, &["template.yaml"]);
    let messages: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert!(
        messages.iter().any(|m| m.contains("\"sm\" is a directory")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("names the template itself")),
        "{messages:?}"
    );
}

#[test]
fn a_mistyped_subcommand_gets_a_did_you_mean() {
    let o = run_in(Path::new(env!("CARGO_MANIFEST_DIR")), &["explian", "x"]);
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("did you mean `asl-lint explain`?"),
        "{stderr}"
    );
}

#[test]
fn help_lists_exit_codes_and_examples() {
    let o = run_in(Path::new(env!("CARGO_MANIFEST_DIR")), &["--help"]);
    let help = String::from_utf8_lossy(&o.stdout);
    for needle in [
        "Exit codes:",
        "  2  usage error",
        "Examples:",
        "--format sarif",
    ] {
        assert!(help.contains(needle), "{needle}: {help}");
    }
}

#[test]
fn output_file_gets_the_report_and_the_terminal_the_summary() {
    let dir = scratch("engine/output");
    write(&dir, "a.asl.json", BROKEN);
    let o = run_in(
        &dir,
        &[
            "--format",
            "sarif",
            "--output-file",
            "out/report.sarif",
            "a.asl.json",
        ],
    );
    // The directory does not exist: a usage error, nothing half-written.
    assert_eq!(o.status.code(), Some(2));
    let o = run_in(
        &dir,
        &[
            "--format",
            "sarif",
            "--output-file",
            "report.sarif",
            "a.asl.json",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "1 error, 0 warnings in 1 file (1 state machine)\n"
    );
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("report.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["runs"][0]["results"][0]["ruleId"], "unknown-target");
}

#[test]
fn concise_github_and_gitlab_formats() {
    let dir = scratch("engine/formats");
    write(&dir, "a, b: c.asl.json", BROKEN);
    write(&dir, "ok.asl.json", CLEAN);
    let concise = run_in(&dir, &["--format", "concise", "."]);
    assert_eq!(
        String::from_utf8_lossy(&concise.stdout).lines().next().unwrap(),
        "a, b: c.asl.json:1:59: error[unknown-target] Next of state 'A' names 'Nope', but there is no state with that name in the top-level States"
    );
    let github = run_in(&dir, &["--format", "github", "."]);
    let line = String::from_utf8_lossy(&github.stdout)
        .lines()
        .next()
        .unwrap()
        .to_string();
    assert!(
        line.starts_with("::error file=a%2C b%3A c.asl.json,line=1,col=59,endLine=1,endColumn=65,title=unknown-target::Next of state 'A'"),
        "{line}"
    );
    let gitlab = run_in(&dir, &["--format", "gitlab", "."]);
    let issues: Value = serde_json::from_slice(&gitlab.stdout).unwrap();
    assert_eq!(issues.as_array().unwrap().len(), 1);
    assert_eq!(issues[0]["location"]["path"], "a, b: c.asl.json");
}

#[test]
fn reports_come_in_path_order() {
    let dir = scratch("engine/order");
    for i in 0..60 {
        write(&dir, &format!("f{i:02}.asl.json"), BROKEN);
    }
    let report = json_in(&dir, &["."]);
    let paths: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted);
    assert_eq!(paths.len(), 60);
}

/// `sam init` makes a project with `samconfig.toml` and no `.git`; the Serverless Framework,
/// the CDK and Terraform leave their own files at the top. Each marks the project, so a
/// definition named alone still finds the template one level up. Without any, the project is
/// the file's own folder and the template is out of sight.
#[test]
fn project_roots_that_users_have() {
    let context = sam_project("engine/roots-model");
    for marker in [
        Some("samconfig.toml"),
        Some("serverless.yml"),
        Some("cdk.json"),
        Some("main.tf"),
        None,
    ] {
        // Outside this repository, so no `.git` above takes over.
        let dir = std::env::temp_dir().join(format!(
            "asl-lint-roots-{}-{}",
            std::process::id(),
            marker.unwrap_or("none")
        ));
        let _ = std::fs::remove_dir_all(&dir);
        for file in ["template.yaml", "sm/approve.asl.json"] {
            write(&dir, file, std::fs::read(context.join(file)).unwrap());
        }
        if let Some(marker) = marker {
            write(&dir, marker, "");
        }
        let found = findings_for(&json_in(&dir, &["sm/approve.asl.json"]), "approve.asl.json");
        let express = found
            .iter()
            .filter(|f| f.1 == "express-unsupported-integration")
            .count();
        assert_eq!(
            express,
            if marker.is_some() { 2 } else { 0 },
            "{marker:?}: {found:?}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

/// A repository whose services are projects of their own (`.git` at the top, a `samconfig.toml`
/// in each service) and which has files of its own at the top: each template is indexed once,
/// so a definition gets each context once, whether the repository, or the definition with a
/// top-level file, is named.
#[test]
fn a_project_inside_another_gives_its_context_once() {
    let context = sam_project("engine/nested-model");
    let dir = scratch("engine/nested");
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    write(&dir, "package.json", r#"{"name": "services"}"#);
    write(&dir, "svc/samconfig.toml", "version = 0.1\n");
    for file in ["template.yaml", "sm/approve.asl.json"] {
        write(
            &dir.join("svc"),
            file,
            std::fs::read(context.join(file)).unwrap(),
        );
    }
    for args in [
        &["--no-cache", "."][..],
        &["--no-cache", "package.json", "svc/sm/approve.asl.json"],
        &["package.json", "svc/sm/approve.asl.json"],
    ] {
        let found = findings_for(&json_in(&dir, args), "approve.asl.json");
        let express = found
            .iter()
            .filter(|f| f.1 == "express-unsupported-integration")
            .count();
        assert_eq!(express, 2, "{args:?}: {found:?}");
    }
}
