//! One state: its Type, its fields for its type and query language, and the fields that
//! must (or must not) appear together.

use super::fields::{
    bit, check_members, exclusive, state_field, LangContext, Types, FAIL, MAP, STATE_FIELDS, TASK,
};
use super::root::check_query_language;
use super::site::Site;
use super::values::{check_literal, is_jsonata, non_empty_array, with_replacement, Expect};
use super::{choice, map, retry_catch, templates, Context};
use crate::asl::resource::lambda_function_error;
use crate::diagnostic::Finding;
use crate::document::{Member, Node};
use crate::model::{QueryLanguage, State, StateType};
use crate::placeholder;
use crate::quote::abbreviate;
use crate::suggest::did_you_mean;

/// Names that belong at the top level of a machine, not among its states.
const MACHINE_FIELDS: &[&str] = &[
    "Comment",
    "QueryLanguage",
    "StartAt",
    "TimeoutSeconds",
    "Version",
];

pub(super) fn check(cx: &Context, state: &State, out: &mut Vec<Finding>) {
    let site = Site::state(state.name).in_template(cx.template);
    if state.name.is_empty() {
        out.push(Finding::new(state.name_span, "state name is empty").help(
            "give the state a name, such as \"ProcessOrder\"; transitions refer to states by name",
        ));
    }
    if state.node.as_object().is_none() {
        let mut f = site.finding(
            state.node.span,
            format!(
                "state '{}' must be an object with a \"Type\", found {}",
                abbreviate(state.name),
                state.node.kind()
            ),
        );
        if MACHINE_FIELDS.contains(&state.name) {
            f = f.help(format!(
                "\"{}\" is a field of the state machine: move it out of \"States\", next to \"StartAt\"",
                abbreviate(state.name)
            ));
        }
        out.push(f);
        return;
    }
    let ty = check_type(state, &site, out);
    let lang = LangContext {
        state: state.query_language,
        machine: cx.machine.query_language,
        ty,
    };
    check_members(out, &site, state.node, STATE_FIELDS, lang, |out, member| {
        custom_field(cx, state, &site, lang, member, out);
    });
    let Some(ty) = ty else {
        return;
    };
    if ty.needs_transition() {
        check_transition(state, &site, out);
    }
    check_required(state, ty, &site, out);
    check_exclusive(state, ty, &site, lang, out);
    if ty == StateType::Wait {
        check_wait(state, &site, out);
    }
    if state.query_language == QueryLanguage::JsonPath {
        for (field, node) in state.payload_templates() {
            templates::dollar_keys(out, &site, field, node);
        }
    }
}

/// Reports a missing, non-string or unknown `Type`; returns the type when it is valid.
fn check_type(state: &State, site: &Site, out: &mut Vec<Finding>) -> Option<StateType> {
    const NAMES: [&str; 8] = [
        "Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map",
    ];
    let Some(member) = state.member("Type") else {
        out.push(
            site.finding(
                state.name_span,
                format!("state '{}' has no \"Type\"", abbreviate(state.name)),
            )
            .help("add \"Type\": one of Task, Pass, Choice, Wait, Succeed, Fail, Parallel or Map"),
        );
        return None;
    };
    let Some(value) = member.value.as_str() else {
        check_literal(out, site, "Type", &member.value, Expect::Str);
        return None;
    };
    if state.ty.is_none() {
        let help = match did_you_mean(value, NAMES) {
            Some(s) => format!(
                "did you mean \"{s}\"? Type names are case-sensitive",
                s = abbreviate(s)
            ),
            None => {
                "use one of Task, Pass, Choice, Wait, Succeed, Fail, Parallel or Map".to_string()
            }
        };
        let f = site
            .finding(
                member.value.span,
                format!(
                    "state '{}' has an unknown Type \"{value}\"",
                    abbreviate(state.name),
                    value = abbreviate(value)
                ),
            )
            .help(help);
        out.push(with_replacement(f, &member.value, value, &NAMES));
    }
    state.ty
}

/// Fields whose value needs more than a kind check.
fn custom_field(
    cx: &Context,
    state: &State,
    site: &Site,
    lang: LangContext,
    member: &Member,
    out: &mut Vec<Finding>,
) {
    let ql = state.query_language;
    let node = &member.value;
    match member.key.as_str() {
        "QueryLanguage" => check_query_language(out, site, member, Some(cx.machine.query_language)),
        "End" => {
            check_literal(out, site, "End", node, Expect::Bool);
        }
        "Resource" => resource(cx, out, site, node),
        "Assign" => templates::assign(out, site, member, ql),
        "Retry" => retry_catch::retry(out, site, member, lang),
        "Catch" => retry_catch::catch(out, site, member, lang),
        "Choices" => choice::check(out, site, member, lang),
        "Branches" => {
            non_empty_array(
                out,
                site,
                "Branches",
                node,
                "add at least one branch: an object with \"StartAt\" and \"States\"",
            );
        }
        // The processor's own fields are checked as a nested machine.
        "ItemProcessor" | "Iterator" => {
            check_literal(out, site, &member.key, node, Expect::Object);
        }
        "ItemReader" => map::item_reader(out, site, member, lang),
        "ItemBatcher" => map::item_batcher(out, site, member, lang),
        "ResultWriter" => map::result_writer(out, site, member, lang),
        _ => {}
    }
}

