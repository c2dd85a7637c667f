"""Deployment guardrails: the service's ranges as pure rules, and the CloudFormation shape.

The rules return `Problem`s like every other rule so that the construct reports them together
with the rest in one `MceValidationError`. A duration or a size that is a token is skipped.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_sagemaker as sagemaker

from ._tokens import is_unresolved
from ._validation import Problem
from .deployment import (
    BlueGreenDeployment,
    CapacitySize,
    CapacityUnit,
    DeploymentConfig,
    RollingDeployment,
    TrafficRoutingType,
)

WAIT_SECONDS = (0, 3600)
TERMINATION_WAIT_SECONDS = (0, 3600)
EXECUTION_TIMEOUT_SECONDS = (600, 28800)
CANARY_PERCENT = (1, 50)
LINEAR_STEP_PERCENT = (10, 50)
ROLLING_BATCH_PERCENT = (5, 50)
ROLLBACK_BATCH_PERCENT = (1, 100)
MAX_ROLLBACK_ALARMS = 10


def _seconds(duration: cdk.Duration | None) -> float | None:
    """The duration in seconds, or None when it is absent or a token."""
    if duration is None or duration.is_unresolved():
        return None
    return duration.to_seconds(integral=False)


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def check_duration(
    where: str, duration: cdk.Duration | None, limits: tuple[int, int]
) -> list[Problem]:
    """A whole number of seconds within `limits` (inclusive)."""
    seconds = _seconds(duration)
    if seconds is None:
        return []
    low, high = limits
    if seconds != int(seconds):
        return [
            Problem(where, f"{_number(seconds)} seconds given; a whole number of seconds is needed")
        ]
    if not low <= seconds <= high:
        return [
            Problem(where, f"{_number(seconds)} seconds given; {low} to {high} seconds allowed")
        ]
    return []


def check_capacity(
    where: str, size: CapacitySize | None, what: str, percent: tuple[int, int]
) -> list[Problem]:
    """A share of the fleet: a percentage within `percent`, or at least one instance."""
    if size is None or is_unresolved(size.value):
        return []
    if size.unit is CapacityUnit.INSTANCES:
        if size.value >= 1:
            return []
        return [Problem(where, f"{size.value} instances given; {what} is at least 1 instance")]
    low, high = percent
    if low <= size.value <= high:
        return []
    return [
        Problem(
            where, f"{size.value}% given; {what} is {low}% to {high}% of the variant's instances"
        )
    ]


def check_rollback_alarms(config: DeploymentConfig) -> list[Problem]:
    count = len(config.rollback_alarms)
    if count <= MAX_ROLLBACK_ALARMS:
        return []
    return [
        Problem(
            "deployment.rollback_alarms",
            f"{count} alarms given; auto-rollback watches 1 to {MAX_ROLLBACK_ALARMS} alarms",
        )
    ]


def check_blue_green(config: BlueGreenDeployment) -> list[Problem]:
    routing = config.traffic_routing
    problems = []
    if routing.type is TrafficRoutingType.CANARY:
        problems += check_capacity(
            "deployment.traffic_routing.size", routing.size, "a canary", CANARY_PERCENT
        )
    elif routing.type is TrafficRoutingType.LINEAR:
        problems += check_capacity(
            "deployment.traffic_routing.step", routing.size, "a linear step", LINEAR_STEP_PERCENT
        )
    problems += check_duration("deployment.traffic_routing.wait", routing.wait, WAIT_SECONDS)
    problems += check_duration(
        "deployment.termination_wait", config.termination_wait, TERMINATION_WAIT_SECONDS
    )
    timeout_problems = check_duration(
        "deployment.maximum_execution_timeout",
        config.maximum_execution_timeout,
        EXECUTION_TIMEOUT_SECONDS,
    )
    problems += timeout_problems or check_timeout_exceeds_waits(config)
    return problems


def check_timeout_exceeds_waits(config: BlueGreenDeployment) -> list[Problem]:
    """The service model: the timeout must be longer than the termination wait and the wait."""
    timeout = _seconds(config.maximum_execution_timeout)
    termination_wait = _seconds(config.termination_wait or cdk.Duration.seconds(0))
    wait = _seconds(config.traffic_routing.wait)
    if timeout is None or termination_wait is None or wait is None:
        return []
    if timeout > termination_wait + wait:
        return []
    return [
        Problem(
            "deployment.maximum_execution_timeout",
            f"{_number(timeout)} seconds given; it must be longer than termination_wait + "
            f"traffic_routing.wait ({_number(termination_wait + wait)} seconds)",
        )
    ]


def check_rolling(config: RollingDeployment) -> list[Problem]:
    return [
        *check_capacity(
            "deployment.batch_size", config.batch_size, "a rolling batch", ROLLING_BATCH_PERCENT
        ),
        *check_duration("deployment.wait", config.wait, WAIT_SECONDS),
        *check_capacity(
            "deployment.rollback_batch_size",
            config.rollback_batch_size,
            "a rollback batch",
            ROLLBACK_BATCH_PERCENT,
        ),
        *check_duration(
            "deployment.maximum_execution_timeout",
            config.maximum_execution_timeout,
            EXECUTION_TIMEOUT_SECONDS,
        ),
    ]


def check_deployment(config: DeploymentConfig | None) -> list[Problem]:
    """Every problem with the deployment configuration (none when there is none)."""
    if config is None:
        return []
    problems = check_rollback_alarms(config)
    if isinstance(config, BlueGreenDeployment):
        return check_blue_green(config) + problems
    if isinstance(config, RollingDeployment):
        return check_rolling(config) + problems
    return problems


def _capacity(size: CapacitySize) -> sagemaker.CfnEndpoint.CapacitySizeProperty:
    return sagemaker.CfnEndpoint.CapacitySizeProperty(type=size.unit.value, value=size.value)


def _whole_seconds(duration: cdk.Duration | None) -> float | None:
    return None if duration is None else duration.to_seconds()


def _blue_green_policy(
    config: BlueGreenDeployment,
) -> sagemaker.CfnEndpoint.BlueGreenUpdatePolicyProperty:
    routing = config.traffic_routing
    size = _capacity(routing.size) if routing.size else None
    return sagemaker.CfnEndpoint.BlueGreenUpdatePolicyProperty(
        traffic_routing_configuration=sagemaker.CfnEndpoint.TrafficRoutingConfigProperty(
            type=routing.type.value,
            wait_interval_in_seconds=routing.wait.to_seconds(),
            canary_size=size if routing.type is TrafficRoutingType.CANARY else None,
            linear_step_size=size if routing.type is TrafficRoutingType.LINEAR else None,
        ),
        termination_wait_in_seconds=_whole_seconds(config.termination_wait),
        maximum_execution_timeout_in_seconds=_whole_seconds(config.maximum_execution_timeout),
    )


def _rolling_policy(config: RollingDeployment) -> sagemaker.CfnEndpoint.RollingUpdatePolicyProperty:
    return sagemaker.CfnEndpoint.RollingUpdatePolicyProperty(
        maximum_batch_size=_capacity(config.batch_size),
        wait_interval_in_seconds=config.wait.to_seconds(),
        rollback_maximum_batch_size=_capacity(config.rollback_batch_size)
        if config.rollback_batch_size
        else None,
        maximum_execution_timeout_in_seconds=_whole_seconds(config.maximum_execution_timeout),
    )


def render_deployment(config: DeploymentConfig) -> sagemaker.CfnEndpoint.DeploymentConfigProperty:
    """The endpoint's `DeploymentConfig` property."""
    rollback = None
    if config.rollback_alarms:
        rollback = sagemaker.CfnEndpoint.AutoRollbackConfigProperty(
            alarms=[
                sagemaker.CfnEndpoint.AlarmProperty(alarm_name=alarm.alarm_name)
                for alarm in config.rollback_alarms
            ]
        )
    return sagemaker.CfnEndpoint.DeploymentConfigProperty(
        blue_green_update_policy=_blue_green_policy(config)
        if isinstance(config, BlueGreenDeployment)
        else None,
        rolling_update_policy=_rolling_policy(config)
        if isinstance(config, RollingDeployment)
        else None,
        auto_rollback_configuration=rollback,
    )


def rollback_alarm_arns(config: DeploymentConfig | None) -> list[str]:
    """The ARNs of the alarms that roll an update back. SageMaker reads them as the endpoint's
    execution role during the update, so that role may describe exactly these alarms."""
    if config is None:
        return []
    return [alarm.alarm_arn for alarm in config.rollback_alarms]
