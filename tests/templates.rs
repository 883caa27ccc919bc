//! Templates and YAML: state machines where they live. Each test writes a small project to a
//! scratch directory and runs the binary on it, as a user would.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn project(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = common::scratch(&format!("templates/{name}"));
    for (rel, text) in files {
        common::write(&dir, rel, text);
    }
    dir
}

fn lint_json(dir: &Path, extra: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .args(["--format", "json", "--fail-on", "never"])
        .args(extra)
        .arg(dir)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn findings<'v>(report: &'v Value, rule: &str) -> Vec<&'v Value> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == rule)
        .collect()
}

/// (line, column) of a finding.
fn at(d: &Value) -> (u64, u64) {
    (d["line"].as_u64().unwrap(), d["column"].as_u64().unwrap())
}

const SAM: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  PayFunction:
    Type: AWS::Serverless::Function
    Properties:
      AutoPublishAlias: live
  ShipFunction:
    Type: AWS::Serverless::Function
  OrderFlow:
    Type: AWS::Serverless::StateMachine
    Properties:
      Type: EXPRESS
      DefinitionSubstitutions:
        PinnedPay: !Ref PayFunction.Alias
        Ship: !GetAtt ShipFunction.Arn
      Definition:
        StartAt: Pay
        States:
          Pay:
            Type: Task
            Resource: arn:aws:states:::lambda:invoke
            Parameters:
              FunctionName: ${PinnedPay}
              Payload.$: $
            Retry:
              - ErrorEquals: [States.TaskFailed]
            Next: Ship
          Ship:
            Type: Task
            Resource: arn:aws:states:::lambda:invoke
            Parameters:
              FunctionName: ${Ship}
              Payload.$: $
            Retry:
              - ErrorEquals: [States.TaskFailed]
            Next: Approve
          Approve:
            Type: Task
            Resource: arn:aws:states:::sqs:sendMessage.waitForTaskToken
            Parameters:
              QueueUrl: https://sqs.us-east-1.amazonaws.com/123456789012/approvals
              MessageBody:
                TaskToken.$: $$.Task.Token
            TimeoutSeconds: 60
            End: true
"#;

#[test]
fn sam_definition_in_place_with_substitutions_and_express() {
    let dir = project("sam", &[("template.yaml", SAM)]);
    let report = lint_json(&dir, &[]);
    // The alias substitution is pinned; the GetAtt of the function's Arn is not.
    let unpinned = findings(&report, "unversioned-lambda");
    assert_eq!(unpinned.len(), 1, "{report:#}");
    let d = unpinned[0];
    assert_eq!(d["machine"], "OrderFlow");
    assert_eq!(d["state"], "Ship");
    assert_eq!(
        d["pointer"],
        "/Resources/OrderFlow/Properties/Definition/States/Ship/Parameters/FunctionName"
    );
    assert_eq!(at(d), (33, 29));
    // The help is SAM's way to pin it.
    let help = d["help"].as_str().unwrap();
    assert!(
        help.contains(
            "add AutoPublishAlias: live to ShipFunction and reference !Ref ShipFunction.Alias"
        ),
        "{help}"
    );
    // Type: EXPRESS comes from the template.
    let express = findings(&report, "express-unsupported-integration");
    assert_eq!(express.len(), 1);
    assert_eq!(express[0]["state"], "Approve");
    assert_eq!(at(express[0]), (40, 23));
    // --workflow-type beats what the template declares.
    let standard = lint_json(&dir, &["--workflow-type", "standard"]);
    assert!(findings(&standard, "express-unsupported-integration").is_empty());
}

#[test]
fn definition_uri_is_linted_with_the_templates_context() {
    let definition = r#"{
  "StartAt": "Pay",
  "States": {
    "Pay": {
      "Type": "Task",
      "Resource": "${PayArn}",
      "Retry": [{"ErrorEquals": ["States.TaskFailed"]}],
      "Next": "Wait"
    },
    "Wait": {"Type": "Wait", "Seconds": 600, "End": true}
  }
}
"#;
    let template = r#"Transform: AWS::Serverless-2016-10-31
