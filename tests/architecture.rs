//! The layout of `src/`: no import circle between modules. Every `crate::…` and `super::…`
//! path in a file is an edge from the file's module to the module it names; two sibling
//! modules (two top-level modules, or two files of one directory) that reach each other,
//! directly or through other siblings, form a circle, and the test names each edge of it
//! with the line that makes it. A name the parent re-exports (`pub use child::Name`) counts
//! as the child that defines it. Test code (`#[cfg(test)]` modules) is left out: a unit test
//! that runs the whole lint reads the crate from the top, as an integration test does, and adds
//! no dependency to what is built.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// A module path below the crate root: `["rules", "schema", "choice"]`.
type ModulePath = Vec<String>;

struct File {
    module: ModulePath,
    /// Child modules declared `#[cfg(test)] mod name;`.
    test_children: BTreeSet<String>,
    /// Absolute module paths named in the file, with the line that names them.
    paths: Vec<(Vec<String>, String)>,
    /// `pub use child::{a, b}`: item name → the child module it comes from.
    reexports: BTreeMap<String, String>,
}

/// Known circles, each to be cut: none now. A pair (from, to) lets module `from` name `to`
/// while the cut is under way.
const KNOWN: &[(&str, &str)] = &[];

#[test]
fn no_import_circle_between_modules() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = read_tree(&src);
    let all = circles(&files);
    for file in &mut files {
        let name = file.module.join("/");
        file.paths.retain(|(path, _)| {
            !KNOWN
                .iter()
                .any(|(from, to)| name.starts_with(from) && path.first().is_some_and(|p| p == to))
        });
    }
    let circles = circles(&files);
    assert!(
        circles.is_empty(),
        "import circles between modules:\n{}",
        circles.join("\n")
    );
    assert!(
        !all.is_empty() || KNOWN.is_empty(),
        "the known circle is gone: empty KNOWN in tests/architecture.rs"
    );
}

#[test]
fn the_check_finds_a_circle() {
    // Two siblings that name each other, one through a re-export of their parent.
    let file = |module: &[&str], text: &str| {
        let module: ModulePath = module.iter().map(|s| s.to_string()).collect();
        parse(module, text)
    };
    let files = vec![
        file(&["a"], "mod b;\nmod c;\npub use c::Shared;\n"),
        file(&["a", "b"], "use super::Shared;\n"),
        file(&["a", "c"], "use crate::a::b::{self, Thing};\n"),
        file(&["d"], "use crate::{a::Shared, e::X};\n"),
        file(&["e"], "fn f() { let _ = crate::d::helper(); }\n"),
        // Tests may read from above.
        file(
            &["f"],
            "#[cfg(test)]\nmod tests {\n    use crate::g::{X, Y};\n}\n#[cfg(test)]\nmod more;\n",
        ),
        file(&["g"], "use crate::f::Z;\n"),
    ];
    let found = circles(&files);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(found[0].starts_with("crate: d, e"), "{}", found[0]);
    assert!(found[1].starts_with("a: b, c"), "{}", found[1]);
    assert!(found[1].contains("a/b: use super::Shared;"), "{}", found[1]);
}

fn read_tree(src: &Path) -> Vec<File> {
    let mut files = Vec::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix(src).unwrap().with_extension("");
            let mut module: ModulePath = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if module.last().is_some_and(|m| m == "mod") {
                module.pop();
            }
            if module == ["lib"] || module == ["main"] {
                module.clear();
            }
            let text = std::fs::read_to_string(&path).unwrap();
            files.push(parse(module, &text));
        }
    }
    files.sort_by(|a, b| a.module.cmp(&b.module));
    let test_only: BTreeSet<ModulePath> = files
        .iter()
        .flat_map(|f| {
            f.test_children.iter().map(|child| {
                let mut module = f.module.clone();
                module.push(child.clone());
                module
            })
        })
        .collect();
    files.retain(|f| !test_only.iter().any(|t| f.module.starts_with(t)));
    files
}

