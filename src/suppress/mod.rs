//! Inline suppressions: `asl-lint-disable` directives silence findings where they occur, and
//! every directive that silences nothing is reported as `unused-suppression`.
//!
//! JSON has no comments, so directives live in `Comment` fields:
//! - a state's `Comment` with `asl-lint-disable <rule>[, <rule>…]` silences those rules for that
//!   state: for every finding whose primary span lies in the state's name key or its object,
//!   and whose innermost enclosing state is this one (states nested in a Parallel's branches or
//!   a Map's processor are not covered: they have their own `Comment`);
//! - the machine's top-level `Comment` with `asl-lint-disable-file <rule>…` silences those rules
//!   for the whole machine;
//! - in YAML, a whole-line comment `# asl-lint-disable <rule>…` in the block of comment lines
//!   directly above a key (no blank line in between) works like the state's `Comment` when the
//!   key names a state, and otherwise silences everything under that key (a template resource's
//!   logical id, `Parameters`, …).
//!
//! A directive without rule ids silences every rule. `parse-error` and `unused-suppression`
//! itself cannot be suppressed. The stage runs after every rule, on the located and sorted
//! diagnostics; with no `asl-lint-disable` anywhere in the text it costs one substring search.

use crate::config::{Level, LintOptions};
use std::ops::Range;

use crate::diagnostic::{Diagnostic, Finding};
use crate::document::{Member, Node, Value};
use crate::hash::FastMap;
use crate::model::{Machine, StateId};
use crate::quote::abbreviate;
use crate::rules;
use crate::source::{SourceFile, Span};

/// The rule this stage reports.
pub const ID: &str = "unused-suppression";
/// The directive keyword; `asl-lint-disable-file` is the machine-wide form.
pub const KEYWORD: &str = "asl-lint-disable";
const FILE_SUFFIX: &str = "-file";

/// One directive as written in a comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive<'t> {
    /// `asl-lint-disable-file` rather than `asl-lint-disable`.
    pub file: bool,
    /// Byte range of the keyword in the parsed text.
    pub keyword: Range<usize>,
    /// The listed rule ids as written (known or not) and their byte ranges; empty when the
    /// directive is bare, which means every rule.
    pub ids: Vec<(&'t str, Range<usize>)>,
}

/// Bytes that continue a word: a keyword glued to one of them is not a directive.
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b >= 0x80
}

/// Every directive in `text`.
///
/// Grammar: `asl-lint-disable[-file]`, standing as a word of its own, then an optional `:`, then
/// rule ids separated by commas and/or whitespace. The list ends at the end of the line, at `;`
/// or `.`, or where the next directive starts; whatever follows is free text (the reason).
pub fn parse(text: &str) -> Vec<Directive<'_>> {
    let bytes = text.as_bytes();
    let hits: Vec<usize> = text.match_indices(KEYWORD).map(|(i, _)| i).collect();
    let mut out = Vec::new();
    for (n, &start) in hits.iter().enumerate() {
        if start > 0 && is_word_byte(bytes[start - 1]) {
            continue;
        }
        let mut end = start + KEYWORD.len();
        let file = text[end..].starts_with(FILE_SUFFIX)
            && bytes
                .get(end + FILE_SUFFIX.len())
                .is_none_or(|&b| !is_word_byte(b));
        if file {
            end += FILE_SUFFIX.len();
        } else if bytes.get(end).is_some_and(|&b| is_word_byte(b)) {
            // `asl-lint-disable-next-line`, `asl-lint-disabled`: not ours.
            continue;
        }
        let limit = hits.get(n + 1).copied().unwrap_or(text.len());
        let list_end = text[end..limit]
            .find(['\n', '\r', ';', '.'])
            .map_or(limit, |i| end + i);
        let mut list_start = end;
        let list = &text[end..list_end];
        let trimmed = list.trim_start();
        if trimmed.starts_with(':') {
            list_start += list.len() - trimmed.len() + 1;
        }
        let mut ids = Vec::new();
        let mut token_start = None;
        for (i, c) in text[list_start..list_end]
            .char_indices()
            .chain([(list_end - list_start, ' ')])
        {
            let at = list_start + i;
            if c == ',' || c.is_whitespace() {
                if let Some(s) = token_start.take() {
                    ids.push((&text[s..at], s..at));
                }
            } else if token_start.is_none() {
                token_start = Some(at);
            }
        }
        out.push(Directive {
            file,
            keyword: start..end,
            ids,
        });
    }
    out
}

