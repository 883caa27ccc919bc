//! The pre-commit hook, run by the real `pre-commit` (installed with pip into a virtual
//! environment under target/) with the README's build-from-source `.pre-commit-config.yaml`
//! lines (the `language: rust` hook of this repository), against a
//! repository holding a broken definition, a clean one and files that are not ours.
//!
//! pre-commit builds asl-lint from this repository's committed HEAD (it clones the hook
//! repository), so uncommitted changes are not what it runs. The build reuses
//! target/precommit-build between runs.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

/// `pre-commit`, installed on first use; `None` (a visible skip, or a failure under CI) when it
/// cannot be installed here.
fn pre_commit() -> Option<PathBuf> {
    let venv = common::root().join("target/precommit-venv");
    let bin = venv.join("bin/pre-commit");
    if bin.exists() {
        return Some(bin);
    }
    let installed = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .status()
        .is_ok_and(|s| s.success())
        && Command::new(venv.join("bin/pip"))
            .args(["install", "--quiet", "pre-commit"])
            .status()
            .is_ok_and(|s| s.success());
    if installed {
        return Some(bin);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI is set but pre-commit could not be installed"
    );
    eprintln!("SKIPPED: pre-commit could not be installed with pip");
    None
}

fn git(dir: &Path, args: &[&str]) -> String {
    let o = Command::new("git")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap().trim().to_string()
}

#[test]
fn the_hook_fails_on_the_broken_definition_only() {
    let Some(pre_commit) = pre_commit() else {
        return;
    };
    let root = common::root();
    let head = git(&root, &["rev-parse", "HEAD"]);
    // The README's lines, pointed at this checkout.
    let config: String = common::readme_block("pre-commit-source")
        .lines()
        .map(|l| {
            if l.trim_start().starts_with("- repo:") {
                format!("  - repo: {}", root.display())
            } else if l.trim_start().starts_with("rev:") {
                format!("    rev: {head}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");

    let dir = common::scratch("precommit/repo");
    git(&dir, &["init", "-q"]);
    common::write(&dir, ".pre-commit-config.yaml", &config);
    common::write(
        &dir,
        "flows/broken.asl.json",
        r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}}"#,
    );
    common::write(
        &dir,
        "flows/clean.asl.json",
        r#"{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}"#,
    );
    common::write(
        &dir,
        "package.json",
        r#"{"name": "app", "version": "1.0.0"}"#,
    );
    // Terraform: pre-commit types `.tf` as `terraform`; a file without a machine is quiet.
    common::write(
        &dir,
        "infra/main.tf",
        "resource \"aws_sfn_state_machine\" \"flow\" {\n  definition = jsonencode({ StartAt = \"A\", States = { A = { Type = \"Pass\", Next = \"Gone\" } } })\n}\n",
    );
    common::write(
        &dir,
        "infra/network.tf",
        "resource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n",
    );
    common::write(
        &dir,
        "tsconfig.json",
        r#"{"compilerOptions": {"strict": true}}"#,
    );
    common::write(
        &dir,
        ".github/workflows/ci.yml",
        "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test\n",
    );
    git(&dir, &["add", "-A"]);

    let o = Command::new(&pre_commit)
        .current_dir(&dir)
        .args(["run", "--all-files", "--color", "never"])
        .env("PRE_COMMIT_HOME", root.join("target/precommit-home"))
        .env("CARGO_TARGET_DIR", root.join("target/precommit-build"))
        .output()
        .unwrap();
    let out = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("asl-lint") && out.contains("Failed"), "{out}");
    assert!(out.contains("flows/broken.asl.json"), "{out}");
    assert!(out.contains("infra/main.tf"), "{out}");
    assert!(out.contains("aws_sfn_state_machine.flow"), "{out}");
    assert!(out.contains("unknown-target"), "{out}");
    for quiet in [
        "clean.asl.json",
        "package.json",
        "tsconfig.json",
        "ci.yml",
        "network.tf",
    ] {
        assert!(!out.contains(quiet), "{quiet} was mentioned: {out}");
    }
}
