//! Finding a named definition's templates (issue 19): the project roots users have, the scan
//! cache that spares reading every file, and that the findings never depend on the cache.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{scratch, write};
use serde_json::Value;

/// Runs the binary in `dir` with its own cache directory; the JSON report.
fn lint(dir: &Path, cache: &Path, args: &[&str]) -> Value {
    let o = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .args(["--format", "json", "--fail-on", "never"])
        .args(args)
        .current_dir(dir)
        .env("ASL_LINT_CACHE_DIR", cache)
        .output()
        .unwrap();
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

fn rules(report: &Value) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap().to_string())
        .collect()
}

fn template(workflow_type: &str) -> String {
    format!(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Approve:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Type: {workflow_type}\n      DefinitionUri: sm/approve.asl.json\n"
    )
}

const CALLBACK: &str = r#"{"StartAt": "Ask", "States": {"Ask": {"Type": "Task",
  "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
  "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
  "TimeoutSeconds": 60, "End": true}}}"#;

fn express_findings(report: &Value) -> usize {
    rules(report)
        .iter()
        .filter(|r| *r == "express-unsupported-integration")
        .count()
}

/// The cache never changes what is found: a cold cache, a warm one and none give the same
/// report, and every kind of change to the project is seen on the next run.
#[test]
fn the_cache_follows_every_change_and_never_changes_findings() {
    let dir = scratch("scan-cache/project");
    let cache = scratch("scan-cache/cache");
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    write(&dir, "template.yaml", template("EXPRESS"));
    write(&dir, "sm/approve.asl.json", CALLBACK);
    // Files the walk must look at: other templates, and JSON that is not a template.
    write(
        &dir,
        "other/template.yaml",
        template("STANDARD").replace("sm/approve", "sm/other"),
    );
    write(&dir, "package.json", r#"{"name": "approve.asl.json"}"#);
    let named = ["sm/approve.asl.json"];
    let cold = lint(&dir, &cache, &named);
    assert_eq!(express_findings(&cold), 1, "{cold}");
    assert!(
        std::fs::read_dir(&cache).unwrap().count() > 0,
        "a cache was written"
    );
    let warm = lint(&dir, &cache, &named);
    let none = lint(&dir, &cache, &["--no-cache", named[0]]);
    assert_eq!(cold, warm);
    assert_eq!(cold, none);

    // The template changes: the same size, so only the times tell.
    write(
        &dir,
        "template.yaml",
        template("STANDARD").replace("STANDARD", "EXPRES_"),
    );
    write(
        &dir,
        "template.yaml",
        template("EXPRESS").replace("EXPRESS", "STANDA"),
    );
    let changed = lint(&dir, &cache, &named);
    assert_eq!(express_findings(&changed), 0, "{changed}");
    assert_eq!(changed, lint(&dir, &cache, &["--no-cache", named[0]]));
    // A new template deploys it as EXPRESS; then it is deleted.
    write(
        &dir,
        "more/express.yaml",
        template("EXPRESS").replace("sm/", "../sm/"),
    );
    assert_eq!(express_findings(&lint(&dir, &cache, &named)), 1);
    std::fs::remove_file(dir.join("more/express.yaml")).unwrap();
    assert_eq!(express_findings(&lint(&dir, &cache, &named)), 0);
    // A file that was not a template becomes one.
    write(
        &dir,
        "package.json",
        r#"{"Resources": {"Approve": {"Type": "AWS::Serverless::StateMachine",
            "Properties": {"Type": "EXPRESS", "DefinitionUri": "sm/approve.asl.json"}}}}"#,
    );
    assert_eq!(express_findings(&lint(&dir, &cache, &named)), 1);
    // The whole project, with and without the cache.
    assert_eq!(
        lint(&dir, &cache, &["."]),
        lint(&dir, &cache, &["--no-cache", "."])
    );
}

/// The same on real repositories: every corpus definition named, among the corpus templates.
#[test]
fn corpus_findings_are_the_same_with_and_without_the_cache() {
    let Some(corpus) = common::shared_data("ASL_LINT_CORPUS", "../shared/corpus", "index.tsv")
    else {
        return;
    };
    let dir = scratch("scan-cache/corpus");
    let cache = scratch("scan-cache/corpus-cache");
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    let mut named: Vec<String> = Vec::new();
    for entry in walkdir::WalkDir::new(&corpus).into_iter().flatten() {
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(&corpus).unwrap();
        write(
            &dir,
            rel.to_str().unwrap(),
            std::fs::read(entry.path()).unwrap(),
        );
        if rel.starts_with("asl") {
            named.push(rel.to_string_lossy().into_owned());
        }
    }
    named.sort();
    let args: Vec<&str> = named.iter().map(String::as_str).collect();
    let cold = lint(&dir, &cache, &args);
    let warm = lint(&dir, &cache, &args);
    let mut without = vec!["--no-cache"];
    without.extend(&args);
    let none = lint(&dir, &cache, &without);
    assert!(cold["summary"]["files"].as_u64().unwrap() > 100);
    assert_eq!(cold, warm);
    assert_eq!(cold, none);
}

/// The cache is written outside the project, and a cache that cannot be written (or read) is
/// only a slower run.
#[test]
fn the_cache_stays_out_of_the_project() {
    let dir = scratch("scan-cache/outside");
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    write(&dir, "template.yaml", template("EXPRESS"));
    write(&dir, "sm/approve.asl.json", CALLBACK);
    let before: Vec<PathBuf> = walkdir::WalkDir::new(&dir)
        .into_iter()
        .flatten()
        .map(|e| e.into_path())
        .collect();
    // A cache directory that is a file: nothing can be written there.
    let blocked = write(&scratch("scan-cache/blocked"), "not-a-dir", "");
    let report = lint(&dir, &blocked, &["sm/approve.asl.json"]);
    assert_eq!(express_findings(&report), 1);
    let after: Vec<PathBuf> = walkdir::WalkDir::new(&dir)
        .into_iter()
        .flatten()
        .map(|e| e.into_path())
        .collect();
    assert_eq!(before, after);
}
