//! Data-flow analysis: for every state, an abstract shape of its input, propagated along the
//! graph from each scope's `StartAt` through the JSONPath I/O pipeline (InputPath → Parameters →
//! result → ResultSelector → ResultPath → OutputPath) or JSONata's `Output`, and the fields of
//! its input that each state reads.
//!
//! Shapes only ever say what is certain. Rules fire when *every* shape arriving at a state is
//! wrong, so a state reached both by a normal transition and by a Catch is never guessed about.

use crate::asl::integrations;
use crate::asl::intrinsic::{self, ArgValue};
use crate::asl::resource::Resource;
use crate::document::{descendants, Node, Value};
use crate::graph::{EdgeKind, StateGraph};
use crate::model::{Machine, QueryLanguage, State, StateId, StateType};
use crate::source::Span;

/// More distinct shapes than this at one state collapse into `Unknown`, bounding the work.
const MAX_SHAPES: usize = 32;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// An object whose fields are not known.
    Object,
    /// The raw array a Parallel or Map outputs.
    Array {
        producer: StateId,
    },
    /// Exactly `{"Error", "Cause"}`: what a Catcher without ResultPath (or Output) delivers.
    ErrorOutput {
        state: StateId,
        catcher: usize,
    },
    /// The output of Task `task` whose integration's result shape is known (see
    /// `integrations::Call::result`): its result, placed by its ResultPath and selected by
    /// its OutputPath, both simple paths (`typed_output` says when).
    TaskOutput {
        task: StateId,
    },
    Unknown,
}

/// One shape arriving at a state, and the state it comes from (`None` at a scope's start).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Incoming {
    pub shape: Shape,
    pub from: Option<StateId>,
}

/// How a read path starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Access {
    /// `$.name…` or `$['name']…` (JSONata: `$states.input.name…`).
    Member(String),
    /// `$[0]…`, `$[*]…`
    Element,
    /// `$`, `$..x` and other forms that name no particular member.
    Other,
}

/// A field of the state's input that the state reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Read {
    pub access: Access,
    /// The string value holding the path.
    pub span: Span,
    /// The path as written (for JSONata, the `$states.input…` reference).
    pub path: String,
}

#[derive(Debug)]
pub struct DataFlow {
    incoming: Vec<Vec<Incoming>>,
    /// Each Task's parsed Resource and the integration it calls, read once for every rule.
    tasks: Vec<Option<(Resource, Option<integrations::Call>)>>,
}

impl DataFlow {
    pub fn build(machine: &Machine, graph: &StateGraph) -> DataFlow {
        let n = machine.states.len();
        let mut incoming: Vec<Vec<Incoming>> = vec![Vec::new(); n];
        let mut queued = vec![false; n];
        let mut work: Vec<StateId> = Vec::new();
        for scope in &machine.scopes {
            if let Some(start) = scope.start() {
                incoming[start].push(Incoming {
                    shape: Shape::Unknown,
                    from: None,
                });
                queued[start] = true;
                work.push(start);
            }
        }
        let tasks: Vec<Option<(Resource, Option<integrations::Call>)>> = machine
            .states
            .iter()
            .map(|state| {
                let resource = Resource::parse(state.task_resource()?.1);
                let call = integrations::call(&resource);
                Some((resource, call))
            })
            .collect();
        // Whether each state's output is its typed result, and each Task's result otherwise:
        // asked once per state, not per visit.
        let typed: Vec<bool> = machine
            .states
            .iter()
            .map(|state| typed_output(state, call_result(&tasks[state.id])))
            .collect();
        let results: Vec<Shape> = tasks.iter().map(task_result).collect();
        let mut collapsed = vec![false; n];
        let mut outputs: Vec<Shape> = Vec::new();
        while let Some(id) = work.pop() {
            queued[id] = false;
            let state = machine.state(id);
            let inputs: Vec<Shape> = dedup(incoming[id].iter().map(|i| i.shape));
            for (target, edge) in graph.successors(id) {
                if collapsed[target] {
                    continue;
                }
                outputs.clear();
                for &input in &inputs {
                    outputs.push(match &edge.kind {
                        EdgeKind::Catch { catcher, .. } => catch_output(state, *catcher, input),
                        _ => state_output(state, input, typed[id], results[id]),
                    });
                }
                let facts = &mut incoming[target];
                let before = facts.len();
                for &shape in &outputs {
                    let arriving = Incoming {
                        shape,
                        from: Some(id),
                    };
                    if !facts.contains(&arriving) {
                        facts.push(arriving);
                    }
                }
                if facts.len() > MAX_SHAPES {
                    // Too many to reason about: Unknown, which no rule fires on.
                    *facts = vec![Incoming {
                        shape: Shape::Unknown,
                        from: None,
                    }];
                    collapsed[target] = true;
                }
                if facts.len() != before && !queued[target] {
                    queued[target] = true;
                    work.push(target);
                }
            }
        }
        DataFlow { incoming, tasks }
    }

