//! Protocol tests: the binary runs as `asl-lint lsp` and is spoken to over JSON-RPC on its
//! stdin and stdout, as an editor would.

#[path = "lsp/client.rs"]
mod client;

use std::time::Duration;

use client::{apply_edits, codes, project, start, uri, Client};
use serde_json::{json, Value};

const SAMPLE: &str = include_str!("../fixtures/sample/order-workflow.asl.json");

fn line_of(text: &str, needle: &str) -> i64 {
    text[..text.find(needle).unwrap()].matches('\n').count() as i64
}

#[test]
fn initialize_shutdown_exit() {
    let dir = project();
    let (client, result) = Client::initialized(&dir, json!({}));
    let caps = &result["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(caps["textDocumentSync"]["change"], 2);
    assert_eq!(caps["textDocumentSync"]["openClose"], true);
    assert_eq!(caps["hoverProvider"], true);
    assert_eq!(caps["definitionProvider"], true);
    assert_eq!(caps["documentSymbolProvider"], true);
    assert_eq!(
        caps["codeActionProvider"]["codeActionKinds"],
        json!(["quickfix"])
    );
    assert_eq!(result["serverInfo"]["name"], "asl-lint");
    assert_eq!(client.shutdown(), 0);

    // `exit` without `shutdown` is an error exit.
    let (mut client, _) = Client::initialized(&dir, json!({}));
    client.notify("exit", Value::Null);
    assert_eq!(client.exit_code(), 1);

    // The input ending without either is one too.
    let (mut client, _) = Client::initialized(&dir, json!({}));
    client.close_input();
    assert_eq!(client.exit_code(), 1);
}

#[test]
fn malformed_messages_and_unknown_methods_get_protocol_errors() {
    let dir = project();
    let mut client = Client::start(&dir);
    // Before initialize, requests are refused.
    let early = client.request("textDocument/hover", json!({}));
    assert_eq!(early["error"]["code"], -32002, "{early}");
    let init = client.request("initialize", json!({"capabilities": {}}));
    assert!(init["result"].is_object());

    let parse_error = |client: &mut Client| {
        client.wait_for("a parse error", |m| {
            m["error"]["code"] == -32700 && m["id"].is_null()
        })
    };
    client.send_raw(b"Content-Length: 9\r\n\r\n{\"jsonrpc");
    parse_error(&mut client);
    client.send_raw(b"Content-Length: 3\r\n\r\n\xff\xfe}");
    parse_error(&mut client);
    client.send_raw(b"Content-Type: text/plain\r\n\r\n");
    parse_error(&mut client);
    client.send_raw(b"Content-Length: many\r\n\r\n");
    parse_error(&mut client);

    client.send(json!([1, 2, 3]));
    client.wait_for("an invalid request", |m| m["error"]["code"] == -32600);
    client.send(json!({"jsonrpc": "2.0", "id": 41, "method": 7}));
    let invalid = client.wait_for("an invalid request", |m| m["id"] == 41);
    assert_eq!(invalid["error"]["code"], -32600);

    let unknown = client.request("textDocument/rename", json!({}));
    assert_eq!(unknown["error"]["code"], -32601, "{unknown}");
    let bad_params = client.request("textDocument/hover", json!({"textDocument": 5}));
    assert_eq!(bad_params["error"]["code"], -32602, "{bad_params}");
    let again = client.request("initialize", json!({"capabilities": {}}));
    assert_eq!(again["error"]["code"], -32600, "{again}");
    // Unknown and malformed notifications are not answered, and change nothing.
    client.notify("custom/thing", json!({}));
    client.notify("textDocument/didOpen", json!({"textDocument": 3}));

    // Still serving.
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": "file:///nowhere/x.json"}}),
    );
    assert_eq!(symbols["result"], Value::Null, "{symbols}");
    let after = client.request("shutdown", Value::Null);
    assert_eq!(after["result"], Value::Null);
    let late = client.request("textDocument/hover", json!({}));
    assert_eq!(late["error"]["code"], -32600, "{late}");
    client.notify("exit", Value::Null);
    assert_eq!(client.exit_code(), 0);
}

