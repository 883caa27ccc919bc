//! Command line: argument parsing, reading inputs, choosing the reporter, exit codes.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::baseline;
use crate::config::CommandLine;
use crate::diagnostic::Severity;
use crate::engine::{read::DEFAULT_MAX_FILE_SIZE, ConfigErrors, Engine};
use crate::fix;
use crate::lint::FileReport;
use crate::model::WorkflowType;
use crate::report::{ci, concise, graph, human, json, plural, sarif, Reporter, Summary};
use crate::rules::{self, RULES};
use crate::suggest::did_you_mean;

pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_USAGE: i32 = 2;

const AFTER_HELP: &str = "\
Exit codes:
  0  nothing at or above --fail-on was found
  1  findings at or above --fail-on (with --diff: there are fixes to apply)
  2  usage error, invalid configuration, or a path that could not be read

Examples:
  asl-lint .                                     lint every definition and template below here
  asl-lint --format sarif --output-file asl-lint.sarif .   write a SARIF report for code scanning";

#[derive(Parser, Debug)]
#[command(
    name = "asl-lint",
    version,
    about = "Lint AWS Step Functions state machines (Amazon States Language)",
    args_conflicts_with_subcommands = true,
    after_help = AFTER_HELP
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
    /// Print the least-privilege IAM policy a state machine's execution role needs
    Policy(PolicyArgs),
    /// Run a Language Server Protocol server on stdin and stdout, for editors
    Lsp,
}

#[derive(Args, Debug)]
struct PolicyArgs {
    /// A definition file, or a template that declares state machines
    #[arg(value_name = "PATH")]
    path: PathBuf,
    /// The machine, by its logical id, when the file declares several (or a definition is
    /// deployed by several templates)
    #[arg(long, value_name = "ID")]
    machine: Option<String>,
    /// Output: an IAM policy document (json, yaml) or SAM Policies entries (sam)
    #[arg(long, value_enum, default_value_t = PolicyFormat::Json)]
    format: PolicyFormat,
    /// Configuration file to use, instead of the nearest .asl-lint.toml
    #[arg(long, value_name = "PATH")]
    config: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum PolicyFormat {
    Json,
    Yaml,
    Sam,
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
    /// Write the report to FILE; the terminal still gets the one-line summary
    #[arg(long, value_name = "FILE")]
    output_file: Option<PathBuf>,
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
    /// Inputs larger than this many bytes are reported, not read
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_FILE_SIZE)]
    max_file_size: u64,
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
    /// Source snippets with underlines and help
    Human,
    /// One JSON document (version 1)
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers
    Sarif,
    /// GitHub Actions workflow commands: annotations on the pull request
    Github,
    /// A GitLab Code Quality report
    Gitlab,
    /// One line per finding: path:line:col: severity[rule] message
    Concise,
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
        Some(Command::Policy(args)) => policy(&args, &mut stdout),
        Some(Command::Lsp) => {
            // The server writes from its own thread, which this lock would block.
            drop(stdout);
            return crate::lsp::run();
        }
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

fn run_lint(args: &LintArgs, stdout: &mut dyn Write) -> i32 {
    if args.unsafe_fixes && !(args.fix || args.diff) {
        eprintln!("error: --unsafe-fixes needs --fix or --diff");
        return EXIT_USAGE;
    }
    if args.fix && !args.diff && args.paths.iter().any(|p| p.as_os_str() == "-") {
        eprintln!("error: --fix cannot rewrite standard input; use --diff to see the fixes");
        return EXIT_USAGE;
    }
    if let Some(message) = mistyped_subcommand(&args.paths) {
        eprintln!("error: {message}");
        return EXIT_USAGE;
    }
    let engine = match command_line(args)
        .map_err(|e| ConfigErrors(vec![e]))
        .and_then(|cl| Engine::new(cl, args.config.as_deref()))
    {
        Ok(engine) => engine.with_max_file_size(args.max_file_size),
        Err(ConfigErrors(errors)) => {
            for err in errors {
                eprintln!("error: {err}");
            }
            return EXIT_USAGE;
        }
    };
    let mut file_out;
    let out: &mut dyn Write = match &args.output_file {
        Some(path) => match std::fs::File::create(path) {
            Ok(file) => {
                file_out = std::io::BufWriter::new(file);
                &mut file_out
            }
            Err(err) => {
                eprintln!("error: cannot write {}: {err}", path.display());
                return EXIT_USAGE;
            }
        },
        None => stdout,
    };
    let mut reporter = reporter(args.format);
    let mut run = LintRun {
        args,
        engine: &engine,
        summary: Summary::default(),
        failed: false,
        baselines: baseline::Baselines::default(),
        recorder: args.write_baseline.as_deref().map(baseline::Recorder::new),
        fixes: FixCounts::default(),
        errors: Vec::new(),
    };
    let outcome = engine.run(&args.paths, args.stdin_filename.as_deref(), &mut |report| {
        run.report(report, &mut *reporter, out)
    });
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(ConfigErrors(errors)) => {
            for err in errors {
                eprintln!("error: {err}");
            }
            return EXIT_USAGE;
        }
    };
    let mut summary = run.summary;
    summary.baseline = run.baselines.applied();
    let mut usage_error = !outcome.input_errors.is_empty() || !run.errors.is_empty();
    for err in &run.errors {
        eprintln!("error: {err}");
    }
    if args.fix || args.diff {
        run.fixes.print(args.diff, args.unsafe_fixes);
    }
    if let Some(recorder) = run.recorder {
        match recorder.write() {
            Ok(n) => eprintln!(
                "recorded {} in {}",
                plural(n, "finding", "findings"),
                args.write_baseline
                    .as_deref()
                    .unwrap_or(Path::new(""))
                    .display()
            ),
            Err(err) => {
                eprintln!("error: {err}");
                usage_error = true;
            }
        }
    } else if !args.diff {
        let _ = reporter.finish(&summary, out);
        let _ = out.flush();
        if args.output_file.is_some() {
            let _ = writeln!(stdout, "{}", summary.line());
        }
    }
    for err in &outcome.input_errors {
        eprintln!("error: cannot read {}: {}", err.path.display(), err.message);
    }
    if usage_error {
        EXIT_USAGE
    } else if (args.diff && run.fixes.files > 0) || (!args.diff && run.failed) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

