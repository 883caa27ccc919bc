use super::invalid_jsonata::{exact_site_span, site_span};
use super::{rule_doc, Category, Context, FixSpec, Rule};
use crate::diagnostic::{Applicability, Edit, Finding, Fix, Severity};
use crate::jsonata::functions::{self, Builtin, Replacement, BUILTINS, HASH_ALGORITHMS};
use crate::jsonata::{Call, ChainInput, Expression, Kind};
use crate::jsonata_sites::Site;
use crate::suggest::edit_distance;

pub static RULE: Rule = Rule {
    id: "invalid-jsonata-function",
    severity: Severity::Error,
    category: Category::Expressions,
    summary: "A JSONata expression calls a function Step Functions does not offer, or a built-in with the wrong number of arguments",
    doc: rule_doc!("invalid-jsonata-function"),
    check: Some(check),
    fix: Some(FixSpec {
        summary: "replace a misspelt or foreign function name, or a misspelt $hash algorithm, with the one Step Functions offers",
        applicability: Applicability::Safe,
    }),
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for site in &cx.jsonata.sites {
        let Ok(expression) = &site.parsed else {
            continue;
        };
        for call in &expression.names.calls {
            // Functions bound in the expression (`$f := function…`, parameters) are the
            // author's; nothing is known of their arity.
            if call.bound {
                continue;
            }
            match functions::builtin(&call.name) {
                Some(builtin) => {
                    check_arity(cx, site, call, builtin, out);
                    if builtin.name == "hash" {
                        check_hash(cx, site, expression, call, out);
                    }
                }
                None => unknown(cx, site, expression, call, out),
            }
        }
    }
}

fn where_(cx: &Context, site: &Site) -> String {
    format!(
        "{} of state '{}'",
        site.location,
        cx.machine.state(site.state).name
    )
}

/// A name that is neither a function Step Functions offers nor bound in the expression.
fn unknown(
    cx: &Context,
    site: &Site,
    expression: &Expression,
    call: &Call,
    out: &mut Vec<Finding>,
) {
    let state = cx.machine.state(site.state).name;
    let span = site_span(cx, site, call.name_span.clone());
    let name = &call.name;
    if let Some((_, why)) = functions::UNAVAILABLE.iter().find(|(n, _)| n == name) {
        out.push(
            Finding::new(
                span,
                format!(
                    "${name} is not available in Step Functions ({})",
                    where_(cx, site)
                ),
            )
            .help(*why)
            .state(state),
        );
        return;
    }
    // The JSONata name for a function from another language, or the nearest built-in.
    let (suggestion, hint) = match functions::foreign(name) {
        Some(Replacement::Function(f)) => (Some(f), None),
        Some(Replacement::Hint(h)) => (None, Some(h)),
        None => (nearest(name, expression), None),
    };
    let mut finding = match (suggestion, hint) {
        (Some(f), _) => {
            let builtin = functions::builtin(f);
            let usage = builtin.map_or(String::new(), |b| format!(": {}", b.usage));
            Finding::new(
                span,
                format!(
                    "${name} is not a JSONata or Step Functions function ({}); did you mean ${f}?",
                    where_(cx, site)
                ),
            )
            .help(format!("JSONata's function is ${f}{usage}"))
        }
        (None, Some(h)) => Finding::new(
            span,
            format!(
                "${name} is not a JSONata or Step Functions function ({})",
                where_(cx, site)
            ),
        )
        .help(h),
        (None, None) => Finding::new(
            span,
            format!(
                "${name} is not a JSONata or Step Functions function ({}), and the expression does not define it",
                where_(cx, site)
            ),
        )
        .help("Step Functions offers JSONata 2.0.6's functions (except $eval) and $partition, $range, $hash, $random, $uuid and $parse; define your own with $name := function($x) { … }"),
    };
    // Replacing the name is safe when it is the only candidate and the call fits it.
    if let Some(f) = suggestion {
        let fits = functions::builtin(f).is_none_or(|b| arity_problem(call, b).is_none());
        if let (true, Some(at)) = (fits, exact_site_span(cx, site, call.name_span.clone())) {
            finding = finding.fix(Fix::safe(
                format!("replace ${name} with ${f}"),
                vec![Edit::replace(at, format!("${f}"))],
            ));
        }
    }
    out.push(finding.state(state));
}

