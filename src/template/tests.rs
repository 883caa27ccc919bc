//! Finding machines in templates and resolving their intrinsic functions.

use super::*;
use crate::document::json;
use crate::model::WorkflowType;

const SAM: &str = r#"{
      "Transform": "AWS::Serverless-2016-10-31",
      "Resources": {
        "PayFunction": {"Type": "AWS::Serverless::Function", "Properties": {"AutoPublishAlias": "prod"}},
        "ShipFunction": {"Type": "AWS::Lambda::Function", "Properties": {"FunctionName": "ship-order"}},
        "ShipVersion": {"Type": "AWS::Lambda::Version", "Properties": {"FunctionName": {"Ref": "ShipFunction"}}},
        "OrderFlow": {"Type": "AWS::Serverless::StateMachine", "Properties": {
          "Type": "EXPRESS",
          "DefinitionSubstitutions": {
            "PayArn": {"Fn::GetAtt": ["PayFunction", "Arn"]},
            "PayAlias": {"Ref": "PayFunction.Alias"},
            "ShipVersion": {"Ref": "ShipVersion"},
            "Bucket": {"Ref": "SomeParameter"},
            "Region": {"Fn::Sub": "${AWS::Region}"}
          },
          "Definition": {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "${PayArn}", "End": true,
             "Parameters": {"B": "${Bucket}", "F": {"Fn::GetAtt": "ShipFunction.Arn"}, "R": "${Region}"}}}}
        }},
        "Other": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {
          "StateMachineType": "STANDARD", "DefinitionUri": "s3://bucket/key"}},
        "Local": {"Type": "AWS::Serverless::StateMachine", "Properties": {"DefinitionUri": "statemachine/flow.asl.json"}}
      }
    }"#;

#[test]
fn finds_machines_with_their_workflow_type_and_source() {
    let doc = json::parse(SAM).unwrap();
    let machines = find(&doc.root).unwrap();
    let names: Vec<&str> = machines.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["OrderFlow", "Other", "Local"]);
    assert_eq!(machines[0].workflow_type, Some(WorkflowType::Express));
    assert_eq!(machines[1].workflow_type, Some(WorkflowType::Standard));
    assert!(matches!(machines[0].definition, Definition::Object(_)));
    assert!(
        matches!(&machines[1].definition, Definition::Unavailable { reason, .. } if reason.contains("S3"))
    );
    assert!(
        matches!(&machines[2].definition, Definition::File { path, .. } if path == "statemachine/flow.asl.json")
    );
    assert!(find(
        &json::parse(r#"{"StartAt": "A", "States": {}}"#)
            .unwrap()
            .root
    )
    .is_none());
}

#[test]
fn substitutions_resolve_to_pinned_or_unpinned_arns() {
    let doc = json::parse(SAM).unwrap();
    let machines = find(&doc.root).unwrap();
    let subs = &machines[0].substitutions;
    assert_eq!(
        subs["PayArn"],
        "arn:aws:lambda:us-east-1:123456789012:function:PayFunction"
    );
    assert_eq!(
        subs["PayAlias"],
        "arn:aws:lambda:us-east-1:123456789012:function:PayFunction:prod"
    );
    assert_eq!(
        subs["ShipVersion"],
        "arn:aws:lambda:us-east-1:123456789012:function:ship-order:1"
    );
    assert_eq!(subs["Bucket"], "${Ref:SomeParameter}");
    assert_eq!(subs["Region"], "us-east-1");
    let Definition::Object(definition) = machines[0].definition else {
        panic!()
    };
    let resolved = resolve(definition, &machines[0], &doc.root);
    let a = resolved.get("States").unwrap().get("A").unwrap();
    assert_eq!(
        a.get_str("Resource"),
        Some("arn:aws:lambda:us-east-1:123456789012:function:PayFunction")
    );
    let params = a.get("Parameters").unwrap();
    assert_eq!(params.get_str("B"), Some("${Ref:SomeParameter}"));
    assert_eq!(
        params.get_str("F"),
        Some("arn:aws:lambda:us-east-1:123456789012:function:ship-order")
    );
    // Spans still point into the template.
    let original = definition
        .get("States")
        .unwrap()
        .get("A")
        .unwrap()
        .get("Resource")
        .unwrap();
    assert_eq!(a.get("Resource").unwrap().span, original.span);
}

#[test]
fn definition_strings_are_rebuilt() {
    let text = r#"{"Resources": {
          "Fn": {"Type": "AWS::Lambda::Function"},
          "Sub": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {"DefinitionString":
            {"Fn::Sub": ["{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Task\", \"Resource\": \"${Fn.Arn}\", \"Comment\": \"${X} ${!Keep}\", \"End\": true}}}", {"X": "x"}]}}},
          "Join": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {"DefinitionString":
            {"Fn::Join": ["", ["{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Task\", \"Resource\": \"", {"Fn::GetAtt": ["Fn", "Arn"]}, "\", \"Next\": \"", {"Ref": "Unknown"}, "\"}}}"]]}}},
          "Plain": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {"DefinitionString": "{\"StartAt\": \"A\"}"}}
        }}"#;
    let doc = json::parse(text).unwrap();
    let machines = find(&doc.root).unwrap();
    let texts: Vec<&str> = machines
        .iter()
        .map(|m| match &m.definition {
            Definition::Text { rebuilt, .. } => rebuilt.text.as_str(),
            _ => "",
        })
        .collect();
    assert!(
        texts[0].contains(r#""Resource": "arn:aws:lambda:us-east-1:123456789012:function:Fn""#),
        "{}",
        texts[0]
    );
    assert!(
        texts[0].contains(r#""Comment": "x ${Keep}""#),
        "{}",
        texts[0]
    );
    assert!(texts[1].contains(r#""Resource": "arn:aws:lambda:us-east-1:123456789012:function:Fn", "Next": "${Ref:Unknown}""#), "{}", texts[1]);
    assert_eq!(texts[2], r#"{"StartAt": "A"}"#);
}

#[test]
fn serverless_framework_machines() {
    let text = r#"{"functions": {"hello": {"handler": "h.js"}},
          "stepFunctions": {"stateMachines": {"greeter": {"type": "EXPRESS", "definition":
            {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": {"Fn::GetAtt": ["HelloLambdaFunction", "Arn"]}, "End": true}}}}}}}"#;
    let doc = json::parse(text).unwrap();
    let machines = find(&doc.root).unwrap();
    assert_eq!(machines[0].name, "greeter");
    assert_eq!(machines[0].workflow_type, Some(WorkflowType::Express));
    let Definition::Object(definition) = machines[0].definition else {
        panic!()
    };
    let resolved = resolve(definition, &machines[0], &doc.root);
    let a = resolved.get("States").unwrap().get("A").unwrap();
    assert_eq!(
        a.get_str("Resource"),
        Some("arn:aws:lambda:us-east-1:123456789012:function:HelloLambdaFunction")
    );
}
