use super::{rule_doc, Category, Context, FixSpec, Rule};
use crate::diagnostic::{Applicability, Finding, Fix, Severity};
use crate::edits;
use crate::model::StateType;
use crate::quote::abbreviate;

pub static RULE: Rule = Rule {
    id: "deprecated-field",
    severity: Severity::Info,
    category: Category::Practice,
    summary: "A Map uses the deprecated Iterator or Parameters field instead of ItemProcessor or ItemSelector",
    doc: rule_doc!("deprecated-field"),
    check: Some(check),
    fix: Some(FixSpec {
        summary: "rename Iterator to ItemProcessor, and a Map's Parameters to ItemSelector",
        applicability: Applicability::Safe,
    }),
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for state in cx.states() {
        if !state.is(StateType::Map) {
            continue;
        }
        // In document order.
        for member in state.node.as_object().unwrap_or(&[]) {
            // `renamable`: ItemSelector takes only an object, where Parameters takes any value.
            let (replacement, help, renamable) = match member.key.as_str() {
                "Iterator" => (
                    "ItemProcessor",
                    "rename \"Iterator\" to \"ItemProcessor\": it takes the same StartAt and States, \
                     and adds ProcessorConfig to choose INLINE or DISTRIBUTED mode",
                    true,
                ),
                "Parameters" => (
                    "ItemSelector",
                    "rename \"Parameters\" to \"ItemSelector\": it is the same payload template, applied \
                     to each item, with $$.Map.Item.Index and $$.Map.Item.Value available",
                    member.value.as_object().is_some(),
                ),
                _ => continue,
            };
            let mut finding = Finding::new(
                member.key_span,
                format!(
                    "\"{}\" of Map '{}' is deprecated; use \"{replacement}\"",
                    abbreviate(&member.key),
                    abbreviate(state.name),
                    replacement = abbreviate(replacement)
                ),
            )
            .state(state.name)
            .help(help);
            // With both fields present, a rename would duplicate the key.
            if renamable && state.member(replacement).is_none() {
                if let Some(edit) = edits::rename_key(member, replacement) {
                    finding = finding.fix(Fix::safe(
                        format!(
                            "rename \"{}\" to \"{replacement}\"",
                            abbreviate(&member.key),
                            replacement = abbreviate(replacement)
                        ),
                        vec![edit],
                    ));
                }
            }
            out.push(finding);
        }
    }
}
