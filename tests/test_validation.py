"""The construct refuses what the service would: every problem in one error naming the
construct and each field, values of a wrong type refused like the rest, warnings on the
endpoint, the valid configurations accepted by cfn-lint and botocore; and docs/refusals.md shows
every rule's message (the rules themselves are tested in tests/rules/, one module per area)."""

from __future__ import annotations

import copy
import itertools
import re
from pathlib import Path
from typing import Any, cast

import aws_cdk as cdk
import jsii
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from botocore.exceptions import ParamValidationError
from constructs import Construct

from mce_constructs import (
    CapacitySize,
    ContainerDefinition,
    ContainerImage,
    DataCapture,
    DeploymentConfig,
    InstanceType,
    InvocationMode,
    MceValidationError,
    ModelData,
    MultiContainerEndpoint,
    RoutingStrategy,
    TrafficRouting,
    VariantDefinition,
)
from mce_constructs.rules.location import ROOT
from mce_constructs.rules.network import NetworkSettings, check_vpc
from mce_constructs.rules.role import check_role_account
from mce_constructs.rules.variants import VariantSettings, check_variant
from mce_constructs.scaling import (
    SCALED_CAPTURE_WARNING,
    instance_type_warning,
    unscaled_variants_warning,
)

from ._service_model import ROLE_ARN, STAND_INS, api_parameters, botocore_validate
from .conftest import (
    IMAGE,
    REGISTRY,
    REPO,
    SUBNET_IDS,
    Template,
    assert_lint_clean,
    imported_vpc,
    lines,
    make_tarball,
    new_stack,
    string_token,
)
from .rules import (
    test_arguments,
    test_containers,
    test_data_capture,
    test_deployment,
    test_instance_types,
    test_lookups,
    test_model_packages,
    test_names,
    test_network,
    test_scaling,
    test_tags,
    test_variants,
)
from .rules.test_containers import not_in_ecr
from .rules.test_instance_types import gpu_direct, kms_instance_storage, unknown_instance_type

NAME_RULE = "1 to 63 letters, digits and hyphens, starting and ending with a letter or digit"
PROVIDER_ARN = STAND_INS["RepositoryCredentialsProviderArn"]


@jsii.implements(cdk.IStableStringProducer)
class Produce:
    """What `Lazy.string` calls at synthesis to learn the value."""

    def __init__(self, value: str) -> None:
        self.value = value

    def produce(self) -> str:
        return self.value


def one(**fields: Any) -> list[ContainerDefinition]:
    """A single container with `fields` (and an image unless given)."""
    return [ContainerDefinition(**{"image": IMAGE, **fields})]


def variant(name: str, **fields: Any) -> VariantDefinition:
    """A variant of one container (`IMAGE`) with `fields`."""
    return VariantDefinition(**{"name": name, "containers": one(), **fields})


def capture_to(**options: Any) -> DataCapture:
    return DataCapture.to_uri("s3://capture/fraud", **options)


# What docs/refusals.md shows, in its order: one refused example of each rule, by area.
EXAMPLES = [
    *test_containers.EXAMPLES,
    *test_model_packages.EXAMPLES,
    *test_names.EXAMPLES,
    *test_instance_types.EXAMPLES,
    *test_variants.EXAMPLES,
    *test_network.EXAMPLES,
    *test_deployment.EXAMPLES,
    *test_tags.EXAMPLES,
    *test_data_capture.EXAMPLES,
    *test_arguments.EXAMPLES,
]
WARNING_EXAMPLES = [
    *test_containers.WARNING_EXAMPLES,
    *test_model_packages.WARNING_EXAMPLES,
    *test_instance_types.WARNING_EXAMPLES,
    *test_variants.WARNING_EXAMPLES,
    *test_data_capture.WARNING_EXAMPLES,
    *test_deployment.WARNING_EXAMPLES,
    *test_tags.WARNING_EXAMPLES,
    *test_scaling.WARNING_EXAMPLES,
]
CALL_EXAMPLES = [*test_scaling.CALL_EXAMPLES, *test_lookups.CALL_EXAMPLES]
# The warnings made outside the endpoint's rules, with an example of each message.
OTHER_WARNINGS: list[tuple[str, str]] = [
    ("mce-constructs:scaledInstanceType", instance_type_warning("AllTraffic")),
    ("mce-constructs:scaledDataCapture", SCALED_CAPTURE_WARNING),
    ("mce-constructs:unscaledVariantCount", unscaled_variants_warning(["blue"])),
    (
        "mce-constructs:roleOfOtherAccount",
        str(check_role_account(cdk.Aws.ACCOUNT_ID, "123456789012", ROOT)[0]),
    ),
]


