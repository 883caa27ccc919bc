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

use std::borrow::Cow;
use std::ops::Range;

use saphyr_parser::{Event, Parser, ScalarStyle, Span as EventSpan, Tag};

use super::{
    json, Document, DuplicateKey, Member, Node, Number, ParseError, Text, Value, MAX_DEPTH,
};
use crate::diagnostic::abbreviate;
use crate::source::Span;

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

enum Patch {
    /// Blank these bytes (line breaks, spaces, comment lines): the line after them joins the
    /// line before.
    Join(Range<usize>),
    /// Make this quoted scalar one line; its value is then decoded from the original text.
    Unfold(Range<usize>),
}

/// YAML wants the lines of a flow collection (`[...]`, `{...}`) and of a quoted string to be
/// indented more than their key; PyYAML and the parsers behind CloudFormation do not check, and
/// real templates close a `[` at the column of its key. saphyr rejects those lines, so the line
/// it stops at is joined to the one before (same byte length, so every span is unchanged), when
/// that provably means the same:
/// - a line starting a flow token after a `,`, `[` or `{`, or with a closing bracket;
/// - the lines of a quoted string, whose value is then folded from the original text.
fn lenient_patch(source: &str, at: usize, info: &str) -> Option<Patch> {
    let bytes = source.as_bytes();
    match info {
        "invalid indentation" | "invalid indentation in flow construct" => {
            let line_start = source[..at].rfind('\n')? + 1;
            if !bytes[line_start..at]
                .iter()
                .all(|b| matches!(b, b' ' | b'\t'))
            {
                return None;
            }
            // Back over blank and comment lines to the line holding the previous token.
            let mut end = line_start - 1;
            loop {
                let start = source[..end].rfind('\n').map_or(0, |i| i + 1);
                let line = source[start..end].trim_end();
                let body = line.trim_start();
                if body.is_empty() || body.starts_with('#') {
                    end = start.checked_sub(1)?;
                    continue;
                }
                // A '#' could start a comment the joined line would fall into.
                if line.contains('#') {
                    return None;
                }
                let closing = matches!(bytes.get(at), Some(b']' | b'}'));
                if !closing && !body.ends_with([',', '[', '{']) {
                    return None;
                }
                return Some(Patch::Join(start + line.len()..line_start));
            }
        }
        "invalid indentation in quoted scalar" => {
            // Only a string that ends a line: a quote left open would otherwise run on to the
            // next quote in the file.
            let end = quoted_end(bytes, at)?;
            let rest = source[end..].trim_start_matches([' ', '\t']);
            let ends_line = rest.is_empty()
                || rest.starts_with(['\n', '\r', ',', ']', '}'])
                || (rest.starts_with('#') && rest.len() < source.len() - end);
            ends_line.then_some(Patch::Unfold(at..end))
        }
        _ => None,
    }
}

/// The end of the quoted scalar whose opening quote is at `at`.
fn quoted_end(bytes: &[u8], at: usize) -> Option<usize> {
    let mut i = at + 1;
    match bytes.get(at)? {
        b'"' => loop {
            i += bytes
                .get(i..)?
                .iter()
                .position(|&b| b == b'"' || b == b'\\')?;
            if bytes[i] == b'"' {
                return Some(i + 1);
            }
            i += 2;
        },
        b'\'' => loop {
            i += bytes.get(i..)?.iter().position(|&b| b == b'\'')?;
            if bytes.get(i + 1) != Some(&b'\'') {
                return Some(i + 1);
            }
            i += 2;
        },
        _ => None,
    }
}

/// The value of a quoted scalar, `raw` with its quotes: lines folded (a line break becomes a
/// space, each blank line a newline) and, in double quotes, escapes decoded.
fn decode_quoted(raw: &str) -> String {
    let double = raw.starts_with('"');
    let body = &raw[1..raw.len().saturating_sub(1).max(1)];
    let lines: Vec<&str> = body.split('\n').collect();
    let mut out = String::with_capacity(body.len());
    let (mut blank_lines, mut joined) = (0, true);
    for (i, line) in lines.iter().enumerate() {
        let last = i + 1 == lines.len();
        let mut line = line.strip_suffix('\r').unwrap_or(line);
        if i > 0 {
            line = line.trim_start_matches([' ', '\t']);
        }
        let mut escaped_break = false;
        if !last {
            let backslashes = line.len() - line.trim_end_matches('\\').len();
            if double && backslashes % 2 == 1 {
                line = &line[..line.len() - 1];
                escaped_break = true;
            } else {
                line = line.trim_end_matches([' ', '\t']);
            }
        }
        if i > 0 && !last && line.is_empty() && !escaped_break {
            blank_lines += 1;
            continue;
        }
        if !joined {
            match blank_lines {
                0 => out.push(' '),
                n => out.extend(std::iter::repeat_n('\n', n)),
            }
        }
        if double {
            unescape(line, &mut out);
        } else {
            out.push_str(&line.replace("''", "'"));
        }
        blank_lines = 0;
        joined = escaped_break;
    }
    out
}

/// Decodes the escapes of one line of a double-quoted scalar.
fn unescape(line: &str, out: &mut String) {
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let hex = |chars: &mut std::str::Chars, n: usize| {
            let digits: String = chars.by_ref().take(n).collect();
            u32::from_str_radix(&digits, 16)
                .ok()
                .and_then(char::from_u32)
                .unwrap_or('\u{fffd}')
        };
        let decoded = match chars.next() {
            Some('0') => '\0',
            Some('a') => '\u{7}',
            Some('b') => '\u{8}',
            Some('t' | '\t') => '\t',
            Some('n') => '\n',
            Some('v') => '\u{b}',
            Some('f') => '\u{c}',
            Some('r') => '\r',
            Some('e') => '\u{1b}',
            Some('N') => '\u{85}',
            Some('_') => '\u{a0}',
            Some('L') => '\u{2028}',
            Some('P') => '\u{2029}',
            Some('x') => hex(&mut chars, 2),
            Some('u') => hex(&mut chars, 4),
            Some('U') => hex(&mut chars, 8),
            Some(other) => other, // `\"`, `\\`, `\/`, `\ `
            None => '\\',
        };
        out.push(decoded);
    }
}

/// Converts saphyr's character indices to byte offsets. Events arrive in document order, so a
/// cursor that walks from the last position costs O(1) per lookup on average.
struct Offsets<'t> {
    text: &'t str,
    ascii: bool,
    char_index: usize,
    byte: usize,
}

impl<'t> Offsets<'t> {
    fn new(text: &'t str) -> Self {
        Offsets {
            text,
            ascii: text.is_ascii(),
            char_index: 0,
            byte: 0,
        }
    }

    fn byte(&mut self, char_index: usize) -> usize {
        if self.ascii {
            return char_index.min(self.text.len());
        }
        let bytes = self.text.as_bytes();
        while self.char_index < char_index && self.byte < bytes.len() {
            self.byte += utf8_len(bytes[self.byte]);
            self.char_index += 1;
        }
        while self.char_index > char_index {
            self.byte -= 1;
            while !self.text.is_char_boundary(self.byte) {
                self.byte -= 1;
            }
            self.char_index -= 1;
        }
        self.byte
    }
}

fn utf8_len(first: u8) -> usize {
    match first {
        0..=0x7f => 1,
        0x80..=0xdf => 2,
        0xe0..=0xef => 3,
        _ => 4,
    }
}

/// What a tag asks of the node it is on.
enum TagKind {
    /// No effect: the node reads as if untagged (`!!map`, `!!seq`, other handles).
    Ignored,
    Str,
    Int,
    Float,
    Bool,
    Null,
    /// A CloudFormation function in short form; the name of its long form.
    Function(Text),
}

impl TagKind {
    fn core_name(&self) -> &'static str {
        match self {
            TagKind::Int => "int",
            TagKind::Float => "float",
            TagKind::Bool => "bool",
            TagKind::Null => "null",
            _ => "str",
        }
    }
}