fn parse(module: ModulePath, text: &str) -> File {
    let mut paths = Vec::new();
    let mut reexports = BTreeMap::new();
    let mut test_children = BTreeSet::new();
    let code = without_tests(
        &text
            .lines()
            .map(|line| line.split("//").next().unwrap_or(""))
            .collect::<Vec<_>>()
            .join("\n"),
        &mut test_children,
    );
    for (at, _) in code
        .match_indices("crate::")
        .chain(code.match_indices("super::"))
    {
        // `crate::` inside an identifier (`my_crate::`) is not a path.
        if code[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':')
        {
            continue;
        }
        let (base, rest) = if code[at..].starts_with("crate::") {
            (Vec::new(), &code[at + "crate::".len()..])
        } else {
            let mut base = module.clone();
            let mut rest = &code[at..];
            while let Some(r) = rest.strip_prefix("super::") {
                base.pop();
                rest = r;
            }
            (base, rest)
        };
        let line = code[..at].rfind('\n').map_or(0, |i| i + 1);
        let line_text = code[line..].lines().next().unwrap_or("").trim().to_string();
        for path in expand(rest) {
            let mut full = base.clone();
            full.extend(path);
            paths.push((full, line_text.clone()));
        }
    }
    // `pub use child::{a, b};` and `pub use self::child::a;`
    for statement in code.split(';') {
        let statement = statement.trim();
        let Some(rest) = statement
            .strip_prefix("pub use ")
            .or_else(|| statement.strip_prefix("pub(crate) use "))
        else {
            continue;
        };
        let rest = rest.strip_prefix("self::").unwrap_or(rest);
        if rest.starts_with("crate::") || rest.starts_with("super::") {
            continue;
        }
        for path in expand(rest) {
            if let [child, .., item] = path.as_slice() {
                reexports.insert(item.clone(), child.clone());
            }
        }
    }
    File {
        module,
        test_children,
        paths,
        reexports,
    }
}

/// The code without its `#[cfg(test)] mod name { … }` blocks; the names of the
/// `#[cfg(test)] mod name;` declarations go to `test_children`.
fn without_tests(code: &str, test_children: &mut BTreeSet<String>) -> String {
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let after = rest[at + "#[cfg(test)]".len()..].trim_start();
        let Some(declaration) = after.strip_prefix("mod ") else {
            rest = &rest[at + 1..];
            out.push('#');
            continue;
        };
        let name_end = declaration
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(declaration.len());
        let body = declaration[name_end..].trim_start();
        if let Some(after) = body.strip_prefix(';') {
            test_children.insert(declaration[..name_end].to_string());
            rest = after;
            continue;
        }
        // Skip to the brace that closes the module.
        let mut depth = 0;
        let mut end = body.len();
        for (i, c) in body.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = i + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        rest = &body[end..];
    }
    out.push_str(rest);
    out
}

/// The paths a `use` tree (or a plain path) names: `a::{b, c::{d, e}}` is `a::b`, `a::c::d`,
/// `a::c::e`.
fn expand(text: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut at = 0;
    expand_tree(text.as_bytes(), &mut at, Vec::new(), &mut out);
    out
}

fn expand_tree(text: &[u8], at: &mut usize, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    let skip_space = |at: &mut usize| {
        while text.get(*at).is_some_and(|c| c.is_ascii_whitespace()) {
            *at += 1;
        }
    };
    let ident = |at: &mut usize| {
        let start = *at;
        while text
            .get(*at)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
        {
            *at += 1;
        }
        String::from_utf8_lossy(&text[start..*at]).into_owned()
    };
    let mut path = prefix;
    loop {
        skip_space(at);
        let segment = ident(at);
        if !segment.is_empty() && segment != "self" {
            path.push(segment);
        }
        // `crate::{…}` starts with its group.
        let group = path.is_empty() && text.get(*at) == Some(&b'{');
        if !group {
            if !text[*at..].starts_with(b"::") {
                break;
            }
            *at += 2;
        }
        if text.get(*at) == Some(&b'{') {
            *at += 1;
            loop {
                skip_space(at);
                if text.get(*at) == Some(&b'}') {
                    *at += 1;
                    return;
                }
                expand_tree(text, at, path.clone(), out);
                skip_space(at);
                match text.get(*at) {
                    Some(b',') => *at += 1,
                    Some(b'}') => {
                        *at += 1;
                        return;
                    }
                    _ => return,
                }
            }
        }
    }
    // `Name as Alias`
    skip_space(at);
    if text[*at..].starts_with(b"as") && text.get(*at + 2).is_some_and(u8::is_ascii_whitespace) {
        *at += 2;
        skip_space(at);
        ident(at);
    }
    out.push(path);
}

