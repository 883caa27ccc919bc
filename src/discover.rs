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

/// What a command line names, before any directory is walked.
#[derive(Debug, Default)]
pub struct Named {
    /// Standard input first, then the named files in path order, each once.
    pub inputs: Vec<Input>,
    /// Directories to walk, as given.
    pub dirs: Vec<PathBuf>,
    /// Paths that do not exist or cannot be looked at.
    pub errors: Vec<InputError>,
}

/// Sorts `paths` into standard input, files and directories. Named files are never excluded;
/// a named file that is not JSON or YAML by name is still read, and linted only when its
/// content is a definition or template.
pub fn split(paths: &[PathBuf]) -> Named {
    let mut named = Named::default();
    for path in paths {
        if path.as_os_str() == "-" {
            named.inputs.push(Input::Stdin);
            continue;
        }
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => named.dirs.push(path.clone()),
            Ok(_) => named.inputs.push(Input::File {
                path: path.clone(),
                selection: named_selection(path),
                named: true,
            }),
            Err(err) => named.errors.push(InputError {
                path: path.clone(),
                message: io_message(&err),
            }),
        }
    }
    // Path order, whatever the order of the arguments (pre-commit passes files in any order):
    // standard input first, then files by their path's components.
    named.inputs.sort_by_cached_key(|input| match input {
        Input::Stdin => Vec::new(),
        Input::File { path, .. } => order_key(path),
    });
    named.inputs.dedup();
    named
}

/// The inputs of `named` and of its directories' walks, in path order, each path once: the
/// walks are merged as they go, so that no list of a repository's files is ever held.
pub fn in_order(
    named: Vec<Input>,
    dirs: &[PathBuf],
    excluded: &Excluded,
) -> Box<dyn Iterator<Item = Input> + Send> {
    if dirs.is_empty() {
        // As it is, with its length known: one named file is linted without a thread.
        return Box::new(named.into_iter());
    }
    let mut streams: Vec<Box<dyn Iterator<Item = Input> + Send>> =
        vec![Box::new(named.into_iter())];
    for dir in dirs {
        let walk = walker(dir, excluded)
            .sort_by_file_name(|a, b| a.cmp(b))
            .build()
            .filter_map(|entry| {
                let entry = entry.ok()?;
                let selection = lintable(&entry)?;
                Some(Input::File {
                    path: entry.into_path(),
                    selection,
                    named: false,
                })
            });
        streams.push(Box::new(walk));
    }
    let mut heads: Vec<std::iter::Peekable<_>> =
        streams.into_iter().map(Iterator::peekable).collect();
    Box::new(std::iter::from_fn(move || {
        let first = heads
            .iter_mut()
            .enumerate()
            .filter_map(|(i, h)| Some((i, h.peek()?)))
            .min_by(|(_, a), (_, b)| input_order(a, b))?
            .0;
        let next = heads[first].next()?;
        // The same path again: named and walked, or from a directory named twice.
        for head in &mut heads {
            while head.next_if(|i| input_order(i, &next).is_eq()).is_some() {}
        }
        Some(next)
    }))
}

/// Path order, standard input first (`Path::cmp` walks components, as `order_key` does).
fn input_order(a: &Input, b: &Input) -> std::cmp::Ordering {
    match (a, b) {
        (Input::Stdin, Input::Stdin) => std::cmp::Ordering::Equal,
        (Input::Stdin, _) => std::cmp::Ordering::Less,
        (_, Input::Stdin) => std::cmp::Ordering::Greater,
        (Input::File { path: a, .. }, Input::File { path: b, .. }) => a.cmp(b),
    }
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

/// What a walk of `root` could not look at, as an input error; `None` for problems that are
/// no reason to stop (a broken `.gitignore` is the user's to fix).
pub fn walk_error(root: &Path, err: &ignore::Error) -> Option<InputError> {
    let io = err.io_error()?;
    Some(InputError {
        path: error_path(err).unwrap_or_else(|| root.to_path_buf()),
        message: io_message(io),
    })
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
        let named = split(&[
            PathBuf::from("/definitely/not/here.json"),
            PathBuf::from("-"),
        ]);
        assert_eq!(named.inputs, vec![Input::Stdin]);
        assert_eq!(named.errors.len(), 1);
        assert_eq!(named.errors[0].message, "no such file or directory");
    }

    #[test]
    fn walks_and_named_files_merge_in_path_order_each_path_once() {
        let root = std::env::temp_dir().join(format!("asl-lint-in-order-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for (rel, text) in [
            ("a/x.json", "{}"),
            ("a.json", "{}"),
            ("b/y.yaml", "a: 1"),
            ("b/notes.txt", ""),
            ("b/ignored.json", "{}"),
            ("c.asl.json", "{}"),
            (".gitignore", "ignored.json\n"),
        ] {
            let path = root.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let named = split(&[
            root.join("c.asl.json"),
            root.join("b"),
            root.join("a.json"),
            root.clone(),
        ]);
        assert_eq!(named.dirs, vec![root.join("b"), root.clone()]);
        let excluded: Excluded = Arc::new(|_, _| false);
        let found: Vec<(PathBuf, bool)> = in_order(named.inputs, &named.dirs, &excluded)
            .map(|input| match input {
                Input::File { path, named, .. } => (path, named),
                Input::Stdin => (PathBuf::from("-"), true),
            })
            .collect();
        let expected = [
            ("a/x.json", false),
            ("a.json", true),
            ("b/y.yaml", false),
            ("c.asl.json", true),
        ];
        let expected: Vec<(PathBuf, bool)> =
            expected.iter().map(|(p, n)| (root.join(p), *n)).collect();
        assert_eq!(found, expected);
        std::fs::remove_dir_all(&root).unwrap();
    }
}
