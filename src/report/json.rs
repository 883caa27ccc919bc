//! `--format json`: exactly one JSON document (version 1) on stdout.

use std::cell::Cell;

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use super::Summary;
use crate::diagnostic::{Diagnostic, Related};
use crate::lint::FileReport;

/// Serialized straight from the reports, without building a `serde_json::Value` first: on a
/// file with hundreds of thousands of findings that tree took more memory than the output.
pub fn render(reports: &[FileReport]) -> String {
    let summary = Summary::of(reports);
    let entries = reports.iter().flat_map(|r| {
        r.diagnostics.iter().map(move |d| Entry {
            path: &r.source.name,
            d,
        })
    });
    let summary = SummaryFields {
        files: summary.files,
        errors: summary.errors,
        warnings: summary.warnings,
        infos: summary.infos,
    };
    let doc = Document {
        diagnostics: Seq::new(entries),
        summary,
    };
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

/// `{"version": 1, "diagnostics": [...], "summary": {...}}`.
struct Document<I> {
    diagnostics: Seq<I>,
    summary: SummaryFields,
}

impl<I: Iterator<Item = T>, T: Serialize> Serialize for Document<I> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut doc = serializer.serialize_struct("Document", 3)?;
        doc.serialize_field("version", &1)?;
        doc.serialize_field("diagnostics", &self.diagnostics)?;
        doc.serialize_field("summary", &self.summary)?;
        doc.end()
    }
}

#[derive(Serialize)]
struct SummaryFields {
    files: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
}

/// A sequence serialized from an iterator, once.
struct Seq<I>(Cell<Option<I>>);

impl<I> Seq<I> {
    fn new(items: I) -> Self {
        Seq(Cell::new(Some(items)))
    }
}

impl<I: Iterator<Item = T>, T: Serialize> Serialize for Seq<I> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.take().into_iter().flatten())
    }
}

/// One diagnostic; the fields in this order.
struct Entry<'a> {
    path: &'a str,
    d: &'a Diagnostic,
}

impl Serialize for Entry<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let d = self.d;
        #[derive(Serialize)]
        struct Fields<'a> {
            path: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            machine: Option<&'a str>,
            rule: &'a str,
            severity: &'a str,
            message: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            help: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            state: Option<&'a str>,
            pointer: &'a str,
            line: usize,
            column: usize,
            end_line: usize,
            end_column: usize,
            related: Vec<RelatedFields<'a>>,
        }
        Fields {
            path: self.path,
            machine: d.machine.as_deref(),
            rule: d.rule,
            severity: d.severity.as_str(),
            message: &d.message,
            help: d.help.as_deref(),
            state: d.state.as_deref(),
            pointer: &d.pointer,
            line: d.start.line,
            column: d.start.column,
            end_line: d.end.line,
            end_column: d.end.column,
            related: d.related.iter().map(RelatedFields::from).collect(),
        }
        .serialize(serializer)
    }
}

#[derive(Serialize)]
struct RelatedFields<'a> {
    message: &'a str,
    line: usize,
    column: usize,
    pointer: &'a str,
}

impl<'a> From<&'a Related> for RelatedFields<'a> {
    fn from(r: &'a Related) -> Self {
        RelatedFields {
            message: &r.message,
            line: r.start.line,
            column: r.start.column,
            pointer: &r.pointer,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::sample_reports;
    use serde_json::Value;

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
