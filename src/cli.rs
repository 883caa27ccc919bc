//! Command line: argument parsing, reading inputs, choosing the reporter, exit codes.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::baseline;
use crate::config::{CommandLine, LintOptions, Resolver};
use crate::diagnostic::Severity;
use crate::discover::{self, Input};
use crate::fix;
use crate::lint::{self, FileReport, Selection};
use crate::model::WorkflowType;
use crate::report::{graph, human, json, Summary};
use crate::rules::{self, RULES};
use crate::suggest::did_you_mean;

pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_USAGE: i32 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "asl-lint",
    version,
    about = "Lint AWS Step Functions state machines (Amazon States Language)",
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    lint: LintArgs,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// List every rule: id, default severity, category and summary
    Rules,
    /// Print a rule's document: what it flags, why, and a bad and a good example
    Explain {
        /// Rule id, e.g. unknown-target
        rule: String,
    },
    /// Print a state machine's graph as Mermaid (renders on GitHub and GitLab) or Graphviz DOT
    Graph(GraphArgs),
}

#[derive(Args, Debug)]
struct GraphArgs {
    /// A definition file, or a template that declares state machines
    #[arg(value_name = "PATH")]
    path: PathBuf,
    /// Output format
    #[arg(long, value_enum, default_value_t = GraphFormat::Mermaid)]
    format: GraphFormat,
    /// The machine to draw, by its logical id, when a template declares several
    #[arg(long, value_name = "ID")]
    machine: Option<String>,
    /// Configuration file to use, instead of the nearest .asl-lint.toml
    #[arg(long, value_name = "PATH")]
    config: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum GraphFormat {
    Mermaid,
    Dot,
}

#[derive(Args, Debug)]
struct LintArgs {
    /// Files and directories to lint; `-` reads standard input
    #[arg(value_name = "PATH", default_value = ".")]
    paths: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Workflow type the definitions are deployed as (used by rules that depend on it)
    /// [default: the configuration's workflow_type, else standard]
    #[arg(long, value_enum)]
    workflow_type: Option<WorkflowArg>,
    /// Configuration file to use for every file, instead of the nearest .asl-lint.toml
    #[arg(long, value_name = "PATH")]
    config: Option<PathBuf>,
    /// Lint with only these rules (comma-separated rule ids)
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    select: Option<Vec<String>>,
    /// Turn these rules off (comma-separated rule ids)
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    ignore: Vec<String>,
    /// Exit with 1 when anything at or above this severity is reported
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    fail_on: FailOn,
    /// Name to use for standard input in reports
    #[arg(long, value_name = "NAME")]
    stdin_filename: Option<String>,
    /// Apply safe fixes to the files in place, then report what remains
    #[arg(long)]
    fix: bool,
    /// Also apply fixes that change behaviour (with --fix or --diff)
    #[arg(long)]
    unsafe_fixes: bool,
    /// Print the fixes as a unified diff instead of writing them; exit 1 if there are any
    #[arg(long)]
    diff: bool,
    /// Record the current findings in FILE, to be ignored by --baseline
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
    /// Report only findings not recorded in FILE [default: the configuration's baseline]
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    baseline: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Format {
    Human,
    Json,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum WorkflowArg {
    Standard,
    Express,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

impl FailOn {
    fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }
}

/// Runs the command line and returns the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return if err.use_stderr() {
                EXIT_USAGE
            } else {
                EXIT_OK
            };
        }
    };
    let mut stdout = std::io::stdout().lock();
    let code = match cli.command {
        Some(Command::Rules) => {
            let _ = stdout.write_all(rules_table().as_bytes());
            EXIT_OK
        }
        Some(Command::Explain { rule }) => explain(&rule, &mut stdout),
        Some(Command::Graph(args)) => graph(&args, &mut stdout),
        None => run_lint(&cli.lint, &mut stdout),
    };
    let _ = stdout.flush();
    code
}

