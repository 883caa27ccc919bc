//! Intrinsic function calls (`States.Format('{}', $.a)`) as JSONPath states evaluate them under
//! `.$` keys and in Fail `ErrorPath`/`CausePath`.
//!
//! Accepted grammar (`ws` is spaces, tabs and newlines, allowed around every token):
//!
//! ```text
//! call   := name ws '(' ws ( arg ( ws ',' ws arg )* )? ws ')'
//! name   := [A-Za-z0-9_.]+                      (the catalogue below: States.Format, …)
//! arg    := string | number | 'true' | 'false' | 'null' | path | call
//! string := "'" ( '\' any | not-quote )* "'"    (escape ' { } \ with a backslash)
//! number := '-'? digits ( '.' digits )? ( [eE] [+-]? digits )?
//! path   := '$' …   up to the next ',' ')' or whitespace outside brackets and parentheses,
//!                   then checked with `path::parse`
//! ```
//!
//! Calls nest at most [`MAX_NESTING`] deep (an ASL limit), so the recursive descent is bounded.
//! [`parse`] checks syntax only; [`check`] checks a parsed call against the catalogue.

use std::ops::Range;

use super::path::{self, Path};
use super::{char_at, char_range, SyntaxError};
use crate::quote::abbreviate;
use crate::suggest::{did_you_mean, single_suggestion};

/// Most intrinsic calls one value may nest (the outermost call counts as one).
pub const MAX_NESTING: usize = 10;

/// A parsed call. Ranges are byte offsets into the parsed string.
#[derive(Clone, Debug, PartialEq)]
pub struct Call<'s> {
    pub name: &'s str,
    pub name_range: Range<usize>,
    pub args: Vec<Arg<'s>>,
    /// From the start of the name to the closing ')'.
    pub range: Range<usize>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Arg<'s> {
    pub value: ArgValue<'s>,
    pub range: Range<usize>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ArgValue<'s> {
    /// A single-quoted string: the text between the quotes, escapes not yet applied.
    String(&'s str),
    /// A number: its value and its text (messages quote the text: `1e400`, not inf).
    Number(f64, &'s str),
    Bool(bool),
    Null,
    Path(Path),
    Call(Call<'s>),
}

impl ArgValue<'_> {
    fn kind(&self) -> &'static str {
        match self {
            ArgValue::String(_) => "a string",
            ArgValue::Number(..) => "a number",
            ArgValue::Bool(_) => "a boolean",
            ArgValue::Null => "null",
            ArgValue::Path(_) => "a path",
            ArgValue::Call(_) => "a function call",
        }
    }
}

/// The value of a string argument: `\x` becomes `x`.
pub fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether `s` is shaped like a function call (`Name(`), so that a parse error is worth
/// reporting as a malformed call rather than as "not a path or intrinsic at all".
pub fn looks_like_call(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = skip_ws(b, 0);
    let start = i;
    while i < b.len() && is_name_byte(b[i]) {
        i += 1;
    }
    let j = skip_ws(b, i);
    i > start && j < b.len() && b[j] == b'('
}

/// Parses one intrinsic function call (the whole string, surrounding whitespace allowed).
pub fn parse(s: &str) -> Result<Call<'_>, SyntaxError> {
    let p = Parser { s, b: s.as_bytes() };
    let start = skip_ws(p.b, 0);
    let (call, end) = p.call(start, 1)?;
    let j = skip_ws(p.b, end);
    if j < s.len() {
        let c = char_at(s, j).unwrap_or(' ');
        let message = if c == ')' {
            format!(
                "unbalanced ')': the call to {} is already closed",
                call.name
            )
        } else {
            format!(
                "unexpected '{c}' after the end of the call to {}",
                call.name
            )
        };
        return Err(SyntaxError::new(message, char_range(s, j)));
    }
    Ok(call)
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

fn is_name_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'.'
}

/// `-?digits(.digits)?([eE][+-]?digits)?`
fn is_number(t: &str) -> bool {
    fn digits(b: &[u8], mut i: usize) -> usize {
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        i
    }
    let b = t.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let j = digits(b, i);
    if j == i {
        return false;
    }
    i = j;
    if i < b.len() && b[i] == b'.' {
        let j = digits(b, i + 1);
        if j == i + 1 {
            return false;
        }
        i = j;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let j = digits(b, i);
        if j == i {
            return false;
        }
        i = j;
    }
    i == b.len()
}

struct Parser<'s> {
    s: &'s str,
    b: &'s [u8],
}

impl<'s> Parser<'s> {
    fn unclosed(&self, name: &str, open: Range<usize>) -> SyntaxError {
        SyntaxError::new(format!("missing ')' to close {name}("), open)
    }

