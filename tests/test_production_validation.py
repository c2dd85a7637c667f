"""The rules of the production options, both ways: variants, variant settings, data capture,
private registries and key prefixes (pure rules without an App), then the construct."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_s3 as s3

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
    VariantDefinition,
)
from mce_constructs._validation import (
    CAPTURE_URI_MAX_LENGTH,
    CONTENT_TYPE_MAX_LENGTH,
    CONTENT_TYPE_PATTERN,
    MAX_CAPTURE_CONTENT_TYPES,
    MAX_VARIANTS,
    SAMPLING_PERCENT,
    VARIANT_TIMEOUT_SECONDS,
    VOLUME_SIZE_GIB,
    EndpointSpec,
    validate,
)

from ._service_model import input_member
from .conftest import REGISTRY

IMAGE = f"{REGISTRY}/img:1"
CONTAINERS = (ContainerDefinition(image=IMAGE),)
BASE = EndpointSpec(
    containers=CONTAINERS,
    mode=InvocationMode.SERIAL,
    instance_type="ml.m5.large",
    initial_instance_count=1,
    variant_name="AllTraffic",
)
TOKEN_NUMBER = cdk.Token.as_number(cdk.Aws.ACCOUNT_ID)
TOKEN_STRING = cdk.Aws.ACCOUNT_ID
BUCKET = s3.Bucket.from_bucket_name(cdk.Stack(), "Bucket", "models")


def variant(name: str = "a", **fields: Any) -> VariantDefinition:
    return VariantDefinition(**{"name": name, "containers": CONTAINERS, **fields})


def lines(**changes: Any) -> list[str]:
    """The problem lines (warnings too) of BASE with `changes`."""
    return [str(problem) for problem in validate(replace(BASE, **changes))]


def errors(**changes: Any) -> list[str]:
    """Only the refusals."""
    return [
        str(problem) for problem in validate(replace(BASE, **changes)) if problem.warning_id is None
    ]


def capture(**options: Any) -> DataCapture:
    return DataCapture.to_uri("s3://capture/fraud", **options)


def test_the_limits_are_the_service_models() -> None:
    variant_member = ("ProductionVariants", "member")
    assert input_member("CreateEndpointConfig", "ProductionVariants").metadata == {
        "min": 1,
        "max": MAX_VARIANTS,
    }
    for name, limits in (
        ("VolumeSizeInGB", VOLUME_SIZE_GIB),
        ("ModelDataDownloadTimeoutInSeconds", VARIANT_TIMEOUT_SECONDS),
        ("ContainerStartupHealthCheckTimeoutInSeconds", VARIANT_TIMEOUT_SECONDS),
    ):
        metadata = input_member("CreateEndpointConfig", *variant_member, name).metadata
        assert (metadata["min"], metadata["max"]) == limits, name
    weight = input_member("CreateEndpointConfig", *variant_member, "InitialVariantWeight")
    assert weight.metadata == {"min": 0}
    strategies = input_member(
        "CreateEndpointConfig", *variant_member, "RoutingConfig", "RoutingStrategy"
    ).enum
    assert {strategy.value for strategy in RoutingStrategy} <= set(strategies)
    capture_config = ("DataCaptureConfig",)
    sampling = input_member("CreateEndpointConfig", *capture_config, "InitialSamplingPercentage")
    assert (sampling.metadata["min"], sampling.metadata["max"]) == SAMPLING_PERCENT
    destination = input_member("CreateEndpointConfig", *capture_config, "DestinationS3Uri")
    assert destination.metadata["max"] == CAPTURE_URI_MAX_LENGTH
    assert (
        input_member("CreateEndpointConfig", *capture_config, "CaptureOptions").metadata["min"] == 1
    )
    for header in ("CsvContentTypes", "JsonContentTypes"):
        types = input_member(
            "CreateEndpointConfig", *capture_config, "CaptureContentTypeHeader", header
        )
        assert types.metadata["max"] == MAX_CAPTURE_CONTENT_TYPES
        assert types.member.metadata["max"] == CONTENT_TYPE_MAX_LENGTH
        assert types.member.metadata["pattern"] == CONTENT_TYPE_PATTERN.pattern
    prefix = input_member("CreateModel", "Containers", "member", "ModelDataSource", "S3DataSource")
    assert "always ends with a forward slash" in prefix.members["S3DataType"].documentation
    access = input_member("CreateModel", "Containers", "member", "ImageConfig")
    assert access.members["RepositoryAccessMode"].enum == ["Platform", "Vpc"]


@pytest.mark.parametrize(
    ("count", "accepted"), [(1, True), (2, True), (MAX_VARIANTS, True), (MAX_VARIANTS + 1, False)]
)
def test_variant_count(count: int, accepted: bool) -> None:
    variants = tuple(variant(f"v{index}") for index in range(count))
    assert (errors(variants=variants) == []) == accepted


def test_no_variant_at_all_is_refused_with_the_endpoints_own_problems() -> None:
    assert lines(variants=(), endpoint_name="my_endpoint") == [
        "endpoint_name: 'my_endpoint' is not a valid endpoint name: 1 to 63 letters, digits and "
        "hyphens, starting and ending with a letter or digit",
        "variants: 0 variants given; an endpoint has 1 to 10 production variants",
    ]


def test_a_variant_that_is_not_a_variant_definition_is_refused() -> None:
    assert lines(variants=(variant("a"), "b")) == ["variants[1]: 'b' is not a VariantDefinition"]


@pytest.mark.parametrize(
    ("weights", "accepted"),
    [
        ((1,), True),
        ((0, 1), True),
        ((0.5, 0.25), True),
        ((0,), False),
        ((0, 0), False),
        ((-0.1, 1), False),
        ((True, 1), False),
        ((TOKEN_NUMBER, 0), True),
    ],
)
def test_weights(weights: tuple[float, ...], accepted: bool) -> None:
    variants = tuple(
        variant(f"v{index}", initial_weight=weight) for index, weight in enumerate(weights)
    )
    assert (errors(variants=variants) == []) == accepted


def test_problems_of_a_variant_name_it_and_the_endpoints_are_listed_once() -> None:
    hostless = (ContainerDefinition(image=IMAGE), ContainerDefinition(image="my image"))
    assert lines(
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
        "endpoint_name: 'my_endpoint' is not a valid endpoint name: 1 to 63 letters, digits and "
        "hyphens, starting and ending with a letter or digit",
        "variants[1] ('green').instance_type: 'ml.m5.larg' is not an instance type of SageMaker "
        "endpoints (ProductionVariantInstanceType in the SageMaker API); did you mean "
        "'ml.m5.large', 'ml.m5d.large', 'ml.m5.xlarge'? (a type newer than this list: "
        "InstanceType.of('ml.m5.larg'))",
        "variants[1] ('green').initial_instance_count: 0 is not allowed: a whole number, at "
        "least 1",
        "variants[2] ('bad name').name: 'bad name' is not a valid variant name: 1 to 63 letters, "
        "digits and hyphens, starting and ending with a letter or digit",
        "variants[2] ('bad name').volume_size: 0 GiB given; 1 to 512 GiB allowed",
    ]


@pytest.mark.parametrize(
    ("size", "accepted"),
    [
        (cdk.Size.gibibytes(1), True),
        (cdk.Size.gibibytes(512), True),
        (cdk.Size.mebibytes(2048), True),
        (cdk.Size.gibibytes(0), False),
        (cdk.Size.gibibytes(513), False),
        (cdk.Size.mebibytes(1536), False),
        (30, False),
        (cdk.Size.gibibytes(TOKEN_NUMBER), True),
    ],
)
def test_volume_size(size: cdk.Size, accepted: bool) -> None:
    assert (errors(volume_size=size) == []) == accepted


@pytest.mark.parametrize(
    ("timeout", "accepted"),
    [
        (cdk.Duration.seconds(60), True),
        (cdk.Duration.hours(1), True),
        (cdk.Duration.seconds(59), False),
        (cdk.Duration.seconds(3601), False),
        (cdk.Duration.millis(60500), False),
        (600, False),
        (cdk.Duration.seconds(TOKEN_NUMBER), True),
    ],
)
@pytest.mark.parametrize(
    "field", ["model_data_download_timeout", "container_startup_health_check_timeout"]
)
def test_timeouts(field: str, timeout: cdk.Duration, accepted: bool) -> None:
    assert (errors(**{field: timeout}) == []) == accepted


@pytest.mark.parametrize(
    ("value", "accepted"),
    [
        (RoutingStrategy.RANDOM, True),
        (RoutingStrategy.LEAST_OUTSTANDING_REQUESTS, True),
        ("LEAST_OUTSTANDING_REQUESTS", False),
    ],
)
def test_routing_strategy(value: object, accepted: bool) -> None:
    assert (errors(routing_strategy=value) == []) == accepted


@pytest.mark.parametrize(("value", "accepted"), [(True, True), (False, True), ("yes", False)])
def test_enable_ssm_access(value: object, accepted: bool) -> None:
    assert (errors(enable_ssm_access=value) == []) == accepted


def test_a_private_registry_image_in_a_vpc_is_accepted() -> None:
    private = (
        ContainerDefinition(image=ContainerImage.from_private_registry("docker.io/library/a:1")),
    )
    assert errors(containers=private, security_group_count=1, subnet_count=2) == []
    assert len(errors(containers=private)) == 1


@pytest.mark.parametrize(
    ("source", "accepted"),
    [
        (ModelData.from_s3_prefix("s3://models/fraud/"), True),
        (ModelData.from_s3_prefix("s3://models/fraud/v2/"), True),
        (ModelData.from_s3_prefix("https://models.s3.eu-west-1.amazonaws.com/fraud/"), True),
        (ModelData.from_s3_prefix(f"s3://{TOKEN_STRING}/fraud"), True),
        (ModelData.from_s3_prefix("s3://models/fraud"), False),
        (ModelData.from_s3_prefix("s3://models/"), False),
        (ModelData.from_s3_prefix("s3://models"), False),
        (ModelData.from_s3_prefix("https://example.com/models/"), True),
        (ModelData.from_s3_prefix("https://example.com/models"), False),
        (
            ModelData.from_bucket_prefix(BUCKET, "p/"),
            True,
        ),
        (
            ModelData.from_bucket_prefix(BUCKET, "/"),  # written s3://models/, the bucket
            False,
        ),
        (
            ModelData.from_bucket_prefix(BUCKET, "p"),
            False,
        ),
        (
            ModelData.from_bucket_prefix(BUCKET, ""),
            False,
        ),
        (
            ModelData.from_bucket_prefix(BUCKET, TOKEN_STRING),
            True,
        ),
    ],
)
def test_key_prefixes(source: ModelData, accepted: bool) -> None:
    containers = (ContainerDefinition(image=IMAGE, model_data=source),)
    assert (errors(containers=containers) == []) == accepted


@pytest.mark.parametrize(
    ("options", "accepted"),
    [
        ({}, True),
        ({"sampling_percentage": 0}, True),
        ({"sampling_percentage": 100}, True),
        ({"sampling_percentage": -1}, False),
        ({"sampling_percentage": 50.5}, False),
        ({"sampling_percentage": True}, False),
        ({"sampling_percentage": TOKEN_NUMBER}, True),
        ({"capture_input": False}, True),
        ({"capture_output": False}, True),
        ({"csv_content_types": ["text/csv", "application/x-csv"]}, True),
        ({"json_content_types": [f"application/json{index}" for index in range(10)]}, True),
        ({"json_content_types": ["application/vnd.api+json"]}, False),
        ({"csv_content_types": [TOKEN_STRING]}, True),
    ],
)
def test_capture_options(options: dict[str, Any], accepted: bool) -> None:
    assert (errors(data_capture=capture(**options)) == []) == accepted


@pytest.mark.parametrize(
    ("destination", "accepted"),
    [
        ("s3://capture", True),
        ("s3://capture/fraud/", True),
        ("s3://capture/" + "k" * (CAPTURE_URI_MAX_LENGTH - len("s3://capture/")), True),
        ("s3://capture/" + "k" * (CAPTURE_URI_MAX_LENGTH + 1 - len("s3://capture/")), False),
        ("capture/fraud", False),
        (f"s3://{TOKEN_STRING}/fraud", True),
    ],
)
def test_capture_destination(destination: str, accepted: bool) -> None:
    assert (errors(data_capture=DataCapture.to_uri(destination)) == []) == accepted


@pytest.mark.parametrize(
    ("prefix", "accepted"),
    [
        ("k" * (CAPTURE_URI_MAX_LENGTH - len("s3://models/")), True),
        ("/" + "k" * (CAPTURE_URI_MAX_LENGTH - len("s3://models/")) + "/", True),
        ("k" * (CAPTURE_URI_MAX_LENGTH + 1 - len("s3://models/")), False),
        (TOKEN_STRING + "k" * CAPTURE_URI_MAX_LENGTH, True),
    ],
)
def test_capture_destination_in_a_bucket(prefix: str, accepted: bool) -> None:
    """`s3://<bucket name>/<prefix>`, its slashes trimmed, at most 512 characters."""
    destination = f"s3://models/{prefix.strip('/')}"
    expected = [
        f"data_capture.prefix: {destination!r} is not a valid capture destination: "
        f"s3://<bucket>/<prefix>, at most {CAPTURE_URI_MAX_LENGTH} characters"
    ]
    assert errors(data_capture=DataCapture.to_bucket(BUCKET, prefix)) == (
        [] if accepted else expected
    )


def test_capture_destination_in_a_bucket_named_by_a_token_is_not_guessed() -> None:
    """A bucket of the app is named by CloudFormation: the length is known only then."""
    bucket = s3.Bucket(cdk.Stack(), "Capture")
    long_prefix = "k" * CAPTURE_URI_MAX_LENGTH
    assert errors(data_capture=DataCapture.to_bucket(bucket, long_prefix)) == []


def test_a_variant_takes_an_instance_type_the_pinned_list_does_not_know() -> None:
    newer = variant("a", instance_type=InstanceType.of("ml.m99.large"))
    assert errors(variants=(newer,)) == []
    typo = variant("a", instance_type="ml.m99.large")
    assert [line.split(":")[0] for line in errors(variants=(typo,))] == [
        "variants[0] ('a').instance_type"
    ]


def test_capture_in_serial_mode_is_not_warned_about() -> None:
    assert lines(data_capture=capture()) == []
    direct = (ContainerDefinition(image=IMAGE, container_hostname="a"),)
    warned = lines(
        variants=(
            variant("serial"),
            variant("direct", containers=direct, mode=InvocationMode.DIRECT),
        ),
        data_capture=capture(),
    )
    assert [line.split(";")[0] for line in warned] == [
        "data_capture: variant 'direct' invokes its containers Directly"
    ]


def test_rolling_with_one_variant_and_blue_green_with_several_are_not_warned_about() -> None:
    rolling = DeploymentConfig.rolling(
        batch_size=CapacitySize.percent(25), wait=cdk.Duration.minutes(1)
    )
    assert lines(variants=(variant("blue"),), deployment=rolling) == []
    assert lines(deployment=rolling) == []
    two = (variant("blue"), variant("green"))
    assert lines(variants=two, deployment=DeploymentConfig.blue_green()) == []


# The construct: the variants form and the single-variant options do not mix.


def refuse(**options: Any) -> list[str]:
    stack = cdk.Stack(cdk.App(), "Refused")
    with pytest.raises(MceValidationError) as caught:
        MultiContainerEndpoint(stack, "Mce", **options)
    assert stack.node.find_child("Mce").node.children == []
    return [str(problem) for problem in caught.value.problems]


def test_variants_with_single_variant_options_are_refused_naming_each() -> None:
    assert refuse(
        variants=[variant("blue")],
        containers=list(CONTAINERS),
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