    /// A Task's `Resource`, parsed; `None` for other states and a Resource that is not a string.
    pub fn resource(&self, id: StateId) -> Option<&Resource> {
        self.tasks.get(id)?.as_ref().map(|(r, _)| r)
    }

    /// The integration a Task calls, when the data knows it.
    pub fn call(&self, id: StateId) -> Option<integrations::Call> {
        self.tasks.get(id)?.as_ref()?.1
    }

    /// The shape of the result a Task's integration returns, when the data describes it (see
    /// `call_result`).
    pub fn result(&self, id: StateId) -> Option<integrations::Shape<'static>> {
        call_result(self.tasks.get(id)?)
    }

    /// Every shape arriving at the state, with the state it comes from. Empty when unreachable.
    pub fn incoming(&self, id: StateId) -> &[Incoming] {
        &self.incoming[id]
    }

    /// The shapes arriving at `id` if there are some and every one satisfies `all`.
    pub fn every_incoming(&self, id: StateId, all: impl Fn(Shape) -> bool) -> Option<&[Incoming]> {
        let facts = &self.incoming[id];
        (!facts.is_empty() && facts.iter().all(|i| all(i.shape))).then_some(facts)
    }
}

fn dedup(shapes: impl Iterator<Item = Shape>) -> Vec<Shape> {
    let mut out: Vec<Shape> = Vec::new();
    for s in shapes {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// What a state passes on its normal transitions, given the shape of its raw input (and for
/// a Task, its untyped result).
fn state_output(state: &State, input: Shape, typed: bool, task_result: Shape) -> Shape {
    let Some(ty) = state.ty else {
        return Shape::Unknown;
    };
    if state.query_language == QueryLanguage::Jsonata {
        return match state.get("Output") {
            Some(output) => literal_shape(output),
            None => match ty {
                StateType::Parallel | StateType::Map => Shape::Array { producer: state.id },
                StateType::Task if typed => Shape::TaskOutput { task: state.id },
                StateType::Task => task_result,
                _ => input,
            },
        };
    }
    let effective = path_select(state.get("InputPath"), input);
    let output = match ty {
        StateType::Choice | StateType::Wait | StateType::Succeed | StateType::Fail => effective,
        StateType::Pass => {
            let result = if let Some(result) = state.get("Result") {
                literal_shape(result)
            } else if state.get("Parameters").is_some() {
                Shape::Object
            } else {
                effective
            };
            place_result(state.get("ResultPath"), effective, result)
        }
        StateType::Task if typed => return Shape::TaskOutput { task: state.id },
        StateType::Task | StateType::Parallel | StateType::Map => {
            let raw = match ty {
                StateType::Task => task_result,
                _ => Shape::Array { producer: state.id },
            };
            let result = if state.get("ResultSelector").is_some() {
                Shape::Object
            } else {
                raw
            };
            place_result(state.get("ResultPath"), effective, result)
        }
    };
    path_select(state.get("OutputPath"), output)
}

/// What a Catcher delivers to its `Next`, given the failing state's raw input.
fn catch_output(state: &State, catcher: usize, input: Shape) -> Shape {
    let Some(node) = state.catchers().get(catcher) else {
        return Shape::Unknown;
    };
    let error = Shape::ErrorOutput {
        state: state.id,
        catcher,
    };
    if state.query_language == QueryLanguage::Jsonata {
        return match node.get("Output") {
            Some(output) => literal_shape(output),
            None => error,
        };
    }
    place_result(node.get("ResultPath"), input, error)
}

/// `InputPath` / `OutputPath`: absent or `$` keeps the shape; `null` gives `{}`.
fn path_select(path: Option<&Node>, shape: Shape) -> Shape {
    match path {
        None => shape,
        Some(p) if p.is_null() => Shape::Object,
        Some(p) if p.as_str() == Some("$") => shape,
        Some(_) => Shape::Unknown,
    }
}

/// `ResultPath`: absent or `$` replaces the input; `null` keeps it; `$.x` merges into it.
fn place_result(path: Option<&Node>, input: Shape, result: Shape) -> Shape {
    match path {
        None => result,
        Some(p) if p.is_null() => input,
        Some(p) if p.as_str() == Some("$") => result,
        Some(_) => match input {
            // Merging a field into an object keeps an object (the error object grows a field).
            Shape::Object | Shape::ErrorOutput { .. } | Shape::TaskOutput { .. } => Shape::Object,
            _ => Shape::Unknown,
        },
    }
}

fn task_result(task: &Option<(Resource, Option<integrations::Call>)>) -> Shape {
    match task {
        // The lambda:invoke integration wraps the function's output: {Payload, StatusCode, …}.
        Some((
            Resource::Integration {
                service,
                action,
                sdk: false,
                ..
            },
            _,
        )) if service == "lambda" && action == "invoke" => Shape::Object,
        _ => Shape::Unknown,
    }
}

/// Whether a Task's output is its integration's typed result (`result`), placed and selected
/// by simple paths: no ResultSelector (JSONPath), and ResultPath and OutputPath absent, `$`, or
/// plain walks to one field (`$.a.b`, `$['a'][0]`). JSONata Tasks without `Output` pass the
/// result.
fn typed_output(state: &State, result: Option<integrations::Shape<'static>>) -> bool {
    if !state.is(StateType::Task) || result.is_none() {
        return false;
    }
    if state.query_language == QueryLanguage::Jsonata {
        return state.get("Output").is_none();
    }
    if state.get("ResultSelector").is_some() {
        return false;
    }
    ["ResultPath", "OutputPath"].iter().all(|key| {
        state
            .get(key)
            .is_none_or(|node| node.as_str().and_then(simple_path).is_some())
    })
}

/// The shape of the result a Task's call returns: only for request/response, since a callback
/// returns what SendTaskSuccess sends and `.sync` what the finished job reports.
fn call_result(
    task: &Option<(Resource, Option<integrations::Call>)>,
) -> Option<integrations::Shape<'static>> {
    let (resource, call) = task.as_ref()?;
    if resource.pattern() != Some(crate::asl::resource::Pattern::RequestResponse) {
        return None;
    }
    call.as_ref()?.result()
}

/// One step of a simple path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step<'a> {
    Field(&'a str),
    Index,
}

/// The steps of a path that walks plainly to one node of the data (`$`, `$.a.b`, `$['a'][0]`);
/// `None` for anything else (context paths, variables, filters, wildcards, functions).
pub fn simple_path(path: &str) -> Option<Vec<Step<'_>>> {
    path_steps(path).filter(|(_, whole)| *whole).map(|(s, _)| s)
}

