//! Applying fixes to a file's text: all non-overlapping fixes of the allowed applicability in
//! one pass, re-linted before they are kept, repeated until nothing more applies. No printing:
//! the command line and the language server decide what to do with the result.
//!
//! A pass is kept only when the file still parses, every finding a fix claimed is gone, and no
//! finding is added. Findings are compared by rule, machine and state, not by position or
//! message: a fix moves text, so pointers, lines and indices legitimately change. When a pass
//! fails, the fixes of the states that got worse are dropped (or, when the culprit cannot be
//! told, half of the fixes are tried) and the rest is tried again.

use std::collections::{HashMap, HashSet};

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::document::{Node, Value};
use crate::rules::PARSE_ERROR;
use crate::source::Span;

/// Most passes of fixes applied to one file; fixes exposed by other fixes need a second or
/// third pass, more than this means fixes that keep undoing each other.
const MAX_PASSES: usize = 8;

/// Most re-lints spent on one file, counting the failed attempts.
const MAX_RELINTS: usize = 48;

/// A fix that was applied, and the finding it fixed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    pub rule: &'static str,
    pub machine: Option<String>,
    pub state: Option<String>,
    pub title: String,
    pub applicability: Applicability,
}

/// The outcome of fixing one file.
#[derive(Debug)]
pub struct Outcome {
    /// The fixed text (the original when nothing applied).
    pub text: String,
    /// What the final text lints to.
    pub diagnostics: Vec<Diagnostic>,
    pub applied: Vec<Applied>,
    /// Fixes that were tried and dropped because the result did not parse, kept a finding they
    /// claimed to fix, or added one.
    pub rejected: Vec<Applied>,
}

impl Outcome {
    pub fn changed(&self) -> bool {
        !self.applied.is_empty()
    }
}

/// Which fixes may be applied.
pub fn allowed(fix: &Fix, unsafe_fixes: bool) -> bool {
    fix.applicability == Applicability::Safe || unsafe_fixes
}

/// Applies the fixes of `diagnostics` to `text`, re-linting with `relint` (which must lint text
/// exactly as `diagnostics` were produced: same file name, options and context).
pub fn fix_text(
    text: &str,
    diagnostics: Vec<Diagnostic>,
    unsafe_fixes: bool,
    relint: impl Fn(&str) -> Vec<Diagnostic>,
) -> Outcome {
    let mut text = text.to_string();
    let mut diagnostics = diagnostics;
    let mut applied = Vec::new();
    // Fixes that made things worse, kept out of the passes until another fix lands: on the
    // changed text they may work (a Type fixed once its misspelt Resource is).
    let mut rejected: HashMap<FixId, Vec<Applied>> = HashMap::new();
    let mut rejected_ids: HashSet<FixId> = HashSet::new();
    let mut relints = 0;
    'passes: for _ in 0..MAX_PASSES {
        let mut batch = select(&diagnostics, unsafe_fixes, &rejected_ids);
        if batch.is_empty() {
            break;
        }
        let before = counts(&diagnostics);
        loop {
            if relints == MAX_RELINTS {
                break 'passes;
            }
            relints += 1;
            let edits: Vec<&Edit> = batch.iter().flat_map(|c| c.fix.edits.iter()).collect();
            let new_text = apply(&text, &edits);
            let new_diagnostics = relint(&new_text);
            match verdict(&before, &counts(&new_diagnostics), &batch) {
                Verdict::Keep => {
                    for c in &batch {
                        rejected.remove(&c.id);
                    }
                    applied.extend(batch.iter().flat_map(Candidate::applied));
                    text = new_text;
                    diagnostics = new_diagnostics;
                    rejected_ids.clear();
                    continue 'passes;
                }
                Verdict::Drop(culprits) => {
                    for i in culprits.iter().rev() {
                        let c = batch.remove(*i);
                        rejected.insert(c.id.clone(), c.applied());
                        rejected_ids.insert(c.id);
                    }
                }
                Verdict::Unknown if batch.len() == 1 => {
                    let c = batch.remove(0);
                    rejected.insert(c.id.clone(), c.applied());
                    rejected_ids.insert(c.id);
                }
                // The rest comes back in the next pass, with positions from a fresh lint.
                Verdict::Unknown => batch.truncate(batch.len() / 2),
            }
            if batch.is_empty() {
                continue 'passes;
            }
        }
    }
    // A fix still offered on the final text that was rejected on it stays rejected; one
    // whose finding went away with other fixes is no longer a fix at all.
    let offered: HashSet<FixId> = diagnostics
        .iter()
        .filter_map(|d| Some((d, d.fix.as_ref()?)))
        .filter(|(_, f)| allowed(f, unsafe_fixes))
        .map(|(d, f)| FixId::of(d, f))
        .collect();
    let mut rejected: Vec<(FixId, Vec<Applied>)> = rejected
        .into_iter()
        .filter(|(id, _)| offered.contains(id))
        .collect();
    rejected.sort_by(|a, b| (&a.0.pointer, &a.0.title).cmp(&(&b.0.pointer, &b.0.title)));
    Outcome {
        text,
        diagnostics,
        applied,
        rejected: rejected.into_iter().flat_map(|(_, a)| a).collect(),
    }
}

