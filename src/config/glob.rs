//! A small glob matcher for `exclude` and `[[overrides]] files`: patterns are matched against a
//! path relative to the configuration file's directory, split into `/`-separated segments.
//!
//! - `*` matches any run of characters within one segment, `?` one character;
//! - `**` as a whole segment matches zero or more segments (`a/**` matches `a` and all below it);
//! - `{a,b}` matches either alternative (alternatives may hold `/` and nest);
//! - `[abc]`, `[a-z]`, `[!abc]` match one character of (or not of) a set;
//! - `\` makes the next character literal.
//!
//! A leading `./` or `/` and a trailing `/` are ignored: every pattern is anchored at the
//! configuration file's directory, so `*.json` matches only there and `**/*.json` at any depth.

/// Brace expansion stops here, so that `{a,b}{c,d}…` cannot blow up.
const MAX_ALTERNATIVES: usize = 256;

#[derive(Clone, Debug)]
pub struct Glob {
    source: String,
    /// One entry per brace alternative.
    alternatives: Vec<Vec<Segment>>,
}

#[derive(Clone, Debug, PartialEq)]
enum Segment {
    /// `**`: zero or more whole segments.
    AnyDirs,
    Pattern(Vec<Token>),
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Literal(char),
    /// `*`
    AnyRun,
    /// `?`
    AnyChar,
    /// `[…]`: inclusive ranges; a single character is a range of one.
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
}

impl Glob {
    /// Compiles a pattern; the error says what is wrong with it.
    pub fn new(pattern: &str) -> Result<Glob, String> {
        let alternatives = expand_braces(pattern)?
            .iter()
            .map(|alt| compile(alt))
            .collect::<Result<_, _>>()?;
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
        self.alternatives
            .iter()
            .any(|segments| match_segments(segments, path))
    }

    /// Whether the pattern matches the path or one of its parent directories: a pattern that
    /// names a directory covers everything in it.
    pub fn matches_path_or_parent(&self, path: &[&str]) -> bool {
        (1..=path.len()).any(|n| self.matches(&path[..n]))
    }
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

fn compile(pattern: &str) -> Result<Vec<Segment>, String> {
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
    let rest = rest.trim_end_matches('/');
    let mut segments = Vec::new();
    for part in rest.split('/') {
        if part.is_empty() || part == "." {
            continue;
        }
        if part == "**" {
            // `**/**` is the same as `**`.
            if segments.last() != Some(&Segment::AnyDirs) {
                segments.push(Segment::AnyDirs);
            }
            continue;
        }
        segments.push(Segment::Pattern(tokens(part)?));
    }
    if segments.is_empty() {
        return Err("the pattern matches no path".into());
    }
    Ok(segments)
}

fn tokens(segment: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = segment.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' => match chars.get(i + 1) {
                Some(&c) => {
                    out.push(Token::Literal(c));
                    i += 1;
                }
                None => out.push(Token::Literal('\\')),
            },
            // `**` inside a segment (`a**b`) is the same as `*`.
            '*' if out.last() == Some(&Token::AnyRun) => {}
            '*' => out.push(Token::AnyRun),
            '?' => out.push(Token::AnyChar),
            '[' => {
                let end = skip_class(&chars, i);
                if end == i {
                    return Err("'[' is never closed by ']'".into());
                }
                out.push(class(&chars[i + 1..end])?);
                i = end;
            }
            c => out.push(Token::Literal(c)),
        }
        i += 1;
    }
    Ok(out)
}

/// The inside of `[…]`.
fn class(body: &[char]) -> Result<Token, String> {
    let (negated, body) = match body.first() {
        Some('!' | '^') => (true, &body[1..]),
        _ => (false, body),
    };
    let mut members = Vec::new();
    let mut i = 0;
    while i < body.len() {
        let c = if body[i] == '\\' && i + 1 < body.len() {
            i += 1;
            body[i]
        } else {
            body[i]
        };
        members.push(c);
        i += 1;
    }
    // Ranges are read from the unescaped members: `a-z`, with `-` literal at either end.
    let mut ranges = Vec::new();
    let mut j = 0;
    while j < members.len() {
        if j + 2 < members.len() && members[j + 1] == '-' {
            let (lo, hi) = (members[j], members[j + 2]);
            if lo > hi {
                return Err(format!("the range '{lo}-{hi}' in […] is backwards"));
            }
            ranges.push((lo, hi));
            j += 3;
        } else {
            ranges.push((members[j], members[j]));
            j += 1;
        }
    }
    if ranges.is_empty() {
        return Err("'[]' matches no character".into());
    }
    Ok(Token::Class { negated, ranges })
}

fn match_segments(pattern: &[Segment], path: &[&str]) -> bool {
    match pattern.split_first() {
        None => path.is_empty(),
        Some((Segment::AnyDirs, rest)) => {
            rest.is_empty() || (0..=path.len()).any(|skip| match_segments(rest, &path[skip..]))
        }
        Some((Segment::Pattern(tokens), rest)) => match path.split_first() {
            Some((first, others)) => match_tokens(tokens, first) && match_segments(rest, others),
            None => false,
        },
    }
}

/// Wildcard matching within one segment; backtracks only to the last `*`, so it is linear in
/// practice.
fn match_tokens(tokens: &[Token], text: &str) -> bool {
    let text: Vec<char> = text.chars().collect();
    let (mut t, mut s) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while s < text.len() {
        match tokens.get(t) {
            Some(Token::AnyRun) => {
                star = Some((t, s));
                t += 1;
                continue;
            }
            Some(token) if single(token, text[s]) => {
                t += 1;
                s += 1;
                continue;
            }
            _ => {}
        }
        match star {
            Some((star_t, star_s)) => {
                t = star_t + 1;
                s = star_s + 1;
                star = Some((star_t, star_s + 1));
            }
            None => return false,
        }
    }
    tokens[t..].iter().all(|token| *token == Token::AnyRun)
}

fn single(token: &Token, c: char) -> bool {
    match token {
        Token::Literal(l) => *l == c,
        Token::AnyChar => true,
        Token::AnyRun => false,
        Token::Class { negated, ranges } => {
            ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) != *negated
        }
    }
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
    }
}
