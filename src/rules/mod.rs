//! The rule engine: one file per rule, one registry (`RULES`), one shared `Context`.

use crate::dataflow::DataFlow;
use crate::diagnostic::{Applicability, Finding, Severity};
use crate::document::Document;
use crate::document::Node;
use crate::graph::StateGraph;
use crate::jsonata_sites::JsonataSites;
use crate::model::{Machine, State, WorkflowType};
use crate::source::{SourceFile, Span};
use crate::template::Deployment;
use crate::variables::Variables;

mod activity_prefer_callback;
mod callback_missing_token;
mod catch_replaces_input;
mod choice_without_default;
mod compensation_without_retry;
mod deprecated_field;
mod duplicate_key;
mod duplicate_state_name;
mod express_duration;
mod express_unsupported_integration;
mod heartbeat_not_less_than_timeout;
mod history_quota_loop;
mod integration_parameters;
mod integration_result_shape;
mod invalid_intrinsic;
mod invalid_jsonata;
mod invalid_jsonata_function;
mod invalid_path;
mod invalid_states_reference;
mod invalid_timestamp;
mod jsonata_not_evaluated;
mod lambda_missing_retry;
mod map_unbounded_concurrency;
mod missing_permission;
mod no_dollar;
mod no_terminal;
mod parallel_branch_cancellation;
mod parallel_output_array;
mod parse_error;
mod pass_result_is_static;
mod repeated_catch;
mod retry_catch_all_not_last;
mod schema;
mod start_execution_without_name;
mod state_name_too_long;
mod task_without_timeout;
mod undefined_variable;
mod unknown_error_name;
mod unknown_integration;
mod unknown_substitution;
mod unknown_target;
mod unreachable_state;
mod unreadable_definition;
mod unsupported_integration_pattern;
mod unused_suppression;
mod unused_variable;
mod unversioned_lambda;
mod variable_maybe_unassigned;
mod variable_scope;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Category {
    /// The file cannot be read as a document.
    Syntax,
    /// Fields, types and values the language defines.
    Schema,
    /// Names and transitions between states.
    Structure,
    /// Paths, intrinsic functions and literals inside values.
    Expressions,
    /// Valid definitions that misbehave at run time: lost data, hung tasks, rejected calls.
    Correctness,
    /// Failure handling, timeouts, idempotency and limits.
    Reliability,
    /// Clearer or cheaper ways to write the same thing.
    Practice,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Syntax => "syntax",
            Category::Schema => "schema",
            Category::Structure => "structure",
            Category::Expressions => "expressions",
            Category::Correctness => "correctness",
            Category::Reliability => "reliability",
            Category::Practice => "practice",
        }
    }
}

/// Everything a rule may read. Rules never read source text themselves (`value_span` does it
/// for them) and never print.
pub struct Context<'a, 'd> {
    /// The text the document's spans refer to.
    pub source: &'a SourceFile,
    /// The definition is written inside a CloudFormation, SAM or Serverless template: a value
    /// may still be a choice (`Fn::If`) that the tool makes at deployment.
    pub template: bool,
    /// What the template deploying the machine says about it (functions, substitutions);
    /// `None` for a definition linted on its own.
    pub deployment: Option<&'a Deployment>,
    pub document: &'d Document,
    /// The text the document's spans point into. Only for shaping fix edits to how the file is
    /// written (indentation, separators, line endings); rules read values from the document.
    pub text: &'a str,
    pub machine: &'a Machine<'d>,
    pub graph: &'a StateGraph,
    pub flow: &'a DataFlow,
    /// Every JSONata expression of the machine, parsed once.
    pub jsonata: &'a JsonataSites<'d>,
    /// Workflow variables: assignments, reads, and what is assigned on entry to each state.
    pub variables: &'a Variables<'d>,
    /// How the machine is deployed (the command line, configuration or template decided).
    pub workflow_type: WorkflowType,
}

impl<'d> Context<'_, 'd> {
    /// The source span of bytes `decoded` of `node`'s string value, exact across escapes,
    /// quotes and YAML folding; the whole node when its text does not decode to its value (a
    /// template substitution made it).
    pub fn value_span(&self, node: &Node, decoded: std::ops::Range<usize>) -> Span {
        crate::document::inner::value_span(&self.source.text, node, decoded)
    }

    /// Like `value_span`, but `None` instead of the whole node when the range cannot be placed
    /// exactly: what a fix may replace.
    pub fn exact_value_span(&self, node: &Node, decoded: std::ops::Range<usize>) -> Option<Span> {
        crate::document::inner::ValueMap::new(&self.source.text, node).map(|map| map.span(decoded))
    }

    pub fn states(&self) -> impl Iterator<Item = &State<'d>> + '_ {
        self.machine.states.iter()
    }

    /// The workflow type a state runs in: the machine's, or, inside a Distributed Map, its
    /// child executions' type, with that Map.
    pub fn workflow_of(&self, state: &State) -> (WorkflowType, Option<&State<'d>>) {
        match self.machine.scope(state.scope).child_execution {
            Some((map, ty)) => (ty, Some(self.machine.state(map))),
            None => (self.workflow_type, None),
        }
    }
}

