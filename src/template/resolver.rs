//! What a template's intrinsic functions and resources resolve to once deployed.

use crate::document::{Node, Value, MAX_DEPTH};
use crate::hash::FastMap;
use crate::source::Span;
use crate::suggest::did_you_mean;

use super::{DeclaredFunction, DefinedBy, Rebuilt, Scope, UnknownSubstitution};

const REGION: &str = "us-east-1";
const ACCOUNT: &str = "123456789012";

/// What a template's resources resolve to.
pub(super) struct Resolver {
    /// Logical id → (type, properties).
    pub(super) resources: FastMap<String, (String, Option<Node>)>,
    /// The template's `Parameters`: defined, but known only at deployment.
    pub(super) parameters: Vec<String>,
}

impl Resolver {
    pub(super) fn new(root: &Node) -> Resolver {
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
    pub(super) fn declared_functions(&self) -> FastMap<String, DeclaredFunction> {
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
    pub(super) fn sub_defines(&self, name: &str, vars: &FastMap<String, String>) -> bool {
        let id = name.split_once('.').map_or(name, |(id, _)| id);
        name.starts_with("AWS::")
            || vars.contains_key(name)
            || self.resources.contains_key(id)
            || self.parameters.iter().any(|p| p == name)
    }

    /// What `Fn::Sub` could have meant by an undefined `${name}`.
    pub(super) fn sub_suggestion(
        &self,
        name: &str,
        vars: &FastMap<String, String>,
    ) -> Option<String> {
        let candidates = vars
            .keys()
            .chain(self.parameters.iter())
            .chain(self.resources.keys())
            .map(String::as_str);
        did_you_mean(name, candidates).map(str::to_string)
    }

    /// Appends all of `node`'s string, whose `${Name}`s are left for `DefinitionSubstitutions`
    /// (`names`), recording those it does not define.
    pub(super) fn copy_string<'d>(&self, node: &'d Node, names: &[String], out: &mut Rebuilt<'d>) {
        let Some(s) = node.as_str() else { return };
        let at = out.text.len();
        out.copy(node, 0..s.len());
        out.note_unknown(s, at, Scope::Substitutions(names));
    }

    /// A function's name: its FunctionName property, or the logical id.
    pub(super) fn function_name(&self, id: &str) -> String {
        self.resources
            .get(id)
            .and_then(|(_, props)| props.as_ref()?.get_str("FunctionName"))
            .filter(|n| !n.contains("${"))
            .unwrap_or(id)
            .to_string()
    }

    pub(super) fn function_arn(&self, name: &str) -> String {
        format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}")
    }

    /// `Ref` of a logical id or pseudo parameter; `None` when unknown before deployment.
    pub(super) fn reference(&self, id: &str) -> Option<String> {
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
    pub(super) fn function_target(&self, node: &Node) -> String {
        if let Some(id) = node.get_str("Ref") {
            return self.function_name(id);
        }
        node.as_str()
            .map(|s| s.rsplit(':').next().unwrap_or(s).to_string())
            .unwrap_or_else(|| "function".to_string())
    }

    /// `Fn::GetAtt` of `id.attribute`; `None` when unknown before deployment.
    pub(super) fn attribute(&self, id: &str, attribute: &str) -> Option<String> {
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
    pub(super) fn sub(&self, text: &str, vars: &FastMap<String, String>) -> String {
        replace_placeholders(text, |name| self.sub_value(name, vars))
    }

    /// What `Fn::Sub` puts in place of `${name}`, when known before deployment.
    pub(super) fn sub_value(&self, name: &str, vars: &FastMap<String, String>) -> Option<String> {
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
    pub(super) fn sub_into<'d>(
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
    pub(super) fn join_into<'d>(
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
    pub(super) fn string(&self, node: &Node, vars: &FastMap<String, String>) -> String {
        self.try_string(node, vars, 0)
            .unwrap_or_else(|| format!("${{{}}}", describe_unknown(node)))
    }

    pub(super) fn try_string(
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

fn is_single_member(node: &Node) -> bool {
    node.as_object().is_some_and(|m| m.len() == 1)
}

/// `text` with each `${name}` replaced by `lookup(name)`; names it does not know stay as written.
pub(super) fn replace_placeholders(text: &str, lookup: impl Fn(&str) -> Option<String>) -> String {
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