Resources:
  PayFunction:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: pay
  Checkout:
    Type: AWS::Serverless::StateMachine
    Properties:
      Type: EXPRESS
      DefinitionUri: statemachine/checkout.asl.json
      DefinitionSubstitutions:
        PayArn: !GetAtt PayFunction.Arn
  Missing:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: statemachine/nope.asl.json
"#;
    let dir = project(
        "definition-uri",
        &[
            ("template.yaml", template),
            ("statemachine/checkout.asl.json", definition),
        ],
    );
    let report = lint_json(&dir, &[]);
    // The file is linted once, with the template's context: EXPRESS, and PayArn resolved.
    assert_eq!(report["summary"]["files"], 2, "{report:#}");
    let unpinned = findings(&report, "unversioned-lambda");
    assert_eq!(unpinned.len(), 1, "{report:#}");
    assert!(unpinned[0]["path"]
        .as_str()
        .unwrap()
        .ends_with("checkout.asl.json"));
    assert_eq!(unpinned[0]["machine"], "Checkout");
    assert_eq!(at(unpinned[0]), (6, 19));
    let duration = findings(&report, "express-duration");
    assert_eq!(duration.len(), 1);
    assert_eq!(at(duration[0]), (10, 41));
    let missing = findings(&report, "unreadable-definition");
    assert_eq!(missing.len(), 1);
    assert_eq!(missing[0]["severity"], "warning");
    assert_eq!(missing[0]["machine"], "Missing");
    assert!(missing[0]["message"]
        .as_str()
        .unwrap()
        .contains("nope.asl.json\" does not exist"));
    assert_eq!(at(missing[0]), (17, 22));
}

#[test]
fn cloudformation_definition_string_sub_and_cdk_join() {
    let template = r#"{
  "Resources": {
    "Fn": {"Type": "AWS::Lambda::Function"},
    "Subbed": {
      "Type": "AWS::StepFunctions::StateMachine",
      "Properties": {
        "StateMachineType": "EXPRESS",
        "DefinitionString": {"Fn::Sub": "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Task\", \"Resource\": \"${Fn.Arn}\", \"Next\": \"B\"}, \"B\": {\"Type\": \"Wait\", \"Seconds\": 900, \"End\": true}}}"}
      }
    },
    "Joined": {
      "Type": "AWS::StepFunctions::StateMachine",
      "Properties": {
        "DefinitionString": {"Fn::Join": ["", ["{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": \"", {"Ref": "NextName"}, "\"}}}"]]}
      }
    },
    "Broken": {
      "Type": "AWS::StepFunctions::StateMachine",
      "Properties": {"DefinitionString": "{\"StartAt\": \"A\","}
    }
  }
}
"#;
    let dir = project("cfn", &[("stack.json", template)]);
    let report = lint_json(&dir, &[]);
    let duration = findings(&report, "express-duration");
    assert_eq!(duration.len(), 1, "{report:#}");
    assert_eq!(duration[0]["machine"], "Subbed");
    // The finding points at the characters inside the Fn::Sub string, past its escapes, and
    // says where it is in the definition in a field of its own.
    assert_eq!(
        duration[0]["pointer"],
        "/Resources/Subbed/Properties/DefinitionString/Fn::Sub"
    );
    assert_eq!(duration[0]["definition_pointer"], "/States/B/Seconds");
    let line = template.lines().nth(7).unwrap();
    assert_eq!(
        at(duration[0]),
        (8, line.find("900").unwrap() as u64 + 1),
        "{line}"
    );
    assert!(!duration[0]["message"]
        .as_str()
        .unwrap()
        .contains("DefinitionString"));
    assert_eq!(
        findings(&report, "unversioned-lambda")[0]["machine"],
        "Subbed"
    );
    // The unresolved Ref stays a placeholder: no unknown-target guess.
    assert!(findings(&report, "unknown-target").is_empty(), "{report:#}");
    let parse = findings(&report, "parse-error");
    assert_eq!(parse.len(), 1);
    assert_eq!(parse[0]["machine"], "Broken");
}

