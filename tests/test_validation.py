"""Every service rule, both ways: pure rules without an App, then the construct end to end."""

from __future__ import annotations

import copy
import io
import re
import tarfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import jsii
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_kms as kms
from botocore.exceptions import ParamValidationError

from mce_constructs import (
    ContainerDefinition,
    ContainerImage,
    InvocationMode,
    MceValidationError,
    ModelData,
    MultiContainerEndpoint,
)
from mce_constructs._instance_types import INSTANCE_TYPES
from mce_constructs._tokens import known_length
from mce_constructs._validation import CPU_INSTANCE_TYPE, EndpointSpec, validate

from ._service_model import ROLE_ARN, STAND_INS, api_parameters, botocore_validate
from .conftest import REGISTRY, REPO, Template, assert_lint_clean

IMAGE = f"{REGISTRY}/img:1"
BASE = EndpointSpec(
    containers=(ContainerDefinition(image=IMAGE),),
    mode=InvocationMode.SERIAL,
    instance_type="ml.m5.large",
    initial_instance_count=1,
    variant_name="AllTraffic",
)


def lines(**changes: Any) -> list[str]:
    """The problem lines of BASE with `changes`."""
    return [str(problem) for problem in validate(replace(BASE, **changes))]


def with_hostnames(*hostnames: str | None) -> tuple[ContainerDefinition, ...]:
    return tuple(
        ContainerDefinition(image=f"{REGISTRY}/img{index}:1", container_hostname=hostname)
        for index, hostname in enumerate(hostnames)
    )


def one(**fields: Any) -> tuple[ContainerDefinition]:
    """A single container with `fields` (and an image unless given)."""
    return (ContainerDefinition(**{"image": IMAGE, **fields}),)


NAME_RULE = "1 to 63 letters, digits and hyphens, starting and ending with a letter or digit"
CPU_ONLY = (
    "is an accelerated (GPU, Inferentia, Trainium or Gaudi) instance type; multi-container "
    "endpoints run on CPU instances only (the ml.t, ml.m, ml.c and ml.r families)"
)

