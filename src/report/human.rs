//! `--format human`: miette-rendered diagnostics with source snippets, then a summary line.

use std::fmt;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

use std::io::{self, Write};

use super::{Reporter, Summary};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::FileReport;
use crate::source::SourceFile;

pub struct Style {
    pub color: bool,
    pub width: usize,
}

/// The streaming reporter: each file's findings as they come, the summary at the end.
pub struct Human {
    style: Style,
    buffer: String,
}

impl Human {
    pub fn new(style: Style) -> Human {
        Human {
            style,
            buffer: String::new(),
        }
    }
}

impl Reporter for Human {
    fn file(&mut self, report: &FileReport, out: &mut dyn Write) -> io::Result<()> {
        self.buffer.clear();
        render_file(report, &self.style, &mut self.buffer);
        out.write_all(self.buffer.as_bytes())
    }

    fn finish(&mut self, summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "{}", summary.line())
    }
}

pub fn render(reports: &[FileReport], style: &Style) -> String {
    let mut out = String::new();
    for report in reports {
        render_file(report, style, &mut out);
    }
    out.push_str(&Summary::of(reports).line());
    out.push('\n');
    out
}

/// The findings of one file, each followed by a blank line.
pub fn render_file(report: &FileReport, style: &Style, out: &mut String) {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    // Wrap help text at spaces only: the default splits words at hyphens, which breaks ARNs
    // (`us-east-` / `1`) and names in two, and they are copied from here.
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
        .with_break_words(false);
    for d in &report.diagnostics {
        let view = View {
            diagnostic: d,
            source: &report.source,
        };
        if handler.render_report(out, &view).is_err() {
            // Rendering only fails on a span outside the text; fall back to one plain line.
            out.push_str(&format!(
                "{}:{}:{}: {} [{}] {}\n",
                report.source.name, d.start.line, d.start.column, d.severity, d.rule, d.message
            ));
        }
        out.push('\n');
    }
}

struct View<'a> {
    diagnostic: &'a Diagnostic,
    source: &'a SourceFile,
}

impl fmt::Debug for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl fmt::Display for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::error::Error for View<'_> {}

impl miette::Diagnostic for View<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        let d = self.diagnostic;
        Some(match &d.machine {
            Some(machine) => Box::new(format!("{} in {machine}", d.rule)),
            None => Box::new(d.rule),
        })
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.diagnostic
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let d = self.diagnostic;
        let primary = LabeledSpan::new_primary_with_span(
            d.state.as_ref().map(|s| format!("in state '{s}'")),
            SourceSpan::from((d.span.start, d.span.len())),
        );
        let related = d.related.iter().map(|r| {
            LabeledSpan::new_with_span(
                Some(r.message.clone()),
                SourceSpan::from((r.span.start, r.span.len())),
            )
        });
        Some(Box::new(std::iter::once(primary).chain(related)))
    }
}

/// miette's own `SourceCode` for strings rescans the text from the start for every label;
/// the line table makes each snippet lookup a binary search instead.
impl SourceCode for SourceFile {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let (start, len) = (span.offset(), span.len());
        if start + len > self.text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let starts = self.line_starts();
        let first_line = self.line_index(start);
        let last_line = self.line_index(if len > 0 { start + len - 1 } else { start });
        if let Some((from, to)) = self.long_line_window(first_line, last_line, start, len) {
            // As below: the span's own column for the header (no context), else the window's.
            let column = if context_lines_before == 0 {
                start
            } else {
                from
            } - starts[first_line];
            return Ok(Box::new(MietteSpanContents::new_named(
                self.name.clone(),
                &self.text.as_bytes()[from..to],
                SourceSpan::from((from, to - from)),
                first_line,
                column,
                1,
            )));
        }
        let first = first_line.saturating_sub(context_lines_before);
        let last = (last_line + context_lines_after).min(starts.len() - 1);
        let from = starts[first];
        let mut to = starts.get(last + 1).copied().unwrap_or(self.text.len());
        if to > from && self.text.as_bytes()[to - 1] == b'\n' {
            to -= 1;
        }
        if to > from && self.text.as_bytes()[to - 1] == b'\r' {
            to -= 1;
        }
        let column = if context_lines_before == 0 {
            start - starts[first_line]
        } else {
            0
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            &self.text.as_bytes()[from..to],
            SourceSpan::from((from, to - from)),
            first,
            column,
            last - first + 1,
        )))
    }
}

