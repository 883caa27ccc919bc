use super::*;
use crate::document::json;

struct Outcome {
    reads: Vec<String>,
    assignments: Vec<String>,
}

fn analyse(text: &str) -> Outcome {
    let doc = json::parse(text).unwrap();
    let machine = Machine::build(&doc.root);
    let graph = StateGraph::build(&machine);
    let jsonata = JsonataSites::build(&machine);
    let v = Variables::build(&machine, &graph, &jsonata);
    let reads = v
        .reads
        .iter()
        .map(|r| {
            let text = r.node.as_str().unwrap();
            format!(
                "{} {} {} {:?}",
                machine.state(r.state).name,
                r.field(&jsonata),
                &text[r.range.clone()],
                r.status
            )
        })
        .collect();
    let assignments = v
        .assignments
        .iter()
        .map(|a| {
            format!(
                "{} {} {} {:?}",
                machine.state(a.state).name,
                a.placement.field(),
                v.name(a.var),
                a.seen
            )
        })
        .collect();
    Outcome { reads, assignments }
}

#[test]
fn jsonpath_reads_in_paths_templates_and_intrinsics() {
    let o = analyse(
        r#"{"StartAt": "A", "States": {
          "A": {"Type": "Pass", "Assign": {"order.$": "$.order", "n": 1}, "Next": "B"},
          "B": {"Type": "Task", "Resource": "r", "InputPath": "$order",
                "Parameters": {"id.$": "$order.id", "x.$": "$.x", "c.$": "$$.Execution.Id",
                               "f.$": "States.Format('{} {}', $n, States.JsonToString($order[0]))"},
                "ResultPath": "$n", "Next": "C"},
          "C": {"Type": "Choice", "Choices": [{"Variable": "$n", "NumericEqualsPath": "$limit", "Next": "D"}], "Default": "D"},
          "D": {"Type": "Succeed"}}}"#,
    );
    assert_eq!(
        o.reads,
        [
            "B InputPath $order Assigned",
            "B \"id.$\" in Parameters $order Assigned",
            "B \"f.$\" in Parameters $n Assigned",
            "B \"f.$\" in Parameters $order Assigned",
            "C Choices[0].Variable $n Assigned",
            "C Choices[0].NumericEqualsPath $limit Unassigned",
        ]
    );
    assert_eq!(o.assignments, ["A Assign order Read", "A Assign n Read"]);
}

#[test]
fn a_state_reads_values_from_its_entry() {
    let o = analyse(
        r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {
          "A": {"Type": "Pass", "Assign": {"x": 1, "y": "{% $x %}"}, "Output": "{% $x %}", "Next": "B"},
          "B": {"Type": "Pass", "Assign": {"x": "{% $y %}", "y": "{% $x %}"}, "End": true}}}"#,
    );
    assert_eq!(
        o.reads,
        [
            "A Assign.y $x Unassigned",
            "A Output $x Unassigned",
            "B Assign.x $y Assigned",
            "B Assign.y $x Assigned",
        ]
    );
    assert_eq!(
        o.assignments,
        [
            "A Assign x Read",
            "A Assign y Read",
            "B Assign x Ends",
            "B Assign y Ends"
        ]
    );
}

