"""What operating an endpoint refuses: deployment ranges, autoscaling bounds, unknown containers.

The deployment rules are pure functions, tested at each boundary without synthesizing; the
construct-level tests show that the problems arrive in the one `MceValidationError`.
"""

from __future__ import annotations

from typing import cast

import aws_cdk as cdk
import pytest
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_iam as iam

from mce_constructs import (
    CapacitySize,
    ContainerDefinition,
    DeploymentConfig,
    InstanceType,
    InvocationMode,
    MceValidationError,
    MultiContainerEndpoint,
    TrafficRouting,
)
from mce_constructs._validation import EndpointSpec, validate
from mce_constructs.instance_type import instance_type_name

from .conftest import REGISTRY

seconds = cdk.Duration.seconds
DIRECT = [
    ContainerDefinition(image=f"{REGISTRY}/a:1", container_hostname="ranker"),
    ContainerDefinition(image=f"{REGISTRY}/b:1", container_hostname="embedder"),
]
SERIAL = [
    ContainerDefinition(image=f"{REGISTRY}/a:1"),
    ContainerDefinition(image=f"{REGISTRY}/b:1"),
]


def messages(config: DeploymentConfig) -> list[str]:
    """The problems the rules find in `config` (on an otherwise valid endpoint)."""
    spec = EndpointSpec(
        containers=SERIAL,
        mode=InvocationMode.SERIAL,
        instance_type="ml.m5.large",
        initial_instance_count=1,
        variant_name="AllTraffic",
        deployment=config,
    )
    return [str(problem) for problem in validate(spec)]


def canary(percent: int) -> DeploymentConfig:
    routing = TrafficRouting.canary(size=CapacitySize.percent(percent), wait=seconds(60))
    return DeploymentConfig.blue_green(traffic_routing=routing)


def linear(percent: int) -> DeploymentConfig:
    routing = TrafficRouting.linear(step=CapacitySize.percent(percent), wait=seconds(60))
    return DeploymentConfig.blue_green(traffic_routing=routing)


def rolling(**options: object) -> DeploymentConfig:
    settings: dict[str, object] = {"batch_size": CapacitySize.percent(20), "wait": seconds(60)}
    return DeploymentConfig.rolling(**(settings | options))  # type: ignore[arg-type]


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
    token = cdk.Token.as_number(cdk.Fn.ref("Seconds"))
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
    stack = cdk.Stack(cdk.App(), "Alarms")
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


# In the construct: one error with every problem


def error_for(stack: cdk.Stack, **options: object) -> MceValidationError:
    with pytest.raises(MceValidationError) as caught:
        MultiContainerEndpoint(stack, "Mce", **options)  # type: ignore[arg-type]
    return caught.value


def test_deployment_problems_join_the_other_problems_in_one_error(stack: cdk.Stack) -> None:
    error = error_for(stack, containers=[], deployment=canary(60))
    assert str(error) == (
        "TestStack/Mce: 2 problems in the multi-container endpoint:\n"
        "  - containers: 0 containers given; a multi-container endpoint has 1 to 15\n"
        "  - deployment.traffic_routing.size: 60% given; a canary is 1% to 50% of the "
        "variant's instances"
    )


def test_autoscaling_bounds_are_checked(stack: cdk.Stack) -> None:
    endpoint = MultiContainerEndpoint(stack, "Mce", containers=SERIAL)
    with pytest.raises(MceValidationError) as caught:
        endpoint.auto_scale_instance_count(min_capacity=0, max_capacity=-1)
    assert str(caught.value) == (
        "TestStack/Mce: 2 problems in the multi-container endpoint:\n"
        "  - auto_scale_instance_count.min_capacity: 0 given; a variant keeps at least 1 "
        "instance\n"
        "  - auto_scale_instance_count.max_capacity: -1 given; at least min_capacity (0)"
    )