/// Lines longer than this are shown as a window around the span, not whole: a definition
/// carried in a one-line string (a CDK `DefinitionString`) is thousands of characters long.
const LONG_LINE: usize = 200;

impl SourceFile {
    /// For a span on one long line, the bytes around it to show instead of the whole line.
    fn long_line_window(
        &self,
        first_line: usize,
        last_line: usize,
        start: usize,
        len: usize,
    ) -> Option<(usize, usize)> {
        let starts = self.line_starts();
        let line_start = starts[first_line];
        let line_end = starts
            .get(first_line + 1)
            .map_or(self.text.len(), |next| next - 1);
        if first_line != last_line || line_end - line_start <= LONG_LINE {
            return None;
        }
        let floor = |mut at: usize| {
            while !self.text.is_char_boundary(at) {
                at -= 1;
            }
            at
        };
        let from = floor(start.saturating_sub(LONG_LINE / 4).max(line_start));
        let to = floor((start + len + LONG_LINE / 2).min(line_end));
        Some((from, to.max(start + len)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::sample_reports;

    #[test]
    fn renders_snippet_code_and_summary_without_colour() {
        let out = render(
            &sample_reports(),
            &Style {
                color: false,
                width: 100,
            },
        );
        assert!(out.contains("unknown-target"), "{out}");
        assert!(out.contains("[broken.json:1:59]"), "{out}");
        assert!(out.contains("in state 'A'"), "{out}");
        assert!(!out.contains('\u{1b}'));
        assert!(out.ends_with("1 error, 0 warnings in 2 files (2 state machines)\n"));
    }

    #[test]
    fn source_spans_are_read_by_line() {
        let src = SourceFile::new("f", "a\nbcd\ne\n".to_string());
        let contents = src.read_span(&SourceSpan::from((3, 2)), 1, 1).unwrap();
        assert_eq!(std::str::from_utf8(contents.data()).unwrap(), "a\nbcd\ne");
        assert_eq!(contents.line(), 0);
        assert!(src.read_span(&SourceSpan::from((7, 5)), 0, 0).is_err());
    }

    #[test]
    fn help_is_wrapped_at_spaces_only() {
        let mut reports = sample_reports();
        let arn = "arn:aws:lambda:us-east-1:123456789012:function:pay-orders:live";
        reports[0].diagnostics[0].help = Some(format!("{} e.g. \"{arn}\"", "word ".repeat(6)));
        let out = render(
            &reports,
            &Style {
                color: false,
                width: 80,
            },
        );
        assert!(out.contains(arn), "{out}");
    }

    #[test]
    fn long_lines_are_shown_around_the_span() {
        let line = format!("{}NEEDLE{}", "a".repeat(500), "b".repeat(500));
        let src = SourceFile::new("f", format!("first\n{line}\nlast\n"));
        let at = src.text.find("NEEDLE").unwrap();
        let contents = src.read_span(&SourceSpan::from((at, 6)), 1, 1).unwrap();
        let shown = std::str::from_utf8(contents.data()).unwrap();
        assert!(shown.contains("NEEDLE") && shown.len() < 200, "{shown}");
        assert_eq!(contents.line(), 1);
        assert_eq!(contents.column(), 500 - 50);
        let header = src.read_span(&SourceSpan::from((at, 6)), 0, 0).unwrap();
        assert_eq!(header.column(), 500);
    }
}
