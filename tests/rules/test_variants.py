"""Production variants: each variant's name, instances, weight and settings, and the variants
of one endpoint config together."""

from __future__ import annotations

from typing import Any

import pytest

from mce_constructs.rules.location import ROOT, SINGLE_VARIANT, Location
from mce_constructs.rules.variants import (
    ALL_WEIGHTS_ZERO_WARNING,
    VariantSettings,
    check_variant,
    check_variants,
)

from ..conftest import errors, lines, number_token, string_token, warnings

NAME_RULE = "1 to 63 letters, digits and hyphens, starting and ending with a letter or digit"
SINGLE = Location(SINGLE_VARIANT)


def variant(name: str = "AllTraffic", **fields: Any) -> VariantSettings:
    return VariantSettings(
        **{"name": name, "instance_type": "ml.m5.large", "initial_instance_count": 1, **fields}
    )


def single(**fields: Any) -> list[str]:
    """The problems of the single-variant form's variant."""
    return lines(check_variant(variant(**fields), SINGLE))


def endpoint(*variants: VariantSettings | None) -> list[str]:
    return lines(check_variants(variants, ROOT))


EXAMPLES: list[tuple[Any, str]] = [
    (
        lambda: single(name="all traffic"),
        f"variant_name: 'all traffic' is not a valid variant name: {NAME_RULE}",
    ),
    (
        lambda: single(initial_instance_count=0),
        "initial_instance_count: 0 is not allowed: a whole number, at least 1",
    ),
    (
        lambda: endpoint(*(variant(f"v{index}") for index in range(11))),
        "variants: 11 variants given; an endpoint has 1 to 10 production variants",
    ),
    (
        lambda: endpoint(variant("blue"), variant("blue")),
        "variants[1] ('blue').name: 'blue' is already the name of variants[0]; variant names "
        "are unique",
    ),
    (
        lambda: lines(check_variant(variant("blue", initial_variant_weight=-1), where("blue"))),
        "variants[0] ('blue').initial_weight: -1 is not allowed: a finite number, at least 0",
    ),
    (lambda: single(volume_size_in_gb=513), "volume_size: 513 GiB given; 1 to 512 GiB allowed"),
    (
        lambda: single(instance_type="ml.g5.xlarge", volume_size_in_gb=100),
        "volume_size: 'ml.g5.xlarge' has NVMe instance storage and no EBS volume, and SageMaker "
        "refuses a volume size on it (VolumeSize parameter is not allowed for the selected "
        "Instance type): leave volume_size out",
    ),
    (
        lambda: single(model_data_download_timeout_in_seconds=59),
        "model_data_download_timeout: 59 seconds given; 60 to 3600 seconds allowed",
    ),
    (
        lambda: single(container_startup_health_check_timeout_in_seconds=7200),
        "container_startup_health_check_timeout: 7200 seconds given; 60 to 3600 seconds allowed",
    ),
]

WARNING_EXAMPLES = [
    (
        lambda: check_variants(
            [variant("blue", initial_variant_weight=0), variant("green", initial_variant_weight=0)],
            ROOT,
        ),
        ALL_WEIGHTS_ZERO_WARNING,
        "variants: every initial_weight is 0: only a request that names its variant "
        "(TargetVariant) is served; give a variant a weight above 0 to serve the others",
    ),
]


def where(name: str, index: int = 0) -> Location:
    return ROOT.field("ProductionVariants").index(index, name)


def test_a_valid_variant_has_no_problem() -> None:
    assert single() == []
    assert endpoint(variant()) == []


@pytest.mark.parametrize(("count", "accepted"), [(0, False), (1, True), (10, True), (11, False)])
def test_variant_count(count: int, accepted: bool) -> None:
    assert (endpoint(*(variant(f"v{index}") for index in range(count))) == []) is accepted


def test_an_item_that_is_not_a_variant_counts() -> None:
    assert endpoint(*(None,) * 11)[0].startswith("variants: 11 variants given")


