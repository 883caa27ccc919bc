//! What the last scan of a project found in each JSON, YAML and Terraform file, kept between
//! runs, so that finding the templates of a named definition costs a `stat` per file instead
//! of reading every file of the repository (what a pre-commit hook pays on every commit).
//!
//! An entry is trusted only while the file's size, modification time, change time and inode
//! are the ones recorded; anything else is read again. The cache also keeps the walk itself:
//! each directory entered and each file that decided what the walk skips (`.gitignore`,
//! `.ignore`, `.asl-lint.toml`, git's excludes), with their stamps. While all of them are
//! unchanged, no file was added, removed or renamed and the same files are skipped, so the
//! next run stats the files it knows instead of listing directories and matching ignore rules
//! (`Tree`). Templates are summarised by the file
//! paths they write (`DefinitionUri: sm/flow.asl.json`), which is all the scan needs to decide
//! whether a template may deploy a wanted definition; the template itself is then read and
//! parsed as without a cache. The cache lives outside the project (`ASL_LINT_CACHE_DIR`, else
//! `$XDG_CACHE_HOME/asl-lint`, else `~/.cache/asl-lint`), one file per project root, written
//! through the atomic writer so that concurrent runs each see a whole file.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::files::{read_text, write_file};
use crate::hash::FastMap;

const FORMAT: &str = "asl-lint scan cache 2";

/// The largest cache file read; a project of 100,000 files needs about 5 MB.
const MAX_CACHE_SIZE: u64 = 64 << 20;

/// What identifies one version of a file's content without reading it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stamp {
    size: u64,
    modified: i128,
    changed: i128,
    inode: u64,
}

impl Stamp {
    /// The stamp of what `rustix::fs::statat` found; the same as `of` its metadata.
    #[cfg(unix)]
    pub fn of_stat(stat: &rustix::fs::Stat) -> Stamp {
        let ns = |s: i64, n: i64| i128::from(s) * 1_000_000_000 + i128::from(n);
        #[allow(clippy::useless_conversion, clippy::unnecessary_cast)]
        Stamp {
            size: stat.st_size as u64,
            modified: ns(stat.st_mtime as i64, stat.st_mtime_nsec as i64),
            changed: ns(stat.st_ctime as i64, stat.st_ctime_nsec as i64),
            inode: stat.st_ino as u64,
        }
    }

    pub fn of(metadata: &std::fs::Metadata) -> Stamp {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let ns = |s: i64, n: i64| i128::from(s) * 1_000_000_000 + i128::from(n);
            Stamp {
                size: metadata.len(),
                modified: ns(metadata.mtime(), metadata.mtime_nsec()),
                changed: ns(metadata.ctime(), metadata.ctime_nsec()),
                inode: metadata.ino(),
            }
        }
        #[cfg(not(unix))]
        {
            let ns = |t: std::io::Result<std::time::SystemTime>| {
                t.ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos() as i128)
            };
            Stamp {
                size: metadata.len(),
                modified: ns(metadata.modified()),
                changed: ns(metadata.created()),
                inode: 0,
            }
        }
    }
}

/// What a file was found to be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Found {
    /// Not a template: no state machine marker.
    Other,
    /// A Terraform file without a state machine (see `TemplateIndex::quiet`).
    Quiet,
    /// A template, with the JSON and YAML file paths it writes (as written), separated by
    /// tabs (which end a path in `written_paths`): one allocation per template.
    Template(Box<str>),
    /// Seen by the walk but not read (a file the run named itself): read when next needed.
    Unread,
}

/// The walk that filled a cache: the directories it entered and the files that decided what
/// it skipped (or, where such a file was absent, `None`), by absolute path.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tree {
    pub dirs: Vec<(PathBuf, Stamp)>,
    pub controls: Vec<(PathBuf, Option<Stamp>)>,
}

/// How long after a change a stamp is not trusted: a second change within the file system's
/// timestamp granularity would leave the same stamp (git's "racily clean" entries). Such a
/// directory or ignore file keeps the walk from being saved, such a file is saved unread.
const RACY_NANOS: i128 = 2_000_000_000;

impl Stamp {
    /// Whether the file changed so recently, as of `now` (ns since the epoch), that another
    /// change might not show in its stamp.
    fn is_racy(&self, now: i128) -> bool {
        self.modified.max(self.changed) >= now - RACY_NANOS
    }
}

