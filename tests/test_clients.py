"""What real clients deploy (issue 25): scaling from requests per second, containers from
model packages, gated model data (`ModelAccessConfig`), and a model on its own shared by
variants. Each option is checked against botocore's shapes and cfn-lint."""

from __future__ import annotations

import math
from typing import Any, cast

import aws_cdk as cdk
import pytest

from mce_constructs import ContainerDefinition, MceValidationError, MultiContainerEndpoint

from .conftest import IMAGE, number_token, resources_of_type, template_of

SERIAL = [ContainerDefinition(image=IMAGE), ContainerDefinition(image=f"{IMAGE}-b")]


def _only_scaling_policy(stack: cdk.Stack) -> dict[str, Any]:
    policies = resources_of_type(template_of(stack), "AWS::ApplicationAutoScaling::ScalingPolicy")
    assert len(policies) == 1
    return cast(dict[str, Any], next(iter(policies.values()))["Properties"])


@pytest.mark.parametrize(
    ("rps", "factor", "target"), [(30, None, 900), (10, 1, 600), (2.5, 0.2, 30)]
)
def test_scaling_on_requests_per_second_tracks_invocations_per_minute(
    stack: cdk.Stack, rps: float, factor: float | None, target: float
) -> None:
    scaling = MultiContainerEndpoint(stack, "Mce", containers=SERIAL).auto_scale_instance_count(
        max_capacity=4
    )
    if factor is None:
        scaling.scale_on_invocations_per_second(rps)
    else:
        scaling.scale_on_invocations_per_second(rps, safety_factor=factor)
    tracking = _only_scaling_policy(stack)["TargetTrackingScalingPolicyConfiguration"]
    assert tracking["TargetValue"] == pytest.approx(target)
    assert tracking["PredefinedMetricSpecification"] == {
        "PredefinedMetricType": "SageMakerVariantInvocationsPerInstance"
    }


def test_scaling_on_requests_per_second_keeps_the_id_of_scaling_on_invocations() -> None:
    ids = []
    for per_second in (True, False):
        stack = cdk.Stack(cdk.App(), "TestStack")
        endpoint = MultiContainerEndpoint(stack, "Mce", containers=SERIAL)
        scaling = endpoint.auto_scale_instance_count(max_capacity=4)
        if per_second:
            scaling.scale_on_invocations_per_second(30)
        else:
            scaling.scale_on_invocations(invocations_per_instance=900)
        policies = resources_of_type(
            template_of(stack), "AWS::ApplicationAutoScaling::ScalingPolicy"
        )
        ids.append(policies)
    assert ids[0] == ids[1]


@pytest.mark.parametrize(
    ("rps", "factor", "message"),
    [
        (
            0,
            0.5,
            "scale_on_invocations_per_second.max_requests_per_second: 0 given; a positive, "
            "finite number",
        ),
        (
            math.inf,
            0.5,
            "scale_on_invocations_per_second.max_requests_per_second: inf given; a positive, "
            "finite number",
        ),
        (
            math.nan,
            0.5,
            "scale_on_invocations_per_second.max_requests_per_second: nan given; a positive, "
            "finite number",
        ),
        (
            "30",
            0.5,
            "scale_on_invocations_per_second.max_requests_per_second: '30' is not a number",
        ),
        (
            30,
            0,
            "scale_on_invocations_per_second.safety_factor: 0 given; greater than 0 and at most "
            "1 (0.5 is the recommended start)",
        ),
        (
            30,
            1.5,
            "scale_on_invocations_per_second.safety_factor: 1.5 given; greater than 0 and at "
            "most 1 (0.5 is the recommended start)",
        ),
        (
            30,
            True,
            "scale_on_invocations_per_second.safety_factor: True is not a number",
        ),
    ],
)
def test_scaling_on_requests_per_second_refuses_what_is_not_a_rate(
    stack: cdk.Stack, rps: object, factor: object, message: str
) -> None:
    scaling = MultiContainerEndpoint(stack, "Mce", containers=SERIAL).auto_scale_instance_count(
        max_capacity=4
    )
    with pytest.raises(MceValidationError) as caught:
        scaling.scale_on_invocations_per_second(cast(float, rps), safety_factor=cast(float, factor))
    assert [str(problem) for problem in caught.value.problems] == [message]


def test_scaling_on_requests_per_second_refuses_a_token(stack: cdk.Stack) -> None:
    scaling = MultiContainerEndpoint(stack, "Mce", containers=SERIAL).auto_scale_instance_count(
        max_capacity=4
    )
    with pytest.raises(MceValidationError) as caught:
        scaling.scale_on_invocations_per_second(number_token())
    assert [str(problem) for problem in caught.value.problems] == [
        "scale_on_invocations_per_second.max_requests_per_second: known only at deploy time, "
        "and the target is computed at synthesis: give a number, or "
        "scale_on_invocations(invocations_per_instance=...)"
    ]