# One refused example per rule, with the exact line a user sees. The table in docs/refusals.md
# shows these same lines (test_docs_show_every_example).
EXAMPLES: list[tuple[dict[str, Any], str]] = [
    (
        {"containers": with_hostnames(*[None] * 16)},
        "containers: 16 containers given; a multi-container endpoint has 1 to 15",
    ),
    (
        {"mode": "Direct"},
        "mode: 'Direct' is not an InvocationMode; use InvocationMode.SERIAL or "
        "InvocationMode.DIRECT",
    ),
    (
        {"containers": with_hostnames("a", None), "mode": InvocationMode.DIRECT},
        "containers[1].container_hostname: required in Direct mode (each request names its "
        "container by hostname)",
    ),
    (
        {"containers": with_hostnames("a", "b", None)},
        "containers[2].container_hostname: missing; in Serial mode give a hostname to all "
        "containers or to none",
    ),
    (
        {"containers": with_hostnames("a_b")},
        f"containers[0] ('a_b').container_hostname: 'a_b' is not a valid hostname: {NAME_RULE}",
    ),
    (
        {"containers": with_hostnames("first", "FIRST")},
        "containers[1] ('FIRST').container_hostname: 'FIRST' is already used by containers[0] "
        "(hostnames are compared case-insensitively)",
    ),
    (
        {"containers": one(image="my image:1")},
        "containers[0].image: 'my image:1' is not a valid image URI: 1 to 255 characters, "
        "no whitespace",
    ),
    (
        {"containers": one(model_data=ModelData.from_uri("ftp://host/model.tar.gz"))},
        "containers[0].model_data: 'ftp://host/model.tar.gz' is not a valid model data URL: "
        "s3://<bucket>/<key> or https://<host>/<path>, at most 1024 characters",
    ),
    (
        {"containers": one(model_data=ModelData.from_asset("model.zip"))},
        "containers[0].model_data: ModelData.from_asset('model.zip'): model artifacts are an "
        "existing .tar.gz file",
    ),
    (
        {"containers": one(environment={f"K{index}": "v" for index in range(101)})},
        "containers[0].environment: 101 variables; at most 100 per container",
    ),
    (
        {"containers": one(environment={"1ST-KEY": "v"})},
        "containers[0].environment['1ST-KEY']: not a valid variable name: letters, digits and "
        "underscores, not starting with a digit, at most 1024 characters",
    ),
    (
        {"containers": one(environment={"KEY": "v" * 1025})},
        "containers[0].environment['KEY']: the value is 1025 bytes; at most 1024 bytes (UTF-8)",
    ),
    (
        {"containers": one(environment={"WORKERS": 2})},
        "containers[0].environment['WORKERS']: the value 2 is not a str",
    ),
    (
        {
            "containers": tuple(
                ContainerDefinition(
                    image=IMAGE, environment={f"K{key:02}": "v" * 1021 for key in range(16)}
                )
                for _ in range(2)
            )
            + one(environment={"K": ""})
        },
        "containers[*].environment: 32769 bytes of names and values in all containers "
        "together; at most 32768 (32 KB)",
    ),
    (
        {"endpoint_name": "my_endpoint"},
        f"endpoint_name: 'my_endpoint' is not a valid endpoint name: {NAME_RULE}",
    ),
    (
        {"variant_name": "all traffic"},
        f"variant_name: 'all traffic' is not a valid variant name: {NAME_RULE}",
    ),
    (
        {"instance_type": "ml.m5.larg"},
        "instance_type: 'ml.m5.larg' is not an instance type of SageMaker endpoints "
        "(ProductionVariantInstanceType in the SageMaker API); did you mean 'ml.m5.large', "
        "'ml.m5d.large', 'ml.m5.xlarge'?",
    ),
    (
        {"initial_instance_count": 0},
        "initial_instance_count: 0 is not allowed: a whole number, at least 1",
    ),
    ({"instance_type": "ml.g5.xlarge"}, f"instance_type: 'ml.g5.xlarge' {CPU_ONLY}"),
    (
        {"instance_type": "ml.m5d.large", "has_kms_key": True},
        "kms_key: not allowed with 'ml.m5d.large': its storage is NVMe instance storage only, "
        "which the instance encrypts itself, and SageMaker refuses a KmsKeyId with it; drop "
        "kms_key or use an instance type without instance storage",
    ),
    (
        {"security_group_count": 6, "subnet_count": 1},
        "security_groups: 6 security groups; a model in a VPC has 1 to 5 security groups",
    ),
    (
        {"security_group_count": 1, "subnet_count": 17},
        "vpc_subnets: 17 subnets; a model in a VPC has 1 to 16 subnets",
    ),
    (
        {"vpc_options_without_vpc": ("security_groups",)},
        "security_groups: given without vpc; it applies only to a model in a VPC: give vpc too",
    ),
]


def test_the_base_spec_is_valid() -> None:
    assert lines() == []


@pytest.mark.parametrize(("changes", "line"), EXAMPLES, ids=[line for _, line in EXAMPLES])
def test_each_rule_refuses_with_its_message(changes: dict[str, Any], line: str) -> None:
    assert lines(**changes) == [line]


def test_docs_show_every_example() -> None:
    refusals = (REPO / "docs" / "refusals.md").read_text()
    section = refusals.split("## What it refuses", 1)[1].split("\n## ", 1)[0]
    shown = re.findall(r"^\| [^|]+ \| `(.+)` \|$", section, re.MULTILINE)
    assert shown == [line for _, line in EXAMPLES]


# Boundaries: the value at the limit is accepted, the one past it refused.


@pytest.mark.parametrize(("count", "accepted"), [(0, False), (1, True), (15, True), (16, False)])
def test_container_count(count: int, accepted: bool) -> None:
    assert (lines(containers=with_hostnames(*[None] * count)) == []) is accepted


