"""Autoscaling: the bounds, the instance types Application Auto Scaling scales, a target."""

from __future__ import annotations

import math
from typing import Any

import pytest

from mce_constructs.rules.location import ROOT
from mce_constructs.rules.scaling import (
    TARGET_VALUE_WARNING,
    check_capacity_range,
    check_requests_per_second,
    check_scalable_instance_type,
    check_target_value,
)

from ..conftest import errors, lines, number_token, warnings

SCALE = ROOT.field("auto_scale_instance_count")

CALL_EXAMPLES: list[tuple[Any, str]] = [
    (
        lambda: check_scalable_instance_type("ml.t2.medium", SCALE),
        "auto_scale_instance_count: the variant runs on 'ml.t2.medium', a burstable instance "
        "type, and SageMaker does not autoscale burstable (ml.t*) instances: choose another "
        "instance_type",
    ),
    (
        lambda: check_capacity_range(0, 4, SCALE),
        "auto_scale_instance_count.min_capacity: 0 given; a variant keeps at least 1 instance",
    ),
    (
        lambda: check_capacity_range(3, 2, SCALE),
        "auto_scale_instance_count.max_capacity: 2 given; at least min_capacity (3)",
    ),
    (
        lambda: check_target_value(
            0, ROOT.field("scale_on_invocations").field("invocations_per_instance")
        ),
        "scale_on_invocations.invocations_per_instance: 0 given; a scaling target is a positive "
        "number",
    ),
    (
        lambda: check_requests_per_second(30, 1.5, ROOT.field("scale_on_invocations_per_second")),
        "scale_on_invocations_per_second.safety_factor: 1.5 given; greater than 0 and at most 1 "
        "(0.5 is the recommended start)",
    ),
]


CUSTOM = ROOT.field("scale_to_track_custom_metric").field("target_value")
WARNING_EXAMPLES = [
    (
        lambda: check_target_value(0, CUSTOM, custom=True),
        TARGET_VALUE_WARNING,
        "scale_to_track_custom_metric.target_value: 0 given; a metric that falls as instances are "
        "added (a utilization, a latency) is tracked to a target above 0, and at or below 0 the "
        "policy may never scale in: check the target",
    ),
]


@pytest.mark.parametrize(("value", "warned"), [(0, True), (-5.5, True), (0.1, False), (70, False)])
def test_a_custom_target_of_0_or_less_is_a_warning(value: float, warned: bool) -> None:
    """Application Auto Scaling takes -2^360 to 2^360 (TargetValue)."""
    found = check_target_value(value, CUSTOM, custom=True)
    assert errors(found) == []
    assert (TARGET_VALUE_WARNING in warnings(found)) is warned


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_nan_and_infinities_are_not_targets(value: float) -> None:
    for custom in (False, True):
        assert lines(check_target_value(value, CUSTOM, custom=custom)) == [
            f"scale_to_track_custom_metric.target_value: {value!r} is not a finite number"
        ]


@pytest.mark.parametrize(("call", "line"), CALL_EXAMPLES, ids=[line for _, line in CALL_EXAMPLES])
def test_each_rule_of_scaling_refuses_with_its_message(call: Any, line: str) -> None:
    assert lines(call()) == [line]


@pytest.mark.parametrize(
    ("bounds", "accepted"),
    [((1, 1), True), ((2, 8), True), ((0, 1), False), ((3, 2), False), ((1.5, 2), False)],
)
def test_capacity_range(bounds: tuple[int, int], accepted: bool) -> None:
    assert (check_capacity_range(*bounds, SCALE) == []) is accepted


def test_bounds_of_a_wrong_type_are_named() -> None:
    assert lines(check_capacity_range("1", True, SCALE)) == [  # type: ignore[arg-type]
        "auto_scale_instance_count.min_capacity: '1' is not a whole number",
        "auto_scale_instance_count.max_capacity: True is not a whole number",
    ]


def test_tokens_are_not_checked() -> None:
    token = int(number_token())
    assert check_capacity_range(token, 1, SCALE) == []
    assert check_target_value(number_token(), SCALE) == []


@pytest.mark.parametrize("instance_type", ["ml.m5.large", "ml.g5.xlarge", "ml.trn1.2xlarge", None])
def test_other_instance_types_scale(instance_type: str | None) -> None:
    assert check_scalable_instance_type(instance_type, SCALE) == []
