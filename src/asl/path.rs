//! Paths as Step Functions evaluates them: the Jayway JsonPath dialect, plus `$$` context paths
//! and `$name` variable references.
//!
//! Accepted grammar (`ws` is spaces, allowed only inside brackets; trailing whitespace is ignored,
//! as Jayway trims it):
//!
//! ```text
//! path      := '$' ( '$' | variable )? selector*
//! variable  := ident-start ident-continue*           ($name: letters, digits, '_', any Unicode letter)
//! selector  := '.' name | '.' '*' | '.' function | '.' bracket | '..' (name | '*' | bracket) | bracket
//! name      := any characters except space . [ (    ($.detail-type, $.über, $.2nd all work)
//! function  := name '(' balanced text ')'            ($.items.length())
//! bracket   := '[' ws quoted (ws ',' ws quoted)* ws ']'      (['a b'], ["a"], ['a','b'])
//!            | '[' ws int (ws ',' ws int)* ws ']'            ([0], [-1], [0,2])
//!            | '[' int? ':' int? (':' int?)? ']'             ([1:3], [1:], [:2])
//!            | '[' ws '*' ws ']'
//!            | '[' ws '?' ws '(' balanced filter text ')' ws ']'
//! ```
//!
//! The dot directly followed by a bracket (`$.[0].body`, `$.[?(@.OU > 0)]`) is Jayway's and
//! is accepted. Filter bodies are checked only for balanced parentheses, closed quotes and
//! non-emptiness: Jayway's filter language is loose, and real definitions use forms such as
//! `[?(@.Name==Receipt)]`. Characters after `]`, `*` or a function call must start a new
//! selector (`$[0]a` is an error, although Jayway silently drops the `a`).

use std::ops::Range;

use super::{char_at, char_range, SyntaxError};
use crate::quote::abbreviate;

/// What a path starts from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Root {
    /// `$…`: the state's input (or the result, depending on the field).
    Data,
    /// `$$…`: the context object.
    Context,
    /// `$name…`: a state machine variable.
    Variable,
}

/// A selector that makes a path more than a plain walk to one node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Feature {
    /// `[?(…)]`
    Filter,
    /// `[0,1]` or `['a','b']`
    Union,
    /// `[1:3]`
    Slice,
    /// `*` or `[*]`
    Wildcard,
    /// `..`
    DeepScan,
    /// `length()` and other Jayway functions
    Function,
}

impl Feature {
    pub fn describe(self) -> &'static str {
        match self {
            Feature::Filter => "filters ('?')",
            Feature::Union => "unions (',')",
            Feature::Slice => "slices (':')",
            Feature::Wildcard => "wildcards ('*')",
            Feature::DeepScan => "deep scans ('..')",
            Feature::Function => "path functions",
        }
    }

    /// Operators a Reference Path must not use: `?`, `,`, `:` (and `@`, which only occurs in
    /// filters).
    pub fn breaks_reference(self) -> bool {
        matches!(self, Feature::Filter | Feature::Union | Feature::Slice)
    }
}

/// A syntactically valid path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Path {
    pub root: Root,
    /// Byte range of the variable name (without `$`) when `root` is `Variable`.
    pub variable: Option<Range<usize>>,
    /// Every non-trivial selector, in order, with its byte range.
    pub features: Vec<(Feature, Range<usize>)>,
}

impl Path {
    /// The first selector that a Reference Path may not contain.
    pub fn reference_violation(&self) -> Option<&(Feature, Range<usize>)> {
        self.features.iter().find(|(f, _)| f.breaks_reference())
    }
}

/// Deepest parenthesis nesting accepted inside a filter or a path function call.
pub const MAX_PAREN_DEPTH: usize = 32;

