//! Every JSONata expression of a machine, parsed once: each string that is entirely
//! `{% … %}` in a field a JSONata state evaluates, with its state, field, node, the byte
//! range of the expression inside the string, and the parse result (the tree, the
//! variables it reads, the functions it calls, the `$states` members it uses).
//!
//! Also the strings that look like JSONata but that Step Functions passes through as
//! literals: text around `{% … %}`, a missing delimiter, or a template in a JSONPath state.

use std::fmt;
use std::ops::Range;

use crate::document::{Node, Value};
use crate::jsonata::{self, Expression};
use crate::model::{Machine, QueryLanguage, State, StateId};

/// Which part of a state holds the field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owner {
    /// The state itself.
    State,
    /// `Choices[top]` (its `Condition`, `Output` or `Assign`).
    ChoiceRule { top: usize },
    /// `Catch[index]` (its `Output` or `Assign`).
    Catcher { index: usize },
}

/// One step from a field down to a nested value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Segment<'d> {
    Key(&'d str),
    Index(usize),
}

/// Where a string sits in its state: `Output`, `Arguments.Payload.id`, `Catch[0].Assign.err`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location<'d> {
    pub owner: Owner,
    /// The key of the state, Choice rule or Catcher: `Output`, `Assign`, `Arguments`,
    /// `Condition`, `Items`, `TimeoutSeconds`, `ItemReader`, …
    pub field: &'d str,
    /// From the field down to the string; empty when the field is the string.
    pub path: Vec<Segment<'d>>,
}

impl Location<'_> {
    /// For `Assign`: the variable the value is assigned to.
    pub fn assigned_variable(&self) -> Option<&str> {
        match (self.field, self.path.first()) {
            ("Assign", Some(Segment::Key(k))) => Some(k),
            _ => None,
        }
    }
}

impl fmt::Display for Location<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.owner {
            Owner::State => {}
            Owner::ChoiceRule { top } => write!(f, "Choices[{top}].")?,
            Owner::Catcher { index } => write!(f, "Catch[{index}].")?,
        }
        f.write_str(self.field)?;
        for segment in &self.path {
            match segment {
                Segment::Key(k) if is_plain_key(k) => write!(f, ".{k}")?,
                Segment::Key(k) => write!(f, "[\"{k}\"]")?,
                Segment::Index(i) => write!(f, "[{i}]")?,
            }
        }
        Ok(())
    }
}

fn is_plain_key(k: &str) -> bool {
    !k.is_empty()
        && k.chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

/// A JSONata expression Step Functions evaluates.
#[derive(Debug)]
pub struct Site<'d> {
    pub state: StateId,
    pub location: Location<'d>,
    /// The string node `"{% … %}"`.
    pub node: &'d Node,
    /// The expression (the text between `{%` and `%}`) as a byte range of the decoded string.
    pub range: Range<usize>,
    pub parsed: Result<Expression, jsonata::Error>,
}

impl Site<'_> {
    /// The expression's text.
    pub fn text(&self) -> &str {
        self.node.as_str().map_or("", |s| &s[self.range.clone()])
    }

    /// A byte range of the expression as a range of the decoded string.
    pub fn in_string(&self, range: Range<usize>) -> Range<usize> {
        self.range.start + range.start..self.range.start + range.end
    }
}

/// Why a string that looks like JSONata is not evaluated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotEvaluated {
    /// Text (or spaces) before or after `{% … %}`, whose inside parses; the segments are
    /// byte ranges of the decoded string, delimiters included.
    TextAround { segments: Vec<Range<usize>> },
    /// Starts with `{%` but has no `%}`; the range of the `{%`.
    Unclosed(Range<usize>),
    /// Ends with `%}` but has no `{%`; the range of the `%}`.
    Unopened(Range<usize>),
    /// `{% … %}` whose inside parses, in a state that uses JSONPath.
    JsonPathState { segments: Vec<Range<usize>> },
}

/// A string holding JSONata that Step Functions will pass through as literal text.
#[derive(Debug)]
pub struct Literal<'d> {
    pub state: StateId,
    pub location: Location<'d>,
    pub node: &'d Node,
    pub why: NotEvaluated,
}

/// The JSONata expressions and JSONata-looking literals of one machine.
#[derive(Debug, Default)]
pub struct JsonataSites<'d> {
    pub sites: Vec<Site<'d>>,
    pub literals: Vec<Literal<'d>>,
    /// `sites[by_state[id]]` are the sites of state `id`, in document order.
    by_state: Vec<Range<usize>>,
    /// Scratch space for the walks.
    stack: Vec<&'d Node>,
    hits: Vec<&'d Node>,
}

