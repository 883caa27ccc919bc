//! The rule documents cannot lie: every Bad example makes its rule fire, every Good example
//! is clean, and each document states the severity and category the rule declares.

mod common;

use asl_lint::config::WorkflowType;
use asl_lint::diagnostic::Severity;
use asl_lint::rules::{self, RULES};
use common::{describe, lint_text, root, updating};

/// ```json blocks in the section that starts with `heading`; a block fenced
/// ```json express is linted as an EXPRESS workflow.
fn json_blocks<'a>(doc: &'a str, heading: &str) -> Vec<(&'a str, WorkflowType)> {
    let Some(start) = doc.find(&format!("\n{heading}\n")) else {
        return Vec::new();
    };
    let section = &doc[start + heading.len() + 2..];
    let section = &section[..section.find("\n## ").unwrap_or(section.len())];
    let mut blocks = Vec::new();
    let mut rest = section;
    while let Some(open) = rest.find("```json") {
        let after = &rest[open + 7..];
        let Some(line_end) = after.find('\n') else {
            break;
        };
        let workflow_type = match after[..line_end].trim() {
            "express" => WorkflowType::Express,
            _ => WorkflowType::Standard,
        };
        let body = &after[line_end + 1..];
        let Some(close) = body.find("\n```") else {
            break;
        };
        blocks.push((&body[..close + 1], workflow_type));
        rest = &body[close + 4..];
    }
    blocks
}

#[test]
fn every_rule_document_has_the_sections_and_header() {
    for rule in RULES {
        let doc = rule.doc;
        for heading in ["## What", "## Why", "## Bad", "## Good"] {
            assert!(
                doc.contains(&format!("\n{heading}\n")),
                "rules/{}.md lacks {heading}",
                rule.id
            );
        }
        let header = format!(
            "**Default severity:** {} · **Category:** {}",
            rule.severity.as_str(),
            rule.category.as_str()
        );
        assert!(
            doc.contains(&header),
            "rules/{}.md must contain `{header}`",
            rule.id
        );
    }
}

#[test]
fn bad_examples_fire_and_good_examples_are_clean() {
    let mut failures = Vec::new();
    for rule in RULES {
        let bad = json_blocks(rule.doc, "## Bad");
        let good = json_blocks(rule.doc, "## Good");
        if bad.is_empty() || good.is_empty() {
            failures.push(format!(
                "rules/{}.md needs a ```json block under Bad and under Good",
                rule.id
            ));
            continue;
        }
        let name = format!("rules/{}.md", rule.id);
        if !lint_text(&name, bad[0].0, bad[0].1)
            .iter()
            .any(|d| d.rule == rule.id)
        {
            failures.push(format!(
                "{name}: the Bad example does not trigger {}",
                rule.id
            ));
        }
        for (block, workflow_type) in good {
            let noisy: Vec<String> = lint_text(&name, block, workflow_type)
                .iter()
                .filter(|d| d.severity >= Severity::Warning || d.rule == rule.id)
                .map(describe)
                .collect();
            if !noisy.is_empty() {
                failures.push(format!(
                    "{name}: the Good example is not clean:\n  {}",
                    noisy.join("\n  ")
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_fix_is_documented_as_the_rule_declares() {
    for rule in RULES {
        let documented = rule.doc.lines().find(|l| l.starts_with("**Fix:** "));
        match (rule.fix, documented) {
            (Some(fix), Some(line)) => {
                let expected =
                    format!("**Fix:** {} ({}).", fix.summary, fix.applicability.as_str());
                assert!(
                    line.starts_with(&expected),
                    "rules/{}.md: the Fix line must start with `{expected}`",
                    rule.id
                );
            }
            (Some(_), None) => panic!("rules/{}.md needs a **Fix:** line", rule.id),
            (None, Some(_)) => panic!(
                "rules/{}.md has a **Fix:** line, but the rule has no fix",
                rule.id
            ),
            (None, None) => {}
        }
    }
}

#[test]
fn readme_rule_table_is_current() {
    let path = root().join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let (start_marker, end_marker) = ("<!-- rules:start -->\n", "<!-- rules:end -->");
    let start = readme
        .find(start_marker)
        .expect("README has a rules:start marker")
        + start_marker.len();
    let end = readme
        .find(end_marker)
        .expect("README has a rules:end marker");
    let table = rules::markdown_table();
    if updating() {
        let updated = format!("{}{}{}", &readme[..start], table, &readme[end..]);
        std::fs::write(&path, updated).unwrap();
        return;
    }
    assert_eq!(
        &readme[start..end],
        table,
        "README rule table is stale: run UPDATE_EXPECT=1 cargo test --test rule_docs"
    );
}