/// Parses a Path (anything starting with `$`).
pub fn parse(s: &str) -> Result<Path, SyntaxError> {
    let b = s.as_bytes();
    let Some(&first) = b.first() else {
        return Err(SyntaxError::new(
            "the path is empty; a path starts with '$'",
            0..0,
        ));
    };
    if first != b'$' {
        let c = char_at(s, 0).unwrap_or(' ');
        return Err(SyntaxError::new(
            format!("a path must start with '$', not '{c}'"),
            char_range(s, 0),
        ));
    }
    let mut end = b.len();
    while end > 1 && matches!(b[end - 1], b' ' | b'\t' | b'\n' | b'\r') {
        end -= 1;
    }
    let mut p = Parser {
        s,
        b,
        end,
        features: Vec::new(),
    };
    let mut i = 1;
    let mut root = Root::Data;
    let mut variable = None;
    if i < end {
        if b[i] == b'$' {
            root = Root::Context;
            i += 1;
            if i < end && b[i] != b'.' && b[i] != b'[' {
                return Err(p.unexpected(i, "expected '.' or '[' after '$$'"));
            }
        } else if b[i] != b'.' && b[i] != b'[' {
            let c = char_at(s, i).unwrap_or(' ');
            if !is_ident_start(c) {
                return Err(SyntaxError::new(
                    format!("expected '.', '[' or a variable name after '$', found '{c}'"),
                    char_range(s, i),
                ));
            }
            let start = i;
            while i < end && b[i] != b'.' && b[i] != b'[' {
                let c = char_at(s, i).unwrap_or(' ');
                if !is_ident_continue(c) {
                    return Err(SyntaxError::new(
                        format!("'{c}' cannot appear in a variable name; variable names contain only letters, digits and '_'"),
                        char_range(s, i),
                    ));
                }
                i += c.len_utf8();
            }
            root = Root::Variable;
            variable = Some(start..i);
        }
    }
    while i < end {
        i = match b[i] {
            b'.' => p.dot(i)?,
            b'[' => p.bracket(i)?,
            _ => return Err(p.unexpected(i, "expected '.' or '[' to continue the path")),
        };
    }
    Ok(Path {
        root,
        variable,
        features: p.features,
    })
}

/// A replacement for a value that was meant as a path but does not start with `$`.
pub fn suggest(s: &str) -> Option<String> {
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    if t.starts_with('$') {
        return Some(t.to_string());
    }
    if t.starts_with('.') || t.starts_with('[') {
        return Some(format!("${t}"));
    }
    if let Some(rest) = t.strip_prefix('@') {
        return Some(format!("${rest}"));
    }
    let c = t.chars().next()?;
    if is_ident_start(c) && !t.contains(' ') && !t.contains('(') {
        return Some(format!("$.{t}"));
    }
    None
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_' || (!c.is_ascii() && c.is_alphabetic())
}

fn is_ident_continue(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || c == '_'
        || (!c.is_ascii() && !c.is_whitespace() && !c.is_control())
}

struct Parser<'s> {
    s: &'s str,
    b: &'s [u8],
    /// End of the path proper (trailing whitespace excluded).
    end: usize,
    features: Vec<(Feature, Range<usize>)>,
}

