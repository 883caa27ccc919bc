use super::{rule_doc, Category, Context, FixSpec, Rule};
use crate::diagnostic::{Applicability, Finding, Fix, Severity};
use crate::edits;
use crate::model::{Machine, Scope, TransitionKind};
use crate::source::Span;
use crate::suggest::{did_you_mean, single_suggestion};

pub static RULE: Rule = Rule {
    id: "unknown-target",
    severity: Severity::Error,
    category: Category::Structure,
    summary: "StartAt, Next, Default or a Choice/Catch Next names no state in its scope",
    doc: rule_doc!("unknown-target"),
    check: Some(check),
    fix: Some(FixSpec {
        summary: "replace the name with the one state name it is a near-miss of",
        applicability: Applicability::Safe,
    }),
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let machine = cx.machine;
    for scope in &machine.scopes {
        let Some(start_at) = scope.start_at else {
            continue;
        };
        let Some(target) = start_at.value.as_str() else {
            continue;
        };
        if scope.state_named(target).is_none() {
            out.push(finding(
                machine,
                scope,
                "StartAt",
                target,
                start_at.value.span,
                None,
            ));
        }
    }
    for state in &machine.states {
        let scope = machine.scope(state.scope);
        for t in &state.transitions {
            if scope.state_named(t.target).is_some() || is_placeholder(t.target) {
                continue;
            }
            let field = match t.kind {
                TransitionKind::Next => "Next".to_string(),
                TransitionKind::Default => "Default".to_string(),
                TransitionKind::Choice { rule } => format!("Choices[{rule}].Next"),
                TransitionKind::Catch { catcher } => format!("Catch[{catcher}].Next"),
            };
            out.push(finding(
                machine,
                scope,
                &field,
                t.target,
                t.span,
                Some(state.name),
            ));
        }
    }
}

/// A `${…}` template placeholder: the name is only known at deployment.
fn is_placeholder(target: &str) -> bool {
    crate::placeholder::has(target)
}

fn finding(
    machine: &Machine,
    scope: &Scope,
    field: &str,
    target: &str,
    span: Span,
    state: Option<&str>,
) -> Finding {
    let whose = state.map_or_else(String::new, |s| format!(" of state '{s}'"));
    let elsewhere = machine
        .states
        .iter()
        .find(|s| s.name == target && s.scope != scope.id);
    let mut f = if let Some(other) = elsewhere {
        Finding::new(
            span,
            format!(
                "{field}{whose} names '{target}', which is defined in {}, not in {}; transitions cannot enter or leave a Parallel branch or Map processor",
                machine.scope_path(other.scope),
                machine.scope_path(scope.id)
            ),
        )
        .related(other.name_span, format!("'{target}' is defined here"))
        .help(if state.is_none() {
            "StartAt must name a state in this block's own States"
        } else {
            "pass data out through the branch's or processor's final state, and transition from the Parallel or Map state itself"
        })
    } else {
        let names = scope.states.iter().map(|&id| machine.state(id).name);
        let single = single_suggestion(target, names.clone());
        let mut f = Finding::new(
            span,
            format!(
                "{field}{whose} names '{target}', but there is no state with that name in {}",
                machine.scope_path(scope.id)
            ),
        );
        if let Some(suggestion) = did_you_mean(target, names) {
            f = f.help(format!(
                "did you mean '{suggestion}'? State names are case-sensitive"
            ));
        }
        if let Some(name) = single {
            if let Some(edit) = edits::replace_scalar(span, target, name) {
                f = f.fix(Fix::safe(
                    format!("replace '{target}' with '{name}'"),
                    vec![edit],
                ));
            }
        }
        f
    };
    if let Some(state) = state {
        f = f.state(state);
    }
    f
}
