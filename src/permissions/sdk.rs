//! AWS SDK integrations (`arn:aws:states:::aws-sdk:<service>:<action>`): the IAM action an
//! API call needs. It is `<iam prefix>:<Action>` with the action in PascalCase, where the
//! prefix can differ from the SDK service name; a few operations are authorised by an action
//! of another name.
//!
//! Sources: https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html
//! (service names), the Service Authorization Reference
//! https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
//! (prefixes and actions), and asl-facts.md §13.1.

/// SDK service name → IAM prefix, where they differ.
const RENAMED: &[(&str, &str)] = &[
    ("sfn", "states"),
    ("eventbridge", "events"),
    ("cloudwatchlogs", "logs"),
    ("costexplorer", "ce"),
    ("costandusagereport", "cur"),
    ("databasemigration", "dms"),
    ("directory", "ds"),
    ("elasticsearch", "es"),
    ("opensearch", "es"),
    ("efs", "elasticfilesystem"),
    ("emr", "elasticmapreduce"),
    ("elasticloadbalancingv2", "elasticloadbalancing"),
    ("emrcontainers", "emr-containers"),
    ("emrserverless", "emr-serverless"),
    ("cognitoidentityprovider", "cognito-idp"),
    ("cognitoidentity", "cognito-identity"),
    ("applicationautoscaling", "application-autoscaling"),
    ("acmpca", "acm-pca"),
    ("rdsdata", "rds-data"),
    ("marketplacemetering", "aws-marketplace"),
    ("resourcegroupstaggingapi", "tag"),
    ("lexruntimev2", "lex"),
    ("lexmodelsv2", "lex"),
    ("bedrockruntime", "bedrock"),
    ("bedrockagent", "bedrock"),
    ("bedrockagentruntime", "bedrock"),
    ("sagemakerruntime", "sagemaker"),
    ("dynamodbstreams", "dynamodb"),
    ("s3control", "s3"),
    ("sesv2", "ses"),
    ("ssoadmin", "sso"),
    ("redshiftdata", "redshift-data"),
    ("redshiftserverless", "redshift-serverless"),
    ("timestreamwrite", "timestream"),
    ("timestreamquery", "timestream"),
    ("iotdata", "iot"),
    ("kinesisvideo", "kinesisvideo"),
    ("secretsmanager", "secretsmanager"),
    ("cloudwatch", "cloudwatch"),
];

/// SDK service names whose IAM prefix is the same name, checked one by one.
const SAME: &[&str] = &[
    "acm",
    "appsync",
    "athena",
    "backup",
    "batch",
    "bedrock",
    "cloudformation",
    "cloudfront",
    "cloudtrail",
    "codebuild",
    "codecommit",
    "codedeploy",
    "codepipeline",
    "comprehend",
    "config",
    "datasync",
    "dax",
    "dynamodb",
    "ec2",
    "ecr",
    "ecs",
    "eks",
    "elasticache",
    "firehose",
    "glue",
    "guardduty",
    "iam",
    "kafka",
    "kinesis",
    "kms",
    "lambda",
    "location",
    "macie2",
    "mediaconvert",
    "mq",
    "organizations",
    "personalize",
    "pipes",
    "polly",
    "quicksight",
    "rds",
    "redshift",
    "rekognition",
    "route53",
    "s3",
    "sagemaker",
    "scheduler",
    "securityhub",
    "ses",
    "sns",
    "sqs",
    "ssm",
    "sts",
    "textract",
    "transcribe",
    "transfer",
    "translate",
    "xray",
    "wafv2",
    "shield",
    "sso",
    "servicecatalog",
    "cloud9",
    "amplify",
    "apprunner",
    "inspector2",
    "detective",
    "fsx",
    "storagegateway",
    "databrew",
    "forecast",
    "frauddetector",
    "healthlake",
    "medialive",
    "mediapackage",
    "mediastore",
    "iot",
    "ivs",
    "workspaces",
    "connect",
    "lightsail",
    "neptune",
    "docdb",
    "memorydb",
    "opensearchserverless",
];

