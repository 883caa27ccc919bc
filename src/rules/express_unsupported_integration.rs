use super::{rule_doc, Category, Context, Rule};
use crate::asl::resource::{Pattern, Resource};
use crate::diagnostic::{Finding, Severity};
use crate::model::StateType;
use crate::model::WorkflowType;
use crate::quote::abbreviate;

pub static RULE: Rule = Rule {
    id: "express-unsupported-integration",
    severity: Severity::Error,
    category: Category::Correctness,
    summary: "An EXPRESS workflow uses an activity, a .sync or .waitForTaskToken integration, or a Distributed Map",
    doc: rule_doc!("express-unsupported-integration"),
    check: Some(check),
    fix: None,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for state in cx.states() {
        let (workflow, child_of) = cx.workflow_of(state);
        if workflow != WorkflowType::Express {
            continue;
        }
        // Inside a Distributed Map the type is its children's, which the message says.
        let why = child_of.map_or_else(String::new, |map| {
            format!(
                " (the child executions of Distributed Map '{}' run as EXPRESS)",
                abbreviate(map.name)
            )
        });
        match state.ty {
            Some(StateType::Task) => {
                let Some((resource, arn)) = state.task_resource() else {
                    continue;
                };
                let Some(what) = unsupported(arn) else {
                    continue;
                };
                out.push(
                    Finding::new(
                        resource.span,
                        format!(
                            "state '{}' uses {what}, but an EXPRESS workflow supports only request/response integrations{why}",
                            abbreviate(state.name)
                        ),
                    )
                    .state(state.name)
                    .help(
                        "call the service without the suffix (request/response) and poll or react to an event instead, \
                         or run this part in a STANDARD workflow (e.g. a child execution started from here)",
                    ),
                );
            }
            Some(StateType::Map) => {
                let processor = state.get("ItemProcessor").or_else(|| state.get("Iterator"));
                let Some(mode) = processor
                    .and_then(|p| p.get("ProcessorConfig"))
                    .and_then(|c| c.get("Mode"))
                else {
                    continue;
                };
                if mode.as_str() != Some("DISTRIBUTED") {
                    continue;
                }
                out.push(
                    Finding::new(
                        mode.span,
                        format!(
                            "Map '{}' runs in DISTRIBUTED mode, which starts child workflow executions and is \
                             believed not to be supported in an EXPRESS workflow (unverified){why}",
                            abbreviate(state.name)
                        ),
                    )
                    .state(state.name)
                    .severity(Severity::Warning)
                    .help(
                        "use \"Mode\": \"INLINE\" in an EXPRESS workflow, or run the Distributed Map from a STANDARD workflow",
                    ),
                );
            }
            _ => {}
        }
    }
}

/// What in `arn` an EXPRESS workflow cannot run, in words.
fn unsupported(arn: &str) -> Option<&'static str> {
    // Cheap test first: parsing allocates, and most Tasks are request/response.
    if !(arn.contains(":activity:") || arn.contains(".sync") || arn.contains(".waitForTaskToken")) {
        return None;
    }
    let pattern = match Resource::parse(arn) {
        Resource::Activity { .. } => return Some("an activity"),
        Resource::Integration { pattern, .. } => pattern,
        Resource::LambdaFunction { .. } => return None,
        // An ARN of an unusual shape (e.g. with a region and account): judge by its suffix.
        Resource::Unknown => {
            if arn.ends_with(".waitForTaskToken") {
                Pattern::Callback
            } else if arn.ends_with(".sync:2") {
                Pattern::Sync2
            } else if arn.ends_with(".sync") {
                Pattern::Sync
            } else {
                return None;
            }
        }
    };
    match pattern {
        Pattern::RequestResponse => None,
        Pattern::Sync => Some("the .sync (run a job) integration pattern"),
        Pattern::Sync2 => Some("the .sync:2 (run a job) integration pattern"),
        Pattern::Callback => Some("the .waitForTaskToken (callback) integration pattern"),
    }
}

#[cfg(test)]
mod tests {
    use super::unsupported;

    #[test]
    fn classifies_resources() {
        assert!(unsupported("arn:aws:states:us-east-1:123456789012:activity:a").is_some());
        assert!(unsupported("arn:aws:states:::batch:submitJob.sync").is_some());
        assert!(unsupported("arn:aws:states:::states:startExecution.sync:2").is_some());
        assert!(unsupported("arn:aws:states:::sqs:sendMessage.waitForTaskToken").is_some());
        assert!(unsupported("arn:aws:states:us-east-1:1:aws-sdk:x:y.waitForTaskToken").is_some());
        assert!(unsupported("arn:aws:states:::lambda:invoke").is_none());
        assert!(unsupported("arn:aws:lambda:us-east-1:1:function:f").is_none());
        assert!(unsupported("${Activity}").is_none());
    }
}
