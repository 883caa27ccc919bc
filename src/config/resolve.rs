//! Which configuration applies to a file, and the options it gets: defaults, then the nearest
//! `.asl-lint.toml` (or `--config`), then its matching `[[overrides]]` in order, then the
//! command line.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use super::file::{self, ConfigFile, FILE_NAME};
use super::{Level, LintOptions, RuleSettings};
use crate::files::read_text;
use crate::hash::FastMap;
use crate::model::WorkflowType;
use crate::rules::{self, RULES};

/// A configuration file is a few kilobytes; a megabyte is already absurd, and the cap keeps a
/// device or a runaway file from being read at all.
pub const MAX_CONFIG_SIZE: u64 = 1024 * 1024;

/// What the command line says, which beats every configuration file.
#[derive(Clone, Debug, Default)]
pub struct CommandLine {
    pub workflow_type: Option<WorkflowType>,
    /// `--select`: only these rules run (`parse-error` always does).
    pub select: Option<Vec<&'static str>>,
    /// `--ignore`: these rules are off.
    pub ignore: Vec<&'static str>,
}

/// Finds and reads configuration files, once per directory, and resolves options per file.
pub struct Resolver {
    cwd: PathBuf,
    command_line: CommandLine,
    configs: Vec<ConfigFile>,
    /// `--config`: used for every file.
    explicit: Option<usize>,
    /// Directory (absolute) → the configuration that governs it, if any.
    by_dir: FastMap<PathBuf, Option<usize>>,
    /// The last directory asked about, as given (not absolute), and its answer: walking and
    /// resolving go directory by directory, so this spares most path arithmetic.
    last_dir: Option<(PathBuf, Option<usize>)>,
    /// (configuration, indices of the overrides that match) → options; files that resolve
    /// alike share one allocation.
    resolved: HashMap<(Option<usize>, Vec<usize>), Arc<LintOptions>>,
    errors: Vec<String>,
    explicit_path: Option<PathBuf>,
}

impl Resolver {
    /// `explicit` is `--config`: a file that cannot be read or is invalid is an error here.
    pub fn new(
        command_line: CommandLine,
        explicit: Option<&Path>,
    ) -> Result<Resolver, Vec<String>> {
        let cwd = std::env::current_dir().unwrap_or_default();
        let mut resolver = Resolver {
            cwd,
            command_line,
            configs: Vec::new(),
            explicit: None,
            by_dir: FastMap::default(),
            last_dir: None,
            resolved: HashMap::new(),
            errors: Vec::new(),
            explicit_path: explicit.map(Path::to_path_buf),
        };
        if let Some(path) = explicit {
            let absolute = resolver.absolute(path);
            match resolver.load(&absolute, path.display().to_string()) {
                Some(index) => resolver.explicit = Some(index),
                None => return Err(resolver.errors),
            }
        }
        Ok(resolver)
    }

    /// Forgets every configuration file read so far, so changed files are read again.
    pub fn reset(&mut self) -> Result<(), Vec<String>> {
        *self = Resolver::new(self.command_line.clone(), self.explicit_path.as_deref())?;
        Ok(())
    }

    /// `--config`, absolute.
    pub fn explicit_config(&self) -> Option<PathBuf> {
        self.explicit_path.as_deref().map(|p| self.absolute(p))
    }

    /// Problems with configuration files found so far, one message each.
    /// The configuration files read so far, as shown in messages (relative to the working
    /// directory where they are inside it).
    pub fn files(&self) -> impl Iterator<Item = &str> {
        self.configs.iter().map(|c| c.path.as_str())
    }

    pub fn errors(&self) -> &[String] {
        &self.errors
    }

    /// Whether walking `walk_root` should skip `path` (a file or directory inside it): the
    /// governing configuration's `exclude` matches it. Patterns that match the walked root
    /// itself (or a directory above it) do not apply: naming a directory lints it.
    pub fn is_excluded(&mut self, path: &Path, walk_root: &Path) -> bool {
        let Some(index) = path.parent().and_then(|dir| self.config_for_given_dir(dir)) else {
            return false;
        };
        if self.configs[index].exclude.is_empty() {
            return false;
        }
        let absolute = self.absolute(path);
        let config = &self.configs[index];
        let Some(segments) = relative_segments(&absolute, &config.dir) else {
            return false;
        };
        let segments: Vec<&str> = segments.iter().map(AsRef::as_ref).collect();
        let mut matching = config
            .exclude
            .iter()
            .filter(|g| g.matches(&segments))
            .peekable();
        if matching.peek().is_none() {
            return false;
        }
        let root = self.absolute(walk_root);
        let Some(root_segments) = relative_segments(&root, &config.dir) else {
            return true;
        };
        let root_segments: Vec<&str> = root_segments.iter().map(AsRef::as_ref).collect();
        matching.any(|g| !g.matches_path_or_parent(&root_segments))
    }