/// A string, and in JSONata states a literal one: the service resolves it before evaluating.
/// Placeholders must be closed, and a Lambda function ARN well formed.
fn resource(cx: &Context, out: &mut Vec<Finding>, site: &Site, node: &Node) {
    if !check_literal(out, site, "Resource", node, Expect::Str) {
        return;
    }
    let Some(arn) = node.as_str() else { return };
    if let Some(at) = placeholder::unclosed(arn) {
        out.push(
            site.finding(
                cx.value_span(node, at..at + 2),
                format!(
                    "{} has a placeholder that is never closed: \"{}\" has no '}}'",
                    site.field("Resource"),
                    abbreviate(&arn[at..])
                ),
            )
            .help("close the placeholder, e.g. \"${LambdaArn}\"; an unclosed one reaches Step Functions as it is, which is not an ARN"),
        );
        return;
    }
    if let Some(e) = lambda_function_error(arn) {
        out.push(
            site.finding(
                cx.value_span(node, e.offset_range),
                format!(
                    "{} is not a valid Lambda function ARN: {}",
                    site.field("Resource"),
                    e.message
                ),
            )
            .help("write arn:aws:lambda:<region>:<account>:function:<name>, optionally followed by :<version> or :<alias>, e.g. \"arn:aws:lambda:us-east-1:123456789012:function:pay:live\""),
        );
        return;
    }
    if is_jsonata(arn) {
        out.push(
            site.finding(
                node.span,
                format!(
                    "{} must be a literal ARN, not a JSONata expression",
                    site.field("Resource")
                ),
            )
            .help("choose the target with \"Arguments\" (for example FunctionName), and keep \"Resource\" fixed"),
        );
    }
}

/// Exactly one of `Next` and `"End": true`.
fn check_transition(state: &State, site: &Site, out: &mut Vec<Finding>) {
    let next = state.member("Next");
    let end = state.member("End");
    match (next, end.map(|e| e.value.as_bool())) {
        (None, None) | (None, Some(Some(false))) => {
            let help = if end.is_some() {
                "\"End\": false does not end the state; write \"End\": true, or add \"Next\" with the state to run next"
            } else {
                "add \"Next\" with the state to run next, or \"End\": true to finish here"
            };
            out.push(
                site.finding(
                    state.name_span,
                    format!(
                        "state '{}' needs either \"Next\" or \"End\": true",
                        abbreviate(state.name)
                    ),
                )
                .help(help),
            );
        }
        (Some(next), Some(Some(true))) => {
            let end = end.unwrap_or(next);
            let (first, second) = if next.key_span.start < end.key_span.start {
                (next, end)
            } else {
                (end, next)
            };
            out.push(
                site.finding(
                    second.key_span,
                    format!(
                        "state '{}' has both \"Next\" and \"End\": true; a state either moves on or ends",
                        abbreviate(state.name)
                    ),
                )
                .related(first.key_span, format!("\"{}\" is set here", abbreviate(&first.key)))
                .help("remove \"Next\" to end here, or remove \"End\" to continue"),
            );
        }
        _ => {}
    }
}

fn check_required(state: &State, ty: StateType, site: &Site, out: &mut Vec<Finding>) {
    let (field, help) = match ty {
        StateType::Task => (
            "Resource",
            "add \"Resource\": the ARN of the Lambda function, activity or service integration to run",
        ),
        StateType::Choice => (
            "Choices",
            "add \"Choices\": a list of rules, each with a condition and the \"Next\" state",
        ),
        StateType::Parallel => (
            "Branches",
            "add \"Branches\": a list of objects, each with \"StartAt\" and \"States\"",
        ),
        StateType::Map => {
            if state.member("ItemProcessor").is_none() && state.member("Iterator").is_none() {
                out.push(
                    site.finding(
                        state.name_span,
                        format!("Map state '{}' has no \"ItemProcessor\"", abbreviate(state.name)),
                    )
                    .help("add \"ItemProcessor\" with \"StartAt\" and \"States\": the steps to run for each item"),
                );
            }
            return;
        }
        _ => return,
    };
    if state.member(field).is_none() {
        out.push(
            site.finding(
                state.name_span,
                format!(
                    "{} state '{}' has no \"{field}\"",
                    ty.name(),
                    abbreviate(state.name),
                    field = abbreviate(field)
                ),
            )
            .help(help),
        );
    }
}

