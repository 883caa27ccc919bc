//! What the human reporter shows of a file for one diagnostic: the lines its labels are on and
//! one line of context around them. miette renders this excerpt instead of the whole file, so
//! what one finding prints is bounded whatever the file holds:
//! - a line longer than `Room::whole_line` characters is cut to windows around the labels on
//!   it, each cut marked with `…` (the columns in the header stay the file's own);
//! - a label spanning more than `MAX_SPAN_LINES` lines is shown on its first line;
//! - at most `MAX_LABELS` labels are drawn;
//! - control characters are drawn as their Unicode pictures (U+2400…), never sent to the
//!   terminal.
//!
//! Lines that fit are copied unchanged, so ordinary files print exactly as miette prints them.

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use crate::source::{SourceFile, Span};

/// Longer spans are drawn on their first line: a whole state or object is not worth a page.
const MAX_SPAN_LINES: usize = 12;
/// The primary label and the first related ones; the rest are left out of the snippet (every
/// reporter that lists related spans still has them all).
pub const MAX_LABELS: usize = 16;
/// Lines of context above and below each label, as miette is configured to ask for.
pub const CONTEXT_LINES: usize = 1;
const ELLIPSIS: &str = "…";
/// Bytes not worth cutting out of a line.
const SMALL_CUT: usize = 8;

/// How much of a line fits: lines up to `whole_line` characters are shown whole; longer ones
/// are cut to windows of about `window` characters around each label.
#[derive(Clone, Copy, Debug)]
pub struct Room {
    pub whole_line: usize,
    pub window: usize,
}

impl Room {
    /// For a terminal `width` columns wide: a cut line fits on one row beside the gutter, and
    /// a whole one takes at most two rows.
    pub fn for_width(width: usize) -> Room {
        Room {
            whole_line: width * 2,
            window: width.saturating_sub(12).max(28),
        }
    }
}

/// A line of the excerpt.
#[derive(Debug)]
struct Shown {
    /// 0-based line in the file.
    line: usize,
    /// Where the line starts and ends (before its line break) in the excerpt's text.
    at: usize,
    end: usize,
    /// Runs of the line's bytes that are shown, in order, each with its place in the text.
    pieces: Vec<Piece>,
}

#[derive(Debug)]
struct Piece {
    from: usize,
    to: usize,
    at: usize,
}

/// One diagnostic's view of a file, and its labels' spans in the excerpt's text.
#[derive(Debug)]
pub struct Excerpt<'s> {
    source: &'s SourceFile,
    text: String,
    lines: Vec<Shown>,
    /// Each label: its span in `text`, and where it starts in the file (for the header).
    labels: Vec<(Span, usize)>,
}

