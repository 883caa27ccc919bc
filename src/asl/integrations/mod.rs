//! What Step Functions' service integrations accept, from AWS's own API models (botocore, see
//! `scripts/aws-models` and `NOTICE`) and the Developer Guide (`stepfunctions.toml`): the AWS
//! SDK services and their operations, the optimized integrations and their patterns, each
//! call's parameters, result and errors. Rules read it through the functions here; the data is
//! read in place, only where a machine's integration Tasks look.

mod data;
mod model;

use data::{index, Io};
pub use data::{Optimized, SdkService, Status};
use model::model;
pub use model::{Kind, Member, Model, Operation, Shape};

use std::sync::{Arc, Mutex, OnceLock};

use super::resource::{Pattern, Resource};
use crate::hash::FastMap;

/// The botocore release the data comes from.
pub const BOTOCORE_VERSION: &str = "1.44.5";

/// Every AWS SDK service name Step Functions knows, sorted by name: those it offers, and the
/// retired and removed ones it no longer does (see `SdkService::status`).
pub fn sdk_services() -> &'static [SdkService] {
    &index().services
}

/// The AWS SDK service `arn:aws:states:::aws-sdk:<name>:…` names.
pub fn sdk_service(name: &str) -> Option<&'static SdkService> {
    let services = sdk_services();
    let i = services.binary_search_by(|s| s.name.cmp(name)).ok()?;
    services.get(i)
}

/// The AWS SDK service whose botocore name is `botocore` (`bedrock-runtime`, `stepfunctions`).
pub fn sdk_service_by_botocore_name(botocore: &str) -> Option<&'static SdkService> {
    sdk_services().iter().find(|s| s.botocore == botocore)
}

/// The embedded data file as `scripts/aws-models` wrote it (header and payload).
pub fn data_file() -> &'static [u8] {
    data::FILE
}

/// A service's API model as embedded, for the decoding benchmark.
pub fn embedded_model(service: &SdkService) -> Option<&'static [u8]> {
    data::model_bytes(service)
}

/// Every optimized integration, sorted by service and action.
pub fn optimized_integrations() -> &'static [Optimized] {
    &index().optimized
}

/// The optimized integration `arn:aws:states:::<service>:<action>`.
pub fn optimized(service: &str, action: &str) -> Option<&'static Optimized> {
    // Sorted by `service:action`, which orders like (service, action): ':' sorts before any
    // character of a name.
    let all = optimized_integrations();
    let i = all
        .binary_search_by(|o| (o.service, o.action).cmp(&(service, action)))
        .ok()?;
    all.get(i)
}

/// Whether Step Functions has optimized integrations for this service name.
pub fn is_optimized_service(service: &str) -> bool {
    optimized_integrations()
        .iter()
        .any(|o| o.service == service)
}

const PATTERNS: [(Pattern, u8); 4] = [
    (Pattern::RequestResponse, 1),
    (Pattern::Sync, 2),
    (Pattern::Sync2, 4),
    (Pattern::Callback, 8),
];

impl Optimized {
    pub fn supports(&self, pattern: Pattern) -> bool {
        PATTERNS
            .iter()
            .any(|&(p, bit)| p == pattern && self.patterns & bit != 0)
    }

    /// The patterns it supports, in the order request/response, .sync, .sync:2, callback.
    pub fn patterns(&self) -> impl Iterator<Item = Pattern> + '_ {
        PATTERNS
            .iter()
            .filter(|&&(_, bit)| self.patterns & bit != 0)
            .map(|&(p, _)| p)
    }
}

/// `getObject` for the API's `GetObject`: how an SDK integration's ARN names an action.
pub fn action_name(operation: &str) -> String {
    let mut chars = operation.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_lowercase().chain(chars).collect()
    })
}

impl SdkService {
    /// The API operation an action names, exactly (`getObject`, not `GetObject`).
    pub fn operation(&self, action: &str) -> Option<Operation<'static>> {
        // The action is the operation with a lowercase first letter; compared without copies.
        let first = action.chars().next()?;
        if !first.is_ascii_lowercase() {
            return None;
        }
        let rest = &action[1..];
        let upper = first.to_ascii_uppercase();
        self.model()?.operation_by(|name| {
            let mut chars = name.chars();
            let head = chars.next().unwrap_or_default();
            (head, chars.as_str()).cmp(&(upper, rest))
        })
    }

    /// Step Functions does not support this API operation (PascalCase) of the service.
    pub fn is_unsupported(&self, operation: &str) -> bool {
        self.unsupported.contains(&operation)
    }
}

