//! Command line: argument parsing, reading inputs, choosing the reporter, exit codes.

use std::collections::HashSet;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::baseline;
use crate::config::{normalize, CommandLine};
use crate::diagnostic::Severity;
use crate::engine::{ConfigErrors, Engine};
use crate::files::{self, DEFAULT_MAX_FILE_SIZE};
use crate::fix;
use crate::lint::FileReport;
use crate::model::WorkflowType;
use crate::report::{ci, color, concise, graph, human, json, plural, sarif, Reporter, Summary};
use crate::rules::{self, RULES};
use crate::suggest::did_you_mean;

mod policy;

pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_USAGE: i32 = 2;

const AFTER_HELP: &str = "\
Exit codes:
  0  nothing at or above --fail-on was found
  1  findings at or above --fail-on (with --diff: there are fixes to apply)
  2  usage error, invalid configuration, a path that could not be read, or (with
     --error-on-empty) no state machine in the paths

Colour (the human format only), highest precedence first:
  --color always|never          beats everything below
  NO_COLOR=1                    no colour
  FORCE_COLOR=1, CLICOLOR_FORCE=1   colour even when stdout is not a terminal (CI logs)
  otherwise                     colour when stdout is a terminal (not with TERM=dumb or CLICOLOR=0)

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
    /// Print the version
    Version,
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
    /// A definition file, or a template that declares state machines; `-` reads standard input
    #[arg(value_name = "PATH")]
    path: PathBuf,
    /// Name to use for standard input (its configuration and template context)
    #[arg(long, value_name = "NAME")]
    stdin_filename: Option<String>,
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
    /// When to colour the human format: auto (a terminal, unless NO_COLOR is set; FORCE_COLOR
    /// or CLICOLOR_FORCE colour any output), always, never
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorArg::Auto)]
    color: ColorArg,
    /// Exit with 2 when the paths hold no state machine (a mistyped path in CI)
    #[arg(long)]
    error_on_empty: bool,
    /// Write the report to FILE (completely or not at all; never over an input of the run);
    /// the terminal still gets the one-line summary
    #[arg(long, value_name = "FILE")]
    output_file: Option<PathBuf>,
    /// Workflow type the definitions are deployed as (used by rules that depend on it)
    /// [default: a matching [[overrides]] entry's, else the template's, else the configuration's, else standard]
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
    /// Read every file when looking for the templates of a named definition, instead of
    /// trusting what the scan cache (in ~/.cache/asl-lint, or ASL_LINT_CACHE_DIR) recorded
    #[arg(long)]
    no_cache: bool,
    /// Apply safe fixes in place, then report what remains. Writes only the named files and
    /// the files under named directories, each completely or not at all; never standard input
    /// or YAML under an anchor or alias (see rules/FIXES.md)
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
enum ColorArg {
    Auto,
    Always,
    Never,
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
    // Not locked for the whole run: the language server writes from its own thread.
    let mut stdout = std::io::stdout();
    let code = run(std::env::args_os(), &mut stdout);
    match stdout.flush() {
        Ok(()) => code,
        Err(err) => write_failed(&err).max(code),
    }
}

/// Runs the command line `args` (the program's name first) with `stdout` as its standard
/// output; the fix_roundtrip fuzz target drives `--fix` through here in-process.
pub fn run<I, T>(args: I, stdout: &mut dyn Write) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
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
    match cli.command {
        Some(Command::Rules) => match stdout.write_all(rules_table().as_bytes()) {
            Ok(()) => EXIT_OK,
            Err(err) => write_failed(&err),
        },
        Some(Command::Explain { rule }) => explain(&rule, stdout),
        Some(Command::Graph(args)) => graph(&args, stdout),
        Some(Command::Policy(args)) => policy(&args, stdout),
        Some(Command::Version) => {
            match writeln!(stdout, "asl-lint {}", env!("CARGO_PKG_VERSION")) {
                Ok(()) => EXIT_OK,
                Err(err) => write_failed(&err),
            }
        }
        // The server speaks on the process's own standard streams, from its own threads.
        Some(Command::Lsp) => crate::lsp::run(),
        None => run_lint(&cli.lint, stdout),
    }
}

