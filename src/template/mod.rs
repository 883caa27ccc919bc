//! State machines inside CloudFormation, SAM and Serverless Framework templates: where each
//! definition is, how it is deployed, and what its `${Name}` placeholders and intrinsic
//! functions (`Ref`, `Fn::GetAtt`, `Fn::Sub`, `Fn::Join`) resolve to.
//!
//! Resolution produces realistic strings (a Lambda function's ARN, unqualified unless it names a
//! version or alias), so rules such as `unversioned-lambda` judge them like literal ARNs. What
//! cannot be known before deployment (parameters, most attributes) stays a `${…}` placeholder,
//! which every rule treats as unknown.

use crate::document::{Member, Node, Text, Value, MAX_DEPTH};
use crate::hash::FastMap;
use crate::model::WorkflowType;
use crate::source::Span;
use crate::suggest::did_you_mean;

mod deployment;
mod rebuilt;
pub mod terraform;

pub use deployment::{
    dollar_placeholders, unknown_in, DeclaredFunction, DefinedBy, Deployment, Scope, Tool,
    UnknownSubstitution,
};
pub use rebuilt::{Locator, Rebuilt};

const REGION: &str = "us-east-1";
const ACCOUNT: &str = "123456789012";

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

fn push_children<'d>(stack: &mut Vec<(&'d Node, String, Span)>, node: &'d Node, pointer: &str) {
    match &node.value {
        Value::Object(members) => {
            for m in members.iter().rev() {
                let child = format!(
                    "{pointer}/{}",
                    crate::document::escape_pointer_token(&m.key)
                );
                stack.push((&m.value, child, m.key_span));
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate().rev() {
                stack.push((item, format!("{pointer}/{i}"), item.span));
            }
        }
        _ => {}
    }
}

/// Definitions held anywhere below the top level of some other document, such as the
/// `definition` of a serverlessland example file. Each is named by its JSON pointer.
fn embedded_definitions(root: &Node) -> Vec<Embedded<'_>> {
    let mut found = Vec::new();
    let mut stack: Vec<(&Node, String, Span)> = Vec::new();
    push_children(&mut stack, root, "");
    while let Some((node, pointer, anchor)) = stack.pop() {
        if crate::model::Machine::looks_like_definition(node) {
            found.push(Embedded {
                name: pointer,
                anchor,
                workflow_type: None,
                definition: Definition::Object(node),
                substitutions: FastMap::default(),
                template: false,
                deployment: Deployment::default(),
            });
        } else {
            push_children(&mut stack, node, &pointer);
        }
    }
    found
}

fn cloudformation_machine<'d>(
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

/// What a template's resources resolve to.
struct Resolver {
    /// Logical id → (type, properties).
    resources: FastMap<String, (String, Option<Node>)>,
    /// The template's `Parameters`: defined, but known only at deployment.
    parameters: Vec<String>,
}

impl Resolver {
    fn new(root: &Node) -> Resolver {
        let mut resources = FastMap::default();
        for m in root
            .get("Resources")
            .and_then(Node::as_object)
            .unwrap_or(&[])
        {
            let ty = m.value.get_str("Type").unwrap_or("").to_string();
            resources.insert(m.key.to_string(), (ty, m.value.get("Properties").cloned()));
        }
        // Serverless Framework functions become `<Name>LambdaFunction` resources; the
        // serverless-step-functions plugin also accepts the function's key (`Fn::GetAtt:
        // [hello, Arn]`). Their names are only known at deployment (`<service>-<stage>-<key>`),
        // so the key names them here.
        for f in root
            .get("functions")
            .and_then(Node::as_object)
            .unwrap_or(&[])
        {
            let mut chars = f.key.chars();
            let logical = chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
                .replace('-', "Dash")
                .replace('_', "Underscore");
            let function = || ("AWS::Lambda::Function".to_string(), None);
            resources.insert(format!("{logical}LambdaFunction"), function());
            resources.entry(f.key.to_string()).or_insert_with(function);
        }
        let parameters = root
            .get("Parameters")
            .and_then(Node::as_object)
            .unwrap_or(&[])
            .iter()
            .map(|m| m.key.to_string())
            .collect();
        Resolver {
            resources,
            parameters,
        }
    }

