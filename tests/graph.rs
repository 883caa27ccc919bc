//! `asl-lint graph`: the picture of a machine with Parallel, Map, Choice and Catch, in Mermaid
//! and DOT, checked against snapshots (`UPDATE_EXPECT=graph` rewrites them), rendered to SVG by
//! Graphviz, parsed by Mermaid's own parser, and the README's picture kept current.

#[path = "graph/check.rs"]
mod check;
mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use asl_lint::config::CommandLine;
use asl_lint::engine::Engine;
use asl_lint::report::graph::{machines, Format};
use common::{root, scratch, updating_dir};

const WORKFLOW: &str = "tests/graph/workflow.asl.json";
const SAMPLE: &str = "fixtures/sample/order-workflow.asl.json";

fn draw(rel: &str, format: Format) -> String {
    let bytes = std::fs::read(root().join(rel)).unwrap();
    let mut skipped = Vec::new();
    let engine = Engine::new(CommandLine::default(), None).unwrap();
    let found = machines(&engine, Path::new(rel), bytes, &mut skipped).unwrap();
    assert!(skipped.is_empty(), "{skipped:?}");
    assert_eq!(found.len(), 1);
    found[0].render(format)
}

fn in_ci() -> bool {
    std::env::var_os("CI").is_some()
}

/// A tool a test needs: in CI its absence fails the test, elsewhere the test says it skips.
fn require(tool: &str, available: bool, install: &str) -> bool {
    if !available {
        assert!(!in_ci(), "{tool} is missing in CI: .ci/run must {install}");
        eprintln!("SKIPPED: {tool} is not installed here ({install} to run this test)");
    }
    available
}

fn snapshot(path: &str, actual: &str) {
    let path = root().join(path);
    if updating_dir("graph") {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        expected == actual,
        "{} differs (UPDATE_EXPECT=graph cargo test --test graph rewrites it):\n{}",
        path.display(),
        asl_lint::fix::unified_diff("snapshot", &expected, actual)
    );
}

#[test]
fn parallel_map_choice_and_catch_in_both_formats() {
    let mermaid = draw(WORKFLOW, Format::Mermaid);
    let dot = draw(WORKFLOW, Format::Dot);
    snapshot("tests/graph/workflow.mmd", &mermaid);
    snapshot("tests/graph/workflow.dot", &dot);
    // What the picture must say, whatever the layout.
    for needle in [
        "subgraph g1 [\"Fan out · branch 1\"]",
        "subgraph g3 [\"Each item · item processor (inline)\"]",
        "-.->|\"Catch: States.Timeout, States.TaskFailed\"|",
        "|\"$.total #gt; 100\"|",
        "|\"Default\"|",
        "==>|\"branch 2\"|",
        "Check #quot;order#quot; [v2]",
        "Price #35;1 #amp; #lt;tax#gt;",
        "class s4 warning",
    ] {
        assert!(mermaid.contains(needle), "{needle} missing from\n{mermaid}");
    }
    for needle in [
        "subgraph cluster_g2 {",
        "label=\"Check \\\"order\\\" [v2]\\nChoice\"",
        "[label=\"Catch: States.Timeout, States.TaskFailed\", style=dashed]",
        "shape=octagon",
    ] {
        assert!(dot.contains(needle), "{needle} missing from\n{dot}");
    }
}

#[test]
fn findings_colour_states_and_missing_targets_are_drawn() {
    let mermaid = draw(SAMPLE, Format::Mermaid);
    snapshot("tests/graph/order-workflow.mmd", &mermaid);
    // "Ship order" names "Done", which does not exist: a red missing node.
    assert!(
        mermaid.contains("[/\"Done<br/>no such state\"/]"),
        "{mermaid}"
    );
    assert!(mermaid.contains("heartbeat-not-less-than-timeout, retry-catch-all-not-last"));
    assert!(mermaid.contains("class s2,s3,s7 error") || mermaid.contains(" error\n"));
}

