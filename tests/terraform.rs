//! Terraform and OpenTofu: state machines linted where their definitions are written. Each test
//! writes a small project to a scratch directory and runs the binary on it, as a user would.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn project(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = common::scratch(&format!("terraform/{name}"));
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    for (rel, text) in files {
        common::write(&dir, rel, text);
    }
    dir
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

fn lint_json(dir: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--format", "json", "--fail-on", "never"];
    all.extend_from_slice(args);
    let out = run(dir, &all);
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

/// (file name, line, column) of a finding.
fn at(d: &Value) -> (String, u64, u64) {
    let path = d["path"].as_str().unwrap();
    let file = Path::new(path).file_name().unwrap().to_string_lossy();
    (
        file.into_owned(),
        d["line"].as_u64().unwrap(),
        d["column"].as_u64().unwrap(),
    )
}

const TEMPLATEFILE_MAIN: &str = r#"resource "aws_lambda_function" "pay" {
  function_name = "pay"
  role          = aws_iam_role.lambda.arn
  filename      = "pay.zip"
  handler       = "index.handler"
  runtime       = "nodejs20.x"
}

resource "aws_lambda_alias" "ship_live" {
  name          = "live"
  function_name = "ship"
}

resource "aws_sfn_state_machine" "checkout" {
  name     = "checkout"
  role_arn = aws_iam_role.sfn.arn
  type     = "EXPRESS"

  definition = templatefile("${path.module}/statemachine/checkout.asl.json", {
    pay_arn  = aws_lambda_function.pay.arn
    ship_arn = aws_lambda_alias.ship_live.arn
    table    = aws_dynamodb_table.orders.name
    retries  = 3
  })
}
"#;

const TEMPLATEFILE_DEFINITION: &str = r#"{
  "StartAt": "Pay",
  "States": {
    "Pay": {
      "Type": "Task",
      "Resource": "arn:aws:states:::lambda:invoke",
      "Parameters": {"FunctionName": "${pay_arn}", "Payload.$": "$"},
      "Retry": [{"ErrorEquals": ["States.TaskFailed"], "MaxAttempts": ${retries}}],
      "Next": "Ship"
    },
    "Ship": {
      "Type": "Task",
      "Resource": "arn:aws:states:::lambda:invoke",
      "Parameters": {"FunctionName": "${ship_arn}", "Payload.$": "$"},
      "Retry": [{"ErrorEquals": ["States.TaskFailed"]}],
      "Next": "Record"
    },
    "Record": {
      "Type": "Task",
      "Resource": "arn:aws:states:::dynamodb:putItem.sync",
      "Parameters": {"TableName": "${tabel}", "Item": {"id": {"S.$": "$.id"}}},
      "TimeoutSeconds": 30,
      "End": true
    }
  }
}
"#;

#[test]
fn templatefile_gives_the_definition_file_its_variables_and_type() {
    let dir = project(
        "templatefile",
        &[
            ("main.tf", TEMPLATEFILE_MAIN),
            ("statemachine/checkout.asl.json", TEMPLATEFILE_DEFINITION),
        ],
    );
    // The whole project, and the definition named alone (what a pre-commit hook runs): the
    // same findings, in the definition file, for the machine the .tf file declares.
    for args in [&["."][..], &["statemachine/checkout.asl.json"][..]] {
        let report = lint_json(&dir, args);
        assert!(findings(&report, "parse-error").is_empty(), "{report:#}");
        // pay_arn is the function's unqualified ARN; ship_arn an alias's.
        let unpinned = findings(&report, "unversioned-lambda");
        assert_eq!(unpinned.len(), 1, "{report:#}");
        assert_eq!(unpinned[0]["machine"], "aws_sfn_state_machine.checkout");
        assert_eq!(unpinned[0]["state"], "Pay");
        assert_eq!(at(unpinned[0]), ("checkout.asl.json".into(), 7, 38));
        let help = unpinned[0]["help"].as_str().unwrap();
        assert!(
            help.contains("set publish = true on aws_lambda_function.pay"),
            "{help}"
        );
        // ${tabel} is no templatefile variable: Terraform fails to render it.
        let unknown = findings(&report, "unknown-substitution");
        assert_eq!(unknown.len(), 1, "{report:#}");
        assert_eq!(at(unknown[0]), ("checkout.asl.json".into(), 21, 36));
        let message = unknown[0]["message"].as_str().unwrap();
        assert!(
            message.contains("${tabel}, which the templatefile() variables do not define"),
            "{message}"
        );
        assert_eq!(unknown[0]["help"], "did you mean ${table}?");
        // type = "EXPRESS" reaches the file: .sync is not for EXPRESS workflows.
        let express = findings(&report, "express-unsupported-integration");
        assert_eq!(express.len(), 1, "{report:#}");
        assert_eq!(at(express[0]), ("checkout.asl.json".into(), 20, 19));
        assert_eq!(report["summary"]["machines"], 1, "{report:#}");
    }
}

