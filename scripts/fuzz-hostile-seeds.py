"""Writes seed inputs for the fuzz targets that the corpus lacks: shapes that once crashed or
hung asl-lint (issue 10). Usage: fuzz-hostile-seeds.py DIR"""

import json
import sys
from pathlib import Path


def one_line_machine(states: int) -> str:
    body = {
        f"S{i}": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": f"arn:aws:lambda:us-east-1:123456789012:function:f{i}"},
            "Next": f"S{i + 1}",
        }
        for i in range(states)
    }
    body[f"S{states}"] = {"Type": "Succeed"}
    return json.dumps({"StartAt": "S0", "States": body}, separators=(",", ":"))


def main(out: Path) -> None:
    seeds = {
        # A finding past column 65,535.
        "wide-column.json": '{"Comment":"' + "x" * 65535
        + '","StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"}}}',
        # Thousands of findings on one line.
        "one-line-machine.json": one_line_machine(800),
        "duplicate-keys.json": '{"StartAt":"A","States":{"A":{"Type":"Succeed"}},'
        + ",".join('"Comment":"c"' for _ in range(2000)) + "}",
        # A long state name, quoted by many messages.
        "long-name.json": json.dumps({"StartAt": "N" * 200000, "States": {"A": {"Type": "Pass"}}}),
        # Numbers written in ways a float does not keep.
        "numbers.json": '{"StartAt":"A","States":{"A":{"Type":"Wait","Seconds":1e400,"Next":"B"},'
        '"B":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","TimeoutSeconds":18446744073709551616,'
        '"HeartbeatSeconds":1.50,"End":true}}}',
        # YAML anchors, aliases and merge keys.
        "merge-keys.yaml": "x-defaults: &defaults\n  Type: Task\n  Resource: arn:aws:states:::lambda:invoke\n"
        "  Retry: [{ErrorEquals: [States.ALL]}]\nStartAt: A\nStates:\n  A:\n    <<: *defaults\n"
        "    Next: B\n  B:\n    <<: [*defaults, {End: true}]\n",
        "template.yaml": "AWSTemplateFormatVersion: '2010-09-09'\nParameters:\n  Fn: {Type: String}\n"
        "Resources:\n  Machine:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n"
        "      DefinitionSubstitutions: {Arn: !GetAtt Fn.Arn}\n      DefinitionString: !Sub |\n"
        '        {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "${Arn}", "End": true}}}\n',
        # Deep nesting, just inside and past the limit.
        "deep.json": "[" * 300 + "]" * 300,
    }
    out.mkdir(parents=True, exist_ok=True)
    for name, text in seeds.items():
        (out / f"hostile-{name}").write_text(text, encoding="utf-8")
    # Byte-order marks: UTF-8, UTF-16 and UTF-32.
    machine = '{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}'
    (out / "hostile-bom-utf8.json").write_bytes(machine.encode("utf-8-sig"))
    (out / "hostile-bom-utf16le.json").write_bytes(machine.encode("utf-16"))
    (out / "hostile-bom-utf16be.json").write_bytes(b"\xfe\xff" + machine.encode("utf-16-be"))
    (out / "hostile-bom-utf32.json").write_bytes(machine.encode("utf-32"))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
