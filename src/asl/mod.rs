//! Syntax of the small languages inside ASL string values: paths, intrinsic functions, timestamps.
//!
//! Each submodule is a pure parser over `&str`: it never sees the document, never panics on any
//! input, and bounds its own nesting. Errors carry a byte range into the parsed string; rules map
//! that range onto the string node's span.
//!
//! - [`path`]: Paths and Reference Paths in the Jayway JsonPath dialect Step Functions evaluates,
//!   plus `$$` context paths and `$name` variable references.
//! - [`intrinsic`]: `States.Name(args)` intrinsic function calls and the function catalogue.
//! - [`timestamp`]: RFC 3339 date-times as Wait and Choice accept them.
//! - [`variable`]: workflow variable names.
//! - [`fields`]: where a JSONPath state holds paths and intrinsic calls.

use std::ops::Range;

pub mod fields;
pub mod integrations;
pub mod intrinsic;
pub mod path;
pub mod resource;
pub mod timestamp;
pub mod variable;

/// Why a string is not valid in its small language, and where (byte offsets into the string).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub offset_range: Range<usize>,
}

impl SyntaxError {
    pub fn new(message: impl Into<String>, offset_range: Range<usize>) -> Self {
        SyntaxError {
            message: message.into(),
            offset_range,
        }
    }

    /// The same error for a string embedded at byte `offset` of a larger one.
    pub fn shifted(mut self, offset: usize) -> Self {
        self.offset_range = self.offset_range.start + offset..self.offset_range.end + offset;
        self
    }
}

/// 1-based character (not byte) position of byte `offset` in `s`, as messages report it.
pub fn char_position(s: &str, offset: usize) -> usize {
    let offset = offset.min(s.len());
    s.char_indices().take_while(|&(i, _)| i < offset).count() + 1
}

/// The character at byte `offset`, for messages ("found 'x'").
pub(crate) fn char_at(s: &str, offset: usize) -> Option<char> {
    s.get(offset..).and_then(|rest| rest.chars().next())
}

/// Byte range of the character at `offset` (empty at the end of the string).
pub(crate) fn char_range(s: &str, offset: usize) -> Range<usize> {
    match char_at(s, offset) {
        Some(c) => offset..offset + c.len_utf8(),
        None => offset.min(s.len())..offset.min(s.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters() {
        assert_eq!(char_position("$.a", 0), 1);
        assert_eq!(char_position("$.é.b", 4), 4);
        assert_eq!(char_position("ab", 9), 3);
        assert_eq!(char_range("aé", 1), 1..3);
        assert_eq!(char_range("a", 1), 1..1);
        assert_eq!(SyntaxError::new("x", 1..2).shifted(3).offset_range, 4..5);
    }
}
