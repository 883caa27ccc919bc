use super::invalid_jsonata::{exact_site_span, site_span};
use super::{rule_doc, Category, Context, FixSpec, Rule};
use crate::diagnostic::{Applicability, Edit, Finding, Fix, Severity};
use crate::jsonata::StatesAccess;
use crate::jsonata_sites::{Owner, Site};
use crate::model::StateType;
use crate::suggest::did_you_mean;

pub static RULE: Rule = Rule {
    id: "invalid-states-reference",
    severity: Severity::Error,
    category: Category::Expressions,
    summary: "A JSONata expression reads $states.result or $states.errorOutput where it is not set, or a member $states does not have",
    doc: rule_doc!("invalid-states-reference"),
    check: Some(check),
    fix: Some(FixSpec {
        summary: "replace a misspelt member of $states with the member it is a near-miss of",
        applicability: Applicability::Safe,
    }),
};

const MEMBERS: [&str; 4] = ["input", "context", "result", "errorOutput"];

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for site in &cx.jsonata.sites {
        let Ok(expression) = &site.parsed else {
            continue;
        };
        for access in &expression.names.states {
            let (Some(member), Some(member_span)) = (&access.member, &access.member_span) else {
                continue;
            };
            match member.as_str() {
                "input" | "context" => {}
                "result" | "errorOutput" => {
                    if let Some(why) = unavailable(cx, site, member) {
                        report(cx, site, access, member, &why, out);
                    }
                }
                _ => unknown(cx, site, member, member_span.clone(), out),
            }
        }
    }
}

/// Why `$states.<member>` (`result` or `errorOutput`) is not set where `site` is.
fn unavailable(cx: &Context, site: &Site, member: &str) -> Option<String> {
    let state = cx.machine.state(site.state);
    let field = site.location.field;
    let output_or_assign = matches!(field, "Output" | "Assign");
    match (member, site.location.owner) {
        ("errorOutput", Owner::Catcher { .. }) if output_or_assign => None,
        ("errorOutput", _) => Some(
            "$states.errorOutput is set only in a Catcher's Output and Assign, which run after an error was caught"
                .to_string(),
        ),
        (_, Owner::Catcher { .. }) => Some(
            "a Catcher runs after the state failed, so there is no $states.result: the error is $states.errorOutput"
                .to_string(),
        ),
        (_, Owner::ChoiceRule { .. }) => Some(
            "a Choice state produces no result: $states.result is set only in the Output and Assign of Task, Map and Parallel states"
                .to_string(),
        ),
        (_, Owner::State) => {
            let has_result = matches!(
                state.ty,
                Some(StateType::Task | StateType::Map | StateType::Parallel)
            );
            match (has_result, output_or_assign) {
                (true, true) => None,
                (true, false) => Some(format!(
                    "{field} is evaluated before the {} runs, so its result does not exist yet: $states.result is set only in Output and Assign",
                    state.ty.map_or("state", |t| t.name())
                )),
                (false, _) => Some(format!(
                    "a {} state produces no result: $states.result is set only in the Output and Assign of Task, Map and Parallel states",
                    state.ty.map_or("this", |t| t.name())
                )),
            }
        }
    }
}

fn report(
    cx: &Context,
    site: &Site,
    access: &StatesAccess,
    member: &str,
    why: &str,
    out: &mut Vec<Finding>,
) {
    let state = cx.machine.state(site.state);
    let end = access
        .member_span
        .as_ref()
        .map_or(access.span.end, |m| m.end);
    let help = if member == "result"
        && site.location.owner == Owner::State
        && matches!(site.location.field, "Arguments" | "Items" | "ItemSelector")
    {
        "read the state's input with $states.input, or a variable assigned by an earlier state"
    } else if member == "result" {
        "read the state's input with $states.input; in a Catcher, the error is $states.errorOutput"
    } else {
        "catch the error with a Catcher (\"Catch\") and read $states.errorOutput in its Output or Assign"
    };
    out.push(
        Finding::new(
            site_span(cx, site, access.span.start..end),
            format!(
                "$states.{member} is not available in {} of state '{}': {why}",
                site.location, state.name
            ),
        )
        .help(help)
        .state(state.name),
    );
}

fn unknown(
    cx: &Context,
    site: &Site,
    member: &str,
    span: std::ops::Range<usize>,
    out: &mut Vec<Finding>,
) {
    let state = cx.machine.state(site.state);
    let suggestion = did_you_mean(member, MEMBERS);
    let mut finding = Finding::new(
        site_span(cx, site, span.clone()),
        format!(
            "$states has no member '{member}' ({} of state '{}'){}",
            site.location,
            state.name,
            suggestion.map_or(String::new(), |s| format!("; did you mean $states.{s}?"))
        ),
    )
    .help("$states has input, context, result (in the Output and Assign of Task, Map and Parallel states) and errorOutput (in a Catcher's Output and Assign)")
    .state(state.name);
    if let (Some(s), Some(at)) = (suggestion, exact_site_span(cx, site, span)) {
        finding = finding.fix(Fix::safe(
            format!("replace '{member}' with '{s}'"),
            vec![Edit::replace(at, s)],
        ));
    }
    out.push(finding);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::run_check;

    fn findings(states: &str) -> Vec<(String, String)> {
        let text = format!(r#"{{"QueryLanguage": "JSONata", "StartAt": "T", "States": {states}}}"#);
        run_check(check, &text)
            .into_iter()
            .map(|f| (text[f.span.start..f.span.end].to_string(), f.message))
            .collect()
    }

    #[test]
    fn result_and_error_output_where_they_are_set() {
        let got = findings(
            r#"{"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                "Arguments": {"p": "{% $states.result.x %}"},
                "Output": {"v": "{% $states.result.Payload %}", "e": "{% $states.errorOutput %}"},
                "Assign": {"r": "{% $states.result %}"},
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "P",
                           "Output": "{% $states.errorOutput.Cause %}", "Assign": {"x": "{% $states.result %}"}}],
                "Next": "P"},
               "P": {"Type": "Pass", "Output": "{% $states.result %}", "End": true}}"#,
        );
        let spans: Vec<&str> = got.iter().map(|g| g.0.as_str()).collect();
        assert_eq!(
            spans,
            [
                "$states.result",
                "$states.errorOutput",
                "$states.result",
                "$states.result"
            ]
        );
        assert_eq!(
            got[0].1,
            "$states.result is not available in Arguments.p of state 'T': Arguments is evaluated before the Task runs, so its result does not exist yet: $states.result is set only in Output and Assign"
        );
        assert!(got[3].1.contains("a Pass state produces no result"));
    }

    #[test]
    fn unknown_members_get_a_fix() {
        let text = r#"{"QueryLanguage": "JSONata", "StartAt": "T", "States": {"T": {"Type": "Pass", "Output": "{% $states.inputs.a & $states.weird & $states %}", "End": true}}}"#;
        let got = run_check(check, text);
        assert_eq!(got.len(), 2);
        assert_eq!(&text[got[0].span.start..got[0].span.end], "inputs");
        assert_eq!(
            got[0].message,
            "$states has no member 'inputs' (Output of state 'T'); did you mean $states.input?"
        );
        assert_eq!(got[0].fix.as_ref().unwrap().edits[0].replacement, "input");
        assert!(got[1].fix.is_none());
    }
}
