//! The least-privilege policy for a machine's needs: an IAM policy document (JSON or YAML),
//! SAM `Policies` entries (a policy template where one covers a resource's actions, else the
//! statements), and the one statement or entry a finding's help suggests.

use std::collections::BTreeMap;

use super::expr::{Env, Expr, Part, VarKind};
use super::iam;
use super::needs::{Group, Need};
use super::sam;
use crate::document::Node;

/// A value of the printed policy: CloudFormation intrinsics are kept as such.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Out {
    Str(String),
    List(Vec<Out>),
    Map(Vec<(String, Out)>),
    Sub(String),
    GetAtt(String, String),
    Ref(String),
}

/// How template values are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Names {
    /// In a template: `Fn::Sub`, `Fn::GetAtt`, `Ref`.
    Intrinsics,
    /// For a definition on its own: unknown parts become `*` (partition `aws`).
    Plain,
}

/// A resource as printed.
pub fn resource(expr: &Expr, env: &Env, names: Names) -> Out {
    if !expr.has_vars() {
        return Out::Str(expr.as_text().unwrap_or("*").to_string());
    }
    if expr == &Expr::unknown("") {
        return Out::Str("*".into());
    }
    if names == Names::Plain || !expr.printable() {
        let mut out = String::new();
        for part in &expr.0 {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Var(v) if v.sub == "AWS::Partition" => out.push_str("aws"),
                Part::Var(_) => {
                    if !out.ends_with('*') {
                        out.push('*')
                    }
                }
            }
        }
        return Out::Str(out);
    }
    if let Some((id, attribute)) = env.intrinsic_for(expr) {
        return match attribute {
            Some(a) => Out::GetAtt(id, a.to_string()),
            None => Out::Ref(id),
        };
    }
    value(expr)
}

/// A name (a policy template's parameter) as printed in a template.
fn value(expr: &Expr) -> Out {
    match expr.0.as_slice() {
        [Part::Var(v)] if v.kind == VarKind::Resource || !v.sub.contains("::") => {
            match v.sub.split_once('.') {
                Some((id, a)) => Out::GetAtt(id.to_string(), a.to_string()),
                None => Out::Ref(v.sub.clone()),
            }
        }
        _ if !expr.has_vars() => Out::Str(expr.as_text().unwrap_or("").to_string()),
        _ => Out::Sub(expr.to_sub()),
    }
}

/// One printed statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    pub sid: String,
    pub actions: Vec<String>,
    pub resources: Vec<Out>,
}

impl Statement {
    pub fn to_out(&self) -> Out {
        let one_or_list = |mut items: Vec<Out>| {
            if items.len() == 1 {
                items.remove(0)
            } else {
                Out::List(items)
            }
        };
        let mut members = Vec::new();
        if !self.sid.is_empty() {
            members.push(("Sid".to_string(), Out::Str(self.sid.clone())));
        }
        let deny = self.actions.is_empty();
        members.push((
            "Effect".into(),
            Out::Str(if deny { "Deny" } else { "Allow" }.into()),
        ));
        let actions = if deny {
            vec![Out::Str("*".into())]
        } else {
            self.actions.iter().map(|a| Out::Str(a.clone())).collect()
        };
        members.push(("Action".into(), one_or_list(actions)));
        members.push(("Resource".into(), one_or_list(self.resources.clone())));
        Out::Map(members)
    }
}

/// Actions, and the resources they are allowed on.
type Grant = (Vec<String>, Vec<Out>);

/// The statements for `needs` of one group: one per set of actions on the same resources.
fn group_statements(needs: &[&Need], env: &Env, names: Names) -> Vec<Grant> {
    // Resource → actions on it, in first-seen order.
    let mut by_resource: Vec<(Out, Vec<String>)> = Vec::new();
    for n in needs {
        let r = resource(&n.resource, env, names);
        match by_resource.iter_mut().find(|(res, _)| *res == r) {
            Some((_, actions)) => {
                if !actions.contains(&n.action) {
                    actions.push(n.action.clone())
                }
            }
            None => by_resource.push((r, vec![n.action.clone()])),
        }
    }
    // `*` covers every other resource of the same actions.
    let star = Out::Str("*".into());
    let on_star: Vec<String> = by_resource
        .iter()
        .find(|(r, _)| *r == star)
        .map(|(_, a)| a.clone())
        .unwrap_or_default();
    let mut by_actions: Vec<Grant> = Vec::new();
    for (r, mut actions) in by_resource {
        if r != star {
            actions.retain(|a| !on_star.contains(a));
            if actions.is_empty() {
                continue;
            }
        }
        match by_actions.iter_mut().find(|(a, _)| *a == actions) {
            Some((_, resources)) => resources.push(r),
            None => by_actions.push((actions, vec![r])),
        }
    }
    by_actions
}