fn rules_table() -> String {
    let width = RULES.iter().map(|r| r.id.len()).max().unwrap_or(0);
    let mut out = String::new();
    for rule in RULES {
        out.push_str(&format!(
            "{:width$}  {:7}  {:11}  {}\n",
            rule.id,
            rule.severity.as_str(),
            rule.category.as_str(),
            rule.summary
        ));
        if let Some(fix) = rule.fix {
            out.push_str(&format!(
                "{:width$}  fix ({}): {}\n",
                "",
                fix.applicability.as_str(),
                fix.summary
            ));
        }
    }
    out
}

fn explain(id: &str, out: &mut impl Write) -> i32 {
    match rules::find(id) {
        Some(rule) => {
            let _ = out.write_all(rule.doc.as_bytes());
            EXIT_OK
        }
        None => {
            let hint = did_you_mean(id, RULES.iter().map(|r| r.id))
                .map(|s| format!(" (did you mean '{s}'?)"))
                .unwrap_or_default();
            eprintln!("error: unknown rule '{id}'{hint}; `asl-lint rules` lists them all");
            EXIT_USAGE
        }
    }
}

/// The rule ids of `--select` or `--ignore`, checked.
fn rule_ids(flag: &str, ids: &[String]) -> Result<Vec<&'static str>, String> {
    ids.iter()
        .map(|id| match rules::find(id) {
            Some(rule) if flag == "--ignore" && rule.id == rules::PARSE_ERROR => Err(
                "parse-error cannot be turned off: a file that does not parse cannot be linted"
                    .to_string(),
            ),
            Some(rule) => Ok(rule.id),
            None => {
                let hint = did_you_mean(id, RULES.iter().map(|r| r.id))
                    .map(|s| format!(" (did you mean '{s}'?)"))
                    .unwrap_or_default();
                Err(format!(
                    "unknown rule '{id}' in {flag}{hint}; `asl-lint rules` lists them all"
                ))
            }
        })
        .collect()
}

fn command_line(args: &LintArgs) -> Result<CommandLine, String> {
    Ok(CommandLine {
        workflow_type: args.workflow_type.map(|w| match w {
            WorkflowArg::Standard => WorkflowType::Standard,
            WorkflowArg::Express => WorkflowType::Express,
        }),
        select: match &args.select {
            Some(ids) => Some(rule_ids("--select", ids)?),
            None => None,
        },
        ignore: rule_ids("--ignore", &args.ignore)?,
    })
}

/// One input and the options it is linted with.
type Job<'a> = (&'a Input, Arc<LintOptions>);

