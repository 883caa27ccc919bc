//! Whether the human report is coloured: `--color`, then the environment, then the terminal.

/// `--color auto|always|never`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Choice {
    #[default]
    Auto,
    Always,
    Never,
}

/// Whether to colour. `var` reads an environment variable; empty counts as unset, as
/// no-color.org asks (and `VAR= cmd` is how shells unset one for a command). Precedence,
/// highest first:
/// 1. `--color always` or `never`;
/// 2. `NO_COLOR` set: no colour (the user's standing wish, which only an explicit flag
///    overrides);
/// 3. `FORCE_COLOR` or `CLICOLOR_FORCE` set and not `0` (`FORCE_COLOR=false` too): colour,
///    for CI logs that render it;
/// 4. `CLICOLOR=0` or `TERM=dumb`: no colour;
/// 5. colour when stdout is a terminal.
pub fn enabled(choice: Choice, terminal: bool, var: impl Fn(&str) -> Option<String>) -> bool {
    let set = |name: &str| var(name).filter(|v| !v.is_empty());
    let forcing = |name: &str| set(name).is_some_and(|v| v != "0" && v != "false");
    match choice {
        Choice::Always => true,
        Choice::Never => false,
        Choice::Auto if set("NO_COLOR").is_some() => false,
        Choice::Auto if forcing("FORCE_COLOR") || forcing("CLICOLOR_FORCE") => true,
        Choice::Auto => {
            terminal
                && set("CLICOLOR").as_deref() != Some("0")
                && set("TERM").as_deref() != Some("dumb")
        }
    }
}

/// `enabled` with the process's environment.
pub fn from_env(choice: Choice, terminal: bool) -> bool {
    enabled(choice, terminal, |name| {
        std::env::var_os(name).map(|v| v.to_string_lossy().into_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with<'a>(vars: &'a [(&str, &str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn precedence() {
        use Choice::*;
        assert!(enabled(Auto, true, with(&[])));
        assert!(!enabled(Auto, false, with(&[])));
        assert!(enabled(Always, false, with(&[("NO_COLOR", "1")])));
        assert!(!enabled(Never, true, with(&[("FORCE_COLOR", "1")])));
        assert!(!enabled(Auto, true, with(&[("NO_COLOR", "1")])));
        assert!(enabled(Auto, true, with(&[("NO_COLOR", "")])));
        assert!(!enabled(
            Auto,
            false,
            with(&[("NO_COLOR", "1"), ("FORCE_COLOR", "1")])
        ));
        assert!(enabled(Auto, false, with(&[("FORCE_COLOR", "1")])));
        assert!(enabled(Auto, false, with(&[("FORCE_COLOR", "3")])));
        assert!(!enabled(Auto, false, with(&[("FORCE_COLOR", "0")])));
        assert!(!enabled(Auto, false, with(&[("FORCE_COLOR", "false")])));
        assert!(enabled(Auto, false, with(&[("CLICOLOR_FORCE", "1")])));
        assert!(!enabled(Auto, false, with(&[("CLICOLOR_FORCE", "0")])));
        assert!(!enabled(Auto, true, with(&[("CLICOLOR", "0")])));
        assert!(!enabled(Auto, true, with(&[("TERM", "dumb")])));
    }
}
