//! A `DefinitionString` rebuilt as the text Step Functions receives, with the origin of every
//! piece of it, so that a finding in the rebuilt text points at the exact characters of the
//! template: inside a string fragment of a CDK `Fn::Join`, an `Fn::Sub` template or a one-line
//! JSON string, across escapes, quotes and YAML block indentation.

use std::ops::Range;

use crate::diagnostic::{Edit, Fix};
use crate::document::inner::ValueMap;
use crate::document::Node;
use crate::hash::FastMap;
use crate::source::Span;
use crate::template::{dollar_placeholders, Scope, UnknownSubstitution};

/// Where a piece of the rebuilt text comes from.
#[derive(Clone, Copy, Debug)]
enum Origin<'d> {
    /// Copied from the string value of `node`, starting at its decoded byte `at`.
    Copied { node: &'d Node, at: usize },
    /// Made from decoded bytes `from..to` of the string value of `node`: a `${X}` that
    /// `Fn::Sub` replaced with its value.
    Substituted {
        node: &'d Node,
        from: usize,
        to: usize,
    },
    /// The value of a whole template node, such as `{"Fn::GetAtt": [...]}` in a `Fn::Join`.
    Computed { span: Span },
    /// Copied byte for byte from the source text at byte `at` (a Terraform heredoc or template
    /// file); in a `template`, a replacement's `${` and `%{` are written `$${` and `%%{`.
    Verbatim { at: usize, template: bool },
}

#[derive(Clone, Copy, Debug)]
struct Piece<'d> {
    start: usize,
    end: usize,
    origin: Origin<'d>,
}

/// The rebuilt text and its pieces, in order, covering it.
#[derive(Debug, Default)]
pub struct Rebuilt<'d> {
    pub text: String,
    pieces: Vec<Piece<'d>>,
    /// `${Name}`s in the text that nothing defines, at their offsets in `text`.
    pub unknown: Vec<UnknownSubstitution>,
}

impl<'d> Rebuilt<'d> {
    /// All of `node`'s string value (a plain `DefinitionString`).
    pub fn whole(node: &'d Node) -> Rebuilt<'d> {
        let mut out = Rebuilt::default();
        if let Some(s) = node.as_str() {
            out.copy(node, 0..s.len());
        }
        out
    }

    /// Records the placeholders of `value`, appended at offset `at`, that `scope` does not
    /// define.
    pub fn note_unknown(&mut self, value: &str, at: usize, scope: Scope) {
        for (name, range) in dollar_placeholders(value) {
            if let Err(suggestion) = scope.check(name) {
                self.unknown.push(UnknownSubstitution {
                    name: name.to_string(),
                    span: Span::new(at + range.start, at + range.end),
                    defined_by: scope.defined_by(),
                    suggestion,
                });
            }
        }
    }

    /// Appends decoded bytes `range` of `node`'s string value as they are.
    pub fn copy(&mut self, node: &'d Node, range: Range<usize>) {
        let Some(text) = node.as_str().and_then(|s| s.get(range.clone())) else {
            return;
        };
        if text.is_empty() {
            return;
        }
        self.push(
            text,
            Origin::Copied {
                node,
                at: range.start,
            },
        );
    }

    /// Appends `value`, which replaced decoded bytes `range` of `node`'s string value.
    pub fn substitute(&mut self, value: &str, node: &'d Node, range: Range<usize>) {
        self.push(
            value,
            Origin::Substituted {
                node,
                from: range.start,
                to: range.end,
            },
        );
    }

    /// Appends `value`, computed from the template node at `span`.
    pub fn computed(&mut self, value: &str, span: Span) {
        self.push(value, Origin::Computed { span });
    }

    /// Appends `value`, written byte for byte at offset `at` of the source text.
    pub fn verbatim(&mut self, value: &str, at: usize, template: bool) {
        if !value.is_empty() {
            self.push(value, Origin::Verbatim { at, template });
        }
    }

    fn push(&mut self, value: &str, origin: Origin<'d>) {
        let start = self.text.len();
        self.text.push_str(value);
        self.pieces.push(Piece {
            start,
            end: self.text.len(),
            origin,
        });
    }

    /// Places spans of the rebuilt text in the template `text`.
    pub fn locator<'r, 't>(&'r self, text: &'t str) -> Locator<'r, 'd, 't> {
        Locator {
            rebuilt: self,
            text,
            maps: FastMap::default(),
        }
    }

    /// The piece holding byte `at` (the last one for the end of the text).
    fn piece_at(&self, at: usize) -> Option<&Piece<'d>> {
        let i = self.pieces.partition_point(|p| p.end <= at);
        self.pieces.get(i).or_else(|| self.pieces.last())
    }
}

/// Maps spans and edits of a rebuilt text back to the template, decoding each string
/// fragment once.
pub struct Locator<'r, 'd, 't> {
    rebuilt: &'r Rebuilt<'d>,
    text: &'t str,
    /// By the fragment node's span; `None` when its text does not decode to its value.
    maps: FastMap<Span, Option<ValueMap>>,
}

