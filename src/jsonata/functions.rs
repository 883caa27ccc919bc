//! The functions a Step Functions JSONata expression can call: JSONata 2.0.6's built-ins
//! (signatures as jsonata@2.0.6 declares them), minus `$eval`, plus the six Step Functions
//! adds (`$partition`, `$range`, `$hash`, `$random` with an optional seed, `$uuid`, `$parse`).

use super::signature;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Builtin {
    /// Without the `$`.
    pub name: &'static str,
    /// The signature, in JSONata's notation (`-`: the context value stands in when left
    /// out; `?`: optional; `+`: one or more).
    pub signature: &'static str,
    /// How the documentation writes a call.
    pub usage: &'static str,
    /// Added by Step Functions.
    pub step_functions: bool,
}

const fn jsonata(name: &'static str, signature: &'static str, usage: &'static str) -> Builtin {
    Builtin {
        name,
        signature,
        usage,
        step_functions: false,
    }
}

const fn sfn(name: &'static str, signature: &'static str, usage: &'static str) -> Builtin {
    Builtin {
        name,
        signature,
        usage,
        step_functions: true,
    }
}

/// Every function available, sorted by name.
pub static BUILTINS: &[Builtin] = &[
    jsonata("abs", "<n-:n>", "$abs(number)"),
    jsonata("append", "<xx:a>", "$append(array1, array2)"),
    jsonata("assert", "<bs?:x>", "$assert(condition[, message])"),
    jsonata("average", "<a<n>:n>", "$average(array)"),
    jsonata("base64decode", "<s-:s>", "$base64decode(str)"),
    jsonata("base64encode", "<s-:s>", "$base64encode(str)"),
    jsonata("boolean", "<x-:b>", "$boolean(arg)"),
    jsonata("ceil", "<n-:n>", "$ceil(number)"),
    jsonata("clone", "<(oa)-:o>", "$clone(object)"),
    jsonata("contains", "<s-(sf):b>", "$contains(str, pattern)"),
    jsonata("count", "<a:n>", "$count(array)"),
    jsonata("decodeUrl", "<s-:s>", "$decodeUrl(str)"),
    jsonata("decodeUrlComponent", "<s-:s>", "$decodeUrlComponent(str)"),
    jsonata("distinct", "<x:x>", "$distinct(array)"),
    jsonata("each", "<o-f:a>", "$each(object, function)"),
    jsonata("encodeUrl", "<s-:s>", "$encodeUrl(str)"),
    jsonata("encodeUrlComponent", "<s-:s>", "$encodeUrlComponent(str)"),
    jsonata("error", "<s?:x>", "$error([message])"),
    jsonata("exists", "<x:b>", "$exists(arg)"),
    jsonata("filter", "<af>", "$filter(array, function)"),
    jsonata("floor", "<n-:n>", "$floor(number)"),
    jsonata("formatBase", "<n-n?:s>", "$formatBase(number[, radix])"),
    jsonata(
        "formatInteger",
        "<n-s:s>",
        "$formatInteger(number, picture)",
    ),
    jsonata(
        "formatNumber",
        "<n-so?:s>",
        "$formatNumber(number, picture[, options])",
    ),
    jsonata(
        "fromMillis",
        "<n-s?s?:s>",
        "$fromMillis(number[, picture[, timezone]])",
    ),
    sfn("hash", "<ss:s>", "$hash(data, algorithm)"),
    jsonata("join", "<a<s>s?:s>", "$join(array[, separator])"),
    jsonata("keys", "<x-:a<s>>", "$keys(object)"),
    jsonata("length", "<s-:n>", "$length(str)"),
    jsonata("lookup", "<x-s:x>", "$lookup(object, key)"),
    jsonata("lowercase", "<s-:s>", "$lowercase(str)"),
    jsonata("map", "<af>", "$map(array, function)"),
    jsonata(
        "match",
        "<s-f<s:o>n?:a<o>>",
        "$match(str, pattern[, limit])",
    ),
    jsonata("max", "<a<n>:n>", "$max(array)"),
    jsonata("merge", "<a<o>:o>", "$merge(array<object>)"),
    jsonata("millis", "<:n>", "$millis()"),
    jsonata("min", "<a<n>:n>", "$min(array)"),
    jsonata("not", "<x-:b>", "$not(arg)"),
    jsonata("now", "<s?s?:s>", "$now([picture[, timezone]])"),
    jsonata("number", "<(nsb)-:n>", "$number(arg)"),
    jsonata("pad", "<s-ns?:s>", "$pad(str, width[, char])"),
    sfn("parse", "<s:x>", "$parse(jsonString)"),
    jsonata("parseInteger", "<s-s:n>", "$parseInteger(string, picture)"),
    sfn("partition", "<an:a>", "$partition(array, chunkSize)"),
    jsonata("power", "<n-n:n>", "$power(base, exponent)"),
    // Step Functions' $random takes an optional seed (JSONata's takes none).
    sfn("random", "<n?:n>", "$random([seed])"),
    // The step is written in every example; its being optional is not documented, so a
    // call without it is not reported.
    sfn("range", "<nnn?:a>", "$range(start, end, step)"),
    jsonata("reduce", "<afj?:j>", "$reduce(array, function[, init])"),
    jsonata(
        "replace",
        "<s-(sf)(sf)n?:s>",
        "$replace(str, pattern, replacement[, limit])",
    ),
    jsonata("reverse", "<a:a>", "$reverse(array)"),
    jsonata("round", "<n-n?:n>", "$round(number[, precision])"),
    jsonata("shuffle", "<a:a>", "$shuffle(array)"),
    jsonata("sift", "<o-f?:o>", "$sift(object, function)"),
    jsonata("single", "<af?>", "$single(array[, function])"),
    jsonata("sort", "<af?:a>", "$sort(array[, function])"),
    jsonata(
        "split",
        "<s-(sf)n?:a<s>>",
        "$split(str, separator[, limit])",
    ),
    jsonata("spread", "<x-:a<o>>", "$spread(object)"),
    jsonata("sqrt", "<n-:n>", "$sqrt(number)"),
    jsonata("string", "<x-b?:s>", "$string(arg[, prettify])"),
    jsonata("substring", "<s-nn?:s>", "$substring(str, start[, length])"),
    jsonata("substringAfter", "<s-s:s>", "$substringAfter(str, chars)"),
    jsonata("substringBefore", "<s-s:s>", "$substringBefore(str, chars)"),
    jsonata("sum", "<a<n>:n>", "$sum(array)"),
    jsonata("toMillis", "<s-s?:n>", "$toMillis(timestamp[, picture])"),
    jsonata("trim", "<s-:s>", "$trim(str)"),
    jsonata("type", "<x:s>", "$type(value)"),
    jsonata("uppercase", "<s-:s>", "$uppercase(str)"),
    sfn("uuid", "<:s>", "$uuid()"),
    jsonata("zip", "<a+>", "$zip(array1, ...)"),
];