@pytest.fixture
def in_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Relative paths in the examples are read in a directory with a `serve` build context
    that has no Dockerfile (and nothing else)."""
    (tmp_path / "serve").mkdir()
    monkeypatch.chdir(tmp_path)


@pytest.mark.usefixtures("in_project")
@pytest.mark.parametrize(("check", "line"), EXAMPLES, ids=[line for _, line in EXAMPLES])
def test_each_rule_refuses_with_its_message(check: Any, line: str) -> None:
    assert lines(check()) == [line]


@pytest.mark.parametrize(
    ("check", "warning_id", "line"),
    WARNING_EXAMPLES,
    ids=[warning_id for _, warning_id, _ in WARNING_EXAMPLES],
)
def test_each_warning_rule_warns_with_its_id_and_message(
    check: Any, warning_id: str, line: str
) -> None:
    (problem,) = check()
    assert (problem.warning_id, str(problem)) == (warning_id, line)


def table_rows(heading: str) -> list[list[str]]:
    """The cells of each row of the first table under `heading` in docs/refusals.md."""
    refusals = (REPO / "docs" / "refusals.md").read_text()
    section = refusals.split(f"\n{heading}\n", 1)[1].splitlines()
    start = next(index for index, line in enumerate(section) if line.startswith("|"))
    table = itertools.takewhile(lambda line: line.startswith("|"), section[start:])
    rows = [[cell.strip() for cell in row.strip("|").split(" | ")] for row in table]
    return rows[2:]  # below the header and its separator


def test_docs_show_every_refusal_with_its_source() -> None:
    for heading, examples in (
        ("## What it refuses", EXAMPLES),
        ("### When a method is called", CALL_EXAMPLES),
    ):
        rows = table_rows(heading)
        assert [message for *_, message in rows] == [f"`{line}`" for _, line in examples]
        assert all(len(row) == 3 and row[1] for row in rows), heading


def test_docs_show_every_warning_with_its_id_and_source() -> None:
    rows = table_rows("## Warnings")
    documented = [(row[0], row[-1]) for row in rows]
    expected = [
        *((warning_id, line) for _, warning_id, line in WARNING_EXAMPLES),
        *OTHER_WARNINGS,
    ]
    assert documented == [(f"`{warning_id}`", f"`{line}`") for warning_id, line in expected]
    assert all(len(row) == 4 and row[2] for row in rows)
    # Every warning id in the code is documented.
    source = "".join(path.read_text() for path in (REPO / "mce_constructs").rglob("*.py"))
    assert set(re.findall(r'"(mce-constructs:\w+)"', source)) == {
        warning_id for warning_id, _ in expected
    }


class Built:
    """Every valid configuration in one stack, synthesized once; refused ones in another app."""

    VALID = ("Serial", "Direct", "Vpc", "Kms", "Asset")

    def __init__(self, asset: Path) -> None:
        app = cdk.App()
        self.stack = stack = cdk.Stack(app, "Valid")
        self.endpoints: dict[str, MultiContainerEndpoint] = {}
        serial_containers = [
            ContainerDefinition(image=f"{REGISTRY}/pre:1", environment={"MODE": "strict"}),
            ContainerDefinition(
                image=ContainerImage.from_registry(f"{REGISTRY}/model:1"),
                model_data=ModelData.from_uri("s3://bucket/model/model.tar.gz"),
            ),
            ContainerDefinition(
                image=f"{REGISTRY}/post:1",
                model_data=ModelData.from_uri("https://s3.amazonaws.com/bucket/post.tar.gz"),
                environment={"THRESHOLD": "0.5", "LABELS": "a,b"},
            ),
        ]
        self.add("Serial", containers=serial_containers, endpoint_name="fraud-pipeline")
        self.add(
            "Direct",
            containers=[
                ContainerDefinition(
                    image=f"{REGISTRY}/model{index}:1",
                    container_hostname=f"model-{index}",
                    environment={"SAGEMAKER_PROGRAM": f"serve{index}.py"},
                )
                for index in range(15)
            ],
            mode=InvocationMode.DIRECT,
            instance_type="ml.c5.2xlarge",
            initial_instance_count=2,
            variant_name="Blue",
        )
        vpc = imported_vpc(stack, "Network")
        self.add("Vpc", containers=serial_containers, vpc=vpc, enable_network_isolation=True)
        self.add(
            "Kms",
            containers=serial_containers,
            instance_type="ml.r5.large",
            kms_key=kms.Key(stack, "Key", enable_key_rotation=True),
        )
        self.add(
            "Asset",
            containers=[
                ContainerDefinition(
                    image=f"{REGISTRY}/a:1", model_data=ModelData.from_asset(str(asset))
                ),
                ContainerDefinition(image=f"{REGISTRY}/b:1"),
            ],
        )
        self.add(
            "Of",
            containers=[ContainerDefinition(image=f"{REGISTRY}/a:1")],
            instance_type=InstanceType.of("ml.c7i.large"),
        )
        hostname = cdk.CfnParameter(stack, "Hostname").value_as_string
        count = cdk.CfnParameter(stack, "Count", type="Number").value_as_number
        self.add(
            "Tokens",
            containers=[
                ContainerDefinition(
                    image=cdk.Lazy.string(Produce(f"{REGISTRY}/lazy:1")),
                    container_hostname=hostname,
                    model_data=ModelData.from_uri(
                        f"s3://{cdk.CfnParameter(stack, 'Bucket').value_as_string}/m.tar.gz"
                    ),
                    environment={"REGION": cdk.Token.as_string(cdk.Aws.REGION)},
                ),
                ContainerDefinition(image=f"{REGISTRY}/b:1", container_hostname=hostname),
            ],
            mode=InvocationMode.DIRECT,
            instance_type=cdk.CfnParameter(stack, "InstanceType").value_as_string,
            initial_instance_count=count,
            endpoint_name=cdk.CfnParameter(stack, "Name").value_as_string,
        )
        self.template: Template = app.synth().get_stack_by_name("Valid").template
        self.refusing_app = cdk.App()

    def add(self, name: str, **options: Any) -> None:
        self.endpoints[name] = MultiContainerEndpoint(self.stack, name, **options)

    def properties(self, name: str, child: str) -> dict[str, Any]:
        """The template's Properties of endpoint `name`'s `child` ("Model", "Endpoint", ...)."""
        element = self.endpoints[name].node.find_child(child)
        assert isinstance(element, cdk.CfnResource)
        properties: dict[str, Any] = self.template["Resources"][self.stack.get_logical_id(element)][
            "Properties"
        ]
        return properties

    def refuse(self, stack: cdk.Stack, **options: Any) -> MceValidationError:
        with pytest.raises(MceValidationError) as caught:
            MultiContainerEndpoint(stack, "Mce", **options)
        assert stack.node.find_child("Mce").node.children == []
        return caught.value


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return Built(make_tarball(tmp_path_factory.mktemp("asset") / "model.tar.gz"))


def test_the_error_lists_every_problem_with_the_construct_path(built: Built) -> None:
    stack = cdk.Stack(built.refusing_app, "Refused")
    error = built.refuse(
        stack,
        containers=[
            ContainerDefinition(
                image="my image", container_hostname="first", environment={"1X": "v"}
            ),
            ContainerDefinition(
                image=f"{REGISTRY}/b:1",
                container_hostname="first",
                model_data=ModelData.from_uri("ftp://host/m.tar.gz"),
            ),
            ContainerDefinition(image="nginx:1"),
        ],
        mode=InvocationMode.DIRECT,
        instance_type="ml.m5.larg",
        initial_instance_count=0,
        endpoint_name="my_endpoint",
        kms_key=kms.Key.from_key_arn(stack, "Key", STAND_INS["KmsKeyId"]),
        vpc=imported_vpc(
            stack,
            availability_zones=["us-east-1a"],
            private_subnet_ids=[f"subnet-{index}" for index in range(17)],
        ),
        security_groups=[
            ec2.SecurityGroup.from_security_group_id(stack, f"Sg{index}", "sg-1")
            for index in range(6)
        ],
        tags={"aws:team": "search"},
    )
    assert isinstance(error, ValueError)
    assert error.path == "Refused/Mce"
    assert str(error) == "\n".join(
        [
            "Refused/Mce: 12 problems in the multi-container endpoint:",
            "  - containers[2].container_hostname: required in Direct mode (each request names "
            "its container by hostname)",
            "  - containers[1] ('first').container_hostname: 'first' is already used by "
            "containers[0]",
            "  - containers[0] ('first').image: 'my image' is not a valid image URI: 1 to 255 "
            "characters, no whitespace",
            f"  - containers[2].image: {not_in_ecr('nginx:1')}",
            "  - containers[1] ('first').model_data: 'ftp://host/m.tar.gz' is not a valid model "
            "data URL: s3://<bucket>/<key> or https://<host>/<path>, at most 1024 characters",
            "  - containers[0] ('first').environment['1X']: not a valid variable name: letters, "
            "digits and underscores, not starting with a digit, at most 1024 bytes",
            "  - "
            + unknown_instance_type(
                "ml.m5.larg", "; did you mean 'ml.m5.large', 'ml.m5d.large', 'ml.m5.xlarge'?"
            ),
            "  - initial_instance_count: 0 is not allowed: a whole number, at least 1",
            f"  - endpoint_name: 'my_endpoint' is not a valid endpoint name: {NAME_RULE}",
            "  - security_groups: 6 security groups; a model in a VPC has 1 to 5 security groups",
            "  - vpc_subnets: 17 subnets; a model in a VPC has 1 to 16 subnets",
            "  - tags['aws:team']: the key starts with 'aws:', reserved for AWS",
        ]
    )


def test_subnets_and_security_groups_without_a_vpc_are_refused(built: Built) -> None:
    stack = cdk.Stack(built.refusing_app, "NoVpc")
    error = built.refuse(
        stack,
        containers=[ContainerDefinition(image=IMAGE)],
        vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
        security_groups=[ec2.SecurityGroup.from_security_group_id(stack, "Sg", "sg-1")],
    )
    assert [str(problem) for problem in error.problems] == [
        "vpc_subnets: given without vpc; it applies only to a model in a VPC: give vpc too",
        "security_groups: given without vpc; it applies only to a model in a VPC: give vpc too",
    ]


def test_a_string_mode_is_refused_before_anything_is_created(built: Built) -> None:
    stack = cdk.Stack(built.refusing_app, "StringMode")
    error = built.refuse(stack, containers=[ContainerDefinition(image=IMAGE)], mode="Direct")
    assert str(error) == (
        "StringMode/Mce: 1 problem in the multi-container endpoint:\n"
        "  - mode: 'Direct' is not an InvocationMode; use InvocationMode.SERIAL or "
        "InvocationMode.DIRECT"
    )


# Input of a wrong type: the same error, naming the field, never AttributeError or TypeError.
TYPE_CASES: list[tuple[str, Any, list[str]]] = [
    (
        "containers not a list",
        lambda _: {"containers": ContainerDefinition(image=IMAGE)},
        ["containers: <ContainerDefinition> is not a list of ContainerDefinition"],
    ),
    (
        "a container not a ContainerDefinition",
        lambda _: {"containers": [IMAGE]},
        [f"containers[0]: {IMAGE!r} is not a ContainerDefinition"],
    ),
    (
        "image=123",
        lambda _: {"containers": [ContainerDefinition(image=cast(Any, 123))]},
        ["containers[0].image: 123 is not a ContainerImage or a str"],
    ),
    (
        "from_registry(123)",
        lambda _: {
            "containers": [ContainerDefinition(image=ContainerImage.from_registry(cast(Any, 123)))]
        },
        ["containers[0].image: 123 is not a str (an image URI)"],
    ),
    (
        "container_hostname=5",
        lambda _: {"containers": one(container_hostname=5)},
        ["containers[0].container_hostname: 5 is not a str"],
    ),
    (
        "model_data as a str",
        lambda _: {"containers": one(model_data="s3://models/m.tar.gz")},
        [
            "containers[0].model_data: 's3://models/m.tar.gz' is not a ModelData; use "
            "ModelData.from_uri('s3://models/m.tar.gz')"
        ],
    ),
    (
        "from_uri(5)",
        lambda _: {"containers": one(model_data=ModelData.from_uri(cast(Any, 5)))},
        ["containers[0].model_data: 5 is not a str (a model data URL)"],
    ),
    (
        "ModelData.from_asset(5)",
        lambda _: {"containers": one(model_data=ModelData.from_asset(cast(Any, 5)))},
        [
            "containers[0].model_data: ModelData.from_asset(5): model artifacts are an existing "
            "file that is a gzip compressed tar archive (.tar.gz)"
        ],
    ),
    (
        "environment=None",
        lambda _: {"containers": one(environment=None)},
        ["containers[0].environment: None is not a mapping of str to str"],
    ),
    (
        "environment value not a str",
        lambda _: {"containers": one(environment={"WORKERS": 2})},
        ["containers[0].environment['WORKERS']: the value 2 is not a str"],
    ),
    (
        "mode as a str",
        lambda _: {"mode": "Direct"},
        [
            "mode: 'Direct' is not an InvocationMode; use InvocationMode.SERIAL or "
            "InvocationMode.DIRECT"
        ],
    ),
    (
        "instance_type=5",
        lambda _: {"instance_type": 5},
        ["instance_type: 5 is not a str or an InstanceType"],
    ),
    (
        "InstanceType.of(5)",
        lambda _: {"instance_type": InstanceType.of(cast(Any, 5))},
        ["instance_type: InstanceType.of(5): 5 is not a str"],
    ),
    (
        "count as a str",
        lambda _: {"initial_instance_count": "2"},
        ["initial_instance_count: '2' is not allowed: a whole number, at least 1"],
    ),
    (
        "count as a float",
        lambda _: {"initial_instance_count": 2.0},
        ["initial_instance_count: 2.0 is not allowed: a whole number, at least 1"],
    ),
    (
        "count as a bool",
        lambda _: {"initial_instance_count": True},
        ["initial_instance_count: True is not allowed: a whole number, at least 1"],
    ),
    ("endpoint_name=5", lambda _: {"endpoint_name": 5}, ["endpoint_name: 5 is not a str"]),
    (
        "variant_name=7",
        lambda _: {"variant_name": 7},
        ["variant_name: 7 is not a str"],
    ),
    (
        "role as an ARN",
        lambda _: {"role": "arn:aws:iam::123456789012:role/r"},
        ["role: 'arn:aws:iam::123456789012:role/r' is not an iam.IRole"],
    ),
    (
        "role as a key",
        lambda stack: {"role": kms.Key.from_key_arn(stack, "Key", STAND_INS["KmsKeyId"])},
        ["role: <aws_kms.IKey> is not an iam.IRole"],
    ),
    ("vpc as an id", lambda _: {"vpc": "vpc-1"}, ["vpc: 'vpc-1' is not an ec2.IVpc"]),
    (
        "vpc_subnets as ids",
        lambda stack: {"vpc": vpc_of(stack), "vpc_subnets": ["subnet-1"]},
        ["vpc_subnets: ['subnet-1'] is not an ec2.SubnetSelection"],
    ),
    (
        "security_groups as an id",
        lambda stack: {"vpc": vpc_of(stack), "security_groups": "sg-1"},
        ["security_groups: 'sg-1' is not a list of ec2.ISecurityGroup"],
    ),
    (
        "enable_network_isolation as a str",
        lambda _: {"enable_network_isolation": "yes"},
        ["enable_network_isolation: 'yes' is not a bool"],
    ),
    (
        "kms_key as an alias",
        lambda _: {"kms_key": "alias/volumes"},
        ["kms_key: 'alias/volumes' is not a kms.IKey"],
    ),
    (
        "deployment as a str",
        lambda _: {"deployment": "blue-green"},
        ["deployment: 'blue-green' is not a DeploymentConfig"],
    ),
    (
        "enable_ssm_access as a str",
        lambda _: {"enable_ssm_access": "yes"},
        ["enable_ssm_access: 'yes' is not a bool"],
    ),
    (
        "a variant's enable_ssm_access as an int",
        lambda _: {"containers": None, "variants": [variant("blue", enable_ssm_access=1)]},
        ["variants[0] ('blue').enable_ssm_access: 1 is not a bool"],
    ),
    (
        "capture_input as a str",
        lambda _: {"data_capture": capture_to(capture_input="no")},
        ["data_capture.capture_input: 'no' is not a bool"],
    ),
    (
        "capture_output as an int",
        lambda _: {"data_capture": capture_to(capture_output=0)},
        ["data_capture.capture_output: 0 is not a bool"],
    ),
    (
        "the capture key as an ARN, with another problem",
        lambda _: {
            "data_capture": capture_to(kms_key=STAND_INS["KmsKeyId"], sampling_percentage=101)
        },
        # The types first: the rules read only the values of the right type.
        [
            f"data_capture.kms_key: {STAND_INS['KmsKeyId']!r} is not a kms.IKey",
            "data_capture.sampling_percentage: 101 given; a whole number from 0 to 100",
        ],
    ),
    (
        "csv_content_types=None",
        lambda _: {"data_capture": capture_to(csv_content_types=None)},
        ["data_capture.csv_content_types: None is not a list of str"],
    ),
    (
        "json_content_types as a str",
        lambda _: {"data_capture": capture_to(json_content_types="application/json")},
        ["data_capture.json_content_types: 'application/json' is not a list of str"],
    ),
    (
        "to_uri(None)",
        lambda _: {"data_capture": DataCapture.to_uri(cast(str, None))},
        [
            "data_capture: None is not a valid capture destination: s3://<bucket>/<prefix>, at "
            "most 512 characters"
        ],
    ),
    (
        "to_bucket of a bucket name",
        lambda _: {"data_capture": DataCapture.to_bucket(cast(Any, "capture"), "fraud")},
        ["data_capture.bucket: 'capture' is not an s3.IBucket"],
    ),
    (
        "to_bucket with a prefix of a wrong type",
        lambda stack: {"data_capture": DataCapture.to_bucket(bucket_of(stack), cast(str, 5))},
        ["data_capture.prefix: 5 is not a str"],
    ),
    (
        "from_s3_prefix(5)",
        lambda _: {"containers": one(model_data=ModelData.from_s3_prefix(cast(Any, 5)))},
        ["containers[0].model_data: 5 is not a str (a model data URL)"],
    ),
    (
        "from_bucket(bucket, 5)",
        lambda stack: {
            "containers": one(model_data=ModelData.from_bucket(bucket_of(stack), cast(str, 5)))
        },
        ["containers[0].model_data: 5 is not a str (an object key)"],
    ),
    (
        "from_bucket_prefix(bucket, 5)",
        lambda stack: {
            "containers": one(
                model_data=ModelData.from_bucket_prefix(bucket_of(stack), cast(str, 5))
            )
        },
        ["containers[0].model_data: 5 is not a str (a key prefix)"],
    ),
    (
        "from_bucket of a bucket name",
        lambda _: {
            "containers": one(model_data=ModelData.from_bucket(cast(Any, "models"), "m.tar.gz"))
        },
        ["containers[0].model_data.bucket: 'models' is not an s3.IBucket"],
    ),
    (
        "from_bucket_prefix(None, ...)",
        lambda _: {
            "containers": one(model_data=ModelData.from_bucket_prefix(cast(Any, None), "m/"))
        },
        ["containers[0].model_data.bucket: None is not an s3.IBucket"],
    ),
    (
        "from_ecr_repository of a repository name, and a tag of a wrong type",
        lambda _: {
            "containers": one(
                image=ContainerImage.from_ecr_repository(cast(Any, "r"), cast(str, 5))
            )
        },
        [
            "containers[0].image.repository: 'r' is not an ecr.IRepository",
            "containers[0].image.tag_or_digest: 5 is not a str",
        ],
    ),
    (
        "a credentials provider as an ARN",
        lambda stack: {
            "containers": one(
                image=ContainerImage.from_private_registry(
                    "registry.example.com/a:1", credentials_provider=cast(Any, PROVIDER_ARN)
                )
            ),
            "vpc": vpc_of(stack),
        },
        [f"containers[0].image.credentials_provider: {PROVIDER_ARN!r} is not a lambda.IFunction"],
    ),
    (
        "tags as a list",
        lambda _: {"tags": ["team"]},
        ["tags: ['team'] is not a mapping of str to str"],
    ),
    (
        "tags not of str",
        lambda _: {"tags": {1: "search", "cost-center": 42}},
        ["tags[1]: the key 1 is not a str", "tags['cost-center']: the value 42 is not a str"],
    ),
]


def bucket_of(stack: cdk.Stack) -> s3.IBucket:
    return s3.Bucket.from_bucket_name(stack, "Bucket", "models")


def vpc_of(stack: cdk.Stack) -> ec2.IVpc:
    return imported_vpc(stack, availability_zones=["us-east-1a"], private_subnet_ids=["subnet-1"])


def test_a_container_definition_keeps_values_of_a_wrong_type() -> None:
    """The definition must not fail on them: the endpoint's validation names them."""
    definition = ContainerDefinition(
        image=cast(Any, 123),
        container_hostname=cast(Any, 5),
        model_data=cast(Any, "s3://models/m.tar.gz"),
        environment=cast(Any, None),
        source_code=cast(Any, 7),
    )
    assert vars(definition) == {
        "image": 123,
        "model_package": None,
        "container_hostname": 5,
        "model_data": "s3://models/m.tar.gz",
        "environment": None,
        "source_code": 7,
    }


