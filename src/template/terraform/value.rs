//! What a Terraform expression is known to be before `terraform apply`: literals, locals of
//! the module, and the ARNs of Lambda functions and aliases it declares (realistic, so that
//! `unversioned-lambda` judges `aws_lambda_function.f.arn` as the unqualified ARN it is).
//! Anything else stays a `${…}` placeholder, which every rule treats as unknown.

use crate::source::Span;

use super::module::Module;
use super::render::describe;
use super::syntax::{Block, Expr, Kind, Part};

pub(super) const REGION: &str = "us-east-1";
pub(super) const ACCOUNT: &str = "123456789012";

/// Locals referring to locals: deeper chains are left unknown.
const MAX_DEPTH: usize = 16;

#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Str(String),
    /// A number as written.
    Num(String),
    Bool(bool),
    Null,
    /// Known only at apply time; the name describes it (`var.table`).
    Unknown(String),
}

impl Val {
    /// As text inside a string: unknown parts as `${…}`.
    pub fn text(&self) -> String {
        match self {
            Val::Str(s) | Val::Num(s) => s.clone(),
            Val::Bool(b) => b.to_string(),
            Val::Null => String::new(),
            Val::Unknown(name) => format!("${{{name}}}"),
        }
    }

    /// A string without unknown parts.
    pub fn known_str(&self) -> Option<&str> {
        match self {
            Val::Str(s) if !crate::placeholder::has(s) => Some(s),
            _ => None,
        }
    }
}

fn function_arn(name: &str) -> String {
    format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}")
}

impl Module {
    /// The value of `e`, written in file `file`.
    pub fn value(&self, file: usize, e: &Expr) -> Val {
        self.value_at(file, e, 0)
    }

    fn value_at(&self, file: usize, e: &Expr, depth: usize) -> Val {
        if depth > MAX_DEPTH {
            return self.unknown(file, e.span);
        }
        match &e.kind {
            Kind::Null => Val::Null,
            Kind::Bool(b) => Val::Bool(*b),
            Kind::Number(_, written) => Val::Num(written.clone()),
            Kind::Template(t) => {
                let mut out = String::new();
                for part in &t.parts {
                    match part {
                        Part::Literal { value, .. } => out.push_str(value),
                        Part::Interpolation { expr, .. } => {
                            out.push_str(&self.value_at(file, expr, depth + 1).text())
                        }
                        Part::Directive { span } => out.push_str(&self.unknown(file, *span).text()),
                    }
                }
                Val::Str(out)
            }
            Kind::Reference(path) => self.reference(file, path, e.span, depth),
            _ => self.unknown(file, e.span),
        }
    }

    /// A placeholder named after the source text at `span`.
    pub fn unknown(&self, file: usize, span: Span) -> Val {
        let text = &self.files[file].text;
        Val::Unknown(describe(text.get(span.start..span.end).unwrap_or("")))
    }

    /// The name a Lambda function (or the lambda module) declares: as written, with unknown
    /// parts as placeholders, unless it is unknown as a whole (then the block's name stands for
    /// it, so that its ARN is still judged).
    pub fn function_name(&self, file: usize, block: &Block, named: &str) -> String {
        match block
            .body
            .get("function_name")
            .map(|e| self.value_at(file, e, 1))
        {
            Some(Val::Str(s)) if !s.is_empty() && !crate::placeholder::is_whole(&s) => s,
            _ => named.to_string(),
        }
    }

    /// The literal string of a block's attribute, if it is one.
    fn literal(&self, file: usize, block: &Block, name: &str) -> Option<String> {
        let value = self.value_at(file, block.body.get(name)?, 1);
        value.known_str().map(str::to_string)
    }

