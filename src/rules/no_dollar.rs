use super::invalid_path::{is_placeholder, Template};
use super::{rule_doc, Category, Context, FixSpec, Rule};
use crate::asl::{intrinsic, path};
use crate::diagnostic::{Applicability, Finding, Fix, Severity};
use crate::document::{Node, Value};
use crate::edits;
use crate::model::QueryLanguage;
use crate::quote::abbreviate;

pub static RULE: Rule = Rule {
    id: "no-dollar",
    severity: Severity::Warning,
    category: Category::Correctness,
    summary: "A payload template value looks like a path or intrinsic, but its key lacks .$, so it is passed as literal text",
    doc: rule_doc!("no-dollar"),
    check: Some(check),
    fix: Some(FixSpec {
        summary: "add .$ to the key",
        applicability: Applicability::Safe,
    }),
};

/// What a string that Step Functions would only evaluate under a `.$` key looks like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Looks {
    Path,
    ContextPath,
    Intrinsic,
}

impl Looks {
    pub(super) fn describe(self) -> &'static str {
        match self {
            Looks::Path => "a path",
            Looks::ContextPath => "a context object path",
            Looks::Intrinsic => "an intrinsic function call",
        }
    }
}

/// Whether `s` looks like something meant to be evaluated: a valid path with at least one
/// selector on the input or the context object (`$.x`, `$[0]`, `$$.Execution.Id`), or a
/// `States.Name(…)` call. Deliberately not: a lone `$` (also a currency sign), `$name`
/// (`$LATEST` is a Lambda qualifier, and variables are rarely meant here), text that merely
/// contains a `$`, and `${Placeholder}` substitutions.
pub(super) fn looks_evaluated(s: &str) -> Option<Looks> {
    let looks = if s.starts_with("$$.") || s.starts_with("$$[") {
        Looks::ContextPath
    } else if s.starts_with("$.") || s.starts_with("$[") {
        Looks::Path
    } else if s.starts_with("States.") && s.trim_end().ends_with(')') {
        return (!is_placeholder(s) && intrinsic::looks_like_call(s)).then_some(Looks::Intrinsic);
    } else {
        return None;
    };
    (!is_placeholder(s) && path::parse(s).is_ok()).then_some(looks)
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let mut stack: Vec<&Node> = Vec::new();
    for state in cx.states() {
        // `.$` keys are a JSONPath feature; JSONata states evaluate `{% %}` strings instead.
        if state.query_language != QueryLanguage::JsonPath {
            continue;
        }
        let mut templates: Vec<(Template, &Node)> = state
            .payload_templates()
            .into_iter()
            .map(|(name, node)| (Template::Named(name), node))
            .collect();
        if let Some(assign) = state.get("Assign") {
            templates.push((Template::Named("Assign"), assign));
        }
        let choices = state.get("Choices").and_then(Node::as_array).unwrap_or(&[]);
        for (i, rule) in choices.iter().enumerate() {
            if let Some(assign) = rule.get("Assign") {
                templates.push((Template::ChoiceAssign(i), assign));
            }
        }
        for (i, catcher) in state.catchers().iter().enumerate() {
            if let Some(assign) = catcher.get("Assign") {
                templates.push((Template::CatchAssign(i), assign));
            }
        }
        for (template, root) in templates {
            stack.clear();
            stack.push(root);
            while let Some(node) = stack.pop() {
                match &node.value {
                    Value::Object(members) => {
                        for member in members {
                            if member.key.ends_with(".$") {
                                continue;
                            }
                            let value = &member.value;
                            match &value.value {
                                Value::String(s) => {
                                    let Some(looks) = looks_evaluated(s) else {
                                        continue;
                                    };
                                    let mut finding =
                                        Finding::new(
                                            member.key_span,
                                            format!(
                                                "\"{}\" in {template} of state '{}' is \"{}\", which looks like {}, \
                                                 but its key does not end in \".$\": it is passed on as literal text",
                                                abbreviate(&member.key),
                                                abbreviate(state.name),
                                                abbreviate(s),
                                                looks.describe()
                                            ),
                                        )
                                        .state(state.name)
                                        .help(format!(
                                            "rename the key to \"{}.$\" so that Step Functions evaluates the value",
                                            member.key
                                        ));
                                    // Not when the renamed key exists already: that would be a
                                    // duplicate key.
                                    let renamed = format!("{}.$", member.key);
                                    if !members.iter().any(|m| m.key == renamed) {
                                        if let Some(edit) = edits::append_to_key(member, ".$") {
                                            finding = finding.fix(Fix::safe(
                                                format!(
                                                    "rename \"{}\" to \"{renamed}\"",
                                                    abbreviate(&member.key),
                                                    renamed = abbreviate(&renamed)
                                                ),
                                                vec![edit],
                                            ));
                                        }
                                    }
                                    out.push(finding);
                                }
                                Value::Object(_) | Value::Array(_) => stack.push(value),
                                _ => {}
                            }
                        }
                    }
                    // Strings in arrays are literal too, but no key rename can fix them; only
                    // objects inside arrays are templates with keys of their own.
                    Value::Array(items) => stack.extend(
                        items
                            .iter()
                            .rev()
                            .filter(|n| matches!(n.value, Value::Object(_) | Value::Array(_))),
                    ),
                    _ => {}
                }
            }
        }
    }
}