fn reporter(format: Format) -> Box<dyn Reporter> {
    match format {
        Format::Human => Box::new(human::Human::new(human::Style {
            color: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
            width: terminal_width(),
        })),
        Format::Json => Box::new(json::Json::default()),
        Format::Sarif => Box::new(sarif::Sarif::default()),
        Format::Github => Box::new(ci::Github),
        Format::Gitlab => Box::new(ci::Gitlab::default()),
        Format::Concise => Box::new(concise::Concise),
    }
}

/// `asl-lint explian x`: a first path that does not exist and is close to a subcommand's
/// name was most likely meant as that subcommand.
fn mistyped_subcommand(paths: &[PathBuf]) -> Option<String> {
    let first = paths.first()?.to_str()?;
    if first.contains(['/', '.', '\\']) || Path::new(first).exists() {
        return None;
    }
    let hint = did_you_mean(first, SUBCOMMANDS.iter().copied())?;
    Some(format!(
        "'{first}' is neither a file nor a subcommand; did you mean `asl-lint {hint}`?"
    ))
}

const SUBCOMMANDS: &[&str] = &["rules", "explain", "graph", "policy", "lsp"];

/// What the command line does with each report as the engine hands it over.
struct LintRun<'a> {
    args: &'a LintArgs,
    engine: &'a Engine,
    summary: Summary,
    failed: bool,
    baselines: baseline::Baselines,
    recorder: Option<baseline::Recorder>,
    fixes: FixCounts,
    /// Problems found while handling reports (a bad baseline, a file that cannot be written).
    errors: Vec<String>,
}

