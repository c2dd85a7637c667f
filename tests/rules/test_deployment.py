"""Deployment guardrails: canary, linear and rolling sizes, waits, timeouts and rollback alarms,
checked on what a `DeploymentConfig` says of itself (its `settings`)."""

from __future__ import annotations

from typing import Any, cast

import aws_cdk as cdk
import pytest
from aws_cdk import aws_cloudwatch as cloudwatch

from mce_constructs import CapacitySize, DeploymentConfig, TrafficRouting
from mce_constructs.rules.deployment import ROLLING_VARIANTS_WARNING_ID, check_deployment
from mce_constructs.rules.location import ROOT

from ..conftest import lines, new_stack, number_token

seconds = cdk.Duration.seconds


def messages(config: DeploymentConfig, variants: int = 1) -> list[str]:
    """The problems of `config` on an endpoint of `variants` variants."""
    return lines(check_deployment(config.settings(), variants, ROOT))


def canary(percent: int) -> DeploymentConfig:
    routing = TrafficRouting.canary(size=CapacitySize.percent(percent), wait=seconds(60))
    return DeploymentConfig.blue_green(traffic_routing=routing)


def linear(percent: int) -> DeploymentConfig:
    routing = TrafficRouting.linear(step=CapacitySize.percent(percent), wait=seconds(60))
    return DeploymentConfig.blue_green(traffic_routing=routing)


def rolling(**options: object) -> DeploymentConfig:
    settings: dict[str, object] = {"batch_size": CapacitySize.percent(20), "wait": seconds(60)}
    return DeploymentConfig.rolling(**(settings | options))  # type: ignore[arg-type]


EXAMPLES: list[tuple[Any, str]] = [
    (
        lambda: messages(canary(60)),
        "deployment.traffic_routing.size: 60% given; a canary is 1% to 50% of the variant's "
        "instances",
    ),
    (
        lambda: messages(rolling(batch_size=CapacitySize.percent(60))),
        "deployment.batch_size: 60% given; a rolling batch is 5% to 50% of the variant's instances",
    ),
    (
        # The rule counts the alarms: stand-ins do.
        lambda: messages(DeploymentConfig.blue_green(rollback_alarms=cast(Any, [None] * 11))),
        "deployment.rollback_alarms: 11 alarms given; auto-rollback watches 1 to 10 alarms",
    ),
]
WARNING_EXAMPLES = [
    (
        lambda: check_deployment(rolling().settings(), 2, ROOT),
        ROLLING_VARIANTS_WARNING_ID,
        "deployment: a rolling deployment on an endpoint with several production variants: the "
        "SageMaker Developer Guide lists multi-variant endpoints among the exclusions of rolling "
        "deployments, so SageMaker may not apply it as configured; use "
        "DeploymentConfig.blue_green(...) for an A/B endpoint",
    ),
]


@pytest.mark.parametrize("percent", [1, 50])
def test_canary_of_1_to_50_percent_is_accepted(percent: int) -> None:
    assert messages(canary(percent)) == []


@pytest.mark.parametrize("percent", [0, 51])
def test_canary_outside_1_to_50_percent_is_refused(percent: int) -> None:
    assert messages(canary(percent)) == [
        f"deployment.traffic_routing.size: {percent}% given; a canary is 1% to 50% of the "
        "variant's instances"
    ]


@pytest.mark.parametrize(("percent", "valid"), [(9, False), (10, True), (50, True), (51, False)])
def test_linear_step_is_10_to_50_percent(percent: int, valid: bool) -> None:
    expected = [
        f"deployment.traffic_routing.step: {percent}% given; a linear step is 10% to 50% of the "
        "variant's instances"
    ]
    assert messages(linear(percent)) == ([] if valid else expected)


@pytest.mark.parametrize(("percent", "valid"), [(4, False), (5, True), (50, True), (51, False)])
def test_rolling_batch_is_5_to_50_percent(percent: int, valid: bool) -> None:
    expected = [
        f"deployment.batch_size: {percent}% given; a rolling batch is 5% to 50% of the "
        "variant's instances"
    ]
    assert messages(rolling(batch_size=CapacitySize.percent(percent))) == (
        [] if valid else expected
    )


