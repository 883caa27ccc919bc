//! IAM policy statements and whether they allow an action on a resource.
//!
//! Evaluation follows IAM's rule (an explicit Deny wins, else an Allow is needed), with every
//! doubt resolved towards allowing: an Allow with a `Condition` counts as allowing, an Allow
//! whose values cannot be read allows whatever they could be, and a Deny counts only when it
//! has no `Condition` and surely covers the action and resource.

use std::borrow::Cow;

use super::expr::{action_matches, intrinsic_text, matches_within, Budget, Certainty, Env, Expr};
use crate::document::{Node, Value};

/// One statement, with its values resolved.
#[derive(Clone, Debug)]
pub struct Statement {
    pub allow: bool,
    /// `Action` (true) or `NotAction` (false) patterns; `None` for a value that cannot be read.
    pub actions: (bool, Vec<Option<String>>),
    /// `Resource` (true) or `NotResource` (false) patterns.
    pub resources: (bool, Vec<Expr>),
    pub conditional: bool,
}

impl Statement {
    /// `Effect: Allow` of `actions` on `resources`.
    pub fn allow(actions: &[&str], resources: Vec<Expr>) -> Statement {
        Statement {
            allow: true,
            actions: (true, actions.iter().map(|a| Some(a.to_string())).collect()),
            resources: (true, resources),
            conditional: false,
        }
    }

    fn action(&self, action: &str, certainty: Certainty) -> bool {
        let (positive, patterns) = &self.actions;
        let hit = |c: Certainty| {
            patterns.iter().any(|p| match p {
                Some(p) => action_matches(p, action),
                None => c == Certainty::May,
            })
        };
        if *positive {
            hit(certainty)
        } else {
            // NotAction: everything the patterns do not (surely, or possibly) cover.
            let other = match certainty {
                Certainty::May => Certainty::Must,
                Certainty::Must => Certainty::May,
            };
            !hit(other)
        }
    }

    fn resource(&self, resource: &Expr, certainty: Certainty, budget: &Budget) -> bool {
        let (positive, patterns) = &self.resources;
        if *positive {
            patterns
                .iter()
                .any(|p| matches_within(p, resource, certainty, budget))
        } else {
            let other = match certainty {
                Certainty::May => Certainty::Must,
                Certainty::Must => Certainty::May,
            };
            !patterns
                .iter()
                .any(|p| matches_within(p, resource, other, budget))
        }
    }
}

/// Whether `statements` allow `action` on `resource` (an unknown resource is
/// `Expr::unknown("")`).
pub fn allows(statements: &[Statement], action: &str, resource: &Expr) -> bool {
    allows_within(statements, action, resource, &Budget::default())
}

/// `allows`, charged to `budget` (one per machine: see `Budget`).
pub fn allows_within(
    statements: &[Statement],
    action: &str,
    resource: &Expr,
    budget: &Budget,
) -> bool {
    let denied = statements.iter().any(|s| {
        !s.allow
            && !s.conditional
            && s.action(action, Certainty::Must)
            && s.resource(resource, Certainty::Must, budget)
    });
    !denied
        && statements.iter().any(|s| {
            s.allow
                && s.action(action, Certainty::May)
                && s.resource(resource, Certainty::May, budget)
        })
}

/// The statements of a policy document (`{Statement: …}`) as a template writes it;
/// `Err` with the reason when it cannot be read (then it may allow anything).
pub fn read_document(document: &Node, env: &Env) -> Result<Vec<Statement>, String> {
    let Some(statement) = document.get("Statement") else {
        return Err("a policy document has no Statement".into());
    };
    let items: Vec<&Node> = match &statement.value {
        Value::Array(items) => items.iter().collect(),
        Value::Object(_) => vec![statement],
        _ => return Err("a policy's Statement is computed by an intrinsic function".into()),
    };
    items.into_iter().map(|s| read_statement(s, env)).collect()
}

fn read_statement(node: &Node, env: &Env) -> Result<Statement, String> {
    if node.as_object().is_none() {
        return Err("a policy statement is computed by an intrinsic function".into());
    }
    let allow = match node.get_str("Effect") {
        Some("Allow") => true,
        Some("Deny") => false,
        _ => return Err("a policy statement's Effect is not Allow or Deny".into()),
    };
    let actions = match (node.get("Action"), node.get("NotAction")) {
        (Some(a), None) => (true, strings(a).iter().map(action_text).collect()),
        (None, Some(a)) => (false, strings(a).iter().map(action_text).collect()),
        _ => return Err("a policy statement has neither Action nor NotAction".into()),
    };
    let resources = match (node.get("Resource"), node.get("NotResource")) {
        (Some(r), None) => (true, resources(r, env)),
        (None, Some(r)) => (false, resources(r, env)),
        _ => return Err("a policy statement has neither Resource nor NotResource".into()),
    };
    Ok(Statement {
        allow,
        actions,
        resources,
        conditional: node.get("Condition").is_some(),
    })
}

