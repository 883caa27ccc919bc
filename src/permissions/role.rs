//! What a state machine's execution role allows, as far as its template shows it: SAM's
//! `Policies` (policy templates, managed policies, inline documents), `Connectors` and
//! `AWS::Serverless::Connector`s; a CloudFormation `AWS::IAM::Role` with its inline policies and
//! the `AWS::IAM::Policy` / `AWS::IAM::ManagedPolicy` / `AWS::IAM::RolePolicy` resources
//! attached to it; the Serverless Framework's provider role. Anything this cannot read (a role
//! given as an ARN or a parameter, a managed policy not in `managed`, a permissions boundary)
//! makes the role unknown.

use super::expr::{Env, Expr};
use super::iam::{self, Statement};
use super::managed;
use super::sam;
use crate::document::{Member, Node, Value};
use crate::source::Span;
use crate::tool::Tool;

/// The execution role of one machine.
#[derive(Clone, Debug)]
pub enum Role {
    Known(KnownRole),
    /// Why the role's permissions cannot be known here.
    Unknown(String),
}

#[derive(Clone, Debug)]
pub struct KnownRole {
    pub statements: Vec<Statement>,
    pub source: Source,
}

/// Where the role's permissions are written, for the finding's related location and help.
#[derive(Clone, Debug)]
pub enum Source {
    /// SAM builds the role from the machine's `Policies`: the key, and the list (when it is one).
    SamPolicies { key: Span, list: Option<Span> },
    /// SAM builds the role, and the machine has no `Policies`: its `Properties` key.
    SamNoPolicies { properties: Span },
    /// An `AWS::IAM::Role` of the template, named by the machine's `Role` / `RoleArn` key.
    IamRole {
        id: String,
        key: Span,
        /// The role's inline `Policies` list, where a statement can be added.
        policies: Option<Span>,
    },
    /// The Serverless Framework's role for the service's functions, named by `role:`.
    ServerlessProvider { key: Span },
}

impl Source {
    /// The span of the machine's property that says where the permissions come from.
    pub fn anchor(&self) -> Span {
        match self {
            Source::SamPolicies { key, .. } => *key,
            Source::SamNoPolicies { properties } => *properties,
            Source::IamRole { key, .. } => *key,
            Source::ServerlessProvider { key } => *key,
        }
    }
}

/// The policy documents and statements read so far.
#[derive(Default)]
struct Gathered {
    /// Documents whose intrinsic functions are still to be resolved.
    documents: Vec<Node>,
    statements: Vec<Statement>,
}

type Unknown = String;

/// Reads the role of `machine`, declared in the template at `root`.
pub fn read(root: &Node, machine: &str, tool: Tool, env: &Env) -> Role {
    match read_inner(root, machine, tool, env) {
        Ok(role) => Role::Known(role),
        Err(why) => Role::Unknown(why),
    }
}

fn read_inner(root: &Node, machine: &str, tool: Tool, env: &Env) -> Result<KnownRole, Unknown> {
    let mut gathered = Gathered::default();
    let source = match tool {
        Tool::Serverless => serverless(root, machine, env, &mut gathered)?,
        _ => {
            let resource = resources(root)
                .iter()
                .find(|m| m.key == machine)
                .ok_or("the machine's resource is missing")?;
            let props = resource.value.get("Properties");
            let source = match resource.value.get_str("Type") {
                Some("AWS::Serverless::StateMachine") => {
                    sam_machine(root, resource, props, env, &mut gathered)?
                }
                _ => {
                    let key = props
                        .and_then(|p| p.member("RoleArn"))
                        .ok_or("the machine has no RoleArn")?;
                    role_property(root, key, env, &mut gathered)?
                }
            };
            let role = match &source {
                Source::IamRole { id, .. } => Some(id.as_str()),
                _ => None,
            };
            connectors(root, machine, role, &mut gathered)?;
            source
        }
    };
    resource_policies(root, &mut gathered);
    let statements = resolve(gathered, env)?;
    Ok(KnownRole { statements, source })
}

