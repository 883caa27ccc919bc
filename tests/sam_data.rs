//! The SAM data asl-lint embeds (`data/aws-sam-translator/`) is what the generator's pinned
//! aws-sam-translator produced: the version and wheel checksum it records are the script's pins,
//! and the file's own SHA-256 is the one recorded beside it, so a hand edit shows. No network.

mod common;

use sha2::{Digest, Sha256};

fn pin(script: &str, name: &str) -> String {
    let line = script
        .lines()
        .find(|l| l.starts_with(&format!("{name} = ")))
        .unwrap_or_else(|| panic!("the generator has no {name}"));
    line.split('"').nth(1).unwrap_or_default().to_string()
}

#[test]
fn the_sam_data_is_the_pinned_version_unmodified() {
    let root = common::root();
    let script = std::fs::read_to_string(root.join("scripts/sam-permissions-data.py")).unwrap();
    let dir = root.join("data/aws-sam-translator");
    let data = std::fs::read(dir.join("sam-permissions.json")).unwrap();
    let recorded = std::fs::read_to_string(dir.join("sam-permissions.json.sha256")).unwrap();
    let digest: String = Sha256::digest(&data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(
        recorded.split_whitespace().next(),
        Some(digest.as_str()),
        "sam-permissions.json was changed by hand: regenerate it with scripts/sam-permissions-data.py"
    );
    let json: serde_json::Value = serde_json::from_slice(&data).unwrap();
    let source = &json["Source"];
    assert_eq!(source["Package"], "aws-sam-translator");
    assert_eq!(source["Version"], pin(&script, "PINNED_VERSION").as_str());
    assert_eq!(source["WheelSha256"], pin(&script, "WHEEL_SHA256").as_str());
    assert!(json["PolicyTemplates"]["LambdaInvokePolicy"].is_object());
    assert!(json["Connectors"]["Destinations"]["AWS::Lambda::Function"].is_object());
    for file in ["LICENSE", "NOTICE"] {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        assert!(
            text.contains("Apache License") || text.contains("Amazon.com"),
            "data/aws-sam-translator/{file} is not SAM's"
        );
    }
}
