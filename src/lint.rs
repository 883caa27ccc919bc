//! The pipeline for one input: bytes → source text → spanned document → model → graph →
//! rules → located diagnostics.

pub mod terraform;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::config::{Level, LintOptions};
use crate::dataflow::DataFlow;
use crate::diagnostic::{Diagnostic, Finding, Severity};
use crate::document::{json, pointer_to, Document, Node, ParseError};
use crate::graph::StateGraph;
use crate::hash::FastMap;
use crate::jsonata_sites::JsonataSites;
use crate::model::Machine;
use crate::model::WorkflowType;
use crate::quote::abbreviate;
use crate::rules::UNREADABLE_DEFINITION as UNREADABLE;
use crate::rules::{self, Context, Rule, RULES};
use crate::source::{SourceFile, Span, WideText};
use crate::template::{self, Definition, Deployment, Embedded, Rebuilt, Scope, Tool};
use crate::variables::Variables;

/// Whether a file is linted whatever it holds, or only when it holds a state machine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Selection {
    /// Read from stdin, or named `*.asl.json` / `*.asl.yaml` / `*.asl.yml`.
    Always,
    /// Any other JSON or YAML file, named or found while walking: linted only when it is a
    /// definition (top-level StartAt and States) or a template that declares state machines.
    IfDefinition,
}

#[derive(Debug)]
pub struct FileReport {
    pub source: Arc<SourceFile>,
    pub diagnostics: Vec<Diagnostic>,
    /// State machines linted in this file: 1 for a definition, one per machine a template
    /// declares (those in referenced files count where they are linted), 0 for a broken file.
    pub machines: usize,
    /// Local definition files a template names (`DefinitionUri`), to be linted in its context.
    pub references: Vec<Reference>,
}

/// A definition file deployed by a template, and how.
#[derive(Clone, Debug)]
pub struct Reference {
    /// The definition file: the template's directory joined with the path it gives.
    pub path: PathBuf,
    pub context: MachineContext,
}

/// What a template says about a state machine whose definition lives elsewhere.
#[derive(Clone, Debug, Default)]
pub struct MachineContext {
    /// The resource's logical id.
    pub machine: Option<String>,
    /// The workflow type the template declares, if any.
    pub declared_workflow_type: Option<WorkflowType>,
    /// `DefinitionSubstitutions`, resolved.
    pub substitutions: FastMap<String, String>,
    /// What else the template says about the machine.
    pub deployment: Option<Deployment>,
}

/// Where a definition linted as a machine comes from, beyond its document.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Origin<'a> {
    /// The template's machine (logical id or Serverless key), to label findings with.
    pub name: Option<&'a str>,
    /// Written inside a template, whose tool resolves intrinsic functions such as `Fn::If`.
    pub template: bool,
    pub deployment: Option<&'a Deployment>,
}

/// Lints one input. Returns `None` when `selection` says the file is not ours.
pub fn lint_bytes(
    name: &str,
    bytes: Vec<u8>,
    selection: Selection,
    options: &LintOptions,
) -> Option<FileReport> {
    lint_input(name, bytes, selection, options, None)
}

/// Lints a definition file that templates deploy, once in each template's context. `own` are
/// the options configured for the file's own path: its rule settings apply, and its workflow
/// type unless the template declares one (and neither an override nor the command line gave
/// one).
pub fn lint_referenced(
    name: &str,
    bytes: Vec<u8>,
    contexts: &[&MachineContext],
    own: &LintOptions,
) -> FileReport {
    let options_in = |context: &MachineContext| {
        let mut options = own.clone();
        if let (Some(declared), false) = (
            context.declared_workflow_type,
            own.workflow_type_beats_template,
        ) {
            options.workflow_type = declared;
        }
        options
    };
    let mut merged: Option<FileReport> = None;
    let mut merge = |report: Option<FileReport>| match (&mut merged, report) {
        (None, report) => merged = report,
        (Some(merged), Some(report)) => {
            merged.machines += report.machines;
            merged.diagnostics.extend(report.diagnostics);
        }
        (Some(_), None) => {}
    };
    // Deployed by several templates: parsed once, linted in each context. Not when a context
    // renders the file first (Terraform's templatefile()), or for UTF-16, which says so once
    // per context as before.
    let as_written = contexts.len() > 1
        && WideText::decode(&bytes).is_none()
        && contexts
            .iter()
            .all(|c| c.deployment.as_ref().is_none_or(|d| d.terraform.is_none()));
    match as_written.then(|| String::from_utf8(bytes.clone())) {
        Some(Ok(text)) => {
            let source = SourceFile::new(name, text);
            match crate::document::parse(name, &source.text) {
                Ok(document) => {
                    for context in contexts {
                        merge(lint_parsed(
                            &source,
                            &document,
                            Selection::Always,
                            &options_in(context),
                            Some(context),
                        ));
                    }
                }
                Err(err) => merge(Some(unparsed(&source, err))),
            }
        }
        _ => {
            for context in contexts {
                // Each context lints the same text; only the first copy of it is kept.
                merge(lint_input(
                    name,
                    bytes.clone(),
                    Selection::Always,
                    &options_in(context),
                    Some(context),
                ));
            }
        }
    }
    merged.unwrap_or_else(|| FileReport {
        source: SourceFile::new(name, String::new()),
        diagnostics: Vec::new(),
        machines: 0,
        references: Vec::new(),
    })
}