/// Resource-based policies of the template (a function's `AWS::Lambda::Permission`, a queue
/// policy…) may grant the role what its own policies do not: in the same account either is
/// enough. Which principals and resources they name is not followed; each service that has
/// one is given the benefit of the doubt.
fn resource_policies(root: &Node, out: &mut Gathered) {
    let mut prefixes: Vec<&str> = Vec::new();
    for m in resources(root) {
        let props = m.value.get("Properties");
        let prefix = match m.value.get_str("Type").unwrap_or("") {
            "AWS::Lambda::Permission" => {
                let principal = props.and_then(|p| p.get_str("Principal")).unwrap_or("");
                let other_service =
                    principal.ends_with(".amazonaws.com") && !principal.starts_with("states.");
                (!other_service).then_some("lambda")
            }
            "AWS::SQS::QueuePolicy" => Some("sqs"),
            "AWS::SNS::TopicPolicy" => Some("sns"),
            "AWS::S3::BucketPolicy" => Some("s3"),
            "AWS::Events::EventBusPolicy" => Some("events"),
            "AWS::SecretsManager::ResourcePolicy" => Some("secretsmanager"),
            "AWS::KMS::Key" => Some("kms"),
            "AWS::Logs::ResourcePolicy" => Some("logs"),
            "AWS::DynamoDB::Table" | "AWS::DynamoDB::GlobalTable"
                if props.is_some_and(|p| p.get("ResourcePolicy").is_some()) =>
            {
                Some("dynamodb")
            }
            "AWS::ApiGateway::RestApi" if props.is_some_and(|p| p.get("Policy").is_some()) => {
                Some("execute-api")
            }
            "AWS::Serverless::Api"
                if props
                    .and_then(|p| p.get("Auth"))
                    .is_some_and(|a| a.get("ResourcePolicy").is_some()) =>
            {
                Some("execute-api")
            }
            _ => None,
        };
        if let Some(prefix) = prefix {
            if !prefixes.contains(&prefix) {
                prefixes.push(prefix);
            }
        }
    }
    let actions: Vec<String> = prefixes.iter().map(|p| format!("{p}:*")).collect();
    if !actions.is_empty() {
        let actions: Vec<&str> = actions.iter().map(String::as_str).collect();
        out.statements
            .push(Statement::allow(&actions, vec![Expr::text("*")]));
    }
}

fn resources(root: &Node) -> &[Member] {
    root.get("Resources")
        .or_else(|| root.get("resources")?.get("Resources"))
        .and_then(Node::as_object)
        .unwrap_or(&[])
}

fn resource<'a>(root: &'a Node, id: &str) -> Option<&'a Node> {
    resources(root)
        .iter()
        .find(|m| m.key == id)
        .map(|m| &m.value)
}

/// The resolved statements of everything gathered.
fn resolve(gathered: Gathered, env: &Env) -> Result<Vec<Statement>, Unknown> {
    let mut statements = gathered.statements;
    if gathered.documents.is_empty() {
        return Ok(statements);
    }
    for document in &gathered.documents {
        statements.extend(iam::read_document(document, env)?);
    }
    Ok(statements)
}

fn sam_machine(
    root: &Node,
    resource: &Member,
    props: Option<&Node>,
    env: &Env,
    out: &mut Gathered,
) -> Result<Source, Unknown> {
    let get = |key: &str| props.and_then(|p| p.member(key));
    if get("PermissionsBoundary").is_some() {
        return Err("the role has a permissions boundary".into());
    }
    let source = if let Some(role) = get("Role") {
        role_property(root, role, env, out)?
    } else {
        match get("Policies") {
            Some(policies) => {
                sam_policies(&policies.value, out)?;
                Source::SamPolicies {
                    key: policies.key_span,
                    list: policies.value.as_array().map(|_| policies.value.span),
                }
            }
            None => Source::SamNoPolicies {
                properties: resource
                    .value
                    .member("Properties")
                    .map_or(resource.key_span, |m| m.key_span),
            },
        }
    };
    if matches!(
        source,
        Source::SamPolicies { .. } | Source::SamNoPolicies { .. }
    ) {
        // SAM adds the X-Ray write policy to the role it builds when tracing is on.
        let tracing = props
            .and_then(|p| p.get("Tracing"))
            .and_then(|t| t.get("Enabled"))
            .and_then(Node::as_bool);
        if tracing == Some(true) {
            out.statements
                .extend(managed::statements("AWSXrayWriteOnlyAccess").unwrap_or_default());
        }
    }
    Ok(source)
}

