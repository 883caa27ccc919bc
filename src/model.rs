//! The ASL model: a typed view of a state machine over its spanned document.
//! Building it never fails; whatever is malformed is left for the `schema` rule to report.

use crate::document::{Member, Node};
use crate::hash::FastMap;
use crate::quote::abbreviate;
use crate::source::Span;

pub type StateId = usize;
pub type ScopeId = usize;

/// How executions of a state machine run: STANDARD (up to a year, exactly once) or EXPRESS
/// (up to five minutes, at least once), declared at deployment, not in the definition.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum WorkflowType {
    #[default]
    Standard,
    Express,
}

impl WorkflowType {
    pub fn name(self) -> &'static str {
        match self {
            WorkflowType::Standard => "STANDARD",
            WorkflowType::Express => "EXPRESS",
        }
    }

    /// `STANDARD` or `EXPRESS`, in any case, as templates write it.
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_uppercase().as_str() {
            "EXPRESS" => Some(WorkflowType::Express),
            "STANDARD" => Some(WorkflowType::Standard),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum QueryLanguage {
    JsonPath,
    Jsonata,
}

impl QueryLanguage {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "JSONPath" => Some(QueryLanguage::JsonPath),
            "JSONata" => Some(QueryLanguage::Jsonata),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            QueryLanguage::JsonPath => "JSONPath",
            QueryLanguage::Jsonata => "JSONata",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StateType {
    Task,
    Pass,
    Choice,
    Wait,
    Succeed,
    Fail,
    Parallel,
    Map,
}

impl StateType {
    pub const ALL: [StateType; 8] = [
        StateType::Task,
        StateType::Pass,
        StateType::Choice,
        StateType::Wait,
        StateType::Succeed,
        StateType::Fail,
        StateType::Parallel,
        StateType::Map,
    ];

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.name() == s)
    }

    pub fn name(self) -> &'static str {
        match self {
            StateType::Task => "Task",
            StateType::Pass => "Pass",
            StateType::Choice => "Choice",
            StateType::Wait => "Wait",
            StateType::Succeed => "Succeed",
            StateType::Fail => "Fail",
            StateType::Parallel => "Parallel",
            StateType::Map => "Map",
        }
    }

    /// Types that must end with `Next` or `"End": true`.
    pub fn needs_transition(self) -> bool {
        !matches!(
            self,
            StateType::Choice | StateType::Succeed | StateType::Fail
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeKind {
    /// The top-level machine.
    Root,
    /// `Branches[index]` of a Parallel state.
    Branch { index: usize },
    /// A Map's `ItemProcessor` (or the deprecated `Iterator`).
    Processor,
}

/// One `{StartAt, States}` block: the machine itself, a Parallel branch or a Map processor.
/// Transitions never cross a scope boundary.
#[derive(Debug)]
pub struct Scope<'d> {
    pub id: ScopeId,
    pub kind: ScopeKind,
    /// The object holding `StartAt` and `States` (may be malformed).
    pub node: &'d Node,
    /// The Parallel or Map state owning this scope; `None` for the root.
    pub owner: Option<StateId>,
    pub start_at: Option<&'d Member>,
    pub states: Vec<StateId>,
    /// Inside a Distributed Map's processor (at any depth): that Map, and the type its child
    /// executions run as (`ProcessorConfig.ExecutionType`, STANDARD when absent).
    pub child_execution: Option<(StateId, WorkflowType)>,
    names: FastMap<&'d str, StateId>,
}

impl Scope<'_> {
    /// The state of this scope with this name (the last one, if defined twice).
    pub fn state_named(&self, name: &str) -> Option<StateId> {
        self.names.get(name).copied()
    }

    /// The state `StartAt` names, if it exists in this scope.
    pub fn start(&self) -> Option<StateId> {
        self.state_named(self.start_at?.value.as_str()?)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransitionKind {
    Next,
    Default,
    /// `Choices[rule].Next`.
    Choice {
        rule: usize,
    },
    /// `Catch[catcher].Next`.
    Catch {
        catcher: usize,
    },
}

/// A named transition as written, resolved or not.
#[derive(Clone, Debug)]
pub struct Transition<'d> {
    pub kind: TransitionKind,
    pub target: &'d str,
    /// Span of the target string.
    pub span: Span,
}

#[derive(Debug)]
pub struct State<'d> {
    pub id: StateId,
    pub name: &'d str,
    pub name_span: Span,
    /// The state's object (may be malformed).
    pub node: &'d Node,
    pub scope: ScopeId,
    /// `None` when `Type` is missing or unknown.
    pub ty: Option<StateType>,
    /// Effective query language: the state's own, else the machine's.
    pub query_language: QueryLanguage,
    pub transitions: Vec<Transition<'d>>,
    /// Scopes this state owns: Parallel branches in order, or the Map processor.
    pub children: Vec<ScopeId>,
}

