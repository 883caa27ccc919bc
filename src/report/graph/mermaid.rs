//! The picture in Mermaid: a flowchart, scopes as subgraphs, severities as classes.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::*;

impl Picture {
    pub(super) fn mermaid(&self) -> String {
        let mut out = String::from("flowchart TD\n");
        if !self.machine_findings.is_empty() {
            let _ = writeln!(
                out,
                "  %% findings about the whole machine: {}",
                self.machine_findings.join(", ")
            );
        }
        mermaid_group(&self.root, 1, &mut out);
        for a in &self.arrows {
            let arrow = match a.line {
                Line::Solid => "-->",
                Line::Dashed => "-.->",
                Line::Entry => "==>",
            };
            if a.label.is_empty() {
                let _ = writeln!(out, "  {} {arrow} {}", a.from, a.to);
            } else {
                let _ = writeln!(
                    out,
                    "  {} {arrow}|\"{}\"| {}",
                    a.from,
                    mermaid_text(&a.label),
                    a.to
                );
            }
        }
        out.push_str(MERMAID_CLASSES);
        let mut classes: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        collect_classes(&self.root, &mut classes);
        for (class, ids) in classes {
            let _ = writeln!(out, "  class {} {class}", ids.join(","));
        }
        out
    }
}

pub(super) const MERMAID_CLASSES: &str =
    "  classDef start fill:#333333,stroke:#333333,color:#ffffff
  classDef finish fill:#ffffff,stroke:#333333,stroke-width:3px,color:#333333
  classDef succeed fill:#e6f4ea,stroke:#2e7d32,color:#1b5e20
  classDef fail fill:#fce8e6,stroke:#b71c1c,color:#b71c1c
  classDef missing fill:#ffffff,stroke:#c62828,stroke-dasharray:4 3,color:#c62828
  classDef info fill:#e3edfd,stroke:#1a56c4,stroke-width:2px
  classDef warning fill:#fff4ce,stroke:#a15c00,stroke-width:2px
  classDef error fill:#fde0dc,stroke:#c62828,stroke-width:2px
";

/// Vertex ids by Mermaid class: a state with findings gets its severity's class alone (Mermaid
/// gives no dependable order between two classes), others their type's.
pub(super) fn collect_classes<'g>(
    group: &'g Group,
    out: &mut BTreeMap<&'static str, Vec<&'g str>>,
) {
    for v in &group.vertices {
        let type_class = match v.shape {
            Shape::Start => Some("start"),
            Shape::End => Some("finish"),
            Shape::Succeed => Some("succeed"),
            Shape::Fail => Some("fail"),
            Shape::Missing => Some("missing"),
            _ => None,
        };
        let class = match (v.shape, v.severity) {
            (Shape::Missing, _) | (_, None) => type_class,
            (_, Some(severity)) => Some(severity.as_str()),
        };
        if let Some(class) = class {
            out.entry(class).or_default().push(&v.id);
        }
    }
    for child in &group.children {
        collect_classes(child, out);
    }
}

pub(super) fn mermaid_group(group: &Group, indent: usize, out: &mut String) {
    let pad = "  ".repeat(indent);
    for v in &group.vertices {
        let text = v
            .lines
            .iter()
            .map(|l| mermaid_text(l))
            .collect::<Vec<_>>()
            .join("<br/>");
        let (open, close) = match v.shape {
            Shape::Task | Shape::Unknown => ("[", "]"),
            Shape::Pass => ("(", ")"),
            Shape::Choice => ("{", "}"),
            Shape::Wait => ("{{", "}}"),
            Shape::Succeed | Shape::Fail => ("([", "])"),
            Shape::Parallel | Shape::Map => ("[[", "]]"),
            Shape::Start | Shape::End => ("((", "))"),
            Shape::Missing => ("[/", "/]"),
        };
        let _ = writeln!(out, "{pad}{}{open}\"{text}\"{close}", v.id);
    }
    for child in &group.children {
        let _ = writeln!(
            out,
            "{pad}subgraph {} [\"{}\"]",
            child.id,
            mermaid_text(&child.title)
        );
        let _ = writeln!(out, "{pad}  direction TB");
        mermaid_group(child, indent + 1, out);
        let _ = writeln!(out, "{pad}end");
    }
}

/// Text for a quoted Mermaid label, at most `TEXT_MAX` characters: characters that end the
/// label or start markup are written as Mermaid's entity codes; `%` too, since `%%` starts a
/// comment or a `%%{init}%%` directive anywhere on a line.
pub fn mermaid_text(s: &str) -> String {
    let s = fit(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("#37;"),
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '&' => out.push_str("#amp;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '`' => out.push_str("#96;"),
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}
