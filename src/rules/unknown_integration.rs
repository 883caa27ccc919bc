use super::{rule_doc, Category, Context, FixSpec, Rule};
use crate::asl::integrations::{self, Call, SdkService, Status};
use crate::asl::resource::{integration_parts, IntegrationParts, Resource};
use crate::diagnostic::{abbreviate, Applicability, Finding, Fix, Severity};
use crate::document::Node;
use crate::edits;
use crate::model::State;
use crate::suggest::{did_you_mean, single_suggestion};

pub static RULE: Rule = Rule {
    id: "unknown-integration",
    severity: Severity::Error,
    category: Category::Correctness,
    summary: "A Task's Resource names a service or action that Step Functions does not integrate",
    doc: rule_doc!("unknown-integration"),
    check: Some(check),
    fix: Some(FixSpec {
        summary: "correct the case of an action or service name, or write an SDK service as Step Functions names it",
        applicability: Applicability::Safe,
    }),
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for state in cx.states() {
        let Some((node, arn)) = state.task_resource() else {
            continue;
        };
        let Some(Resource::Integration {
            service,
            action,
            sdk,
            ..
        }) = cx.flow.resource(state.id)
        else {
            continue;
        };
        // Known exactly, offered and supported: nothing to say.
        match cx.flow.call(state.id) {
            Some(Call::Optimized(_)) => continue,
            Some(Call::Sdk { service, operation })
                if service.status == Status::Offered
                    && !service.is_unsupported(operation.name()) =>
            {
                continue
            }
            _ => {}
        }
        let Some(parts) = integration_parts(arn) else {
            continue;
        };
        let at = Place {
            cx,
            state,
            node,
            parts: &parts,
        };
        let finding = if *sdk {
            sdk_call(&at, service, action)
        } else {
            optimized_call(&at, service, action)
        };
        out.extend(finding);
    }
}

/// The Resource being checked and where its parts are written.
struct Place<'a, 'c, 'd> {
    cx: &'a Context<'c, 'd>,
    state: &'a State<'d>,
    node: &'d Node,
    parts: &'a IntegrationParts,
}

impl Place<'_, '_, '_> {
    fn finding(&self, service_part: bool, message: String) -> Finding {
        let range = if service_part {
            self.parts.service.clone()
        } else {
            self.parts.action.clone()
        };
        Finding::new(self.cx.value_span(self.node, range), message).state(self.state.name)
    }

    /// A safe fix that writes `new` over the service or action.
    fn replace(&self, service_part: bool, old: &str, new: &str) -> Option<Fix> {
        let range = if service_part {
            self.parts.service.clone()
        } else {
            self.parts.action.clone()
        };
        let edit = edits::replace_in_string(self.node, range, new)?;
        Some(Fix::safe(
            format!("replace '{}' with '{new}'", abbreviate(old)),
            vec![edit],
        ))
    }
}

fn with_fix(finding: Finding, fix: Option<Fix>) -> Finding {
    match fix {
        Some(fix) => finding.fix(fix),
        None => finding,
    }
}

fn sdk_call(at: &Place, service: &str, action: &str) -> Option<Finding> {
    let state = abbreviate(at.state.name);
    let Some(known) = integrations::sdk_service(service) else {
        return Some(unknown_sdk_service(at, service));
    };
    match known.status {
        Status::Offered => {}
        Status::Retired => {
            return Some(
                at.finding(
                    true,
                    format!(
                        "state '{state}' calls the AWS SDK service '{service}', which Step Functions no longer offers: its API is no longer in the AWS SDKs (botocore {})",
                        integrations::BOTOCORE_VERSION
                    ),
                )
                .severity(Severity::Warning)
                .help("this call fails to deploy; move the work to a service that is still offered"),
            )
        }
        Status::Removed => {
            return Some(
                at.finding(
                    true,
                    format!(
                        "state '{state}' calls the AWS SDK service '{service}', which Step Functions removed from its AWS SDK integrations on {}",
                        known.note
                    ),
                )
                .severity(Severity::Warning)
                .help(removed_help(known)),
            )
        }
    }
    let model = known.model()?;
    if let Some(op) = known.operation(action) {
        if known.is_unsupported(op.name()) {
            return Some(
                at.finding(
                    false,
                    format!(
                        "state '{state}' calls '{service}:{action}', an API action Step Functions does not support in AWS SDK integrations"
                    ),
                )
                .help("the Developer Guide lists it under \"Unsupported API actions\"; call it from a Lambda function instead"),
            );
        }
        return None;
    }
    let actions: Vec<String> = model
        .operations()
        .map(|op| integrations::action_name(op.name()))
        .collect();
    let lower = action.to_lowercase();
    if let Some(right) = actions.iter().find(|a| a.to_lowercase() == lower) {
        let finding = at
            .finding(
                false,
                format!(
                    "state '{state}' calls '{service}:{}', but AWS SDK actions are written in camelCase: '{right}'",
                    abbreviate(action)
                ),
            )
            .help(format!("write arn:aws:states:::aws-sdk:{service}:{right}"));
        return Some(with_fix(finding, at.replace(false, action, right)));
    }
    let suggestion = did_you_mean(action, actions.iter().map(String::as_str));
    let mut finding = at.finding(
        false,
        format!(
            "state '{state}' calls '{}', which is not an action of the AWS SDK service '{service}' (botocore {})",
            abbreviate(action),
            integrations::BOTOCORE_VERSION
        ),
    );
    finding = match suggestion {
        Some(s) => finding.help(format!("did you mean '{s}'?")),
        None => finding.help(format!(
            "the service's actions are the API's operations in camelCase, e.g. '{}'",
            actions.first().map_or("", String::as_str)
        )),
    };
    Some(finding)
}

