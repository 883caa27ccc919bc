//! SARIF output validated against the official SARIF 2.1.0 schema (../shared/schemas), and
//! what GitHub code scanning relies on: rule metadata, relative paths, UTF-16 columns and
//! fingerprints that survive unrelated edits.

mod common;

use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn sarif(dir: &Path, args: &[&str]) -> Value {
    let o = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .current_dir(dir)
        .args(["--format", "sarif"])
        .args(args)
        .output()
        .unwrap();
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&o.stdout)))
}

fn validator() -> Option<jsonschema::Validator> {
    let dir = common::shared_data(
        "ASL_LINT_SCHEMAS",
        "../shared/schemas",
        "sarif-schema-2.1.0.json",
    )?;
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    Some(
        jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .expect("the SARIF schema compiles"),
    )
}

fn assert_valid(validator: &jsonschema::Validator, doc: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}");
}

#[test]
fn output_is_valid_sarif_2_1_0() {
    let Some(validator) = validator() else { return };
    // The validator is strict: a wrong version or a bad level is caught.
    assert!(!validator.is_valid(&serde_json::json!({"version": "2.0.0", "runs": []})));
    let mut broken = sarif(&common::root(), &["fixtures/sample"]);
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&broken));
    let root = common::root();
    // The README's command, every fixture (fixes, related locations, templates with a
    // definition pointer), and a run with nothing to report.
    let sample = sarif(&root, &["fixtures/sample"]);
    assert_valid(&validator, &sample, "fixtures/sample");
    assert!(!sample["runs"][0]["results"].as_array().unwrap().is_empty());
    let all = sarif(&root, &["fixtures"]);
    assert_valid(&validator, &all, "fixtures");
    let results = all["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r.get("fixes").is_some()));
    assert!(results.iter().any(|r| r.get("relatedLocations").is_some()));
    assert!(results
        .iter()
        .any(|r| r["properties"].get("definitionPointer").is_some()));
    let dir = common::scratch("sarif/empty");
    let empty = sarif(&dir, &["."]);
    assert_valid(&validator, &empty, "empty run");
    assert_eq!(empty["runs"][0]["results"], serde_json::json!([]));
}

#[test]
fn github_reads_rules_paths_and_regions() {
    let root = common::root();
    let doc = sarif(&root, &["fixtures/sample/order-workflow.asl.json"]);
    let run = &doc["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "asl-lint");
    assert!(driver["informationUri"]
        .as_str()
        .unwrap()
        .starts_with("https://"));
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), asl_lint::rules::RULES.len());
    let result = &run["results"][0];
    let index = result["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[index]["id"], result["ruleId"]);
    let rule = &rules[index];
    assert!(rule["help"]["markdown"].as_str().unwrap().starts_with("# "));
    assert!(rule["fullDescription"]["text"].as_str().unwrap().len() > 20);
    assert!(rule["properties"]["category"].is_string());
    let location = &result["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"]["uri"],
        "fixtures/sample/order-workflow.asl.json"
    );
    assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    let base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        base.starts_with("file:///") && base.ends_with('/'),
        "{base}"
    );
    let region = &location["region"];
    for key in ["startLine", "startColumn", "endLine", "endColumn"] {
        assert!(region[key].as_u64().unwrap() >= 1, "{key}");
    }
}

#[test]
fn fingerprints_survive_unrelated_edits_and_columns_are_utf16() {
    let dir = common::scratch("sarif/fingerprints");
    let definition =
        r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Comment": "😀", "Next": "Nope"}}}"#;
    common::write(&dir, "m.asl.json", definition);
    let before = sarif(&dir, &["m.asl.json"]);
    common::write(&dir, "m.asl.json", format!("\n\n\n{definition}"));
    let after = sarif(&dir, &["m.asl.json"]);
    let fingerprint = |doc: &Value| doc["runs"][0]["results"][0]["partialFingerprints"].clone();
    assert_eq!(fingerprint(&before), fingerprint(&after));
    let region = &after["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 4);
    // "Nope" starts at character 76; the emoji before it is two UTF-16 code units.
    let column = definition[..definition.find("\"Nope\"").unwrap()]
        .chars()
        .count()
        + 1;
    assert_eq!(region["startColumn"].as_u64().unwrap() as usize, column + 1);
}
