//! The execution role against the definition: `missing-permission` on a definition file linted
//! in its template's context, and `asl-lint policy`, whose output on every template of the
//! shared corpus must be a valid IAM policy document.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use asl_lint::permissions::role::Role;
use asl_lint::template::{self, Definition};
use common::{root, shared_data};

fn asl_lint(args: &[&str], dir: &Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_definition_file_is_checked_in_its_templates_context() {
    let project = root().join("tests/permissions/definition-uri");
    let (code, out, _) = asl_lint(
        &[
            "--select",
            "missing-permission",
            "--format",
            "json",
            "statemachine/flow.asl.json",
        ],
        &project,
    );
    assert_eq!(code, 1, "{out}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let found = report["diagnostics"].as_array().unwrap();
    assert_eq!(found.len(), 1, "{out}");
    let d = &found[0];
    assert_eq!(d["pointer"], "/States/Save/Resource");
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("needs dynamodb:PutItem"),
        "{d}"
    );
    // The role is in another file: the help says where, and which policy template to add.
    let help = d["help"].as_str().unwrap();
    assert!(
        help.contains("add to the Policies of 'OrderFlow' (template.yaml:17:7): - {DynamoDBWritePolicy: {TableName: !Ref Orders}}"),
        "{help}"
    );
}

#[test]
fn policy_of_a_definition_uses_its_templates_names() {
    let project = root().join("tests/permissions/definition-uri");
    for path in ["statemachine/flow.asl.json", "template.yaml"] {
        let (code, out, err) = asl_lint(&["policy", path, "--format", "yaml"], &project);
        assert_eq!(code, 0, "{err}");
        assert!(
            out.contains("Resource: !Sub \"${PayFunction.Arn}:live\"")
                || out.contains("Resource: !Sub \"arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${PayFunction}:live\""),
            "{out}"
        );
        assert!(out.contains("Resource: !GetAtt Orders.Arn"), "{out}");
    }
}

#[test]
fn policy_asks_which_machine_and_says_why_it_cannot() {
    let dir = root();
    let two = "fixtures/missing-permission/good-known-managed-policy.yaml";
    let (code, _, err) = asl_lint(&["policy", two], &dir);
    assert_eq!(code, 2);
    assert!(
        err.contains("has 2 state machines (Child, Parent); choose one with --machine"),
        "{err}"
    );
    let (code, _, err) = asl_lint(&["policy", two, "--machine", "Parnet"], &dir);
    assert_eq!(code, 2);
    assert!(
        err.contains("no state machine 'Parnet' (did you mean 'Parent'?)"),
        "{err}"
    );
    let (code, out, _) = asl_lint(&["policy", two, "--machine", "Child"], &dir);
    assert_eq!(code, 0);
    assert!(out.contains("\"Sid\": \"NoPermissionsNeeded\""), "{out}");
    let (code, _, err) = asl_lint(
        &[
            "policy",
            "fixtures/unreadable-definition/bad-missing-file.json",
        ],
        &dir,
    );
    assert_eq!(code, 2);
    assert!(err.contains("cannot derive the policy of"), "{err}");
}

/// The README's example is what `asl-lint policy` prints for the sample.
#[test]
fn readme_policy_example_is_current() {
    let (code, out, _) = asl_lint(
        &["policy", "fixtures/sample/order-workflow.asl.json"],
        &root(),
    );
    assert_eq!(code, 0);
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = "<!-- policy:start -->\n```json\n";
    let at = readme
        .find(start)
        .expect("README has a policy:start marker")
        + start.len();
    let end = readme[at..]
        .find("```\n<!-- policy:end -->")
        .expect("policy:end")
        + at;
    if common::updating() {
        let updated = format!("{}{}{}", &readme[..at], out, &readme[end..]);
        std::fs::write(root().join("README.md"), updated).unwrap();
        return;
    }
    assert_eq!(
        &readme[at..end],
        out,
        "README policy example is stale: run UPDATE_EXPECT=1 cargo test --test permissions"
    );
}

/// The corpus in its repositories' layout, as tests/corpus.rs rebuilds it, so that
/// `DefinitionUri` files resolve.
fn corpus_layout(corpus: &Path) -> Vec<PathBuf> {
    let index = std::fs::read_to_string(corpus.join("index.tsv")).unwrap();
    let layout = Path::new(env!("CARGO_TARGET_TMPDIR")).join("policy-layout");
    let _ = std::fs::remove_dir_all(&layout);
    let mut templates = Vec::new();
    for line in index.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [path, _kind, repo, source] = cols[..] else {
            continue;
        };
        let target = layout.join(repo.rsplit('/').next().unwrap()).join(source);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(corpus.join(path), &target).unwrap();
        if path.starts_with("templates/") {
            templates.push(target);
        }
    }
    templates.sort();
    templates
}