fn removed_help(service: &SdkService) -> String {
    match service.name {
        "lexmodelbuilding" => "use the V2 API: aws-sdk:lexmodelsv2".to_string(),
        "lexruntime" => "use the V2 API: aws-sdk:lexruntimev2".to_string(),
        _ => {
            "this call fails to deploy; call the service from a Lambda function instead".to_string()
        }
    }
}

/// An `aws-sdk:` service name Step Functions does not know.
fn unknown_sdk_service(at: &Place, service: &str) -> Finding {
    let state = abbreviate(at.state.name);
    // botocore's name, or the right name in another case or with hyphens.
    let squashed = service.to_lowercase().replace(['-', '_'], "");
    let renamed = integrations::sdk_service_by_botocore_name(&service.to_lowercase())
        .or_else(|| integrations::sdk_service(&squashed))
        .filter(|s| s.status == Status::Offered);
    if let Some(right) = renamed {
        let finding = at
            .finding(
                true,
                format!(
                    "state '{state}' calls the AWS SDK service '{}', which Step Functions names '{}'",
                    abbreviate(service),
                    right.name
                ),
            )
            .help(format!(
                "AWS SDK integrations use Step Functions' own service names (lowercase, no hyphens): arn:aws:states:::aws-sdk:{}:…",
                right.name
            ));
        return with_fix(finding, at.replace(true, service, right.name));
    }
    let offered = || {
        integrations::sdk_services()
            .iter()
            .filter(|s| s.status == Status::Offered)
            .map(|s| s.name)
    };
    if let Some(close) = did_you_mean(service, offered()) {
        return at
            .finding(
                true,
                format!(
                    "state '{state}' calls the AWS SDK service '{}', which Step Functions does not integrate",
                    abbreviate(service)
                ),
            )
            .help(format!("did you mean '{close}'?"));
    }
    at.finding(
        true,
        format!(
            "state '{state}' calls the AWS SDK service '{}', which is not among the services Step Functions integrates (botocore {} and the Developer Guide's list)",
            abbreviate(service),
            integrations::BOTOCORE_VERSION
        ),
    )
    .severity(Severity::Warning)
    .help("check the service name in \"AWS SDK service integrations\" of the Step Functions Developer Guide; a service newer than this data is reported too")
}

fn optimized_call(at: &Place, service: &str, action: &str) -> Option<Finding> {
    if integrations::optimized(service, action).is_some() {
        return None;
    }
    let state = abbreviate(at.state.name);
    let sdk_form = sdk_equivalent(service, action);
    if integrations::is_optimized_service(service) {
        let actions: Vec<&str> = integrations::optimized_integrations()
            .iter()
            .filter(|o| o.service == service)
            .map(|o| o.action)
            .collect();
        let lower = action.to_lowercase();
        if let Some(&right) = actions.iter().find(|a| a.to_lowercase() == lower) {
            let finding = at
                .finding(
                    false,
                    format!(
                        "state '{state}' calls '{service}:{}', but the action is written '{right}'",
                        abbreviate(action)
                    ),
                )
                .help(format!("write arn:aws:states:::{service}:{right}"));
            return Some(with_fix(finding, at.replace(false, action, right)));
        }
        let finding = at.finding(
            false,
            format!(
                "state '{state}' calls '{service}:{}', which is not one of Step Functions' optimized {service} integrations ({})",
                abbreviate(action),
                actions.join(", ")
            ),
        );
        let help = match (sdk_form, single_suggestion(action, actions.iter().copied())) {
            (Some(sdk), _) => format!("call the API through the AWS SDK integration: arn:aws:states:::aws-sdk:{sdk}"),
            (None, Some(s)) => format!("did you mean '{s}'?"),
            (None, None) => "see the service's page under \"Integrating optimized services\" in the Step Functions Developer Guide".to_string(),
        };
        return Some(finding.help(help));
    }
    let message = format!(
        "state '{state}' calls '{}:{}', but Step Functions has no optimized integration for '{}'",
        abbreviate(service),
        abbreviate(action),
        abbreviate(service)
    );
    if let Some(sdk) = sdk_form {
        return Some(at.finding(true, message).help(format!(
            "call it through the AWS SDK integration: arn:aws:states:::aws-sdk:{sdk}"
        )));
    }
    let services: Vec<&str> = {
        let mut s: Vec<&str> = integrations::optimized_integrations()
            .iter()
            .map(|o| o.service)
            .collect();
        s.dedup();
        s
    };
    let finding = at.finding(true, message);
    Some(match did_you_mean(service, services.iter().copied()) {
        Some(close) => finding.help(format!("did you mean '{close}'?")),
        None => finding.help(
            "other services are called through AWS SDK integrations: arn:aws:states:::aws-sdk:<service>:<action>",
        ),
    })
}

/// `service:action` as an AWS SDK integration, when that exists: `ses:sendEmail`.
fn sdk_equivalent(service: &str, action: &str) -> Option<String> {
    let known = integrations::sdk_service(service)
        .or_else(|| integrations::sdk_service_by_botocore_name(service))
        .filter(|s| s.status == Status::Offered)?;
    let op = known
        .model()?
        .operations()
        .find(|op| integrations::action_name(op.name()).eq_ignore_ascii_case(action))?;
    Some(format!(
        "{}:{}",
        known.name,
        integrations::action_name(op.name())
    ))
}