#[test]
fn diagnostics_carry_rule_range_help_related_and_tags() {
    let dir = project();
    let (mut client, _) = Client::initialized(&dir, json!({}));
    let file = uri(&dir.join("order.asl.json"));
    client.open(&file, "json", SAMPLE);
    let diagnostics = client.diagnostics(&file, 1);
    assert_eq!(
        codes(&diagnostics),
        [
            "heartbeat-not-less-than-timeout",
            "retry-catch-all-not-last",
            "integration-result-shape",
            "unknown-target",
            "catch-replaces-input",
            "unreachable-state"
        ]
    );
    let target = &diagnostics[3];
    assert_eq!(target["source"], "asl-lint");
    assert_eq!(target["severity"], 1);
    assert_eq!(start(&target["range"]), (line_of(SAMPLE, "\"Done\""), 14));
    assert_eq!(target["range"]["end"]["character"], 20);
    let message = target["message"].as_str().unwrap();
    assert!(message.contains("names 'Done'"), "{message}");
    assert!(
        message.contains("\nhelp: did you mean 'done'?"),
        "{message}"
    );
    assert!(target["codeDescription"]["href"]
        .as_str()
        .unwrap()
        .ends_with("/rules/unknown-target.md"));
    assert_eq!(diagnostics[4]["severity"], 2);
    let related = &diagnostics[4]["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], file.as_str());
    assert_eq!(
        start(&related["location"]["range"]).0,
        line_of(SAMPLE, "{ \"ErrorEquals\": [\"States.ALL\"]")
    );
    assert!(related["message"]
        .as_str()
        .unwrap()
        .contains("passes only the error"));
    assert_eq!(diagnostics[5]["tags"], json!([1]));
    assert!(diagnostics[3].get("tags").is_none());

    // Closing the document clears what the editor shows.
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": file}}),
    );
    let cleared = client.wait_for("cleared diagnostics", |m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == file.as_str()
    });
    assert_eq!(cleared["params"]["diagnostics"], json!([]));
    assert_eq!(client.shutdown(), 0);
}

/// A line of non-ASCII text before the finding: UTF-16 columns by default, UTF-8 bytes when
/// negotiated.
#[test]
fn columns_are_utf16_unless_utf8_is_negotiated() {
    let text = "{\"StartAt\": \"A\", \"States\": {\n  \"A\": {\"Type\": \"Pass\", \"Comment\": \"Grüße 🙂 ✓\", \"Next\": \"Nowhere\"}\n}}\n";
    let line = text.lines().nth(1).unwrap();
    let at = line.find("\"Nowhere\"").unwrap();
    let utf16 = line[..at].encode_utf16().count() as i64;
    assert_ne!(utf16, at as i64);
    for (offered, encoding, column) in [
        (json!({}), "utf-16", utf16),
        (
            json!({"general": {"positionEncodings": ["utf-16"]}}),
            "utf-16",
            utf16,
        ),
        (
            json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}}),
            "utf-8",
            at as i64,
        ),
    ] {
        let dir = project();
        let (mut client, result) = Client::initialized(&dir, offered);
        assert_eq!(result["capabilities"]["positionEncoding"], encoding);
        let file = uri(&dir.join("flow.asl.json"));
        client.open(&file, "json", text);
        let diagnostics = client.diagnostics(&file, 1);
        assert_eq!(codes(&diagnostics), ["unknown-target"]);
        assert_eq!(start(&diagnostics[0]["range"]), (1, column), "{encoding}");
        assert_eq!(
            diagnostics[0]["range"]["end"]["character"]
                .as_i64()
                .unwrap(),
            column + 9
        );
        // Positions sent by the client are read in the same encoding: hover at the finding.
        let hover = client.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": file}, "position": {"line": 1, "character": column + 3}}),
        );
        let value = hover["result"]["contents"]["value"].as_str().unwrap_or("");
        assert!(value.starts_with("# unknown-target"), "{encoding}: {hover}");
        assert_eq!(client.shutdown(), 0);
    }
}

