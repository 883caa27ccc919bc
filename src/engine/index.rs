//! The template index of a project: which local definition files its CloudFormation, SAM and
//! Serverless templates deploy, and how (workflow type, substitutions, machine name). A
//! definition is linted in that context whether it, its folder or the whole project is named.

use std::path::{Path, PathBuf};

use memchr::memmem;

use super::cache::Found;
use crate::config::normalize;
use crate::files::read_file_with;
use crate::hash::{FastMap, PathDigests};
use crate::lint::{self, MachineContext, Reference};

/// Text that any template declaring a state machine contains. A file without any of them is
/// never parsed while indexing.
const MARKERS: &[&str] = &[
    "AWS::StepFunctions::StateMachine",
    "AWS::Serverless::StateMachine",
    "stepFunctions",
    // Terraform and OpenTofu (`template::terraform::MARKERS`).
    "aws_sfn_state_machine",
    "step-functions/aws",
    "terraform-aws-step-functions",
];

/// The largest file read while indexing. CloudFormation takes templates of at most 1 MB (from
/// S3), so a larger JSON or YAML file (test data, a lock file) is not a template that deploys a
/// local definition, and reading it for every named file would cost more than the lint.
const MAX_TEMPLATE_SIZE: u64 = 4 << 20;

/// Templates parsed while indexing, in this process: tests check that a template that cannot
/// deploy a wanted definition is never parsed.
static TEMPLATES_PARSED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Counts a template parsed while indexing by linting it (see `Engine::index_own`).
pub(crate) fn count_template_parse() {
    TEMPLATES_PARSED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
}

pub fn templates_parsed() -> usize {
    TEMPLATES_PARSED.load(std::sync::atomic::Ordering::Relaxed)
}

/// Whether `bytes` may be a template that declares a state machine (a cheap look, no parsing).
pub fn mentions_template(bytes: &[u8]) -> bool {
    MARKERS
        .iter()
        .any(|m| memmem::find(bytes, m.as_bytes()).is_some())
}

/// Definition file (absolute, normalized) → the contexts its templates give it, in template
/// path order.
#[derive(Debug, Default)]
pub struct TemplateIndex {
    by_definition: FastMap<PathBuf, Vec<MachineContext>>,
    /// Terraform files read while indexing that hold no state machine: not read again to be
    /// linted (most `.tf` files of a repository are other infrastructure).
    /// By their path's digest: 8 bytes a file, however many the repository holds.
    quiet: PathDigests,
}

/// Decides, reading a file once, whether it is a template that deploys a wanted definition.
pub struct Scanner<'w> {
    markers: Vec<memmem::Finder<'static>>,
    names: Vec<(memmem::Finder<'static>, &'w Path)>,
    filtered: bool,
    /// A wanted name the cache's summaries do not hold (not JSON or YAML by name).
    names_not_summarised: bool,
    limit: u64,
    quiet: std::sync::Mutex<PathDigests>,
}