    /// A call whose name starts at `i`; returns it and the offset after its ')'.
    fn call(&self, i: usize, depth: usize) -> Result<(Call<'s>, usize), SyntaxError> {
        let (s, b) = (self.s, self.b);
        let mut name_end = i;
        while name_end < b.len() && is_name_byte(b[name_end]) {
            name_end += 1;
        }
        if name_end == i {
            return Err(SyntaxError::new(
                "expected an intrinsic function name such as States.Format",
                char_range(s, i),
            ));
        }
        let name = &s[i..name_end];
        let open = skip_ws(b, name_end);
        if open >= b.len() || b[open] != b'(' {
            let range = if open >= b.len() {
                i..name_end
            } else {
                char_range(s, open)
            };
            return Err(SyntaxError::new(
                format!("expected '(' after {name}"),
                range,
            ));
        }
        if depth > MAX_NESTING {
            return Err(SyntaxError::new(
                format!("intrinsic functions can be nested at most {MAX_NESTING} deep"),
                i..name_end,
            ));
        }
        let open_range = i..open + 1;
        let mut args = Vec::new();
        let mut j = skip_ws(b, open + 1);
        if j < b.len() && b[j] == b')' {
            let call = Call {
                name,
                name_range: i..name_end,
                args,
                range: i..j + 1,
            };
            return Ok((call, j + 1));
        }
        loop {
            let (arg, end) = self.arg(j, depth, name, &open_range)?;
            args.push(arg);
            let k = skip_ws(b, end);
            if k >= b.len() {
                return Err(self.unclosed(name, open_range));
            }
            match b[k] {
                b',' => {
                    let n = skip_ws(b, k + 1);
                    if n < b.len() && b[n] == b')' {
                        return Err(SyntaxError::new(
                            "trailing ',' before ')': remove it or add the missing argument",
                            k..k + 1,
                        ));
                    }
                    j = n;
                }
                b')' => {
                    let call = Call {
                        name,
                        name_range: i..name_end,
                        args,
                        range: i..k + 1,
                    };
                    return Ok((call, k + 1));
                }
                _ => {
                    let c = char_at(s, k).unwrap_or(' ');
                    return Err(SyntaxError::new(
                        format!("expected ',' or ')' after the argument, found '{c}'"),
                        char_range(s, k),
                    ));
                }
            }
        }
    }

    fn arg(
        &self,
        j: usize,
        depth: usize,
        name: &str,
        open: &Range<usize>,
    ) -> Result<(Arg<'s>, usize), SyntaxError> {
        let (s, b) = (self.s, self.b);
        if j >= b.len() {
            return Err(self.unclosed(name, open.clone()));
        }
        let arg = |value, range: Range<usize>| {
            let end = range.end;
            Ok((Arg { value, range }, end))
        };
        match b[j] {
            b'\'' => {
                let mut k = j + 1;
                loop {
                    if k >= b.len() {
                        return Err(SyntaxError::new(
                            "unterminated string: missing the closing '",
                            j..j + 1,
                        ));
                    }
                    match b[k] {
                        b'\\' => k += 2,
                        b'\'' => break,
                        _ => k += 1,
                    }
                }
                arg(ArgValue::String(&s[j + 1..k]), j..k + 1)
            }
            b'$' => {
                let end = self.path_end(j);
                let parsed = path::parse(&s[j..end]).map_err(|e| {
                    SyntaxError::new(format!("invalid path: {}", e.message), e.offset_range)
                        .shifted(j)
                })?;
                arg(ArgValue::Path(parsed), j..end)
            }
            b'-' | b'0'..=b'9' => {
                let mut k = j;
                while k < b.len()
                    && (b[k].is_ascii_alphanumeric() || matches!(b[k], b'-' | b'+' | b'.'))
                {
                    k += 1;
                }
                let text = &s[j..k];
                match text.parse::<f64>() {
                    Ok(n) if is_number(text) => arg(ArgValue::Number(n, text), j..k),
                    _ => Err(SyntaxError::new(
                        format!("'{text}' is not a number", text = abbreviate(text)),
                        j..k,
                    )),
                }
            }
            b'"' => Err(SyntaxError::new(
                "strings in intrinsic functions are written in single quotes: 'text'",
                j..j + 1,
            )),
            b',' | b')' => Err(SyntaxError::new(
                format!("expected an argument before '{}'", b[j] as char),
                j..j + 1,
            )),
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let mut w_end = j;
                while w_end < b.len() && is_name_byte(b[w_end]) {
                    w_end += 1;
                }
                let n = skip_ws(b, w_end);
                if n < b.len() && b[n] == b'(' {
                    let (call, end) = self.call(j, depth + 1)?;
                    return arg(ArgValue::Call(call), j..end);
                }
                let word = &s[j..w_end];
                let value = match word {
                    "true" => ArgValue::Bool(true),
                    "false" => ArgValue::Bool(false),
                    "null" => ArgValue::Null,
                    _ => {
                        return Err(SyntaxError::new(
                            format!("unexpected '{word}': text arguments are quoted, e.g. '{word}', and paths start with $", word = abbreviate(word)),
                            j..w_end,
                        ))
                    }
                };
                arg(value, j..w_end)
            }
            _ => {
                let c = char_at(s, j).unwrap_or(' ');
                Err(SyntaxError::new(
                    format!("unexpected '{c}': expected an argument (a 'string', a number, true, false, null, a path or a function call)"),
                    char_range(s, j),
                ))
            }
        }
    }

    /// Where a path argument starting at `j` ends: the first ',' ')' quote or whitespace that is
    /// not inside brackets or parentheses.
    fn path_end(&self, j: usize) -> usize {
        let b = self.b;
        let mut depth = 0usize;
        let mut k = j;
        while k < b.len() {
            match b[k] {
                b'[' | b'(' => depth += 1,
                b')' if depth == 0 => break,
                b']' | b')' => depth = depth.saturating_sub(1),
                q @ (b'\'' | b'"') if depth > 0 => {
                    k += 1;
                    while k < b.len() && b[k] != q {
                        k += if b[k] == b'\\' { 2 } else { 1 };
                    }
                }
                b'\'' | b'"' => break,
                b',' | b' ' | b'\t' | b'\n' | b'\r' if depth == 0 => break,
                _ => {}
            }
            k += 1;
        }
        // A multi-byte character never contains these ASCII bytes, so `k` is a boundary
        // unless an escape skipped past the end.
        k.min(b.len())
    }
}

