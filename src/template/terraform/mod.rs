//! Reading Terraform and OpenTofu: state machines declared by `aws_sfn_state_machine`
//! resources and `terraform-aws-modules/step-functions/aws` modules, with where their
//! definitions are written: a `jsonencode({…})` object or a heredoc in the `.tf` file
//! (directly or through a local), or a file read with `file()`, `templatefile()` or a
//! `template_file` data source. `lint::terraform` lints them.

pub(crate) mod module;
pub(crate) mod node;
pub(crate) mod render;
pub(crate) mod syntax;
mod value;

use std::path::Path;

use crate::document::{json, Node, Value};
use crate::hash::FastMap;
use crate::source::Span;
use crate::suggest::did_you_mean;
use crate::template::{DeclaredFunction, Deployment, Tool};

pub use crate::template::file_use::{FileUse, Val};

use module::Module;
use render::{Inserted, Renderer};
use syntax::{Expr, Kind, Literals};

/// Text a Terraform file declaring a state machine contains; any other file is not parsed.
pub const MARKERS: &[&str] = &[
    "aws_sfn_state_machine",
    "step-functions/aws",
    "terraform-aws-step-functions",
];

/// The largest file read beside the one linted (Terraform files are small).
pub(crate) const READ_LIMIT: u64 = 4 << 20;