/// `Charge card` → `ChargeCard` (a Sid has only letters and digits).
fn sid_of(name: &str) -> String {
    let mut out = String::new();
    let mut upper = true;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            if upper {
                out.push(c.to_ascii_uppercase());
            } else {
                out.push(c);
            }
            upper = false;
        } else {
            upper = true;
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "Task");
    }
    out.truncate(100);
    out
}

/// The least-privilege statements for `groups`, one Sid per group of Tasks that need the same
/// statements.
pub fn statements(groups: &[Group], env: &Env, names: Names) -> Vec<Statement> {
    let mut grouped: Vec<(String, Vec<Grant>)> = Vec::new();
    for g in groups {
        let needs: Vec<&Need> = g.needs.iter().collect();
        let parts = group_statements(&needs, env, names);
        if parts.is_empty() || grouped.iter().any(|(_, p)| *p == parts) {
            continue;
        }
        let base = match &g.state {
            Some(state) => sid_of(state),
            None => sid_of(&g.what),
        };
        grouped.push((base, parts));
    }
    let mut used: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for (base, parts) in grouped {
        let many = parts.len() > 1;
        for (i, (actions, resources)) in parts.into_iter().enumerate() {
            let mut sid = if many {
                format!("{base}{}", i + 1)
            } else {
                base.clone()
            };
            let mut n = 2;
            while used.contains(&sid) {
                sid = format!("{base}{n}");
                n += 1;
            }
            used.push(sid.clone());
            out.push(Statement {
                sid,
                actions,
                resources,
            });
        }
    }
    if out.is_empty() {
        // Nothing is needed: as the Step Functions console does, deny everything.
        out.push(Statement {
            sid: "NoPermissionsNeeded".into(),
            actions: Vec::new(),
            resources: vec![Out::Str("*".into())],
        });
    }
    out
}

/// The IAM policy document.
pub fn document(statements: &[Statement]) -> Out {
    Out::Map(vec![
        ("Version".into(), Out::Str("2012-10-17".into())),
        (
            "Statement".into(),
            Out::List(statements.iter().map(Statement::to_out).collect()),
        ),
    ])
}

/// A SAM `Policies` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SamEntry {
    /// A policy template with its one parameter (or none).
    Template {
        name: String,
        parameter: Option<(String, Out)>,
    },
    /// Statements no template covers.
    Statements(Vec<Statement>),
}

impl SamEntry {
    pub fn to_out(&self) -> Out {
        match self {
            SamEntry::Template { name, parameter } => Out::Map(vec![(
                name.clone(),
                Out::Map(
                    parameter
                        .iter()
                        .map(|(p, v)| (p.clone(), v.clone()))
                        .collect(),
                ),
            )]),
            SamEntry::Statements(statements) => Out::Map(vec![(
                "Statement".into(),
                Out::List(statements.iter().map(Statement::to_out).collect()),
            )]),
        }
    }
}

/// SAM `Policies` entries for `groups`: for each resource, the narrowest policy template that
/// allows all the actions on it, else a statement.
pub fn sam_entries(groups: &[Group], env: &Env) -> Vec<SamEntry> {
    let budget = super::expr::Budget::default();
    let mut entries: Vec<SamEntry> = Vec::new();
    let mut rest: Vec<Group> = Vec::new();
    for g in groups {
        let mut left = Vec::new();
        // Needs on one resource, in first-seen order.
        let mut by_resource: Vec<(Expr, Vec<&Need>)> = Vec::new();
        for n in &g.needs {
            match by_resource.iter_mut().find(|(r, _)| *r == n.resource) {
                Some((_, v)) => v.push(n),
                None => by_resource.push((n.resource.clone(), vec![n])),
            }
        }
        for (resource, needs) in by_resource {
            match covering_template(&resource, &needs, env, &budget) {
                Some(entry) => {
                    if !entries.contains(&entry) {
                        entries.push(entry);
                    }
                }
                None => left.extend(needs.into_iter().cloned()),
            }
        }
        if !left.is_empty() {
            rest.push(Group {
                needs: left,
                ..g.clone()
            });
        }
    }
    if !rest.is_empty() || entries.is_empty() {
        entries.push(SamEntry::Statements(statements(
            &rest,
            env,
            Names::Intrinsics,
        )));
    }
    entries
}