#[test]
fn serverless_framework_inline_and_file_definitions() {
    let serverless = r#"service: greeter
functions:
  hello:
    handler: handler.hello
stepFunctions:
  stateMachines:
    inline:
      name: greeter-${sls:stage}
      type: EXPRESS
      definition:
        StartAt: Hello
        States:
          Hello:
            Type: Task
            Resource:
              Fn::GetAtt: [HelloLambdaFunction, Arn]
            Retry:
              - ErrorEquals: [States.ALL]
            End: true
    fromFile:
      definition: ${file(./statemachine/flow.asl.yml)}
"#;
    let flow = "StartAt: Choose\nStates:\n  Choose:\n    Type: Choice\n    Choices:\n      - Variable: $.ok\n        BooleanEquals: true\n        Next: Done\n  Done:\n    Type: Succeed\n";
    let dir = project(
        "serverless",
        &[
            ("serverless.yml", serverless),
            ("statemachine/flow.asl.yml", flow),
        ],
    );
    let report = lint_json(&dir, &[]);
    let legacy = findings(&report, "unversioned-lambda");
    assert_eq!(legacy.len(), 1, "{report:#}");
    // Labelled by its key, not by the deployed name built from variables.
    assert_eq!(legacy[0]["machine"], "inline");
    assert_eq!(at(legacy[0]), (16, 15));
    let choice = findings(&report, "choice-without-default");
    assert_eq!(choice.len(), 1);
    assert_eq!(choice[0]["machine"], "fromFile");
    assert!(choice[0]["path"]
        .as_str()
        .unwrap()
        .ends_with("flow.asl.yml"));
    assert_eq!(at(choice[0]), (3, 3));
}

#[test]
fn yaml_definitions_duplicates_and_alias_bombs() {
    let dup = "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Next: B\n    Next: A\n  B:\n    Type: Succeed\n";
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        bomb.push_str(&format!(
            "a{i}: &a{i} [{}]\n",
            vec![format!("*a{}", i - 1); 10].join(", ")
        ));
    }
    bomb.push_str("StartAt: A\nStates: {}\n");
    let dir = project("yaml", &[("dup.asl.yaml", dup), ("bomb.asl.yml", &bomb)]);
    let report = lint_json(&dir, &[]);
    let d = findings(&report, "duplicate-key");
    assert_eq!(d.len(), 1, "{report:#}");
    assert_eq!(at(d[0]), (6, 5));
    assert_eq!(d[0]["related"][0]["line"], 5);
    let p = findings(&report, "parse-error");
    assert_eq!(p.len(), 1);
    assert!(p[0]["message"]
        .as_str()
        .unwrap()
        .contains("expand to more than"));
}

#[test]
fn walking_skips_yaml_that_is_not_ours_and_names_machines_in_human_output() {
    let dir = project(
        "walk-yaml",
        &[
            ("template.yaml", SAM),
            (".github/workflows/ci.yml", "on: push\njobs: {}\n"),
            ("docker-compose.yaml", "services: {}\n"),
        ],
    );
    let report = lint_json(&dir, &[]);
    assert_eq!(report["summary"]["files"], 1, "{report:#}");
    let out = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .arg(&dir)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("unversioned-lambda in OrderFlow"), "{text}");
}

