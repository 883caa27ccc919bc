//! Directives in YAML `#` comments: the key each covers (the key below, or on its line).

use std::ops::Range;

use super::{parse, Stage, Target, Written, KEYWORD};
use crate::diagnostic::Finding;
use crate::document::{Member, Node, Value};
use crate::source::{SourceFile, Span};

impl<'d> Stage<'_, 'd> {
    /// `#` comments holding a directive: a whole-line one applied to the key directly below its
    /// block of comment lines, one at the end of a line to the first key on that line. JSON
    /// has no comments, so for JSON this finds nothing.
    pub(super) fn read_yaml_comments(&mut self, source: &SourceFile, root: &'d Node) {
        let text = source.text.as_str();
        let machine_span = self.machine.root.span;
        let whole_document = std::ptr::eq(root, self.machine.root);
        let mut keys: Option<Vec<&'d Member>> = None;
        let mut line_end = 0;
        // The comment block last scanned, and the key line below it.
        let mut block: Option<(Range<usize>, Option<Range<usize>>)> = None;
        for (pos, _) in text.match_indices(KEYWORD) {
            if pos < line_end {
                continue; // Another hit on a line already read.
            }
            let line_start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
            line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
            let Some(hash) = comment_start(text, root, line_start, pos) else {
                continue;
            };
            let whole_line = text[line_start..hash].trim().is_empty();
            let directives = parse(&text[hash + 1..line_end]);
            if directives.is_empty() {
                continue;
            }
            let written = Written {
                base: Some(hash + 1),
                whole: Span::new(hash, line_end),
            };
            let key_line = match &block {
                _ if !whole_line => Some(line_start..hash),
                Some((lines, below)) if lines.contains(&line_start) => below.clone(),
                _ => {
                    let (end, below) = line_below_comments(text, line_end);
                    block = Some((line_start..end, below.clone()));
                    below
                }
            };
            let key = key_line.and_then(|line| {
                let keys = keys.get_or_insert_with(|| members_in_order(root));
                let i = keys.partition_point(|m| m.key_span.start < line.start);
                keys.get(i).copied().filter(|m| m.key_span.start < line.end)
            });
            let relevant = whole_document
                || match key {
                    Some(m) => machine_span.contains(m.key_span) || m.span().contains(machine_span),
                    None => machine_span.contains(Span::new(hash, hash)),
                };
            if !relevant {
                continue; // Another machine of the same template, or none.
            }
            let target = key.map(|m| match self.state_named_at(m.key_span) {
                Some(id) => Target::State(id),
                None => Target::Subtree {
                    span: m.span(),
                    key: &m.key,
                },
            });
            for directive in &directives {
                let at = written.span(&directive.keyword);
                match target {
                    _ if directive.file => self.findings.push(
                        Finding::new(at, "asl-lint-disable-file in a YAML comment silences nothing: it works only in the machine's top-level Comment")
                            .help("move it to the top-level Comment field, or write asl-lint-disable above the key of the state it is for"),
                    ),
                    None => self.findings.push(
                        Finding::new(at, "this asl-lint-disable comment is not on a key's line or directly above a key, so it silences nothing")
                            .help("put it at the end of the line of the state's key, or on the line directly above it with no blank line in between"),
                    ),
                    Some(target) => self.add(target, directive, &written),
                }
            }
        }
    }
}

/// Where the `#` comment holding the directive at `pos` starts, if it is in one: a `#` at the
/// start of the line or after a space or tab, and not inside a quoted or block scalar.
fn comment_start(text: &str, root: &Node, line_start: usize, pos: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    text[line_start..pos]
        .match_indices('#')
        .map(|(i, _)| line_start + i)
        .find(|&hash| {
            (hash == line_start || matches!(bytes[hash - 1], b' ' | b'\t'))
                && !inside_string(root, hash)
        })
}

/// From the end of a comment line, skips the comment lines below it. Returns where the block of
/// comment lines ends and the line right after it, unless that is blank or missing.
fn line_below_comments(text: &str, mut line_end: usize) -> (usize, Option<Range<usize>>) {
    loop {
        if line_end >= text.len() {
            return (line_end, None);
        }
        let start = line_end + 1;
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let line = text[start..end].trim();
        if line.is_empty() {
            return (line_end, None);
        }
        if !line.starts_with('#') {
            return (line_end, Some(start..end));
        }
        line_end = end;
    }
}

/// Every member of the document, by the position of its key.
fn members_in_order(root: &Node) -> Vec<&Member> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        match &node.value {
            Value::Object(members) => {
                out.extend(members);
                stack.extend(members.iter().map(|m| &m.value));
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    out.sort_by_key(|m| m.key_span.start);
    out
}

/// Whether byte `offset` lies inside a string (a key or a scalar value) of the document.
pub(super) fn inside_string(root: &Node, offset: usize) -> bool {
    let mut node = root;
    loop {
        if !(node.span.start <= offset && offset < node.span.end) {
            return false;
        }
        node = match &node.value {
            Value::String(_) => return true,
            Value::Object(members) => {
                let i = members.partition_point(|m| m.key_span.start <= offset);
                let Some(m) = i.checked_sub(1).map(|i| &members[i]) else {
                    return false;
                };
                if offset < m.key_span.end {
                    return true;
                }
                &m.value
            }
            Value::Array(items) => {
                let i = items.partition_point(|n| n.span.start <= offset);
                match i.checked_sub(1) {
                    Some(i) => &items[i],
                    None => return false,
                }
            }
            _ => return false,
        };
    }
}