/// The parameter values a resource gives SAM's policy templates.
fn template_values(resource: &Expr) -> Vec<(&'static str, Expr)> {
    let segments = resource.split(':');
    if segments.len() < 6 || !resource.starts_with("arn:") {
        return Vec::new();
    }
    let service = segments[2].as_text().unwrap_or("");
    let kind = &segments[5];
    let after = |prefix: &str| -> Option<Expr> {
        let mut e = kind.clone();
        match e.0.first_mut() {
            Some(Part::Text(t)) if t.starts_with(prefix) => {
                *t = t[prefix.len()..].to_string();
                if t.is_empty() {
                    e.0.remove(0);
                }
                (!e.is_empty()).then_some(e)
            }
            _ => None,
        }
    };
    let mut out = Vec::new();
    match service {
        "lambda" if kind.as_text() == Some("function") && segments.len() >= 7 => {
            out.push(("FunctionName", segments[6].clone()))
        }
        "dynamodb" => {
            if let Some(table) = after("table/") {
                if !table.split('/').iter().skip(1).any(|p| !p.is_empty()) {
                    out.push(("TableName", table));
                }
            }
        }
        "sqs" if segments.len() == 6 => out.push(("QueueName", kind.clone())),
        "sns" if segments.len() == 6 => out.push(("TopicName", kind.clone())),
        "events" => {
            if let Some(bus) = after("event-bus/") {
                out.push(("EventBusName", bus));
            }
        }
        "states" if kind.as_text() == Some("stateMachine") && segments.len() == 7 => {
            out.push(("StateMachineName", segments[6].clone()))
        }
        "s3" => {
            let bucket = kind.split('/').into_iter().next().unwrap_or_default();
            if !bucket.is_empty()
                && !bucket
                    .0
                    .iter()
                    .any(|p| matches!(p, Part::Text(t) if t.contains('*')))
            {
                out.push(("BucketName", bucket));
            }
        }
        "secretsmanager" => out.push(("SecretArn", resource.clone())),
        _ => {}
    }
    out
}

/// The narrowest SAM policy template allowing every action of `needs` on `resource`.
fn covering_template(
    resource: &Expr,
    needs: &[&Need],
    env: &Env,
    budget: &super::expr::Budget,
) -> Option<SamEntry> {
    let values = template_values(resource);
    let mut best: Option<(usize, SamEntry)> = None;
    for name in sam::template_names() {
        // Templates of one parameter that names this resource: those without one grant on
        // resources of their own choosing.
        let value = match sam::parameters(name).as_slice() {
            [p] => match values.iter().find(|(n, _)| n == p) {
                Some((n, v)) => Some((*n, v.clone())),
                None => continue,
            },
            _ => continue,
        };
        let node = value.as_ref().map(|(_, v)| sam::string(&v.to_sub()));
        let args: Vec<(&str, &Node)> = value
            .as_ref()
            .zip(node.as_ref())
            .map(|((p, _), n)| (*p, n))
            .into_iter()
            .collect();
        let Some(document) = sam::expand(name, &args) else {
            continue;
        };
        let Ok(statements) = iam::read_document(&document, env) else {
            continue;
        };
        if !needs
            .iter()
            .all(|n| iam::allows_within(&statements, &n.action, &n.resource, budget))
        {
            continue;
        }
        // A template that allows everything on `*` is no narrower than a statement.
        if statements
            .iter()
            .any(|s| s.resources.1.iter().any(|r| r.as_text() == Some("*")))
            && resource != &Expr::unknown("")
        {
            continue;
        }
        let width: usize = statements.iter().map(|s| s.actions.1.len()).sum();
        let entry = SamEntry::Template {
            name: name.to_string(),
            parameter: value.map(|(p, v)| (p.to_string(), self::value(&v))),
        };
        if best.as_ref().is_none_or(|(w, _)| width < *w) {
            best = Some((width, entry));
        }
    }
    best.map(|(_, e)| e)
}

