use super::{rule_doc, Category, Context, Rule};
use crate::diagnostic::{Finding, Severity};

pub static RULE: Rule = Rule {
    id: "schema",
    severity: Severity::Error,
    category: Category::Expressions,
    summary: "TODO",
    doc: rule_doc!("schema"),
    check: Some(check),
};

fn check(_cx: &Context, _out: &mut Vec<Finding>) {}
