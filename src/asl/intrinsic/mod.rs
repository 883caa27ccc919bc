//! Intrinsic function calls (`States.Format('{}', $.a)`) as JSONPath states evaluate them under
//! `.$` keys and in Fail `ErrorPath`/`CausePath`.
//!
//! Accepted grammar (`ws` is spaces, tabs and newlines, allowed around every token):
//!
//! ```text
//! call   := name ws '(' ws ( arg ( ws ',' ws arg )* )? ws ')'
//! name   := [A-Za-z0-9_.]+                      (the catalogue below: States.Format, …)
//! arg    := string | number | 'true' | 'false' | 'null' | path | call
//! string := "'" ( '\' any | not-quote )* "'"    (escape ' { } \ with a backslash)
//! number := '-'? digits ( '.' digits )? ( [eE] [+-]? digits )?
//! path   := '$' …   up to the next ',' ')' or whitespace outside brackets and parentheses,
//!                   then checked with `path::parse`
//! ```
//!
//! Calls nest at most [`MAX_NESTING`] deep (an ASL limit), so the recursive descent is bounded.
//! [`parse`] checks syntax only; [`check`] checks a parsed call against the catalogue.

use std::ops::Range;

use super::path::Path;

mod catalogue;
mod check;
mod parser;
#[cfg(test)]
mod tests;

pub use catalogue::{
    function, Function, Param, Returns, FUNCTIONS, HASH_ALGORITHMS, MAX_RANGE_ITEMS,
};
pub use check::{check, count_placeholders, Problem, Usage};
pub use parser::parse;
use parser::{is_name_byte, skip_ws};

/// Most intrinsic calls one value may nest (the outermost call counts as one).
pub const MAX_NESTING: usize = 10;

/// A parsed call. Ranges are byte offsets into the parsed string.
#[derive(Clone, Debug, PartialEq)]
pub struct Call<'s> {
    pub name: &'s str,
    pub name_range: Range<usize>,
    pub args: Vec<Arg<'s>>,
    /// From the start of the name to the closing ')'.
    pub range: Range<usize>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Arg<'s> {
    pub value: ArgValue<'s>,
    pub range: Range<usize>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ArgValue<'s> {
    /// A single-quoted string: the text between the quotes, escapes not yet applied.
    String(&'s str),
    /// A number: its value and its text (messages quote the text: `1e400`, not inf).
    Number(f64, &'s str),
    Bool(bool),
    Null,
    Path(Path),
    Call(Call<'s>),
}

impl ArgValue<'_> {
    pub(super) fn kind(&self) -> &'static str {
        match self {
            ArgValue::String(_) => "a string",
            ArgValue::Number(..) => "a number",
            ArgValue::Bool(_) => "a boolean",
            ArgValue::Null => "null",
            ArgValue::Path(_) => "a path",
            ArgValue::Call(_) => "a function call",
        }
    }
}

/// The value of a string argument: `\x` becomes `x`.
pub fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether `s` is shaped like a function call (`Name(`), so that a parse error is worth
/// reporting as a malformed call rather than as "not a path or intrinsic at all".
pub fn looks_like_call(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = skip_ws(b, 0);
    let start = i;
    while i < b.len() && is_name_byte(b[i]) {
        i += 1;
    }
    let j = skip_ws(b, i);
    i > start && j < b.len() && b[j] == b'('
}
