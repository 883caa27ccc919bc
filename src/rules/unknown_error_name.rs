use super::{rule_doc, Category, Context, FixSpec, Rule};
use crate::asl::integrations::Errors;
use crate::diagnostic::{Applicability, Finding, Fix, Severity};
use crate::document::Node;
use crate::edits;
use crate::quote::abbreviate;

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
        // The call first: most states make none, and it is known without reading the state.
        let Some(call) = cx.flow.call(state.id) else {
            continue;
        };
        // Only names with the integration's prefix, in any case, can be corrected.
        let Some(prefix) = call.error_prefix() else {
            continue;
        };
        let handlers = [("Retry", state.retriers()), ("Catch", state.catchers())];
        if handlers.iter().all(|(_, h)| h.is_empty()) {
            continue;
        }
        let ours = |name: &str| {
            name.split_once('.')
                .is_some_and(|(p, _)| p.eq_ignore_ascii_case(prefix))
        };
        if !handlers.iter().flat_map(|(_, h)| h.iter()).any(|h| {
            h.get("ErrorEquals")
                .and_then(Node::as_array)
                .is_some_and(|names| names.iter().any(|n| n.as_str().is_some_and(ours)))
        }) {
            continue;
        }
        // Listed once per process for each call.
        let Some(errors) = call.errors() else {
            continue;
        };

        for (field, handlers) in handlers {
            for handler in handlers {
                let Some(names) = handler.get("ErrorEquals").and_then(Node::as_array) else {
                    continue;
                };
                for node in names {
                    let Some(name) = node.as_str() else { continue };
                    if !ours(name) {
                        continue;
                    }
                    let Some((right, why)) = correction(name, &errors) else {
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

/// Whether `name` is exactly one the integration throws (without formatting every name).
fn thrown(name: &str, errors: &Errors) -> bool {
    let Some(rest) = name
        .strip_prefix(errors.prefix)
        .and_then(|r| r.strip_prefix('.'))
    else {
        return false;
    };
    let listed = |n: &str| errors.names.binary_search(&n).is_ok();
    if rest.ends_with("Exception") && listed(rest) {
        return true;
    }
    if !errors.always_suffixed {
        return listed(rest);
    }
    rest.strip_suffix("Exception")
        .is_some_and(|bare| !bare.ends_with("Exception") && listed(bare))
}

/// What Step Functions adds to the API's error `api_name`: `Exception`, for SDK integrations,
/// where the name lacks it.
fn suffix_of(errors: &Errors, api_name: &str) -> &'static str {
    if errors.always_suffixed && !api_name.ends_with("Exception") {
        "Exception"
    } else {
        ""
    }
}

/// Whether `name` + `suffix` equals `text`, ignoring ASCII case.
fn eq_ci(name: &str, suffix: &str, text: &str) -> bool {
    text.len() == name.len() + suffix.len()
        && text.is_char_boundary(name.len())
        && text[..name.len()].eq_ignore_ascii_case(name)
        && text[name.len()..].eq_ignore_ascii_case(suffix)
}

/// The error `name` was clearly meant as, and why it is not that: only the forms that are
/// certainly mistakes (any other name may come from a Lambda function or a newer API).
fn correction(name: &str, errors: &Errors) -> Option<(String, String)> {
    let (prefix, rest) = name.split_once('.')?;
    if !prefix.eq_ignore_ascii_case(errors.prefix) || thrown(name, errors) {
        return None;
    }
    let full = |api: &str| format!("{}.{api}{}", errors.prefix, suffix_of(errors, api));
    // The name in another case (prefix, or the whole of it).
    if let Some(api) = errors
        .names
        .iter()
        .find(|n| eq_ci(n, suffix_of(errors, n), rest))
    {
        let why = if prefix != errors.prefix {
            format!("its errors start with \"{}.\"", errors.prefix)
        } else {
            "error names are case-sensitive".to_string()
        };
        return Some((full(api), why));
    }
    // The name without the Exception suffix that the thrown error carries.
    if !rest.ends_with("Exception") {
        let suffixed = format!("{rest}Exception");
        if let Some(api) = errors
            .names
            .iter()
            .find(|n| eq_ci(n, suffix_of(errors, n), &suffixed))
        {
            let why = if errors.always_suffixed {
                "Step Functions always adds the Exception suffix to AWS SDK error names".to_string()
            } else {
                "the error's name ends in Exception".to_string()
            };
            return Some((full(api), why));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(prefix: &'static str, names: &[&'static str], sdk: bool) -> (Errors, ()) {
        let errors = Errors {
            prefix,
            names: names.to_vec(),
            always_suffixed: sdk,
        };
        (errors, ())
    }

    #[test]
    fn thrown_names_are_recognised_without_formatting() {
        let (e, _) = errors("S3", &["NoSuchBucket", "NoSuchKey"], true);
        assert!(thrown("S3.NoSuchKeyException", &e));
        assert!(!thrown("S3.NoSuchKey", &e));
        assert!(!thrown("s3.NoSuchKeyException", &e));
        let (e, _) = errors("Lambda", &["ServiceException"], false);
        assert!(thrown("Lambda.ServiceException", &e));
        assert!(!thrown("Lambda.Service", &e));
    }

    #[test]
    fn only_clear_mistakes_are_corrected() {
        let (e, _) = errors("S3", &["NoSuchBucket", "NoSuchKey"], true);
        let fix = |n: &str| correction(n, &e).map(|(r, _)| r);
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
        let (e, _) = errors("DynamoDB", &["ConditionalCheckFailedException"], false);
        let fix = |n: &str| correction(n, &e).map(|(r, _)| r);
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
