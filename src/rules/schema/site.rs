//! Where a finding is, in words: "state 'A'", "Retry[0] of state 'A'", "the state machine".

use crate::diagnostic::Finding;
use crate::document::Node;
use crate::quote::abbreviate;
use crate::source::Span;

/// The part of a state (or machine) an object sits in.
#[derive(Clone, Copy, Debug)]
pub(super) enum Part<'s> {
    /// The state, machine or nested machine itself.
    Whole,
    /// An entry of an array field: `Retry[0]`, `Choices[2]`.
    Item(&'s str, usize),
    /// An object field: `ItemReader`, `ItemReader.ReaderConfig`.
    Field(&'s str),
    /// A rule inside `And`/`Or`/`Not` of `Choices[i]`.
    Nested(usize),
}

#[derive(Clone, Copy, Debug)]
pub(super) struct Site<'s> {
    /// The state the finding is about (for `Finding::state`).
    pub state: Option<&'s str>,
    /// A nested machine, described ("branch 1 of Parallel 'P'"), instead of the state.
    pub scope: Option<&'s str>,
    pub part: Part<'s>,
    /// The definition sits in a template: a value may be a deploy-time `Fn::If` choice.
    pub template: bool,
}

impl<'s> Site<'s> {
    pub fn machine() -> Self {
        Site {
            state: None,
            scope: None,
            part: Part::Whole,
            template: false,
        }
    }

    pub fn state(name: &'s str) -> Self {
        Site {
            state: Some(name),
            scope: None,
            part: Part::Whole,
            template: false,
        }
    }

    /// A nested machine described by `description`, owned by state `owner`.
    pub fn scope(description: &'s str, owner: Option<&'s str>) -> Self {
        Site {
            state: owner,
            scope: Some(description),
            part: Part::Whole,
            template: false,
        }
    }

    pub fn in_template(self, template: bool) -> Self {
        Site { template, ..self }
    }

    pub fn at(self, part: Part<'s>) -> Self {
        Site { part, ..self }
    }

    /// "state 'A'", "the state machine" or the nested machine's description.
    pub fn owner(&self) -> String {
        match (self.scope, self.state) {
            (Some(scope), _) => scope.to_string(),
            (None, Some(state)) => format!("state '{state}'", state = abbreviate(state)),
            (None, None) => "the state machine".to_string(),
        }
    }

    /// The part alone ("Retry[0]"), or `None` for the whole.
    pub fn part_name(&self) -> Option<String> {
        match self.part {
            Part::Whole => None,
            Part::Item(field, index) => Some(format!("{field}[{index}]")),
            Part::Field(field) => Some(field.to_string()),
            Part::Nested(top) => Some(format!("a rule nested in Choices[{top}]")),
        }
    }

    /// What the object is, as the subject of a sentence: "Retry[0] of state 'A'".
    pub fn subject(&self) -> String {
        match self.part_name() {
            None => self.owner(),
            Some(part) => format!("{part} of {}", self.owner()),
        }
    }

    /// A field of the object: "\"Next\" of state 'A'", "\"MaxAttempts\" in Retry[0] of state 'A'".
    pub fn field(&self, name: &str) -> String {
        match self.part {
            Part::Whole => format!("\"{name}\" of {}", self.owner(), name = abbreviate(name)),
            _ => format!("\"{name}\" in {}", self.subject(), name = abbreviate(name)),
        }
    }

    /// A field named without its owner: "\"Next\"", "\"ResultPath\" in Catch[0]".
    pub fn field_short(&self, name: &str) -> String {
        match self.part_name() {
            None => format!("\"{name}\"", name = abbreviate(name)),
            Some(part) => format!("\"{name}\" in {part}", name = abbreviate(name)),
        }
    }

    pub fn finding(&self, span: Span, message: impl Into<String>) -> Finding {
        let finding = Finding::new(span, message);
        match self.state {
            Some(state) => finding.state(state),
            None => finding,
        }
    }
}

/// The opening brace of an object: the smallest token that stands for it.
pub(super) fn brace(node: &Node) -> Span {
    Span::new(node.span.start, (node.span.start + 1).min(node.span.end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases() {
        let state = Site::state("A");
        assert_eq!(state.field("Next"), "\"Next\" of state 'A'");
        assert_eq!(state.subject(), "state 'A'");
        let retry = state.at(Part::Item("Retry", 0));
        assert_eq!(
            retry.field("MaxAttempts"),
            "\"MaxAttempts\" in Retry[0] of state 'A'"
        );
        assert_eq!(
            retry.field_short("MaxAttempts"),
            "\"MaxAttempts\" in Retry[0]"
        );
        assert_eq!(
            Site::machine().field("Version"),
            "\"Version\" of the state machine"
        );
        let nested = state.at(Part::Nested(1));
        assert_eq!(nested.subject(), "a rule nested in Choices[1] of state 'A'");
        let branch = Site::scope("branch 1 of Parallel 'P'", Some("P"));
        assert_eq!(
            branch.field("StartAt"),
            "\"StartAt\" of branch 1 of Parallel 'P'"
        );
    }
}
