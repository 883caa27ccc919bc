//! Baselines from the command line: record, edit the file (lines shift, one finding fixed,
//! one added), and only the new finding is reported, with the baselined and stale counts.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("binary runs")
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

const BEFORE: &str = r#"{
  "StartAt": "A",
  "States": {
    "A": {"Type": "Pass", "Next": "Nowhere"},
    "B": {"Type": "Succeed"}
  }
}
"#;

/// Three lines added above, B fixed (now reachable), a new mistake in C.
const AFTER: &str = r#"{
  "Comment": "edited",
  "Version": "1.0",

  "StartAt": "A",
  "States": {
    "A": {"Type": "Pass", "Next": "Nowhere"},
    "C": {"Type": "Pass", "Next": "Elsewhere"}
  }
}
"#;

#[test]
fn round_trip_with_line_shifts() {
    let dir = common::scratch("baseline/round-trip");
    common::write(&dir, "flows/m.asl.json", BEFORE);
    let o = run(&dir, &["--write-baseline", "ci/baseline.json", "flows"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("recorded 2 findings in ci/baseline.json"));
    let recorded: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("ci/baseline.json")).unwrap())
            .unwrap();
    // Paths are relative to the baseline's directory.
    assert_eq!(recorded["findings"][0]["path"], "../flows/m.asl.json");

    let o = run(&dir, &["--baseline", "ci/baseline.json", "flows"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).ends_with(
        "0 errors, 0 warnings in 1 file (1 state machine); 2 baselined, 0 stale baseline entries\n"
    ));

    common::write(&dir, "flows/m.asl.json", AFTER);
    let o = run(
        &dir,
        &[
            "--baseline",
            "ci/baseline.json",
            "--format",
            "json",
            "flows",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let report = json(&o);
    let new: Vec<(&str, &str)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["rule"].as_str().unwrap(), d["state"].as_str().unwrap()))
        .collect();
    assert_eq!(new, [("unreachable-state", "C"), ("unknown-target", "C")]);
    assert_eq!(report["summary"]["baselined"], 1);
    assert_eq!(report["summary"]["stale"], 1);
}

#[test]
fn the_configuration_names_the_baseline() {
    let dir = common::scratch("baseline/config");
    common::write(&dir, "m.asl.json", BEFORE);
    common::write(
        &dir,
        ".asl-lint.toml",
        "baseline = \"asl-lint-baseline.json\"\n",
    );
    let o = run(&dir, &["--write-baseline", "asl-lint-baseline.json", "."]);
    assert_eq!(o.status.code(), Some(0));
    let o = run(&dir, &["--format", "json", "."]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(json(&o)["summary"]["baselined"], 2);
    // From another directory, the configuration's path still resolves against its own.
    let o = run(dir.parent().unwrap(), &["--format", "json", "config"]);
    assert_eq!(json(&o)["summary"]["baselined"], 2);
}

#[test]
fn a_broken_or_missing_baseline_is_a_usage_error() {
    let dir = common::scratch("baseline/broken");
    common::write(&dir, "m.asl.json", BEFORE);
    let o = run(&dir, &["--baseline", "missing.json", "."]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot read baseline missing.json"));
    common::write(&dir, "bad.json", "{\"version\": 9, \"findings\": []}");
    let o = run(&dir, &["--baseline", "bad.json", "."]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("version 9 is not supported"));
    let o = run(
        &dir,
        &["--baseline", "a.json", "--write-baseline", "b.json", "."],
    );
    assert_eq!(o.status.code(), Some(2));
}