/// Renders as JSON, indented by two spaces.
pub fn to_json(out: &Out) -> serde_json::Value {
    use serde_json::{json, Map, Value as J};
    match out {
        Out::Str(s) => J::String(s.clone()),
        Out::List(items) => J::Array(items.iter().map(to_json).collect()),
        Out::Map(members) => {
            let mut map = Map::new();
            for (k, v) in members {
                map.insert(k.clone(), to_json(v));
            }
            J::Object(map)
        }
        Out::Sub(s) => json!({"Fn::Sub": s}),
        Out::GetAtt(id, a) => json!({"Fn::GetAtt": [id, a]}),
        Out::Ref(id) => json!({"Ref": id}),
    }
}

/// Renders as block YAML (CloudFormation short-form tags), each line indented by `indent`.
pub fn to_yaml(out: &Out, indent: usize) -> String {
    let mut text = String::new();
    write_yaml(out, indent, &mut text);
    text
}

fn write_yaml(out: &Out, indent: usize, text: &mut String) {
    let pad = " ".repeat(indent);
    match out {
        Out::Map(members) => {
            for (k, v) in members {
                text.push_str(&pad);
                text.push_str(&yaml_key(k));
                text.push(':');
                write_yaml_value(v, indent, text);
            }
        }
        Out::List(items) => {
            for item in items {
                text.push_str(&pad);
                text.push('-');
                write_yaml_item(item, indent, text);
            }
        }
        scalar => {
            text.push_str(&pad);
            text.push_str(&yaml_flow(scalar));
            text.push('\n');
        }
    }
}

/// After `key:`: a scalar on the same line, a collection on the next lines.
fn write_yaml_value(v: &Out, indent: usize, text: &mut String) {
    match v {
        Out::Map(m) if !m.is_empty() => {
            text.push('\n');
            write_yaml(v, indent + 2, text);
        }
        Out::List(l) if !l.is_empty() => {
            text.push('\n');
            write_yaml(v, indent + 2, text);
        }
        _ => {
            text.push(' ');
            text.push_str(&yaml_flow(v));
            text.push('\n');
        }
    }
}

/// After `-`: a map's first member on the same line.
fn write_yaml_item(item: &Out, indent: usize, text: &mut String) {
    match item {
        Out::Map(members) if !members.is_empty() => {
            let mut nested = String::new();
            write_yaml(item, indent + 2, &mut nested);
            text.push(' ');
            text.push_str(nested.trim_start());
        }
        Out::List(items) if !items.is_empty() => {
            text.push('\n');
            write_yaml(item, indent + 2, text);
        }
        _ => {
            text.push(' ');
            text.push_str(&yaml_flow(item));
            text.push('\n');
        }
    }
}

fn yaml_key(k: &str) -> String {
    if k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && !k.is_empty() {
        k.to_string()
    } else {
        serde_json::to_string(k).unwrap_or_default()
    }
}

