//! `schema`: the fields, value types and enums Step Functions accepts, per state type and per
//! query language. Other rules own paths, intrinsics, timestamps and transitions targets; this
//! one owns the shape of the definition.
//!
//! - `root`: the top-level object and nested machines (Parallel branches, Map processors)
//! - `state`: one state (Type, field matrix, Next/End, required and exclusive fields)
//! - `fields`: the state field table and the generic member check
//! - `values`: value kinds, ranges and enums
//! - `retry_catch`, `choice`, `map`, `templates`: the nested objects of a state

mod choice;
mod fields;
mod map;
mod names;
mod retry_catch;
mod root;
mod site;
mod state;
mod templates;
mod values;

#[cfg(test)]
mod tests;

use super::{rule_doc, Category, Context, FixSpec, Rule};
use crate::diagnostic::{Applicability, Finding, Severity};

pub static RULE: Rule = Rule {
    id: "schema",
    severity: Severity::Error,
    category: Category::Schema,
    summary: "Fields, types and values that Step Functions rejects",
    doc: rule_doc!("schema"),
    check: Some(check),
    fix: Some(FixSpec {
        summary: "rename a misspelt field or value to its one close match; write a number or boolean without quotes",
        applicability: Applicability::Safe,
    }),
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    if !root::check_root(cx, out) {
        return;
    }
    root::check_scopes(cx, out);
    for state in cx.states() {
        state::check(cx, state, out);
    }
}
