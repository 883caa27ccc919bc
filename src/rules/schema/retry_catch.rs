//! Retriers and Catchers.

use super::fields::{check_members, sub, Field, LangContext};
use super::site::{brace, Part, Site};
use super::templates;
use super::values::{check_literal, non_empty_array, with_replacement, Expect, Lang, MAX_SECONDS};
use crate::diagnostic::{Applicability, Finding, Severity};
use crate::document::{Member, Node};
use crate::quote::abbreviate;
use crate::suggest::did_you_mean;

const RETRIER: &[Field] = &[
    sub("ErrorEquals", Lang::Both, Expect::Custom),
    sub("IntervalSeconds", Lang::Both, Expect::Int(1, MAX_SECONDS)),
    sub("MaxAttempts", Lang::Both, Expect::Int(0, MAX_SECONDS)),
    sub("BackoffRate", Lang::Both, Expect::Num(1.0, f64::INFINITY)),
    sub("MaxDelaySeconds", Lang::Both, Expect::Int(1, 31_622_400)),
    sub(
        "JitterStrategy",
        Lang::Both,
        Expect::Enum(&["FULL", "NONE"]),
    ),
    sub("Comment", Lang::Both, Expect::Str),
];

const CATCHER: &[Field] = &[
    sub("ErrorEquals", Lang::Both, Expect::Custom),
    sub("Next", Lang::Both, Expect::Str),
    sub("ResultPath", Lang::JsonPath, Expect::StrOrNull),
    sub("Output", Lang::Jsonata, Expect::Any),
    sub("Assign", Lang::Both, Expect::Custom),
    sub("Comment", Lang::Both, Expect::Str),
];

/// Error names Step Functions itself raises (ASL Appendix A and the AWS developer guide).
const PREDEFINED: &[&str] = &[
    "States.ALL",
    "States.HeartbeatTimeout",
    "States.Timeout",
    "States.TaskFailed",
    "States.Permissions",
    "States.ResultPathMatchFailure",
    "States.ParameterPathFailure",
    "States.QueryEvaluationError",
    "States.BranchFailed",
    "States.NoChoiceMatched",
    "States.IntrinsicFailure",
    "States.ExceedToleratedFailureThreshold",
    "States.ItemReaderFailed",
    "States.ResultWriterFailed",
    "States.DataLimitExceeded",
    "States.Runtime",
    "States.Http.Socket",
];

pub(super) fn retry(out: &mut Vec<Finding>, site: &Site, member: &Member, lang: LangContext) {
    entries(out, site, member, lang, "Retry", RETRIER, &["ErrorEquals"]);
}

pub(super) fn catch(out: &mut Vec<Finding>, site: &Site, member: &Member, lang: LangContext) {
    entries(
        out,
        site,
        member,
        lang,
        "Catch",
        CATCHER,
        &["ErrorEquals", "Next"],
    );
}

fn entries(
    out: &mut Vec<Finding>,
    site: &Site,
    member: &Member,
    lang: LangContext,
    field: &'static str,
    fields: &[Field],
    required: &[&str],
) {
    if !check_literal(out, site, field, &member.value, Expect::Array) {
        return;
    }
    let what = if field == "Retry" {
        "Retrier"
    } else {
        "Catcher"
    };
    for (index, entry) in member.value.as_array().unwrap_or(&[]).iter().enumerate() {
        let entry_site = site.at(Part::Item(field, index));
        if entry.as_object().is_none() {
            out.push(entry_site.finding(
                entry.span,
                format!(
                    "{} must be an object (a {what}), found {}",
                    entry_site.subject(),
                    entry.kind()
                ),
            ));
            continue;
        }
        check_members(out, &entry_site, entry, fields, lang, |out, m| {
            match m.key.as_str() {
                "ErrorEquals" => error_equals(out, &entry_site, &m.value),
                "Assign" => templates::assign(out, &entry_site, m, lang.state),
                _ => {}
            }
        });
        for key in required {
            if entry.member(key).is_none() {
                let help = match *key {
                    "Next" => {
                        "add \"Next\" with the state to go to when one of the errors is caught"
                    }
                    _ => "list the error names to match, e.g. \"ErrorEquals\": [\"States.ALL\"]",
                };
                out.push(
                    entry_site
                        .finding(
                            brace(entry),
                            format!(
                                "{} has no \"{key}\"",
                                entry_site.subject(),
                                key = abbreviate(key)
                            ),
                        )
                        .help(help),
                );
            }
        }
    }
}

/// A non-empty array of error names; reserved `States.` names must be real ones.
fn error_equals(out: &mut Vec<Finding>, site: &Site, node: &Node) {
    if !non_empty_array(
        out,
        site,
        "ErrorEquals",
        node,
        "list at least one error name, e.g. \"States.ALL\"",
    ) {
        return;
    }
    let names = node.as_array().unwrap_or(&[]);
    for name in names {
        let Some(text) = name.as_str() else {
            out.push(site.finding(
                name.span,
                format!(
                    "{} must list error names as strings, found {}",
                    site.field("ErrorEquals"),
                    name.kind()
                ),
            ));
            continue;
        };
        // HTTP Tasks raise `States.Http.StatusCode.<code>`.
        if !text.starts_with("States.")
            || PREDEFINED.contains(&text)
            || text.starts_with("States.Http.StatusCode.")
        {
            continue;
        }
        // Step Functions deploys other "States." names (and a Fail state may raise them), so
        // only near-misses of real names are reported, as warnings: typos that never match.
        if let Some(suggestion) = did_you_mean(text, PREDEFINED.iter().copied()) {
            let f = site.finding(
                    name.span,
                    format!(
                        "{} lists \"{text}\", which is not an error Step Functions raises, so it never matches; names starting with \"States.\" are reserved",
                        site.field("ErrorEquals"), text = abbreviate(text)
                    ),
                )
                .severity(Severity::Warning)
                .help(format!("did you mean \"{suggestion}\"? Error names are case-sensitive", suggestion = abbreviate(suggestion)));
            // The definition deploys as written, and the entry then matches errors it never
            // matched: a change of behaviour, so only with --unsafe-fixes.
            let mut f = with_replacement(f, name, text, PREDEFINED);
            if let Some(fix) = &mut f.fix {
                fix.applicability = Applicability::Unsafe;
            }
            out.push(f);
        }
    }
}
