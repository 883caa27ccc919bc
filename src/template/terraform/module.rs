//! A Terraform module: the `.tf` and `.tf.json` files of one directory, read together because
//! a resource in `main.tf` may take its definition from a local in `locals.tf`. It finds the
//! state machines (`aws_sfn_state_machine` resources and `terraform-aws-modules/step-functions`
//! modules) and where each definition is written.

use std::path::{Path, PathBuf};

use crate::document::{json, Document};
use crate::model::WorkflowType;
use crate::source::Span;

use super::syntax::{self, Block, Body, Expr, Kind};
use super::value::Val;

/// Sibling files read for one module, at most; a directory with more is not a module anyone
/// writes by hand, and reading them all for each file would cost more than the lint.
const MAX_SIBLINGS: usize = 100;
/// The largest sibling read (as for templates: Terraform files over this are generated).
const MAX_SIBLING_SIZE: u64 = 4 << 20;
/// Locals pointing at locals, at most.
const MAX_HOPS: usize = 16;

/// The module sources that deploy a state machine from their `definition` input.
const STEP_FUNCTIONS_MODULES: &[&str] = &[
    "terraform-aws-modules/step-functions/aws",
    "terraform-aws-modules/terraform-aws-step-functions",
];
const LAMBDA_MODULE: &str = "terraform-aws-modules/lambda/aws";

pub struct File {
    pub text: String,
    pub body: Body,
    /// The parsed JSON of a `.tf.json` file.
    pub json: Option<Document>,
}

/// Why a file is not a Terraform file this linter can read.
pub struct Unreadable {
    pub message: String,
    pub span: Span,
}

impl File {
    pub fn parse(name: &str, text: String) -> Result<File, Unreadable> {
        if super::is_json_name(name) {
            let document = json::parse(&text).map_err(|e| Unreadable {
                message: e.message,
                span: e.span,
            })?;
            let body = syntax::from_json(&document.root, &text);
            return Ok(File {
                text,
                body,
                json: Some(document),
            });
        }
        let body = hcl_edit::parser::parse_body(&text).map_err(|e| {
            let mut at = e.location().offset().min(text.len());
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
            Unreadable {
                message: format!("invalid HCL: {}", e.message()),
                span: Span::new(at, end),
            }
        })?;
        Ok(File {
            body: syntax::from_hcl(&body),
            text,
            json: None,
        })
    }
}

pub struct Module {
    /// The file being linted first, then its siblings.
    pub files: Vec<File>,
}

/// How a definition file is used.
#[derive(Clone, Debug, PartialEq)]
pub enum FileUse {
    /// `file()`: read as it is; a `${…}` in it reaches Step Functions as text.
    Verbatim,
    /// `templatefile()` or a `template_file` data source: rendered with these variables
    /// (`None` when the map is not written out here).
    Template(Option<Vec<(String, Val)>>),
}

/// Where a machine's definition is written.
#[derive(Debug)]
pub enum Definition<'m> {
    /// `jsonencode({…})`: the object, in file `file`.
    Object {
        file: usize,
        expr: &'m Expr,
    },
    /// A heredoc or quoted string holding JSON, in file `file`.
    Text {
        file: usize,
        expr: &'m Expr,
    },
    /// A file next to the module: the path as written (relative to the module's directory).
    File {
        path: String,
        using: FileUse,
    },
    Unavailable(String),
}

#[derive(Debug)]
pub struct Machine<'m> {
    /// `aws_sfn_state_machine.orders` or `module.step_function`.
    pub name: String,
    /// The file of the resource or module block, and the span of its name label.
    pub file: usize,
    pub anchor: Span,
    /// The `definition` attribute's value (or the block, without one).
    pub at: Span,
    pub workflow_type: Option<WorkflowType>,
    pub definition: Definition<'m>,
}

impl Module {
    /// The module of the file `name` holding `text`: it and the Terraform files beside it.
    pub fn load(name: &str, text: String, limit: u64) -> Result<Module, Unreadable> {
        let first = File::parse(name, text)?;
        let mut files = vec![first];
        for path in siblings(Path::new(name)) {
            let Ok(bytes) = crate::files::read_file(&path, limit.min(MAX_SIBLING_SIZE)) else {
                continue;
            };
            let Ok(text) = String::from_utf8(bytes) else {
                continue;
            };
            if let Ok(file) = File::parse(&path.to_string_lossy(), text) {
                files.push(file);
            }
        }
        Ok(Module { files })
    }

    fn blocks(&self) -> impl Iterator<Item = (usize, &Block)> {
        self.files
            .iter()
            .enumerate()
            .flat_map(|(i, f)| f.body.blocks.iter().map(move |b| (i, b)))
    }

    fn labeled(&self, kind: &str, labels: &[&str]) -> Option<(usize, &Block)> {
        self.blocks().find(|(_, b)| {
            b.kind == kind
                && b.labels.len() == labels.len()
                && b.labels.iter().zip(labels).all(|((l, _), want)| l == want)
        })
    }

