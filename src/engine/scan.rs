//! Finding the templates of a project: by walking it as a run would (ignore files, skipped
//! directories, `exclude`), or, when the scan cache holds a walk whose directories and ignore
//! files are all unchanged, by checking the stamps of the files that walk found. Listing
//! directories and matching ignore rules was most of the cost of a named file in a large
//! repository; a stat per known file is what remains.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, Mutex};

use super::cache::{file_line, Found, Listed, ScanCache, Stamp, Tree};
use super::index::Scanner;
use super::{lock, Engine};
use crate::discover;
use crate::hash::{FastMap, FastSet};
use crate::lint::{Reference, Selection};

/// Files whose content decides what a walk skips, in any directory it enters.
const CONTROLS: [&str; 3] = [".gitignore", ".ignore", crate::config::FILE_NAME];

type Templates = Vec<(PathBuf, Vec<Reference>)>;

/// Scans answered from the cached walk, in this process: tests check that one is used while
/// the project is unchanged, and not once it changed.
static REPLAYED: AtomicUsize = AtomicUsize::new(0);

pub fn walks_replayed() -> usize {
    REPLAYED.load(Relaxed)
}

impl Engine {
    /// The templates under `root` (absolute) and what they deploy, as walking the project
    /// finds them, skipping `known` files.
    pub(super) fn scan_project(
        &self,
        root: &Path,
        scanner: &Scanner,
        known: &FastSet<PathBuf>,
    ) -> Templates {
        let cache = self.cache.then(|| ScanCache::load(root));
        if let Some(found) = cache.as_ref().and_then(|c| self.replay(c, scanner, known)) {
            return found;
        }
        self.walk_project(root, scanner, known, cache)
    }

    /// The walk, on every core; with a cache, also recorded for the next run.
    fn walk_project(
        &self,
        root: &Path,
        scanner: &Scanner,
        known: &FastSet<PathBuf>,
        cache: Option<ScanCache>,
    ) -> Templates {
        let shared = Arc::clone(&self.resolver);
        let excluded: discover::Excluded =
            Arc::new(move |path, walk_root| lock(&shared).is_excluded(path, walk_root));
        let found = Mutex::new(Vec::new());
        // What this walk saw, for the cache, and how many files it had to read.
        let seen = Mutex::new(Vec::new());
        let fresh = AtomicUsize::new(0);
        let tree = Mutex::new(Tree::default());
        let whole = AtomicBool::new(true);
        discover::walker(root, &excluded).build_parallel().run(|| {
            Box::new(|entry| {
                let Ok(entry) = entry else {
                    whole.store(false, Relaxed);
                    return ignore::WalkState::Continue;
                };
                let path = entry.path();
                if cache.is_some() && !record(path, entry.file_type(), &tree) {
                    whole.store(false, Relaxed);
                }
                if discover::lintable(&entry) != Some(Selection::IfDefinition) {
                    return ignore::WalkState::Continue;
                }
                let Some(cache) = &cache else {
                    if !known.contains(path) {
                        if let Some(references) = scanner.scan(path) {
                            lock(&found).push((entry.into_path(), references));
                        }
                    }
                    return ignore::WalkState::Continue;
                };
                let stamp = stamp_of(path);
                if known.contains(path) {
                    if let Some(stamp) = stamp {
                        lock(&seen).push((path.to_path_buf(), stamp, Found::Unread));
                    }
                    return ignore::WalkState::Continue;
                }
                let hit = stamp.and_then(|stamp| cache.get(path, stamp));
                let (fresh_found, references) = look(scanner, hit, path, &fresh);
                let what = fresh_found
                    .or_else(|| hit.map(Listed::to_found))
                    .unwrap_or(Found::Other);
                if let Some(stamp) = stamp {
                    lock(&seen).push((path.to_path_buf(), stamp, what));
                }
                if let Some(references) = references {
                    lock(&found).push((entry.into_path(), references));
                }
                ignore::WalkState::Continue
            })
        });
        if let Some(cache) = cache {
            let mut tree = tree.into_inner().unwrap_or_else(|p| p.into_inner());
            let explicit = self.resolver().explicit_config();
            for control in outside_controls(root, explicit.as_deref()) {
                let stamp = stamp_of(&control);
                tree.controls.push((control, stamp));
            }
            let seen = seen.into_inner().unwrap_or_else(|p| p.into_inner());
            cache.save(seen, fresh.into_inner(), whole.into_inner().then_some(tree));
        }
        found.into_inner().unwrap_or_else(|p| p.into_inner())
    }