/// What a file was found to be, as the cache's text holds it (nothing is copied out of it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Listed<'t> {
    Other,
    Quiet,
    /// The paths the template writes, separated by tabs.
    Template(&'t str),
    Unread,
}

impl Listed<'_> {
    pub fn to_found(self) -> Found {
        match self {
            Listed::Other => Found::Other,
            Listed::Quiet => Found::Quiet,
            Listed::Template(written) => Found::Template(written.into()),
            Listed::Unread => Found::Unread,
        }
    }
}

impl Found {
    pub fn listed(&self) -> Listed<'_> {
        match self {
            Found::Other => Listed::Other,
            Found::Quiet => Listed::Quiet,
            Found::Template(written) => Listed::Template(written),
            Found::Unread => Listed::Unread,
        }
    }
}

/// One file's line: where its path and summary are in the text.
#[derive(Clone, Debug)]
struct Entry {
    path: Range<usize>,
    stamp: Stamp,
    kind: u8,
    written: Range<usize>,
}

/// The files' lines, and where each is by its path's bytes.
type Parsed = (Vec<Entry>, FastMap<Box<[u8]>, usize>);

/// One project's cache: loaded once, consulted by the walker's threads, saved when changed.
/// Its text is read in place: the walk's lines when loaded; the files' lines by the threads
/// that stamp them (`file_lines`), or all at once when a walk first looks a file up.
#[derive(Debug, Default)]
pub struct ScanCache {
    /// Where it is saved; `None` when there is no cache directory.
    file: Option<PathBuf>,
    root: PathBuf,
    text: String,
    /// Where the files' lines start in `text`, after the walk's.
    files_at: usize,
    /// The files' lines, and each by its path relative to the root as bytes (hashing a
    /// `Path` walks its components); empty when one of them does not read.
    parsed: OnceLock<Parsed>,
    tree: Option<Tree>,
}

impl ScanCache {
    /// The cache of the project at `root` (absolute), empty when there is none yet or it
    /// cannot be read.
    pub fn load(root: &Path) -> ScanCache {
        let Some(dir) = cache_dir() else {
            return ScanCache::default();
        };
        let file = dir.join(format!(
            "scan-{:016x}",
            fnv(root.as_os_str().as_encoded_bytes())
        ));
        let text = read_text(&file, MAX_CACHE_SIZE).unwrap_or_default();
        ScanCache::read(Some(file), root, text)
    }

    /// The cache saved in `file` that `text` holds; empty when it is not one for `root`.
    fn read(file: Option<PathBuf>, root: &Path, text: String) -> ScanCache {
        let mut cache = ScanCache {
            file,
            root: root.to_path_buf(),
            ..ScanCache::default()
        };
        if let Some((files_at, tree)) = parse(&text, root) {
            cache.files_at = files_at;
            cache.tree = tree;
            cache.text = text;
        }
        cache
    }

    /// The lines of the files the recorded walk found, one per file (see `file_line`).
    pub fn file_lines(&self) -> &str {
        &self.text[self.files_at..]
    }

    fn parsed(&self) -> &Parsed {
        self.parsed.get_or_init(|| {
            let mut entries = Vec::new();
            for line in self.file_lines().split_terminator('\n') {
                let Some((path, stamp, listed)) = file_line(line) else {
                    return Default::default();
                };
                let (kind, written) = match listed {
                    Listed::Other => (b'O', ""),
                    Listed::Quiet => (b'Q', ""),
                    Listed::Template(written) => (b'T', written),
                    Listed::Unread => (b'U', ""),
                };
                entries.push(Entry {
                    path: self.range(path),
                    stamp,
                    kind,
                    written: self.range(written),
                });
            }
            let by_path = entries
                .iter()
                .enumerate()
                .map(|(i, e)| (self.text.as_bytes()[e.path.clone()].into(), i))
                .collect();
            (entries, by_path)
        })
    }

    /// Where `part`, a slice of the text, is in it (an empty part is nowhere).
    fn range(&self, part: &str) -> Range<usize> {
        if part.is_empty() {
            return 0..0;
        }
        let start = part.as_ptr() as usize - self.text.as_ptr() as usize;
        start..start + part.len()
    }

    /// The walk that filled the cache, when one was recorded whole.
    pub fn tree(&self) -> Option<&Tree> {
        self.tree.as_ref()
    }

