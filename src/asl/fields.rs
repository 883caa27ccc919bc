//! The values of a JSONPath state that Step Functions evaluates as paths or intrinsic functions:
//! its path fields, Choice rule comparisons, and the `.$` members of its payload templates and
//! Assign objects. One walk, shared by the rules that check these values and by the variables
//! analysis that finds the `$name` reads among them.

use std::fmt;

use crate::document::{Member, Node, Value};
use crate::model::State;

/// What a field accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Any Path (filters, unions, `$$`, variables).
    Path,
    /// A Reference Path: one node, so no filters, unions or slices.
    Reference,
    /// `ResultPath`: a Reference Path into the state's output, so no `$$` and no variable.
    ResultPath,
}

/// Where a checked value sits in its state, rendered only when a finding is made.
#[derive(Clone, Copy, Debug)]
pub enum Field<'a> {
    /// A field of the state, e.g. "InputPath" or "ItemBatcher.MaxItemsPerBatchPath".
    Named(&'a str),
    /// A field of a Choice rule.
    ChoiceRule {
        key: &'a str,
        top: usize,
        nested: bool,
    },
    /// A field of a Catcher.
    Catcher { key: &'a str, index: usize },
    /// A `.$` member of a payload template or an Assign object.
    Dollar { key: &'a str, template: Template },
}

impl fmt::Display for Field<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Field::Named(name) => f.write_str(name),
            Field::ChoiceRule {
                key,
                top,
                nested: false,
            } => write!(f, "Choices[{top}].{key}"),
            Field::ChoiceRule {
                key,
                top,
                nested: true,
            } => write!(f, "{key} in a nested rule of Choices[{top}]"),
            Field::Catcher { key, index } => write!(f, "Catch[{index}].{key}"),
            Field::Dollar { key, template } => write!(f, "\"{key}\" in {template}"),
        }
    }
}

/// The object holding `.$` members: a payload template or an Assign.
#[derive(Clone, Copy, Debug)]
pub enum Template {
    /// "Parameters", "ItemReader.Parameters", "Assign", …
    Named(&'static str),
    ChoiceAssign(usize),
    CatchAssign(usize),
}

impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Template::Named(name) => f.write_str(name),
            Template::ChoiceAssign(top) => write!(f, "Choices[{top}].Assign"),
            Template::CatchAssign(index) => write!(f, "Catch[{index}].Assign"),
        }
    }
}

/// A value a JSONPath state evaluates as a path or intrinsic.
#[derive(Clone, Copy, Debug)]
pub enum Item<'d> {
    /// A field that holds a Path or Reference Path (or null).
    Path {
        field: Field<'d>,
        node: &'d Node,
        kind: Kind,
    },
    /// A `"key.$"` member (string-valued) of a payload template or an Assign object.
    Dollar {
        template: Template,
        member: &'d Member,
    },
}