    pub fn options_for_file(&mut self, path: &Path) -> Arc<LintOptions> {
        let config = match path.parent() {
            Some(dir) => self.config_for_given_dir(dir),
            None => self.explicit,
        };
        // The path matters only to overrides.
        let absolute = config
            .is_some_and(|i| !self.configs[i].overrides.is_empty())
            .then(|| self.absolute(path));
        self.options(config, absolute.as_deref())
    }

    /// Standard input uses the configuration of the current directory (or `--config`); its
    /// overrides are matched against `name` (`--stdin-filename`) when there is one.
    pub fn options_for_stdin(&mut self, name: Option<&str>) -> Arc<LintOptions> {
        let cwd = self.cwd.clone();
        let config = self.config_for_dir(&cwd);
        let path = name.map(|n| self.absolute(Path::new(n)));
        self.options(config, path.as_deref())
    }

    fn options(&mut self, config: Option<usize>, path: Option<&Path>) -> Arc<LintOptions> {
        let mut matched = Vec::new();
        if let (Some(index), Some(path)) = (config, path) {
            let config = &self.configs[index];
            if let Some(segments) = relative_segments(path, &config.dir) {
                let segments: Vec<&str> = segments.iter().map(AsRef::as_ref).collect();
                matched.extend(config.overrides.iter().enumerate().filter_map(|(i, o)| {
                    o.files
                        .iter()
                        .any(|g| g.matches_path_or_parent(&segments))
                        .then_some(i)
                }));
            }
        }
        let key = (config, matched);
        if let Some(options) = self.resolved.get(&key) {
            return Arc::clone(options);
        }
        let options = Arc::new(build(
            key.0.map(|i| &self.configs[i]),
            &key.1,
            &self.command_line,
        ));
        self.resolved.insert(key, Arc::clone(&options));
        options
    }

    /// `config_for_dir` for a directory as given on the command line or found by walking.
    fn config_for_given_dir(&mut self, dir: &Path) -> Option<usize> {
        if self.explicit.is_some() {
            return self.explicit;
        }
        if let Some((last, found)) = &self.last_dir {
            if last == dir {
                return *found;
            }
        }
        let absolute = self.absolute(dir);
        let found = self.config_for_dir(&absolute);
        self.last_dir = Some((dir.to_path_buf(), found));
        found
    }

    /// The configuration governing files in `dir` (absolute): `--config`, or the nearest
    /// `.asl-lint.toml` in `dir` or above it.
    fn config_for_dir(&mut self, dir: &Path) -> Option<usize> {
        if self.explicit.is_some() {
            return self.explicit;
        }
        if let Some(&found) = self.by_dir.get(dir) {
            return found;
        }
        let candidate = dir.join(FILE_NAME);
        // A directory that cannot be searched is treated as holding no configuration.
        // Anything by that name counts, so that a FIFO or a directory called .asl-lint.toml is
        // reported instead of silently ignored.
        let found = if std::fs::metadata(&candidate).is_ok() {
            let shown = match candidate.strip_prefix(&self.cwd) {
                Ok(relative) => relative.display().to_string(),
                Err(_) => candidate.display().to_string(),
            };
            // A broken file still stops the search: the run ends with its errors.
            self.load(&candidate, shown)
        } else {
            dir.parent().and_then(|parent| self.config_for_dir(parent))
        };
        self.by_dir.insert(dir.to_path_buf(), found);
        found
    }

    /// Reads and parses a configuration file; on failure records why and returns `None`.
    fn load(&mut self, path: &Path, shown: String) -> Option<usize> {
        let text = match read_text(path, MAX_CONFIG_SIZE) {
            Ok(text) => text,
            Err(err) => {
                self.errors
                    .push(format!("cannot read configuration {shown}: {err}"));
                return None;
            }
        };
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        match file::parse(&text, &shown, dir) {
            Ok(config) => {
                self.configs.push(config);
                Some(self.configs.len() - 1)
            }
            Err(errors) => {
                self.errors.extend(errors.iter().map(ToString::to_string));
                None
            }
        }
    }