@pytest.mark.parametrize(
    ("options", "expected"),
    [(options, expected) for _, options, expected in TYPE_CASES],
    ids=[name for name, _, _ in TYPE_CASES],
)
def test_a_value_of_a_wrong_type_is_refused_naming_the_field(
    built: Built, options: Any, expected: list[str]
) -> None:
    stack = cdk.Stack(built.refusing_app, f"Types{len(built.refusing_app.node.children)}")
    settings = {"containers": [ContainerDefinition(image=IMAGE)], **options(stack)}
    error = built.refuse(stack, **settings)
    assert [str(problem) for problem in error.problems] == expected


def test_an_instance_type_of_is_written_as_given(built: Built) -> None:
    variant = built.properties("Of", "EndpointConfig")["ProductionVariants"][0]
    assert variant["InstanceType"] == "ml.c7i.large"
    # A type the list does not know: cfn-lint, whose list is botocore's, would flag it (E3030)
    # until it knows it too, so it is only resolved here.
    stack = cdk.Stack(built.refusing_app, "Newer")
    newer = MultiContainerEndpoint(
        stack,
        "Mce",
        containers=[ContainerDefinition(image=IMAGE)],
        instance_type=InstanceType.of("ml.m9.large"),
    )
    (variant,) = stack.resolve(newer.endpoint_config.production_variants)
    assert variant["instanceType"] == "ml.m9.large"


