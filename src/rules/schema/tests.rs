use super::check;
use crate::diagnostic::{Finding, Severity};
use crate::rules::run_check;

fn findings(text: &str) -> Vec<Finding> {
    run_check(check, text)
}

fn messages(text: &str) -> Vec<String> {
    findings(text).into_iter().map(|f| f.message).collect()
}

/// The one finding for `text`, with the source text its span covers.
fn only(text: &str) -> (Finding, &str) {
    let mut all = findings(text);
    assert_eq!(all.len(), 1, "expected one finding, got {all:#?}");
    let f = all.remove(0);
    let covered = &text[f.span.start..f.span.end];
    (f, covered)
}

/// A machine with one state `A` (the given fields) and a terminal `Done`.
fn machine_with(state: &str) -> String {
    format!(r#"{{"StartAt": "A", "States": {{"A": {state}, "Done": {{"Type": "Succeed"}}}}}}"#)
}

fn jsonata_with(state: &str) -> String {
    format!(
        r#"{{"QueryLanguage": "JSONata", "StartAt": "A", "States": {{"A": {state}, "Done": {{"Type": "Succeed"}}}}}}"#
    )
}

#[test]
fn root_must_be_an_object() {
    let (f, covered) = only("[]");
    assert_eq!(
        f.message,
        "expected a state machine definition: a JSON object with \"StartAt\" and \"States\", found an array"
    );
    assert_eq!(covered, "[]");
}

#[test]
fn root_fields() {
    let (f, covered) =
        only(r#"{"StartAt": "A", "Versoin": "1.0", "States": {"A": {"Type": "Succeed"}}}"#);
    assert_eq!(
        f.message,
        "the state machine has an unknown field \"Versoin\""
    );
    assert_eq!(
        f.help.as_deref(),
        Some("did you mean \"Version\"? Field names are case-sensitive")
    );
    assert_eq!(covered, "\"Versoin\"");

    let m = messages(
        r#"{"Version": "2.0", "TimeoutSeconds": -5, "QueryLanguage": "jsonata", "Comment": 1}"#,
    );
    assert_eq!(
        m,
        [
            "\"Version\" of the state machine must be \"1.0\", found \"2.0\"",
            "\"TimeoutSeconds\" of the state machine must be a whole number from 1 to 99999999, found -5",
            "\"QueryLanguage\" of the state machine must be \"JSONPath\" or \"JSONata\", found \"jsonata\"",
            "\"Comment\" of the state machine must be a string, found an integer",
            "the state machine has no \"StartAt\"",
            "the state machine has no \"States\"",
        ]
    );
}

#[test]
fn valid_machines_are_clean() {
    let good = [
        machine_with(
            r#"{"Type": "Pass", "Result": {"x": 1}, "ResultPath": "$.r", "Next": "Done"}"#,
        ),
        machine_with(
            r#"{"Type": "Task", "Resource": "${MyFunctionArn}", "TimeoutSeconds": 60, "HeartbeatSeconds": 10,
                "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 2, "MaxAttempts": 3, "BackoffRate": 2,
                           "MaxDelaySeconds": 30, "JitterStrategy": "FULL"}, {"ErrorEquals": ["X"], "BackoffRate": 2.0}],
                "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": null, "Next": "Done"}],
                "Parameters": {"a.$": "$.a", "b": [1, {"c.$": "States.Format('{}', $.c)"}]}, "End": true}"#,
        ),
        machine_with(r#"{"Type": "Wait", "Seconds": 2.0, "Next": "Done"}"#),
        machine_with(r#"{"Type": "Pass", "Parameters": [{"Item.$": "$.Item"}], "End": true}"#),
        jsonata_with(
            r#"{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "TimeoutSeconds": "{% $states.input.t %}",
                "Arguments": {"FunctionName": "f", "Payload": "{% $states.input %}"}, "Output": "{% $states.result.Payload %}",
                "Assign": {"total": "{% $states.result.Payload.total %}"},
                "Catch": [{"ErrorEquals": ["States.ALL"], "Output": {"e": "{% $states.errorOutput %}"}, "Next": "Done"}],
                "Next": "Done"}"#,
        ),
    ];
    for text in good {
        assert_eq!(messages(&text), Vec::<String>::new(), "{text}");
    }
}

