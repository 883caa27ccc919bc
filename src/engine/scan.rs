//! Finding the templates of a project: by walking it as a run would (ignore files, skipped
//! directories, `exclude`), or, when the scan cache holds a walk whose directories and ignore
//! files are all unchanged, by checking the stamps of the files that walk found. Listing
//! directories and matching ignore rules was most of the cost of a named file in a large
//! repository; a stat per known file is what remains.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, Mutex};

use super::cache::{Found, ScanCache, Stamp, Tree};
use super::index::Scanner;
use super::{lock, ordered, Engine};
use crate::discover;
use crate::hash::FastSet;
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
                let (what, references) = match stamp {
                    Some(stamp) => look(scanner, cache.get(path, stamp), path, &fresh),
                    None => {
                        fresh.fetch_add(1, Relaxed);
                        scanner.summarise(path)
                    }
                };
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
        let entries: Vec<(&[u8], Stamp, &Found)> = cache.entries().collect();
        let found = Mutex::new(Vec::new());
        // Entries that differ from the cache's: (position, stamp, summary).
        let changed = Mutex::new(Vec::new());
        let fresh = AtomicUsize::new(0);
        let gone = AtomicBool::new(false);
        let chunk = entries.len().div_ceil(ordered::cores()).max(1);
        std::thread::scope(|scope| {
            // The walk's directories and ignore files, checked while the files are.
            scope.spawn(|| {
                let same = tree.dirs.iter().all(|(d, s)| stamp_of(d) == Some(*s))
                    && tree.controls.iter().all(|(c, s)| stamp_of(c) == *s);
                if !same {
                    gone.store(true, Relaxed);
                }
            });
            for (n, part) in entries.chunks(chunk).enumerate() {
                let (found, changed, fresh, gone) = (&found, &changed, &fresh, &gone);
                scope.spawn(move || {
                    let mut mine = Vec::new();
                    // One buffer for every path: a stat needs the whole path.
                    let mut path = PathBuf::new();
                    for (i, &(relative, recorded, what)) in part.iter().enumerate() {
                        if gone.load(Relaxed) {
                            return;
                        }
                        let Ok(relative) = std::str::from_utf8(relative) else {
                            gone.store(true, Relaxed);
                            return;
                        };
                        path.as_mut_os_string().clear();
                        path.push(root);
                        path.push(relative);
                        if !known.contains(&path) {
                            // Its directory is unchanged, so it is there: unless it is not.
                            let Some(stamp) = stamp_of(&path) else {
                                gone.store(true, Relaxed);
                                return;
                            };
                            let hit = (stamp == recorded).then_some(what);
                            let (now, references) = look(scanner, hit, &path, fresh);
                            if let Some(references) = references {
                                lock(found).push((path.clone(), references));
                            }
                            if stamp != recorded || now != *what {
                                mine.push((n * chunk + i, stamp, now));
                            }
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
            let mut seen: Vec<(PathBuf, Stamp, Found)> = entries
                .iter()
                .map(|&(relative, stamp, found)| {
                    let relative = std::str::from_utf8(relative).unwrap_or_default();
                    (root.join(relative), stamp, found.clone())
                })
                .collect();
            for (i, stamp, found) in changed {
                if let Some(entry) = seen.get_mut(i) {
                    entry.1 = stamp;
                    entry.2 = found;
                }
            }
            cache.save(seen, fresh.into_inner(), Some(tree.clone()));
        }
        Some(found.into_inner().unwrap_or_else(|p| p.into_inner()))
    }
}

/// What a candidate file is: the cache's summary when it has one for the file as it is now
/// (`hit`), else read (and counted in `fresh`); with the references of a template that may
/// deploy a wanted definition.
fn look(
    scanner: &Scanner,
    hit: Option<&Found>,
    path: &Path,
    fresh: &AtomicUsize,
) -> (Found, Option<Vec<Reference>>) {
    let Some(found) = hit.filter(|f| **f != Found::Unread) else {
        fresh.fetch_add(1, Relaxed);
        return scanner.summarise(path);
    };
    let references = match found {
        Found::Other | Found::Unread => None,
        Found::Quiet => {
            scanner.note_quiet(path);
            None
        }
        Found::Template(written) if scanner.wants(path, written) => scanner.scan(path),
        Found::Template(_) => None,
    };
    (found.clone(), references)
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
