//! Why an expression does not parse, where, and what was expected.

use std::fmt;
use std::ops::Range;

/// The reference's error codes (jsonata-js `S0xxx`), plus the two failures it reports
/// without one: a regular expression or signature that JavaScript's `RegExp` rejects, and
/// nesting deeper than we follow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Code {
    /// String literal not closed.
    S0101,
    /// Number out of range.
    S0102,
    /// Unsupported escape sequence in a string.
    S0103,
    /// `\u` not followed by four hex digits.
    S0104,
    /// Quoted name (backticks) not closed.
    S0105,
    /// Comment not closed.
    S0106,
    /// A token after a complete expression.
    S0201,
    /// Expected one token, found another.
    S0202,
    /// Expected a token, found the end.
    S0203,
    /// Unknown operator (`!`, `~`).
    S0204,
    /// The expression ends where an operand is needed.
    S0207,
    /// A function parameter that is not a variable.
    S0208,
    /// A predicate after a grouping expression.
    S0209,
    /// Two grouping expressions on one step.
    S0210,
    /// A token that cannot start an operand.
    S0211,
    /// `:=` without a variable on its left.
    S0212,
    /// A number, `true`, `false` or `null` as a path step.
    S0213,
    /// `@` or `#` without a variable on its right.
    S0214,
    /// `@` after a predicate.
    S0215,
    /// `@` after an order-by.
    S0216,
    /// `%` with no parent to refer to.
    S0217,
    /// Empty regular expression.
    S0301,
    /// Regular expression not closed.
    S0302,
    /// Type parameter on a type that takes none, in a signature.
    S0401,
    /// Parameterised type inside a choice, in a signature.
    S0402,
    /// A regular expression (or signature) that JavaScript's `RegExp` rejects.
    RegexSyntax,
    /// Nested deeper than `MAX_DEPTH`.
    Depth,
}

impl Code {
    /// The code as the reference reports it (`SyntaxError` for a rejected `RegExp`).
    pub fn as_str(self) -> &'static str {
        match self {
            Code::S0101 => "S0101",
            Code::S0102 => "S0102",
            Code::S0103 => "S0103",
            Code::S0104 => "S0104",
            Code::S0105 => "S0105",
            Code::S0106 => "S0106",
            Code::S0201 => "S0201",
            Code::S0202 => "S0202",
            Code::S0203 => "S0203",
            Code::S0204 => "S0204",
            Code::S0207 => "S0207",
            Code::S0208 => "S0208",
            Code::S0209 => "S0209",
            Code::S0210 => "S0210",
            Code::S0211 => "S0211",
            Code::S0212 => "S0212",
            Code::S0213 => "S0213",
            Code::S0214 => "S0214",
            Code::S0215 => "S0215",
            Code::S0216 => "S0216",
            Code::S0217 => "S0217",
            Code::S0301 => "S0301",
            Code::S0302 => "S0302",
            Code::S0401 => "S0401",
            Code::S0402 => "S0402",
            Code::RegexSyntax => "SyntaxError",
            Code::Depth => "RangeError",
        }
    }
}

/// A parse error: what was expected, at a byte range of the expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub code: Code,
    /// The offending characters, as a byte range of the expression; empty at the end of the
    /// expression when what is missing belongs there.
    pub span: Range<usize>,
    pub message: String,
    /// A suggestion, when the mistake is a common one.
    pub help: Option<String>,
}

impl Error {
    pub fn new(code: Code, span: Range<usize>, message: impl Into<String>) -> Self {
        Error {
            code,
            span,
            message: message.into(),
            help: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at {}: {}",
            self.code.as_str(),
            self.span.start,
            self.message
        )
    }
}
