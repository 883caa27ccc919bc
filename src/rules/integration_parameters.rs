use super::{rule_doc, Category, Context, FixSpec, Rule};
use crate::asl::integrations::{Call, Kind, Parameters, Shape};
use crate::diagnostic::{Applicability, Finding, Fix, Severity};
use crate::document::{Member, Node, Value};
use crate::edits;
use crate::model::{QueryLanguage, State, StateType};
use crate::placeholder;
use crate::quote::abbreviate;
use crate::suggest::did_you_mean;

pub static RULE: Rule = Rule {
    id: "integration-parameters",
    severity: Severity::Error,
    category: Category::Correctness,
    summary: "A Task's Parameters or Arguments name a field the API does not have, miss a required one, or give a value of the wrong type",
    doc: rule_doc!("integration-parameters"),
    check: Some(check),
    fix: Some(FixSpec {
        summary: "rename a field written in the wrong case (e.g. \"bucket\" → \"Bucket\")",
        applicability: Applicability::Safe,
    }),
};

/// Deepest nesting of parameters followed; the document's own depth is bounded too.
const MAX_DEPTH: usize = 32;

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for state in cx.states() {
        if !state.is(StateType::Task) {
            continue;
        }
        let Some(call) = cx.flow.call(state.id) else {
            continue;
        };
        let Some(params) = call.parameters() else {
            continue;
        };
        let jsonata = state.query_language == QueryLanguage::Jsonata;
        let field = if jsonata { "Arguments" } else { "Parameters" };
        let Some(member) = state.member(field) else {
            continue;
        };
        // A whole Parameters or Arguments computed at run time is unknown: nothing to check.
        if member.value.as_object().is_none() || unknown(cx, &member.value, jsonata) {
            continue;
        }
        let checker = Checker {
            cx,
            state,
            call: &call,
            params,
            jsonata,
        };
        checker.object(
            member,
            &member.value,
            params.shape,
            &Trail::Field(field),
            0,
            out,
        );
    }
}

/// A value decided at run time or at deployment: a JSONata expression, a template
/// placeholder, or a CloudFormation function (`{"Ref": …}`, `{"Fn::…": …}`).
fn unknown(cx: &Context, node: &Node, jsonata: bool) -> bool {
    match &node.value {
        Value::String(s) => {
            (jsonata && s.trim_start().starts_with("{%")) || (cx.template && placeholder::has(s))
        }
        Value::Object(members) => {
            cx.template
                && members.len() == 1
                && (members[0].key == "Ref" || members[0].key.starts_with("Fn::"))
        }
        _ => false,
    }
}

struct Checker<'a, 'c, 'd> {
    cx: &'a Context<'c, 'd>,
    state: &'a State<'d>,
    call: &'a Call,
    params: Parameters,
    jsonata: bool,
}

