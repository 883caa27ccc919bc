//! A baseline: the findings a team has accepted for now, so the gate can be adopted without
//! first fixing the past. Findings are recorded by a fingerprint that survives unrelated edits:
//! rule, file path (relative to the baseline's directory), machine, state name and the
//! finding's JSON pointer. Line numbers and messages are left out: lines shift with every edit
//! above, and messages are reworded between versions.
//!
//! Several findings can share a fingerprint (two problems with one field). The baseline keeps
//! how many there were; while linting, that many findings with the fingerprint are baselined, in
//! document order, and any more are new.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::config::normalize;
use crate::diagnostic::Diagnostic;
use crate::files::{read_text, write_file, DEFAULT_MAX_FILE_SIZE};
use crate::lint::FileReport;

/// The version of the baseline file format.
pub const VERSION: u64 = 1;

impl Diagnostic {
    /// The finding's fingerprint with the file shown as `path`; stable across releases and
    /// platforms, and what SARIF's `partialFingerprints` can carry.
    pub fn fingerprint(&self, path: &str) -> String {
        fingerprint(
            self.rule,
            path,
            self.machine.as_deref(),
            self.state.as_deref(),
            &self.pointer,
        )
    }
}

/// 16 hex digits of a 64-bit FNV-1a hash over the fields; `None` and `Some("")` differ.
pub fn fingerprint(
    rule: &str,
    path: &str,
    machine: Option<&str>,
    state: Option<&str>,
    pointer: &str,
) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    for field in [Some(rule), Some(path), machine, state, Some(pointer)] {
        match field {
            Some(text) => {
                eat(&[1]);
                eat(text.as_bytes());
            }
            None => eat(&[0]),
        }
        eat(&[0xff]);
    }
    format!("{hash:016x}")
}

/// One recorded fingerprint and what it stands for (kept readable for review).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub fingerprint: String,
    pub rule: String,
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub machine: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    pub pointer: String,
    /// How many findings share the fingerprint.
    pub count: usize,
}

