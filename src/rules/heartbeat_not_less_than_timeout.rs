use super::{rule_doc, Category, Context, Rule};
use crate::diagnostic::{Finding, Severity};
use crate::quote::abbreviate;

pub static RULE: Rule = Rule {
    id: "heartbeat-not-less-than-timeout",
    severity: Severity::Error,
    category: Category::Schema,
    summary: "HeartbeatSeconds is not less than TimeoutSeconds",
    doc: rule_doc!("heartbeat-not-less-than-timeout"),
    check: Some(check),
    fix: None,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for state in cx.states() {
        let (Some(heartbeat), Some(timeout)) = (
            state.member("HeartbeatSeconds"),
            state.member("TimeoutSeconds"),
        ) else {
            continue;
        };
        let (Some(h), Some(t)) = (heartbeat.value.as_number(), timeout.value.as_number()) else {
            continue;
        };
        if h.value >= t.value {
            out.push(
                Finding::new(
                    heartbeat.value.span,
                    format!(
                        "HeartbeatSeconds ({h}) of state '{}' must be less than its TimeoutSeconds ({t})",
                        abbreviate(state.name)
                    ),
                )
                .state(state.name)
                .related(timeout.value.span, "TimeoutSeconds is set here")
                .help("a heartbeat is a shorter deadline between progress reports; make it smaller than the overall timeout"),
            );
        }
    }
}
