use super::{rule_doc, Category, Context, Rule};
use crate::diagnostic::{Finding, Severity};
use crate::document::Member;
use crate::model::StateType;
use crate::model::WorkflowType;
use crate::quote::abbreviate;

pub static RULE: Rule = Rule {
    id: "express-duration",
    severity: Severity::Warning,
    category: Category::Correctness,
    summary: "An EXPRESS workflow waits or allows a timeout longer than its 5-minute limit",
    doc: rule_doc!("express-duration"),
    check: Some(check),
    fix: None,
};

/// Longest an Express execution may run, in seconds.
const EXPRESS_LIMIT: f64 = 300.0;

const HELP: &str =
    "Step Functions stops an Express execution after 5 minutes; shorten the wait or \
                    timeout, or run long waits in a STANDARD workflow";

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let express_machine = cx.workflow_type == WorkflowType::Express;
    let top = over_limit(cx.machine.root.member("TimeoutSeconds")).filter(|_| express_machine);
    if let Some(member) = top {
        out.push(
            Finding::new(
                member.value.span,
                format!(
                    "the machine's TimeoutSeconds ({}) exceeds the 5-minute (300 s) limit of an EXPRESS execution",
                    written(member)
                ),
            )
            .help(HELP),
        );
    }
    for state in cx.states() {
        let (workflow, child_of) = cx.workflow_of(state);
        if workflow != WorkflowType::Express {
            continue;
        }
        let why = child_of.map_or_else(String::new, |map| {
            format!(
                " (the child executions of Distributed Map '{}' run as EXPRESS)",
                abbreviate(map.name)
            )
        });
        let (field, what) = match state.ty {
            Some(StateType::Wait) => ("Seconds", "waits"),
            Some(StateType::Task) => ("TimeoutSeconds", "has a TimeoutSeconds of"),
            _ => continue,
        };
        let Some(member) = over_limit(state.member(field)) else {
            continue;
        };
        out.push(
            Finding::new(
                member.value.span,
                format!(
                    "{} '{}' {what} {} s, but an EXPRESS execution is stopped after 5 minutes (300 s){why}",
                    state.ty.map_or("state", |t| t.name()),
                    abbreviate(state.name),
                    written(member)
                ),
            )
            .state(state.name)
            .help(HELP),
        );
    }
}

fn over_limit(member: Option<&Member>) -> Option<&Member> {
    member.filter(|m| m.value.as_f64().is_some_and(|n| n > EXPRESS_LIMIT))
}

/// The number as the file writes it.
fn written(member: &Member) -> String {
    member
        .value
        .as_number()
        .map(ToString::to_string)
        .unwrap_or_default()
}
