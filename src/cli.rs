//! Command line: argument parsing, reading inputs, choosing the reporter, exit codes.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::{CommandLine, LintOptions, Resolver};
use crate::diagnostic::Severity;
use crate::discover::{self, Input};
use crate::lint::{self, FileReport, Selection};
use crate::model::WorkflowType;
use crate::report::{human, json};
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

    let rendered = match args.format {
        Format::Json => json::render(&reports),
        Format::Human => {
            let style = human::Style {
                color: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
                width: terminal_width(),
            };
            human::render(&reports, &style)
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