/// The plain steps a data path starts with, and whether they are the whole path.
pub fn path_steps(path: &str) -> Option<(Vec<Step<'_>>, bool)> {
    let rest = path.trim_end().strip_prefix('$')?;
    if rest.starts_with('$') || rest.chars().next().is_some_and(|c| c != '.' && c != '[') {
        return None;
    }
    let mut steps = Vec::new();
    let mut rest = rest;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('.') {
            if after.starts_with(['.', '[', '*']) || after.is_empty() {
                return Some((steps, false));
            }
            let end = after.find(['.', '[', '(']).unwrap_or(after.len());
            if after[end..].starts_with('(') {
                return Some((steps, false));
            }
            steps.push(Step::Field(&after[..end]));
            rest = &after[end..];
        } else if let Some(after) = rest.strip_prefix('[') {
            let inside = after.trim_start();
            let quoted = inside.chars().next().filter(|c| *c == '\'' || *c == '"');
            if let Some(q) = quoted {
                let body = &inside[1..];
                let Some(end) = body.find(q) else {
                    return Some((steps, false));
                };
                let Some(tail) = body[end + 1..].trim_start().strip_prefix(']') else {
                    return Some((steps, false));
                };
                steps.push(Step::Field(&body[..end]));
                rest = tail;
            } else {
                let Some(end) = inside.find(']') else {
                    return Some((steps, false));
                };
                let index = inside[..end].trim();
                if index.is_empty() || !index.bytes().all(|b| b.is_ascii_digit()) {
                    return Some((steps, false));
                }
                steps.push(Step::Index);
                rest = &inside[end + 1..];
            }
        } else {
            return Some((steps, false));
        }
    }
    Some((steps, true))
}

