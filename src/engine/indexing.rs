//! Building a run's template index: the walks of its directories (on every core, in no
//! order) and the projects of its named files, with the templates linted early.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::early::{self, EarlyReports};
use super::index::{self, Scanner, TemplateIndex};
use super::{is_own, lock, ordered, Engine, Job};
use crate::config::LintOptions;
use crate::discover::{self, Input, InputError};
use crate::files::read_file_with;
use crate::hash::{FastMap, FastSet, PathDigests};
use crate::lint::{self, Reference, Selection};

/// What indexing found, for the lint that follows.
pub(super) struct Indexed {
    pub index: TemplateIndex,
    pub in_run: InRun,
    /// Paths the walks could not look at.
    pub errors: Vec<InputError>,
}

/// What the walks of one run gather while indexing.
#[derive(Default)]
struct Walked {
    /// Each template found to deploy definitions, with what it deploys.
    found: Vec<(PathBuf, Vec<Reference>)>,
    /// Files of projects no walked directory covers, by project root.
    uncovered: FastMap<PathBuf, Vec<Job>>,
    /// Every file walked (absolute keys).
    keys: PathDigests,
    errors: Vec<InputError>,
}

/// The files a run lints (absolute keys): the named ones, and those its walks found.
pub(super) struct InRun {
    named: FastSet<PathBuf>,
    walked: PathDigests,
}

impl InRun {
    pub fn contains(&self, key: &Path) -> bool {
        self.named.contains(key) || self.walked.contains(key)
    }
}

impl Engine {
    /// The template index for the run's inputs: for each project they belong to, built from
    /// the run's own files when a walked directory covers the project, else by walking it
    /// (parsing only templates that name one of the run's files). A template that two walks
    /// see (a project inside another) counts once.
    pub(super) fn index_for(
        &self,
        named: &[Job],
        dirs: &[PathBuf],
        excluded: &discover::Excluded,
        early: &EarlyReports,
    ) -> Indexed {
        let walked: Vec<PathBuf> = dirs.iter().map(|d| self.absolute(d)).collect();
        // Walks find JSON and YAML files only; a named file of another name (`flow.def`)
        // may be deployed by any template.
        let odd_names = named.iter().any(|j| match &j.input {
            Input::File { path, .. } => discover::selection_for(path).is_none(),
            Input::Stdin => false,
        });
        let scanner = Scanner::new(None, self.max_file_size).with_unsummarised_names(odd_names);
        let mut walk = Walked::default();
        for dir in dirs {
            self.index_walk(dir, &walked, excluded, &scanner, early, &mut walk);
        }
        let Walked {
            mut found,
            mut uncovered,
            mut keys,
            mut errors,
        } = walk;
        keys.seal();
        errors.sort_by(|a, b| a.path.cmp(&b.path));
        // Named files: those of covered projects indexed here unless a walk did; the others
        // join their project's.
        let mut own = Vec::new();
        {
            let mut roots = lock(&self.roots);
            for job in named {
                let Some(key) = job.key.as_deref() else {
                    continue;
                };
                let Some(dir) = key.parent() else {
                    continue;
                };
                let root = index::project_root(dir, &mut roots);
                if !walked.iter().any(|w| root.starts_with(w)) {
                    uncovered.entry(root).or_default().push(job.clone());
                } else if is_own(job) && !keys.contains(key) {
                    own.push(job);
                }
            }
        }
        found.extend(self.index_own_all(&own, &scanner, early));
        let mut quiet = scanner.take_quiet();
        // Each other project is walked for the templates that name its files.
        let mut uncovered: Vec<(PathBuf, Vec<Job>)> = uncovered.into_iter().collect();
        uncovered.sort_by(|a, b| a.0.cmp(&b.0));
        for (root, jobs) in uncovered {
            let mut wanted: Vec<PathBuf> = jobs.iter().filter_map(|j| j.key.clone()).collect();
            wanted.sort();
            wanted.dedup();
            let scanner = Scanner::new(Some(&wanted), self.max_file_size);
            let own: Vec<&Job> = jobs.iter().filter(|j| is_own(j)).collect();
            found.extend(self.index_own_all(&own, &scanner, early));
            let known: FastSet<PathBuf> = own.iter().filter_map(|j| j.key.clone()).collect();
            found.extend(self.scan_project(&root, &scanner, &known));
            quiet.absorb(scanner.take_quiet());
        }
        found.sort_by_cached_key(|(path, _)| discover::order_key(path));
        found.dedup_by(|a, b| a.0 == b.0);
        let in_run = InRun {
            named: named.iter().filter_map(|j| j.key.clone()).collect(),
            walked: keys,
        };
        // Contexts only for the run's files: those of any other file (a template's
        // DefinitionUri outside the run, or missing) would only be held until the end.
        let mut index = TemplateIndex::from_references_to(
            found.into_iter().flat_map(|(_, refs)| refs),
            |path| in_run.contains(path),
        );
        index.add_quiet(quiet);
        Indexed {
            index,
            in_run,
            errors,
        }
    }