/// `arn:partition:service:region:account:resource`, placeholders standing for one value.
fn is_arn(s: &str) -> bool {
    let blanked = blank_placeholders(s);
    let parts: Vec<&str> = blanked.split(':').collect();
    parts.len() >= 6 && parts[0] == "arn" && !parts[2].is_empty()
}

fn blank_placeholders(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(at) = rest.find("${") {
        out.push_str(&rest[..at]);
        let Some(end) = rest[at..].find('}') else {
            return out;
        };
        out.push('X');
        rest = &rest[at + end + 1..];
    }
    out.push_str(rest);
    out
}

fn is_action(s: &str) -> bool {
    let Some((prefix, action)) = s.split_once(':') else {
        return false;
    };
    !prefix.is_empty()
        && prefix
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !action.is_empty()
        && action
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '*')
        && action.starts_with(|c: char| c.is_ascii_uppercase() || c == '*')
}

/// What is wrong with a policy document, if anything; counts resources by kind.
fn validate(policy: &serde_json::Value, kinds: &mut BTreeMap<&'static str, usize>) -> Vec<String> {
    let mut problems = Vec::new();
    if policy["Version"] != "2012-10-17" {
        problems.push(format!("Version is {}", policy["Version"]));
    }
    let Some(statements) = policy["Statement"].as_array().filter(|s| !s.is_empty()) else {
        return vec!["no Statement list".into()];
    };
    for s in statements {
        if let Some(sid) = s.get("Sid") {
            let ok = sid
                .as_str()
                .is_some_and(|t| !t.is_empty() && t.chars().all(|c| c.is_ascii_alphanumeric()));
            if !ok {
                problems.push(format!("Sid {sid}"));
            }
        }
        let deny = s["Effect"] == "Deny";
        if !deny && s["Effect"] != "Allow" {
            problems.push(format!("Effect {}", s["Effect"]));
        }
        let actions: Vec<&serde_json::Value> = match &s["Action"] {
            serde_json::Value::Array(a) if !a.is_empty() => a.iter().collect(),
            v @ serde_json::Value::String(_) => vec![v],
            other => {
                problems.push(format!("Action {other}"));
                Vec::new()
            }
        };
        for a in actions {
            let ok = a
                .as_str()
                .is_some_and(|a| is_action(a) || (deny && a == "*"));
            if !ok {
                problems.push(format!("Action {a}"));
            }
        }
        let resources: Vec<&serde_json::Value> = match &s["Resource"] {
            serde_json::Value::Array(r) if !r.is_empty() => r.iter().collect(),
            v @ (serde_json::Value::String(_) | serde_json::Value::Object(_)) => vec![v],
            other => {
                problems.push(format!("Resource {other}"));
                Vec::new()
            }
        };
        for r in resources {
            let kind = match r {
                serde_json::Value::String(s) if s == "*" => Some("*"),
                serde_json::Value::String(s) if is_arn(s) => Some("ARN"),
                serde_json::Value::Object(o) if o.len() == 1 => {
                    let (k, v) = o.iter().next().unwrap();
                    match (k.as_str(), v) {
                        ("Fn::Sub", serde_json::Value::String(s)) if is_arn(s) => Some("Fn::Sub"),
                        ("Ref", serde_json::Value::String(_)) => Some("Ref"),
                        ("Fn::GetAtt", serde_json::Value::Array(p))
                            if p.len() == 2 && p.iter().all(|x| x.is_string()) =>
                        {
                            Some("Fn::GetAtt")
                        }
                        _ => None,
                    }
                }
                _ => None,
            };
            match kind {
                Some(kind) => *kinds.entry(kind).or_default() += 1,
                None => problems.push(format!("Resource {r}")),
            }
        }
    }
    problems
}

