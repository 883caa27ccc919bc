//! Deployment placeholders in definition values: text that a tool replaces before Step
//! Functions sees the definition, so its value is unknown here.
//!
//! - `${Name}`: CloudFormation `Fn::Sub` and `DefinitionSubstitutions`, Terraform
//!   `templatefile`, and Serverless Framework variables, which nest (`${self:custom.${opt:stage}}`);
//! - `#{Name}`: the Serverless `serverless-pseudo-parameters` form (`#{AWS::Region}`).
//!
//! A template may also choose a whole value at deployment: `Fn::If` (`!If [Cond, A, B]`).

use std::ops::Range;

use crate::document::Node;

/// The two values `{"Fn::If": [condition, a, b]}` chooses between at deployment. A branch
/// that is `{"Ref": "AWS::NoValue"}` (the field is left out) is not a value and is skipped.
pub fn alternatives(node: &Node) -> Option<Vec<&Node>> {
    let [m] = node.as_object()? else {
        return None;
    };
    if m.key != "Fn::If" {
        return None;
    }
    let [_, a, b] = m.value.as_array()? else {
        return None;
    };
    let no_value = |n: &Node| n.get_str("Ref") == Some("AWS::NoValue");
    Some([a, b].into_iter().filter(|n| !no_value(n)).collect())
}

/// A placeholder found in a string: its whole text and its name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placeholder {
    /// `${…}` or `#{…}`, braces included.
    pub range: Range<usize>,
    /// What is between the braces.
    pub name: Range<usize>,
}

/// The closed placeholders of `s`, in order (nested ones are part of the outer one).
pub fn find(s: &str) -> impl Iterator<Item = Placeholder> + '_ {
    let bytes = s.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        while at + 1 < bytes.len() {
            let open = at;
            let sigil = bytes[at];
            if !(matches!(sigil, b'$' | b'#') && bytes[at + 1] == b'{') {
                at += 1;
                continue;
            }
            match close(bytes, open + 2, sigil) {
                Some(end) => {
                    at = end + 1;
                    return Some(Placeholder {
                        range: open..end + 1,
                        name: open + 2..end,
                    });
                }
                None => at += 2,
            }
        }
        None
    })
}

/// The `}` that closes the placeholder whose name starts at `from`, if any. `${…}` nests;
/// `#{…}` holds only a pseudo parameter name.
fn close(bytes: &[u8], from: usize, sigil: u8) -> Option<usize> {
    if sigil == b'#' {
        let len = bytes[from..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b':' | b'.' | b'_' | b'-'))
            .count();
        return (len > 0 && bytes.get(from + len) == Some(&b'}')).then_some(from + len);
    }
    let mut depth = 0usize;
    let mut at = from;
    while at < bytes.len() {
        match bytes[at] {
            b'$' if bytes.get(at + 1) == Some(&b'{') => {
                depth += 1;
                at += 1;
            }
            b'}' if depth == 0 => return Some(at),
            b'}' => depth -= 1,
            _ => {}
        }
        at += 1;
    }
    None
}

/// Whether `s` holds a placeholder, so its deployed value is unknown.
pub fn has(s: &str) -> bool {
    (s.contains("${") || s.contains("#{")) && find(s).next().is_some()
}

/// Whether `s` is exactly one placeholder.
pub fn is_whole(s: &str) -> bool {
    find(s).next().is_some_and(|p| p.range == (0..s.len()))
}

/// The offset of a `${` that is never closed: a placeholder written wrongly, which the
/// deployment tool leaves (or rejects) as it is.
pub fn unclosed(s: &str) -> Option<usize> {
    let mut at = 0;
    for p in find(s) {
        if let Some(i) = s[at..p.range.start].find("${") {
            return Some(at + i);
        }
        at = p.range.end;
    }
    s[at..].find("${").map(|i| at + i)
}

/// `s` with each placeholder replaced by `_`, a stand-in that fits inside an ARN segment or
/// a name (placeholders may hold colons: `${AWS::Region}`, `${self:service}`).
pub fn blank(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut at = 0;
    for p in find(s) {
        out.push_str(&s[at..p.range.start]);
        out.push('_');
        at = p.range.end;
    }
    out.push_str(&s[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(s: &str) -> Vec<&str> {
        find(s).map(|p| &s[p.name]).collect()
    }

    #[test]
    fn finds_closed_and_nested_placeholders() {
        assert_eq!(
            names("arn:${AWS::Partition}:x:${A}"),
            ["AWS::Partition", "A"]
        );
        assert_eq!(
            names("${self:custom.${opt:stage}}-x"),
            ["self:custom.${opt:stage}"]
        );
        assert_eq!(names("arn:aws:lambda:#{AWS::Region}:1"), ["AWS::Region"]);
        assert_eq!(names("#{not a name} ${lambdaArn"), Vec::<&str>::new());
        assert!(has("x${A}"));
        assert!(!has("${A"));
        assert!(!has("$.a{b}"));
        assert!(is_whole("${A}"));
        assert!(!is_whole("${A}${B}"));
        assert!(!is_whole("x${A}"));
    }

    #[test]
    fn unclosed_placeholders() {
        assert_eq!(unclosed("${lambdaArn"), Some(0));
        assert_eq!(unclosed("${A}:${B"), Some(5));
        assert_eq!(unclosed("${A}:${B}"), None);
        assert_eq!(unclosed("${a.${b}"), Some(0));
        assert_eq!(unclosed("$.a"), None);
    }

    #[test]
    fn blanks_placeholders() {
        assert_eq!(
            blank("arn:${AWS::Partition}:lambda:#{AWS::Region}:1:function:${self:service}-x"),
            "arn:_:lambda:_:1:function:_-x"
        );
        assert_eq!(blank("${A"), "${A");
    }
}
