"""Every service rule, both ways: pure rules without an App, then the construct end to end."""

from __future__ import annotations

import copy
import io
import itertools
import re
import tarfile
from dataclasses import replace
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
    TrafficRouting,
    VariantDefinition,
)
from mce_constructs._instance_types import INSTANCE_TYPES
from mce_constructs._tokens import known_length
from mce_constructs._validation import (
    CAPTURE_DIRECT_WARNING_ID,
    ENDPOINT_RULES,
    GPU_INSTANCE_TYPE,
    ROLLING_VARIANTS_WARNING_ID,
    EndpointSpec,
    check_capacity_range,
    check_container_hostname,
    check_container_in_variants,
    check_one_variant_to_scale,
    check_role_account,
    check_scalable_instance_type,
    check_target_value,
    check_variant_exists,
    validate,
)
from mce_constructs.scaling import (
    SCALED_CAPTURE_WARNING,
    instance_type_warning,
    unscaled_variants_warning,
)

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


def lines(**changes: Any) -> list[str]:
    """The problem lines (errors and warnings) of BASE with `changes`."""
    return [str(problem) for problem in validate(replace(BASE, **changes))]


def errors(**changes: Any) -> list[str]:
    """The error lines of BASE with `changes` (warnings left out)."""
    problems = validate(replace(BASE, **changes))
    return [str(problem) for problem in problems if problem.warning_id is None]


def warnings(**changes: Any) -> dict[str, str]:
    """Warning id -> line, for BASE with `changes`."""
    problems = validate(replace(BASE, **changes))
    return {problem.warning_id: str(problem) for problem in problems if problem.warning_id}


def with_hostnames(*hostnames: str | None) -> tuple[ContainerDefinition, ...]:
    return tuple(
        ContainerDefinition(image=f"{REGISTRY}/img{index}:1", container_hostname=hostname)
        for index, hostname in enumerate(hostnames)
    )


def one(**fields: Any) -> tuple[ContainerDefinition]:
    """A single container with `fields` (and an image unless given)."""
    return (ContainerDefinition(**{"image": IMAGE, **fields}),)


def variant(name: str, **fields: Any) -> VariantDefinition:
    """A variant of one container (`IMAGE`) with `fields`."""
    return VariantDefinition(
        **{"name": name, "containers": (ContainerDefinition(image=IMAGE),), **fields}
    )


def capture_to(**options: Any) -> DataCapture:
    return DataCapture.to_uri("s3://capture/fraud", **options)


PROVIDER_ARN = STAND_INS["RepositoryCredentialsProviderArn"]
NAME_RULE = "1 to 63 letters, digits and hyphens, starting and ending with a letter or digit"
TAG_CHARACTERS = "letters, digits, spaces and _ . : / = + - @ are allowed"


def not_in_ecr(uri: str) -> str:
    return (
        f"{uri!r} is not in Amazon ECR, and SageMaker pulls from another registry only through "
        f"the model's VPC: use ContainerImage.from_private_registry({uri!r}) with vpc"
    )


def unknown_instance_type(value: str, hint: str) -> str:
    return (
        f"instance_type: {value!r} is not an instance type of SageMaker endpoints "
        f"(ProductionVariantInstanceType in the SageMaker API){hint} "
        f"(a type newer than this list: InstanceType.of({value!r}))"
    )


def gpu_direct(instance_type: str) -> str:
    return (
        f"instance_type: {instance_type!r} is a GPU instance type; the SageMaker Developer Guide "
        "documents GPU instances for multi-container endpoints invoked as a Serial pipeline, not "
        "in Direct mode, so SageMaker may refuse it"
    )


def inf1(instance_type: str) -> str:
    return (
        f"instance_type: {instance_type!r} is an Inferentia (ml.inf1) instance type; the "
        "SageMaker Developer Guide does not document it for multi-container endpoints, so "
        "SageMaker may refuse it"
    )


def kms_instance_storage(instance_type: str) -> str:
    return (
        f"kms_key: {instance_type!r} stores data on NVMe instance storage, which the key does "
        "not encrypt (the instance encrypts it with a hardware module of its own)"
    )


