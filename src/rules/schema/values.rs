//! Value kinds, ranges and enums, checked without schema jargon in the messages.

use super::site::Site;
use crate::diagnostic::{Finding, Fix};
use crate::document::{Node, Number, Value};
use crate::edits;
use crate::model::QueryLanguage;
use crate::quote::abbreviate;
use crate::suggest::{did_you_mean, single_suggestion};

/// Upper bound AWS accepts for every seconds field (and retry counts).
pub(super) const MAX_SECONDS: i64 = 99_999_999;

/// What a field's value must be.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Expect {
    /// Any JSON value.
    Any,
    Str,
    StrOrNull,
    Bool,
    Object,
    Array,
    /// A payload template: normally an object; AWS also accepts an array (deployed samples
    /// use `"Parameters": [ … ]` on Pass states).
    ObjectOrArray,
    /// An integer within the bounds, inclusive (2.0 counts as an integer).
    Int(i64, i64),
    /// A number within the bounds, inclusive.
    Num(f64, f64),
    /// One of these strings (strings holding a `${Name}` template placeholder pass too).
    Enum(&'static [&'static str]),
    /// Checked by dedicated code.
    Custom,
}

impl Expect {
    pub fn describe(self) -> String {
        match self {
            Expect::Any | Expect::Custom => "a JSON value".to_string(),
            Expect::Str => "a string".to_string(),
            Expect::StrOrNull => "a string or null".to_string(),
            Expect::Bool => "true or false".to_string(),
            Expect::Object => "an object".to_string(),
            Expect::Array => "an array".to_string(),
            Expect::ObjectOrArray => "an object".to_string(),
            Expect::Int(0, i64::MAX) => "a whole number of 0 or more".to_string(),
            Expect::Int(1, i64::MAX) => "a whole number of 1 or more".to_string(),
            Expect::Int(min, max) => format!("a whole number from {min} to {max}"),
            Expect::Num(min, max) => match (min.is_finite(), max.is_finite()) {
                (false, false) => "a number".to_string(),
                (true, false) => format!("a number of {} or more", show_number(min)),
                (false, true) => format!("a number of at most {}", show_number(max)),
                (true, true) => {
                    format!("a number from {} to {}", show_number(min), show_number(max))
                }
            },
            Expect::Enum(values) => one_of(values),
        }
    }

    fn wants_string(self) -> bool {
        matches!(self, Expect::Str | Expect::StrOrNull | Expect::Enum(_))
    }
}

/// Which query language a field belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Lang {
    Both,
    JsonPath,
    Jsonata,
}

impl Lang {
    pub fn allows(self, ql: QueryLanguage) -> bool {
        match self {
            Lang::Both => true,
            Lang::JsonPath => ql == QueryLanguage::JsonPath,
            Lang::Jsonata => ql == QueryLanguage::Jsonata,
        }
    }
}

/// A JSONata expression: a string whose whole value is `{% … %}`.
pub(super) fn is_jsonata(s: &str) -> bool {
    s.len() >= 4 && s.starts_with("{%") && s.ends_with("%}")
}

/// A value that is exactly one placeholder, such as `${ReminderTimeout}`.
pub(super) fn is_whole_placeholder(s: &str) -> bool {
    crate::placeholder::is_whole(s)
}

/// A SAM/CloudFormation `DefinitionSubstitutions` placeholder such as `${MyFunctionArn}`.
pub(super) fn has_placeholder(s: &str) -> bool {
    crate::placeholder::has(s)
}

/// `"A"`, `"A" or "B"`, `"A", "B" or "C"`.
pub(super) fn one_of(values: &[&str]) -> String {
    let quoted: Vec<String> = values
        .iter()
        .map(|v| format!("\"{v}\"", v = abbreviate(v)))
        .collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

/// A number as JSON would show it: `3`, `0.5`.
pub(super) fn show_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// Fields whose value can instead be read from the input by a `…Path` twin.
fn has_path_twin(name: &str) -> bool {
    matches!(
        name,
        "TimeoutSeconds"
            | "HeartbeatSeconds"
            | "Seconds"
            | "Timestamp"
            | "MaxConcurrency"
            | "ToleratedFailureCount"
            | "ToleratedFailurePercentage"
            | "MaxItems"
            | "MaxItemsPerBatch"
            | "MaxInputBytesPerBatch"
    )
}

/// Extra advice when a number is out of range.
fn range_help(name: &str) -> Option<&'static str> {
    Some(match name {
        "BackoffRate" => {
            "BackoffRate multiplies the wait before each retry; use 1 for a constant interval"
        }
        "MaxAttempts" => "use 0 to never retry these errors",
        "IntervalSeconds" => "the first retry waits at least 1 second",
        "TimeoutSeconds" | "HeartbeatSeconds" => "use a whole number of seconds, at least 1",
        "ToleratedFailurePercentage" => "a percentage of failed items, from 0 to 100",
        _ => return None,
    })
}

