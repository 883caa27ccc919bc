//! `asl-lint graph`: a state machine as a picture, in Mermaid (GitHub and GitLab render it in
//! Markdown) or Graphviz DOT. States show their name and type; transitions are labelled by kind
//! (Next, the Choice rule's condition in short, Default, Catch with its error names, dashed);
//! Parallel branches and Map processors are nested subgraphs; each scope has a Start marker and,
//! when a state ends it with `"End": true`, an End marker; Succeed and Fail states have their
//! own colours; states with findings are coloured by the worst severity and list the rule ids.
//! A transition to a state that does not exist points at a red "missing" node.
//!
//! Node ids are generated (`s3`, `g1`), never taken from state names, so no name can collide
//! with a keyword of either language; names only appear in escaped, quoted labels.

use std::collections::BTreeMap;
use std::path::Path;

use crate::diagnostic::{Diagnostic, Severity};
use crate::document::{json, Document, Node, Value};
use crate::engine::Engine;
use crate::files::read_file;
use crate::graph::{EdgeKind, StateGraph};
use crate::model::{Machine, QueryLanguage, ScopeId, ScopeKind, State, StateType};
use crate::source::SourceFile;
use crate::template;

mod dot;
mod labels;
mod mermaid;

use labels::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Mermaid,
    Dot,
}

/// A state machine found in a file, with the findings that colour its states.
pub struct Drawable {
    /// The template resource (logical id) or Serverless machine; `None` for a definition file.
    pub machine: Option<String>,
    root: Node,
    diagnostics: Vec<Diagnostic>,
}

impl Drawable {
    pub fn render(&self, format: Format) -> String {
        let machine = Machine::build(&self.root);
        let graph = StateGraph::build(&machine);
        render(&machine, &graph, &self.diagnostics, format)
    }
}

/// The state machines in the file at `path`: the definition itself, or each machine a template
/// declares (inline, in a DefinitionString, or in a local DefinitionUri file), linted by the
/// engine for the colours (so a definition has its template's context, as in a lint).
/// Machines whose definition cannot be read are left out, and said so in `skipped`.
pub fn machines(
    engine: &Engine,
    path: &Path,
    bytes: Vec<u8>,
    skipped: &mut Vec<String>,
) -> Result<Vec<Drawable>, String> {
    let name = path.to_string_lossy();
    let name = name.as_ref();
    let text = String::from_utf8(bytes).map_err(|_| format!("{name} is not UTF-8 text"))?;
    let report = engine
        .lint_document(path, text.clone().into_bytes())
        .ok_or_else(|| format!("{name} holds no state machine"))?;
    if let Some(found) = template::terraform::drawable(name, &text) {
        let mut out = Vec::new();
        for (machine, root) in found {
            match root {
                Ok(root) => out.push(Drawable {
                    diagnostics: (report.diagnostics.iter())
                        .filter(|d| d.machine.as_deref() == Some(machine.as_str()))
                        .cloned()
                        .collect(),
                    machine: Some(machine),
                    root,
                }),
                Err(why) => skipped.push(format!("{name}: '{machine}' cannot be drawn: {why}")),
            }
        }
        return Ok(out);
    }
    let document = parse(name, &text)?;
    let root = &document.root;
    if Machine::looks_like_definition(root) {
        return Ok(vec![Drawable {
            machine: None,
            root: root.clone(),
            diagnostics: report.diagnostics,
        }]);
    }
    let Some(embedded) = template::find(root) else {
        return Err(format!(
            "{name} is neither a state machine definition (StartAt and States) nor a template that declares one"
        ));
    };
    let of = |machine: &str| -> Vec<Diagnostic> {
        report
            .diagnostics
            .iter()
            .filter(|d| d.machine.as_deref() == Some(machine))
            .cloned()
            .collect()
    };
    let mut out = Vec::new();
    for e in &embedded {
        let machine = Some(e.name.clone());
        match &e.definition {
            template::Definition::Object(definition) => out.push(Drawable {
                machine,
                root: template::resolve(definition, e, root),
                diagnostics: of(&e.name),
            }),
            template::Definition::Text { rebuilt, .. } => match json::parse(&rebuilt.text) {
                Ok(rebuilt) => out.push(Drawable {
                    machine,
                    root: rebuilt.root,
                    // Their spans point into the template; only states and rules are used.
                    diagnostics: of(&e.name),
                }),
                Err(err) => skipped.push(format!(
                    "{}: the DefinitionString of '{}' does not parse: {}",
                    name, e.name, err.message
                )),
            },
            template::Definition::File { path, .. } => {
                let base = Path::new(name).parent().unwrap_or(Path::new(""));
                let full = base.join(path);
                let shown = full.display().to_string();
                let bytes = match read_file(&full, engine.max_file_size()) {
                    Ok(bytes) => bytes,
                    Err(err) => {
                        skipped.push(format!(
                            "{name}: cannot read {shown} for '{}': {err}",
                            e.name
                        ));
                        continue;
                    }
                };
                let text = String::from_utf8_lossy(&bytes).into_owned();
                // Linted in every context its project gives it; this machine's are kept.
                let diagnostics = engine
                    .lint_document(&full, bytes)
                    .map(|r| r.diagnostics)
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|d| d.machine.as_deref().is_none_or(|m| m == e.name))
                    .collect();
                match parse(&shown, &text) {
                    Ok(document) => out.push(Drawable {
                        machine,
                        root: template::substitute_definition(&document.root, &e.substitutions),
                        diagnostics,
                    }),
                    Err(err) => skipped.push(err),
                }
            }
            template::Definition::Unavailable { reason, .. } => {
                skipped.push(format!("{name}: '{}' cannot be drawn: {reason}", e.name));
            }
        }
    }
    Ok(out)
}