#[test]
fn choice_rule_and_catcher_assign_replace_the_states_own() {
    let o = analyse(
        r#"{"QueryLanguage": "JSONata", "StartAt": "C", "States": {
          "C": {"Type": "Choice", "Assign": {"limit": 10},
                "Choices": [{"Condition": "{% $states.input.big %}", "Assign": {"limit": 100}, "Next": "Use"},
                            {"Condition": "{% $states.input.none %}", "Next": "Use"}],
                "Default": "Use"},
          "Use": {"Type": "Task", "Resource": "r", "Arguments": {"n": "{% $limit %}"}, "Next": "T",
                  "Assign": {"ok": true}, "Catch": [{"ErrorEquals": ["States.ALL"], "Assign": {"err": "{% $states.errorOutput %}"}, "Next": "H"}]},
          "H": {"Type": "Pass", "Output": "{% [$err, $ok] %}", "End": true},
          "T": {"Type": "Pass", "Output": "{% [$ok, $err] %}", "End": true}}}"#,
    );
    assert_eq!(
        o.reads,
        [
            "Use Arguments.n $limit Maybe",
            "H Output $err Assigned",
            "H Output $ok Unassigned",
            "T Output $ok Assigned",
            "T Output $err Unassigned",
        ]
    );
    let paths = {
        let doc = json::parse(
            r#"{"QueryLanguage": "JSONata", "StartAt": "C", "States": {
              "C": {"Type": "Choice", "Assign": {"limit": 10},
                    "Choices": [{"Condition": "{% true %}", "Assign": {"limit": 100}, "Next": "Use"},
                                {"Condition": "{% false %}", "Next": "Use"}], "Default": "Use"},
              "Use": {"Type": "Pass", "Output": "{% $limit %}", "End": true}}}"#,
        )
        .unwrap();
        let machine = Machine::build(&doc.root);
        let graph = StateGraph::build(&machine);
        let jsonata = JsonataSites::build(&machine);
        let v = Variables::build(&machine, &graph, &jsonata);
        let mut paths = UnassignedPaths::new(&v, &machine, &graph);
        let path: Vec<String> = paths
            .path(v.lookup("limit").unwrap(), 1)
            .into_iter()
            .map(|s| format!("{} {:?}", machine.state(s.state).name, s.via))
            .collect();
        path.join(", ")
    };
    assert_eq!(paths, "C Some(Choice(1)), Use None");
}

#[test]
fn loops_reach_a_fixed_point() {
    let o = analyse(
        r#"{"QueryLanguage": "JSONata", "StartAt": "Init", "States": {
          "Init": {"Type": "Pass", "Assign": {"i": 0}, "Next": "Check"},
          "Check": {"Type": "Choice", "Choices": [{"Condition": "{% $i < 3 %}", "Next": "Step"}], "Default": "Done"},
          "Step": {"Type": "Pass", "Assign": {"i": "{% $i + 1 %}", "last": "{% $i %}"}, "Next": "Check"},
          "Done": {"Type": "Pass", "Output": "{% $last %}", "End": true}}}"#,
    );
    assert_eq!(
        o.reads,
        [
            "Check Choices[0].Condition $i Assigned",
            "Step Assign.i $i Assigned",
            "Step Assign.last $i Assigned",
            "Done Output $last Maybe",
        ]
    );
    assert_eq!(
        o.assignments,
        [
            "Init Assign i Read",
            "Step Assign i Read",
            "Step Assign last Read"
        ]
    );
}

#[test]
fn branches_see_outer_variables_and_lose_their_own() {
    let o = analyse(
        r#"{"QueryLanguage": "JSONata", "StartAt": "Init", "States": {
          "Init": {"Type": "Pass", "Assign": {"rate": 2}, "Next": "P"},
          "P": {"Type": "Parallel", "Next": "After", "Assign": {"all": "{% $states.result %}"},
                "Catch": [{"ErrorEquals": ["States.ALL"], "Assign": {"failed": true}, "Next": "After"}],
                "Branches": [{"StartAt": "B", "States": {
                  "B": {"Type": "Pass", "Assign": {"inner": "{% $rate %}"}, "Next": "B2"},
                  "B2": {"Type": "Pass", "Output": "{% $inner * $all %}", "End": true}}}]},
          "After": {"Type": "Pass", "Output": "{% [$inner, $all, $failed, $rate] %}", "End": true}}}"#,
    );
    assert_eq!(
        o.reads,
        [
            "After Output $inner Unassigned",
            "After Output $all Maybe",
            "After Output $failed Maybe",
            "After Output $rate Assigned",
            "B Assign.inner $rate Assigned",
            "B2 Output $inner Assigned",
            "B2 Output $all Unassigned",
        ]
    );
    assert_eq!(
        o.assignments,
        [
            "Init Assign rate Read",
            "P Assign all Read",
            "P Catch[0].Assign failed Read",
            "B Assign inner Read",
        ]
    );
}