impl<'s> Excerpt<'s> {
    /// The excerpt showing `spans` (the primary one first). Returns it and the spans in its
    /// text, in the same order (at most `MAX_LABELS`).
    pub fn new(source: &'s SourceFile, spans: &[Span], room: Room) -> Excerpt<'s> {
        let spans: Vec<Span> = spans
            .iter()
            .take(MAX_LABELS)
            .map(|&span| clamp(source, span))
            .collect();
        let real_lines = real_line_count(source);
        let mut wanted: Vec<usize> = Vec::new();
        for span in &spans {
            let (first, last) = lines_of(source, *span);
            let from = first.saturating_sub(CONTEXT_LINES);
            let to = (last + CONTEXT_LINES).min(real_lines - 1);
            wanted.extend(from..=to.max(from));
        }
        wanted.sort_unstable();
        wanted.dedup();
        wanted.retain(|&line| line < real_lines);

        let mut excerpt = Excerpt {
            source,
            text: String::new(),
            lines: Vec::with_capacity(wanted.len()),
            labels: Vec::with_capacity(spans.len()),
        };
        // Windows (in character columns) of the lines with labels, for the context lines
        // next to them.
        let mut columns: Vec<(usize, Vec<(usize, usize)>)> = Vec::new();
        for &line in &wanted {
            let (start, end) = content(source, line);
            let ranges = if char_len(source, start, end) <= room.whole_line {
                vec![(start, end)]
            } else {
                let ranges = label_windows(source, &spans, start, end, room);
                if ranges.is_empty() {
                    Vec::new() // Filled from a neighbour's columns below.
                } else {
                    columns.push((line, to_columns(source, &ranges)));
                    ranges
                }
            };
            excerpt.lines.push(Shown {
                line,
                at: 0,
                end: 0,
                pieces: ranges
                    .into_iter()
                    .map(|(from, to)| Piece { from, to, at: 0 })
                    .collect(),
            });
        }
        let first_columns = [(1, room.window)];
        for shown in &mut excerpt.lines {
            let (start, end) = content(source, shown.line);
            if shown.pieces.is_empty() && start < end {
                let nearest = columns
                    .iter()
                    .min_by_key(|(line, _)| line.abs_diff(shown.line))
                    .map(|(_, cols)| cols.as_slice())
                    .unwrap_or(&first_columns);
                shown.pieces = nearest
                    .iter()
                    .map(|&(a, b)| {
                        let from = source.offset_at_column(shown.line, a);
                        let to = source.offset_at_column(shown.line, b);
                        Piece { from, to, at: 0 }
                    })
                    .collect();
            }
        }
        excerpt.write_text();
        let labels: Vec<(Span, usize)> = spans
            .iter()
            .map(|span| {
                let start = excerpt.map(span.start, false);
                let end = excerpt.map(span.end, true).max(start);
                (Span::new(start, end), span.start)
            })
            .collect();
        excerpt.labels = labels;
        excerpt
    }

    /// The labels' spans in the excerpt's text, the primary one first.
    pub fn label_spans(&self) -> impl Iterator<Item = Span> + '_ {
        self.labels.iter().map(|(span, _)| *span)
    }

    /// Lays out the text: each line's pieces, with `…` where bytes are left out.
    fn write_text(&mut self) {
        let source = self.source;
        let text = &mut self.text;
        for shown in &mut self.lines {
            let (start, end) = content(source, shown.line);
            shown.at = text.len();
            let mut previous_end = start;
            for piece in &mut shown.pieces {
                if piece.from > previous_end {
                    text.push_str(ELLIPSIS);
                }
                piece.at = text.len();
                push_visible(text, &source.text[piece.from..piece.to]);
                previous_end = piece.to;
            }
            if previous_end < end {
                text.push_str(ELLIPSIS);
            }
            shown.end = text.len();
            text.push('\n');
        }
        text.pop();
    }

    /// Where file offset `offset` lands in the text. An offset in bytes left out lands on the
    /// `…` that stands for them: at its start for a label's start, after it for its end.
    fn map(&self, offset: usize, is_end: bool) -> usize {
        let line = self.source.line_index(offset);
        let i = self.lines.partition_point(|s| s.line < line);
        let Some(shown) = self.lines.get(i).filter(|s| s.line == line) else {
            // Past the last shown line (the end of a file ending in a line break).
            return self.lines.last().map_or(0, |s| s.end);
        };
        // Walks the line as `write_text` laid it out.
        let (mut previous_end, _) = content(self.source, shown.line);
        let mut cursor = shown.at;
        for piece in &shown.pieces {
            if offset < piece.from {
                let cut = piece.from > previous_end;
                return if is_end && cut {
                    cursor + ELLIPSIS.len()
                } else {
                    cursor
                };
            }
            if offset <= piece.to {
                return piece.at + visible_len(&self.source.text[piece.from..offset]);
            }
            cursor = piece.at + visible_len(&self.source.text[piece.from..piece.to]);
            previous_end = piece.to;
        }
        if is_end {
            shown.end
        } else {
            cursor
        }
    }