/// An action pattern, unless a template value is in it.
fn action_text(value: &Option<Cow<str>>) -> Option<String> {
    value
        .as_deref()
        .filter(|s| !s.contains("${") && !s.contains("#{"))
        .map(str::to_string)
}

/// A string or a list of strings, intrinsic functions written as `Fn::Sub` text
/// (`expr::intrinsic_text`); an `Fn::If` gives both branches; anything else one unreadable
/// value.
fn strings(node: &Node) -> Vec<Option<Cow<'_, str>>> {
    match &node.value {
        Value::String(s) => vec![Some(Cow::Borrowed(s))],
        Value::Array(items) => items.iter().flat_map(strings).collect(),
        Value::Object(_) => match crate::placeholder::alternatives(node) {
            Some(branches) => branches.into_iter().flat_map(strings).collect(),
            None => vec![intrinsic_text(node).map(Cow::Owned)],
        },
        _ => vec![None],
    }
}

fn resources(node: &Node, env: &Env) -> Vec<Expr> {
    strings(node)
        .into_iter()
        .map(|s| match s {
            Some(s) => env.parse(&s),
            None => Expr::unknown(""),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::yaml;

    fn statements(text: &str) -> Vec<Statement> {
        let doc = yaml::parse(text).unwrap();
        read_document(&doc.root, &Env::default()).unwrap()
    }

    fn allowed(policy: &str, action: &str, resource: &str) -> bool {
        allows(&statements(policy), action, &Env::default().parse(resource))
    }

    const FN: &str = "arn:aws:lambda:eu-west-1:111122223333:function:pay";

    #[test]
    fn allow_deny_and_their_negations() {
        let allow = "Statement: [{Effect: Allow, Action: 'lambda:Invoke*', Resource: '*'}]";
        assert!(allowed(allow, "lambda:InvokeFunction", FN));
        assert!(!allowed(allow, "dynamodb:PutItem", FN));
        let denied = "Statement: [{Effect: Allow, Action: '*', Resource: '*'}, {Effect: Deny, Action: lambda:InvokeFunction, Resource: '*'}]";
        assert!(!allowed(denied, "lambda:InvokeFunction", FN));
        assert!(allowed(denied, "s3:GetObject", "arn:aws:s3:::b/k"));
        // A Deny with a Condition may not apply: when in doubt, allow.
        let conditional = "Statement: [{Effect: Allow, Action: '*', Resource: '*'}, {Effect: Deny, Action: '*', Resource: '*', Condition: {Bool: {aws:SecureTransport: false}}}]";
        assert!(allowed(conditional, "lambda:InvokeFunction", FN));
        let not_action = "Statement: [{Effect: Allow, NotAction: 'iam:*', Resource: '*'}]";
        assert!(allowed(not_action, "lambda:InvokeFunction", FN));
        assert!(!allowed(
            not_action,
            "iam:PassRole",
            "arn:aws:iam::1:role/r"
        ));
        let not_resource =
            "Statement: [{Effect: Allow, Action: 'lambda:*', NotResource: 'arn:aws:lambda:*:*:function:admin*'}]";
        assert!(allowed(not_resource, "lambda:InvokeFunction", FN));
        assert!(!allowed(
            not_resource,
            "lambda:InvokeFunction",
            "arn:aws:lambda:eu-west-1:111122223333:function:admin-reset"
        ));
    }

    #[test]
    fn a_spent_budget_answers_in_doubt() {
        let long = format!("arn:aws:s3:::{}", "a*".repeat(1000));
        let statements: Vec<Statement> = (0..1000)
            .map(|_| Statement::allow(&["s3:GetObject"], vec![Expr::text(long.clone())]))
            .collect();
        let resource = Expr::text(format!("arn:aws:s3:::{}", "b".repeat(2000)));
        let budget = Budget::new(10_000_000);
        let start = std::time::Instant::now();
        // No pattern matches; after a few comparisons the budget is spent: allowed, in doubt.
        assert!(allows_within(
            &statements,
            "s3:GetObject",
            &resource,
            &budget
        ));
        assert!(allows_within(
            &statements,
            "s3:GetObject",
            &resource,
            &budget
        ));
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
        assert!(!allows(&statements[..1], "s3:GetObject", &resource));
    }

    #[test]
    fn unreadable_values_allow_what_they_could_be() {
        let unknown_action =
            "Statement: [{Effect: Allow, Action: ['${Ref:Param}'], Resource: '*'}]";
        assert!(allowed(unknown_action, "lambda:InvokeFunction", FN));
        // An unknown Deny denies nothing for sure.
        let deny = "Statement: [{Effect: Allow, Action: '*', Resource: '*'}, {Effect: Deny, Action: '*', Resource: '${Ref:Param}'}]";
        assert!(allowed(deny, "lambda:InvokeFunction", FN));
        let doc = yaml::parse("Statement: '${If:x}'").unwrap();
        assert!(read_document(&doc.root, &Env::default()).is_err());
    }
}
