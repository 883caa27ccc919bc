//! State machines inside CloudFormation, SAM and Serverless Framework templates: where each
//! definition is, how it is deployed, and what its `${Name}` placeholders and intrinsic
//! functions (`Ref`, `Fn::GetAtt`, `Fn::Sub`, `Fn::Join`) resolve to.
//!
//! Resolution produces realistic strings (a Lambda function's ARN, unqualified unless it names a
//! version or alias), so rules such as `unversioned-lambda` judge them like literal ARNs. What
//! cannot be known before deployment (parameters, most attributes) stays a `${…}` placeholder,
//! which every rule treats as unknown.

use crate::document::Node;
use crate::hash::FastMap;
use crate::model::WorkflowType;
use crate::source::Span;

mod cloudformation;
mod deployment;
mod embedded;
pub mod file_use;
mod rebuilt;
mod resolve;
mod resolver;
pub mod terraform;
#[cfg(test)]
mod tests;

pub use deployment::{
    dollar_placeholders, unknown_in, DeclaredFunction, DefinedBy, Deployment, Scope, Tool,
    UnknownSubstitution,
};
pub use rebuilt::{Locator, Rebuilt};
pub use resolve::{resolve, substitute_definition};

use cloudformation::cloudformation_machine;
use embedded::embedded_definitions;
use resolver::Resolver;

/// One state machine declared in a template.
#[derive(Debug)]
pub struct Embedded<'d> {
    /// The resource's logical id, or the Serverless Framework machine name.
    pub name: String,
    /// The logical id key (or machine name key) in the template.
    pub anchor: Span,
    /// From `Type` (SAM), `StateMachineType` (CloudFormation) or `type` (Serverless).
    pub workflow_type: Option<WorkflowType>,
    pub definition: Definition<'d>,
    /// `DefinitionSubstitutions` (or `Fn::Sub` variables), resolved.
    pub substitutions: FastMap<String, String>,
    /// Declared by a template (not a definition found inside some other document), whose
    /// tool resolves intrinsic functions in it.
    pub template: bool,
    /// What the template says about the machine (its unknown substitutions are filled in for
    /// a rebuilt `DefinitionString` only: the others need the source text, see `scope`).
    pub deployment: Deployment,
}

impl Embedded<'_> {
    /// The names the definition's `${…}` placeholders may use, for `unknown_in`; `None` for a
    /// definition found inside some other document, whose tool is unknown.
    pub fn scope<'a>(&'a self, root: &'a Node) -> Option<Scope<'a>> {
        if !self.template {
            return None;
        }
        Some(match self.deployment.tool {
            Tool::Serverless => Scope::Serverless { root },
            // Terraform evaluates a jsonencode object's interpolations itself.
            Tool::Terraform => return None,
            _ => Scope::Substitutions(&self.deployment.substitution_names),
        })
    }
}

#[derive(Debug)]
pub enum Definition<'d> {
    /// `Definition` / `definition`: an object in the template itself.
    Object(&'d Node),
    /// `DefinitionString`, rebuilt as text; `node` is the template value it came from.
    Text {
        rebuilt: Rebuilt<'d>,
        node: &'d Node,
    },
    /// `DefinitionUri` / `DefinitionS3Location` naming a local file, relative to the template.
    File { path: String, node: &'d Node },
    /// A definition this linter cannot read, and why.
    Unavailable { reason: String, node: &'d Node },
}

/// The state machines of a template, or `None` when `root` is not a template that declares any.
pub fn find(root: &Node) -> Option<Vec<Embedded<'_>>> {
    let resources = root.get("Resources").and_then(Node::as_object);
    let mut machines = Vec::new();
    let resolver = Resolver::new(root);
    let transform = root.get("Transform");
    let sam_transform = transform
        .and_then(Node::as_array)
        .map_or(
            transform.and_then(Node::as_str).into_iter().collect(),
            |a| a.iter().filter_map(Node::as_str).collect::<Vec<_>>(),
        )
        .iter()
        .any(|t| t.starts_with("AWS::Serverless"));
    for resource in resources.unwrap_or(&[]) {
        let ty = resource.value.get_str("Type").unwrap_or("");
        let sam = match ty {
            "AWS::StepFunctions::StateMachine" => false,
            "AWS::Serverless::StateMachine" => true,
            _ => continue,
        };
        // Without Properties nothing is found, and the resource itself is what is reported.
        let props = resource.value.get("Properties").unwrap_or(&resource.value);
        let tool = if sam || sam_transform {
            Tool::Sam
        } else {
            Tool::CloudFormation
        };
        machines.push(cloudformation_machine(
            resource, props, sam, tool, &resolver,
        ));
    }
    // Serverless Framework: stepFunctions.stateMachines.<name>.definition
    let serverless = root
        .get("stepFunctions")
        .and_then(|s| s.get("stateMachines"))
        .and_then(Node::as_object);
    for entry in serverless.unwrap_or(&[]) {
        let Some(definition) = entry.value.get("definition") else {
            continue;
        };
        let workflow_type = entry.value.get_str("type").and_then(WorkflowType::parse);
        let definition = match definition.as_str() {
            // `${file(./statemachine/flow.asl.yml)}`: the definition lives in that file.
            Some(text) => match text.strip_prefix("${file(").and_then(|r| r.strip_suffix(")}")) {
                Some(path) => Definition::File {
                    path: path.trim().trim_matches(['\'', '"']).to_string(),
                    node: definition,
                },
                None => Definition::Unavailable {
                    reason: format!("the definition is the Serverless Framework variable {text}, resolved only at deploy time"),
                    node: definition,
                },
            },
            None => Definition::Object(definition),
        };
        machines.push(Embedded {
            // The key is what the project calls the machine; `name:` is the deployed name,
            // often built from variables (`checkout-${sls:stage}`).
            name: entry.key.to_string(),
            anchor: entry.key_span,
            workflow_type,
            definition,
            substitutions: FastMap::default(),
            template: true,
            deployment: Deployment {
                tool: Tool::Serverless,
                functions: resolver.declared_functions(),
                ..Deployment::default()
            },
        });
    }
    if machines.is_empty() {
        machines = embedded_definitions(root);
    }
    (!machines.is_empty()).then_some(machines)
}
