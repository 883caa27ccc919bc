//! Field tables and the generic member check: unknown field, field not allowed on this state
//! type, field not allowed in this query language, wrong value.

use super::names::{is_operator, same};
use super::site::{Part, Site};
use super::values::{check_value, Expect, Lang, MAX_SECONDS};
use crate::diagnostic::{Finding, Fix};
use crate::document::{Member, Node};
use crate::edits;
use crate::model::{QueryLanguage, StateType};
use crate::suggest::{did_you_mean, single_suggestion};

/// A set of state types, one bit per type in `StateType::ALL` order.
pub(super) type Types = u8;

pub(super) const TASK: Types = 1;
pub(super) const PASS: Types = 1 << 1;
pub(super) const CHOICE: Types = 1 << 2;
pub(super) const WAIT: Types = 1 << 3;
pub(super) const SUCCEED: Types = 1 << 4;
pub(super) const FAIL: Types = 1 << 5;
pub(super) const PARALLEL: Types = 1 << 6;
pub(super) const MAP: Types = 1 << 7;
pub(super) const ANY: Types = u8::MAX;

const TRANSITIONS: Types = TASK | PASS | WAIT | PARALLEL | MAP;
const NOT_FAIL: Types = ANY & !FAIL;
const ASSIGNERS: Types = ANY & !(SUCCEED | FAIL);
const WORKERS: Types = TASK | PARALLEL | MAP;

pub(super) fn bit(ty: StateType) -> Types {
    let index = StateType::ALL.iter().position(|t| *t == ty).unwrap_or(0);
    1 << index
}

/// A field an object may have.
#[derive(Clone, Copy, Debug)]
pub(super) struct Field {
    pub name: &'static str,
    /// State types that may have it (`ANY` outside states).
    pub types: Types,
    pub lang: Lang,
    pub value: Expect,
}

const fn field(name: &'static str, types: Types, lang: Lang, value: Expect) -> Field {
    Field {
        name,
        types,
        lang,
        value,
    }
}

/// A field of a nested object (no state-type restriction).
pub(super) const fn sub(name: &'static str, lang: Lang, value: Expect) -> Field {
    field(name, ANY, lang, value)
}

use crate::quote::abbreviate;
use Expect::{Any, Array, Custom, Int, Num, Object, ObjectOrArray, Str, StrOrNull};
use Lang::{Both, JsonPath, Jsonata};

const SECONDS: Expect = Int(1, MAX_SECONDS);

/// Every state field, the most frequent first (lookups scan the table).
pub(super) static STATE_FIELDS: &[Field] = &[
    field("Type", ANY, Both, Custom),
    field("Next", TRANSITIONS, Both, Str),
    field("End", TRANSITIONS, Both, Custom),
    field("Resource", TASK, Both, Custom),
    // Any JSON value: a string, number, boolean or null is passed as it is (AWS's statelint
    // and language service accept them, and their tests say so).
    field("Parameters", TASK | PASS | PARALLEL | MAP, JsonPath, Any),
    field(
        "ResultPath",
        TASK | PASS | PARALLEL | MAP,
        JsonPath,
        StrOrNull,
    ),
    field("Comment", ANY, Both, Str),
    field("Retry", WORKERS, Both, Custom),
    field("Catch", WORKERS, Both, Custom),
    field("OutputPath", NOT_FAIL, JsonPath, StrOrNull),
    field("ResultSelector", WORKERS, JsonPath, ObjectOrArray),
    field("InputPath", NOT_FAIL, JsonPath, StrOrNull),
    field("Choices", CHOICE, Both, Custom),
    field("Default", CHOICE, Both, Str),
    field("Seconds", WAIT, Both, Int(0, MAX_SECONDS)),
    field("TimeoutSeconds", TASK, Both, SECONDS),
    field("Arguments", TASK | PARALLEL, Jsonata, Object),
    field("Output", NOT_FAIL, Jsonata, Any),
    field("Assign", ASSIGNERS, Both, Custom),
    field("Result", PASS, Both, Any),
    field("Error", FAIL, Both, Str),
    field("Cause", FAIL, Both, Str),
    field("Branches", PARALLEL, Both, Custom),
    field("ItemProcessor", MAP, Both, Custom),
    field("Iterator", MAP, Both, Custom),
    field("ItemsPath", MAP, JsonPath, Str),
    field("MaxConcurrency", MAP, Both, Int(0, i64::MAX)),
    field("ItemSelector", MAP, Both, ObjectOrArray),
    field("QueryLanguage", ANY, Both, Custom),
    field("CausePath", FAIL, JsonPath, Str),
    field("Credentials", TASK, Both, Object),
    field("ErrorPath", FAIL, JsonPath, Str),
    field("HeartbeatSeconds", TASK, Both, SECONDS),
    field("HeartbeatSecondsPath", TASK, JsonPath, Str),
    field("ItemBatcher", MAP, Both, Custom),
    field("ItemReader", MAP, Both, Custom),
    field("Items", MAP, Jsonata, Array),
    field("Label", MAP, Both, Str),
    field("MaxConcurrencyPath", MAP, JsonPath, Str),
    field("ResultWriter", MAP, Both, Custom),
    field("SecondsPath", WAIT, JsonPath, Str),
    field("TimeoutSecondsPath", TASK, JsonPath, Str),
    field("Timestamp", WAIT, Both, Str),
    field("TimestampPath", WAIT, JsonPath, Str),
    field("ToleratedFailureCount", MAP, Both, Int(0, i64::MAX)),
    field("ToleratedFailureCountPath", MAP, JsonPath, Str),
    field("ToleratedFailurePercentage", MAP, Both, Num(0.0, 100.0)),
    field("ToleratedFailurePercentagePath", MAP, JsonPath, Str),
];