/// Applies the suppressions of `machine` to its diagnostics and adds the `unused-suppression`
/// findings. `root` is the document root (pointers are resolved against it, and YAML comments
/// above keys outside the machine, such as a template resource's logical id, are found in it).
/// The result is sorted as `lint_document` sorts. A directive for a rule that `options` turn
/// off is not reported as unused: it is dormant, not wrong.
pub fn apply(
    source: &SourceFile,
    root: &Node,
    machine: &Machine,
    mut diagnostics: Vec<Diagnostic>,
    options: &LintOptions,
) -> Vec<Diagnostic> {
    if !source.text.contains(KEYWORD) {
        return diagnostics;
    }
    let mut stage = Stage::new(machine);
    stage.read_comment_fields(source);
    stage.read_yaml_comments(source, root);
    if stage.entries.is_empty() && stage.findings.is_empty() {
        return diagnostics;
    }
    diagnostics.retain(|d| !stage.silences(d));
    let off = |id: &str| {
        rules::find(id).is_some_and(|rule| options.rules.level(rule) == Some(Level::Off))
    };
    let findings = stage.finish(off);
    if findings.is_empty() {
        return diagnostics;
    }
    let rule = rules::find(ID).expect("unused-suppression is registered");
    let Some(severity) = options.rules.severity(rule) else {
        return diagnostics;
    };
    diagnostics.extend(
        findings
            .into_iter()
            .map(|f| Diagnostic::locate(rule.id, severity, f, source, Some(root))),
    );
    diagnostics.sort_by(|a, b| {
        (a.span.start, a.rule, &a.message).cmp(&(b.span.start, b.rule, &b.message))
    });
    diagnostics
}

/// What a directive covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target<'d> {
    /// The whole machine.
    File,
    /// One state, not the states nested in it.
    State(StateId),
    /// A YAML key that is not a state's: the member and everything under it.
    Subtree { span: Span, key: &'d str },
}

/// One suppressed rule (or every rule) for one target.
struct Entry<'d> {
    target: Target<'d>,
    /// `None`: every rule (a bare directive).
    rule: Option<&'static str>,
    /// Where it is reported if it silences nothing.
    at: Span,
    used: bool,
}

/// Where a directive was written: how to turn its byte ranges into source spans.
struct Written {
    /// Source offset of the parsed text's first byte, when the text is the source verbatim.
    base: Option<usize>,
    /// The whole string value or comment, the fallback when `base` is unknown.
    whole: Span,
}

impl Written {
    /// A string value: its text maps onto the source when it has no escapes, with or without
    /// quotes around it; otherwise every range maps to the whole value.
    fn string(source: &SourceFile, node: &Node, text: &str) -> Self {
        let raw = source
            .text
            .get(node.span.start..node.span.end)
            .unwrap_or("");
        let base = if raw == text {
            Some(node.span.start)
        } else if raw.len() == text.len() + 2 && raw.get(1..raw.len() - 1) == Some(text) {
            Some(node.span.start + 1)
        } else {
            None
        };
        Written {
            base,
            whole: node.span,
        }
    }

    fn span(&self, range: &Range<usize>) -> Span {
        match self.base {
            Some(base) => Span::new(base + range.start, base + range.end),
            None => self.whole,
        }
    }
}