/// A literal Result/Output: an object stays an object; anything else is not modelled.
fn literal_shape(node: &Node) -> Shape {
    match node.value {
        Value::Object(_) => Shape::Object,
        _ => Shape::Unknown,
    }
}

/// The fields of its input that a state reads.
pub fn reads(state: &State) -> Vec<Read> {
    let mut out = Vec::new();
    if state.query_language == QueryLanguage::Jsonata {
        jsonata_reads(state, &mut out);
        return out;
    }
    // With an InputPath other than `$`, everything else reads the selection, not the input.
    if let Some(input_path) = state.get("InputPath") {
        if let Some(path) = input_path.as_str() {
            if path != "$" {
                push_path_read(path, input_path.span, &mut out);
                return out;
            }
        }
    }
    for key in [
        "ItemsPath",
        "SecondsPath",
        "TimestampPath",
        "TimeoutSecondsPath",
        "HeartbeatSecondsPath",
        "MaxConcurrencyPath",
        "ToleratedFailureCountPath",
        "ToleratedFailurePercentagePath",
        "ErrorPath",
        "CausePath",
    ] {
        if let Some(node) = state.get(key) {
            if let Some(text) = node.as_str() {
                push_value_reads(text, node.span, &mut out);
            }
        }
    }
    for (field, template) in state.payload_templates() {
        // ResultSelector reads the result, not the input.
        if field == "ResultSelector" {
            continue;
        }
        for node in descendants(template) {
            let Some(members) = node.as_object() else {
                continue;
            };
            for m in members {
                if m.key.ends_with(".$") {
                    if let Some(text) = m.value.as_str() {
                        push_value_reads(text, m.value.span, &mut out);
                    }
                }
            }
        }
    }
    for rule in state.choice_rules() {
        let Some(members) = rule.node.as_object() else {
            continue;
        };
        for m in members {
            if m.key == "Variable" || (m.key.ends_with("Path") && m.key != "ResultPath") {
                if let Some(text) = m.value.as_str() {
                    push_value_reads(text, m.value.span, &mut out);
                }
            }
        }
    }
    out
}

/// A `.$`-style value: a path, or an intrinsic whose path arguments are reads.
fn push_value_reads(text: &str, span: Span, out: &mut Vec<Read>) {
    if text.starts_with('$') {
        push_path_read(text, span, out);
        return;
    }
    let Ok(call) = intrinsic::parse(text) else {
        return;
    };
    let mut stack = vec![call];
    while let Some(call) = stack.pop() {
        for arg in call.args {
            match arg.value {
                ArgValue::Path(_) => push_path_read(&text[arg.range.clone()], span, out),
                ArgValue::Call(inner) => stack.push(inner),
                _ => {}
            }
        }
    }
}

/// Records a read of the state input (`$…`; not `$$` context paths or `$var` variables).
fn push_path_read(path: &str, span: Span, out: &mut Vec<Read>) {
    let Some(rest) = path.strip_prefix('$') else {
        return;
    };
    let access = match rest.as_bytes().first() {
        None => Access::Other,
        Some(b'.') => {
            let after = &rest[1..];
            match after.as_bytes().first() {
                Some(b'.') | Some(b'*') | None => Access::Other,
                Some(b'[') => bracket_access(&after[1..]),
                Some(_) => {
                    let end = after.find(['.', '[']).unwrap_or(after.len());
                    Access::Member(after[..end].trim_end().to_string())
                }
            }
        }
        Some(b'[') => bracket_access(&rest[1..]),
        // `$$…` is the context object and `$name…` a variable: not the input.
        Some(_) => return,
    };
    out.push(Read {
        access,
        span,
        path: path.to_string(),
    });
}

/// The access made by a bracket selector, given the text after `[`.
fn bracket_access(inside: &str) -> Access {
    let inside = inside.trim_start();
    for quote in ['\'', '"'] {
        if let Some(body) = inside.strip_prefix(quote) {
            if let Some(end) = body.find(quote) {
                let after = body[end + 1..].trim_start();
                // A single quoted name; a union like ['a','b'] names several.
                if after.starts_with(']') {
                    return Access::Member(body[..end].to_string());
                }
            }
            return Access::Other;
        }
    }
    Access::Element
}