impl<'d> State<'d> {
    pub fn member(&self, key: &str) -> Option<&'d Member> {
        self.node.member(key)
    }

    pub fn get(&self, key: &str) -> Option<&'d Node> {
        self.node.get(key)
    }

    pub fn is(&self, ty: StateType) -> bool {
        self.ty == Some(ty)
    }

    /// A Task's `Resource` node and its string value; `None` for other states or a
    /// non-string Resource (which `schema` reports).
    pub fn task_resource(&self) -> Option<(&'d Node, &'d str)> {
        if !self.is(StateType::Task) {
            return None;
        }
        let node = self.get("Resource")?;
        Some((node, node.as_str()?))
    }

    /// `"End": true`.
    pub fn has_end(&self) -> bool {
        self.get("End").and_then(Node::as_bool) == Some(true)
    }

    /// A state where an execution (or branch) can finish.
    pub fn is_terminal(&self) -> bool {
        matches!(self.ty, Some(StateType::Succeed | StateType::Fail)) || self.has_end()
    }

    /// `Retry` entries, if `Retry` is an array.
    pub fn retriers(&self) -> &'d [Node] {
        self.get("Retry").and_then(Node::as_array).unwrap_or(&[])
    }

    /// Every Choice rule object, top-level and nested under `And`/`Or`/`Not`, in document order.
    pub fn choice_rules(&self) -> Vec<ChoiceRule<'d>> {
        let mut out = Vec::new();
        let top = self.get("Choices").and_then(Node::as_array).unwrap_or(&[]);
        let mut stack: Vec<ChoiceRule<'d>> = top
            .iter()
            .enumerate()
            .rev()
            .map(|(index, node)| ChoiceRule {
                node,
                top: index,
                nested: false,
            })
            .collect();
        while let Some(rule) = stack.pop() {
            // Pushed Not, Or, And (each reversed) so they pop as And, Or, Not, in document order.
            let child = |node| ChoiceRule {
                node,
                top: rule.top,
                nested: true,
            };
            if let Some(not) = rule.node.get("Not") {
                stack.push(child(not));
            }
            for key in ["Or", "And"] {
                if let Some(items) = rule.node.get(key).and_then(Node::as_array) {
                    stack.extend(items.iter().rev().map(child));
                }
            }
            out.push(rule);
        }
        out
    }

    /// Payload templates of this state (JSONPath `.$` keys are evaluated inside them):
    /// `(field name, node)` for Parameters, ResultSelector, ItemSelector, Credentials,
    /// ItemReader.Parameters, ResultWriter.Parameters and ItemBatcher.BatchInput.
    pub fn payload_templates(&self) -> Vec<(&'static str, &'d Node)> {
        let mut out = Vec::new();
        for key in [
            "Parameters",
            "ResultSelector",
            "ItemSelector",
            "Credentials",
        ] {
            if let Some(node) = self.get(key) {
                out.push((key, node));
            }
        }
        for (outer, inner, name) in [
            ("ItemReader", "Parameters", "ItemReader.Parameters"),
            ("ResultWriter", "Parameters", "ResultWriter.Parameters"),
            ("ItemBatcher", "BatchInput", "ItemBatcher.BatchInput"),
        ] {
            if let Some(node) = self.get(outer).and_then(|o| o.get(inner)) {
                out.push((name, node));
            }
        }
        out
    }

    /// `Catch` entries, if `Catch` is an array.
    pub fn catchers(&self) -> &'d [Node] {
        self.get("Catch").and_then(Node::as_array).unwrap_or(&[])
    }
}

/// A Choice rule object and where it sits.
#[derive(Clone, Copy, Debug)]
pub struct ChoiceRule<'d> {
    pub node: &'d Node,
    /// Index of the top-level rule in `Choices` this rule belongs to.
    pub top: usize,
    /// Inside `And`/`Or`/`Not` (such rules must not have `Next`).
    pub nested: bool,
}

#[derive(Debug)]
pub struct Machine<'d> {
    pub root: &'d Node,
    /// The machine-wide default query language.
    pub query_language: QueryLanguage,
    /// Scope 0 is the top-level machine.
    pub scopes: Vec<Scope<'d>>,
    pub states: Vec<State<'d>>,
}

impl<'d> Machine<'d> {
    /// True when `root` looks like a state machine definition (an object with StartAt and States).
    pub fn looks_like_definition(root: &Node) -> bool {
        root.member("StartAt").is_some() && root.member("States").is_some()
    }