struct Stage<'a, 'd> {
    machine: &'a Machine<'d>,
    /// `(start of the name key, state)` for every state, sorted: states nest like their spans.
    by_start: Vec<(usize, StateId)>,
    entries: Vec<Entry<'d>>,
    file: Vec<usize>,
    states: FastMap<StateId, Vec<usize>>,
    subtrees: Vec<usize>,
    /// Unknown, misplaced and duplicated ids, found while reading.
    findings: Vec<Finding>,
}

impl<'a, 'd> Stage<'a, 'd> {
    fn new(machine: &'a Machine<'d>) -> Self {
        let mut by_start: Vec<(usize, StateId)> = machine
            .states
            .iter()
            .map(|s| (s.name_span.start, s.id))
            .collect();
        by_start.sort_unstable();
        Stage {
            machine,
            by_start,
            entries: Vec::new(),
            file: Vec::new(),
            states: FastMap::default(),
            subtrees: Vec::new(),
            findings: Vec::new(),
        }
    }

    /// The top-level `Comment` and every state's `Comment`.
    fn read_comment_fields(&mut self, source: &SourceFile) {
        let machine = self.machine;
        if let Some((node, text)) = comment(machine.root) {
            let written = Written::string(source, node, text);
            for directive in parse(text) {
                if directive.file {
                    self.add(Target::File, &directive, &written);
                } else {
                    self.findings.push(
                        Finding::new(
                            written.span(&directive.keyword),
                            "asl-lint-disable in the machine's top-level Comment silences nothing: it works in a state's Comment",
                        )
                        .help("write asl-lint-disable-file to silence rules for the whole state machine"),
                    );
                }
            }
        }
        for state in &machine.states {
            let Some((node, text)) = comment(state.node) else {
                continue;
            };
            let written = Written::string(source, node, text);
            for directive in parse(text) {
                if directive.file {
                    self.findings.push(
                        Finding::new(
                            written.span(&directive.keyword),
                            format!("asl-lint-disable-file in the Comment of state '{}' silences nothing: it works only in the machine's top-level Comment", abbreviate(state.name)),
                        )
                        .help("write asl-lint-disable to silence rules for this state, or move the directive to the top-level Comment")
                        .state(state.name),
                    );
                } else {
                    self.add(Target::State(state.id), &directive, &written);
                }
            }
        }
    }