    /// Walks `dir` (as given; `walked` are all the run's directories, absolute) on every core:
    /// each file of a project a walked directory covers is indexed as it is found, and the
    /// files of any other project are kept for `index_for` to scan that project.
    fn index_walk(
        &self,
        dir: &Path,
        walked: &[PathBuf],
        excluded: &discover::Excluded,
        scanner: &Scanner,
        early: &EarlyReports,
        out: &mut Walked,
    ) {
        let shared = Mutex::new(std::mem::take(out));
        // When the directory's own project is covered, so is every project inside it (its
        // nearest marked directory lies between the file and that project's root): no file
        // then needs its project looked up.
        let covered = |root: &Path| walked.iter().any(|w| root.starts_with(w));
        let all_covered = covered(&index::project_root(
            &self.absolute(dir),
            &mut lock(&self.roots),
        ));
        discover::walker(dir, excluded).build_parallel().run(|| {
            // The project of the last directory seen, and whether a walk covers it.
            let mut last: Option<(PathBuf, PathBuf, bool)> = None;
            let shared = &shared;
            Box::new(move |entry| {
                let entry = match entry {
                    Ok(entry) => entry,
                    Err(err) => {
                        lock(shared).errors.extend(discover::walk_error(dir, &err));
                        return ignore::WalkState::Continue;
                    }
                };
                let Some(selection) = discover::lintable(&entry) else {
                    return ignore::WalkState::Continue;
                };
                let key = self.absolute(entry.path());
                let Some(parent) = key.parent() else {
                    return ignore::WalkState::Continue;
                };
                // The project the file is in, when that matters: one no walk covers.
                let mut uncovered_root = None;
                if !all_covered {
                    if last.as_ref().is_none_or(|(d, _, _)| d != parent) {
                        let root = index::project_root(parent, &mut lock(&self.roots));
                        let is_covered = covered(&root);
                        last = Some((parent.to_path_buf(), root, is_covered));
                    }
                    uncovered_root = last.as_ref().filter(|l| !l.2).map(|l| l.1.clone());
                }
                if let Some(root) = uncovered_root {
                    let job = Job {
                        options: self.resolver().options_for_file(entry.path()),
                        input: Input::File {
                            path: entry.into_path(),
                            selection,
                            named: false,
                        },
                        key: Some(key),
                    };
                    let mut shared = lock(shared);
                    shared
                        .keys
                        .insert(job.key.as_deref().unwrap_or(Path::new("")));
                    shared.uncovered.entry(root).or_default().push(job);
                    return ignore::WalkState::Continue;
                }
                let found = (selection == Selection::IfDefinition)
                    .then(|| {
                        let path = entry.path();
                        let options = || self.resolver().options_for_file(path);
                        self.index_own(path, &key, options, scanner, early)
                    })
                    .flatten();
                let mut shared = lock(shared);
                shared.keys.insert(&key);
                if let Some(references) = found {
                    shared.found.push((key, references));
                }
                ignore::WalkState::Continue
            })
        });
        *out = shared.into_inner().unwrap_or_else(|p| p.into_inner());
    }

    /// `index_own` of each job, on every core.
    fn index_own_all(
        &self,
        jobs: &[&Job],
        scanner: &Scanner,
        early: &EarlyReports,
    ) -> Vec<(PathBuf, Vec<Reference>)> {
        ordered::map(jobs, |job| {
            let key = job.key.as_ref()?;
            let Input::File { path, .. } = &job.input else {
                return None;
            };
            let options = || Arc::clone(&job.options);
            self.index_own(path, key, options, scanner, early)
                .map(|refs| (key.clone(), refs))
        })
        .into_iter()
        .flatten()
        .collect()
    }

    /// What a file of the run (at `path`, absolute `key`) deploys, for the index. A template
    /// that may deploy a definition is linted here, with its `options`, while it is read for
    /// the index, so that it is read and parsed once: its report waits in `early` for its
    /// turn. When `early` holds all it can, the template is only scanned, and linted again in
    /// its turn.
    fn index_own(
        &self,
        path: &Path,
        key: &Path,
        options: impl FnOnce() -> Arc<LintOptions>,
        scanner: &Scanner,
        early: &EarlyReports,
    ) -> Option<Vec<Reference>> {
        if early.is_full() {
            return scanner.scan(key);
        }
        // Most files are not templates: they are only looked at. One that cannot be read is
        // reported when its turn comes.
        let mut references = None;
        let template = read_file_with(path, self.max_file_size, |bytes| {
            if scanner.is_template(bytes) {
                // One that deploys no definition file gives nothing to the index: it is read
                // and parsed only in its turn.
                scanner.may_deploy(key, bytes).then(|| bytes.to_vec())
            } else {
                references = scanner.scan_bytes(key, bytes);
                None
            }
        })
        .ok()?;
        let Some(bytes) = template else {
            return references;
        };
        let read = (bytes.len(), early::digest(&bytes));
        let name = discover::display_name(path);
        let linted = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            lint::lint_bytes(&name, bytes, Selection::IfDefinition, &options())
        }));
        // A crash is linted (and reported as one) again in its turn.
        let report = linted.ok()?;
        index::count_template_parse();
        let references = report.as_ref().map(|r| {
            r.references
                .iter()
                .map(|r| Reference {
                    path: self.absolute(&r.path),
                    context: r.context.clone(),
                })
                .collect()
        });
        early.put(key.to_path_buf(), report, read);
        references
    }
}
