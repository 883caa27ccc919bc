use super::{rule_doc, Category, Context, FixSpec, Rule};
use crate::diagnostic::{Applicability, Finding, Fix, Severity};
use crate::document::Node;
use crate::edits;
use crate::quote::abbreviate;

pub static RULE: Rule = Rule {
    id: "retry-catch-all-not-last",
    severity: Severity::Error,
    category: Category::Structure,
    summary: "States.ALL is not alone in its ErrorEquals, or not in the last Retrier/Catcher",
    doc: rule_doc!("retry-catch-all-not-last"),
    check: Some(check),
    fix: Some(FixSpec {
        summary: "move the Retrier or Catcher that matches States.ALL to the end",
        applicability: Applicability::Safe,
    }),
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for state in cx.states() {
        for (field, entries) in [("Retry", state.retriers()), ("Catch", state.catchers())] {
            let what = if field == "Retry" {
                "Retrier"
            } else {
                "Catcher"
            };
            let catch_alls = entries.iter().filter(|e| catch_all(e).is_some()).count();
            for (i, entry) in entries.iter().enumerate() {
                let names = entry
                    .get("ErrorEquals")
                    .and_then(Node::as_array)
                    .unwrap_or(&[]);
                let Some(all) = catch_all(entry) else {
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
                    // With two catch-alls, moving one leaves the other in the way.
                    if catch_alls == 1 {
                        if let Some(edit) = edits::move_item_last(cx.text, entries, i) {
                            f = f.fix(Fix::safe(
                                format!("move {field}[{i}] to the end of {field}"),
                                vec![edit],
                            ));
                        }
                    }
                    out.push(f);
                }
            }
        }
    }
}

/// The `"States.ALL"` in an entry's ErrorEquals.
fn catch_all(entry: &Node) -> Option<&Node> {
    entry
        .get("ErrorEquals")
        .and_then(Node::as_array)?
        .iter()
        .find(|n| n.as_str() == Some("States.ALL"))
}