    /// Whole-line `#` comments holding a directive, each applied to the key directly below its
    /// block of comment lines. JSON has no such lines, so for JSON this finds nothing.
    fn read_yaml_comments(&mut self, source: &SourceFile, root: &'d Node) {
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
            let body = text[line_start..line_end].trim_start();
            if !body.starts_with('#') {
                continue;
            }
            let hash = line_end - body.len();
            if inside_string(root, hash) {
                continue; // A line of a block scalar, not a comment.
            }
            let directives = parse(&text[hash + 1..line_end]);
            if directives.is_empty() {
                continue;
            }
            let written = Written {
                base: Some(hash + 1),
                whole: Span::new(hash, line_end),
            };
            let key_line = match &block {
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
                        Finding::new(at, "this asl-lint-disable comment is not directly above a key, so it silences nothing")
                            .help("put it on the line directly above the key of the state it is for, with no blank line in between"),
                    ),
                    Some(target) => self.add(target, directive, &written),
                }
            }
        }
    }

    /// The state whose name key is exactly `key`.
    fn state_named_at(&self, key: Span) -> Option<StateId> {
        let i = self
            .by_start
            .partition_point(|&(start, _)| start < key.start);
        let &(start, id) = self.by_start.get(i)?;
        (start == key.start && self.machine.states[id].name_span == key).then_some(id)
    }

    fn add(&mut self, target: Target<'d>, directive: &Directive, written: &Written) {
        if directive.ids.is_empty() {
            self.push(target, None, written.span(&directive.keyword));
            return;
        }
        for (id, range) in &directive.ids {
            let at = written.span(range);
            if *id == rules::PARSE_ERROR || *id == ID {
                let why = if *id == ID {
                    "remove the unused suppression instead, then this id"
                } else {
                    "a file that does not parse has no Comment to read; remove this id"
                };
                let finding = Finding::new(
                    at,
                    format!("'{id}' cannot be suppressed", id = abbreviate(id)),
                )
                .help(why);
                self.report(target, finding);
                continue;
            }
            match rules::find(id) {
                Some(rule) => self.push(target, Some(rule.id), at),
                None => {
                    let suggestion = rules::closest_id(id);
                    let finding = match suggestion {
                        Some(s) => Finding::new(
                            at,
                            format!(
                                "unknown rule '{id}'; did you mean '{s}'?",
                                id = abbreviate(id),
                                s = abbreviate(s)
                            ),
                        )
                        .help(format!("write '{s}', or remove it", s = abbreviate(s))),
                        None => {
                            Finding::new(at, format!("unknown rule '{id}'", id = abbreviate(id)))
                                .help(
                                "remove it, or correct it: `asl-lint rules` lists every rule id",
                            )
                        }
                    };
                    self.report(target, finding);
                }
            }
        }
    }

    /// Records a finding about a directive, naming the state it is in.
    fn report(&mut self, target: Target, finding: Finding) {
        let finding = match target {
            Target::State(id) => finding.state(self.machine.states[id].name),
            _ => finding,
        };
        self.findings.push(finding);
    }

    fn push(&mut self, target: Target<'d>, rule: Option<&'static str>, at: Span) {
        let list = match target {
            Target::File => &mut self.file,
            Target::State(id) => self.states.entry(id).or_default(),
            Target::Subtree { .. } => &mut self.subtrees,
        };
        let entries = &self.entries;
        if list
            .iter()
            .any(|&i| entries[i].target == target && entries[i].rule == rule)
        {
            let place = place(self.machine, target);
            let message = match rule {
                Some(rule) => format!(
                    "'{rule}' is already suppressed for {place}",
                    rule = abbreviate(rule)
                ),
                None => format!("every rule is already suppressed for {place}"),
            };
            self.report(target, Finding::new(at, message).help("remove it"));
            return;
        }
        list.push(self.entries.len());
        self.entries.push(Entry {
            target,
            rule,
            at,
            used: false,
        });
    }

    /// Whether a directive silences `d`; every directive that does is marked used.
    fn silences(&mut self, d: &Diagnostic) -> bool {
        if d.rule == ID || d.rule == rules::PARSE_ERROR {
            return false;
        }
        let covers = |e: &Entry| e.rule.is_none_or(|r| r == d.rule);
        let mut silenced = false;
        for &i in &self.file {
            if covers(&self.entries[i]) {
                self.entries[i].used = true;
                silenced = true;
            }
        }
        if !self.states.is_empty() {
            if let Some(list) = self.innermost(d.span).and_then(|s| self.states.get(&s)) {
                for &i in list {
                    if covers(&self.entries[i]) {
                        self.entries[i].used = true;
                        silenced = true;
                    }
                }
            }
        }
        for &i in &self.subtrees {
            let entry = &mut self.entries[i];
            if let Target::Subtree { span, .. } = entry.target {
                if span.contains(d.span) && covers(entry) {
                    entry.used = true;
                    silenced = true;
                }
            }
        }
        silenced
    }

    /// The innermost state whose name key or object holds `span`: the last state to start at or
    /// before it, or the nearest of its owners that holds it.
    fn innermost(&self, span: Span) -> Option<StateId> {
        let i = self
            .by_start
            .partition_point(|&(start, _)| start <= span.start);
        let mut id = self.by_start.get(i.checked_sub(1)?)?.1;
        loop {
            let state = &self.machine.states[id];
            if state.name_span.join(state.node.span).contains(span) {
                return Some(id);
            }
            id = self.machine.scopes[state.scope].owner?;
        }
    }

    /// The findings read so far and one for each entry that silenced nothing.
    fn finish(mut self, off: impl Fn(&str) -> bool) -> Vec<Finding> {
        for entry in self
            .entries
            .iter()
            .filter(|e| !e.used && !e.rule.is_some_and(&off))
        {
            let place = place(self.machine, entry.target);
            let message = match entry.rule {
                Some(rule) => {
                    format!(
                        "'{rule}' is suppressed for {place}, but it reports nothing there",
                        rule = abbreviate(rule)
                    )
                }
                None => {
                    format!("every rule is suppressed for {place}, but none reports anything there")
                }
            };
            let mut finding = Finding::new(entry.at, message).help(
                "remove it: it silences nothing, and it would hide a finding that appears later",
            );
            if let Target::State(id) = entry.target {
                finding = finding.state(self.machine.states[id].name);
            }
            self.findings.push(finding);
        }
        self.findings
    }
}

