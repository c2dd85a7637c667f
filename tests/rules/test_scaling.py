"""Autoscaling: the bounds, the instance types Application Auto Scaling scales, a target."""

from __future__ import annotations

from typing import Any

import pytest

from mce_constructs.rules.location import ROOT
from mce_constructs.rules.scaling import (
    check_capacity_range,
    check_requests_per_second,
    check_scalable_instance_type,
    check_target_value,
)

from ..conftest import lines, number_token

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
