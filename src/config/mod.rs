//! Settings that change what rules report: the workflow type and each rule's severity, resolved
//! for each file from `.asl-lint.toml` files (`file`), their globs (`glob`) and the command line
//! (`resolve`).

mod file;
pub mod glob;
mod resolve;

pub use file::{parse, ConfigError, ConfigFile, Override, FILE_NAME};
pub(crate) use resolve::normalize;
pub use resolve::{CommandLine, Resolver};

use crate::diagnostic::Severity;
use crate::rules::Rule;

/// The workflow type is a fact about the state machine: it lives in the model, and the
/// configuration only chooses one.
pub use crate::model::WorkflowType;

/// What the configuration says about one rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Off,
    On(Severity),
}

/// The rules whose level differs from their default, for one file. Cheap to query: a handful
/// of entries, sorted by rule id; empty (and allocation-free) when nothing is configured.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RuleSettings {
    levels: Vec<(&'static str, Level)>,
}

impl RuleSettings {
    /// The configured level, or `None` when the rule runs as it is defined (its default severity,
    /// and any severity a finding sets for itself).
    pub fn level(&self, rule: &Rule) -> Option<Level> {
        self.levels
            .binary_search_by(|(id, _)| (*id).cmp(rule.id))
            .ok()
            .map(|i| self.levels[i].1)
    }

    /// The severity the rule reports at, or `None` when it is off.
    pub fn severity(&self, rule: &Rule) -> Option<Severity> {
        match self.level(rule) {
            None => Some(rule.severity),
            Some(Level::On(severity)) => Some(severity),
            Some(Level::Off) => None,
        }
    }

    /// Sets a rule's level; setting its default severity is the same as `reset`.
    pub fn set(&mut self, rule: &'static Rule, level: Level) {
        if level == Level::On(rule.severity) {
            return self.reset(rule);
        }
        match self.levels.binary_search_by(|(id, _)| (*id).cmp(rule.id)) {
            Ok(i) => self.levels[i].1 = level,
            Err(i) => self.levels.insert(i, (rule.id, level)),
        }
    }

    /// Back to the rule's own definition.
    pub fn reset(&mut self, rule: &Rule) {
        if let Ok(i) = self.levels.binary_search_by(|(id, _)| (*id).cmp(rule.id)) {
            self.levels.remove(i);
        }
    }

    /// Whether every rule runs as defined.
    pub fn is_default(&self) -> bool {
        self.levels.is_empty()
    }
}

#[derive(Clone, Debug, Default)]
pub struct LintOptions {
    pub workflow_type: WorkflowType,
    /// Given with `--workflow-type`, or by an `[[overrides]]` entry that matches the file:
    /// it then beats what a template declares (which beats the top level of the file).
    pub workflow_type_beats_template: bool,
    pub rules: RuleSettings,
    /// The baseline file the governing configuration names (absolute), if any.
    pub baseline: Option<std::path::PathBuf>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules;

    #[test]
    fn rule_settings() {
        let lambda = rules::find("unversioned-lambda").unwrap();
        let schema = rules::find("schema").unwrap();
        let mut settings = RuleSettings::default();
        assert!(settings.is_default());
        assert_eq!(settings.severity(lambda), Some(Severity::Warning));
        settings.set(lambda, Level::On(Severity::Error));
        settings.set(schema, Level::Off);
        assert_eq!(settings.severity(lambda), Some(Severity::Error));
        assert_eq!(settings.level(schema), Some(Level::Off));
        assert_eq!(settings.severity(schema), None);
        // Setting the default severity removes the override.
        settings.set(lambda, Level::On(Severity::Warning));
        assert_eq!(settings.level(lambda), None);
        settings.reset(schema);
        assert!(settings.is_default());
    }
}