/// The integration a Task's `Resource` calls, when the data knows it exactly.
#[derive(Clone, Copy, Debug)]
pub enum Call {
    Sdk {
        service: &'static SdkService,
        operation: Operation<'static>,
    },
    Optimized(&'static Optimized),
}

impl std::fmt::Debug for Operation<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What `resource` calls, if it is an integration the data knows (service and action spelt
/// exactly as Step Functions expects).
pub fn call(resource: &Resource) -> Option<Call> {
    let Resource::Integration {
        service,
        action,
        sdk,
        ..
    } = resource
    else {
        return None;
    };
    if *sdk {
        let service = sdk_service(service)?;
        let operation = service.operation(action)?;
        Some(Call::Sdk { service, operation })
    } else {
        optimized(service, action).map(Call::Optimized)
    }
}

/// The parameters a call takes.
#[derive(Clone, Copy, Debug)]
pub struct Parameters {
    pub shape: Shape<'static>,
    /// Literal values must have the shape's JSON types (false where Step Functions converts
    /// values, e.g. an object given for a string it serialises).
    pub typed: bool,
}

fn io_shape(io: Io, output: bool) -> Option<(Shape<'static>, bool)> {
    match io {
        Io::None => None,
        Io::Api {
            chunk,
            operation,
            typed,
        } => {
            let op = model(chunk)?.operation(operation)?;
            let shape = if output { op.output() } else { op.input() }?;
            Some((shape, typed))
        }
        Io::Hand { name } => {
            let shape = model(index().hand_chunk)?.operation(name)?.input()?;
            Some((shape, true))
        }
    }
}

impl Optimized {
    /// The input's and the output's shape (looked up once: every Task of the run asks).
    fn io_shapes(&self) -> [Option<(Shape<'static>, bool)>; 2] {
        type Found = [Option<(Shape<'static>, bool)>; 2];
        static FOUND: OnceLock<Vec<OnceLock<Found>>> = OnceLock::new();
        let find = || [io_shape(self.input, false), io_shape(self.output, true)];
        let all = FOUND.get_or_init(|| {
            (0..optimized_integrations().len())
                .map(|_| OnceLock::new())
                .collect()
        });
        match all.get(self.position) {
            Some(found) => *found.get_or_init(find),
            None => find(),
        }
    }
}

impl Call {
    /// What `Parameters` / `Arguments` may hold; `None` when the data does not describe it.
    pub fn parameters(&self) -> Option<Parameters> {
        let (shape, typed) = match self {
            Call::Sdk { operation, .. } => (operation.input()?, true),
            Call::Optimized(o) => o.io_shapes()[0]?,
        };
        Some(Parameters { shape, typed })
    }

    /// The result the Task produces (before ResultSelector); `None` when not described.
    pub fn result(&self) -> Option<Shape<'static>> {
        match self {
            Call::Sdk { operation, .. } => operation.output(),
            Call::Optimized(o) => o.io_shapes()[1].map(|(shape, _)| shape),
        }
    }

    /// The prefix of the errors the call throws (`S3`, `Lambda`); `None` when not documented.
    pub fn error_prefix(&self) -> Option<&'static str> {
        match self {
            Call::Sdk { service, .. } => Some(service.exception_prefix),
            Call::Optimized(o) => (!o.error_prefix.is_empty()).then_some(o.error_prefix),
        }
    }

    /// The errors the call can throw, as `<prefix>.<Name>` without the `Exception` suffix
    /// rules; `None` when they are not documented. Listed once per process for each call:
    /// every file with a Retry on the same call asks again.
    pub fn errors(&self) -> Option<Arc<Errors>> {
        type Listed = FastMap<(usize, usize), Option<Arc<Errors>>>;
        static LISTED: OnceLock<Mutex<Listed>> = OnceLock::new();
        let key = match self {
            Call::Sdk { service, operation } => (
                *service as *const SdkService as usize,
                operation.name().as_ptr() as usize,
            ),
            Call::Optimized(o) => (*o as *const Optimized as usize, 0),
        };
        let listed = LISTED.get_or_init(Mutex::default);
        let lock = || listed.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(errors) = lock().get(&key) {
            return errors.clone();
        }
        let errors = self.list_errors().map(Arc::new);
        lock().insert(key, errors.clone());
        errors
    }

    fn list_errors(&self) -> Option<Errors> {
        let (prefix, model, op) = match self {
            Call::Sdk { service, operation } => {
                (service.exception_prefix, service.model()?, Some(*operation))
            }
            Call::Optimized(o) if !o.error_prefix.is_empty() => {
                (o.error_prefix, model(o.error_chunk?)?, None)
            }
            Call::Optimized(_) => return None,
        };
        let mut names: Vec<&'static str> = model.exceptions().collect();
        names.extend(op.into_iter().flat_map(|op| op.errors()));
        // Whether an optimized integration adds the Exception suffix is not documented: only
        // the API names that already have it are known as thrown.
        if !matches!(self, Call::Sdk { .. }) {
            names.retain(|n| n.ends_with("Exception"));
        }
        names.sort_unstable();
        names.dedup();
        Some(Errors {
            prefix,
            names,
            always_suffixed: matches!(self, Call::Sdk { .. }),
        })
    }

    /// How the resource names the call, for messages: `aws-sdk:s3:getObject`, `lambda:invoke`.
    pub fn describe(&self) -> String {
        match self {
            Call::Sdk { service, operation } => {
                format!("aws-sdk:{}:{}", service.name, action_name(operation.name()))
            }
            Call::Optimized(o) => format!("{}:{}", o.service, o.action),
        }
    }
}

/// The errors an integration throws.
#[derive(Clone, Debug)]
pub struct Errors {
    /// `S3`, `DynamoDb`, `Lambda`, `DynamoDB`.
    pub prefix: &'static str,
    /// The API's error names, sorted (`NoSuchKey`, `ResourceNotFoundException`).
    pub names: Vec<&'static str>,
    /// Step Functions appends `Exception` to every name that lacks it (SDK integrations).
    pub always_suffixed: bool,
}

impl Errors {
    /// The full error names the integration throws: `S3.NoSuchKeyException`.
    pub fn full_names(&self) -> impl Iterator<Item = String> + '_ {
        self.names.iter().map(|name| {
            let suffix = if self.always_suffixed && !name.ends_with("Exception") {
                "Exception"
            } else {
                ""
            };
            format!("{}.{name}{suffix}", self.prefix)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(arn: &str) -> Resource {
        Resource::parse(arn)
    }

    #[test]
    fn the_embedded_data_decodes_whole() {
        assert!(sdk_services().len() > 400, "{}", sdk_services().len());
        for service in sdk_services() {
            if service.status != Status::Retired {
                let model = service
                    .model()
                    .unwrap_or_else(|| panic!("{}", service.name));
                assert!(model.operations().count() > 0, "{}", service.name);
                assert!(model.is_whole(), "{}", service.name);
            }
        }
        for o in optimized_integrations() {
            let call = Call::Optimized(o);
            let _ = call.parameters();
            let _ = call.result();
            let _ = call.errors();
        }
        assert!(optimized_integrations().len() > 40);
    }

    #[test]
    fn names_follow_step_functions() {
        let sfn = sdk_service("sfn").unwrap();
        assert_eq!(sfn.botocore, "stepfunctions");
        assert_eq!(sfn.exception_prefix, "Sfn");
        assert!(sdk_service("stepfunctions").is_none());
        assert_eq!(
            sdk_service("bedrockruntime").unwrap().botocore,
            "bedrock-runtime"
        );
        assert_eq!(
            sdk_service("dynamodb").unwrap().exception_prefix,
            "DynamoDb"
        );
        assert_eq!(sdk_service("acmpca").unwrap().exception_prefix, "AcmPca");
        assert_eq!(
            sdk_service("iotwireless").unwrap().exception_prefix,
            "IotWireless"
        );
        assert_eq!(
            sdk_service("lookoutvision").unwrap().status,
            Status::Retired
        );
        assert_eq!(sdk_service("lexruntime").unwrap().status, Status::Removed);
        assert_eq!(action_name("DescribeDBInstances"), "describeDBInstances");
        let member = |service: &str, op: &str, name: &str| {
            let op = sdk_service(service)
                .unwrap()
                .model()
                .unwrap()
                .operation(op)
                .unwrap();
            op.input()
                .unwrap()
                .members()
                .find(|m| m.is_named(name))
                .map(|m| (m.name, m.other_name))
        };
        // The Java SDK's names, which deployed definitions use, and the API's, also accepted.
        assert_eq!(
            member("rds", "DescribeDBSnapshots", "DBSnapshotIdentifier"),
            Some(("DbSnapshotIdentifier", Some("DBSnapshotIdentifier")))
        );
        assert_eq!(
            member("sfn", "StartExecution", "StateMachineArn"),
            Some(("StateMachineArn", None))
        );
        assert_eq!(
            member("s3", "PutObject", "SSEKMSKeyId").map(|m| m.0),
            Some("SsekmsKeyId")
        );
    }

    #[test]
    fn calls_and_their_shapes() {
        let Some(call @ Call::Sdk { operation, .. }) =
            call(&parse("arn:aws:states:::aws-sdk:s3:getObject"))
        else {
            panic!("s3:getObject")
        };
        assert_eq!(operation.name(), "GetObject");
        let params = call.parameters().unwrap();
        let required: Vec<&str> = params
            .shape
            .members()
            .filter(|m| m.required)
            .map(|m| m.name)
            .collect();
        assert_eq!(required, ["Bucket", "Key"]);
        let errors = call.errors().unwrap();
        assert!(errors.full_names().any(|n| n == "S3.NoSuchKeyException"));
        assert!(super::call(&parse("arn:aws:states:::aws-sdk:s3:GetObject")).is_none());
        let lambda =
            super::call(&parse("arn:aws:states:::lambda:invoke.waitForTaskToken")).unwrap();
        let result = lambda.result().unwrap();
        assert!(result.members().any(|m| m.name == "Payload"));
        let Call::Optimized(o) = lambda else { panic!() };
        assert!(o.supports(Pattern::Callback) && !o.supports(Pattern::Sync));
        assert_eq!(lambda.errors().unwrap().prefix, "Lambda");
        let ddb = super::call(&parse("arn:aws:states:::dynamodb:getItem")).unwrap();
        assert!(ddb.parameters().unwrap().typed);
        assert!(
            !super::call(&parse("arn:aws:states:::sqs:sendMessage"))
                .unwrap()
                .parameters()
                .unwrap()
                .typed
        );
    }
}
