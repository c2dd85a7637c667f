"""Lint execution policies with `parliament`, an IAM linter independent of CDK and cdk-nag.

A synthesized policy holds CloudFormation intrinsics (`Ref`, `Fn::GetAtt`, `Fn::Join`, ...),
which no linter reads. `Literals` replaces each with a plausible literal for a stack deployed in
account 123456789012 and the stack's region (us-east-1 when it has none): pseudo parameters by
their values, a resource's `Ref` and attributes by a physical id or ARN of its type, parameters
by a value of their type, imports by a name. parliament then checks each action exists, applies
to the resource types its ARNs name, and accepts the condition keys.

parliament (1.6.4) reads the IAM definitions shipped in its wheel: it runs offline.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from collections.abc import Callable, Mapping
from typing import Any

with warnings.catch_warnings():
    # parliament imports pkg_resources, which setuptools deprecates.
    warnings.simplefilter("ignore")
    import parliament

PARTITION = "aws"
ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"
FAILING_FINDINGS = frozenset(
    {
        "UNKNOWN_ACTION",
        "UNKNOWN_PREFIX",
        "RESOURCE_MISMATCH",
        "UNKNOWN_CONDITION_FOR_ACTION",
        "UNKNOWN_OPERATOR",
        "MISMATCHED_TYPE",
        "INVALID_ARN",
        "MALFORMED",
        "MALFORMED_JSON",
        "EXCEPTION",
    }
)
"""parliament's findings that fail the sweep: an action, resource type, condition key or
operator IAM does not know. Its other findings (RESOURCE_STAR on the actions that have no
resource-level permissions, ...) are policy advice that the scope check covers."""


class Literals:
    """Replaces the intrinsics of a template's values with plausible literals."""

    def __init__(self, template: Mapping[str, Any], region: str | None) -> None:
        self.resources: Mapping[str, Any] = template.get("Resources", {})
        self.parameters: Mapping[str, Any] = template.get("Parameters", {})
        self.region = region or DEFAULT_REGION
        self.pseudo = {
            "AWS::Partition": PARTITION,
            "AWS::Region": self.region,
            "AWS::AccountId": ACCOUNT,
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::StackName": "Sweep",
            "AWS::NoValue": None,
        }

    def resolve(self, value: Any) -> Any:
        """`value` with every intrinsic replaced by a literal."""
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        if not isinstance(value, Mapping):
            return value
        if len(value) == 1:
            (name, argument), *_ = value.items()
            function = self._functions().get(name)
            if function is not None:
                return function(argument)
        return {key: self.resolve(item) for key, item in value.items()}

    def _functions(self) -> dict[str, Callable[[Any], Any]]:
        """What each intrinsic function resolves to, by name."""
        return {
            "Ref": self.ref,
            "Fn::GetAtt": self._get_att,
            "Fn::Join": lambda argument: argument[0].join(
                str(part) for part in self.resolve(argument[1])
            ),
            "Fn::Select": lambda argument: self.resolve(argument[1])[
                int(self.resolve(argument[0]))
            ],
            "Fn::Split": lambda argument: str(self.resolve(argument[1])).split(argument[0]),
            "Fn::Sub": self.sub,
            "Fn::ImportValue": lambda argument: f"imported-{self.resolve(argument)}",
        }

    def _get_att(self, argument: Any) -> Any:
        logical_id, attribute = argument.split(".", 1) if isinstance(argument, str) else argument
        return self.attribute(logical_id, attribute)

    def sub(self, argument: Any) -> str:
        text, variables = (argument, {}) if isinstance(argument, str) else argument
        for name, item in variables.items():
            text = text.replace(f"${{{name}}}", str(self.resolve(item)))
        for name in {*self.pseudo, *self.resources, *self.parameters}:
            if f"${{{name}}}" in text:
                text = text.replace(f"${{{name}}}", str(self.ref(name)))
        return str(text)

    def ref(self, name: str) -> Any:
        if name in self.pseudo:
            return self.pseudo[name]
        if name in self.parameters:
            parameter_type = self.parameters[name].get("Type", "String")
            if parameter_type.startswith("List<"):
                return ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"]
            return str(self.parameters[name].get("Default", f"parameter-{name.lower()}"))
        resource_type = self.resources[name]["Type"]
        return {
            "AWS::EC2::SecurityGroup": f"sg-{_hex(name)}",
            "AWS::ECR::Repository": name.lower(),
            "AWS::S3::Bucket": name.lower(),
            "AWS::KMS::Key": _key_id(name),
            "AWS::IAM::Role": name,
            "AWS::CloudWatch::Alarm": name,
            "AWS::Lambda::Function": name.lower(),
            "AWS::SageMaker::Endpoint": self.arn("sagemaker", f"endpoint/{name.lower()}"),
        }.get(resource_type, name)

    def attribute(self, name: str, attribute: str) -> Any:
        resource_type = self.resources[name]["Type"]
        arns = {
            "AWS::ECR::Repository": self.arn("ecr", f"repository/{name.lower()}"),
            "AWS::S3::Bucket": f"arn:{PARTITION}:s3:::{name.lower()}",
            "AWS::KMS::Key": self.arn("kms", f"key/{_key_id(name)}"),
            "AWS::IAM::Role": f"arn:{PARTITION}:iam::{ACCOUNT}:role/{name}",
            "AWS::CloudWatch::Alarm": self.arn("cloudwatch", f"alarm:{name}"),
            "AWS::Lambda::Function": self.arn("lambda", f"function:{name.lower()}"),
        }
        if attribute == "Arn" and resource_type in arns:
            return arns[resource_type]
        if resource_type == "AWS::EC2::SecurityGroup" and attribute == "GroupId":
            return f"sg-{_hex(name)}"
        if attribute == "EndpointName":
            return name.lower()
        raise KeyError(f"no literal for {resource_type} {name}.{attribute}: add one to Literals")

    def arn(self, service: str, resource: str) -> str:
        return f"arn:{PARTITION}:{service}:{self.region}:{ACCOUNT}:{resource}"