pub type Check = fn(&Context, &mut Vec<Finding>);

pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    pub category: Category,
    pub summary: &'static str,
    /// The rule's document from `rules/<id>.md`.
    pub doc: &'static str,
    /// `None` for rules the parsing stage reports before a model exists.
    pub check: Option<Check>,
    /// The fix the rule offers with its findings, if any.
    pub fix: Option<FixSpec>,
}

/// What a rule's fix does, as `asl-lint rules` and the rule's document say it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FixSpec {
    pub summary: &'static str,
    pub applicability: Applicability,
}

macro_rules! rule_doc {
    ($id:literal) => {
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/", $id, ".md"))
    };
}
pub(crate) use rule_doc;

/// Every rule, in the order `asl-lint rules` lists them.
pub static RULES: &[&Rule] = &[
    &parse_error::RULE,
    &duplicate_key::RULE,
    &schema::RULE,
    &duplicate_state_name::RULE,
    &state_name_too_long::RULE,
    &unknown_target::RULE,
    &unreachable_state::RULE,
    &no_terminal::RULE,
    &retry_catch_all_not_last::RULE,
    &heartbeat_not_less_than_timeout::RULE,
    &invalid_path::RULE,
    &invalid_intrinsic::RULE,
    &invalid_timestamp::RULE,
    &invalid_jsonata::RULE,
    &invalid_jsonata_function::RULE,
    &invalid_states_reference::RULE,
    &jsonata_not_evaluated::RULE,
    &undefined_variable::RULE,
    &variable_scope::RULE,
    &variable_maybe_unassigned::RULE,
    &unused_variable::RULE,
    &catch_replaces_input::RULE,
    &parallel_output_array::RULE,
    &callback_missing_token::RULE,
    &no_dollar::RULE,
    &pass_result_is_static::RULE,
    &choice_without_default::RULE,
    &unknown_integration::RULE,
    &unsupported_integration_pattern::RULE,
    &integration_parameters::RULE,
    &unknown_error_name::RULE,
    &integration_result_shape::RULE,
    &express_unsupported_integration::RULE,
    &express_duration::RULE,
    &unknown_substitution::RULE,
    &unversioned_lambda::RULE,
    &missing_permission::RULE,
    &task_without_timeout::RULE,
    &lambda_missing_retry::RULE,
    &start_execution_without_name::RULE,
    &compensation_without_retry::RULE,
    &map_unbounded_concurrency::RULE,
    &parallel_branch_cancellation::RULE,
    &history_quota_loop::RULE,
    &activity_prefer_callback::RULE,
    &repeated_catch::RULE,
    &deprecated_field::RULE,
    &unused_suppression::RULE,
    &unreadable_definition::RULE,
];

pub fn find(id: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.id == id)
}

/// The rule id a mistyped or shortened `id` most likely means, for "did you mean" wherever a
/// rule id is typed (command line, configuration, suppressions).
pub fn closest_id(id: &str) -> Option<&'static str> {
    crate::suggest::did_you_mean_or_prefix(id, RULES.iter().map(|r| r.id))
}

pub const PARSE_ERROR: &str = "parse-error";

/// Reported by the template stage, not by a check.
pub use unreadable_definition::RULE as UNREADABLE_DEFINITION;

/// The rule list as a Markdown table, as the README shows it.
pub fn markdown_table() -> String {
    let mut out =
        String::from("| Rule | Default severity | Category | What it flags |\n|---|---|---|---|\n");
    for rule in RULES {
        out.push_str(&format!(
            "| [`{}`](rules/{}.md) | {} | {} | {} |\n",
            rule.id,
            rule.id,
            rule.severity.as_str(),
            rule.category.as_str(),
            rule.summary
        ));
    }
    out
}

/// Runs one check over a definition, for unit tests of rules.
#[cfg(test)]
pub(crate) fn run_check(check: Check, text: &str) -> Vec<Finding> {
    let source = SourceFile::new("test.json", text.to_string());
    let document = crate::document::json::parse(text).expect("test input parses");
    let machine = Machine::build(&document.root);
    let graph = StateGraph::build(&machine);
    let flow = DataFlow::build(&machine, &graph);
    let jsonata = JsonataSites::build(&machine);
    let variables = Variables::build(&machine, &graph, &jsonata);
    let cx = Context {
        source: &source,
        template: false,
        deployment: None,
        document: &document,
        text,
        machine: &machine,
        graph: &graph,
        flow: &flow,
        jsonata: &jsonata,
        variables: &variables,
        workflow_type: WorkflowType::Standard,
    };
    let mut out = Vec::new();
    check(&cx, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_documented() {
        let mut ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), RULES.len());
        for rule in RULES {
            assert!(
                rule.doc.starts_with(&format!("# {}", rule.id)),
                "{}",
                rule.id
            );
            assert!(!rule.summary.ends_with('.'), "{}", rule.id);
        }
    }
}