def warning_entries(construct: Construct) -> list[str]:
    return [entry.data for entry in construct.node.metadata if entry.type == "aws:cdk:warning"]


def test_warnings_are_on_the_endpoint_and_an_acknowledgement_removes_them(built: Built) -> None:
    stack = cdk.Stack(built.refusing_app, "Warned")
    options: dict[str, Any] = {
        "containers": [
            ContainerDefinition(image=f"{REGISTRY}/a:1", container_hostname="a"),
            ContainerDefinition(image=f"{REGISTRY}/b:1", container_hostname="b"),
        ],
        "mode": InvocationMode.DIRECT,
        "instance_type": "ml.g5.xlarge",
        "kms_key": kms.Key.from_key_arn(stack, "Key", STAND_INS["KmsKeyId"]),
    }
    warned = MultiContainerEndpoint(stack, "Warned", **options)
    assert warning_entries(warned) == [
        f"{gpu_direct('ml.g5.xlarge')} [ack: mce-constructs:gpuDirect]",
        f"{kms_instance_storage('ml.g5.xlarge')} [ack: mce-constructs:kmsInstanceStorage]",
    ]
    cdk.Annotations.of(warned).acknowledge_warning("mce-constructs:gpuDirect", "tested")
    assert warning_entries(warned) == [
        f"{kms_instance_storage('ml.g5.xlarge')} [ack: mce-constructs:kmsInstanceStorage]"
    ]
    # Acknowledged before, on a construct above it: never added.
    cdk.Annotations.of(stack).acknowledge_warning("mce-constructs:kmsInstanceStorage", "known")
    later = MultiContainerEndpoint(stack, "Later", **options)
    assert warning_entries(later) == [
        f"{gpu_direct('ml.g5.xlarge')} [ack: mce-constructs:gpuDirect]"
    ]