@pytest.mark.parametrize("mode", [InvocationMode.SERIAL, InvocationMode.DIRECT])
def test_both_modes_are_accepted(mode: InvocationMode) -> None:
    assert lines(containers=with_hostnames("a", "b"), mode=mode) == []


@pytest.mark.parametrize("mode", ["Serial", None, 1])
def test_a_mode_that_is_not_an_invocation_mode_is_refused(mode: object) -> None:
    assert lines(mode=mode) == [
        f"mode: {mode!r} is not an InvocationMode; "
        "use InvocationMode.SERIAL or InvocationMode.DIRECT"
    ]


@pytest.mark.parametrize(
    ("name", "accepted"),
    [
        ("a", True),
        ("A-1", True),
        ("a--b", True),
        ("a" * 63, True),
        ("a" * 64, False),
        ("-".join("a" * 33), False),  # 65 characters that the pattern alone would accept
        ("", False),
        ("-a", False),
        ("a-", False),
        ("a.b", False),
        ("é", False),
    ],
)
def test_hostname_endpoint_and_variant_names(name: str, accepted: bool) -> None:
    assert (lines(containers=with_hostnames(name)) == []) is accepted
    assert (lines(endpoint_name=name) == []) is accepted
    assert (lines(variant_name=name) == []) is accepted


def test_serial_mode_accepts_hostnames_on_all_containers_or_none() -> None:
    assert lines(containers=with_hostnames("a", "b")) == []
    assert lines(containers=with_hostnames(None, None)) == []


def test_direct_mode_needs_a_hostname_on_every_container() -> None:
    assert [
        problem.split(":")[0]
        for problem in lines(containers=with_hostnames("a", None, None), mode=InvocationMode.DIRECT)
    ] == ["containers[1].container_hostname", "containers[2].container_hostname"]


@pytest.mark.parametrize(
    ("image", "accepted"),
    [("a" * 255, True), ("a" * 256, False), ("", False), ("a\tb", False), ("a\n", False)],
)
def test_image_uri(image: str, accepted: bool) -> None:
    assert (lines(containers=one(image=image)) == []) is accepted


@pytest.mark.parametrize(
    ("url", "accepted"),
    [
        ("s3://b/" + "k" * 1017, True),  # 1024 characters
        ("s3://b/" + "k" * 1018, False),
        ("https://example.com/model.tar.gz", True),
        ("s3://bucket", True),
        ("s3://", False),
        ("s3:///key", False),
        ("bucket/model.tar.gz", False),
        ("S3://bucket/model.tar.gz", False),
    ],
)
def test_model_data_url(url: str, accepted: bool) -> None:
    assert (lines(containers=one(model_data=ModelData.from_uri(url))) == []) is accepted


@pytest.mark.parametrize(
    ("name", "make", "accepted"),
    [
        ("model.tar.gz", Path.touch, True),
        ("model.tar.gz", Path.mkdir, False),
        ("model.tar.gz", None, False),
        ("model.zip", Path.touch, False),
    ],
)
def test_model_data_asset(tmp_path: Path, name: str, make: Any, accepted: bool) -> None:
    path = tmp_path / name
    if make is not None:
        make(path)
    refused = (
        f"containers[0].model_data: ModelData.from_asset({str(path)!r}): "
        "model artifacts are an existing .tar.gz file"
    )
    problems = lines(containers=one(model_data=ModelData.from_asset(str(path))))
    assert problems == ([] if accepted else [refused])


@pytest.mark.parametrize(("count", "accepted"), [(100, True), (101, False)])
def test_environment_entries_per_container(count: int, accepted: bool) -> None:
    environment = {f"K{index}": "v" for index in range(count)}
    assert (lines(containers=one(environment=environment)) == []) is accepted


