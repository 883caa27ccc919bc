//! What a state machine's execution role must allow: for each Task, the IAM actions its
//! integration and pattern need, on the resources its parameters name; for a Distributed Map,
//! starting its own child executions and reading and writing S3; for the machine, logging and
//! tracing when its template turns them on.
//!
//! Each entry names the "IAM policies for integrated services" page it comes from
//! (https://docs.aws.amazon.com/step-functions/latest/dg/<page>). A need is *required* when the
//! page lists it as needed to run the task; actions that only matter when an execution is
//! stopped (StopExecution, CancelJobRun…) or that depend on what the called job does are
//! *advised*: `asl-lint policy` prints them, `missing-permission` does not report them.

use super::expr::{arn_prefix, Env, Expr, Part};
use super::sdk;
use crate::asl::resource::{Pattern, Resource};
use crate::document::Node;
use crate::model::{Machine, QueryLanguage, State, StateType};
use crate::source::Span;

const DG: &str = "https://docs.aws.amazon.com/step-functions/latest/dg/";

/// One action on one resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Need {
    /// `lambda:InvokeFunction`.
    pub action: String,
    /// The resource; `Expr::unknown("")` (printed `*`) when it cannot be known.
    pub resource: Expr,
    pub required: bool,
}

/// What one Task (or a Distributed Map's reader, writer or children, or the machine's
/// logging) needs.
#[derive(Clone, Debug)]
pub struct Group {
    /// The state, when the group is a state's.
    pub state: Option<String>,
    /// What the need comes from, for messages: `lambda:invoke`, `Distributed Map ItemReader`.
    pub what: String,
    /// Where a finding points: the Task's `Resource`, the Map's `ItemReader`…
    pub span: Span,
    /// The docs page the actions come from.
    pub doc: String,
    pub needs: Vec<Need>,
    /// Why some resource is `*`.
    pub notes: Vec<String>,
}

/// What the deployment of the machine adds: its own name, logging and tracing.
#[derive(Clone, Debug, Default)]
pub struct MachineFacts {
    /// The machine's own name (for a Distributed Map's child executions and HTTP Tasks).
    pub own_name: Option<Expr>,
    pub logging: bool,
    pub tracing: bool,
}

/// The needs of every Task and Distributed Map of `machine`, in document order.
pub fn of_states(machine: &Machine, env: &Env, facts: &MachineFacts) -> Vec<Group> {
    let mut out = Vec::new();
    for state in &machine.states {
        match state.ty {
            Some(StateType::Task) => {
                if let Some(group) = task(state, env, facts) {
                    out.push(group);
                }
            }
            Some(StateType::Map) => distributed_map(state, env, facts, &mut out),
            _ => {}
        }
    }
    out
}

/// Logging and tracing needs, which the template adds to the machine.
pub fn of_machine(facts: &MachineFacts) -> Vec<Group> {
    let mut out = Vec::new();
    if facts.logging {
        let mut needs: Vec<Need> = [
            "logs:CreateLogDelivery",
            "logs:GetLogDelivery",
            "logs:UpdateLogDelivery",
            "logs:ListLogDeliveries",
            "logs:PutResourcePolicy",
            "logs:DescribeResourcePolicies",
            "logs:DescribeLogGroups",
        ]
        .iter()
        .map(|a| need(a, any(), true))
        .collect();
        // Listed by the page, but deployed samples without them work: needed to remove the
        // delivery, or not at all for vended logs.
        needs.push(need("logs:DeleteLogDelivery", any(), false));
        needs.push(need("logs:CreateLogStream", any(), false));
        needs.push(need("logs:PutLogEvents", any(), false));
        out.push(Group {
            state: None,
            what: "logging to CloudWatch Logs".into(),
            span: Span::new(0, 0),
            doc: format!("{DG}cw-logs.html"),
            needs,
            notes: vec!["log delivery actions do not support resource-level permissions".into()],
        });
    }
    if facts.tracing {
        out.push(Group {
            state: None,
            what: "X-Ray tracing".into(),
            span: Span::new(0, 0),
            doc: format!("{DG}concepts-xray-tracing.html"),
            needs: [
                "xray:PutTraceSegments",
                "xray:PutTelemetryRecords",
                "xray:GetSamplingRules",
                "xray:GetSamplingTargets",
            ]
            .iter()
            .map(|a| need(a, any(), true))
            .collect(),
            notes: Vec::new(),
        });
    }
    out
}

fn any() -> Expr {
    Expr::unknown("")
}

fn need(action: &str, resource: Expr, required: bool) -> Need {
    Need {
        action: action.to_string(),
        resource,
        required,
    }
}

/// A parameter of a Task (or of an ItemReader / ResultWriter object).
enum Param<'d> {
    Literal(&'d str),
    /// Computed at run time from the state's input, context or variables.
    Dynamic,
    Missing,
}

/// Reads the parameters of `owner` (`Parameters` in JSONPath, `Arguments` in JSONata).
struct Params<'d> {
    node: Option<&'d Node>,
    jsonata: bool,
}