def _hex(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()[:17]


def _key_id(name: str) -> str:
    digits = f"{sum(map(ord, name)):012d}"
    return f"1234abcd-12ab-34cd-56ef-{digits}"


def execution_policies(template: Mapping[str, Any]) -> dict[str, Any]:
    """Logical id -> policy document of every `AWS::IAM::Policy` in the template."""
    return {
        logical_id: resource["Properties"]["PolicyDocument"]
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == "AWS::IAM::Policy"
    }


def merged(document: Mapping[str, Any]) -> dict[str, Any]:
    """The document with the Allow statements of the same actions and conditions merged into
    one (their resources together): the same permissions for IAM, which allows a request when
    each of its resources is allowed by some statement. parliament checks each statement
    alone: an action that needs two resource types (`ec2:CreateNetworkInterface` needs a
    subnet and a network interface) would be a RESOURCE_MISMATCH in each of two statements."""
    statements = document["Statement"]
    groups: dict[str, dict[str, Any]] = {}
    for statement in statements if isinstance(statements, list) else [statements]:
        key = json.dumps(
            [statement.get("Effect"), statement.get("Action"), statement.get("Condition")],
            sort_keys=True,
        )
        resources = statement.get("Resource", [])
        resources = resources if isinstance(resources, list) else [resources]
        if key in groups:
            groups[key]["Resource"] = [*groups[key]["Resource"], *resources]
        else:
            groups[key] = {**statement, "Resource": list(resources)}
    return {**document, "Statement": list(groups.values())}


def parliament_findings(document: Mapping[str, Any]) -> list[str]:
    """parliament's failing findings on a policy document (with literal ARNs), its statements
    `merged`."""
    policy = parliament.analyze_policy_string(json.dumps(merged(document)))
    return [
        f"{finding.issue}: {finding.detail}"
        for finding in policy.findings
        if finding.issue in FAILING_FINDINGS
    ]