/// Operations authorised by an IAM action of another name: (prefix, operation) → actions.
const OTHER_ACTION: &[(&str, &str, &[&str])] = &[
    ("lambda", "Invoke", &["lambda:InvokeFunction"]),
    ("s3", "ListObjects", &["s3:ListBucket"]),
    ("s3", "ListObjectsV2", &["s3:ListBucket"]),
    ("s3", "ListObjectVersions", &["s3:ListBucketVersions"]),
    ("s3", "ListBuckets", &["s3:ListAllMyBuckets"]),
    ("s3", "HeadObject", &["s3:GetObject"]),
    ("s3", "HeadBucket", &["s3:ListBucket"]),
    ("s3", "CopyObject", &["s3:GetObject", "s3:PutObject"]),
    ("s3", "CreateMultipartUpload", &["s3:PutObject"]),
    ("s3", "UploadPart", &["s3:PutObject"]),
    ("s3", "CompleteMultipartUpload", &["s3:PutObject"]),
    ("s3", "DeleteObjects", &["s3:DeleteObject"]),
    ("sqs", "SendMessageBatch", &["sqs:SendMessage"]),
    ("sqs", "DeleteMessageBatch", &["sqs:DeleteMessage"]),
    (
        "sqs",
        "ChangeMessageVisibilityBatch",
        &["sqs:ChangeMessageVisibility"],
    ),
    ("bedrock", "Converse", &["bedrock:InvokeModel"]),
    ("dynamodb", "TransactGetItems", &["dynamodb:GetItem"]),
    ("sts", "GetCallerIdentity", &[]),
];

/// Services whose operations are not authorised by `<prefix>:<Operation>` at all (API
/// Gateway's management API uses HTTP verbs, `apigateway:GET`…), or by several actions that
/// depend on the request (PartiQL, transactions): their needs are printed, never reported.
const IRREGULAR: &[(&str, &str)] = &[
    ("apigateway", ""),
    ("dynamodb", "ExecuteStatement"),
    ("dynamodb", "BatchExecuteStatement"),
    ("dynamodb", "ExecuteTransaction"),
    ("dynamodb", "TransactWriteItems"),
];

/// The IAM actions an SDK call needs, and whether that is certain (a known prefix and a
/// regular operation).
pub fn actions(service: &str, api: &str) -> (Vec<String>, bool) {
    let known = RENAMED.iter().find(|(s, _)| *s == service);
    let (prefix, certain) = match known {
        Some((_, prefix)) => (*prefix, true),
        None if SAME.contains(&service) => (service, true),
        None => (service, false),
    };
    let operation = pascal(api);
    if let Some((_, _, actions)) = OTHER_ACTION
        .iter()
        .find(|(p, op, _)| *p == prefix && *op == operation)
    {
        return (actions.iter().map(|a| a.to_string()).collect(), certain);
    }
    let irregular = IRREGULAR
        .iter()
        .any(|(p, op)| *p == prefix && (op.is_empty() || *op == operation));
    (vec![format!("{prefix}:{operation}")], certain && !irregular)
}

/// The IAM prefix of an SDK service name.
pub fn prefix(service: &str) -> &str {
    RENAMED
        .iter()
        .find(|(s, _)| *s == service)
        .map_or(service, |(_, p)| p)
}

/// `getItem` → `GetItem`.
fn pascal(api: &str) -> String {
    let mut chars = api.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_and_actions() {
        assert_eq!(
            actions("sfn", "startExecution"),
            (vec!["states:StartExecution".into()], true)
        );
        assert_eq!(actions("eventbridge", "putEvents").0, ["events:PutEvents"]);
        assert_eq!(
            actions("dynamodb", "query"),
            (vec!["dynamodb:Query".into()], true)
        );
        assert_eq!(actions("s3", "listObjectsV2").0, ["s3:ListBucket"]);
        assert_eq!(actions("lambda", "invoke").0, ["lambda:InvokeFunction"]);
        assert!(!actions("apigateway", "getRestApis").1);
        assert!(!actions("somenewservice", "doThing").1);
        assert_eq!(prefix("cloudwatchlogs"), "logs");
    }
}
