"""cdk-nag's AwsSolutions checks pass on the sample app and on a fully configured endpoint.

The only suppressions are the construct's own acknowledgements, each on its endpoint's policy,
for a wildcard IAM cannot narrow, with its reason; cdk-nag keeps them, with the reason, in the
validation report's `suppressedViolations`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from cdk_nag import AwsSolutionsChecks

from app import build_app
from mce_constructs import (
    ContainerDefinition,
    ContainerImage,
    DataCapture,
    InvocationMode,
    ModelData,
    MultiContainerEndpoint,
    VariantDefinition,
)
from mce_constructs._permissions import (
    CAPTURE_REASON,
    DESCRIBE_REASON,
    GENERATED_LOGS_REASON,
    METRICS_REASON,
    NAMED_LOGS_REASON,
    NETWORK_INTERFACE_REASON,
    PREFIX_REASON,
    SUBNET_LIST_REASON,
    TOKEN_REASON,
    flatten_reference,
)

from .conftest import REPO, docker_context, imported_vpc, make_tarball

IAM5 = "AwsSolutions-IAM5"
ANY = f"{IAM5}[Resource::*]"
INTERFACES = (
    f"{IAM5}[Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:network-interface/*]"
)

LISTED_SUBNETS = (
    f"{IAM5}[Resource::"
    '{"Fn::Split":[",",{"Fn::Join":["",["arn:*:ec2:*:*:subnet/",'
    '{"Fn::Join":[",arn:*:ec2:*:*:subnet/",{"Ref":"Subnets"}]}]]}]}]'
)
"""How cdk-nag spells a resource that is an `Fn::Split`: as compact JSON."""


def logs(group: str) -> str:
    return (
        f"{IAM5}[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>"
        f":log-group:/aws/sagemaker/Endpoints/{group}:*]"
    )


def objects(bucket_and_prefix: str) -> str:
    return f"{IAM5}[Resource::arn:<AWS::Partition>:s3:::{bucket_and_prefix}]"


def joined(*reasons: str) -> str:
    return " ".join(reasons)


SAMPLE_ACKNOWLEDGED = {
    ("MceSampleStack/Recommender/ExecutionPolicy", ANY): joined(TOKEN_REASON, METRICS_REASON),
    ("MceSampleStack/Recommender/ExecutionPolicy", logs("recommender")): NAMED_LOGS_REASON,
    ("MceSampleStack/FraudPipeline/ExecutionPolicy", ANY): joined(TOKEN_REASON, METRICS_REASON),
    ("MceSampleStack/FraudPipeline/ExecutionPolicy", logs("fraud-pipeline")): NAMED_LOGS_REASON,
    (
        "MceSampleStack/FraudPipeline/ExecutionPolicy",
        objects("example-inference-capture/fraud-pipeline/*"),
    ): CAPTURE_REASON,
}
FULL_ACKNOWLEDGED = {
    ("Full/Full/ExecutionPolicy", ANY): joined(TOKEN_REASON, METRICS_REASON, DESCRIBE_REASON),
    ("Full/Full/ExecutionPolicy", logs("*")): GENERATED_LOGS_REASON,
    ("Full/Full/ExecutionPolicy", INTERFACES): NETWORK_INTERFACE_REASON,
    ("Full/CreatedRole/ExecutionPolicy", ANY): joined(
        TOKEN_REASON, METRICS_REASON, DESCRIBE_REASON
    ),
    ("Full/CreatedRole/ExecutionPolicy", logs("created-role")): NAMED_LOGS_REASON,
    ("Full/CreatedRole/ExecutionPolicy", INTERFACES): NETWORK_INTERFACE_REASON,
    ("Full/ListedSubnets/ExecutionPolicy", ANY): joined(
        TOKEN_REASON, METRICS_REASON, DESCRIBE_REASON
    ),
    ("Full/ListedSubnets/ExecutionPolicy", logs("listed")): NAMED_LOGS_REASON,
    ("Full/ListedSubnets/ExecutionPolicy", INTERFACES): NETWORK_INTERFACE_REASON,
    ("Full/ListedSubnets/ExecutionPolicy", LISTED_SUBNETS): SUBNET_LIST_REASON,
    ("Full/Production/ExecutionPolicy", ANY): joined(TOKEN_REASON, METRICS_REASON, DESCRIBE_REASON),
    ("Full/Production/ExecutionPolicy", logs("production")): NAMED_LOGS_REASON,
    ("Full/Production/ExecutionPolicy", INTERFACES): NETWORK_INTERFACE_REASON,
    ("Full/Production/ExecutionPolicy", objects("models/llm/v1/*")): PREFIX_REASON,
    ("Full/Production/ExecutionPolicy", objects("weights/ranker/*")): PREFIX_REASON,
    ("Full/Production/ExecutionPolicy", objects("models/captured/*")): CAPTURE_REASON,
}
SAMPLE_WILDCARDS = {
    ANY: {"GetEcrToken", "PutMetrics"},
    logs("recommender"): {"WriteLogs"},
    logs("fraud-pipeline"): {"WriteLogs"},
    objects("example-inference-capture/fraud-pipeline/*"): {"WriteCapturedData"},
}
FULL_WILDCARDS = {
    ANY: {"GetEcrToken", "PutMetrics", "DescribeNetwork"},
    logs("*"): {"WriteLogs"},
    logs("created-role"): {"WriteLogs"},
    logs("listed"): {"WriteLogs"},
    logs("production"): {"WriteLogs"},
    INTERFACES: {"CreateNetworkInterfaces", "ManageNetworkInterfaces"},
    LISTED_SUBNETS: {"CreateNetworkInterfacesInSubnets"},
    objects("models/llm/v1/*"): {"ReadModelDataPrefixes"},
    objects("weights/ranker/*"): {"ReadModelDataPrefixes"},
    objects("models/captured/*"): {"WriteCapturedData"},
}
"""Which statements (by Sid) make each wildcard finding: a new wildcard changes this, even one
that an existing acknowledgement (`Resource::*`) would cover."""


def full_app(outdir: Path, assets: Path) -> cdk.App:
    """Every option at once: VPC, isolation, KMS, asset image and model data, an ECR image by
    digest, a KMS-encrypted bucket, a given role; a second endpoint with a created role; a
    third in subnets from a list parameter; and an A/B endpoint with a private-registry image,
    model data under prefixes and data capture."""
    docker_context(assets / "image")
    make_tarball(assets / "model.tar.gz")

    app = cdk.App(outdir=str(outdir), builtin_cloud_formation_validation=False)
    stack = cdk.Stack(app, "Full")
    vpc = imported_vpc(stack)
    bucket = s3.Bucket.from_bucket_attributes(
        stack,
        "Models",
        bucket_name="models",
        encryption_key=kms.Key(stack, "BucketKey", enable_key_rotation=True),
    )
    repository = ecr.Repository.from_repository_name(stack, "Repository", "models")
    containers = [
        ContainerDefinition(
            image=ContainerImage.from_asset(str(assets / "image")),
            model_data=ModelData.from_asset(str(assets / "model.tar.gz")),
        ),
        ContainerDefinition(
            image=ContainerImage.from_ecr_repository(repository, "sha256:" + "ab" * 32),
            model_data=ModelData.from_bucket(bucket, "model/model.tar.gz"),
        ),
    ]
    MultiContainerEndpoint(
        stack,
        "Full",
        containers=containers,
        vpc=vpc,
        enable_network_isolation=True,
        kms_key=kms.Key(stack, "VolumeKey", enable_key_rotation=True),
        role=iam.Role(
            stack, "ExecutionRole", assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com")
        ),
    )
    MultiContainerEndpoint(
        stack, "CreatedRole", containers=containers, vpc=vpc, endpoint_name="created-role"
    )
    subnets = cdk.CfnParameter(stack, "Subnets", type="List<AWS::EC2::Subnet::Id>")
    listed_vpc = imported_vpc(
        stack,
        "ListedVpc",
        availability_zones=["us-east-1a"],
        private_subnet_ids=subnets.value_as_list,
    )
    MultiContainerEndpoint(
        stack, "ListedSubnets", containers=containers, vpc=listed_vpc, endpoint_name="listed"
    )
    credentials = lambda_.Function.from_function_arn(
        stack,
        "RegistryCredentials",
        "arn:aws:lambda:us-east-1:123456789012:function:registry-credentials",
    )
    MultiContainerEndpoint(
        stack,
        "Production",
        endpoint_name="production",
        vpc=vpc,
        variants=[
            VariantDefinition(
                name="champion",
                containers=[
                    ContainerDefinition(
                        image=ContainerImage.from_private_registry(
                            "registry.example.com/llm:1", credentials_provider=credentials
                        ),
                        model_data=ModelData.from_bucket_prefix(bucket, "llm/v1/"),
                    ),
                    containers[1],
                ],
            ),
            VariantDefinition(
                name="challenger",
                mode=InvocationMode.DIRECT,
                containers=[
                    ContainerDefinition(
                        image=containers[1].image,
                        container_hostname="ranker",
                        model_data=ModelData.from_s3_prefix("s3://weights/ranker/"),
                    )
                ],
            ),
        ],
        data_capture=DataCapture.to_bucket(bucket, "captured", sampling_percentage=10),
    )
    return app


class Checked:
    """An app synthesized once with AwsSolutionsChecks, and what cdk-nag reported."""

    def __init__(self, app: cdk.App) -> None:
        cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
        self.assembly = app.synth()  # raises if any finding is left
        directory = Path(self.assembly.directory)
        report = json.loads((directory / "validation-report.json").read_text())
        (self.report,) = report["pluginReports"]
        self.templates = [stack.template for stack in self.assembly.stacks]
        self.acknowledged: dict[tuple[str, str], str] = {}
        for stack in self.assembly.stacks:
            metadata = json.loads((directory / f"{stack.stack_name}.metadata.json").read_text())
            for path, entries in metadata.items():
                for entry in entries:
                    if entry["type"] == cdk.Validations.ACKNOWLEDGED_RULES_METADATA_KEY:
                        for finding, reason in entry["data"].items():
                            self.acknowledged[(path.lstrip("/"), finding)] = reason

    def suppressed(self) -> dict[tuple[str, str], str]:
        """(acknowledged at, finding) -> reason, for each finding the report shows suppressed."""
        found = {}
        for violation in self.report["suppressedViolations"]:
            at = violation["acknowledgedAt"]
            paths = [c["constructPath"] for c in violation["violatingConstructs"]]
            assert paths == [f"{at}/Resource"]
            found[(at, violation["ruleName"])] = violation["reason"]
        return found


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Checked:
    outdir = tmp_path_factory.mktemp("sample")
    return Checked(build_app(cdk.App(outdir=str(outdir), builtin_cloud_formation_validation=False)))


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Checked:
    outdir = tmp_path_factory.mktemp("full")
    return Checked(full_app(outdir, tmp_path_factory.mktemp("assets")))


def qualified(acknowledged: dict[tuple[str, str], str]) -> dict[tuple[str, str], str]:
    """The acknowledgements as recorded: qualified by the plugin's name."""
    return {(at, f"AwsSolutions::{rule}"): reason for (at, rule), reason in acknowledged.items()}


