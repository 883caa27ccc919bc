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
//!   directly above a key (no blank line in between), or a comment at the end of the key's own
//!   line, works like the state's `Comment` when the key names a state, and otherwise silences
//!   everything under that key (a template resource's logical id, `Parameters`, …).
//!
//! A directive without rule ids silences every rule. `parse-error` and `unused-suppression`
//! itself cannot be suppressed. The stage runs after every rule, on the located and sorted
//! diagnostics; with no `asl-lint-disable` anywhere in the text it costs one substring search.

use crate::config::{Level, LintOptions};

use crate::diagnostic::{Diagnostic, Finding};
use crate::document::Node;
use crate::hash::FastMap;
use crate::model::{Machine, StateId};
use crate::quote::abbreviate;
use crate::rules;
use crate::source::{SourceFile, Span};

/// The rule this stage reports.
pub const ID: &str = "unused-suppression";
/// The directive keyword; `asl-lint-disable-file` is the machine-wide form.
pub const KEYWORD: &str = "asl-lint-disable";

mod directive;
mod yaml;

use directive::Written;
pub use directive::{parse, Directive};

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

#[cfg(test)]
mod tests;