@pytest.mark.parametrize(("percent", "valid"), [(0, False), (1, True), (100, True), (101, False)])
def test_rollback_batch_is_1_to_100_percent(percent: int, valid: bool) -> None:
    expected = [
        f"deployment.rollback_batch_size: {percent}% given; a rollback batch is 1% to 100% of "
        "the variant's instances"
    ]
    config = rolling(rollback_batch_size=CapacitySize.percent(percent))
    assert messages(config) == ([] if valid else expected)


def test_sizes_in_instances_are_at_least_one() -> None:
    assert messages(rolling(batch_size=CapacitySize.instances(1))) == []
    routing = TrafficRouting.canary(size=CapacitySize.instances(0), wait=seconds(0))
    assert messages(DeploymentConfig.blue_green(traffic_routing=routing)) == [
        "deployment.traffic_routing.size: 0 instances given; a canary is at least 1 instance"
    ]


@pytest.mark.parametrize(("wait", "valid"), [(0, True), (3600, True), (3601, False)])
def test_waits_are_0_to_3600_seconds(wait: int, valid: bool) -> None:
    routing = TrafficRouting.all_at_once(wait=seconds(wait))
    blue_green = DeploymentConfig.blue_green(
        traffic_routing=routing, termination_wait=seconds(wait)
    )
    expected = [
        f"deployment.traffic_routing.wait: {wait} seconds given; 0 to 3600 seconds allowed",
        f"deployment.termination_wait: {wait} seconds given; 0 to 3600 seconds allowed",
    ]
    assert messages(blue_green) == ([] if valid else expected)
    rolling_wait = [f"deployment.wait: {wait} seconds given; 0 to 3600 seconds allowed"]
    assert messages(rolling(wait=seconds(wait))) == ([] if valid else rolling_wait)


@pytest.mark.parametrize(
    ("timeout", "valid"), [(599, False), (600, True), (28800, True), (28801, False)]
)
def test_maximum_execution_timeout_is_600_to_28800_seconds(timeout: int, valid: bool) -> None:
    expected = [
        f"deployment.maximum_execution_timeout: {timeout} seconds given; 600 to 28800 seconds "
        "allowed"
    ]
    for config in (
        DeploymentConfig.blue_green(maximum_execution_timeout=seconds(timeout)),
        rolling(maximum_execution_timeout=seconds(timeout)),
    ):
        assert messages(config) == ([] if valid else expected)


def test_maximum_execution_timeout_must_outlast_the_waits() -> None:
    config = DeploymentConfig.blue_green(
        traffic_routing=TrafficRouting.all_at_once(wait=seconds(400)),
        termination_wait=seconds(300),
        maximum_execution_timeout=seconds(700),
    )
    assert messages(config) == [
        "deployment.maximum_execution_timeout: 700 seconds given; it must be longer than "
        "termination_wait + traffic_routing.wait (700 seconds)"
    ]


def test_durations_are_whole_seconds() -> None:
    routing = TrafficRouting.all_at_once(wait=cdk.Duration.millis(1500))
    assert messages(DeploymentConfig.blue_green(traffic_routing=routing)) == [
        "deployment.traffic_routing.wait: 1.5 seconds given; a whole number of seconds is needed"
    ]


def test_tokens_are_not_checked() -> None:
    token = number_token("Seconds")
    step = CapacitySize.percent(cast(int, token))  # a number token is a float in Python
    routing = TrafficRouting.linear(step=step, wait=seconds(token))
    config = DeploymentConfig.blue_green(
        traffic_routing=routing,
        termination_wait=seconds(token),
        maximum_execution_timeout=seconds(token),
    )
    assert messages(config) == []


@pytest.fixture(scope="module")
def alarms() -> list[cloudwatch.IAlarm]:
    stack = new_stack("Alarms")
    return [
        cloudwatch.Alarm.from_alarm_arn(
            stack, f"A{index}", f"arn:aws:cloudwatch:us-east-1:123456789012:alarm:a{index}"
        )
        for index in range(11)
    ]


def test_at_most_ten_rollback_alarms(alarms: list[cloudwatch.IAlarm]) -> None:
    assert messages(DeploymentConfig.blue_green(rollback_alarms=alarms[:10])) == []
    assert messages(rolling(rollback_alarms=alarms)) == [
        "deployment.rollback_alarms: 11 alarms given; auto-rollback watches 1 to 10 alarms"
    ]


def test_rolling_with_one_variant_and_blue_green_with_several_are_not_warned_about() -> None:
    assert messages(rolling()) == []
    assert messages(DeploymentConfig.blue_green(), variants=2) == []
