use super::{rule_doc, Category, Context, Rule};
use crate::asl::integrations::{Kind, Shape};
use crate::dataflow::{self, path_steps, reads, simple_path, Incoming, Step};
use crate::diagnostic::{Finding, Severity};
use crate::document::descendants;
use crate::jsonata_sites::Owner;
use crate::model::{QueryLanguage, State, StateId, StateType};
use crate::quote::abbreviate;
use crate::source::Span;

pub static RULE: Rule = Rule {
    id: "integration-result-shape",
    severity: Severity::Warning,
    category: Category::Correctness,
    summary: "A path reads a field that the result of an integration Task does not have",
    doc: rule_doc!("integration-result-shape"),
    check: Some(check),
    fix: None,
};

/// What a path finds in a known result.
enum Found {
    /// A value of this shape.
    Value(Shape<'static>),
    /// Nothing the data can tell about.
    Unknown,
    /// `field` is not in `shape`.
    Missing {
        shape: Shape<'static>,
        field: String,
    },
}

/// Top-level fields of a result that API models do not list: the HTTP metadata Step Functions
/// adds to the responses of optimized integrations (`$.SdkHttpMetadata.HttpStatusCode`).
const METADATA: [&str; 2] = ["SdkHttpMetadata", "SdkResponseMetadata"];

/// Follows `steps` into `shape`.
fn resolve(mut shape: Shape<'static>, steps: &[Step]) -> Found {
    if matches!(steps.first(), Some(Step::Field(f)) if METADATA.contains(f)) {
        return Found::Unknown;
    }
    for step in steps {
        shape = match (shape.kind(), step) {
            (Kind::Structure, Step::Field(name)) => {
                // In any case: which of a field's forms (the Java SDK's, the API's,
                // camelCase) Step Functions returns is not settled for every API, so only a
                // name in no case is missing.
                match shape.field(name, true) {
                    Some(field) => field,
                    None => {
                        return Found::Missing {
                            shape,
                            field: name.to_string(),
                        }
                    }
                }
            }
            (Kind::Map, Step::Field(_)) | (Kind::List, Step::Index) => match shape.element() {
                Some(e) => e,
                None => return Found::Unknown,
            },
            (
                Kind::String
                | Kind::Enum
                | Kind::Integer
                | Kind::Number
                | Kind::Boolean
                | Kind::Timestamp,
                Step::Field(name),
            ) => {
                return Found::Missing {
                    shape,
                    field: name.to_string(),
                }
            }
            _ => return Found::Unknown,
        };
    }
    Found::Value(shape)
}

/// How Task `task`'s output relates to its result: the result's place (ResultPath) and the
/// part passed on (OutputPath), as steps.
struct View<'d> {
    task: StateId,
    result: Shape<'static>,
    placed_at: Vec<Step<'d>>,
    selected: Vec<Step<'d>>,
}

impl<'d> View<'d> {
    fn of(cx: &Context, state: &State<'d>) -> Option<View<'d>> {
        let result = cx.flow.result(state.id)?;
        let steps = |key: &str| -> Option<Vec<Step<'d>>> {
            if state.query_language == QueryLanguage::Jsonata {
                return Some(Vec::new());
            }
            match state.get(key) {
                None => Some(Vec::new()),
                Some(node) => simple_path(node.as_str()?),
            }
        };
        Some(View {
            task: state.id,
            result,
            placed_at: steps("ResultPath")?,
            selected: steps("OutputPath")?,
        })
    }

    /// Whether the whole output is a value the data leaves open (a Lambda function's Payload).
    fn open(&self) -> bool {
        matches!(self.find(&[], true), Found::Value(s) if matches!(s.kind(), Kind::Any | Kind::Blob))
    }

