//! `asl-lint policy PATH [--machine ID] [--format json|sam|yaml]`: the least-privilege policy
//! of a state machine, from its definition and its template.

use std::path::Path;

use crate::document::{self, json, Node};
use crate::engine::Engine;
use crate::files::read_file;
use crate::model::Machine;
use crate::permissions::needs::Group;
use crate::permissions::policy::{self, Names, Out};
use crate::permissions::{standalone_needs, MachinePermissions};
use crate::suggest::did_you_mean;
use crate::template::{self, Definition};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// An IAM policy document in JSON.
    Json,
    /// The same document in YAML, with CloudFormation short-form tags.
    Yaml,
    /// SAM `Policies` entries: policy templates where one covers a resource, else statements.
    Sam,
}

/// What `policy` prints: the policy, and notes for standard error (why a resource is `*`).
#[derive(Debug)]
pub struct Printed {
    pub text: String,
    pub notes: Vec<String>,
}

/// A machine found in the file, with what its policy is built from.
struct Found {
    /// Its logical id (or Serverless key); `None` for a definition on its own.
    id: Option<String>,
    definition: Result<Node, String>,
    permissions: Option<std::sync::Arc<MachinePermissions>>,
}

/// Builds the policy of the machine at `path` (a definition, or a template declaring it).
pub fn run(
    engine: &Engine,
    path: &Path,
    machine: Option<&str>,
    format: Format,
) -> Result<Printed, String> {
    let name = path.display().to_string();
    let limit = engine.max_file_size();
    let bytes =
        read_file(path, limit).map_err(|e| format!("cannot read {name}: {}", e.message()))?;
    let text = String::from_utf8(bytes).map_err(|_| format!("{name} is not UTF-8 text"))?;
    let document = document::parse(&name, &text)
        .map_err(|e| format!("{name} does not parse: {}", e.message))?;
    let root = &document.root;
    let found = if Machine::looks_like_definition(root) {
        definition_file(engine, path, root)
    } else {
        let mut machines = template::find(root).ok_or_else(|| {
            format!("{name} is neither a state machine definition nor a template that declares one")
        })?;
        crate::lint::attach_permissions(root, &mut machines, |_| true);
        machines
            .iter()
            .map(|e| Found {
                id: Some(e.name.clone()),
                definition: definition_of(path, root, e, limit),
                permissions: e.deployment.permissions.clone(),
            })
            .collect()
    };
    let chosen = choose(&name, found, machine)?;
    let definition = chosen.definition.map_err(|why| {
        format!(
            "cannot derive the policy of '{}': {why}",
            chosen.id.as_deref().unwrap_or(&name)
        )
    })?;
    let model = Machine::build(&definition);
    let (groups, env, names) = match &chosen.permissions {
        Some(p) => (p.needs(&model), p.env.clone(), Names::Intrinsics),
        None => (
            standalone_needs(&model),
            std::sync::Arc::default(),
            Names::Plain,
        ),
    };
    let notes = notes(&groups);
    let text = match format {
        Format::Json => {
            let doc = policy::document(&policy::statements(&groups, &env, names));
            let mut s = serde_json::to_string_pretty(&policy::to_json(&doc)).unwrap_or_default();
            s.push('\n');
            s
        }
        Format::Yaml => policy::to_yaml(
            &policy::document(&policy::statements(&groups, &env, names)),
            0,
        ),
        Format::Sam => {
            let entries = policy::sam_entries(&groups, &env);
            let list = Out::List(entries.iter().map(|e| e.to_out()).collect());
            format!("Policies:\n{}", policy::to_yaml(&list, 2))
        }
    };
    Ok(Printed { text, notes })
}

/// A definition file: in the context of each template that deploys it, or on its own.
fn definition_file(engine: &Engine, path: &Path, root: &Node) -> Vec<Found> {
    let contexts = engine.template_contexts(path);
    if contexts.is_empty() {
        return vec![Found {
            id: None,
            definition: Ok(root.clone()),
            permissions: None,
        }];
    }
    contexts
        .iter()
        .map(|c| Found {
            id: c.machine.clone(),
            definition: Ok(template::substitute_definition(root, &c.substitutions)),
            permissions: c.deployment.as_ref().and_then(|d| d.permissions.clone()),
        })
        .collect()
}

/// The definition of a machine a template declares, resolved in the template's context.
fn definition_of(
    path: &Path,
    root: &Node,
    e: &template::Embedded,
    limit: u64,
) -> Result<Node, String> {
    match &e.definition {
        Definition::Object(definition) => Ok(template::resolve(definition, e, root)),
        Definition::Text { rebuilt, .. } => json::parse(&rebuilt.text)
            .map(|d| d.root)
            .map_err(|err| format!("its DefinitionString does not parse: {}", err.message)),
        Definition::File { path: file, .. } => {
            let full = path.parent().unwrap_or(Path::new("")).join(file);
            let shown = full.display().to_string();
            let bytes = read_file(&full, limit)
                .map_err(|err| format!("cannot read {shown}: {}", err.message()))?;
            let text =
                String::from_utf8(bytes).map_err(|_| format!("{shown} is not UTF-8 text"))?;
            let document = document::parse(&shown, &text)
                .map_err(|err| format!("{shown} does not parse: {}", err.message))?;
            Ok(template::substitute_definition(
                &document.root,
                &e.substitutions,
            ))
        }
        Definition::Unavailable { reason, .. } => Err(reason.clone()),
    }
}

fn choose(name: &str, mut found: Vec<Found>, machine: Option<&str>) -> Result<Found, String> {
    let ids: Vec<String> = found.iter().filter_map(|f| f.id.clone()).collect();
    match machine {
        None if found.len() == 1 => Ok(found.remove(0)),
        None if found.is_empty() => Err(format!("{name} declares no state machine")),
        None => Err(format!(
            "{name} has {} state machines ({}); choose one with --machine",
            found.len(),
            ids.join(", ")
        )),
        Some(id) => match found.iter().position(|f| f.id.as_deref() == Some(id)) {
            Some(i) => Ok(found.remove(i)),
            None => {
                let hint = did_you_mean(id, ids.iter().map(String::as_str))
                    .map(|s| format!(" (did you mean '{s}'?)"))
                    .unwrap_or_default();
                let list = if ids.is_empty() {
                    "it is a single definition, so leave out --machine".to_string()
                } else {
                    format!("it has {}", ids.join(", "))
                };
                Err(format!("{name} has no state machine '{id}'{hint}: {list}"))
            }
        },
    }
}

/// Why some resources are `*`, one line per state.
fn notes(groups: &[Group]) -> Vec<String> {
    policy::notes(groups)
        .into_iter()
        .map(|(label, notes)| format!("{label}: {}", notes.join("; ")))
        .collect()
}
