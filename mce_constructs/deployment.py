"""How an update reaches the endpoint: deployment guardrails (blue/green or rolling) and
auto-rollback on CloudWatch alarms.

A deployment configuration is a property of the endpoint alone: it never changes the model or
the endpoint-config names and never replaces the endpoint. SageMaker applies it to every later
`UpdateEndpoint` (the first deployment creates the endpoint directly).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import aws_cdk as cdk

if TYPE_CHECKING:
    # Only in annotations: importing it costs every synth that does not use it.
    from aws_cdk import aws_cloudwatch as cloudwatch


class CapacityUnit(enum.Enum):
    """What a `CapacitySize` counts (the service's `CapacitySizeType`)."""

    PERCENT = "CAPACITY_PERCENT"
    INSTANCES = "INSTANCE_COUNT"


@dataclass(frozen=True)
class CapacitySize:
    """A share of the variant's instances: a canary, a linear step or a rolling batch."""

    unit: CapacityUnit
    value: int

    @staticmethod
    def percent(value: int) -> CapacitySize:
        """`value` percent of the variant's instances."""
        return CapacitySize(CapacityUnit.PERCENT, value)

    @staticmethod
    def instances(count: int) -> CapacitySize:
        """A fixed number of instances."""
        return CapacitySize(CapacityUnit.INSTANCES, count)


class TrafficRoutingType(enum.Enum):
    """How a blue/green deployment shifts traffic (the service's `TrafficRoutingConfigType`)."""

    ALL_AT_ONCE = "ALL_AT_ONCE"
    CANARY = "CANARY"
    LINEAR = "LINEAR"


@dataclass(frozen=True)
class TrafficRouting:
    """How a blue/green deployment shifts traffic from the old fleet to the new one."""

    type: TrafficRoutingType
    wait: cdk.Duration
    size: CapacitySize | None = None

    @staticmethod
    def all_at_once(*, wait: cdk.Duration | None = None) -> TrafficRouting:
        """All traffic in one step, then `wait` (the baking period) watching the alarms.

        :param wait: 0 to 3600 seconds. @default no baking period
        """
        return TrafficRouting(TrafficRoutingType.ALL_AT_ONCE, wait or cdk.Duration.seconds(0))

    @staticmethod
    def canary(*, size: CapacitySize, wait: cdk.Duration) -> TrafficRouting:
        """`size` of the traffic first (at most 50% of the capacity), `wait` watching the
        alarms, then the rest.

        :param wait: 0 to 3600 seconds.
        """
        return TrafficRouting(TrafficRoutingType.CANARY, wait, size)

    @staticmethod
    def linear(*, step: CapacitySize, wait: cdk.Duration) -> TrafficRouting:
        """Steps of `step` (10% to 50% of the capacity), each followed by `wait` watching the
        alarms.

        :param wait: 0 to 3600 seconds.
        """
        return TrafficRouting(TrafficRoutingType.LINEAR, wait, step)


@dataclass(frozen=True, kw_only=True)
class DeploymentConfig:
    """The endpoint's deployment guardrails: blue/green or rolling, with auto-rollback.

    Make one with `DeploymentConfig.blue_green(...)` or `DeploymentConfig.rolling(...)`.
    """

    maximum_execution_timeout: cdk.Duration | None
    rollback_alarms: tuple[cloudwatch.IAlarm, ...]

    @staticmethod
    def blue_green(
        *,
        traffic_routing: TrafficRouting | None = None,
        termination_wait: cdk.Duration | None = None,
        maximum_execution_timeout: cdk.Duration | None = None,
        rollback_alarms: Sequence[cloudwatch.IAlarm] = (),
    ) -> DeploymentConfig:
        """A new fleet beside the old one; traffic shifts to it, then the old fleet goes.

        :param traffic_routing: how the traffic shifts. @default TrafficRouting.all_at_once()
        :param termination_wait: how long the old fleet is kept after the shift, 0 to 3600
            seconds. @default 0
        :param maximum_execution_timeout: the whole deployment's limit, 600 to 28800 seconds,
            longer than the waits. @default SageMaker's default
        :param rollback_alarms: 0 to 10 alarms; if one fires during the deployment, SageMaker
            rolls back. @default no auto-rollback
        """
        return BlueGreenDeployment(
            maximum_execution_timeout=maximum_execution_timeout,
            rollback_alarms=tuple(rollback_alarms),
            traffic_routing=traffic_routing or TrafficRouting.all_at_once(),
            termination_wait=termination_wait,
        )

    @staticmethod
    def rolling(
        *,
        batch_size: CapacitySize,
        wait: cdk.Duration,
        rollback_batch_size: CapacitySize | None = None,
        maximum_execution_timeout: cdk.Duration | None = None,
        rollback_alarms: Sequence[cloudwatch.IAlarm] = (),
    ) -> DeploymentConfig:
        """Replace the fleet batch by batch, without a full second fleet.

        :param batch_size: instances replaced per step, 5% to 50% of the capacity.
        :param wait: the baking period after each batch, 0 to 3600 seconds.
        :param rollback_batch_size: instances restored per step on rollback.
            @default everything at once
        :param maximum_execution_timeout: the whole deployment's limit, 600 to 28800 seconds.
            @default SageMaker's default
        :param rollback_alarms: 0 to 10 alarms; if one fires during the deployment, SageMaker
            rolls back. @default no auto-rollback
        """
        return RollingDeployment(
            maximum_execution_timeout=maximum_execution_timeout,
            rollback_alarms=tuple(rollback_alarms),
            batch_size=batch_size,
            wait=wait,
            rollback_batch_size=rollback_batch_size,
        )


@dataclass(frozen=True, kw_only=True)
class BlueGreenDeployment(DeploymentConfig):
    """A blue/green deployment (made by `DeploymentConfig.blue_green`)."""

    traffic_routing: TrafficRouting
    termination_wait: cdk.Duration | None


@dataclass(frozen=True, kw_only=True)
class RollingDeployment(DeploymentConfig):
    """A rolling deployment (made by `DeploymentConfig.rolling`)."""

    batch_size: CapacitySize
    wait: cdk.Duration
    rollback_batch_size: CapacitySize | None
