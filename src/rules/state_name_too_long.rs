use super::{rule_doc, Category, Context, Rule};
use crate::diagnostic::{Finding, Severity};

const MAX_CHARS: usize = 80;

pub static RULE: Rule = Rule {
    id: "state-name-too-long",
    severity: Severity::Error,
    category: Category::Structure,
    summary: "A state name is longer than 80 characters",
    doc: rule_doc!("state-name-too-long"),
    check: Some(check),
    fix: None,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for state in cx.states() {
        let length = state.name.chars().count();
        if length > MAX_CHARS {
            let shown: String = state.name.chars().take(30).collect();
            out.push(
                Finding::new(
                    state.name_span,
                    format!(
                        "state name '{shown}…' is {length} characters long; Step Functions allows at most {MAX_CHARS}"
                    ),
                )
                .state(state.name)
                .help("shorten the name and keep the detail in the state's \"Comment\""),
            );
        }
    }
}