def test_images_and_model_data_in_another_region_than_the_stacks_are_refused(
    built: Built,
) -> None:
    regional = cdk.Stack(built.refusing_app, "Regional", env=cdk.Environment(region="eu-west-1"))
    containers = [
        ContainerDefinition(
            image=f"{REGISTRY}/a:1",
            model_data=ModelData.from_uri("https://models.s3.eu-west-1.amazonaws.com/a.tar.gz"),
        ),
        ContainerDefinition(
            image=REGISTRY.replace("us-east-1", "eu-west-1") + "/b:1",
            model_data=ModelData.from_uri("https://s3.us-west-2.amazonaws.com/models/b.tar.gz"),
        ),
        ContainerDefinition(
            image=REGISTRY.replace("us-east-1", "eu-west-1") + "/c:1",
            model_data=ModelData.from_uri("s3://models/c.tar.gz"),  # names no region
        ),
    ]
    error = built.refuse(regional, containers=containers)
    assert [str(problem) for problem in error.problems] == [
        f"containers[0].image: '{REGISTRY}/a:1' is in us-east-1, but the stack deploys to "
        "eu-west-1; SageMaker pulls an ECR image only from the model's region (copy it there, "
        "e.g. with ECR replication)",
        "containers[1].model_data: 'https://s3.us-west-2.amazonaws.com/models/b.tar.gz' is in "
        "us-west-2, but the stack deploys to eu-west-1; SageMaker reads model artifacts only "
        "from a bucket in the model's region",
    ]
    # An environment-agnostic stack deploys anywhere: nothing to compare with.
    agnostic = cdk.Stack(built.refusing_app, "Agnostic")
    MultiContainerEndpoint(agnostic, "Mce", containers=containers)


