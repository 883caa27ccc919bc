//! `--format human`: miette-rendered diagnostics with source snippets, then a summary line.
//! miette is given an excerpt of the file (`excerpt`), not the file: what one finding prints
//! stays bounded on minified files and long lines.

use std::fmt;
use std::io::{self, Write};

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode, SourceSpan};

use super::excerpt::{Excerpt, Room, CONTEXT_LINES};
use super::{Reporter, Summary};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::FileReport;
use crate::quote::abbreviate;
use crate::source::Span;

/// Terminal widths outside this range are taken as its nearest end.
const WIDTHS: std::ops::RangeInclusive<usize> = 40..=1000;

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
    let width = style.width.clamp(*WIDTHS.start(), *WIDTHS.end());
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(width)
        .with_context_lines(CONTEXT_LINES)
        .with_links(false)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
        .with_break_words(false);
    let room = Room::for_width(width);
    for d in &report.diagnostics {
        let spans: Vec<Span> = std::iter::once(d.span)
            .chain(d.related.iter().map(|r| r.span))
            .collect();
        let view = View {
            diagnostic: d,
            excerpt: Excerpt::new(&report.source, &spans, room),
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
    excerpt: Excerpt<'a>,
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
            Some(machine) => Box::new(format!("{} in {}", d.rule, abbreviate(machine))),
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
        Some(&self.excerpt)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let d = self.diagnostic;
        let mut spans = self
            .excerpt
            .label_spans()
            .map(|s| SourceSpan::from((s.start, s.len())));
        let primary = LabeledSpan::new_primary_with_span(
            d.state
                .as_ref()
                .map(|s| format!("in state '{}'", abbreviate(s))),
            spans.next()?,
        );
        let related = d
            .related
            .iter()
            .zip(spans)
            .map(|(r, span)| LabeledSpan::new_with_span(Some(r.message.clone()), span));
        Some(Box::new(std::iter::once(primary).chain(related)))
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
}
