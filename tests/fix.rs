//! Fixes end to end: each fix on before/after fixtures (JSON, YAML and templates), the result
//! re-linted clean of what was fixed and byte-identical outside the edits, idempotence, and a
//! `--fix` run over the corpus.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use asl_lint::config::LintOptions;
use asl_lint::diagnostic::Diagnostic;
use asl_lint::fix::{fix_text, Outcome};
use asl_lint::lint::{lint_bytes, Selection};
use common::root;

fn lint(name: &str, text: &str) -> Vec<Diagnostic> {
    lint_bytes(
        name,
        text.as_bytes().to_vec(),
        Selection::Always,
        &LintOptions::default(),
    )
    .map(|r| r.diagnostics)
    .unwrap_or_default()
}

fn fix(name: &str, text: &str, unsafe_fixes: bool) -> Outcome {
    fix_text(text, lint(name, text), unsafe_fixes, |t| lint(name, t))
}

type Place = (&'static str, Option<String>, Option<String>);

fn places(diagnostics: &[Diagnostic]) -> HashMap<Place, usize> {
    let mut out = HashMap::new();
    for d in diagnostics {
        *out.entry((d.rule, d.machine.clone(), d.state.clone()))
            .or_insert(0) += 1;
    }
    out
}

/// What every fixed text must satisfy, checked independently of the fixer's own bookkeeping:
/// it parses when the input did, and each place a fix was applied to has lost that finding.
fn check_outcome(name: &str, before: &[Diagnostic], out: &Outcome) -> Vec<String> {
    let mut problems = Vec::new();
    let after = lint(name, &out.text);
    let parsed = |ds: &[Diagnostic]| !ds.iter().any(|d| d.rule == "parse-error");
    if parsed(before) && !parsed(&after) {
        problems.push(format!("{name}: the fixed text does not parse"));
    }
    let (had, has) = (places(before), places(&after));
    let mut claimed: HashMap<Place, usize> = HashMap::new();
    for a in &out.applied {
        *claimed
            .entry((a.rule, a.machine.clone(), a.state.clone()))
            .or_insert(0) += 1;
    }
    for (place, fixed) in &claimed {
        let h = had.get(place).copied().unwrap_or(0);
        let now = has.get(place).copied().unwrap_or(0);
        if now + fixed > h {
            problems.push(format!(
                "{name}: {place:?} had {h}, {fixed} fixed, still {now}"
            ));
        }
    }
    for (place, now) in &has {
        if *now > had.get(place).copied().unwrap_or(0) {
            problems.push(format!("{name}: a finding was added at {place:?}"));
        }
    }
    problems
}

fn corpus_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("ASL_LINT_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/corpus"));
    dir.join("asl").is_dir().then_some(dir)
}

