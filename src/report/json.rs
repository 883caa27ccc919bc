//! `--format json`: exactly one JSON document (version 1) on stdout.

use serde_json::{json, Map, Value};

use super::Summary;
use crate::diagnostic::Diagnostic;
use crate::lint::FileReport;

pub fn render(reports: &[FileReport]) -> String {
    render_with(reports, Summary::of(reports))
}

/// `render` with a summary the caller completed (e.g. with what a baseline absorbed).
pub fn render_with(reports: &[FileReport], summary: Summary) -> String {
    let diagnostics: Vec<Value> = reports
        .iter()
        .flat_map(|r| {
            r.diagnostics
                .iter()
                .map(move |d| diagnostic(&r.source.name, d))
        })
        .collect();
    let mut doc = json!({
        "version": 1,
        "diagnostics": diagnostics,
        "summary": {
            "files": summary.files,
            "errors": summary.errors,
            "warnings": summary.warnings,
            "infos": summary.infos,
        }
    });
    if let Some(b) = summary.baseline {
        doc["summary"]["baselined"] = json!(b.baselined);
        doc["summary"]["stale"] = json!(b.stale);
    }
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
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
        let d = &doc["diagnostics"][0];
        assert_eq!(d["path"], "broken.json");
        assert_eq!(d["rule"], "unknown-target");
        assert_eq!(d["pointer"], "/States/A/Next");
        assert_eq!(
            (d["line"].as_u64(), d["column"].as_u64()),
            (Some(1), Some(59))
        );
        assert_eq!(d["state"], "A");
        assert!(d["related"].as_array().unwrap().is_empty());
        assert_eq!(doc["diagnostics"].as_array().unwrap().len(), 1);
    }
}
