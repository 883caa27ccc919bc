//! What a Task's `Resource` ARN names: an activity, a Lambda function called directly, or a
//! service integration with its pattern (request/response, `.sync`, `.sync:2`, callback).

use std::ops::Range;

use super::SyntaxError;
use crate::placeholder;
use crate::quote::abbreviate;

/// How Step Functions waits for an integration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pattern {
    /// Call and continue with the response.
    RequestResponse,
    /// `.sync`: wait for the job to finish.
    Sync,
    /// `.sync:2`: wait, with the output parsed as JSON.
    Sync2,
    /// `.waitForTaskToken`: wait for SendTaskSuccess/Failure with the task token.
    Callback,
}

impl Pattern {
    pub fn suffix(self) -> &'static str {
        match self {
            Pattern::RequestResponse => "",
            Pattern::Sync => ".sync",
            Pattern::Sync2 => ".sync:2",
            Pattern::Callback => ".waitForTaskToken",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resource {
    /// `arn:…:states:<region>:<account>:activity:<name>`
    Activity { name: String },
    /// `arn:…:lambda:<region>:<account>:function:<name>[:<qualifier>]`, the legacy direct form.
    LambdaFunction {
        name: String,
        qualifier: Option<String>,
    },
    /// `arn:…:states:::<service>:<action>[suffix]`, or `…:::aws-sdk:<service>:<action>[suffix]`.
    Integration {
        service: String,
        action: String,
        pattern: Pattern,
        sdk: bool,
    },
    /// Anything else: a placeholder, a malformed ARN, a new form.
    Unknown,
}

impl Resource {
    pub fn parse(arn: &str) -> Resource {
        // `${AWS::Partition}`-style placeholders may hold colons; blank them out first (most
        // ARNs have none, and are not copied).
        let blanked;
        let arn = if arn.contains('{') {
            blanked = placeholder::blank(arn);
            blanked.as_str()
        } else {
            arn
        };
        let parts: Vec<&str> = arn.split(':').collect();
        if parts.len() < 6 || parts[0] != "arn" {
            return Resource::Unknown;
        }
        match (parts[2], parts[5]) {
            ("states", "activity") if parts.len() == 7 => Resource::Activity {
                name: parts[6].to_string(),
            },
            ("lambda", "function") if parts.len() == 7 || parts.len() == 8 => {
                Resource::LambdaFunction {
                    name: parts[6].to_string(),
                    qualifier: parts.get(7).map(|q| q.to_string()),
                }
            }
            ("states", _) if parts[3].is_empty() && parts[4].is_empty() => integration(&parts[5..]),
            _ => Resource::Unknown,
        }
    }

    /// The `lambda:invoke` integration (any pattern) or the legacy function ARN.
    pub fn is_lambda(&self) -> bool {
        match self {
            Resource::LambdaFunction { .. } => true,
            Resource::Integration {
                service,
                action,
                sdk: false,
                ..
            } => service == "lambda" && action.starts_with("invoke"),
            _ => false,
        }
    }

    pub fn pattern(&self) -> Option<Pattern> {
        match self {
            Resource::Integration { pattern, .. } => Some(*pattern),
            _ => None,
        }
    }
}

fn integration(rest: &[&str]) -> Resource {
    let (sdk, rest) = match rest {
        ["aws-sdk", rest @ ..] => (true, rest),
        _ => (false, rest),
    };
    // `startExecution.sync:2` splits into […, "startExecution.sync", "2"].
    let (service, action, version) = match rest {
        [service, action] => (*service, *action, None),
        [service, action, version] => (*service, *action, Some(*version)),
        _ => return Resource::Unknown,
    };
    let (action, pattern) = if let Some(a) = action.strip_suffix(".waitForTaskToken") {
        (a, Pattern::Callback)
    } else if let Some(a) = action.strip_suffix(".sync") {
        (
            a,
            if version == Some("2") {
                Pattern::Sync2
            } else {
                Pattern::Sync
            },
        )
    } else {
        (action, Pattern::RequestResponse)
    };
    if service.is_empty() || action.is_empty() || (version.is_some() && pattern != Pattern::Sync2) {
        return Resource::Unknown;
    }
    Resource::Integration {
        service: service.to_string(),
        action: action.to_string(),
        pattern,
        sdk,
    }
}

/// Where an integration ARN (`arn:…:states:::[aws-sdk:]<service>:<action>[suffix]`) writes its
/// parts, as byte ranges of `arn`, for messages and fixes that point at one of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IntegrationParts {
    pub service: Range<usize>,
    /// The action without the pattern suffix.
    pub action: Range<usize>,
    /// The suffix (`.sync`, `.sync:2`, `.waitForTaskToken`); empty at the end for none.
    pub suffix: Range<usize>,
}

/// The parts of an integration ARN; `None` for other resources and for parts that hold a
/// placeholder (their deployed value is unknown).
pub fn integration_parts(arn: &str) -> Option<IntegrationParts> {
    let parts = segments(arn);
    let text = |r: &Range<usize>| &arn[r.clone()];
    if parts.len() < 7
        || text(&parts[0]) != "arn"
        || text(&parts[2]) != "states"
        || !text(&parts[3]).is_empty()
        || !text(&parts[4]).is_empty()
    {
        return None;
    }
    let first = if text(&parts[5]) == "aws-sdk" { 6 } else { 5 };
    let service = parts.get(first)?.clone();
    let action_segment = parts.get(first + 1)?.clone();
    let end = parts.get(first + 2).map_or(action_segment.end, |r| r.end);
    if parts.len() > first + 3 || placeholder::has(&arn[service.start..end]) {
        return None;
    }
    let written = text(&action_segment);
    let cut = [".waitForTaskToken", ".sync"]
        .iter()
        .find_map(|s| written.strip_suffix(s).map(str::len))
        .unwrap_or(written.len());
    let action = action_segment.start..action_segment.start + cut;
    Some(IntegrationParts {
        service,
        suffix: action.end..end,
        action,
    })
}

/// The `:`-separated segments of an ARN, as byte ranges of `arn`; a colon inside a
/// placeholder (`${AWS::Region}`, `${self:service}`) does not separate.
fn segments(arn: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut placeholders = placeholder::find(arn).peekable();
    let mut start = 0;
    for (i, b) in arn.bytes().enumerate() {
        while placeholders.next_if(|p| p.range.end <= i).is_some() {}
        let inside = placeholders.peek().is_some_and(|p| p.range.start < i);
        if b == b':' && !inside {
            out.push(start..i);
            start = i + 1;
        }
    }
    out.push(start..arn.len());
    out
}

/// What makes a Lambda function ARN (`arn:…:lambda:…:function:<name>[:<alias or version>]`)
/// one the service rejects, with the offending bytes; `None` for a good one or another kind of
/// resource. Placeholders stand for any valid text.
pub fn lambda_function_error(arn: &str) -> Option<SyntaxError> {
    // What the checks below require, looked for before splitting (most Tasks call an
    // integration, `arn:aws:states:::lambda:invoke`).
    if !arn.starts_with("arn:") || !arn.contains(":lambda:") || !arn.contains(":function") {
        return None;
    }
    let parts = segments(arn);
    let part = |i: usize| parts.get(i).map(|r| &arn[r.clone()]);
    if part(0) != Some("arn") || part(2) != Some("lambda") || part(5) != Some("function") {
        return None;
    }
    let valid = |s: &str, max: usize| {
        let s = placeholder::blank(s);
        !s.is_empty()
            && s.len() <= max
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    let Some(name) = parts.get(6).cloned() else {
        let end = arn.len();
        return Some(SyntaxError::new(
            "the function name after 'function:' is missing",
            end..end,
        ));
    };
    if name.is_empty() {
        return Some(SyntaxError::new(
            "the function name after 'function:' is empty",
            name.start.saturating_sub(1)..name.start,
        ));
    }
    if !valid(&arn[name.clone()], 64) {
        return Some(SyntaxError::new(
            format!(
                "'{}' is not a function name: names have 1 to 64 letters, digits, hyphens and underscores",
                abbreviate(&arn[name.clone()])
            ),
            name,
        ));
    }
    if let Some(qualifier) = parts.get(7).cloned() {
        let text = &arn[qualifier.clone()];
        let function = &arn[name.clone()];
        if text.is_empty() {
            return Some(SyntaxError::new(
                format!("the alias or version after '{function}:' is empty"),
                qualifier.start - 1..qualifier.start,
            ));
        }
        if text != "$LATEST" && !valid(text, 128) {
            return Some(SyntaxError::new(
                format!(
                    "'{text}' is neither a version (a number or $LATEST) nor an alias (letters, digits, hyphens and underscores)", text = abbreviate(text)
                ),
                qualifier,
            ));
        }
    }
    if let Some(extra) = parts.get(8) {
        return Some(SyntaxError::new(
            "a function ARN ends after the alias or version",
            extra.start - 1..arn.len(),
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn integ(service: &str, action: &str, pattern: Pattern, sdk: bool) -> Resource {
        Resource::Integration {
            service: service.into(),
            action: action.into(),
            pattern,
            sdk,
        }
    }

    #[test]
    fn integrations_and_patterns() {
        assert_eq!(
            Resource::parse("arn:aws:states:::lambda:invoke"),
            integ("lambda", "invoke", Pattern::RequestResponse, false)
        );
        assert_eq!(
            Resource::parse("arn:aws:states:::lambda:invoke.waitForTaskToken"),
            integ("lambda", "invoke", Pattern::Callback, false)
        );
        assert_eq!(
            Resource::parse("arn:aws:states:::states:startExecution.sync:2"),
            integ("states", "startExecution", Pattern::Sync2, false)
        );
        assert_eq!(
            Resource::parse("arn:${partition}:states:::batch:submitJob.sync"),
            integ("batch", "submitJob", Pattern::Sync, false)
        );
        assert_eq!(
            Resource::parse("arn:${AWS::Partition}:states:::aws-sdk:s3:getObject"),
            integ("s3", "getObject", Pattern::RequestResponse, true)
        );
        assert!(Resource::parse("arn:aws:states:::lambda:invoke").is_lambda());
        assert!(!Resource::parse("arn:aws:states:::aws-sdk:lambda:invoke").is_lambda());
    }

    #[test]
    fn activities_and_functions() {
        assert_eq!(
            Resource::parse("arn:aws:states:us-east-1:123456789012:activity:approve"),
            Resource::Activity {
                name: "approve".into()
            }
        );
        assert_eq!(
            Resource::parse("arn:aws:lambda:us-east-1:123456789012:function:pay:live"),
            Resource::LambdaFunction {
                name: "pay".into(),
                qualifier: Some("live".into())
            }
        );
        assert_eq!(
            Resource::parse("arn:aws:lambda:us-east-1:123456789012:function:pay"),
            Resource::LambdaFunction {
                name: "pay".into(),
                qualifier: None
            }
        );
        assert!(Resource::parse("arn:aws:lambda:us-east-1:1:function:pay").is_lambda());
    }

    #[test]
    fn malformed_lambda_function_arns() {
        fn error(arn: &str) -> Option<(String, &str)> {
            lambda_function_error(arn).map(|e| (e.message, &arn[e.offset_range]))
        }
        for good in [
            "arn:aws:lambda:us-east-1:1:function:pay",
            "arn:aws:lambda:us-east-1:1:function:pay:live",
            "arn:aws:lambda:us-east-1:1:function:pay:7",
            "arn:aws:lambda:us-east-1:1:function:pay:$LATEST",
            "arn:aws:lambda:#{AWS::Region}:#{AWS::AccountId}:function:${self:service}-${opt:stage}-hello",
            "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${Fn}:${Alias}",
            "arn:aws:states:::lambda:invoke",
            "${lambdaArn}",
        ] {
            assert_eq!(error(good), None, "{good}");
        }
        let (message, at) =
            error("arn:aws:lambda:region-1:1234567890:function:FUNCTION_NAME:").unwrap();
        assert_eq!(
            message,
            "the alias or version after 'FUNCTION_NAME:' is empty"
        );
        assert_eq!(at, ":");
        let (message, at) =
            error("arn:aws:lambda:region-1:1234567890:function:FUNCTION_NAME:$*#$7485").unwrap();
        assert!(
            message.starts_with("'$*#$7485' is neither a version"),
            "{message}"
        );
        assert_eq!(at, "$*#$7485");
        assert_eq!(
            error("arn:aws:lambda:r:1:function:pay me").unwrap().1,
            "pay me"
        );
        assert_eq!(error("arn:aws:lambda:r:1:function:").unwrap().1, ":");
        assert_eq!(error("arn:aws:lambda:r:1:function:a:b:c").unwrap().1, ":c");
    }

    #[test]
    fn integration_parts_locate_service_action_and_suffix() {
        let arn = "arn:${AWS::Partition}:states:::aws-sdk:s3:getObject.waitForTaskToken";
        let p = integration_parts(arn).unwrap();
        assert_eq!(&arn[p.service], "s3");
        assert_eq!(&arn[p.action], "getObject");
        assert_eq!(&arn[p.suffix], ".waitForTaskToken");
        let arn = "arn:aws:states:::states:startExecution.sync:2";
        let p = integration_parts(arn).unwrap();
        assert_eq!(
            (&arn[p.action], &arn[p.suffix]),
            ("startExecution", ".sync:2")
        );
        let arn = "arn:aws:states:::lambda:invoke";
        assert_eq!(integration_parts(arn).unwrap().suffix, arn.len()..arn.len());
        assert_eq!(
            integration_parts("arn:aws:states:::aws-sdk:${Svc}:getObject"),
            None
        );
        assert_eq!(
            integration_parts("arn:aws:lambda:us-east-1:1:function:f"),
            None
        );
        assert_eq!(
            integration_parts("arn:aws:states:us-east-1:1:activity:a"),
            None
        );
    }

    #[test]
    fn unknown_forms() {
        for arn in [
            "${FunctionArn}",
            "",
            "arn:aws",
            "arn:aws:states:::lambda",
            "arn:aws:sqs:us-east-1:1:q:x",
        ] {
            assert_eq!(Resource::parse(arn), Resource::Unknown, "{arn}");
        }
    }
}
