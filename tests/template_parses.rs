//! A template that does not name a definition is never parsed to find that definition's
//! context (issue 19), with the scan cache or without it. One test in its own binary, so the
//! process-wide parse counter sees no other test.

mod common;

use asl_lint::config::CommandLine;
use asl_lint::engine::index::templates_parsed;
use asl_lint::engine::Engine;
use common::{scratch, write};

#[test]
fn only_templates_that_name_the_definition_are_parsed() {
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