fn run_lint(args: &LintArgs, out: &mut impl Write) -> i32 {
    if args.unsafe_fixes && !(args.fix || args.diff) {
        eprintln!("error: --unsafe-fixes needs --fix or --diff");
        return EXIT_USAGE;
    }
    let resolver = command_line(args)
        .map_err(|e| vec![e])
        .and_then(|cl| Resolver::new(cl, args.config.as_deref()));
    let mut resolver = match resolver {
        Ok(resolver) => resolver,
        Err(errors) => {
            for err in errors {
                eprintln!("error: {err}");
            }
            return EXIT_USAGE;
        }
    };
    let (inputs, mut input_errors) =
        discover::collect_with(&args.paths, |path, root| resolver.is_excluded(path, root));
    // Options are resolved here, in order, so each configuration file is read once; a broken
    // one stops the run before anything is linted.
    let jobs: Vec<Job> = inputs
        .iter()
        .map(|input| {
            let options = match input {
                Input::Stdin => resolver.options_for_stdin(args.stdin_filename.as_deref()),
                Input::File { path, .. } => resolver.options_for_file(path),
            };
            (input, options)
        })
        .collect();
    if !resolver.errors().is_empty() {
        for err in resolver.errors() {
            eprintln!("error: {err}");
        }
        for err in &input_errors {
            eprintln!("error: cannot read {}: {}", err.path.display(), err.message);
        }
        return EXIT_USAGE;
    }
    // Standard input is read here, once; files are read by the workers.
    let mut stdin_bytes = None;
    if inputs.contains(&Input::Stdin) {
        let mut bytes = Vec::new();
        match std::io::stdin().read_to_end(&mut bytes) {
            Ok(_) => stdin_bytes = Some(bytes),
            Err(err) => input_errors.push(discover::InputError {
                path: PathBuf::from("-"),
                message: err.to_string(),
            }),
        }
    }
    let stdin_name = args
        .stdin_filename
        .clone()
        .unwrap_or_else(|| "<stdin>".into());
    let lint_one = |(input, options): &Job| -> Result<Option<FileReport>, discover::InputError> {
        let (name, bytes, selection) = match input {
            Input::Stdin => match &stdin_bytes {
                Some(bytes) => (stdin_name.clone(), bytes.clone(), Selection::Always),
                None => return Ok(None),
            },
            Input::File { path, selection } => match std::fs::read(path) {
                Ok(bytes) => (path.display().to_string(), bytes, *selection),
                Err(err) => {
                    return Err(discover::InputError {
                        path: path.clone(),
                        message: err.to_string(),
                    })
                }
            },
        };
        Ok(lint::lint_bytes(&name, bytes, selection, options))
    };
    let mut reports: Vec<FileReport> = Vec::with_capacity(jobs.len());
    for outcome in in_parallel(&jobs, lint_one) {
        match outcome {
            Ok(Some(report)) => reports.push(report),
            Ok(None) => {}
            Err(err) => input_errors.push(err),
        }
    }
    lint_references(&mut reports, &mut input_errors, &mut resolver);

    if args.fix || args.diff {
        let fixed = apply_fixes(args, &mut reports, &mut resolver, &stdin_name, out);
        if args.diff {
            for err in &input_errors {
                eprintln!("error: cannot read {}: {}", err.path.display(), err.message);
            }
            return match fixed {
                _ if !input_errors.is_empty() => EXIT_USAGE,
                Err(()) => EXIT_USAGE,
                Ok(0) => EXIT_OK,
                Ok(_) => EXIT_FINDINGS,
            };
        }
        if fixed.is_err() {
            return EXIT_USAGE;
        }
    }
    if let Some(path) = &args.write_baseline {
        return match baseline::write(path, &reports) {
            Ok(n) => {
                eprintln!("recorded {n} findings in {}", path.display());
                for err in &input_errors {
                    eprintln!("error: cannot read {}: {}", err.path.display(), err.message);
                }
                if input_errors.is_empty() {
                    EXIT_OK
                } else {
                    EXIT_USAGE
                }
            }
            Err(err) => {
                eprintln!("error: {err}");
                EXIT_USAGE
            }
        };
    }
    let mut summary = Summary::of(&reports);
    // Each file's baseline: --baseline, else its configuration's `baseline`.
    let baselines: Vec<Option<PathBuf>> = reports
        .iter()
        .map(|r| match &args.baseline {
            Some(path) => Some(path.clone()),
            None if r.source.name == stdin_name => resolver
                .options_for_stdin(args.stdin_filename.as_deref())
                .baseline
                .clone(),
            None => resolver
                .options_for_file(Path::new(&r.source.name))
                .baseline
                .clone(),
        })
        .collect();
    if baselines.iter().any(Option::is_some) {
        match baseline::apply(&mut reports, &baselines) {
            Ok(applied) => {
                summary = Summary {
                    baseline: Some(applied),
                    ..Summary::of(&reports)
                }
            }
            Err(err) => {
                eprintln!("error: {err}");
                return EXIT_USAGE;
            }
        }
    }

    let rendered = match args.format {
        Format::Json => json::render_with(&reports, summary),
        Format::Human => {
            let style = human::Style {
                color: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
                width: terminal_width(),
            };
            human::render_with(&reports, &style, summary)
        }
    };
    let _ = out.write_all(rendered.as_bytes());
    for err in &input_errors {
        eprintln!("error: cannot read {}: {}", err.path.display(), err.message);
    }

    if !input_errors.is_empty() {
        return EXIT_USAGE;
    }
    let failed = args.fail_on.threshold().is_some_and(|threshold| {
        reports
            .iter()
            .flat_map(|r| &r.diagnostics)
            .any(|d| d.severity >= threshold)
    });
    if failed {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// `--fix` and `--diff`: fixes every report's file (writing it, or printing the diff to `out`),
/// and replaces the report with what the fixed text lints to. Returns how many files changed.
fn apply_fixes(
    args: &LintArgs,
    reports: &mut [FileReport],
    resolver: &mut Resolver,
    stdin_name: &str,
    out: &mut impl Write,
) -> Result<usize, ()> {
    if args.fix && !args.diff && args.paths.iter().any(|p| p.as_os_str() == "-") {
        eprintln!("error: --fix cannot rewrite standard input; use --diff to see the fixes");
        return Err(());
    }
    // A definition file a template deploys is re-linted in that template's context.
    let contexts: Vec<(String, lint::MachineContext)> = reports
        .iter()
        .flat_map(|r| &r.references)
        .map(|r| (r.path.display().to_string(), r.context.clone()))
        .collect();
    let (mut files, mut findings, mut rejected, mut unsafe_left) = (0, 0, 0, 0);
    let mut done: std::collections::HashSet<String> = std::collections::HashSet::new();
    for report in reports.iter_mut() {
        let name = report.source.name.clone();
        let wanted = |d: &crate::diagnostic::Diagnostic| {
            d.fix
                .as_ref()
                .is_some_and(|f| fix::allowed(f, args.unsafe_fixes))
        };
        if !report.diagnostics.iter().any(wanted) || !done.insert(name.clone()) {
            continue;
        }
        let options = if name == stdin_name {
            resolver.options_for_stdin(args.stdin_filename.as_deref())
        } else {
            resolver.options_for_file(Path::new(&name))
        };
        let context = contexts.iter().find(|(n, _)| *n == name).map(|(_, c)| c);
        let relint = |text: &str| -> Vec<crate::diagnostic::Diagnostic> {
            let bytes = text.as_bytes().to_vec();
            match context {
                Some(context) => lint::lint_referenced(&name, bytes, context, &options).diagnostics,
                None => lint::lint_bytes(&name, bytes, Selection::Always, &options)
                    .map(|r| r.diagnostics)
                    .unwrap_or_default(),
            }
        };
        let outcome = fix::fix_text(
            &report.source.text,
            report.diagnostics.clone(),
            args.unsafe_fixes,
            relint,
        );
        rejected += outcome.rejected.len();
        if !outcome.changed() {
            continue;
        }
        if args.diff {
            let shown = name.strip_prefix("./").unwrap_or(&name);
            let diff = fix::unified_diff(shown, &report.source.text, &outcome.text);
            let _ = out.write_all(diff.as_bytes());
        } else if let Err(err) = std::fs::write(&name, &outcome.text) {
            eprintln!("error: cannot write {name}: {err}");
            return Err(());
        }
        files += 1;
        findings += outcome.applied.len();
        *report = FileReport {
            source: crate::source::SourceFile::new(name, outcome.text),
            diagnostics: outcome.diagnostics,
            references: std::mem::take(&mut report.references),
        };
    }
    if !args.unsafe_fixes {
        unsafe_left = reports
            .iter()
            .flat_map(|r| &r.diagnostics)
            .filter(|d| d.fix.as_ref().is_some_and(|f| !fix::allowed(f, false)))
            .count();
    }
    let verb = if args.diff { "would fix" } else { "fixed" };
    eprintln!("{verb} {findings} findings in {files} files");
    if unsafe_left > 0 {
        eprintln!("{unsafe_left} more with --unsafe-fixes (they change behaviour: review them)");
    }
    if rejected > 0 {
        eprintln!("{rejected} fixes not applied: the file would not have linted cleaner");
    }
    Ok(files)
}

/// `asl-lint graph`: prints one machine of a file as Mermaid or DOT.
fn graph(args: &GraphArgs, out: &mut impl Write) -> i32 {
    let mut resolver = match Resolver::new(CommandLine::default(), args.config.as_deref()) {
        Ok(resolver) => resolver,
        Err(errors) => {
            for err in errors {
                eprintln!("error: {err}");
            }
            return EXIT_USAGE;
        }
    };
    let options = resolver.options_for_file(&args.path);
    if let Some(err) = resolver.errors().first() {
        eprintln!("error: {err}");
        return EXIT_USAGE;
    }
    let name = args.path.display().to_string();
    let bytes = match std::fs::read(&args.path) {
        Ok(bytes) => bytes,
        Err(err) => {
            eprintln!("error: cannot read {name}: {err}");
            return EXIT_USAGE;
        }
    };
    let mut skipped = Vec::new();
    let found = match graph::machines(&name, bytes, &options, &mut skipped) {
        Ok(found) => found,
        Err(err) => {
            eprintln!("error: {err}");
            return EXIT_USAGE;
        }
    };
    for note in &skipped {
        eprintln!("note: {note}");
    }
    let ids: Vec<&str> = found.iter().filter_map(|m| m.machine.as_deref()).collect();
    let chosen = match (&args.machine, found.len()) {
        (None, 1) => &found[0],
        (None, 0) => {
            eprintln!("error: {name} has no state machine that can be drawn");
            return EXIT_USAGE;
        }
        (None, n) => {
            eprintln!(
                "error: {name} declares {n} state machines ({}); choose one with --machine",
                ids.join(", ")
            );
            return EXIT_USAGE;
        }
        (Some(id), _) => match found
            .iter()
            .find(|m| m.machine.as_deref() == Some(id.as_str()))
        {
            Some(m) => m,
            None => {
                let hint = did_you_mean(id, ids.iter().copied())
                    .map(|s| format!(" (did you mean '{s}'?)"))
                    .unwrap_or_default();
                let list = if ids.is_empty() {
                    "it is a single definition, so leave out --machine".to_string()
                } else {
                    format!("it declares {}", ids.join(", "))
                };
                eprintln!("error: {name} has no state machine '{id}'{hint}: {list}");
                return EXIT_USAGE;
            }
        },
    };
    let format = match args.format {
        GraphFormat::Mermaid => graph::Format::Mermaid,
        GraphFormat::Dot => graph::Format::Dot,
    };
    let _ = out.write_all(chosen.render(format).as_bytes());
    EXIT_OK
}

/// Definition files a template names (`DefinitionUri`) are linted again in that template's
/// context (workflow type, substitutions, machine name), replacing a plain lint of the same file.
fn lint_references(
    reports: &mut Vec<FileReport>,
    input_errors: &mut Vec<discover::InputError>,
    resolver: &mut Resolver,
) {
    let references: Vec<lint::Reference> = reports
        .iter()
        .flat_map(|r| r.references.iter().cloned())
        .collect();
    if references.is_empty() {
        return;
    }
    let canonical = |p: &std::path::Path| std::fs::canonicalize(p).ok();
    let referenced: std::collections::HashSet<PathBuf> = references
        .iter()
        .filter_map(|r| canonical(&r.path))
        .collect();
    reports.retain(|r| {
        canonical(std::path::Path::new(&r.source.name)).is_none_or(|p| !referenced.contains(&p))
    });
    // Each file's own configuration (its overrides, its rule settings) applies to it.
    let jobs: Vec<(&lint::Reference, Arc<LintOptions>)> = references
        .iter()
        .map(|r| (r, resolver.options_for_file(&r.path)))
        .collect();
    let lint_one = |(r, own): &(&lint::Reference, Arc<LintOptions>)| match std::fs::read(&r.path) {
        Ok(bytes) => Ok(lint::lint_referenced(
            &r.path.display().to_string(),
            bytes,
            &r.context,
            own,
        )),
        Err(err) => Err(discover::InputError {
            path: r.path.clone(),
            message: err.to_string(),
        }),
    };
    for outcome in in_parallel(&jobs, lint_one) {
        match outcome {
            Ok(report) => reports.push(report),
            Err(err) => input_errors.push(err),
        }
    }
}

/// Maps `f` over `items` on up to one thread per core, keeping the results in input order.
fn in_parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let mut results: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else {
                            return done;
                        };
                        done.push((i, f(item)));
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| {
                w.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|&w: &usize| w >= 40)
        .unwrap_or(100)
}
