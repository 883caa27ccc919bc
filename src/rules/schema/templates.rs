//! JSONPath payload templates (`.$` keys) and `Assign` variable names.

use super::site::Site;
use super::values::{check_literal, Expect};
use crate::asl::variable::invalid_name as invalid_variable;
use crate::diagnostic::Finding;
use crate::document::{descendants, Member, Node};
use crate::model::QueryLanguage;
use crate::quote::abbreviate;

/// In a JSONPath payload template every `key.$` holds a path or intrinsic (a string), and
/// no object has both `key` and `key.$`.
pub(super) fn dollar_keys(out: &mut Vec<Finding>, site: &Site, field: &str, root: &Node) {
    for node in descendants(root) {
        let Some(members) = node.as_object() else {
            continue;
        };
        let index = KeyIndex::new(members);
        for member in members {
            let Some(plain) = member.key.strip_suffix(".$") else {
                continue;
            };
            if member.value.as_str().is_none() {
                out.push(
                    site.finding(
                        member.value.span,
                        format!(
                            "\"{}\" in {field} of {} must be a string (a path or an intrinsic function), found {}",
                            abbreviate(&member.key),
                            site.owner(),
                            member.value.kind()
                        ),
                    )
                    .help(format!("remove \".$\" from the key to use the value as it is: \"{plain}\"", plain = abbreviate(plain))),
                );
            }
            if let Some(twin) = index.find(members, plain) {
                let (first, second) = if twin.key_span.start < member.key_span.start {
                    (twin, member)
                } else {
                    (member, twin)
                };
                out.push(
                    site.finding(
                        second.key_span,
                        format!(
                            "\"{plain}\" and \"{plain}.$\" in {field} of {} both set the field \"{plain}\"",
                            site.owner(), plain = abbreviate(plain)
                        ),
                    )
                    .related(first.key_span, format!("\"{}\" is set here", abbreviate(&first.key)))
                    .help(format!(
                        "keep \"{plain}.$\" to take the value from the input, or \"{plain}\" for a fixed value", plain = abbreviate(plain)
                    )),
                );
            }
        }
    }
}

/// Finds members by key: a scan for small objects, a sorted index for large ones, so that an
/// object with thousands of `.$` keys stays linear-logarithmic.
struct KeyIndex<'n> {
    sorted: Vec<(&'n str, usize)>,
}

impl<'n> KeyIndex<'n> {
    const SCAN_LIMIT: usize = 32;

    fn new(members: &'n [Member]) -> Self {
        let mut sorted = Vec::new();
        if members.len() > Self::SCAN_LIMIT {
            sorted = members
                .iter()
                .enumerate()
                .map(|(i, m)| (m.key.as_str(), i))
                .collect();
            sorted.sort_unstable();
        }
        KeyIndex { sorted }
    }

    fn find<'m>(&self, members: &'m [Member], key: &str) -> Option<&'m Member> {
        if members.len() <= Self::SCAN_LIMIT {
            return members.iter().find(|m| m.key == key);
        }
        let at = self.sorted.partition_point(|(k, _)| *k < key);
        self.sorted
            .get(at)
            .filter(|(k, _)| *k == key)
            .map(|(_, i)| &members[*i])
    }
}

/// `Assign`: an object whose keys are variable names (with `.$` allowed in JSONPath).
pub(super) fn assign(out: &mut Vec<Finding>, site: &Site, member: &Member, ql: QueryLanguage) {
    let node = &member.value;
    if !check_literal(out, site, "Assign", node, Expect::Object) {
        return;
    }
    let jsonpath = ql == QueryLanguage::JsonPath;
    if jsonpath {
        dollar_keys(out, site, "Assign", node);
    }
    for var in node.as_object().unwrap_or(&[]) {
        let name = match var.key.strip_suffix(".$") {
            Some(name) if jsonpath => name,
            _ => var.key.as_str(),
        };
        let Some(reason) = invalid_variable(name) else {
            continue;
        };
        let help = if name == "states" {
            "choose another name; $states holds the input, result and context of the current state"
        } else if name.contains('.') || name.contains('[') {
            "Assign sets whole variables; assign the whole object or array instead"
        } else {
            "variable names use letters, digits and \"_\" and do not start with a digit, e.g. \"orderId\""
        };
        out.push(
            site.finding(
                var.key_span,
                format!(
                    "{} has an invalid variable name \"{name}\": {reason}",
                    site.field("Assign"),
                    name = abbreviate(name)
                ),
            )
            .help(help),
        );
    }
}
