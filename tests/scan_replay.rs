//! The scan cache's recorded walk (issue 19): while no directory the walk entered and no
//! ignore or configuration file changed, a named definition's templates are found by checking
//! the stamps of the files that walk found; any such change sends the run walking again, and
//! the findings are always those of a run without the cache. Alone in its test binary: the
//! replay counter is per process.

mod common;

use std::path::Path;
use std::time::Duration;

use asl_lint::config::CommandLine;
use asl_lint::engine::{walks_replayed, Engine};
use common::{scratch, write};

/// A change younger than this is not trusted by the cache (see `RACY_NANOS`).
const RACY: Duration = Duration::from_millis(2100);

const CALLBACK: &str = r#"{"StartAt": "Ask", "States": {"Ask": {"Type": "Task",
  "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
  "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
  "TimeoutSeconds": 60, "End": true}}}"#;

fn template(workflow_type: &str, uri: &str) -> String {
    format!(
        "Resources:\n  Approve:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Type: {workflow_type}\n      DefinitionUri: {uri}\n"
    )
}

/// (express findings with the cache, whether the cache's walk was used); the same run without
/// the cache must agree.
fn run(named: &Path) -> (usize, bool) {
    let express = |cache: bool| {
        let engine = Engine::new(CommandLine::default(), None)
            .unwrap()
            .with_cache(cache);
        let mut count = 0;
        engine
            .run(&[named.to_path_buf()], None, &mut |report| {
                count += report
                    .diagnostics
                    .iter()
                    .filter(|d| d.rule == "express-unsupported-integration")
                    .count();
            })
            .unwrap();
        count
    };
    let before = walks_replayed();
    let cached = express(true);
    let replayed = walks_replayed() > before;
    assert_eq!(cached, express(false), "the cache changed the findings");
    (cached, replayed)
}

#[test]
fn the_recorded_walk_is_used_only_while_the_project_is_unchanged() {
    let dir = scratch("scan-replay/project");
    std::env::set_var("ASL_LINT_CACHE_DIR", scratch("scan-replay/cache"));
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    write(&dir, "sm/approve.asl.json", CALLBACK);
    write(
        &dir,
        "template.yaml",
        template("EXPRESS", "sm/approve.asl.json"),
    );
    write(
        &dir,
        "other/stack.yaml",
        template("STANDARD", "../sm/other.asl.json"),
    );
    write(
        &dir,
        "ignored/stack.yaml",
        template("EXPRESS", "../sm/approve.asl.json"),
    );
    write(&dir, ".gitignore", "ignored/\n");
    let named = dir.join("sm/approve.asl.json");

    // Just written: nothing is trusted yet, so the walk is not kept.
    assert_eq!(run(&named), (1, false));
    std::thread::sleep(RACY);
    assert_eq!(run(&named), (1, false), "the walk is recorded");
    assert_eq!(run(&named), (1, true), "and used while nothing changed");

    // A template edited in place: its directory is unchanged, its own stamp is not.
    write(
        &dir,
        "template.yaml",
        template("STANDARD", "sm/approve.asl.json"),
    );
    assert_eq!(run(&named), (0, true));

    // A new template: its directory changed, so the run walks.
    write(
        &dir,
        "other/express.yaml",
        template("EXPRESS", "../sm/approve.asl.json"),
    );
    assert_eq!(run(&named), (1, false));
    std::fs::remove_file(dir.join("other/express.yaml")).unwrap();
    std::thread::sleep(RACY);
    assert_eq!(run(&named), (0, false), "the walk is recorded again");
    assert_eq!(run(&named), (0, true));

    // The ignore file changes what the walk skips: the run walks, and sees ignored/.
    write(&dir, ".gitignore", "# nothing ignored\n");
    assert_eq!(run(&named), (1, false));
}