impl<'w> Scanner<'w> {
    /// With `wanted` (absolute, normalized definition paths), only templates that mention a
    /// path resolving to one of them are parsed.
    pub fn new(wanted: Option<&'w [PathBuf]>, limit: u64) -> Scanner<'w> {
        let names_not_summarised = wanted.unwrap_or(&[]).iter().any(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| !is_data_file_name(n))
        });
        Scanner {
            names_not_summarised,
            markers: MARKERS
                .iter()
                .map(|m| memmem::Finder::new(m).into_owned())
                .collect(),
            names: wanted
                .unwrap_or(&[])
                .iter()
                .filter_map(|p| {
                    let name = p.file_name()?.to_str()?;
                    Some((
                        memmem::Finder::new(name.as_bytes()).into_owned(),
                        p.as_path(),
                    ))
                })
                .collect(),
            filtered: wanted.is_some(),
            limit: limit.min(MAX_TEMPLATE_SIZE),
            quiet: std::sync::Mutex::default(),
        }
    }

    /// Without wanted names: whether some definition of the run is not named as JSON or YAML,
    /// which `written_paths` does not see; every template may then deploy it.
    pub fn with_unsummarised_names(mut self, yes: bool) -> Scanner<'w> {
        self.names_not_summarised |= yes;
        self
    }

    /// Whether the template `bytes` at `path` may deploy one of the run's definitions
    /// (`may_deploy_a_file`, or any template when a name escapes `written_paths`).
    pub fn may_deploy(&self, path: &Path, bytes: &[u8]) -> bool {
        self.names_not_summarised || may_deploy_a_file(path, bytes)
    }

    /// Records a Terraform file without a state machine that the scan cache knew.
    pub fn note_quiet(&self, path: &Path) {
        let mut quiet = self.quiet.lock().unwrap_or_else(|p| p.into_inner());
        quiet.insert(path);
    }

    /// The Terraform files scanned so far that hold no state machine.
    pub fn take_quiet(&self) -> PathDigests {
        std::mem::take(&mut *self.quiet.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Whether `bytes` may be a template that declares a state machine (`mentions_template`,
    /// with the scanner's prepared searches).
    pub fn is_template(&self, bytes: &[u8]) -> bool {
        self.markers.iter().any(|m| m.find(bytes).is_some())
    }

    /// The definition files the template at `path` deploys, or `None` for anything else.
    pub fn scan(&self, path: &Path) -> Option<Vec<Reference>> {
        read_file_with(path, self.limit, |bytes| self.scan_bytes(path, bytes))
            .ok()
            .flatten()
    }

    /// `scan`, also saying what the file is, for the scan cache.
    pub fn summarise(&self, path: &Path) -> (Found, Option<Vec<Reference>>) {
        read_file_with(path, self.limit, |bytes| {
            let found = if self.is_template(bytes) {
                Found::Template(written_paths(bytes).join("\t").into())
            } else if crate::template::terraform::is_quiet(&path.to_string_lossy(), bytes) {
                Found::Quiet
            } else {
                Found::Other
            };
            (found, self.scan_bytes(path, bytes))
        })
        .unwrap_or((Found::Other, None))
    }

    /// Whether a template the cache summarises by `written` (tab-separated paths) may deploy
    /// a wanted definition, and so must be read and parsed.
    pub fn wants(&self, path: &Path, written: &str) -> bool {
        if !self.filtered {
            return self.names_not_summarised || deploys_a_file(path, written.split('\t'));
        }
        // The summary holds only JSON and YAML names; anything else is looked for in the file.
        if self.names_not_summarised {
            return true;
        }
        // Most templates write none of the names: one search each, before any path arithmetic.
        if !self
            .names
            .iter()
            .any(|(finder, _)| finder.find(written.as_bytes()).is_some())
        {
            return false;
        }
        let dir = path.parent().unwrap_or(Path::new("/"));
        let terraform = crate::template::terraform::is_terraform(&path.to_string_lossy());
        self.names.iter().any(|(finder, wanted)| {
            let Ok(name) = std::str::from_utf8(finder.needle()) else {
                return true;
            };
            written.split('\t').any(|w| {
                if terraform {
                    w.contains(name)
                } else {
                    w.ends_with(name) && normalize(&dir.join(w)) == **wanted
                }
            })
        })
    }

    /// `scan` of bytes already read.
    pub fn scan_bytes(&self, path: &Path, bytes: &[u8]) -> Option<Vec<Reference>> {
        if !self.is_template(bytes) {
            if crate::template::terraform::is_quiet(&path.to_string_lossy(), bytes) {
                let mut quiet = self.quiet.lock().unwrap_or_else(|p| p.into_inner());
                quiet.insert(path);
            }
            return None;
        }
        if !self.filtered && !self.may_deploy(path, bytes) {
            return None;
        }
        if self.filtered && !mentions_any(bytes, path, &self.names) {
            // Terraform builds paths (`"${path.module}/sm/a.asl.json"`): the file name will do.
            let terraform = crate::template::terraform::is_terraform(&path.to_string_lossy());
            if !terraform || !self.names.iter().any(|(f, _)| f.find(bytes).is_some()) {
                return None;
            }
        }
        let text = std::str::from_utf8(bytes).ok()?;
        TEMPLATES_PARSED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Some(lint::template_references(&path.to_string_lossy(), text))
    }
}

impl TemplateIndex {
    /// Indexes the templates among `candidates` (absolute paths of JSON/YAML files).
    pub fn build(candidates: &[PathBuf], wanted: Option<&[PathBuf]>, limit: u64) -> TemplateIndex {
        let scanner = Scanner::new(wanted, limit);
        let found = super::ordered::map(candidates, |path| scanner.scan(path));
        TemplateIndex::from_references(found.into_iter().flatten().flatten())
    }

    /// The index of what templates were found to deploy, in template path order.
    pub fn from_references(references: impl IntoIterator<Item = Reference>) -> TemplateIndex {
        TemplateIndex::from_references_to(references, |_| true)
    }

    /// `from_references`, keeping only the definitions (absolute, normalized) `wanted` keeps.
    pub fn from_references_to(
        references: impl IntoIterator<Item = Reference>,
        wanted: impl Fn(&Path) -> bool,
    ) -> TemplateIndex {
        let mut by_definition: FastMap<PathBuf, Vec<MachineContext>> = FastMap::default();
        for reference in references {
            let path = normalize(&reference.path);
            if wanted(&path) {
                by_definition
                    .entry(path)
                    .or_default()
                    .push(reference.context);
            }
        }
        TemplateIndex {
            by_definition,
            quiet: Default::default(),
        }
    }

    pub fn add_quiet(&mut self, mut paths: PathDigests) {
        paths.seal();
        self.quiet.absorb(paths);
    }

    /// Whether the file at `path` (absolute, normalized) was found to hold nothing to lint.
    pub fn is_quiet(&self, path: &Path) -> bool {
        self.quiet.contains(path)
    }

    /// The contexts templates give the definition at `path` (absolute, normalized).
    pub fn contexts(&self, path: &Path) -> &[MachineContext] {
        self.by_definition.get(path).map_or(&[], Vec::as_slice)
    }

    pub fn is_empty(&self) -> bool {
        self.by_definition.is_empty()
    }
}

/// Whether the template at `template` names one of the wanted definitions: each place its
/// text holds a wanted file name is widened to the path written around it (up to quotes,
/// spaces and brackets, as in `DefinitionUri: sm/a.asl.json` or `${file(./sm/a.asl.json)}`),
/// which must resolve from the template's directory to that definition.
/// What ends a path written in a template, for `mentions_any` and `written_paths`.
fn is_delimiter(b: u8) -> bool {
    b.is_ascii_whitespace() || b"\"'()[]{},=<>|;`".contains(&b) || b == b':'
}

/// Whether the template at `path` (absolute) may deploy a definition file: only such a
/// template gives a definition a context, so only it is worth parsing while indexing (any
/// other is parsed once, when it is linted in its turn). A path it writes must lead, from its
/// directory, to a regular file, as `lint::lint_embedded` requires of a reference; Terraform
/// builds its paths (`"${path.module}/sm.json"`, `.tpl` files), so it always may.
pub fn may_deploy_a_file(path: &Path, bytes: &[u8]) -> bool {
    let written = written_paths(bytes);
    deploys_a_file(path, written.iter().map(String::as_str))
}

fn deploys_a_file<'a>(path: &Path, mut written: impl Iterator<Item = &'a str>) -> bool {
    if crate::template::terraform::is_terraform(&path.to_string_lossy()) {
        return true;
    }
    let dir = path.parent().unwrap_or(Path::new("/"));
    written.any(|w| !w.is_empty() && dir.join(w).is_file())
}

/// Whether a file name is one the scan's cache summarises templates by.
fn is_data_file_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".json", ".yaml", ".yml"]
        .iter()
        .any(|e| lower.ends_with(e))
}

