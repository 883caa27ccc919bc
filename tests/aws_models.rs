//! The embedded integration data is what `scripts/aws-models` writes from the pinned botocore
//! and the committed stepfunctions.toml: this checks the committed file's recorded version and
//! checksums, without the network. (Regenerating it byte for byte is `scripts/aws-models
//! --check`, which needs the wheel.)

mod common;

use asl_lint::asl::integrations;
use common::root;

fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The value of `name = "…"` in the script.
fn script_constant(script: &str, name: &str) -> String {
    let line = script
        .lines()
        .find(|l| l.starts_with(&format!("{name} = \"")))
        .unwrap_or_else(|| panic!("scripts/aws-models sets no {name}"));
    line.split('"').nth(1).unwrap().to_string()
}

#[test]
fn committed_models_match_their_recorded_version_and_checksums() {
    let dir = root().join("src/asl/integrations");
    let file = std::fs::read(dir.join("models.bin")).expect("models.bin is committed");
    assert!(
        file == integrations::data_file(),
        "the binary embeds another models.bin than the committed one"
    );
    let end = file
        .windows(2)
        .position(|w| w == b"\n\n")
        .expect("a header ends with an empty line");
    let header = std::str::from_utf8(&file[..end]).unwrap();
    let payload = &file[end + 2..];
    let field = |key: &str| {
        header
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{key} ")))
            .unwrap_or_else(|| panic!("the header has no {key}"))
            .to_string()
    };
    let script = std::fs::read_to_string(root().join("scripts/aws-models")).unwrap();
    assert_eq!(header.lines().next(), Some("asl-lint-aws-models"));
    assert_eq!(field("botocore"), "1.44.5");
    assert_eq!(field("botocore"), integrations::BOTOCORE_VERSION);
    assert_eq!(field("botocore"), script_constant(&script, "BOTOCORE"));
    assert_eq!(
        field("wheel-sha256"),
        script_constant(&script, "WHEEL_SHA256")
    );
    assert_eq!(
        field("payload-fnv1a64"),
        format!("{:016x}", fnv1a64(payload)),
        "models.bin's payload does not match its recorded checksum"
    );
    let facts = std::fs::read(dir.join("stepfunctions.toml")).unwrap();
    assert_eq!(
        field("inputs-fnv1a64"),
        format!("{:016x}", fnv1a64(&facts)),
        "stepfunctions.toml changed since models.bin was made: run scripts/aws-models"
    );
    for name in ["NOTICE", "LICENSE-botocore.txt"] {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        assert!(text.contains("Apache License"), "{name}");
    }
}

#[test]
fn the_sdk_service_list_is_there_for_other_rules() {
    let names: Vec<&str> = integrations::sdk_services()
        .iter()
        .filter(|s| s.status == integrations::Status::Offered)
        .map(|s| s.name)
        .collect();
    for name in [
        "sfn",
        "eventbridge",
        "cloudwatchlogs",
        "s3",
        "dynamodb",
        "bedrockruntime",
    ] {
        assert!(names.contains(&name), "{name}");
    }
    assert!(!names.contains(&"stepfunctions"));
}
