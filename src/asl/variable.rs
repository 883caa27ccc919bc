//! Workflow variable names: what `Assign` may name and `$name` may read.

/// Why `name` cannot be a variable name, if it cannot.
pub fn invalid_name(name: &str) -> Option<String> {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return Some("it is empty".to_string());
    };
    if name == "states" {
        return Some("\"states\" is reserved".to_string());
    }
    if name.contains('.') || name.contains('[') {
        return Some("it assigns part of a variable".to_string());
    }
    if first.is_numeric() {
        return Some("it starts with a digit".to_string());
    }
    if let Some(bad) = name.chars().find(|c| !(c.is_alphanumeric() || *c == '_')) {
        let shown = if bad == ' ' {
            "a space".to_string()
        } else {
            format!("\"{bad}\"")
        };
        return Some(format!("it contains {shown}"));
    }
    if name.chars().count() > 80 {
        return Some("it is longer than 80 characters".to_string());
    }
    None
}

/// Whether `name` can be a variable: a Unicode identifier of at most 80 characters, not `states`.
pub fn is_name(name: &str) -> bool {
    invalid_name(name).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variable_names() {
        assert_eq!(invalid_name("orderId"), None);
        assert_eq!(invalid_name("_tmp"), None);
        assert_eq!(invalid_name("größe"), None);
        assert_eq!(invalid_name("my-var").as_deref(), Some("it contains \"-\""));
        assert_eq!(
            invalid_name("my var").as_deref(),
            Some("it contains a space")
        );
        assert_eq!(
            invalid_name("1st").as_deref(),
            Some("it starts with a digit")
        );
        assert_eq!(
            invalid_name("x.y").as_deref(),
            Some("it assigns part of a variable")
        );
        assert_eq!(
            invalid_name("states").as_deref(),
            Some("\"states\" is reserved")
        );
        assert_eq!(invalid_name("").as_deref(), Some("it is empty"));
    }
}
