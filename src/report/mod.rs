//! Reporters turn located diagnostics into output. They are the only code that prints findings.
//! Each is a thin adapter over `FileReport`s, written file by file as the engine hands them
//! over, so output streams and memory stays flat.

pub mod ci;
pub mod color;
pub mod concise;
mod excerpt;
pub mod graph;
pub mod human;
pub mod json;
pub mod sarif;

use std::io::{self, Write};

use crate::diagnostic::Severity;
use crate::lint::FileReport;

/// Writes one file's findings at a time, then whatever closes the output.
pub trait Reporter {
    fn file(&mut self, report: &FileReport, out: &mut dyn Write) -> io::Result<()>;
    fn finish(&mut self, summary: &Summary, out: &mut dyn Write) -> io::Result<()>;
}

/// Runs a reporter over reports held in memory (tests, small callers).
pub fn render_all(reporter: &mut dyn Reporter, reports: &[FileReport]) -> String {
    let mut out = Vec::new();
    for report in reports {
        let _ = reporter.file(report, &mut out);
    }
    let _ = reporter.finish(&Summary::of(reports), &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// A path as CI systems want it: relative to the working directory when it is inside it,
/// with `/` separators.
pub fn relative_path(name: &str) -> String {
    let path = std::path::Path::new(name);
    let relative = if path.is_absolute() {
        std::env::current_dir()
            .ok()
            .and_then(|cwd| path.strip_prefix(cwd).ok().map(|p| p.to_path_buf()))
            .unwrap_or_else(|| path.to_path_buf())
    } else {
        path.to_path_buf()
    };
    let shown = relative.to_string_lossy().replace('\\', "/");
    shown
        .strip_prefix("./")
        .map(str::to_string)
        .unwrap_or(shown)
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    /// State machines linted: definitions, and each machine a template declares.
    pub machines: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// Set when a baseline was applied: what it absorbed and how much of it is stale.
    pub baseline: Option<crate::baseline::Applied>,
}

impl Summary {
    pub fn of(reports: &[FileReport]) -> Summary {
        let mut s = Summary::default();
        for report in reports {
            s.add(report);
        }
        s
    }

    pub fn add(&mut self, report: &FileReport) {
        self.files += 1;
        self.machines += report.machines;
        for d in &report.diagnostics {
            match d.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
                Severity::Info => self.infos += 1,
            }
        }
    }

    /// `1 error, 2 warnings in 1 file (1 state machine)`; infos are named only when there
    /// are some.
    pub fn line(&self) -> String {
        let mut counts = vec![
            plural(self.errors, "error", "errors"),
            plural(self.warnings, "warning", "warnings"),
        ];
        if self.infos > 0 {
            counts.push(plural(self.infos, "info", "infos"));
        }
        let mut line = format!(
            "{} in {} ({})",
            counts.join(", "),
            plural(self.files, "file", "files"),
            plural(self.machines, "state machine", "state machines")
        );
        if let Some(b) = self.baseline {
            line.push_str(&format!(
                "; {} baselined, {}",
                b.baselined,
                plural(b.stale, "stale baseline entry", "stale baseline entries")
            ));
        }
        line
    }
}

pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::config::LintOptions;
    use crate::lint::{lint_bytes, Selection};

    pub(crate) fn sample_reports() -> Vec<FileReport> {
        let broken = br#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}}"#;
        let clean = br#"{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}"#;
        [("broken.json", &broken[..]), ("clean.json", &clean[..])]
            .into_iter()
            .filter_map(|(name, text)| {
                lint_bytes(
                    name,
                    text.to_vec(),
                    Selection::Always,
                    &LintOptions::default(),
                )
            })
            .collect()
    }

    #[test]
    fn summary_counts_by_severity_and_files() {
        let s = Summary::of(&sample_reports());
        assert_eq!(
            (s.files, s.machines, s.errors, s.warnings, s.infos),
            (2, 2, 1, 0, 0)
        );
        assert_eq!(
            s.line(),
            "1 error, 0 warnings in 2 files (2 state machines)"
        );
        let one = Summary {
            files: 1,
            machines: 1,
            errors: 2,
            warnings: 1,
            infos: 1,
            baseline: None,
        };
        assert_eq!(
            one.line(),
            "2 errors, 1 warning, 1 info in 1 file (1 state machine)"
        );
        let with = Summary {
            baseline: Some(crate::baseline::Applied {
                baselined: 4,
                stale: 1,
            }),
            ..s
        };
        assert_eq!(
            with.line(),
            "1 error, 0 warnings in 2 files (2 state machines); 4 baselined, 1 stale baseline entry"
        );
    }
}
