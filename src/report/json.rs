//! `--format json`: exactly one JSON document (version 1), written diagnostic by diagnostic.

use std::io::{self, Write};

use serde_json::{json, Map, Value};

use super::{Reporter, Summary};
use crate::diagnostic::Diagnostic;
use crate::lint::FileReport;

#[derive(Default)]
pub struct Json {
    started: bool,
    first: bool,
}

impl Json {
    fn start(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if !self.started {
            self.started = true;
            self.first = true;
            out.write_all(b"{\n  \"version\": 1,\n  \"diagnostics\": [")?;
        }
        Ok(())
    }
}

impl Reporter for Json {
    fn file(&mut self, report: &FileReport, out: &mut dyn Write) -> io::Result<()> {
        self.start(out)?;
        for d in &report.diagnostics {
            out.write_all(if self.first { b"\n    " } else { b",\n    " })?;
            self.first = false;
            write_indented(&diagnostic(&report.source.name, d), "    ", out)?;
        }
        Ok(())
    }

    fn finish(&mut self, summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
        self.start(out)?;
        out.write_all(if self.first { b"],\n" } else { b"\n  ],\n" })?;
        let mut counts = json!({
            "files": summary.files,
            "machines": summary.machines,
            "errors": summary.errors,
            "warnings": summary.warnings,
            "infos": summary.infos,
        });
        if let Some(b) = summary.baseline {
            counts["baselined"] = json!(b.baselined);
            counts["stale"] = json!(b.stale);
        }
        out.write_all(b"  \"summary\": ")?;
        write_indented(&counts, "  ", out)?;
        out.write_all(b"\n}\n")
    }
}

/// Pretty JSON nested at `indent` (what comes before its first line is already written):
/// strings never hold a raw newline, so indenting every line is safe.
fn write_indented(value: &Value, indent: &str, out: &mut dyn Write) -> io::Result<()> {
    let text = serde_json::to_vec_pretty(value).unwrap_or_default();
    let mut indented = Vec::with_capacity(text.len() + text.len() / 4);
    let mut line = 0;
    for newline in memchr::memchr_iter(b'\n', &text) {
        indented.extend_from_slice(&text[line..=newline]);
        indented.extend_from_slice(indent.as_bytes());
        line = newline + 1;
    }
    indented.extend_from_slice(&text[line..]);
    out.write_all(&indented)
}

pub fn render(reports: &[FileReport]) -> String {
    super::render_all(&mut Json::default(), reports)
}

fn diagnostic(path: &str, d: &Diagnostic) -> Value {
    let mut o = Map::new();
    o.insert("path".into(), json!(path));
    if let Some(machine) = &d.machine {
        o.insert("machine".into(), json!(machine));
    }
    o.insert("rule".into(), json!(d.rule));
    o.insert("severity".into(), json!(d.severity.as_str()));
    o.insert("message".into(), json!(d.message));
    if let Some(help) = &d.help {
        o.insert("help".into(), json!(help));
    }
    if let Some(state) = &d.state {
        o.insert("state".into(), json!(state));
    }
    o.insert("pointer".into(), json!(d.pointer));
    if let Some(pointer) = &d.definition_pointer {
        o.insert("definition_pointer".into(), json!(pointer));
    }
    o.insert("line".into(), json!(d.start.line));
    o.insert("column".into(), json!(d.start.column));
    o.insert("end_line".into(), json!(d.end.line));
    o.insert("end_column".into(), json!(d.end.column));
    o.insert("offset".into(), json!(d.span.start));
    o.insert("end_offset".into(), json!(d.span.end));
    let related: Vec<Value> = d
        .related
        .iter()
        .map(|r| {
            json!({
                "message": r.message,
                "line": r.start.line,
                "column": r.start.column,
                "pointer": r.pointer,
            })
        })
        .collect();
    o.insert("related".into(), Value::Array(related));
    if let Some(fix) = &d.fix {
        let edits: Vec<Value> = fix
            .edits
            .iter()
            .map(|e| json!({"offset": e.span.start, "end_offset": e.span.end, "replacement": e.replacement}))
            .collect();
        o.insert(
            "fix".into(),
            json!({"title": fix.title, "applicability": fix.applicability.as_str(), "edits": edits}),
        );
    }
    Value::Object(o)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::sample_reports;

    #[test]
    fn one_document_with_located_diagnostics() {
        let doc: Value = serde_json::from_str(&render(&sample_reports())).unwrap();
        assert_eq!(doc["version"], 1);
        assert_eq!(doc["summary"]["files"], 2);
        assert_eq!(doc["summary"]["machines"], 2);
        let d = &doc["diagnostics"][0];
        assert_eq!(d["path"], "broken.json");
        assert_eq!(d["rule"], "unknown-target");
        assert_eq!(d["pointer"], "/States/A/Next");
        assert_eq!(
            (d["line"].as_u64(), d["column"].as_u64()),
            (Some(1), Some(59))
        );
        assert_eq!(d["offset"], 58);
        assert_eq!(d["state"], "A");
        assert!(d["related"].as_array().unwrap().is_empty());
        assert_eq!(doc["diagnostics"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn empty_runs_are_one_document_too() {
        let doc: Value = serde_json::from_str(&render(&[])).unwrap();
        assert_eq!(doc["diagnostics"], json!([]));
        assert_eq!(doc["summary"]["files"], 0);
    }
}