#[test]
fn policy_on_every_corpus_template_is_a_valid_iam_policy() {
    let Some(corpus) = shared_data("ASL_LINT_CORPUS", "../shared/corpus", "templates") else {
        return;
    };
    let templates = corpus_layout(&corpus);
    assert!(!templates.is_empty());
    let mut problems = Vec::new();
    let mut kinds: BTreeMap<&'static str, usize> = BTreeMap::new();
    let (mut machines, mut policies, mut statements, mut not_derivable) = (0, 0, 0, Vec::new());
    let mut roles: BTreeMap<String, usize> = BTreeMap::new();
    for path in &templates {
        let text = std::fs::read_to_string(path).unwrap();
        let document = asl_lint::document::parse(&path.display().to_string(), &text).unwrap();
        let mut found = template::find(&document.root).unwrap_or_default();
        asl_lint::lint::attach_permissions(&document.root, &mut found, |_| true);
        for e in &found {
            machines += 1;
            let role = match e.deployment.permissions.as_deref().map(|p| &p.role) {
                Some(Role::Known(_)) => "known".to_string(),
                Some(Role::Unknown(why)) => format!("unknown: {}", unknown_kind(why)),
                None => "not a template's machine".to_string(),
            };
            *roles.entry(role).or_default() += 1;
            let shown = path
                .strip_prefix(path.ancestors().nth(3).unwrap())
                .unwrap()
                .display()
                .to_string();
            let readable = match &e.definition {
                Definition::File { path: file, .. } => path.parent().unwrap().join(file).is_file(),
                Definition::Unavailable { .. } => false,
                _ => true,
            };
            for format in ["json", "yaml", "sam"] {
                let (code, out, err) = asl_lint(
                    &[
                        "policy",
                        &path.display().to_string(),
                        "--machine",
                        &e.name,
                        "--format",
                        format,
                    ],
                    Path::new(env!("CARGO_TARGET_TMPDIR")),
                );
                if !readable {
                    if code != 2 || !err.contains("cannot derive the policy of") {
                        problems.push(format!("{shown} ({}): exit {code}, {err}", e.name));
                    } else if format == "json" {
                        not_derivable.push(format!("{shown} ({})", e.name));
                    }
                    continue;
                }
                if code != 0 {
                    problems.push(format!(
                        "{shown} ({}) --format {format}: exit {code}, {err}",
                        e.name
                    ));
                    continue;
                }
                match format {
                    "json" => {
                        policies += 1;
                        let policy: serde_json::Value = match serde_json::from_str(&out) {
                            Ok(p) => p,
                            Err(err) => {
                                problems.push(format!("{shown} ({}): not JSON: {err}", e.name));
                                continue;
                            }
                        };
                        statements += policy["Statement"].as_array().map_or(0, Vec::len);
                        for p in validate(&policy, &mut kinds) {
                            problems.push(format!("{shown} ({}): {p}", e.name));
                        }
                    }
                    _ => {
                        // The YAML forms parse, and say the same as the JSON.
                        if let Err(err) = asl_lint::document::yaml::parse(&out) {
                            problems.push(format!(
                                "{shown} ({}) --format {format}: {}",
                                e.name, err.message
                            ));
                        }
                    }
                }
            }
        }
    }
    eprintln!(
        "asl-lint policy on {} corpus templates: {machines} state machines, {policies} policies \
         ({statements} statements) valid, resources by kind {kinds:?}; {} machines without a \
         readable definition:\n  {}",
        templates.len(),
        not_derivable.len(),
        not_derivable.join("\n  ")
    );
    eprintln!("execution roles: {roles:#?}");
    assert!(policies > 0);
    assert!(
        problems.is_empty(),
        "{} invalid policies:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// The reason a role is unknown, without its names.
fn unknown_kind(why: &str) -> String {
    let mut out = String::new();
    let mut quoted = false;
    for c in why.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                out.push_str(if quoted { "'…" } else { "'" });
            }
            _ if quoted => {}
            c => out.push(c),
        }
    }
    if let Some(at) = out.find("the managed policy ") {
        out = format!("{}a managed policy not known here", &out[..at]);
    }
    out
}