    /// The templates among the files the cached walk found, when that walk would find the
    /// same files today: every directory it entered and every file that decided what it
    /// skipped has its recorded stamp (an added, removed or renamed file changes its
    /// directory's). `None` sends the caller walking.
    fn replay(
        &self,
        cache: &ScanCache,
        scanner: &Scanner,
        known: &FastSet<PathBuf>,
    ) -> Option<Templates> {
        let tree = cache.tree()?;
        let root = cache.root();
        let explicit = self.resolver().explicit_config();
        let recorded: FastSet<&Path> = tree.controls.iter().map(|(p, _)| p.as_path()).collect();
        if !outside_controls(root, explicit.as_deref())
            .iter()
            .all(|p| recorded.contains(p.as_path()))
        {
            return None;
        }
        // By their bytes: hashing a `Path` parses it, for every entry.
        let known: FastSet<&[u8]> = known
            .iter()
            .map(|k| k.as_os_str().as_encoded_bytes())
            .collect();
        let known = &known;
        let found = Mutex::new(Vec::new());
        // Files whose stamp or summary is not the cache's: (path, stamp, summary).
        let changed = Mutex::new(Vec::new());
        let fresh = AtomicUsize::new(0);
        let gone = AtomicBool::new(false);
        std::thread::scope(|scope| {
            // The walk's directories and ignore files, checked while the files are.
            scope.spawn(|| {
                let below = Below::open(root);
                let same = tree.dirs.iter().all(|(d, s)| below.stamp(d) == Some(*s))
                    && tree.controls.iter().all(|(c, s)| below.stamp(c) == *s);
                if !same {
                    gone.store(true, Relaxed);
                }
            });
            // Each thread reads its share of the files' lines as it stamps them.
            for part in line_chunks(cache.file_lines(), crate::cores::cores()) {
                let (found, changed, fresh, gone) = (&found, &changed, &fresh, &gone);
                scope.spawn(move || {
                    let mut mine = Vec::new();
                    // One buffer for every path, and the directory open for its files.
                    let mut path = PathBuf::new();
                    let mut dir = OpenDir::default();
                    for line in part.split_terminator('\n') {
                        if gone.load(Relaxed) {
                            return;
                        }
                        let Some((relative, recorded, what)) = file_line(line) else {
                            gone.store(true, Relaxed);
                            return;
                        };
                        path.as_mut_os_string().clear();
                        path.push(root);
                        path.push(relative);
                        if known.contains(path.as_os_str().as_encoded_bytes()) {
                            continue;
                        }
                        // Its directory is unchanged, so it is there: unless it is not.
                        let Some(stamp) = dir.stamp_below(root, relative, &path) else {
                            gone.store(true, Relaxed);
                            return;
                        };
                        let hit = (stamp == recorded).then_some(what);
                        let (now, references) = look(scanner, hit, &path, fresh);
                        if let Some(references) = references {
                            lock(found).push((path.clone(), references));
                        }
                        if stamp != recorded || now.is_some() {
                            let now = now.unwrap_or_else(|| what.to_found());
                            mine.push((relative, stamp, now));
                        }
                    }
                    lock(changed).extend(mine);
                });
            }
        });
        if gone.into_inner() {
            return None;
        }
        REPLAYED.fetch_add(1, Relaxed);
        let changed = changed.into_inner().unwrap_or_else(|p| p.into_inner());
        if !changed.is_empty() {
            let mut changed: FastMap<&str, (Stamp, Found)> = changed
                .into_iter()
                .map(|(relative, stamp, found)| (relative, (stamp, found)))
                .collect();
            let seen: Vec<(PathBuf, Stamp, Found)> = cache
                .entries()
                .map(|(relative, stamp, listed)| {
                    let (stamp, found) = changed
                        .remove(relative)
                        .unwrap_or_else(|| (stamp, listed.to_found()));
                    (root.join(relative), stamp, found)
                })
                .collect();
            cache.save(seen, fresh.into_inner(), Some(tree.clone()));
        }
        Some(found.into_inner().unwrap_or_else(|p| p.into_inner()))
    }
}

