//! The edit that adds a machine's missing permissions to its template: an entry appended to the
//! SAM `Policies` list (a `Policies` key when the machine has none), or an inline policy
//! appended to the `Policies` of its `AWS::IAM::Role`. The language server offers it as a code
//! action on a `missing-permission` finding.

use crate::diagnostic::Edit;
use crate::document::{self, json, Node};
use crate::model::Machine;
use crate::permissions::iam;
use crate::permissions::needs::Group;
use crate::permissions::policy::{self, Names, Out};
use crate::permissions::role::{Role, Source};
use crate::template::{self, Definition};

/// What to add to a template, and where.
#[derive(Debug, PartialEq, Eq)]
pub struct Amendment {
    /// "Add DynamoDBWritePolicy to the Policies of 'OrderFlow'".
    pub title: String,
    pub edit: Edit,
}

/// The amendment for the missing permissions of `machine`'s state `state` (its own needs,
/// logging and tracing, when `None`), in the template `text` (named `name`). `definition` is
/// the machine's definition when it is in another file (unresolved: the template's
/// substitutions are applied here).
pub fn amendment(
    name: &str,
    text: &str,
    machine: &str,
    definition: Option<&Node>,
    state: Option<&str>,
) -> Option<Amendment> {
    let document = document::parse(name, text).ok()?;
    let root = &document.root;
    let mut machines = template::find(root)?;
    crate::lint::attach_permissions(root, &mut machines, |_| true);
    let embedded = machines.iter().find(|m| m.name == machine)?;
    let permissions = embedded.deployment.permissions.as_deref()?;
    let Role::Known(role) = &permissions.role else {
        return None;
    };
    let resolved = match (definition, &embedded.definition) {
        (Some(d), _) => template::substitute_definition(d, &embedded.substitutions),
        (None, Definition::Object(d)) => template::resolve(d, embedded, root),
        (None, Definition::Text { rebuilt, .. }) => json::parse(&rebuilt.text).ok()?.root,
        _ => return None,
    };
    let model = Machine::build(&resolved);
    let budget = crate::permissions::expr::Budget::default();
    let missing: Vec<Group> = permissions
        .needs(&model)
        .into_iter()
        .filter(|g| g.state.as_deref() == state)
        .filter_map(|g| {
            let needs: Vec<_> = g
                .needs
                .iter()
                .filter(|n| {
                    n.required
                        && !iam::allows_within(&role.statements, &n.action, &n.resource, &budget)
                })
                .cloned()
                .collect();
            (!needs.is_empty()).then_some(Group { needs, ..g })
        })
        .collect();
    if missing.is_empty() {
        return None;
    }
    let json = !document::is_yaml(name, text);
    let env = &permissions.env;
    let resources = root.get("Resources")?;
    match &role.source {
        Source::SamPolicies { .. } | Source::SamNoPolicies { .. } => {
            let entries = policy::sam_entries(&missing, env);
            let names: Vec<String> = entries
                .iter()
                .map(|e| match e {
                    policy::SamEntry::Template { name, .. } => name.clone(),
                    policy::SamEntry::Statements(_) => "a statement".into(),
                })
                .collect();
            let entries: Vec<Out> = entries.iter().map(|e| e.to_out()).collect();
            let props = resources.get(machine)?.get("Properties")?;
            let edit = match props.get("Policies") {
                Some(list) => append(text, list, &entries, json)?,
                None => add_member(text, props, "Policies", &Out::List(entries), json)?,
            };
            Some(Amendment {
                title: format!("Add {} to the Policies of '{machine}'", names.join(" and ")),
                edit,
            })
        }
        Source::IamRole { id, .. } => {
            let statements = policy::statements(&missing, env, Names::Intrinsics);
            let inline = Out::Map(vec![
                (
                    "PolicyName".into(),
                    Out::Str(format!("{machine}MissingPermissions")),
                ),
                ("PolicyDocument".into(), policy::document(&statements)),
            ]);
            let props = resources.get(id)?.get("Properties")?;
            let edit = match props.get("Policies") {
                Some(list) => append(text, list, &[inline], json)?,
                None => add_member(text, props, "Policies", &Out::List(vec![inline]), json)?,
            };
            Some(Amendment {
                title: format!("Add the missing statements to role '{id}'"),
                edit,
            })
        }
        Source::ServerlessProvider { .. } => None,
    }
}

/// Appends `items` to the list `list` (a YAML block or flow sequence, or a JSON array).
fn append(text: &str, list: &Node, items: &[Out], json: bool) -> Option<Edit> {
    let existing = list.as_array()?;
    let inner = text.get(list.span.start..list.span.end)?;
    if inner.trim_start().starts_with('[') {
        // Flow: before the closing bracket.
        let close = list.span.start + inner.rfind(']')?;
        let flow = |o: &Out| {
            if json {
                policy::json_flow(o)
            } else {
                policy::yaml_flow(o)
            }
        };
        let mut added: Vec<String> = items.iter().map(flow).collect();
        let before = text[..close].trim_end();
        let lead = if existing.is_empty() || before.ends_with(',') {
            ""
        } else {
            ", "
        };
        if existing.is_empty() {
            added = vec![added.join(", ")];
        }
        return Some(Edit::insert(
            before.len(),
            format!("{lead}{}", added.join(", ")),
        ));
    }
    // Block: a new `- ` item after the last, at its dash's column.
    let last = existing.last()?;
    let line_start = text[..last.span.start].rfind('\n').map_or(0, |i| i + 1);
    let prefix = &text[line_start..last.span.start];
    let dash = prefix.rfind('-')?;
    if !prefix[..dash].chars().all(|c| c == ' ') {
        return None;
    }
    let end = line_end(text, last.span.end);
    let yaml = policy::to_yaml(&Out::List(items.to_vec()), dash);
    Some(Edit::insert(
        end,
        format!("\n{}", yaml.trim_end_matches('\n')),
    ))
}

