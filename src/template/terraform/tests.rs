//! Unit tests of the Terraform reader: the forms of a definition, values, rendering.

use super::module::{Definition, Module};
use super::render::Structural;
use super::*;
use crate::lint::terraform::references;
use crate::model::WorkflowType;
use crate::template::file_use::FileUse;

fn module(text: &str) -> Module {
    // A name without a directory of real files: no siblings are read.
    Module::load(
        "/nonexistent-asl-lint-dir/main.tf",
        text.to_string(),
        1 << 20,
    )
    .unwrap_or_else(|e| panic!("{}", e.message))
}

fn render_text(module: &Module, expr: &Expr) -> String {
    let Kind::Template(t) = &expr.kind else {
        panic!("not a template")
    };
    let no_json = |_: Span| -> Option<&Node> { None };
    let mut r = Renderer::new(&module.files[0].text, &no_json);
    let resolve = |e: &Expr| Inserted::Value(module.value(0, e));
    assert!(r.template(&t.parts, t.literals, &resolve).is_ok());
    r.out.text
}

#[test]
fn every_form_of_a_definition() {
    let m = module(
        r#"
locals {
  encoded = jsonencode({ StartAt = "A", States = {} })
  text    = <<-EOT
    {"StartAt": "A"}
  EOT
  vars    = { a = "x" }
}
data "template_file" "t" {
  template = file("${path.module}/t.json")
  vars     = { b = 2 }
}
resource "aws_sfn_state_machine" "object" {
  type       = "Express"
  definition = jsonencode({ StartAt = "A", States = {} })
}
resource "aws_sfn_state_machine" "local" { definition = local.encoded }
resource "aws_sfn_state_machine" "heredoc" { definition = local.text }
resource "aws_sfn_state_machine" "file" { definition = file("./sm/a.asl.json") }
resource "aws_sfn_state_machine" "yaml" { definition = jsonencode(yamldecode(file("sm/a.asl.yaml"))) }
resource "aws_sfn_state_machine" "templatefile" { definition = templatefile("sm/b.json", local.vars) }
resource "aws_sfn_state_machine" "data" { definition = data.template_file.t.rendered }
resource "aws_sfn_state_machine" "input" { definition = var.definition }
resource "aws_sfn_state_machine" "replaced" { definition = replace(file("x"), "a", "b") }
resource "aws_sfn_state_machine" "path" { definition = file("${var.dir}/x.json") }
module "registry" {
  source     = "terraform-aws-modules/step-functions/aws"
  definition = var.definition
}
module "wrapper" {
  source     = "./modules/sfn"
  definition = jsonencode({ StartAt = "A", States = {} })
}
module "other" {
  source     = "./modules/thing"
  definition = "not a state machine"
}
"#,
    );
    let machines = m.machines();
    let names: Vec<&str> = machines.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "aws_sfn_state_machine.object",
            "aws_sfn_state_machine.local",
            "aws_sfn_state_machine.heredoc",
            "aws_sfn_state_machine.file",
            "aws_sfn_state_machine.yaml",
            "aws_sfn_state_machine.templatefile",
            "aws_sfn_state_machine.data",
            "aws_sfn_state_machine.input",
            "aws_sfn_state_machine.replaced",
            "aws_sfn_state_machine.path",
            "module.registry",
            "module.wrapper",
        ]
    );
    assert_eq!(machines[0].workflow_type, Some(WorkflowType::Express));
    assert!(matches!(machines[0].definition, Definition::Object { .. }));
    assert!(matches!(machines[1].definition, Definition::Object { .. }));
    assert!(matches!(machines[2].definition, Definition::Text { .. }));
    assert!(
        matches!(&machines[3].definition, Definition::File { path, using: FileUse::Verbatim } if path == "sm/a.asl.json")
    );
    assert!(
        matches!(&machines[4].definition, Definition::File { path, using: FileUse::Verbatim } if path == "sm/a.asl.yaml")
    );
    assert!(matches!(
        &machines[5].definition,
        Definition::File { path, using: FileUse::Template(Some(vars)) }
            if path == "sm/b.json" && vars == &[("a".to_string(), Val::Str("x".into()))]
    ));
    assert!(matches!(
        &machines[6].definition,
        Definition::File { path, using: FileUse::Template(Some(vars)) }
            if path == "t.json" && vars == &[("b".to_string(), Val::Num("2".into()))]
    ));
    for (i, why) in [
        (7, "the input variable var.definition"),
        (8, "built by replace()"),
        (9, "\"${var.dir}/x.json\" is known only when Terraform runs"),
    ] {
        assert!(
            matches!(&machines[i].definition, Definition::Unavailable(reason) if reason.contains(why)),
            "{:?}",
            machines[i].definition
        );
    }
}

