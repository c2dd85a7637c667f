"""Deployment guardrails (CreateEndpoint `DeploymentConfig`): blue/green traffic shifting,
rolling updates and auto-rollback alarms."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from ..errors import Problem
from .durations import check_whole_seconds
from .instance_types import parse_instance_type
from .location import Location
from .values import is_unknown, is_whole_number, number, shown

CANARY: Final = "CANARY"
LINEAR: Final = "LINEAR"
INSTANCE_COUNT: Final = "INSTANCE_COUNT"
WAIT_SECONDS = (0, 3600)
TERMINATION_WAIT_SECONDS = (0, 3600)
EXECUTION_TIMEOUT_SECONDS = (600, 28800)
CANARY_PERCENT = (1, 50)
LINEAR_STEP_PERCENT = (10, 50)
ROLLING_BATCH_PERCENT = (5, 50)
ROLLBACK_BATCH_PERCENT = (1, 100)
MAX_ROLLBACK_ALARMS = 10
SIZED_ROUTING = {
    CANARY: ("a canary", "CanarySize", CANARY_PERCENT),
    LINEAR: ("a linear step", "LinearStepSize", LINEAR_STEP_PERCENT),
}
"""The traffic routings that shift by a size: what the size is, its field and its range."""
ROLLING_VARIANTS_WARNING_ID = "mce-constructs:rollingMultiVariant"
INF1_DEPLOYMENT_WARNING_ID = "mce-constructs:inf1Deployment"


@dataclass(frozen=True)
class CapacitySettings:
    """`CapacitySize`: `CAPACITY_PERCENT` or `INSTANCE_COUNT`, and a value (None when known
    only at deploy time)."""

    type: str
    value: float | None


@dataclass(frozen=True, kw_only=True)
class BlueGreenSettings:
    """`BlueGreenUpdatePolicy`; seconds are None when absent or known only at deploy time."""

    routing_type: str
    """`TrafficRoutingConfiguration.Type`: `ALL_AT_ONCE`, `CANARY` or `LINEAR`."""
    size: CapacitySettings | None
    """`CanarySize` or `LinearStepSize`."""
    wait_seconds: float | None
    termination_wait_seconds: float | None
    """0 when absent (the service's default)."""
    maximum_execution_timeout_seconds: float | None


@dataclass(frozen=True, kw_only=True)
class RollingSettings:
    """`RollingUpdatePolicy`; seconds are None when absent or known only at deploy time."""

    batch_size: CapacitySettings
    wait_seconds: float | None
    rollback_batch_size: CapacitySettings | None
    maximum_execution_timeout_seconds: float | None


@dataclass(frozen=True, kw_only=True)
class DeploymentSettings:
    """`DeploymentConfig`: one of the two policies, and how many rollback alarms."""

    blue_green: BlueGreenSettings | None = None
    rolling: RollingSettings | None = None
    alarm_count: int = 0


def check_capacity(
    size: CapacitySettings | None, what: str, percent: tuple[int, int], where: Location
) -> list[Problem]:
    """A share of the fleet: a whole percentage within `percent`, or a whole number of
    instances, at least one (`CapacitySizeValue`: an integer, at least 1)."""
    if size is None or size.value is None or is_unknown(size.value):
        return []
    if not is_whole_number(size.value):
        return [where.problem(f"{shown(size.value)} given; {what} is a whole number")]
    if size.type == INSTANCE_COUNT:
        if size.value >= 1:
            return []
        return [where.problem(f"{size.value} instances given; {what} is at least 1 instance")]
    low, high = percent
    if low <= size.value <= high:
        return []
    return [
        where.problem(
            f"{size.value}% given; {what} is {low}% to {high}% of the variant's instances"
        )
    ]


def check_instances_of_fleet(
    size: CapacitySettings | None, what: str, instance_count: int | None, where: Location
) -> list[Problem]:
    """A size in instances is at most half of the variant's instances ("less than or equal to
    50% of the variant's total instance count", `TrafficRoutingConfig.CanarySize`;
    `LinearStepSize` and `RollingUpdatePolicy.MaximumBatchSize` alike): checked against a
    literal instance count of a variant that is not autoscaled (`instance_count` None
    otherwise)."""
    value = None if size is None or size.type != INSTANCE_COUNT else size.value
    if (
        value is None
        or instance_count is None
        or not is_whole_number(value)
        or is_unknown(value)
        or value * 2 <= instance_count
    ):
        return []
    return [
        where.problem(
            f"{value} instances given, but the variant has {instance_count}; {what} is at "
            "most half of the variant's instances"
        )
    ]


def _timeout_exceeds_waits(policy: BlueGreenSettings, where: Location) -> list[Problem]:
    """The service model: the timeout is longer than the termination wait and the wait."""
    timeout = policy.maximum_execution_timeout_seconds
    waits = (policy.termination_wait_seconds, policy.wait_seconds)
    if timeout is None or is_unknown(timeout) or any(w is None or is_unknown(w) for w in waits):
        return []
    total = sum(wait for wait in waits if wait is not None)
    if timeout > total:
        return []
    return [
        where.problem(
            f"{number(timeout)} seconds given; it must be longer than termination_wait + "
            f"traffic_routing.wait ({number(total)} seconds)"
        )
    ]


def check_blue_green(policy: BlueGreenSettings, where: Location) -> list[Problem]:
    """Blue/green traffic shifting: canary and linear sizes, waits and timeout."""
    at = where.field("BlueGreenUpdatePolicy")
    routing = at.field("TrafficRoutingConfiguration")
    problems = []
    sized = SIZED_ROUTING.get(policy.routing_type)
    if sized is not None:
        what, name, percent = sized
        at_size = routing.field(name)
        if policy.size is None:
            problems.append(at_size.problem(f"missing; {what} has a size (a CapacitySize)"))
        problems += check_capacity(policy.size, what, percent, at_size)
    problems += check_whole_seconds(
        policy.wait_seconds, WAIT_SECONDS, routing.field("WaitIntervalInSeconds")
    )
    problems += check_whole_seconds(
        policy.termination_wait_seconds,
        TERMINATION_WAIT_SECONDS,
        at.field("TerminationWaitInSeconds"),
    )
    timeout = at.field("MaximumExecutionTimeoutInSeconds")
    problems += check_whole_seconds(
        policy.maximum_execution_timeout_seconds, EXECUTION_TIMEOUT_SECONDS, timeout
    ) or _timeout_exceeds_waits(policy, timeout)
    return problems


def check_rolling(policy: RollingSettings, where: Location) -> list[Problem]:
    """Rolling updates: batch sizes, wait and timeout."""
    at = where.field("RollingUpdatePolicy")
    return [
        *check_capacity(
            policy.batch_size,
            "a rolling batch",
            ROLLING_BATCH_PERCENT,
            at.field("MaximumBatchSize"),
        ),
        *check_whole_seconds(policy.wait_seconds, WAIT_SECONDS, at.field("WaitIntervalInSeconds")),
        *check_capacity(
            policy.rollback_batch_size,
            "a rollback batch",
            ROLLBACK_BATCH_PERCENT,
            at.field("RollbackMaximumBatchSize"),
        ),
        *check_whole_seconds(
            policy.maximum_execution_timeout_seconds,
            EXECUTION_TIMEOUT_SECONDS,
            at.field("MaximumExecutionTimeoutInSeconds"),
        ),
    ]


def check_rollback_alarms(alarm_count: int, where: Location) -> list[Problem]:
    """Auto-rollback watches at most 10 alarms."""
    if alarm_count <= MAX_ROLLBACK_ALARMS:
        return []
    return [
        where.field("AutoRollbackConfiguration")
        .field("Alarms")
        .problem(
            f"{alarm_count} alarms given; auto-rollback watches 1 to {MAX_ROLLBACK_ALARMS} alarms"
        )
    ]


def check_rolling_with_variants(variant_count: int, where: Location) -> list[Problem]:
    """Rolling deployments exclude multi-variant endpoints (deployment guardrails,
    "Exclusions"); whether SageMaker then refuses or falls back is not documented: warn."""
    if variant_count < 2:
        return []
    return [
        where.problem(
            "a rolling deployment on an endpoint with several production variants: the "
            "SageMaker Developer Guide lists multi-variant endpoints among the exclusions of "
            "rolling deployments, so SageMaker may not apply it as configured; use "
            "DeploymentConfig.blue_green(...) for an A/B endpoint",
            ROLLING_VARIANTS_WARNING_ID,
        )
    ]


def check_inf1_deployment(instance_types: Sequence[str | None], where: Location) -> list[Problem]:
    """Deployment guardrails exclude Inf1 instances: SageMaker falls back to an all-at-once
    blue/green deployment with no baking period (Developer Guide, deployment guardrails,
    "Exclusions"): a warning."""
    inf1 = [
        name
        for name in dict.fromkeys(instance_types)
        if (parsed := parse_instance_type(name)) is not None and parsed.is_inf1
    ]
    return [
        where.problem(
            f"a variant runs on {shown(name)}, an Inferentia 1 instance type, which deployment "
            "guardrails exclude: SageMaker falls back to a blue/green deployment with all at "
            "once traffic shifting and no final baking period, whatever this deployment says",
            INF1_DEPLOYMENT_WARNING_ID,
        )
        for name in inf1
    ]


def check_deployment(
    deployment: DeploymentSettings,
    variant_count: int,
    where: Location,
    instance_types: Sequence[str | None] = (),
) -> list[Problem]:
    """Every rule of a deployment configuration, `where` being the endpoint's location
    (`instance_types`: the variants')."""
    at = where.field("DeploymentConfig")
    problems = []
    if deployment.blue_green is not None:
        problems += check_blue_green(deployment.blue_green, at)
    if deployment.rolling is not None:
        problems += check_rolling(deployment.rolling, at)
        problems += check_rolling_with_variants(variant_count, at)
    return [
        *problems,
        *check_rollback_alarms(deployment.alarm_count, at),
        *check_inf1_deployment(instance_types, at),
    ]


def check_sizes_of_fleets(
    deployment: DeploymentSettings, instance_counts: Sequence[int | None], where: Location
) -> list[Problem]:
    """The sizes in instances of a deployment, against each variant's literal instance count
    (None for a variant that is autoscaled, or whose count is known only at deploy time)."""
    at = where.field("DeploymentConfig")
    sizes: list[tuple[CapacitySettings | None, str, Location]] = []
    if deployment.blue_green is not None:
        policy = deployment.blue_green
        sized = SIZED_ROUTING.get(policy.routing_type)
        if sized is not None:
            routing = at.field("BlueGreenUpdatePolicy").field("TrafficRoutingConfiguration")
            sizes.append((policy.size, sized[0], routing.field(sized[1])))
    if deployment.rolling is not None:
        batch = at.field("RollingUpdatePolicy").field("MaximumBatchSize")
        sizes.append((deployment.rolling.batch_size, "a rolling batch", batch))
    return [
        problem
        for size, what, located in sizes
        for count in dict.fromkeys(instance_counts)
        for problem in check_instances_of_fleet(size, what, count, located)
    ]
