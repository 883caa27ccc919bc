//! Reporters turn located diagnostics into output. They are the only code that prints findings.

mod excerpt;
pub mod human;
pub mod json;

use crate::diagnostic::Severity;
use crate::lint::FileReport;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Summary {
    pub fn of(reports: &[FileReport]) -> Summary {
        let mut s = Summary {
            files: reports.len(),
            ..Summary::default()
        };
        for d in reports.iter().flat_map(|r| &r.diagnostics) {
            match d.severity {
                Severity::Error => s.errors += 1,
                Severity::Warning => s.warnings += 1,
                Severity::Info => s.infos += 1,
            }
        }
        s
    }

    pub fn line(&self) -> String {
        format!(
            "{} errors, {} warnings, {} infos in {} files",
            self.errors, self.warnings, self.infos, self.files
        )
    }
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
        assert_eq!((s.files, s.errors, s.warnings, s.infos), (2, 1, 0, 0));
        assert_eq!(s.line(), "1 errors, 0 warnings, 0 infos in 2 files");
    }
}