impl Checker<'_, '_, '_> {
    /// The members of `object` against structure `shape`; `owner` is the member holding it.
    fn object(
        &self,
        owner: &Member,
        object: &Node,
        shape: Shape<'static>,
        path: &Trail,
        depth: usize,
        out: &mut Vec<Finding>,
    ) {
        let Some(members) = object.as_object() else {
            return;
        };
        // All of them only for a key that is none of them (a finding's suggestions).
        let mut all: Option<Vec<_>> = None;
        let state = abbreviate(self.state.name);
        let call = Described(self.call);
        let mut present: Vec<&str> = Vec::new();
        for member in members {
            let (key, dynamic) = match member.key.strip_suffix(".$") {
                Some(key) if !self.jsonata => (key, true),
                _ => (member.key.as_str(), false),
            };
            if self.cx.template && placeholder::has(key) {
                return;
            }
            present.push(key);
            if let Some(field) = shape.field(key, false) {
                if !dynamic && !unknown(self.cx, &member.value, self.jsonata) {
                    self.value(
                        member,
                        &member.value,
                        field,
                        &Trail::Key(path, key),
                        depth + 1,
                        out,
                    );
                }
                continue;
            }
            let expected = all.get_or_insert_with(|| shape.members().collect());
            let lower = key.to_lowercase();
            // The same name in another case: the forms it may be written in.
            let mut forms: Vec<&str> = Vec::new();
            for m in expected.iter() {
                let name = m.name.to_lowercase();
                // `Equals` is written `EqualsValue` (the guide's rule for reserved words).
                let renamed = name.strip_suffix("value") == Some(lower.as_str());
                let form = if name == lower || renamed {
                    Some(m.name)
                } else if m.other_name.is_some_and(|o| o.to_lowercase() == lower) {
                    // `equals` is written `EqualsValue` (the guide's rule for reserved words).
                    Some(if m.name.ends_with("Value") {
                        m.name
                    } else {
                        m.other_name.unwrap_or(m.name)
                    })
                } else {
                    None
                };
                if let Some(form) = form.filter(|f| !forms.contains(f)) {
                    forms.push(form);
                }
            }
            let span = member.key_span;
            if !forms.is_empty() {
                let written = forms
                    .iter()
                    .map(|f| format!("\"{f}\""))
                    .collect::<Vec<_>>()
                    .join(" or ");
                let mut finding = Finding::new(
                    span,
                    format!(
                        "state '{state}': {call} has no field \"{}\" in {path}; it is written {written}",
                        abbreviate(key)
                    ),
                )
                .state(self.state.name)
                .help(if forms.iter().any(|f| f.len() == key.len() + 5 && f.ends_with("Value")) {
                    "Step Functions writes a field named Equals as EqualsValue (the AWS SDK integrations' naming rules)"
                } else {
                    "Step Functions writes the API's parameters in PascalCase, even where the API itself uses camelCase"
                });
                // Written, if in the wrong case: not also reported as missing.
                present.extend(forms.iter().copied());
                if let [right] = forms[..] {
                    let suffix = if dynamic { ".$" } else { "" };
                    if let Some(edit) = edits::rename_key(member, &format!("{right}{suffix}")) {
                        finding = finding.fix(Fix::safe(
                            format!(
                                "rename \"{}\" to \"{right}{suffix}\"",
                                abbreviate(&member.key)
                            ),
                            vec![edit],
                        ));
                    }
                }
                out.push(finding);
                continue;
            }
            let names: Vec<&str> = expected.iter().map(|m| m.name).collect();
            let help = match did_you_mean(key, names.iter().copied()) {
                Some(close) => format!("did you mean \"{close}\"?"),
                None => format!("its fields are: {}", list(&names)),
            };
            out.push(
                Finding::new(
                    span,
                    format!(
                        "state '{state}': {call} has no field \"{}\" in {path}",
                        abbreviate(key)
                    ),
                )
                .state(self.state.name)
                .help(help),
            );
        }
        let missing: Vec<&str> = shape.missing(&present).collect();
        if !missing.is_empty() {
            let (noun, verb) = if missing.len() == 1 {
                ("field", "is")
            } else {
                ("fields", "are")
            };
            out.push(
                Finding::new(
                    owner.key_span,
                    format!(
                        "state '{state}': {call} needs the {noun} {} in {path}, which {verb} missing",
                        missing
                            .iter()
                            .map(|m| format!("\"{m}\""))
                            .collect::<Vec<_>>()
                            .join(", "),
                    ),
                )
                .state(self.state.name)
                .help(if self.jsonata {
                    "add it to Arguments; the call fails at run time without it"
                } else {
                    "add it to Parameters (with a \".$\" key to take it from the input); the call fails at run time without it"
                }),
            );
        }
    }

    /// A literal value against `shape`.
    fn value(
        &self,
        owner: &Member,
        node: &Node,
        shape: Shape<'static>,
        path: &Trail,
        depth: usize,
        out: &mut Vec<Finding>,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        let wrong = |expects: &str| -> Finding {
            Finding::new(
                node.span,
                format!(
                    "state '{}': {} expects {expects} for {path}, not {}",
                    abbreviate(self.state.name),
                    self.call.describe(),
                    node.kind()
                ),
            )
            .state(self.state.name)
        };
        let typed = self.params.typed;
        match (shape.kind(), &node.value) {
            (Kind::Any | Kind::Blob, _) => {}
            (Kind::Structure, Value::Object(_)) => {
                self.object(owner, node, shape, path, depth, out)
            }
            (Kind::Map, Value::Object(members)) => {
                let Some(element) = shape.element() else {
                    return;
                };
                for m in members {
                    let (key, dynamic) = match m.key.strip_suffix(".$") {
                        Some(key) if !self.jsonata => (key, true),
                        _ => (m.key.as_str(), false),
                    };
                    if !dynamic && !unknown(self.cx, &m.value, self.jsonata) {
                        self.value(m, &m.value, element, &Trail::Key(path, key), depth + 1, out);
                    }
                }
            }
            (Kind::List, Value::Array(items)) => {
                let Some(element) = shape.element() else {
                    return;
                };
                for (i, item) in items.iter().enumerate() {
                    if !unknown(self.cx, item, self.jsonata) {
                        self.value(owner, item, element, &Trail::Index(path, i), depth + 1, out);
                    }
                }
            }
            // Only mismatches no conversion can bridge: Step Functions turns an object given
            // for a string into JSON text, and may convert scalars.
            (Kind::Structure | Kind::Map, Value::Array(_)) if typed => out.push(wrong("an object")),
            (Kind::List, Value::Object(_)) if typed => out.push(wrong("an array")),
            (Kind::Enum, Value::String(s)) if typed => {
                if shape.has_value(s) != Some(false) {
                    return;
                }
                let values: Vec<&str> = shape.values().collect();
                if self.cx.template && placeholder::has(s) {
                    return;
                }
                let help = match values.iter().find(|v| v.eq_ignore_ascii_case(s)) {
                    Some(v) => format!("the values are case-sensitive: \"{v}\""),
                    None => format!("its values are: {}", list(&values)),
                };
                out.push(
                    Finding::new(
                        node.span,
                        format!(
                            "state '{}': \"{}\" is not a value {} accepts for {path}",
                            abbreviate(self.state.name),
                            abbreviate(s),
                            self.call.describe()
                        ),
                    )
                    .state(self.state.name)
                    .help(help),
                );
            }
            _ => {}
        }
    }
}

/// Where a value sits below Parameters or Arguments (`Parameters.Key.id`), written out only
/// when a message needs it.
enum Trail<'a> {
    Field(&'a str),
    Key(&'a Trail<'a>, &'a str),
    Index(&'a Trail<'a>, usize),
}

impl std::fmt::Display for Trail<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Trail::Field(name) => f.write_str(name),
            Trail::Key(parent, key) => write!(f, "{parent}.{key}"),
            Trail::Index(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

/// A call as messages name it, formatted only when a message is written.
struct Described<'a>(&'a Call);

impl std::fmt::Display for Described<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.describe())
    }
}

/// Names for a help line: all of them when few, else the first ones and a count.
fn list(names: &[&str]) -> String {
    const SHOWN: usize = 12;
    let mut out = names
        .iter()
        .take(SHOWN)
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > SHOWN {
        out.push_str(&format!(" and {} more", names.len() - SHOWN));
    }
    out
}
