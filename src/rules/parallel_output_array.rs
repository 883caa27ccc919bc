use super::{rule_doc, Category, Context, Rule};
use crate::dataflow::{reads, Access, Shape};
use crate::diagnostic::{Finding, Severity};
use crate::model::{QueryLanguage, StateType};
use crate::quote::abbreviate;

pub static RULE: Rule = Rule {
    id: "parallel-output-array",
    severity: Severity::Warning,
    category: Category::Correctness,
    summary: "A state reads $.field from the array a Parallel or Map outputs",
    doc: rule_doc!("parallel-output-array"),
    check: Some(check),
    fix: None,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for state in cx.states() {
        // JSONata maps a member access over an array, so `$states.input.x` is meaningful there.
        if state.query_language == QueryLanguage::Jsonata {
            continue;
        }
        let Some(incoming) = cx
            .flow
            .every_incoming(state.id, |s| matches!(s, Shape::Array { .. }))
        else {
            continue;
        };
        let Some(read) = reads(state)
            .into_iter()
            .find(|r| matches!(r.access, Access::Member(_)))
        else {
            continue;
        };
        let Access::Member(field) = &read.access else {
            continue;
        };
        let mut producers: Vec<usize> = Vec::new();
        for i in incoming {
            if let Shape::Array { producer } = i.shape {
                if !producers.contains(&producer) {
                    producers.push(producer);
                }
            }
        }
        let first = cx.machine.state(producers[0]);
        let (kind, element) = if first.is(StateType::Map) {
            ("Map", "item")
        } else {
            ("Parallel", "branch")
        };
        let mut finding = Finding::new(
            read.span,
            format!(
                "state '{}' reads \"{}\", but its input is the array {kind} '{}' outputs (one element per {element}), so \"{field}\" selects nothing",
                abbreviate(state.name),
                abbreviate(&read.path),
                abbreviate(first.name),
                field = abbreviate(field)
            ),
        )
        .state(state.name)
        .help(format!(
            "read one element, e.g. \"$[0].{field}\", or reshape the {kind}'s output with ResultSelector, ResultPath (e.g. \"$.results\") or OutputPath",
            field = abbreviate(field)
        ));
        for &p in &producers {
            let producer = cx.machine.state(p);
            finding = finding.related(producer.name_span, "outputs an array");
        }
        out.push(finding);
    }
}