impl<'d> Params<'d> {
    fn of(owner: &'d Node, language: QueryLanguage) -> Params<'d> {
        let jsonata = language == QueryLanguage::Jsonata;
        let key = if jsonata { "Arguments" } else { "Parameters" };
        Params {
            node: owner.get(key),
            jsonata,
        }
    }

    fn get(&self, path: &[&str]) -> Param<'d> {
        let Some(mut node) = self.node else {
            return Param::Missing;
        };
        if self.jsonata && node.as_str().is_some() {
            // The whole Arguments is one JSONata expression.
            return Param::Dynamic;
        }
        for (i, key) in path.iter().enumerate() {
            let last = i + 1 == path.len();
            if last && !self.jsonata && node.get(&format!("{key}.$")).is_some() {
                return Param::Dynamic;
            }
            match node.get(key) {
                Some(next) => node = next,
                None if !self.jsonata && node.get(&format!("{key}.$")).is_some() => {
                    return Param::Dynamic
                }
                None => return Param::Missing,
            }
        }
        match node.as_str() {
            Some(s) if self.jsonata && s.trim_start().starts_with("{%") => Param::Dynamic,
            Some(s) => Param::Literal(s),
            None if node.as_object().is_some() || node.as_array().is_some() => Param::Missing,
            None => Param::Dynamic,
        }
    }

    /// The parameter as a resource name part; `None` (with a note) when it is not a literal.
    fn expr(&self, path: &[&str], env: &Env, notes: &mut Vec<String>) -> Option<Expr> {
        match self.get(path) {
            Param::Literal(s) => Some(env.parse(s)),
            Param::Dynamic => {
                notes.push(format!(
                    "{} is computed at run time, so the resource is *",
                    path.join(".")
                ));
                None
            }
            Param::Missing => None,
        }
    }
}

fn task(state: &State, env: &Env, facts: &MachineFacts) -> Option<Group> {
    let (node, arn) = state.task_resource()?;
    let params = Params::of(state.node, state.query_language);
    let mut notes = Vec::new();
    let mut needs = Vec::new();
    let resource = Resource::parse(arn);
    let (what, page) = match &resource {
        Resource::LambdaFunction { .. } => {
            needs.push(need("lambda:InvokeFunction", env.parse(arn), true));
            ("Lambda function".to_string(), "lambda-iam.html".to_string())
        }
        Resource::Integration {
            service,
            action,
            pattern,
            sdk: true,
        } => {
            let (actions, certain) = sdk::actions(service, action);
            let resource = sdk_resource(service, action, &params, env, &mut notes);
            if resource.is_none() {
                notes.push(format!(
                    "the resources of aws-sdk:{service}:{action} are not known to this linter, so the resource is *"
                ));
            }
            for a in actions {
                needs.push(need(&a, resource.clone().unwrap_or_else(any), certain));
            }
            (
                format!("aws-sdk:{service}:{action}{}", pattern.suffix()),
                "supported-services-awssdk.html".to_string(),
            )
        }
        Resource::Integration {
            service,
            action,
            pattern,
            sdk: false,
        } => {
            let page = optimized(
                service, action, *pattern, &params, env, facts, &mut needs, &mut notes,
            )?;
            (
                format!("{service}:{action}{}", pattern.suffix()),
                page.to_string(),
            )
        }
        // Activities need no permission of the role; anything else is not known.
        Resource::Activity { .. } | Resource::Unknown => return None,
    };
    if needs.is_empty() {
        return None;
    }
    Some(Group {
        state: Some(state.name.to_string()),
        what,
        span: node.span,
        doc: format!("{DG}{page}"),
        needs,
        notes,
    })
}

