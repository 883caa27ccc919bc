//! The template index of a project: which local definition files its CloudFormation, SAM and
//! Serverless templates deploy, and how (workflow type, substitutions, machine name). A
//! definition is linted in that context whether it, its folder or the whole project is named.

use std::path::{Path, PathBuf};

use memchr::memmem;

use crate::config::normalize;
use crate::files::read_file;
use crate::hash::FastMap;
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
    /// By their path's bytes: hashing a `Path` walks its components, which costs more here
    /// than the rest of skipping the file.
    quiet: crate::hash::FastMap<Box<[u8]>, ()>,
}

/// Decides, reading a file once, whether it is a template that deploys a wanted definition.
pub struct Scanner<'w> {
    markers: Vec<memmem::Finder<'static>>,
    names: Vec<(memmem::Finder<'static>, &'w Path)>,
    filtered: bool,
    limit: u64,
    quiet: std::sync::Mutex<Vec<PathBuf>>,
}

impl<'w> Scanner<'w> {
    /// With `wanted` (absolute, normalized definition paths), only templates that mention a
    /// path resolving to one of them are parsed.
    pub fn new(wanted: Option<&'w [PathBuf]>, limit: u64) -> Scanner<'w> {
        Scanner {
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

    /// The Terraform files scanned so far that hold no state machine.
    pub fn take_quiet(&self) -> Vec<PathBuf> {
        std::mem::take(&mut *self.quiet.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// The definition files the template at `path` deploys, or `None` for anything else.
    pub fn scan(&self, path: &Path) -> Option<Vec<Reference>> {
        let bytes = read_file(path, self.limit).ok()?;
        if !self.markers.iter().any(|m| m.find(&bytes).is_some()) {
            if crate::template::terraform::is_quiet(&path.to_string_lossy(), &bytes) {
                let mut quiet = self.quiet.lock().unwrap_or_else(|p| p.into_inner());
                quiet.push(path.to_path_buf());
            }
            return None;
        }
        if self.filtered && !mentions_any(&bytes, path, &self.names) {
            // Terraform builds paths (`"${path.module}/sm/a.asl.json"`): the file name will do.
            let terraform = crate::template::terraform::is_terraform(&path.to_string_lossy());
            if !terraform || !self.names.iter().any(|(f, _)| f.find(&bytes).is_some()) {
                return None;
            }
        }
        let text = String::from_utf8(bytes).ok()?;
        Some(lint::template_references(&path.to_string_lossy(), &text))
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
        let mut by_definition: FastMap<PathBuf, Vec<MachineContext>> = FastMap::default();
        for reference in references {
            by_definition
                .entry(normalize(&reference.path))
                .or_default()
                .push(reference.context);
        }
        TemplateIndex {
            by_definition,
            quiet: Default::default(),
        }
    }

    pub fn add_quiet(&mut self, paths: Vec<PathBuf>) {
        for path in paths {
            let bytes = path.into_os_string().into_encoded_bytes();
            self.quiet.insert(bytes.into_boxed_slice(), ());
        }
    }

    /// Whether the file at `path` (absolute, normalized) was found to hold nothing to lint.
    pub fn is_quiet(&self, path: &Path) -> bool {
        !self.quiet.is_empty() && self.quiet.contains_key(path.as_os_str().as_encoded_bytes())
    }

    /// The contexts templates give the definition at `path` (absolute, normalized).
    pub fn contexts(&self, path: &Path) -> &[MachineContext] {
        self.by_definition.get(path).map_or(&[], Vec::as_slice)
    }

    pub fn is_empty(&self) -> bool {
        self.by_definition.is_empty()
    }

    pub fn merge(&mut self, other: TemplateIndex) {
        for (path, contexts) in other.by_definition {
            self.by_definition.entry(path).or_default().extend(contexts);
        }
        self.quiet.extend(other.quiet);
    }
}

/// Whether the template at `template` names one of the wanted definitions: each place its
/// text holds a wanted file name is widened to the path written around it (up to quotes,
/// spaces and brackets, as in `DefinitionUri: sm/a.asl.json` or `${file(./sm/a.asl.json)}`),
/// which must resolve from the template's directory to that definition.
fn mentions_any(bytes: &[u8], template: &Path, names: &[(memmem::Finder, &Path)]) -> bool {
    let dir = template.parent().unwrap_or(Path::new("/"));
    let is_delimiter =
        |b: u8| b.is_ascii_whitespace() || b"\"'()[]{},=<>|;`".contains(&b) || b == b':';
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

/// The project `dir` (absolute) belongs to: the nearest directory at or above it holding
/// `.git` or `.asl-lint.toml`; without one, `dir` itself. `cache` remembers every directory
/// asked about, so a walk of many files costs one lookup per directory.
pub fn project_root(dir: &Path, cache: &mut FastMap<PathBuf, Option<PathBuf>>) -> PathBuf {
    marked_ancestor(dir, cache).unwrap_or_else(|| dir.to_path_buf())
}

fn marked_ancestor(dir: &Path, cache: &mut FastMap<PathBuf, Option<PathBuf>>) -> Option<PathBuf> {
    if let Some(found) = cache.get(dir) {
        return found.clone();
    }
    let found = if dir.join(".git").exists() || dir.join(crate::config::FILE_NAME).is_file() {
        Some(dir.to_path_buf())
    } else {
        dir.parent().and_then(|p| marked_ancestor(p, cache))
    };
    cache.insert(dir.to_path_buf(), found.clone());
    found
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
        let big = dir.join("big.yaml");
        let padding = format!("# {}\n", "x".repeat(1000)).repeat(5 << 10);
        std::fs::write(&big, format!("{head}{padding}")).unwrap();
        let scanner = Scanner::new(None, 64 << 20);
        assert!(scanner.scan(&small).is_some_and(|r| r.len() == 1));
        assert!(scanner.scan(&big).is_none());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
