use super::{rule_doc, Category, Rule};
use crate::diagnostic::Severity;

/// Reported by the parsing stage (`lint::lint_bytes`): there is no model to check.
pub static RULE: Rule = Rule {
    id: "parse-error",
    severity: Severity::Error,
    category: Category::Syntax,
    summary: "The file is not valid JSON (or not UTF-8, or nested too deeply)",
    doc: rule_doc!("parse-error"),
    check: None,
    fix: None,
};