/// Keys of a JSONata state whose values Step Functions evaluates (at any depth).
/// (`match` rather than a list: this runs for every member of every state.)
fn is_evaluated(key: &str) -> bool {
    matches!(
        key,
        "Arguments"
            | "Output"
            | "Assign"
            | "Items"
            | "ItemSelector"
            | "ItemBatcher"
            | "Credentials"
            | "TimeoutSeconds"
            | "HeartbeatSeconds"
            | "Seconds"
            | "Timestamp"
            | "MaxConcurrency"
            | "ToleratedFailurePercentage"
            | "ToleratedFailureCount"
            | "Error"
            | "Cause"
    )
}

/// Keys of a JSONPath state not searched for stray JSONata: fields that never hold data,
/// paths (`invalid-path` reports a `{% %}` there), retriers, nested machines, and the
/// fields only JSONata states have (`schema` reports the field itself).
fn is_not_searched(key: &str) -> bool {
    key.ends_with("Path")
        || matches!(
            key,
            "Type"
                | "Comment"
                | "QueryLanguage"
                | "Next"
                | "End"
                | "Default"
                | "Resource"
                | "Retry"
                | "Branches"
                | "ItemProcessor"
                | "Iterator"
                | "Arguments"
                | "Output"
                | "Items"
        )
}