/// JSONata built-ins that Step Functions does not offer, and what to use instead.
pub static UNAVAILABLE: &[(&str, &str)] = &[(
    "eval",
    "Step Functions does not offer $eval; to read a JSON string use $parse(str)",
)];

/// The hash algorithms `$hash` accepts.
pub static HASH_ALGORITHMS: &[&str] = &["MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512"];

/// Names from other languages and libraries, with the JSONata way to write them. A single
/// function name when there is one; otherwise a hint.
pub static FOREIGN: &[(&str, Replacement)] = &[
    ("toUpper", Replacement::Function("uppercase")),
    ("toUpperCase", Replacement::Function("uppercase")),
    ("upper", Replacement::Function("uppercase")),
    ("upperCase", Replacement::Function("uppercase")),
    ("ucase", Replacement::Function("uppercase")),
    ("toLower", Replacement::Function("lowercase")),
    ("toLowerCase", Replacement::Function("lowercase")),
    ("lower", Replacement::Function("lowercase")),
    ("lowerCase", Replacement::Function("lowercase")),
    ("lcase", Replacement::Function("lowercase")),
    ("len", Replacement::Function("length")),
    ("strlen", Replacement::Function("length")),
    ("size", Replacement::Function("count")),
    ("parseInt", Replacement::Function("number")),
    ("parseFloat", Replacement::Function("number")),
    ("toNumber", Replacement::Function("number")),
    ("int", Replacement::Function("number")),
    ("float", Replacement::Function("number")),
    ("toString", Replacement::Function("string")),
    ("str", Replacement::Function("string")),
    ("stringify", Replacement::Function("string")),
    ("toJson", Replacement::Function("string")),
    ("toJSON", Replacement::Function("string")),
    ("jsonStringify", Replacement::Function("string")),
    ("parseJson", Replacement::Function("parse")),
    ("parseJSON", Replacement::Function("parse")),
    ("jsonParse", Replacement::Function("parse")),
    ("fromJson", Replacement::Function("parse")),
    ("fromJSON", Replacement::Function("parse")),
    ("includes", Replacement::Function("contains")),
    ("replaceAll", Replacement::Function("replace")),
    ("substr", Replacement::Function("substring")),
    ("avg", Replacement::Function("average")),
    ("mean", Replacement::Function("average")),
    ("unique", Replacement::Function("distinct")),
    ("uniq", Replacement::Function("distinct")),
    ("push", Replacement::Function("append")),
    ("concat", Replacement::Hint(
        "JSONata joins strings with the '&' operator or $join(array[, separator]), and arrays with $append(array1, array2)",
    )),
    ("startsWith", Replacement::Hint(
        "JSONata has no $startsWith: write $substring(str, 0, $length(prefix)) = prefix, or $contains(str, /^prefix/)",
    )),
    ("endsWith", Replacement::Hint(
        "JSONata has no $endsWith: write $substring(str, -$length(suffix)) = suffix, or $contains(str, /suffix$/)",
    )),
    ("if", Replacement::Hint("JSONata's conditional is the operator condition ? then : else")),
    ("iif", Replacement::Hint("JSONata's conditional is the operator condition ? then : else")),
    ("isEmpty", Replacement::Hint(
        "JSONata has no $isEmpty: test $count(array) = 0, $length(str) = 0, or $exists(value)",
    )),
    ("uuidv4", Replacement::Function("uuid")),
    ("randomUUID", Replacement::Function("uuid")),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Replacement {
    Function(&'static str),
    Hint(&'static str),
}

pub fn builtin(name: &str) -> Option<&'static Builtin> {
    BUILTINS
        .binary_search_by(|b| b.name.cmp(name))
        .ok()
        .map(|i| &BUILTINS[i])
}

/// A name bound by the environment: a function Step Functions offers, or a JSONata built-in
/// it does not (calling it fails, but it is still not a free variable of the expression).
pub fn is_builtin(name: &str) -> bool {
    builtin(name).is_some() || UNAVAILABLE.iter().any(|(n, _)| *n == name)
}

/// How many arguments a built-in takes: (minimum, maximum; `None` for no limit).
pub fn arity(builtin: &Builtin) -> (usize, Option<usize>) {
    signature::params(builtin.signature).map_or((0, None), |p| signature::arity(&p))
}

pub fn foreign(name: &str) -> Option<Replacement> {
    FOREIGN.iter().find(|(n, _)| *n == name).map(|(_, r)| *r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_signatures_read() {
        assert!(BUILTINS.windows(2).all(|w| w[0].name < w[1].name));
        for b in BUILTINS {
            assert!(signature::params(b.signature).is_ok(), "{}", b.name);
        }
        assert_eq!(arity(builtin("substring").unwrap()), (1, Some(3)));
        assert_eq!(arity(builtin("random").unwrap()), (0, Some(1)));
        assert_eq!(arity(builtin("zip").unwrap()), (1, None));
        assert!(builtin("eval").is_none());
        assert!(is_builtin("eval"));
        for (_, r) in FOREIGN {
            if let Replacement::Function(f) = r {
                assert!(builtin(f).is_some(), "{f}");
            }
        }
    }
}
