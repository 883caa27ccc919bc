//! Byte offsets ↔ LSP positions (line, character), in UTF-16 code units (the protocol's default)
//! or UTF-8 bytes (when negotiated). Each lookup is two binary searches, whatever the line's
//! length: a minified definition on one long line with many findings costs no more than a
//! pretty-printed one.

use lsp_types::Position;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

/// One non-ASCII character.
#[derive(Clone, Copy, Debug)]
struct Wide {
    at: usize,
    len8: u8,
    len16: u8,
    /// UTF-8 bytes beyond UTF-16 units of every non-ASCII character up to and including this.
    surplus: usize,
}

/// The lines and non-ASCII characters of one text.
#[derive(Debug)]
pub struct LineIndex {
    /// Where each line starts: after `\n`, `\r\n` or a lone `\r`, as the protocol counts lines.
    starts: Vec<usize>,
    /// Where each line's text ends, before its line break.
    ends: Vec<usize>,
    wide: Vec<Wide>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut ends = Vec::new();
        let mut wide = Vec::new();
        let mut surplus = 0;
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b < 0x80 {
                let lone_cr = b == b'\r' && bytes.get(i + 1) != Some(&b'\n');
                if b == b'\n' || lone_cr {
                    let crlf = b == b'\n' && i > 0 && bytes[i - 1] == b'\r';
                    ends.push(if crlf { i - 1 } else { i });
                    starts.push(i + 1);
                }
                i += 1;
                continue;
            }
            let c = text[i..].chars().next().unwrap_or('\u{fffd}');
            let (len8, len16) = (c.len_utf8(), c.len_utf16());
            surplus += len8 - len16;
            wide.push(Wide {
                at: i,
                len8: len8 as u8,
                len16: len16 as u8,
                surplus,
            });
            i += len8;
        }
        ends.push(text.len());
        LineIndex {
            starts,
            ends,
            wide,
            len: text.len(),
        }
    }

    /// Surplus of the non-ASCII characters that start before `offset`.
    fn surplus_before(&self, offset: usize) -> usize {
        let i = self.wide.partition_point(|w| w.at < offset);
        i.checked_sub(1).map_or(0, |i| self.wide[i].surplus)
    }

    /// `offset` moved back to the start of the character it falls in.
    fn floor(&self, offset: usize) -> usize {
        let offset = offset.min(self.len);
        let i = self.wide.partition_point(|w| w.at < offset);
        match i.checked_sub(1).map(|i| self.wide[i]) {
            Some(w) if offset < w.at + w.len8 as usize => w.at,
            _ => offset,
        }
    }

    pub fn position(&self, offset: usize, encoding: Encoding) -> Position {
        let offset = self.floor(offset);
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let bytes = offset - start;
        let character = match encoding {
            Encoding::Utf8 => bytes,
            Encoding::Utf16 => bytes - (self.surplus_before(offset) - self.surplus_before(start)),
        };
        Position::new(line as u32, character as u32)
    }

    /// The byte offset of `position`, clamped to its line (a line past the end is the end).
    pub fn offset(&self, position: Position, encoding: Encoding) -> usize {
        let line = position.line as usize;
        let Some(&start) = self.starts.get(line) else {
            return self.len;
        };
        let end = self.ends[line];
        let character = position.character as usize;
        let offset = match encoding {
            Encoding::Utf8 => start.saturating_add(character),
            Encoding::Utf16 => self.utf16_offset(start, end, character),
        };
        self.floor(offset.min(end))
    }

    fn utf16_offset(&self, start: usize, end: usize, character: usize) -> usize {
        let first = self.wide.partition_point(|w| w.at < start);
        let last = self.wide.partition_point(|w| w.at < end);
        let base = self.surplus_before(start);
        let column =
            |w: &Wide| (w.at - start) - (w.surplus + w.len16 as usize - w.len8 as usize - base);
        // The last non-ASCII character of the line starting before `character`.
        let k = self.wide[first..last].partition_point(|w| column(w) < character);
        let Some(w) = k.checked_sub(1).map(|k| self.wide[first + k]) else {
            return start + character;
        };
        let after = column(&w) + w.len16 as usize;
        if character < after {
            // Inside a surrogate pair: the character's start.
            return w.at;
        }
        w.at + w.len8 as usize + (character - after)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(text: &str, encoding: Encoding) {
        let index = LineIndex::new(text);
        for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
            // Between `\r` and `\n` is no position.
            let bytes = text.as_bytes();
            if offset > 0 && bytes[offset - 1] == b'\r' && bytes.get(offset) == Some(&b'\n') {
                continue;
            }
            let position = index.position(offset, encoding);
            assert_eq!(
                index.offset(position, encoding),
                offset,
                "{offset} {position:?}"
            );
        }
    }

    #[test]
    fn utf16_counts_surrogate_pairs_as_two() {
        let text = "{\"a\": \"héllo 🙂\", \"Next\": \"X\"}\nab";
        let index = LineIndex::new(text);
        let x = text.find("\"X\"").unwrap();
        // é is one unit, 🙂 two.
        let chars16: usize = text[..x].encode_utf16().count();
        assert_eq!(
            index.position(x, Encoding::Utf16),
            Position::new(0, chars16 as u32)
        );
        assert_eq!(
            index.position(x, Encoding::Utf8),
            Position::new(0, x as u32)
        );
        assert_eq!(
            index.position(text.len(), Encoding::Utf16),
            Position::new(1, 2)
        );
        round_trip(text, Encoding::Utf16);
        round_trip(text, Encoding::Utf8);
    }

    #[test]
    fn line_breaks_of_every_kind() {
        let text = "a\r\nbé\rc\n\nd";
        let index = LineIndex::new(text);
        assert_eq!(
            index.position(text.find('c').unwrap(), Encoding::Utf16),
            Position::new(2, 0)
        );
        assert_eq!(
            index.position(text.len(), Encoding::Utf16),
            Position::new(4, 1)
        );
        round_trip(text, Encoding::Utf16);
        // Past the end of a line: its end, before the break.
        assert_eq!(index.offset(Position::new(0, 40), Encoding::Utf16), 1);
        assert_eq!(index.offset(Position::new(1, 40), Encoding::Utf16), 6);
        assert_eq!(
            index.offset(Position::new(9, 0), Encoding::Utf16),
            text.len()
        );
    }

    #[test]
    fn positions_inside_characters_move_to_their_start() {
        let text = "🙂x";
        let index = LineIndex::new(text);
        assert_eq!(index.offset(Position::new(0, 1), Encoding::Utf16), 0);
        assert_eq!(index.offset(Position::new(0, 2), Encoding::Utf8), 0);
        assert_eq!(index.position(2, Encoding::Utf16), Position::new(0, 0));
    }
}
