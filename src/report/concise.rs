//! `--format concise`: `path:line:col: severity[rule] message`, one line per finding, for
//! terminals, editors' quickfix lists and grep.

use std::io::{self, Write};

use super::{Reporter, Summary};
use crate::lint::FileReport;

#[derive(Default)]
pub struct Concise;

impl Reporter for Concise {
    fn file(&mut self, report: &FileReport, out: &mut dyn Write) -> io::Result<()> {
        for d in &report.diagnostics {
            writeln!(
                out,
                "{}:{}:{}: {}[{}] {}",
                report.source.name,
                d.start.line,
                d.start.column,
                d.severity,
                d.rule,
                one_line(&d.message)
            )?;
        }
        Ok(())
    }

    fn finish(&mut self, summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "{}", summary.line())
    }
}

/// Messages are one sentence, but quoted user text may hold line breaks.
pub fn one_line(text: &str) -> String {
    text.replace(['\r', '\n'], " ")
}