    /// What `steps` into the Task's output find (`from_output`), or into the value before
    /// OutputPath selects (for OutputPath itself).
    fn find(&self, steps: &[Step], from_output: bool) -> Found {
        let mut full: Vec<Step> = if from_output {
            self.selected.clone()
        } else {
            Vec::with_capacity(steps.len())
        };
        full.extend_from_slice(steps);
        match full.strip_prefix(self.placed_at.as_slice()) {
            Some(inside) => resolve(self.result, inside),
            // Another field of the input (or the object holding the result).
            None => Found::Unknown,
        }
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    // Reads of each Task's own result: ResultSelector, OutputPath, JSONata Output and Assign.
    for state in cx.states() {
        if !state.is(StateType::Task) {
            continue;
        }
        let Some(result) = cx.flow.result(state.id) else {
            continue;
        };
        own_reads(cx, state, result, out);
    }
    // Reads, in the next states, of a Task's output; each Task's view made once.
    let mut views_of: Vec<Option<Option<View>>> = Vec::new();
    for state in cx.states() {
        let incoming = cx.flow.incoming(state.id);
        if incoming.is_empty()
            || !incoming
                .iter()
                .all(|i| matches!(i.shape, dataflow::Shape::TaskOutput { .. }))
        {
            continue;
        }
        let tasks: Vec<StateId> = dedup_tasks(incoming);
        if views_of.is_empty() {
            views_of.resize_with(cx.machine.states.len(), || None);
        }
        for &t in &tasks {
            if views_of[t].is_none() {
                views_of[t] = Some(View::of(cx, cx.machine.state(t)));
            }
        }
        let views: Vec<&View> = tasks
            .iter()
            .filter_map(|&t| views_of[t].as_ref()?.as_ref())
            .collect();
        // Outputs that are wholly open (`"OutputPath": "$.Payload"` of lambda:invoke) can
        // never show a missing field: nothing to check.
        if views.len() != tasks.len() || views.iter().all(|v| v.open()) {
            continue;
        }
        for_each_input_read(cx, state, |steps, span, path| {
            report_missing(cx, state, &views, (steps, true), span, path, out);
        });
        if state.is(StateType::Choice) && state.query_language == QueryLanguage::JsonPath {
            compared_objects(cx, state, &views, out);
        }
    }
}

fn dedup_tasks(incoming: &[Incoming]) -> Vec<StateId> {
    let mut out = Vec::new();
    for i in incoming {
        if let dataflow::Shape::TaskOutput { task } = i.shape {
            if !out.contains(&task) {
                out.push(task);
            }
        }
    }
    out
}

/// Each read of the state's input: its steps, span and text.
fn for_each_input_read(cx: &Context, state: &State, mut each: impl FnMut(&[Step], Span, &str)) {
    if state.query_language == QueryLanguage::Jsonata {
        for site in cx.jsonata.of_state(state.id) {
            if matches!(site.location.owner, Owner::Catcher { .. }) {
                continue;
            }
            let Ok(expr) = &site.parsed else { continue };
            for access in &expr.names.states {
                if access.member.as_deref() != Some("input") || access.fields.is_empty() {
                    continue;
                }
                let steps: Vec<Step> = access.fields.iter().map(|(f, _)| Step::Field(f)).collect();
                let last = &access.fields[access.fields.len() - 1].1;
                let range = site.in_string(access.span.start..last.end);
                let path = &site.text()[access.span.start..last.end];
                each(&steps, cx.value_span(site.node, range), path);
            }
        }
        return;
    }
    for read in reads(state) {
        if let Some((steps, _)) = path_steps(&read.path) {
            each(&steps, read.span, &read.path);
        }
    }
}

/// Reports a read whose `steps` (into the Task's output, or before OutputPath selects) find
/// a missing field in every view.
fn report_missing<'d, V: std::borrow::Borrow<View<'d>>>(
    cx: &Context,
    state: &State,
    views: &[V],
    (steps, from_output): (&[Step], bool),
    span: Span,
    path: &str,
    out: &mut Vec<Finding>,
) {
    let mut first = None;
    for view in views {
        let view = view.borrow();
        match view.find(steps, from_output) {
            Found::Missing { .. } if first.is_some() => {}
            found @ Found::Missing { .. } => first = Some((view, found)),
            _ => return,
        }
    }
    let Some((view, Found::Missing { shape, field, .. })) = first else {
        return;
    };
    let task = cx.machine.state(view.task);
    let (what, help) = describe_missing(cx, task, shape, &field);
    let from = if task.id == state.id {
        "its own result".to_string()
    } else {
        format!("the output of '{}'", abbreviate(task.name))
    };
    out.push(
        Finding::new(
            span,
            format!(
                "state '{}' reads \"{}\", but {from} ({}) {what}",
                abbreviate(state.name),
                abbreviate(path),
                call_name(cx, task)
            ),
        )
        .state(state.name)
        .related(
            task.get("Resource").map_or(task.name_span, |r| r.span),
            "the integration whose result this is",
        )
        .help(help),
    );
}

fn call_name(cx: &Context, task: &State) -> String {
    cx.flow
        .call(task.id)
        .map_or_else(String::new, |c| c.describe())
}

/// Why a field is missing, and what to write instead.
fn describe_missing(
    cx: &Context,
    task: &State,
    shape: Shape<'static>,
    field: &str,
) -> (String, String) {
    let is_lambda = call_name(cx, task) == "lambda:invoke";
    let fields: Vec<&str> = shape.members().map(|m| m.name).collect();
    let field = abbreviate(field);
    match shape.kind() {
        Kind::Structure if fields.contains(&"S") && fields.contains(&"N") => (
            format!("holds a DynamoDB AttributeValue there, which has no field \"{field}\""),
            "DynamoDB values are typed: read the value's type key, e.g. .S for a string, .N for a number (as a string), .BOOL, .M, .L".to_string(),
        ),
        Kind::Structure if is_lambda => (
            format!("has no field \"{field}\": its fields are {}", fields.join(", ")),
            "the function's response is under Payload: read \"$.Payload.…\", or add \"OutputPath\": \"$.Payload\" (JSONata: \"Output\": \"{% $states.result.Payload %}\") to the Task".to_string(),
        ),
        Kind::Structure => (
            format!(
                "has no field \"{field}\" there: the fields are {}",
                shown(&fields)
            ),
            "check the field against the API's response in the service's API reference".to_string(),
        ),
        kind => (
            format!(
                "holds a {} there, which has no field \"{field}\"",
                match kind {
                    Kind::Integer | Kind::Number => "number",
                    Kind::Boolean => "boolean",
                    _ => "string",
                }
            ),
            "a JSON string is not parsed: use States.StringToJson (JSONata: $parse) first".to_string(),
        ),
    }
}

fn shown(fields: &[&str]) -> String {
    if fields.len() <= 12 {
        fields.join(", ")
    } else {
        format!(
            "{}, and {} more",
            fields[..12].join(", "),
            fields.len() - 12
        )
    }
}

/// ResultSelector and OutputPath (JSONPath), Output and Assign (JSONata) of a Task read its result.
fn own_reads(cx: &Context, state: &State, result: Shape<'static>, out: &mut Vec<Finding>) {
    let view = View {
        task: state.id,
        result,
        placed_at: Vec::new(),
        selected: Vec::new(),
    };
    let views = [view];
    if state.query_language == QueryLanguage::Jsonata {
        for site in cx.jsonata.of_state(state.id) {
            if site.location.owner != Owner::State
                || !matches!(site.location.field, "Output" | "Assign")
            {
                continue;
            }
            let Ok(expr) = &site.parsed else { continue };
            for access in &expr.names.states {
                if access.member.as_deref() != Some("result") || access.fields.is_empty() {
                    continue;
                }
                let steps: Vec<Step> = access.fields.iter().map(|(f, _)| Step::Field(f)).collect();
                let last = &access.fields[access.fields.len() - 1].1;
                let range = site.in_string(access.span.start..last.end);
                let path = &site.text()[access.span.start..last.end];
                let span = cx.value_span(site.node, range);
                report_missing(cx, state, &views, (&steps, true), span, path, out);
            }
        }
        return;
    }
    if let Some(selector) = state.get("ResultSelector") {
        for node in descendants(selector) {
            for m in node.as_object().unwrap_or(&[]) {
                if !m.key.ends_with(".$") {
                    continue;
                }
                let Some(text) = m.value.as_str() else {
                    continue;
                };
                if let Some((steps, _)) = path_steps(text) {
                    report_missing(cx, state, &views, (&steps, true), m.value.span, text, out);
                }
            }
        }
        return;
    }
    // Assign's `$` is the result too.
    if let Some(assign) = state.get("Assign") {
        for node in descendants(assign) {
            for m in node.as_object().unwrap_or(&[]) {
                let Some(text) = m.value.as_str().filter(|_| m.key.ends_with(".$")) else {
                    continue;
                };
                if let Some((steps, _)) = path_steps(text) {
                    report_missing(cx, state, &views, (&steps, true), m.value.span, text, out);
                }
            }
        }
    }
    // OutputPath selects from the result placed by ResultPath.
    let (Some(node), Some(own)) = (state.get("OutputPath"), View::of(cx, state)) else {
        return;
    };
    if let Some(steps) = node.as_str().and_then(simple_path) {
        let text = node.as_str().unwrap_or_default();
        report_missing(cx, state, &[own], (&steps, false), node.span, text, out);
    }
}

/// A Choice that compares a value which, in the result, is an object or an array.
fn compared_objects(cx: &Context, state: &State, views: &[&View], out: &mut Vec<Finding>) {
    for rule in state.choice_rules() {
        let Some(variable) = rule.node.get("Variable") else {
            continue;
        };
        let compares = rule.node.as_object().unwrap_or(&[]).iter().any(|m| {
            ["String", "Numeric", "Boolean", "Timestamp"]
                .iter()
                .any(|p| m.key.starts_with(p))
        });
        let Some(text) = variable.as_str() else {
            continue;
        };
        let Some(steps) = simple_path(text) else {
            continue;
        };
        if !compares {
            continue;
        }
        let mut shape = None;
        for view in views {
            match view.find(&steps, true) {
                Found::Value(s) if matches!(s.kind(), Kind::Structure | Kind::Map | Kind::List) => {
                    shape.get_or_insert((view, s));
                }
                _ => return,
            }
        }
        let Some((view, shape)) = shape else { continue };
        let task = cx.machine.state(view.task);
        let attribute = shape.field("S", false).is_some() && shape.field("N", false).is_some();
        let help = if attribute {
            format!("DynamoDB values are typed: compare \"{text}.S\" (a string) or \"{text}.N\" (a number, as a string)")
        } else {
            "compare one of its fields instead".to_string()
        };
        out.push(
            Finding::new(
                variable.span,
                format!(
                    "state '{}' compares \"{}\", which in the output of '{}' ({}) is {}, so the comparison never matches",
                    abbreviate(state.name),
                    abbreviate(text),
                    abbreviate(task.name),
                    call_name(cx, task),
                    if shape.kind() == Kind::List { "an array" } else { "an object" }
                ),
            )
            .state(state.name)
            .help(help),
        );
    }
}