impl<'d> JsonataSites<'d> {
    pub fn build(machine: &Machine<'d>) -> JsonataSites<'d> {
        let mut out = JsonataSites {
            by_state: Vec::with_capacity(machine.states.len()),
            ..JsonataSites::default()
        };
        for state in &machine.states {
            let first = out.sites.len();
            match state.query_language {
                QueryLanguage::Jsonata => out.jsonata_state(state),
                QueryLanguage::JsonPath => out.jsonpath_state(state),
            }
            out.by_state.push(first..out.sites.len());
        }
        out
    }

    /// The expressions of one state.
    pub fn of_state(&self, id: StateId) -> &[Site<'d>] {
        self.by_state
            .get(id)
            .map_or(&[], |r| &self.sites[r.clone()])
    }

    fn jsonata_state(&mut self, state: &State<'d>) {
        let Some(members) = state.node.as_object() else {
            return;
        };
        for member in members {
            let key = member.key.as_str();
            let owner = Owner::State;
            match key {
                "Choices" => {
                    for (top, rule) in items(&member.value) {
                        for (field, value) in fields(rule, &["Condition", "Output", "Assign"]) {
                            self.walk(state, Owner::ChoiceRule { top }, field, value);
                        }
                    }
                }
                "Catch" => {
                    for (index, catcher) in items(&member.value) {
                        for (field, value) in fields(catcher, &["Output", "Assign"]) {
                            self.walk(state, Owner::Catcher { index }, field, value);
                        }
                    }
                }
                // A reader's or writer's Resource is an ARN, never evaluated.
                "ItemReader" | "ResultWriter" => {
                    for (field, value) in member
                        .value
                        .as_object()
                        .into_iter()
                        .flatten()
                        .filter(|m| m.key != "Resource")
                        .map(|m| (m.key.as_str(), &m.value))
                    {
                        self.walk_below(state, owner, key, vec![Segment::Key(field)], value);
                    }
                }
                _ if is_evaluated(key) => self.walk(state, owner, key, &member.value),
                _ => {}
            }
        }
    }

    fn walk(&mut self, state: &State<'d>, owner: Owner, field: &'d str, value: &'d Node) {
        self.walk_below(state, owner, field, Vec::new(), value);
    }

    /// Visits every string under `value` that holds `{%` or `%}`.
    fn walk_below(
        &mut self,
        state: &State<'d>,
        owner: Owner,
        field: &'d str,
        prefix: Vec<Segment<'d>>,
        value: &'d Node,
    ) {
        let mut hits = std::mem::take(&mut self.hits);
        delimited_strings(value, false, &mut self.stack, &mut hits);
        for &node in &hits {
            let mut path = prefix.clone();
            path_to(value, node, &mut path);
            let location = Location { owner, field, path };
            if let Some(s) = node.as_str() {
                self.jsonata_string(state, location, node, s);
            }
        }
        hits.clear();
        self.hits = hits;
    }

    /// A string in a field a JSONata state evaluates.
    fn jsonata_string(
        &mut self,
        state: &State<'d>,
        location: Location<'d>,
        node: &'d Node,
        s: &str,
    ) {
        if s.len() >= 4 && s.starts_with("{%") && s.ends_with("%}") {
            let range = 2..s.len() - 2;
            self.sites.push(Site {
                state: state.id,
                parsed: Expression::parse(&s[range.clone()]),
                location,
                node,
                range,
            });
            return;
        }
        if !(s.contains("{%") || s.contains("%}")) {
            return;
        }
        let why = if let Some(segments) = parsing_segments(s) {
            NotEvaluated::TextAround { segments }
        } else {
            let trimmed_start = s.len() - s.trim_start().len();
            let trimmed_end = s.trim_end().len();
            if s[trimmed_start..].starts_with("{%") && !s.contains("%}") {
                NotEvaluated::Unclosed(trimmed_start..trimmed_start + 2)
            } else if s[..trimmed_end].ends_with("%}") && !s.contains("{%") {
                NotEvaluated::Unopened(trimmed_end - 2..trimmed_end)
            } else {
                return;
            }
        };
        self.literals.push(Literal {
            state: state.id,
            location,
            node,
            why,
        });
    }

    /// JSONPath states never evaluate `{% %}`: a template there is literal text.
    fn jsonpath_state(&mut self, state: &State<'d>) {
        let Some(members) = state.node.as_object() else {
            return;
        };
        for member in members {
            let field = member.key.as_str();
            if is_not_searched(field) {
                continue;
            }
            let mut hits = std::mem::take(&mut self.hits);
            match field {
                // Of Catchers and Choice rules, only Assign holds data (error names, paths,
                // comparison values and Next do not; Output and Condition are JSONata's).
                "Catch" | "Choices" => {
                    for (_, part) in items(&member.value) {
                        if let Some(assign) = part.get("Assign") {
                            delimited_strings(assign, true, &mut self.stack, &mut hits);
                        }
                    }
                }
                // A reader's or writer's Arguments is JSONata's.
                "ItemReader" | "ResultWriter" => {
                    for m in member.value.as_object().into_iter().flatten() {
                        if m.key != "Arguments" && !m.key.ends_with(".$") {
                            delimited_strings(&m.value, true, &mut self.stack, &mut hits);
                        }
                    }
                }
                _ => delimited_strings(&member.value, true, &mut self.stack, &mut hits),
            }
            for &node in &hits {
                let Some(s) = node.as_str() else { continue };
                if !s.contains("{%") {
                    continue;
                }
                if let Some(segments) = parsing_segments(s) {
                    let mut path = Vec::new();
                    path_to(&member.value, node, &mut path);
                    self.literals.push(Literal {
                        state: state.id,
                        location: Location {
                            owner: Owner::State,
                            field,
                            path,
                        },
                        node,
                        why: NotEvaluated::JsonPathState { segments },
                    });
                }
            }
            hits.clear();
            self.hits = hits;
        }
    }
}

/// Whether `s` holds `{%` or `%}`: one fast scan for the rare `%`, since every string of
/// every state goes through here.
fn has_delimiter(s: &str) -> bool {
    let b = s.as_bytes();
    let mut from = 0;
    while let Some(i) = s[from..].find('%') {
        let at = from + i;
        if (at > 0 && b[at - 1] == b'{') || b.get(at + 1) == Some(&b'}') {
            return true;
        }
        from = at + 1;
    }
    false
}

/// Appends to `hits` every string under `value` that holds `{%` or `%}`, in document order;
/// with `skip_dollar_keys`, values under keys ending in `.$` are left out. `stack` is scratch
/// space kept between calls: this runs over every field of every state.
fn delimited_strings<'d>(
    value: &'d Node,
    skip_dollar_keys: bool,
    stack: &mut Vec<&'d Node>,
    hits: &mut Vec<&'d Node>,
) {
    stack.clear();
    stack.push(value);
    while let Some(node) = stack.pop() {
        match &node.value {
            Value::String(s) if has_delimiter(s) => hits.push(node),
            Value::Object(members) => stack.extend(
                members
                    .iter()
                    .rev()
                    .filter(|m| !skip_dollar_keys || !m.key.ends_with(".$"))
                    .map(|m| &m.value),
            ),
            Value::Array(items) => stack.extend(items.iter().rev()),
            _ => {}
        }
    }
}

/// Appends to `path` the steps from `root` down to `target`, a node under it: a search by
/// identity, run only for the rare strings that hold a delimiter.
fn path_to<'d>(root: &'d Node, target: &Node, path: &mut Vec<Segment<'d>>) {
    let base = path.len();
    let mut stack: Vec<(usize, Option<Segment<'d>>, &'d Node)> = vec![(base, None, root)];
    while let Some((depth, segment, node)) = stack.pop() {
        path.truncate(depth);
        path.extend(segment);
        if std::ptr::eq(node, target) {
            return;
        }
        match &node.value {
            Value::Object(members) => {
                for m in members.iter().rev() {
                    stack.push((path.len(), Some(Segment::Key(&m.key)), &m.value));
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate().rev() {
                    stack.push((path.len(), Some(Segment::Index(i)), item));
                }
            }
            _ => {}
        }
    }
    path.truncate(base);
}

