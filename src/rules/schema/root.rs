//! The top-level object and the nested machines of Parallel branches and Map processors.

use super::fields::{check_members, sub, Field, LangContext};
use super::site::{brace, Part, Site};
use super::values::{check_literal, has_placeholder, with_replacement, Expect, Lang, MAX_SECONDS};
use super::Context;
use crate::diagnostic::Finding;
use crate::document::{Member, Node};
use crate::model::{QueryLanguage, Scope, ScopeKind};
use crate::quote::abbreviate;
use crate::suggest::did_you_mean;

const ROOT_FIELDS: &[Field] = &[
    sub("StartAt", Lang::Both, Expect::Str),
    sub("States", Lang::Both, Expect::Custom),
    sub("Comment", Lang::Both, Expect::Str),
    sub("Version", Lang::Both, Expect::Custom),
    sub("TimeoutSeconds", Lang::Both, Expect::Int(1, MAX_SECONDS)),
    sub("QueryLanguage", Lang::Both, Expect::Custom),
];

/// Fields of Parallel branches and Map processors. `TimeoutSeconds` and `Version` are listed
/// so that they are reported as misplaced rather than unknown; `ProcessorConfig` is allowed
/// only in processors.
const NESTED_FIELDS: &[Field] = &[
    sub("StartAt", Lang::Both, Expect::Str),
    sub("States", Lang::Both, Expect::Custom),
    sub("Comment", Lang::Both, Expect::Str),
    sub("QueryLanguage", Lang::Both, Expect::Custom),
    sub("ProcessorConfig", Lang::Both, Expect::Custom),
    sub("TimeoutSeconds", Lang::Both, Expect::Custom),
    sub("Version", Lang::Both, Expect::Custom),
];

const PROCESSOR_CONFIG: &[Field] = &[
    sub("Mode", Lang::Both, Expect::Enum(&["INLINE", "DISTRIBUTED"])),
    sub(
        "ExecutionType",
        Lang::Both,
        Expect::Enum(&["STANDARD", "EXPRESS"]),
    ),
];

/// Checks the top-level object; false when it is not an object (nothing else can be checked).
pub(super) fn check_root(cx: &Context, out: &mut Vec<Finding>) -> bool {
    let root = cx.machine.root;
    if root.as_object().is_none() {
        out.push(Finding::new(
            root.span,
            format!(
                "expected a state machine definition: a JSON object with \"StartAt\" and \"States\", found {}",
                root.kind()
            ),
        ));
        return false;
    }
    let site = Site::machine().in_template(cx.template);
    let lang = LangContext {
        state: QueryLanguage::JsonPath,
        machine: cx.machine.query_language,
        ty: None,
    };
    check_members(
        out,
        &site,
        root,
        ROOT_FIELDS,
        lang,
        |out, member| match member.key.as_str() {
            "States" => check_states_object(out, &site, member),
            "Version" => check_version(out, member),
            "QueryLanguage" => check_query_language(out, &site, member, None),
            _ => {}
        },
    );
    require_start(out, &site, root, "the state machine");
    true
}

/// Checks every Parallel branch and Map processor.
pub(super) fn check_scopes(cx: &Context, out: &mut Vec<Finding>) {
    for scope in &cx.machine.scopes {
        if scope.kind == ScopeKind::Root {
            continue;
        }
        check_nested(cx, scope, out);
    }
}

fn check_nested(cx: &Context, scope: &Scope, out: &mut Vec<Finding>) {
    let owner = scope.owner.map(|id| cx.machine.state(id).name);
    let description = cx.machine.scope_path(scope.id);
    let site = Site::scope(&description, owner).in_template(cx.template);
    let node = scope.node;
    if node.as_object().is_none() {
        // A processor that is not an object is reported with the Map state's fields.
        if let ScopeKind::Branch { .. } = scope.kind {
            out.push(site.finding(
                node.span,
                format!(
                    "{description} must be an object with \"StartAt\" and \"States\", found {}",
                    node.kind()
                ),
            ));
        }
        return;
    }
    let fields = NESTED_FIELDS;
    let what = match scope.kind {
        ScopeKind::Processor => "a Map processor",
        _ => "a Parallel branch",
    };
    let lang = LangContext {
        state: cx.machine.query_language,
        machine: cx.machine.query_language,
        ty: None,
    };
    check_members(out, &site, node, fields, lang, |out, member| {
        match member.key.as_str() {
            "States" => check_states_object(out, &site, member),
            "QueryLanguage" => {
                check_query_language(out, &site, member, Some(cx.machine.query_language))
            }
            "ProcessorConfig" if scope.kind == ScopeKind::Processor => {
                processor_config(out, &site, member)
            }
            key => {
                let reason = match key {
                    "ProcessorConfig" => "only a Map state's \"ItemProcessor\" can have it",
                    _ => "only the top level of the state machine can have it",
                };
                out.push(
                    site.finding(
                        member.key_span,
                        format!(
                            "\"{key}\" is not allowed in {what} ({description}); {reason}",
                            key = abbreviate(key)
                        ),
                    )
                    .help(format!("remove \"{key}\"", key = abbreviate(key))),
                );
            }
        }
    });
    require_start(out, &site, node, &description);
}