/// Attaches to each machine of the template at `root` that `wanted` picks what the template
/// says about its permissions (not to definitions found inside some other document). Indexing
/// a project needs only the machines whose definition is in another file.
pub fn attach_permissions(
    root: &Node,
    machines: &mut [Embedded],
    wanted: impl Fn(&Embedded) -> bool,
) {
    use crate::permissions::{expr::Env, MachinePermissions};
    if !machines.iter().any(|m| m.template && wanted(m)) {
        return;
    }
    let env = Arc::new(Env::of_template(root));
    for m in machines.iter_mut().filter(|m| m.template && wanted(m)) {
        let permissions = MachinePermissions::read(root, &m.name, m.deployment.tool, &env);
        m.deployment.permissions = Some(permissions);
    }
}

/// The local definition files a template's state machines name, with each machine's context.
/// Empty when `text` is not a template; used to index a project's templates before linting.
pub fn template_references(name: &str, text: &str) -> Vec<Reference> {
    if template::terraform::is_terraform(name) {
        return terraform::references(name, text);
    }
    let Ok(document) = crate::document::parse(name, text) else {
        return Vec::new();
    };
    if Machine::looks_like_definition(&document.root) {
        return Vec::new();
    }
    let mut machines = template::find(&document.root).unwrap_or_default();
    attach_permissions(&document.root, &mut machines, |m| {
        matches!(m.definition, Definition::File { .. })
    });
    machines
        .iter()
        .filter_map(|embedded| match &embedded.definition {
            Definition::File { path, .. } => Some(reference(name, text, path, embedded)),
            _ => None,
        })
        .collect()
}

pub(crate) fn reference(template: &str, text: &str, path: &str, embedded: &Embedded) -> Reference {
    let base = Path::new(template).parent().unwrap_or(Path::new(""));
    let mut deployment = embedded.deployment.clone();
    deployment.permissions = deployment.permissions.map(|p| p.located(template, text));
    Reference {
        path: base.join(path),
        context: MachineContext {
            machine: Some(embedded.name.clone()),
            declared_workflow_type: embedded.workflow_type,
            substitutions: embedded.substitutions.clone(),
            deployment: Some(deployment),
        },
    }
}

fn lint_input(
    name: &str,
    bytes: Vec<u8>,
    selection: Selection,
    options: &LintOptions,
    context: Option<&MachineContext>,
) -> Option<FileReport> {
    if let Some(wide) = WideText::decode(&bytes) {
        return lint_wide(name, wide, selection, options, context);
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            if selection == Selection::IfDefinition {
                return None;
            }
            return Some(invalid_utf8(name, err));
        }
    };
    if template::terraform::is_terraform(name) && context.is_none() {
        return terraform::lint(&SourceFile::new(name, text), selection, options);
    }
    // A cheap look before parsing: most JSON and YAML files in a repository are not ours.
    if selection == Selection::IfDefinition
        && !(text.contains("StartAt")
            || text.contains("StateMachine")
            || text.contains("stateMachines"))
    {
        return None;
    }
    let source = SourceFile::new(name, text);
    if let Some(report) = context.and_then(|c| terraform::lint_definition_file(&source, c, options))
    {
        return Some(report);
    }
    match crate::document::parse(name, &source.text) {
        Ok(document) => lint_parsed(&source, &document, selection, options, context),
        Err(err) => Some(unparsed(&source, err)),
    }
}

