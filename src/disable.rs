//! "Disable this rule here": the edit that writes an `asl-lint-disable` directive (see
//! `suppress`) into the `Comment` of the state a finding is in, or `asl-lint-disable-file` into
//! the machine's top-level `Comment` when the finding is in no state. An existing directive of
//! the same kind gets the rule added to its list; a missing `Comment` is added as the object's
//! last member, written like its neighbours (JSON, YAML flow or block style).

use crate::diagnostic::{Edit, Fix};
use crate::document::Node;
use crate::edits;
use crate::model::Machine;
use crate::outline;
use crate::rules;
use crate::source::Span;
use crate::suppress::{self, KEYWORD};

/// The directive silencing `rule` for the finding at `span` in the document `root` parsed from
/// `text`; `None` when the rule cannot be suppressed, the finding lies in no machine written in
/// the text, or the `Comment` cannot be edited safely (not a string, written with escapes).
pub fn fix(text: &str, root: &Node, rule: &str, span: Span) -> Option<Fix> {
    Machines::new(root).fix(text, rule, span)
}

/// The machines of one document, built once for the directives of many findings.
pub struct Machines<'d> {
    machines: Vec<(outline::Written<'d>, Machine<'d>)>,
}

impl<'d> Machines<'d> {
    pub fn new(root: &'d Node) -> Machines<'d> {
        let machines = outline::machines(root)
            .into_iter()
            .map(|written| {
                let machine = Machine::build(written.definition);
                (written, machine)
            })
            .collect();
        Machines { machines }
    }

    /// See `fix`.
    pub fn fix(&self, text: &str, rule: &str, span: Span) -> Option<Fix> {
        if rule == rules::PARSE_ERROR || rule == suppress::ID {
            return None;
        }
        let mut best: Option<(Span, &Node, String, bool)> = None;
        for (written, machine) in &self.machines {
            let definition = written.definition;
            if !definition.span.contains(span) {
                continue;
            }
            let target = match outline::innermost_state(machine, span) {
                Some(id) => {
                    let state = machine.state(id);
                    (
                        outline::state_span(machine, id),
                        state.node,
                        format!("disable {rule} for state '{}'", state.name),
                        false,
                    )
                }
                None => {
                    let title = match &written.name {
                        Some(name) => format!("disable {rule} for state machine '{name}'"),
                        None => format!("disable {rule} for this state machine"),
                    };
                    (definition.span, definition, title, true)
                }
            };
            if best.as_ref().is_none_or(|b| target.0.len() < b.0.len()) {
                best = Some(target);
            }
        }
        let (_, object, title, file) = best?;
        let edit = directive_edit(text, object, rule, file)?;
        Some(Fix::safe(title, vec![edit]))
    }
}

/// Adds `rule` to the directive in `object`'s `Comment` (`asl-lint-disable-file` when `file`).
pub fn directive_edit(text: &str, object: &Node, rule: &str, file: bool) -> Option<Edit> {
    let keyword = if file {
        format!("{KEYWORD}-file")
    } else {
        KEYWORD.to_string()
    };
    let Some(member) = object.member("Comment") else {
        return edits::insert_member(text, object, "Comment", &format!("{keyword} {rule}"));
    };
    let node = &member.value;
    let old = node.as_str()?;
    let directives = suppress::parse(old);
    let same: Vec<_> = directives.iter().filter(|d| d.file == file).collect();
    // Already silenced (a bare directive covers every rule): nothing to add.
    if same
        .iter()
        .any(|d| d.ids.is_empty() || d.ids.iter().any(|(id, _)| *id == rule))
    {
        return None;
    }
    let new = match same.last().and_then(|d| d.ids.last()) {
        Some((_, range)) => format!("{}, {rule}{}", &old[..range.end], &old[range.end..]),
        None => {
            let separator = if old.is_empty() || old.ends_with(char::is_whitespace) {
                ""
            } else {
                " "
            };
            format!("{old}{separator}{keyword} {rule}")
        }
    };
    if let Some(edit) = edits::replace_scalar(node.span, old, &new) {
        return Some(edit);
    }
    // Escapes in a double-quoted string: the whole string is written again, as JSON (which
    // YAML reads alike). Other styles (YAML block scalars) are left alone.
    let raw = text.get(node.span.start..node.span.end)?;
    (raw.len() >= 2 && raw.starts_with('"') && raw.ends_with('"'))
        .then(|| Edit::replace(node.span, edits::quoted(&new)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::parse;
    use crate::fix::apply;

    /// Applies the directive for the finding at the first occurrence of `at`.
    fn disabled(name: &str, text: &str, rule: &str, at: &str) -> Option<(String, String)> {
        let doc = parse(name, text).unwrap();
        let start = text.find(at).unwrap();
        let fix = fix(text, &doc.root, rule, Span::new(start, start + at.len()))?;
        Some((
            fix.title,
            apply(text, &fix.edits.iter().collect::<Vec<_>>()),
        ))
    }

    #[test]
    fn json_state_without_comment_gets_one() {
        let text = "{\n  \"StartAt\": \"A\",\n  \"States\": {\n    \"A\": {\n      \"Type\": \"Pass\",\n      \"Next\": \"B\"\n    }\n  }\n}\n";
        let (title, fixed) = disabled("a.json", text, "unknown-target", "\"B\"").unwrap();
        assert_eq!(title, "disable unknown-target for state 'A'");
        assert!(
            fixed.contains(
                "      \"Next\": \"B\",\n      \"Comment\": \"asl-lint-disable unknown-target\"\n"
            ),
            "{fixed}"
        );
    }

    #[test]
    fn an_existing_comment_gets_the_directive_or_the_rule_appended() {
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Comment": "Say hi", "Next": "B"}}}"#;
        let (_, fixed) = disabled("a.json", text, "unknown-target", "\"B\"").unwrap();
        assert!(fixed.contains(r#""Comment": "Say hi asl-lint-disable unknown-target""#));
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Comment": "asl-lint-disable no-dollar; legacy", "Next": "B"}}}"#;
        let (_, fixed) = disabled("a.json", text, "unknown-target", "\"B\"").unwrap();
        assert!(
            fixed.contains(r#""Comment": "asl-lint-disable no-dollar, unknown-target; legacy""#),
            "{fixed}"
        );
        // Escapes: the string is written again.
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Comment": "a \"b\"", "Next": "B"}}}"#;
        let (_, fixed) = disabled("a.json", text, "unknown-target", "\"B\"").unwrap();
        assert!(fixed.contains(r#""Comment": "a \"b\" asl-lint-disable unknown-target""#));
    }

    #[test]
    fn already_silenced_or_unsuppressible_gets_nothing() {
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Comment": "asl-lint-disable", "Next": "B"}}}"#;
        assert_eq!(disabled("a.json", text, "unknown-target", "\"B\""), None);
        assert_eq!(disabled("a.json", text, "parse-error", "\"B\""), None);
    }

    #[test]
    fn outside_every_state_the_machine_gets_a_file_directive() {
        let text = "{\n  \"StartAt\": \"X\",\n  \"States\": {\n    \"A\": {\"Type\": \"Succeed\"}\n  }\n}\n";
        let (title, fixed) = disabled("a.json", text, "unknown-target", "\"X\"").unwrap();
        assert_eq!(title, "disable unknown-target for this state machine");
        assert!(
            fixed.contains("\n  },\n  \"Comment\": \"asl-lint-disable-file unknown-target\"\n}")
        );
    }

    #[test]
    fn yaml_block_and_template() {
        let text = "Resources:\n  Flow:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Definition:\n        StartAt: A\n        States:\n          A:\n            Type: Pass\n            Next: B # typo\n";
        let (title, fixed) = disabled("template.yaml", text, "unknown-target", "Next: B").unwrap();
        assert_eq!(title, "disable unknown-target for state 'A'");
        assert!(
            fixed.ends_with(
                "Next: B # typo\n            Comment: asl-lint-disable unknown-target\n"
            ),
            "{fixed}"
        );
        let text =
            "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Comment: 'Say hi'\n    Next: B\n";
        let (_, fixed) = disabled("a.asl.yaml", text, "unknown-target", "Next: B").unwrap();
        assert!(fixed.contains("Comment: 'Say hi asl-lint-disable unknown-target'"));
    }
}