#[test]
fn file_reads_the_definition_as_it_is() {
    let dir = project(
        "file",
        &[
            (
                "main.tf",
                r#"resource "aws_sfn_state_machine" "crud" {
  name       = "crud"
  role_arn   = aws_iam_role.sfn.arn
  definition = file("crud.asl.json")
}
"#,
            ),
            (
                "crud.asl.json",
                r#"{"StartAt": "Scan", "States": {"Scan": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:dynamodb:scan", "Parameters": {"TableName": "${Table}"}, "End": true}}}"#,
            ),
        ],
    );
    let report = lint_json(&dir, &["."]);
    let unknown = findings(&report, "unknown-substitution");
    assert_eq!(unknown.len(), 1, "{report:#}");
    assert_eq!(at(unknown[0]), ("crud.asl.json".into(), 1, 140));
    let message = unknown[0]["message"].as_str().unwrap();
    assert!(
        message.contains("file() reads the definition as it is"),
        "{message}"
    );
    assert!(unknown[0]["help"]
        .as_str()
        .unwrap()
        .contains("templatefile(path, { Table = … })"));
}

#[test]
fn template_file_data_source_and_a_local() {
    let dir = project(
        "template-file",
        &[
            (
                "main.tf",
                r#"data "template_file" "definition" {
  template = file("${path.module}/flow.json")
  vars = {
    queue_url = aws_sqs_queue.work.url
  }
}

resource "aws_sfn_state_machine" "flow" {
  name       = "flow"
  role_arn   = aws_iam_role.sfn.arn
  definition = local.definition
}
"#,
            ),
            // The local lives in another file of the module.
            (
                "locals.tf",
                "locals {\n  definition = data.template_file.definition.rendered\n}\n",
            ),
            (
                "flow.json",
                r#"{
  "StartAt": "Send",
  "States": {
    "Send": {
      "Type": "Task",
      "Resource": "arn:aws:states:::sqs:sendMessage",
      "Parameters": {"QueueUrl": "${queue_url}", "MessageBody.$": "$"},
      "Next": "Missing"
    }
  }
}
"#,
            ),
        ],
    );
    let report = lint_json(&dir, &["."]);
    let target = findings(&report, "unknown-target");
    assert_eq!(target.len(), 1, "{report:#}");
    assert_eq!(at(target[0]), ("flow.json".into(), 8, 15));
    assert_eq!(target[0]["machine"], "aws_sfn_state_machine.flow");
    assert!(findings(&report, "unknown-substitution").is_empty());
}

#[test]
fn directives_and_unquoted_interpolations_in_a_template_file() {
    let dir = project(
        "directives",
        &[
            (
                "main.tf",
                r#"resource "aws_sfn_state_machine" "steps" {
  definition = templatefile("steps.json.tftpl", { steps = var.steps, greeting = "hi" })
}
resource "aws_sfn_state_machine" "greet" {
  definition = templatefile("greet.json", { formal = var.formal })
}
"#,
            ),
            (
                "steps.json.tftpl",
                "{\"StartAt\": \"A\", \"States\": {\n%{ for s in steps }\"${s}\": {\"Type\": \"Pass\"},\n%{ endfor }\"A\": {\"Type\": \"Pass\", \"End\": true}}}\n",
            ),
            (
                "greet.json",
                "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Result\": \"%{ if formal }Good day%{ else }Hi%{ endif }\", \"ResultPath\": ${formal}, \"End\": true}}}\n",
            ),
        ],
    );
    let report = lint_json(&dir, &["."]);
    // The structural directive: nothing is judged, one note at the directive.
    let unread = findings(&report, "unreadable-definition");
    assert_eq!(unread.len(), 1, "{report:#}");
    assert_eq!(at(unread[0]), ("steps.json.tftpl".into(), 2, 1));
    // The directive inside a string and the unquoted value are unknown, not errors.
    let greet: Vec<&Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["path"].as_str().unwrap().ends_with("greet.json"))
        .collect();
    assert!(greet.is_empty(), "{report:#}");
}