/// Where a finding is, for comparing lints of a text before and after fixes.
type Place = (&'static str, Option<String>, Option<String>);

fn place(d: &Diagnostic) -> Place {
    (d.rule, d.machine.clone(), d.state.clone())
}

fn counts(diagnostics: &[Diagnostic]) -> HashMap<Place, usize> {
    let mut out = HashMap::new();
    for d in diagnostics {
        *out.entry(place(d)).or_insert(0) += 1;
    }
    out
}

/// What identifies a fix across passes, to not try a rejected one again.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct FixId {
    place: Place,
    pointer: String,
    title: String,
}

impl FixId {
    fn of(d: &Diagnostic, fix: &Fix) -> FixId {
        FixId {
            place: place(d),
            pointer: d.pointer.clone(),
            title: fix.title.clone(),
        }
    }
}

/// One fix to apply, and the findings it claims (several findings may carry the same fix).
struct Candidate<'d> {
    fix: &'d Fix,
    claims: Vec<&'d Diagnostic>,
    id: FixId,
}

impl Candidate<'_> {
    fn applied(&self) -> Vec<Applied> {
        self.claims
            .iter()
            .map(|d| Applied {
                rule: d.rule,
                machine: d.machine.clone(),
                state: d.state.clone(),
                title: self.fix.title.clone(),
                applicability: self.fix.applicability,
            })
            .collect()
    }
}

/// The allowed fixes, in document order, without overlaps: a fix whose edits touch an earlier
/// chosen one waits for the next pass.
fn select<'d>(
    diagnostics: &'d [Diagnostic],
    unsafe_fixes: bool,
    rejected: &HashSet<FixId>,
) -> Vec<Candidate<'d>> {
    let mut fixable: Vec<(&Diagnostic, &Fix)> = diagnostics
        .iter()
        .filter_map(|d| Some((d, d.fix.as_ref()?)))
        .filter(|(_, f)| allowed(f, unsafe_fixes) && !f.edits.is_empty())
        .collect();
    fixable.sort_by_key(|(d, f)| (first_start(f), d.span.start));
    let mut chosen: Vec<Candidate> = Vec::new();
    let mut taken: Vec<Span> = Vec::new();
    for (d, fix) in fixable {
        let id = FixId::of(d, fix);
        if rejected.contains(&id) {
            continue;
        }
        if let Some(same) = chosen.iter_mut().find(|c| c.fix.edits == fix.edits) {
            same.claims.push(d);
            continue;
        }
        if !disjoint(&fix.edits)
            || fix
                .edits
                .iter()
                .any(|e| taken.iter().any(|t| overlap(e.span, *t)))
        {
            continue;
        }
        taken.extend(fix.edits.iter().map(|e| e.span));
        chosen.push(Candidate {
            fix,
            claims: vec![d],
            id,
        });
    }
    chosen
}

fn first_start(fix: &Fix) -> usize {
    fix.edits.iter().map(|e| e.span.start).min().unwrap_or(0)
}

/// Two edits conflict when their ranges share a byte, or when an insertion sits inside or at
/// the edge of the other (the order of the two texts would be a guess).
fn overlap(a: Span, b: Span) -> bool {
    let (start, end) = (a.start.max(b.start), a.end.min(b.end));
    start < end || ((a.is_empty() || b.is_empty()) && start <= end)
}

/// A fix's own edits must not conflict with each other either.
fn disjoint(edits: &[Edit]) -> bool {
    edits
        .iter()
        .enumerate()
        .all(|(i, a)| edits[i + 1..].iter().all(|b| !overlap(a.span, b.span)))
}

