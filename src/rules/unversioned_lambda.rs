use super::{rule_doc, Category, Context, Rule};
use crate::asl::resource::Resource;
use crate::diagnostic::{Finding, Severity};
use crate::document::Node;
use crate::model::QueryLanguage;
use crate::placeholder;
use crate::quote::abbreviate;
use crate::source::Span;
use crate::template::Tool;

pub static RULE: Rule = Rule {
    id: "unversioned-lambda",
    severity: Severity::Warning,
    category: Category::Reliability,
    summary: "A Lambda function is invoked without a version or alias, or at $LATEST",
    doc: rule_doc!("unversioned-lambda"),
    check: Some(check),
    fix: None,
};

const WHY: &str =
    "running executions keep calling the mutable function, so a deployment changes them mid-flight";

/// What a function reference says about the version it calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Version {
    /// No qualifier at all.
    Unqualified,
    /// Qualified with `$LATEST`.
    Latest,
    /// A version number or an alias.
    Pinned,
    /// Computed at run time, a template placeholder, or a shape we do not know.
    Unknown,
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for state in cx.states() {
        let Some((resource, arn)) = state.task_resource() else {
            continue;
        };
        // `via_qualifier`: the span of a `"Qualifier": "$LATEST"` parameter.
        // Cheap test first: many Tasks do not call Lambda.
        if !arn.contains("lambda") {
            continue;
        }
        // The data flow parsed each Task's Resource once for every rule.
        let (node, value, via_qualifier) = match cx.flow.resource(state.id) {
            Some(Resource::LambdaFunction { .. }) => (resource, arn, None),
            Some(Resource::Integration {
                service, action, ..
            }) if service == "lambda" && action.starts_with("invoke") => {
                let payload = match state.query_language {
                    QueryLanguage::JsonPath => state.get("Parameters"),
                    QueryLanguage::Jsonata => state.get("Arguments"),
                };
                let Some(payload) = payload else { continue };
                let Some(name) = payload.get("FunctionName") else {
                    continue;
                };
                let Some(value) = name.as_str() else { continue };
                match qualifier_parameter(payload) {
                    Some((Version::Latest, span)) => (name, value, Some(span)),
                    Some(_) => continue,
                    None => (name, value, None),
                }
            }
            _ => continue,
        };
        let version = if via_qualifier.is_some() {
            Version::Latest
        } else {
            classify(value)
        };
        let how = match version {
            Version::Unqualified => "without a version or alias",
            Version::Latest if via_qualifier.is_some() => {
                "with \"Qualifier\": \"$LATEST\", which is unversioned"
            }
            Version::Latest => "at $LATEST, which is unversioned",
            Version::Pinned | Version::Unknown => continue,
        };
        let mut finding = Finding::new(
            node.span,
            format!(
                "state '{}' invokes Lambda function \"{}\" {how}",
                abbreviate(state.name),
                abbreviate(display_name(value))
            ),
        )
        .state(state.name)
        .help(format!(
            "{WHY}; {}",
            how_to_pin(cx, value, via_qualifier.is_some())
        ));
        if let Some(span) = via_qualifier {
            finding = finding.related(span, "the Qualifier parameter selects $LATEST");
        }
        out.push(finding);
    }
}

/// How to pin the function, in the terms of what deploys it: SAM's `AutoPublishAlias`, a
/// CloudFormation alias, or the reference itself with an alias appended.
fn how_to_pin(cx: &Context, value: &str, via_qualifier: bool) -> String {
    if via_qualifier {
        return "remove \"Qualifier\": \"$LATEST\", or set it to a version or an alias such as \"live\"".to_string();
    }
    let name = display_name(value);
    let shown = abbreviate(name);
    let declared = cx
        .deployment
        .and_then(|d| Some((d.tool, d.functions.get(name)?)));
    match declared {
        Some((_, f)) if f.sam => match &f.auto_publish_alias {
            Some(alias) => format!(
                "{} publishes the alias \"{alias}\" (AutoPublishAlias): reference it with !Ref {}.Alias instead of the function's Arn",
                abbreviate(&f.id), abbreviate(&f.id), alias = abbreviate(alias)
            ),
            None => format!(
                "add AutoPublishAlias: live to {} and reference !Ref {}.Alias instead of the function's Arn; each deployment then publishes a version and moves the alias to it",
                abbreviate(&f.id), abbreviate(&f.id)
            ),
        },
        Some((Tool::Terraform, f)) => format!(
            "reference a published version: set publish = true on {id} and use its qualified_arn, or point an aws_lambda_alias at it and use the alias's arn",
            id = abbreviate(&f.id)
        ),
        None if cx.deployment.is_some_and(|d| d.tool == Tool::Terraform) && !placeholder::has(value) => {
            "reference a published version: an aws_lambda_function's qualified_arn with publish = true, or an aws_lambda_alias's arn".to_string()
        }
        Some((Tool::Serverless, _)) => format!(
            "reference a published version or an alias of {shown}: end its ARN with :<version> or :<alias> (the Serverless Framework publishes a version of each function unless versionFunctions is false)"
        ),
        Some((_, f)) => format!(
            "publish a version of {} (AWS::Lambda::Version) with an alias pointing at it (AWS::Lambda::Alias), and reference the alias (!Ref) instead of the function's Arn",
            abbreviate(&f.id)
        ),
        None if placeholder::has(value) => {
            "pin a version or alias: end the function's ARN with :<version> or :<alias>, or add a \"Qualifier\" parameter".to_string()
        }
        None => format!(
            "pin a version or alias, e.g. \"{}:live\", or add a \"Qualifier\" parameter",
            abbreviate(value.strip_suffix(":$LATEST").unwrap_or(value))
        ),
    }
}