impl Parser<'_> {
    fn unexpected(&self, i: usize, expected: &str) -> SyntaxError {
        let c = char_at(self.s, i).unwrap_or(' ');
        SyntaxError::new(
            format!("unexpected '{c}': {expected}"),
            char_range(self.s, i),
        )
    }

    fn skip_ws(&self, mut i: usize) -> usize {
        while i < self.end && matches!(self.b[i], b' ' | b'\t' | b'\n' | b'\r') {
            i += 1;
        }
        i
    }

    /// Index of the quote closing the one at `open` (backslash escapes skipped).
    fn closing_quote(&self, open: usize) -> Option<usize> {
        let q = self.b[open];
        let mut i = open + 1;
        while i < self.end {
            match self.b[i] {
                b'\\' => i += 2,
                c if c == q => return Some(i),
                _ => i += 1,
            }
        }
        None
    }

    /// `.name`, `.*`, `.[…]`, `..name`, `..*`, `..[…]`
    fn dot(&mut self, start: usize) -> Result<usize, SyntaxError> {
        let mut j = start + 1;
        let deep = j < self.end && self.b[j] == b'.';
        if deep {
            j += 1;
            self.features.push((Feature::DeepScan, start..j));
            if j < self.end && self.b[j] == b'.' {
                return Err(SyntaxError::new(
                    "'...' is not valid: use '.' for a child field or '..' to search all descendants",
                    start..j + 1,
                ));
            }
        }
        if j >= self.end {
            let message = if deep {
                "a path must not end with '..'; name what to search for, e.g. $..id"
            } else {
                "expected a field name after '.'"
            };
            return Err(SyntaxError::new(message, start..j));
        }
        match self.b[j] {
            b'[' => Ok(j),
            b'*' => {
                self.features.push((Feature::Wildcard, j..j + 1));
                Ok(j + 1)
            }
            _ => self.name(j, start),
        }
    }

    /// A dot-notation field name (or Jayway function call) starting at `j`; `dot` is where its
    /// '.' is.
    fn name(&mut self, j: usize, dot: usize) -> Result<usize, SyntaxError> {
        let mut k = j;
        while k < self.end {
            match self.b[k] {
                b'.' | b'[' | b'(' => break,
                b' ' => {
                    return Err(SyntaxError::new(
                        "a field name written after '.' cannot contain spaces; use bracket notation, e.g. ['my field']",
                        k..k + 1,
                    ))
                }
                _ => k += 1,
            }
        }
        if k == j {
            return Err(SyntaxError::new("expected a field name after '.'", dot..j));
        }
        if k < self.end && self.b[k] == b'(' {
            let close = self.matching_paren(k)?;
            self.features.push((Feature::Function, j..close + 1));
            return Ok(close + 1);
        }
        Ok(k)
    }

    /// Index of the ')' closing the '(' at `open`, skipping quoted strings.
    fn matching_paren(&self, open: usize) -> Result<usize, SyntaxError> {
        let mut depth = 0usize;
        let mut i = open;
        // The last two significant bytes outside strings, to spot `=~ /regex/`.
        let mut prev = [0u8; 2];
        while i < self.end {
            let c = self.b[i];
            match c {
                b'\'' | b'"' => {
                    let Some(close) = self.closing_quote(i) else {
                        return Err(SyntaxError::new(
                            format!("unterminated string: missing the closing {}", c as char),
                            i..i + 1,
                        ));
                    };
                    i = close;
                }
                b'/' if prev == *b"=~" => {
                    let mut k = i + 1;
                    loop {
                        if k >= self.end {
                            return Err(SyntaxError::new(
                                "unterminated regular expression: missing the closing /",
                                i..i + 1,
                            ));
                        }
                        match self.b[k] {
                            b'\\' => k += 2,
                            b'/' => break,
                            _ => k += 1,
                        }
                    }
                    i = k;
                }
                b'(' => {
                    depth += 1;
                    if depth > MAX_PAREN_DEPTH {
                        return Err(SyntaxError::new(
                            format!("parentheses are nested more than {MAX_PAREN_DEPTH} deep"),
                            i..i + 1,
                        ));
                    }
                }
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(i);
                    }
                }
                _ => {}
            }
            if !c.is_ascii_whitespace() {
                prev = [prev[1], c];
            }
            i += 1;
        }
        Err(SyntaxError::new(
            "'(' is not closed: missing ')'",
            open..open + 1,
        ))
    }

    /// A bracket selector starting at `i`.
    fn bracket(&mut self, i: usize) -> Result<usize, SyntaxError> {
        let j = self.skip_ws(i + 1);
        if j >= self.end {
            return Err(SyntaxError::new("'[' is not closed: missing ']'", i..i + 1));
        }
        match self.b[j] {
            b'\'' | b'"' => self.quoted_names(i, j),
            b'*' => {
                let k = self.skip_ws(j + 1);
                if k < self.end && self.b[k] == b']' {
                    self.features.push((Feature::Wildcard, i..k + 1));
                    Ok(k + 1)
                } else if k >= self.end {
                    Err(SyntaxError::new("'[' is not closed: missing ']'", i..i + 1))
                } else {
                    Err(self.unexpected(k, "expected ']' after '*'"))
                }
            }
            b'?' => self.filter(i, j),
            b'0'..=b'9' | b'-' | b':' => self.indexes(i),
            b']' => Err(SyntaxError::new(
                "empty brackets: write an index like [0], a quoted name like ['name'], [*] or a filter",
                i..j + 1,
            )),
            _ => {
                let close = self.b[j..self.end].iter().position(|&c| c == b']').map(|p| j + p);
                let word = close.map(|c| self.s[j..c].trim_end());
                match word {
                    Some(word) if !word.is_empty() && !word.contains(['\'', '"', '[']) => Err(SyntaxError::new(
                        format!("a field name in brackets must be quoted: ['{word}']", word = abbreviate(word)),
                        j..j + word.len(),
                    )),
                    _ => Err(self.unexpected(j, "expected an index, a quoted name, '*' or a filter after '['")),
                }
            }
        }
    }

    /// `['a']`, `["a"]`, `['a', 'b']`: `j` is the first quote.
    fn quoted_names(&mut self, i: usize, j: usize) -> Result<usize, SyntaxError> {
        let q = self.b[j];
        let mut k = j;
        let mut count = 0;
        loop {
            let Some(close) = self.closing_quote(k) else {
                return Err(SyntaxError::new(
                    format!(
                        "unterminated quoted name: missing the closing {}",
                        q as char
                    ),
                    k..k + 1,
                ));
            };
            count += 1;
            let m = self.skip_ws(close + 1);
            if m >= self.end {
                return Err(SyntaxError::new("'[' is not closed: missing ']'", i..i + 1));
            }
            match self.b[m] {
                b']' => {
                    if count > 1 {
                        self.features.push((Feature::Union, i..m + 1));
                    }
                    return Ok(m + 1);
                }
                b',' => {
                    let n = self.skip_ws(m + 1);
                    if n < self.end && self.b[n] == q {
                        k = n;
                    } else if n >= self.end || self.b[n] == b']' {
                        return Err(SyntaxError::new(
                            "expected another quoted name after ','",
                            m..m + 1,
                        ));
                    } else {
                        return Err(self.unexpected(
                            n,
                            &format!("expected a name in {} quotes after ','", q as char),
                        ));
                    }
                }
                _ => return Err(self.unexpected(m, "expected ',' or ']' after the quoted name")),
            }
        }
    }

    /// `[0]`, `[-1]`, `[0,1]`, `[1:3]`, `[:2]`: `i` is the '['.
    fn indexes(&mut self, i: usize) -> Result<usize, SyntaxError> {
        let Some(close) = self.b[i..self.end]
            .iter()
            .position(|&c| c == b']')
            .map(|p| i + p)
        else {
            return Err(SyntaxError::new("'[' is not closed: missing ']'", i..i + 1));
        };
        let inner = &self.s[i + 1..close];
        let allowed = |c: u8| c.is_ascii_digit() || matches!(c, b',' | b'-' | b':' | b' ' | b'\t');
        if let Some(pos) = inner.bytes().position(|c| !allowed(c)) {
            return Err(self.unexpected(
                i + 1 + pos,
                "an array index is an integer like [0] or [-1], a list like [0,2] or a slice like [1:3]",
            ));
        }
        let parts = |sep: char| {
            let mut offset = i + 1;
            inner.split(sep).map(move |part| {
                let start = offset;
                offset += part.len() + 1;
                (part, start)
            })
        };
        let is_int = |t: &str| t.parse::<i32>().is_ok();
        if inner.contains(':') {
            if inner.matches(':').count() > 2 {
                return Err(SyntaxError::new(
                    "a slice has at most three parts: [start:end] or [start:end:step]",
                    i..close + 1,
                ));
            }
            for (part, start) in parts(':') {
                let t = part.trim();
                if !t.is_empty() && !is_int(t) {
                    let at = start + (part.len() - part.trim_start().len());
                    return Err(SyntaxError::new(
                        format!("'{t}' is not an integer slice bound", t = abbreviate(t)),
                        at..at + t.len(),
                    ));
                }
                if t.is_empty() && part.contains(',') {
                    return Err(SyntaxError::new(
                        "a slice cannot be combined with an index list",
                        i..close + 1,
                    ));
                }
            }
            self.features.push((Feature::Slice, i..close + 1));
        } else {
            let mut count = 0;
            for (part, start) in parts(',') {
                let t = part.trim();
                count += 1;
                if t.is_empty() {
                    let message = if inner.trim().is_empty() {
                        "empty brackets"
                    } else {
                        "expected an index between the commas"
                    };
                    return Err(SyntaxError::new(
                        message,
                        (start.max(i + 1) - 1)..(start + part.len() + 1).min(close + 1),
                    ));
                }
                if !is_int(t) {
                    let at = start + (part.len() - part.trim_start().len());
                    return Err(SyntaxError::new(
                        format!(
                            "'{t}' is not an array index; indexes are integers like 0 or -1",
                            t = abbreviate(t)
                        ),
                        at..at + t.len(),
                    ));
                }
            }
            if count > 1 {
                self.features.push((Feature::Union, i..close + 1));
            }
        }
        Ok(close + 1)
    }

    /// `[?(…)]`: `i` is the '[', `j` the '?'.
    fn filter(&mut self, i: usize, j: usize) -> Result<usize, SyntaxError> {
        let k = self.skip_ws(j + 1);
        if k >= self.end || self.b[k] != b'(' {
            if k < self.end && matches!(self.b[k], b']' | b',') {
                return Err(SyntaxError::new(
                    "filter placeholders like [?] are not supported; write the filter inline, e.g. [?(@.price > 10)]",
                    i..k + 1,
                ));
            }
            return Err(SyntaxError::new(
                "a filter's condition must be in parentheses, e.g. [?(@.price > 10)]",
                j..j + 1,
            ));
        }
        let close = self.matching_paren(k).map_err(|e| {
            if e.offset_range == (k..k + 1) {
                SyntaxError::new("the filter's '(' is not closed: missing ')'", k..k + 1)
            } else {
                e
            }
        })?;
        let n = self.skip_ws(close + 1);
        if n >= self.end || self.b[n] != b']' {
            return Err(SyntaxError::new(
                "expected ']' after the filter's closing ')'",
                if n >= self.end {
                    close..close + 1
                } else {
                    char_range(self.s, n)
                },
            ));
        }
        if self.s[k + 1..close].trim().is_empty() {
            return Err(SyntaxError::new(
                "the filter is empty; write a condition, e.g. [?(@.price > 10)]",
                i..n + 1,
            ));
        }
        self.features.push((Feature::Filter, i..n + 1));
        Ok(n + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> Path {
        parse(s).unwrap_or_else(|e| panic!("{s:?} should parse: {e:?}"))
    }

    fn err(s: &str) -> SyntaxError {
        match parse(s) {
            Ok(p) => panic!("{s:?} should not parse: {p:?}"),
            Err(e) => e,
        }
    }

    fn features(s: &str) -> Vec<Feature> {
        ok(s).features.into_iter().map(|(f, _)| f).collect()
    }

    #[test]
    fn accepts_the_jayway_dialect() {
        for s in [
            "$",
            "$.a.b",
            "$['a b']",
            "$[\"a\"]",
            "$.a[0]",
            "$.a[-1]",
            "$.a[ 0 ]",
            "$.a[0,1]",
            "$.a[1:3]",
            "$.a[1:]",
            "$.a[:2]",
            "$.a[*]",
            "$.*",
            "$..a",
            "$..*",
            "$..[0]",
            "$.a.length()",
            "$.a[?(@.x > 1 && @.y == 'z')]",
            "$.[0].body",
            "$.[?(@.OU > 0)]",
            "$.[*].['bucket', 'key']",
            "$[*][*]",
            "$.detail-type",
            "$.detail.Tags.auto-maintain",
            "$.2nd",
            "$.über.straße",
            "$.a['it\\'s']",
            "$.Labels[?(@.Name==Receipt)]",
            "$.approaches[?(@.workerId == $.agent_id)].approach",
            "$.a[?(@.name =~ /a)b/i)]",
            "$.a[?(@.s == ')')]",
            "$.GetQueryResults.ResultSet.Rows[1:]",
            "$.a ",
            "$.a.b[0][1].c",
        ] {
            ok(s);
        }
    }

    #[test]
    fn roots() {
        assert_eq!(ok("$").root, Root::Data);
        assert_eq!(ok("$$").root, Root::Context);
        assert_eq!(ok("$$.Execution.Id").root, Root::Context);
        assert_eq!(ok("$$.Map.Item.Value.x").root, Root::Context);
        assert_eq!(ok("$$.Task.Token").root, Root::Context);
        assert_eq!(ok("$$.Anything.New").root, Root::Context);
        let v = ok("$myVar.x[0]");
        assert_eq!(v.root, Root::Variable);
        assert_eq!(v.variable, Some(1..6));
        assert_eq!(ok("$_x").root, Root::Variable);
        assert_eq!(ok("$größe").root, Root::Variable);
    }

    #[test]
    fn features_are_recorded() {
        assert_eq!(features("$.a.b[0]"), []);
        assert_eq!(features("$.a[?(@.x)]"), [Feature::Filter]);
        assert_eq!(features("$.a[0,1]"), [Feature::Union]);
        assert_eq!(features("$['a','b']"), [Feature::Union]);
        assert_eq!(features("$.a[1:2]"), [Feature::Slice]);
        assert_eq!(
            features("$.a[*].b.*"),
            [Feature::Wildcard, Feature::Wildcard]
        );
        assert_eq!(
            features("$..a.length()"),
            [Feature::DeepScan, Feature::Function]
        );
        let p = ok("$.a[?(@.x)].b");
        assert_eq!(p.reference_violation(), Some(&(Feature::Filter, 3..11)));
        assert_eq!(ok("$.a[*]").reference_violation(), None);
    }

    #[test]
    fn rejects_malformed_paths() {
        let cases: &[(&str, &str, Range<usize>)] = &[
            ("", "empty", 0..0),
            ("order.id", "must start with '$'", 0..1),
            ("$.", "expected a field name after '.'", 1..2),
            ("$.a.", "expected a field name after '.'", 3..4),
            ("$.a[", "'[' is not closed", 3..4),
            ("$.a[0", "'[' is not closed", 3..4),
            ("$..", "must not end with '..'", 1..3),
            ("$...a", "'...' is not valid", 1..4),
            ("$.a b", "cannot contain spaces", 3..4),
            ("$a b", "cannot appear in a variable name", 2..3),
            ("$my-var", "cannot appear in a variable name", 3..4),
            ("$-", "expected '.', '[' or a variable name", 1..2),
            ("$$x", "expected '.' or '[' after '$$'", 2..3),
            ("$$$", "expected '.' or '[' after '$$'", 2..3),
            ("$.a[b]", "must be quoted: ['b']", 4..5),
            ("$.a[]", "empty brackets", 3..5),
            ("$.a['b]", "unterminated quoted name", 4..5),
            ("$.a['b' 'c']", "expected ',' or ']'", 8..9),
            ("$.a['b',]", "expected another quoted name", 7..8),
            ("$.a[1,]", "expected an index between the commas", 5..7),
            ("$.a[1-2]", "'1-2' is not an array index", 4..7),
            ("$.a[1.5]", "unexpected '.'", 5..6),
            ("$.a[99999999999]", "not an array index", 4..15),
            ("$.a[1:x]", "unexpected 'x'", 6..7),
            ("$.a[1:2:3:4]", "at most three parts", 3..12),
            ("$.a[* ", "'[' is not closed", 3..4),
            ("$.a[*x]", "expected ']' after '*'", 5..6),
            ("$.a[?]", "placeholders", 3..6),
            ("$.a[?@.x > 1]", "must be in parentheses", 4..5),
            ("$.a[?(@.x > 1]", "'(' is not closed", 5..6),
            ("$.a[?(@.x > 1)", "expected ']' after the filter", 13..14),
            ("$.a[?()]", "the filter is empty", 3..8),
            ("$.a[?(@.x == 'y)]", "unterminated string", 13..14),
            ("$[0]a", "expected '.' or '['", 4..5),
            ("$.*a", "expected '.' or '['", 3..4),
            ("$.a.length(", "'(' is not closed", 10..11),
            ("$.(x)", "expected a field name after '.'", 1..2),
        ];
        for (s, needle, range) in cases {
            let e = err(s);
            assert!(
                e.message.contains(needle),
                "{s:?}: {:?} lacks {needle:?}",
                e.message
            );
            assert_eq!(&e.offset_range, range, "{s:?}: {}", e.message);
        }
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = format!("$.a[?({}@.x{})]", "(".repeat(40), ")".repeat(40));
        assert!(err(&deep).message.contains("nested more than"));
        let ok_depth = format!("$.a[?({}@.x{})]", "(".repeat(20), ")".repeat(20));
        ok(&ok_depth);
    }

    #[test]
    fn never_panics_on_odd_input() {
        let alphabet = [
            "$", ".", "[", "]", "'", "\"", "?", "(", ")", "*", ":", ",", "-", "0", "a", " ", "é",
            "\\", "@", "=~", "/",
        ];
        // Every string of up to 4 tokens.
        let mut inputs = vec![String::new()];
        let mut frontier = vec![String::new()];
        for _ in 0..4 {
            frontier = frontier
                .iter()
                .flat_map(|s| alphabet.iter().map(move |t| format!("{s}{t}")))
                .collect();
            inputs.extend(frontier.iter().cloned());
        }
        for s in inputs {
            let s = format!("${s}");
            if let Err(e) = parse(&s) {
                assert!(
                    e.offset_range.start <= e.offset_range.end && e.offset_range.end <= s.len(),
                    "{s:?}: {e:?}"
                );
                assert!(
                    s.is_char_boundary(e.offset_range.start)
                        && s.is_char_boundary(e.offset_range.end),
                    "{s:?}"
                );
            }
        }
    }

    #[test]
    fn suggestions() {
        assert_eq!(suggest("order.id").as_deref(), Some("$.order.id"));
        assert_eq!(suggest(".a").as_deref(), Some("$.a"));
        assert_eq!(suggest("[0]").as_deref(), Some("$[0]"));
        assert_eq!(suggest("@.a").as_deref(), Some("$.a"));
        assert_eq!(suggest(" $.a").as_deref(), Some("$.a"));
        assert_eq!(suggest("hello world"), None);
        assert_eq!(suggest(""), None);
    }
}
