//! What a template says about one of its state machines beyond the definition: the tool that
//! deploys it, the Lambda functions it declares, and which `${Name}` placeholders it defines.
//! Rules read it through `Context::deployment`.

use std::ops::Range;

use crate::document::{inner::value_span, Member, Node, Value};
use crate::hash::FastMap;
use crate::placeholder;
use crate::source::Span;
use crate::suggest::did_you_mean;

pub use crate::tool::Tool;

/// A Lambda function the template declares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeclaredFunction {
    /// Its logical id (or its key under `functions:` for the Serverless Framework).
    pub id: String,
    /// `AWS::Serverless::Function`.
    pub sam: bool,
    /// SAM's `AutoPublishAlias`, when set.
    pub auto_publish_alias: Option<String>,
}

/// Who defines the `${Name}` placeholders of a definition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefinedBy {
    /// The state machine's `DefinitionSubstitutions`, replaced by Step Functions.
    DefinitionSubstitutions,
    /// `Fn::Sub`: its variables, the template's parameters and resources, pseudo parameters.
    FnSub,
    /// Serverless Framework variables: `${self:…}` names a path in the configuration.
    Serverless,
    /// The variables of a Terraform `templatefile()` (or `template_file` data source).
    TemplateFile,
    /// Nothing: Terraform's `file()` passes the text on as it is.
    TerraformFile,
}

/// A `${Name}` written in a definition that nothing defines: it reaches the deployed machine
/// as literal text (or fails the deployment, for `Fn::Sub`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownSubstitution {
    pub name: String,
    /// The placeholder, braces included, in the text the machine is linted over.
    pub span: Span,
    pub defined_by: DefinedBy,
    /// A defined name close to it.
    pub suggestion: Option<String>,
}

/// What the template says about one state machine.
#[derive(Clone, Debug, Default)]
pub struct Deployment {
    pub tool: Tool,
    /// Declared Lambda functions, by the function name their ARNs resolve to here.
    pub functions: FastMap<String, DeclaredFunction>,
    /// The names `DefinitionSubstitutions` defines, sorted.
    pub substitution_names: Vec<String>,
    pub unknown_substitutions: Vec<UnknownSubstitution>,
    /// For a file Terraform reads as a definition: how it reads it.
    pub terraform: Option<super::file_use::FileUse>,
    /// The execution role and what the template turns on, for `missing-permission`.
    pub permissions: Option<std::sync::Arc<crate::permissions::MachinePermissions>>,
}

/// Which names a definition's placeholders may use.
#[derive(Clone, Copy, Debug)]
pub enum Scope<'a> {
    /// `DefinitionSubstitutions` with these (sorted) names.
    Substitutions(&'a [String]),
    /// The Serverless configuration whose `${self:…}` paths resolve in `root`.
    Serverless { root: &'a Node },
}

impl Scope<'_> {
    /// Whether `name` (what is between `${` and `}`) is defined; `Err` with a suggestion when
    /// it is not. Names this linter cannot judge count as defined.
    pub fn check(&self, name: &str) -> Result<(), Option<String>> {
        match *self {
            Scope::Substitutions(names) => {
                if names.binary_search_by(|n| n.as_str().cmp(name)).is_ok() {
                    Ok(())
                } else {
                    Err(did_you_mean(name, names.iter().map(String::as_str)).map(str::to_string))
                }
            }
            Scope::Serverless { root } => serverless_self(root, name),
        }
    }

    pub(crate) fn defined_by(&self) -> DefinedBy {
        match self {
            Scope::Substitutions(_) => DefinedBy::DefinitionSubstitutions,
            Scope::Serverless { .. } => DefinedBy::Serverless,
        }
    }
}