/// One line of YAML flow style (a help line, or a scalar in block style).
pub fn yaml_flow(out: &Out) -> String {
    match out {
        Out::Str(s) => yaml_scalar(s),
        Out::Sub(s) => format!("!Sub {}", yaml_scalar(s)),
        Out::GetAtt(id, a) => format!("!GetAtt {id}.{a}"),
        Out::Ref(id) => format!("!Ref {id}"),
        Out::List(items) => format!(
            "[{}]",
            items.iter().map(yaml_flow).collect::<Vec<_>>().join(", ")
        ),
        Out::Map(members) => format!(
            "{{{}}}",
            members
                .iter()
                .map(|(k, v)| format!("{}: {}", yaml_key(k), yaml_flow(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// A plain scalar when YAML reads it back as the same string, else double-quoted.
fn yaml_scalar(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:*$".contains(c))
        && !s.contains(": ")
        && !s.ends_with(':')
        && !s.starts_with(['*', '-', ':'])
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "~"
        )
        && s.parse::<f64>().is_err()
        // `2012-10-17` would be read as a date.
        && !s.chars().all(|c| c.is_ascii_digit() || c == '-')
        && !s.contains("${");
    if plain {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_default()
    }
}

/// One line of JSON, spaced like the templates it goes into (a help line).
pub fn json_flow(out: &Out) -> String {
    let string = |s: &str| serde_json::to_string(s).unwrap_or_default();
    match out {
        Out::Str(s) => string(s),
        Out::Sub(s) => format!("{{\"Fn::Sub\": {}}}", string(s)),
        Out::GetAtt(id, a) => format!("{{\"Fn::GetAtt\": [{}, {}]}}", string(id), string(a)),
        Out::Ref(id) => format!("{{\"Ref\": {}}}", string(id)),
        Out::List(items) => format!(
            "[{}]",
            items.iter().map(json_flow).collect::<Vec<_>>().join(", ")
        ),
        Out::Map(members) => format!(
            "{{{}}}",
            members
                .iter()
                .map(|(k, v)| format!("{}: {}", string(k), json_flow(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Groups the needs of `groups` by their statements' Sid base, for a `policy` caller that
/// wants notes per Sid.
pub fn notes(groups: &[Group]) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for g in groups {
        if g.notes.is_empty() {
            continue;
        }
        let label = g.state.clone().unwrap_or_else(|| g.what.clone());
        let entry = out.entry(label).or_default();
        for n in &g.notes {
            if !entry.contains(n) {
                entry.push(n.clone());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::yaml;
    use crate::permissions::needs::Need;

    fn env() -> Env {
        let doc = yaml::parse(
            "Resources:\n  Pay: {Type: AWS::Serverless::Function}\n  Orders: {Type: AWS::DynamoDB::Table}\n",
        )
        .unwrap();
        Env::of_template(&doc.root)
    }

    fn group(state: &str, needs: &[(&str, &str)], env: &Env) -> Group {
        Group {
            state: Some(state.into()),
            what: "t".into(),
            span: crate::source::Span::new(0, 0),
            doc: String::new(),
            needs: needs
                .iter()
                .map(|(a, r)| Need {
                    action: a.to_string(),
                    resource: env.parse(r),
                    required: true,
                })
                .collect(),
            notes: Vec::new(),
        }
    }

    #[test]
    fn statements_per_task_with_intrinsics() {
        let env = env();
        let groups = [
            group(
                "Charge card",
                &[("lambda:InvokeFunction", "${GetAtt:Pay.Arn}")],
                &env,
            ),
            group(
                "Save",
                &[("dynamodb:PutItem", "${GetAtt:Orders.Arn}")],
                &env,
            ),
            group(
                "Charge again",
                &[("lambda:InvokeFunction", "${GetAtt:Pay.Arn}")],
                &env,
            ),
        ];
        let s = statements(&groups, &env, Names::Intrinsics);
        assert_eq!(s.len(), 2, "{s:?}");
        assert_eq!(s[0].sid, "ChargeCard");
        assert_eq!(s[0].resources, [Out::GetAtt("Pay".into(), "Arn".into())]);
        let yaml = to_yaml(&document(&s), 0);
        assert!(yaml.contains("Resource: !GetAtt Orders.Arn"), "{yaml}");
        let parsed = crate::document::yaml::parse(&yaml).unwrap();
        assert_eq!(parsed.root.get_str("Version"), Some("2012-10-17"));
        assert_eq!(
            statements(&[], &env, Names::Intrinsics)[0].sid,
            "NoPermissionsNeeded"
        );
    }

    #[test]
    fn sam_templates_where_one_covers_the_resource() {
        let env = env();
        let groups = [
            group(
                "Charge",
                &[("lambda:InvokeFunction", "${GetAtt:Pay.Arn}")],
                &env,
            ),
            group(
                "Save",
                &[("dynamodb:PutItem", "${GetAtt:Orders.Arn}")],
                &env,
            ),
            group("Tell", &[("sns:Publish", "*")], &env),
        ];
        let entries = sam_entries(&groups, &env);
        assert_eq!(
            entries[0],
            SamEntry::Template {
                name: "LambdaInvokePolicy".into(),
                parameter: Some(("FunctionName".into(), Out::Ref("Pay".into())))
            }
        );
        assert!(
            matches!(&entries[1], SamEntry::Template { name, .. } if name == "DynamoDBWritePolicy"),
            "{entries:?}"
        );
        assert!(matches!(&entries[2], SamEntry::Statements(s) if s[0].sid == "Tell"));
    }
}
