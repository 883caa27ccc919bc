use super::{rule_doc, Category, Rule};
use crate::diagnostic::Severity;

/// Reported by the template stage (`lint`): there is no definition to build a model from.
pub static RULE: Rule = Rule {
    id: "unreadable-definition",
    severity: Severity::Warning,
    category: Category::Structure,
    summary: "A template's state machine definition cannot be read: a missing file, S3, or code",
    doc: rule_doc!("unreadable-definition"),
    check: None,
    fix: None,
};
