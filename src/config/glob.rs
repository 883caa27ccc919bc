//! Globs for `exclude` and `[[overrides]] files`, matched by globset against a path relative to
//! the configuration file's directory:
//!
//! - `*` matches any run of characters within one segment, `?` one character;
//! - `**` as a whole segment matches zero or more segments (`a/**` matches `a` and all below it);
//! - `{a,b}` matches either alternative (alternatives may hold `/` and nest);
//! - `[abc]`, `[a-z]`, `[!abc]` match one character of (or not of) a set;
//! - `\` makes the next character literal.
//!
//! A leading `./` or `/` and a trailing `/` are ignored: every pattern is anchored at the
//! configuration file's directory, so `*.json` matches only there and `**/*.json` at any depth.
//! globset does the matching; what it does not read (nested braces, `**` inside a segment, a
//! directory matched by `dir/**`) is rewritten here first.

use globset::{ErrorKind, GlobBuilder, GlobMatcher};

/// Brace expansion stops here, so that `{a,b}{c,d}…` cannot blow up.
const MAX_ALTERNATIVES: usize = 256;

/// Longer patterns are refused: real ones are a few dozen characters, and a huge one would
/// exceed the size limit of the regex globset compiles it to (which panics).
pub const MAX_PATTERN_BYTES: usize = 1024;

#[derive(Clone, Debug)]
pub struct Glob {
    source: String,
    /// One matcher per brace alternative.
    alternatives: Vec<GlobMatcher>,
}

impl Glob {
    /// Compiles a pattern; the error says what is wrong with it.
    pub fn new(pattern: &str) -> Result<Glob, String> {
        if pattern.len() > MAX_PATTERN_BYTES {
            return Err(format!(
                "the pattern is {} bytes long, over the limit of {MAX_PATTERN_BYTES}",
                pattern.len()
            ));
        }
        let mut alternatives = Vec::new();
        let expanded = expand_braces(pattern)?;
        let several = expanded.len() > 1;
        for alternative in expanded {
            let normalised = match normalise(&alternative) {
                // `{a,}`: an empty alternative adds nothing to the others.
                Err(_) if several && alternative.trim_matches(['/', '.']).is_empty() => continue,
                other => other?,
            };
            for normalised in normalised {
                let glob = GlobBuilder::new(&normalised)
                    .literal_separator(true)
                    .backslash_escape(true)
                    .build()
                    .map_err(|e| describe(e.kind()))?;
                alternatives.push(glob.compile_matcher());
            }
        }
        if alternatives.is_empty() {
            return Err("the pattern matches no path".into());
        }
        Ok(Glob {
            source: pattern.to_string(),
            alternatives,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Whether the pattern matches the path given as its segments.
    pub fn matches(&self, path: &[&str]) -> bool {
        let path = path.join("/");
        self.alternatives.iter().any(|g| g.is_match(&path))
    }

    /// Whether the pattern matches the path or one of its parent directories: a pattern that
    /// names a directory covers everything in it.
    pub fn matches_path_or_parent(&self, path: &[&str]) -> bool {
        (1..=path.len()).any(|n| self.matches(&path[..n]))
    }
}

fn describe(kind: &ErrorKind) -> String {
    match kind {
        ErrorKind::UnclosedClass => "'[' is never closed by ']'".to_string(),
        ErrorKind::InvalidRange(lo, hi) => format!("the range '{lo}-{hi}' in […] is backwards"),
        ErrorKind::UnopenedAlternates => "'}' closes no '{'".to_string(),
        ErrorKind::DanglingEscape => "'\\' at the end escapes nothing".to_string(),
        other => other.to_string(),
    }
}

/// A brace-free pattern in the form globset reads: anchored segments without `.` or empty
/// ones, `**` only as a whole segment, and for a trailing `/**` also the directory itself.
fn normalise(pattern: &str) -> Result<Vec<String>, String> {
    let mut rest = pattern;
    loop {
        if let Some(r) = rest.strip_prefix("./") {
            rest = r;
        } else if let Some(r) = rest.strip_prefix('/') {
            rest = r;
        } else {
            break;
        }
    }
    let mut segments: Vec<String> = Vec::new();
    for part in rest.split('/') {
        if part.is_empty() || part == "." {
            continue;
        }
        if part == "**" {
            // `**/**` is the same as `**`.
            if segments.last().is_none_or(|s| s != "**") {
                segments.push(part.to_string());
            }
            continue;
        }
        segments.push(single_stars(part));
    }
    if segments.is_empty() {
        return Err("the pattern matches no path".into());
    }
    let mut out = vec![segments.join("/")];
    if segments.len() > 1 && segments.last().is_some_and(|s| s == "**") {
        out.push(segments[..segments.len() - 1].join("/"));
    }
    Ok(out)
}

/// `**` inside a segment (`a**b`) is the same as `*`; escaped stars stay.
fn single_stars(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    let mut chars = segment.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            out.push(c);
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else if c == '*' && out.ends_with('*') && !out.ends_with("\\*") {
            continue;
        } else {
            out.push(c);
        }
    }
    out
}

/// Expands `{a,b}` alternatives into brace-free patterns (escapes and classes are kept as they
/// are for `compile`).
fn expand_braces(pattern: &str) -> Result<Vec<String>, String> {
    let chars: Vec<char> = pattern.chars().collect();
    let Some(open) = find_open_brace(&chars) else {
        return Ok(vec![pattern.to_string()]);
    };
    let mut depth = 0;
    let mut commas = Vec::new();
    let mut close = None;
    let mut i = open;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 1,
            '[' => i = skip_class(&chars, i),
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    close = Some(i);
                    break;
                }
            }
            ',' if depth == 1 => commas.push(i),
            _ => {}
        }
        i += 1;
    }
    let close = close.ok_or_else(|| "'{' is never closed by '}'".to_string())?;
    let prefix: String = chars[..open].iter().collect();
    let suffix: String = chars[close + 1..].iter().collect();
    let mut bounds = vec![open];
    bounds.extend(commas);
    bounds.push(close);
    let mut out = Vec::new();
    for pair in bounds.windows(2) {
        let middle: String = chars[pair[0] + 1..pair[1]].iter().collect();
        // The alternative and the rest of the pattern may hold further braces.
        for expanded in expand_braces(&format!("{prefix}{middle}{suffix}"))? {
            out.push(expanded);
            if out.len() > MAX_ALTERNATIVES {
                return Err(format!(
                    "more than {MAX_ALTERNATIVES} alternatives after expanding {{…}}"
                ));
            }
        }
    }
    Ok(out)
}

