//! Reading one `.asl-lint.toml`: every key is checked, and every mistake is reported with the
//! file, line and column and what is wrong.

use std::fmt;
use std::ops::Range;
use std::path::PathBuf;

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::glob::Glob;
use super::Level;
use crate::diagnostic::{abbreviate, Severity};
use crate::model::WorkflowType;
use crate::rules::{self, RULES};
use crate::suggest::did_you_mean;

/// The file name looked for in each directory, from the linted file's up to the root.
pub const FILE_NAME: &str = ".asl-lint.toml";

/// One parsed configuration file.
#[derive(Clone, Debug)]
pub struct ConfigFile {
    /// The file as it is shown in messages.
    pub path: String,
    /// The directory globs are relative to: the file's own, absolute.
    pub dir: PathBuf,
    pub workflow_type: Option<WorkflowType>,
    pub exclude: Vec<Glob>,
    pub rules: Vec<(&'static str, Level)>,
    /// In file order: later entries win.
    pub overrides: Vec<Override>,
    /// `baseline`: the baseline file for the files this configuration governs, absolute.
    pub baseline: Option<PathBuf>,
}

/// One `[[overrides]]` entry.
#[derive(Clone, Debug)]
pub struct Override {
    pub files: Vec<Glob>,
    pub workflow_type: Option<WorkflowType>,
    pub rules: Vec<(&'static str, Level)>,
}

/// A mistake in a configuration file, located.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path, self.line, self.column, self.message
        )
    }
}

/// Each compiled pattern costs a few kilobytes and every file is matched against all of them;
/// real configurations hold a handful.
pub const MAX_PATTERNS: usize = 1000;
pub const MAX_OVERRIDES: usize = 500;

const TOP_KEYS: &[&str] = &["workflow_type", "exclude", "rules", "overrides", "baseline"];
const OVERRIDE_KEYS: &[&str] = &["files", "workflow_type", "rules"];
const RULE_KEYS: &[&str] = &["severity"];
const LEVELS: &[&str] = &["error", "warning", "info", "off"];
const WORKFLOW_TYPES: &[&str] = &["standard", "express"];

/// Parses `text`, the contents of the file shown as `path` in directory `dir`. Every error is
/// returned, in file order.
pub fn parse(text: &str, path: &str, dir: PathBuf) -> Result<ConfigFile, Vec<ConfigError>> {
    let mut reader = Reader {
        text,
        path,
        errors: Vec::new(),
        patterns: 0,
    };
    let table = match DeTable::parse(text) {
        Ok(table) => table,
        Err(err) => {
            let span = err.span().unwrap_or(0..0);
            // The parser's messages may run over several lines ("…\nexpected `]`").
            let message = err.message().trim().replace('\n', "; ");
            reader.error(span, format!("invalid TOML: {message}"));
            return Err(reader.errors);
        }
    };
    let mut config = ConfigFile {
        path: path.to_string(),
        dir,
        workflow_type: None,
        exclude: Vec::new(),
        rules: Vec::new(),
        overrides: Vec::new(),
        baseline: None,
    };
    for (key, value) in table.get_ref().iter() {
        match key.get_ref().as_ref() {
            "workflow_type" => config.workflow_type = reader.workflow_type(value),
            "exclude" => config.exclude = reader.globs("exclude", value),
            "rules" => config.rules = reader.rules("rules", value),
            "overrides" => config.overrides = reader.overrides(value),
            "baseline" => {
                config.baseline = match reader.string("`baseline`", value) {
                    Some("") => {
                        reader.error(value.span(), "`baseline` must name a file");
                        None
                    }
                    // Relative to the configuration file's directory, like `exclude`.
                    Some(file) => Some(config.dir.join(file)),
                    None => None,
                }
            }
            _ => reader.unknown_key(key, TOP_KEYS, "at the top level"),
        }
    }
    if reader.errors.is_empty() {
        Ok(config)
    } else {
        reader.errors.sort_by_key(|e| (e.line, e.column));
        Err(reader.errors)
    }
}

struct Reader<'a> {
    text: &'a str,
    path: &'a str,
    errors: Vec<ConfigError>,
    /// Glob patterns read so far, `exclude` and overrides together.
    patterns: usize,
}

type Value<'i> = Spanned<DeValue<'i>>;
type Key<'i> = Spanned<std::borrow::Cow<'i, str>>;

