//! What the last scan of a project found in each JSON, YAML and Terraform file, kept between
//! runs, so that finding the templates of a named definition costs a `stat` per file instead
//! of reading every file of the repository (what a pre-commit hook pays on every commit).
//!
//! An entry is trusted only while the file's size, modification time, change time and inode
//! are the ones recorded; anything else is read again. Templates are summarised by the file
//! paths they write (`DefinitionUri: sm/flow.asl.json`), which is all the scan needs to decide
//! whether a template may deploy a wanted definition; the template itself is then read and
//! parsed as without a cache. The cache lives outside the project (`ASL_LINT_CACHE_DIR`, else
//! `$XDG_CACHE_HOME/asl-lint`, else `~/.cache/asl-lint`), one file per project root, written
//! through the atomic writer so that concurrent runs each see a whole file.

use std::path::{Path, PathBuf};

use crate::files::{read_text, write_file};
use crate::hash::FastMap;

const FORMAT: &str = "asl-lint scan cache 1";

/// The largest cache file read; a project of 100,000 files needs about 5 MB.
const MAX_CACHE_SIZE: u64 = 64 << 20;

/// What identifies one version of a file's content without reading it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    size: u64,
    modified: i128,
    changed: i128,
    inode: u64,
}

impl Stamp {
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
    /// A template, with the JSON and YAML file paths it writes (as written).
    Template(Vec<String>),
}

/// One project's cache: loaded once, consulted by the walker's threads, saved when changed.
#[derive(Debug, Default)]
pub struct ScanCache {
    /// Where it is saved; `None` when there is no cache directory.
    file: Option<PathBuf>,
    root: PathBuf,
    /// By the path relative to the root, as bytes: hashing a `Path` walks its components,
    /// which cost more than the rest of a cache hit.
    entries: FastMap<Box<[u8]>, (Stamp, Found)>,
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
        let mut cache = ScanCache {
            file: Some(file.clone()),
            root: root.to_path_buf(),
            entries: FastMap::default(),
        };
        if let Ok(text) = read_text(&file, MAX_CACHE_SIZE) {
            cache.entries = parse(&text, root).unwrap_or_default();
        }
        cache
    }

    /// `path` below the root, as bytes.
    fn relative<'p>(&self, path: &'p Path) -> Option<&'p [u8]> {
        let root = self.root.as_os_str().as_encoded_bytes();
        let rest = path.as_os_str().as_encoded_bytes().strip_prefix(root)?;
        rest.strip_prefix(b"/").or_else(|| rest.strip_prefix(b"\\"))
    }

    pub fn get(&self, path: &Path, stamp: Stamp) -> Option<&Found> {
        match self.entries.get(self.relative(path)?) {
            Some((recorded, found)) if *recorded == stamp => Some(found),
            _ => None,
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Replaces the saved cache with what this walk saw (`fresh` of it read anew), unless
    /// nothing changed. A cache that cannot be written is only a slower next run.
    pub fn save(&self, seen: Vec<(PathBuf, Stamp, Found)>, fresh: usize) {
        let Some(file) = &self.file else {
            return;
        };
        if fresh == 0 && seen.len() == self.entries.len() {
            return;
        }
        let mut lines: Vec<String> = seen
            .into_iter()
            .filter_map(|(path, stamp, found)| {
                let relative = std::str::from_utf8(self.relative(&path)?).ok()?;
                line(relative, stamp, &found)
            })
            .collect();
        lines.sort_unstable();
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
    let (kind, tokens): (&str, &[String]) = match found {
        Found::Other => ("O", &[]),
        Found::Quiet => ("Q", &[]),
        Found::Template(tokens) => ("T", tokens),
    };
    if !tokens.iter().all(|t| plain(t)) {
        return None;
    }
    let mut out = format!(
        "{} {} {} {} {kind} {relative}",
        stamp.size, stamp.modified, stamp.changed, stamp.inode
    );
    for t in tokens {
        out.push('\t');
        out.push_str(t);
    }
    Some(out)
}

fn parse(text: &str, root: &Path) -> Option<FastMap<Box<[u8]>, (Stamp, Found)>> {
    let mut lines = text.lines();
    let header = format!("{FORMAT} {}", env!("CARGO_PKG_VERSION"));
    // Another version's cache, or another root's (a hash collision), is ignored.
    if lines.next()? != header || Path::new(lines.next()?) != root {
        return None;
    }
    let mut entries = FastMap::default();
    for l in lines {
        let mut fields = l.splitn(6, ' ');
        let mut number = || fields.next()?.parse::<i128>().ok();
        let (size, modified, changed, inode) = (number()?, number()?, number()?, number()?);
        let kind = fields.next()?;
        let mut rest = fields.next()?.split('\t');
        let path = rest.next()?;
        let found = match kind {
            "O" => Found::Other,
            "Q" => Found::Quiet,
            "T" => Found::Template(rest.map(str::to_string).collect()),
            _ => return None,
        };
        let stamp = Stamp {
            size: u64::try_from(size).ok()?,
            modified,
            changed,
            inode: u64::try_from(inode).ok()?,
        };
        entries.insert(path.as_bytes().into(), (stamp, found));
    }
    Some(entries)
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
                Found::Template(vec!["sm/flow.asl.json".into(), "../x.yaml".into()]),
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
        let cache = ScanCache {
            file: None,
            root: root.to_path_buf(),
            entries: parse(&text, root).unwrap(),
        };
        assert_eq!(cache.len(), 3);
        assert_eq!(
            cache.get(&root.join("a/template.yaml"), stamp),
            Some(&Found::Template(vec![
                "sm/flow.asl.json".into(),
                "../x.yaml".into()
            ]))
        );
        assert_eq!(
            cache.get(&root.join("infra/main.tf"), stamp),
            Some(&Found::Quiet)
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
}
