//! Which files to lint: named paths, and JSON/YAML files found by walking directories the way
//! ripgrep and ruff do (`.gitignore`, `.ignore` and `.git/info/exclude` respected).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use ignore::WalkBuilder;

use crate::files::io_message;
use crate::lint::Selection;

/// Directories never entered while walking: VCS data, dependencies and build output
/// (`.aws-sam` and `cdk.out` hold generated copies of the definitions in the source tree).
pub const SKIPPED_DIRS: &[&str] = &[".git", "node_modules", "target", ".aws-sam", "cdk.out"];

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    Stdin,
    File {
        path: PathBuf,
        selection: Selection,
        /// Named on the command line (not found by walking).
        named: bool,
    },
}

/// A path that could not be used; reported, and the exit code becomes 2.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError {
    pub path: PathBuf,
    pub message: String,
}

/// Whether walking `root` skips `path` (a file or directory below it): the configuration's
/// `exclude`. Shared with the walker's threads, hence `Sync`.
pub type Excluded = Arc<dyn Fn(&Path, &Path) -> bool + Send + Sync>;

pub fn collect(paths: &[PathBuf]) -> (Vec<Input>, Vec<InputError>) {
    collect_with(paths, Arc::new(|_, _| false))
}

/// The inputs `paths` name, in path order: files as given and the files of directories.
/// Named files are never excluded; a named file that is not JSON or YAML by name is still
/// read, and linted only when its content is a definition or template.
pub fn collect_with(paths: &[PathBuf], excluded: Excluded) -> (Vec<Input>, Vec<InputError>) {
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
                errors.push(InputError {
                    path: path.clone(),
                    message: io_message(&err),
                });
                continue;
            }
        };
        if !metadata.is_dir() {
            inputs.push(Input::File {
                path: path.clone(),
                selection: named_selection(path),
                named: true,
            });
            continue;
        }
        let mut walk_errors = Vec::new();
        walk(path, &excluded, &mut |found| match found {
            Ok((path, selection)) => inputs.push(Input::File {
                path,
                selection,
                named: false,
            }),
            Err(err) => walk_errors.push(err),
        });
        // In path order, as the walk no longer sorts.
        walk_errors.sort_by(|a, b| a.path.cmp(&b.path));
        errors.extend(walk_errors);
    }
    // Path order, whatever the order of the arguments (pre-commit passes files in any order):
    // standard input first, then files by their path's components.
    inputs.sort_by_cached_key(|input| match input {
        Input::Stdin => Vec::new(),
        Input::File { path, .. } => order_key(path),
    });
    inputs.dedup_by(|a, b| match (a, b) {
        (Input::File { path: a, .. }, Input::File { path: b, .. }) => a == b,
        (Input::Stdin, Input::Stdin) => true,
        _ => false,
    });
    (inputs, errors)
}

/// A key whose byte order is `Path::cmp`'s order (component by component): each component's
/// kind, its bytes and a NUL, which no file name holds. Comparing paths parses them again at
/// every comparison: sorting 10,000 walked paths took 40 ms that way.
pub(crate) fn order_key(path: &Path) -> Vec<u8> {
    use std::path::Component;
    let mut key = Vec::with_capacity(path.as_os_str().len() + 8);
    for component in path.components() {
        key.push(match component {
            Component::Prefix(_) => 1,
            Component::RootDir => 2,
            Component::CurDir => 3,
            Component::ParentDir => 4,
            Component::Normal(_) => 5,
        });
        key.extend_from_slice(component.as_os_str().as_encoded_bytes());
        key.push(0);
    }
    key
}

/// The walker for `root`: ignore files respected, build and dependency directories skipped,
/// the configuration's `exclude` applied. Unsorted: callers order what they keep by path
/// (sorting each directory by name parsed every entry's path again, a third of the walk).
pub fn walker(root: &Path, excluded: &Excluded) -> WalkBuilder {
    let walk_root = root.to_path_buf();
    let excluded = Arc::clone(excluded);
    let mut builder = WalkBuilder::new(root);
    builder
        .hidden(false)
        .require_git(false)
        .filter_entry(move |e| {
            if e.depth() == 0 {
                return true;
            }
            if e.file_type().is_some_and(|t| t.is_dir()) {
                !SKIPPED_DIRS.iter().any(|d| e.file_name() == *d) && !excluded(e.path(), &walk_root)
            } else {
                // Only files that could be linted are worth matching against `exclude`.
                selection_for_name(e.file_name()).is_none() || !excluded(e.path(), &walk_root)
            }
        });
    builder
}

