//! Choice rules: JSONPath data tests and boolean combinations, JSONata conditions.

use super::fields::{check_members, sub, Field, LangContext};
use super::names::{is_operator, OPERATORS};
use super::site::{brace, Part, Site};
use super::templates;
use super::values::{check_literal, check_value, non_empty_array, Expect, Lang};
use crate::diagnostic::Finding;
use crate::document::{Member, Node};
use crate::model::{ChoiceRule, QueryLanguage};
use crate::quote::abbreviate;

const RULE_BASE: &[Field] = &[
    sub("Variable", Lang::JsonPath, Expect::Str),
    sub("And", Lang::JsonPath, Expect::Custom),
    sub("Or", Lang::JsonPath, Expect::Custom),
    sub("Not", Lang::JsonPath, Expect::Custom),
    sub("Next", Lang::Both, Expect::Custom),
    sub("Comment", Lang::Both, Expect::Str),
    sub("Assign", Lang::Both, Expect::Custom),
    sub("Condition", Lang::Jsonata, Expect::Custom),
    sub("Output", Lang::Jsonata, Expect::Custom),
];

/// Every field a Choice rule may have: the base fields and every operator (all JSONPath).
fn rule_fields() -> &'static [Field] {
    use std::sync::OnceLock;
    static FIELDS: OnceLock<Vec<Field>> = OnceLock::new();
    FIELDS.get_or_init(|| {
        let mut fields = RULE_BASE.to_vec();
        fields.extend(
            OPERATORS
                .iter()
                .map(|(name, expect)| sub(name, Lang::JsonPath, *expect)),
        );
        fields
    })
}

/// `Choices` of a Choice state and every rule in it.
pub(super) fn check(out: &mut Vec<Finding>, site: &Site, member: &Member, lang: LangContext) {
    let node = &member.value;
    if !non_empty_array(
        out,
        site,
        "Choices",
        node,
        "add at least one rule, each with a condition and the \"Next\" state",
    ) {
        return;
    }
    // The same walk as `State::choice_rules`, with one reused stack instead of a vector per rule.
    let jsonata = lang.state == QueryLanguage::Jsonata;
    let mut stack: Vec<ChoiceRule> = Vec::new();
    for (top, node) in node.as_array().unwrap_or(&[]).iter().enumerate() {
        stack.push(ChoiceRule {
            node,
            top,
            nested: false,
        });
        while let Some(rule) = stack.pop() {
            check_rule(out, site, rule, lang);
            // In JSONata, And/Or/Not are reported as JSONPath fields; their contents are not rules.
            if jsonata {
                continue;
            }
            let at = stack.len();
            for key in ["And", "Or"] {
                if let Some(items) = rule.node.get(key).and_then(Node::as_array) {
                    stack.extend(items.iter().map(|node| ChoiceRule {
                        node,
                        top,
                        nested: true,
                    }));
                }
            }
            if let Some(node) = rule.node.get("Not") {
                stack.push(ChoiceRule {
                    node,
                    top,
                    nested: true,
                });
            }
            // Visit children in document order.
            stack[at..].reverse();
        }
    }
}

fn check_rule(out: &mut Vec<Finding>, state_site: &Site, rule: ChoiceRule, lang: LangContext) {
    let site = if rule.nested {
        state_site.at(Part::Nested(rule.top))
    } else {
        state_site.at(Part::Item("Choices", rule.top))
    };
    let node = rule.node;
    if node.as_object().is_none() {
        out.push(site.finding(
            node.span,
            format!(
                "{} must be an object (a Choice rule), found {}",
                site.subject(),
                node.kind()
            ),
        ));
        return;
    }
    check_members(out, &site, node, rule_fields(), lang, |out, m| {
        custom(out, &site, rule, m, lang);
    });
    // A rule written for the other language is reported field by field already.
    let members = node.as_object().unwrap_or(&[]);
    let jsonpath_rule = members.iter().any(|m| {
        is_operator(&m.key) || matches!(m.key.as_str(), "Variable" | "And" | "Or" | "Not")
    });
    if lang.state == QueryLanguage::Jsonata {
        if node.member("Condition").is_none() && !jsonpath_rule {
            out.push(
                site.finding(brace(node), format!("{} has no \"Condition\"", site.subject()))
                    .help("add \"Condition\": a JSONata expression such as \"{% $states.input.count > 10 %}\""),
            );
        }
    } else if node.member("Condition").is_none() || jsonpath_rule {
        check_structure(out, &site, node);
    }
    if !rule.nested && node.member("Next").is_none() {
        out.push(
            site.finding(brace(node), format!("{} has no \"Next\"", site.subject()))
                .help("add \"Next\" with the state to go to when this rule matches"),
        );
    }
}