#[test]
fn distributed_map_children_start_without_outer_variables() {
    let o = analyse(
        r#"{"QueryLanguage": "JSONata", "StartAt": "Init", "States": {
          "Init": {"Type": "Pass", "Assign": {"bucket": "b"}, "Next": "M"},
          "M": {"Type": "Map", "End": true, "ItemSelector": {"b": "{% $bucket %}"},
                "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                  "StartAt": "I", "States": {"I": {"Type": "Pass", "Output": "{% $bucket %}", "End": true}}}}}}"#,
    );
    assert_eq!(
        o.reads,
        [
            "M ItemSelector.b $bucket Assigned",
            "I Output $bucket OutsideChild { map: 1 }",
        ]
    );
}

#[test]
fn unused_assignments() {
    let o = analyse(
        r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {
          "A": {"Type": "Pass", "Assign": {"never": 1, "twice": 1, "used": 1}, "Next": "B"},
          "B": {"Type": "Pass", "Assign": {"twice": 2}, "Next": "C"},
          "C": {"Type": "Pass", "Output": "{% $twice + $used %}", "Assign": {"late": 1}, "End": true}}}"#,
    );
    assert_eq!(
        o.assignments,
        [
            "A Assign never NeverRead",
            "A Assign twice Overwritten",
            "A Assign used Read",
            "B Assign twice Read",
            "C Assign late Ends",
        ]
    );
}

#[test]
fn builtin_names_are_variables_only_when_assigned() {
    let o = analyse(
        r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {
          "A": {"Type": "Pass", "Assign": {"count": 1}, "Next": "B"},
          "B": {"Type": "Pass", "Output": "{% [$count + 1, $sum, ($f := function($v) { $v * $rate }; $f(2)), $states.input] %}", "End": true}}}"#,
    );
    assert_eq!(
        o.reads,
        ["B Output $count Assigned", "B Output $rate Unassigned"]
    );
}

#[test]
fn names_beyond_the_followed_ones_are_not_judged() {
    let names: Vec<String> = (0..MAX_TRACKED + 10).map(|i| format!("v{i}")).collect();
    let assign: Vec<String> = names.iter().map(|n| format!(r#""{n}": 1"#)).collect();
    let read: Vec<String> = names.iter().map(|n| format!("${n}")).collect();
    let text = format!(
        r#"{{"QueryLanguage": "JSONata", "StartAt": "A", "States": {{
          "A": {{"Type": "Pass", "Assign": {{{}}}, "Next": "B"}},
          "B": {{"Type": "Pass", "Output": "{{% [{}] %}}", "End": true}}}}}}"#,
        assign.join(", "),
        read.join(", ")
    );
    let o = analyse(&text);
    assert_eq!(o.reads.len(), MAX_TRACKED + 10);
    assert!(o.reads[MAX_TRACKED - 1].ends_with("Assigned"));
    assert!(o.reads[MAX_TRACKED].ends_with("Unknown"));
    assert!(o.assignments[MAX_TRACKED].ends_with("Unknown"));
}

#[test]
fn existence_tests_guard_their_expression() {
    let doc = json::parse(
        r#"{"StartAt": "C", "States": {
          "C": {"Type": "Choice", "Choices": [
                  {"Variable": "$limit", "IsPresent": true, "Next": "U"},
                  {"Variable": "$other", "NumericEquals": 1, "Next": "U"}], "Default": "U"},
          "U": {"Type": "Pass", "QueryLanguage": "JSONata",
                "Output": {"a": "{% $exists($limit) ? $limit : 10 %}", "b": "{% $exists($cfg.x) and $cfg.x %}", "c": "{% $limit %}"}, "End": true}}}"#,
    )
    .unwrap();
    let machine = Machine::build(&doc.root);
    let graph = StateGraph::build(&machine);
    let jsonata = JsonataSites::build(&machine);
    let v = Variables::build(&machine, &graph, &jsonata);
    let guarded: Vec<(String, bool)> = v
        .reads
        .iter()
        .map(|r| (v.name(r.var).to_string(), r.guarded))
        .collect();
    let expected = [
        ("limit", true),
        ("other", false),
        ("limit", true),
        ("limit", true),
        ("cfg", true),
        ("cfg", true),
        ("limit", false),
    ];
    assert_eq!(guarded, expected.map(|(n, g)| (n.to_string(), g)).to_vec());
}

#[test]
fn no_variables_costs_nothing() {
    let doc = json::parse(
        r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"a.$": "$.x"}, "End": true}}}"#,
    )
    .unwrap();
    let machine = Machine::build(&doc.root);
    let graph = StateGraph::build(&machine);
    let jsonata = JsonataSites::build(&machine);
    let v = Variables::build(&machine, &graph, &jsonata);
    assert!(v.reads.is_empty() && v.assignments.is_empty());
}