fn classify(tag: &Tag) -> TagKind {
    const CORE: &str = "tag:yaml.org,2002:";
    let core = match (tag.handle.as_str(), tag.suffix.as_str()) {
        (CORE, suffix) => suffix,
        ("", suffix) if suffix.starts_with(CORE) => &suffix[CORE.len()..],
        // The non-specific tag `! 12`: a string.
        ("", "!") | ("!", "") => return TagKind::Str,
        ("!", "Ref") => return TagKind::Function(Text::from("Ref")),
        ("!", "Condition") => return TagKind::Function(Text::from("Condition")),
        ("!", name) => return TagKind::Function(Text::from(format!("Fn::{name}"))),
        _ => return TagKind::Ignored,
    };
    match core {
        "str" | "binary" | "timestamp" => TagKind::Str,
        "int" => TagKind::Int,
        "float" => TagKind::Float,
        "bool" => TagKind::Bool,
        "null" => TagKind::Null,
        _ => TagKind::Ignored,
    }
}

/// A plain scalar by the YAML 1.2 core schema.
fn resolve_plain(value: &str) -> Value {
    match value.as_bytes().first() {
        None => Value::Null,
        Some(b'0'..=b'9' | b'-' | b'+' | b'.') => {
            match parse_int(value).or_else(|| parse_float(value)) {
                Some(n) => Value::Number(Number::new(n, value)),
                None => Value::String(Text::from(value)),
            }
        }
        Some(b'n' | b'N' | b'~') if is_null(value) => Value::Null,
        Some(b't' | b'T' | b'f' | b'F') => match parse_bool(value) {
            Some(b) => Value::Bool(b),
            None => Value::String(Text::from(value)),
        },
        _ => Value::String(Text::from(value)),
    }
}

fn is_null(value: &str) -> bool {
    matches!(value, "" | "~" | "null" | "Null" | "NULL")
}

