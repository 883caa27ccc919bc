use super::{rule_doc, Category, Context, Rule};
use crate::diagnostic::{Finding, Severity};

pub static RULE: Rule = Rule {
    id: "invalid-path",
    severity: Severity::Error,
    category: Category::Expressions,
    summary: "TODO",
    doc: rule_doc!("invalid-path"),
    check: Some(check),
};

fn check(_cx: &Context, _out: &mut Vec<Finding>) {}