    fn listed(&self, entry: &Entry) -> Listed<'_> {
        match entry.kind {
            b'O' => Listed::Other,
            b'Q' => Listed::Quiet,
            b'T' => Listed::Template(&self.text[entry.written.clone()]),
            _ => Listed::Unread,
        }
    }

    /// Every file the recorded walk found: its path relative to the root, stamp and summary.
    pub fn entries(&self) -> impl Iterator<Item = (&str, Stamp, Listed<'_>)> {
        self.parsed()
            .0
            .iter()
            .map(|e| (&self.text[e.path.clone()], e.stamp, self.listed(e)))
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `path` below the root, as bytes.
    fn relative<'p>(&self, path: &'p Path) -> Option<&'p [u8]> {
        let root = self.root.as_os_str().as_encoded_bytes();
        let rest = path.as_os_str().as_encoded_bytes().strip_prefix(root)?;
        rest.strip_prefix(b"/").or_else(|| rest.strip_prefix(b"\\"))
    }

    /// What the file at `path` was found to be, while `stamp` is the one recorded.
    pub fn get(&self, path: &Path, stamp: Stamp) -> Option<Listed<'_>> {
        let (entries, by_path) = self.parsed();
        let entry = &entries[*by_path.get(self.relative(path)?)?];
        match self.listed(entry) {
            Listed::Unread => None,
            listed if entry.stamp == stamp => Some(listed),
            _ => None,
        }
    }

    pub fn len(&self) -> usize {
        self.parsed().0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Replaces the saved cache with what this walk saw (`fresh` of it read anew) and the
    /// walk itself (`tree`, when it could be recorded), unless nothing changed. A cache that
    /// cannot be written is only a slower next run.
    pub fn save(&self, seen: Vec<(PathBuf, Stamp, Found)>, fresh: usize, tree: Option<Tree>) {
        let Some(file) = &self.file else {
            return;
        };
        // A directory or ignore file changed just now may change again unseen: the walk is
        // kept only when all of them are older.
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as i128);
        let tree = tree
            .filter(|t| {
                t.dirs.iter().all(|(_, s)| !s.is_racy(now))
                    && t.controls
                        .iter()
                        .all(|(_, s)| !s.is_some_and(|s| s.is_racy(now)))
            })
            .map(|mut t| {
                // In path order, as read back: a walk's order is its threads'.
                t.dirs.sort_by(|a, b| a.0.cmp(&b.0));
                t.controls.sort_by(|a, b| a.0.cmp(&b.0));
                t
            });
        if fresh == 0 && seen.len() == self.len() && tree == self.tree {
            return;
        }
        // In path order, so that a directory's files are together (see `scan::replay`).
        let mut seen: Vec<(String, Stamp, Found)> = seen
            .into_iter()
            .filter_map(|(path, stamp, found)| {
                let relative = std::str::from_utf8(self.relative(&path)?).ok()?;
                // A file changed just now may change again with the same stamp: it is read
                // again next time.
                let found = if stamp.is_racy(now) {
                    Found::Unread
                } else {
                    found
                };
                Some((relative.to_string(), stamp, found))
            })
            .collect();
        seen.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let files = seen
            .iter()
            .filter_map(|(relative, stamp, found)| line(relative, *stamp, found));
        // The walk's lines first: they are read when the cache is loaded, the files' later.
        let mut lines: Vec<String> = Vec::new();
        if let Some(tree) = &tree {
            let mut recorded = Vec::new();
            for (dir, stamp) in &tree.dirs {
                let relative = self
                    .relative(dir)
                    .or_else(|| (dir == &self.root).then_some(&b""[..]))
                    .and_then(|r| std::str::from_utf8(r).ok())
                    .filter(|r| !r.contains(['\t', '\n', '\r']));
                recorded.extend(relative.map(|r| stamp_line(*stamp, "D", r)));
            }
            for (control, stamp) in &tree.controls {
                let plain = control.to_str().filter(|s| !s.contains(['\t', '\n', '\r']));
                recorded.extend(plain.map(|c| match stamp {
                    Some(s) => stamp_line(*s, "C", c),
                    None => stamp_line(Stamp::default(), "A", c),
                }));
            }
            // Only a walk recorded whole can stand for listing the directories again.
            if recorded.len() == tree.dirs.len() + tree.controls.len() {
                lines.extend(recorded);
            }
        }
        lines.extend(files);
        let mut text = format!(
            "{FORMAT} {}\n{}\n",
            env!("CARGO_PKG_VERSION"),
            self.root.display()
        );
        for l in lines {
            text.push_str(&l);
            text.push('\n');
        }
        if let Some(dir) = file.parent() {
            if std::fs::create_dir_all(dir).is_err() {
                return;
            }
        }
        let _ = write_file(file, text.as_bytes());
    }
}

