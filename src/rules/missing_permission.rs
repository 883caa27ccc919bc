use super::{rule_doc, Category, Context, Rule};
use crate::diagnostic::{Finding, Severity};
use crate::permissions::expr::Budget;
use crate::permissions::needs::{Group, Need};
use crate::permissions::policy::{self, Names, Out, SamEntry};
use crate::permissions::role::{KnownRole, Role, Source};
use crate::permissions::{iam, shown, MachinePermissions};
use crate::quote::abbreviate;
use crate::source::Span;

pub static RULE: Rule = Rule {
    id: "missing-permission",
    severity: Severity::Error,
    category: Category::Correctness,
    summary: "A Task needs an IAM action that the machine's execution role, as its template writes it, does not allow",
    doc: rule_doc!("missing-permission"),
    check: Some(check),
    fix: None,
};

/// Only a role whose every source of permissions the template shows is judged; the template
/// stage reads it (`MachinePermissions`), this rule compares it with each Task's needs.
fn check(cx: &Context, out: &mut Vec<Finding>) {
    let Some(permissions) = cx.deployment.and_then(|d| d.permissions.as_deref()) else {
        return;
    };
    let Role::Known(role) = &permissions.role else {
        return;
    };
    let budget = Budget::default();
    for group in permissions.needs(cx.machine) {
        let missing: Vec<&Need> = group
            .needs
            .iter()
            .filter(|n| {
                n.required && !iam::allows_within(&role.statements, &n.action, &n.resource, &budget)
            })
            .collect();
        if missing.is_empty() {
            continue;
        }
        if let Some(finding) = finding(cx, permissions, role, &group, &missing) {
            out.push(finding);
        }
    }
}

fn finding(
    cx: &Context,
    permissions: &MachinePermissions,
    role: &KnownRole,
    group: &Group,
    missing: &[&Need],
) -> Option<Finding> {
    let machine = abbreviate(&permissions.machine);
    let wanted = describe(missing);
    let location = permissions.location.as_ref();
    let (span, subject, place) = match &group.state {
        Some(state) => (
            group.span,
            format!("state '{}' ({})", abbreviate(state), group.what),
            None,
        ),
        None => {
            // Logging and tracing are turned on by the template: the finding points at that
            // key when it is in this file, else at the definition's StartAt.
            let (key, at) = if group.what.starts_with("logging") {
                (
                    permissions.logging,
                    location.and_then(|l| l.logging.clone()),
                )
            } else {
                (
                    permissions.tracing,
                    location.and_then(|l| l.tracing.clone()),
                )
            };
            let span = match key {
                Some(key) if cx.template => key,
                _ => start_at(cx)?,
            };
            (
                span,
                format!("state machine '{machine}' ({})", group.what),
                at,
            )
        }
    };
    let role_name = match &role.source {
        Source::IamRole { id, .. } => format!("role '{}'", abbreviate(id)),
        Source::ServerlessProvider { .. } => "the Serverless provider role".to_string(),
        _ => format!("the role SAM builds for '{machine}'"),
    };
    let consequence = match (&group.state, group.what.starts_with("logging")) {
        (Some(_), _) => "the task is refused at run time (not authorized)",
        (None, true) => "CloudFormation cannot create the machine (the role is not authorized to access the log destination)",
        (None, false) => "X-Ray receives no traces",
    };
    let mut message =
        format!("{subject} needs {wanted}, which {role_name} does not allow: {consequence}");
    if let Some(place) = place {
        message.push_str(&format!(" (turned on at {place})"));
    }
    let mut finding = Finding::new(span, message).help(help(cx, permissions, role, group, missing));
    if group.state.is_none() && !group.what.starts_with("logging") {
        // Tracing without permission loses traces; the executions still run.
        finding = finding.severity(Severity::Warning);
    }
    if let Some(state) = &group.state {
        finding = finding.state(state.clone());
    }
    let anchor = role.source.anchor();
    if cx.template && anchor != Span::new(0, 0) {
        let what = match &role.source {
            Source::SamPolicies { .. } => "the role's permissions come from these Policies",
            Source::SamNoPolicies { .. } => {
                "this machine has no Policies: its role allows only what connectors grant"
            }
            Source::IamRole { .. } => "the machine's role",
            Source::ServerlessProvider { .. } => "the machine's role",
        };
        finding = finding.related(anchor, what);
    }
    Some(finding)
}

fn start_at(cx: &Context) -> Option<Span> {
    let root = cx.machine.scopes.first()?;
    root.start_at.map(|m| m.key_span)
}

/// `lambda:InvokeFunction on arn:…` or `events:PutTargets, events:PutRule on …` grouped by
/// resource.
fn describe(missing: &[&Need]) -> String {
    let mut by_resource: Vec<(String, Vec<&str>)> = Vec::new();
    for n in missing {
        let r = shown(&n.resource);
        match by_resource.iter_mut().find(|(res, _)| *res == r) {
            Some((_, actions)) => actions.push(&n.action),
            None => by_resource.push((r, vec![&n.action])),
        }
    }
    by_resource
        .iter()
        .map(|(r, actions)| format!("{} on {}", actions.join(", "), abbreviate(r)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Which statement to add, and where: a SAM policy template where one covers the actions,
/// else the statement, in the template's syntax.
fn help(
    cx: &Context,
    permissions: &MachinePermissions,
    role: &KnownRole,
    group: &Group,
    missing: &[&Need],
) -> String {
    let json = permissions.json_template(cx.source);
    let flow = |out: &Out| {
        if json {
            policy::json_flow(out)
        } else {
            policy::yaml_flow(out)
        }
    };
    let only = Group {
        needs: missing.iter().map(|n| (*n).clone()).collect(),
        ..group.clone()
    };
    let env = &permissions.env;
    let where_ = permissions
        .location
        .as_ref()
        .and_then(|l| l.role.as_ref())
        .map(|at| format!(" ({at})"))
        .unwrap_or_default();
    let machine = abbreviate(&permissions.machine);
    let suggestion = match &role.source {
        Source::SamPolicies { .. } | Source::SamNoPolicies { .. } => {
            let entries = policy::sam_entries(std::slice::from_ref(&only), env);
            let shown: Vec<String> = entries
                .iter()
                .map(|e: &SamEntry| {
                    if json {
                        flow(&e.to_out())
                    } else {
                        format!("- {}", flow(&e.to_out()))
                    }
                })
                .collect();
            let verb = if matches!(role.source, Source::SamNoPolicies { .. }) {
                format!("add Policies to '{machine}'{where_} with")
            } else {
                format!("add to the Policies of '{machine}'{where_}")
            };
            format!("{verb}: {}", shown.join(if json { ", " } else { " " }))
        }
        Source::IamRole { id, .. } => {
            let statements =
                policy::statements(std::slice::from_ref(&only), env, Names::Intrinsics);
            let shown: Vec<String> = statements.iter().map(|s| flow(&s.to_out())).collect();
            format!(
                "add to a policy of role '{}'{where_}: {}",
                abbreviate(id),
                shown.join(", ")
            )
        }
        Source::ServerlessProvider { .. } => {
            let statements =
                policy::statements(std::slice::from_ref(&only), env, Names::Intrinsics);
            let shown: Vec<String> = statements.iter().map(|s| flow(&s.to_out())).collect();
            format!("add to provider.iam.role.statements: {}", shown.join(", "))
        }
    };
    let mut help = suggestion;
    if !group.notes.is_empty() {
        help.push_str(&format!(" ({})", group.notes.join("; ")));
    }
    help.push_str(&format!("; see {}", group.doc));
    help
}
