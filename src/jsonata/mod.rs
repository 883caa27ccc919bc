//! JSONata 2.0.6, the expression language of Step Functions' JSONata states: a parser that
//! accepts exactly what the reference implementation (npm `jsonata@2.0.6`) accepts, with a
//! byte span on every node and on every error, and what an expression uses (variables,
//! function calls, `$states` members).
//!
//! Our own rather than a crate: Step Functions' verdict is 2.0.6's (2.1's `??` and `?:` must
//! fail), errors must say where and what was expected, and the tree must carry spans. The
//! differential test `tests/jsonata_reference.rs` holds it to the reference's verdict.

mod ast;
mod error;
pub mod functions;
mod lexer;
mod names;
mod parser;
mod postparse;
mod regex;
mod signature;

pub use ast::{Ast, Kind, Node, NodeId};
pub use error::{Code, Error};
pub use lexer::Op;
pub use names::{Call, ChainInput, Names, StatesAccess, VariableRef};

/// Deepest nesting followed: brackets, and operands inside operands (a long flat chain such as
/// `a + b + c + …` or `a.b.c…` is not nesting). The reference stops somewhere past 2,000
/// levels with a JavaScript stack overflow; real expressions stay far below 200, and 200
/// levels fit the 2 MiB stack of a worker thread even in a debug build.
pub const MAX_DEPTH: usize = 200;

/// Parses an expression (the text between `{%` and `%}`). Errors carry byte ranges of `src`.
pub fn parse(src: &str) -> Result<Ast, Error> {
    let ast = parser::parse(src)?;
    postparse::check(&ast, src)?;
    Ok(ast)
}

/// A parsed expression and what it uses; what the analyses and rules read.
#[derive(Clone, Debug)]
pub struct Expression {
    pub ast: Ast,
    pub names: Names,
}

impl Expression {
    pub fn parse(src: &str) -> Result<Expression, Error> {
        let ast = parse(src)?;
        let names = Names::collect(&ast, src);
        Ok(Expression { ast, names })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(src: &str) -> Option<&'static str> {
        parse(src).err().map(|e| e.code.as_str())
    }

    #[test]
    fn step_functions_examples() {
        assert_eq!(
            code("$sum($states.input.items.price * (1 + $taxRate)"),
            Some("S0203")
        );
        assert_eq!(code("$states.input.n >"), Some("S0207"));
        assert_eq!(code("a ?? b"), Some("S0211"));
        assert_eq!(code("a ?: b"), Some("S0211"));
        assert_eq!(code(""), Some("S0207"));
        assert_eq!(code("$states.input.items[price > 10].name"), None);
    }

    #[test]
    fn errors_point_at_the_offending_token() {
        let e = parse("$sum(1 2)").unwrap_err();
        assert_eq!((e.code, e.span), (Code::S0202, 7..8));
        assert_eq!(
            e.message,
            "expected ')' to close the call to $sum( (arguments are separated by ','), found '2'"
        );
        let e = parse("a ?? b").unwrap_err();
        assert_eq!(e.span, 3..4);
        assert!(e.help.unwrap().contains("2.0.6"));
        let e = parse("1 +  ").unwrap_err();
        assert_eq!((e.code, e.span), (Code::S0207, 2..3));
        let e = parse("$v := -").unwrap_err();
        assert_eq!((e.code, e.span), (Code::S0207, 6..7));
    }

    /// Hostile nesting ends in an error, not a stack overflow, on the 2 MiB stack of a
    /// worker thread; long flat chains parse, in linear time.
    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let nested = [
            "(".repeat(100_000),
            "[".repeat(100_000),
            "{a:".repeat(100_000),
            "-".repeat(100_000) + "1",
            "$f(".repeat(100_000),
            "a?".repeat(100_000) + "b",
            "$a:=".repeat(100_000) + "1",
            "function($x){".repeat(100_000),
            "|a|".repeat(100_000),
        ];
        let flat = [
            vec!["1"; 100_000].join("+"),
            vec!["a"; 100_000].join("."),
            "a".to_string() + &"[0]".repeat(100_000),
            vec!["$x"; 100_000].join(" ~> "),
            vec!["a"; 100_000].join(" and "),
        ];
        std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                for input in &nested {
                    let e = Expression::parse(input).unwrap_err();
                    assert_eq!(e.code, Code::Depth, "{}", &input[..20]);
                }
                for input in &flat {
                    assert!(Expression::parse(input).is_ok(), "{}", &input[..20]);
                }
                // `%` chains cost quadratic time in the reference's algorithm: a budget stops them.
                let parents = vec!["%"; 100_000].join(".");
                assert_eq!(parse(&parents).unwrap_err().code, Code::Depth);
                // Just under the limit parses, and every later walk copes.
                let deep = "(".repeat(MAX_DEPTH - 1) + "$x" + &")".repeat(MAX_DEPTH - 1);
                assert_eq!(Expression::parse(&deep).unwrap().names.free.len(), 1);
            })
            .unwrap()
            .join()
            .unwrap();
    }

    #[test]
    fn never_panics_on_mangled_input() {
        let samples = [
            "$a.b[c = 'd'].{'e': $f(g, ?)}",
            "/a(b)c/i ~> $x",
            "λ($a)<s-:s>{$a}",
            "\"\\u00e9\" & `q`",
        ];
        for sample in samples {
            let chars: Vec<char> = sample.chars().collect();
            for i in 0..chars.len() {
                for j in i..=chars.len() {
                    let cut: String = chars[..i].iter().chain(&chars[j..]).collect();
                    let _ = Expression::parse(&cut);
                    let dup: String = chars[..j].iter().chain(&chars[i..]).collect();
                    let _ = Expression::parse(&dup);
                }
            }
        }
    }
}