#[derive(Debug, Serialize, Deserialize)]
struct File {
    version: u64,
    findings: Vec<Entry>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Baseline {
    /// By fingerprint.
    entries: BTreeMap<String, Entry>,
}

impl Baseline {
    /// Records findings, each with its file's path relative to the baseline's directory.
    pub fn record<'d>(findings: impl IntoIterator<Item = (&'d str, &'d Diagnostic)>) -> Baseline {
        let mut entries: BTreeMap<String, Entry> = BTreeMap::new();
        for (path, d) in findings {
            let fingerprint = d.fingerprint(path);
            entries
                .entry(fingerprint.clone())
                .or_insert_with(|| Entry {
                    fingerprint,
                    rule: d.rule.to_string(),
                    path: path.to_string(),
                    machine: d.machine.clone(),
                    state: d.state.clone(),
                    pointer: d.pointer.clone(),
                    count: 0,
                })
                .count += 1;
        }
        Baseline { entries }
    }

    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.entries.values()
    }

    /// Findings recorded, duplicates counted.
    pub fn len(&self) -> usize {
        self.entries
            .values()
            .fold(0usize, |n, e| n.saturating_add(e.count))
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The file's text: entries sorted by path, rule and pointer, so that a re-recorded
    /// baseline diffs well in review.
    pub fn to_json(&self) -> String {
        let mut findings: Vec<Entry> = self.entries.values().cloned().collect();
        findings.sort_by(|a, b| {
            (&a.path, &a.machine, &a.state, &a.rule, &a.pointer)
                .cmp(&(&b.path, &b.machine, &b.state, &b.rule, &b.pointer))
        });
        let file = File {
            version: VERSION,
            findings,
        };
        let mut out = serde_json::to_string_pretty(&file).unwrap_or_default();
        out.push('\n');
        out
    }

    pub fn from_json(text: &str) -> Result<Baseline, String> {
        let file: File = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if file.version != VERSION {
            return Err(format!(
                "version {} is not supported (this asl-lint writes and reads version {VERSION})",
                file.version
            ));
        }
        let mut entries: BTreeMap<String, Entry> = BTreeMap::new();
        for entry in file.findings {
            // The fingerprint is recomputed: an edited entry means what its fields say.
            let fingerprint = fingerprint(
                &entry.rule,
                &entry.path,
                entry.machine.as_deref(),
                entry.state.as_deref(),
                &entry.pointer,
            );
            match entries.get_mut(&fingerprint) {
                // Saturating: two huge counts must not wrap around to a small one.
                Some(existing) => existing.count = existing.count.saturating_add(entry.count),
                None => {
                    entries.insert(
                        fingerprint.clone(),
                        Entry {
                            fingerprint,
                            ..entry
                        },
                    );
                }
            }
        }
        Ok(Baseline { entries })
    }

    pub fn load(path: &Path) -> Result<Baseline, String> {
        let text = read_text(path, DEFAULT_MAX_FILE_SIZE)
            .map_err(|e| format!("cannot read baseline {}: {e}", path.display()))?;
        Baseline::from_json(&text)
            .map_err(|e| format!("baseline {} is not valid: {e}", path.display()))
    }

    /// Starts matching a run's findings against the baseline.
    pub fn matcher(&self) -> Matcher {
        Matcher {
            left: self
                .entries
                .iter()
                .map(|(k, e)| (k.clone(), e.count))
                .collect(),
            files: HashSet::new(),
            baselined: 0,
        }
    }

    /// Recorded findings that no longer occur (fixed, or moved: a new `--write-baseline`
    /// drops them): those of the files `matcher` saw, and all of a file that is gone. `dir` is
    /// the baseline's directory, which entry paths are relative to.
    pub fn stale(&self, matcher: &Matcher, dir: &Path) -> usize {
        let mut gone: HashMap<&str, bool> = HashMap::new();
        self.entries
            .iter()
            .filter(|(_, e)| {
                matcher.files.contains(&e.path)
                    || *gone
                        .entry(e.path.as_str())
                        .or_insert_with(|| std::fs::symlink_metadata(dir.join(&e.path)).is_err())
            })
            .map(|(k, _)| matcher.left.get(k).copied().unwrap_or(0))
            .fold(0usize, usize::saturating_add)
    }
}

/// Matches the findings of one run against a baseline, counting what it absorbs.
pub struct Matcher {
    /// Fingerprint → how many more findings it may absorb.
    left: HashMap<String, usize>,
    /// Paths linted in this run: only their entries can be stale.
    files: HashSet<String>,
    baselined: usize,
}

impl Matcher {
    /// Notes that the file at `path` (relative to the baseline's directory) was linted.
    pub fn file(&mut self, path: &str) {
        self.files.insert(path.to_string());
    }

    /// Whether the finding is in the baseline (and uses up one of its entry's count).
    pub fn is_baselined(&mut self, path: &str, d: &Diagnostic) -> bool {
        self.file(path);
        match self.left.get_mut(d.fingerprint(path).as_str()) {
            Some(n) if *n > 0 => {
                *n -= 1;
                self.baselined += 1;
                true
            }
            _ => false,
        }
    }

    /// Findings the baseline absorbed.
    pub fn baselined(&self) -> usize {
        self.baselined
    }
}

/// What applying baselines to a run did, for the summary.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Applied {
    /// Findings a baseline absorbed (not reported).
    pub baselined: usize,
    /// Recorded findings of the linted files that no longer occur.
    pub stale: usize,
}

/// Baselines applied to a run file by file, as reports stream: each baseline file is read
/// once, when the first file it governs is reported.
#[derive(Default)]
pub struct Baselines {
    loaded: Vec<(PathBuf, Baseline, Matcher)>,
}

