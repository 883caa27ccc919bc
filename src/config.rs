//! Settings that change what rules report.

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum WorkflowType {
    #[default]
    Standard,
    Express,
}

impl WorkflowType {
    pub fn name(self) -> &'static str {
        match self {
            WorkflowType::Standard => "STANDARD",
            WorkflowType::Express => "EXPRESS",
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct LintOptions {
    pub workflow_type: WorkflowType,
}