#[test]
fn edits_are_applied_and_newer_versions_supersede_older_ones() {
    let dir = project();
    let (mut client, _) = Client::initialized(&dir, json!({}));
    let file = uri(&dir.join("order.asl.json"));
    client.open(&file, "json", SAMPLE);
    assert_eq!(client.diagnostics(&file, 1).len(), 6);

    // An incremental edit: 'Done' becomes 'done' (line and UTF-16 columns of the name).
    let line = line_of(SAMPLE, "\"Done\"");
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": file, "version": 2}, "contentChanges": [
            {"range": {"start": {"line": line, "character": 15}, "end": {"line": line, "character": 16}}, "text": "d"}
        ]}),
    );
    let after = client.diagnostics(&file, 2);
    assert!(
        !codes(&after).contains(&"unknown-target".to_string()),
        "{after:?}"
    );
    assert!(!codes(&after).contains(&"unreachable-state".to_string()));

    // A burst of edits: only results for the text as it is are published, in order.
    let broken = SAMPLE.replace("\"Next\": \"Done\"", "\"Next\": \"Nowhere\"");
    for version in 3..=40 {
        let text = if version % 2 == 0 { SAMPLE } else { &broken };
        client.replace(&file, version, text);
    }
    client.replace(&file, 41, &broken);
    let last = client.diagnostics(&file, 41);
    assert!(codes(&last).contains(&"unknown-target".to_string()));
    assert!(last[3]["message"].as_str().unwrap().contains("'Nowhere'"));
    client.drain(Duration::from_millis(300));
    let mut versions: Vec<i64> = client
        .seen
        .iter()
        .filter(|m| m["method"] == "textDocument/publishDiagnostics")
        .map(|m| m["params"]["version"].as_i64().unwrap())
        .collect();
    versions.push(41);
    assert!(versions.windows(2).all(|w| w[0] < w[1]), "{versions:?}");
    assert!(versions.iter().all(|&v| v <= 41));
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn files_that_are_not_ours_get_nothing_and_are_cleared() {
    let dir = project();
    let (mut client, _) = Client::initialized(&dir, json!({}));
    let package = uri(&dir.join("package.json"));
    let flow = uri(&dir.join("flow.asl.json"));
    client.open(
        &package,
        "json",
        "{\"name\": \"app\", \"version\": \"1.0.0\"}",
    );
    client.open(&flow, "json", SAMPLE);
    client.diagnostics(&flow, 1);
    let about_package = |m: &Value| m["params"]["uri"] == package.as_str();
    assert!(!client.seen.iter().any(about_package), "{:?}", client.seen);

    // It becomes a definition: linted by its content, as the command line would.
    let definition =
        "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": \"B\"}}}";
    client.replace(&package, 2, definition);
    assert_eq!(codes(&client.diagnostics(&package, 2)), ["unknown-target"]);
    // And stops being one: its diagnostics are cleared.
    client.replace(&package, 3, "{\"name\": \"app\"}");
    assert_eq!(client.diagnostics(&package, 3), Vec::<Value>::new());
    client.replace(&package, 4, "{\"name\": \"app2\"}");
    client.replace(&flow, 2, SAMPLE);
    client.diagnostics(&flow, 2);
    assert!(!client.seen.iter().any(about_package), "{:?}", client.seen);
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn hover_shows_the_rule_document_and_the_state_a_name_refers_to() {
    let dir = project();
    let (mut client, _) = Client::initialized(&dir, json!({}));
    let file = uri(&dir.join("order.asl.json"));
    client.open(&file, "json", SAMPLE);
    client.diagnostics(&file, 1);
    let hover = |client: &mut Client, line: i64, character: i64| {
        client.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": file}, "position": {"line": line, "character": character}}),
        )["result"]
            .clone()
    };
    let on_finding = hover(&mut client, line_of(SAMPLE, "\"Done\""), 16);
    assert_eq!(on_finding["contents"]["kind"], "markdown");
    let doc = on_finding["contents"]["value"].as_str().unwrap();
    assert!(doc.starts_with("# unknown-target\n"), "{doc}");
    assert!(doc.contains("## Bad"));
    assert_eq!(
        start(&on_finding["range"]),
        (line_of(SAMPLE, "\"Done\""), 14)
    );

    let next = line_of(SAMPLE, "\"Next\": \"Ship order\"");
    let on_state = hover(&mut client, next, 17);
    let text = on_state["contents"]["value"].as_str().unwrap();
    assert!(
        text.starts_with("**Task** state `Ship order` in the top-level States"),
        "{text}"
    );
    assert!(text.contains("arn:aws:states:::lambda:invoke"));
    let default = line_of(SAMPLE, "\"Default\": \"Out of stock\"");
    let on_fail = hover(&mut client, default, 20);
    assert!(on_fail["contents"]["value"]
        .as_str()
        .unwrap()
        .starts_with("**Fail** state `Out of stock`"));
    assert_eq!(hover(&mut client, 0, 0), Value::Null);
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn hover_on_a_resource_shows_the_integration_parameters() {
    let dir = project();
    let (mut client, _) = Client::initialized(&dir, json!({}));
    let file = uri(&dir.join("fetch.asl.json"));
    let text = r#"{"StartAt": "Fetch", "States": {"Fetch": {"Type": "Task",
  "Resource": "arn:aws:states:::aws-sdk:s3:getObject",
  "Parameters": {"Bucket": "b", "Key": "k"}, "End": true}}}"#;
    client.open(&file, "json", text);
    client.diagnostics(&file, 1);
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": file}, "position": {"line": 1, "character": 30}}),
    )["result"]
        .clone();
    let value = hover["contents"]["value"].as_str().unwrap_or("");
    assert!(value.starts_with("**aws-sdk:s3:getObject**"), "{hover}");
    assert!(
        value.contains("Required parameters: `Bucket`, `Key`"),
        "{value}"
    );
    assert!(value.contains("`VersionId`"), "{value}");
    assert_eq!(start(&hover["range"]), (1, 14));
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn definition_goes_from_a_transition_to_its_state() {
    let dir = project();
    let (mut client, _) = Client::initialized(&dir, json!({}));
    let file = uri(&dir.join("order.asl.json"));
    client.open(&file, "json", SAMPLE);
    let goto = |client: &mut Client, line: i64, character: i64| {
        client.request(
            "textDocument/definition",
            json!({"textDocument": {"uri": file}, "position": {"line": line, "character": character}}),
        )["result"]
            .clone()
    };
    // A Catcher's Next.
    let catcher = line_of(SAMPLE, "\"Next\": \"Refund\"");
    let column = SAMPLE
        .lines()
        .nth(catcher as usize)
        .unwrap()
        .find("\"Refund\"")
        .unwrap() as i64;
    let location = goto(&mut client, catcher, column + 2);
    assert_eq!(location["uri"], file.as_str());
    assert_eq!(
        start(&location["range"]),
        (line_of(SAMPLE, "\"Refund\": {"), 4)
    );
    assert_eq!(location["range"]["end"]["character"], 12);
    // StartAt, and a Choice rule's Next.
    let start_at = goto(&mut client, line_of(SAMPLE, "\"StartAt\""), 15);
    assert_eq!(
        start(&start_at["range"]).0,
        line_of(SAMPLE, "\"Validate order\": {")
    );
    let choice = line_of(SAMPLE, "\"Next\": \"Charge card\"");
    let column = SAMPLE
        .lines()
        .nth(choice as usize)
        .unwrap()
        .find("\"Charge card\"")
        .unwrap() as i64;
    let charge = goto(&mut client, choice, column + 1);
    assert_eq!(
        start(&charge["range"]).0,
        line_of(SAMPLE, "\"Charge card\": {")
    );
    // A name no state has, and a place that is no name.
    assert_eq!(
        goto(&mut client, line_of(SAMPLE, "\"Done\""), 16),
        Value::Null
    );
    assert_eq!(goto(&mut client, 5, 9), Value::Null);
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn document_symbols_nest_branches_and_map_states() {
    let text = r#"{
  "StartAt": "Fan out",
  "States": {
    "Fan out": {
      "Type": "Parallel",
      "Next": "Each",
      "Branches": [
        {"StartAt": "Left", "States": {"Left": {"Type": "Pass", "End": true}}},
        {"StartAt": "Right", "States": {"Right": {"Type": "Wait", "Seconds": 1, "End": true}}}
      ]
    },
    "Each": {
      "Type": "Map",
      "ItemProcessor": {"StartAt": "Work", "States": {"Work": {"Type": "Succeed"}}},
      "End": true
    }
  }
}
"#;
    let dir = project();
    let (mut client, _) = Client::initialized(&dir, json!({}));
    let file = uri(&dir.join("fan.asl.json"));
    client.open(&file, "json", text);
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": file}}),
    )["result"]
        .clone();
    let names = |list: &Value| -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names(&symbols), ["Fan out", "Each"]);
    assert_eq!(symbols[0]["detail"], "Parallel");
    assert_eq!(names(&symbols[0]["children"]), ["Branch 1", "Branch 2"]);
    assert_eq!(names(&symbols[0]["children"][1]["children"]), ["Right"]);
    assert_eq!(symbols[0]["children"][1]["children"][0]["detail"], "Wait");
    assert_eq!(names(&symbols[1]["children"]), ["Work"]);
    assert_eq!(start(&symbols[1]["selectionRange"]), (11, 4));
    assert_eq!(symbols[1]["range"]["end"]["line"], 15);
    assert_eq!(client.shutdown(), 0);
}

