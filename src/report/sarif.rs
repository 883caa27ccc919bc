//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning reads it: every rule in
//! `tool.driver.rules` with its document as help, results with paths relative to the working
//! directory under `%SRCROOT%`, UTF-16 columns (SARIF's default), related locations, fixes,
//! and `partialFingerprints` built from what a finding is about, not where it sits.

use std::io::{self, Write};

use serde_json::{json, Value};

use super::{relative_path, Reporter, Summary};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::FileReport;
use crate::rules::{Rule, RULES};
use crate::source::SourceFile;

pub const INFORMATION_URI: &str = env!("CARGO_PKG_REPOSITORY");

#[derive(Default)]
pub struct Sarif {
    started: bool,
    results: usize,
}

impl Sarif {
    fn start(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if self.started {
            return Ok(());
        }
        self.started = true;
        let cwd = std::env::current_dir().unwrap_or_default();
        let run = json!({
            "tool": {"driver": {
                "name": "asl-lint",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": INFORMATION_URI,
                "rules": RULES.iter().map(|r| rule(r)).collect::<Vec<_>>(),
            }},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": directory_uri(&cwd.to_string_lossy())}},
            "columnKind": "utf16CodeUnits",
        });
        // The run object is written open, so results can follow one by one.
        let mut text = serde_json::to_string_pretty(&json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [run],
        }))
        .unwrap_or_default();
        // Strip the closing `}\n  ]\n}` of the run, runs and document.
        let cut = text.trim_end().len() - "}\n  ]\n}".len();
        text.truncate(cut);
        let text = text.trim_end().to_string();
        out.write_all(text.as_bytes())?;
        out.write_all(b",\n      \"results\": [")
    }
}

impl Reporter for Sarif {
    fn file(&mut self, report: &FileReport, out: &mut dyn Write) -> io::Result<()> {
        self.start(out)?;
        let path = relative_path(&report.source.name);
        for d in &report.diagnostics {
            out.write_all(if self.results == 0 {
                b"\n        "
            } else {
                b",\n        "
            })?;
            self.results += 1;
            let text = serde_json::to_string(&result(d, &path, &report.source)).unwrap_or_default();
            out.write_all(text.as_bytes())?;
        }
        Ok(())
    }

    fn finish(&mut self, _: &Summary, out: &mut dyn Write) -> io::Result<()> {
        self.start(out)?;
        out.write_all(if self.results == 0 {
            b"]"
        } else {
            b"\n      ]"
        })?;
        out.write_all(b"\n    }\n  ]\n}\n")
    }
}

fn rule(rule: &Rule) -> Value {
    let full = rule
        .doc
        .lines()
        .skip(1)
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or(rule.summary);
    json!({
        "id": rule.id,
        "name": camel_case(rule.id),
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": full},
        "help": {"text": rule.doc, "markdown": rule.doc},
        "helpUri": format!("{INFORMATION_URI}/blob/main/rules/{}.md", rule.id),
        "defaultConfiguration": {"level": level(rule.severity)},
        "properties": {"category": rule.category.as_str(), "tags": [rule.category.as_str()]},
    })
}

