use super::{rule_doc, Category, Context, FixSpec, Rule};
use crate::asl::integrations::{self, Errors};
use crate::asl::resource::Resource;
use crate::diagnostic::{abbreviate, Applicability, Finding, Fix, Severity};
use crate::document::Node;
use crate::edits;

pub static RULE: Rule = Rule {
    id: "unknown-error-name",
    severity: Severity::Warning,
    category: Category::Correctness,
    summary: "A Retry or Catch on an integration Task names an error in a form the integration never throws",
    doc: rule_doc!("unknown-error-name"),
    check: Some(check),
    fix: Some(FixSpec {
        summary: "write the error as the integration throws it (changes what the Retrier or Catcher matches)",
        applicability: Applicability::Unsafe,
    }),
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for state in cx.states() {
        let handlers = [("Retry", state.retriers()), ("Catch", state.catchers())];
        if handlers.iter().all(|(_, h)| h.is_empty()) {
            continue;
        }
        let Some((_, arn)) = state.task_resource() else {
            continue;
        };
        let Some(call) = integrations::call(&Resource::parse(arn)) else {
            continue;
        };
        let Some(errors) = call.errors() else {
            continue;
        };
        let full: Vec<String> = errors.full_names().collect();
        for (field, handlers) in handlers {
            for handler in handlers {
                let Some(names) = handler.get("ErrorEquals").and_then(Node::as_array) else {
                    continue;
                };
                for node in names {
                    let Some(name) = node.as_str() else { continue };
                    let Some((right, why)) = correction(name, &errors, &full) else {
                        continue;
                    };
                    let mut finding = Finding::new(
                        node.span,
                        format!(
                            "the {} of state '{}' lists \"{}\", which {} never throws: {why}, \"{right}\"",
                            if field == "Retry" { "Retrier" } else { "Catcher" },
                            abbreviate(state.name),
                            abbreviate(name),
                            call.describe(),
                        ),
                    )
                    .state(state.name)
                    .help("error names are case-sensitive and must match exactly; this entry never matches");
                    if let Some(edit) = edits::replace_scalar(node.span, name, &right) {
                        finding = finding.fix(Fix::unsafe_(
                            format!("replace \"{}\" with \"{right}\"", abbreviate(name)),
                            vec![edit],
                        ));
                    }
                    out.push(finding);
                }
            }
        }
    }
}

/// The error `name` was clearly meant as, and why it is not that: only the forms that are
/// certainly mistakes (any other name may come from a Lambda function or a newer API).
fn correction(name: &str, errors: &Errors, full: &[String]) -> Option<(String, String)> {
    if full.iter().any(|f| f == name) {
        return None;
    }
    let (prefix, rest) = name.split_once('.')?;
    if !prefix.eq_ignore_ascii_case(errors.prefix) {
        return None;
    }
    // The name in another case (prefix, or the whole of it).
    if let Some(f) = full.iter().find(|f| f.eq_ignore_ascii_case(name)) {
        let why = if prefix != errors.prefix {
            format!("its errors start with \"{}.\"", errors.prefix)
        } else {
            "error names are case-sensitive".to_string()
        };
        return Some((f.clone(), why));
    }
    // The name without the Exception suffix that the thrown error carries.
    if !rest.ends_with("Exception") {
        let suffixed = format!("{}.{rest}Exception", errors.prefix);
        if let Some(f) = full.iter().find(|f| f.eq_ignore_ascii_case(&suffixed)) {
            let why = if errors.always_suffixed {
                "Step Functions always adds the Exception suffix to AWS SDK error names".to_string()
            } else {
                "the error's name ends in Exception".to_string()
            };
            return Some((f.clone(), why));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(prefix: &'static str, names: &[&'static str], sdk: bool) -> (Errors, Vec<String>) {
        let errors = Errors {
            prefix,
            names: names.to_vec(),
            always_suffixed: sdk,
        };
        let full = errors.full_names().collect();
        (errors, full)
    }

    #[test]
    fn only_clear_mistakes_are_corrected() {
        let (e, full) = errors("S3", &["NoSuchBucket", "NoSuchKey"], true);
        let fix = |n: &str| correction(n, &e, &full).map(|(r, _)| r);
        assert_eq!(
            fix("S3.NoSuchKey").as_deref(),
            Some("S3.NoSuchKeyException")
        );
        assert_eq!(
            fix("s3.NoSuchKeyException").as_deref(),
            Some("S3.NoSuchKeyException")
        );
        assert_eq!(fix("S3.NoSuchKeyException"), None);
        assert_eq!(fix("S3.SomethingNew"), None);
        assert_eq!(fix("PaymentDeclined"), None);
        assert_eq!(fix("States.ALL"), None);
        let (e, full) = errors("DynamoDB", &["ConditionalCheckFailedException"], false);
        let fix = |n: &str| correction(n, &e, &full).map(|(r, _)| r);
        assert_eq!(
            fix("DynamoDb.ConditionalCheckFailedException").as_deref(),
            Some("DynamoDB.ConditionalCheckFailedException")
        );
        assert_eq!(
            fix("DynamoDB.ConditionalCheckFailed").as_deref(),
            Some("DynamoDB.ConditionalCheckFailedException")
        );
    }
}