@pytest.mark.parametrize(
    ("name", "expected"), [("sample", SAMPLE_ACKNOWLEDGED), ("full", FULL_ACKNOWLEDGED)]
)
def test_no_finding_is_left_and_exactly_the_expected_ones_are_acknowledged(
    request: pytest.FixtureRequest, name: str, expected: dict[tuple[str, str], str]
) -> None:
    checked: Checked = request.getfixturevalue(name)
    assert checked.report["pluginName"] == "AwsSolutions"
    assert checked.report["conclusion"] == "success"
    assert checked.report["violations"] == []
    assert checked.suppressed() == expected
    aws_solutions = {
        (at, finding): reason
        for (at, finding), reason in checked.acknowledged.items()
        if finding.startswith("AwsSolutions::")
    }
    assert aws_solutions == qualified(expected)
    assert not [finding for _, finding in checked.suppressed() if "IAM4" in finding]


def wildcard_statements(templates: list[dict[str, Any]]) -> dict[str, set[str]]:
    """cdk-nag finding -> the Sids of the statements with that wildcard resource."""
    found: dict[str, set[str]] = {}
    for template in templates:
        for resource in template["Resources"].values():
            if resource["Type"] != "AWS::IAM::Policy":
                continue
            for statement in resource["Properties"]["PolicyDocument"]["Statement"]:
                resources = statement["Resource"]
                for value in resources if isinstance(resources, list) else [resources]:
                    rendered = flatten_reference(value)
                    if "*" in rendered:
                        found.setdefault(f"{IAM5}[Resource::{rendered}]", set()).add(
                            statement["Sid"]
                        )
    return found


def test_each_acknowledged_wildcard_is_in_exactly_the_statements_that_need_it(
    sample: Checked, full: Checked
) -> None:
    assert wildcard_statements(sample.templates) == SAMPLE_WILDCARDS
    assert wildcard_statements(full.templates) == FULL_WILDCARDS


def test_docs_list_every_acknowledgement_with_its_reason() -> None:
    security = (REPO / "docs" / "security.md").read_text()
    for reason in {*SAMPLE_ACKNOWLEDGED.values(), *FULL_ACKNOWLEDGED.values()}:
        for sentence in reason.split(". "):
            assert sentence.rstrip(".") in security
