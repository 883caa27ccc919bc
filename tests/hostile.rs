//! Hostile and unusual inputs (issue 10): each must give located diagnostics in bounded time
//! and output, never a crash or a hang. Every test here failed before its fix.

mod common;

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use common::{scratch, write};

/// What a run printed and how it ended.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs the binary, killing it past `limit`: a hang must fail the test, not stall the suite.
/// The limit guards against hangs only; speed is measured by `cargo bench`.
fn run(args: &[&str], dir: &Path, limit: Duration) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
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
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("asl-lint {args:?} still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        code: status.code(),
        stdout: String::from_utf8_lossy(&reader.join().unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&err_reader.join().unwrap()).into_owned(),
    }
}

const LIMIT: Duration = Duration::from_secs(120);

/// A one-line definition of `n` Task states, each with two findings (an unversioned Lambda
/// without Retry), about 260 bytes a state.
fn one_line_machine(n: usize) -> String {
    let mut out = String::from(r#"{"Comment": "generated", "StartAt": "S0", "States": {"#);
    for i in 0..n {
        out.push_str(&format!(
            r#""S{i}": {{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {{"FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:step{i}", "Payload": {{"id.$": "$.order.id", "step": {i}}}}}, "ResultPath": "$.r{i}", "Next": "S{}"}}, "#,
            i + 1
        ));
    }
    out.push_str(&format!(r#""S{n}": {{"Type": "Succeed"}}}}}}"#));
    out
}

/// A one-line definition whose top level repeats `"Comment"` `n` times with `value`.
fn duplicate_keys(n: usize, value: &str) -> String {
    let comments: Vec<String> = (0..n).map(|_| format!(r#""Comment":"{value}""#)).collect();
    format!(
        r#"{{"StartAt":"A","States":{{"A":{{"Type":"Succeed"}}}},{}}}"#,
        comments.join(",")
    )
}

#[test]
fn a_finding_past_column_65535_is_shown_in_a_window_not_a_panic() {
    let dir = scratch("hostile/column");
    let text = format!(
        r#"{{"Comment":"{}","StartAt":"A","States":{{"A":{{"Type":"Pass","Next":"B"}}}}}}"#,
        "x".repeat(65_535)
    );
    write(&dir, "wide.json", &text);
    let r = run(&["wide.json"], &dir, LIMIT);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let next = text.find(r#""B""#).unwrap() + 1;
    assert!(
        r.stdout.contains(&format!("[wide.json:1:{next}]")),
        "{}",
        r.stdout
    );
    // The line is cut, and the cut is marked.
    assert!(
        r.stdout.contains(r#" 1 │ …{"Type":"Pass","Next":"B"}}}"#),
        "{}",
        r.stdout
    );
    assert!(r.stdout.len() < 2_000, "{}", r.stdout);
    assert!(r
        .stdout
        .lines()
        .last()
        .unwrap()
        .starts_with("1 error, 0 warnings in 1 file"));
}

#[test]
fn many_findings_on_one_long_line_print_a_bounded_window_each() {
    // 36 KB on one line, 440 findings: each finding used to print the whole line (31.8 MB).
    let dir = scratch("hostile/window");
    let text = duplicate_keys(441, &"y".repeat(70));
    assert!(text.len() > 36_000 && !text.contains('\n'));
    write(&dir, "dup.json", &text);
    for width in ["40", "100", "300"] {
        let r = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
            .arg("dup.json")
            .current_dir(&dir)
            .env("COLUMNS", width)
            .output()
            .unwrap();
        let out = String::from_utf8_lossy(&r.stdout);
        assert_eq!(r.status.code(), Some(1));
        assert_eq!(out.matches("duplicate-key").count(), 440);
        assert!(
            out.len() < 440 * 1_500,
            "{} bytes at width {width}",
            out.len()
        );
        // No printed line is much wider than the terminal.
        let widest = out.lines().map(|l| l.chars().count()).max().unwrap();
        assert!(
            widest < 2 * width.parse::<usize>().unwrap().max(100),
            "{widest}"
        );
    }
}

#[test]
fn duplicate_keys_by_the_thousand_on_one_line_finish_in_every_format() {
    // Each finding counted the characters from the start of the line (quadratic), and the
    // human format printed the whole line for each (20,000 × 600 KB).
    let dir = scratch("hostile/duplicates");
    let text = duplicate_keys(10_000, "duplicate key text");
    write(&dir, "dup.json", &text);
    let r = run(&["--format", "json", "dup.json"], &dir, LIMIT);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let doc: Value = serde_json::from_str(&r.stdout).unwrap();
    let diagnostics = doc["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 9_999);
    let last = diagnostics.last().unwrap();
    assert_eq!(last["line"], 1);
    assert_eq!(last["column"], text.rfind("\"Comment\"").unwrap() + 1);

    // SARIF counted UTF-16 columns from the line start for every result.
    let r = run(&["--format", "sarif", "dup.json"], &dir, LIMIT);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let doc: Value = serde_json::from_str(&r.stdout).unwrap();
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 9_999);
    let region = &results.last().unwrap()["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        region["startColumn"],
        text.rfind("\"Comment\"").unwrap() + 1
    );

    let r = run(&["dup.json"], &dir, LIMIT);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stdout.len() < 9_999 * 1_000, "{} bytes", r.stdout.len());
    let summary = r.stdout.lines().last().unwrap();
    assert!(
        summary.starts_with("9999 errors, 0 warnings in 1 file"),
        "{summary}"
    );
}

#[test]
fn a_one_line_definition_of_5000_states_finishes_in_every_format() {
    let dir = scratch("hostile/states");
    let text = one_line_machine(5_000);
    assert!(text.len() > 1_000_000);
    write(&dir, "big.json", &text);
    let r = run(&["--format", "json", "big.json"], &dir, LIMIT);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let doc: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(doc["diagnostics"].as_array().unwrap().len(), 10_000);
    let last = doc["diagnostics"].as_array().unwrap().last().unwrap();
    let at = text.rfind("arn:aws:lambda:").unwrap() - 1;
    assert_eq!(last["column"], at + 1);

    let r = run(&["big.json"], &dir, LIMIT);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stdout.len() < 10_000 * 1_500, "{} bytes", r.stdout.len());
}

/// Renames every state to a 2,000-character name and makes every other string (but `Type`)
/// 2,000 characters longer.
fn with_long_text(doc: &mut Value, names: &[String]) {
    const PAD: usize = 2_000;
    match doc {
        Value::Object(members) => {
            let renamed: Vec<(String, Value)> = std::mem::take(members)
                .into_iter()
                .map(|(key, mut value)| {
                    if key == "States" {
                        if let Value::Object(states) = &mut value {
                            let long: serde_json::Map<String, Value> = std::mem::take(states)
                                .into_iter()
                                .map(|(name, state)| (format!("{name}{}", "N".repeat(PAD)), state))
                                .collect();
                            *states = long;
                        }
                    }
                    if key != "Type" {
                        with_long_text(&mut value, names);
                    }
                    (key, value)
                })
                .collect();
            members.extend(renamed);
        }
        Value::Array(items) => items.iter_mut().for_each(|v| with_long_text(v, names)),
        Value::String(s) if names.contains(s) => s.push_str(&"N".repeat(PAD)),
        Value::String(s) => s.push_str(&"Z".repeat(PAD)),
        _ => {}
    }
}

fn state_names(doc: &Value, out: &mut Vec<String>) {
    match doc {
        Value::Object(members) => {
            for (key, value) in members {
                if let (true, Value::Object(states)) = (key == "States", value) {
                    out.extend(states.keys().cloned());
                }
                state_names(value, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| state_names(v, out)),
        _ => {}
    }
}

#[test]
fn messages_quote_long_names_and_values_abbreviated() {
    let mut checked = 0;
    let mut long = Vec::new();
    let mut fixtures: Vec<_> = std::fs::read_dir(common::root().join("fixtures"))
        .unwrap()
        .flat_map(|dir| std::fs::read_dir(dir.unwrap().path()).unwrap())
        .map(|f| f.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    fixtures.sort();
    for path in fixtures {
        let Ok(mut doc) = serde_json::from_slice::<Value>(&std::fs::read(&path).unwrap()) else {
            continue;
        };
        let mut names = Vec::new();
        state_names(&doc, &mut names);
        with_long_text(&mut doc, &names);
        let text = serde_json::to_string_pretty(&doc).unwrap();
        let name = path.display().to_string();
        for d in common::lint_text(&name, &text, asl_lint::config::WorkflowType::Standard) {
            let texts = std::iter::once(&d.message)
                .chain(d.help.as_ref())
                .chain(d.related.iter().map(|r| &r.message));
            for t in texts {
                checked += 1;
                if t.chars().count() > 1_200 {
                    long.push(format!(
                        "{name}: {} quotes {} characters: {}…",
                        d.rule,
                        t.chars().count(),
                        t.chars().take(160).collect::<String>()
                    ));
                }
            }
        }
    }
    assert!(long.is_empty(), "{}", long.join("\n"));
    assert!(checked > 500, "only {checked} messages checked");
}

#[test]
fn a_ten_megabyte_state_name_is_not_echoed_whole() {
    let dir = scratch("hostile/name");
    let name = format!("Start{}End", "n".repeat(10_000_000));
    let text = format!(
        r#"{{"StartAt": "{name}", "States": {{"{name}": {{"Type": "Pass", "Next": "{name}x"}}}}}}"#
    );
    write(&dir, "name.json", &text);
    let r = run(&["--format", "json", "name.json"], &dir, LIMIT);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let doc: Value = serde_json::from_str(&r.stdout).unwrap();
    let messages: Vec<&str> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert!(!messages.is_empty());
    for m in &messages {
        assert!(m.len() < 1_000, "{}…", &m[..200]);
    }
    assert!(
        messages
            .iter()
            .any(|m| m.contains("'Startnnn") && m.contains("nnnEndx'")),
        "{messages:?}"
    );
    let r = run(&["name.json"], &dir, LIMIT);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stdout.len() < 20_000, "{} bytes", r.stdout.len());
}

#[test]
fn yaml_merge_keys_are_expanded() {
    let text = "\
x-task: &task
  Type: Task
  Resource: arn:aws:states:::lambda:invoke
  TimeoutSeconds: 30
x-retry: &retry
  Retry:
    - ErrorEquals: [Lambda.ServiceException, Lambda.AWSLambdaException, Lambda.SdkClientException]
StartAt: A
States:
  A:
    <<: *task
    Parameters: {FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:f:live'}
    Next: B
  B:
    <<: [*task, *retry]
    Parameters: {FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:g:live'}
    End: true
";
    let diagnostics = common::lint_text(
        "merge.asl.yaml",
        text,
        asl_lint::config::WorkflowType::Standard,
    );
    let described: Vec<String> = diagnostics.iter().map(common::describe).collect();
    // Before: "state 'A' has no \"Type\"" and "unknown field \"<<\"" errors.
    assert!(
        described
            .iter()
            .all(|d| !d.contains("Type") && !d.contains("<<")),
        "{described:#?}"
    );
    // The merged fields are read: A has no Retry (B gets one from *retry).
    assert!(
        described
            .iter()
            .any(|d| d.contains("lambda-missing-retry") && d.contains("/States/A")),
        "{described:#?}"
    );
    assert!(
        !described
            .iter()
            .any(|d| d.contains("lambda-missing-retry") && d.contains("/States/B")),
        "{described:#?}"
    );
}

#[test]
fn utf16_and_utf32_files_are_decoded_and_their_encoding_reported() {
    let dir = scratch("hostile/encodings");
    let text =
        "\u{feff}{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": \"B\"}}}";
    let files = [
        (
            "le16.json",
            text.encode_utf16()
                .flat_map(u16::to_le_bytes)
                .collect::<Vec<u8>>(),
            "UTF-16 (little-endian)",
        ),
        (
            "be16.json",
            text.encode_utf16().flat_map(u16::to_be_bytes).collect(),
            "UTF-16 (big-endian)",
        ),
        (
            "le32.json",
            text.chars()
                .flat_map(|c| (c as u32).to_le_bytes())
                .collect(),
            "UTF-32 (little-endian)",
        ),
    ];
    for (name, bytes, encoding) in files {
        write(&dir, name, bytes);
        let r = run(&["--format", "json", name], &dir, LIMIT);
        assert_eq!(r.code, Some(1), "{}", r.stderr);
        let doc: Value = serde_json::from_str(&r.stdout).unwrap();
        let found: Vec<(String, String, u64)> = doc["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["rule"].as_str().unwrap().to_string(),
                    d["message"].as_str().unwrap().to_string(),
                    d["column"].as_u64().unwrap(),
                )
            })
            .collect();
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].0, "parse-error");
        assert!(found[0].1.contains(encoding), "{found:?}");
        // The definition itself is linted, columns as an editor shows the decoded text.
        assert_eq!((found[1].0.as_str(), found[1].2), ("unknown-target", 59));
    }
}

#[test]
fn numbers_are_quoted_as_the_file_writes_them() {
    let text = r#"{"StartAt": "A", "States": {
  "A": {"Type": "Wait", "Seconds": 1e400, "Next": "B"},
  "B": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:f:live"},
        "Retry": [{"ErrorEquals": ["States.ALL"]}],
        "TimeoutSeconds": 18446744073709551616, "HeartbeatSeconds": 1.50e20, "End": true}}}"#;
    let messages: Vec<String> = common::lint_text(
        "numbers.json",
        text,
        asl_lint::config::WorkflowType::Standard,
    )
    .into_iter()
    .map(|d| d.message)
    .collect();
    let has = |s: &str| messages.iter().any(|m| m.contains(s));
    // Before: "found inf", "found 18446744073709552000", "HeartbeatSeconds (150000000000000000000)".
    assert!(has("found 1e400"), "{messages:#?}");
    assert!(has("found 18446744073709551616"), "{messages:#?}");
    assert!(
        has("HeartbeatSeconds (1.50e20) of state 'B' must be less than its TimeoutSeconds (18446744073709551616)"),
        "{messages:#?}"
    );
    assert!(!has("inf") && !has("18446744073709552000"), "{messages:#?}");
}