/// The report of a file that does not parse: the parse error.
fn unparsed(source: &Arc<SourceFile>, err: ParseError) -> FileReport {
    FileReport {
        source: Arc::clone(source),
        diagnostics: vec![parse_error(source, err, None)],
        machines: 0,
        references: Vec::new(),
    }
}

/// Lints a parsed file: a definition (in `context`, when a template deploys it), or a
/// template's machines. `None` when `selection` says it is not ours.
fn lint_parsed(
    source: &Arc<SourceFile>,
    document: &Document,
    selection: Selection,
    options: &LintOptions,
    context: Option<&MachineContext>,
) -> Option<FileReport> {
    let root = &document.root;
    let mut references = Vec::new();
    let mut machines = 1;
    let diagnostics = if Machine::looks_like_definition(root) {
        match context {
            Some(context) => {
                let resolved = template::substitute_definition(root, &context.substitutions);
                let deployment = context.deployment.as_ref().map(|d| {
                    let mut d = d.clone();
                    // A Serverless `${file(…)}` is read by the framework, which resolves its
                    // variables from the configuration: not judged here.
                    if d.tool != Tool::Serverless {
                        let scope = Scope::Substitutions(&d.substitution_names);
                        d.unknown_substitutions = template::unknown_in(root, &source.text, scope);
                    }
                    d
                });
                let origin = Origin {
                    name: context.machine.as_deref(),
                    template: false,
                    deployment: deployment.as_ref(),
                };
                lint_machine(source, document, &resolved, options, origin)
            }
            None => lint_machine(source, document, root, options, Origin::default()),
        }
    } else if let Some(mut embedded_machines) = template::find(root) {
        attach_permissions(root, &mut embedded_machines, |_| true);
        let mut diagnostics = Vec::new();
        for embedded in &embedded_machines {
            lint_embedded(
                source,
                document,
                embedded,
                options,
                &mut diagnostics,
                &mut references,
            );
        }
        machines = embedded_machines.len() - references.len();
        diagnostics
    } else if selection == Selection::IfDefinition {
        return None;
    } else {
        // Named explicitly but neither: the schema rule says what a definition needs.
        lint_machine(source, document, root, options, Origin::default())
    };
    Some(FileReport {
        source: Arc::clone(source),
        diagnostics,
        machines,
        references,
    })
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

pub(crate) fn parse_error(
    source: &SourceFile,
    err: ParseError,
    machine: Option<&str>,
) -> Diagnostic {
    let finding = Finding {
        help: err.help,
        ..Finding::new(err.span, err.message)
    };
    let mut d = Diagnostic::locate(rules::PARSE_ERROR, Severity::Error, finding, source, None);
    d.machine = machine.map(str::to_string);
    d
}

/// Lints one state machine declared in a template.
pub(crate) fn lint_embedded(
    source: &SourceFile,
    document: &Document,
    embedded: &Embedded,
    options: &LintOptions,
    out: &mut Vec<Diagnostic>,
    references: &mut Vec<Reference>,
) {
    let mut options = options.clone();
    if let (Some(declared), false) = (embedded.workflow_type, options.workflow_type_beats_template)
    {
        options.workflow_type = declared;
    }
    let name = embedded.name.as_str();
    match &embedded.definition {
        Definition::Object(definition) => {
            let resolved = template::resolve(definition, embedded, &document.root);
            let mut deployment = embedded.deployment.clone();
            if let Some(scope) = embedded.scope(&document.root) {
                deployment.unknown_substitutions =
                    template::unknown_in(definition, &source.text, scope);
            }
            let origin = Origin {
                name: Some(name),
                template: embedded.template,
                deployment: embedded.template.then_some(&deployment),
            };
            out.extend(lint_machine(source, document, &resolved, &options, origin));
        }
        Definition::Text { rebuilt, node } => {
            // Findings are placed from the rebuilt text: the role's place is said in words.
            let mut deployment = embedded.deployment.clone();
            deployment.permissions = deployment
                .permissions
                .map(|p| p.located(&source.name, &source.text));
            out.extend(lint_rebuilt(
                source,
                document,
                node,
                rebuilt,
                &options,
                name,
                &deployment,
            ));
        }
        Definition::File { path, node } => {
            let reference = reference(&source.name, &source.text, path, embedded);
            let problem = match std::fs::metadata(&reference.path) {
                Ok(m) if m.is_file() && same_file(&reference.path, Path::new(&source.name)) => {
                    Some("names the template itself, not a definition file")
                }
                Ok(m) if m.is_file() => None,
                Ok(m) if m.is_dir() => Some("is a directory, not a definition file"),
                Ok(_) => Some("is not a regular file (a device, FIFO or socket)"),
                Err(_) => Some("does not exist"),
            };
            if let Some(problem) = problem {
                let finding = Finding::new(
                    node.span,
                    format!("the definition of state machine '{name}' is not linted: \"{path}\" {problem}", name = abbreviate(name), path = abbreviate(path)),
                )
                .help("DefinitionUri, DefinitionS3Location, ${file(…)} and Terraform's file() and templatefile() name a definition file relative to the template's directory");
                out.extend(stage_finding(
                    &UNREADABLE,
                    Severity::Warning,
                    finding,
                    source,
                    document,
                    &options,
                    name,
                ));
            } else {
                references.push(reference);
            }
        }
        Definition::Unavailable { reason, node } => {
            let finding = Finding::new(
                node.span,
                format!(
                    "the definition of state machine '{name}' is not linted: {reason}",
                    name = abbreviate(name)
                ),
            );
            out.extend(stage_finding(
                &UNREADABLE,
                Severity::Info,
                finding,
                source,
                document,
                &options,
                name,
            ));
        }
    }
}

/// A finding from a stage outside the rule engine, with the configured severity (or none, when
/// the rule is turned off).
pub(crate) fn stage_finding(
    rule: &Rule,
    severity: Severity,
    finding: Finding,
    source: &SourceFile,
    document: &Document,
    options: &LintOptions,
    machine: &str,
) -> Option<Diagnostic> {
    let configured = match options.rules.level(rule) {
        Some(Level::Off) => return None,
        Some(Level::On(configured)) => configured,
        None => severity,
    };
    let mut d = Diagnostic::locate(rule.id, configured, finding, source, Some(&document.root));
    d.machine = Some(machine.to_string());
    Some(d)
}

/// Lints a `DefinitionString` rebuilt as text. Its findings point at the exact characters of
/// the template the rebuilt text came from (or at the whole DefinitionString when they cannot be
/// placed), and carry their pointer inside the definition as `definition_pointer`.
fn lint_rebuilt(
    source: &SourceFile,
    document: &Document,
    node: &Node,
    rebuilt: &Rebuilt,
    options: &LintOptions,
    machine: &str,
    deployment: &Deployment,
) -> Vec<Diagnostic> {
    let rebuilt_source = SourceFile::new(source.name.clone(), rebuilt.text.clone());
    let origin = Origin {
        name: Some(machine),
        template: false,
        deployment: Some(deployment),
    };
    let mut diagnostics = match json::parse(&rebuilt.text) {
        Ok(parsed) => lint_machine(&rebuilt_source, &parsed, &parsed.root, options, origin),
        Err(err) => vec![parse_error(&rebuilt_source, err, Some(machine))],
    };
    let mut locator = rebuilt.locator(&source.text);
    let mut place = |span: Span| locator.span(span).unwrap_or(node.span);
    for d in &mut diagnostics {
        d.span = place(d.span);
        let inner = std::mem::replace(&mut d.pointer, pointer_to(&document.root, d.span));
        d.definition_pointer = (!inner.is_empty()).then_some(inner);
        d.start = source.line_col(d.span.start);
        d.end = source.line_col(d.span.end);
        for r in &mut d.related {
            r.span = place(r.span);
            r.pointer = pointer_to(&document.root, r.span);
            r.start = source.line_col(r.span.start);
        }
    }
    // Edits are in the rebuilt text's coordinates: kept only where they map exactly.
    let mut locator = rebuilt.locator(&source.text);
    for d in &mut diagnostics {
        d.fix = d.fix.take().and_then(|fix| locator.fix(&fix));
    }
    crate::fix::drop_fixes_on_shared(&document.shared, &mut diagnostics);
    diagnostics
}

/// Runs every rule over a parsed definition (the whole document, or one machine in a template).
pub fn lint_document(
    source: &SourceFile,
    document: &Document,
    options: &LintOptions,
) -> Vec<Diagnostic> {
    lint_machine(source, document, &document.root, options, Origin::default())
}

/// Runs every rule over the definition at `root`, a node of `document` (or a copy of one with
/// template values resolved, keeping its spans).
pub(crate) fn lint_machine(
    source: &SourceFile,
    document: &Document,
    root: &Node,
    options: &LintOptions,
    origin: Origin,
) -> Vec<Diagnostic> {
    let name = origin.name;
    let machine = Machine::build(root);
    let graph = StateGraph::build(&machine);
    let flow = DataFlow::build(&machine, &graph);
    let jsonata = JsonataSites::build(&machine);
    let variables = Variables::build(&machine, &graph, &jsonata);
    let cx = Context {
        source,
        template: origin.template,
        deployment: origin.deployment,
        document,
        text: &source.text,
        machine: &machine,
        graph: &graph,
        flow: &flow,
        jsonata: &jsonata,
        variables: &variables,
        workflow_type: options.workflow_type,
    };
    let threads = if machine.states.len() >= PARALLEL_RULES_MIN_STATES {
        crate::cores::cores().min(4)
    } else {
        1
    };
    let mut diagnostics = if threads > 1 {
        // Threads take the next rule from a shared counter, so a heavy rule does not leave
        // the other threads idle.
        let next = AtomicUsize::new(0);
        std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads)
                .map(|_| scope.spawn(|| run_rules(&cx, options, source, &next)))
                .collect();
            workers
                .into_iter()
                .flat_map(|w| {
                    w.join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect()
        })
    } else {
        run_rules(&cx, options, source, &AtomicUsize::new(0))
    };
    diagnostics.sort_by(|a, b| {
        (a.span.start, a.rule, &a.message).cmp(&(b.span.start, b.rule, &b.message))
    });
    // The suppression stage reports unused-suppression itself, at its configured level.
    let mut diagnostics =
        crate::suppress::apply(source, &document.root, &machine, diagnostics, options);
    crate::fix::drop_fixes_on_resolved(&document.root, root, &mut diagnostics);
    crate::fix::drop_fixes_on_shared(&document.shared, &mut diagnostics);
    for d in &mut diagnostics {
        d.machine = name.map(str::to_string);
    }
    diagnostics
}