#[test]
fn unknown_field_has_a_suggestion() {
    let text = machine_with(r#"{"Type": "Pass", "Nxt": "Done", "End": true}"#);
    let (f, covered) = only(&text);
    assert_eq!(f.message, "state 'A' has an unknown field \"Nxt\"");
    assert_eq!(
        f.help.as_deref(),
        Some("did you mean \"Next\"? Field names are case-sensitive")
    );
    assert_eq!(f.state.as_deref(), Some("A"));
    assert_eq!(covered, "\"Nxt\"");
}

#[test]
fn field_not_allowed_on_type() {
    let text = machine_with(r#"{"Type": "Pass", "Retry": [], "End": true}"#);
    let (f, covered) = only(&text);
    assert_eq!(
        f.message,
        "\"Retry\" is not allowed on a Pass state ('A'); only Task, Parallel and Map states can retry"
    );
    assert_eq!(covered, "\"Retry\"");
}

#[test]
fn field_of_the_other_language() {
    let text = jsonata_with(r#"{"Type": "Task", "Resource": "r", "Parameters": {}, "End": true}"#);
    let (f, covered) = only(&text);
    assert_eq!(
        f.message,
        "\"Parameters\" is a JSONPath field, but state 'A' uses JSONata; use \"Arguments\""
    );
    assert_eq!(f.help, None);
    assert_eq!(covered, "\"Parameters\"");

    let text = machine_with(r#"{"Type": "Pass", "Output": {}, "End": true}"#);
    let (f, _) = only(&text);
    assert_eq!(
        f.message,
        "\"Output\" is a JSONata field, but state 'A' uses JSONPath; use \"Result\" or \"Parameters\""
    );
    assert_eq!(
        f.help.as_deref(),
        Some("or set \"QueryLanguage\": \"JSONata\" on the state to use JSONata fields")
    );
}

#[test]
fn jsonpath_state_in_jsonata_machine() {
    let text = jsonata_with(r#"{"Type": "Pass", "QueryLanguage": "JSONPath", "End": true}"#);
    let (f, covered) = only(&text);
    assert_eq!(
        f.message,
        "\"QueryLanguage\" of state 'A' is \"JSONPath\", but the state machine uses JSONata; a JSONata state machine cannot contain JSONPath states"
    );
    assert_eq!(covered, "\"JSONPath\"");
}

#[test]
fn type_is_required_and_known() {
    let text = machine_with(r#"{"Type": "task", "End": true}"#);
    let (f, covered) = only(&text);
    assert_eq!(f.message, "state 'A' has an unknown Type \"task\"");
    assert_eq!(
        f.help.as_deref(),
        Some("did you mean \"Task\"? Type names are case-sensitive")
    );
    assert_eq!(covered, "\"task\"");

    let text = machine_with(r#"{"End": true}"#);
    let (f, covered) = only(&text);
    assert_eq!(f.message, "state 'A' has no \"Type\"");
    assert_eq!(covered, "\"A\"");
}

#[test]
fn next_or_end() {
    let text = machine_with(r#"{"Type": "Pass"}"#);
    let (f, covered) = only(&text);
    assert_eq!(
        f.message,
        "state 'A' needs either \"Next\" or \"End\": true"
    );
    assert_eq!(covered, "\"A\"");

    let text = machine_with(r#"{"Type": "Pass", "Next": "Done", "End": true}"#);
    let (f, covered) = only(&text);
    assert_eq!(
        f.message,
        "state 'A' has both \"Next\" and \"End\": true; a state either moves on or ends"
    );
    assert_eq!(covered, "\"End\"");
    assert_eq!(f.related.len(), 1);
    assert_eq!(f.related[0].1, "\"Next\" is set here");

    let text = machine_with(r#"{"Type": "Pass", "Next": "Done", "End": false}"#);
    assert!(messages(&text).is_empty());

    let text = machine_with(r#"{"Type": "Succeed", "End": true}"#);
    let (f, _) = only(&text);
    assert_eq!(
        f.message,
        "\"End\" is not allowed on a Succeed state ('A'); a Succeed state always ends its execution, branch or iteration"
    );

    let text = machine_with(r#"{"Type": "Pass", "End": "true"}"#);
    let (f, _) = only(&text);
    assert_eq!(
        f.message,
        "\"End\" of state 'A' must be true or false, found a string"
    );
    assert_eq!(f.help.as_deref(), Some("write true without quotes"));
}

#[test]
fn wait_takes_exactly_one_duration() {
    let text =
        machine_with(r#"{"Type": "Wait", "Seconds": 5, "SecondsPath": "$.s", "Next": "Done"}"#);
    let (f, covered) = only(&text);
    assert_eq!(
        f.message,
        "state 'A' has both \"Seconds\" and \"SecondsPath\"; a Wait state takes exactly one of them"
    );
    assert_eq!(covered, "\"SecondsPath\"");
    assert_eq!(f.related[0].1, "\"Seconds\" is set here");

    let text = machine_with(r#"{"Type": "Wait", "Next": "Done"}"#);
    assert_eq!(
        messages(&text),
        ["Wait state 'A' needs one of \"Seconds\", \"Timestamp\", \"SecondsPath\" or \"TimestampPath\""]
    );
}

#[test]
fn value_and_path_twins_are_exclusive() {
    let text = machine_with(
        r#"{"Type": "Task", "Resource": "r", "TimeoutSeconds": 5, "TimeoutSecondsPath": "$.t", "End": true}"#,
    );
    let (f, covered) = only(&text);
    assert_eq!(
        f.message,
        "state 'A' has both \"TimeoutSeconds\" and \"TimeoutSecondsPath\"; use only one"
    );
    assert_eq!(covered, "\"TimeoutSecondsPath\"");
    assert_eq!(f.related[0].1, "\"TimeoutSeconds\" is set here");
}

#[test]
fn retrier_values() {
    let text = machine_with(
        r#"{"Type": "Task", "Resource": "r", "End": true,
            "Retry": [{"ErrorEquals": ["States.Timout"], "BackoffRate": 0.5, "MaxAttempts": -1, "IntervalSeconds": 0,
                       "MaxDelaySeconds": 31622401, "JitterStrategy": "full", "MaxAttempt": 2}, {}]}"#,
    );
    let all = findings(&text);
    let m: Vec<&str> = all.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(
        m,
        [
            "\"ErrorEquals\" in Retry[0] of state 'A' lists \"States.Timout\", which is not an error Step Functions raises, so it never matches; names starting with \"States.\" are reserved",
            "\"BackoffRate\" in Retry[0] of state 'A' must be a number of 1 or more, found 0.5",
            "\"MaxAttempts\" in Retry[0] of state 'A' must be a whole number from 0 to 99999999, found -1",
            "\"IntervalSeconds\" in Retry[0] of state 'A' must be a whole number from 1 to 99999999, found 0",
            "\"MaxDelaySeconds\" in Retry[0] of state 'A' must be a whole number from 1 to 31622400, found 31622401",
            "\"JitterStrategy\" in Retry[0] of state 'A' must be \"FULL\" or \"NONE\", found \"full\"",
            "Retry[0] of state 'A' has an unknown field \"MaxAttempt\"",
            "Retry[1] of state 'A' has no \"ErrorEquals\"",
        ]
    );
    assert_eq!(all[0].severity, Some(Severity::Warning));
    assert_eq!(
        all[0].help.as_deref(),
        Some("did you mean \"States.Timeout\"? Error names are case-sensitive")
    );
    assert_eq!(
        all[6].help.as_deref(),
        Some("did you mean \"MaxAttempts\"? Field names are case-sensitive")
    );
    assert_eq!(&text[all[7].span.start..all[7].span.end], "{");
}

#[test]
fn custom_states_errors_far_from_real_names_pass() {
    let text = machine_with(
        r#"{"Type": "Task", "Resource": "r", "End": true,
            "Catch": [{"ErrorEquals": ["States.QuorumMet", "MyError"], "Next": "Done"}]}"#,
    );
    assert!(messages(&text).is_empty());
}

#[test]
fn catcher_fields() {
    let text = jsonata_with(
        r#"{"Type": "Task", "Resource": "r", "End": true,
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.e"}]}"#,
    );
    assert_eq!(
        messages(&text),
        [
            "\"ResultPath\" in Catch[0] is a JSONPath field, but state 'A' uses JSONata; use \"Output\"",
            "Catch[0] of state 'A' has no \"Next\"",
        ]
    );
}

#[test]
fn choice_rules() {
    let text = machine_with(
        r#"{"Type": "Choice", "Default": "Done", "Choices": [
            {"Variable": "$.x", "StringEquals": "a", "NumericEquals": 1, "Next": "Done"},
            {"And": [{"Variable": "$.y", "BooleanEquals": true, "Next": "Done"}], "Next": "Done"},
            {"Variable": "$.z", "NumericGreaterThan": "5", "Next": "Done"},
            {"Variable": "$.z", "Next": "Done"},
            {"Not": {"Variable": "$.a", "IsPresent": true}}
        ]}"#,
    );
    let all = findings(&text);
    let m: Vec<&str> = all.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(
        m,
        [
            "Choices[0] of state 'A' has two comparison operators, \"StringEquals\" and \"NumericEquals\"; a rule tests exactly one",
            "a rule nested in Choices[1] of state 'A' must not have \"Next\"; only top-level rules choose the next state",
            "\"NumericGreaterThan\" in Choices[2] of state 'A' must be a number, found a string",
            "Choices[3] of state 'A' has \"Variable\" but no comparison operator",
            "Choices[4] of state 'A' has no \"Next\"",
        ]
    );
    assert_eq!(
        &text[all[0].span.start..all[0].span.end],
        "\"NumericEquals\""
    );
    assert_eq!(all[2].help.as_deref(), Some("write 5 without quotes"));
}

#[test]
fn jsonata_choice_rules() {
    let text = jsonata_with(
        r#"{"Type": "Choice", "Default": "Done", "Choices": [
            {"Condition": "{% $states.input.x > 1 %}", "Next": "Done", "Output": {}, "Assign": {"seen": true}},
            {"Condition": "$states.input.x", "Next": "Done"},
            {"Variable": "$.x", "IsPresent": true, "Next": "Done"}
        ]}"#,
    );
    assert_eq!(
        messages(&text),
        [
            "\"Condition\" in Choices[1] of state 'A' must be true or false or a JSONata expression \"{% … %}\", found a string",
            "\"Variable\" in Choices[2] is a JSONPath field, but state 'A' uses JSONata; use \"Condition\" with a JSONata expression",
            "\"IsPresent\" in Choices[2] is a JSONPath field, but state 'A' uses JSONata; use \"Condition\" with a JSONata expression",
        ]
    );
}

#[test]
fn payload_template_keys() {
    let text = machine_with(
        r#"{"Type": "Pass", "End": true, "Parameters": {"a": 1, "n": {"a.$": "$.a", "b.$": 2}, "a.$": "$.a"}}"#,
    );
    let all = findings(&text);
    let m: Vec<&str> = all.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(
        m,
        [
            "\"a\" and \"a.$\" in Parameters of state 'A' both set the field \"a\"",
            "\"b.$\" in Parameters of state 'A' must be a string (a path or an intrinsic function), found an integer",
        ]
    );
    // The later of the two keys, pointing back at the first.
    let last = text.rfind("\"a.$\"").unwrap();
    assert_eq!(all[0].span.start, last);
    assert_eq!(all[0].related[0].1, "\"a\" is set here");
}

#[test]
fn assign_variable_names() {
    let text = machine_with(
        r#"{"Type": "Pass", "End": true, "Assign": {"ok": 1, "ok2.$": "$.x", "my-var": 1, "states": 2, "x.y": 3, "9lives": 4}}"#,
    );
    assert_eq!(
        messages(&text),
        [
            "\"Assign\" of state 'A' has an invalid variable name \"my-var\": it contains \"-\"",
            "\"Assign\" of state 'A' has an invalid variable name \"states\": \"states\" is reserved",
            "\"Assign\" of state 'A' has an invalid variable name \"x.y\": it assigns part of a variable",
            "\"Assign\" of state 'A' has an invalid variable name \"9lives\": it starts with a digit",
        ]
    );
}

#[test]
fn map_state() {
    let text = machine_with(
        r#"{"Type": "Map", "End": true, "ItemSelector": {}, "Parameters": {},
            "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                              "StartAt": "X", "States": {"X": {"Type": "Succeed"}}},
            "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "PARQUET", "CSVDelimiter": "COLON"}},
            "ItemBatcher": {"BatchInput": {}},
            "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "WriterConfig": {"OutputType": "JSON", "Transformation": "NONE"}}}"#,
    );
    assert_eq!(
        messages(&text),
        [
            "\"CSVDelimiter\" in ItemReader.ReaderConfig of state 'A' must be \"COMMA\", \"PIPE\", \"SEMICOLON\", \"TAB\" or \"SPACE\", found \"COLON\"",
            "ItemBatcher of state 'A' sets no batch limit",
            "state 'A' has both \"ItemSelector\" and \"Parameters\"; use only one",
        ]
    );

    let text = machine_with(r#"{"Type": "Map", "End": true}"#);
    assert_eq!(messages(&text), ["Map state 'A' has no \"ItemProcessor\""]);
}

#[test]
fn nested_machines() {
    let text = machine_with(
        r#"{"Type": "Parallel", "End": true, "Branches": [
            {"StartAt": "X", "States": {"X": {"Type": "Succeed"}}, "TimeoutSeconds": 5},
            "nope",
            {"States": {"Y": {"Type": "Succeed"}}}
        ]}"#,
    );
    assert_eq!(
        messages(&text),
        [
            "\"TimeoutSeconds\" is not allowed in a Parallel branch (branch 1 of Parallel 'A'); only the top level of the state machine can have it",
            "branch 2 of Parallel 'A' must be an object with \"StartAt\" and \"States\", found a string",
            "branch 3 of Parallel 'A' has no \"StartAt\"",
        ]
    );
    let text = machine_with(r#"{"Type": "Parallel", "End": true, "Branches": []}"#);
    assert_eq!(messages(&text), ["\"Branches\" of state 'A' is empty"]);
}

#[test]
fn states_that_are_not_objects() {
    let text =
        r#"{"StartAt": "A", "States": {"QueryLanguage": "JSONata", "A": {"Type": "Succeed"}}}"#;
    let (f, covered) = only(text);
    assert_eq!(
        f.message,
        "state 'QueryLanguage' must be an object with a \"Type\", found a string"
    );
    assert_eq!(
        f.help.as_deref(),
        Some("\"QueryLanguage\" is a field of the state machine: move it out of \"States\", next to \"StartAt\"")
    );
    assert_eq!(covered, "\"JSONata\"");

    let text = r#"{"StartAt": "A", "States": {"": {"Type": "Succeed"}, "A": {"Type": "Succeed"}}}"#;
    assert_eq!(messages(text), ["state name is empty"]);
}

#[test]
fn messages_never_use_schema_jargon() {
    let text = machine_with(
        r#"{"Type": "Map", "Next": 3, "End": "x", "Nope": 1, "Retry": [1], "ItemReader": [], "Items": 1,
            "ItemProcessor": {"StartAt": 1, "States": [], "ProcessorConfig": {"Mode": 1, "X": 2}}}"#,
    );
    for f in findings(&text) {
        let all = format!("{} {}", f.message, f.help.unwrap_or_default());
        for jargon in [
            "oneOf",
            "anyOf",
            "additionalProperties",
            "schemas",
            "required property",
        ] {
            assert!(!all.contains(jargon), "{all}");
        }
    }
}
