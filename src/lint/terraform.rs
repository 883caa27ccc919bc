//! Linting Terraform and OpenTofu files: the state machines `template::terraform` reads from
//! a `.tf` file, linted where their definitions are written (a `jsonencode({…})` object, a
//! heredoc, a local), and definition files read with `file()` or `templatefile()`, linted in
//! their machine's context. The reading half stays a template reader; this half drives the
//! pipeline.

use std::path::Path;
use std::sync::Arc;

use crate::config::LintOptions;
use crate::diagnostic::{Diagnostic, Finding, Fix, Severity};
use crate::document::{json, Document, Node, Value};
use crate::hash::FastMap;
use crate::lint::{self, FileReport, MachineContext, Origin, Reference, Selection};
use crate::model::Machine as Definition_;
use crate::rules::{self, UNREADABLE_DEFINITION};
use crate::source::{SourceFile, Span};
use crate::template::terraform::module::{self, Module, Unreadable};
use crate::template::terraform::node;
use crate::template::terraform::render::{Inserted, Renderer, Structural};
use crate::template::terraform::syntax::{self, Expr, Kind, Literals};
use crate::template::terraform::{
    closest, declared_functions, deployment, exact, interpolation, is_quiet, mentions, written_in,
    FileUse, Val, READ_LIMIT,
};
use crate::template::{
    DeclaredFunction, DefinedBy, Definition, Deployment, Embedded, Rebuilt, UnknownSubstitution,
};

fn empty(source: Arc<SourceFile>) -> FileReport {
    FileReport {
        source,
        diagnostics: Vec::new(),
        machines: 0,
        references: Vec::new(),
    }
}

/// Lints a Terraform file: the definitions written in it, and the references to the definition
/// files its machines read. `None` when `selection` says it is not ours.
pub fn lint(
    source: &Arc<SourceFile>,
    selection: Selection,
    options: &LintOptions,
) -> Option<FileReport> {
    let not_ours = || (selection == Selection::Always).then(|| empty(Arc::clone(source)));
    let text = &source.text;
    let marked = mentions(text.as_bytes());
    // A local holding a definition names StartAt; anything else is not ours.
    if is_quiet(&source.name, text.as_bytes()) {
        return not_ours();
    }
    let module = match Module::load(&source.name, text.clone(), READ_LIMIT) {
        Ok(module) => module,
        Err(Unreadable { message, span }) => {
            if !marked && selection == Selection::IfDefinition {
                return None;
            }
            let err = crate::document::ParseError {
                message,
                span,
                help: None,
            };
            let mut report = empty(Arc::clone(source));
            report
                .diagnostics
                .push(lint::parse_error(source, err, None));
            return Some(report);
        }
    };
    let machines = module.machines();
    let here: Vec<&module::Machine> = machines.iter().filter(|m| written_in(m, 0)).collect();
    if here.is_empty() {
        return not_ours();
    }
    let document = Document {
        root: node::document(&module, 0),
        duplicate_keys: Vec::new(),
        shared: Vec::new(),
    };
    let functions = declared_functions(&module);
    let mut report = empty(Arc::clone(source));
    for machine in here {
        lint_machine(
            source,
            &module,
            &document,
            machine,
            &functions,
            options,
            &mut report,
        );
    }
    Some(report)
}

fn lint_machine(
    source: &Arc<SourceFile>,
    module: &Module,
    document: &Document,
    machine: &module::Machine,
    functions: &FastMap<String, DeclaredFunction>,
    options: &LintOptions,
    report: &mut FileReport,
) {
    let mut deployment = deployment(functions);
    let root = &document.root;
    let json_node = |span: Span| {
        module.files[0]
            .json
            .as_ref()
            .and_then(|d| exact(&d.root, span))
    };
    let mut encoded = None;
    let definition = match &machine.definition {
        module::Definition::Object { expr, .. } => {
            let node = closest(root, expr.span);
            encoded = Some(node);
            Definition::Object(node)
        }
        module::Definition::Text { expr, .. } => {
            let Kind::Template(t) = &expr.kind else {
                return;
            };
            let mut renderer = Renderer::new(&module.files[0].text, &json_node);
            let resolve = |e: &Expr| Inserted::Value(module.value(0, e));
            if let Err(Structural(at)) = renderer.template(&t.parts, t.literals, &resolve) {
                report.diagnostics.extend(directive_finding(
                    source,
                    document,
                    at,
                    &machine.name,
                    options,
                ));
                return;
            }
            Definition::Text {
                rebuilt: renderer.out,
                node: closest(root, expr.span),
            }
        }
        module::Definition::File { path, using } => {
            deployment.terraform = Some(using.clone());
            Definition::File {
                path: path.clone(),
                node: closest(root, machine.at),
            }
        }
        module::Definition::Unavailable(reason) => Definition::Unavailable {
            reason: reason.clone(),
            node: closest(root, machine.at),
        },
    };
    let linted_here = matches!(definition, Definition::Object(_) | Definition::Text { .. });
    let embedded = Embedded {
        name: machine.name.clone(),
        anchor: machine.anchor,
        workflow_type: machine.workflow_type,
        definition,
        substitutions: FastMap::default(),
        template: true,
        deployment,
    };
    let mut out = Vec::new();
    lint::lint_embedded(
        source,
        document,
        &embedded,
        options,
        &mut out,
        &mut report.references,
    );
    if let Some(object) = encoded {
        // Inside jsonencode, only an edit certain to keep the HCL valid is offered.
        for d in &mut out {
            if d.fix
                .as_ref()
                .is_some_and(|fix| !certain_in_hcl(fix, object, &source.text))
            {
                d.fix = None;
            }
        }
    }
    if linted_here {
        report.machines += 1;
    }
    report.diagnostics.extend(out);
}

