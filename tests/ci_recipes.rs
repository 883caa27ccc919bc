//! The README's CI jobs: each lint they run (the GitHub job's action, the GitLab job's
//! `asl-lint` lines) is run here with the asl-lint just built, on a project with findings, and
//! its output is checked the way GitHub and GitLab read it. tests/dist.rs runs the same jobs
//! installing the built wheel, as the runners would.

mod common;
mod packaging;

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use common::readme_block;

/// The `asl-lint …` commands of a block, as argument lists.
fn commands(block: &str) -> Vec<Vec<String>> {
    block
        .lines()
        .filter_map(|l| {
            let l = l
                .trim()
                .trim_start_matches("- ")
                .trim_start_matches("run: ");
            l.strip_prefix("asl-lint ")
                .map(|rest| rest.split_whitespace().map(str::to_string).collect())
        })
        .collect()
}

fn project(name: &str) -> std::path::PathBuf {
    let dir = common::scratch(&format!("ci-recipes/{name}"));
    let sample =
        std::fs::read(common::root().join("fixtures/sample/order-workflow.asl.json")).unwrap();
    common::write(&dir, "flows/order.asl.json", sample);
    common::write(&dir, "package.json", r#"{"name": "x"}"#);
    dir
}

fn run(dir: &Path, args: &[String]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

/// The GitHub job runs the action (`uses: asl-lint/asl-lint@…`): its lint step is run here as
/// the runner runs it, with the `with:` inputs of the README and the asl-lint just built on
/// PATH. tests/dist.rs runs the whole action, installing the built wheel.
#[test]
fn github_actions_job_annotates_and_writes_valid_sarif() {
    let block = readme_block("github-actions");
    assert!(block.contains("github/codeql-action/upload-sarif"));
    assert!(
        commands(&block).is_empty(),
        "the job runs the action, not asl-lint: {block}"
    );
    let inputs = packaging::action::readme_inputs(&block);
    let with: Vec<(&str, &str)> = inputs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let dir = project("github");
    let temp = common::scratch("ci-recipes/github-runner");
    let binary_dir = Path::new(env!("CARGO_BIN_EXE_asl-lint")).parent().unwrap();
    let outcome = packaging::action::run(packaging::action::Run {
        workspace: &dir,
        with: &with,
        path: vec![binary_dir.to_path_buf(), "/usr/bin".into(), "/bin".into()],
        env: vec![],
        skip: &["install"],
        temp: &temp,
    });
    // Findings fail the step; the upload step runs anyway (`if: always()`).
    assert_eq!(outcome.code, Some(1), "{}", outcome.stderr);
    assert!(
        outcome
            .stdout
            .lines()
            .next()
            .is_some_and(|l| l.starts_with("::error file=flows/order.asl.json,line=")),
        "{}",
        outcome.stdout
    );
    let file = block
        .lines()
        .find_map(|l| l.trim().strip_prefix("sarif_file: "))
        .unwrap();
    assert!(
        with.contains(&("sarif-file", file)),
        "the action writes the file the upload step reads: {with:?}"
    );
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join(file)).unwrap()).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 6);
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "flows/order.asl.json"
    );
    if let Some(schemas) = common::shared_data(
        "ASL_LINT_SCHEMAS",
        "../shared/schemas",
        "sarif-schema-2.1.0.json",
    ) {
        let schema: Value = serde_json::from_str(
            &std::fs::read_to_string(schemas.join("sarif-schema-2.1.0.json")).unwrap(),
        )
        .unwrap();
        let validator = jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .unwrap();
        assert!(validator.is_valid(&sarif));
    }
}

#[test]
fn the_annotation_alternative_prints_workflow_commands() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let command = "asl-lint --format github .";
    assert!(readme.contains(&format!("`{command}`")));
    let args: Vec<String> = command
        .split_whitespace()
        .skip(1)
        .map(str::to_string)
        .collect();
    let o = run(&project("annotate"), &args);
    let out = String::from_utf8(o.stdout).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("::error file=flows/order.asl.json,line="),
        "{out}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("::warning file=")),
        "{out}"
    );
}

#[test]
fn gitlab_job_writes_a_code_quality_report() {
    let block = readme_block("gitlab-ci");
    let commands = commands(&block);
    assert_eq!(commands.len(), 1, "{block}");
    let dir = project("gitlab");
    let o = run(&dir, &commands[0]);
    assert_eq!(o.status.code(), Some(1));
    let file = block
        .lines()
        .find_map(|l| l.trim().strip_prefix("codequality: "))
        .unwrap();
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join(file)).unwrap()).unwrap();
    let issues = report.as_array().unwrap();
    assert_eq!(issues.len(), 6);
    for issue in issues {
        for key in ["description", "check_name", "fingerprint", "severity"] {
            assert!(issue[key].is_string(), "{key}: {issue}");
        }
        assert_eq!(issue["location"]["path"], "flows/order.asl.json");
        assert!(issue["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
    }
    let mut fingerprints: Vec<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    fingerprints.sort_unstable();
    fingerprints.dedup();
    assert_eq!(fingerprints.len(), issues.len(), "fingerprints are unique");
}
