"""The rules of a model's containers, on `ModelSettings` (the properties of a model), without an
App: the number of containers, hostnames, images, model data and environment."""

from __future__ import annotations

from typing import Any

import pytest

from mce_constructs.rules.containers import (
    DIRECT,
    SERIAL,
    ContainerSettings,
    ModelSettings,
    check_model,
)
from mce_constructs.rules.location import ROOT, TEMPLATE, Location
from mce_constructs.rules.values import UNKNOWN

from ..conftest import IMAGE, REGISTRY, lines, string_token

NAME_RULE = "1 to 63 letters, digits and hyphens, starting and ending with a letter or digit"


def container(**fields: Any) -> ContainerSettings:
    """A container with `fields` (and an ECR image unless given)."""
    return ContainerSettings(**{"image": IMAGE, **fields})


def hostnames(*names: str | None) -> tuple[ContainerSettings, ...]:
    return tuple(
        container(image=f"{REGISTRY}/img{index}:1", hostname=name)
        for index, name in enumerate(names)
    )


def problems(
    *containers: ContainerSettings | None,
    mode: str = SERIAL,
    in_vpc: bool = False,
    region: str | None = None,
    where: Location = ROOT,
) -> list[str]:
    """The problems of a model of `containers` (one valid container when none is given)."""
    model = ModelSettings(containers=containers or (container(),), mode=mode, in_vpc=in_vpc)
    return lines(check_model(model, region, where))


def not_in_ecr(uri: str) -> str:
    return (
        f"{uri!r} is not in Amazon ECR, and SageMaker pulls from another registry only through "
        f"the model's VPC: use ContainerImage.from_private_registry({uri!r}) with vpc"
    )


WEST = f"{REGISTRY.replace('us-east-1', 'us-west-2')}/img:1"

# One refused example per rule, with the exact line a user sees (docs/refusals.md shows them).
EXAMPLES: list[tuple[Any, str]] = [
    (
        lambda: problems(*hostnames(*[None] * 16)),
        "containers: 16 containers given; a multi-container endpoint has 1 to 15",
    ),
    (
        lambda: problems(*hostnames("a", None), mode=DIRECT),
        "containers[1].container_hostname: required in Direct mode (each request names its "
        "container by hostname)",
    ),
    (
        lambda: problems(*hostnames("a", "b", None)),
        "containers[2].container_hostname: missing; in Serial mode give a hostname to all "
        "containers or to none",
    ),
    (
        lambda: problems(*hostnames("a_b")),
        f"containers[0] ('a_b').container_hostname: 'a_b' is not a valid hostname: {NAME_RULE}",
    ),
    (
        lambda: problems(*hostnames("first", "FIRST")),
        "containers[1] ('FIRST').container_hostname: 'FIRST' is already used by containers[0] "
        "(hostnames are compared case-insensitively)",
    ),
    (
        lambda: problems(container(image="my image:1")),
        "containers[0].image: 'my image:1' is not a valid image URI: 1 to 255 characters, "
        "no whitespace",
    ),
    (
        lambda: problems(container(image="nginx:1.27")),
        f"containers[0].image: {not_in_ecr('nginx:1.27')}",
    ),
    (
        lambda: problems(container(model_data_url="ftp://host/model.tar.gz")),
        "containers[0].model_data: 'ftp://host/model.tar.gz' is not a valid model data URL: "
        "s3://<bucket>/<key> or https://<host>/<path>, at most 1024 characters",
    ),
    (
        lambda: problems(container(model_data_url="s3://bucket/")),
        "containers[0].model_data: 's3://bucket/' names a bucket, not an object; model data is "
        "one .tar.gz object (s3://<bucket>/<key>)",
    ),
    (
        lambda: problems(container(image=WEST), region="us-east-1"),
        f"containers[0].image: {WEST!r} is in us-west-2, but the stack deploys to us-east-1; "
        "SageMaker pulls an ECR image only from the model's region (copy it there, e.g. with ECR "
        "replication)",
    ),
    (
        lambda: problems(
            container(
                model_data_url="https://models.s3.dualstack.us-west-2.amazonaws.com/m.tar.gz"
            ),
            region="us-east-1",
        ),
        "containers[0].model_data: 'https://models.s3.dualstack.us-west-2.amazonaws.com/m.tar.gz' "
        "is in us-west-2, but the stack deploys to us-east-1; SageMaker reads model artifacts "
        "only from a bucket in the model's region",
    ),
    (
        lambda: problems(container(environment={f"K{index}": "v" for index in range(101)})),
        "containers[0].environment: 101 variables; at most 100 per container",
    ),
    (
        lambda: problems(container(environment={"1ST-KEY": "v"})),
        "containers[0].environment['1ST-KEY']: not a valid variable name: letters, digits and "
        "underscores, not starting with a digit, at most 1024 characters",
    ),
    (
        lambda: problems(container(environment={"KEY": "v" * 1025})),
        "containers[0].environment['KEY']: the value is 1025 characters; at most 1024",
    ),
    (
        lambda: problems(
            *(container(environment={f"K{key:02}": "v" * 1021 for key in range(16)}),) * 2,
            container(environment={"K": ""}),
        ),
        "containers[*].environment: 32769 bytes of names and values in all containers "
        "together; at most 32768 (32 KB)",
    ),
    (
        lambda: problems(container(image="registry.example.com/a:1", pulled_through_vpc=True)),
        "containers[0].image: ContainerImage.from_private_registry pulls the image through the "
        "endpoint's VPC (ImageConfig RepositoryAccessMode Vpc); give vpc, with subnets that "
        "reach the registry",
    ),
    (
        lambda: problems(container(model_data_prefix="s3://models/fraud")),
        "containers[0].model_data: 's3://models/fraud' is not a key prefix of uncompressed model "
        "data: s3://<bucket>/<prefix>/, a prefix that ends with '/' (ModelDataSource S3Prefix)",
    ),
]