    fn absolute(&self, path: &Path) -> PathBuf {
        normalize(&self.cwd.join(path))
    }
}

fn build(
    config: Option<&ConfigFile>,
    overrides: &[usize],
    command_line: &CommandLine,
) -> LintOptions {
    let mut workflow_type = WorkflowType::default();
    let mut settings = RuleSettings::default();
    let mut apply = |wt: Option<WorkflowType>, levels: &[(&'static str, Level)]| {
        if let Some(wt) = wt {
            workflow_type = wt;
        }
        for &(id, level) in levels {
            if let Some(rule) = rules::find(id) {
                settings.set(rule, level);
            }
        }
    };
    // A type an override or the command line names for the file beats the template's; the
    // top level's is a default for what no template declares.
    let mut beats_template = command_line.workflow_type.is_some();
    if let Some(config) = config {
        apply(config.workflow_type, &config.rules);
        for &i in overrides {
            let o = &config.overrides[i];
            apply(o.workflow_type, &o.rules);
            beats_template |= o.workflow_type.is_some();
        }
    }
    if let Some(wt) = command_line.workflow_type {
        workflow_type = wt;
    }
    if let Some(select) = &command_line.select {
        for rule in RULES {
            if rule.id == rules::PARSE_ERROR {
                continue;
            }
            if !select.contains(&rule.id) {
                settings.set(rule, Level::Off);
            } else if settings.level(rule) == Some(Level::Off) {
                // Selected on the command line: on, even where a configuration turns it off.
                settings.reset(rule);
            }
        }
    }
    for id in &command_line.ignore {
        if let Some(rule) = rules::find(id) {
            settings.set(rule, Level::Off);
        }
    }
    LintOptions {
        workflow_type,
        workflow_type_beats_template: beats_template,
        rules: settings,
        baseline: config.and_then(|c| c.baseline.clone()),
    }
}

/// `path` relative to `dir`, as segments, or `None` when it is not inside `dir`.
fn relative_segments<'p>(path: &'p Path, dir: &Path) -> Option<Vec<Cow<'p, str>>> {
    let relative = path.strip_prefix(dir).ok()?;
    Some(
        relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect(),
    )
}

/// Removes `.` and resolves `..` without touching the file system.
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push(component);
                }
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_lexically() {
        assert_eq!(
            normalize(Path::new("/a/b/../c/./d")),
            PathBuf::from("/a/c/d")
        );
        assert_eq!(normalize(Path::new("/a/..")), PathBuf::from("/"));
    }

    #[test]
    fn precedence() {
        let config = file::parse(
            r#"
workflow_type = "express"
[rules]
unversioned-lambda = "error"
schema = "info"
[[overrides]]
files = ["a/**"]
workflow_type = "standard"
[overrides.rules]
unversioned-lambda = "off"
[[overrides]]
files = ["a/b"]
[overrides.rules]
unversioned-lambda = "info"
"#,
            "c.toml",
            PathBuf::from("/p"),
        )
        .unwrap();
        let lambda = rules::find("unversioned-lambda").unwrap();
        let schema = rules::find("schema").unwrap();
        let top = build(Some(&config), &[], &CommandLine::default());
        assert_eq!(top.workflow_type, WorkflowType::Express);
        assert_eq!(
            top.rules.level(lambda),
            Some(Level::On(crate::diagnostic::Severity::Error))
        );
        let first = build(Some(&config), &[0], &CommandLine::default());
        assert_eq!(first.workflow_type, WorkflowType::Standard);
        assert_eq!(first.rules.severity(lambda), None);
        let both = build(Some(&config), &[0, 1], &CommandLine::default());
        assert_eq!(
            both.rules.level(lambda),
            Some(Level::On(crate::diagnostic::Severity::Info))
        );
        let command_line = CommandLine {
            workflow_type: Some(WorkflowType::Express),
            select: Some(vec!["unversioned-lambda"]),
            ignore: vec!["schema"],
        };
        let cli = build(Some(&config), &[0], &command_line);
        assert_eq!(cli.workflow_type, WorkflowType::Express);
        // Selected beats the configuration's "off"; ignored beats everything.
        assert_eq!(cli.rules.level(lambda), None);
        assert_eq!(cli.rules.severity(schema), None);
        assert_eq!(
            cli.rules.severity(rules::find("unknown-target").unwrap()),
            None
        );
        assert!(cli
            .rules
            .severity(rules::find("parse-error").unwrap())
            .is_some());
    }
}