/// Walks `root` and reports every JSON or YAML file worth reading, with how it is selected,
/// in no particular order.
pub fn walk(
    root: &Path,
    excluded: &Excluded,
    found: &mut dyn FnMut(Result<(PathBuf, Selection), InputError>),
) {
    for entry in walker(root, excluded).build() {
        match entry {
            Ok(entry) => {
                if let Some(selection) = lintable(&entry) {
                    found(Ok((entry.into_path(), selection)));
                }
            }
            Err(err) => {
                // A broken .gitignore is the user's to fix but no reason to stop the walk.
                if let Some(io) = err.io_error() {
                    let path = error_path(&err).unwrap_or_else(|| root.to_path_buf());
                    found(Err(InputError {
                        path,
                        message: io_message(io),
                    }));
                }
            }
        }
    }
}

/// How a walked entry is selected; `None` for anything but a regular JSON or YAML file (a
/// FIFO or device found while walking is never opened).
pub fn lintable(entry: &ignore::DirEntry) -> Option<Selection> {
    if !entry.file_type().is_some_and(|t| t.is_file()) {
        return None;
    }
    selection_for_name(entry.file_name())
}

fn error_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        _ => None,
    }
}

/// Whether `name` ends with `suffix`, ignoring ASCII case (extensions are ASCII; a name that
/// is not UTF-8 is compared on its bytes).
fn ends_with_ignore_case(name: &[u8], suffix: &str) -> bool {
    name.len() >= suffix.len()
        && name[name.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
}

/// The name a file is reported under: its path as given or found, without `.` components
/// (`./sls/./flow.asl.json` is `sls/flow.asl.json`), which annotations on a diff (GitHub's)
/// would not match. `..` stays: removing it would change the file a symbolic link leads to.
pub fn display_name(path: &Path) -> String {
    let clean: PathBuf = path
        .components()
        .filter(|c| *c != std::path::Component::CurDir)
        .collect();
    if clean.as_os_str().is_empty() {
        return path.to_string_lossy().into_owned();
    }
    clean.to_string_lossy().into_owned()
}

/// Files named `*.asl.json`, `*.asl.yaml` or `*.asl.yml` are definitions by name.
pub fn is_definition_name(path: &Path) -> bool {
    path.file_name().is_some_and(is_definition_file_name)
}

fn is_definition_file_name(name: &std::ffi::OsStr) -> bool {
    let name = name.as_encoded_bytes();
    [".asl.json", ".asl.yaml", ".asl.yml"]
        .iter()
        .any(|e| ends_with_ignore_case(name, e))
}

/// How a file found by walking is treated, or `None` when it is never a definition.
pub fn selection_for(path: &Path) -> Option<Selection> {
    selection_for_name(path.file_name()?)
}

/// `selection_for` by the file's name alone (a walk has it without parsing the path).
fn selection_for_name(name: &std::ffi::OsStr) -> Option<Selection> {
    if is_definition_file_name(name) {
        Some(Selection::Always)
    } else if [".json", ".yaml", ".yml", ".tf", ".tofu"]
        .iter()
        .any(|e| ends_with_ignore_case(name.as_encoded_bytes(), e))
    {
        // Definitions by content, and CloudFormation/SAM/Serverless/Terraform templates.
        Some(Selection::IfDefinition)
    } else {
        None
    }
}

/// A named file goes through the same content detection as a walked one, whatever its
/// extension (`*.template`, extensionless), so hooks may pass every changed file.
pub fn named_selection(path: &Path) -> Selection {
    selection_for(path).unwrap_or(Selection::IfDefinition)
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
            selection_for(Path::new("a/b.ASL.yaml")),
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
        assert_eq!(
            named_selection(Path::new("stack.template")),
            Selection::IfDefinition
        );
    }

    #[cfg(unix)]
    #[test]
    fn names_that_are_not_utf8_are_selected_by_extension() {
        use std::os::unix::ffi::OsStrExt;
        let name = std::ffi::OsStr::from_bytes(b"caf\xe9.asl.json");
        assert_eq!(selection_for(Path::new(name)), Some(Selection::Always));
    }

    #[test]
    fn order_keys_order_as_paths_do() {
        let mut paths: Vec<PathBuf> = [
            "a/b", "a-b", "a/b/c", "a", "./a", "../z", "/abs/x", "a//b", "a.b/c", "+x", "..",
            "b/../a", "a/b.json", "a/b/", "A/b", "a/ba", "a/b-c", "é/x", "a\\b",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        let mut by_key = paths.clone();
        paths.sort();
        by_key.sort_by_cached_key(|p| order_key(p));
        assert_eq!(paths, by_key);
        for a in &paths {
            for b in &paths {
                assert_eq!(a == b, order_key(a) == order_key(b), "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn display_names_drop_dot_components() {
        assert_eq!(
            display_name(Path::new("./sls/./flow.asl.json")),
            "sls/flow.asl.json"
        );
        assert_eq!(display_name(Path::new("sls/../a.json")), "sls/../a.json");
        assert_eq!(display_name(Path::new("/abs/./a.json")), "/abs/a.json");
        assert_eq!(display_name(Path::new(".")), ".");
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