/// Calls `f` for every path field and every string-valued `.$` member of `state`, in document
/// order: state fields (InputPath, OutputPath, ResultPath, the `…Path` fields, ItemReader
/// ReaderConfig.MaxItemsPath, ItemBatcher MaxItemsPerBatchPath/MaxInputBytesPerBatchPath),
/// Choice rule `Variable` and `…Path` operators (nested rules included), Catcher ResultPath,
/// and `.$` members at any depth of the payload templates (the ones `State::payload_templates`
/// lists) and of the Assign objects of the state, its Choice rules and its Catchers.
///
/// One pass over the state's members: this runs for every state of every file.
pub fn visit<'d>(state: &State<'d>, mut f: impl FnMut(Item<'d>)) {
    let Some(members) = state.node.as_object() else {
        return;
    };
    let mut stack: Vec<&'d Node> = Vec::new();
    let mut walk = |template: Template, root: &'d Node, f: &mut dyn FnMut(Item<'d>)| {
        stack.push(root);
        while let Some(node) = stack.pop() {
            match &node.value {
                Value::Object(members) => {
                    stack.extend(members.iter().rev().map(|m| &m.value));
                    // This object's `.$` members, in order, before anything nested deeper.
                    for member in members {
                        if member.key.ends_with(".$") && member.value.as_str().is_some() {
                            f(Item::Dollar { template, member });
                        }
                    }
                }
                Value::Array(items) => stack.extend(items.iter().rev()),
                _ => {}
            }
        }
    };
    for member in members {
        let key = member.key.as_str();
        let handled = matches!(
            key,
            "InputPath"
                | "OutputPath"
                | "ResultPath"
                | "ItemsPath"
                | "SecondsPath"
                | "TimestampPath"
                | "TimeoutSecondsPath"
                | "HeartbeatSecondsPath"
                | "MaxConcurrencyPath"
                | "ToleratedFailureCountPath"
                | "ToleratedFailurePercentagePath"
                | "ErrorPath"
                | "CausePath"
                | "Parameters"
                | "ResultSelector"
                | "ItemSelector"
                | "Credentials"
                | "Assign"
                | "ItemReader"
                | "ResultWriter"
                | "ItemBatcher"
                | "Choices"
                | "Catch"
        );
        // With a duplicated key the last one counts, as everywhere else.
        if !handled
            || !state
                .member(key)
                .is_some_and(|last| std::ptr::eq(last, member))
        {
            continue;
        }
        let node = &member.value;
        let path = |kind| Item::Path {
            field: Field::Named(key),
            node,
            kind,
        };
        match key {
            "InputPath" | "OutputPath" => f(path(Kind::Path)),
            "ResultPath" => f(path(Kind::ResultPath)),
            "Parameters" | "ResultSelector" | "ItemSelector" | "Credentials" | "Assign" => {
                let name = match key {
                    "Parameters" => "Parameters",
                    "ResultSelector" => "ResultSelector",
                    "ItemSelector" => "ItemSelector",
                    "Credentials" => "Credentials",
                    _ => "Assign",
                };
                walk(Template::Named(name), node, &mut f);
            }
            "ItemReader" => {
                if let Some(parameters) = node.get("Parameters") {
                    walk(Template::Named("ItemReader.Parameters"), parameters, &mut f);
                }
                if let Some(max) = node.get("ReaderConfig").and_then(|c| c.get("MaxItemsPath")) {
                    f(Item::Path {
                        field: Field::Named("ItemReader.ReaderConfig.MaxItemsPath"),
                        node: max,
                        kind: Kind::Reference,
                    });
                }
            }
            "ResultWriter" => {
                if let Some(parameters) = node.get("Parameters") {
                    walk(
                        Template::Named("ResultWriter.Parameters"),
                        parameters,
                        &mut f,
                    );
                }
            }
            "ItemBatcher" => {
                for batcher in node.as_object().unwrap_or(&[]) {
                    let field = match batcher.key.as_str() {
                        "MaxItemsPerBatchPath" => "ItemBatcher.MaxItemsPerBatchPath",
                        "MaxInputBytesPerBatchPath" => "ItemBatcher.MaxInputBytesPerBatchPath",
                        "BatchInput" => {
                            walk(
                                Template::Named("ItemBatcher.BatchInput"),
                                &batcher.value,
                                &mut f,
                            );
                            continue;
                        }
                        _ => continue,
                    };
                    f(Item::Path {
                        field: Field::Named(field),
                        node: &batcher.value,
                        kind: Kind::Reference,
                    });
                }
            }
            "Choices" => {
                for rule in state.choice_rules() {
                    for rm in rule.node.as_object().unwrap_or(&[]) {
                        if rm.key == "Assign" {
                            walk(Template::ChoiceAssign(rule.top), &rm.value, &mut f);
                        } else if rm.key == "Variable" || rm.key.ends_with("Path") {
                            f(Item::Path {
                                field: Field::ChoiceRule {
                                    key: &rm.key,
                                    top: rule.top,
                                    nested: rule.nested,
                                },
                                node: &rm.value,
                                kind: Kind::Path,
                            });
                        }
                    }
                }
            }
            "Catch" => {
                for (index, catcher) in node.as_array().unwrap_or(&[]).iter().enumerate() {
                    for cm in catcher.as_object().unwrap_or(&[]) {
                        match cm.key.as_str() {
                            "ResultPath" => f(Item::Path {
                                field: Field::Catcher {
                                    key: "ResultPath",
                                    index,
                                },
                                node: &cm.value,
                                kind: Kind::ResultPath,
                            }),
                            "Assign" => walk(Template::CatchAssign(index), &cm.value, &mut f),
                            _ => {}
                        }
                    }
                }
            }
            // The remaining `…Path` fields hold Reference Paths.
            _ => f(path(Kind::Reference)),
        }
    }
}
