use super::{rule_doc, Category, Context, Rule};
use crate::diagnostic::{Finding, Severity};
use crate::quote::abbreviate;

pub static RULE: Rule = Rule {
    id: "duplicate-key",
    severity: Severity::Error,
    category: Category::Syntax,
    summary: "An object has the same key twice",
    doc: rule_doc!("duplicate-key"),
    check: Some(check),
    fix: None,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    // In a template, each machine reports the duplicates inside its own definition.
    let root = cx.machine.root.span;
    for dup in cx
        .document
        .duplicate_keys
        .iter()
        .filter(|d| root.contains(d.duplicate))
    {
        out.push(
            Finding::new(
                dup.duplicate,
                format!(
                    "key \"{}\" appears twice in the same object; only one of the values is used, which one depends on the reader",
                    abbreviate(&dup.key)
                ),
            )
            .related(dup.first, "first defined here")
            .help("delete one of the two, or merge them"),
        );
    }
}
