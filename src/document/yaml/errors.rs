//! Saying what is wrong where saphyr stops: plain messages at the exact position.

use super::super::{ParseError, MAX_DEPTH};
use super::scan::{char_span, token_end};
use super::DEPTH_HELP;
use crate::source::Span;

pub(super) fn too_deep(text: &str, at: usize) -> ParseError {
    ParseError {
        message: format!("nesting is deeper than {MAX_DEPTH} levels"),
        span: char_span(text, at),
        help: Some(DEPTH_HELP.into()),
    }
}

/// saphyr's message, said plainly, at the place it points to.
pub(super) fn describe_scan_error(text: &str, at: usize, info: &str) -> ParseError {
    let at = at.min(text.len());
    let mut span = char_span(text, at);
    let here = text[at..].chars().next();
    let (message, help): (String, Option<&str>) = match info {
        "recursion limit exceeded" => (
            "'[' and '{' are nested deeper than 255 levels".into(),
            Some(DEPTH_HELP),
        ),
        "tabs disallowed within this context (block indentation)"
        | "tab cannot be used as indentation"
        | "tabs disallowed in this context"
        | "while scanning a plain scalar, found a tab"
        | "a block scalar content cannot start with a tab" => {
            span = tab_near(text, at).unwrap_or(span);
            (
                "YAML does not allow tabs for indentation".into(),
                Some("indent with spaces"),
            )
        }
        "while parsing a block mapping, did not find expected key"
            if text[at..].starts_with("- ") || text[at..].starts_with("-\n") =>
        {
            (
                "this list item does not line up with the list above".into(),
                Some("the items of one list start in the same column"),
            )
        }
        "while parsing a block mapping, did not find expected key" => (
            "expected a key here: the indentation does not match the mapping above".into(),
            Some("the keys of one mapping start in the same column, and a value nested under a key is indented more than the key"),
        ),
        "while parsing a block collection, did not find expected '-' indicator" => (
            "expected a list item ('- ') here: the indentation does not match the list above".into(),
            Some("the items of one list start in the same column"),
        ),
        "mapping values are not allowed in this context" => (
            "a ':' is not allowed here".into(),
            Some("if this starts a new key, check its indentation; if the ':' belongs to the value, put the value in quotes"),
        ),
        "simple key expect ':'" | "simple key expected" => {
            // saphyr notices on the line after; the key is the last text before it.
            span = previous_content_line(text, at).unwrap_or(span);
            (
                "expected a ':' after this key".into(),
                Some("every line of a mapping is `key: value`; is the ':' missing, or is this line indented wrongly?"),
            )
        }
        "while parsing a flow sequence, expected ',' or ']'" => (
            "expected ',' or ']' in this list".into(),
            Some("is a ',' or the closing ']' missing?"),
        ),
        "while parsing a flow mapping, did not find expected ',' or '}'" => (
            "expected ',' or '}' in this mapping".into(),
            Some("is a ',' or the closing '}' missing?"),
        ),
        "illegal placement of ':' indicator" => (
            "a ':' is not allowed here, inside '[...]' or '{...}'".into(),
            Some("is the closing ']' or '}' missing?"),
        ),
        "misplaced bracket" => (
            format!("'{}' has no matching opening bracket", here.unwrap_or(']')),
            None,
        ),
        "while scanning a quoted scalar, found unexpected end of stream"
        | "while scanning a quoted scalar, found unexpected document indicator" => (
            "unterminated string: the closing quote is missing".into(),
            Some("the string starts here and runs to the end of the document"),
        ),
        "invalid indentation in quoted scalar" => (
            "unterminated string, or its next line is not indented enough".into(),
            Some("close the quote, or indent the string's next lines more than its key"),
        ),
        "invalid trailing content after double-quoted scalar" => (
            "unexpected text after the closing quote".into(),
            None,
        ),
        "while parsing a quoted scalar, found unknown escape character"
        | "while parsing a quoted scalar, did not find expected hexadecimal number"
        | "while parsing a quoted scalar, found invalid Unicode character escape code" => (
            "invalid escape in a double-quoted string".into(),
            Some("write a backslash as \\\\, or use single quotes, where '\\' is an ordinary character"),
        ),
        "while parsing node, found unknown anchor" => {
            let name = &text[at..token_end(text.as_bytes(), at)];
            span = Span::new(at, at + name.len());
            (
                format!(
                    "unknown alias {name}: no anchor &{} is defined before it",
                    name.trim_start_matches('*')
                ),
                None,
            )
        }
        "while parsing a node, did not find expected node content" => {
            ("expected a value here".into(), None)
        }
        "block sequence entries are not allowed in this context" => (
            "a list item ('- ') cannot start here".into(),
            Some("start the list on the next line, indented under its key"),
        ),
        "comment intercepting the multiline text" => (
            "a comment cannot interrupt a value that runs over several lines".into(),
            None,
        ),
        "wrongly indented line in block scalar" | "invalid indentation in flow construct" => (
            "this line is not indented enough for the value it continues".into(),
            None,
        ),
        "did not find expected <document start>" | "did not find expected <document-start>" => (
            "unexpected content after the end of the document".into(),
            None,
        ),
        _ if info.starts_with("unexpected character") => (
            format!(
                "a plain value cannot start with '{}'",
                here.unwrap_or('?')
            ),
            Some("put the value in quotes"),
        ),
        _ => (info.to_string(), None),
    };
    ParseError {
        message,
        span,
        help: help.map(str::to_string),
    }
}

/// The text of the last line before the one holding `at` that is not blank or a comment.
pub(super) fn previous_content_line(text: &str, at: usize) -> Option<Span> {
    let mut end = text[..at].rfind('\n')?;
    loop {
        let start = text[..end].rfind('\n').map_or(0, |i| i + 1);
        let line = text[start..end].trim_end();
        let body = line.trim_start();
        if !body.is_empty() && !body.starts_with('#') {
            return Some(Span::new(
                start + line.len() - body.len(),
                start + line.len(),
            ));
        }
        end = start.checked_sub(1)?;
    }
}

/// The tab in the indentation of the line holding `at`.
pub(super) fn tab_near(text: &str, at: usize) -> Option<Span> {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let indent_end = text[line_start..]
        .find(|c| c != ' ' && c != '\t')
        .map_or(text.len(), |i| line_start + i);
    text[line_start..indent_end]
        .find('\t')
        .map(|i| Span::new(line_start + i, line_start + i + 1))
}