    /// The index of the shown line holding text offset `at`.
    fn line_at(&self, at: usize) -> usize {
        self.lines
            .partition_point(|s| s.at <= at)
            .saturating_sub(1)
            .min(self.lines.len().saturating_sub(1))
    }
}

impl SourceCode for Excerpt<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let (start, len) = (span.offset(), span.len());
        if self.lines.is_empty() || start + len > self.text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let mut first = self.line_at(start);
        let mut last = self.line_at(if len > 0 { start + len - 1 } else { start });
        // Context comes only from lines that follow on in the file.
        for _ in 0..context_lines_before {
            if first > 0 && self.lines[first - 1].line + 1 == self.lines[first].line {
                first -= 1;
            }
        }
        for _ in 0..context_lines_after {
            if last + 1 < self.lines.len() && self.lines[last].line + 1 == self.lines[last + 1].line
            {
                last += 1;
            }
        }
        let (from, to) = (self.lines[first].at, self.lines[last].end);
        // The header names the label's place in the file, not in the excerpt.
        let column = if context_lines_before == 0 {
            let offset = self
                .labels
                .iter()
                .find(|(label, _)| label.start == start)
                .map_or(
                    self.lines[first].pieces.first().map_or(0, |p| p.from),
                    |l| l.1,
                );
            self.source.line_col(offset).column - 1
        } else {
            0
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.source.name.clone(),
            &self.text.as_bytes()[from..to],
            SourceSpan::from((from, to - from)),
            self.lines[first].line,
            column,
            last - first + 1,
        )))
    }
}