/// State names that are markup in one language or the other: Mermaid comments and directives
/// (`%%`), its shape brackets, keywords and arrows; DOT's quotes, escapes and braces; HTML;
/// line breaks; and one name far over any label limit.
fn hostile_machine() -> String {
    let names = [
        "x %%{init: {'theme':'dark'}}%% y",
        "A%%{x",
        "%% comment",
        "end",
        "subgraph",
        "a --> b",
        "a |label| b",
        "[/\"quoted\"/]",
        "{{hex}}",
        "(round)",
        "click s0 call alert()",
        "classDef x fill:#f00",
        "style s0 fill:#f00",
        "a;b",
        "back\\slash \\N \\l",
        "}",
        "\"",
        "line\nbreak\ttab",
        "<b>html</b> &amp; <br/>",
        "`code` #35; &#x41;",
        "Unicode → ✓ \u{1F600}",
    ];
    let long = "n".repeat(20_000);
    let mut all: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    all.push(long);
    let mut states = serde_json::Map::new();
    for (i, name) in all.iter().enumerate() {
        let state = match all.get(i + 1) {
            // Every other state is a Choice whose condition quotes the next name.
            Some(next) if i % 2 == 1 => serde_json::json!({
                "Type": "Choice",
                "Choices": [{"Variable": "$.x", "StringEquals": name, "Next": next}],
                "Default": next
            }),
            Some(next) => serde_json::json!({"Type": "Pass", "Next": next, "Comment": name}),
            None => serde_json::json!({"Type": "Succeed"}),
        };
        states.insert(name.clone(), state);
    }
    serde_json::json!({"StartAt": all[0], "States": states}).to_string()
}

/// The hostile machine as a file, for `draw`: written once, since tests run at the same time
/// and `scratch` empties its directory.
fn hostile_file() -> String {
    static PATH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    PATH.get_or_init(|| {
        let path = scratch("graph-hostile-machine").join("hostile.asl.json");
        std::fs::write(&path, hostile_machine()).unwrap();
        path.to_string_lossy().into_owned()
    })
    .clone()
}

#[test]
fn mermaid_and_dot_are_well_formed_whatever_the_names() {
    let hostile = hostile_file();
    for rel in [WORKFLOW, SAMPLE, hostile.as_str()] {
        let text = draw(rel, Format::Mermaid);
        if let Err(e) = check::check_mermaid(&text) {
            panic!("{rel}: {e}\n{text}");
        }
        let text = draw(rel, Format::Dot);
        if let Err(e) = check::check_dot(&text) {
            panic!("{rel}: {e}\n{text}");
        }
    }
    assert!(check::check_mermaid("flowchart TD\n  a --> b\n").is_err());
    assert!(check::check_mermaid("flowchart TD\n  subgraph g [\"x\"]\n").is_err());
    assert!(check::check_mermaid("flowchart TD\n  s0[\"a %%{init}%%\"]\n").is_err());
    assert!(check::check_dot("digraph {\n  a [label=\"x\\\"];\n}\n").is_err());
}

/// The two checked-in pictures and the hostile one, written out for the real parsers.
fn write_outputs(format: Format, extension: &str) -> Vec<PathBuf> {
    let dir = scratch(&format!("graph-{extension}"));
    let hostile = hostile_file();
    [WORKFLOW, SAMPLE, hostile.as_str()]
        .iter()
        .map(|rel| {
            let name = Path::new(rel).file_name().unwrap().to_string_lossy();
            let path = dir.join(format!("{name}.{extension}"));
            std::fs::write(&path, draw(rel, format)).unwrap();
            path
        })
        .collect()
}

#[test]
fn graphviz_renders_the_dot_to_svg() {
    let available = Command::new("dot").arg("-V").output().is_ok();
    if !require("Graphviz (dot)", available, "apt-get install graphviz") {
        return;
    }
    for path in write_outputs(Format::Dot, "dot") {
        let out = Command::new("dot")
            .arg("-Tsvg")
            .arg(&path)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{}: {stderr}", path.display());
        // Graphviz reports bad syntax as a warning and still exits 0 on some input.
        assert!(stderr.trim().is_empty(), "{}: {stderr}", path.display());
        let svg = String::from_utf8_lossy(&out.stdout);
        assert!(svg.contains("<svg"), "{}", path.display());
    }
    let svg = Command::new("dot")
        .arg("-Tsvg")
        .arg(&write_outputs(Format::Dot, "dot")[0])
        .output()
        .unwrap()
        .stdout;
    let svg = String::from_utf8_lossy(&svg);
    for text in [
        "Check &quot;order&quot; [v2]",
        "Price #1 &amp; &lt;tax&gt;",
        "Wait → retry",
    ] {
        assert!(svg.contains(text), "{text} not drawn");
    }
}