impl Reader<'_> {
    fn error(&mut self, span: Range<usize>, message: impl Into<String>) {
        let start = span.start.min(self.text.len());
        let before = &self.text[..start];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        self.errors.push(ConfigError {
            path: self.path.to_string(),
            line: before.matches('\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
            message: message.into(),
        });
    }

    fn unknown_key(&mut self, key: &Key, known: &[&str], place: &str) {
        let name = key.get_ref().as_ref();
        let hint = match did_you_mean(name, known.iter().copied()) {
            Some(s) => format!(" (did you mean '{s}'?)"),
            None => format!("; expected {}", one_of(known, "or")),
        };
        self.error(key.span(), format!("unknown key '{name}' {place}{hint}"));
    }

    /// `what` names the value in the message, e.g. "`rules`".
    fn table<'v, 'i>(&mut self, what: &str, value: &'v Value<'i>) -> Option<&'v DeTable<'i>> {
        match value.get_ref() {
            DeValue::Table(table) => Some(table),
            other => {
                self.error(
                    value.span(),
                    format!("{what} must be a table, not {}", type_name(other)),
                );
                None
            }
        }
    }

    fn string<'v>(&mut self, what: &str, value: &'v Value) -> Option<&'v str> {
        match value.get_ref() {
            DeValue::String(s) => Some(s),
            other => {
                self.error(
                    value.span(),
                    format!("{what} must be a string, not {}", type_name(other)),
                );
                None
            }
        }
    }

    /// A string that must be one of `allowed`.
    fn choice<'c>(&mut self, name: &str, value: &Value, allowed: &[&'c str]) -> Option<&'c str> {
        let s = self.string(&format!("`{name}`"), value)?;
        if let Some(found) = allowed.iter().find(|a| **a == s) {
            return Some(found);
        }
        let hint = did_you_mean(s, allowed.iter().copied())
            .map(|d| format!(" (did you mean '{d}'?)"))
            .unwrap_or_default();
        self.error(
            value.span(),
            format!(
                "invalid {name} '{s}'{hint}: expected {}",
                one_of(allowed, "or")
            ),
        );
        None
    }

    fn workflow_type(&mut self, value: &Value) -> Option<WorkflowType> {
        match self.choice("workflow_type", value, WORKFLOW_TYPES)? {
            "express" => Some(WorkflowType::Express),
            _ => Some(WorkflowType::Standard),
        }
    }

    fn globs(&mut self, name: &str, value: &Value) -> Vec<Glob> {
        let DeValue::Array(items) = value.get_ref() else {
            self.error(
                value.span(),
                format!(
                    "`{name}` must be an array of glob strings, not {}",
                    type_name(value.get_ref())
                ),
            );
            return Vec::new();
        };
        let mut globs = Vec::new();
        for item in items.iter() {
            let Some(pattern) = self.string(&format!("each entry of `{name}`"), item) else {
                continue;
            };
            self.patterns += 1;
            if self.patterns == MAX_PATTERNS + 1 {
                self.error(
                    item.span(),
                    format!(
                        "more than {MAX_PATTERNS} glob patterns in one configuration file; \
                         combine them with {{a,b}} or `**`"
                    ),
                );
            }
            if self.patterns > MAX_PATTERNS {
                continue;
            }
            match Glob::new(pattern) {
                Ok(glob) => globs.push(glob),
                Err(why) => self.error(
                    item.span(),
                    format!("invalid glob '{}': {why}", abbreviate(pattern)),
                ),
            }
        }
        globs
    }

    /// A `[rules]` table: rule id → `"severity"` or `{ severity = "…" }`.
    fn rules(&mut self, place: &str, value: &Value) -> Vec<(&'static str, Level)> {
        let Some(table) = self.table(&format!("`{place}`"), value) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (key, setting) in table.iter() {
            let id = key.get_ref().as_ref();
            let Some(rule) = rules::find(id) else {
                let hint = did_you_mean(id, RULES.iter().map(|r| r.id))
                    .map(|s| format!(" (did you mean '{s}'?)"))
                    .unwrap_or_default();
                self.error(
                    key.span(),
                    format!(
                        "unknown rule '{id}' in [{place}]{hint}; `asl-lint rules` lists them all"
                    ),
                );
                continue;
            };
            if rule.id == rules::PARSE_ERROR {
                self.error(
                    key.span(),
                    "parse-error cannot be configured: a file that does not parse cannot be \
                     linted at all, so it is always an error",
                );
                continue;
            }
            let level = match setting.get_ref() {
                DeValue::String(_) => self.level(setting),
                DeValue::Table(fields) => {
                    let mut level = None;
                    let mut seen = false;
                    for (field, v) in fields.iter() {
                        if field.get_ref() == "severity" {
                            seen = true;
                            level = self.level(v);
                        } else {
                            self.unknown_key(field, RULE_KEYS, &format!("in [{place}.{id}]"));
                        }
                    }
                    if !seen {
                        self.error(
                            setting.span(),
                            format!("[{place}.{id}] needs a severity: \"error\", \"warning\", \"info\" or \"off\""),
                        );
                    }
                    level
                }
                other => {
                    self.error(
                        setting.span(),
                        format!(
                            "the setting of rule '{id}' must be a severity string or a table with `severity`, not {}",
                            type_name(other)
                        ),
                    );
                    None
                }
            };
            if let Some(level) = level {
                out.push((rule.id, level));
            }
        }
        out
    }

    fn level(&mut self, value: &Value) -> Option<Level> {
        Some(match self.choice("severity", value, LEVELS)? {
            "error" => Level::On(Severity::Error),
            "warning" => Level::On(Severity::Warning),
            "info" => Level::On(Severity::Info),
            _ => Level::Off,
        })
    }

    fn overrides(&mut self, value: &Value) -> Vec<Override> {
        let DeValue::Array(items) = value.get_ref() else {
            self.error(
                value.span(),
                format!(
                    "`overrides` must be an array of tables ([[overrides]]), not {}",
                    type_name(value.get_ref())
                ),
            );
            return Vec::new();
        };
        if items.len() > MAX_OVERRIDES {
            self.error(
                value.span(),
                format!(
                    "{} [[overrides]] entries, over the limit of {MAX_OVERRIDES}; entries with the \
                     same settings can share one entry with several `files` patterns",
                    items.len()
                ),
            );
            return Vec::new();
        }
        let mut out = Vec::new();
        for item in items.iter() {
            let Some(table) = self.table("each entry of `overrides`", item) else {
                continue;
            };
            let mut entry = Override {
                files: Vec::new(),
                workflow_type: None,
                rules: Vec::new(),
            };
            let mut has_files = false;
            for (key, value) in table.iter() {
                match key.get_ref().as_ref() {
                    "files" => {
                        has_files = true;
                        entry.files = self.globs("files", value);
                    }
                    "workflow_type" => entry.workflow_type = self.workflow_type(value),
                    "rules" => entry.rules = self.rules("overrides.rules", value),
                    _ => self.unknown_key(key, OVERRIDE_KEYS, "in [[overrides]]"),
                }
            }
            if !has_files {
                self.error(
                    item.span(),
                    "this [[overrides]] entry has no `files`: say which files it applies to, \
                     e.g. files = [\"flows/express/**\"]",
                );
            }
            out.push(entry);
        }
        out
    }
}

