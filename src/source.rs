//! Source text of one input and the byte → line/column table used by every reporter.

use std::sync::{Arc, OnceLock};

/// A half-open byte range into a source text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }

    pub fn contains(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// Smallest span covering both.
    pub fn join(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// 1-based line and column; the column counts Unicode scalar values, as editors do (or UTF-16
/// code units, from `line_col_utf16`, as LSP and SARIF do).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// One input file: its display name, its text and the tables that locate an offset in it.
#[derive(Debug)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
    /// Built on first use: files without findings never need it.
    line_starts: OnceLock<Vec<usize>>,
    /// Built on first use, and only for text that is not all ASCII.
    counts: OnceLock<Option<CharCounts>>,
}

/// Bytes between two checkpoints of `CharCounts`: a lookup counts at most this many bytes.
const BLOCK: usize = 1024;

/// How many characters and UTF-16 code units precede every `BLOCK`-th byte. With it, the
/// column of any offset costs a binary search and a count over at most `BLOCK` bytes, however
/// long its line: counting from the line start for every finding made one-line files quadratic.
#[derive(Debug)]
struct CharCounts {
    chars: Vec<usize>,
    utf16: Vec<usize>,
}

/// Characters and UTF-16 code units in `bytes` (whole UTF-8 sequences): each byte that is not
/// a continuation byte starts a character, and a 4-byte one is two UTF-16 units.
fn count(bytes: &[u8]) -> (usize, usize) {
    let mut chars = 0;
    let mut wide = 0;
    for &b in bytes {
        chars += usize::from((b as i8) >= -0x40);
        wide += usize::from(b >= 0xF0);
    }
    (chars, chars + wide)
}

impl CharCounts {
    fn build(bytes: &[u8]) -> CharCounts {
        let blocks = bytes.len() / BLOCK + 1;
        let mut counts = CharCounts {
            chars: Vec::with_capacity(blocks),
            utf16: Vec::with_capacity(blocks),
        };
        let (mut chars, mut utf16) = (0, 0);
        counts.chars.push(0);
        counts.utf16.push(0);
        for block in bytes.chunks_exact(BLOCK) {
            let (c, u) = count(block);
            chars += c;
            utf16 += u;
            counts.chars.push(chars);
            counts.utf16.push(utf16);
        }
        counts
    }

    /// Characters and UTF-16 units before byte `offset` (a character boundary).
    fn before(&self, bytes: &[u8], offset: usize) -> (usize, usize) {
        let block = offset / BLOCK;
        let (c, u) = count(&bytes[block * BLOCK..offset]);
        (self.chars[block] + c, self.utf16[block] + u)
    }
}

/// A text in UTF-16 or UTF-32, recognised by its byte-order mark (Windows PowerShell writes
/// UTF-16 by default).
#[derive(Debug, PartialEq, Eq)]
pub struct WideText {
    /// "UTF-16 (little-endian)" and so on.
    pub encoding: &'static str,
    /// The text as UTF-8, byte-order mark included (as U+FEFF); or the byte offset in the file
    /// of the first unit that is not a character.
    pub text: Result<String, usize>,
}

impl WideText {
    /// `None` unless `bytes` start with a UTF-16 or UTF-32 byte-order mark.
    pub fn decode(bytes: &[u8]) -> Option<WideText> {
        // UTF-32 LE first: its mark starts with UTF-16 LE's.
        let (encoding, width, little) = match bytes {
            [0xFF, 0xFE, 0, 0, ..] => ("UTF-32 (little-endian)", 4, true),
            [0, 0, 0xFE, 0xFF, ..] => ("UTF-32 (big-endian)", 4, false),
            [0xFF, 0xFE, ..] => ("UTF-16 (little-endian)", 2, true),
            [0xFE, 0xFF, ..] => ("UTF-16 (big-endian)", 2, false),
            _ => return None,
        };
        let unit = |chunk: &[u8]| -> u32 {
            let fold = |acc: u32, &b: &u8| (acc << 8) | u32::from(b);
            if little {
                chunk.iter().rev().fold(0, fold)
            } else {
                chunk.iter().fold(0, fold)
            }
        };
        let chunks = bytes.chunks(width);
        let text = if width == 4 {
            chunks
                .enumerate()
                .map(|(i, c)| {
                    (c.len() == 4)
                        .then(|| char::from_u32(unit(c)))
                        .flatten()
                        .ok_or(i * 4)
                })
                .collect()
        } else {
            let units: Vec<u16> = chunks.map(|c| unit(c) as u16).collect();
            let mut text = String::with_capacity(bytes.len());
            let mut at = 0;
            let mut bad = None;
            for c in char::decode_utf16(units.iter().copied()) {
                match c {
                    Ok(c) => {
                        text.push(c);
                        at += c.len_utf16() * 2;
                    }
                    Err(_) => {
                        bad = Some(at);
                        break;
                    }
                }
            }
            match bad {
                _ if bytes.len() % 2 == 1 && bad.is_none() => Err(bytes.len() - 1),
                Some(at) => Err(at),
                None => Ok(text),
            }
        };
        Some(WideText { encoding, text })
    }
}

/// What a column counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnUnit {
    /// Unicode scalar values, as editors show them.
    Chars,
    /// UTF-16 code units, as LSP and SARIF (by default) want them.
    Utf16,
    /// Bytes of UTF-8.
    Bytes,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: String) -> Arc<Self> {
        Arc::new(SourceFile {
            name: name.into(),
            text,
            line_starts: OnceLock::new(),
            counts: OnceLock::new(),
        })
    }

    pub fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            let mut starts = vec![0];
            starts.extend(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| i + 1));
            starts
        })
    }

    /// 0-based line index containing byte `offset`.
    pub fn line_index(&self, offset: usize) -> usize {
        self.line_starts().partition_point(|&s| s <= offset) - 1
    }

    /// Line and column (in characters) of byte `offset`.
    pub fn line_col(&self, offset: usize) -> LineCol {
        self.locate(offset, ColumnUnit::Chars)
    }

    /// Line and column in UTF-16 code units, as LSP and SARIF count them.
    pub fn line_col_utf16(&self, offset: usize) -> LineCol {
        self.locate(offset, ColumnUnit::Utf16)
    }

    /// Line and 1-based column of byte `offset` (clamped to the text and moved back to a
    /// character boundary), the column counted in `unit`. Takes time independent of the length
    /// of the line.
    pub fn locate(&self, offset: usize, unit: ColumnUnit) -> LineCol {
        let offset = self.floor_char_boundary(offset.min(self.text.len()));
        let line = self.line_index(offset);
        let start = self.line_starts()[line];
        let mut column = 1 + match (unit, self.char_counts()) {
            (ColumnUnit::Bytes, _) | (_, None) => offset - start,
            (unit, Some(counts)) => {
                let bytes = self.text.as_bytes();
                let (chars, utf16) = counts.before(bytes, offset);
                let (line_chars, line_utf16) = counts.before(bytes, start);
                match unit {
                    ColumnUnit::Utf16 => utf16 - line_utf16,
                    _ => chars - line_chars,
                }
            }
        };
        // A byte-order mark is invisible in editors; do not count it as a column.
        if line == 0 && self.text.starts_with('\u{feff}') && offset > 0 {
            column -= if unit == ColumnUnit::Bytes { 3 } else { 1 };
        }
        LineCol {
            line: line + 1,
            column,
        }
    }

    /// Byte offset of the character at 1-based `column` of 0-based `line` (columns counted as
    /// `line_col` counts them), or the end of the line when it is shorter. Like `locate`, it
    /// takes time independent of the length of the line.
    pub fn offset_at_column(&self, line: usize, column: usize) -> usize {
        let starts = self.line_starts();
        let Some(&start) = starts.get(line) else {
            return self.text.len();
        };
        let end = starts
            .get(line + 1)
            .map_or(self.text.len(), |&next| next - 1);
        let mut skip = column.saturating_sub(1);
        if line == 0 && self.text.starts_with('\u{feff}') {
            skip += 1;
        }
        let Some(counts) = self.char_counts() else {
            return start.saturating_add(skip).min(end);
        };
        let bytes = self.text.as_bytes();
        let (before, _) = counts.before(bytes, start);
        let target = before + skip;
        // Scan from the last checkpoint at or before the target, or from the line start.
        let block = counts.chars.partition_point(|&c| c <= target) - 1;
        let (mut at, mut chars) = if block * BLOCK > start {
            (block * BLOCK, counts.chars[block])
        } else {
            (start, before)
        };
        while at < end {
            if (bytes[at] as i8) >= -0x40 {
                if chars == target {
                    return at;
                }
                chars += 1;
            }
            at += 1;
        }
        end
    }

    /// `None` for ASCII text, where every unit is a byte.
    fn char_counts(&self) -> Option<&CharCounts> {
        self.counts
            .get_or_init(|| {
                let bytes = self.text.as_bytes();
                (!bytes.is_ascii()).then(|| CharCounts::build(bytes))
            })
            .as_ref()
    }

    fn floor_char_boundary(&self, mut offset: usize) -> usize {
        while offset > 0 && !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based_and_count_chars() {
        let f = SourceFile::new("x", "ab\nü→c\n".to_string());
        assert_eq!(f.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(f.line_col(3), LineCol { line: 2, column: 1 });
        // 'c' sits after two multi-byte characters.
        let c = f.text.find('c').unwrap();
        assert_eq!(f.line_col(c), LineCol { line: 2, column: 3 });
        assert_eq!(f.line_col(f.text.len()), LineCol { line: 3, column: 1 });
        // Inside a character: the character's own column.
        assert_eq!(f.line_col(c - 1), LineCol { line: 2, column: 2 });
        assert_eq!(f.line_col(usize::MAX), LineCol { line: 3, column: 1 });
    }

    #[test]
    fn bom_is_not_a_column() {
        let f = SourceFile::new("x", "\u{feff}{}".to_string());
        assert_eq!(f.line_col(3), LineCol { line: 1, column: 1 });
        assert_eq!(f.line_col_utf16(4), LineCol { line: 1, column: 2 });
        assert_eq!(
            f.locate(4, ColumnUnit::Bytes),
            LineCol { line: 1, column: 2 }
        );
    }

    #[test]
    fn utf16_columns_count_astral_characters_twice() {
        let f = SourceFile::new("x", "a😀é\nx😀y".to_string());
        let y = f.text.rfind('y').unwrap();
        assert_eq!(f.line_col(y), LineCol { line: 2, column: 3 });
        assert_eq!(f.line_col_utf16(y), LineCol { line: 2, column: 4 });
        assert_eq!(
            f.locate(y, ColumnUnit::Bytes),
            LineCol { line: 2, column: 6 }
        );
    }

    /// The checkpointed count agrees with counting from the line start, across block
    /// boundaries, on long lines and short ones.
    #[test]
    fn columns_match_a_direct_count_on_long_lines() {
        let mut text = String::new();
        for i in 0..3000 {
            text.push_str(["a", "é", "→", "😀"][i % 4]);
            if i % 997 == 0 {
                text.push('\n');
            }
        }
        let f = SourceFile::new("x", text);
        for (offset, _) in f.text.char_indices() {
            let line = f.line_index(offset);
            let start = f.line_starts()[line];
            let slice = &f.text[start..offset];
            let chars = slice.chars().count() + 1;
            let utf16 = slice.encode_utf16().count() + 1;
            assert_eq!(f.line_col(offset).column, chars, "at {offset}");
            assert_eq!(f.line_col_utf16(offset).column, utf16, "at {offset}");
        }
    }

    #[test]
    fn offset_at_column_inverts_line_col() {
        let mut text = String::from("\u{feff}ab\n");
        for i in 0..2500 {
            text.push_str(["x", "ü", "😀"][i % 3]);
        }
        text.push_str("\nend");
        let f = SourceFile::new("x", text);
        for (offset, _) in f.text.char_indices().skip(1) {
            let at = f.line_col(offset);
            assert_eq!(
                f.offset_at_column(at.line - 1, at.column),
                offset,
                "at {offset}"
            );
        }
        // Past the end of a line: its end; past the last line: the end of the text.
        assert_eq!(f.offset_at_column(0, 99), 5);
        assert_eq!(f.offset_at_column(9, 1), f.text.len());
        let ascii = SourceFile::new("x", "abc\nde".to_string());
        assert_eq!(ascii.offset_at_column(1, 2), 5);
        assert_eq!(ascii.offset_at_column(0, 10), 3);
    }

    #[test]
    fn utf16_and_utf32_with_a_byte_order_mark_are_decoded() {
        let text = "\u{feff}{\"a\": \"é😀\"}";
        let utf16le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let utf16be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let utf32le: Vec<u8> = text
            .chars()
            .flat_map(|c| (c as u32).to_le_bytes())
            .collect();
        let utf32be: Vec<u8> = text
            .chars()
            .flat_map(|c| (c as u32).to_be_bytes())
            .collect();
        for (bytes, encoding) in [
            (utf16le, "UTF-16 (little-endian)"),
            (utf16be, "UTF-16 (big-endian)"),
            (utf32le, "UTF-32 (little-endian)"),
            (utf32be, "UTF-32 (big-endian)"),
        ] {
            let wide = WideText::decode(&bytes).unwrap();
            assert_eq!(wide.encoding, encoding);
            assert_eq!(wide.text.as_deref(), Ok(text));
        }
        assert_eq!(WideText::decode(b"\xef\xbb\xbf{}"), None);
        assert_eq!(WideText::decode(b"{}"), None);
        // A lone surrogate, an odd trailing byte, a code point past U+10FFFF.
        assert_eq!(
            WideText::decode(b"\xff\xfea\x00\x00\xd8").unwrap().text,
            Err(4)
        );
        assert_eq!(WideText::decode(b"\xff\xfea\x00b").unwrap().text, Err(4));
        let past = b"\xff\xfe\x00\x00\x00\x00\x11\x00";
        assert_eq!(WideText::decode(past).unwrap().text, Err(4));
    }

    #[test]
    fn span_helpers() {
        let a = Span::new(2, 5);
        assert!(a.contains(Span::new(3, 5)));
        assert!(!a.contains(Span::new(1, 3)));
        assert_eq!(a.join(Span::new(7, 9)), Span::new(2, 9));
        assert_eq!(a.len(), 3);
    }
}