/// `$states.input.name…` references inside the `{% %}` expressions of a JSONata state.
fn jsonata_reads(state: &State, out: &mut Vec<Read>) {
    const MARKER: &str = "$states.input";
    let Some(members) = state.node.as_object() else {
        return;
    };
    for m in members {
        // A Catcher's Output sees the error, and `Catch`/`Retry` hold no reads of the input.
        if matches!(
            m.key.as_str(),
            "Catch" | "Retry" | "Type" | "Comment" | "Next" | "End" | "Resource"
        ) {
            continue;
        }
        for node in descendants(&m.value) {
            let Some(text) = node.as_str() else { continue };
            if !(text.trim_start().starts_with("{%") && text.contains(MARKER)) {
                continue;
            }
            let mut rest = text;
            while let Some(at) = rest.find(MARKER) {
                let after = &rest[at + MARKER.len()..];
                let access = match after.as_bytes().first() {
                    Some(b'.') => {
                        let name: String = after[1..]
                            .chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_')
                            .collect();
                        if name.is_empty() {
                            Access::Other
                        } else {
                            Access::Member(name)
                        }
                    }
                    Some(b'[') => Access::Element,
                    _ => Access::Other,
                };
                let end = at + MARKER.len();
                let path = match &access {
                    Access::Member(name) => format!("{MARKER}.{name}"),
                    _ => MARKER.to_string(),
                };
                out.push(Read {
                    access,
                    span: node.span,
                    path,
                });
                rest = &rest[end..];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::json;

    fn flow_of(text: &str) -> (Vec<String>, Vec<Vec<Shape>>) {
        let doc = json::parse(text).unwrap();
        let machine = Machine::build(&doc.root);
        let graph = StateGraph::build(&machine);
        let flow = DataFlow::build(&machine, &graph);
        let names = machine.states.iter().map(|s| s.name.to_string()).collect();
        let shapes = (0..machine.states.len())
            .map(|i| dedup(flow.incoming(i).iter().map(|f| f.shape)))
            .collect();
        (names, shapes)
    }

    fn shapes_at(text: &str, name: &str) -> Vec<Shape> {
        let (names, shapes) = flow_of(text);
        let i = names.iter().position(|n| n == name).unwrap();
        shapes[i].clone()
    }

    const TASK: &str = r#""Type": "Task", "Resource": "arn:aws:states:::lambda:invoke""#;

    #[test]
    fn catch_without_result_path_delivers_the_error_output() {
        let text = format!(
            r#"{{"StartAt": "A", "States": {{
                "A": {{{TASK}, "End": true, "Catch": [{{"ErrorEquals": ["States.ALL"], "Next": "H"}}]}},
                "H": {{"Type": "Pass", "Next": "P"}},
                "P": {{"Type": "Pass", "Parameters": {{"x": 1}}, "Next": "Z"}},
                "Z": {{"Type": "Succeed"}}}}}}"#
        );
        assert_eq!(
            shapes_at(&text, "H"),
            [Shape::ErrorOutput {
                state: 0,
                catcher: 0
            }]
        );
        // A Pass without Parameters passes the error object on; with Parameters it builds an object.
        assert_eq!(
            shapes_at(&text, "P"),
            [Shape::ErrorOutput {
                state: 0,
                catcher: 0
            }]
        );
        assert_eq!(shapes_at(&text, "Z"), [Shape::Object]);
    }

    #[test]
    fn catch_result_path_keeps_or_merges_the_input() {
        for (result_path, expected) in [
            (r#", "ResultPath": "$.error""#, Shape::Unknown),
            (r#", "ResultPath": null"#, Shape::Unknown),
            (
                r#", "ResultPath": "$""#,
                Shape::ErrorOutput {
                    state: 0,
                    catcher: 0,
                },
            ),
        ] {
            let text = format!(
                r#"{{"StartAt": "A", "States": {{
                    "A": {{{TASK}, "End": true, "Catch": [{{"ErrorEquals": ["States.ALL"]{result_path}, "Next": "H"}}]}},
                    "H": {{"Type": "Succeed"}}}}}}"#
            );
            // The start input is Unknown, so merging into it stays Unknown.
            assert_eq!(shapes_at(&text, "H"), [expected], "{result_path}");
        }
    }

    #[test]
    fn parallel_output_is_an_array_until_reshaped() {
        let parallel = |extra: &str| {
            format!(
                r#"{{"StartAt": "P", "States": {{
                    "P": {{"Type": "Parallel", "Next": "N"{extra}, "Branches": [
                        {{"StartAt": "B", "States": {{"B": {{"Type": "Pass", "End": true}}}}}}]}},
                    "N": {{"Type": "Succeed"}}}}}}"#
            )
        };
        assert_eq!(
            shapes_at(&parallel(""), "N"),
            [Shape::Array { producer: 0 }]
        );
        assert_eq!(
            shapes_at(&parallel(r#", "ResultSelector": {"a.$": "$[0]"}"#), "N"),
            [Shape::Object]
        );
        assert_eq!(
            shapes_at(&parallel(r#", "ResultPath": "$.results""#), "N"),
            [Shape::Unknown]
        );
        assert_eq!(
            shapes_at(&parallel(r#", "OutputPath": "$[0]""#), "N"),
            [Shape::Unknown]
        );
        assert_eq!(
            shapes_at(&parallel(r#", "ResultPath": null"#), "N"),
            [Shape::Unknown]
        );
        assert_eq!(
            shapes_at(&parallel(r#", "OutputPath": null"#), "N"),
            [Shape::Object]
        );
    }

    #[test]
    fn joins_keep_every_incoming_shape() {
        let text = format!(
            r#"{{"StartAt": "A", "States": {{
                "A": {{{TASK}, "Next": "H", "Catch": [{{"ErrorEquals": ["States.ALL"], "Next": "H"}}]}},
                "H": {{"Type": "Succeed"}}}}}}"#
        );
        let mut shapes = shapes_at(&text, "H");
        shapes.sort_by_key(|s| format!("{s:?}"));
        assert_eq!(
            shapes,
            [
                Shape::ErrorOutput {
                    state: 0,
                    catcher: 0
                },
                Shape::TaskOutput { task: 0 }
            ]
        );
    }

    #[test]
    fn jsonata_output_and_error_output() {
        let text = r#"{"StartAt": "A", "QueryLanguage": "JSONata", "States": {
            "A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "B",
                  "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "H"},
                            {"ErrorEquals": ["X"], "Output": "{% $states.input %}", "Next": "B"}]},
            "H": {"Type": "Succeed"},
            "B": {"Type": "Map", "Next": "C", "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Succeed"}}}},
            "C": {"Type": "Succeed"}}}"#;
        assert_eq!(
            shapes_at(text, "H"),
            [Shape::ErrorOutput {
                state: 0,
                catcher: 0
            }]
        );
        assert_eq!(shapes_at(text, "C"), [Shape::Array { producer: 2 }]);
        let mut b = shapes_at(text, "B");
        b.sort_by_key(|s| format!("{s:?}"));
        assert_eq!(b, [Shape::TaskOutput { task: 0 }, Shape::Unknown]);
    }

    #[test]
    fn loops_reach_a_fixed_point_and_big_joins_collapse() {
        let mut states = String::new();
        for i in 0..40 {
            states.push_str(&format!(
                r#""T{i}": {{{TASK}, "Next": "T{}", "Catch": [{{"ErrorEquals": ["States.ALL"], "Next": "H"}}]}},"#,
                i + 1
            ));
        }
        let text = format!(
            r#"{{"StartAt": "T0", "States": {{{states} "T40": {{"Type": "Pass", "Next": "T0"}}, "H": {{"Type": "Succeed"}}}}}}"#
        );
        assert_eq!(shapes_at(&text, "H"), [Shape::Unknown]);
        let mut t0 = shapes_at(&text, "T0");
        t0.sort_by_key(|s| format!("{s:?}"));
        assert_eq!(t0, [Shape::TaskOutput { task: 39 }, Shape::Unknown]);
    }

    #[test]
    fn typed_results_flow_through_simple_paths_only() {
        let at_next = |fields: &str| {
            let text = format!(
                r#"{{"StartAt": "A", "States": {{
                    "A": {{"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:getObject"{fields}, "Next": "B"}},
                    "B": {{"Type": "Succeed"}}}}}}"#
            );
            shapes_at(&text, "B")
        };
        let typed = [Shape::TaskOutput { task: 0 }];
        assert_eq!(at_next(""), typed);
        assert_eq!(
            at_next(r#", "ResultPath": "$.object", "OutputPath": "$.object.Body""#),
            typed
        );
        assert_eq!(at_next(r#", "ResultPath": "$['o'][0]""#), typed);
        assert_eq!(
            at_next(r#", "ResultSelector": {"b.$": "$.Body"}"#),
            [Shape::Object]
        );
        assert_eq!(at_next(r#", "OutputPath": "$..Body""#), [Shape::Unknown]);
        assert_eq!(at_next(r#", "ResultPath": null"#), [Shape::Unknown]);
    }

    #[test]
    fn path_steps_stop_at_anything_but_a_plain_walk() {
        let field = Step::Field;
        assert_eq!(simple_path("$"), Some(vec![]));
        assert_eq!(
            simple_path("$.a['b c'][0].d"),
            Some(vec![field("a"), field("b c"), Step::Index, field("d")])
        );
        assert_eq!(simple_path("$.a[*].b"), None);
        assert_eq!(path_steps("$.a[*].b"), Some((vec![field("a")], false)));
        assert_eq!(
            path_steps("$.items.length()"),
            Some((vec![field("items")], false))
        );
        assert_eq!(path_steps("$$.Execution.Id"), None);
        assert_eq!(path_steps("$var.x"), None);
    }

    fn reads_of(state_json: &str) -> Vec<(Access, String)> {
        let text = format!(r#"{{"StartAt": "S", "States": {{"S": {state_json}}}}}"#);
        let doc = json::parse(&text).unwrap();
        let machine = Machine::build(&doc.root);
        reads(&machine.states[0])
            .into_iter()
            .map(|r| (r.access, r.path))
            .collect()
    }

    #[test]
    fn reads_cover_templates_intrinsics_and_choice_rules() {
        let member = |s: &str| Access::Member(s.to_string());
        let got = reads_of(
            r#"{"Type": "Task", "Resource": "r", "End": true,
                "Parameters": {"a.$": "$.orderId", "n": {"b.$": "States.Format('{}', $['cust'].id)"}, "c.$": "$$.Execution.Id", "d.$": "$v.x", "e": "$.literal"},
                "ResultSelector": {"r.$": "$.Payload"}}"#,
        );
        assert_eq!(
            got,
            [
                (member("orderId"), "$.orderId".into()),
                (member("cust"), "$['cust'].id".into())
            ]
        );
        let got = reads_of(
            r#"{"Type": "Choice", "Choices": [{"Not": {"Variable": "$[0].x", "IsPresent": true}, "Next": "S"},
                {"Variable": "$", "StringEqualsPath": "$.Error", "Next": "S"}], "Default": "S"}"#,
        );
        assert_eq!(
            got,
            [
                (Access::Element, "$[0].x".into()),
                (Access::Other, "$".into()),
                (member("Error"), "$.Error".into())
            ]
        );
        let got = reads_of(
            r#"{"Type": "Pass", "InputPath": "$.order", "Parameters": {"x.$": "$.y"}, "End": true}"#,
        );
        assert_eq!(got, [(member("order"), "$.order".into())]);
        let got = reads_of(r#"{"Type": "Wait", "SecondsPath": "$.[0].delay", "Next": "S"}"#);
        assert_eq!(got, [(Access::Element, "$.[0].delay".into())]);
    }

    #[test]
    fn jsonata_reads_find_states_input_members() {
        let text = r#"{"StartAt": "S", "QueryLanguage": "JSONata", "States": {"S": {"Type": "Task", "Resource": "r", "End": true,
            "Arguments": {"id": "{% $states.input.orderId & $states.input.Error %}", "all": "{% $states.input %}"},
            "Catch": [{"ErrorEquals": ["States.ALL"], "Output": "{% $states.input.kept %}", "Next": "S"}]}}}"#;
        let doc = json::parse(text).unwrap();
        let machine = Machine::build(&doc.root);
        let got: Vec<(Access, String)> = reads(&machine.states[0])
            .into_iter()
            .map(|r| (r.access, r.path))
            .collect();
        assert_eq!(
            got,
            [
                (
                    Access::Member("orderId".into()),
                    "$states.input.orderId".into()
                ),
                (Access::Member("Error".into()), "$states.input.Error".into()),
                (Access::Other, "$states.input".into()),
            ]
        );
    }
}
