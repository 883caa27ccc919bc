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
    // The corpus, and the other checkers' labelled fixtures beside it (full of mistakes).
    let peers = corpus.join("../peer-fixtures");
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(&corpus)
        .into_iter()
        .chain(walkdir::WalkDir::new(&peers))
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
                if std::env::var_os("SHOW_REJECTED").is_some() && !unsafe_fixes {
                    eprintln!("rejected: {name}: {} in {:?}: {}", r.rule, r.state, r.title);
                }
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
            // Only unsafe fixes on offer, and they are not allowed: nothing may change.
            let gated = !unsafe_fixes
                && !before.iter().any(|d| {
                    d.rule == rule
                        && d.fix
                            .as_ref()
                            .is_some_and(|f| asl_lint::fix::allowed(f, false))
                });
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

fn bin(dir: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("binary runs")
}

const SAMPLE: &str = "fixtures/sample/order-workflow.asl.json";

#[test]
fn cli_fix_writes_diff_prints_and_unsafe_fixes_are_gated() {
    let dir = common::scratch("fix-cli");
    let original = read(&root().join(SAMPLE));
    let file = common::write(&dir, "flow.asl.json", &original);

    // --diff prints what --fix would do, exits 1, and writes nothing.
    let o = bin(&dir, &["--diff", "flow.asl.json"]);
    assert_eq!(o.status.code(), Some(1));
    let diff = String::from_utf8_lossy(&o.stdout);
    assert!(
        diff.starts_with("--- a/flow.asl.json\n+++ b/flow.asl.json\n"),
        "{diff}"
    );
    assert!(
        diff.contains("-      \"Next\": \"Done\"\n+      \"Next\": \"done\"\n"),
        "{diff}"
    );
    assert!(
        !diff.contains("ResultPath\": \"$.error\" }"),
        "an unsafe fix leaked: {diff}"
    );
    assert_eq!(read(&file), original);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("would fix 2 findings in 1 file\n"),
        "{stderr}"
    );
    assert!(
        stderr.contains("1 more fix with --unsafe-fixes"),
        "{stderr}"
    );

    // --fix writes the safe fixes and reports what remains.
    let o = bin(&dir, &["--fix", "--format", "json", "flow.asl.json"]);
    assert_eq!(o.status.code(), Some(1), "findings remain");
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rules: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        [
            "heartbeat-not-less-than-timeout",
            "integration-result-shape",
            "catch-replaces-input"
        ]
    );
    let fixed = read(&file);
    assert_ne!(fixed, original);
    assert!(fixed.contains("\"Next\": \"done\""));

    // A second run changes nothing.
    let o = bin(&dir, &["--fix", "flow.asl.json"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("fixed 0 findings in 0 files"));
    assert_eq!(read(&file), fixed);
    let o = bin(&dir, &["--diff", "flow.asl.json"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(o.stdout.is_empty());

    // Unsafe fixes only when asked for.
    let o = bin(&dir, &["--fix", "--unsafe-fixes", "flow.asl.json"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("fixed 1 finding in 1 file"));
    assert!(read(&file).contains("\"Next\": \"Refund\", \"ResultPath\": \"$.error\" }"));
}

#[test]
fn cli_fix_refuses_standard_input_but_diffs_it() {
    let dir = common::scratch("fix-stdin");
    let run = |args: &[&str]| {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_asl-lint"))
            .current_dir(&dir)
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        // A usage error exits before reading: the pipe may already be closed.
        let _ = child
            .stdin
            .take()
            .unwrap()
            .write_all(br#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "b"}, "B": {"Type": "Succeed"}}}"#);
        child.wait_with_output().unwrap()
    };
    let o = run(&["--unsafe-fixes", "-"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--unsafe-fixes needs --fix or --diff"));
    let o = run(&["--fix", "-"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--fix cannot rewrite standard input"));
    let o = run(&["--diff", "--stdin-filename", "m.asl.json", "-"]);
    assert_eq!(o.status.code(), Some(1));
    let diff = String::from_utf8_lossy(&o.stdout);
    assert!(diff.contains("+++ b/m.asl.json"), "{diff}");
    assert!(diff.contains("\"Next\": \"B\""), "{diff}");
}

#[test]
fn cli_fix_edits_templates_and_the_definition_files_they_deploy() {
    let dir = common::scratch("fix-template");
    let template = "Transform: AWS::Serverless-2016-10-31\nResources:\n  Inline:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Definition:\n        StartAt: A\n        States:\n          A:\n            Type: Pass\n            Parameters:\n              id: $.id   # keep this comment\n            End: true\n  Deployed:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: flow.asl.json\n      DefinitionSubstitutions:\n        Fn: arn:aws:lambda:us-east-1:123456789012:function:f:live\n";
    common::write(&dir, "template.yaml", template);
    let flow = "{\n  \"StartAt\": \"Each\",\n  \"States\": {\n    \"Each\": {\n      \"Type\": \"Map\",\n      \"Iterator\": {\"StartAt\": \"Call\", \"States\": {\"Call\": {\"Type\": \"Pass\", \"Result\": \"${Fn}\", \"End\": true}}},\n      \"End\": true\n    }\n  }\n}\n";
    common::write(&dir, "flow.asl.json", flow);
    let o = bin(&dir, &["--fix", "."]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("fixed 2 findings in 2 files"), "{stderr}");
    assert_eq!(
        read(&dir.join("template.yaml")),
        template.replace("id: $.id", "id.$: $.id")
    );
    assert_eq!(
        read(&dir.join("flow.asl.json")),
        flow.replace("\"Iterator\"", "\"ItemProcessor\"")
    );
}

/// Every rule fixture, fixed with and without unsafe fixes: still parses, claims hold, nothing
/// added, and a second run changes nothing.
#[test]
fn every_rule_fixture_fixes_cleanly_and_idempotently() {
    let mut problems = Vec::new();
    let mut applied = 0;
    for entry in walkdir::WalkDir::new(root().join("fixtures"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name().to_string_lossy();
            name.ends_with(".json") || name.ends_with(".yaml") || name.ends_with(".yml")
        })
    {
        let path = entry.path();
        let name = path.display().to_string();
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let before = lint(&name, &text);
        for unsafe_fixes in [false, true] {
            let out = fix(&name, &text, unsafe_fixes);
            applied += out.applied.len();
            problems.extend(check_outcome(&name, &before, &out));
            if fix(&name, &out.text, unsafe_fixes).text != out.text {
                problems.push(format!("{name}: not idempotent"));
            }
        }
    }
    assert!(
        applied > 10,
        "only {applied} fixes applied over the fixtures"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