@pytest.mark.parametrize(("check", "line"), EXAMPLES, ids=[line for _, line in EXAMPLES])
def test_each_rule_refuses_with_its_message(check: Any, line: str) -> None:
    assert check() == [line]


def test_a_valid_model_has_no_problem() -> None:
    assert problems() == []


@pytest.mark.parametrize(("count", "accepted"), [(0, False), (1, True), (15, True), (16, False)])
def test_container_count(count: int, accepted: bool) -> None:
    model = ModelSettings(containers=hostnames(*[None] * count), mode=SERIAL)
    assert (lines(check_model(model, None, ROOT)) == []) is accepted


def test_an_item_that_is_not_a_container_counts_and_is_not_read() -> None:
    assert problems(None, container(), mode=DIRECT) == [
        "containers[1].container_hostname: required in Direct mode (each request names its "
        "container by hostname)"
    ]


@pytest.mark.parametrize("mode", [SERIAL, DIRECT])
def test_both_modes_are_accepted(mode: str) -> None:
    assert problems(*hostnames("a", "b"), mode=mode) == []


def test_an_unknown_mode_skips_the_rules_of_the_modes() -> None:
    model = ModelSettings(containers=hostnames("a", None), mode=None)
    assert lines(check_model(model, None, ROOT)) == []


@pytest.mark.parametrize(
    ("name", "accepted"),
    [("a", True), ("a" * 63, True), ("a" * 64, False), ("-a", False), ("é", False)],
)
def test_hostnames(name: str, accepted: bool) -> None:
    assert (problems(*hostnames(name)) == []) is accepted


def test_serial_mode_accepts_hostnames_on_all_containers_or_none() -> None:
    assert problems(*hostnames("a", "b")) == []
    assert problems(*hostnames(None, None)) == []


def test_direct_mode_needs_a_hostname_on_every_container() -> None:
    assert [line.split(":")[0] for line in problems(*hostnames("a", None, None), mode=DIRECT)] == [
        "containers[1].container_hostname",
        "containers[2].container_hostname",
    ]


LONGEST = f"{REGISTRY}/{'a' * (254 - len(REGISTRY))}"


@pytest.mark.parametrize(
    ("image", "accepted"),
    [(LONGEST, True), (LONGEST + "a", False), ("", False), ("a\tb", False), ("a\n", False)],
)
def test_image_uri(image: str, accepted: bool) -> None:
    assert len(LONGEST) == 255
    assert (problems(container(image=image)) == []) is accepted


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
    assert problems(container(image=image)) == []


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
    assert problems(container(image=image)) == [f"containers[0].image: {not_in_ecr(image)}"]
    assert problems(container(image=image, pulled_through_vpc=True), in_vpc=True) == []


