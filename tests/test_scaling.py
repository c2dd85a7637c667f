"""Autoscaling a variant's instance count: a `BaseScalableAttribute` (target tracking, step
and scheduled scaling) whose target and policies keep the logical ids and names of earlier
versions; the bounds, the instance types it scales and its arguments are checked."""

from __future__ import annotations

from typing import cast

import aws_cdk as cdk
import pytest
from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_iam as iam

from mce_constructs import (
    InstanceType,
    InvocationMode,
    MceValidationError,
    MultiContainerEndpoint,
    ScalableInstanceCount,
)
from mce_constructs.instance_type import instance_type_name

from .conftest import containers, new_stack, resources_of_type, template_of

DIRECT = containers("ranker", "embedder", hostnames=True)
SERIAL = containers("a", "b")


def earlier_ids(policy_id: str) -> tuple[str, str, str]:
    """The logical ids of the scalable target and of a policy, and the policy's name, as an
    earlier version made them: the target was the endpoint's child `InstanceCount` and the
    policies its children."""
    stack = new_stack("TestStack")
    endpoint = cdk.Resource(stack, "Mce")
    target = appscaling.ScalableTarget(
        endpoint,
        "InstanceCount",
        service_namespace=appscaling.ServiceNamespace.SAGEMAKER,
        resource_id="endpoint/e/variant/v",
        scalable_dimension="sagemaker:variant:DesiredInstanceCount",
        min_capacity=1,
        max_capacity=2,
    )
    policy = target.scale_to_track_metric(
        policy_id,
        target_value=1,
        predefined_metric=appscaling.PredefinedMetric.SAGEMAKER_VARIANT_INVOCATIONS_PER_INSTANCE,
    )
    resolved = [
        stack.resolve(cast(cdk.CfnResource, c.node.default_child).logical_id)
        for c in (target, policy)
    ]
    name = stack.resolve(cast(appscaling.CfnScalingPolicy, policy.node.default_child).policy_name)
    return resolved[0], resolved[1], name


def test_the_target_and_its_policies_keep_their_logical_ids_and_names(stack: cdk.Stack) -> None:
    endpoint = MultiContainerEndpoint(stack, "Mce", containers=SERIAL)
    scaling = endpoint.auto_scale_instance_count(max_capacity=4)
    assert isinstance(scaling, ScalableInstanceCount)
    assert isinstance(scaling, appscaling.BaseScalableAttribute)
    scaling.scale_on_invocations(invocations_per_instance=100)
    template = template_of(stack)
    target_id, policy_id, policy_name = earlier_ids("InvocationsScaling")
    assert list(resources_of_type(template, "AWS::ApplicationAutoScaling::ScalableTarget")) == [
        target_id
    ]
    policies = resources_of_type(template, "AWS::ApplicationAutoScaling::ScalingPolicy")
    assert list(policies) == [policy_id]
    assert policies[policy_id]["Properties"]["PolicyName"] == policy_name
    default_child = scaling.node.default_child
    assert default_child is not None
    assert default_child.node.path == "TestStack/Mce/InstanceCount/Target/Resource"


def test_scheduled_and_step_scaling_come_with_the_scalable_attribute(stack: cdk.Stack) -> None:
    endpoint = MultiContainerEndpoint(stack, "Mce", containers=SERIAL)
    scaling = endpoint.auto_scale_instance_count(max_capacity=4)
    scaling.scale_on_schedule(
        "Nightly", schedule=appscaling.Schedule.cron(hour="2", minute="0"), max_capacity=1
    )
    scaling.scale_on_metric(
        "Cpu",
        metric=endpoint.metric_cpu_utilization(),
        scaling_steps=[
            appscaling.ScalingInterval(upper=30, change=-1),
            appscaling.ScalingInterval(lower=80, change=+1),
        ],
    )
    template = template_of(stack)
    (target,) = resources_of_type(template, "AWS::ApplicationAutoScaling::ScalableTarget").values()
    (action,) = target["Properties"]["ScheduledActions"]
    assert action["Schedule"] == "cron(0 2 * * ? *)"
    assert action["ScalableTargetAction"] == {"MaxCapacity": 1}
    steps = resources_of_type(template, "AWS::ApplicationAutoScaling::ScalingPolicy")
    assert {policy["Properties"]["PolicyType"] for policy in steps.values()} == {"StepScaling"}


def test_a_policy_may_not_take_the_id_of_the_target(stack: cdk.Stack) -> None:
    scaling = MultiContainerEndpoint(stack, "Mce", containers=SERIAL).auto_scale_instance_count(
        max_capacity=2
    )
    with pytest.raises(MceValidationError) as caught:
        scaling.scale_on_invocations("Target", invocations_per_instance=10)
    assert [str(problem) for problem in caught.value.problems] == [
        "scale_on_invocations: 'Target' is the id of the scalable target; give the policy another"
    ]


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