impl Baselines {
    /// Removes from `report` the findings the baseline at `path` records.
    pub fn filter(&mut self, report: &mut FileReport, path: &Path) -> Result<(), String> {
        let index = match self.loaded.iter().position(|(p, ..)| p == path) {
            Some(i) => i,
            None => {
                let baseline = Baseline::load(path)?;
                let matcher = baseline.matcher();
                self.loaded.push((path.to_path_buf(), baseline, matcher));
                self.loaded.len() - 1
            }
        };
        let (baseline_path, _, matcher) = &mut self.loaded[index];
        let dir = baseline_path.parent().unwrap_or(Path::new(""));
        let file = relative_path(Path::new(&report.source.name), dir);
        matcher.file(&file);
        report
            .diagnostics
            .retain(|d| !matcher.is_baselined(&file, d));
        Ok(())
    }

    /// `None` when no file had a baseline.
    pub fn applied(&self) -> Option<Applied> {
        (!self.loaded.is_empty()).then(|| {
            self.loaded
                .iter()
                .fold(Applied::default(), |sum, (path, baseline, matcher)| {
                    let dir = path.parent().unwrap_or(Path::new(""));
                    Applied {
                        baselined: sum.baselined.saturating_add(matcher.baselined()),
                        stale: sum.stale.saturating_add(baseline.stale(matcher, dir)),
                    }
                })
        })
    }
}

/// Findings collected for `--write-baseline` as reports stream.
pub struct Recorder {
    path: PathBuf,
    baseline: Baseline,
}

impl Recorder {
    pub fn new(path: &Path) -> Recorder {
        Recorder {
            path: path.to_path_buf(),
            baseline: Baseline::default(),
        }
    }

    pub fn add(&mut self, report: &FileReport) {
        let dir = self.path.parent().unwrap_or(Path::new(""));
        let file = relative_path(Path::new(&report.source.name), dir);
        let recorded = Baseline::record(report.diagnostics.iter().map(|d| (file.as_str(), d)));
        for (key, entry) in recorded.entries {
            self.baseline
                .entries
                .entry(key)
                .and_modify(|e| e.count = e.count.saturating_add(entry.count))
                .or_insert(entry);
        }
    }

    /// Writes the baseline file; returns how many findings it records.
    pub fn write(self) -> Result<usize, String> {
        let dir = self.path.parent().unwrap_or(Path::new(""));
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        write_file(&self.path, self.baseline.to_json().as_bytes()).map_err(|e| e.to_string())?;
        Ok(self.baseline.len())
    }
}