/// Machines at least this big have their rules spread over threads; below it, spawning costs
/// more than it saves (a 10,000-state machine takes tens of milliseconds, a typical one < 1 ms).
const PARALLEL_RULES_MIN_STATES: usize = 2_000;

/// Runs rules, taking each next one from `next`, until none are left.
fn run_rules(
    cx: &Context,
    options: &LintOptions,
    source: &SourceFile,
    next: &AtomicUsize,
) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let mut findings = Vec::new();
    loop {
        let Some(rule) = RULES.get(next.fetch_add(1, Ordering::Relaxed)) else {
            return diagnostics;
        };
        let Some(check) = rule.check else { continue };
        // Configured off: skip. A configured severity replaces the rule's default and any
        // severity a finding sets for itself.
        let configured = match options.rules.level(rule) {
            Some(Level::Off) => continue,
            Some(Level::On(severity)) => Some(severity),
            None => None,
        };
        check(cx, &mut findings);
        diagnostics.extend(findings.drain(..).map(|mut f| {
            f.severity = configured.or(f.severity);
            Diagnostic::locate(rule.id, rule.severity, f, source, Some(&cx.document.root))
        }));
    }
}

/// A file in UTF-16 or UTF-32 is linted as decoded, with an error naming its encoding: AWS
/// tools read definitions as UTF-8 (or the system's encoding), so it would not deploy as it
/// is. Decoding shows every other finding in the same run instead of hiding them until the
/// file is re-saved. Fixes are dropped: their offsets are in the decoded text, not the file.
fn lint_wide(
    name: &str,
    wide: WideText,
    selection: Selection,
    options: &LintOptions,
    context: Option<&MachineContext>,
) -> Option<FileReport> {
    let encoding = wide.encoding;
    let text = match wide.text {
        Ok(text) => text,
        Err(_) if selection == Selection::IfDefinition => return None,
        Err(offset) => {
            let source = SourceFile::new(name, String::new());
            let finding = Finding::new(
                Span::new(0, 0),
                format!("the file starts with a {encoding} byte-order mark, but the bytes at offset {offset} are not {encoding}"),
            )
            .help("re-save the file as UTF-8");
            let diagnostic =
                Diagnostic::locate(rules::PARSE_ERROR, Severity::Error, finding, &source, None);
            return Some(FileReport {
                source,
                diagnostics: vec![diagnostic],
                machines: 0,
                references: Vec::new(),
            });
        }
    };
    let mut report = lint_input(name, text.into_bytes(), selection, options, context)?;
    let bom = Span::new(0, '\u{feff}'.len_utf8());
    let finding = Finding::new(
        bom,
        format!("the file is {encoding}, not UTF-8: it was linted as decoded, but AWS tools read definitions as UTF-8 (the AWS CLI: in the system's encoding)"),
    )
    .help("re-save the file as UTF-8 (Windows PowerShell writes UTF-16 unless told `-Encoding utf8`)");
    for d in &mut report.diagnostics {
        d.fix = None;
    }
    report.diagnostics.insert(
        0,
        Diagnostic::locate(
            rules::PARSE_ERROR,
            Severity::Error,
            finding,
            &report.source,
            None,
        ),
    );
    Some(report)
}