/// Field pairs of which a state may have at most one, with the state types that have them.
const EXCLUSIVE: &[(Types, &str, &str, &str)] = &[
    (TASK, "TimeoutSeconds", "TimeoutSecondsPath", "\"TimeoutSecondsPath\" reads the timeout from the input; keep it or the fixed \"TimeoutSeconds\", not both"),
    (TASK, "HeartbeatSeconds", "HeartbeatSecondsPath", "\"HeartbeatSecondsPath\" reads the heartbeat from the input; keep it or the fixed \"HeartbeatSeconds\", not both"),
    (MAP, "MaxConcurrency", "MaxConcurrencyPath", "\"MaxConcurrencyPath\" reads the limit from the input; keep it or the fixed \"MaxConcurrency\", not both"),
    (MAP, "ToleratedFailureCount", "ToleratedFailureCountPath", "keep either the fixed \"ToleratedFailureCount\" or \"ToleratedFailureCountPath\", not both"),
    (MAP, "ToleratedFailurePercentage", "ToleratedFailurePercentagePath", "keep either the fixed \"ToleratedFailurePercentage\" or \"ToleratedFailurePercentagePath\", not both"),
    (MAP, "ItemProcessor", "Iterator", "\"Iterator\" is the older name of \"ItemProcessor\"; keep only \"ItemProcessor\""),
    (MAP, "ItemSelector", "Parameters", "on a Map state \"Parameters\" is the older name of \"ItemSelector\"; keep only \"ItemSelector\""),
    (FAIL, "Error", "ErrorPath", "keep either the fixed \"Error\" or \"ErrorPath\", not both"),
    (FAIL, "Cause", "CausePath", "keep either the fixed \"Cause\" or \"CausePath\", not both"),
];

fn check_exclusive(
    state: &State,
    ty: StateType,
    site: &Site,
    lang: LangContext,
    out: &mut Vec<Finding>,
) {
    for (types, a, b, help) in EXCLUSIVE {
        if types & bit(ty) == 0 {
            continue;
        }
        // A field of the other language is reported as such already.
        let allowed = |name: &str| state_field(name).is_some_and(|f| f.lang.allows(lang.state));
        if state.member(a).is_some() && state.member(b).is_some() && allowed(a) && allowed(b) {
            exclusive(out, site, state.node, a, b, help);
        }
    }
}

/// Exactly one of `Seconds`, `Timestamp`, `SecondsPath`, `TimestampPath` (JSONata: the first two).
fn check_wait(state: &State, site: &Site, out: &mut Vec<Finding>) {
    const FIELDS: [&str; 4] = ["Seconds", "Timestamp", "SecondsPath", "TimestampPath"];
    let mut present: Vec<&Member> = Vec::new();
    for member in state.node.as_object().unwrap_or(&[]) {
        if FIELDS.contains(&member.key.as_str()) && !present.iter().any(|p| p.key == member.key) {
            present.push(member);
        }
    }
    if present.is_empty() {
        let options = if state.query_language == QueryLanguage::Jsonata {
            "\"Seconds\" or \"Timestamp\""
        } else {
            "\"Seconds\", \"Timestamp\", \"SecondsPath\" or \"TimestampPath\""
        };
        out.push(
            site.finding(
                state.name_span,
                format!(
                    "Wait state '{}' needs one of {options}",
                    abbreviate(state.name)
                ),
            )
            .help("for example \"Seconds\": 10, or \"Timestamp\": \"2026-01-01T00:00:00Z\""),
        );
        return;
    }
    // *Path fields in a JSONata state are reported as JSONPath fields already.
    if state.query_language == QueryLanguage::Jsonata {
        present.retain(|m| !m.key.ends_with("Path"));
    }
    match present.as_slice() {
        [] => {}
        [_] => {}
        [first, rest @ ..] => {
            for second in rest {
                out.push(
                    site.finding(
                        second.key_span,
                        format!(
                            "state '{}' has both \"{}\" and \"{}\"; a Wait state takes exactly one of them",
                            abbreviate(state.name), abbreviate(&first.key), abbreviate(&second.key)
                        ),
                    )
                    .related(first.key_span, format!("\"{}\" is set here", abbreviate(&first.key)))
                    .help(format!("remove \"{}\" or \"{}\"", abbreviate(&second.key), abbreviate(&first.key))),
                );
            }
        }
    }
}
