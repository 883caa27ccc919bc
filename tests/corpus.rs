//! Regression gate over real definitions from public AWS sample repositories
//! (`../shared/corpus`, or `ASL_LINT_CORPUS`): no crash, and no error-level diagnostic on
//! definitions AWS deploys, except the files listed in `KNOWN_INVALID` with the reason.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use asl_lint::diagnostic::Severity;
use common::{describe, lint_file, root};

/// Corpus files that really are invalid, checked by hand: (path under asl/, rule, why).
const KNOWN_INVALID: &[(&str, &str, &str)] = &[(
    "step-functions-workflows-collection/shared-fallback-state-jsonata__statemachine__statemachine.asl.json",
    "schema",
    "\"QueryLanguage\": \"JSONata\" is written inside States, where every value must be a state object; \
     Step Functions rejects the definition (it belongs at the top level)",
)];

fn corpus_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("ASL_LINT_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/corpus"));
    dir.join("asl").is_dir().then_some(dir)
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

#[test]
fn corpus_definitions_lint_without_false_errors() {
    let Some(corpus) = corpus_dir() else {
        eprintln!("skipping: no corpus at ../shared/corpus (set ASL_LINT_CORPUS to point at one)");
        return;
    };
    let asl = corpus.join("asl");
    let files = json_files(&asl);
    assert!(!files.is_empty(), "no .json files under {}", asl.display());
    let mut per_rule: BTreeMap<&str, usize> = BTreeMap::new();
    let mut unexpected = Vec::new();
    let mut known_seen = Vec::new();
    for path in &files {
        let rel = path
            .strip_prefix(&asl)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        for d in lint_file(path) {
            *per_rule.entry(d.rule).or_default() += 1;
            if d.severity < Severity::Error {
                continue;
            }
            if KNOWN_INVALID
                .iter()
                .any(|(p, r, _)| *p == rel && *r == d.rule)
            {
                known_seen.push((rel.clone(), d.rule));
                continue;
            }
            unexpected.push(format!("{rel}: {}", describe(&d)));
        }
    }
    eprintln!(
        "linted {} corpus definitions; findings per rule: {per_rule:?}",
        files.len()
    );
    for (p, r, _) in KNOWN_INVALID {
        assert!(
            known_seen.iter().any(|(kp, kr)| kp == p && kr == r),
            "KNOWN_INVALID entry {p} ({r}) no longer fires: remove it"
        );
    }
    assert!(
        unexpected.is_empty(),
        "{} unexpected errors on real definitions:\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
}
