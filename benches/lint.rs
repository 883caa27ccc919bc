//! `cargo bench`: throughput of the whole pipeline.
//! - the shared corpus linted in-process and by one invocation of the release binary
//!   (wall time including process start),
//! - a generated 10,000-state machine,
//! - generated machines of 1k…100k states, to show time grows linearly with size,
//! - one-line (minified) machines of 5k…200k states with two findings a state, linted and
//!   reported in JSON and in the human format, to show that long lines stay linear too
//!   (`cargo bench -- one-line` runs only these).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use asl_lint::config::LintOptions;
use asl_lint::lint::{lint_bytes, Selection};
use asl_lint::report::{human, json};

// The same allocator as the binary, so in-process numbers match what users get.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(f());
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// A chain of Task / Choice / Pass / Wait states with Retry and Catch, like real machines.
/// Every Task assigns workflow variables (one of eight names in turn, and a step counter) and
/// every Pass reads two of them, so the variables analysis has work on every state.
pub fn generated_machine(states: usize) -> String {
    let mut out =
        String::from("{\n  \"Comment\": \"generated\",\n  \"StartAt\": \"S0\",\n  \"States\": {\n");
    for i in 0..states {
        let next = format!("S{}", i + 1);
        let state = match i % 4 {
            0 => format!(
                r#"{{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {{"FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:step{i}:live", "Payload": {{"id.$": "$.order.id", "step": {i}}}}}, "ResultSelector": {{"value.$": "$.Payload"}}, "ResultPath": "$.r{i}", "TimeoutSeconds": 30, "Retry": [{{"ErrorEquals": ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException"], "IntervalSeconds": 2, "MaxAttempts": 3, "BackoffRate": 2}}], "Catch": [{{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Failed"}}], "Assign": {{"step": {i}, "value{}.$": "$.Payload"}}, "Next": "{next}"}}"#,
                (i / 4) % 8
            ),
            1 => format!(
                r#"{{"Type": "Choice", "Choices": [{{"And": [{{"Variable": "$.r{}.value", "IsPresent": true}}, {{"Variable": "$.count", "NumericLessThan": 10}}], "Next": "{next}"}}], "Default": "Failed"}}"#,
                i - 1
            ),
            2 => format!(
                r#"{{"Type": "Pass", "Parameters": {{"count.$": "States.MathAdd($.count, 1)", "order.$": "$.order", "step.$": "$step", "value.$": "$value{}"}}, "Next": "{next}"}}"#,
                (i / 4) % 8
            ),
            _ => format!(r#"{{"Type": "Wait", "Seconds": 1, "Next": "{next}"}}"#),
        };
        out.push_str(&format!("    \"S{i}\": {state},\n"));
    }
    out.push_str(&format!(
        "    \"S{states}\": {{\"Type\": \"Succeed\"}},\n    \"Failed\": {{\"Type\": \"Fail\", \"Error\": \"Failed\"}}\n  }}\n}}\n"
    ));
    out
}

fn corpus_files() -> Vec<PathBuf> {
    let dir = std::env::var_os("ASL_LINT_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"))
        .join("asl");
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

fn lint(name: &str, bytes: &[u8]) -> usize {
    lint_bytes(
        name,
        bytes.to_vec(),
        Selection::Always,
        &LintOptions::default(),
    )
    .map_or(0, |r| r.diagnostics.len())
}

/// A minified definition of `states` Task states on one line, each with two findings (an
/// unversioned Lambda without Retry).
fn one_line_machine(states: usize) -> String {
    let mut out = String::from(r#"{"Comment":"generated","StartAt":"S0","States":{"#);
    for i in 0..states {
        out.push_str(&format!(
            r#""S{i}":{{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{{"FunctionName":"arn:aws:lambda:us-east-1:123456789012:function:step{i}","Payload":{{"id.$":"$.order.id","step":{i}}}}},"ResultPath":"$.r{i}","Next":"S{}"}},"#,
            i + 1
        ));
    }
    out.push_str(&format!(r#""S{states}":{{"Type":"Succeed"}}}}}}"#));
    out
}

fn one_line() {
    println!(
        "one-line definitions, lint and report (states, MB, findings, format, ms, µs per state):"
    );
    for states in [5_000, 20_000, 200_000] {
        let machine = one_line_machine(states);
        let runs = if states >= 200_000 { 1 } else { 3 };
        let mut findings = 0;
        for format in ["json", "human"] {
            let t = best_of(runs, || {
                let report = lint_bytes(
                    "one-line.asl.json",
                    machine.as_bytes().to_vec(),
                    Selection::Always,
                    &LintOptions::default(),
                )
                .expect("a definition");
                findings = report.diagnostics.len();
                let reports = [report];
                match format {
                    "json" => json::render(&reports),
                    _ => human::render(
                        &reports,
                        &human::Style {
                            color: false,
                            width: 100,
                        },
                    ),
                }
                .len()
            });
            println!(
                "  {states:>7} {:>6.1} {findings:>7} {format:>5} {:>9.1} {:>6.2}",
                machine.len() as f64 / 1e6,
                ms(t),
                t.as_secs_f64() * 1e6 / states as f64
            );
        }
    }
}

fn main() {
    if std::env::args().any(|a| a == "one-line") {
        one_line();
        return;
    }
    let files = corpus_files();
    if files.is_empty() {
        println!("corpus: skipped (no ../shared/corpus/asl)");
    } else {
        let inputs: Vec<(String, Vec<u8>)> = files
            .iter()
            .map(|p| (p.display().to_string(), std::fs::read(p).unwrap()))
            .collect();
        let bytes: usize = inputs.iter().map(|(_, b)| b.len()).sum();
        let t = best_of(20, || inputs.iter().map(|(n, b)| lint(n, b)).sum::<usize>());
        println!(
            "corpus in-process: {} files, {:.2} MB in {:.2} ms: {:.0} files/s, {:.1} MB/s",
            inputs.len(),
            bytes as f64 / 1e6,
            ms(t),
            inputs.len() as f64 / t.as_secs_f64(),
            bytes as f64 / 1e6 / t.as_secs_f64()
        );
        let corpus_dir = files[0].parent().unwrap().parent().unwrap().to_path_buf();
        let t = best_of(10, || {
            Command::new(env!("CARGO_BIN_EXE_asl-lint"))
                .args(["--format", "json", "--fail-on", "never"])
                .arg(&corpus_dir)
                .stdout(Stdio::null())
                .status()
                .unwrap()
        });
        println!(
            "corpus, one release-binary invocation (wall, incl. process start): {:.2} ms",
            ms(t)
        );
    }

    let machine = generated_machine(10_000);
    let t = best_of(10, || lint("generated.asl.json", machine.as_bytes()));
    println!(
        "10,000-state machine: {:.2} MB in {:.2} ms: {:.1} MB/s",
        machine.len() as f64 / 1e6,
        ms(t),
        machine.len() as f64 / 1e6 / t.as_secs_f64()
    );

    println!("linearity (states, ms, µs per state):");
    for states in [1_000, 10_000, 100_000] {
        let machine = generated_machine(states);
        let runs = if states >= 100_000 { 3 } else { 10 };
        let t = best_of(runs, || lint("generated.asl.json", machine.as_bytes()));
        println!(
            "  {states:>7} {:>9.2} {:>7.2}",
            ms(t),
            t.as_secs_f64() * 1e6 / states as f64
        );
    }
    one_line();
}