impl Locator<'_, '_, '_> {
    fn map(&mut self, node: &Node) -> Option<&ValueMap> {
        let text = self.text;
        self.maps
            .entry(node.span)
            .or_insert_with(|| ValueMap::new(text, node))
            .as_ref()
    }

    /// The template span of bytes `range` of the rebuilt text, within one piece.
    fn within(&mut self, piece: Piece, range: Range<usize>) -> Option<Span> {
        match piece.origin {
            Origin::Copied { node, at } => {
                let from = at + (range.start - piece.start);
                let to = at + (range.end - piece.start);
                Some(self.map(node)?.span(from..to))
            }
            Origin::Substituted { node, from, to } => Some(self.map(node)?.span(from..to)),
            Origin::Computed { span } => Some(span),
            Origin::Verbatim { at, .. } => Some(Span::new(
                at + (range.start - piece.start),
                at + (range.end - piece.start),
            )),
        }
    }

    /// Where `span` of the rebuilt text is in the template, or `None` when it cannot be
    /// placed (the caller then points at the whole `DefinitionString`).
    pub fn span(&mut self, span: Span) -> Option<Span> {
        let first = *self.rebuilt.piece_at(span.start)?;
        let last = *self
            .rebuilt
            .piece_at(span.end.saturating_sub(1).max(span.start))?;
        let start = self.within(first, span.start.max(first.start)..span.end.min(first.end))?;
        let end = self.within(last, span.start.max(last.start)..span.end.min(last.end))?;
        (start.start <= end.end).then(|| Span::new(start.start, end.end))
    }

    /// The fix in template coordinates, when every edit falls inside text copied verbatim
    /// from one string fragment and its replacement can be written in that fragment's style.
    pub fn fix(&mut self, fix: &Fix) -> Option<Fix> {
        let edits = fix
            .edits
            .iter()
            .map(|edit| self.edit(edit))
            .collect::<Option<Vec<_>>>()?;
        Some(Fix {
            edits,
            ..fix.clone()
        })
    }

    fn edit(&mut self, edit: &Edit) -> Option<Edit> {
        let piece = *self.rebuilt.piece_at(edit.span.start)?;
        if edit.span.end > piece.end && !(edit.span.is_empty() && edit.span.start == piece.end) {
            return None;
        }
        if let Origin::Verbatim { at, template } = piece.origin {
            let start = at + (edit.span.start - piece.start);
            let mut replacement = edit.replacement.clone();
            if template {
                replacement = replacement.replace("${", "$${").replace("%{", "%%{");
            }
            return Some(Edit {
                span: Span::new(start, start + edit.span.len()),
                replacement,
            });
        }
        let Origin::Copied { node, at } = piece.origin else {
            return None;
        };
        let from = at + (edit.span.start - piece.start);
        let to = at + (edit.span.end - piece.start);
        let map = self.map(node)?;
        let span = map.verbatim(from..to)?;
        let replacement = map.encode(&edit.replacement)?;
        Some(Edit { span, replacement })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::json;

    #[test]
    fn spans_map_through_copied_substituted_and_computed_pieces() {
        let text = r#"{"a": "{\"X\": \"v\", ", "b": "${Y}", "c": {"Ref": "Z"}}"#;
        let doc = json::parse(text).unwrap();
        let (a, b, c) = (
            doc.root.get("a").unwrap(),
            doc.root.get("b").unwrap(),
            doc.root.get("c").unwrap(),
        );
        let mut rebuilt = Rebuilt::whole(a);
        rebuilt.substitute("yes", b, 0..4);
        rebuilt.computed("zed", c.span);
        assert_eq!(rebuilt.text, r#"{"X": "v", yeszed"#);
        let mut locator = rebuilt.locator(text);
        let at = |locator: &mut Locator, needle: &str| {
            let i = rebuilt.text.find(needle).unwrap();
            let span = locator.span(Span::new(i, i + needle.len())).unwrap();
            text[span.start..span.end].to_string()
        };
        assert_eq!(at(&mut locator, "\"v\""), r#"\"v\""#);
        assert_eq!(at(&mut locator, "X"), "X");
        assert_eq!(at(&mut locator, "yes"), "\"${Y}\"".trim_matches('"'));
        assert_eq!(at(&mut locator, "zed"), r#"{"Ref": "Z"}"#);
        // Across pieces: from the first's start to the last's end.
        assert_eq!(
            at(&mut locator, " yesz"),
            r#" ", "b": "${Y}", "c": {"Ref": "Z"}"#
        );
    }

    #[test]
    fn fixes_map_only_inside_verbatim_text() {
        let text = r#"{"a": "{\"Next\": \"Wiat\"}"}"#;
        let doc = json::parse(text).unwrap();
        let rebuilt = Rebuilt::whole(doc.root.get("a").unwrap());
        let mut locator = rebuilt.locator(text);
        let i = rebuilt.text.find("Wiat").unwrap();
        let fix = Fix::safe("rename", vec![Edit::replace(Span::new(i, i + 4), "Wait")]);
        let mapped = locator.fix(&fix).unwrap();
        assert_eq!(
            &text[mapped.edits[0].span.start..mapped.edits[0].span.end],
            "Wiat"
        );
        // A replacement with quotes is escaped for the JSON string it lands in.
        let fix = Fix::safe("quote", vec![Edit::replace(Span::new(i, i + 4), "\"W\"")]);
        assert_eq!(locator.fix(&fix).unwrap().edits[0].replacement, r#"\"W\""#);
        // An edit over an escape cannot be placed verbatim.
        let fix = Fix::safe("x", vec![Edit::replace(Span::new(i - 1, i + 4), "x")]);
        assert!(locator.fix(&fix).is_none());
    }
}
