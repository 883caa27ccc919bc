//! Labels: a state's type line, an edge's kind, a Choice rule's condition in short.

use super::*;

pub(super) fn edge_label(state: &State, kind: &EdgeKind) -> String {
    let label = match kind {
        EdgeKind::Next => "Next".to_string(),
        EdgeKind::Default => "Default".to_string(),
        EdgeKind::Choice { rule } => {
            let node = state
                .get("Choices")
                .and_then(Node::as_array)
                .and_then(|rules| rules.get(*rule));
            match node {
                Some(node) => condition(node, state.query_language, 0),
                None => format!("Choice {}", rule + 1),
            }
        }
        EdgeKind::Catch { errors, .. } => format!("Catch: {}", errors.join(", ")),
        EdgeKind::BranchEntry { branch } => format!("branch {}", branch + 1),
        EdgeKind::ProcessorEntry => "each item".to_string(),
    };
    shorten(&label)
}

pub(super) fn shorten(s: &str) -> String {
    shorten_to(s, LABEL_MAX).into_owned()
}

/// Any text in a picture (a state's name, a branch's title) is cut here, so that a hostile
/// name cannot make a label Graphviz or Mermaid refuses.
pub(super) fn fit(s: &str) -> std::borrow::Cow<'_, str> {
    shorten_to(s, TEXT_MAX)
}

fn shorten_to(s: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => std::borrow::Cow::Borrowed(s),
        Some(_) => {
            let mut out: String = s.chars().take(max - 1).collect();
            out.push('…');
            std::borrow::Cow::Owned(out)
        }
    }
}

/// A Choice rule's condition in short: `$.n >= 5`, `$.s is present`, `not ($.a == true)`.
pub(super) fn condition(rule: &Node, language: QueryLanguage, depth: usize) -> String {
    if language == QueryLanguage::Jsonata || rule.get("Condition").is_some() {
        return match rule.get_str("Condition") {
            Some(c) => {
                let c = c.trim();
                let c = c.strip_prefix("{%").unwrap_or(c);
                let c = c.strip_suffix("%}").unwrap_or(c);
                c.trim().to_string()
            }
            None => "(condition)".to_string(),
        };
    }
    if depth > CONDITION_DEPTH {
        return "…".to_string();
    }
    for (key, joiner) in [("And", " and "), ("Or", " or ")] {
        if let Some(items) = rule.get(key).and_then(Node::as_array) {
            let parts: Vec<String> = items
                .iter()
                .map(|n| condition(n, language, depth + 1))
                .collect();
            let joined = parts.join(joiner);
            return if depth == 0 {
                joined
            } else {
                format!("({joined})")
            };
        }
    }
    if let Some(inner) = rule.get("Not") {
        return format!("not ({})", condition(inner, language, depth + 1));
    }
    let variable = rule.get_str("Variable").unwrap_or("?");
    let Some(member) = rule
        .as_object()
        .unwrap_or(&[])
        .iter()
        .find(|m| !matches!(m.key.as_str(), "Variable" | "Next" | "Comment" | "Assign"))
    else {
        return variable.to_string();
    };
    let op = member.key.as_str();
    let value = literal(&member.value);
    let base = op.strip_suffix("Path").unwrap_or(op);
    let comparison = [
        ("GreaterThanEquals", ">="),
        ("LessThanEquals", "<="),
        ("GreaterThan", ">"),
        ("LessThan", "<"),
        ("Equals", "=="),
    ]
    .into_iter()
    .find(|(suffix, _)| {
        base.ends_with(suffix)
            && ["String", "Numeric", "Boolean", "Timestamp"]
                .iter()
                .any(|p| base == format!("{p}{suffix}"))
    });
    if let Some((_, symbol)) = comparison {
        return format!("{variable} {symbol} {value}");
    }
    if op == "StringMatches" {
        return format!("{variable} matches {value}");
    }
    if let Some(test) = op.strip_prefix("Is") {
        let yes = member.value.as_bool() != Some(false);
        let what = match test {
            "Present" => {
                return format!("{variable} is {}", if yes { "present" } else { "absent" })
            }
            other => other.to_lowercase(),
        };
        let not = if yes { "" } else { "not " };
        return format!("{variable} is {not}{what}");
    }
    format!("{variable} {op} {value}")
}

pub(super) fn literal(node: &Node) -> String {
    match &node.value {
        Value::String(s) if s.starts_with('$') => s.to_string(),
        Value::String(s) => format!("\"{s}\""),
        // As written in the file (1e400, not inf).
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".to_string(),
        _ => "…".to_string(),
    }
}