/// The exit code after output to standard output failed: a closed pipe (`| head`) is the
/// reader's choice and ends quietly; anything else (a full disk) is an error.
fn write_failed(err: &std::io::Error) -> i32 {
    if err.kind() == std::io::ErrorKind::BrokenPipe {
        return EXIT_OK;
    }
    eprintln!(
        "error: cannot write to standard output: {}",
        files::io_message(err)
    );
    EXIT_USAGE
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

fn explain(id: &str, out: &mut dyn Write) -> i32 {
    match rules::find(id) {
        Some(rule) => match out.write_all(rule.doc.as_bytes()) {
            Ok(()) => EXIT_OK,
            Err(err) => write_failed(&err),
        },
        None => {
            let hint = rules::closest_id(id)
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
                let hint = rules::closest_id(id)
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
    // Writing over a named input would destroy it: refused before anything runs (inputs found
    // by walking are checked again before the report replaces anything).
    for (flag, target) in [
        ("--output-file", &args.output_file),
        ("--write-baseline", &args.write_baseline),
    ] {
        if let Some(target) = target {
            if let Some(input) = named_input(&args.paths, target) {
                eprintln!(
                    "error: {flag} {} would overwrite {}, an input of this run; choose another file",
                    target.display(),
                    input.display()
                );
                return EXIT_USAGE;
            }
        }
    }
    let engine = match command_line(args)
        .map_err(|e| ConfigErrors(vec![e]))
        .and_then(|cl| Engine::new(cl, args.config.as_deref()))
    {
        Ok(engine) => engine
            .with_max_file_size(args.max_file_size)
            .with_cache(!args.no_cache),
        Err(ConfigErrors(errors)) => {
            for err in errors {
                eprintln!("error: {err}");
            }
            return EXIT_USAGE;
        }
    };
    let mut report_file = match &args.output_file {
        Some(path) => match files::PendingFile::create(path) {
            Ok(file) => Some(file),
            Err(err) => {
                eprintln!("error: {err}");
                return EXIT_USAGE;
            }
        },
        None => None,
    };
    let mut reporter = reporter(args.format, args.color);
    let mut run = LintRun {
        args,
        engine: &engine,
        scope: FixScope::new(&args.paths),
        summary: Summary::default(),
        failed: false,
        baselines: baseline::Baselines::default(),
        recorder: args.write_baseline.as_deref().map(baseline::Recorder::new),
        fixes: FixCounts::default(),
        errors: Vec::new(),
        reported_files: 0,
        inputs: Inputs::new(args),
        output: OutputState::default(),
    };
    let outcome = {
        let out: &mut dyn Write = match &mut report_file {
            Some(file) => file,
            None => &mut *stdout,
        };
        engine.run(&args.paths, args.stdin_filename.as_deref(), &mut |report| {
            run.report(report, &mut *reporter, out)
        })
    };
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
    for path in engine.configuration_files() {
        run.inputs.note(&path);
    }
    let mut usage_error = !outcome.input_errors.is_empty() || !run.errors.is_empty();
    for err in &run.errors {
        eprintln!("error: {err}");
    }
    if args.fix || args.diff {
        run.fixes.print(args.diff, args.unsafe_fixes);
    }
    for err in &outcome.input_errors {
        eprintln!("error: cannot read {}: {}", err.path.display(), err.message);
    }
    // Nothing linted, and no path to blame: most likely the wrong directory.
    let empty = run.reported_files == 0 && outcome.input_errors.is_empty();
    if empty {
        let level = if args.error_on_empty {
            "error"
        } else {
            "warning"
        };
        eprintln!(
            "{level}: no state machine found in {}: asl-lint lints *.asl.json, *.asl.yaml and *.asl.yml files, and JSON, YAML and Terraform files that hold a definition or declare state machines",
            shown_paths(args)
        );
        usage_error |= args.error_on_empty;
    }
    if let Some(recorder) = run.recorder {
        let target = args.write_baseline.as_deref().unwrap_or(Path::new(""));
        if let Some(err) = overwrites_input(&run.inputs, "--write-baseline", target) {
            eprintln!("error: {err}; nothing was written there");
            usage_error = true;
        } else {
            match recorder.write() {
                Ok(n) => eprintln!(
                    "recorded {} in {}",
                    plural(n, "finding", "findings"),
                    target.display()
                ),
                Err(err) => {
                    eprintln!("error: {err}");
                    usage_error = true;
                }
            }
        }
    } else if !args.diff {
        let out: &mut dyn Write = match &mut report_file {
            Some(file) => file,
            None => &mut *stdout,
        };
        run.output
            .record(reporter.finish(&summary, out).and_then(|()| out.flush()));
    }
    // The report replaces its file only now, complete, and never over an input.
    if let (Some(file), Some(path)) = (report_file, &args.output_file) {
        let refused = overwrites_input(&run.inputs, "--output-file", path);
        let result = match (refused, run.output.failed.take()) {
            (Some(err), _) => Err(err),
            (None, Some(err)) => Err(format!(
                "cannot write {}: {}",
                path.display(),
                files::io_message(&err)
            )),
            (None, None) => file.commit().map_err(|e| e.to_string()),
        };
        match result {
            Ok(()) if args.write_baseline.is_none() && !args.diff => {
                if let Err(err) = writeln!(stdout, "{}", summary.line()) {
                    run.output.record(Err(err));
                }
            }
            Ok(()) => {}
            Err(err) => {
                eprintln!("error: {err}; nothing was written there");
                usage_error = true;
            }
        }
    }
    if let Some(err) = run.output.failed.take() {
        eprintln!(
            "error: cannot write the report to standard output: {}",
            files::io_message(&err)
        );
        usage_error = true;
    }
    if usage_error {
        EXIT_USAGE
    } else if (args.diff && run.fixes.files > 0) || (!args.diff && run.failed) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// The paths a run was given, as the empty-run message names them.
fn shown_paths(args: &LintArgs) -> String {
    let shown: Vec<String> = args
        .paths
        .iter()
        .map(|p| match (p.as_os_str() == "-", &args.stdin_filename) {
            (true, Some(name)) => format!("standard input ({name})"),
            (true, None) => "standard input".to_string(),
            (false, _) => p.display().to_string(),
        })
        .collect();
    shown.join(", ")
}

/// The named file `target` is (the same file by any name), if any.
fn named_input<'p>(paths: &'p [PathBuf], target: &Path) -> Option<&'p Path> {
    let id = files::FileId::of(target)?;
    paths
        .iter()
        .filter(|p| p.as_os_str() != "-")
        .find(|p| files::FileId::of(p) == Some(id))
        .map(PathBuf::as_path)
}

/// The run's inputs that are also its output files. Only the outputs (as they are before the
/// run) are looked for: a run that writes none stats nothing and holds nothing per file.
struct Inputs {
    targets: Vec<files::FileId>,
    read: HashSet<files::FileId>,
}

impl Inputs {
    fn new(args: &LintArgs) -> Inputs {
        Inputs {
            targets: [&args.output_file, &args.write_baseline]
                .into_iter()
                .flatten()
                .filter_map(|p| files::FileId::of(p))
                .collect(),
            read: HashSet::new(),
        }
    }

    /// `path` was read by the run.
    fn note(&mut self, path: &Path) {
        if self.targets.is_empty() {
            return;
        }
        if let Some(id) = files::FileId::of(path) {
            if self.targets.contains(&id) {
                self.read.insert(id);
            }
        }
    }
}

/// Why `target` must not be written, when it is one of the run's inputs.
fn overwrites_input(inputs: &Inputs, flag: &str, target: &Path) -> Option<String> {
    let id = files::FileId::of(target)?;
    inputs.read.contains(&id).then(|| {
        format!(
            "{flag} {} is also an input of this run (a linted file, a configuration or a baseline)",
            target.display()
        )
    })
}

/// What happened to the report's output: the first write error stops further writing. A
/// closed pipe (`asl-lint . | head`) is not an error: the reader has all it wanted.
#[derive(Default)]
struct OutputState {
    failed: Option<std::io::Error>,
    closed: bool,
}

impl OutputState {
    fn writable(&self) -> bool {
        self.failed.is_none() && !self.closed
    }

    fn record(&mut self, result: std::io::Result<()>) {
        match result {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => self.closed = true,
            Err(e) => {
                if self.failed.is_none() {
                    self.failed = Some(e);
                }
            }
        }
    }
}

fn reporter(format: Format, color: ColorArg) -> Box<dyn Reporter> {
    let choice = match color {
        ColorArg::Auto => color::Choice::Auto,
        ColorArg::Always => color::Choice::Always,
        ColorArg::Never => color::Choice::Never,
    };
    match format {
        Format::Human => Box::new(human::Human::new(human::Style {
            color: color::from_env(choice, std::io::stdout().is_terminal()),
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

const SUBCOMMANDS: &[&str] = &["rules", "explain", "graph", "policy", "lsp", "version"];

/// What the command line does with each report as the engine hands it over.
struct LintRun<'a> {
    args: &'a LintArgs,
    engine: &'a Engine,
    /// Which files `--fix` may write.
    scope: FixScope,
    summary: Summary,
    failed: bool,
    baselines: baseline::Baselines,
    recorder: Option<baseline::Recorder>,
    fixes: FixCounts,
    /// Problems found while handling reports (a bad baseline, a file that cannot be written).
    errors: Vec<String>,
    /// Files reported: none means the paths hold no state machine.
    reported_files: usize,
    /// The files the run read that an output would replace.
    inputs: Inputs,
    output: OutputState,
}

impl LintRun<'_> {
    fn report(&mut self, mut report: FileReport, reporter: &mut dyn Reporter, out: &mut dyn Write) {
        let args = self.args;
        self.reported_files += 1;
        let is_stdin = args.paths.iter().any(|p| p.as_os_str() == "-")
            && report.source.name == args.stdin_filename.as_deref().unwrap_or("<stdin>");
        if !is_stdin {
            self.inputs.note(Path::new(&report.source.name));
        }
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
            self.inputs.note(&path);
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
        if !args.diff && self.output.writable() {
            self.output.record(reporter.file(&report, out));
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
        let fixable = report.diagnostics.iter().filter(|d| wanted(d)).count();
        if fixable == 0 {
            return;
        }
        let name = report.source.name.clone();
        if !is_stdin && !self.scope.covers(Path::new(&name)) {
            self.fixes.skipped.push((name, fixable));
            return;
        }
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
            if self.output.writable() {
                let diff = fix::unified_diff(shown, &report.source.text, &outcome.text);
                self.output.record(out.write_all(diff.as_bytes()));
            }
        } else if let Err(err) = files::write_file(Path::new(&name), outcome.text.as_bytes()) {
            self.errors.push(format!("{err}; the file is unchanged"));
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

/// The files `--fix` may write: those named on the command line and those under a named
/// directory. A definition file linted only because a named template deploys it lies outside
/// unless it is also under a named directory, so a fix never reaches into a directory, or
/// another repository, that the user did not hand over.
struct FixScope {
    files: Vec<PathBuf>,
    dirs: Vec<PathBuf>,
}

impl FixScope {
    fn new(paths: &[PathBuf]) -> FixScope {
        let cwd = std::env::current_dir().unwrap_or_default();
        let mut scope = FixScope {
            files: Vec::new(),
            dirs: Vec::new(),
        };
        for path in paths.iter().filter(|p| p.as_os_str() != "-") {
            let absolute = normalize(&cwd.join(path));
            if path.is_dir() {
                scope.dirs.push(absolute);
            } else {
                scope.files.push(absolute);
            }
        }
        scope
    }

    fn covers(&self, path: &Path) -> bool {
        let cwd = std::env::current_dir().unwrap_or_default();
        let absolute = normalize(&cwd.join(path));
        self.files.contains(&absolute) || self.dirs.iter().any(|d| absolute.starts_with(d))
    }
}

#[derive(Default)]
struct FixCounts {
    files: usize,
    findings: usize,
    rejected: usize,
    unsafe_left: usize,
    /// Files outside the fix scope, with how many fixes they have.
    skipped: Vec<(String, usize)>,
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
        for (name, n) in &self.skipped {
            eprintln!(
                "{} in {name} not applied: it is linted because a template it was given refers to it, \
                 but --fix writes only the files and directories named on the command line; name it to fix it",
                plural(*n, "fix", "fixes")
            );
        }
    }
}

/// `asl-lint graph`: prints one machine of a file as Mermaid or DOT.
fn graph(args: &GraphArgs, out: &mut dyn Write) -> i32 {
    let engine = match Engine::new(CommandLine::default(), args.config.as_deref()) {
        Ok(engine) => engine,
        Err(ConfigErrors(errors)) => {
            for err in errors {
                eprintln!("error: {err}");
            }
            return EXIT_USAGE;
        }
    };
    let stdin = args.path.as_os_str() == "-";
    let path = match (&args.stdin_filename, stdin) {
        (Some(name), true) => PathBuf::from(name),
        (None, true) => PathBuf::from("<stdin>"),
        _ => args.path.clone(),
    };
    engine.options_for_file(&path);
    if let Some(err) = engine.config_errors().first() {
        eprintln!("error: {err}");
        return EXIT_USAGE;
    }
    let name = path.display().to_string();
    let read = if stdin {
        files::read_stdin(engine.max_file_size())
    } else {
        files::read_file(&path, engine.max_file_size())
    };
    let bytes = match read {
        Ok(bytes) => bytes,
        Err(err) => {
            let shown = if stdin { "standard input" } else { &name };
            eprintln!("error: cannot read {shown}: {err}");
            return EXIT_USAGE;
        }
    };
    let mut skipped = Vec::new();
    let found = match graph::machines(&engine, &path, bytes, &mut skipped) {
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
    let picture = chosen.render(format);
    if format == graph::Format::Mermaid && picture.len() > MERMAID_MAX_TEXT {
        eprintln!(
            "note: this diagram is {} characters long; Mermaid renders at most {MERMAID_MAX_TEXT} \
             unless its `maxTextSize` is raised (GitHub does not raise it); --format dot has no such limit",
            picture.len()
        );
    }
    if let Err(err) = out.write_all(picture.as_bytes()).and_then(|()| out.flush()) {
        return write_failed(&err);
    }
    EXIT_OK
}

/// Mermaid's default `maxTextSize`: a longer diagram shows an error instead of the picture.
const MERMAID_MAX_TEXT: usize = 50_000;

/// `asl-lint policy`: prints the least-privilege policy of one machine.
fn policy(args: &PolicyArgs, out: &mut dyn Write) -> i32 {
    use policy::{self as command, Format};
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
            match out
                .write_all(printed.text.as_bytes())
                .and_then(|()| out.flush())
            {
                Ok(()) => EXIT_OK,
                Err(err) => write_failed(&err),
            }
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
