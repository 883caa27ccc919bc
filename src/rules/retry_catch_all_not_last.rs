use super::{rule_doc, Category, Context, Rule};
use crate::diagnostic::abbreviate;
use crate::diagnostic::{Finding, Severity};
use crate::document::Node;

pub static RULE: Rule = Rule {
    id: "retry-catch-all-not-last",
    severity: Severity::Error,
    category: Category::Structure,
    summary: "States.ALL is not alone in its ErrorEquals, or not in the last Retrier/Catcher",
    doc: rule_doc!("retry-catch-all-not-last"),
    check: Some(check),
    fix: None,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for state in cx.states() {
        for (field, entries) in [("Retry", state.retriers()), ("Catch", state.catchers())] {
            let what = if field == "Retry" {
                "Retrier"
            } else {
                "Catcher"
            };
            for (i, entry) in entries.iter().enumerate() {
                let names = entry
                    .get("ErrorEquals")
                    .and_then(Node::as_array)
                    .unwrap_or(&[]);
                let Some(all) = names.iter().find(|n| n.as_str() == Some("States.ALL")) else {
                    continue;
                };
                if names.len() > 1 {
                    out.push(
                        Finding::new(
                            all.span,
                            format!(
                                "\"States.ALL\" must be the only name in its ErrorEquals ({field}[{i}] of state '{}')",
                                abbreviate(state.name)
                            ),
                        )
                        .state(state.name)
                        .help("States.ALL already matches every error; remove the other names or move them to an earlier entry"),
                    );
                }
                if i + 1 < entries.len() {
                    let later = entries.len() - i - 1;
                    let mut f = Finding::new(
                        all.span,
                        format!(
                            "the {what} matching \"States.ALL\" must be the last in {field} of state '{}'; {later} {} after it can never match",
                            abbreviate(state.name),
                            if later == 1 { "entry" } else { "entries" }
                        ),
                    )
                    .state(state.name)
                    .help(format!("move this {what} to the end of {field}"));
                    for shadowed in &entries[i + 1..] {
                        f = f.related(shadowed.span, "never used");
                    }
                    out.push(f);
                }
            }
        }
    }
}