#[test]
fn corpus_fixes_keep_files_parseable_and_remove_what_they_claim() {
    let Some(corpus) = corpus_dir() else {
        eprintln!("skipping: no corpus at ../shared/corpus (set ASL_LINT_CORPUS to point at one)");
        return;
    };
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(&corpus)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e == "json" || e == "yaml" || e == "yml")
        })
        .collect();
    files.sort();
    let mut problems = Vec::new();
    // (applied, rejected) per rule, for safe fixes and for safe and unsafe fixes.
    let mut per_rule: BTreeMap<(bool, &str), (usize, usize)> = BTreeMap::new();
    let mut changed = 0;
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let name = path.display().to_string();
        let before = lint(&name, &text);
        for unsafe_fixes in [false, true] {
            let out = fix_text(&text, before.clone(), unsafe_fixes, |t| lint(&name, t));
            problems.extend(check_outcome(&name, &before, &out));
            let again = fix_text(&out.text, out.diagnostics.clone(), unsafe_fixes, |t| {
                lint(&name, t)
            });
            if again.text != out.text {
                problems.push(format!("{name}: a second --fix changed the text again"));
            }
            changed += usize::from(out.changed() && !unsafe_fixes);
            for a in &out.applied {
                per_rule.entry((unsafe_fixes, a.rule)).or_default().0 += 1;
            }
            for r in &out.rejected {
                per_rule.entry((unsafe_fixes, r.rule)).or_default().1 += 1;
            }
            if std::env::var_os("SHOW_FIXES").is_some() {
                eprint!("{}", asl_lint::fix::unified_diff(&name, &text, &out.text));
            }
        }
    }
    eprintln!(
        "corpus --fix: {} files, {changed} changed; applied (rejected) per rule:",
        files.len()
    );
    for ((unsafe_fixes, rule), (applied, rejected)) in &per_rule {
        let with = if *unsafe_fixes {
            " with --unsafe-fixes"
        } else {
            ""
        };
        eprintln!("  {rule}{with}: {applied} ({rejected})");
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `tests/fix/<case>.<ext>` fixed must equal `<case>.fixed.<ext>` (`UPDATE_EXPECT=fix` rewrites
/// them: review the diff). A case named `<rule>…` must have applied at least one fix of that rule
/// and leave no finding of it that still offers a fix (findings without one, such as a rename
/// onto a key that exists, are in the snapshot); `.unsafe.` in the name allows unsafe fixes.
#[test]
fn each_fix_gives_its_expected_text() {
    let dir = root().join("tests/fix");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| !p.to_string_lossy().contains(".fixed."))
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 10,
        "fix cases are missing from {}",
        dir.display()
    );
    let mut failures = Vec::new();
    for path in &cases {
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let (stem, ext) = file.rsplit_once('.').unwrap();
        let expected_path = dir.join(format!("{stem}.fixed.{ext}"));
        let name = format!("tests/fix/{file}");
        let text = read(path);
        let unsafe_fixes = file.contains(".unsafe.");
        let before = lint(&name, &text);
        let out = fix(&name, &text, unsafe_fixes);
        failures.extend(check_outcome(&name, &before, &out));
        let again = fix(&name, &out.text, unsafe_fixes);
        if again.text != out.text {
            failures.push(format!("{name}: fixing twice changed the text again"));
        }
        let case = stem.split('.').next().unwrap();
        if let Some(rule) = asl_lint::rules::RULES
            .iter()
            .map(|r| r.id)
            .find(|id| case == *id || case.starts_with(&format!("{id}-")))
        {
            let gated = rule == "catch-replaces-input" && !unsafe_fixes;
            let applied = out.applied.iter().any(|a| a.rule == rule);
            if gated == applied {
                failures.push(format!("{name}: {rule} fixes applied: {applied}"));
            }
            let left: Vec<String> = out
                .diagnostics
                .iter()
                .filter(|d| d.rule == rule && !gated)
                .filter(|d| {
                    d.fix
                        .as_ref()
                        .is_some_and(|f| asl_lint::fix::allowed(f, unsafe_fixes))
                })
                .map(|d| format!("{}:{} {}", d.start.line, d.start.column, d.message))
                .collect();
            if !left.is_empty() {
                failures.push(format!(
                    "{name}: {rule} still fires:\n  {}",
                    left.join("\n  ")
                ));
            }
        }
        if common::updating_dir("fix") {
            std::fs::write(&expected_path, &out.text).unwrap();
            continue;
        }
        match std::fs::read_to_string(&expected_path) {
            Ok(expected) if expected == out.text => {}
            Ok(expected) => failures.push(format!(
                "{name}: fixed text differs from {}:\n{}",
                expected_path.display(),
                asl_lint::fix::unified_diff(&name, &expected, &out.text)
            )),
            Err(_) => failures.push(format!(
                "{name}: missing {} (UPDATE_EXPECT=fix cargo test --test fix)",
                expected_path.display()
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn line_endings_and_the_byte_order_mark_are_kept() {
    let text = read(&root().join("tests/fix/crlf-bom.json"));
    let out = fix("crlf-bom.json", &text, false);
    assert!(out.changed());
    assert!(out.text.starts_with('\u{feff}'));
    assert_eq!(
        out.text.matches('\n').count(),
        out.text.matches("\r\n").count(),
        "a bare line feed crept in"
    );
    assert_eq!(out.text.lines().count(), text.lines().count());
}