def test_token_values_are_skipped_and_the_template_keeps_them(built: Built) -> None:
    model = built.properties("Tokens", "Model")
    assert [container["ContainerHostname"] for container in model["Containers"]] == [
        {"Ref": "Hostname"},
        {"Ref": "Hostname"},
    ]
    assert model["Containers"][0]["Image"] == f"{REGISTRY}/lazy:1"
    assert model["Containers"][0]["Environment"] == {"REGION": {"Ref": "AWS::Region"}}
    variant = built.properties("Tokens", "EndpointConfig")["ProductionVariants"][0]
    assert (variant["InstanceType"], variant["InitialInstanceCount"]) == (
        {"Ref": "InstanceType"},
        {"Ref": "Count"},
    )
    assert built.properties("Tokens", "Endpoint")["EndpointName"] == {"Ref": "Name"}


def test_the_valid_configurations_pass_cfn_lint(built: Built) -> None:
    assert_lint_clean(built.template)


def operation_parameters(built: Built, name: str) -> dict[str, dict[str, Any]]:
    """CreateModel's and CreateEndpointConfig's parameters for a synthesized endpoint."""
    return {
        "CreateModel": api_parameters(built.properties(name, "Model")),
        "CreateEndpointConfig": api_parameters(built.properties(name, "EndpointConfig")),
    }


@pytest.mark.parametrize("name", Built.VALID)
def test_valid_configurations_pass_botocore_parameter_validation(built: Built, name: str) -> None:
    parameters = operation_parameters(built, name)
    for operation, operation_parameters_ in parameters.items():
        botocore_validate(operation, operation_parameters_)
    model, config = parameters["CreateModel"], parameters["CreateEndpointConfig"]
    assert "Containers" in model
    assert "PrimaryContainer" not in model
    assert config["ProductionVariants"][0]["ModelName"] == STAND_INS["ModelName"]


def test_configurations_with_the_stand_ins_are_what_was_configured(built: Built) -> None:
    """The stand-ins replace only intrinsics: the rest is the template as written."""
    parameters = operation_parameters(built, "Vpc")["CreateModel"]
    assert parameters["ExecutionRoleArn"] == ROLE_ARN
    assert parameters["VpcConfig"] == {
        "SecurityGroupIds": [STAND_INS["SecurityGroupIds"]],
        "Subnets": SUBNET_IDS,
    }
    assert parameters["EnableNetworkIsolation"] is True
    kms_config = operation_parameters(built, "Kms")["CreateEndpointConfig"]
    assert kms_config["KmsKeyId"] == STAND_INS["KmsKeyId"]


