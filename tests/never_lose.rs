//! Never lose a byte (issue 17): each way a run could destroy, change or hang on a user's file,
//! reproduced through the binary. Runs that could hang are killed past a deadline, so a
//! regression fails the test instead of stalling the suite.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{scratch, write};

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs the binary in `dir`, killing it after `DEADLINE` (a hang fails the test).
fn run(dir: &Path, args: &[&str]) -> Run {
    run_with(dir, args, Stdio::null())
}

fn run_with(dir: &Path, args: &[&str], stdin: Stdio) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .args(args)
        .current_dir(dir)
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        s
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("asl-lint {args:?} still running after {DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Run {
        code: status.code(),
        stdout: String::from_utf8_lossy(&out_reader.join().unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&err_reader.join().unwrap()).into_owned(),
    }
}

/// Far above what any of these runs needs; only a hang gets near it.
const DEADLINE: Duration = Duration::from_secs(30);

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A definition with one safe fix (`Nxt` → `Next` is not offered; `"Dne"` → `"Done"` is).
const FIXABLE: &str = r#"{"StartAt": "A", "States": {
  "A": {"Type": "Pass", "Next": "Dne"},
  "Done": {"Type": "Succeed"}
}}
"#;

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

/// A small tmpfs mounted at `dir`, unmounted on drop; `None` when this process may not mount
/// (not root, or no such capability in the container).
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(dir: &Path, size: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(dir).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Tmpfs(dir.to_path_buf()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

fn skip(test: &str, why: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {why}");
}

/// Finding 1: `--fix` on a full filesystem left the definition cut off mid-string. Now the
/// original is whole, the run says why, and exits 2. Without the rights to mount a tmpfs, the
/// same path is covered by the writer's unit test with an injected failing writer
/// (`files::write::tests::a_failed_write_leaves_the_original_whole`).
#[cfg(unix)]
#[test]
fn fix_on_a_full_filesystem_leaves_the_file_whole() {
    let dir = scratch("never-lose-full-fix");
    let Some(fs) = Tmpfs::mount(&dir.join("fs"), "12k") else {
        return skip(
            "fix_on_a_full_filesystem_leaves_the_file_whole",
            "cannot mount a tmpfs here (not root); the writer's unit test injects the failure",
        );
    };
    // An 8 KB definition on a 12 KB filesystem: the fixed copy cannot be written beside it.
    let padding = format!(
        r#""Comment": "{}", "#,
        "x".repeat(8 * 1024 - FIXABLE.len() - 20)
    );
    let text = FIXABLE.replacen("{\"StartAt\"", &format!("{{{padding}\"StartAt\""), 1);
    let file = write(&fs.0, "flow.asl.json", &text);
    let r = run(&fs.0, &["--fix", "flow.asl.json"]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("cannot write flow.asl.json: no space left on device"),
        "{}",
        r.stderr
    );
    assert_eq!(read(&file), text, "the definition must be untouched");
    let left: Vec<_> = std::fs::read_dir(&fs.0).unwrap().collect();
    assert_eq!(left.len(), 1, "no temporary file is left behind");
}

/// Finding 9, with a real full disk: a report that cannot be written is an error (exit 2), and
/// the previous report file stays as it was instead of becoming 0 bytes.
#[cfg(unix)]
#[test]
fn a_report_on_a_full_filesystem_is_an_error_and_keeps_the_old_one() {
    let dir = scratch("never-lose-full-report");
    write(&dir, "flow.asl.json", FIXABLE);
    let Some(fs) = Tmpfs::mount(&dir.join("fs"), "8k") else {
        return skip(
            "a_report_on_a_full_filesystem_is_an_error_and_keeps_the_old_one",
            "cannot mount a tmpfs here (not root)",
        );
    };
    let old = write(&fs.0, "report.sarif", "x".repeat(4096));
    let target = old.to_str().unwrap();
    let r = run(
        &dir,
        &[
            "--format",
            "sarif",
            "--output-file",
            target,
            "flow.asl.json",
        ],
    );
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("no space left on device"), "{}", r.stderr);
    assert_eq!(read(&old), "x".repeat(4096));
}

/// Finding 9: standard output on a full device, and `--output-file /dev/full`.
#[cfg(unix)]
#[test]
fn output_to_a_full_device_exits_2() {
    let dir = scratch("never-lose-dev-full");
    write(&dir, "flow.asl.json", FIXABLE);
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .args(["--format", "json", "flow.asl.json"])
        .current_dir(&dir)
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("cannot write the report to standard output: no space left on device"),
        "{stderr}"
    );
    let r = run(
        &dir,
        &["--format", "sarif", "--output-file", "/dev/full", "."],
    );
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("no space left on device"), "{}", r.stderr);
    // Other commands' output too.
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .args(["rules"])
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}

