use super::{rule_doc, Category, Context, Rule};
use crate::diagnostic::{Finding, Severity};

pub static RULE: Rule = Rule {
    id: "invalid-intrinsic",
    severity: Severity::Error,
    category: Category::Expressions,
    summary: "TODO",
    doc: rule_doc!("invalid-intrinsic"),
    check: Some(check),
};

fn check(_cx: &Context, _out: &mut Vec<Finding>) {}