    pub fn build(root: &'d Node) -> Machine<'d> {
        let query_language = root
            .get_str("QueryLanguage")
            .and_then(QueryLanguage::parse)
            .unwrap_or(QueryLanguage::JsonPath);
        let mut machine = Machine {
            root,
            query_language,
            scopes: Vec::new(),
            states: Vec::new(),
        };
        // Work list instead of recursion: nested scopes are queued as they are found.
        let mut pending: Vec<(&'d Node, ScopeKind, Option<StateId>)> =
            vec![(root, ScopeKind::Root, None)];
        let mut next = 0;
        while next < pending.len() {
            let (node, kind, owner) = pending[next];
            next += 1;
            machine.add_scope(node, kind, owner, &mut pending);
        }
        machine
    }

    fn add_scope(
        &mut self,
        node: &'d Node,
        kind: ScopeKind,
        owner: Option<StateId>,
        pending: &mut Vec<(&'d Node, ScopeKind, Option<StateId>)>,
    ) {
        let scope_id = self.scopes.len();
        if let Some(owner) = owner {
            self.states[owner].children.push(scope_id);
        }
        // The owner's state and scope exist already: scopes are built parents first.
        let child_execution = owner.and_then(|owner| {
            let config = node.get("ProcessorConfig");
            let distributed = kind == ScopeKind::Processor
                && config.and_then(|c| c.get_str("Mode")) == Some("DISTRIBUTED");
            if distributed {
                let express = config.and_then(|c| c.get_str("ExecutionType")) == Some("EXPRESS");
                let ty = if express {
                    WorkflowType::Express
                } else {
                    WorkflowType::Standard
                };
                Some((owner, ty))
            } else {
                self.scopes[self.states[owner].scope].child_execution
            }
        });
        let mut scope = Scope {
            id: scope_id,
            kind,
            node,
            owner,
            start_at: node.member("StartAt"),
            states: Vec::new(),
            child_execution,
            names: FastMap::default(),
        };
        let members = node.get("States").and_then(Node::as_object).unwrap_or(&[]);
        for member in members {
            let id = self.states.len();
            let state_node = &member.value;
            let ty = state_node.get_str("Type").and_then(StateType::parse);
            let query_language = state_node
                .get_str("QueryLanguage")
                .and_then(QueryLanguage::parse)
                .unwrap_or(self.query_language);
            let state = State {
                id,
                name: &member.key,
                name_span: member.key_span,
                node: state_node,
                scope: scope_id,
                ty,
                query_language,
                transitions: transitions(state_node),
                children: Vec::new(),
            };
            match ty {
                Some(StateType::Parallel) => {
                    let branches = state_node.get("Branches").and_then(Node::as_array);
                    for (index, branch) in branches.unwrap_or(&[]).iter().enumerate() {
                        pending.push((branch, ScopeKind::Branch { index }, Some(id)));
                    }
                }
                Some(StateType::Map) => {
                    let processor = state_node
                        .get("ItemProcessor")
                        .or_else(|| state_node.get("Iterator"));
                    if let Some(processor) = processor {
                        pending.push((processor, ScopeKind::Processor, Some(id)));
                    }
                }
                _ => {}
            }
            // The last definition wins, as it does for duplicate keys everywhere else.
            scope.names.insert(&member.key, id);
            scope.states.push(id);
            self.states.push(state);
        }
        self.scopes.push(scope);
    }

    pub fn state(&self, id: StateId) -> &State<'d> {
        &self.states[id]
    }

    pub fn scope(&self, id: ScopeId) -> &Scope<'d> {
        &self.scopes[id]
    }

    /// The scope's owner chain, innermost first: used to describe where a state lives.
    pub fn scope_path(&self, scope: ScopeId) -> String {
        let mut parts = Vec::new();
        let mut current = scope;
        while let Some(owner) = self.scopes[current].owner {
            let state = &self.states[owner];
            parts.push(match self.scopes[current].kind {
                ScopeKind::Branch { index } => {
                    format!(
                        "branch {} of Parallel '{}'",
                        index + 1,
                        abbreviate(state.name)
                    )
                }
                _ => format!("the processor of Map '{}'", abbreviate(state.name)),
            });
            current = state.scope;
        }
        if parts.is_empty() {
            "the top-level States".to_string()
        } else {
            parts.join(" in ")
        }
    }
}

fn transitions(state: &Node) -> Vec<Transition<'_>> {
    let mut out = Vec::new();
    push_transition(&mut out, TransitionKind::Next, state.get("Next"));
    push_transition(&mut out, TransitionKind::Default, state.get("Default"));
    if let Some(rules) = state.get("Choices").and_then(Node::as_array) {
        for (rule, node) in rules.iter().enumerate() {
            push_transition(&mut out, TransitionKind::Choice { rule }, node.get("Next"));
        }
    }
    if let Some(catchers) = state.get("Catch").and_then(Node::as_array) {
        for (catcher, node) in catchers.iter().enumerate() {
            push_transition(
                &mut out,
                TransitionKind::Catch { catcher },
                node.get("Next"),
            );
        }
    }
    out
}

