use super::{rule_doc, Category, Context, Rule};
use crate::diagnostic::{Finding, Severity};
use crate::document::{Node, Value};
use crate::jsonata::Kind;
use crate::jsonata_sites::{Owner, Site};
use crate::model::{QueryLanguage, State, StateType};
use crate::quote::abbreviate;

pub static RULE: Rule = Rule {
    id: "choice-without-default",
    severity: Severity::Warning,
    category: Category::Correctness,
    summary: "A Choice state has no Default, so input no rule matches fails the execution",
    doc: rule_doc!("choice-without-default"),
    check: Some(check),
    fix: None,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for state in cx.states() {
        if !state.is(StateType::Choice) || state.member("Default").is_some() {
            continue;
        }
        if always_matches(cx, state) {
            continue;
        }
        out.push(
            Finding::new(
                state.name_span,
                format!(
                    "Choice '{}' has no Default: when no rule matches its input, the execution fails with States.NoChoiceMatched",
                    abbreviate(state.name)
                ),
            )
            .state(state.name)
            .help(
                "add a \"Default\" that names the state to run when nothing matches, e.g. a Fail state \
                 with a clear \"Error\" and \"Cause\" if that input is really unexpected",
            ),
        );
    }
}

/// Choices that match every input: a JSONata rule whose Condition is the constant `true`, or
/// two rules of which one matches whatever the other does not (`complementary`).
fn always_matches(cx: &Context, state: &State) -> bool {
    let rules = state.get("Choices").and_then(Node::as_array).unwrap_or(&[]);
    if state.query_language == QueryLanguage::Jsonata {
        let constant_true = rules.iter().any(|rule| {
            rule.get("Condition").is_some_and(|c| {
                c.as_bool() == Some(true)
                    || c.as_str().is_some_and(|s| {
                        s.strip_prefix("{%")
                            .and_then(|s| s.strip_suffix("%}"))
                            .is_some_and(|body| body.trim() == "true")
                    })
            })
        });
        return constant_true || negated_conditions(cx, state);
    }
    let tests: Vec<Test> = rules.iter().filter_map(|rule| test(rule, 0)).collect();
    tests
        .iter()
        .enumerate()
        .any(|(i, a)| tests[i + 1..].iter().any(|b| complementary(a, b)))
}

/// Keys of a Choice rule besides its test.
const RULE_EXTRAS: &[&str] = &["Next", "Comment", "Assign", "Output"];

/// Operators whose value is `true` or `false` and that test every present value: their
/// `true` and `false` forms split the values between them.
const BOOLEAN_TESTS: &[&str] = &[
    "BooleanEquals",
    "IsBoolean",
    "IsNull",
    "IsNumeric",
    "IsPresent",
    "IsString",
    "IsTimestamp",
];

/// A JSONPath Choice rule that is one comparison, possibly negated: `Variable`, one operator
/// and its value, under any number of `Not`.
struct Test<'d> {
    variable: &'d str,
    operator: &'d str,
    value: &'d Node,
    negated: bool,
}

fn test(rule: &Node, depth: usize) -> Option<Test<'_>> {
    let members = rule.as_object()?;
    let mut own = members
        .iter()
        .filter(|m| depth > 0 || !RULE_EXTRAS.contains(&m.key.as_str()));
    let (first, second) = (own.next()?, own.next());
    if own.next().is_some() {
        return None;
    }
    if first.key == "Not" && second.is_none() && depth < 8 {
        let inner = test(&first.value, depth + 1)?;
        return Some(Test {
            negated: !inner.negated,
            ..inner
        });
    }
    let (variable, comparison) = match (first.key.as_str(), second) {
        ("Variable", Some(op)) => (first, op),
        (_, Some(v)) if v.key == "Variable" => (v, first),
        _ => return None,
    };
    Some(Test {
        variable: variable.value.as_str()?,
        operator: &comparison.key,
        value: &comparison.value,
        negated: false,
    })
}

/// Whether every input (that does not make either test fail with an error) matches `a` or
/// `b`: one is the other negated, or both test a boolean property, one for `true` and one
/// for `false`. A value of another type makes `BooleanEquals` false both ways: the pair takes
/// the field to hold a boolean, as comparing it with `true` and `false` says it does.
fn complementary(a: &Test, b: &Test) -> bool {
    if a.variable != b.variable || a.operator != b.operator {
        return false;
    }
    if a.negated != b.negated {
        return same_scalar(a.value, b.value);
    }
    BOOLEAN_TESTS.contains(&a.operator)
        && matches!((a.value.as_bool(), b.value.as_bool()), (Some(x), Some(y)) if x != y)
}

/// Equal scalars, written alike (`1` and `1.0` count as different: then the rule still fires).
fn same_scalar(a: &Node, b: &Node) -> bool {
    match (&a.value, &b.value) {
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Null, Value::Null) => true,
        (Value::Number(x), Value::Number(y)) => x.written() == y.written(),
        _ => false,
    }
}

/// Two Conditions of a JSONata Choice where one is `$not(…)` of exactly the other's
/// expression. Not when a workflow variable named `not` replaces the built-in function.
fn negated_conditions(cx: &Context, state: &State) -> bool {
    if cx.variables.lookup("not").is_some() {
        return false;
    }
    let conditions: Vec<&Site> = cx
        .jsonata
        .of_state(state.id)
        .iter()
        .filter(|site| {
            matches!(site.location.owner, Owner::ChoiceRule { .. })
                && site.location.field == "Condition"
                && site.location.path.is_empty()
        })
        .collect();
    let negates = |a: &Site, b: &Site| {
        let Ok(expression) = &b.parsed else {
            return false;
        };
        let ast = &expression.ast;
        let Kind::Call { procedure, args } = &ast.root().kind else {
            return false;
        };
        let ([arg], Kind::Variable(name)) = (args.as_slice(), &ast.node(*procedure).kind) else {
            return false;
        };
        name == "not"
            && a.parsed.is_ok()
            && b.text().get(ast.node(*arg).span.clone()).map(str::trim) == Some(a.text().trim())
    };
    conditions.iter().enumerate().any(|(i, a)| {
        conditions[i + 1..]
            .iter()
            .any(|b| negates(a, b) || negates(b, a))
    })
}