    /// The Lambda functions declared, by the name their ARNs resolve to.
    fn declared_functions(&self) -> FastMap<String, DeclaredFunction> {
        self.resources
            .iter()
            .filter(|(_, (ty, _))| {
                matches!(
                    ty.as_str(),
                    "AWS::Lambda::Function" | "AWS::Serverless::Function"
                )
            })
            .map(|(id, (ty, props))| {
                let function = DeclaredFunction {
                    id: id.clone(),
                    sam: ty == "AWS::Serverless::Function",
                    auto_publish_alias: props
                        .as_ref()
                        .and_then(|p| p.get_str("AutoPublishAlias"))
                        .map(str::to_string),
                };
                (self.function_name(id), function)
            })
            .collect()
    }

    /// Whether `Fn::Sub` can resolve `${name}` at deployment, even if not here.
    fn sub_defines(&self, name: &str, vars: &FastMap<String, String>) -> bool {
        let id = name.split_once('.').map_or(name, |(id, _)| id);
        name.starts_with("AWS::")
            || vars.contains_key(name)
            || self.resources.contains_key(id)
            || self.parameters.iter().any(|p| p == name)
    }

    /// What `Fn::Sub` could have meant by an undefined `${name}`.
    fn sub_suggestion(&self, name: &str, vars: &FastMap<String, String>) -> Option<String> {
        let candidates = vars
            .keys()
            .chain(self.parameters.iter())
            .chain(self.resources.keys())
            .map(String::as_str);
        did_you_mean(name, candidates).map(str::to_string)
    }

