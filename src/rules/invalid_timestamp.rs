use super::{rule_doc, Category, Context, Rule};
use crate::diagnostic::{Finding, Severity};

pub static RULE: Rule = Rule {
    id: "invalid-timestamp",
    severity: Severity::Error,
    category: Category::Expressions,
    summary: "TODO",
    doc: rule_doc!("invalid-timestamp"),
    check: Some(check),
};

fn check(_cx: &Context, _out: &mut Vec<Finding>) {}
