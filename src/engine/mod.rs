//! The one entry point that lints a set of paths, used by the command line, the pre-commit
//! hook (which is the command line given file names) and the language server:
//! discovery → the template index of each project → linting on every core → one report per
//! file, handed to the caller in a deterministic order as soon as it is ready.

pub mod cache;
mod early;
pub mod index;
mod indexing;
pub mod ordered;
mod scan;
pub use scan::walks_replayed;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::config::{normalize, CommandLine, LintOptions, Resolver};
use crate::diagnostic::{Diagnostic, Finding, Severity};
use crate::discover::{self, Input, InputError};
pub use crate::files::io_message;
use crate::files::{read_file, read_stdin, ReadError, DEFAULT_MAX_FILE_SIZE};
use crate::hash::{FastMap, FastSet};
use crate::lint::{self, FileReport, MachineContext, Selection};
use crate::rules;
use crate::source::{SourceFile, Span};

use early::EarlyReports;
use index::{Scanner, TemplateIndex};
use indexing::InRun;

/// What to lint and how.
#[derive(Clone, Debug)]
pub struct Request {
    /// Files and directories; `-` is standard input.
    pub paths: Vec<PathBuf>,
    /// `--stdin-filename`: the name standard input is reported (and configured) under.
    pub stdin_name: Option<String>,
    /// `--config`: one configuration file for every input.
    pub config: Option<PathBuf>,
    pub command_line: CommandLine,
    /// Inputs larger than this are reported, not read.
    pub max_file_size: u64,
}

impl Request {
    pub fn new(paths: Vec<PathBuf>) -> Request {
        Request {
            paths,
            stdin_name: None,
            config: None,
            command_line: CommandLine::default(),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
        }
    }
}

/// How a run ended, once every report has been handed over.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Paths that could not be linted at all (missing, not a regular file, unreadable).
    pub input_errors: Vec<InputError>,
}

/// The run could not start: configuration files that are invalid, each message located.
#[derive(Debug)]
pub struct ConfigErrors(pub Vec<String>);

/// Lints everything `request` names, calling `sink` with each file's report in order: the
/// files in path order (standard input first), and the definition files a template deploys
/// that are not themselves inputs right after that template.
pub fn run(request: &Request, sink: &mut dyn FnMut(FileReport)) -> Result<Outcome, ConfigErrors> {
    let engine = Engine::new(request.command_line.clone(), request.config.as_deref())?
        .with_max_file_size(request.max_file_size);
    engine.run(&request.paths, request.stdin_name.as_deref(), sink)
}

/// Configuration and template indexes, kept between lints: the command line lints once, the
/// language server many times.
pub struct Engine {
    resolver: Arc<Mutex<Resolver>>,
    max_file_size: u64,
    /// Directory → the project it belongs to (see `index::project_root`).
    roots: Mutex<FastMap<PathBuf, Option<PathBuf>>>,
    /// Project root → its whole template index, for single documents (the language server).
    indexes: Mutex<FastMap<PathBuf, Arc<TemplateIndex>>>,
    /// Whether walking a project for templates uses the scan cache (`cache.rs`).
    cache: bool,
    cwd: PathBuf,
}

/// One input, ready for a worker: where it is, how it is selected, and its options.
#[derive(Clone)]
struct Job {
    input: Input,
    options: Arc<LintOptions>,
    /// Absolute and normalized, for the template index (none for anonymous stdin).
    key: Option<PathBuf>,
}

impl Engine {
    pub fn new(command_line: CommandLine, config: Option<&Path>) -> Result<Engine, ConfigErrors> {
        let resolver = Resolver::new(command_line, config).map_err(ConfigErrors)?;
        Ok(Engine {
            resolver: Arc::new(Mutex::new(resolver)),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            roots: Mutex::default(),
            indexes: Mutex::default(),
            cache: true,
            cwd: std::env::current_dir().unwrap_or_default(),
        })
    }

    pub fn with_max_file_size(mut self, limit: u64) -> Engine {
        self.max_file_size = limit;
        self
    }

    /// `--no-cache`: every project walk reads its files.
    pub fn with_cache(mut self, cache: bool) -> Engine {
        self.cache = cache;
        self
    }