fn push_transition<'d>(
    out: &mut Vec<Transition<'d>>,
    kind: TransitionKind,
    node: Option<&'d Node>,
) {
    let Some(node) = node else { return };
    if let Some(target) = node.as_str() {
        out.push(Transition {
            kind,
            target,
            span: node.span,
        });
        return;
    }
    // In a template, `Next: !If [Cond, A, B]`: either target may be deployed, so both are
    // transitions. The branches are strings in practice; deeper nesting is not followed.
    for branch in crate::placeholder::alternatives(node).unwrap_or_default() {
        if let Some(target) = branch.as_str() {
            out.push(Transition {
                kind,
                target,
                span: branch.span,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::json;

    const NESTED: &str = r#"{
      "StartAt": "P", "QueryLanguage": "JSONata",
      "States": {
        "P": {"Type": "Parallel", "QueryLanguage": "JSONPath", "Next": "M",
              "Branches": [
                {"StartAt": "B1", "States": {"B1": {"Type": "Pass", "End": true}}},
                {"StartAt": "B2", "States": {"B2": {"Type": "Succeed"}}}
              ]},
        "M": {"Type": "Map", "End": true,
              "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "P"}],
              "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Task", "Resource": "r", "End": true}}}}
      }
    }"#;

    #[test]
    fn scopes_states_and_languages() {
        let doc = json::parse(NESTED).unwrap();
        let m = Machine::build(&doc.root);
        assert_eq!(m.scopes.len(), 4);
        assert_eq!(m.states.len(), 5);
        let names: Vec<&str> = m.states.iter().map(|s| s.name).collect();
        assert_eq!(names, ["P", "M", "B1", "B2", "I"]);
        let p = &m.states[0];
        assert_eq!(p.children, vec![1, 2]);
        assert_eq!(p.query_language, QueryLanguage::JsonPath);
        // Children inherit the machine's language, not the Parallel's.
        assert_eq!(m.states[2].query_language, QueryLanguage::Jsonata);
        assert_eq!(m.scopes[1].kind, ScopeKind::Branch { index: 0 });
        assert_eq!(m.scopes[3].kind, ScopeKind::Processor);
        assert_eq!(m.scopes[3].owner, Some(1));
        assert_eq!(m.scopes[0].start(), Some(0));
        assert_eq!(m.scope_path(3), "the processor of Map 'M'");
        assert_eq!(m.scopes[3].child_execution, None);
        assert_eq!(m.scope_path(0), "the top-level States");
        let catch = &m.states[1].transitions[0];
        assert_eq!(catch.kind, TransitionKind::Catch { catcher: 0 });
        assert_eq!(catch.target, "P");
        assert!(m.states[3].is_terminal());
    }

    #[test]
    fn choice_rules_include_nested_ones_in_order() {
        let text = r#"{"Type": "Choice", "Choices": [
            {"And": [{"Variable": "$.a", "IsPresent": true}, {"Not": {"Variable": "$.b", "IsNull": true}}], "Next": "X"},
            {"Variable": "$.c", "BooleanEquals": true, "Next": "Y"}]}"#;
        let doc =
            json::parse(&format!(r#"{{"StartAt": "C", "States": {{"C": {text}}}}}"#)).unwrap();
        let m = Machine::build(&doc.root);
        let rules = m.states[0].choice_rules();
        let shape: Vec<(usize, bool)> = rules.iter().map(|r| (r.top, r.nested)).collect();
        assert_eq!(
            shape,
            [(0, false), (0, true), (0, true), (0, true), (1, false)]
        );
        assert_eq!(rules[3].node.get_str("Variable"), Some("$.b"));
    }

    #[test]
    fn distributed_map_children_have_their_own_execution_type() {
        let text = r#"{"StartAt": "M", "States": {"M": {"Type": "Map", "End": true, "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
            "StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [
                {"StartAt": "I", "States": {"I": {"Type": "Succeed"}}}]}}}}}}"#;
        let doc = json::parse(text).unwrap();
        let m = Machine::build(&doc.root);
        assert_eq!(m.scopes[0].child_execution, None);
        assert_eq!(
            m.scopes[1].child_execution,
            Some((0, WorkflowType::Express))
        );
        // Nested scopes inside the child keep the child's type.
        assert_eq!(
            m.scopes[2].child_execution,
            Some((0, WorkflowType::Express))
        );
    }

    #[test]
    fn malformed_input_still_builds() {
        for text in [
            "[]",
            "null",
            r#"{"States": 3}"#,
            r#"{"StartAt": 1, "States": {"A": 5}}"#,
        ] {
            let doc = json::parse(text).unwrap();
            let m = Machine::build(&doc.root);
            assert_eq!(m.scopes.len(), 1);
        }
    }
}