@pytest.mark.parametrize(
    ("weights", "warned"),
    [
        ((1,), False),
        ((0, 1), False),
        ((0.5, 0.25), False),
        ((0,), True),
        ((0, 0), True),
        ((number_token(), 0), False),
        ((None, 0), False),
    ],
)
def test_every_weight_0_is_a_warning(weights: tuple[float | None, ...], warned: bool) -> None:
    """No source refuses it: a request can name its variant (TargetVariant)."""
    variants = [variant(f"v{index}", initial_variant_weight=w) for index, w in enumerate(weights)]
    found = check_variants(variants, ROOT)
    assert errors(found) == []
    assert (ALL_WEIGHTS_ZERO_WARNING in warnings(found)) is warned


@pytest.mark.parametrize(("weight", "accepted"), [(0, True), (0.5, True), (-0.1, False)])
def test_a_weight_is_at_least_0(weight: float, accepted: bool) -> None:
    assert (single(initial_variant_weight=weight) == []) is accepted


@pytest.mark.parametrize(
    ("gibibytes", "accepted"),
    [(1, True), (512, True), (2.0, True), (0, False), (513, False), (1.5, False), (None, True)],
)
def test_volume_size(gibibytes: float | None, accepted: bool) -> None:
    assert (single(volume_size_in_gb=gibibytes) == []) is accepted


@pytest.mark.parametrize(
    ("instance_type", "accepted"),
    [
        ("ml.m5.large", True),
        ("ml.p3.2xlarge", True),
        ("ml.inf2.xlarge", True),
        ("ml.trn2.48xlarge", True),  # local NVMe as EC2, but no SageMaker source
        ("ml.m5d.large", False),
        ("ml.c5d.xlarge", False),
        ("ml.r7gd.medium", False),
        ("ml.g4dn.xlarge", False),
        ("ml.g5.xlarge", False),
        ("ml.g6.xlarge", False),
        ("ml.g6e.xlarge", False),
        ("ml.p4d.24xlarge", False),
        ("ml.p5.48xlarge", False),
        ("ml.dl1.24xlarge", False),
        ("ml.trn1.2xlarge", False),
        ("ml.trn1n.32xlarge", False),
    ],
)
def test_no_volume_size_on_instance_storage(instance_type: str, accepted: bool) -> None:
    """The SageMaker Python SDK's volume_size_supported (PR #4828): no EBS volume on them."""
    assert (single(instance_type=instance_type, volume_size_in_gb=30) == []) is accepted
    assert single(instance_type=instance_type) == []


@pytest.mark.parametrize(
    ("seconds", "accepted"),
    [(60, True), (3600, True), (59, False), (3601, False), (60.5, False), (None, True)],
)
@pytest.mark.parametrize(
    "field",
    [
        "model_data_download_timeout_in_seconds",
        "container_startup_health_check_timeout_in_seconds",
    ],
)
def test_timeouts(field: str, seconds: float | None, accepted: bool) -> None:
    assert (single(**{field: seconds}) == []) is accepted


@pytest.mark.parametrize(
    ("count", "accepted"), [(1, True), (40, True), (0, False), (-1, False), (None, True)]
)
def test_initial_instance_count(count: int | None, accepted: bool) -> None:
    assert (single(initial_instance_count=count) == []) is accepted


def test_a_variant_in_the_variants_form_is_named_with_its_index_and_name() -> None:
    problems = check_variant(variant("bad name", volume_size_in_gb=0), where("bad name", 2))
    assert lines(problems) == [
        f"variants[2] ('bad name').name: 'bad name' is not a valid variant name: {NAME_RULE}",
        "variants[2] ('bad name').volume_size: 0 GiB given; 1 to 512 GiB allowed",
    ]


def test_values_known_only_at_deploy_time_are_skipped() -> None:
    assert single(name=string_token(), instance_type=string_token()) == []
    assert endpoint(variant(string_token()), variant(string_token())) == []
