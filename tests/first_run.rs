//! What a new user meets in the first minutes with the command line: standard input from an
//! editor, the paths reports show, a run that finds nothing, colour, "did you mean", and the
//! JSON report's layout.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use common::{scratch, write};

const CLEAN: &str = r#"{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}"#;
/// One warning: a Lambda invoked without a version.
const UNPINNED: &str = r#"{"StartAt": "Call", "States": {"Call": {"Type": "Task",
  "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", "End": true}}}"#;

/// The binary in `dir`, with no colour settings inherited from the environment.
fn bin(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_asl-lint"));
    cmd.current_dir(dir);
    for var in [
        "NO_COLOR",
        "FORCE_COLOR",
        "CLICOLOR_FORCE",
        "CLICOLOR",
        "TERM",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

fn run(dir: &Path, args: &[&str]) -> Output {
    bin(dir).args(args).output().expect("binary runs")
}

fn run_stdin(dir: &Path, args: &[&str], input: &str) -> Output {
    let mut child = bin(dir)
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
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A project of its own (a `.git` directory marks its root).
fn project(name: &str) -> std::path::PathBuf {
    let dir = scratch(&format!("first-run/{name}"));
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    dir
}

/// Point 1: an editor's on-save command pipes every file through standard input with its
/// name; a file that is not ours gets nothing, as it would if named.
#[test]
fn standard_input_goes_through_content_detection_when_named() {
    let dir = project("stdin");
    let o = run_stdin(
        &dir,
        &["--stdin-filename", "package.json", "-"],
        r#"{"name":"x"}"#,
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(!stdout(&o).contains("schema"), "{}", stdout(&o));
    // A name that says "definition" is always linted, as a named *.asl.json is.
    let o = run_stdin(
        &dir,
        &["--stdin-filename", "flow.asl.json", "-"],
        r#"{"name":"x"}"#,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("schema"), "{}", stdout(&o));
    // A definition under any name is linted.
    let o = run_stdin(
        &dir,
        &[
            "--stdin-filename",
            "package.json",
            "--format",
            "concise",
            "-",
        ],
        UNPINNED,
    );
    assert!(
        stdout(&o).contains("package.json:2:15: warning[unversioned-lambda]"),
        "{}",
        stdout(&o)
    );
    // Without a name there is nothing to decide by: what is piped in is linted.
    let o = run_stdin(&dir, &["-"], r#"{"name":"x"}"#);
    assert_eq!(o.status.code(), Some(1));
}

/// Point 2: `${file(./nightly.asl.json)}` is reported as `sls/nightly.asl.json`, not
/// `sls/./nightly.asl.json`, in every format, so GitHub attaches annotations to the diff.
#[test]
fn reported_paths_have_no_dot_components() {
    let dir = project("paths");
    write(
        &dir,
        "sls/serverless.yml",
        "service: s\nstepFunctions:\n  stateMachines:\n    nightly:\n      definition: ${file(./nightly.asl.json)}\n",
    );
    write(&dir, "sls/nightly.asl.json", UNPINNED);
    for (format, expected) in [
        ("concise", "sls/nightly.asl.json:2:15:"),
        ("github", "file=sls/nightly.asl.json,"),
        ("json", "\"path\": \"sls/nightly.asl.json\""),
        ("human", "[sls/nightly.asl.json:2:15]"),
    ] {
        for path in [
            "sls",
            "./sls",
            "sls/serverless.yml",
            "./sls/./serverless.yml",
        ] {
            let o = run(&dir, &["--format", format, path]);
            let out = stdout(&o);
            assert!(out.contains(expected), "{format} {path}: {out}");
            assert!(!out.contains("./"), "{format} {path}: {out}");
        }
    }
}

/// Point 3: a run that finds no state machine says so on stderr; `--error-on-empty` makes it
/// exit 2, for a CI gate that a mistyped path must not turn green.
#[test]
fn a_run_that_finds_no_state_machine_says_so() {
    let dir = project("empty");
    write(&dir, "src/package.json", r#"{"name": "x"}"#);
    write(&dir, "flows/order.asl.json", CLEAN);
    let o = run(&dir, &["src"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stderr(&o).contains("warning: no state machine found in src"),
        "{}",
        stderr(&o)
    );
    let o = run(&dir, &["--error-on-empty", "src"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("error: no state machine found in src"));
    // Standard input that is not ours counts as empty too.
    let o = run_stdin(
        &dir,
        &["--error-on-empty", "--stdin-filename", "package.json", "-"],
        "{}",
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    // A run that lints something is not empty, findings or not.
    let o = run(&dir, &["--error-on-empty", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stderr(&o).contains("no state machine"), "{}", stderr(&o));
    // A path that does not exist is its own error, without the warning.
    let o = run(&dir, &["nowhere"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!stderr(&o).contains("no state machine"), "{}", stderr(&o));
}

/// Point 4: `--color auto|always|never`, and the environment's `FORCE_COLOR`,
/// `CLICOLOR_FORCE` and `NO_COLOR` (stdout is a pipe here, so `auto` means no colour).
#[test]
fn colour_follows_the_flag_then_the_environment() {
    let dir = project("color");
    write(&dir, "flow.asl.json", UNPINNED);
    let coloured = |args: &[&str], env: &[(&str, &str)]| {
        let mut cmd = bin(&dir);
        cmd.args(args).arg("flow.asl.json");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = stdout(&cmd.output().unwrap());
        assert!(out.contains("unversioned-lambda"), "{out}");
        out.contains('\u{1b}')
    };
    assert!(!coloured(&[], &[]));
    assert!(coloured(&["--color", "always"], &[]));
    assert!(coloured(&["--color=always"], &[("NO_COLOR", "1")]));
    assert!(!coloured(&["--color", "never"], &[("FORCE_COLOR", "1")]));
    assert!(coloured(&[], &[("FORCE_COLOR", "1")]));
    assert!(coloured(&[], &[("CLICOLOR_FORCE", "1")]));
    assert!(!coloured(&[], &[("CLICOLOR_FORCE", "0")]));
    assert!(!coloured(&[], &[("FORCE_COLOR", "")]));
    // NO_COLOR is the user's standing wish: it beats FORCE_COLOR, not an explicit --color.
    assert!(!coloured(&[], &[("FORCE_COLOR", "1"), ("NO_COLOR", "1")]));
    assert!(!coloured(
        &["--color", "auto"],
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]
    ));
    // Other formats never colour.
    let mut cmd = bin(&dir);
    let o = cmd
        .args(["--color", "always", "--format", "concise", "flow.asl.json"])
        .output()
        .unwrap();
    assert!(!stdout(&o).contains('\u{1b}'));
    let help = stdout(&run(&dir, &["--help"]));
    for word in ["--color", "FORCE_COLOR", "CLICOLOR_FORCE", "NO_COLOR"] {
        assert!(
            help.contains(word),
            "--help does not mention {word}: {help}"
        );
    }
}

/// Point 5: a prefix of one rule id suggests it, wherever a rule id is typed; `asl-lint
/// version` prints the version.
#[test]
fn did_you_mean_for_prefixes_and_the_version_subcommand() {
    let dir = project("suggest");
    let o = run(&dir, &["explain", "catch-replace"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean 'catch-replaces-input'?"),
        "{}",
        stderr(&o)
    );
    let o = run(&dir, &["--select", "catch-replace", "."]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean 'catch-replaces-input'?"),
        "{}",
        stderr(&o)
    );
    let o = run(&dir, &["--ignore", "unversioned", "."]);
    assert!(
        stderr(&o).contains("did you mean 'unversioned-lambda'?"),
        "{}",
        stderr(&o)
    );
    // A prefix of several ids names none of them; a typo still gets its suggestion.
    let o = run(&dir, &["explain", "express"]);
    assert!(!stderr(&o).contains("did you mean"), "{}", stderr(&o));
    let o = run(&dir, &["explain", "unversioned-lamda"]);
    assert!(stderr(&o).contains("did you mean 'unversioned-lambda'?"));

    let o = run(&dir, &["version"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        format!("asl-lint {}\n", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(stderr(&o), "");
    // Neither is a near miss of a subcommand, which is not taken for a path.
    let o = run(&dir, &["verson"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean `asl-lint version`?"),
        "{}",
        stderr(&o)
    );
}

/// Point 12: the JSON report is indented consistently, the summary block included.
#[test]
fn the_json_report_is_indented_consistently() {
    let dir = project("json");
    write(&dir, "flow.asl.json", UNPINNED);
    let out = stdout(&run(&dir, &["--format", "json", "flow.asl.json"]));
    let value: Value = serde_json::from_str(&out).unwrap();
    // Exactly what serde_json's pretty printer writes for the same document.
    assert_eq!(out, serde_json::to_string_pretty(&value).unwrap() + "\n");
    let empty = stdout(&run_stdin(
        &dir,
        &[
            "--format",
            "json",
            "--stdin-filename",
            "clean.asl.json",
            "-",
        ],
        CLEAN,
    ));
    let value: Value = serde_json::from_str(&empty).unwrap();
    assert_eq!(empty, serde_json::to_string_pretty(&value).unwrap() + "\n");
}