/// What a parameter accepts, for the checks that are certain without knowing the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Param {
    Any,
    String,
    Number,
    Array,
    Object,
    Boolean,
    /// A string, number, boolean or null (a Format value).
    Scalar,
    /// Only a path.
    Path,
}

/// What a function returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Returns {
    String,
    Number,
    Boolean,
    Array,
    Object,
    Any,
}

impl Returns {
    fn describe(self) -> &'static str {
        match self {
            Returns::String => "a string",
            Returns::Number => "a number",
            Returns::Boolean => "a boolean",
            Returns::Array => "an array",
            Returns::Object => "an object",
            Returns::Any => "any value",
        }
    }
}

/// One intrinsic function of the catalogue.
#[derive(Debug)]
pub struct Function {
    pub name: &'static str,
    /// Parameter names and kinds; the last one repeats when `variadic`.
    pub params: &'static [(&'static str, Param)],
    /// Fewest arguments.
    pub min: usize,
    pub variadic: bool,
    pub returns: Returns,
    /// Usable in Fail `ErrorPath`/`CausePath` (AWS's language service list).
    pub string_result: bool,
}

impl Function {
    pub fn max(&self) -> Option<usize> {
        (!self.variadic).then_some(self.params.len())
    }

    /// `States.Hash(data, algorithm)`
    pub fn signature(&self) -> String {
        let names: Vec<String> = self
            .params
            .iter()
            .enumerate()
            .map(|(i, (name, _))| {
                let last = i + 1 == self.params.len();
                if last && self.variadic {
                    format!("{name}…")
                } else if i >= self.min {
                    format!("[{name}]")
                } else {
                    name.to_string()
                }
            })
            .collect();
        format!("{}({})", self.name, names.join(", "))
    }

    fn param(&self, index: usize) -> Option<(&'static str, Param)> {
        match self.params.get(index) {
            Some(&p) => Some(p),
            None if self.variadic => self.params.last().copied(),
            None => None,
        }
    }
}

const fn f(
    name: &'static str,
    params: &'static [(&'static str, Param)],
    min: usize,
    variadic: bool,
    returns: Returns,
    string_result: bool,
) -> Function {
    Function {
        name,
        params,
        min,
        variadic,
        returns,
        string_result,
    }
}

/// The intrinsic functions Step Functions provides.
pub static FUNCTIONS: &[Function] = &[
    f(
        "States.Format",
        &[("template", Param::String), ("value", Param::Scalar)],
        1,
        true,
        Returns::String,
        true,
    ),
    f(
        "States.StringToJson",
        &[("string", Param::String)],
        1,
        false,
        Returns::Any,
        false,
    ),
    f(
        "States.JsonToString",
        &[("path", Param::Path)],
        1,
        false,
        Returns::String,
        true,
    ),
    f(
        "States.Array",
        &[("value", Param::Any)],
        0,
        true,
        Returns::Array,
        false,
    ),
    f(
        "States.ArrayPartition",
        &[("array", Param::Array), ("chunkSize", Param::Number)],
        2,
        false,
        Returns::Array,
        false,
    ),
    f(
        "States.ArrayContains",
        &[("array", Param::Array), ("value", Param::Any)],
        2,
        false,
        Returns::Boolean,
        false,
    ),
    f(
        "States.ArrayRange",
        &[
            ("start", Param::Number),
            ("end", Param::Number),
            ("step", Param::Number),
        ],
        3,
        false,
        Returns::Array,
        false,
    ),
    f(
        "States.ArrayGetItem",
        &[("array", Param::Array), ("index", Param::Number)],
        2,
        false,
        Returns::Any,
        true,
    ),
    f(
        "States.ArrayLength",
        &[("array", Param::Array)],
        1,
        false,
        Returns::Number,
        false,
    ),
    f(
        "States.ArrayUnique",
        &[("array", Param::Array)],
        1,
        false,
        Returns::Array,
        false,
    ),
    f(
        "States.Base64Encode",
        &[("string", Param::String)],
        1,
        false,
        Returns::String,
        true,
    ),
    f(
        "States.Base64Decode",
        &[("base64", Param::String)],
        1,
        false,
        Returns::String,
        true,
    ),
    f(
        "States.Hash",
        &[("data", Param::Any), ("algorithm", Param::String)],
        2,
        false,
        Returns::String,
        true,
    ),
    f(
        "States.JsonMerge",
        &[
            ("object1", Param::Object),
            ("object2", Param::Object),
            ("deep", Param::Boolean),
        ],
        3,
        false,
        Returns::Object,
        false,
    ),
    f(
        "States.MathRandom",
        &[
            ("start", Param::Number),
            ("end", Param::Number),
            ("seed", Param::Number),
        ],
        2,
        false,
        Returns::Number,
        false,
    ),
    f(
        "States.MathAdd",
        &[("a", Param::Number), ("b", Param::Number)],
        2,
        false,
        Returns::Number,
        false,
    ),
    f(
        "States.StringSplit",
        &[("string", Param::String), ("delimiters", Param::String)],
        2,
        false,
        Returns::Array,
        false,
    ),
    f("States.UUID", &[], 0, false, Returns::String, true),
];