/// A linear scan with `same`, which measured faster than a binary search (a `memcmp` per probe).
pub(super) fn state_field(name: &str) -> Option<&'static Field> {
    find(STATE_FIELDS, name)
}

pub(super) fn find<'f>(fields: &'f [Field], name: &str) -> Option<&'f Field> {
    fields.iter().find(|f| same(f.name, name))
}

/// "Task", "Task and Map", "Task, Parallel and Map".
fn type_list(types: Types) -> String {
    let names: Vec<&str> = StateType::ALL
        .into_iter()
        .filter(|t| types & bit(*t) != 0)
        .map(StateType::name)
        .collect();
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => last.to_string(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// Why a known field cannot be on a state of this type.
fn not_allowed_reason(field: &Field, ty: StateType) -> String {
    match (field.name, ty) {
        ("Next" | "End", StateType::Choice) => {
            "a Choice state moves on through its \"Choices\" rules and \"Default\"".to_string()
        }
        ("Next" | "End", _) => format!(
            "a {} state always ends its execution, branch or iteration",
            ty.name()
        ),
        (_, StateType::Fail) => {
            "a Fail state takes only \"Error\", \"Cause\", \"ErrorPath\", \"CausePath\" and \"Comment\""
                .to_string()
        }
        ("Retry", _) => "only Task, Parallel and Map states can retry".to_string(),
        ("Catch", _) => "only Task, Parallel and Map states can catch errors".to_string(),
        ("Assign", _) => "Succeed and Fail states cannot assign variables".to_string(),
        _ => format!("only {} states can have it", type_list(field.types)),
    }
}

/// What to write instead of a field of the other query language.
pub(super) fn language_advice(name: &str, ty: Option<StateType>, part: Part) -> Option<String> {
    let owner_is_catcher = matches!(part, Part::Item("Catch", _));
    let text = match name {
        "InputPath" => "refer to the input as $states.input inside expressions instead",
        "OutputPath" | "ResultSelector" => "use \"Output\"",
        "ResultPath" if owner_is_catcher => "use \"Output\"",
        "ResultPath" => "use \"Output\" or \"Assign\", which see the result as $states.result",
        "Parameters" => match (ty, part) {
            (_, Part::Field(_)) => "use \"Arguments\"",
            (Some(StateType::Pass), _) => "use \"Output\"",
            (Some(StateType::Map), _) => "use \"ItemSelector\"",
            _ => "use \"Arguments\"",
        },
        "ItemsPath" => "use \"Items\"",
        "Variable" | "And" | "Or" | "Not" => "use \"Condition\" with a JSONata expression",
        "Arguments" => "use \"Parameters\"",
        "Items" => "use \"ItemsPath\"",
        "Condition" => "use \"Variable\" and a comparison operator such as \"StringEquals\"",
        "Output" if owner_is_catcher => "use \"ResultPath\"",
        "Output" => match (ty, part) {
            (_, Part::Item(..) | Part::Nested(_)) => return None,
            (Some(StateType::Pass), _) => "use \"Result\" or \"Parameters\"",
            (Some(StateType::Task | StateType::Parallel | StateType::Map), _) => {
                "use \"ResultSelector\" or \"OutputPath\""
            }
            _ => "use \"OutputPath\"",
        },
        _ => {
            if let Some(base) = name.strip_suffix("Path") {
                return Some(format!(
                    "use \"{base}\" with a JSONata expression",
                    base = abbreviate(base)
                ));
            }
            if is_operator(name) {
                return Some("use \"Condition\" with a JSONata expression".to_string());
            }
            return None;
        }
    };
    Some(text.to_string())
}

/// How a state's query language can be changed, for the help line of a language finding.
#[derive(Clone, Copy, Debug)]
pub(super) struct LangContext {
    pub state: QueryLanguage,
    pub machine: QueryLanguage,
    pub ty: Option<StateType>,
}

impl LangContext {
    fn switch_help(&self, field_lang: Lang) -> Option<&'static str> {
        match (field_lang, self.machine) {
            (Lang::Jsonata, _) => {
                Some("or set \"QueryLanguage\": \"JSONata\" on the state to use JSONata fields")
            }
            (Lang::JsonPath, QueryLanguage::JsonPath) => Some(
                "or remove \"QueryLanguage\": \"JSONata\" from the state to keep using JSONPath",
            ),
            _ => None,
        }
    }
}

/// Checks every member of `node` against `fields`. Members marked `Custom` that pass the name,
/// type and language checks are handed to `custom`.
pub(super) fn check_members<'n>(
    out: &mut Vec<Finding>,
    site: &Site,
    node: &'n Node,
    fields: &[Field],
    lang: LangContext,
    mut custom: impl FnMut(&mut Vec<Finding>, &'n Member),
) {
    let members = node.as_object().unwrap_or(&[]);
    for member in members {
        let key = member.key.as_str();
        let Some(field) = find(fields, key) else {
            unknown_field(out, site, member, members, fields, lang);
            continue;
        };
        if let Some(ty) = lang.ty {
            if field.types & bit(ty) == 0 {
                out.push(
                    site.finding(
                        member.key_span,
                        format!(
                            "\"{key}\" is not allowed on a {} state ('{}'); {}",
                            ty.name(),
                            abbreviate(site.state.unwrap_or_default()),
                            not_allowed_reason(field, ty),
                            key = abbreviate(key)
                        ),
                    )
                    .help(format!("remove \"{key}\"", key = abbreviate(key))),
                );
                continue;
            }
        }
        if !field.lang.allows(lang.state) {
            language_error(out, site, member, field.lang, lang);
            continue;
        }
        match field.value {
            Expect::Custom => custom(out, member),
            expect => {
                check_value(out, site, key, &member.value, expect, lang.state);
            }
        }
    }
}

/// A field of the other query language.
pub(super) fn language_error(
    out: &mut Vec<Finding>,
    site: &Site,
    member: &Member,
    field_lang: Lang,
    lang: LangContext,
) {
    let (is, uses) = match field_lang {
        Lang::Jsonata => ("JSONata", "JSONPath"),
        _ => ("JSONPath", "JSONata"),
    };
    let owner = match site.state {
        Some(state) => format!("state '{state}'", state = abbreviate(state)),
        None => site.owner(),
    };
    let advice = language_advice(&member.key, lang.ty, site.part)
        .map(|a| format!("; {a}"))
        .unwrap_or_default();
    let mut f = site.finding(
        member.key_span,
        format!(
            "{} is a {is} field, but {owner} uses {uses}{advice}",
            site.field_short(&member.key)
        ),
    );
    if let Some(help) = lang.switch_help(field_lang) {
        f = f.help(help);
    }
    out.push(f);
}

fn unknown_field(
    out: &mut Vec<Finding>,
    site: &Site,
    member: &Member,
    siblings: &[Member],
    fields: &[Field],
    lang: LangContext,
) {
    let key = member.key.as_str();
    let fits =
        |f: &&Field| lang.ty.is_none_or(|ty| f.types & bit(ty) != 0) && f.lang.allows(lang.state);
    let suggestion = did_you_mean(key, fields.iter().filter(fits).map(|f| f.name))
        .or_else(|| did_you_mean(key, fields.iter().map(|f| f.name)));
    // A fix only for one clear match that fits here and is not set already.
    let rename = single_suggestion(key, fields.iter().filter(fits).map(|f| f.name))
        .filter(|s| !siblings.iter().any(|m| m.key == *s))
        .filter(|s| find(fields, s).is_none_or(|f| kind_fits(f.value, &member.value)))
        .and_then(|s| Some((s, edits::rename_key(member, s)?)));
    let mut f = site.finding(
        member.key_span,
        format!(
            "{} has an unknown field \"{key}\"",
            site.subject(),
            key = abbreviate(key)
        ),
    );
    f = match (key, suggestion) {
        ("StringMatchesPath", _) => f.help(
            "there is no \"StringMatchesPath\": \"StringMatches\" takes a fixed pattern; compare with a path using \"StringEqualsPath\"",
        ),
        (_, Some(s)) => f.help(format!("did you mean \"{s}\"? Field names are case-sensitive", s = abbreviate(s))),
        (_, None) => f.help(format!("remove \"{key}\"; Step Functions rejects fields it does not know", key = abbreviate(key))),
    };
    if let Some((name, edit)) = rename {
        f = f.fix(Fix::safe(
            format!(
                "rename \"{key}\" to \"{name}\"",
                key = abbreviate(key),
                name = abbreviate(name)
            ),
            vec![edit],
        ));
    }
    out.push(f);
}

/// Whether a value is of the kind a field takes (`Custom` fields are checked elsewhere: any).
/// A misspelt `"End": true` is not `"And"`, which takes an array.
fn kind_fits(expect: Expect, node: &Node) -> bool {
    use crate::document::Value;
    match (expect, &node.value) {
        (Any | Custom, _) => true,
        (Str | Expect::Enum(_), Value::String(_)) => true,
        (StrOrNull, Value::String(_) | Value::Null) => true,
        (Expect::Bool, Value::Bool(_)) => true,
        (Int(..) | Num(..), Value::Number(_)) => true,
        (Object, Value::Object(_)) | (Array, Value::Array(_)) => true,
        (ObjectOrArray, Value::Object(_) | Value::Array(_)) => true,
        // A JSONata expression or a placeholder may stand for anything.
        (_, Value::String(s)) => s.contains("{%") || s.contains("${"),
        _ => false,
    }
}

/// Reports the later of two mutually exclusive fields, pointing back at the earlier one.
pub(super) fn exclusive(
    out: &mut Vec<Finding>,
    site: &Site,
    node: &Node,
    a: &str,
    b: &str,
    help: &str,
) {
    let (Some(ma), Some(mb)) = (node.member(a), node.member(b)) else {
        return;
    };
    let (first, second) = if ma.key_span.start <= mb.key_span.start {
        (ma, mb)
    } else {
        (mb, ma)
    };
    let what = match site.part_name() {
        None => site.owner(),
        Some(_) => site.subject(),
    };
    out.push(
        site.finding(
            second.key_span,
            format!(
                "{what} has both \"{}\" and \"{}\"; use only one",
                abbreviate(&first.key),
                abbreviate(&second.key)
            ),
        )
        .related(
            first.key_span,
            format!("\"{}\" is set here", abbreviate(&first.key)),
        )
        .help(help.to_string()),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_fields_are_unique() {
        for (i, field) in STATE_FIELDS.iter().enumerate() {
            assert!(
                STATE_FIELDS[..i].iter().all(|f| f.name != field.name),
                "{}",
                field.name
            );
        }
        assert!(state_field("Next").is_some());
        assert!(state_field("Nxt").is_none());
    }

    #[test]
    fn lists_types_in_plain_words() {
        assert_eq!(type_list(WORKERS), "Task, Parallel and Map");
        assert_eq!(type_list(TASK), "Task");
        assert_eq!(type_list(TASK | MAP), "Task and Map");
    }
}