/// SAM's `Policies`: a managed policy, a policy template, an inline document, or a list of them.
fn sam_policies(policies: &Node, out: &mut Gathered) -> Result<(), Unknown> {
    let items: Vec<&Node> = match &policies.value {
        Value::Array(items) => items.iter().collect(),
        _ => vec![policies],
    };
    for item in items {
        match &item.value {
            Value::String(name) => out.statements.extend(managed_policy(name)?),
            Value::Object(members) => {
                if item.get("Statement").is_some() {
                    out.documents.push(item.clone());
                    continue;
                }
                let [m] = members.as_slice() else {
                    return Err(
                        "a Policies entry is neither a policy template nor a document".into(),
                    );
                };
                if sam::is_template(&m.key) {
                    let values: Vec<(&str, &Node)> = m
                        .value
                        .as_object()
                        .unwrap_or(&[])
                        .iter()
                        .map(|p| (p.key.as_str(), &p.value))
                        .collect();
                    if let Some(document) = sam::expand(&m.key, &values) {
                        out.documents.push(document);
                    }
                } else if m.key == "Ref" || m.key.starts_with("Fn::") {
                    return Err(format!(
                        "a Policies entry is computed by {}, known only at deployment",
                        m.key
                    ));
                } else {
                    return Err(format!("'{}' is not a SAM policy template", m.key));
                }
            }
            _ => return Err("a Policies entry is not a policy".into()),
        }
    }
    Ok(())
}

fn managed_policy(name: &str) -> Result<Vec<Statement>, Unknown> {
    managed::statements(name).ok_or_else(|| {
        format!("the managed policy {name} is not one whose permissions this linter knows")
    })
}

/// `Role` / `RoleArn` / `role`: a role of the template (`!GetAtt Role.Arn`), else unknown.
fn role_property(
    root: &Node,
    key: &Member,
    env: &Env,
    out: &mut Gathered,
) -> Result<Source, Unknown> {
    let id = role_id(&key.value).ok_or_else(|| {
        "the role is given as an ARN, a parameter or an import, not as a role of this template"
            .to_string()
    })?;
    let role = resource(root, &id).ok_or("the role is not declared in the template")?;
    if role.get_str("Type") != Some("AWS::IAM::Role") {
        return Err(format!("'{id}' is not an AWS::IAM::Role"));
    }
    let policies = iam_role(root, &id, role, env, out)?;
    Ok(Source::IamRole {
        id,
        key: key.key_span,
        policies,
    })
}

/// The logical id in `!GetAtt Role.Arn` / `Fn::GetAtt: [Role, Arn]`.
fn role_id(node: &Node) -> Option<String> {
    let [m] = node.as_object()? else {
        return None;
    };
    if m.key != "Fn::GetAtt" {
        return None;
    }
    let (id, attribute) = match &m.value.value {
        Value::String(s) => s.split_once('.')?,
        Value::Array(parts) => match parts.as_slice() {
            [a, b] => (a.as_str()?, b.as_str()?),
            _ => return None,
        },
        _ => return None,
    };
    (attribute == "Arn").then(|| id.to_string())
}

