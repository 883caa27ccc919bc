use super::{rule_doc, Category, Context, Rule};
use crate::asl::integrations;
use crate::asl::resource::{integration_parts, Pattern, Resource};
use crate::diagnostic::{abbreviate, Finding, Severity};

pub static RULE: Rule = Rule {
    id: "unsupported-integration-pattern",
    severity: Severity::Error,
    category: Category::Correctness,
    summary:
        "A Task's .sync, .sync:2 or .waitForTaskToken suffix is not supported by its integration",
    doc: rule_doc!("unsupported-integration-pattern"),
    check: Some(check),
    fix: None,
};

fn describe(pattern: Pattern) -> &'static str {
    match pattern {
        Pattern::RequestResponse => "request/response (no suffix)",
        Pattern::Sync => ".sync (run a job)",
        Pattern::Sync2 => ".sync:2 (run a job, JSON output)",
        Pattern::Callback => ".waitForTaskToken (callback)",
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for state in cx.states() {
        let Some((node, arn)) = state.task_resource() else {
            continue;
        };
        let Some(Resource::Integration {
            service,
            action,
            pattern,
            sdk,
        }) = cx.flow.resource(state.id)
        else {
            continue;
        };
        let pattern = *pattern;
        if pattern == Pattern::RequestResponse {
            continue;
        }
        let name = abbreviate(state.name);
        let span = || integration_parts(arn).map(|parts| cx.value_span(node, parts.suffix));
        if *sdk {
            if pattern == Pattern::Callback || integrations::sdk_service(service).is_none() {
                continue;
            }
            let Some(span) = span() else { continue };
            let optimized = integrations::optimized(service, action)
                .filter(|o| o.supports(pattern))
                .map(|o| {
                    format!(
                        "arn:aws:states:::{}:{}{}",
                        o.service,
                        o.action,
                        pattern.suffix()
                    )
                });
            let help = match optimized {
                Some(arn) => format!(
                    "the optimized integration waits for the job: {arn}"
                ),
                None => "call the action without the suffix, then poll its status (a Wait and a describe/get call in a loop), or use .waitForTaskToken with a callback".to_string(),
            };
            out.push(
                Finding::new(
                    span,
                    format!(
                        "state '{name}' uses {} with the AWS SDK integration 'aws-sdk:{service}:{action}', but AWS SDK integrations support only request/response and .waitForTaskToken",
                        describe(pattern)
                    ),
                )
                .state(state.name)
                .help(help),
            );
            continue;
        }
        let Some(optimized) = integrations::optimized(service, action) else {
            continue;
        };
        if optimized.supports(pattern) {
            continue;
        }
        let Some(span) = span() else { continue };
        let supported: Vec<&str> = optimized.patterns().map(describe).collect();
        out.push(
            Finding::new(
                span,
                format!(
                    "state '{name}' uses {} with '{service}:{action}', which supports only {}",
                    describe(pattern),
                    supported.join(", ")
                ),
            )
            .state(state.name)
            .help(format!("see {}", optimized.page)),
        );
    }
}