/// The README's template example reports what the README says it does.
#[test]
fn readme_template_example() {
    let readme =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let section = &readme[readme.find("<!-- templates:start -->").unwrap()
        ..readme.find("<!-- templates:end -->").unwrap()];
    let yaml = &section[section.find("```yaml\n").unwrap() + 8..section.rfind("```").unwrap()];
    let dir = project("readme", &[("template.yaml", yaml)]);
    let report = lint_json(&dir, &[]);
    let found = findings(&report, "unversioned-lambda");
    assert_eq!(found.len(), 1, "{report:#}");
    assert_eq!(found[0]["machine"], "OrderFlow");
    assert!(found[0]["pointer"]
        .as_str()
        .unwrap()
        .ends_with("/Parameters/FunctionName"));
    let pinned = yaml.replace("!GetAtt ChargeFunction.Arn", "!Ref ChargeFunction.Alias");
    let dir = project("readme-pinned", &[("template.yaml", &pinned)]);
    assert!(findings(&lint_json(&dir, &[]), "unversioned-lambda").is_empty());
}

/// A `DefinitionString: !Sub |` block: findings land on their own line inside the block.
#[test]
fn definition_string_block_findings_point_at_their_line() {
    let template = r#"Resources:
  Fn:
    Type: AWS::Lambda::Function
  Flow:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      StateMachineType: EXPRESS
      DefinitionString: !Sub |
        {
          "StartAt": "Call",
          "States": {
            "Call": {"Type": "Task", "Resource": "${Fn.Arn}", "Next": "Pause"},
            "Pause": {"Type": "Wait", "Seconds": 900, "Next": "Gone"}
          }
        }
"#;
    let dir = project("sub-block", &[("template.yaml", template)]);
    let report = lint_json(&dir, &[]);
    let duration = findings(&report, "express-duration");
    assert_eq!(duration.len(), 1, "{report:#}");
    assert_eq!(at(duration[0]), (13, 50));
    let target = findings(&report, "unknown-target");
    assert_eq!(at(target[0]), (13, 63));
    // The substituted ARN is longer than "${Fn.Arn}": the column stays within the line.
    let unpinned = findings(&report, "unversioned-lambda");
    assert_eq!(at(unpinned[0]), (12, 50));
    assert_eq!(unpinned[0]["definition_pointer"], "/States/Call/Resource");
}

/// A referenced definition file gets its own path's configuration, and the template's type.
#[test]
fn referenced_files_use_their_own_configuration() {
    let definition = r#"{"StartAt": "Wait", "States": {
  "Wait": {"Type": "Wait", "Seconds": 600, "Next": "Run"},
  "Run": {"Type": "Task", "Resource": "arn:aws:states:::glue:startJobRun.sync", "Parameters": {"JobName": "j"}, "TimeoutSeconds": 60, "End": true}}}
"#;
    let template = "Transform: AWS::Serverless-2016-10-31\nResources:\n  Flow:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Type: EXPRESS\n      DefinitionUri: statemachine/flow.asl.json\n";
    let config = "[[overrides]]\nfiles = [\"statemachine/**\"]\n[overrides.rules]\nexpress-duration = \"off\"\n";
    let dir = project(
        "referenced-config",
        &[
            ("template.yaml", template),
            ("statemachine/flow.asl.json", definition),
            (".asl-lint.toml", config),
        ],
    );
    let report = lint_json(&dir, &[]);
    assert!(
        findings(&report, "express-duration").is_empty(),
        "{report:#}"
    );
    let express = findings(&report, "express-unsupported-integration");
    assert_eq!(express.len(), 1, "{report:#}");
    assert_eq!(express[0]["machine"], "Flow");
}