/// What a candidate file is: the cache's summary when it has one for the file as it is now
/// (`hit`), else read (counted in `fresh`, and given as its new summary); with the references
/// of a template that may deploy a wanted definition.
fn look(
    scanner: &Scanner,
    hit: Option<Listed>,
    path: &Path,
    fresh: &AtomicUsize,
) -> (Option<Found>, Option<Vec<Reference>>) {
    let Some(listed) = hit.filter(|l| *l != Listed::Unread) else {
        fresh.fetch_add(1, Relaxed);
        let (found, references) = scanner.summarise(path);
        return (Some(found), references);
    };
    let references = match listed {
        Listed::Other | Listed::Unread => None,
        Listed::Quiet => {
            scanner.note_quiet(path);
            None
        }
        Listed::Template(written) if scanner.wants(path, written) => scanner.scan(path),
        Listed::Template(_) => None,
    };
    (None, references)
}

/// Records a directory the walk entered, with its git excludes, or a file that decides what
/// the walk skips. False when the walk cannot be recorded (a `.git` file: its excludes are
/// elsewhere).
fn record(path: &Path, kind: Option<std::fs::FileType>, tree: &Mutex<Tree>) -> bool {
    let Some(kind) = kind else { return true };
    if kind.is_dir() {
        let Some(stamp) = stamp_of(path) else {
            return false;
        };
        let git = path.join(".git");
        let exclude = match std::fs::symlink_metadata(&git) {
            Ok(m) if m.is_dir() => Some(git.join("info").join("exclude")),
            Ok(_) => return false,
            Err(_) => None,
        };
        let mut tree = lock(tree);
        tree.dirs.push((path.to_path_buf(), stamp));
        if let Some(exclude) = exclude {
            let stamp = stamp_of(&exclude);
            tree.controls.push((exclude, stamp));
        }
    } else if path
        .file_name()
        .is_some_and(|n| CONTROLS.iter().any(|c| n == *c))
    {
        let stamp = stamp_of(path);
        lock(tree).controls.push((path.to_path_buf(), stamp));
    }
    true
}

/// Files outside the walk that decide what it skips: ignore and configuration files in the
/// directories above the root, `--config`, and git's global configuration and excludes.
fn outside_controls(root: &Path, explicit: Option<&Path>) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = root
        .ancestors()
        .skip(1)
        .flat_map(|dir| CONTROLS.iter().map(move |c| dir.join(c)))
        .collect();
    out.extend(explicit.map(Path::to_path_buf));
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    out.extend(var("GIT_CONFIG_GLOBAL").map(PathBuf::from));
    let home = var("HOME").map(PathBuf::from);
    out.extend(home.as_ref().map(|h| h.join(".gitconfig")));
    let config = var("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| home.map(|h| h.join(".config")));
    if let Some(config) = config {
        out.push(config.join("git").join("config"));
        out.push(config.join("git").join("ignore"));
    }
    out.extend(ignore::gitignore::gitconfig_excludes_path());
    out.sort();
    out.dedup();
    out
}

fn stamp_of(path: &Path) -> Option<Stamp> {
    std::fs::metadata(path).ok().map(|m| Stamp::of(&m))
}

