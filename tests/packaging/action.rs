//! action.yml's steps, run as GitHub's runner runs a composite action: each `run` in
//! `bash --noprofile --norc -eo pipefail`, `${{ inputs.* }}` and `${{ github.action_path }}`
//! substituted into the step's `env`, GITHUB_PATH additions put on PATH for the steps after,
//! GITHUB_OUTPUT read back, and the first failing step's exit code as the action's.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use asl_lint::document::{yaml, Node};

use crate::common;

pub struct Step {
    pub id: String,
    pub env: Vec<(String, String)>,
    pub run: String,
}

pub struct Action {
    pub inputs: BTreeMap<String, String>,
    pub steps: Vec<Step>,
}

fn string(node: &Node, key: &str) -> String {
    node.get(key)
        .and_then(Node::as_str)
        .unwrap_or_else(|| panic!("action.yml: {key} is not a string"))
        .to_string()
}

/// action.yml, read with asl-lint's own YAML reader.
pub fn load() -> Action {
    let text = std::fs::read_to_string(common::root().join("action.yml")).unwrap();
    let doc = yaml::parse(&text).expect("action.yml parses");
    let root = doc.root;
    let runs = root.get("runs").expect("runs");
    assert_eq!(string(runs, "using"), "composite");
    let mut inputs = BTreeMap::new();
    for member in root.get("inputs").and_then(Node::as_object).unwrap_or(&[]) {
        let default = member
            .value
            .get("default")
            .and_then(Node::as_str)
            .unwrap_or("")
            .to_string();
        inputs.insert(member.key.to_string(), default);
    }
    let steps = runs
        .get("steps")
        .and_then(Node::as_array)
        .expect("steps")
        .iter()
        .map(|step| {
            assert_eq!(string(step, "shell"), "bash", "every step runs in bash");
            assert!(step.get("if").is_none(), "conditions are not emulated");
            let run = string(step, "run");
            assert!(
                !run.contains("${{"),
                "expressions go through env, not into the script (script injection): {run}"
            );
            let env = step
                .get("env")
                .and_then(Node::as_object)
                .unwrap_or(&[])
                .iter()
                .map(|m| {
                    (
                        m.key.to_string(),
                        m.value.as_str().unwrap_or("").to_string(),
                    )
                })
                .collect();
            Step {
                id: string(step, "id"),
                env,
                run,
            }
        })
        .collect();
    Action { inputs, steps }
}

/// How to run it.
pub struct Run<'a> {
    /// The repository checked out: the steps' working directory.
    pub workspace: &'a Path,
    /// `with:` values; the others take action.yml's defaults.
    pub with: &'a [(&'a str, &'a str)],
    /// The runner's PATH before the action (GITHUB_PATH additions go in front).
    pub path: Vec<PathBuf>,
    /// Extra environment (pip pointed at the built wheel, HOME).
    pub env: Vec<(String, OsString)>,
    /// Steps to leave out, by id (ci_recipes.rs runs only the lint with the binary it built).
    pub skip: &'a [&'a str],
    /// RUNNER_TEMP.
    pub temp: &'a Path,
}

pub struct Outcome {
    /// The action's exit code: the first failing step's, else 0.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub outputs: BTreeMap<String, String>,
}

fn substitute(value: &str, inputs: &BTreeMap<String, String>, action_path: &Path) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find("}}").expect("closed expression") + start;
        let expr = rest[start + 3..end].trim();
        if let Some(name) = expr.strip_prefix("inputs.") {
            out.push_str(
                inputs
                    .get(name)
                    .unwrap_or_else(|| panic!("action.yml has no input {name}")),
            );
        } else if expr == "github.action_path" {
            out.push_str(&action_path.display().to_string());
        } else {
            panic!("expression not emulated: {expr}");
        }
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out
}

pub fn run(options: Run) -> Outcome {
    let action = load();
    let mut inputs = action.inputs.clone();
    for (name, value) in options.with {
        assert!(inputs.contains_key(*name), "action.yml has no input {name}");
        inputs.insert(name.to_string(), value.to_string());
    }
    let action_path = common::root();
    let files = options.temp.join("runner-files");
    std::fs::create_dir_all(&files).unwrap();
    let github_path = files.join("path");
    std::fs::write(&github_path, "").unwrap();
    let mut outcome = Outcome {
        code: Some(0),
        stdout: String::new(),
        stderr: String::new(),
        outputs: BTreeMap::new(),
    };
    for step in &action.steps {
        if options.skip.contains(&step.id.as_str()) {
            continue;
        }
        let script = files.join(format!("{}.sh", step.id));
        std::fs::write(&script, &step.run).unwrap();
        let output_file = files.join(format!("{}.out", step.id));
        std::fs::write(&output_file, "").unwrap();
        // GITHUB_PATH: the latest addition first, all before the runner's PATH.
        let added = std::fs::read_to_string(&github_path).unwrap();
        let mut path: Vec<PathBuf> = added.lines().rev().map(PathBuf::from).collect();
        path.extend(options.path.iter().cloned());
        let mut command = Command::new("bash");
        command
            .args(["--noprofile", "--norc", "-eo", "pipefail"])
            .arg(&script)
            .current_dir(options.workspace)
            .env_clear()
            .env("PATH", std::env::join_paths(&path).unwrap())
            .env("CI", "true")
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_WORKSPACE", options.workspace)
            .env("GITHUB_ACTION_PATH", &action_path)
            .env("GITHUB_PATH", &github_path)
            .env("GITHUB_OUTPUT", &output_file)
            .env("RUNNER_TEMP", options.temp);
        for (name, value) in &options.env {
            command.env(name, value);
        }
        for (name, value) in &step.env {
            command.env(name, substitute(value, &inputs, &action_path));
        }
        let output = command.output().expect("bash runs");
        outcome
            .stdout
            .push_str(&String::from_utf8_lossy(&output.stdout));
        outcome
            .stderr
            .push_str(&String::from_utf8_lossy(&output.stderr));
        for line in std::fs::read_to_string(&output_file).unwrap().lines() {
            if let Some((key, value)) = line.split_once('=') {
                outcome
                    .outputs
                    .insert(format!("{}.{key}", step.id), value.to_string());
            }
        }
        if !output.status.success() {
            outcome.code = output.status.code();
            break;
        }
    }
    outcome
}

/// The `with:` inputs of the step that uses the action (`uses: asl-lint/asl-lint@…`) in a
/// workflow written in the README.
pub fn readme_inputs(workflow: &str) -> Vec<(String, String)> {
    let mut lines = workflow
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("- uses: asl-lint/asl-lint@"))
        .skip(1);
    let Some(with) = lines.next().filter(|l| l.trim() == "with:") else {
        return Vec::new();
    };
    let indent = with.len() - with.trim_start().len();
    lines
        .take_while(|l| l.len() - l.trim_start().len() > indent)
        .filter_map(|l| l.trim().split_once(": "))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}
