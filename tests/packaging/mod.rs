//! Helpers for the tests of what users install: the artefacts `scripts/dist` builds into
//! target/dist/, a machine with no Rust on PATH, tools installed with pip under target/, and
//! the GitHub Action's steps run as the runner runs them.
#![allow(dead_code)]

pub mod action;

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

use crate::common;

pub const VERSION: &str = env!("CARGO_PKG_VERSION");
pub const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// Skips the calling test with a note that `cargo test` shows, except under CI (`CI` set),
/// where what is missing is a failure: .ci/run installs it.
pub fn skip(test: &str, why: &str) {
    assert!(
        std::env::var_os("CI").is_none(),
        "CI is set, but {test} cannot run: {why}"
    );
    let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {why}");
}

/// target/dist when it holds this version's wheel (built by `scripts/dist`, which .ci/run
/// runs before the tests); `None` after a visible skip. A note says so when the sources have
/// changed since it was built.
pub fn dist(test: &str) -> Option<PathBuf> {
    let dir = common::root().join("target/dist");
    let Some(wheel) = wheel_in(&dir) else {
        skip(
            test,
            &format!(
                "no asl-lint {VERSION} wheel in {}: run scripts/dist",
                dir.display()
            ),
        );
        return None;
    };
    let built = modified(&wheel);
    let root = common::root();
    let newer = [
        "src",
        "rules",
        "npm",
        "editors/vscode/src",
        "scripts",
        "Cargo.toml",
        "Cargo.lock",
    ]
    .iter()
    .filter_map(|p| newest(&root.join(p)))
    .any(|t| t > built);
    if newer {
        let _ = writeln!(
            std::io::stderr(),
            "NOTE {test}: target/dist is older than the sources; run scripts/dist to test what they build now"
        );
    }
    Some(dir)
}

fn modified(path: &Path) -> SystemTime {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .unwrap_or(SystemTime::UNIX_EPOCH)
}

fn newest(path: &Path) -> Option<SystemTime> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_dir() {
        return meta.modified().ok();
    }
    walkdir::WalkDir::new(path)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_type().is_file()
                && !e
                    .path()
                    .components()
                    .any(|c| c.as_os_str() == "node_modules")
        })
        .filter_map(|e| e.metadata().ok()?.modified().ok())
        .max()
}

pub fn wheel_in(dist: &Path) -> Option<PathBuf> {
    let prefix = format!("asl_lint-{VERSION}-");
    std::fs::read_dir(dist)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.starts_with(&prefix) && name.ends_with(".whl")
        })
}

/// A PATH made of `dirs` and the system's /usr/bin and /bin, asserted to hold no Rust
/// toolchain: what a Python or Node developer without Rust has.
pub fn path_without_rust(dirs: &[PathBuf]) -> OsString {
    let mut all: Vec<PathBuf> = dirs.to_vec();
    all.push("/usr/bin".into());
    all.push("/bin".into());
    for tool in ["cargo", "rustc", "rustup"] {
        for dir in &all {
            assert!(
                !dir.join(tool).exists(),
                "{} holds {tool}: this PATH is meant to have no Rust",
                dir.display()
            );
        }
    }
    std::env::join_paths(all).unwrap()
}

/// A command with a clean environment: PATH as given (see `path_without_rust`), HOME in the
/// scratch directory, none of cargo's or rustup's variables.
pub fn clean(program: impl AsRef<std::ffi::OsStr>, path: &OsString, home: &Path) -> Command {
    let mut command = Command::new(program);
    command
        .env_clear()
        .env("PATH", path)
        .env("HOME", home)
        .env("LANG", "C.UTF-8")
        .env("NO_COLOR", "1")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.invalid")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.invalid")
        .env("GIT_CONFIG_NOSYSTEM", "1");
    command
}

/// pip limited to the wheel in `dist`: no index, nothing else to find.
pub fn pip_offline(command: &mut Command, dist: &Path) {
    command
        .env("PIP_NO_INDEX", "1")
        .env("PIP_FIND_LINKS", dist)
        .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
        .env("PIP_NO_CACHE_DIR", "1");
}

/// A fresh virtual environment at `dir` (the machine's python3); returns its bin directory.
pub fn venv(dir: &Path) -> PathBuf {
    let _ = std::fs::remove_dir_all(dir);
    let status = Command::new("python3")
        .args(["-m", "venv"])
        .arg(dir)
        .status()
        .expect("python3 runs");
    assert!(status.success(), "python3 -m venv {}", dir.display());
    dir.join("bin")
}

/// A tool from PyPI in its own virtual environment under target/ (installed on first use, as
/// .ci/run does): the path of `exe`, or `None` after a visible skip.
pub fn pip_tool(test: &str, venv_name: &str, requirement: &str, exe: &str) -> Option<PathBuf> {
    let dir = common::root().join("target").join(venv_name);
    let bin = dir.join("bin").join(exe);
    if bin.exists() {
        return Some(bin);
    }
    let installed = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&dir)
        .status()
        .is_ok_and(|s| s.success())
        && Command::new(dir.join("bin/pip"))
            .args([
                "install",
                "--quiet",
                "--disable-pip-version-check",
                requirement,
            ])
            .status()
            .is_ok_and(|s| s.success());
    if installed && bin.exists() {
        return Some(bin);
    }
    skip(
        test,
        &format!("{requirement} could not be installed with pip"),
    );
    None
}

/// Output as one string, for messages.
pub fn text(output: &std::process::Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}--- stderr\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A project with the README's sample (five findings) under flows/, and files that are not
/// ours.
pub fn project(dir: &Path) {
    let sample =
        std::fs::read(common::root().join("fixtures/sample/order-workflow.asl.json")).unwrap();
    common::write(dir, "flows/order.asl.json", sample);
    common::write(
        dir,
        "package.json",
        r#"{"name": "app", "version": "1.0.0"}"#,
    );
}

pub const BROKEN: &str =
    r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}}"#;
pub const CLEAN: &str = r#"{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}"#;

/// What linting `BROKEN` must show: the rule and the message.
pub fn assert_broken_reported(output: &std::process::Output) {
    let all = text(output);
    assert_eq!(output.status.code(), Some(1), "{all}");
    assert!(all.contains("unknown-target"), "{all}");
    assert!(all.contains("Next of state 'A' names 'Nowhere'"), "{all}");
}