@pytest.mark.parametrize(
    ("key", "accepted"),
    [
        ("_", True),
        ("a_B_1", True),
        ("K" * 1024, True),
        ("K" * 1025, False),
        ("", False),
        ("1A", False),
        ("A-B", False),
        ("A B", False),
        (1, False),
    ],
)
def test_environment_key(key: object, accepted: bool) -> None:
    assert (lines(containers=one(environment={key: "v"})) == []) is accepted


@pytest.mark.parametrize(
    ("value", "accepted"),
    [
        ("v" * 1024, True),
        ("v" * 1025, False),
        ("é" * 512, True),  # two bytes each in UTF-8: 1024 bytes
        ("é" * 513, False),
        ("", True),
        ("with spaces\nand lines", True),
    ],
)
def test_environment_value(value: str, accepted: bool) -> None:
    assert (lines(containers=one(environment={"KEY": value})) == []) is accepted


@pytest.mark.parametrize(
    ("last", "expected"),
    [
        ({}, []),
        (
            {"V": ""},
            [
                "containers[*].environment: 32769 bytes of names and values in all containers "
                "together; at most 32768 (32 KB)"
            ],
        ),
    ],
)
def test_environment_total_across_containers(last: dict[str, str], expected: list[str]) -> None:
    # 32 entries of a 3-byte name and a 1021-byte value: exactly 32768 bytes.
    full = {f"K{key:02}": "v" * 1021 for key in range(16)}
    containers = (
        ContainerDefinition(image=IMAGE, environment=full),
        ContainerDefinition(image=IMAGE, environment=full),
        ContainerDefinition(image=IMAGE, environment=last),
    )
    assert lines(containers=containers) == expected


@pytest.mark.parametrize(
    "instance_type", ["ml.t2.medium", "ml.m5.large", "ml.c7i.48xlarge", "ml.r8g.medium"]
)
def test_cpu_instance_types_are_accepted(instance_type: str) -> None:
    assert lines(instance_type=instance_type) == []


@pytest.mark.parametrize(
    "instance_type",
    ["ml.g4dn.xlarge", "ml.p4d.24xlarge", "ml.inf2.xlarge", "ml.trn1.2xlarge", "ml.dl1.24xlarge"],
)
def test_accelerated_instance_types_are_refused(instance_type: str) -> None:
    assert lines(instance_type=instance_type) == [f"instance_type: {instance_type!r} {CPU_ONLY}"]


def test_every_cpu_instance_type_of_the_service_is_accepted() -> None:
    cpu_types = [value for value in INSTANCE_TYPES if CPU_INSTANCE_TYPE.match(value)]
    assert len(cpu_types) > 100
    assert all(lines(instance_type=value) == [] for value in cpu_types)


@pytest.mark.parametrize("instance_type", ["m5.large", "ml.p3dn.24xlarge", "", "ML.M5.LARGE"])
def test_instance_types_outside_the_service_enum_are_refused(instance_type: str) -> None:
    problems = lines(instance_type=instance_type)
    assert len(problems) == 1
    assert problems[0].startswith(f"instance_type: {instance_type!r} is not an instance type")


@pytest.mark.parametrize(
    ("count", "accepted"), [(1, True), (40, True), (0, False), (-1, False), (1.5, False)]
)
def test_initial_instance_count(count: float, accepted: bool) -> None:
    assert (lines(initial_instance_count=count) == []) is accepted


def test_a_bool_is_not_an_instance_count() -> None:
    assert lines(initial_instance_count=True) == [
        "initial_instance_count: True is not allowed: a whole number, at least 1"
    ]


@pytest.mark.parametrize(
    ("instance_type", "has_kms_key", "accepted"),
    [
        ("ml.m5.large", True, True),
        ("ml.m5d.large", False, True),
        ("ml.m5d.large", True, False),
        ("ml.c5d.xlarge", True, False),
        ("ml.r6gd.large", True, False),
        ("ml.c6gn.large", True, True),
    ],
)
def test_kms_key_with_nvme_only_instance_storage(
    instance_type: str, has_kms_key: bool, accepted: bool
) -> None:
    problems = lines(instance_type=instance_type, has_kms_key=has_kms_key)
    assert (problems == []) is accepted