fn invalid_utf8(name: &str, err: std::string::FromUtf8Error) -> FileReport {
    let valid = err.utf8_error().valid_up_to();
    let byte = err.as_bytes()[valid];
    // The lossy text is identical up to the first bad byte, so the offset still points at it.
    let source = SourceFile::new(name, String::from_utf8_lossy(err.as_bytes()).into_owned());
    let end = source.text[valid..]
        .chars()
        .next()
        .map_or(valid, |c| valid + c.len_utf8());
    let finding = Finding::new(
        Span::new(valid, end),
        format!("the file is not valid UTF-8: byte 0x{byte:02X} at offset {valid} does not start a UTF-8 character"),
    )
    .help("state machine definitions are UTF-8 JSON; re-save the file with UTF-8 encoding");
    let diagnostic =
        Diagnostic::locate(rules::PARSE_ERROR, Severity::Error, finding, &source, None);
    FileReport {
        source,
        diagnostics: vec![diagnostic],
        machines: 0,
        references: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lint(text: &[u8], selection: Selection) -> Option<Vec<&'static str>> {
        lint_bytes("t.json", text.to_vec(), selection, &LintOptions::default())
            .map(|r| r.diagnostics.iter().map(|d| d.rule).collect())
    }

    #[test]
    fn discovered_files_must_look_like_definitions() {
        assert_eq!(lint(br#"{"name": "pkg"}"#, Selection::IfDefinition), None);
        assert_eq!(lint(b"not json", Selection::IfDefinition), None);
        assert_eq!(lint(b"\xff\xfe", Selection::IfDefinition), None);
        // Both words present but not in a definition.
        assert_eq!(
            lint(
                br#"{"a": {"StartAt": "X", "Stats": {}}, "States": 1}"#,
                Selection::IfDefinition
            ),
            None
        );
        // A definition held below the top level is linted, named by its pointer.
        assert_eq!(
            lint(
                br#"{"a": {"StartAt": "X", "States": {}}}"#,
                Selection::IfDefinition
            ),
            Some(vec!["unknown-target"])
        );
        let clean = br#"{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}"#;
        assert_eq!(lint(clean, Selection::IfDefinition), Some(vec![]));
        // A broken file that mentions both is most likely a broken definition: report it.
        assert_eq!(
            lint(br#"{"StartAt": "A", "States": {"#, Selection::IfDefinition),
            Some(vec!["parse-error"])
        );
    }

    #[test]
    fn explicit_files_are_always_reported() {
        assert_eq!(
            lint(b"not json", Selection::Always),
            Some(vec!["parse-error"])
        );
        assert_eq!(
            lint(b"{\"a\": \"\xff\"}", Selection::Always),
            Some(vec!["parse-error"])
        );
    }

    #[test]
    fn diagnostics_are_located_and_sorted() {
        let text = br#"{"StartAt": "A", "States": {
  "A": {"Type": "Pass", "Next": "B"},
  "C": {"Type": "Succeed"}
}}"#;
        let report = lint_bytes(
            "t.json",
            text.to_vec(),
            Selection::Always,
            &LintOptions::default(),
        )
        .unwrap();
        let got: Vec<(&str, usize, usize, &str)> = report
            .diagnostics
            .iter()
            .map(|d| (d.rule, d.start.line, d.start.column, d.pointer.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("unknown-target", 2, 33, "/States/A/Next"),
                ("unreachable-state", 3, 3, "/States/C")
            ]
        );
    }
}
