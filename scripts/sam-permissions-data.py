#!/usr/bin/env python3
"""Generates data/aws-sam-translator/sam-permissions.json from a pinned aws-sam-translator wheel:
SAM's policy templates (what each `Policies` entry such as `DynamoDBCrudPolicy` expands to) and
the connector profiles whose source is a state machine (what a `Connectors` entry or an
`AWS::Serverless::Connector` grants it). asl-lint embeds the file; it never fetches anything.

Usage: scripts/sam-permissions-data.py [--wheel PATH]
Without --wheel, the pinned wheel is downloaded with pip into a temporary directory. Either way its
SHA-256 must be the pinned one. The output is written with its own SHA-256 beside it
(sam-permissions.json.sha256), which tests/sam_data.rs checks together with the pins below.
To move to a newer SAM: change PINNED_VERSION and WHEEL_SHA256, run this, review the diff.
"""

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PACKAGE = "aws-sam-translator"
PINNED_VERSION = "1.115.0"
WHEEL_SHA256 = "9be2d7b04041a64e89ed3fb1186f948377ecc118033a8a7538f271d4bcab0afa"

TEMPLATES = "samtranslator/policy_templates_data/policy_templates.json"
PROFILES = "samtranslator/model/connector_profiles/profiles.json"
# Both sources come from Step Functions state machines: SAM turns an
# AWS::Serverless::StateMachine into this type before it applies connectors.
SOURCE_TYPE = "AWS::StepFunctions::StateMachine"

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "aws-sam-translator" / "sam-permissions.json"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def download(directory: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
         "--dest", str(directory), f"{PACKAGE}=={PINNED_VERSION}"],
        check=True,
    )
    wheels = sorted(directory.glob("aws_sam_translator-*.whl"))
    if len(wheels) != 1:
        sys.exit(f"expected one wheel in {directory}, found {wheels}")
    return wheels[0]


def compact_templates(templates: dict) -> dict:
    """Name → parameters and statements; descriptions are left out."""
    out = {}
    for name in sorted(templates["Templates"]):
        template = templates["Templates"][name]
        out[name] = {
            "Parameters": sorted(template.get("Parameters", {})),
            "Statement": template["Definition"]["Statement"],
        }
    return out


def compact_connectors(profiles: dict) -> dict:
    """Destination type → access category → statements, for a state machine source; and how a
    destination's `%{Destination.*}` values are written for each type."""
    destinations = {}
    for destination, profile in sorted(profiles["Permissions"][SOURCE_TYPE].items()):
        properties = profile["Properties"]
        destinations[destination] = {
            "Categories": {
                category: access["Statement"]
                for category, access in sorted(properties["AccessCategories"].items())
            },
        }
        if "ValidAccessCategories" in properties:
            destinations[destination]["ValidCategories"] = properties["ValidAccessCategories"]
    outputs = {
        ty: spec.get("Outputs", {})
        for ty, spec in sorted(profiles["CfnResourceProperties"].items())
    }
    return {"Destinations": destinations, "Outputs": outputs}


def dump(document: dict) -> str:
    """JSON with one line per policy template and per connector destination, so that a
    version change reviews as a line diff."""
    def line(value) -> str:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)

    def table(entries: dict) -> str:
        rows = [f"  {line(key)}:{line(value)}" for key, value in entries.items()]
        return "{\n" + ",\n".join(rows) + "\n }"

    connectors = document["Connectors"]
    return (
        "{\n"
        f' "Source":{line(document["Source"])},\n'
        f' "PolicyTemplates":{table(document["PolicyTemplates"])},\n'
        ' "Connectors":{\n'
        f'  "Destinations":{line(connectors["Destinations"])},\n'
        f'  "Outputs":{line(connectors["Outputs"])}\n'
        " }\n"
        "}\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--wheel", type=Path, help="a local copy of the pinned wheel")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or download(Path(tmp))
        data = wheel.read_bytes()
        if sha256(data) != WHEEL_SHA256:
            sys.exit(f"{wheel}: SHA-256 {sha256(data)} is not the pinned {WHEEL_SHA256}")
        with zipfile.ZipFile(wheel) as z:
            templates_bytes = z.read(TEMPLATES)
            profiles_bytes = z.read(PROFILES)
    document = {
        "Source": {
            "Package": PACKAGE,
            "Version": PINNED_VERSION,
            "WheelSha256": WHEEL_SHA256,
            "Files": {TEMPLATES: sha256(templates_bytes), PROFILES: sha256(profiles_bytes)},
            "License": "Apache-2.0 (see LICENSE and NOTICE beside this file)",
        },
        "PolicyTemplates": compact_templates(json.loads(templates_bytes)),
        "Connectors": compact_connectors(json.loads(profiles_bytes)),
    }
    text = dump(document)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    digest = sha256(text.encode("utf-8"))
    OUT.with_name(OUT.name + ".sha256").write_text(f"{digest}  {OUT.name}\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)} ({len(text)} bytes, sha256 {digest})")


if __name__ == "__main__":
    main()