/// The `Qualifier` (or `Qualifier.$`) parameter next to `FunctionName`, if any, and its span.
fn qualifier_parameter(payload: &Node) -> Option<(Version, Span)> {
    if let Some(member) = payload.member("Qualifier.$") {
        return Some((Version::Unknown, member.value.span));
    }
    let qualifier = payload.get("Qualifier")?;
    let version = match qualifier.as_str() {
        Some("$LATEST") => Version::Latest,
        Some(_) => Version::Pinned,
        None => Version::Unknown,
    };
    Some((version, qualifier.span))
}

/// Classifies a Lambda function reference as the Invoke API accepts it: a name (`pay`,
/// `pay:live`), a partial ARN (`123456789012:function:pay[:live]`) or a full ARN
/// (`arn:aws:lambda:us-east-1:123456789012:function:pay[:live]`).
fn classify(value: &str) -> Version {
    if is_expression(value) {
        return Version::Unknown;
    }
    // Literal even when the rest of the ARN is a template placeholder.
    if value.ends_with(":$LATEST") {
        return Version::Latest;
    }
    // Only what follows `function:` matters; a region or account may be a placeholder.
    let tail = match value.find(":function:") {
        Some(i) => &value[i + ":function:".len()..],
        None => value,
    };
    // A placeholder standing alone for the name (`function:${Fn}`) may hold a qualifier too;
    // one inside a longer name (`${self:service}-${opt:stage}-hello`) is part of the name.
    if placeholder::is_whole(tail) {
        return Version::Unknown;
    }
    let tail = placeholder::blank(tail);
    let mut parts = tail.split(':');
    let (Some(name), qualifier, None) = (parts.next(), parts.next(), parts.next()) else {
        return Version::Unknown;
    };
    if name.is_empty() {
        return Version::Unknown;
    }
    match qualifier {
        None => Version::Unqualified,
        Some("") => Version::Unknown,
        Some("$LATEST") => Version::Latest,
        Some(_) => Version::Pinned,
    }
}

/// The function as a reader knows it: the name after `function:`, without `:$LATEST`.
fn display_name(value: &str) -> &str {
    let tail = value
        .find(":function:")
        .map_or(value, |i| &value[i + ":function:".len()..]);
    tail.strip_suffix(":$LATEST").unwrap_or(tail)
}

/// A JSONata `{% … %}` expression.
fn is_expression(s: &str) -> bool {
    let s = s.trim();
    s.starts_with("{%") && s.ends_with("%}")
}

#[cfg(test)]
mod tests {
    use super::{classify, Version};

    #[test]
    fn function_references() {
        for (value, expected) in [
            ("pay", Version::Unqualified),
            ("pay:live", Version::Pinned),
            ("pay:7", Version::Pinned),
            ("pay:$LATEST", Version::Latest),
            ("123456789012:function:pay", Version::Unqualified),
            ("123456789012:function:pay:3", Version::Pinned),
            (
                "arn:aws:lambda:us-east-1:123456789012:function:pay",
                Version::Unqualified,
            ),
            (
                "arn:aws:lambda:us-east-1:123456789012:function:pay:live",
                Version::Pinned,
            ),
            (
                "arn:aws:lambda:us-east-1:123456789012:function:pay:$LATEST",
                Version::Latest,
            ),
            (
                "arn:aws:lambda:us-east-1:1:function:${Name}:$LATEST",
                Version::Latest,
            ),
            ("${PayFunctionArn}", Version::Unknown),
            ("arn:aws:lambda:::function:${fn}", Version::Unknown),
            (
                "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:pay",
                Version::Unqualified,
            ),
            ("{% $states.input.fn %}", Version::Unknown),
            // Serverless Framework: pseudo parameters and variables inside the name.
            (
                "arn:aws:lambda:#{AWS::Region}:#{AWS::AccountId}:function:${self:service}-${opt:stage}-hello",
                Version::Unqualified,
            ),
            (
                "arn:aws:lambda:#{AWS::Region}:#{AWS::AccountId}:function:${self:service}-hello:${opt:alias}",
                Version::Pinned,
            ),
            ("arn:aws:lambda:r:1:function:${Fn}:live", Version::Pinned),
            ("pay:", Version::Unknown),
            ("", Version::Unknown),
            ("a:b:c", Version::Unknown),
        ] {
            assert_eq!(classify(value), expected, "{value}");
        }
    }
}
