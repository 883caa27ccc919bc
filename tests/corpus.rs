//! Regression gate over real definitions from public AWS sample repositories
//! (`../shared/corpus`, or `ASL_LINT_CORPUS`): no crash, and no error-level diagnostic on
//! definitions AWS deploys, except the files listed in `KNOWN_INVALID` with the reason.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use asl_lint::diagnostic::Severity;
use common::{describe, lint_file, shared_data};

/// Corpus files that really are invalid, checked by hand: (path under asl/, rule, why).
const KNOWN_INVALID: &[(&str, &str, &str)] = &[(
    "step-functions-workflows-collection/shared-fallback-state-jsonata__statemachine__statemachine.asl.json",
    "schema",
    "\"QueryLanguage\": \"JSONata\" is written inside States, where every value must be a state object; \
     Step Functions rejects the definition (it belongs at the top level)",
)];

fn corpus_dir() -> Option<PathBuf> {
    shared_data("ASL_LINT_CORPUS", "../shared/corpus", "asl")
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

/// Templates (`templates/`, `other/`) in their repository layout, rebuilt from `index.tsv`, so
/// `DefinitionUri` paths resolve as they do in a checkout. Every state machine a template
/// declares must be linted or reported with its reason, and none may give a false error.
#[test]
fn corpus_templates_in_their_repository_layout() {
    use asl_lint::template::{self, Definition};

    let Some(corpus) = corpus_dir() else {
        return;
    };
    let index = std::fs::read_to_string(corpus.join("index.tsv"))
        .unwrap_or_else(|e| panic!("the corpus has no readable index.tsv: {e}"));
    let layout = Path::new(env!("CARGO_TARGET_TMPDIR")).join("corpus-layout");
    let _ = std::fs::remove_dir_all(&layout);
    let mut templates = Vec::new();
    for line in index.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [path, kind, repo, source] = cols[..] else {
            continue;
        };
        let target = layout.join(repo.rsplit('/').next().unwrap()).join(source);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(corpus.join(path), &target).unwrap();
        if !kind.starts_with("asl") {
            templates.push((kind.to_string(), target));
        }
    }
    // What each kind of file declares, counted in-process.
    let mut found: BTreeMap<String, [usize; 4]> = BTreeMap::new();
    let mut missing = Vec::new();
    for (kind, path) in &templates {
        let text = std::fs::read_to_string(path).unwrap();
        let parsed = if path.extension().is_some_and(|e| e == "json") {
            asl_lint::document::json::parse(&text)
        } else {
            asl_lint::document::yaml::parse(&text)
        };
        let document = parsed.unwrap_or_else(|e| panic!("{}: {}", path.display(), e.message));
        let machines = template::find(&document.root).unwrap_or_default();
        let counts = found.entry(kind.clone()).or_default();
        for m in &machines {
            let slot = match &m.definition {
                Definition::Object(_) => 0,
                Definition::Text { .. } => 1,
                Definition::File { path: rel, .. } => {
                    if !path.parent().unwrap().join(rel).is_file() {
                        missing.push(format!("{} ({}): {rel}", path.display(), m.name));
                    }
                    2
                }
                Definition::Unavailable { .. } => 3,
            };
            counts[slot] += 1;
        }
    }
    eprintln!("state machines per kind of file [in place, DefinitionString, referenced file, unreadable]: {found:?}");
    // The corpus left out referenced files it already holds under another name (exact duplicates).
    eprintln!(
        "{} referenced files are not in the corpus:\n{}",
        missing.len(),
        missing.join("\n")
    );

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .args(["--format", "json", "--fail-on", "never"])
        .arg(&layout)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut unexpected = Vec::new();
    let mut per_rule: BTreeMap<String, usize> = BTreeMap::new();
    for d in report["diagnostics"].as_array().unwrap() {
        let rule = d["rule"].as_str().unwrap();
        *per_rule.entry(rule.to_string()).or_default() += 1;
        if d["severity"] != "error" {
            continue;
        }
        let path = d["path"].as_str().unwrap();
        let known = KNOWN_INVALID_IN_LAYOUT
            .iter()
            .any(|(p, r, _)| path.ends_with(p) && *r == rule);
        if !known {
            unexpected.push(format!("{path}:{}: {rule} {}", d["line"], d["message"]));
        }
    }
    eprintln!(
        "files: {}, findings per rule: {per_rule:?}",
        report["summary"]["files"]
    );
    assert!(
        unexpected.is_empty(),
        "{} unexpected errors:\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
}

/// Files in the rebuilt layout that really are invalid: (path suffix, rule, why).
const KNOWN_INVALID_IN_LAYOUT: &[(&str, &str, &str)] = &[
    (
        "shared-fallback-state-jsonata/statemachine/statemachine.asl.json",
        "schema",
        "\"QueryLanguage\" is written inside States (see KNOWN_INVALID)",
    ),
    (
        "scatter-gather/out.yaml",
        "missing-permission",
        "the synthesized StateMachineRole has no policy at all, and nothing in the template \
         (no AWS::Lambda::Permission) lets it invoke the functions 'Get quote' names at run time",
    ),
    (
        "stateless-roundrobin/statemachine/statemachine.asl.json",
        "missing-permission",
        "the machine's SAM Policies are two LambdaInvokePolicy entries; its aws-sdk:sfn:listExecutions \
         Task needs states:ListExecutions, which nothing grants",
    ),
];