/// A reader that stops early (`asl-lint . | head`) is not an error.
#[test]
fn a_closed_pipe_ends_quietly() {
    let dir = scratch("never-lose-pipe");
    for i in 0..50 {
        write(&dir, &format!("f{i}.asl.json"), FIXABLE);
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .arg(".")
        .current_dir(&dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Finding 2: through a YAML anchor, a safe fix in one state changed another state's Catch.
/// Fixes never edit anchored or aliased text; the finding stays, without a fix.
#[test]
fn fixes_leave_anchored_and_aliased_yaml_alone() {
    let dir = scratch("never-lose-anchors");
    let text = "StartAt: A
States:
  A:
    Type: Pass
    Parameters: {id: x}
    Next: C
  C:
    Type: Task
    Resource: arn:aws:states:::sqs:sendMessage
    Parameters: {QueueUrl: q, MessageBody: m}
    TimeoutSeconds: 5
    Catch:
      - &all {ErrorEquals: [States.ALL], Next: B}
      - {ErrorEquals: [X], Next: B}
    Next: D
  D:
    Type: Task
    Resource: arn:aws:states:::sqs:sendMessage
    Parameters: {QueueUrl: q, MessageBody: m}
    TimeoutSeconds: 5
    Catch:
      - {ErrorEquals: [Y], Next: B}
      - *all
    Next: B
  B:
    Type: Pass
    Parameters: {id: $.id}
    End: true
";
    let file = write(&dir, "flow.asl.yaml", text);
    let r = run(&dir, &["--fix", "--format", "concise", "flow.asl.yaml"]);
    // The no-dollar fix in B (not shared) is applied; the catch-all order in C is reported
    // and left as written.
    assert_eq!(read(&file), text.replace("{id: $.id}", "{id.$: $.id}"));
    assert!(
        r.stdout.contains("retry-catch-all-not-last"),
        "{}",
        r.stdout
    );
    assert!(
        r.stderr.contains("fixed 1 finding in 1 file"),
        "{}",
        r.stderr
    );
}

/// Finding 3: `--fix t.yaml` rewrote `../b/sm.asl.json`, which its DefinitionUri names. Now
/// only named files and files under named directories are written; the rest is listed.
#[test]
fn fix_writes_only_what_it_was_given() {
    let dir = scratch("never-lose-scope");
    let template = "Transform: AWS::Serverless-2016-10-31
Resources:
  Flow:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: ../b/sm.asl.json
";
    write(&dir, "a/.git/HEAD", "");
    write(&dir, "a/t.yaml", template);
    let other = write(&dir, "b/sm.asl.json", FIXABLE);
    let r = run(&dir.join("a"), &["--fix", "t.yaml"]);
    assert_eq!(
        read(&other),
        FIXABLE,
        "a file that was not named is not written"
    );
    assert!(
        r.stderr.contains(
            "1 fix in ../b/sm.asl.json not applied: it is linted because a template it was given refers to it"
        ),
        "{}",
        r.stderr
    );
    assert!(r.stdout.contains("unknown-target"), "{}", r.stdout);
    // --diff previews exactly what --fix would do.
    let r = run(&dir.join("a"), &["--diff", "t.yaml"]);
    assert_eq!(r.stdout, "", "{}", r.stdout);
    // Named, it is fixed.
    let r = run(&dir.join("a"), &["--fix", "t.yaml", "../b/sm.asl.json"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(read(&other), FIXABLE.replace("Dne", "Done"));
}

/// Finding 4: `--output-file flow.asl.json flow.asl.json` truncated the definition before it
/// was read. Any input of the run (named, walked, configuration) is refused.
#[test]
fn the_report_never_replaces_an_input() {
    let dir = scratch("never-lose-output");
    let flow = write(&dir, "flow.asl.json", FIXABLE);
    let r = run(
        &dir,
        &[
            "--format",
            "json",
            "--output-file",
            "flow.asl.json",
            "flow.asl.json",
        ],
    );
    assert_eq!(r.code, Some(2));
    assert!(
        r.stderr.contains(
            "--output-file flow.asl.json would overwrite flow.asl.json, an input of this run"
        ),
        "{}",
        r.stderr
    );
    assert_eq!(read(&flow), FIXABLE);
    // Found by walking, by another name.
    let r = run(
        &dir,
        &["--format", "json", "--output-file", "./flow.asl.json", "."],
    );
    assert_eq!(r.code, Some(2));
    assert!(
        r.stderr.contains("is also an input of this run"),
        "{}",
        r.stderr
    );
    assert_eq!(read(&flow), FIXABLE);
    // The configuration file.
    let config = write(
        &dir,
        ".asl-lint.toml",
        "[rules]\nunknown-target = \"warning\"\n",
    );
    let r = run(
        &dir,
        &[
            "--format",
            "json",
            "--output-file",
            ".asl-lint.toml",
            "flow.asl.json",
        ],
    );
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert_eq!(read(&config), "[rules]\nunknown-target = \"warning\"\n");
    // --write-baseline over a definition.
    let r = run(&dir, &["--write-baseline", "flow.asl.json", "."]);
    assert_eq!(r.code, Some(2));
    assert_eq!(read(&flow), FIXABLE);
    // Anywhere else the report is written whole.
    let r = run(
        &dir,
        &["--format", "json", "--output-file", "out/report.json", "."],
    );
    assert_eq!(
        r.code,
        Some(2),
        "the directory does not exist: {}",
        r.stderr
    );
    std::fs::create_dir_all(dir.join("out")).unwrap();
    let r = run(
        &dir,
        &["--format", "json", "--output-file", "out/report.json", "."],
    );
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let report: serde_json::Value =
        serde_json::from_str(&read(&dir.join("out/report.json"))).unwrap();
    assert_eq!(report["version"], 1);
}

/// Finding 5: a fix rejected in one pass was never retried after the others landed, so the
/// second run still had a fix to make.
#[test]
fn one_fix_run_does_all_a_second_would() {
    let dir = scratch("never-lose-idempotent");
    let text = r#"{"StartAt":"A","States":{"A":{"Type":"task","Resourc":"arn:aws:states:::sqs:sendMessage","Next":"wAIT"},"Wait":{"Type":"Pass","Next":"C"},"C":{"Type":"Choice"}}}"#;
    let file = write(&dir, "flow.asl.json", text);
    let r = run(&dir, &["--fix", "flow.asl.json"]);
    assert!(
        r.stderr.contains("fixed 2 findings in 1 file"),
        "{}",
        r.stderr
    );
    let once = read(&file);
    assert!(once.contains(r#""Type":"Task","Resource":"#), "{once}");
    let r = run(&dir, &["--fix", "flow.asl.json"]);
    assert!(
        r.stderr.contains("fixed 0 findings in 0 files"),
        "{}",
        r.stderr
    );
    assert_eq!(read(&file), once);
}

/// Finding 6: FIFOs and /dev/zero as configuration, baseline and graph inputs hung or grew
/// without bound. Each is refused at once with its reason.
#[cfg(unix)]
#[test]
fn fifos_and_devices_are_refused_everywhere() {
    let dir = scratch("never-lose-fifo");
    write(&dir, "flow.asl.json", FIXABLE);
    mkfifo(&dir.join("pipe"));
    let cases: &[(&[&str], &str)] = &[
        (
            &["--baseline", "pipe", "flow.asl.json"],
            "cannot read baseline pipe: not a regular file (a FIFO)",
        ),
        (
            &["--baseline", "/dev/zero", "flow.asl.json"],
            "cannot read baseline /dev/zero: not a regular file (a device)",
        ),
        (
            &["--config", "pipe", "flow.asl.json"],
            "cannot read configuration pipe: not a regular file (a FIFO)",
        ),
        (
            &["--config", "/dev/zero", "flow.asl.json"],
            "cannot read configuration /dev/zero: not a regular file (a device)",
        ),
        (
            &["graph", "pipe"],
            "cannot read pipe: not a regular file (a FIFO)",
        ),
        (
            &["graph", "missing.json"],
            "cannot read missing.json: no such file or directory",
        ),
    ];
    for (args, message) in cases {
        let r = run(&dir, args);
        assert_eq!(r.code, Some(2), "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(message), "{args:?}: {}", r.stderr);
        assert!(!r.stderr.contains("os error"), "{args:?}: {}", r.stderr);
    }
    for baseline in ["pipe", "/dev/zero"] {
        write(
            &dir,
            ".asl-lint.toml",
            format!("baseline = \"{baseline}\"\n"),
        );
        let r = run(&dir, &["flow.asl.json"]);
        assert_eq!(r.code, Some(2), "{}", r.stderr);
        assert!(r.stderr.contains("not a regular file"), "{}", r.stderr);
    }
    std::fs::remove_file(dir.join(".asl-lint.toml")).unwrap();
    // A template whose DefinitionUri is /dev/zero, drawn.
    write(
        &dir,
        "template.yaml",
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Flow:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: /dev/zero\n",
    );
    let r = run(&dir, &["graph", "template.yaml"]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.contains("no state machine that can be drawn"),
        "{}",
        r.stderr
    );
    // A .asl-lint.toml that is not a file is reported, not silently ignored.
    let sub = dir.join("sub");
    std::fs::create_dir_all(&sub).unwrap();
    write(&sub, "flow.asl.json", FIXABLE);
    mkfifo(&sub.join(".asl-lint.toml"));
    let r = run(&sub, &["flow.asl.json"]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("cannot read configuration .asl-lint.toml: not a regular file (a FIFO)"),
        "{}",
        r.stderr
    );
    std::fs::remove_file(sub.join(".asl-lint.toml")).unwrap();
    std::fs::create_dir_all(sub.join(".asl-lint.toml")).unwrap();
    let r = run(&sub, &["flow.asl.json"]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("(a directory)"), "{}", r.stderr);
}

/// Finding 7: a 600,000-character `exclude` pattern panicked inside globset (exit 101), even
/// when linting an unrelated file.
#[test]
fn a_huge_glob_is_a_configuration_error() {
    let dir = scratch("never-lose-glob");
    write(&dir, "flow.asl.json", FIXABLE);
    write(
        &dir,
        ".asl-lint.toml",
        format!("exclude = [\"{}\"]\n", "a".repeat(600_000)),
    );
    let r = run(&dir, &["flow.asl.json"]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("the pattern is 600000 bytes long, over the limit of 1024"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.len() < 1000, "the pattern is not echoed whole");
    // `{a,}` is a pattern like any other.
    write(&dir, ".asl-lint.toml", "exclude = [\"{flow,}.asl.json\"]\n");
    let r = run(&dir, &["."]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
}

/// Finding 13: 100,000 `[[overrides]]` took 1.6 GB and 4.8 s. The file is over the size cap
/// for configuration; and a smaller file with too many overrides is refused by count.
#[test]
fn too_many_overrides_are_refused_quickly() {
    let dir = scratch("never-lose-overrides");
    write(&dir, "flow.asl.json", FIXABLE);
    let entry = |i: usize| {
        format!(
            "[[overrides]]\nfiles = [\"d{i}/**\"]\n[overrides.rules]\nunknown-target = \"off\"\n"
        )
    };
    let many: String = (0..100_000).map(entry).collect();
    write(&dir, ".asl-lint.toml", &many);
    let r = run(&dir, &["flow.asl.json"]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.contains("over the 1048576-byte limit"),
        "{}",
        r.stderr
    );
    let some: String = (0..501).map(entry).collect();
    write(&dir, ".asl-lint.toml", &some);
    let r = run(&dir, &["flow.asl.json"]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("501 [[overrides]] entries, over the limit of 500"),
        "{}",
        r.stderr
    );
}

/// Finding 10: `--max-file-size 18446744073709551615` wrapped to a limit of 0.
#[test]
fn the_largest_size_limit_reads_files() {
    let dir = scratch("never-lose-max-size");
    write(&dir, "flow.asl.json", FIXABLE);
    let r = run(
        &dir,
        &[
            "--max-file-size",
            "18446744073709551615",
            "--format",
            "concise",
            ".",
        ],
    );
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stdout.contains("unknown-target"), "{}", r.stdout);
}

/// Finding 11, through the command line: counts that would wrap around saturate, so every
/// recorded finding stays baselined.
#[test]
fn baseline_counts_saturate() {
    let dir = scratch("never-lose-baseline-counts");
    write(&dir, "flow.asl.json", FIXABLE);
    let r = run(&dir, &["--write-baseline", "b.json", "."]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let recorded: serde_json::Value = serde_json::from_str(&read(&dir.join("b.json"))).unwrap();
    let mut entries = recorded["findings"].as_array().unwrap().clone();
    let n = entries.len();
    for e in &mut entries {
        e["count"] = serde_json::json!(2);
    }
    let mut huge = entries.clone();
    for e in &mut huge {
        e["count"] = serde_json::json!(18446744073709551615u64);
    }
    entries.extend(huge);
    let text = serde_json::json!({"version": 1, "findings": entries}).to_string();
    write(&dir, "b.json", text);
    let r = run(&dir, &["--baseline", "b.json", "."]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stdout.contains(&format!("{n} baselined")), "{}", r.stdout);
}

/// Issue 20, point 8: the entries of a file that was deleted are stale.
#[test]
fn baseline_entries_of_a_deleted_file_are_stale() {
    let dir = scratch("never-lose-baseline-deleted");
    write(&dir, "flow.asl.json", FIXABLE);
    let gone = write(&dir, "gone.asl.json", FIXABLE);
    let r = run(&dir, &["--write-baseline", "b.json", "."]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    std::fs::remove_file(gone).unwrap();
    let r = run(&dir, &["--baseline", "b.json", "flow.asl.json"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stdout.contains("2 stale"), "{}", r.stdout);
}

/// Issue 20, point 9: `graph -` reads standard input.
#[test]
fn graph_reads_standard_input() {
    let dir = scratch("never-lose-graph-stdin");
    let flow = write(&dir, "flow.asl.json", FIXABLE);
    let stdin = std::fs::File::open(&flow).unwrap();
    let r = run_with(&dir, &["graph", "-"], Stdio::from(stdin));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stdout.starts_with("flowchart TD\n"), "{}", r.stdout);
    assert!(r.stdout.contains("no such state"), "{}", r.stdout);
    let stdin = std::fs::File::open(&flow).unwrap();
    let r = run_with(
        &dir,
        &[
            "graph",
            "--format",
            "dot",
            "--stdin-filename",
            "x.asl.json",
            "-",
        ],
        Stdio::from(stdin),
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stdout.starts_with("digraph"), "{}", r.stdout);
}

/// Finding 8 and 12: hostile names cannot inject Mermaid directives, and no label grows past
/// what Graphviz and Mermaid accept.
#[test]
fn graph_labels_are_escaped_and_bounded() {
    let dir = scratch("never-lose-graph-labels");
    let long = "n".repeat(20_000);
    let text = serde_json::json!({
        "StartAt": "x %%{init: {'theme':'dark'}}%% y",
        "States": {
            "x %%{init: {'theme':'dark'}}%% y": {"Type": "Pass", "Next": "A%%{x"},
            "A%%{x": {"Type": "Pass", "Next": long},
            long.clone(): {"Type": "Succeed"}
        }
    })
    .to_string();
    write(&dir, "flow.asl.json", &text);
    let r = run(&dir, &["graph", "flow.asl.json"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(!r.stdout.contains("%%{"), "{}", r.stdout);
    assert!(r.stdout.contains("x #37;#37;{init"), "{}", r.stdout);
    assert!(r.stdout.lines().all(|l| l.len() < 2_000));
    let r = run(&dir, &["graph", "--format", "dot", "flow.asl.json"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stdout.lines().all(|l| l.len() < 2_000));
}

/// Reports come in path order whatever the order of the arguments.
#[test]
fn reports_come_in_path_order() {
    let dir = scratch("never-lose-order");
    write(&dir, "b.asl.json", FIXABLE);
    write(&dir, "a/z.asl.json", FIXABLE);
    write(&dir, "c.asl.json", FIXABLE);
    let r = run(
        &dir,
        &[
            "--format",
            "concise",
            "c.asl.json",
            "b.asl.json",
            "a",
            "b.asl.json",
        ],
    );
    let mut files: Vec<&str> = r
        .stdout
        .lines()
        .filter_map(|l| l.split(':').next())
        .filter(|f| f.ends_with(".json"))
        .collect();
    files.dedup();
    assert_eq!(
        files,
        ["a/z.asl.json", "b.asl.json", "c.asl.json"],
        "{}",
        r.stdout
    );
}

#[path = "lsp/client.rs"]
#[allow(dead_code)]
mod client;

/// Finding 6 for the language server, over its real stdio: with a configuration whose
/// baseline is a FIFO or /dev/zero it used to stop answering (or grow to 8 GB). Now it
/// publishes diagnostics, answers hover, and shuts down cleanly.
#[cfg(unix)]
#[test]
fn the_language_server_survives_hostile_baselines_and_globs() {
    use serde_json::{json, Value};
    for (name, config) in [
        ("fifo", "baseline = \"pipe\"\n".to_string()),
        ("zero", "baseline = \"/dev/zero\"\n".to_string()),
        ("glob", format!("exclude = [\"{}\"]\n", "a".repeat(600_000))),
    ] {
        let dir = client::project();
        mkfifo(&dir.join("pipe"));
        write(&dir, ".asl-lint.toml", &config);
        let file = write(&dir, "flow.asl.json", FIXABLE);
        let (mut lsp, _) = client::Client::initialized(&dir, json!({}));
        let uri = client::uri(&file);
        lsp.open(&uri, "json", FIXABLE);
        // Whatever the configuration problem, the document gets its answer in bounded time.
        let _ = lsp.wait_for(&format!("{name}: diagnostics"), |m| {
            m["method"] == "textDocument/publishDiagnostics"
        });
        let hover = lsp.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": 1, "character": 4}}),
        );
        assert!(hover.get("error").is_none(), "{name}: {hover}");
        lsp.drain(Duration::from_millis(200));
        let big: Vec<&Value> = lsp
            .seen
            .iter()
            .filter(|m| m.to_string().len() > 4096)
            .collect();
        assert!(big.is_empty(), "{name}: oversized messages {big:?}");
        assert!(
            !lsp.seen
                .iter()
                .any(|m| m.to_string().contains("internal error")),
            "{name}: {:?}",
            lsp.seen
        );
        assert_eq!(lsp.shutdown(), 0, "{name}");
    }
}
