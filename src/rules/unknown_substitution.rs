use super::{rule_doc, Category, Context, Rule};
use crate::diagnostic::abbreviate;
use crate::diagnostic::{Edit, Finding, Fix, Severity};
use crate::document::pointer_to;
use crate::template::{DefinedBy, UnknownSubstitution};

pub static RULE: Rule = Rule {
    id: "unknown-substitution",
    severity: Severity::Warning,
    category: Category::Correctness,
    summary: "A ${Name} in a template's definition that its DefinitionSubstitutions (or Serverless configuration) does not define",
    doc: rule_doc!("unknown-substitution"),
    check: Some(check),
    fix: Some(super::FixSpec {
        summary: "use the defined name the help suggests",
        applicability: crate::diagnostic::Applicability::Unsafe,
    }),
};

/// The template stage finds the placeholders (it knows what each tool defines); this rule
/// words them and offers the close name as a fix.
fn check(cx: &Context, out: &mut Vec<Finding>) {
    let Some(deployment) = cx.deployment else {
        return;
    };
    for unknown in &deployment.unknown_substitutions {
        out.push(finding(cx, unknown));
    }
}

fn finding(cx: &Context, u: &UnknownSubstitution) -> Finding {
    // The innermost state holding the placeholder, and the field inside it.
    let state = cx
        .states()
        .filter(|s| s.node.span.contains(u.span))
        .min_by_key(|s| s.node.span.len());
    let place = match state {
        Some(state) => {
            let field = pointer_to(state.node, u.span);
            let field = field.trim_start_matches('/');
            if field.is_empty() {
                format!("state '{}'", abbreviate(state.name))
            } else {
                format!(
                    "\"{field}\" of state '{}'",
                    abbreviate(state.name),
                    field = abbreviate(field)
                )
            }
        }
        None => "the definition".to_string(),
    };
    let name = &u.name;
    let message = match u.defined_by {
        DefinedBy::DefinitionSubstitutions => format!(
            "{place} uses ${{{name}}}, which DefinitionSubstitutions does not define: the deployed state machine gets the text \"${{{name}}}\""
        ),
        DefinedBy::FnSub => format!(
            "{place} uses ${{{name}}}, which Fn::Sub cannot resolve: it is no parameter, resource or variable of the template, so CloudFormation rejects the stack"
        ),
        DefinedBy::Serverless => format!(
            "{place} uses ${{{name}}}, which names nothing in the Serverless configuration, so the deployment fails"
        ),
        DefinedBy::TemplateFile => format!(
            "{place} uses ${{{name}}}, which the templatefile() variables do not define, so Terraform fails to render the definition"
        ),
        DefinedBy::TerraformFile => format!(
            "{place} uses ${{{name}}}, but file() reads the definition as it is: the deployed state machine gets the text \"${{{name}}}\""
        ),
    };
    let help = match (&u.suggestion, u.defined_by) {
        (Some(close), _) => format!("did you mean ${{{close}}}?"),
        (None, DefinedBy::DefinitionSubstitutions) => format!(
            "add \"{name}\" to the state machine's DefinitionSubstitutions, or write the value itself", name = abbreviate(name)
        ),
        (None, DefinedBy::FnSub) => format!(
            "declare \"{name}\" as a parameter or a variable of the Fn::Sub, or write ${{!{name}}} to leave ${{{name}}} for DefinitionSubstitutions", name = abbreviate(name)
        ),
        (None, DefinedBy::Serverless) => {
            "add the value under that path (for example under custom:), or give a fallback: ${self:custom.name, 'default'}".to_string()
        }
        (None, DefinedBy::TemplateFile) => format!(
            "add {name} = … to the templatefile() variables (or the template_file data source's vars), or write $${{{name}}} for a literal ${{{name}}}", name = abbreviate(name)
        ),
        (None, DefinedBy::TerraformFile) => format!(
            "read the file with templatefile(path, {{ {name} = … }}) to substitute it, or write the value itself", name = abbreviate(name)
        ),
    };
    let mut f = Finding::new(u.span, message).help(help);
    if let Some(state) = state {
        f = f.state(state.name);
    }
    // Only when the span is exactly the placeholder as written (not a whole value it could
    // not be placed in).
    let written = format!("${{{name}}}");
    if let Some(close) = &u.suggestion {
        if cx.source.text.get(u.span.start..u.span.end) == Some(written.as_str()) {
            f = f.fix(Fix::unsafe_(
                format!("replace ${{{name}}} with ${{{close}}}"),
                vec![Edit::replace(u.span, format!("${{{close}}}"))],
            ));
        }
    }
    f
}
