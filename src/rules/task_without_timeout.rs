use super::{rule_doc, Category, Context, Rule};
use crate::asl::resource::{Pattern, Resource};
use crate::diagnostic::{Finding, Severity};
use crate::model::WorkflowType;
use crate::quote::abbreviate;

pub static RULE: Rule = Rule {
    id: "task-without-timeout",
    severity: Severity::Warning,
    category: Category::Reliability,
    summary: "An activity, callback or .sync Task has neither a timeout nor a heartbeat",
    doc: rule_doc!("task-without-timeout"),
    check: Some(check),
    fix: None,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for state in cx.states() {
        let Some((_, arn)) = state.task_resource() else {
            continue;
        };
        let Some(waits_for) = waits_for(arn) else {
            continue;
        };
        let bounded = [
            "TimeoutSeconds",
            "TimeoutSecondsPath",
            "HeartbeatSeconds",
            "HeartbeatSecondsPath",
        ]
        .iter()
        .any(|key| state.member(key).is_some());
        if bounded {
            continue;
        }
        let until = match cx.machine.root.get("TimeoutSeconds").and_then(|t| t.as_number()) {
            Some(limit) => format!(
                "until the machine's TimeoutSeconds ({limit} s) fails the whole execution, which no Catch can handle"
            ),
            None if cx.workflow_type == WorkflowType::Express => {
                "until the EXPRESS execution is stopped at 5 minutes".to_string()
            }
            None => "until the execution itself times out (up to a year)".to_string(),
        };
        out.push(
            Finding::new(
                state.name_span,
                format!(
                    "Task '{}' waits for {waits_for} but sets neither TimeoutSeconds nor HeartbeatSeconds: \
                     if the answer never comes, it waits {until}",
                    abbreviate(state.name)
                ),
            )
            .state(state.name)
            .help(
                "set TimeoutSeconds to the longest the wait may reasonably take (and HeartbeatSeconds, smaller, \
                 when the worker can report progress), then handle States.Timeout with Retry or Catch",
            ),
        );
    }
}

/// What a Task on `arn` waits for, when it can wait indefinitely.
fn waits_for(arn: &str) -> Option<&'static str> {
    // Cheap test first: parsing allocates, and most Tasks are request/response.
    if !(arn.contains(":activity:") || arn.contains(".sync") || arn.contains(".waitForTaskToken")) {
        return None;
    }
    let pattern = match Resource::parse(arn) {
        Resource::Activity { .. } => return Some("an activity worker"),
        Resource::Integration { pattern, .. } => pattern,
        Resource::LambdaFunction { .. } => return None,
        // An ARN of an unusual shape (e.g. with a region and account): judge by its suffix.
        Resource::Unknown => {
            if arn.ends_with(".waitForTaskToken") {
                Pattern::Callback
            } else if arn.ends_with(".sync") || arn.ends_with(".sync:2") {
                Pattern::Sync
            } else {
                return None;
            }
        }
    };
    match pattern {
        Pattern::RequestResponse => None,
        Pattern::Sync | Pattern::Sync2 => Some("a job to finish (.sync)"),
        Pattern::Callback => Some("a task token callback (.waitForTaskToken)"),
    }
}