fn parse_bool(value: &str) -> Option<bool> {
    match value {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// `[-+]?[0-9]+`, `0o[0-7]+`, `0x[0-9a-fA-F]+`.
fn parse_int(value: &str) -> Option<f64> {
    let radix = |digits: &str, radix: u32| {
        if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
            return None;
        }
        // Past u128 the value is far beyond f64's exact range anyway.
        u128::from_str_radix(digits, radix).ok().map(|n| n as f64)
    };
    if let Some(hex) = value.strip_prefix("0x") {
        return radix(hex, 16);
    }
    if let Some(octal) = value.strip_prefix("0o") {
        return radix(octal, 8);
    }
    let digits = value.strip_prefix(['-', '+']).unwrap_or(value);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value.parse().ok()
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?` and the infinities.
fn parse_float(value: &str) -> Option<f64> {
    match value {
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Some(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Some(f64::NEG_INFINITY),
        _ => {}
    }
    let bytes = value.as_bytes();
    let mut i = usize::from(matches!(bytes.first(), Some(b'-' | b'+')));
    let digits = |i: &mut usize| {
        let start = *i;
        while bytes.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    let whole = digits(&mut i);
    let mut fraction = 0;
    if bytes.get(i) == Some(&b'.') {
        i += 1;
        fraction = digits(&mut i);
    }
    if whole == 0 && fraction == 0 {
        return None;
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(bytes.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return None;
        }
    }
    if i != bytes.len() {
        return None;
    }
    value.parse().ok()
}

/// A scalar under a core-schema tag (`!!int 12`), whatever its quoting.
fn resolve_tagged(value: &str, kind: &TagKind) -> Option<Value> {
    match kind {
        TagKind::Str => Some(Value::String(Text::from(value))),
        TagKind::Int => parse_int(value).map(|n| Value::Number(Number::new(n, value))),
        TagKind::Float => parse_int(value)
            .or_else(|| parse_float(value))
            .or_else(|| matches!(value, ".nan" | ".NaN" | ".NAN").then_some(f64::NAN))
            .map(|n| Value::Number(Number::new(n, value))),
        TagKind::Bool => parse_bool(value).map(Value::Bool),
        TagKind::Null => is_null(value).then_some(Value::Null),
        TagKind::Ignored | TagKind::Function(_) => None,
    }
}

fn text_of(value: Cow<'_, str>) -> Text {
    match value {
        Cow::Borrowed(s) => Text::from(s),
        Cow::Owned(s) => Text::from(s),
    }
}

/// `{"Fn::Name": inner}`: the object spans the tag and the value, its key the tag.
fn wrap(name: Text, tag: Span, inner: Node) -> Node {
    Node {
        span: Span::new(tag.start, inner.span.end.max(tag.end)),
        value: Value::Object(vec![Member {
            key: name,
            key_span: tag,
            value: inner,
        }]),
    }
}

/// A mapping or sequence being read.
struct Frame {
    map: bool,
    flow: bool,
    /// Where the content starts: the bracket, or the first key or `-`.
    start: usize,
    /// The CloudFormation function the collection is the argument of, and the tag's span.
    function: Option<(Text, Span)>,
    anchor: usize,
    /// Where this collection's members or items start in the shared stacks.
    base: usize,
    /// A mapping's key waiting for its value.
    key: Option<(Text, Span)>,
    /// Greatest height of the children so far.
    height: usize,
    /// `Builder::nodes` when the collection opened, to know its size when it closes.
    nodes_before: usize,
}

/// Height (0 for a scalar) and number of nodes of a finished node.
#[derive(Clone, Copy)]
struct Shape {
    height: usize,
    size: usize,
}

enum Anchor {
    Node(Node, Shape),
    /// Too large to copy: any alias to it is over the budget.
    TooLarge,
}

struct Builder<'t> {
    text: &'t str,
    /// The text before `lenient_patch`, and where the quoted scalars it made one line start.
    original: &'t str,
    refolded: &'t [usize],
    offsets: Offsets<'t>,
    frames: Vec<Frame>,
    /// Members and items of the open collections, innermost last (as in the JSON parser).
    members: Vec<Member>,
    items: Vec<Node>,
    /// Nesting of the open collections, counting the objects that tags become.
    depth: usize,
    /// Nodes built so far, alias copies included.
    nodes: usize,
    alias_nodes: usize,
    anchor_copies: usize,
    anchors: Vec<Option<Anchor>>,
    /// End of the last token read: a block scalar's `|` or `>` is searched from here.
    last_end: usize,
    document_start: Span,
    root: Option<Node>,
    duplicate_keys: Vec<DuplicateKey>,
}

impl<'t> Builder<'t> {
    fn new(text: &'t str, original: &'t str, refolded: &'t [usize]) -> Self {
        Builder {
            text,
            original,
            refolded,
            offsets: Offsets::new(text),
            frames: Vec::new(),
            members: Vec::new(),
            items: Vec::new(),
            depth: 0,
            nodes: 0,
            alias_nodes: 0,
            anchor_copies: 0,
            anchors: Vec::new(),
            last_end: 0,
            document_start: Span::default(),
            root: None,
            duplicate_keys: Vec::new(),
        }
    }

    fn finish(self) -> Result<Document, ParseError> {
        match self.root {
            Some(root) => Ok(Document {
                root,
                duplicate_keys: self.duplicate_keys,
            }),
            None => Err(ParseError {
                message:
                    "the file is empty: expected a YAML mapping with \"StartAt\" and \"States\""
                        .into(),
                span: Span::new(self.text.len(), self.text.len()),
                help: None,
            }),
        }
    }

    fn span(&mut self, span: EventSpan) -> Span {
        let start = self.offsets.byte(span.start.index());
        let end = self.offsets.byte(span.end.index());
        Span::new(start, end.max(start))
    }

    fn event(&mut self, event: Event<'_>, span: EventSpan) -> Result<(), ParseError> {
        match event {
            Event::DocumentStart(_) => {
                self.document_start = self.span(span);
                Ok(())
            }
            Event::Scalar(value, style, anchor, tag) => {
                self.scalar(value, style, anchor, tag.as_deref(), span)
            }
            Event::SequenceStart(anchor, tag) => self.open(false, anchor, tag.as_deref(), span),
            Event::MappingStart(anchor, tag) => self.open(true, anchor, tag.as_deref(), span),
            Event::SequenceEnd | Event::MappingEnd => self.close(span),
            Event::Alias(id) => self.alias(id, span),
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => Ok(()),
        }
    }

    /// A node at the top of a document that already has one is the start of a second document.
    fn check_single_document(&self) -> Result<(), ParseError> {
        if !self.frames.is_empty() || self.root.is_none() {
            return Ok(());
        }
        let start = self.document_start;
        Err(ParseError {
            message: "expected one YAML document, found a second".into(),
            span: if start.is_empty() {
                char_span(self.text, start.start)
            } else {
                start
            },
            help: Some(
                "a file holds one state machine or template; move the second document to a file of its own"
                    .into(),
            ),
        })
    }

    fn expecting_key(&self) -> bool {
        self.frames
            .last()
            .is_some_and(|frame| frame.map && frame.key.is_none())
    }

    fn scalar(
        &mut self,
        value: Cow<'_, str>,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<&Tag>,
        span: EventSpan,
    ) -> Result<(), ParseError> {
        let empty = value.is_empty() && style == ScalarStyle::Plain;
        if empty && anchor == 0 && tag.is_none() && self.frames.is_empty() {
            return Ok(()); // An empty document.
        }
        self.check_single_document()?;
        let Span { start, end } = self.span(span);
        let with_properties = tag.is_some() || anchor > 0;
        let (tag_span, content) = if with_properties {
            self.properties(start)
        } else {
            (None, start)
        };
        let span = match style {
            _ if empty => {
                // Past the properties, if any: an empty value has nothing else to point at.
                let at = if with_properties {
                    content.min(end)
                } else {
                    start
                };
                Span::new(at, at)
            }
            ScalarStyle::Plain => Span::new(content.min(end), end),
            ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
                Span::new(content, self.quoted_end(content, end))
            }
            ScalarStyle::Literal | ScalarStyle::Folded => {
                let from = if with_properties {
                    content
                } else {
                    self.block_indicator(start)
                };
                Span::new(from, self.trim_end(from, end))
            }
        };
        // On broken input the properties or quotes can be found past the event's end; a span
        // never runs backwards.
        let span = Span::new(span.start, span.end.max(span.start));
        self.last_end = self.last_end.max(span.end);
        let value = if self.refolded.contains(&span.start) && style != ScalarStyle::Plain {
            Cow::Owned(decode_quoted(&self.original[span.start..span.end]))
        } else {
            value
        };

        if self.expecting_key() {
            let key = text_of(value);
            if anchor > 0 {
                let node = Node {
                    span,
                    value: Value::String(key.clone()),
                };
                self.remember(anchor, &node, Shape { height: 0, size: 1 });
            }
            if let Some(frame) = self.frames.last_mut() {
                frame.key = Some((key, span));
            }
            return Ok(());
        }

        let kind = tag.map_or(TagKind::Ignored, classify);
        let value = match &kind {
            TagKind::Ignored | TagKind::Function(_) if style == ScalarStyle::Plain => {
                resolve_plain(&value)
            }
            TagKind::Ignored | TagKind::Function(_) => Value::String(text_of(value)),
            TagKind::Str => Value::String(text_of(value)),
            _ => resolve_tagged(&value, &kind).ok_or_else(|| ParseError {
                message: format!(
                    "'{value}' is not a valid !!{}",
                    kind.core_name(),
                    value = abbreviate(&value)
                ),
                span,
                help: Some("remove the tag, or write a value of its type".into()),
            })?,
        };
        let mut node = Node { span, value };
        let mut shape = Shape { height: 0, size: 1 };
        if let TagKind::Function(name) = kind {
            let tag_span = tag_span.unwrap_or(Span::new(start, start));
            if self.depth + 1 > MAX_DEPTH {
                return Err(too_deep(self.text, tag_span.start));
            }
            node = wrap(name, tag_span, node);
            shape = Shape { height: 1, size: 2 };
        }
        self.nodes += shape.size;
        self.add(node, shape, anchor);
        Ok(())
    }

    fn open(
        &mut self,
        map: bool,
        anchor: usize,
        tag: Option<&Tag>,
        span: EventSpan,
    ) -> Result<(), ParseError> {
        self.check_single_document()?;
        let Span { start, end } = self.span(span);
        // The event spans the properties (`!If`, `&a`) and a flow collection's bracket with the
        // spaces after it; a block collection's is empty or ends where its content starts.
        let (tag_span, content) = if tag.is_some() || anchor > 0 {
            self.properties(start)
        } else {
            (None, start)
        };
        let flow = content < end && matches!(self.text.as_bytes()[content], b'[' | b'{');
        let function = match tag.map(classify) {
            Some(TagKind::Function(name)) => {
                Some((name, tag_span.unwrap_or(Span::new(start, start))))
            }
            _ => None,
        };
        let levels = 1 + usize::from(function.is_some());
        if self.depth + levels > MAX_DEPTH {
            return Err(too_deep(self.text, content));
        }
        self.depth += levels;
        self.frames.push(Frame {
            map,
            flow,
            start: content,
            function,
            anchor,
            base: if map {
                self.members.len()
            } else {
                self.items.len()
            },
            key: None,
            height: 0,
            nodes_before: self.nodes,
        });
        self.last_end = self.last_end.max(content + usize::from(flow));
        Ok(())
    }

    fn close(&mut self, span: EventSpan) -> Result<(), ParseError> {
        let Some(frame) = self.frames.pop() else {
            return Ok(()); // saphyr balances its events; nothing to close.
        };
        let end = if frame.flow {
            // The event starts at the bracket and runs on over the spaces after it.
            self.span(span).start + 1
        } else if frame.map {
            self.members[frame.base..]
                .last()
                .map_or(frame.start, |m| m.key_span.end.max(m.value.span.end))
        } else {
            self.items[frame.base..]
                .last()
                .map_or(frame.start, |n| n.span.end)
        };
        let value = if frame.map {
            let members: Vec<Member> = self.members.drain(frame.base..).collect();
            Value::Object(self.merge(members)?)
        } else {
            Value::Array(self.items.drain(frame.base..).collect())
        };
        let mut node = Node {
            span: Span::new(frame.start, end.max(frame.start)),
            value,
        };
        let mut height = frame.height + 1;
        self.nodes += 1;
        self.depth -= 1;
        if let Some((name, tag_span)) = frame.function {
            node = wrap(name, tag_span, node);
            height += 1;
            self.nodes += 1;
            self.depth -= 1;
        }
        self.last_end = self.last_end.max(node.span.end);
        let shape = Shape {
            height,
            size: self.nodes - frame.nodes_before,
        };
        self.add(node, shape, frame.anchor);
        Ok(())
    }

    /// Expands the merge keys (`<<: *defaults`, `<<: [*a, *b]`) of a mapping's members: the
    /// keys of the merged mappings are added unless the mapping sets them itself, an earlier
    /// mapping in a list taking precedence over a later one (YAML's merge key type, which
    /// PyYAML, SAM and the Serverless Framework read). Merged members keep their spans, in the
    /// anchored text where they are written; members stay in the order of their spans.
    /// Merged nodes are moved, not copied: the aliases that brought them were already counted
    /// against the budget.
    fn merge(&mut self, members: Vec<Member>) -> Result<Vec<Member>, ParseError> {
        let is_merge = |m: &Member| self.text.get(m.key_span.start..m.key_span.end) == Some("<<");
        if !members.iter().any(is_merge) {
            super::record_duplicates(&members, &mut self.duplicate_keys);
            return Ok(members);
        }
        let (merges, mut own): (Vec<Member>, Vec<Member>) =
            members.into_iter().partition(|m| is_merge(m));
        super::record_duplicates(&own, &mut self.duplicate_keys);
        let mut sources = Vec::new();
        for merge in merges {
            let span = merge.value.span;
            match merge.value.value {
                Value::Object(members) => sources.push(members),
                Value::Array(items) => {
                    for item in items {
                        match item.value {
                            Value::Object(members) => sources.push(members),
                            _ => return Err(merge_error(item.span)),
                        }
                    }
                }
                _ => return Err(merge_error(span)),
            }
        }
        let mut seen: std::collections::HashSet<Text> = own.iter().map(|m| m.key.clone()).collect();
        for member in sources.into_iter().flatten() {
            if seen.insert(member.key.clone()) {
                own.push(member);
            }
        }
        own.sort_by_key(|m| m.key_span.start);
        Ok(own)
    }

    fn alias(&mut self, id: usize, span: EventSpan) -> Result<(), ParseError> {
        self.check_single_document()?;
        let span = self.span(span);
        self.last_end = self.last_end.max(span.end);
        let (node, shape) = match self.anchors.get(id) {
            Some(Some(Anchor::Node(node, shape))) => (node, *shape),
            Some(Some(Anchor::TooLarge)) => return Err(self.over_budget(span)),
            // saphyr rejects unknown anchors; a known one not stored yet is still open.
            _ => {
                return Err(ParseError {
                    message: format!(
                        "the alias {} is inside the node it refers to",
                        &self.text[span.start..span.end]
                    ),
                    span,
                    help: Some("a node cannot contain itself".into()),
                })
            }
        };
        if self.expecting_key() {
            let key = key_text(self.text, node);
            if let Some(frame) = self.frames.last_mut() {
                frame.key = Some((key, span));
            }
            return Ok(());
        }
        if self.alias_nodes + shape.size > ALIAS_BUDGET {
            return Err(self.over_budget(span));
        }
        if self.depth + shape.height > MAX_DEPTH {
            return Err(too_deep(self.text, span.start));
        }
        let mut node = node.clone();
        // The copy's own span is the alias; what is inside keeps pointing at the anchored text.
        node.span = span;
        self.alias_nodes += shape.size;
        self.nodes += shape.size;
        self.add(node, shape, 0);
        Ok(())
    }

    fn over_budget(&self, span: Span) -> ParseError {
        ParseError {
            message: format!("anchors and aliases expand to more than {ALIAS_BUDGET} nodes"),
            span,
            help: Some(
                "aliases that copy aliases grow exponentially (a \"billion laughs\" document); write the values out"
                    .into(),
            ),
        }
    }

    /// Remembers an anchored node for the aliases to it.
    fn remember(&mut self, anchor: usize, node: &Node, shape: Shape) {
        if self.anchors.len() <= anchor {
            self.anchors.resize_with(anchor + 1, || None);
        }
        let fits =
            shape.size <= ALIAS_BUDGET && self.anchor_copies + shape.size <= ANCHOR_COPY_BUDGET;
        self.anchors[anchor] = Some(if fits {
            self.anchor_copies += shape.size;
            Anchor::Node(node.clone(), shape)
        } else {
            Anchor::TooLarge
        });
    }

    /// Puts a finished node in its place: an item, a key, a value, or the root.
    fn add(&mut self, node: Node, shape: Shape, anchor: usize) {
        if anchor > 0 {
            self.remember(anchor, &node, shape);
        }
        let key = self.expecting_key().then(|| key_text(self.text, &node));
        let Some(frame) = self.frames.last_mut() else {
            self.root = Some(node);
            return;
        };
        frame.height = frame.height.max(shape.height);
        if !frame.map {
            self.items.push(node);
        } else if let Some(key) = key {
            frame.key = Some((key, node.span));
        } else if let Some((key, key_span)) = frame.key.take() {
            self.members.push(Member {
                key,
                key_span,
                value: node,
            });
        }
    }

    /// Skips the properties (`!Tag`, `&anchor`) at `at`: the tag's span and where the content
    /// starts.
    fn properties(&self, mut at: usize) -> (Option<Span>, usize) {
        let bytes = self.text.as_bytes();
        let mut tag = None;
        loop {
            at = skip_separation(bytes, at);
            match bytes.get(at) {
                Some(b'!') => {
                    let end = token_end(bytes, at);
                    tag = Some(Span::new(at, end));
                    at = end;
                }
                Some(b'&') => at = token_end(bytes, at),
                _ => return (tag, at),
            }
        }
    }

    /// The end of a quoted scalar starting at `at` (saphyr's span runs on over trailing spaces
    /// and comments).
    fn quoted_end(&self, at: usize, fallback: usize) -> usize {
        quoted_end(self.text.as_bytes(), at).unwrap_or(fallback)
    }

    /// The `|` or `>` of an untagged block scalar whose text starts at `content` (saphyr's span
    /// starts at the text). Only indicators, spaces and comments can stand between the previous
    /// token and it.
    fn block_indicator(&self, content: usize) -> usize {
        let bytes = self.text.as_bytes();
        let mut at = self.last_end;
        while at < content {
            match bytes[at] {
                b'|' | b'>' => return at,
                b' ' | b'\t' | b'\r' | b'\n' | b':' | b'-' | b'?' => at += 1,
                b'#' => at = line_end(bytes, at),
                _ => break,
            }
        }
        content
    }

    /// A block scalar's span without the blank lines and indentation saphyr includes after it.
    fn trim_end(&self, from: usize, mut end: usize) -> usize {
        let bytes = self.text.as_bytes();
        while end > from + 1 && matches!(bytes[end - 1], b' ' | b'\t' | b'\r' | b'\n') {
            end -= 1;
        }
        end
    }
}

fn skip_separation(bytes: &[u8], mut at: usize) -> usize {
    while let Some(&b) = bytes.get(at) {
        match b {
            b' ' | b'\t' | b'\r' | b'\n' => at += 1,
            b'#' => at = line_end(bytes, at),
            _ => break,
        }
    }
    at
}

fn line_end(bytes: &[u8], at: usize) -> usize {
    bytes[at..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |n| at + n)
}

/// End of a tag or anchor token starting at `at`.
fn token_end(bytes: &[u8], at: usize) -> usize {
    if bytes.get(at + 1) == Some(&b'<') {
        // A verbatim tag: `!<tag:example.com,2000:x>`.
        if let Some(n) = bytes[at..].iter().position(|&b| b == b'>') {
            return at + n + 1;
        }
    }
    bytes[at..]
        .iter()
        .position(|b| {
            matches!(
                b,
                b' ' | b'\t' | b'\r' | b'\n' | b',' | b'[' | b']' | b'{' | b'}'
            )
        })
        .map_or(bytes.len(), |n| at + n)
}

/// A key's text: a string as is, anything else as written.
fn key_text(text: &str, node: &Node) -> Text {
    match &node.value {
        Value::String(s) => s.clone(),
        _ => Text::from(&text[node.span.start..node.span.end]),
    }
}

fn merge_error(span: Span) -> ParseError {
    ParseError {
        message: "the merge key << takes a mapping or a list of mappings".into(),
        span,
        help: Some(
            "write `<<: *anchor` or `<<: [*first, *second]`, each anchor on a mapping".into(),
        ),
    }
}

/// Span of the character at `at` (empty at the end of the text).
fn char_span(text: &str, at: usize) -> Span {
    let at = at.min(text.len());
    let len = text[at..].chars().next().map_or(0, char::len_utf8);
    Span::new(at, at + len)
}

fn too_deep(text: &str, at: usize) -> ParseError {
    ParseError {
        message: format!("nesting is deeper than {MAX_DEPTH} levels"),
        span: char_span(text, at),
        help: Some(DEPTH_HELP.into()),
    }
}

/// saphyr's message, said plainly, at the place it points to.
fn describe_scan_error(text: &str, at: usize, info: &str) -> ParseError {
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
fn previous_content_line(text: &str, at: usize) -> Option<Span> {
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
fn tab_near(text: &str, at: usize) -> Option<Span> {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let indent_end = text[line_start..]
        .find(|c| c != ' ' && c != '\t')
        .map_or(text.len(), |i| line_start + i);
    text[line_start..indent_end]
        .find('\t')
        .map(|i| Span::new(line_start + i, line_start + i + 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    fn doc(text: &str) -> Document {
        match parse(text) {
            Ok(d) => d,
            Err(e) => panic!("{} at {:?} in\n{text}", e.message, e.span),
        }
    }

    fn err(text: &str) -> ParseError {
        parse(text).expect_err("should fail")
    }

    fn at(text: &str, span: Span) -> &str {
        &text[span.start..span.end]
    }

    /// The tree without spans, as compact JSON (keys in order, duplicates kept).
    fn plain(node: &Node) -> String {
        match &node.value {
            Value::Null => "null".into(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => n.value.to_string(),
            Value::String(s) => format!("{:?}", s.as_str()),
            Value::Array(items) => {
                format!(
                    "[{}]",
                    items.iter().map(plain).collect::<Vec<_>>().join(",")
                )
            }
            Value::Object(members) => format!(
                "{{{}}}",
                members
                    .iter()
                    .map(|m| format!("{:?}:{}", m.key.as_str(), plain(&m.value)))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        }
    }

    /// `yaml` reads as the JSON text `json`.
    fn same(yaml: &str, json_text: &str) {
        let expected = plain(&json::parse(json_text).unwrap().root);
        assert_eq!(plain(&doc(yaml).root), expected, "for\n{yaml}");
    }

    /// Every node's span, with its pointer-like path, for comparing two trees exactly.
    fn spans(node: &Node, path: String, out: &mut Vec<(String, Span)>) {
        out.push((path.clone(), node.span));
        match &node.value {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    spans(item, format!("{path}/{i}"), out);
                }
            }
            Value::Object(members) => {
                for m in members {
                    out.push((format!("{path}/{}#key", m.key.as_str()), m.key_span));
                    spans(&m.value, format!("{path}/{}", m.key.as_str()), out);
                }
            }
            _ => {}
        }
    }

    /// Spans nest: every child inside its parent, members and items in order, and a key's span
    /// holds the key as written.
    fn nested(text: &str, node: &Node) {
        let children: Vec<Span> = match &node.value {
            Value::Array(items) => items.iter().map(|n| n.span).collect(),
            Value::Object(members) => members.iter().map(Member::span).collect(),
            _ => return,
        };
        for pair in children.windows(2) {
            assert!(pair[0].end <= pair[1].start, "{pair:?}");
        }
        for child in &children {
            assert!(
                node.span.contains(*child),
                "{child:?} outside {:?}",
                node.span
            );
        }
        match &node.value {
            Value::Array(items) => items.iter().for_each(|n| nested(text, n)),
            Value::Object(members) => {
                for m in members {
                    let written = at(text, m.key_span);
                    let tag = m.key.starts_with("Fn::") || m.key == "Ref" || m.key == "Condition";
                    assert!(
                        written == m.key.as_str()
                            || written.starts_with(['"', '\''])
                            || (tag && written.starts_with('!')),
                        "key {:?} written {written:?}",
                        m.key.as_str()
                    );
                    nested(text, &m.value);
                }
            }
            _ => {}
        }
    }

    #[test]
    fn block_spans_cover_keys_and_values() {
        let text = "# head\nStartAt: First   # trailing\nStates:\n  \"First\":\n    Type: 'Pass'  # c\n    Next: \"B\"\n  B:\n    Type: Succeed\n\n";
        let d = doc(text);
        let start = d.root.member("StartAt").unwrap();
        assert_eq!(at(text, start.key_span), "StartAt");
        assert_eq!(at(text, start.value.span), "First");
        let states = d.root.member("States").unwrap();
        assert!(at(text, states.value.span).starts_with("\"First\":"));
        assert!(at(text, states.value.span).ends_with("Type: Succeed"));
        let first = states.value.member("First").unwrap();
        assert_eq!(at(text, first.key_span), "\"First\"");
        assert_eq!(at(text, first.value.get("Type").unwrap().span), "'Pass'");
        assert_eq!(at(text, first.value.get("Next").unwrap().span), "\"B\"");
        assert!(at(text, first.value.span).starts_with("Type: 'Pass'"));
        assert!(at(text, first.value.span).ends_with("Next: \"B\""));
        assert_eq!(at(text, d.root.span), text[7..].trim_end());
    }

    #[test]
    fn flow_and_block_mix() {
        let text =
            "a: [1, {b: c, 'd': [e]}]\nf:\n  - {g: h}\n  - - i\n    - j\n  - k: l\n    m: n\n";
        let d = doc(text);
        same(
            text,
            r#"{"a": [1, {"b": "c", "d": ["e"]}], "f": [{"g": "h"}, ["i", "j"], {"k": "l", "m": "n"}]}"#,
        );
        let a = d.root.get("a").unwrap();
        assert_eq!(at(text, a.span), "[1, {b: c, 'd': [e]}]");
        let inner = &a.as_array().unwrap()[1];
        assert_eq!(at(text, inner.span), "{b: c, 'd': [e]}");
        assert_eq!(at(text, inner.member("d").unwrap().key_span), "'d'");
        let f = d.root.get("f").unwrap().as_array().unwrap();
        assert_eq!(at(text, f[1].span), "- i\n    - j");
        assert_eq!(at(text, f[2].span), "k: l\n    m: n");
        // Pointers resolve through YAML spans as through JSON ones.
        let j = &f[1].as_array().unwrap()[1];
        assert_eq!(super::super::pointer_to(&d.root, j.span), "/f/1/1");
    }

    #[test]
    fn json_text_gets_the_same_spans_through_the_yaml_path() {
        let text = "{\n  \"StartAt\": \"A\",\n  \"States\": {\"A\": {\"Type\": \"Pass\", \"Result\": [1, 2.5, true, null, \"x\\\"y\"], \"End\": true}}\n}\n";
        let (mut a, mut b) = (Vec::new(), Vec::new());
        spans(&json::parse(text).unwrap().root, String::new(), &mut a);
        spans(&parse_yaml(text).unwrap().root, String::new(), &mut b);
        assert_eq!(a, b);
    }

    #[test]
    fn scalars_follow_the_core_schema() {
        same(
            "a: true\nb: False\nc: TRUE\nd: null\ne: ~\nf:\ng: 12\nh: -3\ni: 0x1F\nj: 0o17\nk: 1.5e3\nl: .5\nm: +7\nn: .inf\no: -.Inf\n",
            r#"{"a": true, "b": false, "c": true, "d": null, "e": null, "f": null, "g": 12, "h": -3, "i": 31, "j": 15, "k": 1500, "l": 0.5, "m": 7, "n": 1e400, "o": -1e400}"#,
        );
        same(
            "a: yes\nb: 'true'\nc: \"12\"\nd: 1.2.3\ne: .nan\nf: 0x\ng: 12abc\nh: nULL\ni: 1_000\nj: 0x-1\n",
            r#"{"a": "yes", "b": "true", "c": "12", "d": "1.2.3", "e": ".nan", "f": "0x", "g": "12abc", "h": "nULL", "i": "1_000", "j": "0x-1"}"#,
        );
        // Keys are always strings, as written.
        same(
            "1: a\ntrue: b\nnull: c\n\"q\": d\n? [x, y]\n: e\n",
            r#"{"1": "a", "true": "b", "null": "c", "q": "d", "[x, y]": "e"}"#,
        );
        // Core tags.
        same(
            "a: !!str 12\nb: !!int \"7\"\nc: !!float 1\nd: !!bool true\ne: ! 12\nf: !!null ''\n",
            r#"{"a": "12", "b": 7, "c": 1, "d": true, "e": "12", "f": null}"#,
        );
        let e = err("a: !!int abc\n");
        assert_eq!(e.message, "'abc' is not a valid !!int");
        assert_eq!(e.span, Span::new(9, 12));
    }

    #[test]
    fn block_scalars() {
        let text = "a: |\n  line 1\n    line 2\n\nb: >-\n  folded\n  text\n\n  para\nc: |+\n  keep\n\n# comment\nd: end\n";
        same(
            text,
            r#"{"a": "line 1\n  line 2\n", "b": "folded text\npara", "c": "keep\n\n", "d": "end"}"#,
        );
        let d = doc(text);
        assert_eq!(
            at(text, d.root.get("a").unwrap().span),
            "|\n  line 1\n    line 2"
        );
        assert_eq!(
            at(text, d.root.get("b").unwrap().span),
            ">-\n  folded\n  text\n\n  para"
        );
        assert_eq!(at(text, d.root.get("c").unwrap().span), "|+\n  keep");
        // In a list, after a comment, and tagged.
        let text = "- |  # note | >\n  x\n- !Sub >\n  y ${A}\n";
        let d = doc(text);
        let items = d.root.as_array().unwrap();
        assert_eq!(at(text, items[0].span), "|  # note | >\n  x");
        assert_eq!(at(text, items[1].span), "!Sub >\n  y ${A}");
        assert_eq!(
            at(text, items[1].get("Fn::Sub").unwrap().span),
            ">\n  y ${A}"
        );
    }

    #[test]
    fn short_form_tags_become_the_long_form() {
        let cases = [
            ("!Ref X", r#"{"Ref": "X"}"#),
            ("!Condition IsProd", r#"{"Condition": "IsProd"}"#),
            ("!GetAtt Fn.Arn", r#"{"Fn::GetAtt": "Fn.Arn"}"#),
            ("!GetAtt [Fn, Arn]", r#"{"Fn::GetAtt": ["Fn", "Arn"]}"#),
            (
                "!Sub [ \"x${A}\", {A: 1} ]",
                r#"{"Fn::Sub": ["x${A}", {"A": 1}]}"#,
            ),
            (
                "!Sub 'arn:${AWS::Region}'",
                r#"{"Fn::Sub": "arn:${AWS::Region}"}"#,
            ),
            ("!Join [',', [a, b]]", r#"{"Fn::Join": [",", ["a", "b"]]}"#),
            ("!If [C, 1, 2]", r#"{"Fn::If": ["C", 1, 2]}"#),
            (
                "!Select [0, !GetAZs '']",
                r#"{"Fn::Select": [0, {"Fn::GetAZs": ""}]}"#,
            ),
            (
                "!Split [',', !ImportValue Out]",
                r#"{"Fn::Split": [",", {"Fn::ImportValue": "Out"}]}"#,
            ),
            (
                "!FindInMap [M, !Ref K, v]",
                r#"{"Fn::FindInMap": ["M", {"Ref": "K"}, "v"]}"#,
            ),
            ("!Base64 abc", r#"{"Fn::Base64": "abc"}"#),
            ("!Cidr [a, 6, 5]", r#"{"Fn::Cidr": ["a", 6, 5]}"#),
            (
                "!Equals [!Ref E, prod]",
                r#"{"Fn::Equals": [{"Ref": "E"}, "prod"]}"#,
            ),
            (
                "!And [!Condition A, !Not [!Condition B]]",
                r#"{"Fn::And": [{"Condition": "A"}, {"Fn::Not": [{"Condition": "B"}]}]}"#,
            ),
            (
                "!Or [!Condition A, x]",
                r#"{"Fn::Or": [{"Condition": "A"}, "x"]}"#,
            ),
            (
                "!Transform {Name: M, Parameters: {}}",
                r#"{"Fn::Transform": {"Name": "M", "Parameters": {}}}"#,
            ),
            ("!ToJsonString {a: 1}", r#"{"Fn::ToJsonString": {"a": 1}}"#),
            ("!Length [1, 2]", r#"{"Fn::Length": [1, 2]}"#),
            ("!Ref", r#"{"Ref": null}"#),
            ("!Foo 1", r#"{"Fn::Foo": 1}"#),
        ];
        for (yaml, json_text) in cases {
            same(&format!("v: {yaml}\n"), &format!("{{\"v\": {json_text}}}"));
        }
        same(
            "v: !Join ['', [!Sub 'arn:${P}', !Ref X]]",
            r#"{"v": {"Fn::Join": ["", [{"Fn::Sub": "arn:${P}"}, {"Ref": "X"}]]}}"#,
        );
        // Block forms.
        same(
            "v: !If\n  - C\n  - !GetAtt A.Arn\n  - !Ref AWS::NoValue\nw: !Sub\n  - '${A}'\n  - A: !Ref B\n",
            r#"{"v": {"Fn::If": ["C", {"Fn::GetAtt": "A.Arn"}, {"Ref": "AWS::NoValue"}]}, "w": {"Fn::Sub": ["${A}", {"A": {"Ref": "B"}}]}}"#,
        );
    }

    #[test]
    fn tag_spans() {
        let text = "a: !Ref   Foo\nb: !Join ['', [!Sub 'x${A}', !Ref X]]\nc: !If\n  - C\n  - 1\n";
        let d = doc(text);
        let a = d.root.get("a").unwrap();
        assert_eq!(at(text, a.span), "!Ref   Foo");
        let m = &a.as_object().unwrap()[0];
        assert_eq!(at(text, m.key_span), "!Ref");
        assert_eq!(at(text, m.value.span), "Foo");

        let b = d.root.get("b").unwrap();
        assert_eq!(at(text, b.span), "!Join ['', [!Sub 'x${A}', !Ref X]]");
        let join = b.member("Fn::Join").unwrap();
        assert_eq!(at(text, join.key_span), "!Join");
        assert_eq!(at(text, join.value.span), "['', [!Sub 'x${A}', !Ref X]]");
        let parts = join.value.as_array().unwrap()[1].as_array().unwrap();
        assert_eq!(at(text, parts[0].span), "!Sub 'x${A}'");
        let sub = parts[0].member("Fn::Sub").unwrap();
        assert_eq!(at(text, sub.key_span), "!Sub");
        assert_eq!(at(text, sub.value.span), "'x${A}'");
        assert_eq!(at(text, parts[1].get("Ref").unwrap().span), "X");

        let c = d.root.get("c").unwrap();
        assert_eq!(at(text, c.span), "!If\n  - C\n  - 1");
        assert_eq!(at(text, c.get("Fn::If").unwrap().span), "- C\n  - 1");
        assert_eq!(
            super::super::pointer_to(&d.root, sub.value.span),
            "/b/Fn::Join/1/0/Fn::Sub"
        );
    }

    #[test]
    fn merge_keys_are_expanded() {
        let text = "\
defaults: &d {Type: Task, Resource: arn, Retry: []}
more: &m {Comment: more, Type: Pass}
a:
  <<: *d
  Type: Wait
  Next: B
b: {<<: [*m, *d], End: true}
c:
  '<<': quoted
";
        same(
            text,
            r#"{"defaults": {"Type": "Task", "Resource": "arn", "Retry": []},
                "more": {"Comment": "more", "Type": "Pass"},
                "a": {"Resource": "arn", "Retry": [], "Type": "Wait", "Next": "B"},
                "b": {"Resource": "arn", "Retry": [], "Comment": "more", "Type": "Pass", "End": true},
                "c": {"<<": "quoted"}}"#,
        );
        let d = doc(text);
        // Merged members keep the spans of the text they come from, and overriding a merged
        // key is not a duplicate.
        let a = d.root.get("a").unwrap();
        assert_eq!(at(text, a.member("Resource").unwrap().key_span), "Resource");
        assert!(a.member("Resource").unwrap().key_span.start < a.span.start);
        assert!(d.duplicate_keys.is_empty(), "{:?}", d.duplicate_keys);
        let e = err("a: &a 1\nb:\n  <<: *a\n");
        assert_eq!(
            e.message,
            "the merge key << takes a mapping or a list of mappings"
        );
        assert_eq!(at("a: &a 1\nb:\n  <<: *a\n", e.span), "*a");
    }

    #[test]
    fn anchors_and_aliases_are_expanded() {
        let text = "base: &b {Type: Pass, Next: X}\nother: *b\nlist: [&n 1, *n]\n*n : key\n";
        let d = doc(text);
        same(
            text,
            r#"{"base": {"Type": "Pass", "Next": "X"}, "other": {"Type": "Pass", "Next": "X"}, "list": [1, 1], "1": "key"}"#,
        );
        assert_eq!(at(text, d.root.get("other").unwrap().span), "*b");
        let e = err("a: &a [1, *a]\n");
        assert!(
            e.message.contains("inside the node it refers to"),
            "{}",
            e.message
        );
        let e = err("a: *nope\n");
        assert_eq!(
            e.message,
            "unknown alias *nope: no anchor &nope is defined before it"
        );
        assert_eq!(e.span, Span::new(3, 8));
    }

    #[test]
    fn alias_bomb_is_an_error_not_an_oom() {
        let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for i in 1..10 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let started = Instant::now();
        let e = err(&text);
        assert!(started.elapsed() < Duration::from_secs(2));
        assert_eq!(
            e.message,
            format!("anchors and aliases expand to more than {ALIAS_BUDGET} nodes")
        );
        assert!(at(&text, e.span).starts_with("*a"));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        for text in [
            "[".repeat(100_000),
            format!("a: {}", "[".repeat(100_000)),
            format!("{}x", "- ".repeat(100_000)),
            "a:\n".to_string()
                + &(1..2000)
                    .map(|i| format!("{}k:\n", " ".repeat(i)))
                    .collect::<String>(),
            format!("{}x", "!If [".repeat(100_000)),
        ] {
            let e = err(&text);
            assert!(
                e.message.contains("nested deeper") || e.message.contains("nesting is deeper"),
                "{}",
                e.message
            );
        }
        let ok = format!("{}x", "- ".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
        let too_deep = format!("{}x", "- ".repeat(MAX_DEPTH + 1));
        let e = err(&too_deep);
        assert_eq!(e.span, Span::new(2 * MAX_DEPTH, 2 * MAX_DEPTH + 1));
        // Tags count: each becomes an object around its value.
        let e = err(&format!("{}x", "!Not [".repeat(MAX_DEPTH / 2 + 1)));
        assert!(e.message.contains("nesting is deeper"));
        // So do aliases copying a deep node.
        let deep = format!(
            "a: &d {}1{}\nb: {}*d{}\n",
            "[".repeat(200),
            "]".repeat(200),
            "[".repeat(100),
            "]".repeat(100)
        );
        assert!(err(&deep).message.contains("nesting is deeper"));
    }

    #[test]
    fn duplicate_keys_are_kept_and_recorded() {
        let text = "a: 1\nb:\n  c: 2\n  c: 3\na: 4\nf: {x: 1, x: 2}\n";
        let d = doc(text);
        assert_eq!(d.root.as_object().unwrap().len(), 4);
        assert_eq!(d.root.get("a").unwrap().as_i64(), Some(4));
        let dups: Vec<(&str, &str, &str)> = d
            .duplicate_keys
            .iter()
            .map(|k| (k.key.as_str(), at(text, k.first), at(text, k.duplicate)))
            .collect();
        // Recorded as each mapping closes, inner ones first, as by the JSON parser.
        assert_eq!(dups, [("c", "c", "c"), ("x", "x", "x"), ("a", "a", "a")]);
        assert_eq!(d.duplicate_keys[2].first, Span::new(0, 1));
        assert_eq!(d.duplicate_keys[2].duplicate, Span::new(22, 23));
        let many: String = (0..40).map(|i| format!("k{}: {i}\n", i % 30)).collect();
        assert_eq!(doc(&many).duplicate_keys.len(), 10);
    }

    #[test]
    fn multibyte_text_gets_byte_spans() {
        let text =
            "é→: \"ü 😀\"\nnext: 😀 plain → x\nlist: ['→', b]\nblock: |\n  日本\nz: !Ref Ω\n";
        let d = doc(text);
        let first = &d.root.as_object().unwrap()[0];
        assert_eq!(first.key.as_str(), "é→");
        assert_eq!(at(text, first.key_span), "é→");
        assert_eq!(at(text, first.value.span), "\"ü 😀\"");
        assert_eq!(at(text, d.root.get("next").unwrap().span), "😀 plain → x");
        let list = d.root.get("list").unwrap();
        assert_eq!(at(text, list.span), "['→', b]");
        assert_eq!(at(text, list.as_array().unwrap()[1].span), "b");
        assert_eq!(at(text, d.root.get("block").unwrap().span), "|\n  日本");
        assert_eq!(d.root.get_str("block"), Some("日本\n"));
        assert_eq!(
            at(text, d.root.get("z").unwrap().get("Ref").unwrap().span),
            "Ω"
        );
        let e = err("a: b\nc: é: x\n");
        assert_eq!(e.span, Span::new(10, 11));
        // A byte-order mark is skipped.
        let d = doc("\u{feff}a: é");
        assert_eq!(d.root.span, Span::new(3, 8));
    }

    #[test]
    fn windows_line_ends() {
        let text = "a: 1\r\nb: 'x'  # c\r\nc: |\r\n  t\r\n  u\r\nd: [é,\r\n  f]\r\n";
        let d = doc(text);
        same(
            text,
            r#"{"a": 1, "b": "x", "c": "t\nu\n", "d": ["é", "f"]}"#,
        );
        assert_eq!(at(text, d.root.get("b").unwrap().span), "'x'");
        assert_eq!(at(text, d.root.get("c").unwrap().span), "|\r\n  t\r\n  u");
        assert_eq!(at(text, d.root.get("d").unwrap().span), "[é,\r\n  f]");
        assert_eq!(at(text, d.root.member("d").unwrap().key_span), "d");
    }

    #[test]
    fn one_document_per_file() {
        let e = err("a: 1\n---\nb: 2\n");
        assert_eq!(e.message, "expected one YAML document, found a second");
        assert_eq!(e.span, Span::new(5, 8));
        let e = err("a: 1\n...\nb: 2\n");
        assert_eq!(e.span, Span::new(9, 10));
        // Empty documents around the one are fine.
        assert_eq!(
            plain(&doc("---\na: 1\n---\n# nothing\n...\n---\n").root),
            r#"{"a":1}"#
        );
        assert_eq!(plain(&doc("---\n---\na: 1\n").root), r#"{"a":1}"#);
        for empty in ["", "   \n", "# only a comment\n", "---\n", "---\n...\n"] {
            let e = err(empty);
            assert!(e.message.starts_with("the file is empty"), "{}", e.message);
        }
        // A document that is just a scalar is still a document.
        assert!(doc("~").root.is_null());
    }

    #[test]
    fn errors_are_located_and_plain() {
        let e = err("a:\n\tb: 1\n");
        assert_eq!(e.message, "YAML does not allow tabs for indentation");
        assert_eq!(e.span, Span::new(3, 4));

        let e = err("a:\n  b: 1\n c: 2\n");
        assert!(
            e.message.starts_with("expected a key here"),
            "{}",
            e.message
        );
        assert_eq!(e.span, Span::new(11, 12));

        let e = err("a: x\n  b: y\n");
        assert_eq!(e.message, "a ':' is not allowed here");
        assert_eq!(e.span.start, 8);

        // Not run on to the next quote in the file.
        let e = err("a:\n  b: \"open\n  c: \"d\"\n");
        assert_eq!(
            e.message,
            "unterminated string, or its next line is not indented enough"
        );
        assert_eq!(e.span, Span::new(8, 9));

        let e = err("a:\n  - x\n - y\n");
        assert_eq!(
            e.message,
            "this list item does not line up with the list above"
        );

        let e = err("a: 'x\n");
        assert_eq!(
            e.message,
            "unterminated string: the closing quote is missing"
        );
        assert_eq!(e.span, Span::new(3, 4));

        let e = err("a: [1, 2\nb: 1\n");
        assert!(e.message.contains("inside '[...]'"), "{}", e.message);
        assert_eq!(e.span, Span::new(10, 11));

        let e = err("a: {x: 1\n");
        assert_eq!(e.message, "expected ',' or '}' in this mapping");

        let e = err("a: [1, 2]]\n");
        assert_eq!(e.message, "']' has no matching opening bracket");
        assert_eq!(e.span, Span::new(9, 10));

        let e = err("a: 1\nfoo\n\n# c\nb: 2\n");
        assert_eq!(e.message, "expected a ':' after this key");
        assert_eq!(e.span, Span::new(5, 8));

        let e = err("a: \"\\q\"\n");
        assert_eq!(e.message, "invalid escape in a double-quoted string");

        let e = err("a: @x\n");
        assert_eq!(e.message, "a plain value cannot start with '@'");
        assert_eq!(e.span, Span::new(3, 4));

        let e = err("- a\nb: 1\n");
        assert!(
            e.message.starts_with("expected a list item"),
            "{}",
            e.message
        );
    }

    #[test]
    fn lines_indented_like_cloudformation_accepts_them() {
        // A closing bracket at the column of its key, and flow items below it: YAML forbids
        // them, PyYAML and CloudFormation read them.
        let text = "Statement:\n  Action: [\n    \"a\",\n  # note\n  \"b\"\n  ]\n  Resource: {\n    \"k\": 1\n  }\nNext: x\n";
        same(
            text,
            r#"{"Statement": {"Action": ["a", "b"], "Resource": {"k": 1}}, "Next": "x"}"#,
        );
        let d = doc(text);
        let action = d.root.get("Statement").unwrap().get("Action").unwrap();
        assert_eq!(
            at(text, action.span),
            "[\n    \"a\",\n  # note\n  \"b\"\n  ]"
        );
        assert_eq!(at(text, action.as_array().unwrap()[1].span), "\"b\"");
        // A quoted string whose last line sits at its key's column.
        let text =
            "Outputs:\n  Value: \"{\n    \\\"input\\\": \\\"x\\\"\n\n  }\"\n  Other: 'a\n  b'\n";
        same(
            text,
            r#"{"Outputs": {"Value": "{ \"input\": \"x\"\n}", "Other": "a b"}}"#,
        );
        let d = doc(text);
        let value = d.root.get("Outputs").unwrap().get("Value").unwrap();
        assert!(at(text, value.span).starts_with("\"{") && at(text, value.span).ends_with("}\""));
        // What the join cannot prove the same stays an error.
        let e = err("a:\n  k: [b, # note\n  c]\n");
        assert_eq!(
            e.message,
            "this line is not indented enough for the value it continues"
        );
        assert_eq!(e.span, Span::new(21, 22));
    }

    #[test]
    fn quoted_strings_fold_as_saphyr_folds_them() {
        for raw in [
            "\"a\n  b\"",
            "\"a  \n\n  b\n\n\n  c\"",
            "\"a\\\n  b\\tc\\x41\\u00e9\\U0001F600\\\"\\\\\\/\"",
            "\"\n  a\n  \"",
            "'it''s\n  folded\n\n  twice'",
            "\"x \\\n  y\"",
        ] {
            let text = format!("k: {raw}\n");
            let d = parse_yaml(&text).unwrap();
            assert_eq!(
                d.root.get_str("k"),
                Some(decode_quoted(raw).as_str()),
                "{raw}"
            );
        }
    }

    #[test]
    fn yaml_state_machine_reads_like_its_json() {
        let yaml = r#"
Comment: A small machine
StartAt: Fetch
States:
  Fetch:
    Type: Task
    Resource: arn:aws:states:::lambda:invoke
    Parameters:
      FunctionName: arn:aws:lambda:us-east-1:123456789012:function:fetch
      Payload.$: $
    Retry:
      - ErrorEquals: [States.TaskFailed]
        IntervalSeconds: 2
        MaxAttempts: 3
        BackoffRate: 1.5
    TimeoutSeconds: 30
    Next: Check
  Check:
    Type: Choice
    Choices:
      - Variable: $.ok
        BooleanEquals: true
        Next: Done
    Default: Fail
  Done: {Type: Succeed}
  Fail:
    Type: Fail
    Error: Failed
    Cause: "something \"went\" wrong"
"#;
        let json_text = r#"{
  "Comment": "A small machine",
  "StartAt": "Fetch",
  "States": {
    "Fetch": {
      "Type": "Task",
      "Resource": "arn:aws:states:::lambda:invoke",
      "Parameters": {
        "FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:fetch",
        "Payload.$": "$"
      },
      "Retry": [{"ErrorEquals": ["States.TaskFailed"], "IntervalSeconds": 2, "MaxAttempts": 3, "BackoffRate": 1.5}],
      "TimeoutSeconds": 30,
      "Next": "Check"
    },
    "Check": {
      "Type": "Choice",
      "Choices": [{"Variable": "$.ok", "BooleanEquals": true, "Next": "Done"}],
      "Default": "Fail"
    },
    "Done": {"Type": "Succeed"},
    "Fail": {"Type": "Fail", "Error": "Failed", "Cause": "something \"went\" wrong"}
  }
}"#;
        same(yaml, json_text);
        nested(yaml, &doc(yaml).root);
    }

    /// Every YAML file of the shared corpus parses, and every JSON file reads the same, spans
    /// included, through the YAML path. `cargo test --lib yaml -- --ignored`
    #[test]
    #[ignore]
    fn corpus() {
        let root = std::path::Path::new("/work/shared/corpus");
        let mut stack = vec![root.to_path_buf()];
        let (mut yaml, mut json_files, mut failures) = (0, 0, Vec::new());
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
                let Ok(text) = std::fs::read_to_string(&path) else {
                    continue;
                };
                match ext {
                    "yaml" | "yml" => {
                        yaml += 1;
                        match parse_yaml(&text) {
                            Ok(d) => nested(&text, &d.root),
                            Err(e) => failures.push(format!(
                                "{}: {} at {:?}",
                                path.display(),
                                e.message,
                                e.span
                            )),
                        }
                    }
                    "json" => {
                        let Ok(expected) = json::parse(&text) else {
                            continue;
                        };
                        json_files += 1;
                        match parse_yaml(&text) {
                            Ok(got) => {
                                let (mut a, mut b) = (Vec::new(), Vec::new());
                                spans(&expected.root, String::new(), &mut a);
                                spans(&got.root, String::new(), &mut b);
                                if let Some((x, y)) = a.iter().zip(&b).find(|(x, y)| x != y) {
                                    failures.push(format!(
                                        "{}: JSON has {x:?} {:?}, YAML has {y:?} {:?}",
                                        path.display(),
                                        &text[x.1.start..x.1.end],
                                        &text[y.1.start..y.1.end]
                                    ));
                                } else if a.len() != b.len()
                                    || plain(&expected.root) != plain(&got.root)
                                {
                                    failures.push(format!("{}: differs from JSON", path.display()));
                                }
                            }
                            Err(e) => failures.push(format!(
                                "{}: {} at {:?}",
                                path.display(),
                                e.message,
                                e.span
                            )),
                        }
                    }
                    _ => {}
                }
            }
        }
        eprintln!("{yaml} YAML files, {json_files} JSON files through the YAML path");
        assert!(yaml > 100);
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}
