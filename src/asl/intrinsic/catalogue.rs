//! The intrinsic functions Step Functions provides: parameters, arity and what each returns.

/// What a parameter accepts, for the checks that are certain without knowing the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Param {
    Any,
    String,
    Number,
    Array,
    Object,
    Boolean,
    /// A string, number, boolean or null (a Format value).
    Scalar,
    /// Only a path.
    Path,
}

/// What a function returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Returns {
    String,
    Number,
    Boolean,
    Array,
    Object,
    Any,
}

impl Returns {
    pub(super) fn describe(self) -> &'static str {
        match self {
            Returns::String => "a string",
            Returns::Number => "a number",
            Returns::Boolean => "a boolean",
            Returns::Array => "an array",
            Returns::Object => "an object",
            Returns::Any => "any value",
        }
    }
}

/// One intrinsic function of the catalogue.
#[derive(Debug)]
pub struct Function {
    pub name: &'static str,
    /// Parameter names and kinds; the last one repeats when `variadic`.
    pub params: &'static [(&'static str, Param)],
    /// Fewest arguments.
    pub min: usize,
    pub variadic: bool,
    pub returns: Returns,
    /// Usable in Fail `ErrorPath`/`CausePath` (AWS's language service list).
    pub string_result: bool,
}

impl Function {
    pub fn max(&self) -> Option<usize> {
        (!self.variadic).then_some(self.params.len())
    }

    /// `States.Hash(data, algorithm)`
    pub fn signature(&self) -> String {
        let names: Vec<String> = self
            .params
            .iter()
            .enumerate()
            .map(|(i, (name, _))| {
                let last = i + 1 == self.params.len();
                if last && self.variadic {
                    format!("{name}…")
                } else if i >= self.min {
                    format!("[{name}]")
                } else {
                    name.to_string()
                }
            })
            .collect();
        format!("{}({})", self.name, names.join(", "))
    }

    pub(super) fn param(&self, index: usize) -> Option<(&'static str, Param)> {
        match self.params.get(index) {
            Some(&p) => Some(p),
            None if self.variadic => self.params.last().copied(),
            None => None,
        }
    }
}

const fn f(
    name: &'static str,
    params: &'static [(&'static str, Param)],
    min: usize,
    variadic: bool,
    returns: Returns,
    string_result: bool,
) -> Function {
    Function {
        name,
        params,
        min,
        variadic,
        returns,
        string_result,
    }
}

/// The intrinsic functions Step Functions provides.
pub static FUNCTIONS: &[Function] = &[
    f(
        "States.Format",
        &[("template", Param::String), ("value", Param::Scalar)],
        1,
        true,
        Returns::String,
        true,
    ),
    f(
        "States.StringToJson",
        &[("string", Param::String)],
        1,
        false,
        Returns::Any,
        false,
    ),
    f(
        "States.JsonToString",
        &[("path", Param::Path)],
        1,
        false,
        Returns::String,
        true,
    ),
    f(
        "States.Array",
        &[("value", Param::Any)],
        0,
        true,
        Returns::Array,
        false,
    ),
    f(
        "States.ArrayPartition",
        &[("array", Param::Array), ("chunkSize", Param::Number)],
        2,
        false,
        Returns::Array,
        false,
    ),
    f(
        "States.ArrayContains",
        &[("array", Param::Array), ("value", Param::Any)],
        2,
        false,
        Returns::Boolean,
        false,
    ),
    f(
        "States.ArrayRange",
        &[
            ("start", Param::Number),
            ("end", Param::Number),
            ("step", Param::Number),
        ],
        3,
        false,
        Returns::Array,
        false,
    ),
    f(
        "States.ArrayGetItem",
        &[("array", Param::Array), ("index", Param::Number)],
        2,
        false,
        Returns::Any,
        true,
    ),
    f(
        "States.ArrayLength",
        &[("array", Param::Array)],
        1,
        false,
        Returns::Number,
        false,
    ),
    f(
        "States.ArrayUnique",
        &[("array", Param::Array)],
        1,
        false,
        Returns::Array,
        false,
    ),
    f(
        "States.Base64Encode",
        &[("string", Param::String)],
        1,
        false,
        Returns::String,
        true,
    ),
    f(
        "States.Base64Decode",
        &[("base64", Param::String)],
        1,
        false,
        Returns::String,
        true,
    ),
    f(
        "States.Hash",
        &[("data", Param::Any), ("algorithm", Param::String)],
        2,
        false,
        Returns::String,
        true,
    ),
    f(
        "States.JsonMerge",
        &[
            ("object1", Param::Object),
            ("object2", Param::Object),
            ("deep", Param::Boolean),
        ],
        3,
        false,
        Returns::Object,
        false,
    ),
    f(
        "States.MathRandom",
        &[
            ("start", Param::Number),
            ("end", Param::Number),
            ("seed", Param::Number),
        ],
        2,
        false,
        Returns::Number,
        false,
    ),
    f(
        "States.MathAdd",
        &[("a", Param::Number), ("b", Param::Number)],
        2,
        false,
        Returns::Number,
        false,
    ),
    f(
        "States.StringSplit",
        &[("string", Param::String), ("delimiters", Param::String)],
        2,
        false,
        Returns::Array,
        false,
    ),
    f("States.UUID", &[], 0, false, Returns::String, true),
];

pub const HASH_ALGORITHMS: [&str; 5] = ["MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512"];

/// Most items `States.ArrayRange` may produce.
pub const MAX_RANGE_ITEMS: f64 = 1000.0;

pub fn function(name: &str) -> Option<&'static Function> {
    FUNCTIONS.iter().find(|f| f.name == name)
}
