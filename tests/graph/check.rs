//! Structural checks of `asl-lint graph` output, shared by tests/graph.rs and the graph_output
//! fuzz target: what any Mermaid or DOT reader needs, whatever the state names.

use std::collections::HashSet;

/// Graphviz refuses a label longer than this many bytes.
pub const DOT_LABEL_MAX: usize = 16_384;

/// Longest line either writer may produce: three label lines of at most 120 characters, each
/// character at most a 6-byte entity code, plus ids and punctuation.
pub const LINE_MAX: usize = 3 * 120 * 6 + 200;

/// Every id an edge or class names is declared, subgraphs are closed, labels never hold a raw
/// quote (which would end them early), no state text can open a `%%` comment or directive,
/// and no line but a `class` list is longer than `LINE_MAX`.
pub fn check_mermaid(text: &str) -> Result<(), String> {
    let mut declared = HashSet::new();
    let mut depth = 0usize;
    let id = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut lines = text.lines();
    if lines.next() != Some("flowchart TD") {
        return Err("the first line is not `flowchart TD`".into());
    }
    for line in lines {
        let line = line.trim();
        // A `class` line lists state ids, as many as the machine has; every other line holds
        // at most one state's text.
        if line.len() > LINE_MAX && !line.starts_with("class ") {
            return Err(format!("a line of {} bytes", line.len()));
        }
        if let Some(comment) = line.strip_prefix("%%") {
            // Our one comment lists rule ids, which are ours.
            if !comment.starts_with(" findings about the whole machine: ")
                || comment.contains(['{', '}', '%'])
            {
                return Err(format!("a comment or directive: {line}"));
            }
            continue;
        }
        if line.contains('%') {
            return Err(format!("a raw % (a %% would start a comment): {line}"));
        }
        if line.starts_with("classDef ") || line == "direction TB" {
            continue;
        }
        if line.matches('"').count() % 2 != 0 {
            return Err(format!("odd quotes: {line}"));
        }
        if let Some(rest) = line.strip_prefix("subgraph ") {
            depth += 1;
            declared.insert(id(rest));
        } else if line == "end" {
            depth = depth.checked_sub(1).ok_or("end without subgraph")?;
        } else if let Some(rest) = line.strip_prefix("class ") {
            for name in rest.split(' ').next().unwrap_or("").split(',') {
                if !declared.contains(name) {
                    return Err(format!("class names undeclared {name}"));
                }
            }
        } else if line.contains("-->") || line.contains("-.->") || line.contains("==>") {
            let from = id(line);
            let to = line.rsplit(' ').next().unwrap_or("");
            for end in [from.as_str(), to] {
                if !declared.contains(end) {
                    return Err(format!("edge to undeclared {end}: {line}"));
                }
            }
        } else {
            let name = id(line);
            if name.is_empty() || !declared.insert(name.clone()) {
                return Err(format!("bad or repeated declaration: {line}"));
            }
        }
    }
    if depth != 0 {
        return Err("a subgraph is not closed".into());
    }
    Ok(())
}

/// Quoted strings are closed on their line (a backslash escapes the next character), braces
/// balance outside them, no string is longer than Graphviz accepts, no line is longer than
/// `LINE_MAX`.
pub fn check_dot(text: &str) -> Result<(), String> {
    if !text.starts_with("digraph") {
        return Err("not a digraph".into());
    }
    let mut depth = 0i64;
    for line in text.lines() {
        if line.len() > LINE_MAX {
            return Err(format!("a line of {} bytes", line.len()));
        }
        let mut chars = line.chars();
        let mut quoted: Option<usize> = None;
        while let Some(c) = chars.next() {
            match (c, &mut quoted) {
                ('\\', Some(n)) => {
                    chars.next();
                    *n += 2;
                }
                ('"', Some(n)) => {
                    if *n > DOT_LABEL_MAX {
                        return Err(format!("a string of {n} bytes"));
                    }
                    quoted = None;
                }
                (c, Some(n)) => *n += c.len_utf8(),
                ('"', None) => quoted = Some(0),
                ('{', None) => depth += 1,
                ('}', None) => depth -= 1,
                _ => {}
            }
            if depth < 0 {
                return Err(format!("a closing brace with nothing open: {line}"));
            }
        }
        if quoted.is_some() {
            return Err(format!("a string left open: {line}"));
        }
    }
    if depth != 0 {
        return Err(format!("{depth} braces left open"));
    }
    Ok(())
}