/// How messages name a target.
fn place(machine: &Machine, target: Target) -> String {
    match target {
        Target::File => "the whole state machine".to_string(),
        Target::State(id) => format!("state '{}'", abbreviate(machine.states[id].name)),
        Target::Subtree { key, .. } => {
            format!("'{key}' and everything under it", key = abbreviate(key))
        }
    }
}

/// The `Comment` string of an object.
fn comment(node: &Node) -> Option<(&Node, &str)> {
    let value = node.get("Comment")?;
    Some((value, value.as_str()?))
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
fn inside_string(root: &Node, offset: usize) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::LintOptions;
    use crate::document::json;

    fn ids<'t>(d: &Directive<'t>) -> Vec<&'t str> {
        d.ids.iter().map(|(id, _)| *id).collect()
    }

    #[test]
    fn parses_lists_separated_by_commas_and_spaces() {
        let text = "asl-lint-disable a, b  c,,d ,";
        let d = parse(text);
        assert_eq!(d.len(), 1);
        assert!(!d[0].file);
        assert_eq!(d[0].keyword, 0..16);
        assert_eq!(ids(&d[0]), ["a", "b", "c", "d"]);
        // Ranges point at the ids in the text.
        for (id, range) in &d[0].ids {
            assert_eq!(&text[range.clone()], *id);
        }
    }

    #[test]
    fn list_ends_at_line_end_semicolon_period_or_next_directive() {
        let d = parse("Routes by method. asl-lint-disable choice-without-default; upstream checks");
        assert_eq!(ids(&d[0]), ["choice-without-default"]);
        assert_eq!(ids(&parse("asl-lint-disable a. b")[0]), ["a"]);
        assert_eq!(ids(&parse("asl-lint-disable a\nb")[0]), ["a"]);
        assert_eq!(ids(&parse("asl-lint-disable a\r\nb")[0]), ["a"]);
        let two = parse("asl-lint-disable a asl-lint-disable-file b");
        assert_eq!(two.len(), 2);
        assert_eq!((two[0].file, ids(&two[0])), (false, vec!["a"]));
        assert_eq!((two[1].file, ids(&two[1])), (true, vec!["b"]));
    }

    #[test]
    fn bare_file_and_colon_forms() {
        let bare = parse("asl-lint-disable");
        assert_eq!(bare.len(), 1);
        assert!(bare[0].ids.is_empty());
        let bare = parse("asl-lint-disable; nothing to see");
        assert!(bare[0].ids.is_empty());
        let file = parse("asl-lint-disable-file x");
        assert!(file[0].file);
        assert_eq!(file[0].keyword, 0..21);
        assert_eq!(ids(&file[0]), ["x"]);
        assert_eq!(ids(&parse("asl-lint-disable: a,b")[0]), ["a", "b"]);
        assert_eq!(ids(&parse("asl-lint-disable-file : a")[0]), ["a"]);
        // Non-ASCII text around the directive keeps the ranges right.
        let text = "über → asl-lint-disable ä";
        let d = parse(text);
        assert_eq!(&text[d[0].ids[0].1.clone()], "ä");
    }

    #[test]
    fn keyword_must_stand_alone() {
        for text in [
            "xasl-lint-disable a",
            "my-asl-lint-disable a",
            "asl-lint-disabled a",
            "asl-lint-disable-next-line a",
            "asl-lint-disable-files a",
            "asl-lint-enable a",
            "",
        ] {
            assert_eq!(parse(text), vec![], "{text}");
        }
        assert_eq!(parse("(asl-lint-disable a)").len(), 1);
        assert_eq!(ids(&parse("\"asl-lint-disable a\"")[0]), ["a\""]);
    }

    fn rules_of(diagnostics: &[Diagnostic]) -> Vec<(&'static str, String)> {
        diagnostics
            .iter()
            .map(|d| (d.rule, d.message.clone()))
            .collect()
    }

    /// The YAML form, before the YAML reader exists: `text` is JSON plus whole-line `#`
    /// comments. The document is read from a copy with those lines blanked, so spans line up.
    fn lint_commented(text: &str) -> Vec<Diagnostic> {
        let json_text: String = text
            .split_inclusive('\n')
            .map(|line| {
                if line.trim_start().starts_with('#') {
                    " ".repeat(line.trim_end_matches('\n').len()) + "\n"
                } else {
                    line.to_string()
                }
            })
            .collect();
        let document = json::parse(&json_text).unwrap();
        let source = SourceFile::new("t.yaml", text.to_string());
        crate::lint::lint_document(&source, &document, &LintOptions::default())
    }

    fn rule_ids(diagnostics: &[Diagnostic]) -> Vec<&'static str> {
        diagnostics.iter().map(|d| d.rule).collect()
    }

    const ROUTE: &str = r#"{
  "StartAt": "Route",
  "States": {
    #1
    "Route": {"Type": "Choice", "Choices": [{"Variable": "$.a", "IsPresent": true, "Next": "Done"}]},
    "Done": {"Type": "Succeed"}
  }
}
"#;

    #[test]
    fn yaml_comment_above_a_state_key() {
        assert_eq!(rule_ids(&lint_commented(ROUTE)), ["choice-without-default"]);
        let directive = "# asl-lint-disable choice-without-default";
        assert_eq!(
            rules_of(&lint_commented(&ROUTE.replace("#1", directive))),
            []
        );
        // Leading spaces, no space after '#', a reason after ';'.
        let text = ROUTE.replace(
            "#1",
            "#asl-lint-disable choice-without-default; routed upstream",
        );
        assert_eq!(rules_of(&lint_commented(&text)), []);
        // In a block of comment lines directly above the key.
        let text = ROUTE.replace("#1", &format!("{directive}\n    # the API only sends GET"));
        assert_eq!(rules_of(&lint_commented(&text)), []);
        let text = ROUTE.replace("#1", &format!("# why: routed upstream\n    {directive}"));
        assert_eq!(rules_of(&lint_commented(&text)), []);
        // A blank line in between detaches it: reported, and the finding stays.
        let text = ROUTE.replace("#1", &format!("{directive}\n"));
        let got = lint_commented(&text);
        assert_eq!(rule_ids(&got), [ID, "choice-without-default"]);
        assert_eq!(
            got[0].message,
            "this asl-lint-disable comment is not directly above a key, so it silences nothing"
        );
        assert_eq!((got[0].start.line, got[0].start.column), (4, 7));
    }

    #[test]
    fn yaml_comment_unused_unknown_and_misplaced() {
        let text = ROUTE.replace("#1", "# asl-lint-disable no-terminal, no-termnl");
        let got = lint_commented(&text);
        assert_eq!(
            rules_of(&got),
            [
                (ID, "'no-terminal' is suppressed for state 'Route', but it reports nothing there".to_string()),
                (ID, "unknown rule 'no-termnl'; did you mean 'no-terminal'?".to_string()),
                ("choice-without-default", "Choice 'Route' has no Default: when no rule matches its input, the execution fails with States.NoChoiceMatched".to_string()),
            ]
        );
        // Reported at the id itself; the pointer is the closest node (the States object).
        assert_eq!((got[0].start.line, got[0].start.column), (4, 24));
        assert_eq!((got[1].start.line, got[1].start.column), (4, 37));
        assert_eq!(got[0].state.as_deref(), Some("Route"));
        let text = ROUTE.replace("#1", "# asl-lint-disable-file choice-without-default");
        let got = lint_commented(&text);
        assert_eq!(rule_ids(&got), [ID, "choice-without-default"]);
        assert!(got[0]
            .message
            .starts_with("asl-lint-disable-file in a YAML comment"));
    }

    const NESTED: &str = r#"{
  "StartAt": "P",
  "States": {
    #1
    "P": {"Type": "Parallel", "End": true,
      #2
      "Branches": [{"StartAt": "C", "States": {
        "C": {"Type": "Choice", "Choices": [{"Variable": "$.a", "IsPresent": true, "Next": "D"}]},
        "D": {"Type": "Succeed"}}}]}
  }
}
"#;

    #[test]
    fn yaml_comment_above_other_keys_covers_the_subtree() {
        let directive = "# asl-lint-disable choice-without-default";
        assert_eq!(
            rules_of(&lint_commented(&NESTED.replace("#2", directive))),
            []
        );
        // Above the Parallel's own key it covers the Parallel only, not its branches.
        let got = lint_commented(&NESTED.replace("#1", directive));
        assert_eq!(rule_ids(&got), [ID, "choice-without-default"]);
        assert_eq!(
            got[0].message,
            "'choice-without-default' is suppressed for state 'P', but it reports nothing there"
        );
        // Above a key whose subtree has no finding.
        let got = lint_commented(&NESTED.replace("#2", "# asl-lint-disable no-terminal"));
        assert_eq!(
            got[0].message,
            "'no-terminal' is suppressed for 'Branches' and everything under it, but it reports nothing there"
        );
    }

    #[test]
    fn hash_lines_inside_strings_are_not_comments() {
        let root = json::parse(r##"{"a": "# asl-lint-disable x", "b": [1, {"c": 2}]}"##)
            .unwrap()
            .root;
        assert!(inside_string(&root, 8));
        assert!(inside_string(&root, 2)); // the key "a"
        assert!(!inside_string(&root, 0));
        assert!(!inside_string(&root, 5));
        let c = r##"{"a": "# asl-lint-disable x", "b": [1, {"c": 2}]}"##
            .find("\"c\"")
            .unwrap();
        assert!(inside_string(&root, c + 1));
        assert!(!inside_string(&root, c + 5));
    }

    #[test]
    fn innermost_state_owns_a_span() {
        let text = r#"{"StartAt": "P", "States": {
          "P": {"Type": "Parallel", "End": true, "Branches": [
            {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}},
            {"StartAt": "B", "States": {"B": {"Type": "Pass", "End": true}}}
          ], "Comment": "x"},
          "Q": {"Type": "Succeed"}}}"#;
        let document = json::parse(text).unwrap();
        let machine = Machine::build(&document.root);
        let stage = Stage::new(&machine);
        let at = |needle: &str| {
            let i = text.find(needle).unwrap();
            stage
                .innermost(Span::new(i, i + needle.len()))
                .map(|id| machine.states[id].name)
        };
        assert_eq!(at("\"P\": {"), Some("P"));
        assert_eq!(at("\"A\": {"), Some("A"));
        assert_eq!(at("\"Type\": \"Pass\", \"End\": true}"), Some("A"));
        // A span that runs past A's object belongs to the state holding both.
        assert_eq!(at("\"Type\": \"Pass\", \"End\": true}}},\n"), Some("P"));
        // After branch B, back in P.
        assert_eq!(at("\"Comment\""), Some("P"));
        assert_eq!(at("\"Q\""), Some("Q"));
        assert_eq!(at("\"StartAt\": \"P\""), None);
    }
}
