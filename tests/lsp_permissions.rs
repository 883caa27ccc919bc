//! The language server's code action on `missing-permission`: the missing statements added to
//! the machine's template, whether the finding is in the template or in a definition file.

// Shared with tests/lsp.rs, which uses the rest of it.
#[allow(dead_code)]
#[path = "lsp/client.rs"]
mod client;

use client::{apply_edits, project, uri, Client};
use serde_json::{json, Value};

const TEMPLATE: &str = "Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::DynamoDB::Table
  OrderFlow:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: flow.asl.json
      DefinitionSubstitutions:
        Table: !Ref Orders
      Policies:
        - DynamoDBReadPolicy:
            TableName: !Ref Orders
";

const DEFINITION: &str = r#"{
  "StartAt": "Save",
  "States": {
    "Save": {
      "Type": "Task",
      "Resource": "arn:aws:states:::dynamodb:putItem",
      "Parameters": {"TableName": "${Table}", "Item": {"id": {"S.$": "$.id"}}},
      "End": true
    }
  }
}
"#;

fn actions_at(client: &mut Client, file: &str, line: i64, character: i64) -> Vec<Value> {
    let answer = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": file},
            "range": {"start": {"line": line, "character": character}, "end": {"line": line, "character": character}},
            "context": {"diagnostics": []}
        }),
    );
    answer["result"].as_array().cloned().unwrap_or_default()
}

#[test]
fn the_action_on_a_definition_file_edits_its_template() {
    let dir = project();
    std::fs::write(dir.join("template.yaml"), TEMPLATE).unwrap();
    std::fs::write(dir.join("flow.asl.json"), DEFINITION).unwrap();
    let (mut client, _) = Client::initialized(&dir, json!({}));
    let file = uri(&dir.join("flow.asl.json"));
    client.open(&file, "json", DEFINITION);
    let diagnostics = client.diagnostics(&file, 1);
    assert!(
        diagnostics
            .iter()
            .any(|d| d["code"] == "missing-permission"),
        "{diagnostics:#?}"
    );
    let actions = actions_at(&mut client, &file, 5, 20);
    let action = actions
        .iter()
        .find(|a| a["title"] == "Add DynamoDBWritePolicy to the Policies of 'OrderFlow'")
        .unwrap_or_else(|| panic!("no action in {actions:#?}"));
    assert_eq!(action["kind"], "quickfix");
    assert_eq!(action["diagnostics"][0]["code"], "missing-permission");
    let template = uri(&dir.join("template.yaml"));
    let edits = action["edit"]["changes"][&template].as_array().unwrap();
    let amended = apply_edits(TEMPLATE, edits);
    assert!(
        amended.ends_with(
            "        - DynamoDBReadPolicy:\n            TableName: !Ref Orders\n        - DynamoDBWritePolicy:\n            TableName: !Ref Orders\n"
        ),
        "{amended}"
    );

    // With the amended template saved, the finding is gone.
    std::fs::write(dir.join("template.yaml"), &amended).unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": template, "type": 2}]}),
    );
    client.replace(&file, 2, DEFINITION);
    let after = client.diagnostics(&file, 2);
    assert!(
        !after.iter().any(|d| d["code"] == "missing-permission"),
        "{after:#?}"
    );
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn the_action_in_a_template_edits_it_in_place() {
    let dir = project();
    let inline = TEMPLATE
        .replace("      DefinitionUri: flow.asl.json\n", "      Definition:\n        StartAt: Save\n        States:\n          Save:\n            Type: Task\n            Resource: arn:aws:states:::dynamodb:putItem\n            Parameters: {TableName: !Ref Orders, Item: {id: {S.$: $.id}}}\n            End: true\n");
    let file = uri(&dir.join("template.yaml"));
    let (mut client, _) = Client::initialized(&dir, json!({}));
    client.open(&file, "yaml", &inline);
    let diagnostics = client.diagnostics(&file, 1);
    let finding = diagnostics
        .iter()
        .find(|d| d["code"] == "missing-permission")
        .unwrap_or_else(|| panic!("{diagnostics:#?}"));
    let start = &finding["range"]["start"];
    let (line, character) = (
        start["line"].as_i64().unwrap(),
        start["character"].as_i64().unwrap(),
    );
    let actions = actions_at(&mut client, &file, line, character);
    let action = actions
        .iter()
        .find(|a| a["title"] == "Add DynamoDBWritePolicy to the Policies of 'OrderFlow'")
        .unwrap_or_else(|| panic!("no action in {actions:#?}"));
    let amended = apply_edits(
        &inline,
        action["edit"]["changes"][&file].as_array().unwrap(),
    );
    client.replace(&file, 2, &amended);
    let after = client.diagnostics(&file, 2);
    assert!(
        !after.iter().any(|d| d["code"] == "missing-permission"),
        "{after:#?}"
    );
    assert_eq!(client.shutdown(), 0);
}