/// Adds `key: value` to the mapping `object` (YAML block mapping, or a JSON object).
fn add_member(text: &str, object: &Node, key: &str, value: &Out, json: bool) -> Option<Edit> {
    let members = object.as_object()?;
    let inner = text.get(object.span.start..object.span.end)?;
    if inner.trim_start().starts_with('{') {
        let open = object.span.start + inner.find('{')?;
        let entry = if json {
            format!(
                "{}: {}",
                policy::json_flow(&Out::Str(key.into())),
                policy::json_flow(value)
            )
        } else {
            format!("{key}: {}", policy::yaml_flow(value))
        };
        let sep = if members.is_empty() { "" } else { ", " };
        return Some(Edit::insert(open + 1, format!("{entry}{sep}")));
    }
    let first = members.first()?;
    let line_start = text[..first.key_span.start]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let indent = &text[line_start..first.key_span.start];
    if !indent.chars().all(|c| c == ' ') {
        return None;
    }
    let yaml = policy::to_yaml(&Out::Map(vec![(key.into(), value.clone())]), indent.len());
    Some(Edit::insert(line_start, yaml))
}

/// The end of the line holding `at` (before its line break).
fn line_end(text: &str, at: usize) -> usize {
    let at = at.min(text.len());
    let at = if at > 0 && text.as_bytes()[at - 1] == b'\n' {
        at - 1
    } else {
        at
    };
    text[at..].find(['\n', '\r']).map_or(text.len(), |i| at + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(text: &str, edit: &Edit) -> String {
        let mut out = text.to_string();
        out.replace_range(edit.span.start..edit.span.end, &edit.replacement);
        out
    }

    fn lint_count(name: &str, text: &str) -> usize {
        crate::lint::lint_bytes(
            name,
            text.as_bytes().to_vec(),
            crate::lint::Selection::Always,
            &crate::config::LintOptions::default(),
        )
        .unwrap()
        .diagnostics
        .iter()
        .filter(|d| d.rule == "missing-permission")
        .count()
    }

    const SAM: &str = "Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::DynamoDB::Table
  Flow:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition:
        StartAt: Save
        States:
          Save:
            Type: Task
            Resource: arn:aws:states:::dynamodb:putItem
            Parameters: {TableName: !Ref Orders, Item: {id: {S: '1'}}}
            End: true
      Policies:
        - DynamoDBReadPolicy:
            TableName: !Ref Orders
";

    #[test]
    fn appends_a_policy_template_to_sam_policies() {
        assert_eq!(lint_count("t.yaml", SAM), 1);
        let a = amendment("t.yaml", SAM, "Flow", None, Some("Save")).unwrap();
        assert_eq!(a.title, "Add DynamoDBWritePolicy to the Policies of 'Flow'");
        let fixed = apply(SAM, &a.edit);
        assert!(
            fixed.ends_with("            TableName: !Ref Orders\n        - DynamoDBWritePolicy:\n            TableName: !Ref Orders\n"),
            "{fixed}"
        );
        assert_eq!(lint_count("t.yaml", &fixed), 0, "{fixed}");
    }

    #[test]
    fn adds_policies_where_there_are_none_and_to_flow_lists() {
        let none = SAM.replace(
            "      Policies:\n        - DynamoDBReadPolicy:\n            TableName: !Ref Orders\n",
            "",
        );
        let a = amendment("t.yaml", &none, "Flow", None, Some("Save")).unwrap();
        let fixed = apply(&none, &a.edit);
        assert_eq!(lint_count("t.yaml", &fixed), 0, "{fixed}");
        let flow = SAM.replace(
            "      Policies:\n        - DynamoDBReadPolicy:\n            TableName: !Ref Orders\n",
            "      Policies: [AWSLambdaRole]\n",
        );
        let a = amendment("t.yaml", &flow, "Flow", None, Some("Save")).unwrap();
        let fixed = apply(&flow, &a.edit);
        assert!(
            fixed.contains(
                "Policies: [AWSLambdaRole, {DynamoDBWritePolicy: {TableName: !Ref Orders}}]"
            ),
            "{fixed}"
        );
        assert_eq!(lint_count("t.yaml", &fixed), 0, "{fixed}");
    }

    #[test]
    fn adds_an_inline_policy_to_a_json_role() {
        let text = r#"{"Resources": {
  "Orders": {"Type": "AWS::DynamoDB::Table"},
  "Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {}, "Policies": []}},
  "Flow": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {
    "RoleArn": {"Fn::GetAtt": ["Role", "Arn"]},
    "Definition": {"StartAt": "Save", "States": {"Save": {"Type": "Task",
      "Resource": "arn:aws:states:::dynamodb:putItem",
      "Parameters": {"TableName": {"Ref": "Orders"}, "Item": {}}, "End": true}}}}}}}"#;
        assert_eq!(lint_count("t.json", text), 1);
        let a = amendment("t.json", text, "Flow", None, Some("Save")).unwrap();
        assert_eq!(a.title, "Add the missing statements to role 'Role'");
        let fixed = apply(text, &a.edit);
        assert!(
            serde_json::from_str::<serde_json::Value>(&fixed).is_ok(),
            "{fixed}"
        );
        assert_eq!(lint_count("t.json", &fixed), 0, "{fixed}");
    }
}