pub const HASH_ALGORITHMS: [&str; 5] = ["MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512"];

/// Most items `States.ArrayRange` may produce.
pub const MAX_RANGE_ITEMS: f64 = 1000.0;

pub fn function(name: &str) -> Option<&'static Function> {
    FUNCTIONS.iter().find(|f| f.name == name)
}

/// Where the call's value goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Usage {
    /// A `.$` value: anything goes.
    Value,
    /// Fail `ErrorPath`/`CausePath`: the outermost call must return a string.
    StringResult,
}

/// A problem with a well-formed call.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub message: String,
    pub range: Range<usize>,
    pub help: Option<String>,
    /// Text that certainly belongs in `range` instead (a misspelt function name's one match).
    pub replacement: Option<String>,
}

impl Problem {
    fn new(message: impl Into<String>, range: Range<usize>) -> Self {
        Problem {
            message: message.into(),
            range,
            help: None,
            replacement: None,
        }
    }

    fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (1, 11) | (2, 12) | (3, 13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

fn plural(n: usize, one: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {one}s")
    }
}

/// `{}` placeholders in a Format template (escaped braces do not count).
pub fn count_placeholders(raw: &str) -> usize {
    let b = raw.as_bytes();
    let mut count = 0;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'{' if b.get(i + 1) == Some(&b'}') => {
                count += 1;
                i += 2;
            }
            _ => i += 1,
        }
    }
    count
}

/// Checks a parsed call (and every call nested in it) against the catalogue.
pub fn check(call: &Call, usage: Usage) -> Vec<Problem> {
    let mut problems = Vec::new();
    if usage == Usage::StringResult {
        if let Some(func) = function(call.name) {
            if !func.string_result {
                let allowed: Vec<&str> = FUNCTIONS
                    .iter()
                    .filter(|f| f.string_result)
                    .map(|f| f.name)
                    .collect();
                problems.push(
                    Problem::new(
                        format!("{} returns {}, but only functions that return a string can be used here", func.name, func.returns.describe()),
                        call.name_range.clone(),
                    )
                    .help(format!("use one of {}, e.g. States.Format('{{}}', $.error)", allowed.join(", "))),
                );
            }
        }
    }
    check_tree(call, &mut problems);
    problems
}

/// Recursion depth is bounded: `parse` rejects calls nested deeper than MAX_NESTING.
fn check_tree(call: &Call, out: &mut Vec<Problem>) {
    check_one(call, out);
    for arg in &call.args {
        if let ArgValue::Call(inner) = &arg.value {
            check_tree(inner, out);
        }
    }
}

fn check_one(call: &Call, out: &mut Vec<Problem>) {
    let Some(func) = function(call.name) else {
        out.push(unknown(call));
        return;
    };
    let n = call.args.len();
    if n < func.min || func.max().is_some_and(|max| n > max) {
        let expected = match func.max() {
            Some(max) if max == func.min => plural(max, "argument"),
            Some(max) => format!("{} to {max} arguments", func.min),
            None => format!("at least {}", plural(func.min, "argument")),
        };
        let given = if n == 1 {
            "1 is given".to_string()
        } else {
            format!("{n} are given")
        };
        out.push(
            Problem::new(
                format!("{} takes {expected}, but {given}", func.name),
                call.range.clone(),
            )
            .help(format!("the signature is {}", func.signature())),
        );
        return;
    }
    for (index, arg) in call.args.iter().enumerate() {
        if let Some((param_name, param)) = func.param(index) {
            if let Some(problem) = check_kind(func, index, param_name, param, arg) {
                out.push(problem);
            }
        }
    }
    check_literals(func, call, out);
}

