//! "Did you mean …?" for misspelt field and state names.

/// Words and candidates longer than this (in characters) get no suggestion: no real name is
/// that long, and comparing two words costs the product of their lengths.
const MAX_CHARS: usize = 128;

/// Character comparisons one `did_you_mean` may spend; `Budget::new` gives a shared one to
/// callers that ask for many suggestions from the same large set (state names).
const DEFAULT_BUDGET: usize = 1 << 22;

/// What is left to spend on suggestions. Once spent, no more suggestions are made: a file
/// with 20,000 misspelt targets among 20,000 states would otherwise cost 4 · 10⁸ comparisons.
#[derive(Debug)]
pub struct Budget(usize);

impl Budget {
    pub fn new(comparisons: usize) -> Budget {
        Budget(comparisons)
    }
}

/// The candidate closest to `word`, if it is close enough to be a plausible typo.
pub fn did_you_mean<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    did_you_mean_within(word, candidates, &mut Budget(DEFAULT_BUDGET))
}

/// `did_you_mean`, spending at most what is left of `budget`.
pub fn did_you_mean_within<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str>,
    budget: &mut Budget,
) -> Option<&'c str> {
    if word.len() > 4 * MAX_CHARS {
        return None;
    }
    let word_chars = word.chars().count();
    if word_chars > MAX_CHARS {
        return None;
    }
    let lower = word.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        if candidate == word || candidate.len() > 4 * MAX_CHARS {
            continue;
        }
        let candidate_chars = candidate.chars().count();
        // Farther apart in length than any limit allows.
        if candidate_chars.abs_diff(word_chars) > 3 {
            continue;
        }
        let cost = (word_chars + 1) * (candidate_chars + 1);
        if budget.0 < cost {
            return best.map(|(_, c)| c);
        }
        budget.0 -= cost;
        let candidate_lower = candidate.to_lowercase();
        let distance = if candidate_lower == lower {
            0
        } else {
            edit_distance(&lower, &candidate_lower)
        };
        let limit = (candidate_chars.max(word_chars) / 3).clamp(1, 3);
        if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// `did_you_mean`, else the one candidate that starts with `word` (at least 3 characters, any
/// case): `catch-replace` means `catch-replaces-input`, `express` means no rule in particular.
pub fn did_you_mean_or_prefix<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str> + Clone,
) -> Option<&'c str> {
    if let Some(close) = did_you_mean(word, candidates.clone()) {
        return Some(close);
    }
    if word.chars().count() < 3 || word.len() > 4 * MAX_CHARS {
        return None;
    }
    let lower = word.to_lowercase();
    let mut starting = candidates
        .into_iter()
        .filter(|c| c.len() > word.len() && c.to_lowercase().starts_with(&lower));
    let first = starting.next()?;
    starting.next().is_none().then_some(first)
}

/// The one candidate closest to `word`, when no other is as close: a suggestion certain enough
/// to apply as a fix. `did_you_mean` picks the first of equally close candidates for its hint.
pub fn single_suggestion<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str> + Clone,
) -> Option<&'c str> {
    let best = did_you_mean(word, candidates.clone())?;
    let distance = |c: &str| {
        if c.to_lowercase() == word.to_lowercase() {
            0
        } else {
            edit_distance(&word.to_lowercase(), &c.to_lowercase())
        }
    };
    let d = distance(best);
    let ties = candidates
        .into_iter()
        .filter(|&c| c != word && c != best && distance(c) == d)
        .count();
    (ties == 0).then_some(best)
}

/// Optimal string alignment distance over chars: Levenshtein's insertions, deletions and
/// substitutions, plus a swap of two neighbours as one edit (`Wiat` → `Wait`), the commonest
/// typo. Words whose lengths differ by more than 3 are never close: `usize::MAX`.
pub fn edit_distance(a: &str, b: &str) -> usize {
    if a.chars().count().abs_diff(b.chars().count()) > 3 {
        return usize::MAX;
    }
    strsim::osa_distance(a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let fields = ["Next", "End", "Resource", "ResultPath", "TimeoutSeconds"];
        assert_eq!(did_you_mean("Nxt", fields), Some("Next"));
        assert_eq!(did_you_mean("resultpath", fields), Some("ResultPath"));
        assert_eq!(did_you_mean("Timeout", fields), None);
        assert_eq!(did_you_mean("Ressource", fields), Some("Resource"));
        assert_eq!(did_you_mean("Banana", fields), None);
        assert_eq!(did_you_mean("Next", fields), None);
        // A swap of two neighbours is one edit.
        assert_eq!(did_you_mean("Wiat", ["Wait", "Done"]), Some("Wait"));
        assert_eq!(did_you_mean("Nxet", fields), Some("Next"));
    }

    #[test]
    fn a_prefix_of_one_candidate_suggests_it() {
        let ids = [
            "catch-replaces-input",
            "express-duration",
            "express-unsupported-integration",
        ];
        assert_eq!(
            did_you_mean_or_prefix("catch-replace", ids),
            Some("catch-replaces-input")
        );
        assert_eq!(
            did_you_mean_or_prefix("Catch", ids),
            Some("catch-replaces-input")
        );
        assert_eq!(did_you_mean_or_prefix("express", ids), None);
        assert_eq!(did_you_mean_or_prefix("ca", ids), None);
        assert_eq!(
            did_you_mean_or_prefix("express-duratoin", ids),
            Some("express-duration")
        );
    }

    #[test]
    fn single_suggestion_needs_a_unique_best() {
        assert_eq!(single_suggestion("Nxt", ["Next", "End"]), Some("Next"));
        // "Stat" is one edit from both.
        assert_eq!(single_suggestion("Stat", ["Start", "State"]), None);
        assert_eq!(did_you_mean("Stat", ["Start", "State"]), Some("Start"));
        assert_eq!(single_suggestion("Banana", ["Next"]), None);
    }

    #[test]
    fn long_words_and_spent_budgets_get_no_suggestion() {
        let long = "n".repeat(1_000_000);
        let longer = format!("{long}x");
        assert_eq!(did_you_mean(&longer, [long.as_str()]), None);
        let names: Vec<String> = (0..100).map(|i| format!("State{i}")).collect();
        let mut budget = Budget::new(1_000);
        let first = did_you_mean_within("State7x", names.iter().map(String::as_str), &mut budget);
        assert_eq!(first, Some("State7"));
        // The budget is spent: the next question gets no answer rather than costing more.
        let mut spent = 0;
        while did_you_mean_within("Stat3", names.iter().map(String::as_str), &mut budget).is_some()
        {
            spent += 1;
            assert!(spent < 100);
        }
    }

    #[test]
    fn distance() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("Wiat", "Wait"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("a", "abcdefg"), usize::MAX);
    }
}
