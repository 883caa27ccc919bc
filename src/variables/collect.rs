//! Finding a machine's assignments (`Assign` of a state, a Choice rule, a Catcher) and its
//! `$name` reads (JSONPath paths, `.$` templates and intrinsic arguments; JSONata free
//! variables).

use std::ops::Range;

use super::{Assignment, Place, Placement, Read, Seen, Status, VarId, Variables};
use crate::asl::fields::{self, Field, Item, Kind};
use crate::asl::intrinsic::{self, ArgValue};
use crate::asl::path::{self, Root};
use crate::asl::variable;
use crate::document::Node;
use crate::jsonata::{Expression, Kind as JsonataKind, Op};
use crate::jsonata_sites::JsonataSites;
use crate::model::{QueryLanguage, State, StateType};

impl<'d> Variables<'d> {
    fn intern(&mut self, name: &str) -> VarId {
        if let Some(&id) = self.index.get(name) {
            return id;
        }
        let id = self.names.len();
        self.names.push(name.to_string());
        self.index.insert(name.to_string(), id);
        id
    }

    pub(super) fn collect_assignments(&mut self, state: &State<'d>) {
        // Succeed and Fail cannot assign (the schema rule says so); there is nothing after them.
        if matches!(state.ty, Some(StateType::Succeed | StateType::Fail)) {
            return;
        }
        let jsonpath = state.query_language == QueryLanguage::JsonPath;
        let add = |v: &mut Self, assign: Option<&'d Node>, placement| {
            for member in assign.and_then(Node::as_object).unwrap_or(&[]) {
                let name = match member.key.strip_suffix(".$") {
                    Some(name) if jsonpath => name,
                    _ => member.key.as_str(),
                };
                // Invalid names are the schema rule's.
                if !variable::is_name(name) {
                    continue;
                }
                let var = v.intern(name);
                v.assignments.push(Assignment {
                    var,
                    state: state.id,
                    placement,
                    member,
                    seen: Seen::Unknown,
                });
            }
        };
        // One pass over the state's members (this runs for every state); the last of a
        // duplicated key counts, as everywhere else.
        let (mut assign, mut choices, mut catchers) = (None, None, None);
        for member in state.node.as_object().unwrap_or(&[]) {
            match member.key.as_str() {
                "Assign" => assign = Some(&member.value),
                "Choices" => choices = member.value.as_array(),
                "Catch" => catchers = member.value.as_array(),
                _ => {}
            }
        }
        add(self, assign, Placement::State);
        for (top, rule) in choices.unwrap_or(&[]).iter().enumerate() {
            add(self, rule.get("Assign"), Placement::ChoiceRule(top));
        }
        for (index, catcher) in catchers.unwrap_or(&[]).iter().enumerate() {
            add(self, catcher.get("Assign"), Placement::Catcher(index));
        }
    }

    pub(super) fn collect_reads(
        &mut self,
        state: &State<'d>,
        jsonata: &JsonataSites<'d>,
        first_site: usize,
    ) {
        let language = state.query_language;
        match language {
            QueryLanguage::Jsonata => {
                for (offset, site) in jsonata.of_state(state.id).iter().enumerate() {
                    let Ok(expression) = &site.parsed else {
                        continue;
                    };
                    let names = &expression.names;
                    // A built-in's name read as a value is a workflow variable when the
                    // machine assigns one by that name (the binding shadows the function).
                    let shadowing = names
                        .builtin_reads
                        .iter()
                        .filter(|r| self.index.contains_key(&r.name));
                    let mut refs: Vec<_> = names.free.iter().chain(shadowing).collect();
                    if refs.is_empty() {
                        continue;
                    }
                    refs.sort_by_key(|r| r.span.start);
                    let tests = existence_tests(expression);
                    for r in refs {
                        let var = self.intern(&r.name);
                        self.reads.push(Read {
                            var,
                            state: state.id,
                            node: site.node,
                            range: site.in_string(r.span.clone()),
                            place: Place::Site(first_site + offset),
                            language,
                            guarded: tests.contains(&r.name.as_str()),
                            status: Status::Unknown,
                        });
                    }
                }
            }
            QueryLanguage::JsonPath => {
                // `"Variable": "$x", "IsPresent": …` tests whether `$x` exists.
                let tested: Vec<&Node> = if state.is(StateType::Choice) {
                    state
                        .choice_rules()
                        .iter()
                        .filter(|rule| rule.node.get("IsPresent").is_some())
                        .filter_map(|rule| rule.node.get("Variable"))
                        .collect()
                } else {
                    Vec::new()
                };
                let mut found: Vec<(&'d Node, Range<usize>, Field<'d>)> = Vec::new();
                fields::visit(state, |item| {
                    let (node, field) = match item {
                        // A variable there is invalid-path's finding, not a read.
                        Item::Path {
                            kind: Kind::ResultPath,
                            ..
                        } => return,
                        Item::Path { field, node, .. } => (node, field),
                        Item::Dollar { template, member } => (
                            &member.value,
                            Field::Dollar {
                                key: &member.key,
                                template,
                            },
                        ),
                    };
                    let Some(text) = node.as_str() else { return };
                    value_reads(text, |range| found.push((node, range, field)));
                });
                for (node, range, field) in found {
                    let Some(text) = node.as_str() else { continue };
                    let var = self.intern(&text[range.start + 1..range.end]);
                    self.reads.push(Read {
                        var,
                        state: state.id,
                        node,
                        range,
                        place: Place::Field(field),
                        language,
                        guarded: tested.iter().any(|t| std::ptr::eq(*t, node)),
                        status: Status::Unknown,
                    });
                }
            }
        }
    }
}

