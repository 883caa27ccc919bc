//! A parsed call checked against the catalogue: names, arity, argument kinds and literals.

use std::ops::Range;

use super::catalogue::{
    function, Function, Param, Returns, FUNCTIONS, HASH_ALGORITHMS, MAX_RANGE_ITEMS,
};
use super::{unescape, Arg, ArgValue, Call};
use crate::quote::abbreviate;
use crate::suggest::{did_you_mean, single_suggestion};

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

pub(super) fn ordinal(n: usize) -> String {
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