#[test]
fn lambda_arns_are_known_by_their_attribute() {
    let m = module(
        r#"
resource "aws_lambda_function" "a" { function_name = "fa" }
resource "aws_lambda_function" "p" {
  function_name = "${var.prefix}-fp"
  publish       = true
}
resource "aws_lambda_function" "v" {
  function_name = "fv"
  publish       = var.publish
}
resource "aws_lambda_alias" "live" {
  name          = "live"
  function_name = aws_lambda_function.a.arn
}
data "aws_lambda_function" "d" { function_name = "fd" }
module "fn" {
  source        = "terraform-aws-modules/lambda/aws"
  function_name = "fm"
}
locals {
  x = [
    aws_lambda_function.a.arn, aws_lambda_function.a.qualified_arn,
    aws_lambda_function.p.qualified_arn, aws_lambda_function.v.qualified_arn,
    aws_lambda_alias.live.arn, data.aws_lambda_function.d.arn,
    module.fn.lambda_function_arn, module.fn.lambda_function_qualified_arn,
    aws_lambda_function.a.invoke_arn, aws_lambda_function.undeclared.arn, var.fn,
  ]
}
"#,
    );
    let (f, expr) = m.local("x").unwrap();
    let Kind::Array(items) = &expr.kind else {
        panic!()
    };
    let values: Vec<String> = items.iter().map(|e| m.value(f, e).text()).collect();
    let arn = "arn:aws:lambda:us-east-1:123456789012:function";
    assert_eq!(
        values,
        [
            format!("{arn}:fa"),
            format!("{arn}:fa:$LATEST"),
            format!("{arn}:${{var.prefix}}-fp:1"),
            "${aws_lambda_function.v.qualified_arn}".to_string(),
            format!("{arn}:fa:live"),
            format!("{arn}:fd"),
            format!("{arn}:fm"),
            format!("{arn}:fm:$LATEST"),
            "${aws_lambda_function.a.invoke_arn}".to_string(),
            format!("{arn}:undeclared"),
            "${var.fn}".to_string(),
        ]
    );
    let mut functions = m.functions();
    functions.sort();
    assert_eq!(
        functions,
        [
            (
                "${var.prefix}-fp".to_string(),
                "aws_lambda_function.p".to_string()
            ),
            ("fa".to_string(), "aws_lambda_function.a".to_string()),
            ("fm".to_string(), "module.fn".to_string()),
            ("fv".to_string(), "aws_lambda_function.v".to_string()),
        ]
    );
}

#[test]
fn heredocs_render_byte_for_byte_with_escapes_and_values() {
    let text = "locals {\n  d = <<-EOT\n    {\"A\": \"${aws_lambda_function.f.arn}\",\n     \"B\": \"$${keep}\", \"N\": ${var.n}}\n  EOT\n}\n";
    let m = module(text);
    let (_, expr) = m.local("d").unwrap();
    let rendered = render_text(&m, expr);
    assert_eq!(
        rendered,
        "{\"A\": \"arn:aws:lambda:us-east-1:123456789012:function:f\",\n \"B\": \"${keep}\", \"N\": \"${var.n}\"}\n"
    );
    // Literal text maps back to its bytes in the heredoc, past the stripped indentation.
    let Kind::Template(t) = &expr.kind else {
        panic!()
    };
    let no_json = |_: Span| -> Option<&Node> { None };
    let mut r = Renderer::new(text, &no_json);
    let resolve = |e: &Expr| Inserted::Value(m.value(0, e));
    assert!(r.template(&t.parts, t.literals, &resolve).is_ok());
    let rebuilt = r.out;
    let mut locator = rebuilt.locator(text);
    let at = rebuilt.text.find("\"B\"").unwrap();
    let span = locator.span(Span::new(at, at + 3)).unwrap();
    assert_eq!(&text[span.start..span.end], "\"B\"");
    let at = rebuilt.text.find("${keep}").unwrap();
    let span = locator.span(Span::new(at, at + 7)).unwrap();
    assert_eq!(&text[span.start..span.end], "$${keep}");
}

