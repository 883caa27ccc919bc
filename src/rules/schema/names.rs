//! Name lookups shared by the field tables and the Choice rules (and the operator table).

use super::values::Expect;

/// `a == b`, checking the length and the first and last bytes before calling `memcmp`: table
/// lookups compare a key with many names, and almost all of them differ there.
#[inline]
pub(super) fn same(a: &str, b: &str) -> bool {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    x.len() == y.len() && x.first() == y.first() && x.last() == y.last() && x == y
}

const NUMBER: Expect = Expect::Num(f64::NEG_INFINITY, f64::INFINITY);

/// Comparison operators and the operand each takes, sorted by name.
pub(super) static OPERATORS: &[(&str, Expect)] = &[
    ("BooleanEquals", Expect::Bool),
    ("BooleanEqualsPath", Expect::Str),
    ("IsBoolean", Expect::Bool),
    ("IsNull", Expect::Bool),
    ("IsNumeric", Expect::Bool),
    ("IsPresent", Expect::Bool),
    ("IsString", Expect::Bool),
    ("IsTimestamp", Expect::Bool),
    ("NumericEquals", NUMBER),
    ("NumericEqualsPath", Expect::Str),
    ("NumericGreaterThan", NUMBER),
    ("NumericGreaterThanEquals", NUMBER),
    ("NumericGreaterThanEqualsPath", Expect::Str),
    ("NumericGreaterThanPath", Expect::Str),
    ("NumericLessThan", NUMBER),
    ("NumericLessThanEquals", NUMBER),
    ("NumericLessThanEqualsPath", Expect::Str),
    ("NumericLessThanPath", Expect::Str),
    ("StringEquals", Expect::Str),
    ("StringEqualsPath", Expect::Str),
    ("StringGreaterThan", Expect::Str),
    ("StringGreaterThanEquals", Expect::Str),
    ("StringGreaterThanEqualsPath", Expect::Str),
    ("StringGreaterThanPath", Expect::Str),
    ("StringLessThan", Expect::Str),
    ("StringLessThanEquals", Expect::Str),
    ("StringLessThanEqualsPath", Expect::Str),
    ("StringLessThanPath", Expect::Str),
    ("StringMatches", Expect::Str),
    ("TimestampEquals", Expect::Str),
    ("TimestampEqualsPath", Expect::Str),
    ("TimestampGreaterThan", Expect::Str),
    ("TimestampGreaterThanEquals", Expect::Str),
    ("TimestampGreaterThanEqualsPath", Expect::Str),
    ("TimestampGreaterThanPath", Expect::Str),
    ("TimestampLessThan", Expect::Str),
    ("TimestampLessThanEquals", Expect::Str),
    ("TimestampLessThanEqualsPath", Expect::Str),
    ("TimestampLessThanPath", Expect::Str),
];

pub(super) fn is_operator(name: &str) -> bool {
    operator(name).is_some()
}

fn operator(name: &str) -> Option<Expect> {
    OPERATORS
        .iter()
        .find(|(n, _)| same(n, name))
        .map(|(_, expect)| *expect)
}
