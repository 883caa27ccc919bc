//! The picture in Graphviz DOT: clusters for scopes, styles per shape and severity.

use std::fmt::Write;

use super::*;

impl Picture {
    pub(super) fn dot(&self) -> String {
        let mut out = String::from(
            "digraph \"state machine\" {\n  rankdir=TB;\n  \
             graph [fontname=\"Helvetica\", fontsize=11];\n  \
             node [fontname=\"Helvetica\", fontsize=11, shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\"];\n  \
             edge [fontname=\"Helvetica\", fontsize=9];\n",
        );
        if !self.machine_findings.is_empty() {
            let _ = writeln!(
                out,
                "  // findings about the whole machine: {}",
                self.machine_findings.join(", ")
            );
        }
        dot_group(&self.root, 1, &mut out);
        for a in &self.arrows {
            let style = match a.line {
                Line::Solid => "",
                Line::Dashed => ", style=dashed",
                Line::Entry => ", style=bold, color=\"#555555\"",
            };
            let label = if a.label.is_empty() {
                String::new()
            } else {
                format!("label=\"{}\"", dot_text(&a.label))
            };
            let attributes = format!("{label}{style}");
            let attributes = attributes.trim_start_matches(", ");
            if attributes.is_empty() {
                let _ = writeln!(out, "  {} -> {};", a.from, a.to);
            } else {
                let _ = writeln!(out, "  {} -> {} [{attributes}];", a.from, a.to);
            }
        }
        out.push_str("}\n");
        out
    }
}

pub(super) fn dot_group(group: &Group, indent: usize, out: &mut String) {
    let pad = "  ".repeat(indent);
    for v in &group.vertices {
        let text = v
            .lines
            .iter()
            .map(|l| dot_text(l))
            .collect::<Vec<_>>()
            .join("\\n");
        let (shape, extra) = match v.shape {
            Shape::Task | Shape::Unknown => ("box", ""),
            Shape::Pass => ("box", ", style=\"rounded,filled,dashed\""),
            Shape::Choice => ("diamond", ", style=filled"),
            Shape::Wait => ("hexagon", ", style=filled"),
            Shape::Succeed => ("box", ", fillcolor=\"#e6f4ea\", color=\"#2e7d32\""),
            Shape::Fail => (
                "octagon",
                ", style=filled, fillcolor=\"#fce8e6\", color=\"#b71c1c\"",
            ),
            Shape::Parallel => ("box3d", ", style=filled"),
            Shape::Map => ("component", ", style=filled"),
            Shape::Start => (
                "circle",
                ", style=filled, fillcolor=\"#333333\", fontcolor=\"#ffffff\"",
            ),
            Shape::End => ("doublecircle", ", style=filled"),
            Shape::Missing => (
                "box",
                ", style=\"dashed\", color=\"#c62828\", fontcolor=\"#c62828\"",
            ),
        };
        let severity = match (v.shape, v.severity) {
            (Shape::Missing, _) | (_, None) => "",
            (_, Some(Severity::Error)) => ", fillcolor=\"#fde0dc\", color=\"#c62828\", penwidth=2",
            (_, Some(Severity::Warning)) => {
                ", fillcolor=\"#fff4ce\", color=\"#a15c00\", penwidth=2"
            }
            (_, Some(Severity::Info)) => ", fillcolor=\"#e3edfd\", color=\"#1a56c4\", penwidth=2",
        };
        let _ = writeln!(
            out,
            "{pad}{} [label=\"{text}\", shape={shape}{extra}{severity}];",
            v.id
        );
    }
    for child in &group.children {
        let _ = writeln!(out, "{pad}subgraph cluster_{} {{", child.id);
        let _ = writeln!(out, "{pad}  label=\"{}\";", dot_text(&child.title));
        let _ = writeln!(out, "{pad}  style=\"rounded,dashed\";");
        dot_group(child, indent + 1, out);
        let _ = writeln!(out, "{pad}}}");
    }
}

/// Text for a double-quoted DOT string, at most `TEXT_MAX` characters (Graphviz rejects a
/// label over 16,384 bytes): quotes and backslashes escaped (a backslash would otherwise start
/// an escape such as `\N`), line breaks as spaces.
pub fn dot_text(s: &str) -> String {
    let s = fit(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}
