"""The CloudFormation shape of the deployment guardrails (their rules are in `_validation`)."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_sagemaker as sagemaker

from .deployment import (
    BlueGreenDeployment,
    CapacitySize,
    DeploymentConfig,
    RollingDeployment,
    TrafficRoutingType,
)


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