/// `${self:a.b.c}`: the path must exist in the configuration. Other variable sources (`opt:`,
/// `sls:`, `env:`, `ssm:`, `file(…)`, …), fallbacks (`, 'default'`) and nested variables are
/// resolved by the framework from outside the file: not judged.
fn serverless_self(root: &Node, name: &str) -> Result<(), Option<String>> {
    let Some(path) = name.strip_prefix("self:") else {
        return Ok(());
    };
    if path.contains([',', '$', '(', '\'', '"']) || path.is_empty() {
        return Ok(());
    }
    let mut node = root;
    let mut found: Vec<&str> = Vec::new();
    for segment in path.split('.') {
        let next = match node.as_array() {
            Some(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
            None => node.get(segment),
        };
        let Some(next) = next else {
            let keys = node
                .as_object()
                .unwrap_or(&[])
                .iter()
                .map(|m| m.key.as_str());
            return Err(did_you_mean(segment, keys).map(|key| {
                found.push(key);
                format!("self:{}", found.join("."))
            }));
        };
        found.push(segment);
        node = next;
    }
    Ok(())
}

/// The placeholders of `definition`'s string values (in `text`, the source its spans refer
/// to) that `scope` does not define. Intrinsic functions (`!Sub`, `!Join`, …) inside a
/// template's definition are CloudFormation's to resolve, and are skipped.
pub fn unknown_in(definition: &Node, text: &str, scope: Scope) -> Vec<UnknownSubstitution> {
    let mut out = Vec::new();
    let mut stack = vec![definition];
    while let Some(node) = stack.pop() {
        match &node.value {
            Value::Object(members) if !is_intrinsic(members) => {
                stack.extend(members.iter().rev().map(|m| &m.value));
                continue;
            }
            Value::Array(items) => {
                stack.extend(items.iter().rev());
                continue;
            }
            _ => {}
        }
        let Some(s) = node.as_str() else { continue };
        if !s.contains("${") {
            continue;
        }
        for (name, range) in dollar_placeholders(s) {
            if let Err(suggestion) = scope.check(name) {
                out.push(UnknownSubstitution {
                    name: name.to_string(),
                    span: value_span(text, node, range),
                    defined_by: scope.defined_by(),
                    suggestion,
                });
            }
        }
    }
    out
}

fn is_intrinsic(members: &[Member]) -> bool {
    matches!(members, [m] if m.key == "Ref" || m.key.starts_with("Fn::"))
}

/// The `${…}` placeholders of `s` (not `#{…}`): each name and the placeholder's range.
pub fn dollar_placeholders(s: &str) -> impl Iterator<Item = (&str, Range<usize>)> {
    placeholder::find(s)
        .filter(|p| s[p.range.clone()].starts_with('$'))
        .map(|p| (&s[p.name], p.range))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{json, yaml};

    #[test]
    fn substitutions_are_looked_up_with_a_suggestion() {
        let names = vec!["PaymentsTable".to_string(), "Region".to_string()];
        let scope = Scope::Substitutions(&names);
        assert_eq!(scope.check("Region"), Ok(()));
        assert_eq!(
            scope.check("PaymentTable"),
            Err(Some("PaymentsTable".to_string()))
        );
        assert_eq!(scope.check("Bucket"), Err(None));
        let text = r#"{"A": {"T": "${PaymentTable}", "U": "x-${Region}-${Nope}", "V": {"Fn::Sub": "${Other}"}}}"#;
        let doc = json::parse(text).unwrap();
        let found = unknown_in(&doc.root, text, scope);
        let names: Vec<(&str, &str)> = found
            .iter()
            .map(|u| (u.name.as_str(), &text[u.span.start..u.span.end]))
            .collect();
        assert_eq!(
            names,
            [("PaymentTable", "${PaymentTable}"), ("Nope", "${Nope}")]
        );
    }

    #[test]
    fn serverless_self_paths_must_exist() {
        let config = "service: shop\ncustom:\n  tables:\n    payments: p\n";
        let doc = yaml::parse(config).unwrap();
        let scope = Scope::Serverless { root: &doc.root };
        assert_eq!(scope.check("self:service"), Ok(()));
        assert_eq!(scope.check("self:custom.tables.payments"), Ok(()));
        assert_eq!(
            scope.check("self:custom.tables.payment"),
            Err(Some("self:custom.tables.payments".to_string()))
        );
        assert_eq!(scope.check("self:custom.nothing"), Err(None));
        // Other sources, fallbacks and nesting are the framework's business.
        for name in [
            "opt:stage",
            "sls:stage",
            "env:TABLE",
            "self:custom.x, 'fallback'",
            "self:custom.${opt:stage}",
            "Plain",
        ] {
            assert_eq!(scope.check(name), Ok(()), "{name}");
        }
    }
}