#[test]
fn fixes_apply_in_heredocs_jsonencode_strings_and_referenced_files() {
    let main = r#"resource "aws_sfn_state_machine" "heredoc" {
  definition = <<-EOT
    {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Wiat"}, "Wait": {"Type": "Succeed"}}}
  EOT
}
resource "aws_sfn_state_machine" "encoded" {
  definition = jsonencode({
    StartAt = "A"
    States = {
      A    = { Type = "Pass", Next = "Wiat" }
      Wait = { Type = "Succeed" }
    }
  })
}
resource "aws_sfn_state_machine" "file" {
  definition = templatefile("flow.asl.json", { x = "y" })
}
"#;
    let flow = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Comment": "${x}", "Next": "Wiat"}, "Wait": {"Type": "Succeed"}}}"#;
    let dir = project("fix", &[("main.tf", main), ("flow.asl.json", flow)]);
    let out = run(&dir, &["--fix", "."]);
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fixed = std::fs::read_to_string(dir.join("main.tf")).unwrap();
    assert_eq!(fixed, main.replace("Wiat", "Wait"), "{fixed}");
    let fixed = std::fs::read_to_string(dir.join("flow.asl.json")).unwrap();
    assert_eq!(fixed, flow.replace("Wiat", "Wait"));
    let report = lint_json(&dir, &["."]);
    assert!(findings(&report, "unknown-target").is_empty(), "{report:#}");
}

#[test]
fn no_fix_is_offered_where_hcl_would_break() {
    // A bare identifier or a string with an interpolation cannot be rewritten with certainty.
    let main = r#"locals {
  next = "Wiat"
}
resource "aws_sfn_state_machine" "encoded" {
  definition = jsonencode({
    StartAt = "A"
    States = {
      A    = { Type = "Pass", Next = local.next }
      B    = { Type = "Pass", Next = "${local.next}" }
      Wait = { Type = "Succeed" }
    }
  })
}
"#;
    let dir = project("no-fix", &[("main.tf", main)]);
    let report = lint_json(&dir, &["."]);
    let targets = findings(&report, "unknown-target");
    assert_eq!(targets.len(), 2, "{report:#}");
    for d in targets {
        assert!(d["fix"].is_null(), "{d:#}");
    }
    let out = run(&dir, &["--fix", "."]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(dir.join("main.tf")).unwrap(), main);
}

#[test]
fn walking_finds_terraform_and_opentofu_files_that_declare_machines() {
    let machine = |name: &str| {
        format!(
            "resource \"aws_sfn_state_machine\" \"{name}\" {{\n  definition = jsonencode({{ StartAt = \"A\", States = {{ A = {{ Type = \"Pass\", Next = \"B\" }} }} }})\n}}\n"
        )
    };
    let dir = project(
        "walk",
        &[
            ("infra/main.tf", &machine("tf")),
            ("infra/tofu/main.tofu", &machine("tofu")),
            (
                "infra/network/vpc.tf",
                "resource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n",
            ),
            ("infra/broken/other.tf", "this is { not HCL"),
        ],
    );
    let report = lint_json(&dir, &["."]);
    let mut machines: Vec<&str> = findings(&report, "unknown-target")
        .iter()
        .map(|d| d["machine"].as_str().unwrap())
        .collect();
    machines.sort();
    assert_eq!(
        machines,
        ["aws_sfn_state_machine.tf", "aws_sfn_state_machine.tofu"]
    );
    // A .tf file without a state machine is not ours, not even when it does not parse.
    assert_eq!(report["summary"]["files"], 2, "{report:#}");
    assert!(findings(&report, "parse-error").is_empty());
}

