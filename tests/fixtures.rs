//! Fixture-driven rule tests. `fixtures/<rule-id>/bad-*.json` (or `.yaml`, `.tf`, for templates) must
//! make the rule fire and `good-*` must not; the rule's findings on each bad file must equal `<stem>.expected`
//! (message, severity, JSON pointer, line and column). `fixtures/sample/` is checked against
//! all rules. `UPDATE_EXPECT=1 cargo test --test fixtures` rewrites the .expected files
//! (`UPDATE_EXPECT=dir1,dir2` only those directories).

mod common;

use std::fs;
use std::path::Path;

use asl_lint::rules;
use common::{describe, lint_file, root, updating_dir};

#[test]
fn every_fixture_matches_its_expectation() {
    let mut failures = Vec::new();
    let mut checked = 0;
    let mut dirs: Vec<_> = fs::read_dir(root().join("fixtures"))
        .expect("fixtures/ exists")
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .collect();
    dirs.sort_by_key(|e| e.file_name());
    for dir in dirs {
        let name = dir.file_name().to_string_lossy().into_owned();
        let rule = if name == "sample" {
            None
        } else {
            match rules::find(&name) {
                Some(rule) => Some(rule.id),
                None => {
                    failures.push(format!("fixtures/{name}/ is not named after a rule"));
                    continue;
                }
            }
        };
        let mut files: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .collect();
        files.sort();
        for path in &files {
            let file = path.file_name().unwrap().to_string_lossy().into_owned();
            if file.ends_with(".expected") {
                let stem = file.trim_end_matches(".expected");
                if !files.iter().any(|p| {
                    p.file_stem().is_some_and(|s| s == stem)
                        && p.extension()
                            .is_some_and(|e| ["json", "yaml", "yml", "tf"].iter().any(|x| e == *x))
                }) {
                    failures.push(format!("{}: no fixture for it", path.display()));
                }
                continue;
            }
            checked += 1;
            check_fixture(path, rule, &file, &mut failures);
        }
    }
    assert!(checked > 0, "no fixtures found");
    assert!(
        failures.is_empty(),
        "{} fixture failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn check_fixture(path: &Path, rule: Option<&str>, file: &str, failures: &mut Vec<String>) {
    let lines: Vec<String> = lint_file(path)
        .iter()
        .filter(|d| rule.is_none_or(|r| d.rule == r))
        .map(describe)
        .collect();
    let expected_path = path.with_extension("expected");
    if file.starts_with("good-") {
        if !lines.is_empty() {
            failures.push(format!(
                "{}: expected no findings, got:\n  {}",
                path.display(),
                lines.join("\n  ")
            ));
        }
        return;
    }
    if rule.is_some() && !file.starts_with("bad-") {
        failures.push(format!(
            "{}: fixture names start with bad- or good-",
            path.display()
        ));
        return;
    }
    if rule.is_some() && lines.is_empty() {
        failures.push(format!(
            "{}: expected the rule to fire, it did not",
            path.display()
        ));
        return;
    }
    let actual = lines.join("\n") + "\n";
    let dir = path
        .parent()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if updating_dir(&dir) {
        fs::write(&expected_path, &actual).unwrap();
        return;
    }
    match fs::read_to_string(&expected_path) {
        Ok(expected) if expected == actual => {}
        Ok(expected) => failures.push(format!(
            "{}: findings differ from {}\n--- expected\n{expected}--- actual\n{actual}",
            path.display(),
            expected_path.display()
        )),
        Err(_) => failures.push(format!(
            "{}: missing {} (run UPDATE_EXPECT=1 cargo test --test fixtures)",
            path.display(),
            expected_path.display()
        )),
    }
}
