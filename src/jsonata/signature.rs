//! Function signatures such as `<s-nn?:s>`: read as the reference reads them, both to check a
//! lambda's signature (the reference compiles it into a `RegExp` while parsing) and to know
//! how many arguments each built-in function takes.

use super::error::Code;
use super::regex;

/// One parameter of a signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Param {
    /// The type symbol (`s`, `n`, `a`, …), or `(` for a choice such as `(sn)`.
    pub symbol: char,
    /// `?`: may be left out.
    pub optional: bool,
    /// `-`: when left out, the context value takes its place.
    pub context: bool,
    /// `+`: one or more arguments.
    pub repeated: bool,
    /// The regular expression the reference builds for it.
    regex: String,
}

/// The parameters of a signature, or why the reference rejects it.
pub fn params(signature: &str) -> Result<Vec<Param>, (Code, String)> {
    let chars: Vec<char> = signature.chars().collect();
    let mut params: Vec<Param> = Vec::new();
    // The parameter being built; modifiers apply to the last finished one, or to this one
    // before any is finished (where the next type symbol then overwrites them).
    let mut pending = fresh();
    let mut position = 1;
    while position < chars.len() {
        let symbol = chars[position];
        if symbol == ':' {
            break;
        }
        match symbol {
            's' | 'n' | 'b' | 'l' | 'o' | 'a' | 'f' | 'j' | 'x' => {
                let regex = match symbol {
                    'a' | 'x' => "[asnblfom]".to_string(),
                    'f' => "f".to_string(),
                    'j' => "[asnblom]".to_string(),
                    other => format!("[{other}m]"),
                };
                params.push(Param {
                    symbol,
                    regex,
                    ..pending.clone()
                });
                pending = fresh();
            }
            '-' | '?' | '+' => {
                let target = params.last_mut().unwrap_or(&mut pending);
                if symbol == '-' {
                    target.context = true;
                    // The reference compiles the context check from the regex as it stands.
                    if target.regex != "undefined" {
                        check_regex(&target.regex)?;
                    }
                    target.regex.push('?');
                } else {
                    target.optional |= symbol == '?';
                    target.repeated |= symbol == '+';
                    target.regex.push(symbol);
                }
            }
            '(' => {
                let end = closing(&chars, position, '(', ')');
                let choice: String = chars[position + 1..end.min(chars.len())].iter().collect();
                if choice.contains('<') {
                    return Err((
                        Code::S0402,
                        format!("a choice of types cannot hold a parameterised type: ({choice})"),
                    ));
                }
                params.push(Param {
                    symbol: '(',
                    regex: format!("[{choice}m]"),
                    ..pending.clone()
                });
                pending = fresh();
                position = end;
            }
            '<' => {
                let previous = params.last().map(|p| p.symbol);
                if !matches!(previous, Some('a' | 'f')) {
                    return Err((
                        Code::S0401,
                        "only the types a (array) and f (function) take a type parameter <…>"
                            .to_string(),
                    ));
                }
                position = closing(&chars, position, '<', '>');
            }
            _ => {}
        }
        position += 1;
    }
    let whole: String = std::iter::once("^".to_string())
        .chain(params.iter().map(|p| format!("({})", p.regex)))
        .chain(std::iter::once("$".to_string()))
        .collect();
    check_regex(&whole)?;
    Ok(params)
}

fn fresh() -> Param {
    Param {
        symbol: ' ',
        optional: false,
        context: false,
        repeated: false,
        regex: "undefined".to_string(),
    }
}

/// Checks a lambda signature as the reference does while parsing.
pub fn check(signature: &str) -> Result<(), (Code, String)> {
    params(signature).map(|_| ())
}

fn check_regex(regex: &str) -> Result<(), (Code, String)> {
    regex::validate(regex).map_err(|(_, reason)| {
        (
            Code::RegexSyntax,
            format!("its modifiers do not combine ({reason})"),
        )
    })
}

/// The position of the bracket closing the one at `start`, or the length when none does.
fn closing(chars: &[char], start: usize, open: char, close: char) -> usize {
    let mut depth = 1;
    let mut position = start;
    while position < chars.len() {
        position += 1;
        match chars.get(position) {
            Some(&c) if c == close => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            Some(&c) if c == open => depth += 1,
            _ => {}
        }
    }
    position
}

/// How many arguments a signature accepts: (minimum, maximum; `None` for no limit).
pub fn arity(params: &[Param]) -> (usize, Option<usize>) {
    let min = params.iter().filter(|p| !p.optional && !p.context).count();
    let max = if params.iter().any(|p| p.repeated) {
        None
    } else {
        Some(params.len())
    };
    (min, max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arity_of_builtin_signatures() {
        let of = |s: &str| arity(&params(s).unwrap());
        assert_eq!(of("<s-nn?:s>"), (1, Some(3)));
        assert_eq!(of("<a<n>:n>"), (1, Some(1)));
        assert_eq!(of("<x-b?:s>"), (0, Some(2)));
        assert_eq!(of("<a+>"), (1, None));
        assert_eq!(of("<s-f<s:o>n?:a<o>>"), (1, Some(3)));
        assert_eq!(of("<:n>"), (0, Some(0)));
        assert_eq!(of("<(oa)-:o>"), (0, Some(1)));
    }

    #[test]
    fn rejects_what_the_reference_rejects() {
        assert_eq!(params("<<n>:n>").unwrap_err().0, Code::S0401);
        assert_eq!(params("<n<s>:n>").unwrap_err().0, Code::S0401);
        assert_eq!(params("<(s<n>):n>").unwrap_err().0, Code::S0402);
        for bad in ["<s++>", "<s-+>", "<s?+>", "<(z-a)>"] {
            assert_eq!(params(bad).unwrap_err().0, Code::RegexSyntax, "{bad}");
        }
        for ok in ["<s??>", "<s+?>", "<-s>", "<?s>", "<x>", "<f<n:n>>", "<>"] {
            assert!(params(ok).is_ok(), "{ok}");
        }
    }
}
