//! CI annotations: `--format github` (workflow commands, shown on the pull request's diff)
//! and `--format gitlab` (a Code Quality report, shown in the merge request).

use std::io::{self, Write};

use super::{relative_path, Reporter, Summary};
use crate::diagnostic::Severity;
use crate::lint::FileReport;

#[derive(Default)]
pub struct Github;

impl Reporter for Github {
    fn file(&mut self, report: &FileReport, out: &mut dyn Write) -> io::Result<()> {
        let path = relative_path(&report.source.name);
        for d in &report.diagnostics {
            let command = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let mut message = d.message.clone();
            if let Some(help) = &d.help {
                message.push_str("\nhelp: ");
                message.push_str(help);
            }
            writeln!(
                out,
                "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                escape_property(&path),
                d.start.line,
                d.start.column,
                d.end.line,
                d.end.column,
                escape_property(d.rule),
                escape_data(&message)
            )?;
        }
        Ok(())
    }

    fn finish(&mut self, summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "{}", summary.line())
    }
}

/// A workflow command's message: `%`, CR and LF are escaped, so one command is one line.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value: also `:` and `,`, which separate properties.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// GitLab Code Quality: one JSON array of issues, streamed.
#[derive(Default)]
pub struct Gitlab {
    written: usize,
}

impl Reporter for Gitlab {
    fn file(&mut self, report: &FileReport, out: &mut dyn Write) -> io::Result<()> {
        let path = relative_path(&report.source.name);
        // GitLab merges issues with equal fingerprints, so repeats of one finding (same rule,
        // state and pointer) are told apart by their order.
        let mut seen = crate::hash::FastMap::<String, usize>::default();
        for d in &report.diagnostics {
            let base = d.fingerprint(&path);
            let n = seen.entry(base.clone()).or_default();
            let fingerprint = if *n == 0 { base } else { format!("{base}-{n}") };
            *n += 1;
            let issue = serde_json::json!({
                "description": d.message,
                "check_name": d.rule,
                "fingerprint": fingerprint,
                "severity": match d.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                    Severity::Info => "info",
                },
                "location": {"path": path, "lines": {"begin": d.start.line, "end": d.end.line}},
            });
            out.write_all(if self.written == 0 {
                b"[\n  "
            } else {
                b",\n  "
            })?;
            self.written += 1;
            out.write_all(serde_json::to_string(&issue).unwrap_or_default().as_bytes())?;
        }
        Ok(())
    }

    fn finish(&mut self, _: &Summary, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(if self.written == 0 { b"[]\n" } else { b"\n]\n" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{render_all, tests::sample_reports};

    #[test]
    fn workflow_commands_escape_what_would_break_them() {
        assert_eq!(escape_data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
        let out = render_all(&mut Github, &sample_reports());
        let first = out.lines().next().unwrap();
        assert!(
            first.starts_with("::error file=broken.json,line=1,col=59,endLine=1,endColumn=62,title=unknown-target::"),
            "{first}"
        );
    }

    #[test]
    fn gitlab_report_is_one_array() {
        let out = render_all(&mut Gitlab::default(), &sample_reports());
        let issues: serde_json::Value = serde_json::from_str(&out).unwrap();
        let issue = &issues[0];
        assert_eq!(issue["check_name"], "unknown-target");
        assert_eq!(issue["severity"], "major");
        assert_eq!(issue["location"]["path"], "broken.json");
        assert_eq!(issue["location"]["lines"]["begin"], 1);
        assert_eq!(issue["fingerprint"].as_str().unwrap().len(), 16);
        let none: serde_json::Value =
            serde_json::from_str(&render_all(&mut Gitlab::default(), &[])).unwrap();
        assert_eq!(none, serde_json::json!([]));
    }
}