def test_an_accelerated_nvme_instance_with_a_key_breaks_both_rules() -> None:
    assert [
        line.split(":")[0] for line in lines(instance_type="ml.g4dn.xlarge", has_kms_key=True)
    ] == ["instance_type", "kms_key"]


@pytest.mark.parametrize(
    ("security_groups", "subnets", "accepted"),
    [
        (None, None, True),
        (1, 1, True),
        (5, 16, True),
        (0, 1, False),
        (6, 1, False),
        (1, 0, False),
        (1, 17, False),
    ],
)
def test_vpc_counts(security_groups: int | None, subnets: int | None, accepted: bool) -> None:
    problems = lines(security_group_count=security_groups, subnet_count=subnets)
    assert (problems == []) is accepted


def test_the_length_of_a_list_token_is_unknown() -> None:
    assert known_length(cdk.Token.as_list(cdk.Fn.ref("Subnets"))) is None
    assert known_length([cdk.Token.as_string(cdk.Fn.ref("A")), "subnet-1"]) == 2
    assert known_length([]) == 0


# Unresolved tokens are skipped, never guessed at.


@jsii.implements(cdk.IStableStringProducer)
class Produce:
    """What `Lazy.string` calls at synthesis to learn the value."""

    def __init__(self, value: str) -> None:
        self.value = value

    def produce(self) -> str:
        return self.value


def string_token() -> str:
    return cdk.Token.as_string(cdk.Fn.ref("Param"))


SAME_TOKEN = string_token()


# Each value would be refused if its token were taken for the value.
@pytest.mark.parametrize(
    "changes",
    [
        {"containers": with_hostnames(string_token()), "mode": InvocationMode.DIRECT},
        {"containers": with_hostnames(SAME_TOKEN, SAME_TOKEN)},
        {"containers": one(image=f"{REGISTRY}/{'a' * 255}:{string_token()}")},
        {"containers": one(model_data=ModelData.from_uri(cdk.Lazy.string(Produce("x"))))},
        {"containers": one(environment={"KEY": "v" * 1020 + string_token()})},
        {"containers": one(environment={string_token(): "v"})},
        {"containers": one(environment={"KEY": cdk.Token.as_number(cdk.Fn.ref("Param"))})},
        {"endpoint_name": cdk.Lazy.string(Produce("not_valid"))},
        {"variant_name": string_token()},
        {"instance_type": string_token(), "has_kms_key": True},
        {"initial_instance_count": cdk.Token.as_number(cdk.Fn.ref("Count"))},
    ],
)
def test_tokens_are_skipped(changes: dict[str, Any]) -> None:
    assert lines(**changes) == []


# The construct: checks run when it is created, every problem in one error.


