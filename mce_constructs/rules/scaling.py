"""Autoscaling of a variant's instance count (Application Auto Scaling): the bounds, the
instance types it scales, and a target-tracking target."""

from __future__ import annotations

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
