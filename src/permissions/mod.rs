//! The execution role against the definition: what each Task needs (`needs`), what the role
//! allows (`role`, read from the template with `iam`, `managed` and SAM's data in `sam`), and
//! the least-privilege policy (`policy`). The `missing-permission` rule, `asl-lint policy` and
//! the language server's code action are built on this.

pub mod expr;
pub mod iam;
pub mod managed;
pub mod needs;
pub mod policy;
pub mod role;
pub mod sam;
pub mod sdk;

use std::sync::Arc;

use crate::document::Node;
use crate::source::Span;
use crate::tool::Tool;
use expr::{Env, Expr};
use needs::MachineFacts;
use role::Role;

/// What the template says about one machine's permissions: its role, what its names refer to,
/// and the logging and tracing it turns on.
#[derive(Debug)]
pub struct MachinePermissions {
    /// The machine's logical id (or Serverless key).
    pub machine: String,
    pub tool: Tool,
    /// The template's resources and parameters (shared by its machines).
    pub env: Arc<Env>,
    pub role: Role,
    pub facts: MachineFacts,
    /// The `Logging` / `LoggingConfiguration` key that turns logging on.
    pub logging: Option<Span>,
    /// The `Tracing` / `TracingConfiguration` key that turns tracing on.
    pub tracing: Option<Span>,
    /// Where the template is, for a definition file linted in its context.
    pub location: Option<Location>,
}

/// The template of a machine whose definition is in another file.
#[derive(Clone, Debug)]
pub struct Location {
    /// The template's path, as linted.
    pub path: String,
    /// `path:line:column` of the role's source (`Policies`, `Role`), of `Logging` and `Tracing`.
    pub role: Option<String>,
    pub logging: Option<String>,
    pub tracing: Option<String>,
}

impl MachinePermissions {
    /// What the template at `root` says about the permissions of its machine `machine`,
    /// written for `tool`; `env` is the template's resources and parameters (`Env::of_template`).
    pub fn read(root: &Node, machine: &str, tool: Tool, env: &Arc<Env>) -> Arc<MachinePermissions> {
        let role = role::read(root, machine, tool, env);
        let props = match tool {
            Tool::Serverless => root
                .get("stepFunctions")
                .and_then(|s| s.get("stateMachines"))
                .and_then(|m| m.get(machine)),
            _ => root
                .get("Resources")
                .and_then(|r| r.get(machine))
                .and_then(|r| r.get("Properties")),
        };
        let (logging, tracing, name) = match tool {
            Tool::Serverless => ("loggingConfig", "tracingConfig", "name"),
            _ if props
                .is_some_and(|p| p.get("Logging").is_some() || p.get("Tracing").is_some()) =>
            {
                ("Logging", "Tracing", "Name")
            }
            _ => (
                "LoggingConfiguration",
                "TracingConfiguration",
                "StateMachineName",
            ),
        };
        let sam = root
            .get("Resources")
            .and_then(|r| r.get(machine))
            .and_then(|r| r.get_str("Type"))
            == Some("AWS::Serverless::StateMachine");
        let (logging, tracing, name) = if sam {
            ("Logging", "Tracing", "Name")
        } else {
            (logging, tracing, name)
        };
        let logging = props.and_then(|p| p.member(logging)).filter(|m| {
            let level = m
                .value
                .get("Level")
                .or_else(|| m.value.get("level"))
                .and_then(Node::as_str);
            match tool {
                Tool::Serverless => level != Some("OFF"),
                _ => level.is_some_and(|l| l != "OFF"),
            }
        });
        let tracing = props.and_then(|p| p.member(tracing)).filter(|m| {
            m.value
                .get("Enabled")
                .or_else(|| m.value.get("enabled"))
                .and_then(Node::as_bool)
                == Some(true)
        });
        let own_name = props
            .and_then(|p| p.get_str(name))
            .map(|n| env.parse(n))
            .or_else(|| {
                let own = env.parse(&format!("${{GetAtt:{}.Name}}", machine));
                own.has_vars().then_some(own)
            });
        Arc::new(MachinePermissions {
            machine: machine.to_string(),
            tool,
            facts: MachineFacts {
                own_name,
                logging: logging.is_some(),
                tracing: tracing.is_some(),
            },
            env: Arc::clone(env),
            role,
            logging: logging.map(|m| m.key_span),
            tracing: tracing.map(|m| m.key_span),
            location: None,
        })
    }

    /// A copy that knows where its template is, for a definition file linted in its context.
    pub fn located(&self, name: &str, text: &str) -> Arc<MachinePermissions> {
        let name = relative(name);
        let at = |span: Span| {
            let mut start = span.start.min(text.len());
            while !text.is_char_boundary(start) {
                start -= 1;
            }
            let before = &text.as_bytes()[..start];
            let line = memchr::memchr_iter(b'\n', before).count() + 1;
            let line_start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
            let column = text[line_start..start].chars().count() + 1;
            format!("{name}:{line}:{column}")
        };
        let role = match &self.role {
            Role::Known(known) => Some(at(known.source.anchor())),
            Role::Unknown(_) => None,
        };
        Arc::new(MachinePermissions {
            machine: self.machine.clone(),
            tool: self.tool,
            env: Arc::clone(&self.env),
            role: self.role.clone(),
            facts: self.facts.clone(),
            logging: self.logging,
            tracing: self.tracing,
            location: Some(Location {
                path: name.clone(),
                role,
                logging: self.logging.map(at),
                tracing: self.tracing.map(at),
            }),
        })
    }

    /// The machine's needs: its states', then its own (logging, tracing).
    pub fn needs(&self, machine: &crate::model::Machine) -> Vec<needs::Group> {
        let mut groups = needs::of_states(machine, &self.env, &self.facts);
        groups.extend(needs::of_machine(&self.facts));
        groups
    }

    /// Whether the template is written in JSON (for the syntax of a suggested statement);
    /// `source` is the file linted, the template itself unless the machine is located elsewhere.
    pub fn json_template(&self, source: &crate::source::SourceFile) -> bool {
        match &self.location {
            Some(l) if l.path != source.name => l.path.to_ascii_lowercase().ends_with(".json"),
            _ => !crate::document::is_yaml(&source.name, &source.text),
        }
    }
}

/// A path as messages show it: relative to the working directory when it is below it.
fn relative(path: &str) -> String {
    let p = std::path::Path::new(path);
    let shown = std::env::current_dir()
        .ok()
        .and_then(|cwd| p.strip_prefix(cwd).ok().map(|r| r.display().to_string()));
    shown.unwrap_or_else(|| path.to_string())
}

/// The needs of a definition linted on its own: names stay literal.
pub fn standalone_needs(machine: &crate::model::Machine) -> Vec<needs::Group> {
    needs::of_states(machine, &Env::default(), &MachineFacts::default())
}

/// The part of an unknown resource shown in messages.
pub fn shown(resource: &Expr) -> String {
    if resource == &Expr::unknown("") {
        "*".to_string()
    } else {
        resource.display()
    }
}