@pytest.fixture(autouse=True)
def in_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Relative paths in the examples are read in a directory with a `serve` build context
    that has no Dockerfile (and nothing else)."""
    (tmp_path / "serve").mkdir()
    monkeypatch.chdir(tmp_path)


WEST = f"{REGISTRY.replace('us-east-1', 'us-west-2')}/img:1"

# One refused example per rule, with the exact line a user sees. The table in docs/refusals.md
# shows these same lines (test_docs_show_every_example).
NO_PUBLIC_SUBNETS = "There are no 'Public' subnet groups in this VPC. Available types: Isolated"
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
    ({"containers": one(image="nginx:1.27")}, f"containers[0].image: {not_in_ecr('nginx:1.27')}"),
    (
        {"containers": one(image=ContainerImage.from_asset("images/serve"))},
        "containers[0].image: ContainerImage.from_asset('images/serve'): no such directory",
    ),
    (
        {"containers": one(image=ContainerImage.from_asset("serve"))},
        "containers[0].image: ContainerImage.from_asset('serve'): no Dockerfile 'Dockerfile' in "
        "the directory",
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
        {"containers": one(model_data=ModelData.from_uri("s3://bucket/"))},
        "containers[0].model_data: 's3://bucket/' names a bucket, not an object; model data is "
        "one .tar.gz object (s3://<bucket>/<key>)",
    ),
    (
        {"containers": one(image=WEST), "region": "us-east-1"},
        f"containers[0].image: {WEST!r} is in us-west-2, but the stack deploys to us-east-1; "
        "SageMaker pulls an ECR image only from the model's region (copy it there, e.g. with ECR "
        "replication)",
    ),
    (
        {
            "containers": one(
                model_data=ModelData.from_uri(
                    "https://models.s3.dualstack.us-west-2.amazonaws.com/m.tar.gz"
                )
            ),
            "region": "us-east-1",
        },
        "containers[0].model_data: 'https://models.s3.dualstack.us-west-2.amazonaws.com/m.tar.gz' "
        "is in us-west-2, but the stack deploys to us-east-1; SageMaker reads model artifacts "
        "only from a bucket in the model's region",
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
        "containers[0].environment['KEY']: the value is 1025 characters; at most 1024",
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
        unknown_instance_type(
            "ml.m5.larg", "; did you mean 'ml.m5.large', 'ml.m5d.large', 'ml.m5.xlarge'?"
        ),
    ),
    (
        {"instance_type": InstanceType.of("m5.large")},
        "instance_type: InstanceType.of('m5.large') is not the name of an instance type: "
        "ml.<family>.<size>, as in 'ml.m5.large'",
    ),
    (
        {"initial_instance_count": 0},
        "initial_instance_count: 0 is not allowed: a whole number, at least 1",
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
        {"security_group_count": 1, "subnet_selection_error": NO_PUBLIC_SUBNETS},
        f"vpc_subnets: selects no subnet of vpc: {NO_PUBLIC_SUBNETS}",
    ),
    (
        {"vpc_options_without_vpc": ("security_groups",)},
        "security_groups: given without vpc; it applies only to a model in a VPC: give vpc too",
    ),
    (
        {
            "deployment": DeploymentConfig.blue_green(
                traffic_routing=TrafficRouting.canary(
                    size=CapacitySize.percent(60), wait=cdk.Duration.minutes(5)
                )
            )
        },
        "deployment.traffic_routing.size: 60% given; a canary is 1% to 50% of the variant's "
        "instances",
    ),
    (
        {
            "deployment": DeploymentConfig.rolling(
                batch_size=CapacitySize.percent(60), wait=cdk.Duration.minutes(1)
            )
        },
        "deployment.batch_size: 60% given; a rolling batch is 5% to 50% of the variant's instances",
    ),
    (
        # The rule counts the alarms: stand-ins do.
        {"deployment": DeploymentConfig.blue_green(rollback_alarms=cast(Any, [None] * 11))},
        "deployment.rollback_alarms: 11 alarms given; auto-rollback watches 1 to 10 alarms",
    ),
    (
        {"tags": {f"k{index}": "v" for index in range(51)}},
        "tags: 51 tags; at most 50 per resource",
    ),
    (
        {"tags": {"aws:team": "search"}},
        "tags['aws:team']: the key starts with 'aws:', reserved for AWS",
    ),
    (
        {"tags": {"team": "s" * 257}},
        "tags['team']: the value is 257 characters; 0 to 256 allowed",
    ),
    (
        {"tags": {"cost#center": "42"}},
        f"tags['cost#center']: the key has characters that a tag does not allow ('#'); "
        f"{TAG_CHARACTERS}",
    ),
    ({"tags": {"team": 42}}, "tags['team']: the value 42 is not a str"),
    ({"objects": {"role": "my-role"}}, "role: 'my-role' is not an iam.IRole"),
    # Production options (issue 13).
    (
        {"variants": tuple(variant(f"v{index}") for index in range(11))},
        "variants: 11 variants given; an endpoint has 1 to 10 production variants",
    ),
    (
        {"variants": (variant("blue"), variant("blue"))},
        "variants[1] ('blue').name: 'blue' is already the name of variants[0]; variant names "
        "are unique",
    ),
    (
        {"variants": (variant("blue"),), "single_variant_options": ("instance_type",)},
        "variants: given together with instance_type, options of the single-variant form; set "
        "them on each VariantDefinition instead",
    ),
    (
        {"variants": (variant("blue", initial_weight=-1),)},
        "variants[0] ('blue').initial_weight: -1 is not allowed: a number, at least 0",
    ),
    (
        {"variants": (variant("blue", initial_weight=0), variant("green", initial_weight=0))},
        "variants: every initial_weight is 0; give at least one variant a weight above 0",
    ),
    (
        {"volume_size": cdk.Size.gibibytes(513)},
        "volume_size: 513 GiB given; 1 to 512 GiB allowed",
    ),
    (
        {"model_data_download_timeout": cdk.Duration.seconds(59)},
        "model_data_download_timeout: 59 seconds given; 60 to 3600 seconds allowed",
    ),
    (
        {"container_startup_health_check_timeout": cdk.Duration.hours(2)},
        "container_startup_health_check_timeout: 7200 seconds given; 60 to 3600 seconds allowed",
    ),
    (
        {"routing_strategy": "RANDOM"},
        "routing_strategy: 'RANDOM' is not a RoutingStrategy; use "
        "RoutingStrategy.LEAST_OUTSTANDING_REQUESTS or RoutingStrategy.RANDOM",
    ),
    (
        {
            "containers": (
                ContainerDefinition(
                    image=ContainerImage.from_private_registry("registry.example.com/a:1")
                ),
            )
        },
        "containers[0].image: ContainerImage.from_private_registry pulls the image through the "
        "endpoint's VPC (ImageConfig RepositoryAccessMode Vpc); give vpc, with subnets that "
        "reach the registry",
    ),
    (
        {
            "containers": one(
                image=ContainerImage.from_private_registry(
                    "registry.example.com/a:1", credentials_provider=cast(Any, PROVIDER_ARN)
                )
            ),
            "security_group_count": 1,
            "subnet_count": 1,
        },
        f"containers[0].image.credentials_provider: {PROVIDER_ARN!r} is not a lambda.IFunction",
    ),
    (
        {
            "containers": (
                ContainerDefinition(
                    image=IMAGE, model_data=ModelData.from_s3_prefix("s3://models/fraud")
                ),
            )
        },
        "containers[0].model_data: 's3://models/fraud' is not a key prefix of uncompressed model "
        "data: s3://<bucket>/<prefix>/, a prefix that ends with '/' (ModelDataSource S3Prefix)",
    ),
    (
        {"data_capture": DataCapture.to_uri("ftp://capture/fraud")},
        "data_capture: 'ftp://capture/fraud' is not a valid capture destination: "
        "s3://<bucket>/<prefix>, at most 512 characters",
    ),
    (
        {"data_capture": capture_to(sampling_percentage=101)},
        "data_capture.sampling_percentage: 101 given; a whole number from 0 to 100",
    ),
    (
        {"data_capture": capture_to(capture_input=False, capture_output=False)},
        "data_capture: capture_input and capture_output are both off; capture at least one of them",
    ),
    (
        {"data_capture": capture_to(json_content_types=["application json"])},
        "data_capture.json_content_types: 'application json' is not a content type such as "
        "'text/csv'",
    ),
    (
        {"data_capture": capture_to(csv_content_types=[f"text/csv{index}" for index in range(11)])},
        "data_capture.csv_content_types: 11 content types given; at most 10",
    ),
    (
        {
            "containers": (
                ContainerDefinition(
                    image=IMAGE,
                    source_code=ModelData.from_uri("s3://code/sourcedir.tar.gz"),
                    environment={"SAGEMAKER_SUBMIT_DIRECTORY": "s3://other/sourcedir.tar.gz"},
                ),
            )
        },
        "containers[0].source_code: sets SAGEMAKER_SUBMIT_DIRECTORY, which environment sets too; "
        "give one of them",
    ),
    (
        {
            "containers": (
                ContainerDefinition(
                    image=IMAGE, source_code=ModelData.from_s3_prefix("s3://code/fraud/")
                ),
            )
        },
        "containers[0].source_code: a key prefix; the code is one archive (sourcedir.tar.gz)",
    ),
]

# One warning per rule that warns: (settings, warning id, line). docs/refusals.md lists them.
WARNING_EXAMPLES: list[tuple[dict[str, Any], str, str]] = [
    (
        {
            "containers": with_hostnames("a", "b"),
            "mode": InvocationMode.DIRECT,
            "instance_type": "ml.g5.xlarge",
        },
        "mce-constructs:gpuDirect",
        gpu_direct("ml.g5.xlarge"),
    ),
    ({"instance_type": "ml.inf1.xlarge"}, "mce-constructs:inf1", inf1("ml.inf1.xlarge")),
    (
        {"instance_type": "ml.m5d.large", "has_kms_key": True},
        "mce-constructs:kmsInstanceStorage",
        kms_instance_storage("ml.m5d.large"),
    ),
    (
        {"instance_type": InstanceType.of("ml.m5.larg")},
        "mce-constructs:unlistedInstanceType",
        "instance_type: InstanceType.of('ml.m5.larg') is not in this library's list of SageMaker "
        "endpoint instance types; did you mean 'ml.m5.large', 'ml.m5d.large', 'ml.m5.xlarge'? (A "
        "type newer than the list is right here: acknowledge this warning.)",
    ),
    (
        {
            "containers": (ContainerDefinition(image=IMAGE, container_hostname="a"),),
            "mode": InvocationMode.DIRECT,
            "data_capture": capture_to(),
        },
        CAPTURE_DIRECT_WARNING_ID,
        "data_capture: variant 'AllTraffic' invokes its containers Directly; the SageMaker "
        "Developer Guide documents data capture for Serial inference pipelines (captured for "
        "the pipeline as a whole), not for Direct mode: check what it captures before you rely "
        "on it",
    ),
    (
        {
            "variants": (variant("blue"), variant("green")),
            "deployment": DeploymentConfig.rolling(
                batch_size=CapacitySize.percent(25), wait=cdk.Duration.minutes(1)
            ),
        },
        ROLLING_VARIANTS_WARNING_ID,
        "deployment: a rolling deployment on an endpoint with several production variants: the "
        "SageMaker Developer Guide lists multi-variant endpoints among the exclusions of rolling "
        "deployments, so SageMaker may not apply it as configured; use "
        "DeploymentConfig.blue_green(...) for an A/B endpoint",
    ),
    (
        {"tags": {"AWS:team": "search"}},
        "mce-constructs:reservedTagPrefix",
        "tags['AWS:team']: the key starts with 'AWS:': AWS's tagging rules reserve 'aws:' in "
        "any combination of upper and lower case, though SageMaker's own documents name only "
        "'aws:', so SageMaker may refuse it",
    ),
]


def test_the_base_spec_is_valid() -> None:
    assert lines() == []


@pytest.mark.parametrize(("changes", "line"), EXAMPLES, ids=[line for _, line in EXAMPLES])
def test_each_rule_refuses_with_its_message(changes: dict[str, Any], line: str) -> None:
    assert lines(**changes) == [line]


@pytest.mark.parametrize(
    ("changes", "warning_id", "line"),
    WARNING_EXAMPLES,
    ids=[warning_id for _, warning_id, _ in WARNING_EXAMPLES],
)
def test_each_warning_rule_warns_with_its_id_and_message(
    changes: dict[str, Any], warning_id: str, line: str
) -> None:
    assert lines(**changes) == [line]
    assert warnings(**changes) == {warning_id: line}


def test_every_endpoint_rule_has_an_example() -> None:
    """Each rule of ENDPOINT_RULES makes at least one of the documented lines."""
    examples = [*EXAMPLES, *((changes, line) for changes, _, line in WARNING_EXAMPLES)]
    covered = {
        rule
        for changes, line in examples
        for rule in ENDPOINT_RULES
        if line in [str(problem) for problem in rule(replace(BASE, **changes))]
    }
    assert [rule.__name__ for rule in ENDPOINT_RULES if rule not in covered] == []


TWINS = tuple(
    variant(name, containers=with_hostnames("scorer"), mode=InvocationMode.DIRECT)
    for name in ("blue", "green")
)
"""Two Direct-mode variants that both have a container "scorer"."""

# The rules of later calls (autoscaling, a container named in a grant or a metric).
CALL_EXAMPLES: list[tuple[Any, str]] = [
    (
        lambda: check_scalable_instance_type("ml.t2.medium"),
        "auto_scale_instance_count: the variant runs on 'ml.t2.medium', a burstable instance "
        "type, and SageMaker does not autoscale burstable (ml.t*) instances: choose another "
        "instance_type",
    ),
    (
        lambda: check_capacity_range(0, 4),
        "auto_scale_instance_count.min_capacity: 0 given; a variant keeps at least 1 instance",
    ),
    (
        lambda: check_capacity_range(3, 2),
        "auto_scale_instance_count.max_capacity: 2 given; at least min_capacity (3)",
    ),
    (
        lambda: check_target_value("scale_on_invocations.invocations_per_instance", 0),
        "scale_on_invocations.invocations_per_instance: 0 given; a scaling target is a positive "
        "number",
    ),
    (
        lambda: check_container_hostname(
            "model",
            where="grant_invoke.container_hostname",
            mode=InvocationMode.SERIAL,
            hostnames=("model",),
        ),
        "grant_invoke.container_hostname: 'model' names a container, but this endpoint is a "
        "Serial pipeline; only a Direct-mode endpoint invokes its containers by hostname",
    ),
    (
        lambda: check_container_hostname(
            "ranker-v2",
            where="metric.container_hostname",
            mode=InvocationMode.DIRECT,
            hostnames=("ranker", "embedder"),
        ),
        "metric.container_hostname: 'ranker-v2' is not a container of this endpoint ('ranker', "
        "'embedder')",
    ),
    # A/B endpoints (issue 13).
    (
        lambda: check_container_in_variants(
            "scorer",
            where="metric.container_hostname",
            variants=TWINS,
            one_variant=True,
        ),
        "metric.container_hostname: 'scorer' is a container of variants 'blue' and 'green'; "
        "name the variant with endpoint.variant(name)",
    ),
    (
        lambda: check_container_in_variants(
            "ranker-v2", where="grant_invoke.container_hostname", variants=TWINS, one_variant=False
        ),
        "grant_invoke.container_hostname: 'ranker-v2' is not a container of this endpoint's "
        "Direct-mode variants ('scorer')",
    ),
    (
        lambda: check_variant_exists("purple", ["blue", "green"]),
        "variant: 'purple' is not a production variant of this endpoint ('blue', 'green')",
    ),
    (
        lambda: check_one_variant_to_scale(["blue", "green"]),
        "auto_scale_instance_count: this endpoint has 2 production variants ('blue', 'green'); "
        "scale each one with endpoint.variant(name).auto_scale_instance_count(...)",
    ),
]


@pytest.mark.parametrize(("call", "line"), CALL_EXAMPLES, ids=[line for _, line in CALL_EXAMPLES])
def test_each_rule_of_a_later_call_refuses_with_its_message(call: Any, line: str) -> None:
    assert [str(problem) for problem in call()] == [line]


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


# The warnings made outside the endpoint's rules, with an example of each message.
OTHER_WARNINGS: list[tuple[str, str]] = [
    ("mce-constructs:scaledInstanceType", instance_type_warning("AllTraffic")),
    ("mce-constructs:scaledDataCapture", SCALED_CAPTURE_WARNING),
    ("mce-constructs:unscaledVariantCount", unscaled_variants_warning(["blue"])),
    (
        "mce-constructs:roleOfOtherAccount",
        str(check_role_account(cdk.Aws.ACCOUNT_ID, "123456789012")[0]),
    ),
]


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
    source = "".join(path.read_text() for path in (REPO / "mce_constructs").glob("*.py"))
    assert set(re.findall(r'"(mce-constructs:\w+)"', source)) == {
        warning_id for warning_id, _ in expected
    }


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


LONGEST = f"{REGISTRY}/{'a' * (254 - len(REGISTRY))}"


@pytest.mark.parametrize(
    ("image", "accepted"),
    [(LONGEST, True), (LONGEST + "a", False), ("", False), ("a\tb", False), ("a\n", False)],
)
def test_image_uri(image: str, accepted: bool) -> None:
    assert len(LONGEST) == 255
    assert (lines(containers=one(image=image)) == []) is accepted


@pytest.mark.parametrize(
    "image",
    [
        f"{REGISTRY}/team/model@sha256:{'0' * 64}",
        "123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com/model:1",
        "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/model:1",
        "123456789012.dkr-ecr.eu-west-1.on.aws/model:1",
        f"{string_token()}.dkr.ecr.us-east-1.amazonaws.com/model:1",
    ],
)
def test_images_in_ecr_are_accepted(image: str) -> None:
    assert lines(containers=one(image=image)) == []


@pytest.mark.parametrize(
    "image",
    [
        "nginx",
        "docker.io/library/nginx:1.27",
        "public.ecr.aws/lambda/python:3.12",
        "ghcr.io/org/model:1",
        "registry.example.com:5000/model@sha256:" + "0" * 64,
        "12345.dkr.ecr.us-east-1.amazonaws.com/model:1",  # not a 12-digit account
    ],
)
def test_images_outside_ecr_are_refused_unless_pulled_through_the_vpc(image: str) -> None:
    assert lines(containers=one(image=image)) == [f"containers[0].image: {not_in_ecr(image)}"]

    private = ContainerImage.from_private_registry(image)
    assert lines(containers=one(image=private), security_group_count=1, subnet_count=2) == []


def test_asset_images_need_their_directory_and_dockerfile(tmp_path: Path) -> None:
    (tmp_path / "docker").mkdir()
    (tmp_path / "docker" / "serve.Dockerfile").touch()
    (tmp_path / "Dockerfile").touch()
    directory = str(tmp_path)

    def asset_lines(**options: Any) -> list[str]:
        return lines(containers=one(image=ContainerImage.from_asset(directory, **options)))

    source = f"containers[0].image: ContainerImage.from_asset({directory!r})"
    assert asset_lines() == []
    assert asset_lines(file="docker/serve.Dockerfile") == []
    # Relative to the directory, as DockerImageAsset joins it, even with a leading "/".
    assert asset_lines(file="/docker/serve.Dockerfile") == []
    assert asset_lines(file="serve.Dockerfile") == [
        f"{source}: no Dockerfile 'serve.Dockerfile' in the directory"
    ]
    assert asset_lines(file="docker") == [f"{source}: no Dockerfile 'docker' in the directory"]
    assert asset_lines(file=1) == [f"{source}: the file 1 is not a str"]
    assert lines(containers=one(image=ContainerImage.from_asset(cast(Any, 7)))) == [
        "containers[0].image: ContainerImage.from_asset(7): no such directory"
    ]
    assert lines(containers=one(image=ContainerImage.from_asset(f"{directory}/Dockerfile"))) == [
        f"containers[0].image: ContainerImage.from_asset({directory + '/Dockerfile'!r}): "
        "no such directory"
    ]


@pytest.mark.parametrize(
    ("url", "accepted"),
    [
        ("s3://b/" + "k" * 1017, True),  # 1024 characters
        ("s3://b/" + "k" * 1018, False),
        ("https://example.com/model.tar.gz", True),
        ("https://example.com/", True),  # not S3: the service decides
        ("s3://bucket", False),
        ("s3://bucket/", False),
        ("https://bucket.s3.us-east-1.amazonaws.com/", False),
        ("https://s3.dualstack.eu-west-1.amazonaws.com/bucket", False),
        ("s3://bucket/k", True),
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
        # Characters, not bytes (the service model's length; found by the sweep).
        ("é" * 1024, True),
        ("é" * 1025, False),
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


@pytest.mark.parametrize("mode", [InvocationMode.SERIAL, InvocationMode.DIRECT])
def test_every_instance_type_of_the_service_is_accepted_at_most_with_a_warning(
    mode: InvocationMode,
) -> None:
    containers = with_hostnames("a", "b")
    assert len(INSTANCE_TYPES) > 200
    assert [
        value
        for value in INSTANCE_TYPES
        if errors(instance_type=value, containers=containers, mode=mode)
    ] == []


@pytest.mark.parametrize(
    "instance_type",
    [
        "ml.g4dn.xlarge",
        "ml.g5.48xlarge",
        "ml.g7e.2xlarge",
        "ml.p4d.24xlarge",
        "ml.p6-b200.48xlarge",
    ],
)
def test_gpu_instances_serve_serial_pipelines_and_warn_in_direct_mode(instance_type: str) -> None:
    assert GPU_INSTANCE_TYPE.match(instance_type)
    assert lines(instance_type=instance_type) == []
    direct = {"containers": with_hostnames("a", "b"), "mode": InvocationMode.DIRECT}
    assert warnings(instance_type=instance_type, **direct) == {
        "mce-constructs:gpuDirect": gpu_direct(instance_type)
    }
    assert errors(instance_type=instance_type, **direct) == []


@pytest.mark.parametrize("mode", [InvocationMode.SERIAL, InvocationMode.DIRECT])
def test_inf1_warns_in_both_modes(mode: InvocationMode) -> None:
    changes = {"containers": with_hostnames("a", "b"), "mode": mode}
    assert lines(instance_type="ml.inf1.6xlarge", **changes) == [inf1("ml.inf1.6xlarge")]


@pytest.mark.parametrize(
    "instance_type", ["ml.t2.medium", "ml.c7i.48xlarge", "ml.inf2.xlarge", "ml.trn1.2xlarge"]
)
def test_other_instance_types_carry_no_warning(instance_type: str) -> None:
    direct = {"containers": with_hostnames("a", "b"), "mode": InvocationMode.DIRECT}
    assert lines(instance_type=instance_type, **direct) == []


@pytest.mark.parametrize("instance_type", ["m5.large", "ml.p3dn.24xlarge", "", "ML.M5.LARGE"])
def test_instance_types_outside_the_service_enum_are_refused(instance_type: str) -> None:
    problems = lines(instance_type=instance_type)
    assert len(problems) == 1
    assert problems[0].startswith(f"instance_type: {instance_type!r} is not an instance type")
    assert problems[0].endswith(
        f"(a type newer than this list: InstanceType.of({instance_type!r}))"
    )


def test_a_close_type_is_suggested_and_a_far_one_is_not() -> None:
    assert lines(instance_type="ml.p3dn.24xlarge") == [
        unknown_instance_type(
            "ml.p3dn.24xlarge",
            "; did you mean 'ml.p4d.24xlarge', 'ml.p3.2xlarge', 'ml.p4de.24xlarge'?",
        )
    ]
    assert lines(instance_type="gpu") == [unknown_instance_type("gpu", "")]


@pytest.mark.parametrize("name", ["ml.p3dn.24xlarge", "ml.m9.large", "ml.p7-b500.96xlarge"])
def test_instance_type_of_accepts_a_name_the_list_does_not_know(name: str) -> None:
    """Accepted; a name close to a listed one (a new type, or a typo) gets a warning only."""
    assert name not in INSTANCE_TYPES
    assert errors(instance_type=InstanceType.of(name)) == []
    assert set(warnings(instance_type=InstanceType.of(name))) <= {
        "mce-constructs:unlistedInstanceType"
    }


def test_instance_type_of_a_listed_or_unlike_name_does_not_warn() -> None:
    assert lines(instance_type=InstanceType.of("ml.m5.large")) == []
    assert lines(instance_type=InstanceType.M5_LARGE) == []
    assert lines(instance_type=InstanceType.of("ml.zz9000.galactic")) == []


def test_every_instance_type_constant_is_a_listed_type() -> None:
    constants = [value for value in vars(InstanceType).values() if isinstance(value, InstanceType)]
    assert len(constants) > 30
    assert [constant.name for constant in constants if constant.name not in INSTANCE_TYPES] == []


def test_every_instance_type_of_the_service_has_the_shape() -> None:
    assert [name for name in INSTANCE_TYPES if errors(instance_type=InstanceType.of(name))] == []


@pytest.mark.parametrize(
    "name", ["m5.large", "ML.M5.LARGE", "ml.m5", "ml..large", "ml.m5.large ", ""]
)
def test_instance_type_of_refuses_a_name_of_another_shape(name: str) -> None:
    assert lines(instance_type=InstanceType.of(name)) == [
        f"instance_type: InstanceType.of({name!r}) is not the name of an instance type: "
        "ml.<family>.<size>, as in 'ml.m5.large'"
    ]


def test_instance_type_of_gets_the_warnings_of_its_family() -> None:
    direct = {"containers": with_hostnames("a", "b"), "mode": InvocationMode.DIRECT}
    assert errors(instance_type=InstanceType.of("ml.g9.xlarge"), **direct) == []
    assert gpu_direct("ml.g9.xlarge") in lines(
        instance_type=InstanceType.of("ml.g9.xlarge"), **direct
    )
    assert inf1("ml.inf1.48xlarge") in lines(instance_type=InstanceType.of("ml.inf1.48xlarge"))
    assert lines(instance_type=InstanceType.of(string_token())) == []


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
    ("instance_type", "has_kms_key", "warned"),
    [
        ("ml.m5.large", True, False),
        ("ml.m5d.large", False, False),
        ("ml.m5d.large", True, True),
        ("ml.c5d.xlarge", True, True),
        ("ml.r6gd.large", True, True),
        ("ml.g4dn.xlarge", True, True),
        ("ml.c6gn.large", True, False),
    ],
)
def test_a_kms_key_with_nvme_instance_storage_is_a_warning(
    instance_type: str, has_kms_key: bool, warned: bool
) -> None:
    problems = lines(instance_type=instance_type, has_kms_key=has_kms_key)
    assert problems == ([kms_instance_storage(instance_type)] if warned else [])
    assert errors(instance_type=instance_type, has_kms_key=has_kms_key) == []


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
                container_hostname="FIRST",
                model_data=ModelData.from_uri("ftp://host/m.tar.gz"),
            ),
            ContainerDefinition(image="nginx:1"),
        ],
        mode=InvocationMode.DIRECT,
        instance_type="ml.m5.larg",
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
        tags={"aws:team": "search"},
    )
    assert isinstance(error, ValueError)
    assert error.path == "Refused/Mce"
    assert str(error) == "\n".join(
        [
            "Refused/Mce: 12 problems in the multi-container endpoint:",
            "  - containers[2].container_hostname: required in Direct mode (each request names "
            "its container by hostname)",
            "  - containers[1] ('FIRST').container_hostname: 'FIRST' is already used by "
            "containers[0] (hostnames are compared case-insensitively)",
            "  - containers[0] ('first').image: 'my image' is not a valid image URI: 1 to 255 "
            "characters, no whitespace",
            f"  - containers[2].image: {not_in_ecr('nginx:1')}",
            "  - containers[1] ('FIRST').model_data: 'ftp://host/m.tar.gz' is not a valid model "
            "data URL: s3://<bucket>/<key> or https://<host>/<path>, at most 1024 characters",
            "  - containers[0] ('first').environment['1X']: not a valid variable name: letters, "
            "digits and underscores, not starting with a digit, at most 1024 characters",
            f"  - endpoint_name: 'my_endpoint' is not a valid endpoint name: {NAME_RULE}",
            "  - "
            + unknown_instance_type(
                "ml.m5.larg", "; did you mean 'ml.m5.large', 'ml.m5d.large', 'ml.m5.xlarge'?"
            ),
            "  - initial_instance_count: 0 is not allowed: a whole number, at least 1",
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
            ".tar.gz file"
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
        [
            "data_capture.sampling_percentage: 101 given; a whole number from 0 to 100",
            f"data_capture.kms_key: {STAND_INS['KmsKeyId']!r} is not a kms.IKey",
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
    return ec2.Vpc.from_vpc_attributes(
        stack,
        "Vpc",
        vpc_id="vpc-1",
        availability_zones=["us-east-1a"],
        private_subnet_ids=["subnet-1"],
    )


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