def make_tarball(path: Path) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        payload = b"weights"
        info = tarfile.TarInfo("model.bin")
        info.size = len(payload)
        archive.addfile(info, io.BytesIO(payload))
    return path


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
                model_data=ModelData.from_uri("https://example.com/post.tar.gz"),
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
        vpc = ec2.Vpc.from_vpc_attributes(
            stack,
            "Network",
            vpc_id="vpc-0123456789abcdef0",
            availability_zones=["us-east-1a", "us-east-1b"],
            private_subnet_ids=["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
        )
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
                container_hostname="FIRST",
                model_data=ModelData.from_uri("ftp://host/m.tar.gz"),
            ),
            ContainerDefinition(image=f"{REGISTRY}/c:1"),
        ],
        mode=InvocationMode.DIRECT,
        instance_type="ml.g4dn.xlarge",
        initial_instance_count=0,
        endpoint_name="my_endpoint",
        kms_key=kms.Key.from_key_arn(stack, "Key", STAND_INS["KmsKeyId"]),
        vpc=ec2.Vpc.from_vpc_attributes(
            stack,
            "Vpc",
            vpc_id="vpc-1",
            availability_zones=["us-east-1a"],
            private_subnet_ids=[f"subnet-{index}" for index in range(17)],
        ),
        security_groups=[
            ec2.SecurityGroup.from_security_group_id(stack, f"Sg{index}", "sg-1")
            for index in range(6)
        ],
    )
    assert isinstance(error, ValueError)
    assert error.path == "Refused/Mce"
    assert str(error) == "\n".join(
        [
            "Refused/Mce: 11 problems in the multi-container endpoint:",
            "  - containers[2].container_hostname: required in Direct mode (each request names "
            "its container by hostname)",
            "  - containers[1] ('FIRST').container_hostname: 'FIRST' is already used by "
            "containers[0] (hostnames are compared case-insensitively)",
            "  - containers[0] ('first').image: 'my image' is not a valid image URI: 1 to 255 "
            "characters, no whitespace",
            "  - containers[1] ('FIRST').model_data: 'ftp://host/m.tar.gz' is not a valid model "
            "data URL: s3://<bucket>/<key> or https://<host>/<path>, at most 1024 characters",
            "  - containers[0] ('first').environment['1X']: not a valid variable name: letters, "
            "digits and underscores, not starting with a digit, at most 1024 characters",
            f"  - endpoint_name: 'my_endpoint' is not a valid endpoint name: {NAME_RULE}",
            "  - initial_instance_count: 0 is not allowed: a whole number, at least 1",
            f"  - instance_type: 'ml.g4dn.xlarge' {CPU_ONLY}",
            "  - kms_key: not allowed with 'ml.g4dn.xlarge': its storage is NVMe instance storage "
            "only, which the instance encrypts itself, and SageMaker refuses a KmsKeyId with it; "
            "drop kms_key or use an instance type without instance storage",
            "  - security_groups: 6 security groups; a model in a VPC has 1 to 5 security groups",
            "  - vpc_subnets: 17 subnets; a model in a VPC has 1 to 16 subnets",
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
    assert config["ProductionVariants"][0]["ModelName"] == model["ModelName"]


def test_configurations_with_the_stand_ins_are_what_was_configured(built: Built) -> None:
    """The stand-ins replace only intrinsics: the rest is the template as written."""
    parameters = operation_parameters(built, "Vpc")["CreateModel"]
    assert parameters["ExecutionRoleArn"] == ROLE_ARN
    assert parameters["VpcConfig"] == {
        "SecurityGroupIds": [STAND_INS["SecurityGroupIds"]],
        "Subnets": ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
    }
    assert parameters["EnableNetworkIsolation"] is True
    kms_config = operation_parameters(built, "Kms")["CreateEndpointConfig"]
    assert kms_config["KmsKeyId"] == STAND_INS["KmsKeyId"]


@pytest.mark.parametrize(
    ("operation", "change", "spec_changes", "botocore_says"),
    [
        (
            "CreateEndpointConfig",
            lambda parameters: parameters["ProductionVariants"][0].update(InitialInstanceCount=0),
            {"initial_instance_count": 0},
            "InitialInstanceCount, value: 0, valid min value: 1",
        ),
        (
            "CreateModel",
            lambda parameters: parameters["VpcConfig"].update(Subnets=[]),
            {"security_group_count": 1, "subnet_count": 0},
            "Subnets, value: 0, valid min length: 1",
        ),
    ],
)
def test_botocore_also_rejects_what_the_construct_refuses(
    built: Built,
    operation: str,
    change: Any,
    spec_changes: dict[str, Any],
    botocore_says: str,
) -> None:
    parameters = copy.deepcopy(operation_parameters(built, "Vpc")[operation])
    botocore_validate(operation, parameters)
    change(parameters)
    with pytest.raises(ParamValidationError, match=botocore_says):
        botocore_validate(operation, parameters)
    (refused,) = lines(**spec_changes)
    assert refused.startswith(("initial_instance_count: 0 ", "vpc_subnets: 0 "))
