//! The whole pipeline on one input, then every reporter: human on a narrow terminal (width 0,
//! taken as the narrowest) with colour and a wide one without, JSON, SARIF and GitLab (which
//! must parse back), GitHub annotations and the concise lines.
#![no_main]

use asl_lint::report::ci::{Github, Gitlab};
use asl_lint::report::concise::Concise;
use asl_lint::report::sarif::Sarif;
use asl_lint::report::{human, json, render_all};
use asl_lint_fuzz::{check_report, lint_input};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(report) = lint_input(data) else {
        return;
    };
    check_report(&report);
    let count = report.diagnostics.len();
    let reports = [report];
    for (width, color) in [(0, true), (250, false)] {
        let out = human::render(&reports, &human::Style { color, width });
        assert!(out.ends_with('\n'));
    }
    let out = json::render(&reports);
    let doc: serde_json::Value = serde_json::from_str(&out).expect("the JSON report parses");
    assert_eq!(doc["diagnostics"].as_array().map(Vec::len), Some(count));
    let out = render_all(&mut Sarif::default(), &reports);
    let doc: serde_json::Value = serde_json::from_str(&out).expect("the SARIF report parses");
    assert_eq!(
        doc["runs"][0]["results"].as_array().map(Vec::len),
        Some(count)
    );
    let out = render_all(&mut Gitlab::default(), &reports);
    let doc: serde_json::Value = serde_json::from_str(&out).expect("the GitLab report parses");
    assert_eq!(doc.as_array().map(Vec::len), Some(count));
    let out = render_all(&mut Github, &reports);
    assert_eq!(out.lines().filter(|l| l.starts_with("::")).count(), count);
    render_all(&mut Concise, &reports);
});