/// The cache directory, from the environment; `None` when there is no home to keep it in.
fn cache_dir() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(dir) = var("ASL_LINT_CACHE_DIR") {
        return Some(PathBuf::from(dir));
    }
    if let Some(dir) = var("XDG_CACHE_HOME") {
        return Some(PathBuf::from(dir).join("asl-lint"));
    }
    var("HOME").map(|home| PathBuf::from(home).join(".cache").join("asl-lint"))
}

/// `size modified changed inode kind path[\ttoken…]`, or `None` for a path or token that a
/// tab or a line break would make ambiguous (such files are simply read every time).
fn line(relative: &str, stamp: Stamp, found: &Found) -> Option<String> {
    let plain = |s: &str| !s.contains(['\t', '\n', '\r']);
    if !plain(relative) {
        return None;
    }
    let (kind, written) = match found {
        Found::Other => ("O", ""),
        Found::Quiet => ("Q", ""),
        Found::Template(written) => ("T", &**written),
        Found::Unread => ("U", ""),
    };
    if written.contains(['\n', '\r']) {
        return None;
    }
    let mut out = stamp_line(stamp, kind, relative);
    if !written.is_empty() {
        out.push('\t');
        out.push_str(written);
    }
    Some(out)
}

/// `size modified changed inode kind path`.
fn stamp_line(stamp: Stamp, kind: &str, path: &str) -> String {
    format!(
        "{} {} {} {} {kind} {path}",
        stamp.size, stamp.modified, stamp.changed, stamp.inode
    )
}

/// The header, then the walk's lines: where the files' lines start, and the walk.
fn parse(text: &str, root: &Path) -> Option<(usize, Option<Tree>)> {
    let mut lines = text.split_inclusive('\n');
    let header = format!("{FORMAT} {}\n", env!("CARGO_PKG_VERSION"));
    let (first, second) = (lines.next()?, lines.next()?);
    // Another version's cache, or another root's (a hash collision), is ignored.
    if first != header || Path::new(second.strip_suffix('\n')?) != root {
        return None;
    }
    let mut at = first.len() + second.len();
    let mut tree = Tree::default();
    for l in lines {
        let (path, stamp, kind) = stamped(l.strip_suffix('\n')?)?;
        match kind {
            "D" => tree.dirs.push((root.join(path), stamp)),
            "C" | "A" => tree
                .controls
                .push((PathBuf::from(path), (kind == "C").then_some(stamp))),
            _ => break,
        }
        at += l.len();
    }
    tree.dirs.sort_by(|a, b| a.0.cmp(&b.0));
    tree.controls.sort_by(|a, b| a.0.cmp(&b.0));
    // The root is always among the directories of a recorded walk.
    let tree = tree.dirs.iter().any(|(d, _)| d == root).then_some(tree);
    Some((at.min(text.len()), tree))
}

/// `size modified changed inode kind rest`: the rest, the stamp and the kind.
fn stamped(line: &str) -> Option<(&str, Stamp, &str)> {
    let mut rest = line;
    let mut field = || {
        let (head, tail) = rest.split_once(' ')?;
        rest = tail;
        Some(head)
    };
    // Nanoseconds since 1970 fit in an i64 until 2262, and parse faster than an i128.
    let mut number = || field()?.parse::<i64>().ok();
    let (size, modified, changed, inode) = (number()?, number()?, number()?, number()?);
    let kind = field()?;
    let stamp = Stamp {
        size: u64::try_from(size).ok()?,
        modified: i128::from(modified),
        changed: i128::from(changed),
        inode: u64::try_from(inode).ok()?,
    };
    Some((rest, stamp, kind))
}