def test_autoscaling_is_enabled_once_and_targets_are_positive(stack: cdk.Stack) -> None:
    endpoint = MultiContainerEndpoint(stack, "Mce", containers=SERIAL)
    scaling = endpoint.auto_scale_instance_count(max_capacity=2)
    with pytest.raises(MceValidationError) as caught:
        endpoint.auto_scale_instance_count(max_capacity=3)
    assert [str(problem) for problem in caught.value.problems] == [
        "auto_scale_instance_count: already called; the variant's instance count has one "
        "scalable target"
    ]
    with pytest.raises(MceValidationError) as caught:
        scaling.scale_on_invocations(invocations_per_instance=0)
    assert [str(problem) for problem in caught.value.problems] == [
        "scale_on_invocations.invocations_per_instance: 0 given; a scaling target is a "
        "positive number"
    ]


def test_container_grants_and_metrics_need_a_direct_endpoint_and_a_known_hostname(
    stack: cdk.Stack,
) -> None:
    direct = MultiContainerEndpoint(stack, "Direct", containers=DIRECT, mode=InvocationMode.DIRECT)
    serial = MultiContainerEndpoint(
        stack,
        "Serial",
        containers=[
            ContainerDefinition(image=f"{REGISTRY}/a:1", container_hostname="pre"),
            ContainerDefinition(image=f"{REGISTRY}/b:1", container_hostname="model"),
        ],
    )
    client = iam.Role(stack, "Client", assumed_by=iam.AccountRootPrincipal())
    with pytest.raises(MceValidationError) as caught:
        direct.grant_invoke(client, container_hostname="scorer")
    assert str(caught.value) == (
        "TestStack/Direct: 1 problem in the multi-container endpoint:\n"
        "  - grant_invoke.container_hostname: 'scorer' is not a container of this endpoint "
        "('ranker', 'embedder')"
    )
    with pytest.raises(MceValidationError) as caught:
        serial.grant_invoke(client, container_hostname="model")
    assert [str(problem) for problem in caught.value.problems] == [
        "grant_invoke.container_hostname: 'model' names a container, but this endpoint is a "
        "Serial pipeline; only a Direct-mode endpoint invokes its containers by hostname"
    ]
    with pytest.raises(MceValidationError) as caught:
        direct.metric_container_latency("ranker-v2")
    assert [str(problem) for problem in caught.value.problems] == [
        "metric.container_hostname: 'ranker-v2' is not a container of this endpoint "
        "('ranker', 'embedder')"
    ]


def test_imported_endpoints_check_the_hostnames_they_can(stack: cdk.Stack) -> None:
    unknown = MultiContainerEndpoint.from_endpoint_name(stack, "Unknown", "scorer")
    listed = MultiContainerEndpoint.from_endpoint_name(
        stack, "Listed", "scorer", container_hostnames=["a", "b"]
    )
    assert unknown.metric_container_invocations("any-valid-name").metric_name == "Invocations"
    with pytest.raises(MceValidationError) as caught:
        unknown.metric_container_invocations("not_valid")
    assert [str(problem) for problem in caught.value.problems] == [
        "metric.container_hostname: 'not_valid' is not a valid hostname: 1 to 63 letters, "
        "digits and hyphens, starting and ending with a letter or digit"
    ]
    with pytest.raises(MceValidationError) as caught:
        listed.grant_invoke(iam.AccountRootPrincipal(), container_hostname="c")
    assert str(caught.value).startswith("TestStack/Listed: 1 problem")
    assert [str(problem) for problem in caught.value.problems] == [
        "grant_invoke.container_hostname: 'c' is not a container of this endpoint ('a', 'b')"
    ]


