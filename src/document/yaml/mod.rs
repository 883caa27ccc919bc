//! YAML reader that builds the same spanned tree as the JSON parser, so state machines written
//! in YAML, and CloudFormation / SAM / Serverless templates, go through the same model and rules.
//!
//! It drives saphyr's event parser and builds the tree itself, which gives it what saphyr's own
//! loader does not:
//! - byte spans (saphyr counts characters) with the JSON conventions: a key's span includes its
//!   quotes; a flow collection runs over its brackets, a block one from its first key or `-` to
//!   the end of its last value; a block scalar from its `|` or `>` to the end of its text;
//! - duplicate keys kept and recorded, not fatal;
//! - CloudFormation short-form tags rewritten to the long form, so later code sees one shape:
//!   `!Ref X` is `{"Ref": X}`, `!GetAtt A.B` is `{"Fn::GetAtt": "A.B"}`;
//! - the `MAX_DEPTH` bound, and a budget on what anchors and aliases expand to.
//!
//! Scalars are resolved by the YAML 1.2 core schema; `.nan` stays a string, as no ASL field
//! wants it and a NaN would slip through every range check.

use saphyr_parser::Parser;

use super::{json, Document, ParseError};
use crate::source::Span;

mod builder;
mod errors;
mod lenient;
mod scalar;
mod scan;

use builder::Builder;
use errors::describe_scan_error;
use lenient::{lenient_patch, Patch};

/// Most nodes that aliases may add to a document. Real files stay far below it; an alias bomb
/// ("billion laughs") reaches it within milliseconds instead of exhausting memory.
const ALIAS_BUDGET: usize = 100_000;

/// Most nodes copied to remember anchored nodes. An anchor larger than `ALIAS_BUDGET` is never
/// copied: any alias to it would exceed the budget anyway.
const ANCHOR_COPY_BUDGET: usize = 4 * ALIAS_BUDGET;

const DEPTH_HELP: &str = "no state machine needs this depth; the file is likely generated wrongly";

pub fn parse(text: &str) -> Result<Document, ParseError> {
    // JSON is YAML (flow style), and the JSON parser builds the same tree several times faster.
    // What it rejects (comments, block style, trailing commas, ...) is read as YAML below.
    if looks_like_json(text) {
        if let Ok(document) = json::parse(text) {
            return Ok(document);
        }
    }
    parse_yaml(text)
}

fn looks_like_json(text: &str) -> bool {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    matches!(text.trim_start().as_bytes().first(), Some(b'{' | b'['))
}

/// Most lines joined to accept what YAML forbids but CloudFormation reads (see `lenient_patch`).
const MAX_PATCHES: usize = 64;

/// The YAML path alone, without the JSON shortcut.
fn parse_yaml(text: &str) -> Result<Document, ParseError> {
    let mut patched: Option<String> = None;
    let mut refolded = Vec::new();
    for _ in 0..=MAX_PATCHES {
        let source = patched.as_deref().unwrap_or(text);
        let (at, info) = match read(source, text, &refolded) {
            Ok(document) => return Ok(document),
            Err(Failure::Invalid(e)) => return Err(e),
            Err(Failure::Scan { at, info }) => (at, info),
        };
        let Some(patch) = lenient_patch(source, at, &info) else {
            return Err(describe_scan_error(text, at, &info));
        };
        let buffer = patched.get_or_insert_with(|| text.to_string());
        match patch {
            Patch::Join(range) => buffer.replace_range(range.clone(), &" ".repeat(range.len())),
            Patch::Unfold(range) => {
                let breaks: Vec<usize> = buffer.as_bytes()[range.clone()]
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| matches!(b, b'\n' | b'\r'))
                    .map(|(i, _)| range.start + i)
                    .collect();
                for i in breaks {
                    buffer.replace_range(i..i + 1, " ");
                }
                refolded.push(range.start);
            }
        }
    }
    Err(ParseError {
        message: "too many lines are indented less than YAML requires".into(),
        span: Span::new(0, 0),
        help: Some("indent the closing brackets and quoted lines more than their key".into()),
    })
}

enum Failure {
    /// saphyr's error, at a byte offset.
    Scan {
        at: usize,
        info: String,
    },
    Invalid(ParseError),
}

/// One pass of saphyr over `source`: `original` patched by `lenient_patch` (same length).
fn read(source: &str, original: &str, refolded: &[usize]) -> Result<Document, Failure> {
    let mut builder = Builder::new(source, original, refolded);
    let mut parser = Parser::new_from_str(source);
    while let Some(event) = parser.next_event() {
        let (event, span) = event.map_err(|e| Failure::Scan {
            at: builder.offsets.byte(e.marker().index()),
            info: e.info().to_string(),
        })?;
        builder.event(event, span).map_err(Failure::Invalid)?;
    }
    builder.finish().map_err(Failure::Invalid)
}

#[cfg(test)]
mod tests;