fn code_actions(client: &mut Client, file: &str, line: i64, character: i64) -> Vec<Value> {
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

fn titled<'a>(actions: &'a [Value], title: &str) -> &'a Value {
    actions
        .iter()
        .find(|a| a["title"] == title)
        .unwrap_or_else(|| panic!("no action {title:?} in {actions:#?}"))
}

fn edits_of(action: &Value, file: &str) -> Vec<Value> {
    action["edit"]["changes"][file].as_array().unwrap().clone()
}

#[test]
fn code_actions_fix_and_disable() {
    let dir = project();
    let (mut client, _) = Client::initialized(&dir, json!({}));
    let file = uri(&dir.join("order.asl.json"));
    client.open(&file, "json", SAMPLE);
    client.diagnostics(&file, 1);

    // The did-you-mean of unknown-target: safe, preferred, with its diagnostic.
    let line = line_of(SAMPLE, "\"Done\"");
    let actions = code_actions(&mut client, &file, line, 16);
    let fix = titled(&actions, "replace 'Done' with 'done'");
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["isPreferred"], true);
    assert_eq!(fix["diagnostics"][0]["code"], "unknown-target");
    let fixed = apply_edits(SAMPLE, &edits_of(fix, &file));
    assert!(fixed.contains("\"Next\": \"done\""));

    // Disabling the rule for the state writes the directive into a new Comment.
    let disable = titled(&actions, "disable unknown-target for state 'Ship order'");
    assert!(disable.get("isPreferred").is_none());
    let disabled = apply_edits(SAMPLE, &edits_of(disable, &file));
    assert!(
        disabled.contains("      \"Next\": \"Done\",\n      \"Comment\": \"asl-lint-disable unknown-target\"\n    },"),
        "{disabled}"
    );
    client.replace(&file, 2, &disabled);
    let after = client.diagnostics(&file, 2);
    assert!(
        !codes(&after).contains(&"unknown-target".to_string()),
        "{after:?}"
    );

    // An unsafe fix is offered, not preferred, and says so.
    let refund = line_of(&disabled, "\"Payload.$\": \"$.order\"\n      },\n      \"Retry\": [{ \"ErrorEquals\": [\"States.TaskFailed\"]");
    let actions = code_actions(&mut client, &file, refund, 24);
    let unsafe_fix = actions
        .iter()
        .find(|a| {
            a["diagnostics"][0]["code"] == "catch-replaces-input"
                && a["title"].as_str().unwrap().contains("ResultPath")
        })
        .unwrap_or_else(|| panic!("{actions:#?}"));
    assert!(unsafe_fix["title"].as_str().unwrap().contains("(unsafe"));
    assert!(unsafe_fix.get("isPreferred").is_none());

    // A finding outside every state: the machine's top-level Comment, which exists.
    let text = "{\n  \"Comment\": \"Orders\",\n  \"StartAt\": \"Strat\",\n  \"States\": {\"Start\": {\"Type\": \"Succeed\"}}\n}\n";
    let other = uri(&dir.join("other.asl.json"));
    client.open(&other, "json", text);
    assert!(codes(&client.diagnostics(&other, 1)).contains(&"unknown-target".to_string()));
    let actions = code_actions(&mut client, &other, 2, 15);
    let disable = titled(&actions, "disable unknown-target for this state machine");
    let disabled = apply_edits(text, &edits_of(disable, &other));
    assert!(disabled.contains("\"Comment\": \"Orders asl-lint-disable-file unknown-target\""));

    // Only other kinds asked for: none.
    let none = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": file}, "range": {"start": {"line": line, "character": 16}, "end": {"line": line, "character": 16}},
               "context": {"diagnostics": [], "only": ["refactor"]}}),
    );
    assert_eq!(none["result"], json!([]));
    assert_eq!(client.shutdown(), 0);
}