/// Whether every edit of `fix` replaces characters of one quoted string (a value or a key)
/// of the jsonencode object with text a quoted HCL string holds as it is.
fn certain_in_hcl(fix: &Fix, object: &Node, text: &str) -> bool {
    fix.edits.iter().all(|edit| {
        let plain = !edit.replacement.contains(['"', '\\', '\n', '\r'])
            && !edit.replacement.contains("${")
            && !edit.replacement.contains("%{");
        plain && inside_string(object, edit.span, text)
    })
}

fn inside_string(node: &Node, span: Span, text: &str) -> bool {
    let quoted = |s: Span, value: &str| {
        let raw = text.get(s.start..s.end).unwrap_or("");
        raw.len() == value.len() + 2
            && raw.starts_with('"')
            && &raw[1..raw.len() - 1] == value
            && s.start < span.start
            && span.end < s.end
    };
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        if !n.span.contains(span) {
            continue;
        }
        match &n.value {
            Value::String(s) => return quoted(n.span, s),
            Value::Object(members) => {
                for m in members {
                    if m.key_span.contains(span) {
                        return quoted(m.key_span, &m.key);
                    }
                    stack.push(&m.value);
                }
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    false
}

/// A definition text built by template directives: reported as not linted, at the directive.
fn directive_finding(
    source: &SourceFile,
    document: &Document,
    at: Span,
    machine: &str,
    options: &LintOptions,
) -> Option<Diagnostic> {
    let finding = Finding::new(
        at,
        format!(
            "the definition of state machine '{}' is not linted: a template directive (%{{ if }} or %{{ for }}) builds its JSON here, so the text is known only when Terraform renders it",
            crate::quote::abbreviate(machine)
        ),
    )
    .help("build the definition with jsonencode() to have it linted, or keep directives inside JSON string values");
    lint::stage_finding(
        &UNREADABLE_DEFINITION,
        Severity::Info,
        finding,
        source,
        document,
        options,
        machine,
    )
}

/// The definition files the machines of a Terraform file read, with each machine's context:
/// what the template index needs, without linting.
pub fn references(name: &str, text: &str) -> Vec<Reference> {
    if !mentions(text.as_bytes()) {
        return Vec::new();
    }
    let Ok(module) = Module::load(name, text.to_string(), READ_LIMIT) else {
        return Vec::new();
    };
    let functions = declared_functions(&module);
    let base = Path::new(name).parent().unwrap_or(Path::new(""));
    module
        .machines()
        .into_iter()
        .filter(|m| m.file == 0)
        .filter_map(|m| match m.definition {
            module::Definition::File { path, using } => Some(Reference {
                path: base.join(path),
                context: MachineContext {
                    machine: Some(m.name),
                    declared_workflow_type: m.workflow_type,
                    substitutions: FastMap::default(),
                    deployment: Some(Deployment {
                        terraform: Some(using),
                        ..deployment(&functions)
                    }),
                },
            }),
            _ => None,
        })
        .collect()
}

/// Lints a definition file that Terraform reads (`file()`, `templatefile()`): as it is, with
/// every `${…}` unknown to Step Functions, or rendered with the template's variables. `None`
/// when `context` is not Terraform's or the text has nothing Terraform would change.
pub fn lint_definition_file(
    source: &Arc<SourceFile>,
    context: &MachineContext,
    options: &LintOptions,
) -> Option<FileReport> {
    let deployment = context.deployment.as_ref()?;
    let using = deployment.terraform.as_ref()?;
    let text = &source.text;
    if !text.contains("${") && !text.contains("%{") {
        return None;
    }
    let name = context.machine.as_deref();
    match using {
        FileUse::Verbatim => {
            let document = crate::document::parse(&source.name, text).ok()?;
            if !Definition_::looks_like_definition(&document.root) {
                return None;
            }
            let mut d = deployment.clone();
            d.unknown_substitutions = verbatim_placeholders(&document.root, text);
            let origin = Origin {
                name,
                template: false,
                deployment: Some(&d),
            };
            let diagnostics =
                lint::lint_machine(source, &document, &document.root, options, origin);
            Some(FileReport {
                source: Arc::clone(source),
                diagnostics,
                machines: 1,
                references: Vec::new(),
            })
        }
        FileUse::Template(vars) => {
            if crate::document::is_yaml(&source.name, text) {
                return None;
            }
            Some(lint_rendered(
                source,
                deployment,
                vars.as_deref(),
                name,
                options,
            ))
        }
    }
}

/// Every `${…}` in the string values of a definition that `file()` passes on as it is.
fn verbatim_placeholders(root: &Node, text: &str) -> Vec<UnknownSubstitution> {
    let mut out = Vec::new();
    for node in crate::document::descendants(root) {
        let Some(s) = node.as_str() else { continue };
        for (name, range) in crate::template::dollar_placeholders(s) {
            out.push(UnknownSubstitution {
                name: name.to_string(),
                span: crate::document::inner::value_span(text, node, range),
                defined_by: DefinedBy::TerraformFile,
                suggestion: None,
            });
        }
    }
    out
}

/// A `templatefile` file rendered with `vars` (`None`: not known here) and linted; findings
/// point into the file.
fn lint_rendered(
    source: &Arc<SourceFile>,
    deployment: &Deployment,
    vars: Option<&[(String, Val)]>,
    machine: Option<&str>,
    options: &LintOptions,
) -> FileReport {
    let text = &source.text;
    let mut report = empty(Arc::clone(source));
    let template = match hcl_edit::parser::parse_template(text) {
        Ok(template) => template,
        Err(e) => {
            let mut at = e.location().offset().min(text.len());
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let err = crate::document::ParseError {
                message: format!("Terraform cannot render this template: {}", e.message()),
                span: Span::new(at, at),
                help: Some(
                    "write a literal ${ as $${ and a literal %{ as %%{ in a templatefile() file"
                        .to_string(),
                ),
            };
            let mut d = lint::parse_error(source, err, machine);
            d.rule = rules::PARSE_ERROR;
            report.diagnostics.push(d);
            return report;
        }
    };
    let parts = syntax::template_parts(&template);
    let no_json = |_: Span| -> Option<&Node> { None };
    let mut renderer = Renderer::new(text, &no_json);
    let names: Vec<&str> = vars.map_or(Vec::new(), |v| v.iter().map(|(n, _)| n.as_str()).collect());
    let resolve = |e: &Expr| interpolation(e, vars, &names, text);
    let document = Document {
        root: Node {
            span: Span::new(0, text.len()),
            value: Value::Null,
        },
        duplicate_keys: Vec::new(),
        shared: Vec::new(),
    };
    if let Err(Structural(at)) = renderer.template(&parts, Literals::Heredoc { strip: 0 }, &resolve)
    {
        let name = machine.unwrap_or("");
        report
            .diagnostics
            .extend(directive_finding(source, &document, at, name, options));
        return report;
    }
    let rebuilt = renderer.out;
    let mut d = deployment.clone();
    d.unknown_substitutions = rebuilt.unknown.clone();
    let origin = Origin {
        name: machine,
        template: false,
        deployment: Some(&d),
    };
    report.machines = 1;
    report.diagnostics = lint_text(source, &rebuilt, options, origin, machine);
    report
}

/// Lints a rendered text and places its findings in the file it was rendered from; pointers
/// are inside the definition.
fn lint_text(
    source: &Arc<SourceFile>,
    rebuilt: &Rebuilt,
    options: &LintOptions,
    origin: Origin,
    machine: Option<&str>,
) -> Vec<Diagnostic> {
    let rendered = SourceFile::new(source.name.clone(), rebuilt.text.clone());
    let mut diagnostics = match json::parse(&rebuilt.text) {
        Ok(parsed) => lint::lint_machine(&rendered, &parsed, &parsed.root, options, origin),
        Err(err) => vec![lint::parse_error(&rendered, err, machine)],
    };
    let mut locator = rebuilt.locator(&source.text);
    let whole = Span::new(0, 0);
    for d in &mut diagnostics {
        d.span = locator.span(d.span).unwrap_or(whole);
        d.start = source.line_col(d.span.start);
        d.end = source.line_col(d.span.end);
        for r in &mut d.related {
            r.span = locator.span(r.span).unwrap_or(whole);
            r.start = source.line_col(r.span.start);
        }
        d.fix = d.fix.take().and_then(|fix| locator.fix(&fix));
    }
    diagnostics
}