/// The built-in (or function bound in the expression) nearest to a misspelt name, when
/// exactly one is nearest.
fn nearest(name: &str, expression: &Expression) -> Option<&'static str> {
    let lower = name.to_lowercase();
    let limit = (name.chars().count() / 3).clamp(1, 3);
    let mut best: Option<(usize, &'static str)> = None;
    let mut tie = false;
    for candidate in BUILTINS.iter().map(|b| b.name) {
        let distance = if candidate.to_lowercase() == lower {
            0
        } else {
            edit_distance(&lower, &candidate.to_lowercase())
        };
        if distance > limit {
            continue;
        }
        match best {
            Some((d, _)) if distance > d => {}
            Some((d, _)) if distance == d => tie = true,
            _ => {
                best = Some((distance, candidate));
                tie = false;
            }
        }
    }
    // A function the expression defines with a near name makes the guess ambiguous.
    let defined_nearby = expression
        .names
        .calls
        .iter()
        .any(|c| c.bound && edit_distance(&lower, &c.name.to_lowercase()) <= limit);
    match best {
        Some((_, candidate)) if !tie && !defined_nearby => Some(candidate),
        _ => None,
    }
}

/// Arguments the call passes: written ones, plus the value flowing in from `~>`. `None`
/// when that cannot be told (a partial application, a composition, an unknown input).
fn passed(call: &Call) -> Option<usize> {
    if call.partial {
        return None;
    }
    match call.chained {
        None => Some(call.args.len()),
        Some(ChainInput::Value) => Some(call.args.len() + 1),
        Some(ChainInput::Function | ChainInput::Unknown) => None,
    }
}

/// Why the call's argument count does not fit the built-in, if it does not.
fn arity_problem(call: &Call, builtin: &Builtin) -> Option<String> {
    let count = passed(call)?;
    let (min, max) = functions::arity(builtin);
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let takes = match max {
        Some(0) => "no arguments".to_string(),
        Some(max) if max == min => format!("{min} argument{}", plural(min)),
        Some(max) if min == 0 => format!("at most {max} argument{}", plural(max)),
        Some(max) => format!("{min} to {max} arguments"),
        None => format!("at least {min} argument{}", plural(min)),
    };
    let chained = if call.chained.is_some() {
        " (counting the value passed in by ~>)"
    } else {
        ""
    };
    if count < min || max.is_some_and(|max| count > max) {
        Some(format!(
            "${} takes {takes}, but is called with {count}{chained}",
            builtin.name
        ))
    } else {
        None
    }
}

fn check_arity(cx: &Context, site: &Site, call: &Call, builtin: &Builtin, out: &mut Vec<Finding>) {
    let Some(problem) = arity_problem(call, builtin) else {
        return;
    };
    let count = passed(call).unwrap_or(0);
    let implicit = count - call.args.len();
    let (_, max) = functions::arity(builtin);
    // Too many: the first extra argument to the last. Too few: the function's name.
    let expression_ok = site.parsed.as_ref().ok();
    let span = match (max, expression_ok) {
        (Some(max), Some(e)) if count > max && max >= implicit => {
            let first = &e.ast.node(call.args[max - implicit]).span;
            let last = &e.ast.node(call.args[call.args.len() - 1]).span;
            site_span(cx, site, first.start..last.end)
        }
        _ => site_span(cx, site, call.name_span.clone()),
    };
    let context = if builtin.signature.contains('-') {
        "; called with one argument fewer, it takes the context value as the first"
    } else {
        ""
    };
    out.push(
        Finding::new(span, format!("{problem} ({})", where_(cx, site)))
            .help(format!("usage: {}{context}", builtin.usage))
            .state(cx.machine.state(site.state).name),
    );
}

