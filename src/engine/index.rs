//! The template index of a project: which local definition files its CloudFormation, SAM and
//! Serverless templates deploy, and how (workflow type, substitutions, machine name). A
//! definition is linted in that context whether it, its folder or the whole project is named.

use std::path::{Path, PathBuf};

use memchr::memmem;

use super::read::read_file;
use crate::config::normalize;
use crate::hash::FastMap;
use crate::lint::{self, MachineContext};

/// Text that any template declaring a state machine contains. A file without any of them is
/// never parsed while indexing.
const MARKERS: &[&str] = &[
    "AWS::StepFunctions::StateMachine",
    "AWS::Serverless::StateMachine",
    "stepFunctions",
];

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
}

impl TemplateIndex {
    /// Indexes the templates among `candidates` (absolute paths of JSON/YAML files). With
    /// `wanted`, only templates whose text mentions one of those file names can reference a
    /// wanted definition, so only those are parsed.
    pub fn build(candidates: &[PathBuf], wanted: Option<&[String]>, limit: u64) -> TemplateIndex {
        let markers: Vec<memmem::Finder> = MARKERS.iter().map(memmem::Finder::new).collect();
        let names: Vec<memmem::Finder> = wanted
            .unwrap_or(&[])
            .iter()
            .map(|n| memmem::Finder::new(n.as_bytes()).into_owned())
            .collect();
        let found = super::ordered::map(candidates, |path| {
            let bytes = read_file(path, limit).ok()?;
            if !markers.iter().any(|m| m.find(&bytes).is_some()) {
                return None;
            }
            if wanted.is_some() && !names.iter().any(|n| n.find(&bytes).is_some()) {
                return None;
            }
            let text = String::from_utf8(bytes).ok()?;
            Some(lint::template_references(&path.to_string_lossy(), &text))
        });
        let mut by_definition: FastMap<PathBuf, Vec<MachineContext>> = FastMap::default();
        for reference in found.into_iter().flatten().flatten() {
            by_definition
                .entry(normalize(&reference.path))
                .or_default()
                .push(reference.context);
        }
        TemplateIndex { by_definition }
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
    }
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

        let mut cache = FastMap::default();
        assert_eq!(project_root(&sm, &mut cache), dir);
        let index = TemplateIndex::build(
            &[template.clone(), other],
            Some(&["flow.asl.json".to_string()]),
            1 << 20,
        );
        let contexts = index.contexts(&sm.join("flow.asl.json"));
        assert_eq!(contexts.len(), 1);
        assert_eq!(contexts[0].machine.as_deref(), Some("Flow"));
        let wanted_elsewhere =
            TemplateIndex::build(&[template], Some(&["other.asl.json".to_string()]), 1 << 20);
        assert!(wanted_elsewhere.is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