const TEMPLATE: &str = "AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  OrderFlow:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition:
        StartAt: Wait a bit
        States:
          Wait a bit:
            Type: Wait
            Seconds: 5
            Next: Finish
          Finish:
            Type: Succeed
          Orphan:
            Type: Pass
            End: true
";

#[test]
fn yaml_template_diagnostics_symbols_and_disable() {
    let dir = project();
    let (mut client, _) = Client::initialized(&dir, json!({}));
    let file = uri(&dir.join("template.yaml"));
    client.open(&file, "yaml", TEMPLATE);
    let diagnostics = client.diagnostics(&file, 1);
    assert_eq!(codes(&diagnostics), ["unreachable-state"]);
    assert_eq!(start(&diagnostics[0]["range"]), (15, 10));

    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": file}}),
    )["result"]
        .clone();
    assert_eq!(symbols[0]["name"], "OrderFlow");
    let states: Vec<&str> = symbols[0]["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["Wait a bit", "Finish", "Orphan"]);

    let goto = client.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": file}, "position": {"line": 12, "character": 18}}),
    );
    assert_eq!(start(&goto["result"]["range"]), (13, 10));

    let actions = code_actions(&mut client, &file, 15, 12);
    let disable = titled(&actions, "disable unreachable-state for state 'Orphan'");
    let disabled = apply_edits(TEMPLATE, &edits_of(disable, &file));
    assert!(
        disabled.ends_with(
            "            End: true\n            Comment: \"asl-lint-disable unreachable-state\"\n"
        ),
        "{disabled}"
    );
    client.replace(&file, 2, &disabled);
    assert_eq!(client.diagnostics(&file, 2), Vec::<Value>::new());
    assert_eq!(client.shutdown(), 0);
}