fn result(d: &Diagnostic, path: &str, source: &SourceFile) -> Value {
    let rule_index = RULES.iter().position(|r| r.id == d.rule);
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let location = |start: usize, end: usize| {
        let (start_line, start_column) = utf16_line_column(source, start);
        let (end_line, end_column) = utf16_line_column(source, end);
        json!({
            "artifactLocation": {"uri": uri_path(path), "uriBaseId": "%SRCROOT%"},
            "region": {
                "startLine": start_line, "startColumn": start_column,
                "endLine": end_line, "endColumn": end_column,
            },
        })
    };
    let mut result = json!({
        "ruleId": d.rule,
        "level": level(d.severity),
        "message": {"text": message},
        "locations": [{
            "physicalLocation": location(d.span.start, d.span.end),
            "logicalLocations": [{"fullyQualifiedName": d.pointer, "kind": "member"}],
        }],
        "partialFingerprints": {"aslLintFinding/v1": d.fingerprint(path)},
    });
    if let Some(index) = rule_index {
        result["ruleIndex"] = json!(index);
    }
    if !d.related.is_empty() {
        result["relatedLocations"] = d
            .related
            .iter()
            .enumerate()
            .map(|(i, r)| {
                json!({
                    "id": i + 1,
                    "physicalLocation": location(r.span.start, r.span.end),
                    "message": {"text": r.message},
                })
            })
            .collect();
    }
    if let Some(fix) = &d.fix {
        let replacements: Vec<Value> = fix
            .edits
            .iter()
            .map(|e| {
                json!({
                    "deletedRegion": {"byteOffset": e.span.start, "byteLength": e.span.len()},
                    "insertedContent": {"text": e.replacement},
                })
            })
            .collect();
        result["fixes"] = json!([{
            "description": {"text": format!("{} ({})", fix.title, fix.applicability.as_str())},
            "artifactChanges": [{
                "artifactLocation": {"uri": uri_path(path), "uriBaseId": "%SRCROOT%"},
                "replacements": replacements,
            }],
        }]);
    }
    let mut properties = serde_json::Map::new();
    for (key, value) in [
        ("machine", d.machine.as_deref()),
        ("state", d.state.as_deref()),
        ("pointer", Some(d.pointer.as_str())),
        ("definitionPointer", d.definition_pointer.as_deref()),
    ] {
        if let Some(value) = value {
            properties.insert(key.into(), json!(value));
        }
    }
    result["properties"] = Value::Object(properties);
    result
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// `unknown-target` → `UnknownTarget`, SARIF's readable rule name.
fn camel_case(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// 1-based line and UTF-16 column of a byte offset.
fn utf16_line_column(source: &SourceFile, offset: usize) -> (usize, usize) {
    let lc = source.line_col(offset);
    // Characters outside the Basic Multilingual Plane take two UTF-16 units.
    let line_start = source.line_starts()[lc.line - 1];
    let end = offset.min(source.text.len());
    let astral = source
        .text
        .get(line_start..end)
        .map_or(0, |s| s.chars().filter(|c| c.len_utf16() == 2).count());
    (lc.line, lc.column + astral)
}

/// A relative path as a URI reference: `/`-separated, each byte outside the unreserved set
/// percent-encoded.
fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn directory_uri(dir: &str) -> String {
    let dir = dir.replace('\\', "/");
    let mut uri = format!(
        "file://{}",
        uri_path(if dir.starts_with('/') { &dir } else { "/" })
    );
    if !dir.starts_with('/') {
        uri.push_str(&uri_path(&dir));
    }
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{render_all, tests::sample_reports};

    #[test]
    fn one_document_with_rules_and_results() {
        let out = render_all(&mut Sarif::default(), &sample_reports());
        let doc: Value = serde_json::from_str(&out).unwrap();
        let run = &doc["runs"][0];
        assert_eq!(
            run["tool"]["driver"]["rules"].as_array().unwrap().len(),
            RULES.len()
        );
        let result = &run["results"][0];
        assert_eq!(result["ruleId"], "unknown-target");
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            run["tool"]["driver"]["rules"][index]["id"],
            "unknown-target"
        );
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert_eq!(
            (region["startLine"].as_u64(), region["startColumn"].as_u64()),
            (Some(1), Some(59))
        );
        let empty: Value = serde_json::from_str(&render_all(&mut Sarif::default(), &[])).unwrap();
        assert_eq!(empty["runs"][0]["results"], json!([]));
    }

    #[test]
    fn uris_are_encoded() {
        assert_eq!(uri_path("a b/ü.json"), "a%20b/%C3%BC.json");
        assert_eq!(directory_uri("/work/x y"), "file:///work/x%20y/");
    }
}
