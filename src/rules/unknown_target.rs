use super::{rule_doc, Category, Context, FixSpec, Rule};
use crate::diagnostic::{Applicability, Finding, Fix, Severity};
use crate::edits;
use crate::hash::FastMap;
use crate::model::{Machine, Scope, StateId, TransitionKind};
use crate::quote::abbreviate;
use crate::source::Span;
use crate::suggest::{did_you_mean_within, single_suggestion, Budget};

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

/// What every finding of one check looks up, shared so that many unknown targets in a large
/// machine cost time linear in its size: states by name across all scopes, and one budget for
/// the suggestions.
struct Lookup<'m> {
    by_name: Option<FastMap<&'m str, Vec<StateId>>>,
    budget: Budget,
}

impl<'m> Lookup<'m> {
    /// A state named `name` outside `scope`.
    fn elsewhere(&mut self, machine: &'m Machine, name: &str, scope: usize) -> Option<StateId> {
        let by_name = self.by_name.get_or_insert_with(|| {
            let mut map: FastMap<&str, Vec<StateId>> = FastMap::default();
            for state in &machine.states {
                map.entry(state.name).or_default().push(state.id);
            }
            map
        });
        by_name
            .get(name)?
            .iter()
            .copied()
            .find(|&id| machine.state(id).scope != scope)
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let machine = cx.machine;
    let mut lookup = Lookup {
        by_name: None,
        budget: Budget::new(1 << 24),
    };
    for scope in &machine.scopes {
        let Some(start_at) = scope.start_at else {
            continue;
        };
        let Some(target) = start_at.value.as_str() else {
            continue;
        };
        if scope.state_named(target).is_none() {
            out.push(finding(
                &mut lookup,
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
                &mut lookup,
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

fn finding<'m>(
    lookup: &mut Lookup<'m>,
    machine: &'m Machine,
    scope: &Scope,
    field: &str,
    target: &str,
    span: Span,
    state: Option<&str>,
) -> Finding {
    let whose = state.map_or_else(String::new, |s| {
        format!(" of state '{s}'", s = abbreviate(s))
    });
    let elsewhere = lookup
        .elsewhere(machine, target, scope.id)
        .map(|id| machine.state(id));
    let mut f = if let Some(other) = elsewhere {
        Finding::new(
            span,
            format!(
                "{field}{whose} names '{target}', which is defined in {}, not in {}; transitions cannot enter or leave a Parallel branch or Map processor",
                machine.scope_path(other.scope),
                machine.scope_path(scope.id), target = abbreviate(target)
            ),
        )
        .related(other.name_span, format!("'{target}' is defined here", target = abbreviate(target)))
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
                machine.scope_path(scope.id),
                target = abbreviate(target)
            ),
        );
        if let Some(suggestion) = did_you_mean_within(target, names, &mut lookup.budget) {
            f = f.help(format!(
                "did you mean '{suggestion}'? State names are case-sensitive",
                suggestion = abbreviate(suggestion)
            ));
        }
        if let Some(name) = single {
            if let Some(edit) = edits::replace_scalar(span, target, name) {
                f = f.fix(Fix::safe(
                    format!(
                        "replace '{target}' with '{name}'",
                        target = abbreviate(target),
                        name = abbreviate(name)
                    ),
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
