//! Which files to lint: explicit paths, and `*.json` files found by walking directories.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::lint::Selection;

/// Directories never entered while walking: VCS data, dependencies and build output
/// (`.aws-sam` and `cdk.out` hold generated copies of the definitions in the source tree).
const SKIPPED_DIRS: &[&str] = &[".git", "node_modules", "target", ".aws-sam", "cdk.out"];

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    Stdin,
    File { path: PathBuf, selection: Selection },
}

/// A path that could not be used; reported, and the exit code becomes 2.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError {
    pub path: PathBuf,
    pub message: String,
}

pub fn collect(paths: &[PathBuf]) -> (Vec<Input>, Vec<InputError>) {
    collect_with(paths, |_, _| false)
}

/// Like `collect`, and also skips each file or directory found while walking for which
/// `excluded(path, walked_root)` holds (the configuration's `exclude`). Named paths are never
/// excluded.
pub fn collect_with(
    paths: &[PathBuf],
    mut excluded: impl FnMut(&Path, &Path) -> bool,
) -> (Vec<Input>, Vec<InputError>) {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Input::Stdin);
            continue;
        }
        let metadata = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(err) => {
                let message = if err.kind() == std::io::ErrorKind::NotFound {
                    "no such file or directory".to_string()
                } else {
                    err.to_string()
                };
                errors.push(InputError {
                    path: path.clone(),
                    message,
                });
                continue;
            }
        };
        if !metadata.is_dir() {
            inputs.push(Input::File {
                path: path.clone(),
                selection: Selection::Always,
            });
            continue;
        }
        let walker = WalkDir::new(path)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                if e.depth() == 0 {
                    true
                } else if e.file_type().is_dir() {
                    !is_skipped(e.file_name()) && !excluded(e.path(), path)
                } else {
                    // Only files that could be linted are worth matching against `exclude`.
                    selection_for(e.path()).is_none() || !excluded(e.path(), path)
                }
            });
        for entry in walker {
            match entry {
                Ok(entry) if entry.file_type().is_file() => {
                    if let Some(selection) = selection_for(entry.path()) {
                        inputs.push(Input::File {
                            path: entry.into_path(),
                            selection,
                        });
                    }
                }
                Ok(_) => {}
                Err(err) => errors.push(InputError {
                    path: err.path().map_or_else(|| path.clone(), Path::to_path_buf),
                    message: err
                        .io_error()
                        .map_or_else(|| err.to_string(), ToString::to_string),
                }),
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    inputs.retain(|i| match i {
        Input::File { path, .. } => seen.insert(path.clone()),
        Input::Stdin => true,
    });
    (inputs, errors)
}

fn is_skipped(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| SKIPPED_DIRS.contains(&n))
}

/// How a file found by walking is treated, or `None` when it is never a definition.
pub fn selection_for(path: &Path) -> Option<Selection> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    if [".asl.json", ".asl.yaml", ".asl.yml"]
        .iter()
        .any(|e| name.ends_with(e))
    {
        Some(Selection::Always)
    } else if [".json", ".yaml", ".yml"].iter().any(|e| name.ends_with(e)) {
        // Definitions by content, and CloudFormation/SAM/Serverless templates.
        Some(Selection::IfDefinition)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selection_by_name() {
        assert_eq!(
            selection_for(Path::new("a/b.asl.json")),
            Some(Selection::Always)
        );
        assert_eq!(
            selection_for(Path::new("package.json")),
            Some(Selection::IfDefinition)
        );
        assert_eq!(
            selection_for(Path::new("a/b.asl.yaml")),
            Some(Selection::Always)
        );
        assert_eq!(
            selection_for(Path::new("template.yaml")),
            Some(Selection::IfDefinition)
        );
        assert_eq!(
            selection_for(Path::new("serverless.yml")),
            Some(Selection::IfDefinition)
        );
        assert_eq!(selection_for(Path::new("notes.txt")), None);
    }

    #[test]
    fn missing_paths_are_errors() {
        let (inputs, errors) = collect(&[
            PathBuf::from("/definitely/not/here.json"),
            PathBuf::from("-"),
        ]);
        assert_eq!(inputs, vec![Input::Stdin]);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].message, "no such file or directory");
    }
}
