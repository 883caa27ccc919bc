use super::{rule_doc, Category, Context, Rule};
use crate::asl::resource::Resource;
use crate::diagnostic::{Finding, Severity};
use crate::document::Node;
use crate::quote::abbreviate;
use crate::source::Span;

pub static RULE: Rule = Rule {
    id: "lambda-missing-retry",
    severity: Severity::Info,
    category: Category::Reliability,
    summary: "A Lambda Task does not retry the transient Lambda service errors",
    doc: rule_doc!("lambda-missing-retry"),
    check: Some(check),
    fix: None,
};

/// Transient errors of the Lambda service itself that AWS recommends retrying.
const TRANSIENT: [&str; 3] = [
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
];

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for state in cx.states() {
        let Some((_, arn)) = state.task_resource() else {
            continue;
        };
        // The data flow parsed each Task's Resource once for every rule.
        if !arn.contains("lambda") || !cx.flow.resource(state.id).is_some_and(Resource::is_lambda) {
            continue;
        }
        let missing = not_retried(state.retriers());
        if missing.is_empty() {
            continue;
        }
        let names: Vec<&str> = missing.iter().map(|(error, _)| *error).collect();
        let disabled: Vec<Span> = missing.iter().filter_map(|(_, span)| *span).collect();
        let mut finding = Finding::new(
            state.name_span,
            format!(
                "Lambda Task '{}' does not retry {}{}",
                abbreviate(state.name),
                names.join(", "),
                if disabled.is_empty() {
                    ""
                } else {
                    " (the first retrier to match has \"MaxAttempts\": 0)"
                }
            ),
        );
        let mut seen = Vec::new();
        for span in disabled {
            if !seen.contains(&span) {
                seen.push(span);
                finding = finding.related(span, "MaxAttempts 0 means never retry");
            }
        }
        out.push(
            finding
            .state(state.name)
            .help(
                "these errors come from the Lambda service, not your code, and usually pass on a second try; add e.g. \
                 {\"ErrorEquals\": [\"Lambda.ServiceException\", \"Lambda.AWSLambdaException\", \
                 \"Lambda.SdkClientException\", \"Lambda.TooManyRequestsException\"], \"IntervalSeconds\": 2, \
                 \"MaxAttempts\": 6, \"BackoffRate\": 2}",
            ),
        );
    }
}

/// The transient errors no retrier retries, each with the span of the `"MaxAttempts": 0` that
/// disables it, if that is why. Like Step Functions, the first retrier whose `ErrorEquals`
/// matches an error decides.
fn not_retried(retriers: &[Node]) -> Vec<(&'static str, Option<Span>)> {
    TRANSIENT
        .into_iter()
        .filter_map(|error| match first_match(retriers, error) {
            Some(retrier) => {
                let attempts = retrier.get("MaxAttempts");
                match attempts {
                    Some(n) if n.as_f64() == Some(0.0) => Some((error, Some(n.span))),
                    _ => None,
                }
            }
            None => Some((error, None)),
        })
        .collect()
}

fn first_match<'n>(retriers: &'n [Node], error: &str) -> Option<&'n Node> {
    retriers.iter().find(|retrier| {
        let names = retrier
            .get("ErrorEquals")
            .and_then(Node::as_array)
            .unwrap_or(&[]);
        names.iter().filter_map(Node::as_str).any(|name| {
            // States.TaskFailed matches every error but States.Timeout.
            name == error || name == "States.ALL" || name == "States.TaskFailed"
        })
    })
}

#[cfg(test)]
mod tests {
    use super::not_retried;
    use crate::document::json;

    fn missing(retry: &str) -> Vec<&'static str> {
        let doc = json::parse(retry).unwrap();
        not_retried(doc.root.as_array().unwrap())
            .into_iter()
            .map(|(error, _)| error)
            .collect()
    }

    #[test]
    fn coverage() {
        assert_eq!(missing("[]").len(), 3);
        assert!(missing(r#"[{"ErrorEquals": ["States.ALL"]}]"#).is_empty());
        assert!(
            missing(r#"[{"ErrorEquals": ["States.TaskFailed"], "MaxAttempts": 2}]"#).is_empty()
        );
        assert_eq!(
            missing(r#"[{"ErrorEquals": ["States.Timeout"]}]"#),
            [
                "Lambda.ServiceException",
                "Lambda.AWSLambdaException",
                "Lambda.SdkClientException"
            ]
        );
        // Spread over several retriers.
        assert!(missing(
            r#"[{"ErrorEquals": ["Lambda.ServiceException", "Lambda.AWSLambdaException"]},
                {"ErrorEquals": ["Lambda.SdkClientException"]}]"#
        )
        .is_empty());
        assert_eq!(
            missing(
                r#"[{"ErrorEquals": ["Lambda.ServiceException", "Lambda.AWSLambdaException"]}]"#
            ),
            ["Lambda.SdkClientException"]
        );
        // MaxAttempts 0 on the first match means never retried, even with a later States.ALL.
        assert_eq!(
            missing(
                r#"[{"ErrorEquals": ["Lambda.ServiceException"], "MaxAttempts": 0},
                    {"ErrorEquals": ["States.ALL"]}]"#
            ),
            ["Lambda.ServiceException"]
        );
        assert_eq!(
            missing(r#"[{"ErrorEquals": ["States.ALL"], "MaxAttempts": 0}]"#).len(),
            3
        );
    }
}