fn custom(out: &mut Vec<Finding>, site: &Site, rule: ChoiceRule, m: &Member, lang: LangContext) {
    let node = &m.value;
    match m.key.as_str() {
        "Next" if rule.nested => out.push(
            site.finding(
                m.key_span,
                format!(
                    "{} must not have \"Next\"; only top-level rules choose the next state",
                    site.subject()
                ),
            )
            .help("move \"Next\" to the top-level rule that contains this one"),
        ),
        "Next" => {
            check_literal(out, site, "Next", node, Expect::Str);
        }
        "Assign" if rule.nested => out.push(
            site.finding(
                m.key_span,
                format!(
                    "{} must not have \"Assign\"; only top-level rules can assign variables",
                    site.subject()
                ),
            )
            .help("move \"Assign\" to the top-level rule that contains this one"),
        ),
        "Assign" => templates::assign(out, site, m, lang.state),
        "Output" if rule.nested => out.push(site.finding(
            m.key_span,
            format!(
                "{} must not have \"Output\"; only top-level rules can set the output",
                site.subject()
            ),
        )),
        "And" | "Or" => {
            non_empty_array(out, site, &m.key, node, "list at least one rule to combine");
        }
        // The value of "Not" is checked as the nested rule it holds.
        "Condition" => {
            check_value(
                out,
                site,
                "Condition",
                node,
                Expect::Bool,
                QueryLanguage::Jsonata,
            );
        }
        _ => {}
    }
}

/// A JSONPath rule is either exactly one of And/Or/Not, or Variable with exactly one operator.
fn check_structure(out: &mut Vec<Finding>, site: &Site, node: &Node) {
    let members = node.as_object().unwrap_or(&[]);
    let combinators: Vec<&Member> = members
        .iter()
        .filter(|m| matches!(m.key.as_str(), "And" | "Or" | "Not"))
        .collect();
    let operators: Vec<&Member> = members.iter().filter(|m| is_operator(&m.key)).collect();
    let variable = node.member("Variable");
    if let Some(first) = combinators.first() {
        if let Some(second) = combinators.get(1) {
            out.push(
                site.finding(
                    second.key_span,
                    format!(
                        "{} has both \"{}\" and \"{}\"; a rule combines others with exactly one of \"And\", \"Or\" or \"Not\"",
                        site.subject(),
                        abbreviate(&first.key),
                        abbreviate(&second.key)
                    ),
                )
                .related(first.key_span, format!("\"{}\" is set here", abbreviate(&first.key)))
                .help("nest one combination inside the other"),
            );
        }
        if let Some(test) = variable.or(operators.first().copied()) {
            out.push(
                site.finding(
                    test.key_span,
                    format!(
                        "{} mixes \"{}\" with \"{}\"; a rule either combines other rules or tests a value",
                        site.subject(),
                        abbreviate(&test.key),
                        abbreviate(&first.key)
                    ),
                )
                .related(first.key_span, format!("\"{}\" is set here", abbreviate(&first.key)))
                .help(format!("move the test into its own rule inside \"{}\"", abbreviate(&first.key))),
            );
        }
        return;
    }
    match (variable, operators.as_slice()) {
        (None, []) => out.push(
            site.finding(brace(node), format!("{} has no condition", site.subject()))
                .help("add \"Variable\" with one comparison operator such as \"StringEquals\", or combine rules with \"And\", \"Or\" or \"Not\""),
        ),
        (None, [op, ..]) => out.push(
            site.finding(op.key_span, format!("{} has \"{}\" but no \"Variable\"", site.subject(), abbreviate(&op.key)))
                .help("add \"Variable\": the path of the value to compare, e.g. \"$.status\""),
        ),
        (Some(v), []) => out.push(
            site.finding(v.key_span, format!("{} has \"Variable\" but no comparison operator", site.subject()))
                .help("add exactly one operator, such as \"StringEquals\", \"NumericGreaterThan\" or \"IsPresent\""),
        ),
        (Some(_), [_]) => {}
        (Some(_), [first, rest @ ..]) => {
            for second in rest {
                out.push(
                    site.finding(
                        second.key_span,
                        format!(
                            "{} has two comparison operators, \"{}\" and \"{}\"; a rule tests exactly one",
                            site.subject(),
                            abbreviate(&first.key),
                            abbreviate(&second.key)
                        ),
                    )
                    .related(first.key_span, format!("\"{}\" is set here", abbreviate(&first.key)))
                    .help("combine several tests with \"And\" or \"Or\""),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators_are_sorted_and_complete() {
        for pair in OPERATORS.windows(2) {
            assert!(pair[0].0 < pair[1].0, "{} >= {}", pair[0].0, pair[1].0);
        }
        assert_eq!(OPERATORS.len(), 39);
        assert!(!is_operator("StringMatchesPath"));
        assert!(is_operator("IsPresent"));
    }
}