fn unknown(call: &Call) -> Problem {
    let names = FUNCTIONS.iter().map(|f| f.name);
    let prefixed = format!("States.{}", call.name);
    let suggestion = function(&prefixed)
        .map(|f| f.name)
        .or_else(|| did_you_mean(call.name, names.clone()))
        .or_else(|| did_you_mean(&prefixed, names.clone()));
    let message = if call.name.starts_with("States.") {
        format!("{} is not an intrinsic function", call.name)
    } else {
        format!(
            "{} is not an intrinsic function; intrinsic functions are named States.<Name>",
            call.name
        )
    };
    let mut problem = Problem::new(message, call.name_range.clone());
    problem.replacement = function(&prefixed)
        .map(|f| f.name)
        .or_else(|| single_suggestion(call.name, names.clone()))
        .or_else(|| single_suggestion(&prefixed, names.clone()))
        .map(str::to_string);
    match suggestion {
        Some(s) => problem.help(format!("did you mean {s}?")),
        None => {
            let all: Vec<&str> = FUNCTIONS.iter().map(|f| f.name).collect();
            problem.help(format!("the intrinsic functions are {}", all.join(", ")))
        }
    }
}

/// A literal or nested call that can never be what the parameter needs.
fn check_kind(
    func: &Function,
    index: usize,
    name: &str,
    param: Param,
    arg: &Arg,
) -> Option<Problem> {
    let wrong = |expected: &str, got: &str| {
        let what = format!(
            "the {} argument of {} ({name})",
            ordinal(index + 1),
            func.name
        );
        Some(Problem::new(
            format!("{what} must be {expected}, but it is {got}"),
            arg.range.clone(),
        ))
    };
    match &arg.value {
        ArgValue::Path(_) => None,
        ArgValue::Call(inner) => {
            let returns = function(inner.name)?.returns;
            let fits = match param {
                Param::Any | Param::Path => true,
                Param::String => !matches!(returns, Returns::Array | Returns::Object),
                Param::Scalar => !matches!(returns, Returns::Array | Returns::Object),
                Param::Number => matches!(returns, Returns::Number | Returns::Any),
                Param::Array => matches!(returns, Returns::Array | Returns::Any),
                Param::Object => matches!(returns, Returns::Object | Returns::Any),
                Param::Boolean => matches!(returns, Returns::Boolean | Returns::Any),
            };
            if param == Param::Path {
                return wrong("a path such as $.order", &format!("a call to {}", inner.name))
                    .map(|p| p.help(format!("{} serializes the value a path selects; to serialize a computed value, store it first with a Pass state", func.name)));
            }
            if fits {
                return None;
            }
            let expected = match param {
                Param::String => "a string",
                Param::Scalar => "a string, number, boolean or null",
                Param::Number => "a number",
                Param::Array => "an array",
                Param::Object => "an object",
                _ => "a boolean",
            };
            wrong(
                expected,
                &format!(
                    "a call to {}, which returns {}",
                    inner.name,
                    returns.describe()
                ),
            )
        }
        literal => {
            let kind = literal.kind();
            match param {
                Param::Path => wrong("a path such as $.order", kind),
                Param::Number if !matches!(literal, ArgValue::Number(..)) => wrong("a number", kind),
                Param::Array => wrong("an array (a path or a call such as States.Array(...))", kind)
                    .map(|p| p.help("literal arrays cannot be written inside intrinsic functions; use a path to an array or States.Array(...)")),
                Param::Object => wrong("an object (a path to one)", kind),
                Param::Boolean if !matches!(literal, ArgValue::Bool(_)) => wrong("a boolean", kind),
                _ => None,
            }
        }
    }
}

fn number(arg: Option<&Arg>) -> Option<f64> {
    match arg?.value {
        ArgValue::Number(n, _) => Some(n),
        _ => None,
    }
}

/// A number argument as written.
fn written<'s>(arg: Option<&Arg<'s>>) -> &'s str {
    match arg.map(|a| &a.value) {
        Some(ArgValue::Number(_, text)) => text,
        _ => "",
    }
}