fn processor_config(out: &mut Vec<Finding>, site: &Site, member: &Member) {
    let config_site = site.at(Part::Field("ProcessorConfig"));
    if !check_literal(out, site, "ProcessorConfig", &member.value, Expect::Object) {
        return;
    }
    let lang = LangContext {
        state: QueryLanguage::JsonPath,
        machine: QueryLanguage::JsonPath,
        ty: None,
    };
    check_members(
        out,
        &config_site,
        &member.value,
        PROCESSOR_CONFIG,
        lang,
        |_, _| {},
    );
}

fn require_start(out: &mut Vec<Finding>, site: &Site, node: &Node, what: &str) {
    for (key, help) in [
        (
            "StartAt",
            "add \"StartAt\" with the name of the first state to run",
        ),
        (
            "States",
            "add \"States\": an object that maps each state name to its definition",
        ),
    ] {
        if node.member(key).is_none() {
            out.push(
                site.finding(
                    brace(node),
                    format!("{what} has no \"{key}\"", key = abbreviate(key)),
                )
                .help(help),
            );
        }
    }
}

fn check_states_object(out: &mut Vec<Finding>, site: &Site, member: &Member) {
    check_literal(out, site, "States", &member.value, Expect::Object);
}

fn check_version(out: &mut Vec<Finding>, member: &Member) {
    let site = Site::machine();
    if !check_literal(out, &site, "Version", &member.value, Expect::Str) {
        return;
    }
    let version = member.value.as_str().unwrap_or_default();
    if version != "1.0" && !has_placeholder(version) {
        out.push(
            site.finding(
                member.value.span,
                format!(
                    "\"Version\" of the state machine must be \"1.0\", found \"{version}\"",
                    version = abbreviate(version)
                ),
            )
            .help(
                "\"1.0\" is the only version of the language; write \"1.0\" or remove \"Version\"",
            ),
        );
    }
}

/// `QueryLanguage` on the machine, a nested machine or a state. `machine` is the machine's
/// language when the field is not the machine's own.
pub(super) fn check_query_language(
    out: &mut Vec<Finding>,
    site: &Site,
    member: &Member,
    machine: Option<QueryLanguage>,
) {
    const VALUES: &[&str] = &["JSONPath", "JSONata"];
    let node = &member.value;
    if !check_literal(out, site, "QueryLanguage", node, Expect::Str) {
        return;
    }
    let value = node.as_str().unwrap_or_default();
    match QueryLanguage::parse(value) {
        None if has_placeholder(value) => {}
        None => {
            let mut f = site.finding(
                node.span,
                format!(
                    "{} must be \"JSONPath\" or \"JSONata\", found \"{value}\"",
                    site.field("QueryLanguage"),
                    value = abbreviate(value)
                ),
            );
            if let Some(s) = did_you_mean(value, VALUES.iter().copied()) {
                f = f.help(format!(
                    "did you mean \"{s}\"? Values are case-sensitive",
                    s = abbreviate(s)
                ));
            }
            out.push(with_replacement(f, node, value, VALUES));
        }
        Some(QueryLanguage::JsonPath) if machine == Some(QueryLanguage::Jsonata) => {
            out.push(
                site.finding(
                    node.span,
                    format!(
                        "{} is \"JSONPath\", but the state machine uses JSONata; a JSONata state machine cannot contain JSONPath states",
                        site.field("QueryLanguage")
                    ),
                )
                .help("rewrite the state with JSONata fields, or make JSONPath the machine's language and set \"QueryLanguage\": \"JSONata\" on the states that use JSONata"),
            );
        }
        Some(_) => {}
    }
}