#[test]
fn the_resource_address_names_the_machine_in_sarif_and_graph() {
    let dir = project(
        "names",
        &[(
            "main.tf",
            r#"resource "aws_sfn_state_machine" "orders" {
  definition = jsonencode({ StartAt = "A", States = { A = { Type = "Pass", Next = "B" } } })
}
module "step_function" {
  source     = "terraform-aws-modules/step-functions/aws"
  definition = jsonencode({ StartAt = "A", States = { A = { Type = "Succeed" } } })
}
"#,
        )],
    );
    let out = run(&dir, &["--format", "sarif", "."]);
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(
        result["properties"]["machine"], "aws_sfn_state_machine.orders",
        "{result:#}"
    );
    let out = run(
        &dir,
        &["graph", "--machine", "module.step_function", "main.tf"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let graph = String::from_utf8_lossy(&out.stdout);
    assert!(graph.contains("Succeed"), "{graph}");
    let out = run(&dir, &["graph", "main.tf"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("aws_sfn_state_machine.orders, module.step_function"),
        "{err}"
    );
}

/// Real configurations from public repositories (`tests/data/terraform-corpus`, sources and
/// licences in its SOURCES.md): no error, and every finding as reviewed in `findings.expected`
/// (`UPDATE_EXPECT=terraform-corpus` rewrites it, for a new review).
#[test]
fn real_terraform_configurations_lint_without_false_errors() {
    let corpus = common::root().join("tests/data/terraform-corpus");
    let report = lint_json(&corpus, &["."]);
    let diagnostics = report["diagnostics"].as_array().unwrap();
    let lines: Vec<String> = diagnostics
        .iter()
        .map(|d| {
            format!(
                "{}:{}:{} {} {} {} {}",
                d["path"].as_str().unwrap().trim_start_matches("./"),
                d["line"],
                d["column"],
                d["severity"].as_str().unwrap(),
                d["rule"].as_str().unwrap(),
                d["machine"].as_str().unwrap_or("-"),
                d["message"].as_str().unwrap()
            )
        })
        .collect();
    let errors: Vec<&String> = (lines.iter().zip(diagnostics))
        .filter(|(_, d)| d["severity"] == "error")
        .map(|(l, _)| l)
        .collect();
    assert!(
        errors.is_empty(),
        "errors on real configurations:\n{errors:#?}"
    );
    let machines = report["summary"]["machines"].as_u64().unwrap();
    eprintln!(
        "terraform corpus: {} files, {machines} state machines, {} findings",
        report["summary"]["files"],
        lines.len()
    );
    assert!(machines >= 30, "{report:#}");
    let expected_path = corpus.join("findings.expected");
    let actual = lines.join("\n") + "\n";
    if common::updating_dir("terraform-corpus") {
        std::fs::write(&expected_path, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
    assert!(
        expected == actual,
        "findings on the corpus changed: review them and run UPDATE_EXPECT=terraform-corpus cargo test --test terraform\n--- expected\n{expected}--- actual\n{actual}"
    );
}

/// The README's Terraform example reports what the README says it does.
#[test]
fn readme_terraform_example() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let section = &readme[readme.find("<!-- terraform:start -->").unwrap()
        ..readme.find("<!-- terraform:end -->").unwrap()];
    let hcl = &section[section.find("```hcl\n").unwrap() + 7..section.rfind("```").unwrap()];
    let dir = project("readme", &[("main.tf", hcl)]);
    let report = lint_json(&dir, &["."]);
    let found = findings(&report, "unversioned-lambda");
    assert_eq!(found.len(), 1, "{report:#}");
    assert_eq!(found[0]["machine"], "aws_sfn_state_machine.orders");
    assert!(found[0]["pointer"]
        .as_str()
        .unwrap()
        .ends_with("/Parameters/FunctionName"));
    let pinned = hcl.replace("charge.arn", "charge.qualified_arn").replace(
        "runtime       = \"nodejs20.x\"",
        "runtime = \"nodejs20.x\"\n  publish = true",
    );
    let dir = project("readme-pinned", &[("main.tf", &pinned)]);
    assert!(findings(&lint_json(&dir, &["."]), "unversioned-lambda").is_empty());
}
