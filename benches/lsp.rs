//! `cargo bench --bench lsp`: how long an editor waits for diagnostics. The release binary runs
//! as `asl-lint lsp`; the bench speaks JSON-RPC to it as an editor does and times each edit of a
//! 2,000-state definition, from writing the `didChange` to reading the `publishDiagnostics`
//! for that version:
//! - one-character edits sent as ranges (incremental sync, what editors send),
//! - the same edits sent as the whole text (full sync),
//! - a burst of 20 edits written back to back, timed from the last one: the server lints the
//!   newest text, not every version in between.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const STATES: usize = 2_000;
const EDITS: usize = 60;

fn main() {
    let dir = std::env::temp_dir().join(format!("asl-lint-lsp-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    let path = dir.join("big.asl.json");
    let text = machine(STATES);
    std::fs::write(&path, &text).unwrap();
    let uri = format!("file://{}", path.display());

    let mut child = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .arg("lsp")
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("asl-lint starts");
    let mut server = Server {
        stdin: child.stdin.take().unwrap(),
        incoming: reader(child.stdout.take().unwrap()),
    };
    server.send(
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}),
    );
    server.wait(|m| m["id"] == 1);
    server.notify("initialized", json!({}));
    let start = Instant::now();
    server.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "json", "version": 1, "text": text}}),
    );
    let first = server.published(&uri, 1);
    println!(
        "{STATES}-state definition, {} KB, {} lines: first diagnostics after opening in {:.1} ms ({} findings)",
        text.len() / 1024,
        text.lines().count(),
        ms(start.elapsed()),
        first.len()
    );

    // Each edit changes one Wait state's seconds: 1 ↔ 2, in the middle of the file.
    let line = text[..text.find("    \"S1003\":").unwrap()]
        .matches('\n')
        .count();
    let column = text
        .lines()
        .nth(line)
        .unwrap()
        .find("\"Seconds\": 1")
        .unwrap()
        + 11;
    let mut version = 1;
    let mut current = text.clone();
    let mut edit = |server: &mut Server, version: i64, incremental: bool| {
        let digit = if version % 2 == 0 { "2" } else { "1" };
        let line_start: usize = current.split_inclusive('\n').take(line).map(str::len).sum();
        current.replace_range(line_start + column..line_start + column + 1, digit);
        let change = if incremental {
            json!({"range": {"start": {"line": line, "character": column}, "end": {"line": line, "character": column + 1}}, "text": digit})
        } else {
            json!({"text": current})
        };
        server.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}),
        );
    };

    for (name, incremental) in [("incremental", true), ("full text", false)] {
        let mut times = Vec::new();
        for _ in 0..EDITS {
            version += 1;
            let start = Instant::now();
            edit(&mut server, version, incremental);
            server.published(&uri, version);
            times.push(start.elapsed());
        }
        report(&format!("edit → diagnostics, {name} sync"), &mut times);
    }

    let mut times = Vec::new();
    let mut published = 0;
    for _ in 0..10 {
        for _ in 0..20 {
            version += 1;
            edit(&mut server, version, true);
        }
        let start = Instant::now();
        published += server.count_until(&uri, version);
        times.push(start.elapsed());
    }
    report("burst of 20 edits: last edit → its diagnostics", &mut times);
    println!("  {published} publications for 200 edited versions");

    server.send(json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}));
    server.wait(|m| m["id"] == 2);
    server.notify("exit", Value::Null);
    let status = child.wait().unwrap();
    assert!(status.success());
    let _ = std::fs::remove_dir_all(&dir);
}

struct Server {
    stdin: ChildStdin,
    incoming: Receiver<Value>,
}

impl Server {
    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn wait(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        loop {
            let message = self
                .incoming
                .recv_timeout(Duration::from_secs(60))
                .expect("the server answers");
            if wanted(&message) {
                return message;
            }
        }
    }

    fn published(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let message = self.wait(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == version
        });
        message["params"]["diagnostics"].as_array().unwrap().clone()
    }

    /// Publications for `uri` up to and including `version`'s.
    fn count_until(&mut self, uri: &str, version: i64) -> usize {
        let mut count = 0;
        loop {
            let m = self.wait(|m| m["method"] == "textDocument/publishDiagnostics");
            if m["params"]["uri"] == uri {
                count += 1;
                let got = m["params"]["version"].as_i64().unwrap();
                assert!(got <= version, "a version from the future");
                if got == version {
                    return count;
                }
            }
        }
    }
}

fn reader(stdout: impl Read + Send + 'static) -> Receiver<Value> {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        loop {
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some(n) = line.strip_prefix("Content-Length: ") {
                    length = n.parse().unwrap();
                }
            }
            let mut body = vec![0; length];
            if reader.read_exact(&mut body).is_err() {
                return;
            }
            if sender.send(serde_json::from_slice(&body).unwrap()).is_err() {
                return;
            }
        }
    });
    receiver
}

fn report(name: &str, times: &mut [Duration]) {
    times.sort();
    let at = |q: f64| ms(times[((times.len() - 1) as f64 * q).round() as usize]);
    println!(
        "{name}: median {:.1} ms, p90 {:.1} ms, max {:.1} ms ({} runs)",
        at(0.5),
        at(0.9),
        at(1.0),
        times.len()
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// A chain of Task / Choice / Pass / Wait states with Retry and Catch, one state per line,
/// like `benches/lint.rs` generates.
fn machine(states: usize) -> String {
    let mut out =
        String::from("{\n  \"Comment\": \"generated\",\n  \"StartAt\": \"S0\",\n  \"States\": {\n");
    for i in 0..states {
        let next = format!("S{}", i + 1);
        let state = match i % 4 {
            0 => format!(
                r#"{{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {{"FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:step{i}:live", "Payload": {{"id.$": "$.order.id", "step": {i}}}}}, "ResultSelector": {{"value.$": "$.Payload"}}, "ResultPath": "$.r{i}", "TimeoutSeconds": 30, "Retry": [{{"ErrorEquals": ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException"], "IntervalSeconds": 2, "MaxAttempts": 3, "BackoffRate": 2}}], "Catch": [{{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Failed"}}], "Next": "{next}"}}"#
            ),
            1 => format!(
                r#"{{"Type": "Choice", "Choices": [{{"And": [{{"Variable": "$.r{}.value", "IsPresent": true}}, {{"Variable": "$.count", "NumericLessThan": 10}}], "Next": "{next}"}}], "Default": "Failed"}}"#,
                i - 1
            ),
            2 => format!(
                r#"{{"Type": "Pass", "Parameters": {{"count.$": "States.MathAdd($.count, 1)", "order.$": "$.order"}}, "Next": "{next}"}}"#
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