/// The `{% … %}` segments of a string when there is at least one and the inside of each
/// parses as JSONata (a template for another engine, such as Jinja's `{% if %}`, does not).
fn parsing_segments(s: &str) -> Option<Vec<Range<usize>>> {
    let mut segments = Vec::new();
    let mut from = 0;
    while let Some(open) = s[from..].find("{%").map(|i| from + i) {
        let close = s[open + 2..].find("%}").map(|i| open + 2 + i)?;
        if jsonata::parse(&s[open + 2..close]).is_err() {
            return None;
        }
        segments.push(open..close + 2);
        from = close + 2;
    }
    (!segments.is_empty()).then_some(segments)
}

fn items(node: &Node) -> impl Iterator<Item = (usize, &Node)> {
    node.as_array().into_iter().flatten().enumerate()
}

/// The members of `node` named in `keys`, in document order.
fn fields<'n>(
    node: &'n Node,
    keys: &'static [&'static str],
) -> impl Iterator<Item = (&'n str, &'n Node)> {
    node.as_object()
        .into_iter()
        .flatten()
        .filter(move |m| keys.contains(&m.key.as_str()))
        .map(|m| (m.key.as_str(), &m.value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::json;

    fn build(text: &str) -> (crate::document::Document, Vec<String>, Vec<String>) {
        let doc = json::parse(text).unwrap();
        let (sites, literals) = {
            let machine = Machine::build(&doc.root);
            let found = JsonataSites::build(&machine);
            let sites = found
                .sites
                .iter()
                .map(|s| {
                    format!(
                        "{} {} {:?} {}",
                        machine.state(s.state).name,
                        s.location,
                        s.text(),
                        s.parsed.is_ok()
                    )
                })
                .collect();
            let literals = found
                .literals
                .iter()
                .map(|l| format!("{} {} {:?}", machine.state(l.state).name, l.location, l.why))
                .collect();
            (sites, literals)
        };
        (doc, sites, literals)
    }

    #[test]
    fn finds_every_evaluated_string() {
        let (_, sites, literals) = build(
            r#"{"QueryLanguage": "JSONata", "StartAt": "T", "States": {
              "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Comment": "{% not me %}",
                    "Arguments": {"Payload": {"id": "{% $states.input.id %}", "list": ["x", "{% 1 + %}"]}},
                    "TimeoutSeconds": "{% $t %}", "Output": "{% $states.result %}",
                    "Assign": {"total": "{% $sum($states.result.items) %}"},
                    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "C", "Assign": {"e": "{% $states.errorOutput %}"}}],
                    "Next": "C"},
              "C": {"Type": "Choice", "Choices": [{"Condition": "{% $total > 10 %}", "Next": "M"}], "Default": "M"},
              "M": {"Type": "Map", "Items": "{% $states.input.list %}", "End": true,
                    "ItemReader": {"Resource": "{% r %}", "Arguments": {"Bucket": "{% $b %}"}},
                    "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "Output": "Hello {% $states.input %}", "End": true}}}}
            }}"#,
        );
        assert_eq!(
            sites,
            [
                "T Arguments.Payload.id \" $states.input.id \" true",
                "T Arguments.Payload.list[1] \" 1 + \" false",
                "T TimeoutSeconds \" $t \" true",
                "T Output \" $states.result \" true",
                "T Assign.total \" $sum($states.result.items) \" true",
                "T Catch[0].Assign.e \" $states.errorOutput \" true",
                "C Choices[0].Condition \" $total > 10 \" true",
                "M Items \" $states.input.list \" true",
                "M ItemReader.Arguments.Bucket \" $b \" true",
            ]
        );
        assert_eq!(literals, ["P Output TextAround { segments: [6..25] }"]);
    }

    #[test]
    fn literals_that_look_like_jsonata() {
        let (_, _, literals) = build(
            r#"{"StartAt": "A", "States": {
              "A": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": {"a": "{% 10 %", "b": "10 %}", "c": " {% 1 %}", "d": "{% if x %}a{% endif %} b", "e": "50%"}, "Next": "B"},
              "B": {"Type": "Pass", "Parameters": {"a": "{% $states.input %}", "b.$": "{% $x %}", "c": "{% for x in y %}"}, "End": true}
            }}"#,
        );
        assert_eq!(
            literals,
            [
                "A Output.a Unclosed(0..2)",
                "A Output.b Unopened(3..5)",
                "A Output.c TextAround { segments: [1..8] }",
                "B Parameters.a JsonPathState { segments: [0..19] }",
            ]
        );
    }
}