#[test]
fn directives_inside_strings_are_unknown_and_outside_are_not_rendered() {
    let m = module(
        "locals {\n  a = <<EOT\n{\"x\": \"%{ if var.b }y%{ endif }\"}\nEOT\n  b = <<EOT\n{%{ for k in var.ks }\"${k}\": 1,%{ endfor }\"z\": 2}\nEOT\n}\n",
    );
    let (_, a) = m.local("a").unwrap();
    assert_eq!(render_text(&m, a), "{\"x\": \"${if var.b y endif}\"}\n");
    let (_, b) = m.local("b").unwrap();
    let Kind::Template(t) = &b.kind else { panic!() };
    let no_json = |_: Span| -> Option<&Node> { None };
    let mut r = Renderer::new(&m.files[0].text, &no_json);
    let resolve = |e: &Expr| Inserted::Value(m.value(0, e));
    let Err(Structural(at)) = r.template(&t.parts, t.literals, &resolve) else {
        panic!("rendered a structural directive")
    };
    assert!(m.files[0].text[at.start..at.end].starts_with("%{ for k"));
}

#[test]
fn templatefile_variables_are_checked() {
    let vars = vec![
        ("table".to_string(), Val::Str("orders".into())),
        ("n".to_string(), Val::Num("3".into())),
    ];
    let text = "{\"T\": \"${table}\", \"U\": \"${tabel}\", \"N\": ${n}, \"J\": ${jsonencode(n)}}";
    let rendered = render_file(text, Some(&vars)).unwrap();
    assert_eq!(
        rendered,
        "{\"T\": \"orders\", \"U\": \"${tabel}\", \"N\": 3, \"J\": \"${jsonencode(n)}\"}"
    );
    // Without the map, every interpolation is unknown and none is reported.
    let rendered = render_file(text, None).unwrap();
    assert!(rendered.contains("\"N\": \"${n}\""), "{rendered}");
}

#[test]
fn terraform_json_syntax() {
    let text = r#"{"locals": {"d": "${jsonencode({StartAt = \"A\", States = {}})}"},
      "resource": {"aws_sfn_state_machine": {"m": {"type": "EXPRESS", "definition": "${local.d}"}}},
      "module": {"n": {"source": "terraform-aws-modules/step-functions/aws", "definition": "{\"StartAt\": \"${var.s}\"}"}}}"#;
    let m = Module::load(
        "/nonexistent-asl-lint-dir/main.tf.json",
        text.to_string(),
        1 << 20,
    )
    .unwrap_or_else(|e| panic!("{}", e.message));
    let machines = m.machines();
    assert_eq!(machines.len(), 2);
    assert_eq!(machines[0].name, "aws_sfn_state_machine.m");
    assert_eq!(machines[0].workflow_type, Some(WorkflowType::Express));
    let Definition::Object { expr, .. } = &machines[0].definition else {
        panic!("{:?}", machines[0].definition)
    };
    // The object's spans are in the file, inside the JSON string.
    assert_eq!(&text[expr.span.start..expr.span.start + 8], "{StartAt");
    assert!(matches!(machines[1].definition, Definition::Text { .. }));
}

#[test]
fn files_without_machines_are_not_templates() {
    let dir = std::env::temp_dir().join(format!("asl-lint-tf-index-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let vpc = dir.join("vpc.tf");
    std::fs::write(
        &vpc,
        "resource \"aws_vpc\" \"v\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n",
    )
    .unwrap();
    let broken = dir.join("broken.tf");
    std::fs::write(&broken, "resource {").unwrap();
    let index = crate::engine::index::TemplateIndex::build(&[vpc, broken], None, 1 << 20);
    assert!(index.is_empty());
    assert!(references(
        &dir.join("vpc.tf").to_string_lossy(),
        "resource \"aws_vpc\" \"v\" {}"
    )
    .is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn names() {
    for name in ["main.tf", "a/b.TF", "x.tf.json", "main.tofu", "m.tofu.json"] {
        assert!(is_terraform(name), "{name}");
    }
    for name in ["main.tfvars", "tf.json", "a.hcl", "terraform.json"] {
        assert!(!is_terraform(name), "{name}");
    }
}
