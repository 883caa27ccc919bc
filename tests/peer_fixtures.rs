//! Agreement with the other ASL checkers: their labelled test files (`../shared/peer-fixtures`,
//! or `ASL_LINT_PEER_FIXTURES`) must get an error from asl-lint if and only if the label says
//! invalid, where `LABELS.md` corrects a label, the corrected one. Files under `unparseable/`
//! must get a parse-error. Prints the agreement per checker and every disagreement; fails when
//! any checker's agreement is under 97%.

mod common;

use std::collections::BTreeMap;

use asl_lint::diagnostic::Severity;
use common::{describe, lint_file, shared_data};

const REQUIRED: f64 = 0.97;

/// Files LABELS.md leaves "not judged": asl-validator's JSONata surround-syntax files, whose
/// strings are not exactly `{% … %}` (or are, without spaces). For Step Functions such a
/// string is a literal, or a valid expression (asl-facts.md §1.2: the pattern is
/// `^{%(.*)%}$`), so no error is right unless a source shows otherwise. They are listed with
/// what asl-lint says, and not counted.
const NOT_JUDGED: &[&str] = &[
    "asl-validator/invalid/invalid-json-surround-syntax-extra-spaces.json",
    "asl-validator/invalid/invalid-jsonata-surround-syntax-no-close.json",
    "asl-validator/invalid/invalid-jsonata-surround-syntax-no-open.json",
    "asl-validator/invalid/invalid-jsonata-surround-syntax-no-spaces.json",
];

/// The `| file | judged | why |` rows of LABELS.md: file → judged label.
fn corrections(labels: &str) -> BTreeMap<String, String> {
    labels
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            match cells[..] {
                ["", file, judged @ ("valid" | "invalid"), _, ""] => {
                    Some((file.to_string(), judged.to_string()))
                }
                _ => None,
            }
        })
        .collect()
}

#[test]
fn agreement_with_other_checkers_labels() {
    let Some(dir) = shared_data(
        "ASL_LINT_PEER_FIXTURES",
        "../shared/peer-fixtures",
        "index.tsv",
    ) else {
        return;
    };
    let index = std::fs::read_to_string(dir.join("index.tsv")).unwrap();
    let fixed = corrections(&std::fs::read_to_string(dir.join("LABELS.md")).unwrap_or_default());
    // checker → (agreeing, labelled)
    let mut tally: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut disagreements = Vec::new();
    let mut corrected_seen = 0;
    let mut unjudged = Vec::new();
    for line in index.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [path, label, parses, ..] = cols[..] else {
            continue;
        };
        // Only files a checker's own tests label count; the rest (unreferenced, filtered,
        // labelled by name only) say nothing about what is right.
        let label = match fixed.get(path) {
            Some(judged) => {
                corrected_seen += 1;
                judged.as_str()
            }
            None if matches!(label, "valid" | "invalid") => label,
            None => continue,
        };
        let checker = path.split('/').next().unwrap().to_string();
        let diagnostics = lint_file(&dir.join(path));
        let errors: Vec<_> = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        if NOT_JUDGED.contains(&path) {
            let said: Vec<String> = diagnostics.iter().map(describe).collect();
            unjudged.push(format!(
                "{path}: labelled {label} by its checker, not judged; asl-lint: {}",
                if said.is_empty() {
                    "nothing".to_string()
                } else {
                    said.join("; ")
                }
            ));
            continue;
        }
        let agrees = if parses == "no" || path.contains("/unparseable/") {
            errors.iter().any(|d| d.rule == "parse-error")
        } else {
            let has_error = !errors.is_empty();
            (label == "invalid") == has_error
        };
        let entry = tally.entry(checker).or_default();
        entry.1 += 1;
        if agrees {
            entry.0 += 1;
        } else if errors.is_empty() {
            disagreements.push(format!("{path}: labelled {label}, no error"));
        } else {
            let found: Vec<String> = errors.iter().map(|d| describe(d)).collect();
            disagreements.push(format!(
                "{path}: labelled {label}, but:\n    {}",
                found.join("\n    ")
            ));
        }
    }
    assert_eq!(
        corrected_seen,
        fixed.len(),
        "LABELS.md corrects files that index.tsv does not list"
    );
    let mut failing = Vec::new();
    for (checker, (agree, total)) in &tally {
        let share = *agree as f64 / *total as f64;
        eprintln!("{checker}: {agree}/{total} agree ({:.1}%)", share * 100.0);
        if share < REQUIRED {
            failing.push(checker.as_str());
        }
    }
    eprintln!(
        "{} disagreements:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
    eprintln!(
        "{} not judged (not counted):\n{}",
        unjudged.len(),
        unjudged.join("\n")
    );
    assert_eq!(
        unjudged.len(),
        NOT_JUDGED.len(),
        "a NOT_JUDGED file is missing"
    );
    assert!(
        failing.is_empty(),
        "agreement under {:.0}% for {failing:?}",
        REQUIRED * 100.0
    );
}
