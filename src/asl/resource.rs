//! What a Task's `Resource` ARN names: an activity, a Lambda function called directly, or a
//! service integration with its pattern (request/response, `.sync`, `.sync:2`, callback).

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
        // `${AWS::Partition}`-style placeholders may hold colons; blank them out first.
        let arn = without_placeholders(arn);
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

fn without_placeholders(arn: &str) -> String {
    let mut out = String::with_capacity(arn.len());
    let mut rest = arn;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        match rest[start..].find('}') {
            Some(end) => {
                out.push('_');
                rest = &rest[start + end + 1..];
            }
            None => {
                rest = &rest[start..];
                break;
            }
        }
    }
    out.push_str(rest);
    out
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
