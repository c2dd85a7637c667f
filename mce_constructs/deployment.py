"""How an update reaches the endpoint: deployment guardrails (blue/green or rolling) and
auto-rollback on CloudWatch alarms.

A deployment configuration is a property of the endpoint alone: it never changes the models or
the endpoint config and never replaces the endpoint. SageMaker applies it to every later
`UpdateEndpoint` (the first deployment creates the endpoint directly). Each configuration says
what the rules read of it (`settings`, checked by `rules/deployment.py`) and renders the
endpoint's `DeploymentConfig` (`render`).
"""

from __future__ import annotations

import abc
import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

import aws_cdk as cdk
from aws_cdk import aws_sagemaker as sagemaker

from ._tokens import unconvertible_duration
from .errors import Problem
from .rules.arguments import (
    ALARM,
    DURATION,
    NUMBER,
    check_items,
    check_token_unit,
    check_type,
    is_list,
)
from .rules.deployment import (
    BlueGreenSettings,
    CapacitySettings,
    DeploymentSettings,
    RollingSettings,
)
from .rules.location import Location
from .rules.values import is_number, is_unknown, shown

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

    def problems(self, where: Location) -> list[Problem]:
        """The types of what the size was given (`where`: the size's field)."""
        problems = []
        if not isinstance(self.unit, CapacityUnit):
            problems.append(where.problem(f"{shown(self.unit)} is not a CapacityUnit"))
        value = self.value
        if not is_unknown(value):
            problems += check_type(value, NUMBER, where)
        return problems

    def settings(self) -> CapacitySettings:
        """What the rules read of the size (a token value is not known)."""
        known = is_number(self.value) and not is_unknown(self.value)
        return CapacitySettings(self.unit.value, self.value if known else None)

    def render(self) -> sagemaker.CfnEndpoint.CapacitySizeProperty:
        """The `CapacitySize` property."""
        return sagemaker.CfnEndpoint.CapacitySizeProperty(type=self.unit.value, value=self.value)

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
        return TrafficRouting(
            TrafficRoutingType.ALL_AT_ONCE, cdk.Duration.seconds(0) if wait is None else wait
        )

    def problems(self, where: Location) -> list[Problem]:
        """The types of what the routing was given (`where`: the endpoint's
        `TrafficRoutingConfiguration`)."""
        problems = []
        if not isinstance(self.type, TrafficRoutingType):
            problems.append(where.problem(f"{shown(self.type)} is not a TrafficRoutingType"))
        size_field = "LinearStepSize" if self.type is TrafficRoutingType.LINEAR else "CanarySize"
        if isinstance(self.size, CapacitySize):
            problems += self.size.problems(where.field(size_field))
        elif self.size is not None:
            problems.append(
                where.field(size_field).problem(
                    f"{shown(self.size)} is not a CapacitySize (e.g. CapacitySize.percent(10))"
                )
            )
        return problems + duration_problems(self.wait, where.field("WaitIntervalInSeconds"))

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
class DeploymentConfig(abc.ABC):
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
            rollback_alarms=_as_tuple(rollback_alarms),
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
            rollback_alarms=_as_tuple(rollback_alarms),
            batch_size=batch_size,
            wait=wait,
            rollback_batch_size=rollback_batch_size,
        )

    def problems(self, where: Location) -> list[Problem]:
        """The types of what the configuration was given (`where`: the endpoint's
        `DeploymentConfig`); `settings` and `render` read a configuration that has none."""
        return [
            *optional_duration_problems(
                self.maximum_execution_timeout, where.field("MaximumExecutionTimeoutInSeconds")
            ),
            *check_items(
                self.rollback_alarms,
                ALARM,
                where.field("AutoRollbackConfiguration").field("Alarms"),
            ),
        ]

    @abc.abstractmethod
    def settings(self) -> DeploymentSettings:
        """What the rules read of the configuration."""

    def render(self) -> sagemaker.CfnEndpoint.DeploymentConfigProperty:
        """The endpoint's `DeploymentConfig` property."""
        rollback = None
        if self.rollback_alarms:
            rollback = sagemaker.CfnEndpoint.AutoRollbackConfigProperty(
                alarms=[
                    sagemaker.CfnEndpoint.AlarmProperty(alarm_name=alarm.alarm_name)
                    for alarm in self.rollback_alarms
                ]
            )
        return self._render_policy(rollback)

    @abc.abstractmethod
    def _render_policy(
        self, rollback: sagemaker.CfnEndpoint.AutoRollbackConfigProperty | None
    ) -> sagemaker.CfnEndpoint.DeploymentConfigProperty:
        """The `DeploymentConfig` with this configuration's policy and `rollback`."""


