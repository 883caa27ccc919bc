use super::{rule_doc, Category, Context, Rule};
use crate::diagnostic::{Finding, Severity};
use crate::quote::abbreviate;
use crate::variables::{Status, Step, UnassignedPaths};

pub static RULE: Rule = Rule {
    id: "variable-maybe-unassigned",
    severity: Severity::Warning,
    category: Category::Correctness,
    summary: "A state reads a variable that some paths to it assign and others do not",
    doc: rule_doc!("variable-maybe-unassigned"),
    check: Some(check),
    fix: None,
};

/// Longest path shown whole; longer ones keep their first and last states.
const SHOWN: usize = 10;

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let vars = cx.variables;
    let machine = cx.machine;
    let mut paths = UnassignedPaths::new(vars, machine, cx.graph);
    for read in vars
        .reads
        .iter()
        .filter(|r| r.status == Status::Maybe && !r.guarded)
    {
        let raw_name = vars.name(read.var);
        let name = abbreviate(raw_name);
        let state = machine.state(read.state);
        let path = paths.path(read.var, read.state);
        let missing = if path.is_empty() {
            "some path leading to it does not assign it".to_string()
        } else {
            format!("the path {} does not assign it", show(cx, &path))
        };
        let mut finding = Finding::new(
            cx.value_span(read.node, read.range.clone()),
            format!(
                "${name} may be unassigned when state '{}' reads it in {}: {missing}",
                abbreviate(state.name),
                read.field(cx.jsonata)
            ),
        )
        .state(state.name)
        .help(format!(
            "assign ${name} on every path into '{}', e.g. give it a first value in a state before the paths split",
            abbreviate(state.name)
        ));
        if let Some(a) = vars.assignment_around(machine, read.var, state.scope) {
            finding = finding.related(
                a.member.key_span,
                format!(
                    "assigned here, in {} of state '{}', on other paths",
                    a.placement.field(),
                    abbreviate(machine.state(a.state).name)
                ),
            );
        }
        out.push(finding);
    }
}

/// `A (Default) → B → C`, with the middle of a long path left out.
fn show(cx: &Context, path: &[Step]) -> String {
    let step = |s: &Step| {
        let name = cx.machine.state(s.state).name;
        match s.via.and_then(|v| v.label()) {
            Some(label) => format!("{name} ({label})"),
            None => name.to_string(),
        }
    };
    if path.len() <= SHOWN {
        return path.iter().map(step).collect::<Vec<_>>().join(" → ");
    }
    let head: Vec<String> = path[..3].iter().map(step).collect();
    let tail: Vec<String> = path[path.len() - (SHOWN - 4)..].iter().map(step).collect();
    format!("{} → … → {}", head.join(" → "), tail.join(" → "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::run_check;

    #[test]
    fn names_a_path_that_misses_the_assignment() {
        let got: Vec<String> = run_check(
            check,
            r#"{"QueryLanguage": "JSONata", "StartAt": "Check", "States": {
              "Check": {"Type": "Choice", "Choices": [{"Condition": "{% $states.input.big %}", "Next": "Big"}], "Default": "Fetch"},
              "Big": {"Type": "Pass", "Assign": {"limit": 100}, "Next": "Fetch"},
              "Fetch": {"Type": "Task", "Resource": "r", "Arguments": {"limit": "{% $limit %}"}, "End": true}}}"#
        )
        .into_iter()
        .map(|f| f.message)
        .collect();
        assert_eq!(
            got,
            ["$limit may be unassigned when state 'Fetch' reads it in Arguments.limit: the path Check (Default) → Fetch does not assign it"]
        );
    }

    #[test]
    fn long_paths_are_shortened() {
        let mut states = String::new();
        for i in 0..20 {
            states.push_str(&format!(
                r#""S{i}": {{"Type": "Pass", "Next": "S{}"}},"#,
                i + 1
            ));
        }
        let text = format!(
            r#"{{"QueryLanguage": "JSONata", "StartAt": "C", "States": {{
              "C": {{"Type": "Choice", "Choices": [{{"Condition": "{{% true %}}", "Next": "A"}}], "Default": "S0"}},
              "A": {{"Type": "Pass", "Assign": {{"v": 1}}, "Next": "S20"}},
              {states}
              "S20": {{"Type": "Pass", "Output": "{{% $v %}}", "End": true}}}}}}"#
        );
        let got = run_check(check, &text);
        assert_eq!(got.len(), 1);
        assert!(
            got[0]
                .message
                .ends_with("the path C (Default) → S0 → S1 → … → S15 → S16 → S17 → S18 → S19 → S20 does not assign it"),
            "{}",
            got[0].message
        );
    }
}
