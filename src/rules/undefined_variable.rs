use super::{rule_doc, Category, Context, FixSpec, Rule};
use crate::diagnostic::{Applicability, Edit, Finding, Fix, Severity};
use crate::hash::FastMap;
use crate::model::QueryLanguage;
use crate::quote::abbreviate;
use crate::suggest::{did_you_mean, single_suggestion};
use crate::variables::{Read, Status, VarId};

pub static RULE: Rule = Rule {
    id: "undefined-variable",
    severity: Severity::Error,
    category: Category::Correctness,
    summary: "A state reads a variable that no path to it assigns",
    doc: rule_doc!("undefined-variable"),
    check: Some(check),
    fix: Some(FixSpec {
        summary:
            "replace a misspelt variable name with the one assigned variable it is a near-miss of",
        applicability: Applicability::Safe,
    }),
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let vars = cx.variables;
    let mut near = NearNames::new(cx);
    for read in vars.reads.iter().filter(|r| !r.guarded) {
        let finding = match read.status {
            Status::Unassigned => unassigned(cx, read, &mut near),
            Status::OutsideChild { map } => outside_child(cx, read, map),
            _ => None,
        };
        out.extend(finding);
    }
}

/// `'{field}' of state 'S'`.
pub(super) fn place(cx: &Context, read: &Read) -> String {
    format!(
        "{} of state '{}'",
        read.field(cx.jsonata),
        abbreviate(cx.machine.state(read.state).name)
    )
}

/// Names that could be meant instead of a name no state assigns: the assigned names, each
/// unassigned name looked up once, and only so many, since each look-up compares with every
/// assigned name.
struct NearNames<'c> {
    assigned: Vec<&'c str>,
    /// Read name → the closest assigned name, and whether it is the only one that close.
    memo: FastMap<VarId, Option<(&'c str, bool)>>,
    /// Comparisons left.
    budget: usize,
}

/// Name comparisons a machine's suggestions may make together: a few hundred look-ups among
/// a few thousand names.
const MAX_COMPARISONS: usize = 1_000_000;

impl<'c> NearNames<'c> {
    fn new(cx: &Context<'c, '_>) -> Self {
        let vars = cx.variables;
        NearNames {
            assigned: (0..vars.variable_count())
                .filter(|&v| vars.assignments_of(v).next().is_some())
                .map(|v| vars.name(v))
                .collect(),
            memo: FastMap::default(),
            budget: MAX_COMPARISONS,
        }
    }

    fn near(&mut self, name: &str, var: VarId) -> Option<(&'c str, bool)> {
        if let Some(found) = self.memo.get(&var) {
            return *found;
        }
        // Each look-up compares with every assigned name, twice.
        let cost = 2 * self.assigned.len();
        if cost > self.budget {
            return None;
        }
        self.budget -= cost;
        let candidates = self.assigned.iter().copied();
        let found = did_you_mean(name, candidates.clone())
            .map(|best| (best, single_suggestion(name, candidates).is_some()));
        self.memo.insert(var, found);
        found
    }
}

fn unassigned(cx: &Context, read: &Read, near: &mut NearNames) -> Option<Finding> {
    let vars = cx.variables;
    let machine = cx.machine;
    let raw_name = vars.name(read.var);
    let name = abbreviate(raw_name);
    let state = machine.state(read.state);
    let span = cx.value_span(read.node, read.range.clone());
    let around = vars.assignment_around(machine, read.var, state.scope);
    if around.is_none() && vars.assignments_of(read.var).next().is_some() {
        // Assigned, but only in a branch or iteration the reader cannot see: variable-scope.
        return None;
    }
    if let Some(own) = vars
        .assignments_of(read.var)
        .find(|a| a.state == read.state)
    {
        return Some(
            Finding::new(
                span,
                format!(
                    "${name} is read in {} before the state's own {} sets it: every field of a state sees the variables as they were when the state was entered",
                    place(cx, read),
                    own.placement.field()
                ),
            )
            .state(state.name)
            .related(own.member.key_span, "takes effect only after the state has run")
            .help(format!(
                "assign ${name} in a state that runs before '{}', or compute the value here from {}",
                abbreviate(state.name),
                if read.language == QueryLanguage::Jsonata { "$states.input or $states.result" } else { "the input ($.…)" }
            )),
        );
    }
    if let Some(later) = around {
        let assigner = abbreviate(machine.state(later.state).name);
        return Some(
            Finding::new(
                span,
                format!(
                    "${name} is read in {}, but no path leading to '{}' assigns it first (it is assigned in state '{assigner}')",
                    place(cx, read),
                    abbreviate(state.name)
                ),
            )
            .state(state.name)
            .related(later.member.key_span, "assigned here, on no path before the read")
            .help(format!(
                "assign ${name} in a state that runs before '{}'; a variable exists from the state after the one that assigns it",
                abbreviate(state.name)
            )),
        );
    }
    // Assigned nowhere: a typo of a variable that is assigned, or a missing Assign.
    let mut finding = match near.near(raw_name, read.var) {
        Some((suggestion, single)) => {
            let meant = vars.lookup(suggestion);
            let on_the_way =
                meant.and_then(|m| vars.possibly_assigned(read.state, m)) == Some(true);
            let help = if on_the_way {
                format!("${suggestion} is assigned on the way to '{}'", state.name)
            } else {
                let at = meant
                    .and_then(|m| vars.assignments_of(m).next())
                    .map_or("", |a| machine.state(a.state).name);
                format!(
                    "${suggestion} is assigned in state '{at}', but not on the way to '{}' either",
                    abbreviate(state.name)
                )
            };
            let mut finding = Finding::new(
                span,
                format!(
                    "${name} is read in {}, but no state assigns it; did you mean ${suggestion}?",
                    place(cx, read)
                ),
            )
            .help(help);
            // Replacing the name is safe when it is the only near one and it has a value here.
            let name_range = read.range.start + 1..read.range.end;
            if let (true, true, Some(at)) = (
                single,
                on_the_way,
                cx.exact_value_span(read.node, name_range),
            ) {
                finding = finding.fix(Fix::safe(
                    format!("replace ${name} with ${suggestion}"),
                    vec![Edit::replace(at, suggestion)],
                ));
            }
            finding
        }
        None => Finding::new(
            span,
            format!(
                "${name} is read in {}, but no state assigns it",
                place(cx, read)
            ),
        )
        .help(missing_help(raw_name, read.language)),
    };
    finding = finding.state(state.name);
    Some(finding)
}