/// The directory of the last file stamped, kept open: its other files are stamped by name,
/// so that the kernel looks up one component instead of the whole path. Entries are saved
/// in path order, so a directory's files come together.
#[derive(Default)]
struct OpenDir {
    #[cfg(unix)]
    open: Option<(PathBuf, Option<rustix::fd::OwnedFd>)>,
}

impl OpenDir {
    /// `stamp` of `path`, which is `relative` below `root`: its directory is found by
    /// splitting the text, not by parsing the path.
    #[cfg(unix)]
    fn stamp_below(&mut self, root: &Path, relative: &str, path: &Path) -> Option<Stamp> {
        let (dir, name) = relative
            .rsplit_once(std::path::MAIN_SEPARATOR)
            .unwrap_or(("", relative));
        if name.is_empty() || name == "." || name == ".." {
            return stamp_of(path);
        }
        // Kept open while the files of one directory come; `path`'s own stamp when it cannot
        // be opened.
        use rustix::fs::{AtFlags, Mode, OFlags};
        if self.open.as_ref().is_none_or(|(d, _)| d.as_os_str() != dir) {
            let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
            let fd = rustix::fs::open(root.join(dir), flags, Mode::empty()).ok();
            self.open = Some((PathBuf::from(dir), fd));
        }
        match self.open.as_ref().and_then(|(_, fd)| fd.as_ref()) {
            Some(fd) => rustix::fs::statat(fd, name, AtFlags::empty())
                .ok()
                .map(|s| Stamp::of_stat(&s)),
            None => stamp_of(path),
        }
    }

    #[cfg(not(unix))]
    fn stamp_below(&mut self, _root: &Path, _relative: &str, path: &Path) -> Option<Stamp> {
        stamp_of(path)
    }
}

/// Paths below a root, each stamped by one `statat` from the root's open directory: the
/// recorded walk's directories come in no useful order for keeping their parents open, and
/// opening each parent cost more than the lookup it spares.
struct Below<'r> {
    root: &'r Path,
    #[cfg(unix)]
    fd: Option<rustix::fd::OwnedFd>,
}

impl<'r> Below<'r> {
    fn open(root: &'r Path) -> Below<'r> {
        Below {
            root,
            #[cfg(unix)]
            fd: {
                use rustix::fs::{Mode, OFlags};
                let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
                rustix::fs::open(root, flags, Mode::empty()).ok()
            },
        }
    }

    fn stamp(&self, path: &Path) -> Option<Stamp> {
        #[cfg(unix)]
        if let (Some(fd), Ok(relative)) = (&self.fd, path.strip_prefix(self.root)) {
            if !relative.as_os_str().is_empty() {
                return rustix::fs::statat(fd, relative, rustix::fs::AtFlags::empty())
                    .ok()
                    .map(|s| Stamp::of_stat(&s));
            }
        }
        stamp_of(path)
    }
}

/// `text` in up to `n` parts of about equal length, each a run of whole lines.
fn line_chunks(text: &str, n: usize) -> Vec<&str> {
    let mut parts = Vec::with_capacity(n);
    let mut rest = text;
    for left in (1..=n.max(1)).rev() {
        if rest.is_empty() {
            break;
        }
        let target = rest.len() / left;
        // Searched in bytes: `target` may fall inside a character, a line end never does.
        let end = match memchr::memchr(b'\n', &rest.as_bytes()[target..]) {
            Some(i) if left > 1 => target + i + 1,
            _ => rest.len(),
        };
        parts.push(&rest[..end]);
        rest = &rest[end..];
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_chunks_are_whole_lines_covering_the_text() {
        let text = "a é\nbb\ncçç\ndddd\ne\n";
        for n in 1..8 {
            let parts = line_chunks(text, n);
            assert!(parts.len() <= n);
            assert_eq!(parts.concat(), text);
            assert!(parts.iter().all(|p| p.ends_with('\n')), "{n}: {parts:?}");
        }
        assert!(line_chunks("", 2).is_empty());
        assert_eq!(line_chunks("no end", 2), vec!["no end"]);
    }
}