    /// Inputs larger than this are reported, not read.
    pub fn max_file_size(&self) -> u64 {
        self.max_file_size
    }

    fn resolver(&self) -> MutexGuard<'_, Resolver> {
        lock(&self.resolver)
    }

    fn absolute(&self, path: &Path) -> PathBuf {
        normalize(&self.cwd.join(path))
    }

    /// Lints `paths` (see `run`). A directory is walked twice: once, on every core and in no
    /// order, for its templates (the index every definition needs before it is linted), and
    /// once in path order, linting as it goes; what the run holds is the index, the early
    /// reports (bounded) and 16 bytes for each file walked, not a list of the files.
    pub fn run(
        &self,
        paths: &[PathBuf],
        stdin_name: Option<&str>,
        sink: &mut dyn FnMut(FileReport),
    ) -> Result<Outcome, ConfigErrors> {
        let named = discover::split(paths);
        let mut input_errors = named.errors;
        let excluded = self.excluded();
        let named_jobs: Vec<Job> = {
            let mut resolver = self.resolver();
            named
                .inputs
                .iter()
                .map(|input| self.job(input.clone(), stdin_name, &mut resolver))
                .collect()
        };
        let early = EarlyReports::default();
        let indexed = self.index_for(&named_jobs, &named.dirs, &excluded, &early);
        input_errors.extend(indexed.errors);
        // Walking read every configuration file that governs an input: a broken one stops the
        // run before anything is reported.
        let config_errors = self.config_errors();
        if !config_errors.is_empty() {
            return Err(ConfigErrors(config_errors));
        }
        let stdin = named
            .inputs
            .contains(&Input::Stdin)
            .then(|| read_stdin(self.max_file_size));
        let (index, in_run) = (indexed.index, indexed.in_run);
        let jobs = discover::in_order(named.inputs, &named.dirs, &excluded)
            .map(|input| {
                let mut resolver = self.resolver();
                self.job(input, stdin_name, &mut resolver)
            })
            // Read once already, while indexing, and found to hold nothing to lint.
            .filter(|job| !(is_own(job) && job.key.as_deref().is_some_and(|k| index.is_quiet(k))));

        let mut extras_done: FastSet<PathBuf> = FastSet::default();
        let lint_job = |job: &Job| {
            let stdin = stdin.as_ref();
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                self.lint_job(job, stdin, stdin_name, &index, &in_run, &early)
            }))
            .unwrap_or_else(|panic| {
                vec![Err(InputError {
                    path: job_path(job),
                    message: format!(
                        "internal error, please report it: asl-lint crashed on this file ({})",
                        panic_message(&panic)
                    ),
                })]
            })
        };
        ordered::for_each(jobs, lint_job, |results| {
            for (i, result) in results.into_iter().enumerate() {
                match result {
                    Ok((key, report)) => {
                        // A definition two named templates deploy is reported once.
                        if i > 0 && !key.is_some_and(|k| extras_done.insert(k)) {
                            continue;
                        }
                        sink(report);
                    }
                    Err(err) => input_errors.push(err),
                }
            }
        });
        Ok(Outcome { input_errors })
    }

    /// The configuration's `exclude`, for walks.
    fn excluded(&self) -> discover::Excluded {
        let shared = Arc::clone(&self.resolver);
        Arc::new(move |path, root| lock(&shared).is_excluded(path, root))
    }

    /// One input with its options and key.
    fn job(&self, input: Input, stdin_name: Option<&str>, resolver: &mut Resolver) -> Job {
        let (options, key) = match &input {
            Input::Stdin => (
                resolver.options_for_stdin(stdin_name),
                stdin_name.map(|n| self.absolute(Path::new(n))),
            ),
            Input::File { path, .. } => {
                (resolver.options_for_file(path), Some(self.absolute(path)))
            }
        };
        Job {
            input,
            options,
            key,
        }
    }

    /// Lints one job: its own report (or none, when the file is not ours), then the
    /// definition files it deploys that the run does not lint anyway, each with its key.
    fn lint_job(
        &self,
        job: &Job,
        stdin: Option<&Result<Vec<u8>, ReadError>>,
        stdin_name: Option<&str>,
        index: &TemplateIndex,
        in_run: &InRun,
        early: &EarlyReports,
    ) -> Vec<Result<(Option<PathBuf>, FileReport), InputError>> {
        let contexts = job.key.as_deref().map_or(&[][..], |k| index.contexts(k));
        // Linted while indexing; unless a template deploys the file as a definition.
        let taken = job
            .key
            .as_deref()
            .and_then(|k| early.take(k, self.max_file_size));
        let report = match taken {
            Some(report) if contexts.is_empty() => report,
            _ => match self.read_and_lint(job, stdin, stdin_name, contexts) {
                Ok(report) => report,
                Err(unread) => return vec![unread],
            },
        };
        let Some(mut report) = report else {
            return Vec::new();
        };
        let references = std::mem::take(&mut report.references);
        let mut out = vec![Ok((job.key.clone(), report))];
        for reference in references {
            let key = self.absolute(&reference.path);
            if in_run.contains(key.as_path()) {
                continue;
            }
            let options = self.resolver().options_for_file(&reference.path);
            let name = discover::display_name(&reference.path);
            out.push(match read_file(&reference.path, self.max_file_size) {
                Ok(bytes) => Ok((
                    Some(key),
                    lint::lint_referenced(&name, bytes, &[&reference.context], &options),
                )),
                Err(err) => self
                    .unread(&name, &reference.path, &err)
                    .map(|(_, r)| (Some(key), r)),
            });
        }
        out
    }

    /// Reads a job's input and lints it, in the contexts templates give it.
    #[allow(clippy::type_complexity)]
    fn read_and_lint(
        &self,
        job: &Job,
        stdin: Option<&Result<Vec<u8>, ReadError>>,
        stdin_name: Option<&str>,
        contexts: &[MachineContext],
    ) -> Result<Option<FileReport>, Result<(Option<PathBuf>, FileReport), InputError>> {
        let (name, bytes, selection) = match &job.input {
            Input::Stdin => {
                let name = stdin_name.unwrap_or("<stdin>").to_string();
                match stdin {
                    Some(Ok(bytes)) => (name, bytes.clone(), stdin_selection(stdin_name)),
                    Some(Err(err)) => return Err(self.unread(&name, Path::new("-"), err)),
                    None => return Ok(None),
                }
            }
            Input::File {
                path, selection, ..
            } => {
                let name = discover::display_name(path);
                match read_file(path, self.max_file_size) {
                    Ok(bytes) => (name, bytes, *selection),
                    Err(err) => return Err(self.unread(&name, path, &err)),
                }
            }
        };
        Ok(if contexts.is_empty() {
            lint::lint_bytes(&name, bytes, selection, &job.options)
        } else {
            let contexts: Vec<&MachineContext> = contexts.iter().collect();
            Some(lint::lint_referenced(&name, bytes, &contexts, &job.options))
        })
    }

    /// A file that was not read: too large is a finding in it, anything else an input error.
    fn unread(
        &self,
        name: &str,
        path: &Path,
        err: &ReadError,
    ) -> Result<(Option<PathBuf>, FileReport), InputError> {
        match err {
            ReadError::TooLarge { .. } => {
                let source = SourceFile::new(name, String::new());
                let finding = Finding::new(Span::new(0, 0), err.message()).help(
                    "definitions and templates AWS accepts are at most 1 MB; raise the limit with --max-file-size BYTES if this file is really meant to be linted",
                );
                let diagnostic =
                    Diagnostic::locate(rules::PARSE_ERROR, Severity::Error, finding, &source, None);
                Ok((
                    None,
                    FileReport {
                        source,
                        diagnostics: vec![diagnostic],
                        machines: 0,
                        references: Vec::new(),
                    },
                ))
            }
            _ => Err(InputError {
                path: path.to_path_buf(),
                message: err.message(),
            }),
        }
    }

    /// Lints one document held in memory (an editor's buffer) as the file at `path`, with the
    /// same content detection as the command line and its project's template index.
    /// `None` when the document is not ours.
    pub fn lint_document(&self, path: &Path, bytes: Vec<u8>) -> Option<FileReport> {
        self.lint_in_project(path, bytes, discover::named_selection(path), None)
    }

    /// Lints new text of a file already reported (`--fix` checks each fix this way): the same
    /// options and template contexts as its first lint.
    pub fn relint(&self, name: &str, is_stdin: bool, bytes: Vec<u8>) -> Option<FileReport> {
        if is_stdin {
            let options = self.options_for_stdin(Some(name));
            return lint::lint_bytes(name, bytes, Selection::Always, &options);
        }
        self.lint_in_project(Path::new(name), bytes, Selection::Always, None)
    }

    fn lint_in_project(
        &self,
        path: &Path,
        bytes: Vec<u8>,
        selection: Selection,
        options: Option<Arc<LintOptions>>,
    ) -> Option<FileReport> {
        let key = self.absolute(path);
        let options = options.unwrap_or_else(|| self.options_for_file(path));
        let index = key.parent().map(|dir| self.project_index(dir));
        let contexts: Vec<&MachineContext> = index
            .as_deref()
            .map_or(&[][..], |i| i.contexts(&key))
            .iter()
            .collect();
        let name = path.to_string_lossy();
        let mut report = if contexts.is_empty() {
            lint::lint_bytes(&name, bytes, selection, &options)?
        } else {
            lint::lint_referenced(&name, bytes, &contexts, &options)
        };
        report.references.clear();
        Some(report)
    }

    /// The contexts the project's templates give the definition file at `path` (for
    /// `asl-lint policy` on a definition).
    pub fn template_contexts(&self, path: &Path) -> Vec<MachineContext> {
        let key = self.absolute(path);
        key.parent()
            .map(|dir| self.project_index(dir).contexts(&key).to_vec())
            .unwrap_or_default()
    }

    /// The whole template index of the project `dir` belongs to, built once and kept.
    fn project_index(&self, dir: &Path) -> Arc<TemplateIndex> {
        let root = index::project_root(dir, &mut lock(&self.roots));
        if let Some(index) = lock(&self.indexes).get(&root) {
            return Arc::clone(index);
        }
        let scanner = Scanner::new(None, self.max_file_size);
        let mut found = self.scan_project(&root, &scanner, &FastSet::default());
        found.sort_by_cached_key(|(path, _)| discover::order_key(path));
        let built = Arc::new(TemplateIndex::from_references(
            found.into_iter().flat_map(|(_, refs)| refs),
        ));
        lock(&self.indexes).insert(root, Arc::clone(&built));
        built
    }

    pub fn options_for_file(&self, path: &Path) -> Arc<LintOptions> {
        self.resolver().options_for_file(path)
    }

    /// The configuration files read so far.
    pub fn configuration_files(&self) -> Vec<PathBuf> {
        self.resolver().files().map(PathBuf::from).collect()
    }

    /// Problems with the configuration files read so far.
    pub fn config_errors(&self) -> Vec<String> {
        // In path order: walks read configuration files in any order.
        let mut errors = self.resolver().errors().to_vec();
        errors.sort();
        errors
    }

    pub fn options_for_stdin(&self, name: Option<&str>) -> Arc<LintOptions> {
        self.resolver().options_for_stdin(name)
    }

    /// Forgets cached template indexes and configuration, after a template or an
    /// `.asl-lint.toml` changed on disk.
    pub fn forget_caches(&self) -> Result<(), ConfigErrors> {
        lock(&self.indexes).clear();
        lock(&self.roots).clear();
        lock(&self.resolver).reset().map_err(ConfigErrors)
    }
}

/// A file that is ours only if it holds a definition or a template: read while indexing.
fn is_own(job: &Job) -> bool {
    matches!(
        job.input,
        Input::File {
            selection: Selection::IfDefinition,
            ..
        }
    )
}

/// Standard input named with `--stdin-filename` is selected as a file of that name would be
/// (an editor piping `package.json` gets nothing); without a name, what is piped is linted.
fn stdin_selection(name: Option<&str>) -> Selection {
    name.map_or(Selection::Always, |n| {
        discover::named_selection(Path::new(n))
    })
}

fn job_path(job: &Job) -> PathBuf {
    match &job.input {
        Input::Stdin => PathBuf::from("-"),
        Input::File { path, .. } => path.clone(),
    }
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".to_string())
}

/// A poisoned lock only means another file's lint panicked; the data is still usable.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}
