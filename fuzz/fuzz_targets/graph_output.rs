//! The Mermaid and DOT writers on hostile names: every picture must stay well formed (quotes
//! closed, no `%%` a name could smuggle in, braces balanced, ids declared) and every label within
//! what Graphviz and Mermaid accept. An input starting with byte 1 is a list of names (split at
//! NUL) built into a machine of Pass, Choice, Parallel, Map and Catch; any other input is read
//! as a definition. tests/graph.rs runs the same checks plus Mermaid's own parser and Graphviz.
#![no_main]

#[path = "../../tests/graph/check.rs"]
mod check;

use asl_lint::graph::StateGraph;
use asl_lint::model::Machine;
use asl_lint::report::graph::{render, Format};
use asl_lint_fuzz::lint_input;
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Map, Value};

fuzz_target!(|data: &[u8]| {
    let text = match data.split_first() {
        Some((1, rest)) => machine_of_names(rest),
        _ => match std::str::from_utf8(data) {
            Ok(text) => text.to_string(),
            Err(_) => return,
        },
    };
    let Some(report) = lint_input(text.as_bytes()) else {
        return;
    };
    let Ok(document) = asl_lint::document::parse(&report.source.name, &text) else {
        return;
    };
    if !Machine::looks_like_definition(&document.root) {
        return;
    }
    let machine = Machine::build(&document.root);
    let graph = StateGraph::build(&machine);
    let mermaid = render(&machine, &graph, &report.diagnostics, Format::Mermaid);
    if let Err(e) = check::check_mermaid(&mermaid) {
        panic!("{e}\n{mermaid}");
    }
    let dot = render(&machine, &graph, &report.diagnostics, Format::Dot);
    if let Err(e) = check::check_dot(&dot) {
        panic!("{e}\n{dot}");
    }
});

/// A machine whose state names, branch contents and error names are the input's pieces.
fn machine_of_names(bytes: &[u8]) -> String {
    let mut names: Vec<String> = bytes
        .split(|b| *b == 0)
        .take(64)
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .collect();
    names.sort();
    names.dedup();
    if names.is_empty() {
        return String::new();
    }
    let mut states = Map::new();
    for (i, name) in names.iter().enumerate() {
        let next = names.get(i + 1);
        let state = match (i % 4, next) {
            (_, None) => json!({"Type": "Succeed"}),
            (1, Some(next)) => json!({
                "Type": "Choice",
                "Choices": [{"Variable": "$.x", "StringEquals": name, "Next": next},
                            {"Condition": format!("{{% $x = '{name}' %}}"), "Next": next}],
                "Default": "missing ".to_string() + name
            }),
            (2, Some(next)) => json!({
                "Type": "Parallel",
                "Branches": [{"StartAt": name, "States": {name: {"Type": "Pass", "End": true}}}],
                "Catch": [{"ErrorEquals": [name, "States.ALL"], "Next": next}],
                "Next": next
            }),
            (3, Some(next)) => json!({
                "Type": "Map",
                "ItemProcessor": {"StartAt": name, "States": {name: {"Type": "Fail", "Error": name}}},
                "Next": next
            }),
            (_, Some(next)) => json!({"Type": "Pass", "Next": next, "Comment": name}),
        };
        states.insert(name.clone(), state);
    }
    Value::from(json!({"StartAt": names[0], "States": states})).to_string()
}