@pytest.mark.parametrize(
    ("operation", "change", "refused", "botocore_says"),
    [
        (
            "CreateEndpointConfig",
            lambda parameters: parameters["ProductionVariants"][0].update(InitialInstanceCount=0),
            lambda: check_variant(VariantSettings(name="A", initial_instance_count=0), ROOT),
            "InitialInstanceCount, value: 0, valid min value: 1",
        ),
        (
            "CreateModel",
            lambda parameters: parameters["VpcConfig"].update(Subnets=[]),
            lambda: check_vpc(NetworkSettings(security_group_count=1, subnet_count=0), ROOT),
            "Subnets, value: 0, valid min length: 1",
        ),
    ],
)
def test_botocore_also_rejects_what_the_construct_refuses(
    built: Built, operation: str, change: Any, refused: Any, botocore_says: str
) -> None:
    parameters = copy.deepcopy(operation_parameters(built, "Vpc")[operation])
    botocore_validate(operation, parameters)
    change(parameters)
    with pytest.raises(ParamValidationError, match=botocore_says):
        botocore_validate(operation, parameters)
    (line,) = lines(refused())
    assert line.startswith(("initial_instance_count: 0 ", "vpc_subnets: 0 "))


# The construct: the problems of every variant and of the endpoint in one error.


def refuse(**options: Any) -> list[str]:
    stack = new_stack("Refused")
    with pytest.raises(MceValidationError) as caught:
        MultiContainerEndpoint(stack, "Mce", **options)
    assert stack.node.find_child("Mce").node.children == []
    return [str(problem) for problem in caught.value.problems]


def test_problems_of_each_variant_name_it_and_the_endpoints_follow() -> None:
    hostless = (ContainerDefinition(image=IMAGE), ContainerDefinition(image="my image"))
    assert refuse(
        endpoint_name="my_endpoint",
        variants=(
            variant("blue", containers=hostless, mode=InvocationMode.DIRECT),
            variant("green", instance_type="ml.m5.larg", initial_instance_count=0),
            variant("bad name", volume_size=cdk.Size.gibibytes(0)),
        ),
    ) == [
        "variants[0] ('blue').containers[0].container_hostname: required in Direct mode (each "
        "request names its container by hostname)",
        "variants[0] ('blue').containers[1].container_hostname: required in Direct mode (each "
        "request names its container by hostname)",
        "variants[0] ('blue').containers[1].image: 'my image' is not a valid image URI: 1 to 255 "
        "characters, no whitespace",
        "variants[1] ('green').instance_type: 'ml.m5.larg' is not an instance type of SageMaker "
        "endpoints (ProductionVariantInstanceType in the SageMaker API); did you mean "
        "'ml.m5.large', 'ml.m5d.large', 'ml.m5.xlarge'? (a type newer than this list: "
        "InstanceType.of('ml.m5.larg'))",
        "variants[1] ('green').initial_instance_count: 0 is not allowed: a whole number, at "
        "least 1",
        "variants[2] ('bad name').name: 'bad name' is not a valid variant name: 1 to 63 letters, "
        "digits and hyphens, starting and ending with a letter or digit",
        "variants[2] ('bad name').volume_size: 0 GiB given; 1 to 512 GiB allowed",
        "endpoint_name: 'my_endpoint' is not a valid endpoint name: 1 to 63 letters, digits and "
        "hyphens, starting and ending with a letter or digit",
    ]


def test_no_variant_at_all_is_refused_with_the_endpoints_own_problems() -> None:
    assert refuse(variants=(), endpoint_name="my_endpoint") == [
        "endpoint_name: 'my_endpoint' is not a valid endpoint name: 1 to 63 letters, digits and "
        "hyphens, starting and ending with a letter or digit",
        "variants: 0 variants given; an endpoint has 1 to 10 production variants",
    ]


def test_a_variant_that_is_not_a_variant_definition_is_refused() -> None:
    assert refuse(variants=(variant("a"), "b")) == ["variants[1]: 'b' is not a VariantDefinition"]


def test_variants_with_single_variant_options_are_refused_naming_each() -> None:
    assert refuse(
        variants=[variant("blue")],
        containers=one(),
        mode=InvocationMode.SERIAL,
        instance_type="ml.m5.large",
        initial_instance_count=1,
        variant_name="AllTraffic",
        volume_size=cdk.Size.gibibytes(30),
        model_data_download_timeout=cdk.Duration.minutes(5),
        container_startup_health_check_timeout=cdk.Duration.minutes(5),
        routing_strategy=RoutingStrategy.RANDOM,
        enable_ssm_access=False,
    ) == [
        "variants: given together with containers, mode, instance_type, initial_instance_count, "
        "variant_name, volume_size, model_data_download_timeout, "
        "container_startup_health_check_timeout, routing_strategy, enable_ssm_access, options "
        "of the single-variant form; set them on each VariantDefinition instead"
    ]


def test_neither_containers_nor_variants_is_refused() -> None:
    assert refuse() == ["containers: 0 containers given; a multi-container endpoint has 1 to 15"]


def test_a_private_registry_image_without_a_vpc_is_refused_by_the_construct() -> None:
    image = ContainerImage.from_private_registry("docker.io/library/nginx:1.27")
    assert refuse(variants=[variant("blue", containers=[ContainerDefinition(image=image)])]) == [
        "variants[0] ('blue').containers[0].image: ContainerImage.from_private_registry pulls "
        "the image through the endpoint's VPC (ImageConfig RepositoryAccessMode Vpc); give vpc, "
        "with subnets that reach the registry"
    ]


def test_deployment_problems_join_the_other_problems_in_one_error(stack: cdk.Stack) -> None:
    routing = TrafficRouting.canary(size=CapacitySize.percent(60), wait=cdk.Duration.seconds(60))
    with pytest.raises(MceValidationError) as caught:
        MultiContainerEndpoint(
            stack,
            "Mce",
            containers=[],
            deployment=DeploymentConfig.blue_green(traffic_routing=routing),
        )
    assert str(caught.value) == (
        "TestStack/Mce: 2 problems in the multi-container endpoint:\n"
        "  - containers: 0 containers given; a multi-container endpoint has 1 to 15\n"
        "  - deployment.traffic_routing.size: 60% given; a canary is 1% to 50% of the "
        "variant's instances"
    )