/// An EXPRESS template deploys a definition file; the definition's buffer is linted in that
/// context, and again when the template or the configuration changes on disk.
#[test]
fn a_referenced_definition_is_linted_in_its_templates_context() {
    let dir = project();
    let template = "Resources:\n  Flow:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Type: EXPRESS\n      DefinitionUri: flows/callback.asl.json\n      Policies: [{SQSSendMessagePolicy: {QueueName: approvals}}]\n";
    std::fs::write(dir.join("template.yaml"), template).unwrap();
    std::fs::create_dir_all(dir.join("flows")).unwrap();
    let definition = r#"{
  "StartAt": "Wait for approval",
  "States": {
    "Wait for approval": {
      "Type": "Task",
      "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/approvals", "MessageBody": {"token.$": "$$.Task.Token"}},
      "TimeoutSeconds": 60,
      "End": true
    }
  }
}
"#;
    let path = dir.join("flows/callback.asl.json");
    std::fs::write(&path, definition).unwrap();
    let (mut client, _) = Client::initialized(
        &dir,
        json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}),
    );
    // The server asks to be told about configuration files and templates.
    let registration = client.wait_for("a watcher registration", |m| {
        m["method"] == "client/registerCapability"
    });
    let id = registration["id"].clone();
    client.send(json!({"jsonrpc": "2.0", "id": id, "result": null}));
    let watchers = &registration["params"]["registrations"][0]["registerOptions"]["watchers"];
    assert_eq!(watchers[0]["globPattern"], "**/.asl-lint.toml");

    let file = uri(&path);
    client.open(&file, "json", definition);
    let diagnostics = client.diagnostics(&file, 1);
    assert_eq!(codes(&diagnostics), ["express-unsupported-integration"]);
    assert_eq!(start(&diagnostics[0]["range"]).0, 5);

    // The template, open and saved as STANDARD: the definition is linted again.
    let template_uri = uri(&dir.join("template.yaml"));
    client.open(&template_uri, "yaml", template);
    client.diagnostics(&template_uri, 1);
    let standard = template.replace("EXPRESS", "STANDARD");
    client.replace(&template_uri, 2, &standard);
    std::fs::write(dir.join("template.yaml"), &standard).unwrap();
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": template_uri}}),
    );
    assert_eq!(client.diagnostics(&file, 1), Vec::<Value>::new());

    // A configuration file appears on disk: the editor's watcher reports it.
    std::fs::write(dir.join(".asl-lint.toml"), "workflow_type = \"express\"\n").unwrap();
    std::fs::write(
        dir.join("template.yaml"),
        template.replace("Type: EXPRESS\n", ""),
    )
    .unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&dir.join(".asl-lint.toml")), "type": 1}]}),
    );
    assert_eq!(
        codes(&client.diagnostics(&file, 1)),
        ["express-unsupported-integration"]
    );
    // A broken one is shown to the user.
    std::fs::write(dir.join(".asl-lint.toml"), "workflow_type = 3\n").unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&dir.join(".asl-lint.toml")), "type": 2}]}),
    );
    let shown = client.wait_for("a configuration error", |m| {
        m["method"] == "window/showMessage"
    });
    assert!(
        shown["params"]["message"]
            .as_str()
            .unwrap()
            .contains(".asl-lint.toml"),
        "{shown}"
    );
    assert_eq!(shown["params"]["type"], 1);
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn terraform_files_are_linted_as_templates() {
    let dir = project();
    std::fs::create_dir_all(dir.join("sm")).unwrap();
    let definition = r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "Parameters": {"QueueUrl": "${queue}", "MessageBody": {"token.$": "$$.Task.Token"}}, "TimeoutSeconds": 60, "End": true}}}"#;
    let path = dir.join("sm/flow.asl.json");
    std::fs::write(&path, definition).unwrap();
    let main = "resource \"aws_sfn_state_machine\" \"flow\" {\n  type       = \"EXPRESS\"\n  definition = templatefile(\"sm/flow.asl.json\", { queue = aws_sqs_queue.q.url })\n}\n\nresource \"aws_sfn_state_machine\" \"inline\" {\n  definition = jsonencode({ StartAt = \"A\", States = { A = { Type = \"Pass\", Next = \"B\" } } })\n}\n";
    std::fs::write(dir.join("main.tf"), main).unwrap();
    let (mut client, _) = Client::initialized(&dir, json!({}));
    // The .tf file itself: findings in its jsonencode object, as you type.
    let tf = uri(&dir.join("main.tf"));
    client.open(&tf, "terraform", main);
    let diagnostics = client.diagnostics(&tf, 1);
    assert_eq!(codes(&diagnostics), ["unknown-target"]);
    assert_eq!(start(&diagnostics[0]["range"]).0, 6);
    // The definition it reads, in its context: EXPRESS, and the template's variable.
    let file = uri(&path);
    client.open(&file, "json", definition);
    assert_eq!(
        codes(&client.diagnostics(&file, 1)),
        ["express-unsupported-integration"]
    );
    // Saved as STANDARD: the definition is linted again.
    let standard = main.replace("EXPRESS", "STANDARD");
    client.replace(&tf, 2, &standard);
    std::fs::write(dir.join("main.tf"), &standard).unwrap();
    client.notify("textDocument/didSave", json!({"textDocument": {"uri": tf}}));
    assert_eq!(client.diagnostics(&file, 1), Vec::<Value>::new());
    assert_eq!(client.shutdown(), 0);
}

