//! `--fix` end to end, in-process through the command line: a project holds the input as a
//! named definition, a template in the named directory that deploys a copy of it from a
//! directory that was not named, and that copy. After `asl-lint --fix <project>/in`:
//! - no file outside `in/` changed, and no file appeared or disappeared anywhere;
//! - every file of `in/` that parsed still parses;
//! - a second run changes nothing;
//! - and, by the library's fixer on the input alone, every applied fix removed its finding.
//!
//! The last byte's low bit turns on --unsafe-fixes; the first non-blank byte chooses JSON or
//! YAML. Run with -close_fd_mask=2: the command line reports on stderr each time.
#![no_main]

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use asl_lint::diagnostic::Diagnostic;
use asl_lint::fix::fix_text;
use asl_lint_fuzz::lint_named;
use libfuzzer_sys::fuzz_target;

/// The project directory, made once per process. The working directory is left alone (the
/// fuzzer's corpus paths are relative to it): the command line gets absolute paths.
fn project() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("asl-lint-fuzz-fix-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join(".git")).unwrap();
        dir
    })
}

/// Every file below `dir` (but `.git`), with its bytes.
fn snapshot(dir: &Path, rel: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
    let Ok(entries) = std::fs::read_dir(dir.join(rel)) else {
        return;
    };
    for entry in entries.flatten() {
        let rel = rel.join(entry.file_name());
        if rel == Path::new(".git") {
            continue;
        }
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            snapshot(dir, &rel, out);
        } else {
            out.insert(rel, std::fs::read(entry.path()).unwrap_or_default());
        }
    }
}

fn parses(name: &str, bytes: &[u8]) -> bool {
    lint_named(name, bytes.to_vec())
        .is_none_or(|r| !r.diagnostics.iter().any(|d| d.rule == "parse-error"))
}

fn fix_run(dir: &Path, unsafe_fixes: bool) {
    let named = dir.join("in");
    let mut args = vec!["asl-lint", "--fix", "--format", "concise"];
    if unsafe_fixes {
        args.push("--unsafe-fixes");
    }
    args.push(named.to_str().expect("a UTF-8 temporary directory"));
    asl_lint::cli::run(args, &mut std::io::sink());
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

fuzz_target!(|data: &[u8]| {
    let dir = project();
    let unsafe_fixes = data.last().is_some_and(|b| b & 1 == 1);
    let json = matches!(
        data.iter().find(|b| !b.is_ascii_whitespace()),
        Some(b'{' | b'[')
    );
    let ext = if json { "json" } else { "yaml" };
    let _ = std::fs::remove_dir_all(dir.join("in"));
    let _ = std::fs::remove_dir_all(dir.join("out"));
    std::fs::create_dir_all(dir.join("in")).unwrap();
    std::fs::create_dir_all(dir.join("out")).unwrap();
    let flow = format!("in/flow.asl.{ext}");
    std::fs::write(dir.join(&flow), data).unwrap();
    std::fs::write(dir.join(format!("out/other.asl.{ext}")), data).unwrap();
    std::fs::write(
        dir.join("in/template.yaml"),
        format!(
            "Transform: AWS::Serverless-2016-10-31\nResources:\n  Other:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: ../out/other.asl.{ext}\n"
        ),
    )
    .unwrap();

    let mut before = BTreeMap::new();
    snapshot(dir, Path::new(""), &mut before);
    fix_run(dir, unsafe_fixes);
    let mut after = BTreeMap::new();
    snapshot(dir, Path::new(""), &mut after);
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "files appeared or disappeared"
    );
    for (path, bytes) in &before {
        if !path.starts_with("in") {
            assert_eq!(bytes, &after[path], "{} was written", path.display());
        } else if parses(&path.to_string_lossy(), bytes) {
            assert!(
                parses(&path.to_string_lossy(), &after[path]),
                "{} no longer parses",
                path.display()
            );
        }
    }
    fix_run(dir, unsafe_fixes);
    let mut again = BTreeMap::new();
    snapshot(dir, Path::new(""), &mut again);
    for (path, bytes) in &after {
        assert_eq!(bytes, &again[path], "a second run changed {}", path.display());
    }

    // The fixer's own claims, on the input alone.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let lint = |t: &str| {
        lint_named(&flow, t.as_bytes().to_vec())
            .map(|r| r.diagnostics)
            .unwrap_or_default()
    };
    let found = lint(text);
    let outcome = fix_text(text, found.clone(), unsafe_fixes, lint);
    let (had, has) = (places(&found), places(&lint(&outcome.text)));
    let mut claimed: HashMap<Place, usize> = HashMap::new();
    for a in &outcome.applied {
        *claimed
            .entry((a.rule, a.machine.clone(), a.state.clone()))
            .or_insert(0) += 1;
    }
    for (place, fixed) in &claimed {
        let h = had.get(place).copied().unwrap_or(0);
        let now = has.get(place).copied().unwrap_or(0);
        assert!(now <= h.saturating_sub(*fixed), "{place:?}: {h} -> {now} after {fixed} fixes");
    }
    for (place, now) in &has {
        let h = had.get(place).copied().unwrap_or(0);
        assert!(*now <= h, "{place:?} is new after the fixes: {h} -> {now}");
    }
});
