use super::{rule_doc, Category, Context, Rule};
use crate::asl::resource::Resource;
use crate::diagnostic::{Finding, Severity};
use crate::quote::abbreviate;

pub static RULE: Rule = Rule {
    id: "activity-prefer-callback",
    severity: Severity::Info,
    category: Category::Practice,
    summary: "A Task uses an activity where a .waitForTaskToken callback needs no polling workers",
    doc: rule_doc!("activity-prefer-callback"),
    check: Some(check),
    fix: None,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for state in cx.states() {
        let Some((resource, arn)) = state.task_resource() else {
            continue;
        };
        // Cheap test first: parsing allocates, and most Tasks are not activities.
        if !arn.contains(":activity:") || !matches!(Resource::parse(arn), Resource::Activity { .. })
        {
            continue;
        }
        // The name as written; left out when it is a template placeholder.
        let name = match arn.rsplit_once(":activity:") {
            Some((_, name)) if !name.contains("${") => {
                format!(" '{name}'", name = abbreviate(name))
            }
            _ => String::new(),
        };
        out.push(
            Finding::new(
                resource.span,
                format!(
                    "state '{}' uses the activity{name}, which needs workers polling GetActivityTask",
                    abbreviate(state.name)
                ),
            )
            .state(state.name)
            .help(
                "a callback (e.g. \"arn:aws:states:::sqs:sendMessage.waitForTaskToken\" passing \
                 \"TaskToken.$\": \"$$.Task.Token\") is event-driven: the receiver answers with \
                 SendTaskSuccess/SendTaskFailure and no worker has to poll",
            ),
        );
    }
}
