//! Reporters turn located diagnostics into output. They are the only code that prints findings.

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