/// `text` with non-overlapping `edits` applied.
pub fn apply(text: &str, edits: &[&Edit]) -> String {
    let mut sorted: Vec<&Edit> = edits.to_vec();
    sorted.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for e in sorted {
        out.push_str(&text[at..e.span.start]);
        out.push_str(&e.replacement);
        at = e.span.end;
    }
    out.push_str(&text[at..]);
    out
}

enum Verdict {
    Keep,
    /// Indices into the batch of the fixes to blame.
    Drop(Vec<usize>),
    Unknown,
}

fn verdict(
    before: &HashMap<Place, usize>,
    after: &HashMap<Place, usize>,
    batch: &[Candidate],
) -> Verdict {
    let mut claimed: HashMap<Place, usize> = HashMap::new();
    for c in batch {
        for d in &c.claims {
            *claimed.entry(place(d)).or_insert(0) += 1;
        }
    }
    // A place is worse when it has more findings than it had less the ones claimed fixed.
    let worse: HashSet<&Place> = after
        .keys()
        .chain(claimed.keys())
        .filter(|p| {
            let had = before.get(*p).copied().unwrap_or(0);
            let fixed = claimed.get(*p).copied().unwrap_or(0);
            after.get(*p).copied().unwrap_or(0) > had.saturating_sub(fixed)
        })
        .collect();
    if worse.is_empty() {
        return Verdict::Keep;
    }
    if worse.iter().any(|p| p.0 == PARSE_ERROR) {
        return Verdict::Unknown;
    }
    // Blame the fixes made in the same machine and state as a place that got worse.
    let culprits: Vec<usize> = batch
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            c.claims
                .iter()
                .any(|d| worse.iter().any(|p| p.1 == d.machine && p.2 == d.state))
        })
        .map(|(i, _)| i)
        .collect();
    // Several suspects in one state: halve the batch until one alone is to blame, so a good fix
    // beside a bad one in the same state is kept.
    if culprits.len() == 1 {
        Verdict::Drop(culprits)
    } else {
        Verdict::Unknown
    }
}

/// Drops every fix that would edit YAML text standing for several places: an anchored node
/// or an alias. Such an edit would change each use at once (a Catcher fixed in one state would
/// change, through `*all`, the Catch of another), so these findings keep their message and
/// lose their fix; the user edits the anchor knowing what shares it.
pub fn drop_fixes_on_shared(shared: &[Span], diagnostics: &mut [Diagnostic]) {
    if shared.is_empty() {
        return;
    }
    for d in diagnostics {
        let touches = d.fix.as_ref().is_some_and(|f| {
            f.edits.iter().any(|e| {
                shared
                    .iter()
                    .any(|s| overlap(e.span, *s) || s.contains(e.span) || e.span.contains(*s))
            })
        });
        if touches {
            d.fix = None;
        }
    }
}

/// Drops the fixes of findings in a definition that template resolution changed: where a
/// `${Name}` was substituted or an intrinsic function resolved, the rule saw a value that is not
/// what the file says, so an edit of the written text would be wrong.
pub fn drop_fixes_on_resolved(original: &Node, resolved: &Node, diagnostics: &mut [Diagnostic]) {
    if !diagnostics.iter().any(|d| d.fix.is_some()) {
        return;
    }
    let Some(written) = node_at(original, resolved.span) else {
        for d in diagnostics {
            d.fix = None;
        }
        return;
    };
    // Not resolved at all (the node itself), or resolved to what is written.
    if std::ptr::eq(written, resolved) || written == resolved {
        return;
    }
    let changed = changed_spans(written, resolved);
    for d in diagnostics {
        let touches = d.fix.as_ref().is_some_and(|f| {
            f.edits.iter().any(|e| {
                changed
                    .iter()
                    .any(|c| overlap(e.span, *c) || c.contains(e.span))
            })
        });
        if touches {
            d.fix = None;
        }
    }
}

/// The node of `root` with exactly `span`.
fn node_at(root: &Node, span: Span) -> Option<&Node> {
    let mut node = root;
    loop {
        if node.span == span {
            return Some(node);
        }
        node = match &node.value {
            Value::Object(members) => &members.iter().find(|m| m.value.span.contains(span))?.value,
            Value::Array(items) => items.iter().find(|n| n.span.contains(span))?,
            _ => return None,
        };
    }
}

