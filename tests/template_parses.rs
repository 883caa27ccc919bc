//! A template that does not name a definition is never parsed to find that definition's
//! context, with the scan cache or without it; a run parses each file once (issue 19). The
//! tests hold one lock, so the process-wide parse counters see no other test.

mod common;

use asl_lint::config::CommandLine;
use asl_lint::document::documents_parsed;
use asl_lint::engine::index::templates_parsed;
use asl_lint::engine::Engine;
use common::{scratch, write};

/// Held by each test: the parse counters are per process.
static COUNTERS: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn only_templates_that_name_the_definition_are_parsed() {
    let _counters = COUNTERS.lock().unwrap_or_else(|p| p.into_inner());
    let dir = scratch("template-parses");
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    // Deploys the named definition.
    write(
        &dir,
        "template.yaml",
        "Resources:\n  Flow:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: sm/flow.asl.json\n",
    );
    // Templates that declare machines but never name it.
    for i in 0..5 {
        write(
            &dir,
            &format!("other{i}/template.yaml"),
            format!("Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionS3Location: sm/elsewhere{i}.asl.json\n"),
        );
    }
    write(
        &dir,
        "sm/flow.asl.json",
        r#"{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}"#,
    );
    let named = vec![dir.join("sm/flow.asl.json")];
    std::env::set_var("ASL_LINT_CACHE_DIR", scratch("template-parses-cache"));
    for cache in [false, true, true] {
        let engine = Engine::new(CommandLine::default(), None)
            .unwrap()
            .with_cache(cache);
        let before = templates_parsed();
        let mut machines = 0;
        engine
            .run(&named, None, &mut |report| machines += report.machines)
            .unwrap();
        assert_eq!(machines, 1);
        assert_eq!(
            templates_parsed() - before,
            1,
            "cache {cache}: only template.yaml names flow.asl.json"
        );
    }
}

/// A project linted whole: each template is read and parsed once, though it is both indexed
/// and linted, and a definition two templates deploy is parsed once and linted in each
/// context. The findings are those of each file named alone.
#[test]
fn a_whole_run_parses_each_file_once() {
    let _counters = COUNTERS.lock().unwrap_or_else(|p| p.into_inner());
    let dir = scratch("parse-once");
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    let deploys = |id: &str, kind: &str| {
        format!("Resources:\n  {id}:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Type: {kind}\n      DefinitionUri: sm/flow.asl.json\n")
    };
    write(&dir, "standard.yaml", deploys("Standard", "STANDARD"));
    write(&dir, "express.yaml", deploys("Express", "EXPRESS"));
    write(
        &dir,
        "inline.yaml",
        "Resources:\n  Inline:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      Definition:\n        StartAt: W\n        States:\n          W: {Type: Wait, Seconds: 5, End: true}\n",
    );
    // A callback Task: an error in the EXPRESS context only.
    write(
        &dir,
        "sm/flow.asl.json",
        r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "Parameters": {"QueueUrl": "q", "MessageBody": {"Token.$": "$$.Task.Token"}}, "End": true}}}"#,
    );
    write(&dir, "package.json", r#"{"name": "app"}"#);
    let lint = |paths: Vec<std::path::PathBuf>| {
        let engine = Engine::new(CommandLine::default(), None)
            .unwrap()
            .with_cache(false);
        let mut found = Vec::new();
        let mut machines = 0;
        engine
            .run(&paths, None, &mut |report| {
                machines += report.machines;
                for d in &report.diagnostics {
                    found.push(format!("{} {} {}", report.source.name, d.rule, d.message));
                }
            })
            .unwrap();
        found.sort();
        (found, machines)
    };
    let before = documents_parsed();
    let (whole, machines) = lint(vec![dir.clone()]);
    assert_eq!(
        documents_parsed() - before,
        4,
        "three templates and one definition, each parsed once"
    );
    assert_eq!(
        machines, 3,
        "the inline machine and the definition in two contexts"
    );
    assert!(
        whole
            .iter()
            .any(|f| f.contains("flow.asl.json") && f.contains("Express")),
        "the EXPRESS context is linted: {whole:#?}"
    );
    let mut alone = Vec::new();
    for file in [
        "standard.yaml",
        "express.yaml",
        "inline.yaml",
        "sm/flow.asl.json",
    ] {
        alone.extend(lint(vec![dir.join(file)]).0);
    }
    alone.sort();
    alone.dedup();
    assert_eq!(whole, alone, "the same findings as each file named alone");
}
