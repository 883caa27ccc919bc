//! How Terraform uses a definition file it reads (`file()`, `templatefile()`), and its values.

/// How a definition file is used.
#[derive(Clone, Debug, PartialEq)]
pub enum FileUse {
    /// `file()`: read as it is; a `${…}` in it reaches Step Functions as text.
    Verbatim,
    /// `templatefile()` or a `template_file` data source: rendered with these variables
    /// (`None` when the map is not written out here).
    Template(Option<Vec<(String, Val)>>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Str(String),
    /// A number as written.
    Num(String),
    Bool(bool),
    Null,
    /// Known only at apply time; the name describes it (`var.table`).
    Unknown(String),
}

impl Val {
    /// As text inside a string: unknown parts as `${…}`.
    pub fn text(&self) -> String {
        match self {
            Val::Str(s) | Val::Num(s) => s.clone(),
            Val::Bool(b) => b.to_string(),
            Val::Null => String::new(),
            Val::Unknown(name) => format!("${{{name}}}"),
        }
    }

    /// A string without unknown parts.
    pub fn known_str(&self) -> Option<&str> {
        match self {
            Val::Str(s) if !crate::placeholder::has(s) => Some(s),
            _ => None,
        }
    }
}