/// Spans where `resolved` differs from `written` (same shape, except resolved leaves).
fn changed_spans(written: &Node, resolved: &Node) -> Vec<Span> {
    let mut out = Vec::new();
    let mut stack = vec![(written, resolved)];
    while let Some((w, r)) = stack.pop() {
        match (&w.value, &r.value) {
            (Value::Object(wm), Value::Object(rm)) if wm.len() == rm.len() => {
                for (a, b) in wm.iter().zip(rm) {
                    if a.key != b.key {
                        out.push(b.key_span);
                    }
                    stack.push((&a.value, &b.value));
                }
            }
            (Value::Array(wi), Value::Array(ri)) if wi.len() == ri.len() => {
                stack.extend(wi.iter().zip(ri));
            }
            _ if w != r => out.push(r.span.join(w.span)),
            _ => {}
        }
    }
    out
}

/// A unified diff of `old` against `new` for `path`, empty when they are equal.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::LintOptions;
    use crate::lint::{lint_bytes, Selection};

    fn lint(name: &str, text: &str) -> Vec<Diagnostic> {
        lint_bytes(
            name,
            text.as_bytes().to_vec(),
            Selection::Always,
            &LintOptions::default(),
        )
        .map(|r| r.diagnostics)
        .unwrap_or_default()
    }

    fn fix(name: &str, text: &str, unsafe_fixes: bool) -> Outcome {
        fix_text(text, lint(name, text), unsafe_fixes, |t| lint(name, t))
    }

    #[test]
    fn applies_every_independent_fix_in_one_pass() {
        let text = r#"{"StartAt": "A", "States": {
  "A": {"Type": "Pass", "Parameters": {"id": "$.id", "at": "$$.State.EnteredTime"}, "Next": "Dne"},
  "Done": {"Type": "Succeed"}
}}"#;
        let out = fix("t.json", text, false);
        assert_eq!(
            out.text,
            r#"{"StartAt": "A", "States": {
  "A": {"Type": "Pass", "Parameters": {"id.$": "$.id", "at.$": "$$.State.EnteredTime"}, "Next": "Done"},
  "Done": {"Type": "Succeed"}
}}"#
        );
        assert_eq!(out.applied.len(), 3);
        assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
        // Idempotent.
        let again = fix("t.json", &out.text, false);
        assert_eq!(again.text, out.text);
        assert!(again.applied.is_empty());
    }

    #[test]
    fn a_fix_that_adds_a_finding_is_not_applied() {
        // "Nxt" → "Next" would name a state that does not exist.
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Nxt": "B"}, "C": {"Type": "Succeed"}}}"#;
        let out = fix("t.json", text, false);
        assert_eq!(out.text, text);
        assert_eq!(out.rejected.len(), 1);
        assert_eq!(out.rejected[0].rule, "schema");
    }

    #[test]
    fn unsafe_fixes_need_the_flag() {
        let text = r#"{"StartAt": "T", "States": {
  "T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "TimeoutSeconds": 5,
        "Parameters": {"QueueUrl": "q", "MessageBody.$": "$"},
        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "H"}], "End": true},
  "H": {"Type": "Pass", "Parameters": {"id.$": "$.orderId"}, "End": true}
}}"#;
        let safe = fix("t.json", text, false);
        assert_eq!(safe.text, text);
        let unsafe_ = fix("t.json", text, true);
        assert!(
            unsafe_.text.contains(
                r#"{"ErrorEquals": ["States.ALL"], "Next": "H", "ResultPath": "$.error"}"#
            ),
            "{}",
            unsafe_.text
        );
        assert!(unsafe_
            .diagnostics
            .iter()
            .all(|d| d.rule != "catch-replaces-input"));
    }

    #[test]
    fn overlapping_edits_conflict() {
        assert!(overlap(Span::new(1, 3), Span::new(2, 4)));
        assert!(!overlap(Span::new(1, 3), Span::new(3, 4)));
        assert!(overlap(Span::new(3, 3), Span::new(1, 3)));
        assert!(overlap(Span::new(3, 3), Span::new(3, 3)));
        assert!(!overlap(Span::new(5, 5), Span::new(1, 3)));
    }

    #[test]
    fn diff_is_unified() {
        let d = unified_diff("x.json", "a\nb\nc\n", "a\nB\nc\n");
        assert_eq!(
            d,
            "--- a/x.json\n+++ b/x.json\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"
        );
        assert_eq!(unified_diff("x", "a", "a"), "");
    }
}
