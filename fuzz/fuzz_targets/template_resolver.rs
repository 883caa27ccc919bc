//! Templates: finding the state machines in a CloudFormation, SAM or Serverless template,
//! resolving their intrinsic functions and substitutions, and placing spans of a rebuilt
//! DefinitionString back in the template.
#![no_main]

use asl_lint::document::{descendants, json, yaml};
use asl_lint::template::{self, Definition};
use asl_lint_fuzz::touch;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(document) = yaml::parse(text) else {
        return;
    };
    let root = &document.root;
    let Some(machines) = template::find(root) else {
        return;
    };
    for machine in &machines {
        match &machine.definition {
            Definition::Object(definition) => {
                touch(&template::resolve(definition, machine, root));
                touch(&template::substitute_definition(
                    definition,
                    &machine.substitutions,
                ));
            }
            Definition::Text { rebuilt, .. } => {
                let Ok(inner) = json::parse(&rebuilt.text) else {
                    continue;
                };
                let mut locator = rebuilt.locator(text);
                for node in descendants(&inner.root) {
                    if let Some(span) = locator.span(node.span) {
                        assert!(
                            span.start <= span.end && span.end <= text.len(),
                            "{span:?} outside the template's {} bytes",
                            text.len()
                        );
                    }
                }
            }
            Definition::File { .. } | Definition::Unavailable { .. } => {}
        }
    }
});
