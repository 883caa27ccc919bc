//! A CloudFormation or SAM state machine resource: its type, substitutions and definition.

use crate::document::{Member, Node};
use crate::hash::FastMap;
use crate::model::WorkflowType;

use super::{Definition, Deployment, Embedded, Rebuilt, Resolver, Tool};

pub(super) fn cloudformation_machine<'d>(
    resource: &'d Member,
    props: &'d Node,
    sam: bool,
    tool: Tool,
    resolver: &Resolver,
) -> Embedded<'d> {
    let type_key = if sam { "Type" } else { "StateMachineType" };
    let workflow_type = props.get_str(type_key).and_then(WorkflowType::parse);
    let mut substitutions = FastMap::default();
    if let Some(subs) = props
        .get("DefinitionSubstitutions")
        .and_then(Node::as_object)
    {
        for m in subs {
            let value = resolver.string(&m.value, &FastMap::default());
            substitutions.insert(m.key.to_string(), value);
        }
    }
    let mut substitution_names: Vec<String> = substitutions.keys().cloned().collect();
    substitution_names.sort_unstable();
    let definition = if let Some(object) = props.get("Definition") {
        Definition::Object(object)
    } else if let Some(node) = props.get("DefinitionString") {
        definition_string(node, resolver, &mut substitutions, &substitution_names)
    } else if let Some(node) = props
        .get("DefinitionUri")
        .or_else(|| props.get("DefinitionS3Location"))
    {
        match node.as_str() {
            Some(uri) if uri.starts_with("s3://") => Definition::Unavailable {
                reason: format!("the definition is in S3 ({uri}), not in this repository"),
                node,
            },
            Some(path) => Definition::File {
                path: path.to_string(),
                node,
            },
            None => Definition::Unavailable {
                reason: "the definition is in S3 (Bucket and Key), not in this repository".into(),
                node,
            },
        }
    } else {
        Definition::Unavailable {
            reason: "the resource has no Definition, DefinitionString, DefinitionUri or DefinitionS3Location".into(),
            node: props,
        }
    };
    let unknown_substitutions = match &definition {
        Definition::Text { rebuilt, .. } => rebuilt.unknown.clone(),
        _ => Vec::new(),
    };
    Embedded {
        name: resource.key.to_string(),
        anchor: resource.key_span,
        workflow_type,
        definition,
        substitutions,
        template: true,
        deployment: Deployment {
            tool,
            functions: resolver.declared_functions(),
            substitution_names,
            unknown_substitutions,
            terraform: None,
            permissions: None,
        },
    }
}

/// Rebuilds the text of a `DefinitionString`: a plain string, `Fn::Sub` (string or
/// `[string, variables]`) or `Fn::Join` (the shape CDK synthesizes), remembering where each
/// piece of the text comes from.
/// `names` are the `DefinitionSubstitutions` names, for `${Name}`s left for Step Functions.
fn definition_string<'d>(
    node: &'d Node,
    resolver: &Resolver,
    substitutions: &mut FastMap<String, String>,
    names: &[String],
) -> Definition<'d> {
    if node.as_str().is_some() {
        let mut rebuilt = Rebuilt::default();
        resolver.copy_string(node, names, &mut rebuilt);
        return Definition::Text { rebuilt, node };
    }
    if let Some(sub) = node.get("Fn::Sub") {
        let mut rebuilt = Rebuilt::default();
        if let Some(local) = resolver.sub_into(sub, &FastMap::default(), names, &mut rebuilt) {
            substitutions.extend(local);
            return Definition::Text { rebuilt, node };
        }
    }
    if let Some(join) = node.get("Fn::Join") {
        let mut rebuilt = Rebuilt::default();
        if resolver.join_into(join, names, &mut rebuilt, 0) {
            return Definition::Text { rebuilt, node };
        }
    }
    Definition::Unavailable {
        reason: "DefinitionString is built by an expression this linter cannot evaluate".into(),
        node,
    }
}