/// Whether the file name in `name` (a path) ends with `suffix`, ignoring ASCII case. Called
/// for every file of a walk, so no allocation and no path parsing.
fn name_ends_with(name: &str, suffix: &str) -> bool {
    let file = name.rsplit(['/', '\\']).next().unwrap_or(name).as_bytes();
    file.len() >= suffix.len()
        && file[file.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
}

/// `*.tf`, `*.tf.json`, and OpenTofu's `*.tofu` and `*.tofu.json`.
pub fn is_terraform(name: &str) -> bool {
    [".tf", ".tofu", ".tf.json", ".tofu.json"]
        .iter()
        .any(|e| name_ends_with(name, e))
}

pub(crate) fn is_json_name(name: &str) -> bool {
    name_ends_with(name, ".json")
}

/// Whether `bytes` may declare a state machine in Terraform.
pub fn mentions(bytes: &[u8]) -> bool {
    MARKERS
        .iter()
        .any(|m| memchr::memmem::find(bytes, m.as_bytes()).is_some())
}

/// A Terraform file with nothing to lint: no state machine, and no definition in a local (the
/// cheap look `lint` starts with).
pub fn is_quiet(name: &str, bytes: &[u8]) -> bool {
    is_terraform(name) && !mentions(bytes) && memchr::memmem::find(bytes, b"StartAt").is_none()
}

/// Whether a finding of `machine` can be located in file `file`: its definition is written
/// there, or it is read from elsewhere and the block is there.
pub(crate) fn written_in(machine: &module::Machine, file: usize) -> bool {
    match &machine.definition {
        module::Definition::Object { file: f, .. } | module::Definition::Text { file: f, .. } => {
            *f == file
        }
        _ => machine.file == file,
    }
}

pub(crate) fn declared_functions(module: &Module) -> FastMap<String, DeclaredFunction> {
    module
        .functions()
        .into_iter()
        .map(|(name, id)| {
            (
                name,
                DeclaredFunction {
                    id,
                    sam: false,
                    auto_publish_alias: None,
                },
            )
        })
        .collect()
}

pub(crate) fn deployment(functions: &FastMap<String, DeclaredFunction>) -> Deployment {
    Deployment {
        tool: Tool::Terraform,
        functions: functions.clone(),
        ..Deployment::default()
    }
}

/// The node with exactly `span`, if any.
pub(crate) fn exact(root: &Node, span: Span) -> Option<&Node> {
    let mut node = root;
    loop {
        if node.span == span {
            return Some(node);
        }
        let next = match &node.value {
            Value::Object(members) => members
                .iter()
                .map(|m| &m.value)
                .find(|v| v.span.contains(span)),
            Value::Array(items) => items.iter().find(|v| v.span.contains(span)),
            _ => None,
        };
        node = next?;
    }
}

/// The node with `span`, else the deepest one containing it, or the first one inside it.
pub(crate) fn closest(root: &Node, span: Span) -> &Node {
    let mut node = root;
    loop {
        if node.span == span {
            return node;
        }
        let children: Vec<&Node> = match &node.value {
            Value::Object(members) => members.iter().map(|m| &m.value).collect(),
            Value::Array(items) => items.iter().collect(),
            _ => return node,
        };
        if let Some(next) = children.iter().find(|c| c.span.contains(span)) {
            node = next;
        } else if let Some(inside) = children.iter().find(|c| span.contains(c.span)) {
            return inside;
        } else {
            return node;
        }
    }
}

/// What one interpolation of a `templatefile` file inserts: the variable's value, or an
/// unknown placeholder; a variable the map lacks is reported.
pub(crate) fn interpolation(
    e: &Expr,
    vars: Option<&[(String, Val)]>,
    names: &[&str],
    text: &str,
) -> Inserted {
    let describe = || render::describe(text.get(e.span.start..e.span.end).unwrap_or(""));
    let Some(vars) = vars else {
        return Inserted::Value(Val::Unknown(describe()));
    };
    let mut roots = Vec::new();
    syntax::variables(e, &mut roots);
    for root in &roots {
        if !names.contains(&root.as_str()) {
            return Inserted::Undefined {
                name: root.clone(),
                suggestion: did_you_mean(root, names.iter().copied()).map(str::to_string),
            };
        }
    }
    match e.as_reference() {
        Some([name]) => Inserted::Value(
            vars.iter()
                .find(|(n, _)| n == name)
                .map_or_else(|| Val::Unknown(describe()), |(_, v)| v.clone()),
        ),
        _ => Inserted::Value(Val::Unknown(describe())),
    }
}

/// The machines whose blocks a Terraform file holds, each as the definition it deploys (with
/// what is known resolved), for drawing; `Err` says why one cannot be drawn. `None` when the
/// file declares none.
pub fn drawable(name: &str, text: &str) -> Option<Vec<(String, Result<Node, String>)>> {
    if !mentions(text.as_bytes()) {
        return None;
    }
    let module = Module::load(name, text.to_string(), READ_LIMIT).ok()?;
    let machines: Vec<module::Machine> = module
        .machines()
        .into_iter()
        .filter(|m| m.file == 0)
        .collect();
    if machines.is_empty() {
        return None;
    }
    let base = Path::new(name).parent().unwrap_or(Path::new(""));
    let parsed = |text: &str| json::parse(text).map(|d| d.root).map_err(|e| e.message);
    let out = machines
        .iter()
        .map(|m| {
            let root = match &m.definition {
                module::Definition::Object { file, expr } => {
                    Ok(node::node(&module, *file, expr, 0))
                }
                module::Definition::Text { file, expr } => match &expr.kind {
                    Kind::Template(t) => {
                        let json_node = |span: Span| {
                            module.files[*file]
                                .json
                                .as_ref()
                                .and_then(|d| exact(&d.root, span))
                        };
                        let mut r = Renderer::new(&module.files[*file].text, &json_node);
                        let resolve = |e: &Expr| Inserted::Value(module.value(*file, e));
                        match r.template(&t.parts, t.literals, &resolve) {
                            Ok(()) => parsed(&r.out.text),
                            Err(_) => Err("a template directive builds its JSON".to_string()),
                        }
                    }
                    _ => Err("the definition is not text".to_string()),
                },
                module::Definition::File { path, using } => {
                    let full = base.join(path);
                    match crate::files::read_file(&full, READ_LIMIT) {
                        Err(e) => Err(format!("cannot read {}: {}", full.display(), e.message())),
                        Ok(bytes) => {
                            let text = String::from_utf8_lossy(&bytes).into_owned();
                            match using {
                                FileUse::Verbatim => {
                                    crate::document::parse(&full.to_string_lossy(), &text)
                                        .map(|d| d.root)
                                        .map_err(|e| e.message)
                                }
                                FileUse::Template(vars) => {
                                    render_file(&text, vars.as_deref()).and_then(|t| parsed(&t))
                                }
                            }
                        }
                    }
                }
                module::Definition::Unavailable(why) => Err(why.clone()),
            };
            (m.name.clone(), root)
        })
        .collect();
    Some(out)
}

/// A `templatefile` file's text as Terraform renders it, unknown values as placeholders.
fn render_file(text: &str, vars: Option<&[(String, Val)]>) -> Result<String, String> {
    let template = hcl_edit::parser::parse_template(text).map_err(|e| e.message().to_string())?;
    let parts = syntax::template_parts(&template);
    let no_json = |_: Span| -> Option<&Node> { None };
    let mut renderer = Renderer::new(text, &no_json);
    let names: Vec<&str> = vars.map_or(Vec::new(), |v| v.iter().map(|(n, _)| n.as_str()).collect());
    let resolve = |e: &Expr| interpolation(e, vars, &names, text);
    renderer
        .template(&parts, Literals::Heredoc { strip: 0 }, &resolve)
        .map_err(|_| "a template directive builds its JSON".to_string())?;
    Ok(renderer.out.text)
}

#[cfg(test)]
mod tests;
