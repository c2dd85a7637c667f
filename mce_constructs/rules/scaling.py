"""Autoscaling of a variant's instance count (Application Auto Scaling): the bounds, the
instance types it scales, and a target-tracking target."""

from __future__ import annotations

import math

from ..errors import Problem
from .instance_types import parse_instance_type
from .location import Location
from .values import is_number, is_unknown, is_whole_number, shown


def check_capacity_range(min_capacity: int, max_capacity: int, where: Location) -> list[Problem]:
    """Autoscaling bounds: whole numbers, at least one instance, and min <= max."""
    problems = [
        where.field(name).problem(f"{shown(value)} is not a whole number")
        for name, value in (("min_capacity", min_capacity), ("max_capacity", max_capacity))
        if not is_unknown(value) and not is_whole_number(value)
    ]
    if problems:
        return problems
    if not is_unknown(min_capacity) and min_capacity < 1:
        problems.append(
            where.field("min_capacity").problem(
                f"{min_capacity} given; a variant keeps at least 1 instance"
            )
        )
    if not is_unknown([min_capacity, max_capacity]) and max_capacity < min_capacity:
        problems.append(
            where.field("max_capacity").problem(
                f"{max_capacity} given; at least min_capacity ({min_capacity})"
            )
        )
    return problems


def check_scalable_instance_type(instance_type: str | None, where: Location) -> list[Problem]:
    """Application Auto Scaling does not scale burstable (`ml.t*`) instances."""
    parsed = parse_instance_type(instance_type)
    if parsed is None or not parsed.is_burstable:
        return []
    return [
        where.problem(
            f"the variant runs on {shown(instance_type)}, a burstable instance type, and SageMaker "
            "does not autoscale burstable (ml.t*) instances: choose another instance_type"
        )
    ]


TARGET_VALUE_WARNING = "mce-constructs:targetValue"


def check_target_value(value: float, where: Location, *, custom: bool = False) -> list[Problem]:
    """A target-tracking target: a finite number. Requests per instance are a positive number;
    a custom metric's target of 0 or less is only a warning: Application Auto Scaling takes
    -2^360 to 2^360 (`TargetTrackingScalingPolicyConfiguration.TargetValue`), and the metric
    decides what makes sense."""
    if is_unknown(value):
        return []
    if not is_number(value):
        return [where.problem(f"{shown(value)} is not a finite number")]
    if value > 0:
        return []
    if custom:
        return [
            where.problem(
                f"{shown(value)} given; a metric that falls as instances are added (a "
                "utilization, a latency) is tracked to a target above 0, and at or below 0 "
                "the policy may never scale in: check the target",
                TARGET_VALUE_WARNING,
            )
        ]
    return [where.problem(f"{shown(value)} given; a scaling target is a positive number")]


def check_requests_per_second(
    max_requests_per_second: float, safety_factor: float, where: Location
) -> list[Problem]:
    """`scale_on_invocations_per_second`: the requests per second one instance serves at most
    is a positive, finite number; the safety factor is in (0, 1] (the alpha L2's
    `scaleOnInvocations` refuses a factor outside that range; the Developer Guide's load-test
    page recommends starting at 0.5). The target is computed when the app is synthesized, so a
    value known only at deploy time is refused (CloudFormation cannot multiply)."""
    problems = []
    for name, value, valid, expected in (
        (
            "max_requests_per_second",
            max_requests_per_second,
            is_number(max_requests_per_second) and 0 < max_requests_per_second < math.inf,
            "a positive, finite number",
        ),
        (
            "safety_factor",
            safety_factor,
            is_number(safety_factor) and 0 < safety_factor <= 1,
            "greater than 0 and at most 1 (0.5 is the recommended start)",
        ),
    ):
        at = where.field(name)
        if is_unknown(value):
            problems.append(
                at.problem(
                    "known only at deploy time, and the target is computed at synthesis: give "
                    "a number, or scale_on_invocations(invocations_per_instance=...)"
                )
            )
        elif isinstance(value, bool) or not isinstance(value, int | float):
            # NaN and the infinities are numbers here, refused as not finite below.
            problems.append(at.problem(f"{shown(value)} is not a number"))
        elif not valid:
            problems.append(at.problem(f"{shown(value)} given; {expected}"))
    return problems
