//! How the tests themselves report: a test that skips says so where `cargo test` shows it
//! (`common::skip`, past the harness's output capture), never with `eprintln!` or `println!`,
//! which the harness swallows when the test passes; and the slow set-up steps announce
//! themselves (`common::note`).

use std::path::Path;

/// `eprintln!("SKIPPED …")` and the like, in any test file: each with its file and line.
fn swallowed_skips(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut files: Vec<_> = walk(dir);
    files.sort();
    for path in files {
        if path.file_name().is_some_and(|n| n == "harness.rs") {
            continue; // This file's own examples.
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let printed = ["eprintln!(", "println!(", "eprint!(", "print!("]
                .iter()
                .any(|m| line.contains(m));
            // The message may be on the macro's line or the next ones.
            let message = lines[i..lines.len().min(i + 3)].join(" ").to_lowercase();
            if printed && (message.contains("\"skipped") || message.contains("\"skipping")) {
                found.push(format!("{}:{}: {}", path.display(), i + 1, line.trim()));
            }
        }
    }
    found
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out
}

#[test]
fn skips_are_shown_past_the_harness() {
    let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let found = swallowed_skips(&tests);
    assert!(
        found.is_empty(),
        "skips printed where `cargo test` hides them; use common::skip:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_check_finds_a_swallowed_skip() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("harness-check");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("t.rs"),
        "fn f() {\n    eprintln!(\n        \"SKIPPED: no tool\"\n    );\n}\n",
    )
    .unwrap();
    assert_eq!(swallowed_skips(&dir).len(), 1);
}

/// The pre-commit test installs a tool and waits minutes for a build: it says so first.
#[test]
fn slow_set_up_steps_announce_themselves() {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/precommit.rs"))
            .unwrap();
    // A note between the previous command and this one.
    let announced_before = |step: &str| {
        let at = text.find(step).unwrap_or_else(|| panic!("no {step}"));
        let previous = text[..at].rfind("Command::new").unwrap_or(0);
        text[previous..at].contains("common::note(")
    };
    assert!(announced_before("Command::new(\"python3\")"));
    assert!(announced_before("Command::new(&pre_commit)"));
}