@dataclass(frozen=True, kw_only=True)
class BlueGreenDeployment(DeploymentConfig):
    """A blue/green deployment (made by `DeploymentConfig.blue_green`)."""

    traffic_routing: TrafficRouting
    termination_wait: cdk.Duration | None

    def problems(self, where: Location) -> list[Problem]:
        policy = where.field("BlueGreenUpdatePolicy")
        routing = policy.field("TrafficRoutingConfiguration")
        problems = super().problems(where)
        if isinstance(self.traffic_routing, TrafficRouting):
            problems += self.traffic_routing.problems(routing)
        else:
            problems.append(
                routing.problem(
                    f"{shown(self.traffic_routing)} is not a TrafficRouting "
                    "(e.g. TrafficRouting.canary(...))"
                )
            )
        return problems + optional_duration_problems(
            self.termination_wait, policy.field("TerminationWaitInSeconds")
        )

    def settings(self) -> DeploymentSettings:
        routing = self.traffic_routing
        # An absent termination wait is the service's default, 0 seconds.
        termination_wait = self.termination_wait or cdk.Duration.seconds(0)
        return DeploymentSettings(
            blue_green=BlueGreenSettings(
                routing_type=routing.type.value,
                size=None if routing.size is None else routing.size.settings(),
                wait_seconds=_seconds(routing.wait),
                termination_wait_seconds=_seconds(termination_wait),
                maximum_execution_timeout_seconds=_seconds(self.maximum_execution_timeout),
            ),
            alarm_count=len(self.rollback_alarms),
        )

    def _render_policy(
        self, rollback: sagemaker.CfnEndpoint.AutoRollbackConfigProperty | None
    ) -> sagemaker.CfnEndpoint.DeploymentConfigProperty:
        routing = self.traffic_routing
        size = routing.size.render() if routing.size else None
        policy = sagemaker.CfnEndpoint.BlueGreenUpdatePolicyProperty(
            traffic_routing_configuration=sagemaker.CfnEndpoint.TrafficRoutingConfigProperty(
                type=routing.type.value,
                wait_interval_in_seconds=routing.wait.to_seconds(),
                canary_size=size if routing.type is TrafficRoutingType.CANARY else None,
                linear_step_size=size if routing.type is TrafficRoutingType.LINEAR else None,
            ),
            termination_wait_in_seconds=_whole_seconds(self.termination_wait),
            maximum_execution_timeout_in_seconds=_whole_seconds(self.maximum_execution_timeout),
        )
        return sagemaker.CfnEndpoint.DeploymentConfigProperty(
            blue_green_update_policy=policy, auto_rollback_configuration=rollback
        )


@dataclass(frozen=True, kw_only=True)
class RollingDeployment(DeploymentConfig):
    """A rolling deployment (made by `DeploymentConfig.rolling`)."""

    batch_size: CapacitySize
    wait: cdk.Duration
    rollback_batch_size: CapacitySize | None

    def problems(self, where: Location) -> list[Problem]:
        policy = where.field("RollingUpdatePolicy")
        problems = super().problems(where)
        for name, size in (
            ("MaximumBatchSize", self.batch_size),
            ("RollbackMaximumBatchSize", self.rollback_batch_size),
        ):
            if isinstance(size, CapacitySize):
                problems += size.problems(policy.field(name))
            elif size is not None or name == "MaximumBatchSize":
                problems.append(
                    policy.field(name).problem(
                        f"{shown(size)} is not a CapacitySize (e.g. CapacitySize.percent(10))"
                    )
                )
        return problems + duration_problems(self.wait, policy.field("WaitIntervalInSeconds"))

    def settings(self) -> DeploymentSettings:
        rollback = self.rollback_batch_size
        return DeploymentSettings(
            rolling=RollingSettings(
                batch_size=self.batch_size.settings(),
                wait_seconds=_seconds(self.wait),
                rollback_batch_size=None if rollback is None else rollback.settings(),
                maximum_execution_timeout_seconds=_seconds(self.maximum_execution_timeout),
            ),
            alarm_count=len(self.rollback_alarms),
        )

    def _render_policy(
        self, rollback: sagemaker.CfnEndpoint.AutoRollbackConfigProperty | None
    ) -> sagemaker.CfnEndpoint.DeploymentConfigProperty:
        policy = sagemaker.CfnEndpoint.RollingUpdatePolicyProperty(
            maximum_batch_size=self.batch_size.render(),
            wait_interval_in_seconds=self.wait.to_seconds(),
            rollback_maximum_batch_size=self.rollback_batch_size.render()
            if self.rollback_batch_size
            else None,
            maximum_execution_timeout_in_seconds=_whole_seconds(self.maximum_execution_timeout),
        )
        return sagemaker.CfnEndpoint.DeploymentConfigProperty(
            rolling_update_policy=policy, auto_rollback_configuration=rollback
        )


def duration_problems(duration: object, where: Location) -> list[Problem]:
    """A `cdk.Duration`, whose amount, when a token, is in seconds."""
    problems = check_type(duration, DURATION, where)
    if problems:
        return problems
    return check_token_unit(unconvertible_duration(cast(cdk.Duration, duration)), "seconds", where)


def optional_duration_problems(duration: object, where: Location) -> list[Problem]:
    """None (the default) or what `duration_problems` accepts."""
    return [] if duration is None else duration_problems(duration, where)


def _as_tuple(alarms: Sequence[cloudwatch.IAlarm]) -> tuple[cloudwatch.IAlarm, ...]:
    """The alarms as given, in a tuple (a value of another type is kept, for the endpoint's
    validation to name it)."""
    return tuple(alarms) if is_list(alarms) else cast(tuple["cloudwatch.IAlarm", ...], alarms)


def _seconds(duration: cdk.Duration | None) -> float | None:
    """A duration in seconds for the rules (None when absent or a token)."""
    if duration is None or duration.is_unresolved():
        return None
    return duration.to_seconds(integral=False)


def _whole_seconds(duration: cdk.Duration | None) -> float | None:
    """A duration as the template writes it."""
    return None if duration is None else duration.to_seconds()
