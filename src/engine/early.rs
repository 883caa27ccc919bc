//! Reports of the run's templates that may deploy a definition file, linted while the index
//! is built (which needs what they deploy) and kept until their turn in the output, so that a
//! template is read and parsed once; any other template is only parsed in its turn. Memory
//! stays bounded: a report
//! keeps its text while the texts held fit in `TEXT_BUDGET`; past it, only its findings, and
//! the text is read back (and checked unchanged) when its turn comes; past `BUDGET`, nothing,
//! and the template is linted again in its turn.

use std::hash::Hasher;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::Mutex;

use super::lock;
use crate::files::read_file;
use crate::hash::FastMap;
use crate::lint::FileReport;
use crate::source::SourceFile;

/// Held texts and findings (the 30 copies of the shared corpus would hold 20 MB of text).
const TEXT_BUDGET: usize = 16 << 20;
/// Everything held, findings included.
const BUDGET: usize = 32 << 20;

pub struct EarlyReports {
    reports: Mutex<FastMap<PathBuf, Early>>,
    /// Bytes held, estimated.
    held: AtomicUsize,
    /// `TEXT_BUDGET` and `BUDGET` (smaller in tests).
    budgets: (usize, usize),
}

impl Default for EarlyReports {
    fn default() -> Self {
        EarlyReports {
            reports: Mutex::default(),
            held: AtomicUsize::new(0),
            budgets: (TEXT_BUDGET, BUDGET),
        }
    }
}

struct Early {
    report: Option<FileReport>,
    /// Bytes counted for it.
    cost: usize,
    /// When its text was let go: the file's length and hash, to read it back.
    dropped: Option<(usize, u64)>,
}

/// What the file's text hashes to, to see that it did not change before it is read back.
pub fn digest(bytes: &[u8]) -> u64 {
    let mut hasher = rustc_hash::FxHasher::default();
    hasher.write(bytes);
    hasher.finish()
}

impl EarlyReports {
    /// Whether nothing more can be held.
    pub fn is_full(&self) -> bool {
        self.held.load(Relaxed) >= self.budgets.1
    }

    /// Counts `size` bytes if the total stays within `limit`.
    fn reserve(&self, size: usize, limit: usize) -> bool {
        self.held
            .fetch_update(Relaxed, Relaxed, |held| {
                (held + size <= limit).then_some(held + size)
            })
            .is_ok()
    }

    /// Keeps `report`, linted from a file whose bytes were `bytes` (length, `digest`). False
    /// when it cannot be kept: the file is then linted again in its turn.
    pub fn put(&self, key: PathBuf, report: Option<FileReport>, bytes: (usize, u64)) -> bool {
        let Some(mut report) = report else {
            lock(&self.reports).insert(
                key,
                Early {
                    report: None,
                    cost: 0,
                    dropped: None,
                },
            );
            return true;
        };
        let findings: usize = report
            .diagnostics
            .iter()
            .map(|d| 256 + d.message.len() + d.help.as_ref().map_or(0, String::len))
            .sum();
        let text = report.source.text.len();
        let (cost, dropped) = if self.reserve(text + findings, self.budgets.0) {
            (text + findings, None)
        } else if (text, digest(report.source.text.as_bytes())) == bytes
            && self.reserve(findings, self.budgets.1)
        {
            // The text is the file's bytes as read (UTF-8, no decoding): it can be read back.
            report.source = SourceFile::new(report.source.name.clone(), String::new());
            (findings, Some(bytes))
        } else {
            return false;
        };
        lock(&self.reports).insert(
            key,
            Early {
                report: Some(report),
                cost,
                dropped,
            },
        );
        true
    }

    /// The report linted early for `key` (`Some(None)`: found not to be ours); `None` when there
    /// is none, or when its text, read back, is not what was linted.
    pub fn take(&self, key: &Path, limit: u64) -> Option<Option<FileReport>> {
        let early = {
            let mut reports = lock(&self.reports);
            if reports.is_empty() {
                return None;
            }
            reports.remove(key)?
        };
        self.held.fetch_sub(early.cost, Relaxed);
        let Some(mut report) = early.report else {
            return Some(None);
        };
        if let Some((length, hash)) = early.dropped {
            let bytes = read_file(key, limit).ok()?;
            if bytes.len() != length || digest(&bytes) != hash {
                return None;
            }
            let text = String::from_utf8(bytes).ok()?;
            report.source = SourceFile::new(report.source.name.clone(), text);
        }
        Some(Some(report))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::FileReport;

    fn report(name: &str, text: &str) -> Option<FileReport> {
        Some(FileReport {
            source: SourceFile::new(name, text.to_string()),
            diagnostics: Vec::new(),
            machines: 1,
            references: Vec::new(),
        })
    }

    fn file(name: &str, text: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("asl-lint-early-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    fn read(text: &str) -> (usize, u64) {
        (text.len(), digest(text.as_bytes()))
    }

    #[test]
    fn a_text_past_the_budget_is_read_back_unless_it_changed() {
        let early = EarlyReports {
            budgets: (8, 1 << 20),
            ..EarlyReports::default()
        };
        let kept = "Resources: {}\n";
        let path = file("kept.yaml", kept);
        assert!(early.put(path.clone(), report("kept.yaml", kept), read(kept)));
        assert!(early.held.load(Relaxed) < kept.len(), "the text was let go");
        let back = early.take(&path, 1 << 20).unwrap().unwrap();
        assert_eq!(back.source.text, kept);
        assert_eq!(back.source.name, "kept.yaml");
        assert_eq!(early.held.load(Relaxed), 0);

        let path = file("edited.yaml", kept);
        assert!(early.put(path.clone(), report("edited.yaml", kept), read(kept)));
        std::fs::write(&path, "Resources: {A: 1}\n").unwrap();
        assert!(
            early.take(&path, 1 << 20).is_none(),
            "linted again in its turn"
        );
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    }

    #[test]
    fn within_the_budget_the_text_stays_and_past_it_nothing_is_kept() {
        let early = EarlyReports {
            budgets: (1 << 20, 1 << 20),
            ..EarlyReports::default()
        };
        let text = "{}";
        let key = PathBuf::from("/nonexistent/a.json");
        assert!(early.put(key.clone(), report("a.json", text), read(text)));
        // Not read back: the file does not exist, and it is not needed.
        assert_eq!(
            early.take(&key, 1 << 20).unwrap().unwrap().source.text,
            text
        );
        assert!(early.put(key.clone(), None, read(text)));
        assert!(early.take(&key, 1 << 20).unwrap().is_none(), "not ours");

        let full = EarlyReports {
            budgets: (0, 0),
            ..EarlyReports::default()
        };
        // Decoded text (UTF-16 on disk) cannot be read back: not kept at all.
        assert!(!full.put(key.clone(), report("a.json", text), (4, 0)));
        assert!(full.take(&key, 1 << 20).is_none());
    }
}