/// The JSON and YAML file paths a template writes, as `mentions_any` would read them: the
/// summary the scan cache keeps of a template. Found from each `.json`, `.yaml` or `.yml` that
/// ends a run between delimiters, so the cost is a byte search, not a pass per byte.
fn written_paths(bytes: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    for dot in memchr::memchr_iter(b'.', bytes) {
        let rest = &bytes[dot + 1..];
        let extension = [&b"json"[..], b"yaml", b"yml"].into_iter().find(|e| {
            rest.len() >= e.len()
                && rest[..e.len()].eq_ignore_ascii_case(e)
                && rest.get(e.len()).is_none_or(|&b| is_delimiter(b))
        });
        let Some(extension) = extension else {
            continue;
        };
        let end = dot + 1 + extension.len();
        let start = bytes[..dot]
            .iter()
            .rposition(|&b| is_delimiter(b))
            .map_or(0, |i| i + 1);
        if end - start > 4096 || start == dot {
            continue;
        }
        if let Ok(run) = std::str::from_utf8(&bytes[start..end]) {
            out.push(if run.contains("\\/") {
                run.replace("\\/", "/")
            } else {
                run.to_string()
            });
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

fn mentions_any(bytes: &[u8], template: &Path, names: &[(memmem::Finder, &Path)]) -> bool {
    let dir = template.parent().unwrap_or(Path::new("/"));
    names.iter().any(|(finder, wanted)| {
        finder.find_iter(bytes).any(|at| {
            let start = bytes[..at]
                .iter()
                .rposition(|&b| is_delimiter(b))
                .map_or(0, |i| i + 1);
            let end = at + finder.needle().len();
            if bytes.get(end).is_some_and(|&b| !is_delimiter(b)) {
                return false;
            }
            let Ok(written) = std::str::from_utf8(&bytes[start..end]) else {
                return false;
            };
            // JSON may escape the slash.
            let written = written.replace("\\/", "/");
            normalize(&dir.join(written)) == **wanted
        })
    })
}

/// The project `dir` (absolute) belongs to: the nearest directory at or above it holding one of
/// `ROOT_MARKERS` or a Terraform file; without one, `dir` itself. `cache` remembers every directory
/// asked about, so a walk of many files costs one lookup per directory.
pub fn project_root(dir: &Path, cache: &mut FastMap<PathBuf, Option<PathBuf>>) -> PathBuf {
    marked_ancestor(dir, cache).unwrap_or_else(|| dir.to_path_buf())
}

fn marked_ancestor(dir: &Path, cache: &mut FastMap<PathBuf, Option<PathBuf>>) -> Option<PathBuf> {
    if let Some(found) = cache.get(dir) {
        return found.clone();
    }
    let found = if is_project_root(dir) {
        Some(dir.to_path_buf())
    } else {
        dir.parent().and_then(|p| marked_ancestor(p, cache))
    };
    cache.insert(dir.to_path_buf(), found.clone());
    found
}

/// Files whose presence makes a directory a project root: version control, our configuration,
/// and what SAM, the Serverless Framework and the CDK put at the top of an application.
pub const ROOT_MARKERS: &[&str] = &[
    ".git",
    crate::config::FILE_NAME,
    "samconfig.toml",
    "samconfig.yaml",
    "samconfig.yml",
    "serverless.yml",
    "serverless.yaml",
    "serverless.ts",
    "serverless.js",
    "cdk.json",
    ".terraform.lock.hcl",
];

/// Whether `dir` holds a root marker, or a Terraform file (a Terraform module is a directory).
fn is_project_root(dir: &Path) -> bool {
    if ROOT_MARKERS.iter().any(|m| dir.join(m).exists()) {
        return true;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.flatten().any(|e| {
        let name = e.file_name();
        let name = name.to_string_lossy();
        (name.ends_with(".tf") || name.ends_with(".tofu"))
            && e.file_type().is_ok_and(|t| t.is_file())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_references_and_the_project_root() {
        let dir = std::env::temp_dir().join(format!("asl-lint-index-{}", std::process::id()));
        let sm = dir.join("app/sm");
        std::fs::create_dir_all(&sm).unwrap();
        std::fs::create_dir_all(dir.join(".git")).unwrap();
        let template = dir.join("app/template.yaml");
        std::fs::write(
            &template,
            "Resources:\n  Flow:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Type: EXPRESS\n      DefinitionUri: sm/flow.asl.json\n",
        )
        .unwrap();
        let other = dir.join("app/package.json");
        std::fs::write(&other, "{\"name\": \"flow.asl.json\"}").unwrap();
        // Names the file, but from elsewhere: the path does not resolve to it.
        let elsewhere = dir.join("template.json");
        std::fs::write(&elsewhere, "{\"Resources\": {\"F\": {\"Type\": \"AWS::StepFunctions::StateMachine\", \"Properties\": {\"DefinitionS3Location\": \"sm/flow.asl.json\"}}}}").unwrap();

        let mut cache = FastMap::default();
        assert_eq!(project_root(&sm, &mut cache), dir);
        let index = TemplateIndex::build(
            &[template.clone(), other, elsewhere],
            Some(&[sm.join("flow.asl.json")]),
            1 << 20,
        );
        let contexts = index.contexts(&sm.join("flow.asl.json"));
        assert_eq!(contexts.len(), 1);
        assert_eq!(contexts[0].machine.as_deref(), Some("Flow"));
        let wanted_elsewhere =
            TemplateIndex::build(&[template], Some(&[sm.join("other.asl.json")]), 1 << 20);
        assert!(wanted_elsewhere.is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn files_larger_than_any_template_are_not_read() {
        let dir = std::env::temp_dir().join(format!("asl-lint-big-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let head = "Resources:\n  Flow:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: flow.asl.json\n";
        let small = dir.join("template.yaml");
        std::fs::write(&small, head).unwrap();
        std::fs::write(dir.join("flow.asl.json"), "{}").unwrap();
        let big = dir.join("big.yaml");
        let padding = format!("# {}\n", "x".repeat(1000)).repeat(5 << 10);
        std::fs::write(&big, format!("{head}{padding}")).unwrap();
        let scanner = Scanner::new(None, 64 << 20);
        assert!(scanner.scan(&small).is_some_and(|r| r.len() == 1));
        assert!(scanner.scan(&big).is_none());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn only_a_template_that_writes_the_path_of_a_file_may_deploy_one() {
        let dir = std::env::temp_dir().join(format!("asl-lint-deploys-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sm")).unwrap();
        std::fs::write(dir.join("sm/flow.asl.json"), "{}").unwrap();
        let template = dir.join("template.yaml");
        let sam = b"Type: AWS::Serverless::StateMachine\nDefinitionUri: sm/flow.asl.json\n";
        assert!(may_deploy_a_file(&template, sam));
        let json = br#"{"DefinitionUri": "sm\/flow.asl.json"}"#;
        assert!(may_deploy_a_file(&template, json), "JSON's escaped slash");
        let serverless = b"definition: ${file(./sm/flow.asl.json)}";
        assert!(may_deploy_a_file(&template, serverless));
        let missing = b"DefinitionUri: sm/other.asl.json\nCodeUri: package.json\n";
        assert!(!may_deploy_a_file(&template, missing));
        assert!(
            !may_deploy_a_file(&template, b"DefinitionUri: sm\n"),
            "a directory"
        );
        // Terraform builds its paths: any of its templates may deploy a file.
        assert!(may_deploy_a_file(&dir.join("main.tf"), b"templatefile(x)"));
        let scanner = Scanner::new(None, 1 << 20).with_unsummarised_names(true);
        assert!(scanner.may_deploy(&template, missing));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