URLS = [
    ("model_data_url", "s3://b/" + "k" * 1017, True),  # 1024 characters
    ("model_data_url", "s3://b/" + "k" * 1018, False),
    ("model_data_url", "https://example.com/model.tar.gz", True),
    ("model_data_url", "https://example.com/", True),  # not S3: the service decides
    ("model_data_url", "s3://bucket", False),
    ("model_data_url", "s3://bucket/", False),
    ("model_data_url", "https://bucket.s3.us-east-1.amazonaws.com/", False),
    ("model_data_url", "https://s3.dualstack.eu-west-1.amazonaws.com/bucket", False),
    ("model_data_url", "s3://bucket/k", True),
    ("model_data_url", "s3://", False),
    ("model_data_url", "s3:///key", False),
    ("model_data_url", "bucket/model.tar.gz", False),
    ("model_data_url", "S3://bucket/model.tar.gz", False),
    # Uncompressed model data: a key prefix that ends with '/'.
    ("model_data_prefix", "s3://models/fraud/", True),
    ("model_data_prefix", "s3://models/fraud/v2/", True),
    ("model_data_prefix", "https://models.s3.eu-west-1.amazonaws.com/fraud/", True),
    ("model_data_prefix", f"s3://{string_token()}/fraud", True),
    ("model_data_prefix", "s3://models/fraud", False),
    ("model_data_prefix", "s3://models/", False),
    ("model_data_prefix", "s3://models", False),
    ("model_data_prefix", "https://example.com/models/", True),
    ("model_data_prefix", "https://example.com/models", False),
]


@pytest.mark.parametrize(("field", "url", "accepted"), URLS)
def test_model_data_urls_and_key_prefixes(field: str, url: str, accepted: bool) -> None:
    assert (problems(container(**{field: url})) == []) is accepted


@pytest.mark.parametrize(("count", "accepted"), [(100, True), (101, False)])
def test_environment_entries_per_container(count: int, accepted: bool) -> None:
    environment = {f"K{index}": "v" for index in range(count)}
    assert (problems(container(environment=environment)) == []) is accepted


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
    ],
)
def test_environment_key(key: str, accepted: bool) -> None:
    assert (problems(container(environment={key: "v"})) == []) is accepted


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
    assert (problems(container(environment={"KEY": value})) == []) is accepted


def test_environment_total_counts_bytes_across_containers() -> None:
    # 32 entries of a 3-byte name and a 1021-byte value: exactly 32768 bytes.
    full = container(environment={f"K{key:02}": "v" * 1021 for key in range(16)})
    assert problems(full, full, container(environment={})) == []
    assert problems(full, full, container(environment={"V": ""})) != []


def test_images_and_model_data_in_another_region_are_refused_when_it_is_known() -> None:
    model = (
        container(model_data_url="https://models.s3.eu-west-1.amazonaws.com/a.tar.gz"),
        container(
            image=REGISTRY.replace("us-east-1", "eu-west-1") + "/b:1",
            model_data_url="https://s3.us-west-2.amazonaws.com/models/b.tar.gz",
        ),
        container(
            image=REGISTRY.replace("us-east-1", "eu-west-1") + "/c:1",
            model_data_url="s3://models/c.tar.gz",  # names no region
        ),
    )
    assert [line.split(":")[0] for line in problems(*model, region="eu-west-1")] == [
        "containers[0].image",
        "containers[1].model_data",
    ]
    assert problems(*model, region=None) == []
    assert problems(*model, region=string_token()) == []


# Each value would be refused if its token were taken for the value.
@pytest.mark.parametrize(
    ("containers", "mode"),
    [
        (hostnames(string_token()), DIRECT),
        (hostnames(UNKNOWN, UNKNOWN), DIRECT),
        ((container(image=f"{REGISTRY}/{'a' * 255}:{string_token()}"),), SERIAL),
        ((container(model_data_url=string_token()),), SERIAL),
        ((container(environment={"KEY": "v" * 1020 + string_token()}),), SERIAL),
        ((container(environment={string_token(): "v"}),), SERIAL),
    ],
)
def test_values_known_only_at_deploy_time_are_skipped(
    containers: tuple[ContainerSettings, ...], mode: str
) -> None:
    assert problems(*containers, mode=mode) == []


def test_a_template_spells_the_same_problems_its_own_way() -> None:
    """The rules are given a location: in a template's spelling, the same problem names the
    CloudFormation properties."""
    template = Location(TEMPLATE)
    assert problems(*hostnames("a", None), mode=DIRECT, where=template) == [
        "Containers[1].ContainerHostname: required in Direct mode (each request names its "
        "container by hostname)"
    ]
    assert problems(container(model_data_prefix="s3://models/fraud"), where=template)[0].startswith(
        "Containers[0].ModelDataSource.S3DataSource.S3Uri: 's3://models/fraud' is not a key prefix"
    )