/// `file` relative to `dir`, with `/` separators (`../` where it lies outside), for baseline
/// paths. Both are made absolute against the current directory, without following links.
pub fn relative_path(file: &Path, dir: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    let file = normalize(&cwd.join(file));
    let dir = normalize(&cwd.join(dir));
    let f: Vec<Component> = file.components().collect();
    let d: Vec<Component> = dir.components().collect();
    let common = f.iter().zip(&d).take_while(|(a, b)| a == b).count();
    if common == 0 {
        return slashes(&file);
    }
    let mut parts: Vec<String> = vec!["..".to_string(); d.len() - common];
    parts.extend(
        f[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

fn slashes(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::LintOptions;
    use crate::lint::{lint_bytes, Selection};

    fn lint(text: &str) -> Vec<Diagnostic> {
        lint_bytes(
            "m.json",
            text.as_bytes().to_vec(),
            Selection::Always,
            &LintOptions::default(),
        )
        .unwrap()
        .diagnostics
    }

    const BEFORE: &str = r#"{"StartAt": "A", "States": {
  "A": {"Type": "Pass", "Next": "Nowhere"},
  "B": {"Type": "Succeed"}
}}"#;

    #[test]
    fn fingerprints_are_stable_and_distinguish_fields() {
        let fp = fingerprint("r", "p", None, Some("S"), "/States/S");
        assert_eq!(fp.len(), 16);
        assert_eq!(fp, fingerprint("r", "p", None, Some("S"), "/States/S"));
        assert_ne!(fp, fingerprint("r", "p", Some(""), Some("S"), "/States/S"));
        assert_ne!(fp, fingerprint("r", "p", Some("S"), None, "/States/S"));
        // Pinned (computed independently): a change would orphan every recorded baseline.
        assert_eq!(
            fingerprint(
                "unknown-target",
                "a.json",
                None,
                Some("A"),
                "/States/A/Next"
            ),
            "0e7b7de1d1603a05"
        );
    }

    #[test]
    fn round_trip_survives_line_shifts_and_counts_stale_and_new() {
        let before = lint(BEFORE);
        assert_eq!(before.len(), 2);
        let baseline = Baseline::record(before.iter().map(|d| ("m.json", d)));
        let reread = Baseline::from_json(&baseline.to_json()).unwrap();
        assert_eq!(reread, baseline);

        // Lines shift, B is fixed (reachable now), and a new finding appears in C.
        let after = lint(
            r#"{
  "Comment": "three lines added above",

  "StartAt": "A", "States": {
  "A": {"Type": "Pass", "Next": "Nowhere"},
  "C": {"Type": "Pass", "Next": "Elsewhere"}
}}"#,
        );
        let mut matcher = reread.matcher();
        let new: Vec<&str> = after
            .iter()
            .filter(|d| !matcher.is_baselined("m.json", d))
            .map(|d| d.state.as_deref().unwrap_or_default())
            .collect();
        assert_eq!(new, ["C", "C"]);
        assert_eq!(matcher.baselined(), 1);
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("m.json"), "").unwrap();
        assert_eq!(reread.stale(&matcher, dir.path()), 1);
    }

    #[test]
    fn duplicates_are_counted() {
        let d = &lint(BEFORE)[0];
        let baseline = Baseline::record([("m.json", d), ("m.json", d)]);
        assert_eq!(baseline.len(), 2);
        let mut matcher = baseline.matcher();
        assert!(matcher.is_baselined("m.json", d));
        assert!(matcher.is_baselined("m.json", d));
        assert!(!matcher.is_baselined("m.json", d));
        // Another file's entries are not stale when that file was not linted, unless the
        // file is gone.
        let dir = tempfile::tempdir().unwrap();
        let other = Baseline::record([("other.json", d), ("other.json", d)]);
        let mut matcher = other.matcher();
        matcher.file("m.json");
        assert_eq!(other.stale(&matcher, dir.path()), 2);
        std::fs::write(dir.path().join("other.json"), "").unwrap();
        assert_eq!(other.stale(&matcher, dir.path()), 0);
    }

    #[test]
    fn huge_counts_saturate() {
        let d = &lint(BEFORE)[0];
        let fp = d.fingerprint("m.json");
        let entry = |count: &str| {
            format!(
                r#"{{"fingerprint": "{fp}", "rule": "{}", "path": "m.json", "state": "A", "pointer": "{}", "count": {count}}}"#,
                d.rule, d.pointer
            )
        };
        let text = format!(
            r#"{{"version": 1, "findings": [{}, {}]}}"#,
            entry("18446744073709551615"),
            entry("2")
        );
        let baseline = Baseline::from_json(&text).unwrap();
        assert_eq!(baseline.len(), usize::MAX);
        let mut matcher = baseline.matcher();
        assert!(matcher.is_baselined("m.json", d));
        assert!(matcher.is_baselined("m.json", d));
    }

    #[test]
    fn bad_files_are_reported() {
        assert!(Baseline::from_json("{").is_err());
        let err = Baseline::from_json(r#"{"version": 2, "findings": []}"#).unwrap_err();
        assert!(err.contains("version 2"), "{err}");
    }

    #[test]
    fn paths_are_relative_with_slashes() {
        assert_eq!(
            relative_path(Path::new("/r/a/b.json"), Path::new("/r")),
            "a/b.json"
        );
        assert_eq!(
            relative_path(Path::new("/r/x/b.json"), Path::new("/r/a")),
            "../x/b.json"
        );
        assert_eq!(
            relative_path(Path::new("/r/./a/../b.json"), Path::new("/r")),
            "b.json"
        );
    }
}
