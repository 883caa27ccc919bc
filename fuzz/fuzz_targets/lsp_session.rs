//! The language server's message handling: a whole session run in-process on bytes. The first
//! byte picks the shape: raw client bytes after the handshake (framing, malformed JSON, any
//! method with any params), or a scripted session on the rest as a document (open, hover,
//! definition, symbols, code actions, incremental edits with positions in, between and past
//! its characters). Every message the server writes must be framed JSON, and a scripted
//! session must get one answer per request and end with exit code 0.
#![no_main]

use std::io::{Cursor, Write};
use std::sync::{Arc, Mutex};

use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};

#[derive(Clone, Default)]
struct Output(Arc<Mutex<Vec<u8>>>);

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn frame(input: &mut Vec<u8>, message: Value) {
    let body = message.to_string();
    write!(input, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
}

/// Positions spread over the document: inside lines, at their ends, and past both.
fn positions(text: &str, seed: u8) -> Vec<Value> {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out = Vec::new();
    for k in 0..6usize {
        let line = lines.len() * k / 6;
        let width = lines.get(line).map_or(0, |l| l.encode_utf16().count());
        let character = match (seed as usize + k) % 4 {
            0 => width / 2,
            1 => width,
            2 => width + 7,
            _ => (width * 3 / 4) | 1,
        };
        out.push(json!({"line": line, "character": character}));
    }
    out.push(json!({"line": lines.len() + 3, "character": 0}));
    out
}

fn scripted(input: &mut Vec<u8>, mode: u8, text: &str) -> usize {
    let yaml = !matches!(text.trim_start().as_bytes().first(), Some(b'{' | b'['));
    let uri = if yaml {
        "untitled:fuzz.asl.yaml"
    } else {
        "untitled:fuzz.asl.json"
    };
    let doc = json!({"uri": uri});
    frame(
        input,
        json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params":
        {"textDocument": {"uri": uri, "languageId": if yaml {"yaml"} else {"json"}, "version": 1, "text": text}}}),
    );
    let mut id = 10;
    let mut ask = |input: &mut Vec<u8>, method: &str, params: Value| {
        id += 1;
        frame(
            input,
            json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}),
        );
    };
    let spots = positions(text, mode);
    for (i, position) in spots.iter().enumerate() {
        let at = json!({"textDocument": doc, "position": position});
        ask(
            input,
            if i % 2 == 0 {
                "textDocument/hover"
            } else {
                "textDocument/definition"
            },
            at,
        );
    }
    ask(
        input,
        "textDocument/documentSymbol",
        json!({"textDocument": doc}),
    );
    let whole = json!({"start": {"line": 0, "character": 0}, "end": spots[spots.len() - 1]});
    ask(
        input,
        "textDocument/codeAction",
        json!({"textDocument": doc, "range": whole,
        "context": {"diagnostics": []}}),
    );
    // An edit between two of the positions (reversed when the mode says so), then requests on
    // the edited text, then the original text back whole.
    let (a, b) = (&spots[1], &spots[3]);
    let range = if mode & 4 == 0 {
        json!({"start": a, "end": b})
    } else {
        json!({"start": b, "end": a})
    };
    let inserted = ["", "x", "\"Next\": \"", "é\u{1F600}\n", "{% $x %}"][(mode as usize >> 3) % 5];
    frame(
        input,
        json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params":
        {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"range": range, "text": inserted}]}}),
    );
    for position in &spots[..3] {
        ask(
            input,
            "textDocument/hover",
            json!({"textDocument": doc, "position": position}),
        );
    }
    ask(
        input,
        "textDocument/codeAction",
        json!({"textDocument": doc, "range": whole,
        "context": {"diagnostics": []}}),
    );
    frame(
        input,
        json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params":
        {"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"text": text}]}}),
    );
    ask(
        input,
        "textDocument/documentSymbol",
        json!({"textDocument": doc}),
    );
    frame(
        input,
        json!({"jsonrpc": "2.0", "method": "textDocument/didClose", "params": {"textDocument": doc}}),
    );
    id - 10
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let mut input = Vec::new();
    let encodings = if mode & 2 == 0 {
        json!(["utf-16"])
    } else {
        json!(["utf-8", "utf-16"])
    };
    frame(
        &mut input,
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params":
        {"processId": null, "rootUri": null, "capabilities": {"general": {"positionEncodings": encodings}}}}),
    );
    frame(
        &mut input,
        json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
    );
    let requests = if mode & 1 == 0 {
        input.extend_from_slice(rest);
        None
    } else {
        Some(scripted(&mut input, mode, &String::from_utf8_lossy(rest)))
    };
    frame(
        &mut input,
        json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}),
    );
    frame(&mut input, json!({"jsonrpc": "2.0", "method": "exit"}));

    let output = Output::default();
    let code = asl_lint::lsp::serve(Cursor::new(input), output.clone());
    let written = output.0.lock().unwrap().clone();
    let mut rest = &written[..];
    let mut answered = 0;
    while !rest.is_empty() {
        let header_end = rest
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a framed message");
        let header = std::str::from_utf8(&rest[..header_end]).expect("an ASCII header");
        let length: usize = header
            .strip_prefix("Content-Length: ")
            .and_then(|n| n.parse().ok())
            .expect("a Content-Length header");
        let body = &rest[header_end + 4..header_end + 4 + length];
        let message: Value = serde_json::from_slice(body).expect("a JSON message");
        assert_eq!(message["jsonrpc"], "2.0");
        let scripted_answer = message
            .get("id")
            .is_some_and(|id| id.as_i64().is_some_and(|n| n > 10));
        if requests.is_some() && scripted_answer {
            assert!(
                message.get("result").is_some(),
                "an error answer: {message}"
            );
            answered += 1;
        }
        rest = &rest[header_end + 4 + length..];
    }
    if let Some(requests) = requests {
        assert_eq!(answered, requests, "one answer per request");
        assert_eq!(code, 0, "shutdown then exit ends with 0");
    }
});
