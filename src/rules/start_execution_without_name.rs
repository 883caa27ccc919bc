use super::{rule_doc, Category, Context, Rule};
use crate::asl::resource::Resource;
use crate::diagnostic::{Finding, Severity};
use crate::model::QueryLanguage;
use crate::quote::abbreviate;

pub static RULE: Rule = Rule {
    id: "start-execution-without-name",
    severity: Severity::Warning,
    category: Category::Reliability,
    summary: "A Task starts a child execution without a Name, so a retried start is not idempotent",
    doc: rule_doc!("start-execution-without-name"),
    check: Some(check),
    fix: None,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for state in cx.states() {
        let Some((resource, arn)) = state.task_resource() else {
            continue;
        };
        // Cheap test first: most Tasks start no execution.
        if !arn.contains("startExecution") {
            continue;
        }
        let starts_execution = match cx.flow.resource(state.id) {
            Some(Resource::Integration {
                service,
                action,
                sdk,
                ..
            }) => action == "startExecution" && service == if *sdk { "sfn" } else { "states" },
            _ => false,
        };
        if !starts_execution {
            continue;
        }
        let (field, keys): (&str, &[&str]) = match state.query_language {
            QueryLanguage::JsonPath => ("Parameters", &["Name", "Name.$"]),
            QueryLanguage::Jsonata => ("Arguments", &["Name"]),
        };
        match state.get(field) {
            // Arguments computed as a whole at run time: the name cannot be seen.
            Some(payload) if payload.as_str().is_some() => continue,
            Some(payload) if keys.iter().any(|k| payload.member(k).is_some()) => continue,
            _ => {}
        }
        let example = match state.query_language {
            QueryLanguage::JsonPath => "\"Name.$\": \"States.Format('order-{}', $.orderId)\"",
            QueryLanguage::Jsonata => "\"Name\": \"{% 'order-' & $states.input.orderId %}\"",
        };
        out.push(
            Finding::new(
                resource.span,
                format!(
                    "state '{}' starts a child execution without a Name in its {field}, so a retried \
                     or repeated start launches a second child instead of finding the first",
                    abbreviate(state.name)
                ),
            )
            .state(state.name)
            .help(format!(
                "give the child a name derived from an id or a hash of the input, e.g. {example}: \
                 StartExecution with the name of a running STANDARD execution and the same input returns \
                 that execution instead of starting another"
            )),
        );
    }
}