fn type_name(value: &DeValue) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

/// `"a", "b" or "c"`
fn one_of(words: &[&str], last: &str) -> String {
    let quoted: Vec<String> = words.iter().map(|w| format!("\"{w}\"")).collect();
    match quoted.split_last() {
        Some((tail, [])) => tail.clone(),
        Some((tail, init)) => format!("{} {last} {tail}", init.join(", ")),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> ConfigFile {
        parse(text, "c.toml", PathBuf::from("/p")).unwrap_or_else(|e| panic!("{e:?}"))
    }

    fn errors(text: &str) -> Vec<String> {
        parse(text, "c.toml", PathBuf::from("/p"))
            .map(|_| panic!("no error for {text}"))
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn reads_every_key() {
        let c = ok(r#"
workflow_type = "express"
exclude = ["legacy/**", "**/*.generated.json"]
baseline = "ci/asl-lint-baseline.json"
[rules]
unversioned-lambda = "error"
[rules.task-without-timeout]
severity = "off"
[[overrides]]
files = ["flows/express/**"]
workflow_type = "standard"
[overrides.rules]
history-quota-loop = "info"
[[overrides]]
files = ["a", "b"]
"#);
        assert_eq!(c.workflow_type, Some(WorkflowType::Express));
        assert_eq!(
            c.baseline.as_deref(),
            Some(std::path::Path::new("/p/ci/asl-lint-baseline.json"))
        );
        let exclude: Vec<&str> = c.exclude.iter().map(Glob::as_str).collect();
        assert_eq!(exclude, ["legacy/**", "**/*.generated.json"]);
        let mut rules = c.rules.clone();
        rules.sort();
        assert_eq!(
            rules,
            [
                ("task-without-timeout", Level::Off),
                ("unversioned-lambda", Level::On(Severity::Error))
            ]
        );
        assert_eq!(c.overrides.len(), 2);
        assert_eq!(c.overrides[0].workflow_type, Some(WorkflowType::Standard));
        assert_eq!(
            c.overrides[0].rules,
            [("history-quota-loop", Level::On(Severity::Info))]
        );
        assert_eq!(c.overrides[1].files.len(), 2);
        assert_eq!(c.overrides[1].workflow_type, None);
    }

    #[test]
    fn an_empty_file_is_valid() {
        let c = ok("# nothing yet\n");
        assert!(c.workflow_type.is_none() && c.rules.is_empty() && c.overrides.is_empty());
    }

    #[test]
    fn mistakes_are_located_and_explained() {
        assert_eq!(
            errors("exlude = []\n"),
            ["c.toml:1:1: unknown key 'exlude' at the top level (did you mean 'exclude'?)"]
        );
        assert_eq!(
            errors("[rules]\nunversioned-lamda = \"error\"\n"),
            ["c.toml:2:1: unknown rule 'unversioned-lamda' in [rules] (did you mean 'unversioned-lambda'?); `asl-lint rules` lists them all"]
        );
        assert_eq!(
            errors("[rules]\nschema = \"fatal\"\n"),
            ["c.toml:2:10: invalid severity 'fatal': expected \"error\", \"warning\", \"info\" or \"off\""]
        );
        assert_eq!(
            errors("workflow_type = \"EXPRESS\""),
            ["c.toml:1:17: invalid workflow_type 'EXPRESS' (did you mean 'express'?): expected \"standard\" or \"express\""]
        );
        assert_eq!(
            errors("[rules.schema]\nseverity = \"info\"\nlevel = 1\n"),
            ["c.toml:3:1: unknown key 'level' in [rules.schema]; expected \"severity\""]
        );
        assert_eq!(
            errors("exclude = \"legacy\""),
            ["c.toml:1:11: `exclude` must be an array of glob strings, not a string"]
        );
        assert_eq!(
            errors("exclude = [\"a{b\", 3]"),
            [
                "c.toml:1:12: invalid glob 'a{b': '{' is never closed by '}'",
                "c.toml:1:19: each entry of `exclude` must be a string, not an integer"
            ]
        );
        assert_eq!(
            errors("[[overrides]]\nworkflow_type = \"express\"\nexclude = []\n"),
            [
                "c.toml:1:1: this [[overrides]] entry has no `files`: say which files it applies to, e.g. files = [\"flows/express/**\"]",
                "c.toml:3:1: unknown key 'exclude' in [[overrides]]; expected \"files\", \"workflow_type\" or \"rules\""
            ]
        );
        assert_eq!(
            errors("[rules]\nparse-error = \"off\"\n"),
            ["c.toml:2:1: parse-error cannot be configured: a file that does not parse cannot be linted at all, so it is always an error"]
        );
        assert_eq!(
            errors("baseline = 1\n"),
            ["c.toml:1:12: `baseline` must be a string, not an integer"]
        );
        assert_eq!(
            errors("baseline = \"\"\n"),
            ["c.toml:1:12: `baseline` must name a file"]
        );
        assert_eq!(
            errors("[rules.schema]\n"),
            ["c.toml:1:1: [rules.schema] needs a severity: \"error\", \"warning\", \"info\" or \"off\""]
        );
    }

    #[test]
    fn toml_syntax_errors_are_located() {
        assert_eq!(
            errors("workflow_type = \"express\"\n[rules\n"),
            ["c.toml:2:7: invalid TOML: unclosed table, expected `]`"]
        );
        assert_eq!(
            errors("a = 1\na = 2\n"),
            ["c.toml:2:1: invalid TOML: duplicate key"]
        );
    }
}
