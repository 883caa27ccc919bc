//! Resource names as far as a template knows them: literal text with the template's references
//! kept as tokens, so that `!GetAtt Table.Arn` in a policy and `TableName: !Ref Table` in a
//! definition are recognised as the same table, and a parameter stands for any text.
//!
//! A definition's values arrive as the template stage resolves them (`template::resolve`):
//! literal strings, with what is unknown before deployment left as `${…}` placeholders
//! (`${Ref:Table}`, `${GetAtt:Queue.Arn}`, or `${Table}` from an `Fn::Sub`). A policy's values
//! are written the same way by `written`. Each placeholder that names a
//! template resource is rewritten to the resource's name in one canonical form per type (a
//! table's name, a queue's `QueueName`), and the region, account and partition that the
//! resolver fills in (`us-east-1`, `123456789012`, `aws`) become unknowns: a template is
//! deployed to a region and account this linter does not know.

use crate::document::{Node, Value};
use crate::hash::FastMap;

/// What the resolver writes for `${AWS::Region}`, `${AWS::AccountId}` and `${AWS::Partition}`.
const RESOLVED_REGION: &str = "us-east-1";
const RESOLVED_ACCOUNT: &str = "123456789012";
const RESOLVED_PARTITION: &str = "aws";

/// A part of a resource name.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Part {
    Text(String),
    /// A template value known only at deployment.
    Var(Var),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Var {
    /// How `Fn::Sub` writes it (`Table`, `Queue.QueueName`, `AWS::Region`); empty when it has
    /// no `Fn::Sub` form (an `Fn::Select`, an import, a Serverless variable).
    pub sub: String,
    pub kind: VarKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VarKind {
    /// The generated name of a resource the template creates: equal only to itself.
    Resource,
    /// A parameter, a pseudo parameter or anything unresolved: may be any text.
    Unknown,
}

/// A resource name: text and template values; `None` parts never occur.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct Expr(pub Vec<Part>);

impl Expr {
    pub fn text(s: impl Into<String>) -> Expr {
        let s = s.into();
        if s.is_empty() {
            Expr(Vec::new())
        } else {
            Expr(vec![Part::Text(s)])
        }
    }

    pub fn unknown(sub: &str) -> Expr {
        Expr(vec![Part::Var(Var {
            sub: sub.to_string(),
            kind: VarKind::Unknown,
        })])
    }

    pub fn push_text(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        if let Some(Part::Text(last)) = self.0.last_mut() {
            last.push_str(s);
        } else {
            self.0.push(Part::Text(s.to_string()));
        }
    }

    pub fn push(&mut self, other: &Expr) {
        for part in &other.0 {
            match part {
                Part::Text(t) => self.push_text(t),
                Part::Var(_) => self.0.push(part.clone()),
            }
        }
    }

    pub fn concat(parts: &[&Expr]) -> Expr {
        let mut out = Expr::default();
        for p in parts {
            out.push(p);
        }
        out
    }

    /// The literal text, when the name has no template values.
    pub fn as_text(&self) -> Option<&str> {
        match self.0.as_slice() {
            [] => Some(""),
            [Part::Text(t)] => Some(t),
            _ => None,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn starts_with(&self, prefix: &str) -> bool {
        matches!(self.0.first(), Some(Part::Text(t)) if t.starts_with(prefix))
    }

    /// Splits on `sep` in the text parts; template values never separate.
    pub fn split(&self, sep: char) -> Vec<Expr> {
        let mut out = vec![Expr::default()];
        for part in &self.0 {
            match part {
                Part::Text(t) => {
                    let mut pieces = t.split(sep);
                    if let Some(first) = pieces.next() {
                        out.last_mut().expect("never empty").push_text(first);
                    }
                    for piece in pieces {
                        out.push(Expr::text(piece));
                    }
                }
                Part::Var(_) => out.last_mut().expect("never empty").0.push(part.clone()),
            }
        }
        out
    }

    pub fn join(pieces: &[Expr], sep: &str) -> Expr {
        let mut out = Expr::default();
        for (i, p) in pieces.iter().enumerate() {
            if i > 0 {
                out.push_text(sep);
            }
            out.push(p);
        }
        out
    }

    /// Whether every template value in it can be written in an `Fn::Sub`.
    pub fn printable(&self) -> bool {
        self.0
            .iter()
            .all(|p| !matches!(p, Part::Var(v) if v.sub.is_empty()))
    }

    pub fn has_vars(&self) -> bool {
        self.0.iter().any(|p| matches!(p, Part::Var(_)))
    }

    /// The `Fn::Sub` string for it (literal `${` escaped as `${!`).
    pub fn to_sub(&self) -> String {
        let mut out = String::new();
        for part in &self.0 {
            match part {
                Part::Text(t) => out.push_str(&t.replace("${", "${!")),
                Part::Var(v) => {
                    out.push_str("${");
                    out.push_str(&v.sub);
                    out.push('}');
                }
            }
        }
        out
    }

    /// How a message shows it: text as written, template values as `${…}` (the partition as
    /// `aws`), unprintable ones as `*`.
    pub fn display(&self) -> String {
        let mut out = String::new();
        for part in &self.0 {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Var(v) if v.sub.is_empty() => out.push('*'),
                // Every partition has the same services; `aws` reads better.
                Part::Var(v) if v.sub == "AWS::Partition" => out.push_str("aws"),
                Part::Var(v) => {
                    out.push_str("${");
                    out.push_str(&v.sub);
                    out.push('}');
                }
            }
        }
        out
    }
}

/// What the template declares that resource names refer to.
#[derive(Clone, Debug, Default)]
pub struct Env {
    /// Logical id → resource.
    pub resources: FastMap<String, Declared>,
    pub parameters: Vec<String>,
    /// Values come from the template stage, which writes `us-east-1`, `123456789012` and `aws`
    /// for the region, account and partition it does not know.
    pub resolved: bool,
}

/// A resource of the template, with the name it is given, when the template gives one.
#[derive(Clone, Debug)]
pub struct Declared {
    pub ty: String,
    /// The physical name from its name property (`TableName`, `QueueName`, `FunctionName`…),
    /// when it has one (an `Fn::Sub` or `Fn::Join` of pseudo parameters included).
    pub name: Option<Expr>,
    /// The roles its properties name (a task definition's task and execution roles).
    pub roles: Vec<RoleRef>,
}

/// The property that names a resource of each type, and the `Fn::Sub` attribute that gives
/// that name when the property is absent.
fn naming(ty: &str) -> Option<(&'static str, NameAttr)> {
    Some(match ty {
        "AWS::DynamoDB::Table" | "AWS::Serverless::SimpleTable" => ("TableName", NameAttr::Ref),
        "AWS::SQS::Queue" => ("QueueName", NameAttr::Att("QueueName")),
        "AWS::SNS::Topic" => ("TopicName", NameAttr::Att("TopicName")),
        "AWS::S3::Bucket" => ("BucketName", NameAttr::Ref),
        "AWS::Events::EventBus" => ("Name", NameAttr::Att("Name")),
        "AWS::Lambda::Function" | "AWS::Serverless::Function" => ("FunctionName", NameAttr::Ref),
        "AWS::StepFunctions::StateMachine" => ("StateMachineName", NameAttr::Att("Name")),
        "AWS::Serverless::StateMachine" => ("Name", NameAttr::Att("Name")),
        "AWS::IAM::Role" => ("RoleName", NameAttr::Ref),
        "AWS::ECS::Cluster" => ("ClusterName", NameAttr::Ref),
        "AWS::CodeBuild::Project" => ("Name", NameAttr::Ref),
        "AWS::Glue::Job" => ("Name", NameAttr::Ref),
        "AWS::Logs::LogGroup" => ("LogGroupName", NameAttr::Ref),
        "AWS::Kinesis::Stream" => ("Name", NameAttr::Ref),
        "AWS::Events::Connection" => ("Name", NameAttr::Ref),
        "AWS::Athena::WorkGroup" => ("Name", NameAttr::Ref),
        _ => return None,
    })
}

#[derive(Clone, Copy)]
enum NameAttr {
    /// `Ref` gives the name.
    Ref,
    /// This attribute does.
    Att(&'static str),
}

impl Env {
    /// The resources and parameters of a template's root.
    pub fn of_template(root: &Node) -> Env {
        let mut env = Env {
            resolved: true,
            ..Env::default()
        };
        // Serverless Framework templates declare CloudFormation resources under `resources`.
        let declared = root
            .get("Resources")
            .into_iter()
            .chain(root.get("resources").and_then(|r| r.get("Resources")))
            .flat_map(|r| r.as_object().unwrap_or(&[]));
        let mut names: Vec<(String, &Node)> = Vec::new();
        for m in declared {
            let ty = m.value.get_str("Type").unwrap_or("").to_string();
            let props = m.value.get("Properties");
            if let Some(node) = naming(&ty).and_then(|(key, _)| props?.get(key)) {
                names.push((m.key.to_string(), node));
            }
            let name = None;
            let mut roles = Vec::new();
            if ty == "AWS::ECS::TaskDefinition" {
                for key in ["TaskRoleArn", "ExecutionRoleArn"] {
                    if let Some(role) = props.and_then(|p| p.get(key)) {
                        roles.push(role_reference(role));
                    }
                }
            }
            env.resources
                .insert(m.key.to_string(), Declared { ty, name, roles });
        }
        // Serverless Framework functions are `<Name>LambdaFunction` resources, also
        // referred to by their key.
        for f in root
            .get("functions")
            .and_then(Node::as_object)
            .unwrap_or(&[])
        {
            let function = || Declared {
                ty: "AWS::Lambda::Function".into(),
                name: None,
                roles: Vec::new(),
            };
            env.resources
                .entry(serverless_function_id(&f.key))
                .or_insert_with(function);
            env.resources
                .entry(f.key.to_string())
                .or_insert_with(function);
        }
        env.parameters = root
            .get("Parameters")
            .and_then(Node::as_object)
            .unwrap_or(&[])
            .iter()
            .map(|m| m.key.to_string())
            .collect();
        // Names are read once every resource is known (one may name another's attribute).
        let named: Vec<(String, Expr)> = names
            .into_iter()
            .filter_map(|(id, node)| {
                // A literal the template stage takes as the name; anything else (which it
                // names by the logical id) read as what it may be.
                let expr = match node.as_str() {
                    Some(s) if !s.contains("${") => Expr::text(s),
                    Some(s) => env.parse(s),
                    None => env.parse(&intrinsic_text(node)?),
                };
                Some((id, expr))
            })
            .collect();
        for (id, name) in named {
            if let Some(d) = env.resources.get_mut(&id) {
                d.name = Some(name);
            }
        }
        env
    }

    /// The name property of resource `id`, when it is plain text.
    fn literal_name(&self, id: &str) -> Option<&str> {
        self.resource(id)?.name.as_ref()?.as_text()
    }

    fn resource(&self, id: &str) -> Option<&Declared> {
        self.resources.get(id)
    }

    /// The name of resource `id` of type `ty`, as a part of a name.
    fn name_of(&self, id: &str) -> Option<Expr> {
        let declared = self.resource(id)?;
        let (_, attr) = naming(&declared.ty)?;
        if let Some(name) = &declared.name {
            return Some(name.clone());
        }
        let sub = match attr {
            NameAttr::Ref => id.to_string(),
            NameAttr::Att(a) => format!("{id}.{a}"),
        };
        Some(Expr(vec![Part::Var(Var {
            sub,
            kind: VarKind::Resource,
        })]))
    }

    /// What `Ref` of `id` is, as a name.
    fn reference(&self, id: &str) -> Expr {
        if let Some(pseudo) = id.strip_prefix("AWS::") {
            return Expr::unknown(&format!("AWS::{pseudo}"));
        }
        let Some(declared) = self.resource(id) else {
            // A parameter, or something undefined: any text.
            return Expr::unknown(if self.parameters.iter().any(|p| p == id) {
                id
            } else {
                ""
            });
        };
        let name = || self.name_of(id);
        let arn = |service: &str, resource: &str| {
            let mut e = arn_prefix(service, true);
            e.push_text(resource);
            e
        };
        let resolved = match declared.ty.as_str() {
            "AWS::DynamoDB::Table"
            | "AWS::Serverless::SimpleTable"
            | "AWS::S3::Bucket"
            | "AWS::Lambda::Function"
            | "AWS::Serverless::Function"
            | "AWS::IAM::Role"
            | "AWS::ECS::Cluster"
            | "AWS::CodeBuild::Project"
            | "AWS::Glue::Job"
            | "AWS::Logs::LogGroup"
            | "AWS::Kinesis::Stream"
            | "AWS::Events::Connection"
            | "AWS::Athena::WorkGroup" => name(),
            "AWS::Events::EventBus" => name(),
            "AWS::SQS::Queue" => name().map(|n| {
                let mut url = Expr::text("https://sqs.");
                url.push(&Expr::unknown("AWS::Region"));
                url.push_text(".amazonaws.com/");
                url.push(&Expr::unknown("AWS::AccountId"));
                url.push_text("/");
                url.push(&n);
                url
            }),
            "AWS::SNS::Topic" => name().map(|n| {
                let mut e = arn("sns", "");
                e.push(&n);
                e
            }),
            "AWS::StepFunctions::StateMachine" | "AWS::Serverless::StateMachine" => {
                name().map(|n| {
                    let mut e = arn("states", "stateMachine:");
                    e.push(&n);
                    e
                })
            }
            _ => None,
        };
        resolved.unwrap_or_else(|| {
            Expr(vec![Part::Var(Var {
                sub: id.to_string(),
                kind: VarKind::Resource,
            })])
        })
    }

    /// What `Fn::GetAtt` of `id.attribute` is.
    fn attribute(&self, id: &str, attribute: &str) -> Expr {
        let Some(declared) = self.resource(id) else {
            return Expr::unknown("");
        };
        let name = || self.name_of(id);
        let with = |service: &str, resource: &str, region: bool| {
            name().map(|n| {
                let mut e = arn_prefix(service, region);
                e.push_text(resource);
                e.push(&n);
                e
            })
        };
        let resolved = match (declared.ty.as_str(), attribute) {
            ("AWS::DynamoDB::Table" | "AWS::Serverless::SimpleTable", "Arn") => {
                with("dynamodb", "table/", true)
            }
            ("AWS::SQS::Queue", "Arn") => with("sqs", "", true),
            ("AWS::SQS::Queue", "QueueUrl") => Some(self.reference(id)),
            ("AWS::SNS::Topic", "TopicArn") => Some(self.reference(id)),
            ("AWS::S3::Bucket", "Arn") => with("s3", "", false),
            ("AWS::Events::EventBus", "Arn") => with("events", "event-bus/", true),
            ("AWS::Lambda::Function" | "AWS::Serverless::Function", "Arn") => {
                with("lambda", "function:", true)
            }
            ("AWS::StepFunctions::StateMachine" | "AWS::Serverless::StateMachine", "Arn") => {
                Some(self.reference(id))
            }
            ("AWS::IAM::Role", "Arn") => name().map(|n| {
                let mut e = Expr::text("arn:");
                e.push(&Expr::unknown("AWS::Partition"));
                e.push_text(":iam::");
                e.push(&Expr::unknown("AWS::AccountId"));
                e.push_text(":role/");
                e.push(&n);
                e
            }),
            ("AWS::ECS::Cluster", "Arn") => with("ecs", "cluster/", true),
            ("AWS::CodeBuild::Project", "Arn") => with("codebuild", "project/", true),
            ("AWS::Kinesis::Stream", "Arn") => with("kinesis", "stream/", true),
            ("AWS::Logs::LogGroup", "Arn") => name().map(|n| {
                let mut e = arn_prefix("logs", true);
                e.push_text("log-group:");
                e.push(&n);
                e.push_text(":*");
                e
            }),
            (_, a)
                if naming(&declared.ty)
                    .is_some_and(|(_, n)| matches!(n, NameAttr::Att(x) if x == a)) =>
            {
                name()
            }
            _ => None,
        };
        resolved.unwrap_or_else(|| {
            Expr(vec![Part::Var(Var {
                sub: format!("{id}.{attribute}"),
                kind: VarKind::Resource,
            })])
        })
    }

    /// A value as resolved by the template stage, with its placeholders read.
    pub fn parse(&self, s: &str) -> Expr {
        let mut out = Expr::default();
        let mut at = 0;
        for p in crate::placeholder::find(s) {
            out.push_text(&s[at..p.range.start]);
            let name = &s[p.name.clone()];
            let sigil = s.as_bytes()[p.range.start];
            out.push(&self.placeholder(name, sigil == b'#'));
            at = p.range.end;
        }
        out.push_text(&s[at..]);
        self.canonical(out)
    }

    fn placeholder(&self, name: &str, pseudo_form: bool) -> Expr {
        if pseudo_form {
            // `#{AWS::Region}` (serverless-pseudo-parameters).
            return Expr::unknown(name);
        }
        if let Some(id) = name.strip_prefix("Ref:") {
            return self.reference(id);
        }
        if let Some(rest) = name.strip_prefix("GetAtt:") {
            return match rest.split_once('.') {
                Some((id, a)) => self.attribute(id, a),
                None => Expr::unknown(""),
            };
        }
        if name.starts_with("AWS::") {
            return Expr::unknown(name);
        }
        let plain = |c: char| c.is_ascii_alphanumeric() || c == '.' || c == '_';
        if name.chars().all(plain) && !name.is_empty() {
            // `${Table}` or `${Queue.Arn}` left by an `Fn::Sub`.
            return match name.split_once('.') {
                Some((id, a)) if self.resources.contains_key(id) => self.attribute(id, a),
                None if self.resources.contains_key(name) => self.reference(name),
                None if self.parameters.iter().any(|p| p == name) => Expr::unknown(name),
                _ => Expr::unknown(""),
            };
        }
        Expr::unknown("")
    }

    /// The roles a task definition of the template passes, when `definition` is one
    /// (`!Ref TaskDefinition`); `None` for any other value.
    pub fn task_definition_roles(&self, definition: &Expr) -> Option<Vec<Expr>> {
        let [Part::Var(v)] = definition.0.as_slice() else {
            return None;
        };
        let declared = self.resource(&v.sub)?;
        if declared.ty != "AWS::ECS::TaskDefinition" {
            return None;
        }
        Some(
            declared
                .roles
                .iter()
                .map(|r| match r {
                    RoleRef::Declared(id) => self.attribute(id, "Arn"),
                    RoleRef::Arn(arn) => self.parse(arn),
                    RoleRef::Unknown => Expr::unknown(""),
                })
                .collect(),
        )
    }

    /// An ARN with the resolver's region, account and partition made unknown, and the names
    /// the resolver gives declared functions and state machines (their logical ids) made
    /// the resources' own names.
    pub fn canonical(&self, expr: Expr) -> Expr {
        if !self.resolved || !expr.starts_with("arn:") {
            return expr;
        }
        let mut segments = expr.split(':');
        if segments.len() < 6 {
            return expr;
        }
        for (i, pseudo, resolved) in [
            (1, "AWS::Partition", RESOLVED_PARTITION),
            (3, "AWS::Region", RESOLVED_REGION),
            (4, "AWS::AccountId", RESOLVED_ACCOUNT),
        ] {
            if segments[i].as_text() == Some(resolved) {
                segments[i] = Expr::unknown(pseudo);
            }
        }
        let service = segments[2].as_text().unwrap_or("");
        let kind = segments[5].as_text().unwrap_or("");
        let named = match (service, kind) {
            ("lambda", "function") => Some(6),
            ("states", "stateMachine" | "execution") => Some(6),
            _ => None,
        };
        if let Some(i) = named {
            if let Some(id) = segments.get(i).and_then(Expr::as_text).map(str::to_string) {
                let is_target = self.resource(&id).is_some_and(|d| match service {
                    "lambda" => {
                        self.literal_name(&id).is_none()
                            && matches!(
                                d.ty.as_str(),
                                "AWS::Lambda::Function" | "AWS::Serverless::Function"
                            )
                    }
                    _ => matches!(
                        d.ty.as_str(),
                        "AWS::StepFunctions::StateMachine" | "AWS::Serverless::StateMachine"
                    ),
                });
                if is_target {
                    if let Some(name) = self.name_of(&id) {
                        segments[i] = name;
                    }
                }
            }
        }
        Expr::join(&segments, ":")
    }

    /// `Fn::GetAtt X.Arn` / `Ref X` when `expr` is exactly what one of them is, for printing.
    pub fn intrinsic_for(&self, expr: &Expr) -> Option<(String, Option<&'static str>)> {
        if !expr.has_vars() {
            return None;
        }
        let mut ids: Vec<&String> = self.resources.keys().collect();
        ids.sort();
        for id in ids {
            let declared = &self.resources[id];
            let arn_by_ref = matches!(
                declared.ty.as_str(),
                "AWS::SNS::Topic"
                    | "AWS::StepFunctions::StateMachine"
                    | "AWS::Serverless::StateMachine"
            );
            if arn_by_ref && &self.reference(id) == expr {
                return Some((id.clone(), None));
            }
            if naming(&declared.ty).is_some() && !arn_by_ref && &self.attribute(id, "Arn") == expr {
                return Some((id.clone(), Some("Arn")));
            }
        }
        None
    }
}

/// An intrinsic function (`Ref`, `Fn::GetAtt`, `Fn::Sub`, `Fn::Join`) written as `Fn::Sub` text
/// (`${AWS::Region}`, `${Table}`, `${Table.Arn}`), which `Env::parse` reads; what has no such
/// form (`Fn::ImportValue`, `Fn::Select`…) becomes an unknown. `None` for anything else.
pub fn intrinsic_text(node: &Node) -> Option<String> {
    intrinsic_at(node, 0)
}

fn intrinsic_at(node: &Node, depth: usize) -> Option<String> {
    const UNKNOWN: &str = "${?}";
    let [m] = node.as_object()? else {
        return None;
    };
    if depth > 16 {
        return Some(UNKNOWN.into());
    }
    let text = |n: &Node| {
        n.as_str()
            .map(str::to_string)
            .or_else(|| intrinsic_at(n, depth + 1))
            .unwrap_or_else(|| UNKNOWN.into())
    };
    Some(match (m.key.as_str(), &m.value.value) {
        ("Ref", Value::String(s)) => format!("${{{s}}}"),
        ("Fn::GetAtt", Value::String(s)) => format!("${{{s}}}"),
        ("Fn::GetAtt", Value::Array(parts)) => {
            let parts: Vec<String> = parts.iter().map(text).collect();
            format!("${{{}}}", parts.join("."))
        }
        ("Fn::Sub", Value::String(s)) => s.to_string(),
        ("Fn::Sub", Value::Array(parts)) => {
            let mut s = parts.first().and_then(Node::as_str)?.to_string();
            for v in parts.get(1).and_then(Node::as_object).unwrap_or(&[]) {
                s = s.replace(&format!("${{{}}}", v.key), &text(&v.value));
            }
            s
        }
        ("Fn::Join", Value::Array(parts)) => match parts.as_slice() {
            [sep, list] => list
                .as_array()?
                .iter()
                .map(text)
                .collect::<Vec<_>>()
                .join(sep.as_str()?),
            _ => UNKNOWN.into(),
        },
        _ if m.key.starts_with("Fn::") => UNKNOWN.into(),
        _ => return None,
    })
}

/// `arn:${AWS::Partition}:<service>:${AWS::Region}:${AWS::AccountId}:` (no region or account
/// for global services such as S3).
pub fn arn_prefix(service: &str, regional: bool) -> Expr {
    let mut e = Expr::text("arn:");
    e.push(&Expr::unknown("AWS::Partition"));
    e.push_text(&format!(":{service}:"));
    if regional {
        e.push(&Expr::unknown("AWS::Region"));
        e.push_text(":");
        e.push(&Expr::unknown("AWS::AccountId"));
        e.push_text(":");
    } else {
        e.push_text("::");
    }
    e
}

/// The Serverless Framework's logical id for function `key`.
pub fn serverless_function_id(key: &str) -> String {
    let mut chars = key.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect::<String>())
        .unwrap_or_default()
        .replace('-', "Dash")
        .replace('_', "Underscore")
        + "LambdaFunction"
}

/// A role a property names.
#[derive(Clone, Debug)]
pub enum RoleRef {
    /// `!GetAtt Role.Arn` of a role of the template.
    Declared(String),
    /// A literal ARN.
    Arn(String),
    /// A parameter, an import, anything else.
    Unknown,
}

/// A role property (`!GetAtt Role.Arn`, an ARN, a parameter).
fn role_reference(node: &Node) -> RoleRef {
    match &node.value {
        Value::String(s) => RoleRef::Arn(s.to_string()),
        Value::Object(members) if members.len() == 1 => {
            let m = &members[0];
            let att = match (&*m.key, &m.value.value) {
                ("Fn::GetAtt", Value::String(s)) => s
                    .split_once('.')
                    .map(|(a, b)| (a.to_string(), b.to_string())),
                ("Fn::GetAtt", Value::Array(parts)) => match parts.as_slice() {
                    [a, b] => Some((
                        a.as_str().unwrap_or("").to_string(),
                        b.as_str().unwrap_or("").to_string(),
                    )),
                    _ => None,
                },
                _ => None,
            };
            match att {
                Some((id, a)) if a == "Arn" => RoleRef::Declared(id),
                _ => RoleRef::Unknown,
            }
        }
        _ => RoleRef::Unknown,
    }
}

/// One element of a name, for matching.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Atom<'a> {
    Char(char),
    /// `*` in a policy's pattern.
    Star,
    /// `?` in a policy's pattern.
    One,
    /// A generated name: one ARN segment's worth of text, never another resource's name.
    Resource(&'a str),
    /// A value known at deployment, by its `Fn::Sub` name (empty when it has none).
    Unknown(&'a str),
    /// A pseudo parameter (`AWS::Region`…): one segment's worth of text.
    Pseudo(&'a str),
}

impl Atom<'_> {
    /// Text of any length and shape (a parameter may be a whole ARN).
    fn free(self) -> bool {
        matches!(self, Atom::Unknown(_))
    }

    /// Stands for text within one ARN segment.
    fn segment(self) -> bool {
        matches!(self, Atom::Resource(_) | Atom::Pseudo(_))
    }

    /// What a segment value may hold: a character other than a separator, or a pseudo
    /// parameter's value.
    fn in_segment(self) -> bool {
        matches!(self, Atom::Char(c) if c != ':' && c != '/')
            || matches!(self, Atom::One | Atom::Pseudo(_))
    }
}

fn atoms(expr: &Expr, pattern: bool) -> Vec<Atom<'_>> {
    let mut out = Vec::new();
    for part in &expr.0 {
        match part {
            Part::Text(t) => out.extend(t.chars().map(|c| match c {
                '*' if pattern => Atom::Star,
                '?' if pattern => Atom::One,
                c => Atom::Char(c),
            })),
            Part::Var(v) => out.push(match v.kind {
                VarKind::Resource => Atom::Resource(&v.sub),
                VarKind::Unknown if v.sub.starts_with("AWS::") => Atom::Pseudo(&v.sub),
                VarKind::Unknown => Atom::Unknown(&v.sub),
            }),
        }
    }
    out
}

/// Whether a policy's resource pattern matches a resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Certainty {
    /// It may match, whatever the unknowns turn out to be (for an Allow: when in doubt, allow).
    May,
    /// It matches whatever the unknowns are (for a Deny: deny only what is certain).
    Must,
}

/// Longest names compared exactly (IAM allows ARNs of 2048 characters); longer ones count as
/// matching (an Allow) or not (a Deny).
const MAX_ATOMS: usize = 2048;

/// How much comparing one machine's needs with its role may cost, in cells of the matching
/// table: a hostile template (thousands of long patterns, thousands of Tasks) gets answers in
/// doubt, not a hang. Real templates use a few thousand cells per Task.
#[derive(Debug)]
pub struct Budget(std::cell::Cell<usize>);

impl Budget {
    pub const DEFAULT: usize = 50_000_000;

    pub fn new(cells: usize) -> Budget {
        Budget(std::cell::Cell::new(cells))
    }

    /// Takes `cells` from the budget; `false` when it is spent.
    fn take(&self, cells: usize) -> bool {
        let left = self.0.get();
        self.0.set(left.saturating_sub(cells));
        left >= cells
    }
}

impl Default for Budget {
    fn default() -> Budget {
        Budget::new(Budget::DEFAULT)
    }
}

/// Whether the IAM resource pattern `pattern` (with `*` and `?`) matches `resource`.
pub fn matches(pattern: &Expr, resource: &Expr, certainty: Certainty) -> bool {
    matches_within(pattern, resource, certainty, &Budget::default())
}

/// `matches`, charged to `budget`; when it is spent, the answer in doubt (an Allow matches, a
/// Deny does not).
pub fn matches_within(
    pattern: &Expr,
    resource: &Expr,
    certainty: Certainty,
    budget: &Budget,
) -> bool {
    if pattern.as_text() == Some("*") || (pattern == resource && !pattern.has_vars()) {
        return true;
    }
    let p = atoms(pattern, true);
    let n = atoms(resource, false);
    if p.len() > MAX_ATOMS || n.len() > MAX_ATOMS || !budget.take((p.len() + 1) * (n.len() + 1)) {
        return certainty == Certainty::May;
    }
    let may = certainty == Certainty::May;
    let empty_ok = |a: Atom| may && matches!(a, Atom::Unknown(_) | Atom::Pseudo(_));
    // next[j]: p[i+1..] matches n[j..]; row[j]: p[i..] matches n[j..].
    let cols = n.len() + 1;
    let mut next = vec![false; cols];
    // The empty pattern matches what is left only if it can be empty.
    next[n.len()] = true;
    for j in (0..n.len()).rev() {
        next[j] = empty_ok(n[j]) && next[j + 1];
    }
    let mut row = vec![false; cols];
    for i in (0..p.len()).rev() {
        row[n.len()] = match p[i] {
            Atom::Star => next[n.len()],
            a => empty_ok(a) && next[n.len()],
        };
        for j in (0..n.len()).rev() {
            let (a, b) = (p[i], n[j]);
            row[j] = match (a, b) {
                (Atom::Star, _) => next[j] || row[j + 1],
                // Two generated names are two resources.
                (Atom::Resource(x), Atom::Resource(y)) => x == y && next[j + 1],
                // The same parameter (or pseudo parameter) has the same value on both sides.
                (Atom::Unknown(x), Atom::Unknown(y)) | (Atom::Pseudo(x), Atom::Pseudo(y))
                    if !x.is_empty() && x == y =>
                {
                    next[j + 1] || (may && (next[j] || row[j + 1]))
                }
                (Atom::One, Atom::Char(_)) => next[j + 1],
                (Atom::Char(x), Atom::Char(y)) => x == y && next[j + 1],
                _ if !may => false,
                // What an unknown stands for may take the other side's atom, and more.
                _ if a.free() => next[j] || row[j + 1],
                _ if b.free() => row[j + 1] || next[j],
                _ if a.segment() && b.in_segment() => row[j + 1] || next[j + 1] || next[j],
                _ if b.segment() && a.in_segment() => next[j] || next[j + 1] || row[j + 1],
                _ if a.segment() && b.segment() => next[j + 1],
                (Atom::One, _) => next[j + 1],
                _ => false,
            };
        }
        std::mem::swap(&mut row, &mut next);
    }
    next[0]
}

/// Whether the IAM action pattern (`dynamodb:*`, `s3:Get*`) matches `action`, ignoring case.
pub fn action_matches(pattern: &str, action: &str) -> bool {
    let p: Vec<char> = pattern.chars().map(|c| c.to_ascii_lowercase()).collect();
    let a: Vec<char> = action.chars().map(|c| c.to_ascii_lowercase()).collect();
    if p.len() > MAX_ATOMS || a.len() > MAX_ATOMS {
        return false;
    }
    let mut next = vec![false; a.len() + 1];
    next[a.len()] = true;
    let mut row = vec![false; a.len() + 1];
    for i in (0..p.len()).rev() {
        row[a.len()] = p[i] == '*' && next[a.len()];
        for j in (0..a.len()).rev() {
            row[j] = match p[i] {
                '*' => next[j] || row[j + 1],
                '?' => next[j + 1],
                c => c == a[j] && next[j + 1],
            };
        }
        std::mem::swap(&mut row, &mut next);
    }
    next[0]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::yaml;

    fn env() -> Env {
        let doc = yaml::parse(
            "Parameters: {Stage: {Type: String}}\nResources:\n  Table: {Type: AWS::DynamoDB::Table}\n  Named: {Type: AWS::DynamoDB::Table, Properties: {TableName: orders}}\n  Other: {Type: AWS::DynamoDB::Table}\n  Queue: {Type: AWS::SQS::Queue}\n  Topic: {Type: AWS::SNS::Topic}\n  Fn: {Type: AWS::Serverless::Function}\n  Flow: {Type: AWS::Serverless::StateMachine}\n",
        )
        .unwrap();
        Env::of_template(&doc.root)
    }

    fn m(pattern: &str, resource: &str, c: Certainty) -> bool {
        let env = env();
        matches(&env.parse(pattern), &env.parse(resource), c)
    }

    #[test]
    fn references_to_one_resource_are_equal_whatever_their_form() {
        let env = env();
        let by_arn = env.parse("${GetAtt:Table.Arn}");
        let by_sub = env.parse("arn:aws:dynamodb:us-east-1:123456789012:table/${Ref:Table}");
        let by_sub_name = env.parse("arn:aws:dynamodb:us-east-1:123456789012:table/${Table}");
        assert_eq!(by_arn, by_sub);
        assert_eq!(by_arn, by_sub_name);
        assert_eq!(
            by_arn.to_sub(),
            "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${Table}"
        );
        // A literal name is the resource's name.
        assert_eq!(
            env.parse("${GetAtt:Named.Arn}").display(),
            "arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/orders"
        );
        // A queue's URL and ARN share its name.
        assert_eq!(
            env.parse("${Ref:Queue}").display(),
            "https://sqs.${AWS::Region}.amazonaws.com/${AWS::AccountId}/${Queue.QueueName}"
        );
        assert_eq!(
            env.parse("${Ref:Topic}"),
            env.parse("${GetAtt:Topic.TopicArn}")
        );
        // The resolver's ARN for a declared function names the function itself.
        assert_eq!(
            env.parse("arn:aws:lambda:us-east-1:123456789012:function:Fn"),
            env.parse("${GetAtt:Fn.Arn}")
        );
        assert_eq!(
            env.intrinsic_for(&env.parse("${GetAtt:Table.Arn}")),
            Some(("Table".to_string(), Some("Arn")))
        );
        assert_eq!(
            env.intrinsic_for(&env.parse("${Ref:Topic}")),
            Some(("Topic".to_string(), None))
        );
    }

    #[test]
    fn patterns_match_with_wildcards_and_unknowns() {
        use Certainty::*;
        let arn = "arn:aws:lambda:eu-west-1:111122223333:function:pay";
        assert!(m(
            "arn:aws:lambda:eu-west-1:111122223333:function:pay",
            arn,
            Must
        ));
        assert!(m("arn:aws:lambda:*:*:function:pay*", arn, Must));
        assert!(m(
            "arn:aws:lambda:eu-west-1:111122223333:function:pa?",
            arn,
            Must
        ));
        assert!(!m(
            "arn:aws:lambda:eu-west-1:111122223333:function:refund",
            arn,
            May
        ));
        assert!(!m(
            "arn:aws:lambda:eu-west-1:111122223333:function:pay",
            &format!("{arn}:live"),
            May
        ));
        assert!(m("*", arn, Must));
        // The resolver's region and account stand for any region and account.
        assert!(m(
            "arn:aws:lambda:us-east-1:123456789012:function:pay",
            arn,
            May
        ));
        assert!(!m(
            "arn:aws:lambda:us-east-1:123456789012:function:pay",
            arn,
            Must
        ));
        // Two resources of the template are different; a parameter may be anything.
        assert!(!m("${GetAtt:Other.Arn}", "${GetAtt:Table.Arn}", May));
        assert!(m("${GetAtt:Table.Arn}", "${GetAtt:Table.Arn}", Must));
        assert!(m(
            "arn:aws:dynamodb:*:*:table/${Ref:Stage}*",
            "${GetAtt:Named.Arn}",
            May
        ));
        assert!(!m(
            "arn:aws:dynamodb:*:*:table/${Ref:Stage}-*",
            "${GetAtt:Named.Arn}",
            May
        ));
        assert!(!m(
            "arn:aws:dynamodb:*:*:table/${Ref:Stage}-*",
            "${GetAtt:Named.Arn}",
            Must
        ));
        assert!(m(
            "arn:aws:dynamodb:*:*:table/*",
            "${GetAtt:Table.Arn}",
            Must
        ));
        // A generated name may be anything but another resource's name.
        assert!(m(
            "arn:aws:dynamodb:*:*:table/other",
            "${GetAtt:Table.Arn}",
            May
        ));
        assert!(!m(
            "arn:aws:dynamodb:*:*:table/other",
            "${GetAtt:Table.Arn}",
            Must
        ));
    }

    #[test]
    fn actions_match_ignoring_case() {
        assert!(action_matches("dynamodb:*", "dynamodb:PutItem"));
        assert!(action_matches("DynamoDB:putitem", "dynamodb:PutItem"));
        assert!(action_matches("*", "s3:GetObject"));
        assert!(action_matches("s3:Get*", "s3:GetObject"));
        assert!(action_matches("sqs:SendMessage*", "sqs:SendMessage"));
        assert!(!action_matches("s3:Get*", "s3:PutObject"));
        assert!(!action_matches(
            "lambda:InvokeFunction",
            "lambda:InvokeFunctionUrl"
        ));
    }
}