impl LintRun<'_> {
    fn report(&mut self, mut report: FileReport, reporter: &mut dyn Reporter, out: &mut dyn Write) {
        let args = self.args;
        let is_stdin = args.paths.iter().any(|p| p.as_os_str() == "-")
            && report.source.name == args.stdin_filename.as_deref().unwrap_or("<stdin>");
        if args.fix || args.diff {
            self.fix(&mut report, is_stdin, out);
        }
        if let Some(recorder) = &mut self.recorder {
            recorder.add(&report);
            return;
        }
        let baseline = match &args.baseline {
            Some(path) => Some(path.clone()),
            None if is_stdin => self
                .engine
                .options_for_stdin(args.stdin_filename.as_deref())
                .baseline
                .clone(),
            None => self
                .engine
                .options_for_file(Path::new(&report.source.name))
                .baseline
                .clone(),
        };
        if let Some(path) = baseline {
            if let Err(err) = self.baselines.filter(&mut report, &path) {
                if !self.errors.contains(&err) {
                    self.errors.push(err);
                }
            }
        }
        self.summary.add(&report);
        self.failed |= args
            .fail_on
            .threshold()
            .is_some_and(|t| report.diagnostics.iter().any(|d| d.severity >= t));
        if !args.diff {
            let _ = reporter.file(&report, out);
        }
    }

    /// `--fix` and `--diff`: fixes the report's file (writing it, or printing the diff), and
    /// replaces the report with what the fixed text lints to.
    fn fix(&mut self, report: &mut FileReport, is_stdin: bool, out: &mut dyn Write) {
        let unsafe_fixes = self.args.unsafe_fixes;
        let wanted = |d: &crate::diagnostic::Diagnostic| {
            d.fix
                .as_ref()
                .is_some_and(|f| fix::allowed(f, unsafe_fixes))
        };
        if !unsafe_fixes {
            self.fixes.unsafe_left += report
                .diagnostics
                .iter()
                .filter(|d| d.fix.as_ref().is_some_and(|f| !fix::allowed(f, false)))
                .count();
        }
        if !report.diagnostics.iter().any(wanted) {
            return;
        }
        let name = report.source.name.clone();
        let engine = self.engine;
        // The fixed text is linted exactly as the file was: same project, same templates.
        let relint = |text: &str| {
            engine
                .relint(&name, is_stdin, text.as_bytes().to_vec())
                .map(|r| r.diagnostics)
                .unwrap_or_default()
        };
        let outcome = fix::fix_text(
            &report.source.text,
            report.diagnostics.clone(),
            unsafe_fixes,
            relint,
        );
        self.fixes.rejected += outcome.rejected.len();
        if !outcome.changed() {
            return;
        }
        if self.args.diff {
            let shown = name.strip_prefix("./").unwrap_or(&name);
            let _ = out
                .write_all(fix::unified_diff(shown, &report.source.text, &outcome.text).as_bytes());
        } else if let Err(err) = std::fs::write(&name, &outcome.text) {
            self.errors.push(format!("cannot write {name}: {err}"));
            return;
        }
        self.fixes.files += 1;
        self.fixes.findings += outcome.applied.len();
        if !unsafe_fixes {
            self.fixes.unsafe_left -= report
                .diagnostics
                .iter()
                .filter(|d| d.fix.as_ref().is_some_and(|f| !fix::allowed(f, false)))
                .count();
            self.fixes.unsafe_left += outcome
                .diagnostics
                .iter()
                .filter(|d| d.fix.as_ref().is_some_and(|f| !fix::allowed(f, false)))
                .count();
        }
        report.source = crate::source::SourceFile::new(name, outcome.text);
        report.diagnostics = outcome.diagnostics;
    }
}

#[derive(Default)]
struct FixCounts {
    files: usize,
    findings: usize,
    rejected: usize,
    unsafe_left: usize,
}

impl FixCounts {
    fn print(&self, diff: bool, unsafe_fixes: bool) {
        let verb = if diff { "would fix" } else { "fixed" };
        eprintln!(
            "{verb} {} in {}",
            plural(self.findings, "finding", "findings"),
            plural(self.files, "file", "files")
        );
        if self.unsafe_left > 0 && !unsafe_fixes {
            eprintln!(
                "{} with --unsafe-fixes (they change behaviour: review them)",
                plural(self.unsafe_left, "more fix", "more fixes")
            );
        }
        if self.rejected > 0 {
            eprintln!(
                "{} not applied: the file would not have linted cleaner",
                plural(self.rejected, "fix", "fixes")
            );
        }
    }
}

/// `asl-lint graph`: prints one machine of a file as Mermaid or DOT.
fn graph(args: &GraphArgs, out: &mut impl Write) -> i32 {
    let engine = match Engine::new(CommandLine::default(), args.config.as_deref()) {
        Ok(engine) => engine,
        Err(ConfigErrors(errors)) => {
            for err in errors {
                eprintln!("error: {err}");
            }
            return EXIT_USAGE;
        }
    };
    engine.options_for_file(&args.path);
    if let Some(err) = engine.config_errors().first() {
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
    let found = match graph::machines(&engine, &args.path, bytes, &mut skipped) {
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

/// `asl-lint policy`: prints the least-privilege policy of one machine.
fn policy(args: &PolicyArgs, out: &mut impl Write) -> i32 {
    use crate::permissions::command::{self, Format};
    let engine = match Engine::new(CommandLine::default(), args.config.as_deref()) {
        Ok(engine) => engine,
        Err(ConfigErrors(errors)) => {
            for err in errors {
                eprintln!("error: {err}");
            }
            return EXIT_USAGE;
        }
    };
    let format = match args.format {
        PolicyFormat::Json => Format::Json,
        PolicyFormat::Yaml => Format::Yaml,
        PolicyFormat::Sam => Format::Sam,
    };
    match command::run(&engine, &args.path, args.machine.as_deref(), format) {
        Ok(printed) => {
            for note in &printed.notes {
                eprintln!("note: {note}");
            }
            let _ = out.write_all(printed.text.as_bytes());
            EXIT_OK
        }
        Err(err) => {
            eprintln!("error: {err}");
            EXIT_USAGE
        }
    }
}

fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|&w: &usize| w >= 40)
        .unwrap_or(100)
}