/// The needs of an optimized integration; returns its docs page, or `None` when it needs no
/// permission (or is not one this table knows).
#[allow(clippy::too_many_arguments)]
fn optimized(
    service: &str,
    action: &str,
    pattern: Pattern,
    params: &Params,
    env: &Env,
    facts: &MachineFacts,
    needs: &mut Vec<Need>,
    notes: &mut Vec<String>,
) -> Option<&'static str> {
    let sync = matches!(pattern, Pattern::Sync | Pattern::Sync2);
    let mut add = |action: &str, resource: Expr, required: bool| {
        needs.push(need(action, resource, required));
    };
    let rule = |name: &str| {
        let mut e = arn_prefix("events", true);
        e.push_text(&format!("rule/{name}"));
        e
    };
    match (service, action) {
        ("lambda", "invoke") => {
            let function = params
                .expr(&["FunctionName"], env, notes)
                .map(|name| function_arn(&name, params, env));
            add("lambda:InvokeFunction", function.unwrap_or_else(any), true);
            Some("lambda-iam.html")
        }
        ("dynamodb", "getItem" | "putItem" | "updateItem" | "deleteItem") => {
            let table = params
                .expr(&["TableName"], env, notes)
                .map(|t| table_arn(&t, env));
            add(
                &format!("dynamodb:{}", pascal(action)),
                table.unwrap_or_else(any),
                true,
            );
            Some("dynamo-iam.html")
        }
        ("sqs", "sendMessage") => {
            let queue = params
                .expr(&["QueueUrl"], env, notes)
                .and_then(|url| queue_arn(&url, env));
            add("sqs:SendMessage", queue.unwrap_or_else(any), true);
            Some("sqs-iam.html")
        }
        ("sns", "publish") => {
            let topic = params.expr(&["TopicArn"], env, notes);
            add("sns:Publish", topic.unwrap_or_else(any), true);
            Some("sns-iam.html")
        }
        ("events", "putEvents") => {
            for bus in event_buses(params, env, notes) {
                add("events:PutEvents", bus, true);
            }
            Some("eventbridge-iam.html")
        }
        ("ecs", "runTask") => {
            let (definition, roles) = task_definition(params, env, notes);
            add("ecs:RunTask", definition.unwrap_or_else(any), true);
            match roles {
                Some(roles) => {
                    for role in roles {
                        add("iam:PassRole", role, true);
                    }
                }
                None => add("iam:PassRole", any(), false),
            }
            if sync {
                // With the managed rule, completion arrives as an event: polling is a fallback.
                add("ecs:DescribeTasks", any(), false);
                add("ecs:StopTask", any(), false);
                for a in ["events:PutTargets", "events:PutRule", "events:DescribeRule"] {
                    add(a, rule("StepFunctionsGetEventsForECSTaskRule"), true);
                }
            }
            Some("ecs-iam.html")
        }
        ("batch", "submitJob") => {
            add("batch:SubmitJob", any(), true);
            if sync {
                add("batch:DescribeJobs", any(), false);
                add("batch:TerminateJob", any(), false);
                for a in ["events:PutTargets", "events:PutRule", "events:DescribeRule"] {
                    add(a, rule("StepFunctionsGetEventsForBatchJobsRule"), true);
                }
            }
            Some("batch-iam.html")
        }
        ("glue", "startJobRun") => {
            add("glue:StartJobRun", any(), true);
            if sync {
                add("glue:GetJobRun", any(), true);
                add("glue:GetJobRuns", any(), true);
                add("glue:BatchStopJobRun", any(), false);
            }
            Some("glue-iam.html")
        }
        ("databrew", "startJobRun") => {
            add("databrew:StartJobRun", any(), true);
            if sync {
                add("databrew:DescribeJobRun", any(), true);
                add("databrew:StopJobRun", any(), false);
            }
            Some("databrew-iam.html")
        }
        ("athena", _) => {
            let workgroup = match params.get(&["WorkGroup"]) {
                Param::Literal(w) => Some(env.parse(w)),
                Param::Missing => Some(Expr::text("primary")),
                Param::Dynamic => None,
            }
            .map(|w| {
                let mut e = arn_prefix("athena", true);
                e.push_text("workgroup/");
                e.push(&w);
                e
            });
            let on_workgroup = workgroup.unwrap_or_else(any);
            match action {
                "startQueryExecution" => {
                    add("athena:StartQueryExecution", on_workgroup.clone(), true);
                    if sync {
                        add("athena:GetQueryExecution", on_workgroup.clone(), true);
                        add("athena:StopQueryExecution", on_workgroup, false);
                    }
                    // What the query reads and writes depends on it: advised.
                    for a in [
                        "athena:GetDataCatalog",
                        "s3:GetBucketLocation",
                        "s3:GetObject",
                        "s3:ListBucket",
                        "s3:PutObject",
                        "glue:GetDatabase",
                        "glue:GetTable",
                        "glue:GetPartitions",
                        "lakeformation:GetDataAccess",
                    ] {
                        add(a, any(), false);
                    }
                }
                "stopQueryExecution" | "getQueryExecution" | "getQueryResults" => {
                    // On the workgroup the query ran in, which the execution id does not say.
                    add(&format!("athena:{}", pascal(action)), any(), true);
                    if action == "getQueryResults" {
                        add("s3:GetObject", any(), false);
                    }
                }
                _ => return None,
            }
            Some("athena-iam.html")
        }
        ("states", "startExecution") => {
            let machine = params.expr(&["StateMachineArn"], env, notes);
            add(
                "states:StartExecution",
                machine.clone().unwrap_or_else(any),
                true,
            );
            if sync {
                let executions = machine
                    .as_ref()
                    .and_then(execution_arns)
                    .unwrap_or_else(any);
                // Deployed samples without it work: the managed rule reports completion.
                add("states:DescribeExecution", executions.clone(), false);
                add("states:StopExecution", executions, false);
                for a in ["events:PutTargets", "events:PutRule", "events:DescribeRule"] {
                    add(
                        a,
                        rule("StepFunctionsGetEventsForStepFunctionsExecutionRule"),
                        true,
                    );
                }
            }
            Some("stepfunctions-iam.html")
        }
        ("elasticmapreduce", _) => {
            let (actions, sync_actions, cancel, rule_name): (&[&str], &[&str], &[&str], &str) =
                match action {
                    "createCluster" => (
                        &["elasticmapreduce:RunJobFlow"],
                        &["elasticmapreduce:DescribeCluster"],
                        &["elasticmapreduce:TerminateJobFlows"],
                        "StepFunctionsGetEventForEMRRunJobFlowRule",
                    ),
                    "terminateCluster" => (
                        &["elasticmapreduce:TerminateJobFlows"],
                        &["elasticmapreduce:DescribeCluster"],
                        &[],
                        "StepFunctionsGetEventForEMRTerminateJobFlowsRule",
                    ),
                    "addStep" => (
                        &["elasticmapreduce:AddJobFlowSteps"],
                        &["elasticmapreduce:DescribeStep"],
                        &["elasticmapreduce:CancelSteps"],
                        "StepFunctionsGetEventForEMRAddJobFlowStepsRule",
                    ),
                    "cancelStep" => (&["elasticmapreduce:CancelSteps"], &[], &[], ""),
                    "setClusterTerminationProtection" => {
                        (&["elasticmapreduce:SetTerminationProtection"], &[], &[], "")
                    }
                    "modifyInstanceFleetByName" => (
                        &[
                            "elasticmapreduce:ModifyInstanceFleet",
                            "elasticmapreduce:ListInstanceFleets",
                        ],
                        &[],
                        &[],
                        "",
                    ),
                    "modifyInstanceGroupByName" => (
                        &[
                            "elasticmapreduce:ModifyInstanceGroups",
                            "elasticmapreduce:ListInstanceGroups",
                        ],
                        &[],
                        &[],
                        "",
                    ),
                    _ => return None,
                };
            for a in actions {
                add(a, any(), true);
            }
            if action == "createCluster" {
                for role in ["ServiceRole", "JobFlowRole", "AutoScalingRole"] {
                    if let Some(r) = role_param(params, &[role], env, notes) {
                        add("iam:PassRole", r, true);
                    }
                }
            }
            if sync {
                for a in sync_actions {
                    add(a, any(), rule_name.is_empty());
                }
                for a in cancel {
                    add(a, any(), false);
                }
                if !rule_name.is_empty() {
                    for a in ["events:PutTargets", "events:PutRule", "events:DescribeRule"] {
                        add(a, rule(rule_name), true);
                    }
                }
            }
            Some("emr-iam.html")
        }
        ("emr-containers", "startJobRun" | "createVirtualCluster" | "deleteVirtualCluster")
        | ("emr-serverless", _) => {
            let iam = sdk::prefix(service);
            let operation = pascal(action);
            add(&format!("{iam}:{operation}"), any(), true);
            if let Some(r) = role_param(params, &["ExecutionRoleArn"], env, notes) {
                add("iam:PassRole", r, true);
            }
            if sync {
                let polled = match operation.as_str() {
                    "StartJobRun" if service == "emr-serverless" => "GetJobRun",
                    "StartJobRun" => "DescribeJobRun",
                    "CreateVirtualCluster" | "DeleteVirtualCluster" => "DescribeVirtualCluster",
                    _ => "GetApplication",
                };
                add(&format!("{iam}:{polled}"), any(), true);
                if operation == "StartJobRun" {
                    add(&format!("{iam}:CancelJobRun"), any(), false);
                }
            }
            Some(if service == "emr-serverless" {
                "emr-serverless-iam.html"
            } else {
                "emr-eks-iam.html"
            })
        }
        ("codebuild", _) => {
            let project = match params.get(&["ProjectName"]) {
                Param::Literal(p) => {
                    let p = env.parse(p);
                    Some(if p.starts_with("arn:") {
                        p
                    } else {
                        let mut e = arn_prefix("codebuild", true);
                        e.push_text("project/");
                        e.push(&p);
                        e
                    })
                }
                _ => None,
            };
            let operation = pascal(action);
            let on_project = matches!(operation.as_str(), "StartBuild" | "StartBuildBatch");
            add(
                &format!("codebuild:{operation}"),
                if on_project {
                    project.clone().unwrap_or_else(any)
                } else {
                    any()
                },
                true,
            );
            if sync {
                let (poll, stop, rule_name) = match operation.as_str() {
                    "StartBuild" => (
                        "codebuild:BatchGetBuilds",
                        "codebuild:StopBuild",
                        "StepFunctionsGetEventForCodeBuildStartBuildRule",
                    ),
                    _ => (
                        "codebuild:BatchGetBuildBatches",
                        "codebuild:StopBuildBatch",
                        "StepFunctionsGetEventForCodeBuildStartBuildBatchRule",
                    ),
                };
                add(poll, project.clone().unwrap_or_else(any), false);
                add(stop, project.unwrap_or_else(any), false);
                for a in ["events:PutTargets", "events:PutRule", "events:DescribeRule"] {
                    add(a, rule(rule_name), true);
                }
            }
            Some("codebuild-iam.html")
        }
        ("sagemaker", _) => {
            let operation = pascal(action);
            add(&format!("sagemaker:{operation}"), any(), true);
            add("sagemaker:AddTags", any(), false);
            if let Some(r) = role_param(params, &["RoleArn"], env, notes) {
                add("iam:PassRole", r, true);
            } else if operation.starts_with("Create") {
                add("iam:PassRole", any(), false);
            }
            if sync {
                let thing = operation.strip_prefix("Create").unwrap_or(&operation);
                // The managed rule of each job type; deployed samples name the first three.
                let (rule_name, confirmed) = match thing {
                    "TrainingJob" => ("StepFunctionsGetEventsForSageMakerTrainingJobsRule", true),
                    "TransformJob" => ("StepFunctionsGetEventsForSageMakerTransformJobsRule", true),
                    "HyperParameterTuningJob" => {
                        ("StepFunctionsGetEventsForSageMakerTuningJobsRule", true)
                    }
                    "ProcessingJob" => (
                        "StepFunctionsGetEventsForSageMakerProcessingJobsRule",
                        false,
                    ),
                    _ => ("", false),
                };
                add(
                    &format!("sagemaker:Describe{thing}"),
                    any(),
                    rule_name.is_empty(),
                );
                add(&format!("sagemaker:Stop{thing}"), any(), false);
                if !rule_name.is_empty() {
                    for a in ["events:PutTargets", "events:PutRule", "events:DescribeRule"] {
                        add(a, rule(rule_name), confirmed);
                    }
                }
            }
            Some("sagemaker-iam.html")
        }
        ("bedrock", "invokeModel") => {
            let model = params.expr(&["ModelId"], env, notes).map(|m| {
                if m.starts_with("arn:") {
                    m
                } else if let Some(profile) = inference_profile(&m) {
                    profile
                } else {
                    let mut e = Expr::text("arn:");
                    e.push(&Expr::unknown("AWS::Partition"));
                    e.push_text(":bedrock:");
                    e.push(&Expr::unknown("AWS::Region"));
                    e.push_text("::foundation-model/");
                    e.push(&m);
                    e
                }
            });
            add("bedrock:InvokeModel", model.unwrap_or_else(any), true);
            if !matches!(params.get(&["Input", "S3Uri"]), Param::Missing) {
                add("s3:GetObject", any(), false);
            }
            if !matches!(params.get(&["Output", "S3Uri"]), Param::Missing) {
                add("s3:PutObject", any(), false);
            }
            Some("bedrock-iam.html")
        }
        ("bedrock", "createModelCustomizationJob") => {
            add("bedrock:CreateModelCustomizationJob", any(), true);
            match role_param(params, &["RoleArn"], env, notes) {
                Some(r) => add("iam:PassRole", r, true),
                None => add("iam:PassRole", any(), false),
            }
            if sync {
                add("bedrock:GetModelCustomizationJob", any(), true);
                add("bedrock:StopModelCustomizationJob", any(), false);
            }
            Some("bedrock-iam.html")
        }
        ("mediaconvert", "createJob") => {
            add("mediaconvert:CreateJob", any(), true);
            match role_param(params, &["Role"], env, notes) {
                Some(r) => add("iam:PassRole", r, true),
                None => add("iam:PassRole", any(), false),
            }
            if sync {
                add("mediaconvert:GetJob", any(), false);
                add("mediaconvert:CancelJob", any(), false);
                for a in ["events:PutTargets", "events:PutRule", "events:DescribeRule"] {
                    add(
                        a,
                        rule("StepFunctionsGetEventsForMediaConvertJobRule"),
                        true,
                    );
                }
            }
            Some("mediaconvert-iam.html")
        }
        ("eks", _) => {
            // eks:call and eks:runJob are authorised by the cluster's Kubernetes RBAC; the
            // cluster APIs by IAM.
            let operation = pascal(action);
            if matches!(operation.as_str(), "Call" | "RunJob") {
                return None;
            }
            add(&format!("eks:{operation}"), any(), true);
            if operation.starts_with("Create") {
                add("iam:PassRole", any(), false);
            }
            if sync {
                let thing = operation
                    .strip_prefix("Create")
                    .or_else(|| operation.strip_prefix("Delete"))
                    .unwrap_or("Cluster");
                add(&format!("eks:Describe{thing}"), any(), true);
            }
            Some("eks-iam.html")
        }
        ("apigateway", "invoke") => {
            // Only IAM-authorised APIs check the role.
            if !matches!(params.get(&["AuthType"]), Param::Literal("IAM_ROLE")) {
                return None;
            }
            add(
                "execute-api:Invoke",
                api_arn(params, env, notes).unwrap_or_else(any),
                true,
            );
            Some("api-gateway-iam.html")
        }
        ("http", "invoke") => {
            add("states:InvokeHTTPEndpoint", own_machine(facts), true);
            let connection = params
                .expr(&["InvocationConfig", "ConnectionArn"], env, notes)
                .or_else(|| params.expr(&["Authentication", "ConnectionArn"], env, notes));
            add(
                "events:RetrieveConnectionCredentials",
                connection.unwrap_or_else(any),
                true,
            );
            let mut secrets = arn_prefix("secretsmanager", true);
            secrets.push_text("secret:events!connection/*");
            add("secretsmanager:GetSecretValue", secrets.clone(), true);
            add("secretsmanager:DescribeSecret", secrets, true);
            Some("connect-third-party-apis.html")
        }
        _ => None,
    }
}

