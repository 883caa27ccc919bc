//! "Did you mean …?" for misspelt field and state names.

/// The candidate closest to `word`, if it is close enough to be a plausible typo.
pub fn did_you_mean<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let lower = word.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        if candidate == word {
            continue;
        }
        let distance = if candidate.to_lowercase() == lower {
            0
        } else {
            edit_distance(&lower, &candidate.to_lowercase())
        };
        let limit = (candidate.chars().count().max(word.chars().count()) / 3).clamp(1, 3);
        if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, c)| c)
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
    fn single_suggestion_needs_a_unique_best() {
        assert_eq!(single_suggestion("Nxt", ["Next", "End"]), Some("Next"));
        // "Stat" is one edit from both.
        assert_eq!(single_suggestion("Stat", ["Start", "State"]), None);
        assert_eq!(did_you_mean("Stat", ["Start", "State"]), Some("Start"));
        assert_eq!(single_suggestion("Banana", ["Next"]), None);
    }

    #[test]
    fn distance() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("Wiat", "Wait"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("a", "abcdefg"), usize::MAX);
    }
}