    pub fn resource(&self, ty: &str, name: &str) -> Option<(usize, &Block)> {
        self.labeled("resource", &[ty, name])
    }

    pub fn data(&self, ty: &str, name: &str) -> Option<(usize, &Block)> {
        self.labeled("data", &[ty, name])
    }

    /// `local.name`: its expression and file.
    pub fn local(&self, name: &str) -> Option<(usize, &Expr)> {
        self.blocks()
            .filter(|(_, b)| b.kind == "locals")
            .find_map(|(f, b)| b.body.get(name).map(|e| (f, e)))
    }

    /// A module block calling `terraform-aws-modules/lambda/aws`.
    pub fn lambda_module(&self, name: &str) -> Option<(usize, &Block)> {
        let (f, block) = self.labeled("module", &[name])?;
        let source = self.source_of(block)?;
        (source == LAMBDA_MODULE || source.ends_with(&format!("/{LAMBDA_MODULE}")))
            .then_some((f, block))
    }

    fn source_of(&self, block: &Block) -> Option<String> {
        block.body.get("source")?.as_literal_str()
    }

    /// The Lambda functions the module declares, by the name their ARNs resolve to, with
    /// their Terraform address.
    pub fn functions(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (f, b) in self.blocks() {
            let (address, named) = match (b.kind.as_str(), b.labels.as_slice()) {
                ("resource", [(ty, _), (name, _)]) if ty == "aws_lambda_function" => {
                    (format!("aws_lambda_function.{name}"), name)
                }
                ("module", [(name, _)]) if self.lambda_module(name).is_some() => {
                    (format!("module.{name}"), name)
                }
                _ => continue,
            };
            let function = self.function_name(f, b, named);
            out.push((function, address));
        }
        out
    }