/// `$hash(data, algorithm)` with a literal algorithm Step Functions does not offer.
fn check_hash(
    cx: &Context,
    site: &Site,
    expression: &Expression,
    call: &Call,
    out: &mut Vec<Finding>,
) {
    let implicit = passed(call).map_or(0, |count| count - call.args.len());
    let Some(&arg) = (1usize)
        .checked_sub(implicit)
        .and_then(|i| call.args.get(i))
    else {
        return;
    };
    let node = expression.ast.node(arg);
    let Kind::String(algorithm) = &node.kind else {
        return;
    };
    if HASH_ALGORITHMS
        .iter()
        .any(|a| a.eq_ignore_ascii_case(algorithm))
    {
        return;
    }
    let squashed = |s: &str| s.replace(['-', '_', ' '], "").to_ascii_uppercase();
    let suggestion = HASH_ALGORITHMS
        .iter()
        .find(|a| squashed(a) == squashed(algorithm))
        .copied();
    let mut finding = Finding::new(
        site_span(cx, site, node.span.clone()),
        format!(
            "$hash does not support the algorithm '{algorithm}' ({})",
            where_(cx, site)
        ),
    )
    .help(match suggestion {
        Some(s) => format!("write '{s}'; $hash takes MD5, SHA-1, SHA-256, SHA-384 or SHA-512"),
        None => "$hash takes MD5, SHA-1, SHA-256, SHA-384 or SHA-512".to_string(),
    })
    .state(cx.machine.state(site.state).name);
    // The literal's text without its quotes.
    let inner = node.span.start + 1..node.span.end - 1;
    if let (Some(s), Some(at)) = (suggestion, exact_site_span(cx, site, inner)) {
        finding = finding.fix(Fix::safe(
            format!("replace '{algorithm}' with '{s}'"),
            vec![Edit::replace(at, s)],
        ));
    }
    out.push(finding);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::run_check;

    fn findings(output: &str) -> Vec<(String, String, Option<String>)> {
        let text = format!(
            r#"{{"QueryLanguage": "JSONata", "StartAt": "A", "States": {{"A": {{"Type": "Pass", "Output": {output}, "End": true}}}}}}"#
        );
        run_check(check, &text)
            .into_iter()
            .map(|f| {
                (
                    text[f.span.start..f.span.end].to_string(),
                    f.message,
                    f.fix.map(|x| x.edits[0].replacement.clone()),
                )
            })
            .collect()
    }

    #[test]
    fn unknown_functions_get_the_jsonata_name() {
        let got =
            findings(r#""{% $toUpper($states.input.name) & $lenght('x') & $frobnicate(1) %}""#);
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].0, "$toUpper");
        assert_eq!(
            got[0].1,
            "$toUpper is not a JSONata or Step Functions function (Output of state 'A'); did you mean $uppercase?"
        );
        assert_eq!(got[0].2.as_deref(), Some("$uppercase"));
        assert_eq!(
            (got[1].0.as_str(), got[1].2.as_deref()),
            ("$lenght", Some("$length"))
        );
        assert_eq!(got[2].2, None);
    }

    #[test]
    fn bound_and_step_functions_functions_are_known() {
        assert!(findings(r#""{% ($f := function($x) { $x * 2 }; $f(1) + $partition([1], 1)[0][0] + $random(7)) %}""#).is_empty());
        assert!(findings(
            r#""{% $map([1, 2], function($v, $i, $fn) { $fn($v) }) & $uuid() & $parse('{}') %}""#
        )
        .is_empty());
        assert!(findings(r#""{% $hash('x', 'SHA-256') & $range(0, 10, 2) %}""#).is_empty());
    }

    #[test]
    fn eval_and_arity() {
        let got = findings(
            r#""{% $eval('1') & $length('a', 'b') & $substring() & 'ab' ~> $substring(0, 1) & $states.input.s.$uppercase() %}""#,
        );
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!(got[0].0, "$eval");
        assert_eq!(got[1].0, "'b'");
        assert_eq!(
            got[1].1,
            "$length takes at most 1 argument, but is called with 2 (Output of state 'A')"
        );
        assert_eq!(got[2].0, "$substring");
        let got = findings(r#""{% 'ab' ~> $substring(0, 1, 2) %}""#);
        assert_eq!(got[0].1, "$substring takes 1 to 3 arguments, but is called with 4 (counting the value passed in by ~>) (Output of state 'A')");
    }

    #[test]
    fn fixes_rewrite_the_source_and_only_where_it_is_safe() {
        let text = r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "Output": {"a": "{% $toUpper($x) & $hash($x, 'SHA256') %}", "b": "{% \"\u00e9\" & $lenght($x) %}", "c": "{% $len($x, 1) %}"}, "End": true}}}"#;
        let found = run_check(check, text);
        let mut fixed = text.to_string();
        let mut edits: Vec<Edit> = found
            .iter()
            .filter_map(|f| f.fix.as_ref())
            .flat_map(|f| f.edits.clone())
            .collect();
        edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
        for e in edits {
            fixed.replace_range(e.span.start..e.span.end, &e.replacement);
        }
        // Spans map across escapes, so the name after "\u00e9" is replaced in place;
        // $length takes one argument, so $len($x, 1) is not renamed.
        assert!(
            fixed.contains(r#""{% $uppercase($x) & $hash($x, 'SHA-256') %}""#),
            "{fixed}"
        );
        assert!(
            fixed.contains(r#""{% \"\u00e9\" & $length($x) %}""#),
            "{fixed}"
        );
        assert!(fixed.contains("$len($x, 1)"), "{fixed}");
    }

    #[test]
    fn hash_algorithms() {
        let got = findings(
            r#""{% $hash($states.input, 'SHA256') & $hash('x', 'CRC32') & $hash('x', 'sha-1') %}""#,
        );
        assert_eq!(got.len(), 2);
        assert_eq!(
            (got[0].0.as_str(), got[0].2.as_deref()),
            ("'SHA256'", Some("SHA-256"))
        );
        assert_eq!(got[1].2, None);
    }
}