    fn reference(&self, file: usize, path: &[String], span: Span, depth: usize) -> Val {
        let parts: Vec<&str> = path.iter().map(String::as_str).collect();
        let unknown = || Val::Unknown(describe(&path.join(".")));
        match parts.as_slice() {
            ["path", "module" | "root" | "cwd"] => Val::Str(".".to_string()),
            ["local", name] => match self.local(name) {
                Some((f, expr)) => self.value_at(f, expr, depth + 1),
                None => unknown(),
            },
            ["aws_lambda_function", name, attribute] => {
                let found = self.resource("aws_lambda_function", name);
                let function =
                    found.map_or_else(|| name.to_string(), |(f, b)| self.function_name(f, b, name));
                let publish = match found {
                    // The provider's default: publish = false.
                    Some((f, b)) => match b.body.get("publish") {
                        None => Some(false),
                        Some(e) => match self.value_at(f, e, depth + 1) {
                            Val::Bool(b) => Some(b),
                            _ => None,
                        },
                    },
                    None => None,
                };
                lambda_attribute(&function, attribute, publish).unwrap_or_else(unknown)
            }
            ["aws_lambda_alias", name, "arn"] => {
                let Some((f, block)) = self.resource("aws_lambda_alias", name) else {
                    return unknown();
                };
                let alias = self
                    .literal(f, block, "name")
                    .unwrap_or_else(|| name.to_string());
                let function = match block.body.get("function_name") {
                    Some(e) => self.value_at(f, e, depth + 1).text(),
                    None => return unknown(),
                };
                // `function_name` may be a name or an ARN.
                let function = function
                    .rsplit_once(":function:")
                    .map_or(function.as_str(), |(_, n)| n)
                    .to_string();
                Val::Str(format!("{}:{alias}", function_arn(&function)))
            }
            ["data", "aws_lambda_function", name, "arn"] => {
                // The data source's `arn` is the unqualified one (its `qualified_arn` has the
                // qualifier it was asked for).
                let function = self
                    .data("aws_lambda_function", name)
                    .and_then(|(f, b)| self.literal(f, b, "function_name"))
                    .unwrap_or_else(|| name.to_string());
                Val::Str(function_arn(&function))
            }
            ["module", name, output] => {
                let Some((f, block)) = self.lambda_module(name) else {
                    return unknown();
                };
                let function = self.function_name(f, block, name);
                let publish = match block.body.get("publish") {
                    None => Some(false),
                    Some(e) => match self.value_at(f, e, depth + 1) {
                        Val::Bool(b) => Some(b),
                        _ => None,
                    },
                };
                let attribute = match *output {
                    "lambda_function_arn" => "arn",
                    "lambda_function_qualified_arn" => "qualified_arn",
                    "lambda_function_name" => "function_name",
                    _ => return unknown(),
                };
                lambda_attribute(&function, attribute, publish).unwrap_or_else(unknown)
            }
            _ => {
                let _ = (file, span);
                unknown()
            }
        }
    }
}

/// An attribute of a Lambda function named `function`: `arn` is unqualified; `qualified_arn`
/// is the last version the provider lists, which is `$LATEST` unless the resource publishes
/// versions (`publish = true`); `None` where that is not known.
fn lambda_attribute(function: &str, attribute: &str, publish: Option<bool>) -> Option<Val> {
    let arn = function_arn(function);
    Some(Val::Str(match (attribute, publish) {
        ("arn", _) => arn,
        ("function_name", _) => function.to_string(),
        ("qualified_arn", Some(true)) => format!("{arn}:1"),
        ("qualified_arn", Some(false)) => format!("{arn}:$LATEST"),
        ("version", Some(true)) => "1".to_string(),
        ("version", Some(false)) => "$LATEST".to_string(),
        _ => return None,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lambda_attributes() {
        let arn = "arn:aws:lambda:us-east-1:123456789012:function:pay";
        assert_eq!(
            lambda_attribute("pay", "arn", None),
            Some(Val::Str(arn.into()))
        );
        assert_eq!(
            lambda_attribute("pay", "qualified_arn", Some(true)),
            Some(Val::Str(format!("{arn}:1")))
        );
        assert_eq!(
            lambda_attribute("pay", "qualified_arn", Some(false)),
            Some(Val::Str(format!("{arn}:$LATEST")))
        );
        assert_eq!(lambda_attribute("pay", "qualified_arn", None), None);
        assert_eq!(lambda_attribute("pay", "invoke_arn", Some(true)), None);
    }
}