/// A file's line: its path relative to the root, stamp and summary.
pub fn file_line(line: &str) -> Option<(&str, Stamp, Listed<'_>)> {
    let (rest, stamp, kind) = stamped(line)?;
    let (path, listed) = match kind {
        "O" => (rest, Listed::Other),
        "Q" => (rest, Listed::Quiet),
        "U" => (rest, Listed::Unread),
        "T" => {
            let (path, written) = rest.split_once('\t').unwrap_or((rest, ""));
            (path, Listed::Template(written))
        }
        _ => return None,
    };
    Some((path, stamp, listed))
}

/// 64-bit FNV-1a, for the cache file's name.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_and_stale_stamps_miss() {
        let root = Path::new("/project");
        let stamp = Stamp {
            size: 10,
            modified: 1_700_000_000_123_456_789,
            changed: -5,
            inode: 42,
        };
        let seen = vec![
            (
                root.join("a/template.yaml"),
                stamp,
                Found::Template("sm/flow.asl.json\t../x.yaml".into()),
            ),
            (root.join("package.json"), stamp, Found::Other),
            (root.join("infra/main.tf"), stamp, Found::Quiet),
            (root.join("bad\tname.json"), stamp, Found::Other),
        ];
        let mut text = format!("{FORMAT} {}\n/project\n", env!("CARGO_PKG_VERSION"));
        for (path, stamp, found) in &seen {
            if let Some(l) = line(
                path.strip_prefix(root).unwrap().to_str().unwrap(),
                *stamp,
                found,
            ) {
                text.push_str(&l);
                text.push('\n');
            }
        }
        let cache = ScanCache::read(None, root, text.clone());
        assert_eq!(cache.len(), 3);
        assert_eq!(
            cache.get(&root.join("a/template.yaml"), stamp),
            Some(Listed::Template("sm/flow.asl.json\t../x.yaml"))
        );
        assert_eq!(
            cache.get(&root.join("infra/main.tf"), stamp),
            Some(Listed::Quiet)
        );
        let touched = Stamp {
            modified: stamp.modified + 1,
            ..stamp
        };
        assert_eq!(cache.get(&root.join("package.json"), touched), None);
        assert_eq!(cache.get(Path::new("/elsewhere/package.json"), stamp), None);
        // Another root or version is not read.
        assert!(parse(&text, Path::new("/other")).is_none());
        assert!(parse(&text.replace(FORMAT, "asl-lint scan cache 0"), root).is_none());
    }

    #[test]
    fn the_walk_round_trips_unless_it_changed_just_now() {
        let dir = std::env::temp_dir().join(format!("asl-lint-tree-{}", std::process::id()));
        let root = Path::new("/project");
        let old = Stamp {
            size: 4096,
            modified: 1_700_000_000_000_000_000,
            changed: 1_700_000_000_000_000_000,
            inode: 7,
        };
        let tree = Tree {
            dirs: vec![(root.to_path_buf(), old), (root.join("sub dir"), old)],
            controls: vec![
                (root.join(".gitignore"), Some(old)),
                (PathBuf::from("/.gitignore"), None),
            ],
        };
        let seen = vec![
            (root.join("sub dir/t.yaml"), old, Found::Other),
            (root.join("named.yaml"), old, Found::Unread),
        ];
        let empty = || ScanCache::read(Some(dir.join("scan")), root, String::new());
        empty().save(seen.clone(), 1, Some(tree.clone()));
        // Read back in path order.
        let mut tree = tree;
        tree.controls.reverse();
        let text = std::fs::read_to_string(dir.join("scan")).unwrap();
        let loaded = ScanCache::read(None, root, text);
        assert_eq!(loaded.tree(), Some(&tree));
        assert_eq!(loaded.len(), 2);
        // An unread file is never a hit.
        assert_eq!(loaded.get(&root.join("named.yaml"), old), None);
        assert_eq!(
            loaded.get(&root.join("sub dir/t.yaml"), old),
            Some(Listed::Other)
        );
        // A directory changed a moment ago is not trusted: the walk is not kept; nor is a
        // file's summary.
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos() as i128;
        let mut racy = tree.clone();
        racy.dirs[1].1.modified = now;
        let fresh = Stamp {
            changed: now,
            ..old
        };
        let mut seen = seen;
        seen[0].1 = fresh;
        empty().save(seen, 1, Some(racy));
        let text = std::fs::read_to_string(dir.join("scan")).unwrap();
        assert_eq!(parse(&text, root).unwrap().1, None);
        let loaded = ScanCache::read(None, root, text);
        assert_eq!(loaded.get(&root.join("sub dir/t.yaml"), fresh), None);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