/// Positions past the end, reversed ranges, edits to documents never opened, documents nested
/// far too deep: answered or ignored, never a crash.
#[test]
fn hostile_positions_ranges_and_documents() {
    let dir = project();
    let (mut client, _) = Client::initialized(&dir, json!({}));
    let file = uri(&dir.join("order.asl.json"));
    client.open(&file, "json", SAMPLE);
    client.diagnostics(&file, 1);
    let far = json!({"line": 4_000_000_000u32, "character": 4_000_000_000u32});
    for method in ["textDocument/hover", "textDocument/definition"] {
        let answer = client.request(
            method,
            json!({"textDocument": {"uri": file}, "position": far}),
        );
        assert!(answer.get("result").is_some(), "{method}: {answer}");
    }
    let negative = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": file}, "position": {"line": -1, "character": 0}}),
    );
    assert_eq!(negative["error"]["code"], -32602);
    let everything = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": file}, "range": {"start": far, "end": {"line": 0, "character": 0}},
               "context": {"diagnostics": []}}),
    );
    assert!(
        everything["result"].as_array().unwrap().len() >= 5,
        "{everything}"
    );

    // Edits out of range are clamped; an edit to a document never opened is ignored.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": file, "version": 2}, "contentChanges": [
            {"range": {"start": far, "end": far}, "text": "\n"},
            {"range": {"start": {"line": 3, "character": 90}, "end": {"line": 2, "character": 0}}, "text": ""}
        ]}),
    );
    client.diagnostics(&file, 2);
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&dir.join("never.json")), "version": 2}, "contentChanges": [{"text": "{}"}]}),
    );

    // Nesting far past the parsers' bound, and a YAML alias bomb.
    let deep = format!(
        "{{\"StartAt\": \"A\", \"States\": {}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let deep_uri = uri(&dir.join("deep.asl.json"));
    client.open(&deep_uri, "json", &deep);
    assert_eq!(codes(&client.diagnostics(&deep_uri, 1)), ["parse-error"]);
    let mut bomb = String::from("StartAt: A\nStates:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let prev = i - 1;
        bomb.push_str(&format!(
            "  a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
        ));
    }
    let bomb_uri = uri(&dir.join("bomb.asl.yaml"));
    client.open(&bomb_uri, "yaml", &bomb);
    assert!(!client.diagnostics(&bomb_uri, 1).is_empty());
    for target in [&deep_uri, &bomb_uri] {
        let symbols = client.request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": target}}),
        );
        assert!(symbols["result"].is_array(), "{symbols}");
    }
    assert_eq!(client.shutdown(), 0);
}
