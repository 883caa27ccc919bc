use super::{rule_doc, Category, Rule};
use crate::diagnostic::Severity;

pub static RULE: Rule = Rule {
    id: "unused-suppression",
    severity: Severity::Info,
    category: Category::Practice,
    summary: "An asl-lint-disable directive silences nothing, or names an unknown rule",
    doc: rule_doc!("unused-suppression"),
    check: None,
    fix: None,
};
