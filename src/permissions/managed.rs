//! AWS managed policies whose permissions are known here, each as a superset of what it
//! allows: every service it grants anything in is modelled as all of that service's actions on
//! every resource. A superset can only hide a finding, never make one up. A managed policy not
//! in this table makes the role unknown (nothing is reported for it).
//!
//! Source: the AWS Managed Policy Reference,
//! https://docs.aws.amazon.com/aws-managed-policy/latest/reference/<Name>.html

use super::expr::Expr;
use super::iam::Statement;

/// Name → the action patterns it is modelled as allowing on `*`.
const KNOWN: &[(&str, &[&str])] = &[
    ("AdministratorAccess", &["*"]),
    ("AWSStepFunctionsFullAccess", &["states:*"]),
    ("AWSLambdaRole", &["lambda:InvokeFunction"]),
    ("AWSLambdaBasicExecutionRole", &["logs:*"]),
    ("AWSLambdaExecute", &["logs:*", "s3:*"]),
    ("CloudWatchLogsFullAccess", &["logs:*", "cloudwatch:*"]),
    (
        "CloudWatchFullAccess",
        &[
            "autoscaling:*",
            "cloudwatch:*",
            "logs:*",
            "sns:*",
            "iam:*",
            "oam:*",
        ],
    ),
    ("CloudWatchEventsFullAccess", &["events:*", "iam:*"]),
    (
        "AmazonEventBridgeFullAccess",
        &["events:*", "schemas:*", "scheduler:*", "pipes:*", "iam:*"],
    ),
    ("AmazonSQSFullAccess", &["sqs:*"]),
    ("AmazonSNSFullAccess", &["sns:*", "sms-voice:*"]),
    ("AmazonS3FullAccess", &["s3:*", "s3-object-lambda:*"]),
    (
        "AmazonS3ReadOnlyAccess",
        &[
            "s3:Get*",
            "s3:List*",
            "s3:Describe*",
            "s3-object-lambda:Get*",
            "s3-object-lambda:List*",
        ],
    ),
    ("AWSXrayWriteOnlyAccess", &["xray:*"]),
    ("AWSXRayDaemonWriteAccess", &["xray:*"]),
    ("AWSXrayFullAccess", &["xray:*"]),
    ("AmazonAPIGatewayInvokeFullAccess", &["execute-api:*"]),
    ("AmazonSESFullAccess", &["ses:*"]),
    ("AmazonRekognitionReadOnlyAccess", &["rekognition:*"]),
    ("AmazonECSTaskExecutionRolePolicy", &["ecr:*", "logs:*"]),
    (
        "AWSGlueServiceRole",
        &["glue:*", "s3:*", "ec2:*", "iam:*", "cloudwatch:*", "logs:*"],
    ),
    (
        "AmazonDynamoDBFullAccess",
        &[
            "dynamodb:*",
            "dax:*",
            "application-autoscaling:*",
            "cloudwatch:*",
            "datapipeline:*",
            "ec2:*",
            "iam:*",
            "kms:*",
            "lambda:*",
            "resource-groups:*",
            "sns:*",
            "tag:*",
            "kinesis:*",
            "outposts:*",
        ],
    ),
];

/// The statements of an AWS managed policy named by its ARN
/// (`arn:aws:iam::aws:policy/service-role/AWSLambdaRole`) or, in SAM's `Policies`, by its name.
pub fn statements(arn_or_name: &str) -> Option<Vec<Statement>> {
    let name = if arn_or_name.starts_with("arn:") {
        let (head, name) = arn_or_name.rsplit_once('/')?;
        // An AWS managed policy's account is `aws`; a customer's policy is unknown.
        if !head.contains(":iam::aws:policy") {
            return None;
        }
        name
    } else {
        arn_or_name
    };
    let (_, actions) = KNOWN.iter().find(|(n, _)| *n == name)?;
    Some(vec![Statement::allow(actions, vec![Expr::text("*")])])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::permissions::iam::allows;

    #[test]
    fn known_policies_by_arn_or_name() {
        let any = Expr::text("arn:aws:lambda:us-east-1:1:function:f");
        let role = statements("arn:aws:iam::aws:policy/service-role/AWSLambdaRole").unwrap();
        assert!(allows(&role, "lambda:InvokeFunction", &any));
        assert!(!allows(&role, "lambda:DeleteFunction", &any));
        assert!(statements("AWSStepFunctionsFullAccess").is_some());
        assert!(statements("arn:aws:iam::123456789012:policy/AWSLambdaRole").is_none());
        assert!(statements("SomethingElse").is_none());
    }
}
