//! The tool a template is written for: a leaf that both the template readers and the
//! permission checks name, so that neither has to import the other for it.

/// The tool a template is written for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Tool {
    #[default]
    CloudFormation,
    /// A template with the `AWS::Serverless` transform.
    Sam,
    Serverless,
    /// Terraform or OpenTofu: `aws_sfn_state_machine` and the step-functions module.
    Terraform,
}
