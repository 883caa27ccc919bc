use super::{rule_doc, Category, Context, Rule};
use crate::asl::resource::{Pattern, Resource};
use crate::diagnostic::{Finding, Severity};
use crate::document::{Node, Value};
use crate::model::QueryLanguage;
use crate::quote::abbreviate;
use crate::source::Span;

pub static RULE: Rule = Rule {
    id: "callback-missing-token",
    severity: Severity::Error,
    category: Category::Correctness,
    summary: "A .waitForTaskToken Task never passes the task token, so nothing can resume it",
    doc: rule_doc!("callback-missing-token"),
    check: Some(check),
    fix: None,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for state in cx.states() {
        let Some((resource, arn)) = state.task_resource() else {
            continue;
        };
        // Cheap test first: most Tasks are not callbacks.
        if !arn.contains(".waitForTaskToken") {
            continue;
        }
        let callback = match cx.flow.resource(state.id) {
            Some(Resource::Integration { pattern, .. }) => *pattern == Pattern::Callback,
            Some(Resource::Unknown) => arn.ends_with(".waitForTaskToken"),
            _ => false,
        };
        if !callback {
            continue;
        }
        // Either payload may carry the token; the schema rule reports the one the state's
        // query language does not allow.
        let mut literal = None;
        let passed = state
            .get("Parameters")
            .is_some_and(|p| jsonpath_passes_token(p, &mut literal))
            || state.get("Arguments").is_some_and(jsonata_passes_token);
        if passed {
            continue;
        }
        let mut finding = Finding::new(
            resource.span,
            format!(
                "state '{}' waits for a task token (.waitForTaskToken) but never passes the token in its {}",
                abbreviate(state.name),
                match state.query_language {
                    QueryLanguage::JsonPath => "Parameters",
                    QueryLanguage::Jsonata => "Arguments",
                }
            ),
        )
        .state(state.name)
        .help(
            "add the token to the payload so the receiver can call SendTaskSuccess/SendTaskFailure, e.g. \
             \"TaskToken.$\": \"$$.Task.Token\" (JSONata: \"TaskToken\": \"{% $states.context.Task.Token %}\")",
        );
        if let Some(span) = literal {
            finding = finding.related(
                span,
                "this value names the token, but its key lacks the .$ suffix, so it is sent as literal text",
            );
        }
        out.push(finding);
    }
}

/// A JSONPath payload template passes the token when some `.$` value, at any depth, reads
/// `$$.Task.Token` (or the whole `$$.Task` or `$$` it sits in). Records in `literal` a
/// non-`.$` value that mentions the token, which is sent as plain text.
fn jsonpath_passes_token(payload: &Node, literal: &mut Option<Span>) -> bool {
    let mut stack = vec![payload];
    while let Some(node) = stack.pop() {
        match &node.value {
            Value::Object(members) => {
                for member in members {
                    if let Some(s) = member.value.as_str() {
                        if member.key.ends_with(".$") {
                            if reads_context(s, "$$", ".Task.Token") {
                                return true;
                            }
                        } else if literal.is_none() && s.contains("$$.Task.Token") {
                            *literal = Some(member.value.span);
                        }
                    } else {
                        stack.push(&member.value);
                    }
                }
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    false
}

/// A JSONata payload passes the token when some string, at any depth, mentions
/// `$states.context.Task.Token`, or is an expression that reads the whole `$states.context`
/// (or `$states.context.Task`).
fn jsonata_passes_token(payload: &Node) -> bool {
    let mut stack = vec![payload];
    while let Some(node) = stack.pop() {
        match &node.value {
            Value::String(s) if passes_token_jsonata(s) => return true,
            Value::Object(members) => stack.extend(members.iter().map(|m| &m.value)),
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    false
}

fn passes_token_jsonata(s: &str) -> bool {
    s.contains("$states.context.Task.Token")
        || (s.contains("{%") && reads_context(s, "$states.context", ".Task.Token"))
}

/// True when `text` reads `root` followed by `token_path` (e.g. `.Task.Token`), or reads `root`
/// or one of the path's prefixes as a whole value (`$$`, `$$.Task`): either carries the token.
fn reads_context(text: &str, root: &str, token_path: &str) -> bool {
    let mut rest = text;
    while let Some(at) = rest.find(root) {
        let after = &rest[at + root.len()..];
        // Walk down `.Task.Token` as far as `after` follows it.
        let mut path = after;
        let mut depth_ok = true;
        for segment in token_path.split('.').skip(1) {
            let ends = path.is_empty() || !continues_path(path);
            if ends {
                break;
            }
            match step(path, segment) {
                Some(p) => path = p,
                None => {
                    depth_ok = false;
                    break;
                }
            }
        }
        if depth_ok && (path.is_empty() || !continues_path(path)) {
            return true;
        }
        rest = after;
    }
    false
}

/// `rest` after the field `segment` (`.Task`, `['Task']` or `["Task"]`), if it starts with it.
fn step<'a>(rest: &'a str, segment: &str) -> Option<&'a str> {
    if let Some(r) = rest.strip_prefix('.') {
        return r.strip_prefix(segment);
    }
    let r = rest.strip_prefix('[')?;
    let quote = r.chars().next().filter(|&c| c == '\'' || c == '"')?;
    r[1..]
        .strip_prefix(segment)?
        .strip_prefix(quote)?
        .strip_prefix(']')
}

/// Whether `rest` continues a path expression (another field, index or identifier character).
fn continues_path(rest: &str) -> bool {
    rest.starts_with(|c: char| c == '.' || c == '[' || c == '_' || c.is_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::reads_context;

    #[test]
    fn jsonpath_context_reads() {
        for (text, expected) in [
            ("$$.Task.Token", true),
            ("States.Format('{}', $$.Task.Token)", true),
            ("$$", true),
            ("States.JsonToString($$)", true),
            ("$$.Task", true),
            ("$$.Execution.Id", false),
            ("$$.Task.TokenX", false),
            ("$$.Tasks", false),
            ("$.token", false),
            ("$$.Task.Token.length", false),
            ("$$['Task']['Token']", true),
            ("$$.Task[\"Token\"]", true),
            ("$$['Tasks']", false),
        ] {
            assert_eq!(reads_context(text, "$$", ".Task.Token"), expected, "{text}");
        }
    }

    #[test]
    fn jsonata_context_reads() {
        let read = |t| reads_context(t, "$states.context", ".Task.Token");
        assert!(read("{% $states.context.Task.Token %}"));
        assert!(read("{% $string($states.context) %}"));
        assert!(read("{% {'token': $states.context.Task.Token} %}"));
        assert!(!read("{% $states.context.Execution.Id %}"));
        assert!(!read("{% $states.input.token %}"));
    }
}