# Each value would be refused if its token were taken for the value.
@pytest.mark.parametrize(
    "options",
    [
        {"containers": one(container_hostname=string_token()), "mode": InvocationMode.DIRECT},
        {"containers": one(model_data=ModelData.from_uri(cdk.Lazy.string(Produce("x"))))},
        {"containers": one(environment={"KEY": cdk.Token.as_number(cdk.Fn.ref("Param"))})},
        {"containers": one(), "endpoint_name": cdk.Lazy.string(Produce("not_valid"))},
        {"containers": one(), "variant_name": string_token()},
        {"containers": one(), "instance_type": string_token()},
        {"containers": one(), "initial_instance_count": cdk.Token.as_number(cdk.Fn.ref("N"))},
    ],
)
def test_values_known_only_at_deploy_time_are_skipped(options: dict[str, Any]) -> None:
    MultiContainerEndpoint(new_stack("Tokens"), "Mce", **options)


def test_no_message_shows_a_memory_address() -> None:
    stack = new_stack("Objects")
    with pytest.raises(MceValidationError) as caught:
        MultiContainerEndpoint(
            stack,
            "Mce",
            variants=cast(
                Any, [object(), variant("a", volume_size=object(), routing_strategy=object())]
            ),
            data_capture=capture_to(sampling_percentage=object()),
            deployment=cast(Any, object()),
        )
    assert " at 0x" not in str(caught.value)
    assert str(caught.value).count("<object>") == 5


# Issue 23: names that differ only in case; sizes of a deployment against a fleet.


def test_two_endpoints_of_a_stack_whose_names_differ_only_in_case_are_refused() -> None:
    """CreateEndpoint: "The name is case-insensitive in CreateEndpoint"."""
    app = cdk.App()
    stack = cdk.Stack(app, "Names")
    MultiContainerEndpoint(stack, "First", containers=one(), endpoint_name="Fraud")
    MultiContainerEndpoint(stack, "Other", containers=one(), endpoint_name="search")
    with pytest.raises(MceValidationError) as caught:
        MultiContainerEndpoint(stack, "Second", containers=one(), endpoint_name="fraud")
    assert str(caught.value).splitlines() == [
        "Names/Second: 1 problem in the multi-container endpoint:",
        "  - endpoint_name: 'fraud' is already the name of Names/First (in any case: "
        "CreateEndpoint compares endpoint names case-insensitively); give each endpoint a name "
        "of its own",
    ]
    # Another stack, generated names and tokens are not compared.
    MultiContainerEndpoint(
        cdk.Stack(app, "Elsewhere"), "E", containers=one(), endpoint_name="fraud"
    )
    MultiContainerEndpoint(stack, "Generated", containers=one())
    MultiContainerEndpoint(stack, "Generated2", containers=one())
    MultiContainerEndpoint(stack, "Token", containers=one(), endpoint_name=string_token())
    MultiContainerEndpoint(stack, "Token2", containers=one(), endpoint_name=string_token())


def canary_of(size: CapacitySize) -> DeploymentConfig:
    routing = TrafficRouting.canary(size=size, wait=cdk.Duration.minutes(5))
    return DeploymentConfig.blue_green(traffic_routing=routing)


def test_a_size_in_instances_above_half_of_an_unscaled_fleet_fails_synthesis() -> None:
    app = cdk.App()
    endpoint = MultiContainerEndpoint(
        cdk.Stack(app, "Fleet"),
        "Mce",
        containers=one(),
        initial_instance_count=3,
        deployment=canary_of(CapacitySize.instances(2)),
    )
    with pytest.raises(RuntimeError) as caught:
        app.synth()
    assert (
        "[Fleet/Mce] Fleet/Mce: 1 problem in the multi-container endpoint:\n"
        "  - deployment.traffic_routing.size: 2 instances given, but the variant has 3; a canary "
        "is at most half of the variant's instances"
    ) in str(caught.value)
    assert endpoint.variant_name == "AllTraffic"


@pytest.mark.parametrize(
    ("count", "size", "scaled"),
    [(4, 2, False), (3, 2, True), (1, 1, True), (3, 50, False)],
)
def test_a_size_within_half_of_the_fleet_or_of_an_autoscaled_one_synthesizes(
    count: int, size: int, scaled: bool
) -> None:
    app = cdk.App()
    capacity = CapacitySize.percent(size) if size == 50 else CapacitySize.instances(size)
    endpoint = MultiContainerEndpoint(
        cdk.Stack(app, "Fleet"),
        "Mce",
        containers=one(),
        initial_instance_count=count,
        deployment=DeploymentConfig.rolling(batch_size=capacity, wait=cdk.Duration.minutes(1)),
    )
    if scaled:
        endpoint.auto_scale_instance_count(max_capacity=8)
    assert app.synth(skip_validation=False).get_stack_by_name("Fleet").template


def test_inf1_with_a_deployment_is_a_warning_on_the_endpoint() -> None:
    stack = cdk.Stack(cdk.App(), "Inf1")
    endpoint = MultiContainerEndpoint(
        stack,
        "Mce",
        containers=one(),
        instance_type="ml.inf1.xlarge",
        deployment=canary_of(CapacitySize.percent(10)),
    )
    warned = [
        entry.data
        for entry in endpoint.node.metadata
        if entry.type == "aws:cdk:warning" and "inf1Deployment" in str(entry.data)
    ]
    assert len(warned) == 1
