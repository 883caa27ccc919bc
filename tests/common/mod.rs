//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use asl_lint::config::{LintOptions, WorkflowType};
use asl_lint::diagnostic::Diagnostic;
use asl_lint::lint::{lint_bytes, Selection};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Lints `text` as an explicitly named file.
pub fn lint_text(name: &str, text: &str, workflow_type: WorkflowType) -> Vec<Diagnostic> {
    let options = LintOptions {
        workflow_type,
        ..Default::default()
    };
    lint_bytes(name, text.as_bytes().to_vec(), Selection::Always, &options)
        .map(|r| r.diagnostics)
        .unwrap_or_default()
}

/// Lints a file; a name containing `.express.` is linted as an EXPRESS workflow.
pub fn lint_file(path: &Path) -> Vec<Diagnostic> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let name = path.display().to_string();
    let workflow_type = if name.contains(".express.") {
        WorkflowType::Express
    } else {
        WorkflowType::Standard
    };
    let options = LintOptions {
        workflow_type,
        ..Default::default()
    };
    lint_bytes(&name, bytes, Selection::Always, &options)
        .map(|r| r.diagnostics)
        .unwrap_or_default()
}

/// One line per diagnostic, the form `.expected` files hold. A definition carried in a
/// string has its pointer inside the definition after the file's: `pointer @ /States/A`.
pub fn describe(d: &Diagnostic) -> String {
    let mut pointer = if d.pointer.is_empty() {
        "(root)".to_string()
    } else {
        d.pointer.clone()
    };
    if let Some(inner) = &d.definition_pointer {
        pointer = format!("{pointer} @ {inner}");
    }
    format!(
        "{}:{} {} {} {} {}",
        d.start.line, d.start.column, d.severity, d.rule, pointer, d.message
    )
}

/// `UPDATE_EXPECT=1` rewrites every expectation; `UPDATE_EXPECT=a,b` only those fixture dirs.
pub fn updating() -> bool {
    std::env::var_os("UPDATE_EXPECT").is_some()
}

pub fn updating_dir(dir: &str) -> bool {
    match std::env::var("UPDATE_EXPECT") {
        Ok(v) if v == "1" => true,
        Ok(v) => v.split(',').any(|d| d == dir),
        Err(_) => false,
    }
}

/// A fresh, empty directory under cargo's per-test scratch space (`name` may have `/`).
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes `text` to `dir/rel`, creating directories; returns the path.
pub fn write(dir: &Path, rel: &str, text: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}

/// Says that a test is skipped, and why, where `cargo test` shows it: written to the process's
/// stderr, past the test harness's output capture (which swallows `eprintln!`).
pub fn skip(message: &str) {
    note(&format!("SKIPPED: {message}"));
}

/// A line about what a slow test is doing (installing a tool, building), shown as it happens.
pub fn note(message: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{message}");
}

/// A directory of shared test data: `$env` if set, else `root()/<default>`, when `probe` exists
/// in it. When it is missing the test is skipped, visibly (written past the test harness's
/// output capture), except under CI (`CI` set), where a silent pass would hide that the gate
/// did not run: there it fails.
pub fn shared_data(env: &str, default: &str, probe: &str) -> Option<PathBuf> {
    let dir = std::env::var_os(env)
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join(default));
    if dir.join(probe).exists() {
        return Some(dir);
    }
    let message = format!(
        "no test data at {} (expected {probe} in it; set {env} to point at it)",
        dir.display()
    );
    assert!(
        std::env::var_os("CI").is_none(),
        "CI is set but there is {message}"
    );
    skip(&message);
    None
}

/// The code block that follows `<!-- test: NAME -->` in the README: what the README tells users
/// to copy is what the tests run.
pub fn readme_block(name: &str) -> String {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let marker = format!("<!-- test: {name} -->");
    let after = &readme[readme
        .find(&marker)
        .unwrap_or_else(|| panic!("README has no {marker}"))..];
    let body = &after[after.find("```").unwrap()..];
    let body = &body[body.find('\n').unwrap() + 1..];
    body[..body.find("```").unwrap()].to_string()
}