fn missing_help(raw_name: &str, language: QueryLanguage) -> String {
    let name = abbreviate(raw_name);
    match language {
        QueryLanguage::JsonPath if raw_name == "states" => {
            "$states exists only in JSONata states; in a JSONPath state read the input with $.field and the context object with $$.field".to_string()
        }
        QueryLanguage::JsonPath => format!(
            "assign it in an earlier state, e.g. \"Assign\": {{\"{name}.$\": \"$.{name}\"}}; to read a field of the state's input, write $.{name}"
        ),
        QueryLanguage::Jsonata => format!(
            "assign it in an earlier state, e.g. \"Assign\": {{\"{name}\": \"{{% $states.input.{name} %}}\"}}; to read a field of the state's input, write $states.input.{name}"
        ),
    }
}

fn outside_child(cx: &Context, read: &Read, map: usize) -> Option<Finding> {
    let vars = cx.variables;
    let raw_name = vars.name(read.var);
    let name = abbreviate(raw_name);
    let map = cx.machine.state(map);
    let state = cx.machine.state(read.state);
    let example = match map.query_language {
        QueryLanguage::Jsonata => format!(
            "\"ItemSelector\": {{\"{name}\": \"{{% ${name} %}}\", \"item\": \"{{% $states.context.Map.Item.Value %}}\"}}, then read $states.input.{name}"
        ),
        QueryLanguage::JsonPath => format!(
            "\"ItemSelector\": {{\"{name}.$\": \"${name}\", \"item.$\": \"$$.Map.Item.Value\"}}, then read $.{name}"
        ),
    };
    Some(
        Finding::new(
            cx.value_span(read.node, read.range.clone()),
            format!(
                "${name} is read in {}, which runs in a child execution of Distributed Map '{}': child executions do not see the variables of the workflow that starts them",
                place(cx, read),
                abbreviate(map.name)
            ),
        )
        .state(state.name)
        .related(map.name_span, "the Distributed Map")
        .help(format!("pass the value to each item through the Map's ItemSelector, e.g. {example}")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::run_check;

    fn messages(text: &str) -> Vec<String> {
        run_check(check, text)
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn typos_missing_assignments_and_own_assignments() {
        let got = messages(
            r#"{"StartAt": "A", "States": {
              "A": {"Type": "Pass", "Assign": {"runId.$": "$.id"}, "Next": "B"},
              "B": {"Type": "Pass", "Parameters": {"run.$": "$runID", "tax.$": "$taxRate"}, "Assign": {"seen": 1, "again.$": "$seen"}, "Next": "C"},
              "C": {"Type": "Pass", "Parameters": {"late.$": "$later"}, "Next": "D"},
              "D": {"Type": "Pass", "Assign": {"later": 1}, "End": true}}}"#,
        );
        assert_eq!(
            got,
            [
                "$runID is read in \"run.$\" in Parameters of state 'B', but no state assigns it; did you mean $runId?",
                "$taxRate is read in \"tax.$\" in Parameters of state 'B', but no state assigns it",
                "$seen is read in \"again.$\" in Assign of state 'B' before the state's own Assign sets it: every field of a state sees the variables as they were when the state was entered",
                "$later is read in \"late.$\" in Parameters of state 'C', but no path leading to 'C' assigns it first (it is assigned in state 'D')",
            ]
        );
    }

    #[test]
    fn unreachable_states_and_assigned_reads_are_not_judged() {
        let got = messages(
            r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {
              "A": {"Type": "Pass", "Assign": {"x": 1}, "Next": "B"},
              "B": {"Type": "Pass", "Output": "{% $x %}", "End": true},
              "Lost": {"Type": "Pass", "Output": "{% $nothing %}", "End": true}}}"#,
        );
        assert!(got.is_empty(), "{got:?}");
    }
}