/// Gathers the permissions of the template's role `id`; returns its `Policies` list's span.
fn iam_role(
    root: &Node,
    id: &str,
    role: &Node,
    _env: &Env,
    out: &mut Gathered,
) -> Result<Option<Span>, Unknown> {
    let props = role.get("Properties");
    let get = |key: &str| props.and_then(|p| p.get(key));
    if get("PermissionsBoundary").is_some() {
        return Err(format!("role '{id}' has a permissions boundary"));
    }
    let policies = get("Policies");
    for policy in policies.and_then(Node::as_array).unwrap_or(&[]) {
        let document = policy
            .get("PolicyDocument")
            .ok_or_else(|| format!("an inline policy of role '{id}' has no PolicyDocument"))?;
        out.documents.push(document.clone());
    }
    if policies.is_some_and(|p| p.as_array().is_none()) {
        return Err(format!(
            "the Policies of role '{id}' are computed at deployment"
        ));
    }
    match get("ManagedPolicyArns") {
        None => {}
        Some(list) => {
            let items = list.as_array().ok_or_else(|| {
                format!("the ManagedPolicyArns of role '{id}' are computed at deployment")
            })?;
            for arn in items {
                managed_arn(root, id, arn, out)?;
            }
        }
    }
    attached(root, id, role, out)?;
    Ok(policies
        .and_then(Node::as_array)
        .map(|_| policies.map_or(Span::new(0, 0), |p| p.span)))
}

/// One of `ManagedPolicyArns`: an AWS managed policy this linter knows, or an
/// `AWS::IAM::ManagedPolicy` of the template.
fn managed_arn(root: &Node, role: &str, arn: &Node, out: &mut Gathered) -> Result<(), Unknown> {
    if let Some(id) = arn.get_str("Ref") {
        if let Some(policy) =
            resource(root, id).filter(|r| r.get_str("Type") == Some("AWS::IAM::ManagedPolicy"))
        {
            // Its own Roles list may name this role too; its document counts once.
            if !names_role(policy, role) {
                let document = policy
                    .get("Properties")
                    .and_then(|p| p.get("PolicyDocument"))
                    .ok_or_else(|| format!("managed policy '{id}' has no PolicyDocument"))?;
                out.documents.push(document.clone());
            }
            return Ok(());
        }
    }
    let text = match arn.as_str() {
        Some(s) => s.to_string(),
        None => super::expr::intrinsic_text(arn)
            .as_deref()
            .filter(|s| !s.replace("${AWS::Partition}", "aws").contains("${"))
            .ok_or_else(|| {
                format!("a managed policy of role '{role}' is given by a parameter or an import")
            })?
            .to_string(),
    };
    out.statements.extend(managed_policy(&text)?);
    Ok(())
}

/// Whether a policy resource's `Roles` / `RoleName` names role `id`.
fn names_role(policy: &Node, id: &str) -> bool {
    let props = policy.get("Properties");
    let roles = props
        .and_then(|p| p.get("Roles"))
        .and_then(Node::as_array)
        .unwrap_or(&[]);
    let single = props.and_then(|p| p.get("RoleName"));
    roles
        .iter()
        .chain(single)
        .any(|r| r.get_str("Ref") == Some(id))
}

/// `AWS::IAM::Policy`, `AWS::IAM::ManagedPolicy` and `AWS::IAM::RolePolicy` resources that
/// attach to role `id`. A policy that attaches to a role the template cannot name (a
/// parameter, an import) might be attached to this one: the role is then unknown.
fn attached(root: &Node, id: &str, role: &Node, out: &mut Gathered) -> Result<(), Unknown> {
    let role_name = role.get("Properties").and_then(|p| p.get_str("RoleName"));
    for m in resources(root) {
        let ty = m.value.get_str("Type").unwrap_or("");
        if !matches!(
            ty,
            "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" | "AWS::IAM::RolePolicy"
        ) {
            continue;
        }
        let props = m.value.get("Properties");
        let roles: Vec<&Node> = match ty {
            "AWS::IAM::RolePolicy" => props.and_then(|p| p.get("RoleName")).into_iter().collect(),
            _ => match props.and_then(|p| p.get("Roles")) {
                Some(list) => match list.as_array() {
                    Some(items) => items.iter().collect(),
                    None => {
                        return Err(format!(
                            "the Roles of policy '{}' are computed at deployment",
                            m.key
                        ))
                    }
                },
                None => Vec::new(),
            },
        };
        let mut ours = false;
        for r in roles {
            if r.get_str("Ref") == Some(id) || (role_name.is_some() && r.as_str() == role_name) {
                ours = true;
            } else if r
                .get_str("Ref")
                .is_some_and(|other| resource(root, other).is_some())
                || r.as_str().is_some()
            {
                // Another role of the template, or a role named literally.
            } else {
                return Err(format!(
                    "policy '{}' attaches to a role named by a parameter or an import",
                    m.key
                ));
            }
        }
        if ours {
            let document = props
                .and_then(|p| p.get("PolicyDocument"))
                .ok_or_else(|| format!("policy '{}' has no PolicyDocument", m.key))?;
            out.documents.push(document.clone());
        }
    }
    Ok(())
}