fn parse(name: &str, text: &str) -> Result<Document, String> {
    crate::document::parse(name, text).map_err(|err| {
        let source = SourceFile::new(name, text.to_string());
        let at = source.line_col(err.span.start);
        format!("{name}:{}:{}: {}", at.line, at.column, err.message)
    })
}

/// Longest edge label before it is shortened with an ellipsis.
const LABEL_MAX: usize = 48;

/// Longest line of any label (state names are at most 80 characters in valid machines).
const TEXT_MAX: usize = 120;

/// Deepest And/Or/Not nesting spelled out in a condition label.
const CONDITION_DEPTH: usize = 3;

pub fn render(
    machine: &Machine,
    graph: &StateGraph,
    diagnostics: &[Diagnostic],
    format: Format,
) -> String {
    let model = Picture::build(machine, graph, diagnostics);
    match format {
        Format::Mermaid => model.mermaid(),
        Format::Dot => model.dot(),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    Task,
    Pass,
    Choice,
    Wait,
    Succeed,
    Fail,
    Parallel,
    Map,
    /// No or an unknown `Type`.
    Unknown,
    Start,
    End,
    /// A transition target that does not exist.
    Missing,
}

struct Vertex {
    id: String,
    /// Lines of the label, unescaped.
    lines: Vec<String>,
    shape: Shape,
    severity: Option<Severity>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Line {
    Solid,
    Dashed,
    /// Into a Parallel branch or Map processor.
    Entry,
}

struct Arrow {
    from: String,
    to: String,
    label: String,
    line: Line,
}

/// One scope: its vertices, then the scopes nested in it.
struct Group {
    id: String,
    title: String,
    vertices: Vec<Vertex>,
    children: Vec<Group>,
}

struct Picture {
    root: Group,
    arrows: Vec<Arrow>,
    /// Findings not about a state, by rule id.
    machine_findings: Vec<&'static str>,
}

fn state_id(id: usize) -> String {
    format!("s{id}")
}

impl Picture {
    fn build(machine: &Machine, graph: &StateGraph, diagnostics: &[Diagnostic]) -> Picture {
        // State name → (worst severity, rule ids); names may repeat across scopes, and a
        // duplicate name is itself a finding, so both states are marked.
        let mut marks: BTreeMap<&str, (Severity, Vec<&'static str>)> = BTreeMap::new();
        let mut machine_findings = Vec::new();
        for d in diagnostics {
            match &d.state {
                Some(state) => {
                    let mark = marks.entry(state).or_insert((d.severity, Vec::new()));
                    mark.0 = mark.0.max(d.severity);
                    if !mark.1.contains(&d.rule) {
                        mark.1.push(d.rule);
                    }
                }
                None if !machine_findings.contains(&d.rule) => machine_findings.push(d.rule),
                None => {}
            }
        }
        let mut arrows = Vec::new();
        let root = Self::group(machine, graph, 0, &marks, &mut arrows);
        Picture {
            root,
            arrows,
            machine_findings,
        }
    }

    fn group(
        machine: &Machine,
        graph: &StateGraph,
        scope_id: ScopeId,
        marks: &BTreeMap<&str, (Severity, Vec<&'static str>)>,
        arrows: &mut Vec<Arrow>,
    ) -> Group {
        let scope = machine.scope(scope_id);
        let end = format!("g{scope_id}_end");
        let mut vertices = Vec::new();
        // The top level starts at a Start marker; a nested scope at its owner's entry edge.
        let entry = match scope.owner {
            None => {
                let start = format!("g{scope_id}_start");
                vertices.push(Vertex {
                    id: start.clone(),
                    lines: vec!["Start".to_string()],
                    shape: Shape::Start,
                    severity: None,
                });
                Some((start, String::new(), Line::Solid))
            }
            Some(owner) => {
                let label = match scope.kind {
                    ScopeKind::Branch { index } => format!("branch {}", index + 1),
                    _ => "each item".to_string(),
                };
                // Resolved entries are drawn from the graph's entry edges, with the owner.
                scope
                    .start()
                    .is_none()
                    .then(|| (state_id(owner), label, Line::Entry))
            }
        };
        if let (Some(first), Some((from, label, line))) = (scope.start(), entry.clone()) {
            if scope.owner.is_none() {
                arrows.push(Arrow {
                    from,
                    to: state_id(first),
                    label,
                    line,
                });
            }
        }
        if let (None, Some(name), Some((from, label, line))) = (
            scope.start(),
            scope.start_at.and_then(|m| m.value.as_str()),
            entry,
        ) {
            let missing = format!("g{scope_id}_missing_start");
            vertices.push(missing_vertex(&missing, name));
            let label = if label.is_empty() {
                "StartAt".to_string()
            } else {
                format!("{label}: StartAt")
            };
            arrows.push(Arrow {
                from,
                to: missing,
                label,
                line,
            });
        }
        let mut children = Vec::new();
        let mut ends = false;
        for &id in &scope.states {
            let state = machine.state(id);
            let mark = marks.get(state.name);
            let mut lines = vec![state.name.to_string(), type_line(state)];
            if let Some((_, rules)) = mark {
                lines.push(rules.join(", "));
            }
            vertices.push(Vertex {
                id: state_id(id),
                lines,
                shape: shape(state),
                severity: mark.map(|m| m.0),
            });
            let mut successors: Vec<_> = graph.successors(id).collect();
            successors.sort_by_key(|(_, edge)| edge.span.start);
            for (target, edge) in successors {
                arrows.push(Arrow {
                    from: state_id(id),
                    to: state_id(target),
                    label: edge_label(state, &edge.kind),
                    line: if matches!(edge.kind, EdgeKind::Catch { .. }) {
                        Line::Dashed
                    } else {
                        Line::Solid
                    },
                });
            }
            // Transitions the graph could not resolve.
            for (k, t) in state.transitions.iter().enumerate() {
                if scope.state_named(t.target).is_some() || t.target.contains("${") {
                    continue;
                }
                let missing = format!("s{id}_missing{k}");
                vertices.push(missing_vertex(&missing, t.target));
                let kind = EdgeKind::of_transition(state, t.kind);
                arrows.push(Arrow {
                    from: state_id(id),
                    to: missing,
                    label: edge_label(state, &kind),
                    line: if matches!(kind, EdgeKind::Catch { .. }) {
                        Line::Dashed
                    } else {
                        Line::Solid
                    },
                });
            }
            if state.has_end() {
                ends = true;
                arrows.push(Arrow {
                    from: state_id(id),
                    to: end.clone(),
                    label: String::new(),
                    line: Line::Solid,
                });
            }
            let mut entries: Vec<_> = graph.entries(id).collect();
            entries.sort_by_key(|(_, edge)| edge.span.start);
            for (target, edge) in entries {
                let label = match edge.kind {
                    EdgeKind::BranchEntry { branch } => format!("branch {}", branch + 1),
                    _ => "each item".to_string(),
                };
                arrows.push(Arrow {
                    from: state_id(id),
                    to: state_id(target),
                    label,
                    line: Line::Entry,
                });
            }
            for &child in &state.children {
                children.push(Self::group(machine, graph, child, marks, arrows));
            }
        }
        if ends {
            vertices.push(Vertex {
                id: end,
                lines: vec!["End".to_string()],
                shape: Shape::End,
                severity: None,
            });
        }
        let title = match scope.owner {
            None => String::new(),
            Some(owner) => {
                let owner = machine.state(owner);
                match scope.kind {
                    ScopeKind::Branch { index } => format!("{} · branch {}", owner.name, index + 1),
                    _ => {
                        let distributed = scope
                            .node
                            .get("ProcessorConfig")
                            .and_then(|c| c.get_str("Mode"))
                            == Some("DISTRIBUTED");
                        let mode = if distributed { "distributed" } else { "inline" };
                        format!("{} · item processor ({mode})", owner.name)
                    }
                }
            }
        };
        Group {
            id: format!("g{scope_id}"),
            title,
            vertices,
            children,
        }
    }
}

fn missing_vertex(id: &str, name: &str) -> Vertex {
    Vertex {
        id: id.to_string(),
        lines: vec![name.to_string(), "no such state".to_string()],
        shape: Shape::Missing,
        severity: Some(Severity::Error),
    }
}

fn shape(state: &State) -> Shape {
    match state.ty {
        Some(StateType::Task) => Shape::Task,
        Some(StateType::Pass) => Shape::Pass,
        Some(StateType::Choice) => Shape::Choice,
        Some(StateType::Wait) => Shape::Wait,
        Some(StateType::Succeed) => Shape::Succeed,
        Some(StateType::Fail) => Shape::Fail,
        Some(StateType::Parallel) => Shape::Parallel,
        Some(StateType::Map) => Shape::Map,
        None => Shape::Unknown,
    }
}

/// "Task", "Map (distributed)", "Pass · End"… the second line of a state's label.
fn type_line(state: &State) -> String {
    let ty = match state.ty {
        Some(ty) => ty.name().to_string(),
        None => match state.get("Type").and_then(Node::as_str) {
            Some(written) => format!("unknown type \"{written}\""),
            None => "no Type".to_string(),
        },
    };
    if state.has_end() {
        format!("{ty} · End")
    } else {
        ty
    }
}

#[cfg(test)]
mod tests {
    use super::dot::dot_text;
    use super::mermaid::mermaid_text;
    use super::*;
    use crate::document::json;

    #[test]
    fn escapes() {
        assert_eq!(
            mermaid_text(r#"say "hi" <b> #1 & `x`"#),
            "say #quot;hi#quot; #lt;b#gt; #35;1 #amp; #96;x#96;"
        );
        assert_eq!(dot_text(r#"a "b" \N"#), r#"a \"b\" \\N"#);
        // `%%` would start a comment or an `%%{init}%%` directive.
        assert_eq!(
            mermaid_text("x %%{init: {'theme':'dark'}}%% y"),
            "x #37;#37;{init: {'theme':'dark'}}#37;#37; y"
        );
    }

    #[test]
    fn long_text_is_cut() {
        let long = "é\"".repeat(10_000);
        for text in [mermaid_text(&long), dot_text(&long)] {
            assert!(text.chars().count() < 1000, "{}", text.len());
            assert!(text.ends_with('…'));
        }
        assert_eq!(mermaid_text("short"), "short");
    }

    #[test]
    fn conditions_in_short() {
        let doc = json::parse(
            r#"[{"Variable": "$.n", "NumericGreaterThanEquals": 5},
                {"Variable": "$.s", "StringEqualsPath": "$.t"},
                {"Not": {"Variable": "$.x", "IsPresent": true}},
                {"And": [{"Variable": "$.a", "BooleanEquals": true}, {"Variable": "$.b", "IsNull": false}]},
                {"Condition": "{% $states.input.n > 1 %}"}]"#,
        )
        .unwrap();
        let got: Vec<String> = doc
            .root
            .as_array()
            .unwrap()
            .iter()
            .map(|n| condition(n, QueryLanguage::JsonPath, 0))
            .collect();
        assert_eq!(
            got,
            [
                "$.n >= 5",
                "$.s == $.t",
                "not ($.x is present)",
                "$.a == true and $.b is not null",
                "$states.input.n > 1"
            ]
        );
    }
}