    /// The state machines declared in the module, in file then source order.
    pub fn machines(&self) -> Vec<Machine<'_>> {
        let mut out = Vec::new();
        for (f, block) in self.blocks() {
            let name = match (block.kind.as_str(), block.labels.as_slice()) {
                ("resource", [(ty, _), (name, span)]) if ty == "aws_sfn_state_machine" => {
                    (format!("aws_sfn_state_machine.{name}"), *span)
                }
                ("module", [(name, span)]) => {
                    let known = self.source_of(block).is_some_and(|s| {
                        STEP_FUNCTIONS_MODULES
                            .iter()
                            .any(|m| s == *m || s.contains(m) || s.starts_with(&format!("{m}?")))
                    });
                    // Another module given a definition that is evidently one.
                    if !known && !self.holds_definition(f, block) {
                        continue;
                    }
                    (format!("module.{name}"), *span)
                }
                _ => continue,
            };
            let workflow_type = block.body.get("type").and_then(|e| match self.value(f, e) {
                Val::Str(s) => WorkflowType::parse(&s),
                _ => None,
            });
            let (at, definition) = match block.body.get("definition") {
                Some(e) => (e.span, self.definition(f, e, 0)),
                None => (
                    block.span,
                    Definition::Unavailable("the block has no definition".to_string()),
                ),
            };
            out.push(Machine {
                name: name.0,
                file: f,
                anchor: name.1,
                at,
                workflow_type,
                definition,
            });
        }
        out
    }

    /// A module block whose `definition` is written here as an object with `StartAt` and
    /// `States`, or as JSON text naming both.
    fn holds_definition(&self, file: usize, block: &Block) -> bool {
        let Some(e) = block.body.get("definition") else {
            return false;
        };
        match self.definition(file, e, 0) {
            Definition::Object { expr, .. } => {
                let Kind::Object(members) = &expr.kind else {
                    return false;
                };
                ["StartAt", "States"]
                    .iter()
                    .all(|k| members.iter().any(|(key, _)| key.name == *k))
            }
            Definition::Text { file, expr } => {
                let text = &self.files[file].text;
                let written = text.get(expr.span.start..expr.span.end).unwrap_or("");
                written.contains("\"StartAt\"") && written.contains("\"States\"")
            }
            _ => false,
        }
    }

    /// What the expression `e` (in file `file`) given as a definition is.
    fn definition<'m>(&'m self, file: usize, e: &'m Expr, hops: usize) -> Definition<'m> {
        let unavailable = |why: String| Definition::Unavailable(why);
        if hops > MAX_HOPS {
            return unavailable("the definition is a chain of locals too long to follow".into());
        }
        match &e.kind {
            Kind::Template(_) => Definition::Text { file, expr: e },
            Kind::Call(name, args) => match (name.as_str(), args.as_slice()) {
                ("jsonencode", [arg]) => match &arg.kind {
                    Kind::Object(_) => Definition::Object { file, expr: arg },
                    Kind::Call(decode, inner) if decode == "yamldecode" || decode == "jsondecode" => {
                        match inner.as_slice() {
                            [read] if matches!(&read.kind, Kind::Call(n, _) if n == "file") => {
                                self.definition(file, read, hops + 1)
                            }
                            _ => unavailable(format!("the definition is jsonencode of {decode}() of an expression this linter does not evaluate")),
                        }
                    }
                    Kind::Reference(path) if path.first().is_some_and(|p| p == "local") => {
                        match self.definition(file, arg, hops + 1) {
                            Definition::Object { file, expr } => Definition::Object { file, expr },
                            Definition::Unavailable(why) => unavailable(why),
                            _ => unavailable(format!(
                                "the definition is jsonencode of {} that is not an object",
                                path.join(".")
                            )),
                        }
                    }
                    _ => unavailable(
                        "the definition is jsonencode of an expression this linter does not evaluate"
                            .into(),
                    ),
                },
                ("file", [path]) => self.file_definition(file, path, FileUse::Verbatim),
                ("templatefile", [path, vars]) => {
                    let vars = self.vars(file, vars, hops);
                    self.file_definition(file, path, FileUse::Template(vars))
                }
                _ => unavailable(format!(
                    "the definition is built by {name}(), which this linter does not evaluate"
                )),
            },
            Kind::Reference(path) => {
                let parts: Vec<&str> = path.iter().map(String::as_str).collect();
                match parts.as_slice() {
                    ["local", name] => match self.local(name) {
                        Some((f, expr)) => self.definition(f, expr, hops + 1),
                        None => unavailable(format!(
                            "the definition is local.{name}, which no locals block of this module defines"
                        )),
                    },
                    ["data", "template_file", name, "rendered"] => {
                        self.template_file(name, hops)
                    }
                    ["var", name] => unavailable(format!(
                        "the definition is the input variable var.{name}, known only where the module is used"
                    )),
                    _ => unavailable(format!(
                        "the definition is {}, known only when Terraform applies the configuration",
                        path.join(".")
                    )),
                }
            }
            Kind::Conditional(..) => {
                unavailable("the definition is chosen by a condition when Terraform runs".into())
            }
            _ => unavailable(
                "the definition is an expression this linter does not evaluate".into(),
            ),
        }
    }

    /// `data "template_file" "name" { template = file(…), vars = {…} }`.
    fn template_file(&self, name: &str, hops: usize) -> Definition<'_> {
        let Some((f, block)) = self.data("template_file", name) else {
            return Definition::Unavailable(format!(
                "the definition is data.template_file.{name}.rendered, which this module does not declare"
            ));
        };
        let vars = match block.body.get("vars") {
            Some(vars) => self.vars(f, vars, hops),
            None => Some(Vec::new()),
        };
        match block.body.get("template").map(|e| &e.kind) {
            Some(Kind::Call(n, args)) if n == "file" && args.len() == 1 => {
                self.file_definition(f, &args[0], FileUse::Template(vars))
            }
            _ => Definition::Unavailable(format!(
                "the template of data.template_file.{name} is not read from a file"
            )),
        }
    }

    /// The variables of a `templatefile` map written as an object (or a local holding one).
    fn vars(&self, file: usize, e: &Expr, hops: usize) -> Option<Vec<(String, Val)>> {
        match &e.kind {
            Kind::Object(members) => Some(
                members
                    .iter()
                    .map(|(k, v)| (k.name.clone(), self.value(file, v)))
                    .collect(),
            ),
            Kind::Reference(path) if path.len() == 2 && path[0] == "local" && hops < MAX_HOPS => {
                let (f, expr) = self.local(&path[1])?;
                self.vars(f, expr, hops + 1)
            }
            _ => None,
        }
    }

    fn file_definition(&self, file: usize, path: &Expr, using: FileUse) -> Definition<'_> {
        match self.value(file, path) {
            Val::Str(p) if !crate::placeholder::has(&p) => {
                // `"${path.module}/sm/a.json"` is `./sm/a.json`: named as `sm/a.json`.
                let mut path = p.as_str();
                while let Some(rest) = path.strip_prefix("./") {
                    path = rest.trim_start_matches('/');
                }
                Definition::File {
                    path: path.to_string(),
                    using,
                }
            }
            Val::Str(p) => Definition::Unavailable(format!(
                "the definition file's path \"{}\" is known only when Terraform runs",
                crate::diagnostic::abbreviate(&p)
            )),
            _ => Definition::Unavailable(
                "the definition file's path is an expression this linter does not evaluate".into(),
            ),
        }
    }
}

/// The other Terraform files of `file`'s directory, in name order.
fn siblings(file: &Path) -> Vec<PathBuf> {
    let dir = match file.parent() {
        Some(d) if d.as_os_str().is_empty() => Path::new("."),
        Some(d) => d,
        None => return Vec::new(),
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let own = file.file_name();
    let mut found: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter(|e| Some(e.file_name().as_os_str()) != own)
        .filter(|e| super::is_terraform(&e.file_name().to_string_lossy()))
        .map(|e| {
            if dir == Path::new(".") && file.parent() != Some(Path::new(".")) {
                PathBuf::from(e.file_name())
            } else {
                dir.join(e.file_name())
            }
        })
        .collect();
    found.sort();
    found.truncate(MAX_SIBLINGS);
    found
}
