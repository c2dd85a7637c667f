"""Shared test helpers: synthesize once per module, lint with the real cfn-lint."""

from __future__ import annotations

import functools
import io
import json
import os
import re
import shutil
import subprocess
import tarfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any, cast

# jsii reads this when it starts, on the first import of aws_cdk below.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

import aws_cdk as cdk
import cfnlint
import pytest
from aws_cdk import assertions
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from cfnlint.api import ManualArgs
from cfnlint.config import ConfigMixIn
from cfnlint.decode import cfn_json
from cfnlint.runner import Runner
from constructs import IConstruct

from mce_constructs import ContainerDefinition, Problem

REPO = Path(__file__).resolve().parent.parent
REGISTRY = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
LINT_REGIONS = ["us-east-1", "eu-west-1"]

Template = dict[str, Any]
IMAGE = f"{REGISTRY}/img:1"


def new_stack(name: str = "TestStack", **options: Any) -> cdk.Stack:
    """A stack in an app of its own (the one app factory of the tests): `options` are the
    stack's (`env`, ...)."""
    return cdk.Stack(cdk.App(), name, **options)


def containers(*names: str, hostnames: bool = False) -> list[ContainerDefinition]:
    """A container per name, its image `<REGISTRY>/<name>:1` (and its hostname the name)."""
    return [
        ContainerDefinition(
            image=f"{REGISTRY}/{name}:1", container_hostname=name if hostnames else None
        )
        for name in names
    ]


SUBNET_IDS = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"]


def imported_vpc(scope: IConstruct, id: str = "Vpc", **options: Any) -> ec2.IVpc:
    """A VPC of two private subnets, imported by its attributes (`options` add or replace
    some)."""
    attributes: dict[str, Any] = {
        "vpc_id": "vpc-0123456789abcdef0",
        "availability_zones": ["us-east-1a", "us-east-1b"],
        "private_subnet_ids": SUBNET_IDS,
        **options,
    }
    return ec2.Vpc.from_vpc_attributes(cast(Any, scope), id, **attributes)


def encrypted_bucket(scope: IConstruct, key: kms.IKey, id: str = "Models") -> s3.Bucket:
    """A bucket of the app encrypted with `key` (SSL enforced, as cdk-nag asks)."""
    return s3.Bucket(
        cast(Any, scope),
        id,
        encryption=s3.BucketEncryption.KMS,
        encryption_key=key,
        enforce_ssl=True,
    )


def make_tarball(path: Path, payload: bytes = b"weights", member: str = "model.bin") -> Path:
    """A tiny `.tar.gz` at `path`: one file, `member`, of `payload`."""
    with tarfile.open(path, "w:gz") as archive:
        info = tarfile.TarInfo(member)
        info.size = len(payload)
        archive.addfile(info, io.BytesIO(payload))
    return path


def docker_context(directory: Path, dockerfile: str = "FROM scratch\n") -> Path:
    """A build context at `directory` with a Dockerfile."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "Dockerfile").write_text(dockerfile)
    return directory


def lines(problems: Iterable[Problem]) -> list[str]:
    """Each problem as the error shows it (errors and warnings)."""
    return [str(problem) for problem in problems]


def errors(problems: Iterable[Problem]) -> list[str]:
    """The refusals among `problems` (warnings left out)."""
    return [str(problem) for problem in problems if problem.warning_id is None]


def warnings(problems: Iterable[Problem]) -> dict[str, str]:
    """Warning id -> line, for the warnings among `problems`."""
    return {problem.warning_id: str(problem) for problem in problems if problem.warning_id}


def string_token(name: str = "Param") -> str:
    """A string known only at deploy time (a parameter's value)."""
    return cdk.Token.as_string(cdk.Fn.ref(name))


def number_token(name: str = "Count") -> float:
    """A number known only at deploy time."""
    return cdk.Token.as_number(cdk.Fn.ref(name))


def template_of(stack: cdk.Stack) -> Template:
    """The synthesized CloudFormation template of `stack`, as plain JSON."""
    return dict(assertions.Template.from_stack(stack).to_json())


def logical_id(construct: IConstruct) -> str:
    """The logical id of a CloudFormation element, or of a construct's default child."""
    element = construct if isinstance(construct, cdk.CfnElement) else construct.node.default_child
    assert isinstance(element, cdk.CfnElement), construct.node.path
    return str(cdk.Stack.of(element).resolve(element.logical_id))


def properties_of(template: Template, construct: IConstruct) -> dict[str, Any]:
    """The template's `Properties` of a CloudFormation element (or a construct's default child)."""
    properties: dict[str, Any] = template["Resources"][logical_id(construct)]["Properties"]
    return properties


def resources_of_type(template: Template, resource_type: str) -> dict[str, Any]:
    """Logical id -> resource, for every resource of one type."""
    return {
        logical_id: resource
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == resource_type
    }


def only_resource(template: Template, resource_type: str) -> tuple[str, dict[str, Any]]:
    """The one resource of `resource_type` (fails if there is not exactly one)."""
    found = resources_of_type(template, resource_type)
    assert len(found) == 1, f"expected one {resource_type}, found {sorted(found)}"
    return next(iter(found.items()))


def resource_schema(resource_type: str) -> Any:
    """The CloudFormation resource schema that cfn-lint ships for `resource_type`."""
    schemas = Path(cfnlint.__file__).parent / "data" / "schemas"
    providers = json.loads((schemas / "providers" / "us-east-1.json").read_text())
    return json.loads((schemas / "resources" / f"{providers[resource_type]}.json").read_text())


def cfn_lint_findings(template: Template) -> list[str]:
    """cfn-lint's findings on `template` (every rule, errors and warnings alike).

    The template is read as the JSON it is: cfn-lint's `lint` reads YAML first, and YAML
    refuses a key over 1024 characters (a valid environment variable name can be that long).
    """
    decoded = cfn_json.loads(json.dumps(template))
    matches = Runner(ConfigMixIn(**ManualArgs(regions=LINT_REGIONS))).validate_template(decoded)
    # A finding that no path in the template explains (a template-wide one) has no `path`.
    return [
        f"{match.rule.id} {match.message} at {getattr(match, 'path', 'the template')}"
        for match in matches
    ]


def assert_lint_clean(template: Template) -> None:
    findings = cfn_lint_findings(template)
    assert findings == [], "\n".join(findings)


@functools.cache
def offline_prefix() -> list[str]:
    """Run in a network namespace of its own where the machine allows it: proof of offline."""
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-rn", "true"], check=False).returncode == 0:
        return [unshare, "-rn"]
    return []


@pytest.fixture
def stack() -> cdk.Stack:
    """A fresh, environment-agnostic stack in a fresh app."""
    return new_stack()


def pytest_make_parametrize_id(val: object) -> str | None:
    """Test ids without CDK token numbers (they depend on what the process created before), so
    that every worker of `pytest -n` collects the same tests."""
    if isinstance(val, str) and "{Token[" in val:
        return re.sub(r"[$#]\{Token\[[^\]]*\]\}", "<token>", val)
    return None


def one_metric(metric: cloudwatch.Metric | cloudwatch.MathExpression) -> cloudwatch.Metric:
    """The metric of an endpoint of one variant (typed as possibly a sum over variants)."""
    assert isinstance(metric, cloudwatch.Metric), metric
    return metric