/// Function-specific checks of literal arguments.
fn check_literals(func: &Function, call: &Call, out: &mut Vec<Problem>) {
    let args = &call.args;
    match func.name {
        "States.Format" => {
            let Some(template) = args.first() else { return };
            match template.value {
                ArgValue::String(raw) => {
                    let placeholders = count_placeholders(raw);
                    let values = args.len() - 1;
                    if placeholders != values {
                        out.push(
                            Problem::new(
                                format!(
                                    "the States.Format template has {} but {}",
                                    plural(placeholders, "'{}' placeholder"),
                                    if values == 1 { "1 value follows it".to_string() } else { format!("{values} values follow it") }
                                ),
                                if values > placeholders {
                                    args[placeholders + 1].range.start..args[values].range.end
                                } else {
                                    template.range.clone()
                                },
                            )
                            .help("each '{}' in the template is replaced by the next argument; write a literal brace as \\\\{ or \\\\}"),
                        );
                    }
                }
                ArgValue::Number(..) | ArgValue::Bool(_) | ArgValue::Null => {
                    out.push(Problem::new(
                        format!(
                            "the template of States.Format must be a string, but it is {}",
                            template.value.kind()
                        ),
                        template.range.clone(),
                    ))
                }
                _ => {}
            }
        }
        "States.StringToJson" => {
            if let Some(Arg {
                value: ArgValue::String(raw),
                range,
            }) = args.first()
            {
                if let Err(e) = serde_json::from_str::<serde_json::Value>(&unescape(raw)) {
                    out.push(Problem::new(
                        format!("the string passed to States.StringToJson is not valid JSON: {e}"),
                        range.clone(),
                    ));
                }
            }
        }
        "States.Hash" => {
            if let Some(Arg {
                value: ArgValue::String(raw),
                range,
            }) = args.get(1)
            {
                let algorithm = unescape(raw);
                if !HASH_ALGORITHMS.contains(&algorithm.as_str()) {
                    let problem = Problem::new(
                        format!(
                            "'{algorithm}' is not a hash algorithm States.Hash supports",
                            algorithm = abbreviate(&algorithm)
                        ),
                        range.clone(),
                    );
                    out.push(match did_you_mean(&algorithm, HASH_ALGORITHMS) {
                        Some(s) => problem.help(format!(
                            "did you mean '{s}'? The algorithms are {}",
                            HASH_ALGORITHMS.join(", "),
                            s = abbreviate(s)
                        )),
                        None => problem
                            .help(format!("the algorithms are {}", HASH_ALGORITHMS.join(", "))),
                    });
                }
            }
        }
        "States.ArrayRange" => {
            let step = number(args.get(2));
            if step == Some(0.0) {
                out.push(Problem::new(
                    "the step of States.ArrayRange must not be 0",
                    args[2].range.clone(),
                ));
                return;
            }
            if let (Some(start), Some(end), Some(step)) =
                (number(args.first()), number(args.get(1)), step)
            {
                let span = if step > 0.0 { end - start } else { start - end };
                let count = if span < 0.0 {
                    0.0
                } else {
                    (span / step.abs()).floor() + 1.0
                };
                if count > MAX_RANGE_ITEMS {
                    out.push(
                        Problem::new(
                            format!(
                                "States.ArrayRange({}, {}, {}) would produce {} items; it produces at most 1000",
                                abbreviate(written(args.first())),
                                abbreviate(written(args.get(1))),
                                abbreviate(written(args.get(2))),
                                if count < 1e15 {
                                    format!("{count}")
                                } else {
                                    "more than 10^15".to_string()
                                },
                            ),
                            call.range.clone(),
                        )
                        .help("split the range, or use a Distributed Map over a generated list"),
                    );
                }
            }
        }
        "States.ArrayPartition" => {
            if let Some(size) = number(args.get(1)) {
                if size <= 0.0 {
                    out.push(Problem::new(
                        format!("the chunk size of States.ArrayPartition must be a positive integer, not {}", abbreviate(written(args.get(1)))),
                        args[1].range.clone(),
                    ));
                }
            }
        }
        "States.JsonMerge" => {
            if let Some(Arg {
                value: ArgValue::Bool(true),
                range,
            }) = args.get(2)
            {
                out.push(
                    Problem::new("Step Functions supports only shallow merges: the third argument of States.JsonMerge must be false", range.clone())
                        .help("write false; a deep merge of nested objects is not available"),
                );
            }
        }
        "States.MathAdd" => {
            for arg in args {
                if let ArgValue::Number(n, text) = arg.value {
                    if !(f64::from(i32::MIN)..=f64::from(i32::MAX)).contains(&n) {
                        out.push(Problem::new(
                            format!("{} is outside the range States.MathAdd accepts (-2147483648 to 2147483647)", abbreviate(text)),
                            arg.range.clone(),
                        ));
                    }
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> Call<'_> {
        parse(s).unwrap_or_else(|e| panic!("{s:?} should parse: {e:?}"))
    }

    fn err(s: &str) -> SyntaxError {
        match parse(s) {
            Ok(c) => panic!("{s:?} should not parse: {c:?}"),
            Err(e) => e,
        }
    }

    fn problems(s: &str) -> Vec<String> {
        check(&ok(s), Usage::Value)
            .into_iter()
            .map(|p| p.message)
            .collect()
    }

    fn clean(s: &str) {
        let p = problems(s);
        assert!(p.is_empty(), "{s:?}: {p:?}");
    }

    fn fires(s: &str, needle: &str) {
        let p = problems(s);
        assert!(
            p.iter().any(|m| m.contains(needle)),
            "{s:?}: {p:?} lacks {needle:?}"
        );
    }

    #[test]
    fn parses_arguments() {
        let c =
            ok("States.Format('a {} b \\' c', $.x, 1.5e3, -2, true, false, null, States.UUID())");
        assert_eq!(c.name, "States.Format");
        assert_eq!(c.args.len(), 8);
        assert_eq!(c.args[0].value, ArgValue::String("a {} b \\' c"));
        assert!(matches!(c.args[1].value, ArgValue::Path(_)));
        assert_eq!(c.args[1].range, 29..32);
        assert_eq!(c.args[2].value, ArgValue::Number(1500.0, "1.5e3"));
        assert_eq!(c.args[3].value, ArgValue::Number(-2.0, "-2"));
        assert_eq!(c.args[4].value, ArgValue::Bool(true));
        assert_eq!(c.args[6].value, ArgValue::Null);
        assert!(
            matches!(&c.args[7].value, ArgValue::Call(inner) if inner.name == "States.UUID" && inner.args.is_empty())
        );
        assert_eq!(c.range, 0..c.range.end);
        assert_eq!(unescape("it\\'s \\{\\} \\\\"), "it's {} \\");
    }

    #[test]
    fn accepts_real_world_calls() {
        for s in [
            "States.UUID()",
            " States.UUID ( ) ",
            "States.Array($)",
            "States.ArrayGetItem(States.StringSplit($$.Execution.Id, ':'), 6)",
            "States.Format('{}', States.MathAdd($$.Execution.Input.a, $$.Execution.Input.b))",
            "States.JsonMerge(States.StringToJson($.Body), States.StringToJson('{\"NewField\": \"MyValue\" }'), false)",
            "States.StringToJson($.[0].body)",
            "States.Format('unload (\\'{}\\') to \\'s3://{}/{}/result_\\'', $.q, $.b, $.p)",
            "States.MathAdd(States.ArrayLength($.resultItems), -1)",
            "States.ArrayRange(1,5,1)",
            "States.Format('{}', $.items[?(@.a == 'x, y')].b)",
            "States.Format('{}', $['a b'])",
            "States.Format('{}', $.a.length())",
            "States.Format('{}', $myVar.x)",
            "States.Hash($.data, 'SHA-256')",
            "States.MathRandom(1, 10)",
            "States.MathRandom(1, 10, $.seed)",
            "States.Format('{}\n{}','Human:', $.x)",
        ] {
            clean(s);
        }
    }

    #[test]
    fn rejects_malformed_syntax() {
        let cases: &[(&str, &str, Range<usize>)] = &[
            (
                "States.Format('{}', $.a",
                "missing ')' to close States.Format(",
                0..14,
            ),
            ("States.Format('{}', $.a))", "unbalanced ')'", 24..25),
            ("States.Format('{}, $.a)", "unterminated string", 14..15),
            ("States.Array(1,)", "trailing ','", 14..15),
            ("States.Array(1 2)", "expected ',' or ')'", 15..16),
            (
                "States.Array(,1)",
                "expected an argument before ','",
                13..14,
            ),
            ("States.Array(\"a\")", "single quotes", 13..14),
            ("States.Array(abc)", "text arguments are quoted", 13..16),
            ("States.Array(1.2.3)", "'1.2.3' is not a number", 13..18),
            ("States.Array(1e)", "'1e' is not a number", 13..15),
            (
                "States.Array($.a.)",
                "invalid path: expected a field name after '.'",
                16..17,
            ),
            ("States.Array($.a b)", "expected ',' or ')'", 17..18),
            ("States.Array #", "expected '(' after States.Array", 13..14),
            ("States.Array('a\\", "unterminated string", 13..14),
            ("States.Array(é)", "unexpected 'é'", 13..15),
            ("States.UUID() x", "unexpected 'x' after the end", 14..15),
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
    fn nesting_is_capped_at_ten() {
        let nest = |n: usize| format!("{}$.a{}", "States.Array(".repeat(n), ")".repeat(n));
        ok(&nest(10));
        assert!(err(&nest(11)).message.contains("nested at most 10 deep"));
        // Far deeper input stops at the cap without recursing further.
        assert!(err(&nest(100_000))
            .message
            .contains("nested at most 10 deep"));
    }

    #[test]
    fn looks_like_call_only_for_call_shapes() {
        assert!(looks_like_call("States.Format('x')"));
        assert!(looks_like_call("Foo ("));
        assert!(!looks_like_call("hello"));
        assert!(!looks_like_call("States.Format"));
        assert!(!looks_like_call("{% $x %}"));
        assert!(!looks_like_call(""));
    }

    #[test]
    fn catalogue_checks() {
        fires(
            "States.Formatt('{}', $.a)",
            "States.Formatt is not an intrinsic function",
        );
        let p = check(&ok("States.Formatt('{}', $.a)"), Usage::Value);
        assert_eq!(p[0].help.as_deref(), Some("did you mean States.Format?"));
        assert_eq!(p[0].range, 0..14);
        let p = check(&ok("Format('{}', $.a)"), Usage::Value);
        assert_eq!(p[0].help.as_deref(), Some("did you mean States.Format?"));
        fires(
            "States.Hash($.a)",
            "States.Hash takes 2 arguments, but 1 is given",
        );
        fires(
            "States.UUID(1)",
            "States.UUID takes 0 arguments, but 1 is given",
        );
        fires("States.MathRandom(1)", "takes 2 to 3 arguments");
        fires(
            "States.Format()",
            "takes at least 1 argument, but 0 are given",
        );
        fires("States.Array(States.Formatt())", "States.Formatt is not");
    }

    #[test]
    fn literal_checks() {
        fires(
            "States.Hash($.a, 'SHA-3')",
            "'SHA-3' is not a hash algorithm",
        );
        let p = check(&ok("States.Hash($.a, 'SHA256')"), Usage::Value);
        assert!(p[0]
            .help
            .as_deref()
            .unwrap()
            .starts_with("did you mean 'SHA-256'?"));
        clean("States.Hash($.a, 'SHA-512')");
        fires("States.ArrayRange(1, 5000, 1)", "would produce 5000 items");
        clean("States.ArrayRange(1, 1000, 1)");
        clean("States.ArrayRange(10, 1, -1)");
        clean("States.ArrayRange(10, 1, 1)");
        clean("States.ArrayRange(0, 3000, -1)");
        fires(
            "States.ArrayRange(1000, -1000, -1)",
            "would produce 2001 items",
        );
        fires("States.ArrayRange($.a, $.b, 0)", "must not be 0");
        fires("States.JsonMerge($.a, $.b, true)", "only shallow merges");
        fires(
            "States.JsonMerge($.a, $.b, 'false')",
            "must be a boolean, but it is a string",
        );
        clean("States.JsonMerge($.a, $.b, false)");
        fires(
            "States.ArrayPartition($.a, 0)",
            "must be a positive integer",
        );
        fires(
            "States.ArrayPartition($.a, -2)",
            "must be a positive integer",
        );
        fires("States.MathAdd(2147483648, 1)", "outside the range");
        clean("States.MathAdd(-2147483648, 2147483647)");
        fires(
            "States.MathAdd('1', 1)",
            "must be a number, but it is a string",
        );
        fires("States.ArrayLength('abc')", "must be an array");
        fires(
            "States.ArrayLength(States.Format('x'))",
            "but it is a call to States.Format, which returns a string",
        );
        fires(
            "States.Format('{}', States.Array(1))",
            "must be a string, number, boolean or null",
        );
        fires("States.JsonToString('x')", "must be a path");
        fires("States.JsonToString(States.UUID())", "must be a path");
        fires("States.StringToJson('{\"a\": 1')", "not valid JSON");
        clean("States.StringToJson('{\"a\": \"it\\'s\"}')");
        clean("States.Format('x')");
        fires(
            "States.Format(1)",
            "template of States.Format must be a string",
        );
    }

    #[test]
    fn format_placeholders() {
        clean("States.Format('{} and {}', $.a, $.b)");
        clean("States.Format('no placeholders')");
        clean(r"States.Format('literal \{\} {}', $.a)");
        fires(
            "States.Format('{} and {}', $.a)",
            "has 2 '{}' placeholders but 1 value follows it",
        );
        fires(
            "States.Format('{}', $.a, $.b)",
            "has 1 '{}' placeholder but 2 values follow",
        );
        let p = check(&ok("States.Format('{}', $.a, $.b)"), Usage::Value);
        assert_eq!(p[0].range, 25..28);
        assert_eq!(count_placeholders("{}{}\\{}{ }"), 2);
        clean("States.Format($.template, $.a)");
    }

    #[test]
    fn string_result_usage() {
        let p = check(&ok("States.Array($.a)"), Usage::StringResult);
        assert!(
            p[0].message.contains("States.Array returns an array"),
            "{p:?}"
        );
        assert!(check(&ok("States.Format('{}', $.a)"), Usage::StringResult).is_empty());
        assert!(check(&ok("States.ArrayGetItem($.a, 0)"), Usage::StringResult).is_empty());
        assert!(check(&ok("States.Array($.a)"), Usage::Value).is_empty());
    }

    #[test]
    fn signatures() {
        assert_eq!(
            function("States.Hash").unwrap().signature(),
            "States.Hash(data, algorithm)"
        );
        assert_eq!(
            function("States.MathRandom").unwrap().signature(),
            "States.MathRandom(start, end, [seed])"
        );
        assert_eq!(
            function("States.Format").unwrap().signature(),
            "States.Format(template, value…)"
        );
        assert_eq!(
            function("States.Array").unwrap().signature(),
            "States.Array(value…)"
        );
        assert_eq!(ordinal(1), "1st");
        assert_eq!(ordinal(12), "12th");
        assert_eq!(ordinal(23), "23rd");
    }

    #[test]
    fn never_panics_on_odd_input() {
        let alphabet = [
            "States.Array(",
            "(",
            ")",
            "'",
            "\\",
            ",",
            "$",
            ".",
            "[",
            "]",
            "1",
            "-",
            "é",
            " ",
            "a",
            "\"",
        ];
        let mut frontier = vec![String::new()];
        for _ in 0..4 {
            frontier = frontier
                .iter()
                .flat_map(|s| alphabet.iter().map(move |t| format!("{s}{t}")))
                .collect();
            for s in &frontier {
                match parse(s) {
                    Ok(call) => {
                        check(&call, Usage::StringResult);
                    }
                    Err(e) => assert!(
                        e.offset_range.start <= e.offset_range.end
                            && e.offset_range.end <= s.len()
                            && s.is_char_boundary(e.offset_range.start)
                            && s.is_char_boundary(e.offset_range.end),
                        "{s:?}: {e:?}"
                    ),
                }
                let _ = looks_like_call(s);
            }
        }
    }
}