/// Checks one value against `expect`; reports and returns false when it does not fit.
/// In JSONata states, a `{% … %}` string may stand for any non-string value.
pub(super) fn check_value(
    out: &mut Vec<Finding>,
    site: &Site,
    name: &str,
    node: &Node,
    expect: Expect,
    ql: QueryLanguage,
) -> bool {
    let jsonata = ql == QueryLanguage::Jsonata;
    // A template's `Fn::If` deploys one of its branches: each must fit.
    if let Some(branches) = crate::placeholder::alternatives(node).filter(|_| site.template) {
        // Every branch is checked (and reported), not only up to the first bad one.
        let mut ok = true;
        for branch in branches {
            ok &= check_value(out, site, name, branch, expect, ql);
        }
        return ok;
    }
    match (&node.value, expect) {
        (_, Expect::Any | Expect::Custom) => true,
        (Value::String(s), _) if jsonata && is_jsonata(s) => true,
        // `"Seconds": "${ReminderTimeout}"`: the deployed value comes from
        // DefinitionSubstitutions, so its type cannot be known here (AWS samples do this).
        (Value::String(s), _) if is_whole_placeholder(s) => true,
        (Value::String(_), Expect::Str | Expect::StrOrNull) => true,
        (Value::Null, Expect::StrOrNull) => true,
        (Value::Bool(_), Expect::Bool) => true,
        (Value::Object(_), Expect::Object | Expect::ObjectOrArray) => true,
        (Value::Array(_), Expect::Array | Expect::ObjectOrArray) => true,
        (Value::String(s), Expect::Enum(values)) => {
            if values.contains(&s.as_str()) || has_placeholder(s) {
                return true;
            }
            let mut f = site.finding(
                node.span,
                format!(
                    "{} must be {}, found \"{s}\"",
                    site.field(name),
                    expect.describe(),
                    s = abbreviate(s)
                ),
            );
            if let Some(suggestion) = did_you_mean(s, values.iter().copied()) {
                f = f.help(format!(
                    "did you mean \"{suggestion}\"? Values are case-sensitive",
                    suggestion = abbreviate(suggestion)
                ));
            }
            out.push(with_replacement(f, node, s, values));
            false
        }
        (Value::Number(n), Expect::Int(min, max)) => {
            if node.as_i64().is_some_and(|i| (min..=max).contains(&i)) {
                return true;
            }
            out_of_range(out, site, name, node, n, expect);
            false
        }
        (Value::Number(n), Expect::Num(min, max)) => {
            if n.value >= min && n.value <= max {
                return true;
            }
            out_of_range(out, site, name, node, n, expect);
            false
        }
        _ => {
            wrong_kind(out, site, name, node, expect, jsonata);
            false
        }
    }
}

/// `check_value` for fields that are never JSONata expressions (`End`, `Retry`, `Branches`, …).
pub(super) fn check_literal(
    out: &mut Vec<Finding>,
    site: &Site,
    name: &str,
    node: &Node,
    expect: Expect,
) -> bool {
    check_value(out, site, name, node, expect, QueryLanguage::JsonPath)
}

/// An array with at least one entry; true when it is a non-empty array.
pub(super) fn non_empty_array(
    out: &mut Vec<Finding>,
    site: &Site,
    name: &str,
    node: &Node,
    help: &str,
) -> bool {
    if !check_literal(out, site, name, node, Expect::Array) {
        return false;
    }
    if node.as_array().is_some_and(<[Node]>::is_empty) {
        out.push(
            site.finding(node.span, format!("{} is empty", site.field(name)))
                .help(help.to_string()),
        );
        return false;
    }
    true
}

fn out_of_range(
    out: &mut Vec<Finding>,
    site: &Site,
    name: &str,
    node: &Node,
    n: &Number,
    expect: Expect,
) {
    // The number as written: a float would print 1e400 as "inf".
    let mut f = site.finding(
        node.span,
        format!(
            "{} must be {}, found {n}",
            site.field(name),
            expect.describe(),
        ),
    );
    if let Some(help) = range_help(name) {
        f = f.help(help);
    }
    out.push(f);
}

