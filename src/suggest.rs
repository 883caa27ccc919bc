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

/// Levenshtein distance over chars, in O(len(a)·len(b)) time and O(len(b)) memory.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    if a.chars().count().abs_diff(b.len()) > 3 {
        return usize::MAX;
    }
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != cb));
            diagonal = above;
        }
    }
    row[b.len()]
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
    }

    #[test]
    fn distance() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("a", "abcdefg"), usize::MAX);
    }
}