/// The circles, one line each: the parent module, the siblings in it, and each edge's line.
fn circles(files: &[File]) -> Vec<String> {
    let modules: BTreeSet<&ModulePath> = files.iter().map(|f| &f.module).collect();
    let reexports: BTreeMap<&ModulePath, &BTreeMap<String, String>> =
        files.iter().map(|f| (&f.module, &f.reexports)).collect();
    // parent → sibling → sibling → the lines that make the edge
    type Edges = BTreeMap<String, BTreeMap<String, Vec<String>>>;
    let mut by_parent: BTreeMap<ModulePath, Edges> = BTreeMap::new();
    for file in files {
        for (path, line) in &file.paths {
            let common = file
                .module
                .iter()
                .zip(path)
                .take_while(|(a, b)| a == b)
                .count();
            if common >= file.module.len() || common >= path.len() {
                continue; // a path into the file's own module, or to a parent's item
            }
            let parent = file.module[..common].to_vec();
            let from = &file.module[common];
            let mut child = path[..=common].to_vec();
            if !modules.contains(&child) {
                // An item of the parent: the child that defines it, if re-exported.
                let Some(defined_in) = reexports.get(&parent).and_then(|r| r.get(&path[common]))
                else {
                    continue;
                };
                child = parent.clone();
                child.push(defined_in.clone());
            }
            let to = &child[common];
            if to == from {
                continue;
            }
            let name = file.module.join("/");
            by_parent
                .entry(parent)
                .or_default()
                .entry(from.clone())
                .or_default()
                .entry(to.clone())
                .or_default()
                .push(format!("{name}: {line}"));
        }
    }
    let mut found = Vec::new();
    for (parent, edges) in &by_parent {
        for component in strongly_connected(edges) {
            let mut lines = Vec::new();
            for from in &component {
                for (to, why) in &edges[from] {
                    if component.contains(to) {
                        lines.push(format!("    {from} -> {to} ({})", why[0]));
                    }
                }
            }
            let parent = if parent.is_empty() {
                "crate".to_string()
            } else {
                parent.join("::")
            };
            let members: Vec<&str> = component.iter().map(String::as_str).collect();
            found.push(format!(
                "{parent}: {}\n{}",
                members.join(", "),
                lines.join("\n")
            ));
        }
    }
    found
}

/// The strongly connected components with more than one member (Tarjan's algorithm).
fn strongly_connected(edges: &BTreeMap<String, BTreeMap<String, Vec<String>>>) -> Vec<Vec<String>> {
    struct State<'a> {
        edges: &'a BTreeMap<String, BTreeMap<String, Vec<String>>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        let i = s.index.len();
        s.index.insert(v, i);
        s.low.insert(v, i);
        s.stack.push(v);
        s.on_stack.insert(v);
        if let Some(targets) = s.edges.get(v) {
            for w in targets.keys() {
                if !s.index.contains_key(w.as_str()) {
                    visit(s, w);
                    let low = s.low[v].min(s.low[w.as_str()]);
                    s.low.insert(v, low);
                } else if s.on_stack.contains(w.as_str()) {
                    let low = s.low[v].min(s.index[w.as_str()]);
                    s.low.insert(v, low);
                }
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.out.push(component);
            }
        }
    }
    let mut s = State {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in edges.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.out.sort();
    s.out
}