fn wrong_kind(
    out: &mut Vec<Finding>,
    site: &Site,
    name: &str,
    node: &Node,
    expect: Expect,
    jsonata: bool,
) {
    let alternative = if jsonata && !expect.wants_string() {
        " or a JSONata expression \"{% … %}\""
    } else {
        ""
    };
    let mut f = site.finding(
        node.span,
        format!(
            "{} must be {}{alternative}, found {}",
            site.field(name),
            expect.describe(),
            node.kind()
        ),
    );
    if let Some(s) = node.as_str() {
        let trimmed = s.trim();
        let literal = match expect {
            Expect::Int(..) | Expect::Num(..) => trimmed.parse::<f64>().is_ok(),
            Expect::Bool => trimmed == "true" || trimmed == "false",
            _ => false,
        };
        if literal {
            f = f.help(format!("write {trimmed} without quotes"));
            if let Some(edit) = unquoted(s, expect).and_then(|v| edits::unquote(node, v)) {
                f = f.fix(Fix::safe(format!("write {s} without quotes"), vec![edit]));
            }
        } else if jsonata && !is_jsonata(s) && (trimmed.starts_with('$') || trimmed.contains("{%"))
        {
            f = f.help(format!(
                "wrap JSONata expressions in {{% and %}}, e.g. \"{{% {trimmed} %}}\""
            ));
        } else if !jsonata && trimmed.starts_with('$') && has_path_twin(name) {
            f = f.help(format!(
                "to read the value from the input, use \"{name}Path\""
            ));
        }
    } else if matches!(expect, Expect::Str | Expect::StrOrNull)
        && matches!(node.value, Value::Number(_) | Value::Bool(_))
    {
        f = f.help("put the value in double quotes");
    }
    out.push(f);
}

/// The finding with a fix that writes the one allowed value `s` is a near-miss of.
pub(super) fn with_replacement(f: Finding, node: &Node, s: &str, values: &[&str]) -> Finding {
    let Some(value) = single_suggestion(s, values.iter().copied()) else {
        return f;
    };
    match edits::replace_scalar(node.span, s, value) {
        Some(edit) => f.fix(Fix::safe(
            format!(
                "replace \"{s}\" with \"{value}\"",
                s = abbreviate(s),
                value = abbreviate(value)
            ),
            vec![edit],
        )),
        None => f,
    }
}

/// The literal a string stands for when it is exactly a number or boolean the field accepts
/// (no surrounding spaces: "5 " may be a typo for something else).
fn unquoted(s: &str, expect: Expect) -> Option<&str> {
    match expect {
        Expect::Bool => matches!(s, "true" | "false").then_some(s),
        Expect::Int(min, max) => {
            let n: f64 = edits::json_number(s)?.parse().ok()?;
            (n.fract() == 0.0 && n >= min as f64 && n <= max as f64).then_some(s)
        }
        Expect::Num(min, max) => {
            let n: f64 = edits::json_number(s)?.parse().ok()?;
            (n.is_finite() && n >= min && n <= max).then_some(s)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions() {
        assert_eq!(
            Expect::Int(1, MAX_SECONDS).describe(),
            "a whole number from 1 to 99999999"
        );
        assert_eq!(
            Expect::Int(0, i64::MAX).describe(),
            "a whole number of 0 or more"
        );
        assert_eq!(
            Expect::Num(1.0, f64::INFINITY).describe(),
            "a number of 1 or more"
        );
        assert_eq!(
            Expect::Num(f64::NEG_INFINITY, f64::INFINITY).describe(),
            "a number"
        );
        assert_eq!(
            Expect::Enum(&["FULL", "NONE"]).describe(),
            "\"FULL\" or \"NONE\""
        );
        assert_eq!(one_of(&["a", "b", "c"]), "\"a\", \"b\" or \"c\"");
        assert_eq!(show_number(0.5), "0.5");
        assert_eq!(show_number(-1.0), "-1");
    }

    #[test]
    fn jsonata_and_placeholders() {
        assert!(is_jsonata("{% $x %}"));
        assert!(!is_jsonata("{%"));
        assert!(!is_jsonata("x {% $x %}"));
        assert!(has_placeholder("arn:${Partition}:states:::lambda:invoke"));
        assert!(is_whole_placeholder("${ReminderTimeout}"));
        assert!(!is_whole_placeholder("${A}${B}"));
        assert!(!is_whole_placeholder("x${A}"));
        assert!(!is_whole_placeholder("${}x"));
    }
}