/// SAM connectors that grant the machine's role: embedded ones (the resource attribute
/// `Connectors`) and `AWS::Serverless::Connector` resources whose source is the machine, or
/// another state machine of the template with the same role (a connector adds its policy to the
/// source's role). A connector from a source of another type that shares the role, or from a
/// source named by ARN that may be this machine, makes the role unknown: only a state machine's
/// connector profiles are known here.
fn connectors(
    root: &Node,
    machine: &str,
    role: Option<&str>,
    out: &mut Gathered,
) -> Result<(), Unknown> {
    let role_of = |id: &str| -> Option<String> {
        let props = resource(root, id)?.get("Properties")?;
        role_id(props.get("Role").or_else(|| props.get("RoleArn"))?)
    };
    let mut found: Vec<(&str, &str, &Node)> = Vec::new();
    for m in resources(root) {
        for c in m
            .value
            .get("Connectors")
            .and_then(Node::as_object)
            .unwrap_or(&[])
        {
            if let Some(properties) = c.value.get("Properties") {
                found.push((&m.key, &c.key, properties));
            }
        }
        if m.value.get_str("Type") != Some("AWS::Serverless::Connector") {
            continue;
        }
        let Some(properties) = m.value.get("Properties") else {
            continue;
        };
        let Some(source) = properties.get("Source") else {
            continue;
        };
        match source.get_str("Id") {
            Some(id) => found.push((id, &m.key, properties)),
            None => {
                let names_ours = crate::document::descendants(source)
                    .filter_map(Node::as_str)
                    .any(|s| s.contains(machine) || role.is_some_and(|r| s.contains(r)));
                if names_ours {
                    return Err(format!(
                        "connector '{}' names its source by ARN, which this linter does not follow",
                        m.key
                    ));
                }
            }
        }
    }
    for (source, name, properties) in found {
        let shares_role = role.is_some() && role_of(source).as_deref() == role;
        if source != machine && !shares_role {
            continue;
        }
        let ty = resource(root, source)
            .and_then(|r| r.get_str("Type"))
            .unwrap_or("");
        if cfn_type(ty) != "AWS::StepFunctions::StateMachine" {
            return Err(format!(
                "connector '{name}' of '{source}' adds to the same role a policy this linter does not model"
            ));
        }
        connector(root, name, properties, out)?;
    }
    Ok(())
}

fn connector(
    root: &Node,
    name: &str,
    properties: &Node,
    out: &mut Gathered,
) -> Result<(), Unknown> {
    let permissions: Vec<&str> = properties
        .get("Permissions")
        .and_then(Node::as_array)
        .unwrap_or(&[])
        .iter()
        .filter_map(Node::as_str)
        .collect();
    let destinations: Vec<&Node> = match properties.get("Destination") {
        Some(d) => match d.as_array() {
            Some(items) => items.iter().collect(),
            None => vec![d],
        },
        None => Vec::new(),
    };
    for destination in destinations {
        let (ty, arn, name_value) = if let Some(id) = destination.get_str("Id") {
            let Some(ty) = resource(root, id).and_then(|r| r.get_str("Type")) else {
                return Err(format!(
                    "connector '{name}' names a resource that is not declared"
                ));
            };
            let ty = cfn_type(ty);
            let (arn, name_value) = sam::destination_values(ty, id);
            (ty.to_string(), arn, name_value)
        } else {
            let ty = destination.get_str("Type").unwrap_or("").to_string();
            (
                ty,
                destination.get("Arn").cloned(),
                destination.get("Name").cloned(),
            )
        };
        let arn = arn.unwrap_or_else(|| sam::string("${Unknown}"));
        let name_value = name_value.unwrap_or_else(|| sam::string("${Unknown}"));
        for category in &permissions {
            match sam::connector(&ty, category, &arn, &name_value) {
                Some(document) => out.documents.push(document),
                None => {
                    return Err(format!(
                        "connector '{name}' grants {category} on a {ty}, which SAM {} does not define for a state machine",
                        sam::version()
                    ))
                }
            }
        }
    }
    Ok(())
}