/// `span` within the text and on character boundaries; a span over more than
/// `MAX_SPAN_LINES` lines cut to the end of its first line.
fn clamp(source: &SourceFile, span: Span) -> Span {
    let floor = |mut at: usize| {
        at = at.min(source.text.len());
        while !source.text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    let start = floor(span.start);
    let end = floor(span.end).max(start);
    let span = Span::new(start, end);
    let (first, last) = lines_of(source, span);
    if last - first >= MAX_SPAN_LINES {
        let (_, line_end) = content(source, first);
        Span::new(start, line_end.max(start))
    } else {
        span
    }
}

/// First and last line (0-based) a span touches.
fn lines_of(source: &SourceFile, span: Span) -> (usize, usize) {
    let first = source.line_index(span.start);
    let last = if span.end > span.start {
        source.line_index(span.end - 1)
    } else {
        first
    };
    (first, last)
}

/// Lines that have text or a line break: a final line break does not start a line to show.
fn real_line_count(source: &SourceFile) -> usize {
    let lines = source.line_starts().len();
    if lines > 1 && source.text.ends_with('\n') {
        lines - 1
    } else {
        lines
    }
}

/// A line's bytes without its line break.
fn content(source: &SourceFile, line: usize) -> (usize, usize) {
    let starts = source.line_starts();
    let start = starts[line];
    let mut end = starts.get(line + 1).map_or(source.text.len(), |&n| n - 1);
    let bytes = source.text.as_bytes();
    if end > start && bytes[end - 1] == b'\r' && bytes.get(end) == Some(&b'\n') {
        end -= 1;
    }
    (start, end)
}

/// Characters in `start..end` of one line.
fn char_len(source: &SourceFile, start: usize, end: usize) -> usize {
    source.line_col(end).column - source.line_col(start).column
}

/// Byte ranges of line `start..end` around the labels on it, merged where they meet.
fn label_windows(
    source: &SourceFile,
    spans: &[Span],
    start: usize,
    end: usize,
    room: Room,
) -> Vec<(usize, usize)> {
    let text = &source.text;
    let mut ranges: Vec<(usize, usize)> = spans
        .iter()
        .filter(|s| s.start <= end && s.end >= start && !(s.end == start && s.start < start))
        .map(|s| {
            let (a, b) = (s.start.max(start), s.end.min(end));
            let b = forward(text, a, room.window / 2, b);
            let mut from = back(text, a, room.window / 4, start);
            let mut to = forward(text, b, room.window / 4, end);
            // Cutting a few bytes saves nothing.
            if from - start <= SMALL_CUT {
                from = start;
            }
            if end - to <= SMALL_CUT {
                to = end;
            }
            (from, to)
        })
        .collect();
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
    for (from, to) in ranges {
        match merged.last_mut() {
            Some(last) if from <= last.1 + SMALL_CUT => last.1 = last.1.max(to),
            _ => merged.push((from, to)),
        }
    }
    merged
}

/// Byte ranges of one line as 1-based character columns.
fn to_columns(source: &SourceFile, ranges: &[(usize, usize)]) -> Vec<(usize, usize)> {
    ranges
        .iter()
        .map(|&(a, b)| (source.line_col(a).column, source.line_col(b).column))
        .collect()
}

/// The offset `n` characters before `at`, not before `floor`.
fn back(text: &str, at: usize, n: usize, floor: usize) -> usize {
    text[floor..at]
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(floor, |(i, _)| floor + i)
}

/// The offset `n` characters after `at`, not past `ceiling`.
fn forward(text: &str, at: usize, n: usize, ceiling: usize) -> usize {
    text[at..ceiling]
        .char_indices()
        .nth(n)
        .map_or(ceiling, |(i, _)| at + i)
}

/// How a character is drawn: control characters as their pictures.
fn visible(c: char) -> Option<char> {
    match c {
        '\t' => None,
        '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32),
        '\u{7f}' => Some('\u{2421}'),
        c if c.is_control() => Some('\u{fffd}'),
        _ => None,
    }
}

fn push_visible(out: &mut String, text: &str) {
    for c in text.chars() {
        out.push(visible(c).unwrap_or(c));
    }
}

fn visible_len(text: &str) -> usize {
    text.chars()
        .map(|c| visible(c).unwrap_or(c).len_utf8())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(excerpt: &Excerpt) -> Vec<String> {
        excerpt.text.lines().map(str::to_string).collect()
    }

    fn labelled<'e>(excerpt: &'e Excerpt) -> Vec<&'e str> {
        excerpt
            .label_spans()
            .map(|s| &excerpt.text[s.start..s.end])
            .collect()
    }

    const WIDE: Room = Room {
        whole_line: 200,
        window: 40,
    };

    #[test]
    fn short_lines_are_copied_with_one_line_of_context() {
        let src = SourceFile::new("f", "a\nbcd\ne\nf\n".to_string());
        let e = Excerpt::new(&src, &[Span::new(3, 4)], WIDE);
        assert_eq!(shown(&e), ["a", "bcd", "e"]);
        assert_eq!(labelled(&e), ["c"]);
        let contents = e.read_span(&SourceSpan::from((3, 1)), 1, 1).unwrap();
        assert_eq!(std::str::from_utf8(contents.data()).unwrap(), "a\nbcd\ne");
        assert_eq!((contents.line(), contents.line_count()), (0, 3));
        let header = e.read_span(&SourceSpan::from((3, 1)), 0, 0).unwrap();
        assert_eq!((header.line(), header.column()), (1, 1));
        assert!(e.read_span(&SourceSpan::from((7, 5)), 0, 0).is_err());
    }

    #[test]
    fn a_long_line_is_cut_around_the_label() {
        let line = format!("{}TARGET{}", "x".repeat(100_000), "y".repeat(100_000));
        let src = SourceFile::new("f", line);
        let at = 100_000;
        let e = Excerpt::new(&src, &[Span::new(at, at + 6)], WIDE);
        let lines = shown(&e);
        assert_eq!(lines.len(), 1);
        assert!(
            lines[0].starts_with("…x") && lines[0].ends_with("y…"),
            "{}",
            lines[0]
        );
        assert!(lines[0].chars().count() < 60, "{}", lines[0]);
        assert_eq!(labelled(&e), ["TARGET"]);
        // The header still gives the file's column.
        let header = e.read_span(&SourceSpan::from((e.labels[0].0.start, 6)), 0, 0);
        assert_eq!(header.unwrap().column(), at);
    }

    #[test]
    fn labels_far_apart_on_one_line_get_a_window_each() {
        let line = format!("A{}B{}C", "-".repeat(5000), "-".repeat(5000));
        let src = SourceFile::new("f", line);
        let e = Excerpt::new(&src, &[Span::new(5001, 5002), Span::new(0, 1)], WIDE);
        let text = &shown(&e)[0];
        assert_eq!(text.matches('…').count(), 2, "{text}");
        assert!(text.starts_with('A'), "{text}");
        assert_eq!(labelled(&e), ["B", "A"]);
    }

    #[test]
    fn a_long_label_is_cut_and_marked() {
        let line = format!("[{}]", "z".repeat(10_000));
        let src = SourceFile::new("f", line);
        let e = Excerpt::new(&src, &[Span::new(0, 10_002)], WIDE);
        let label = labelled(&e)[0];
        assert!(label.starts_with("[z") && label.ends_with('…'), "{label}");
        assert!(label.chars().count() < 40);
    }

    #[test]
    fn long_context_lines_follow_the_label_columns() {
        let text = format!(
            "{}\n{}X{}\n{}",
            "a".repeat(1000),
            "b".repeat(500),
            "b".repeat(500),
            "ü".repeat(1000)
        );
        let src = SourceFile::new("f", text);
        let x = src.text.find('X').unwrap();
        let e = Excerpt::new(&src, &[Span::new(x, x + 1)], WIDE);
        let lines = shown(&e);
        assert_eq!(lines.len(), 3);
        for line in &lines {
            assert!(line.starts_with('…') && line.ends_with('…'), "{line}");
            assert!(line.chars().count() < 40, "{line}");
        }
        // The same columns on every line.
        assert_eq!(lines[0].chars().count(), lines[1].chars().count());
        assert_eq!(lines[2].chars().count(), lines[1].chars().count());
    }

    #[test]
    fn spans_over_many_lines_show_their_first_line() {
        let text: String = (0..100).map(|i| format!("line {i}\n")).collect();
        let src = SourceFile::new("f", text);
        let e = Excerpt::new(&src, &[Span::new(0, src.text.len())], WIDE);
        assert_eq!(shown(&e), ["line 0", "line 1"]);
        assert_eq!(labelled(&e), ["line 0"]);
    }

    #[test]
    fn control_characters_are_drawn_as_pictures() {
        let src = SourceFile::new("f", "a\u{1b}[2Jb: c".to_string());
        let c = src.text.find('c').unwrap();
        let e = Excerpt::new(&src, &[Span::new(c, c + 1)], WIDE);
        assert_eq!(shown(&e), ["a\u{241b}[2Jb: c"]);
        assert_eq!(labelled(&e), ["c"]);
    }

    #[test]
    fn spans_at_the_end_and_out_of_range_do_not_panic() {
        let src = SourceFile::new("f", "ab\r\ncd\n".to_string());
        for (span, lines) in [
            (Span::new(7, 7), &["cd"][..]),
            (Span::new(usize::MAX - 1, usize::MAX), &["cd"]),
            (Span::new(6, 7), &["ab", "cd"]),
            (Span::new(2, 4), &["ab", "cd"]),
            (Span::new(5, 2), &["ab", "cd"]),
        ] {
            let e = Excerpt::new(&src, &[span], WIDE);
            assert_eq!(shown(&e), lines, "{span:?}");
            assert!(e.label_spans().all(|s| s.end <= e.text.len()));
        }
        let empty = SourceFile::new("f", String::new());
        let e = Excerpt::new(&empty, &[Span::new(0, 0)], WIDE);
        assert_eq!(e.text, "");
    }
}