/// A CDK template: the definition is an `Fn::Join` of JSON string fragments. Findings point at
/// the characters inside the fragments, past the escapes; fixes are mapped back and work.
#[test]
fn cdk_join_findings_and_fixes_land_inside_the_fragments() {
    let template = r#"{
 "Resources": {
  "Fn": {"Type": "AWS::Lambda::Function", "Properties": {}},
  "Flow": {
   "Type": "AWS::StepFunctions::StateMachine",
   "Properties": {
    "DefinitionString": {
     "Fn::Join": [
      "",
      [
       "{\"StartAt\":\"Call\",\"States\":{\"Call\":{\"Type\":\"Task\",\"Resource\":\"",
       {"Fn::GetAtt": ["Fn", "Arn"]},
       "\",\"Parameters\":{\"list.$\":\" States.Array($.a)\"},\"Next\":\"Dnoe\"},\"Done\":{\"Type\":\"Succeed\"}}}"
      ]
     ]
    }
   }
  }
 }
}
"#;
    let diagnostics = common::lint_text("cdk.template.json", template, Default::default());
    let find = |rule: &str| {
        diagnostics
            .iter()
            .find(|d| d.rule == rule)
            .unwrap_or_else(|| panic!("no {rule} in {diagnostics:#?}"))
    };
    let target = find("unknown-target");
    assert_eq!(&template[target.span.start..target.span.end], r#"\"Dnoe\""#);
    assert_eq!(
        target.definition_pointer.as_deref(),
        Some("/States/Call/Next")
    );
    assert_eq!(
        target.pointer,
        "/Resources/Flow/Properties/DefinitionString/Fn::Join/1/2"
    );
    assert_eq!(target.start.line, 13);
    let unpinned = find("unversioned-lambda");
    assert!(template[unpinned.span.start..unpinned.span.end].contains("Fn::GetAtt"));
    let intrinsic = find("invalid-intrinsic");
    assert_eq!(&template[intrinsic.span.start..intrinsic.span.end], " ");
    let fix = intrinsic
        .fix
        .as_ref()
        .expect("the fix maps back into the fragment");
    let mut fixed = template.to_string();
    for edit in fix.edits.iter().rev() {
        fixed.replace_range(edit.span.start..edit.span.end, &edit.replacement);
    }
    assert!(fixed.contains(r#"\"list.$\":\"States.Array($.a)\""#));
    let after = common::lint_text("cdk.template.json", &fixed, Default::default());
    assert!(
        !after.iter().any(|d| d.rule == "invalid-intrinsic"),
        "{after:#?}"
    );
}

/// A one-line JSON DefinitionString in YAML, single-quoted: exact columns on the long line.
#[test]
fn one_line_definition_string_findings_point_at_their_column() {
    let template = "Resources:\n  Flow:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionString: '{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"Next\":\"Nowhere\"},\"B\":{\"Type\":\"Succeed\"}}}'\n";
    let diagnostics = common::lint_text("t.yaml", template, Default::default());
    let target = diagnostics
        .iter()
        .find(|d| d.rule == "unknown-target")
        .unwrap();
    assert_eq!(&template[target.span.start..target.span.end], "\"Nowhere\"");
    assert_eq!(target.start.line, 5);
    assert_eq!(target.definition_pointer.as_deref(), Some("/States/A/Next"));
    let unreachable = diagnostics
        .iter()
        .find(|d| d.rule == "unreachable-state")
        .unwrap();
    assert_eq!(
        &template[unreachable.span.start..unreachable.span.end],
        "\"B\""
    );
}

/// A DefinitionUri file is checked against the template's DefinitionSubstitutions.
#[test]
fn referenced_definitions_use_only_defined_substitutions() {
    let template = "Resources:\n  Flow:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: flow.asl.json\n      DefinitionSubstitutions:\n        topicArn: !Ref Topic\n  Topic:\n    Type: AWS::SNS::Topic\n";
    let flow = r#"{"StartAt": "Notify", "States": {"Notify": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish",
  "Parameters": {"TopicArn": "${TopicArn}", "Message": "done"}, "TimeoutSeconds": 30, "End": true}}}"#;
    let dir = project(
        "uri-substitutions",
        &[("template.yaml", template), ("flow.asl.json", flow)],
    );
    let report = lint_json(&dir, &[]);
    let unknown = findings(&report, "unknown-substitution");
    assert_eq!(unknown.len(), 1, "{report:#}");
    assert!(unknown[0]["path"]
        .as_str()
        .unwrap()
        .ends_with("flow.asl.json"));
    assert_eq!(at(unknown[0]), (2, 31));
    assert_eq!(unknown[0]["help"], "did you mean ${topicArn}?");
    assert_eq!(unknown[0]["machine"], "Flow");
}
