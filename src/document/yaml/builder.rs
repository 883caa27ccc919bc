//! Building the spanned tree from saphyr's events: byte spans, duplicate keys, short-form
//! tags, anchors and aliases under a budget, merge keys, the depth bound.

use std::borrow::Cow;

use saphyr_parser::{Event, ScalarStyle, Span as EventSpan, Tag};

use super::super::{Document, DuplicateKey, Member, Node, ParseError, Text, Value, MAX_DEPTH};
use super::errors::*;
use super::lenient::*;
use super::scalar::*;
use super::{ALIAS_BUDGET, ANCHOR_COPY_BUDGET};
use crate::diagnostic::abbreviate;
use crate::source::Span;

/// Converts saphyr's character indices to byte offsets. Events arrive in document order, so a
/// cursor that walks from the last position costs O(1) per lookup on average.
pub(super) struct Offsets<'t> {
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

    pub(super) fn byte(&mut self, char_index: usize) -> usize {
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

pub(super) fn utf8_len(first: u8) -> usize {
    match first {
        0..=0x7f => 1,
        0x80..=0xdf => 2,
        0xe0..=0xef => 3,
        _ => 4,
    }
}

/// `{"Fn::Name": inner}`: the object spans the tag and the value, its key the tag.
pub(super) fn wrap(name: Text, tag: Span, inner: Node) -> Node {
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
pub(super) struct Frame {
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
pub(super) struct Shape {
    height: usize,
    size: usize,
}

pub(super) enum Anchor {
    Node(Node, Shape),
    /// Too large to copy: any alias to it is over the budget.
    TooLarge,
}

pub(super) struct Builder<'t> {
    text: &'t str,
    /// The text before `lenient_patch`, and where the quoted scalars it made one line start.
    original: &'t str,
    refolded: &'t [usize],
    pub(super) offsets: Offsets<'t>,
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
    /// Anchored nodes and aliases (see `Document::shared`).
    shared: Vec<Span>,
}

impl<'t> Builder<'t> {
    pub(super) fn new(text: &'t str, original: &'t str, refolded: &'t [usize]) -> Self {
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
            shared: Vec::new(),
        }
    }

    pub(super) fn finish(self) -> Result<Document, ParseError> {
        match self.root {
            Some(root) => Ok(Document {
                root,
                duplicate_keys: self.duplicate_keys,
                shared: self.shared,
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

    pub(super) fn event(&mut self, event: Event<'_>, span: EventSpan) -> Result<(), ParseError> {
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
                self.shared.push(span);
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
            super::super::record_duplicates(&members, &mut self.duplicate_keys);
            return Ok(members);
        }
        let (merges, mut own): (Vec<Member>, Vec<Member>) =
            members.into_iter().partition(|m| is_merge(m));
        super::super::record_duplicates(&own, &mut self.duplicate_keys);
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
        self.shared.push(span);
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
            self.shared.push(node.span);
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

pub(super) fn skip_separation(bytes: &[u8], mut at: usize) -> usize {
    while let Some(&b) = bytes.get(at) {
        match b {
            b' ' | b'\t' | b'\r' | b'\n' => at += 1,
            b'#' => at = line_end(bytes, at),
            _ => break,
        }
    }
    at
}

pub(super) fn line_end(bytes: &[u8], at: usize) -> usize {
    bytes[at..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |n| at + n)
}

/// End of a tag or anchor token starting at `at`.
pub(super) fn token_end(bytes: &[u8], at: usize) -> usize {
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
pub(super) fn key_text(text: &str, node: &Node) -> Text {
    match &node.value {
        Value::String(s) => s.clone(),
        _ => Text::from(&text[node.span.start..node.span.end]),
    }
}

pub(super) fn merge_error(span: Span) -> ParseError {
    ParseError {
        message: "the merge key << takes a mapping or a list of mappings".into(),
        span,
        help: Some(
            "write `<<: *anchor` or `<<: [*first, *second]`, each anchor on a mapping".into(),
        ),
    }
}
