//! Terraform: a `.tf` (or, starting with `{`, `.tf.json`) file read as a template, and the same
//! bytes read as a definition file that `templatefile()` renders with two variables. Findings
//! must point into the file they are reported for.
#![no_main]

use asl_lint::config::LintOptions;
use asl_lint::lint::{lint_bytes, lint_referenced, MachineContext, Selection};
use asl_lint::template::terraform::{FileUse, Val};
use asl_lint::template::{Deployment, Tool};
use asl_lint_fuzz::check_report;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let json = data.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    let name = if json { "fuzz.tf.json" } else { "fuzz.tf" };
    let options = LintOptions::default();
    if let Some(report) = lint_bytes(name, data.to_vec(), Selection::Always, &options) {
        check_report(&report);
    }
    let vars = vec![
        ("arn".to_string(), Val::Str("arn:aws:lambda:us-east-1:1:function:f".into())),
        ("n".to_string(), Val::Num("3".into())),
    ];
    let context = MachineContext {
        machine: Some("aws_sfn_state_machine.fuzz".into()),
        deployment: Some(Deployment {
            tool: Tool::Terraform,
            terraform: Some(FileUse::Template(Some(vars))),
            ..Deployment::default()
        }),
        ..MachineContext::default()
    };
    let report = lint_referenced("fuzz.asl.json", data.to_vec(), &[&context], &options);
    check_report(&report);
});