#[test]
fn mermaid_parses_with_mermaids_own_parser() {
    let checker = root().join("tests/mermaid");
    let node = Command::new("node").arg("--version").output().is_ok();
    let installed = checker.join("node_modules/mermaid").is_dir();
    if !require(
        "Mermaid's parser (node and tests/mermaid/node_modules)",
        node && installed,
        "run npm ci --prefix tests/mermaid",
    ) {
        return;
    }
    let files = write_outputs(Format::Mermaid, "mmd");
    let out = Command::new("node")
        .arg(checker.join("check.mjs"))
        .args(&files)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn readme_shows_the_samples_picture() {
    let path = root().join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let (open, close) = (
        "<!-- graph:start -->\n```mermaid\n",
        "```\n<!-- graph:end -->",
    );
    let picture = draw(SAMPLE, Format::Mermaid);
    let (Some(start), Some(end)) = (readme.find(open), readme.find(close)) else {
        panic!("README.md needs the sample's picture between {open:?} and {close:?}");
    };
    let start = start + open.len();
    if updating_dir("graph") {
        let updated = format!("{}{}{}", &readme[..start], picture, &readme[end..]);
        std::fs::write(&path, updated).unwrap();
        return;
    }
    assert_eq!(
        &readme[start..end],
        picture,
        "the README's picture is stale: UPDATE_EXPECT=graph cargo test --test graph"
    );
}

#[test]
fn templates_list_their_machines() {
    let dir = scratch("graph-template");
    let template = common::write(
        &dir,
        "template.yaml",
        "Resources:\n  First:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      Definition:\n        StartAt: A\n        States:\n          A: {Type: Succeed}\n  Second:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: flow.asl.json\n",
    );
    common::write(
        &dir,
        "flow.asl.json",
        r#"{"StartAt": "B", "States": {"B": {"Type": "Pass", "Next": "C"}, "C": {"Type": "Succeed"}}}"#,
    );
    let mut skipped = Vec::new();
    let engine = Engine::new(CommandLine::default(), None).unwrap();
    let found = machines(
        &engine,
        &template,
        std::fs::read(&template).unwrap(),
        &mut skipped,
    )
    .unwrap();
    let names: Vec<Option<&str>> = found.iter().map(|m| m.machine.as_deref()).collect();
    assert_eq!(names, [Some("First"), Some("Second")]);
    assert!(found[1]
        .render(Format::Mermaid)
        .contains("s0 -->|\"Next\"| s1"));
    assert!(skipped.is_empty(), "{skipped:?}");
}

fn graph_cli(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .current_dir(dir)
        .arg("graph")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn the_graph_command_picks_a_machine_and_a_format() {
    let o = graph_cli(&root(), &[SAMPLE]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        draw(SAMPLE, Format::Mermaid)
    );
    let o = graph_cli(&root(), &["--format", "dot", WORKFLOW]);
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        draw(WORKFLOW, Format::Dot)
    );

    let dir = scratch("graph-cli");
    common::write(
        &dir,
        "template.yaml",
        "Resources:\n  First:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      Definition:\n        StartAt: A\n        States:\n          A: {Type: Succeed}\n  Second:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      Definition:\n        StartAt: B\n        States:\n          B: {Type: Fail}\n",
    );
    let o = graph_cli(&dir, &["template.yaml"]);
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("declares 2 state machines (First, Second); choose one with --machine"),
        "{stderr}"
    );
    let o = graph_cli(&dir, &["template.yaml", "--machine", "Second"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).contains("s0([\"B<br/>Fail\"])"));
    let o = graph_cli(&dir, &["template.yaml", "--machine", "Secnd"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("did you mean 'Second'?"));
    let o = graph_cli(&dir, &["missing.json"]);
    assert_eq!(o.status.code(), Some(2));
}