/// Index of the first `{` that is neither escaped nor inside `[…]`.
fn find_open_brace(chars: &[char]) -> Option<usize> {
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 1,
            '[' => i = skip_class(chars, i),
            '{' => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

/// Given `chars[start] == '['`, the index of the class's closing `]`, or `start` when the class
/// is never closed (`compile` reports that).
fn skip_class(chars: &[char], start: usize) -> usize {
    let mut i = start + 1;
    if matches!(chars.get(i), Some('!' | '^')) {
        i += 1;
    }
    // A `]` right after `[` or `[!` is a member, not the end.
    if chars.get(i) == Some(&']') {
        i += 1;
    }
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 1,
            ']' => return i,
            _ => {}
        }
        i += 1;
    }
    start
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_match(pattern: &str, path: &str) -> bool {
        let segments: Vec<&str> = path.split('/').collect();
        Glob::new(pattern).unwrap().matches(&segments)
    }

    #[test]
    fn star_and_question_mark_stay_within_a_segment() {
        assert!(is_match("*.json", "a.json"));
        assert!(is_match("*.json", ".json"));
        assert!(!is_match("*.json", "dir/a.json"));
        assert!(is_match("flows/*.asl.json", "flows/order.asl.json"));
        assert!(!is_match("flows/*.asl.json", "flows/order.json"));
        assert!(is_match("a?c", "abc"));
        assert!(!is_match("a?c", "ac"));
        assert!(!is_match("a?c", "abbc"));
        assert!(is_match("*a*b*", "xxaxxbxx"));
        assert!(!is_match("*a*b*", "xxbxxaxx"));
        assert!(is_match("a**b", "axyzb"));
        assert!(is_match("*", "anything"));
        assert!(is_match("exact", "exact"));
        assert!(!is_match("exact", "exactly"));
        assert!(is_match("日本*", "日本語.json"));
    }

    #[test]
    fn double_star_spans_segments() {
        assert!(is_match("**/*.generated.json", "x.generated.json"));
        assert!(is_match("**/*.generated.json", "a/b/x.generated.json"));
        assert!(!is_match("**/*.generated.json", "a/b/x.json"));
        assert!(is_match("legacy/**", "legacy"));
        assert!(is_match("legacy/**", "legacy/a/b.json"));
        assert!(!is_match("legacy/**", "legacy2/a.json"));
        assert!(is_match("a/**/z", "a/z"));
        assert!(is_match("a/**/z", "a/b/c/z"));
        assert!(!is_match("a/**/z", "a/b/c/y"));
        assert!(is_match("**", "a/b"));
        assert!(is_match("a/**/**/b", "a/b"));
        assert!(is_match("**/test/**", "x/test/y/z.json"));
    }

    #[test]
    fn braces_and_classes() {
        assert!(is_match("{flows,jobs}/*.json", "flows/a.json"));
        assert!(is_match("{flows,jobs}/*.json", "jobs/a.json"));
        assert!(!is_match("{flows,jobs}/*.json", "other/a.json"));
        assert!(is_match("a.{json,asl.json}", "a.asl.json"));
        assert!(is_match("{a/b,c}/x", "a/b/x"));
        assert!(is_match("{a,b{c,d}}e", "bde"));
        assert!(is_match("x{}y", "xy"));
        assert!(is_match("[abc].json", "b.json"));
        assert!(!is_match("[abc].json", "d.json"));
        assert!(is_match("v[0-9]", "v7"));
        assert!(is_match("v[!0-9]", "vx"));
        assert!(!is_match("v[!0-9]", "v7"));
        assert!(is_match("[]]", "]"));
        assert!(is_match("[a-]", "-"));
        assert!(is_match("[{,}]", ","));
        assert!(is_match(r"\*", "*"));
        assert!(!is_match(r"\*", "a"));
        assert!(is_match(r"\{a,b\}", "{a,b}"));
    }

    #[test]
    fn leading_and_trailing_slashes_are_ignored() {
        assert!(is_match("./legacy/", "legacy"));
        assert!(is_match("/legacy", "legacy"));
        assert!(is_match("a//b", "a/b"));
    }

    #[test]
    fn a_directory_pattern_covers_what_is_in_it() {
        let glob = Glob::new("flows/express").unwrap();
        assert!(glob.matches_path_or_parent(&["flows", "express", "a.json"]));
        assert!(!glob.matches_path_or_parent(&["flows", "standard", "a.json"]));
        assert!(!glob.matches_path_or_parent(&[]));
    }

    #[test]
    fn bad_patterns_say_why() {
        assert_eq!(Glob::new("{a,b").unwrap_err(), "'{' is never closed by '}'");
        assert_eq!(Glob::new("a[bc").unwrap_err(), "'[' is never closed by ']'");
        assert_eq!(
            Glob::new("[z-a]").unwrap_err(),
            "the range 'z-a' in […] is backwards"
        );
        assert_eq!(Glob::new("/").unwrap_err(), "the pattern matches no path");
        assert!(Glob::new("{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}{o,p}{q,r}")
            .unwrap_err()
            .starts_with("more than 256"));
        assert_eq!(
            Glob::new(&"a".repeat(600_000)).unwrap_err(),
            "the pattern is 600000 bytes long, over the limit of 1024"
        );
        assert_eq!(Glob::new("{,}").unwrap_err(), "the pattern matches no path");
    }

    #[test]
    fn an_empty_alternative_is_allowed() {
        assert!(is_match("{a,}", "a"));
        assert!(is_match("x/{a,}", "x/a"));
        assert!(is_match("x/{a,}", "x"));
        assert!(is_match("*.{json,}", "a.json"));
        assert!(is_match("*.{json,}", "a."));
    }

    #[test]
    fn the_longest_patterns_compile() {
        // The most expensive characters at the length limit: classes that match any character
        // but `/`, and single-character wildcards.
        for unit in ["?", "[!a]", "*a", "[a-z0-9]", "\\u"] {
            let pattern = unit.repeat(MAX_PATTERN_BYTES / unit.len());
            assert!(Glob::new(&pattern).is_ok(), "{unit}");
        }
    }
}