/// A system-defined cross-Region inference profile id (`us.amazon.nova-lite-v1:0`,
/// `global.anthropic.…`) as its ARN; invoking it also needs the foundation model in each Region
/// it routes to, which is left to the profile's documentation.
fn inference_profile(model: &Expr) -> Option<Expr> {
    const GEOGRAPHIES: &[&str] = &["us", "eu", "apac", "global", "us-gov", "jp", "au", "ca"];
    let first = match model.0.first() {
        Some(Part::Text(t)) => t.split('.').next()?,
        _ => return None,
    };
    if !GEOGRAPHIES.contains(&first) {
        return None;
    }
    let mut e = arn_prefix("bedrock", true);
    e.push_text("inference-profile/");
    e.push(model);
    Some(e)
}

/// The machine's own ARN (unknown name: any).
fn own_machine(facts: &MachineFacts) -> Expr {
    let mut e = arn_prefix("states", true);
    e.push_text("stateMachine:");
    e.push(&facts.own_name.clone().unwrap_or_else(any));
    e
}

fn pascal(api: &str) -> String {
    let mut chars = api.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

/// `FunctionName` (a name, `name:alias`, a partial or full ARN) and `Qualifier` as the ARN
/// invoked.
fn function_arn(name: &Expr, params: &Params, env: &Env) -> Expr {
    let mut arn = if name.starts_with("arn:") {
        name.clone()
    } else {
        let pieces = name.split(':');
        let partial = pieces.len() >= 3 && pieces[1].as_text() == Some("function");
        let mut e = Expr::text("arn:");
        e.push(&Expr::unknown("AWS::Partition"));
        e.push_text(":lambda:");
        e.push(&Expr::unknown("AWS::Region"));
        e.push_text(":");
        if !partial {
            e.push(&Expr::unknown("AWS::AccountId"));
            e.push_text(":function:");
        }
        e.push(name);
        e
    };
    if let Param::Literal(q) = params.get(&["Qualifier"]) {
        if arn.split(':').len() == 7 {
            arn.push_text(":");
            arn.push(&env.parse(q));
        }
    }
    arn
}

fn table_arn(table: &Expr, _env: &Env) -> Expr {
    if table.starts_with("arn:") {
        return table.clone();
    }
    let mut e = arn_prefix("dynamodb", true);
    e.push_text("table/");
    e.push(table);
    e
}

/// `https://sqs.<region>.amazonaws.com/<account>/<name>` as the queue's ARN.
fn queue_arn(url: &Expr, env: &Env) -> Option<Expr> {
    let pieces = url.split('/');
    // ["https:", "", host, account, name]
    if pieces.len() != 5 || pieces[0].as_text() != Some("https:") {
        return None;
    }
    let host = pieces[2].split('.');
    let region = match host.first().and_then(Expr::as_text) {
        Some("sqs") => host.get(1).cloned()?,
        Some("queue") => Expr::text("us-east-1"),
        _ if host.get(1).and_then(Expr::as_text) == Some("queue") => host[0].clone(),
        _ => return None,
    };
    let mut arn = Expr::text("arn:");
    arn.push(&Expr::unknown("AWS::Partition"));
    arn.push_text(":sqs:");
    arn.push(&region);
    arn.push_text(":");
    arn.push(&pieces[3]);
    arn.push_text(":");
    arn.push(&pieces[4]);
    Some(env.canonical(arn))
}

/// The buses `Entries[].EventBusName` names (the default bus when absent).
fn event_buses(params: &Params, env: &Env, notes: &mut Vec<String>) -> Vec<Expr> {
    let bus = |name: Expr| {
        if name.starts_with("arn:") {
            name
        } else {
            let mut e = arn_prefix("events", true);
            e.push_text("event-bus/");
            e.push(&name);
            e
        }
    };
    let entries = match params.get(&["Entries"]) {
        Param::Missing => params
            .node
            .and_then(|n| n.get("Entries"))
            .and_then(Node::as_array),
        _ => None,
    };
    let Some(entries) = entries else {
        notes.push("Entries is computed at run time, so the resource is *".into());
        return vec![any()];
    };
    let mut out: Vec<Expr> = Vec::new();
    for entry in entries {
        let name = if params.jsonata {
            match entry.get("EventBusName") {
                None => Some(Expr::text("default")),
                Some(n) => n
                    .as_str()
                    .filter(|s| !s.trim_start().starts_with("{%"))
                    .map(|s| env.parse(s)),
            }
        } else if entry.get("EventBusName.$").is_some() {
            None
        } else {
            match entry.get("EventBusName") {
                None => Some(Expr::text("default")),
                Some(n) => n.as_str().map(|s| env.parse(s)),
            }
        };
        let resource = match name {
            Some(name) => bus(name),
            None => {
                notes.push("EventBusName is computed at run time, so the resource is *".into());
                any()
            }
        };
        if !out.contains(&resource) {
            out.push(resource);
        }
    }
    if out.is_empty() {
        out.push(bus(Expr::text("default")));
    }
    out
}

/// The task definition RunTask names, and the roles it passes when the template declares it.
fn task_definition(
    params: &Params,
    env: &Env,
    notes: &mut Vec<String>,
) -> (Option<Expr>, Option<Vec<Expr>>) {
    let Some(definition) = params.expr(&["TaskDefinition"], env, notes) else {
        return (None, None);
    };
    let roles = env.task_definition_roles(&definition);
    if definition.starts_with("arn:") {
        // Without a revision, the latest active one runs.
        let revisioned = definition
            .split('/')
            .last()
            .is_some_and(|last| last.split(':').len() == 2);
        let mut arn = definition.clone();
        if !revisioned {
            arn.push_text(":");
            arn.push(&any());
        }
        return (Some(arn), roles);
    }
    if definition.has_vars() && !definition.0.iter().any(|p| matches!(p, Part::Text(_))) {
        // `!Ref TaskDefinition`: its ARN.
        return (Some(definition), roles);
    }
    let mut arn = arn_prefix("ecs", true);
    arn.push_text("task-definition/");
    arn.push(&definition);
    if definition.split(':').len() == 1 {
        arn.push_text(":");
        arn.push(&any());
    }
    (Some(arn), roles)
}

/// A role parameter (an ARN, or a name) as the role's ARN.
fn role_param(params: &Params, path: &[&str], env: &Env, notes: &mut Vec<String>) -> Option<Expr> {
    let role = params.expr(path, env, notes)?;
    if role.starts_with("arn:") {
        return Some(role);
    }
    let mut e = Expr::text("arn:");
    e.push(&Expr::unknown("AWS::Partition"));
    e.push_text(":iam::");
    e.push(&Expr::unknown("AWS::AccountId"));
    e.push_text(":role/");
    e.push(&role);
    Some(e)
}

/// `arn:…:execute-api:<region>:<account>:<api id>/<stage>/<METHOD>/<path>`.
fn api_arn(params: &Params, env: &Env, notes: &mut Vec<String>) -> Option<Expr> {
    let endpoint = params.expr(&["ApiEndpoint"], env, notes)?;
    let host = endpoint.split('.');
    let id = host.first()?.clone();
    let region = host.get(2).cloned().unwrap_or_else(any);
    let stage = params.expr(&["Stage"], env, notes).unwrap_or_else(any);
    let method = params.expr(&["Method"], env, notes).unwrap_or_else(any);
    let path = params
        .expr(&["Path"], env, notes)
        .unwrap_or_else(|| Expr::text(""));
    let mut e = Expr::text("arn:");
    e.push(&Expr::unknown("AWS::Partition"));
    e.push_text(":execute-api:");
    e.push(&region);
    e.push_text(":");
    e.push(&Expr::unknown("AWS::AccountId"));
    e.push_text(":");
    e.push(&id);
    e.push_text("/");
    e.push(&stage);
    e.push_text("/");
    e.push(&method);
    e.push_text("/");
    let trimmed = match path.0.first() {
        Some(Part::Text(t)) => {
            let mut p = path.clone();
            p.0[0] = Part::Text(t.trim_start_matches('/').to_string());
            if let Some(Part::Text(t)) = p.0.first() {
                if t.is_empty() {
                    p.0.remove(0);
                }
            }
            p
        }
        _ => path,
    };
    e.push(&trimmed);
    Some(e)
}

/// The executions of the machine a `stateMachine` ARN names: `execution:<name>:*`.
fn execution_arns(machine: &Expr) -> Option<Expr> {
    let mut segments = machine.split(':');
    if segments.len() < 7 || segments[5].as_text() != Some("stateMachine") {
        return None;
    }
    segments[5] = Expr::text("execution");
    segments.truncate(7);
    let mut e = Expr::join(&segments, ":");
    e.push_text(":*");
    Some(e)
}

/// Resources of the SDK calls whose parameters name them plainly.
fn sdk_resource(
    service: &str,
    action: &str,
    params: &Params,
    env: &Env,
    notes: &mut Vec<String>,
) -> Option<Expr> {
    match (service, action) {
        ("dynamodb", "getItem" | "putItem" | "updateItem" | "deleteItem" | "query" | "scan")
        | ("dynamodb", "describeTable") => params
            .expr(&["TableName"], env, notes)
            .map(|t| table_arn(&t, env)),
        (
            "s3",
            "getObject" | "putObject" | "deleteObject" | "headObject" | "getObjectTagging"
            | "putObjectTagging",
        ) => {
            let bucket = params.expr(&["Bucket"], env, notes)?;
            let key = params.expr(&["Key"], env, notes)?;
            Some(s3_arn(&bucket, Some(&key)))
        }
        ("s3", "listObjectsV2" | "listObjects" | "headBucket") => {
            let bucket = params.expr(&["Bucket"], env, notes)?;
            Some(s3_arn(&bucket, None))
        }
        ("lambda", "invoke") => params
            .expr(&["FunctionName"], env, notes)
            .map(|f| function_arn(&f, params, env)),
        ("sqs", "sendMessage" | "sendMessageBatch") => params
            .expr(&["QueueUrl"], env, notes)
            .and_then(|u| queue_arn(&u, env)),
        ("sns", "publish") => params.expr(&["TopicArn"], env, notes),
        ("sfn", "startExecution" | "startSyncExecution") => {
            params.expr(&["StateMachineArn"], env, notes)
        }
        ("eventbridge", "putEvents") => {
            let buses = event_buses(params, env, notes);
            (buses.len() == 1).then(|| buses[0].clone())
        }
        _ => None,
    }
}

/// `arn:aws:s3:::<bucket>[/<key>]`.
fn s3_arn(bucket: &Expr, key: Option<&Expr>) -> Expr {
    let mut e = arn_prefix("s3", false);
    e.push(bucket);
    if let Some(key) = key {
        e.push_text("/");
        e.push(key);
    }
    e
}

/// A Distributed Map: starting its child executions (of this machine), its ItemReader and its
/// ResultWriter.
fn distributed_map(state: &State, env: &Env, facts: &MachineFacts, out: &mut Vec<Group>) {
    let processor = state.get("ItemProcessor");
    let mode = processor
        .and_then(|p| p.get("ProcessorConfig"))
        .and_then(|c| c.member("Mode"));
    let Some(mode) = mode.filter(|m| m.value.as_str() == Some("DISTRIBUTED")) else {
        return;
    };
    let page = format!("{DG}iam-policies-eg-dist-map.html");
    let own = own_machine(facts);
    let executions = execution_arns(&own).unwrap_or_else(any);
    out.push(Group {
        state: Some(state.name.to_string()),
        what: "Distributed Map child executions".into(),
        span: mode.value.span,
        doc: page.clone(),
        needs: vec![
            need("states:StartExecution", own, true),
            need("states:DescribeExecution", executions.clone(), false),
            need("states:StopExecution", executions, false),
        ],
        notes: Vec::new(),
    });
    for (key, is_reader) in [("ItemReader", true), ("ResultWriter", false)] {
        let Some(io) = state.get(key) else { continue };
        let Some(resource) = io.get("Resource") else {
            continue;
        };
        let Some(arn) = resource.as_str() else {
            continue;
        };
        let params = Params::of(io, state.query_language);
        let mut notes = Vec::new();
        let bucket = params.expr(&["Bucket"], env, &mut notes);
        let mut needs = Vec::new();
        match (Resource::parse(arn), is_reader) {
            (
                Resource::Integration {
                    service, action, ..
                },
                true,
            ) if service == "s3" => match action.as_str() {
                "getObject" => {
                    let key = params.expr(&["Key"], env, &mut notes);
                    let object = match (&bucket, &key) {
                        (Some(b), Some(k)) => s3_arn(b, Some(k)),
                        _ => any(),
                    };
                    needs.push(need("s3:GetObject", object, true));
                    let manifest = io
                        .get("ReaderConfig")
                        .and_then(|c| c.get_str("InputType"))
                        .is_some_and(|t| t.starts_with("MANIFEST"));
                    if manifest {
                        notes.push("a manifest lists objects of any bucket, so they are *".into());
                        needs.push(need("s3:GetObject", any(), false));
                    }
                }
                "listObjectsV2" => {
                    let listed = bucket.as_ref().map_or_else(any, |b| s3_arn(b, None));
                    needs.push(need("s3:ListBucket", listed, true));
                    let objects = bucket
                        .as_ref()
                        .map_or_else(any, |b| s3_arn(b, Some(&Expr::text("*"))));
                    needs.push(need("s3:GetObject", objects, false));
                }
                _ => continue,
            },
            (
                Resource::Integration {
                    service, action, ..
                },
                false,
            ) if service == "s3" && action == "putObject" => {
                let prefix = params
                    .expr(&["Prefix"], env, &mut notes)
                    .unwrap_or_default();
                let objects = bucket.as_ref().map_or_else(any, |b| {
                    let mut key = prefix.clone();
                    key.push_text("*");
                    s3_arn(b, Some(&key))
                });
                needs.push(need("s3:PutObject", objects.clone(), true));
                for a in [
                    "s3:GetObject",
                    "s3:ListMultipartUploadParts",
                    "s3:AbortMultipartUpload",
                ] {
                    needs.push(need(a, objects.clone(), false));
                }
            }
            _ => continue,
        }
        out.push(Group {
            state: Some(state.name.to_string()),
            what: format!("Distributed Map {key}"),
            span: resource.span,
            doc: page.clone(),
            needs,
            notes,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::json;

    fn needs(definition: &str) -> Vec<(String, String, bool)> {
        let doc = json::parse(definition).unwrap();
        let machine = Machine::build(&doc.root);
        of_states(&machine, &Env::default(), &MachineFacts::default())
            .into_iter()
            .flat_map(|g| g.needs)
            .map(|n| (n.action, n.resource.display(), n.required))
            .collect()
    }

    fn task(resource: &str, parameters: &str) -> String {
        format!(
            r#"{{"StartAt": "T", "States": {{"T": {{"Type": "Task", "Resource": "{resource}", "Parameters": {parameters}, "End": true}}}}}}"#
        )
    }

    #[test]
    fn lambda_and_sdk_integrations() {
        let got = needs(&task(
            "arn:aws:states:::lambda:invoke",
            r#"{"FunctionName": "arn:aws:lambda:eu-west-1:111122223333:function:pay:live"}"#,
        ));
        assert_eq!(
            got,
            [(
                "lambda:InvokeFunction".into(),
                "arn:aws:lambda:eu-west-1:111122223333:function:pay:live".into(),
                true
            )]
        );
        let got = needs(&task(
            "arn:aws:states:::lambda:invoke",
            r#"{"FunctionName.$": "$.fn"}"#,
        ));
        assert_eq!(got[0].1, "*");
        let got = needs(&task(
            "arn:aws:states:::aws-sdk:sfn:describeExecution",
            r#"{"ExecutionArn.$": "$.arn"}"#,
        ));
        assert_eq!(got, [("states:DescribeExecution".into(), "*".into(), true)]);
    }

    #[test]
    fn sync_executions_need_the_managed_rule() {
        let got = needs(&task(
            "arn:aws:states:::states:startExecution.sync:2",
            r#"{"StateMachineArn": "arn:aws:states:eu-west-1:111122223333:stateMachine:child"}"#,
        ));
        let actions: Vec<&str> = got.iter().map(|g| g.0.as_str()).collect();
        assert_eq!(
            actions,
            [
                "states:StartExecution",
                "states:DescribeExecution",
                "states:StopExecution",
                "events:PutTargets",
                "events:PutRule",
                "events:DescribeRule"
            ]
        );
        assert_eq!(
            got[1].1,
            "arn:aws:states:eu-west-1:111122223333:execution:child:*"
        );
        assert!(got[4]
            .1
            .ends_with(":rule/StepFunctionsGetEventsForStepFunctionsExecutionRule"));
        assert!(!got[2].2, "StopExecution is advised, not required");
    }

    #[test]
    fn distributed_map_reads_and_writes_s3() {
        let definition = r#"{"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
          "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "CSV"},
                         "Parameters": {"Bucket": "input", "Key": "items.csv"}},
          "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "out", "Prefix": "runs/"}},
          "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                            "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}}}}"#;
        let got = needs(definition);
        assert!(got.contains(&(
            "states:StartExecution".into(),
            "arn:aws:states:${AWS::Region}:${AWS::AccountId}:stateMachine:*".into(),
            true
        )));
        assert!(got.contains(&(
            "s3:GetObject".into(),
            "arn:aws:s3:::input/items.csv".into(),
            true
        )));
        assert!(got.contains(&(
            "s3:PutObject".into(),
            "arn:aws:s3:::out/runs/*".into(),
            true
        )));
    }
}