/// The CloudFormation type a SAM resource becomes, as connector profiles name it.
fn cfn_type(ty: &str) -> &str {
    match ty {
        "AWS::Serverless::Function" => "AWS::Lambda::Function",
        "AWS::Serverless::StateMachine" => "AWS::StepFunctions::StateMachine",
        "AWS::Serverless::SimpleTable" => "AWS::DynamoDB::Table",
        "AWS::Serverless::Api" => "AWS::ApiGateway::RestApi",
        "AWS::Serverless::HttpApi" => "AWS::ApiGatewayV2::Api",
        other => other,
    }
}

/// The Serverless Framework: a machine's `role:` naming the provider role the framework builds
/// from `provider.iamRoleStatements` / `provider.iam.role.statements`, or a role declared under
/// `resources`. Without `role:` the serverless-step-functions plugin generates one from the
/// definition, in a way that depends on its version: unknown here.
fn serverless(
    root: &Node,
    machine: &str,
    env: &Env,
    out: &mut Gathered,
) -> Result<Source, Unknown> {
    let entry = root
        .get("stepFunctions")
        .and_then(|s| s.get("stateMachines"))
        .and_then(|m| m.member(machine))
        .ok_or("the machine is not declared")?;
    let Some(role) = entry.value.member("role") else {
        return Err(
            "the serverless-step-functions plugin generates the role from the definition".into(),
        );
    };
    if role_id(&role.value).as_deref() == Some("IamRoleLambdaExecution") {
        provider_role(root, out)?;
        return Ok(Source::ServerlessProvider { key: role.key_span });
    }
    role_property(root, role, env, out)
}

fn provider_role(root: &Node, out: &mut Gathered) -> Result<(), Unknown> {
    let provider = root.get("provider");
    let iam = provider.and_then(|p| p.get("iam"));
    let role = iam.and_then(|i| i.get("role"));
    if role.is_some_and(|r| r.as_str().is_some()) {
        return Err("the provider uses an existing role, named by ARN".into());
    }
    if role.and_then(|r| r.get("permissionsBoundary")).is_some()
        || provider
            .and_then(|p| p.get("rolePermissionsBoundary"))
            .is_some()
    {
        return Err("the provider role has a permissions boundary".into());
    }
    let statements = role
        .and_then(|r| r.get("statements"))
        .into_iter()
        .chain(provider.and_then(|p| p.get("iamRoleStatements")));
    for list in statements {
        let items = list
            .as_array()
            .ok_or("the provider's role statements are computed at deployment")?;
        out.documents
            .push(sam::object(vec![("Statement", sam::array(items.to_vec()))]));
    }
    let managed = role
        .and_then(|r| r.get("managedPolicies"))
        .into_iter()
        .chain(provider.and_then(|p| p.get("iamManagedPolicies")));
    for list in managed {
        for arn in list.as_array().unwrap_or(&[]) {
            managed_arn(root, "IamRoleLambdaExecution", arn, out)?;
        }
    }
    // What the framework adds for its functions: their log groups and event sources. Modelled
    // as whole services, a superset.
    out.statements.push(Statement::allow(
        &[
            "logs:*",
            "sqs:ReceiveMessage",
            "sqs:DeleteMessage",
            "sqs:GetQueueAttributes",
            "dynamodb:GetRecords",
            "dynamodb:GetShardIterator",
            "dynamodb:DescribeStream",
            "dynamodb:ListStreams",
            "kinesis:*",
            "kafka:*",
            "ec2:*",
            "xray:*",
        ],
        vec![Expr::text("*")],
    ));
    Ok(())
}