def test_an_arn_without_an_endpoint_name_is_refused(stack: cdk.Stack) -> None:
    arn = "arn:aws:sagemaker:eu-west-1:210987654321:endpoint"
    with pytest.raises(ValueError, match="is not the ARN of a SageMaker endpoint"):
        MultiContainerEndpoint.from_endpoint_arn(stack, "Bad", arn)


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:sagemaker:eu-west-1:210987654321:endpoint-config/scorer",
        "arn:aws:sagemaker:eu-west-1:210987654321:model/scorer",
        "arn:aws:lambda:eu-west-1:210987654321:function:scorer",
        "arn:aws:sagemaker:eu-west-1:210987654321:endpoint/not_valid",
        "scorer",
        5,
    ],
)
def test_an_arn_that_is_not_an_endpoints_is_refused(stack: cdk.Stack, arn: object) -> None:
    with pytest.raises(MceValidationError) as caught:
        MultiContainerEndpoint.from_endpoint_arn(stack, "Bad", cast(str, arn))
    assert str(caught.value) == (
        "TestStack/Bad: 1 problem in the multi-container endpoint:\n"
        f"  - arn: {arn!r} is not the ARN of a SageMaker endpoint "
        "(arn:<partition>:sagemaker:<region>:<account>:endpoint/<name>)"
    )


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        (
            "fraud_scorer",
            "'fraud_scorer' is not a valid endpoint name: 1 to 63 letters, digits and hyphens, "
            "starting and ending with a letter or digit",
        ),
        (
            "a" * 64,
            f"{'a' * 64!r} is not a valid endpoint name: 1 to 63 letters, digits and hyphens, "
            "starting and ending with a letter or digit",
        ),
        (5, "5 is not a str"),
    ],
)
def test_an_invalid_endpoint_name_is_refused(stack: cdk.Stack, name: object, problem: str) -> None:
    with pytest.raises(MceValidationError) as caught:
        MultiContainerEndpoint.from_endpoint_name(stack, "Bad", cast(str, name))
    assert str(caught.value) == (
        f"TestStack/Bad: 1 problem in the multi-container endpoint:\n  - name: {problem}"
    )


@pytest.mark.parametrize("instance_type", ["ml.t2.medium", InstanceType.of("ml.t3.large")])
def test_autoscaling_on_a_burstable_instance_type_is_refused(
    stack: cdk.Stack, instance_type: str | InstanceType
) -> None:
    endpoint = MultiContainerEndpoint(
        stack, "Burst", containers=SERIAL, instance_type=instance_type
    )
    with pytest.raises(MceValidationError) as caught:
        endpoint.auto_scale_instance_count(max_capacity=4)
    name = instance_type_name(instance_type)
    assert str(caught.value) == (
        "TestStack/Burst: 1 problem in the multi-container endpoint:\n"
        f"  - auto_scale_instance_count: the variant runs on {name!r}, a burstable instance "
        "type, and SageMaker does not autoscale burstable (ml.t*) instances: choose another "
        "instance_type"
    )
    assert endpoint.node.try_find_child("InstanceCount") is None


def test_method_arguments_of_a_wrong_type_are_refused_naming_them(stack: cdk.Stack) -> None:
    endpoint = MultiContainerEndpoint(stack, "Mce", containers=DIRECT, mode=InvocationMode.DIRECT)
    with pytest.raises(MceValidationError) as caught:
        endpoint.auto_scale_instance_count(min_capacity=cast(int, "1"), max_capacity=cast(int, 2.5))
    assert [str(problem) for problem in caught.value.problems] == [
        "auto_scale_instance_count.min_capacity: '1' is not a whole number",
        "auto_scale_instance_count.max_capacity: 2.5 is not a whole number",
    ]
    scaling = endpoint.auto_scale_instance_count(max_capacity=2)
    with pytest.raises(MceValidationError) as caught:
        scaling.scale_on_invocations(invocations_per_instance=cast(float, "100"))
    assert [str(problem) for problem in caught.value.problems] == [
        "scale_on_invocations.invocations_per_instance: '100' is not a number"
    ]
    with pytest.raises(MceValidationError) as caught:
        scaling.scale_on_invocations(
            invocations_per_instance=100, disable_scale_in=cast(bool, "yes")
        )
    assert [str(problem) for problem in caught.value.problems] == [
        "scale_on_invocations.disable_scale_in: 'yes' is not a bool"
    ]
    client = iam.Role(stack, "Client", assumed_by=iam.AccountRootPrincipal())
    with pytest.raises(MceValidationError) as caught:
        endpoint.grant_invoke(client, container_hostname=cast(str, 5))
    assert [str(problem) for problem in caught.value.problems] == [
        "grant_invoke.container_hostname: 5 is not a str"
    ]
    imported = MultiContainerEndpoint.from_endpoint_name(stack, "Imported", "scorer")
    with pytest.raises(MceValidationError) as caught:
        imported.metric_container_latency(cast(str, 5))
    assert [str(problem) for problem in caught.value.problems] == [
        "metric.container_hostname: 5 is not a str"
    ]