/// The variables an expression tests for existence: `$exists($x)` or `$exists($x.field)`.
/// An unassigned variable has no value, and `$exists` says so without an error; an expression
/// that tests (`$exists($x) ? $x : 10`) expects the variable to be missing at times.
fn existence_tests(expression: &Expression) -> Vec<&str> {
    let ast = &expression.ast;
    expression
        .names
        .calls
        .iter()
        .filter(|c| c.name == "exists" && !c.bound && c.args.len() == 1)
        .filter_map(|c| {
            // Down the left of `.` and `[…]` to where the path starts; children are stored
            // before their parents, so each step goes to a smaller id.
            let mut id = c.args[0];
            loop {
                match &ast.node(id).kind {
                    JsonataKind::Binary {
                        op: Op::Dot, lhs, ..
                    }
                    | JsonataKind::Filter { lhs, .. } => id = *lhs,
                    JsonataKind::Variable(name) => return Some(name.as_str()),
                    _ => return None,
                }
            }
        })
        .collect()
}

/// The `$name` variable reads in a JSONPath value: a path, or the path arguments of an
/// intrinsic call at any depth. Ranges cover `$name`.
fn value_reads(text: &str, mut found: impl FnMut(Range<usize>)) {
    if text.starts_with('$') {
        // `$.x`, `$[0]` and `$$.x` are the common case: no parse needed.
        if matches!(text.as_bytes().get(1), None | Some(b'.' | b'[' | b'$')) {
            return;
        }
        if let Ok(parsed) = path::parse(text) {
            if let (Root::Variable, Some(name)) = (parsed.root, parsed.variable) {
                found(0..name.end);
            }
        }
        return;
    }
    if !has_variable_sign(text) {
        return;
    }
    let Ok(call) = intrinsic::parse(text) else {
        return;
    };
    let mut stack = vec![call];
    while let Some(call) = stack.pop() {
        for arg in call.args {
            match arg.value {
                ArgValue::Path(parsed) => {
                    if let (Root::Variable, Some(name)) = (parsed.root, parsed.variable) {
                        found(arg.range.start..arg.range.start + name.end);
                    }
                }
                ArgValue::Call(inner) => stack.push(inner),
                _ => {}
            }
        }
    }
}

/// Whether the text has a `$` followed by something other than `.`, `[` or `$`.
fn has_variable_sign(text: &str) -> bool {
    let b = text.as_bytes();
    b.iter()
        .enumerate()
        .any(|(i, &c)| c == b'$' && !matches!(b.get(i + 1), None | Some(b'.' | b'[' | b'$')))
}