    /// Appends all of `node`'s string, whose `${Name}`s are left for `DefinitionSubstitutions`
    /// (`names`), recording those it does not define.
    fn copy_string<'d>(&self, node: &'d Node, names: &[String], out: &mut Rebuilt<'d>) {
        let Some(s) = node.as_str() else { return };
        let at = out.text.len();
        out.copy(node, 0..s.len());
        out.note_unknown(s, at, Scope::Substitutions(names));
    }

    /// A function's name: its FunctionName property, or the logical id.
    fn function_name(&self, id: &str) -> String {
        self.resources
            .get(id)
            .and_then(|(_, props)| props.as_ref()?.get_str("FunctionName"))
            .filter(|n| !n.contains("${"))
            .unwrap_or(id)
            .to_string()
    }

    fn function_arn(&self, name: &str) -> String {
        format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}")
    }

    /// `Ref` of a logical id or pseudo parameter; `None` when unknown before deployment.
    fn reference(&self, id: &str) -> Option<String> {
        match id {
            "AWS::Region" => return Some(REGION.into()),
            "AWS::AccountId" => return Some(ACCOUNT.into()),
            "AWS::Partition" => return Some("aws".into()),
            "AWS::URLSuffix" => return Some("amazonaws.com".into()),
            _ => {}
        }
        // SAM: `MyFunction.Alias` is the AutoPublishAlias ARN.
        if let Some(function) = id.strip_suffix(".Alias") {
            let alias = self
                .resources
                .get(function)
                .and_then(|(_, p)| p.as_ref()?.get_str("AutoPublishAlias"))
                .unwrap_or("live");
            return Some(format!(
                "{}:{alias}",
                self.function_arn(&self.function_name(function))
            ));
        }
        let (ty, props) = self.resources.get(id)?;
        let prop = |key: &str| props.as_ref().and_then(|p| p.get(key));
        match ty.as_str() {
            // Ref of a function is its name: unversioned when used as a FunctionName.
            "AWS::Lambda::Function" | "AWS::Serverless::Function" => Some(self.function_name(id)),
            "AWS::Lambda::Alias" => {
                let function = prop("FunctionName")
                    .map_or_else(|| "function".to_string(), |f| self.function_target(f));
                let alias = prop("Name").and_then(Node::as_str).unwrap_or("alias");
                Some(format!("{}:{alias}", self.function_arn(&function)))
            }
            "AWS::Lambda::Version" => {
                let function = prop("FunctionName")
                    .map_or_else(|| "function".to_string(), |f| self.function_target(f));
                Some(format!("{}:1", self.function_arn(&function)))
            }
            "AWS::StepFunctions::Activity" => {
                let name = prop("Name").and_then(Node::as_str).unwrap_or(id);
                Some(format!("arn:aws:states:{REGION}:{ACCOUNT}:activity:{name}"))
            }
            "AWS::StepFunctions::StateMachine" | "AWS::Serverless::StateMachine" => Some(format!(
                "arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:{id}"
            )),
            _ => None,
        }
    }

    /// The function name an Alias/Version's `FunctionName` refers to.
    fn function_target(&self, node: &Node) -> String {
        if let Some(id) = node.get_str("Ref") {
            return self.function_name(id);
        }
        node.as_str()
            .map(|s| s.rsplit(':').next().unwrap_or(s).to_string())
            .unwrap_or_else(|| "function".to_string())
    }

    /// `Fn::GetAtt` of `id.attribute`; `None` when unknown before deployment.
    fn attribute(&self, id: &str, attribute: &str) -> Option<String> {
        let (ty, _) = self.resources.get(id)?;
        match (ty.as_str(), attribute) {
            ("AWS::Lambda::Function" | "AWS::Serverless::Function", "Arn") => {
                Some(self.function_arn(&self.function_name(id)))
            }
            ("AWS::StepFunctions::StateMachine" | "AWS::Serverless::StateMachine", "Arn") => {
                self.reference(id)
            }
            ("AWS::StepFunctions::Activity", "Arn") => self.reference(id),
            _ => None,
        }
    }

    /// Resolves `${X}` and `${X.Attr}` in an `Fn::Sub` string; unknown ones stay as written.
    fn sub(&self, text: &str, vars: &FastMap<String, String>) -> String {
        replace_placeholders(text, |name| self.sub_value(name, vars))
    }

    /// What `Fn::Sub` puts in place of `${name}`, when known before deployment.
    fn sub_value(&self, name: &str, vars: &FastMap<String, String>) -> Option<String> {
        if let Some(literal) = name.strip_prefix('!') {
            Some(format!("${{{literal}}}"))
        } else if let Some(v) = vars.get(name) {
            Some(v.clone())
        } else if let Some((id, attribute)) =
            name.split_once('.').filter(|_| !name.starts_with("AWS::"))
        {
            self.attribute(id, attribute)
                .or_else(|| self.reference(name))
        } else {
            self.reference(name)
        }
    }

    /// Appends what the argument of an `Fn::Sub` (a string, or `[string, variables]`)
    /// deploys as, with its origins. Returns the variables, or `None` when the argument has
    /// no template string.
    fn sub_into<'d>(
        &self,
        sub: &'d Node,
        vars: &FastMap<String, String>,
        names: &[String],
        out: &mut Rebuilt<'d>,
    ) -> Option<FastMap<String, String>> {
        let (template, local_vars) = match sub.as_array() {
            Some([template, vars]) => (template, vars.as_object().unwrap_or(&[])),
            Some([template]) => (template, &[][..]),
            _ => (sub, &[][..]),
        };
        let text = template.as_str()?;
        let mut local = vars.clone();
        for m in local_vars {
            local.insert(m.key.to_string(), self.string(&m.value, vars));
        }
        let mut at = 0;
        while let Some(found) = text[at..].find("${") {
            let open = at + found;
            let Some(close) = text[open + 2..].find('}').map(|i| open + 2 + i) else {
                break;
            };
            out.copy(template, at..open);
            // Fn::Sub resolves every ${X} before Step Functions sees the text; what stays
            // unknown is left as a placeholder, as written. `${!X}` leaves `${X}` for
            // DefinitionSubstitutions.
            let name = &text[open + 2..close];
            let start = out.text.len();
            match self.sub_value(name, &local) {
                Some(value) => {
                    out.substitute(&value, template, open..close + 1);
                    if name.starts_with('!') {
                        out.note_unknown(&value, start, Scope::Substitutions(names));
                    }
                }
                None => {
                    out.copy(template, open..close + 1);
                    if !self.sub_defines(name, &local) {
                        out.unknown.push(UnknownSubstitution {
                            name: name.to_string(),
                            span: Span::new(start, out.text.len()),
                            defined_by: DefinedBy::FnSub,
                            suggestion: self.sub_suggestion(name, &local),
                        });
                    }
                }
            }
            at = close + 1;
        }
        out.copy(template, at..text.len());
        Some(local)
    }

    /// Appends what the argument of an `Fn::Join` (`[delimiter, [parts]]`) deploys as, with
    /// its origins. Its strings are copied as they are: `Fn::Join` substitutes nothing.
    fn join_into<'d>(
        &self,
        join: &'d Node,
        names: &[String],
        out: &mut Rebuilt<'d>,
        depth: usize,
    ) -> bool {
        let Some([delimiter, parts]) = join.as_array() else {
            return false;
        };
        let (Some(separator), Some(parts)) = (delimiter.as_str(), parts.as_array()) else {
            return false;
        };
        if depth > MAX_DEPTH {
            return false;
        }
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                out.copy(delimiter, 0..separator.len());
            }
            if part.as_str().is_some() {
                self.copy_string(part, names, out);
                continue;
            }
            if let Some(sub) = part.get("Fn::Sub").filter(|_| is_single_member(part)) {
                if self
                    .sub_into(sub, &FastMap::default(), names, out)
                    .is_some()
                {
                    continue;
                }
            }
            if let Some(inner) = part.get("Fn::Join").filter(|_| is_single_member(part)) {
                if self.join_into(inner, names, out, depth + 1) {
                    continue;
                }
            }
            let value = self
                .try_string(part, &FastMap::default(), depth + 1)
                .unwrap_or_else(|| format!("${{{}}}", describe_unknown(part)));
            out.computed(&value, part.span);
        }
        true
    }

    /// A template value as the string it deploys as, or a `${…}` placeholder when unknown.
    fn string(&self, node: &Node, vars: &FastMap<String, String>) -> String {
        self.try_string(node, vars, 0)
            .unwrap_or_else(|| format!("${{{}}}", describe_unknown(node)))
    }

    fn try_string(
        &self,
        node: &Node,
        vars: &FastMap<String, String>,
        depth: usize,
    ) -> Option<String> {
        if depth > MAX_DEPTH {
            return None;
        }
        match &node.value {
            Value::String(s) => Some(self.sub(s, vars)),
            Value::Number(n) => Some(n.written().into_owned()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Object(members) if members.len() == 1 => {
                let m = &members[0];
                match m.key.as_str() {
                    "Ref" => self.reference(m.value.as_str()?),
                    "Fn::GetAtt" => {
                        let (id, attribute) = match &m.value.value {
                            Value::String(s) => {
                                let (a, b) = s.split_once('.')?;
                                (a.to_string(), b.to_string())
                            }
                            Value::Array(parts) => (
                                parts.first()?.as_str()?.to_string(),
                                parts.get(1)?.as_str()?.to_string(),
                            ),
                            _ => return None,
                        };
                        self.attribute(&id, &attribute)
                    }
                    "Fn::Sub" => match &m.value.value {
                        Value::String(s) => Some(self.sub(s, vars)),
                        Value::Array(parts) => {
                            let template = parts.first()?.as_str()?;
                            let mut local = vars.clone();
                            for v in parts.get(1).and_then(Node::as_object).unwrap_or(&[]) {
                                local.insert(v.key.to_string(), self.string(&v.value, vars));
                            }
                            Some(self.sub(template, &local))
                        }
                        _ => None,
                    },
                    "Fn::Join" => {
                        let [delimiter, parts] = m.value.as_array()? else {
                            return None;
                        };
                        let delimiter = delimiter.as_str()?;
                        let parts: Vec<String> = parts
                            .as_array()?
                            .iter()
                            .map(|p| {
                                self.try_string(p, vars, depth + 1)
                                    .unwrap_or_else(|| format!("${{{}}}", describe_unknown(p)))
                            })
                            .collect();
                        Some(parts.join(delimiter))
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }
}

/// A short name for an unresolvable value, used inside its `${…}` placeholder.
fn describe_unknown(node: &Node) -> String {
    if let Some([m]) = node.as_object() {
        let arg = match &m.value.value {
            Value::String(s) => s.to_string(),
            Value::Array(parts) => parts
                .iter()
                .filter_map(Node::as_str)
                .collect::<Vec<_>>()
                .join("."),
            _ => String::new(),
        };
        let arg: String = arg.chars().filter(|c| *c != '{' && *c != '}').collect();
        return format!("{}:{arg}", m.key.trim_start_matches("Fn::"));
    }
    "unknown".to_string()
}

/// A definition file referenced by a template (`DefinitionUri`), with that template's
/// `DefinitionSubstitutions` applied. Spans are kept.
pub fn substitute_definition(definition: &Node, substitutions: &FastMap<String, String>) -> Node {
    let resolver = Resolver {
        resources: FastMap::default(),
        parameters: Vec::new(),
    };
    resolve_node(definition, &resolver, substitutions, 0)
}

/// The definition with placeholders and intrinsic functions replaced by what they resolve to.
/// Spans are kept, so findings point into the template.
pub fn resolve(definition: &Node, embedded: &Embedded, template: &Node) -> Node {
    let resolver = Resolver::new(template);
    resolve_node(definition, &resolver, &embedded.substitutions, 0)
}

fn resolve_node(
    node: &Node,
    resolver: &Resolver,
    subs: &FastMap<String, String>,
    depth: usize,
) -> Node {
    let value = match &node.value {
        Value::String(s) if s.contains("${") => Value::String(Text::from(substitute(s, subs))),
        Value::Object(members) if depth < MAX_DEPTH => {
            if let Some(choice) = resolve_choice(members, resolver, subs, depth) {
                choice
            } else if is_intrinsic(members) {
                Value::String(Text::from(resolver.string(node, subs)))
            } else {
                Value::Object(
                    members
                        .iter()
                        .map(|m| Member {
                            key: m.key.clone(),
                            key_span: m.key_span,
                            value: resolve_node(&m.value, resolver, subs, depth + 1),
                        })
                        .collect(),
                )
            }
        }
        Value::Array(items) if depth < MAX_DEPTH => Value::Array(
            items
                .iter()
                .map(|i| resolve_node(i, resolver, subs, depth + 1))
                .collect(),
        ),
        other => other.clone(),
    };
    Node {
        span: node.span,
        value,
    }
}

/// `Fn::If` between two scalars (`Next: !If [IsProd, B, C]`), kept as a choice with both
/// branches resolved, so the model sees each value that may be deployed (both targets are
/// transitions). Choices between objects or arrays resolve to a placeholder, as before.
fn resolve_choice(
    members: &[Member],
    resolver: &Resolver,
    subs: &FastMap<String, String>,
    depth: usize,
) -> Option<Value> {
    let [m] = members else { return None };
    if m.key != "Fn::If" {
        return None;
    }
    let [condition, a, b] = m.value.as_array()? else {
        return None;
    };
    let branch = |n: &Node| {
        let resolved = resolve_node(n, resolver, subs, depth + 1);
        let scalar = !matches!(resolved.value, Value::Object(_) | Value::Array(_));
        scalar.then_some(resolved)
    };
    let (a, b) = (branch(a)?, branch(b)?);
    Some(Value::Object(vec![Member {
        key: m.key.clone(),
        key_span: m.key_span,
        value: Node {
            span: m.value.span,
            value: Value::Array(vec![condition.clone(), a, b]),
        },
    }]))
}

fn is_single_member(node: &Node) -> bool {
    node.as_object().is_some_and(|m| m.len() == 1)
}

fn is_intrinsic(members: &[Member]) -> bool {
    matches!(members, [m] if m.key == "Ref" || m.key.starts_with("Fn::"))
}

/// `${Name}` placeholders replaced from `DefinitionSubstitutions`; others stay as written.
fn substitute(text: &str, subs: &FastMap<String, String>) -> String {
    replace_placeholders(text, |name| subs.get(name).cloned())
}

/// `text` with each `${name}` replaced by `lookup(name)`; names it does not know stay as written.
fn replace_placeholders(text: &str, lookup: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        match lookup(&after[..end]) {
            Some(value) => out.push_str(&value),
            None => out.push_str(&rest[start..start + end + 3]),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::json;

    const SAM: &str = r#"{
      "Transform": "AWS::Serverless-2016-10-31",
      "Resources": {
        "PayFunction": {"Type": "AWS::Serverless::Function", "Properties": {"AutoPublishAlias": "prod"}},
        "ShipFunction": {"Type": "AWS::Lambda::Function", "Properties": {"FunctionName": "ship-order"}},
        "ShipVersion": {"Type": "AWS::Lambda::Version", "Properties": {"FunctionName": {"Ref": "ShipFunction"}}},
        "OrderFlow": {"Type": "AWS::Serverless::StateMachine", "Properties": {
          "Type": "EXPRESS",
          "DefinitionSubstitutions": {
            "PayArn": {"Fn::GetAtt": ["PayFunction", "Arn"]},
            "PayAlias": {"Ref": "PayFunction.Alias"},
            "ShipVersion": {"Ref": "ShipVersion"},
            "Bucket": {"Ref": "SomeParameter"},
            "Region": {"Fn::Sub": "${AWS::Region}"}
          },
          "Definition": {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "${PayArn}", "End": true,
             "Parameters": {"B": "${Bucket}", "F": {"Fn::GetAtt": "ShipFunction.Arn"}, "R": "${Region}"}}}}
        }},
        "Other": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {
          "StateMachineType": "STANDARD", "DefinitionUri": "s3://bucket/key"}},
        "Local": {"Type": "AWS::Serverless::StateMachine", "Properties": {"DefinitionUri": "statemachine/flow.asl.json"}}
      }
    }"#;

    #[test]
    fn finds_machines_with_their_workflow_type_and_source() {
        let doc = json::parse(SAM).unwrap();
        let machines = find(&doc.root).unwrap();
        let names: Vec<&str> = machines.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["OrderFlow", "Other", "Local"]);
        assert_eq!(machines[0].workflow_type, Some(WorkflowType::Express));
        assert_eq!(machines[1].workflow_type, Some(WorkflowType::Standard));
        assert!(matches!(machines[0].definition, Definition::Object(_)));
        assert!(
            matches!(&machines[1].definition, Definition::Unavailable { reason, .. } if reason.contains("S3"))
        );
        assert!(
            matches!(&machines[2].definition, Definition::File { path, .. } if path == "statemachine/flow.asl.json")
        );
        assert!(find(
            &json::parse(r#"{"StartAt": "A", "States": {}}"#)
                .unwrap()
                .root
        )
        .is_none());
    }

    #[test]
    fn substitutions_resolve_to_pinned_or_unpinned_arns() {
        let doc = json::parse(SAM).unwrap();
        let machines = find(&doc.root).unwrap();
        let subs = &machines[0].substitutions;
        assert_eq!(
            subs["PayArn"],
            "arn:aws:lambda:us-east-1:123456789012:function:PayFunction"
        );
        assert_eq!(
            subs["PayAlias"],
            "arn:aws:lambda:us-east-1:123456789012:function:PayFunction:prod"
        );
        assert_eq!(
            subs["ShipVersion"],
            "arn:aws:lambda:us-east-1:123456789012:function:ship-order:1"
        );
        assert_eq!(subs["Bucket"], "${Ref:SomeParameter}");
        assert_eq!(subs["Region"], "us-east-1");
        let Definition::Object(definition) = machines[0].definition else {
            panic!()
        };
        let resolved = resolve(definition, &machines[0], &doc.root);
        let a = resolved.get("States").unwrap().get("A").unwrap();
        assert_eq!(
            a.get_str("Resource"),
            Some("arn:aws:lambda:us-east-1:123456789012:function:PayFunction")
        );
        let params = a.get("Parameters").unwrap();
        assert_eq!(params.get_str("B"), Some("${Ref:SomeParameter}"));
        assert_eq!(
            params.get_str("F"),
            Some("arn:aws:lambda:us-east-1:123456789012:function:ship-order")
        );
        // Spans still point into the template.
        let original = definition
            .get("States")
            .unwrap()
            .get("A")
            .unwrap()
            .get("Resource")
            .unwrap();
        assert_eq!(a.get("Resource").unwrap().span, original.span);
    }

    #[test]
    fn definition_strings_are_rebuilt() {
        let text = r#"{"Resources": {
          "Fn": {"Type": "AWS::Lambda::Function"},
          "Sub": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {"DefinitionString":
            {"Fn::Sub": ["{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Task\", \"Resource\": \"${Fn.Arn}\", \"Comment\": \"${X} ${!Keep}\", \"End\": true}}}", {"X": "x"}]}}},
          "Join": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {"DefinitionString":
            {"Fn::Join": ["", ["{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Task\", \"Resource\": \"", {"Fn::GetAtt": ["Fn", "Arn"]}, "\", \"Next\": \"", {"Ref": "Unknown"}, "\"}}}"]]}}},
          "Plain": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {"DefinitionString": "{\"StartAt\": \"A\"}"}}
        }}"#;
        let doc = json::parse(text).unwrap();
        let machines = find(&doc.root).unwrap();
        let texts: Vec<&str> = machines
            .iter()
            .map(|m| match &m.definition {
                Definition::Text { rebuilt, .. } => rebuilt.text.as_str(),
                _ => "",
            })
            .collect();
        assert!(
            texts[0].contains(r#""Resource": "arn:aws:lambda:us-east-1:123456789012:function:Fn""#),
            "{}",
            texts[0]
        );
        assert!(
            texts[0].contains(r#""Comment": "x ${Keep}""#),
            "{}",
            texts[0]
        );
        assert!(texts[1].contains(r#""Resource": "arn:aws:lambda:us-east-1:123456789012:function:Fn", "Next": "${Ref:Unknown}""#), "{}", texts[1]);
        assert_eq!(texts[2], r#"{"StartAt": "A"}"#);
    }

    #[test]
    fn serverless_framework_machines() {
        let text = r#"{"functions": {"hello": {"handler": "h.js"}},
          "stepFunctions": {"stateMachines": {"greeter": {"type": "EXPRESS", "definition":
            {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": {"Fn::GetAtt": ["HelloLambdaFunction", "Arn"]}, "End": true}}}}}}}"#;
        let doc = json::parse(text).unwrap();
        let machines = find(&doc.root).unwrap();
        assert_eq!(machines[0].name, "greeter");
        assert_eq!(machines[0].workflow_type, Some(WorkflowType::Express));
        let Definition::Object(definition) = machines[0].definition else {
            panic!()
        };
        let resolved = resolve(definition, &machines[0], &doc.root);
        let a = resolved.get("States").unwrap().get("A").unwrap();
        assert_eq!(
            a.get_str("Resource"),
            Some("arn:aws:lambda:us-east-1:123456789012:function:HelloLambdaFunction")
        );
    }
}
