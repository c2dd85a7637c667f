"""Autoscaling of a variant's instance count with Application Auto Scaling.

`ScalableInstanceCount` is a `BaseScalableAttribute`, as the alpha module's and the ECS
service's are: target tracking, step and scheduled scaling come with it. Its scalable target
and policies keep the logical ids and the policy names that earlier versions gave them (where
the target was the endpoint's child `InstanceCount`), so that upgrading replaces none of them.

With autoscaling on any variant the endpoint keeps the scaled instance counts across
deployments (`RetainAllVariantProperties`), but still applies the weights of the new config
(`ExcludeRetainedVariantProperties`): without that, a changed weight would silently do nothing
on deploy. The retained count is every variant's, so an endpoint that scales some variants but
not others warns that a changed `initial_instance_count` of the others is not applied.
SageMaker refuses to change the instance type of a variant that has a scaling policy, or to
remove it, so a scaled endpoint carries a warning that explains the safe procedure (see
docs/operations.md, "Autoscaling").
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, cast

import aws_cdk as cdk
import jsii
from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct, IConstruct

from .deployment import optional_duration_problems
from .errors import Problem, report
from .rules.arguments import FLAG, NUMBER, WHOLE_NUMBER, check_optional, check_type, is_list
from .rules.location import ROOT, Location
from .rules.scaling import (
    check_capacity_range,
    check_requests_per_second,
    check_scalable_instance_type,
    check_target_value,
)
from .rules.values import shown

if TYPE_CHECKING:
    from aws_cdk import aws_cloudwatch as cloudwatch

TARGET_ID = "InstanceCount"
_BASE_TARGET_ID = "Target"
"""The id `BaseScalableAttribute` gives its scalable target."""
SCALABLE_DIMENSION = "sagemaker:variant:DesiredInstanceCount"
SERVICE_LINKED_ROLE = (
    "aws-service-role/sagemaker.application-autoscaling.amazonaws.com/"
    "AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint"
)
ROLE_ID = "ScalingRole"
INSTANCE_TYPE_WARNING_ID = "mce-constructs:scaledInstanceType"
APPLIED_ON_UPDATE = ("DesiredWeight",)
"""The variant properties (`VariantPropertyType`) that an update of a scaled endpoint takes
from the new config instead of retaining them; the instance count is retained. Not
`DataCaptureConfig`: the API reference (`VariantProperty`) and CloudFormation's page both say
"(Not currently supported.)" of it, and no source says what listing it does."""
SCALED_CAPTURE_WARNING_ID = "mce-constructs:scaledDataCapture"
SCALED_CAPTURE_WARNING = (
    "Autoscaling and data capture: with autoscaling the endpoint is updated with "
    "RetainAllVariantProperties, and no source says whether a changed data capture setting of "
    "the new endpoint config is then applied (the one way to ask for it, "
    "ExcludeRetainedVariantProperties DataCaptureConfig, is marked '(Not currently "
    "supported.)'). Check a capture change after deploying it (DescribeEndpoint's "
    "DataCaptureConfig)."
)
UNSCALED_VARIANTS_WARNING_ID = "mce-constructs:unscaledVariantCount"


SECONDS_PER_MINUTE = 60
"""`SageMakerVariantInvocationsPerInstance` counts a minute's invocations."""


def invocations_per_instance_target(max_requests_per_second: float, safety_factor: float) -> float:
    """The invocations per instance per minute to track for an instance that serves at most
    `max_requests_per_second`, scaled out at `safety_factor` of it (aws-sagemaker-alpha,
    `scalable-instance-count.ts`, `calculateScalingTarget`; Developer Guide,
    endpoint-scaling-loadtest: "SageMakerVariantInvocationsPerInstance = (MAX_RPS *
    SAFETY_FACTOR) * 60")."""
    return safety_factor * max_requests_per_second * SECONDS_PER_MINUTE


def unscaled_variants_warning(unscaled: Sequence[str]) -> str:
    """What an endpoint that scales some variants but not `unscaled` warns."""
    names = ", ".join(repr(name) for name in unscaled)
    return (
        f"Variants {names} are not autoscaled, but the endpoint retains every variant's instance "
        "count on update (RetainAllVariantProperties, which autoscaling needs): a changed "
        f"initial_instance_count of {names} is not applied on deploy. Autoscale them too, or "
        "change their count with the Application Auto Scaling or SageMaker API "
        "(UpdateEndpointWeightsAndCapacities)."
    )


def scalable_resource_id(endpoint_name: str, variant_name: str) -> str:
    """Application Auto Scaling's id of a production variant."""
    return f"endpoint/{endpoint_name}/variant/{variant_name}"


def instance_type_warning(variant_name: str) -> str:
    return (
        f"Autoscaling is on for variant {variant_name!r}: SageMaker refuses to change the "
        "instance type of a variant that has a scaling policy, or to remove the variant, so a "
        "deployment that does either fails and rolls back. To do it, deploy once without "
        "auto_scale_instance_count on the variant (this deregisters the scalable target), then "
        "deploy the change (a new instance_type with auto_scale_instance_count back)."
    )


def _names_before(scope: Construct, id: str) -> tuple[str, str]:
    """The unique id (a policy's default name) and the logical id that the stack gives a
    construct `scope/id` and its `Resource`: what the scalable target and its policies had
    when they were made at that path. A construct is made there, read and removed."""
    placeholder = Construct(scope, id)
    element = cdk.CfnResource(placeholder, "Resource", type="AWS::CloudFormation::WaitCondition")
    names = cdk.Names.unique_id(placeholder), cdk.Stack.of(scope).resolve(element.logical_id)
    scope.node.try_remove_child(id)
    return names[0], str(names[1])


class ScalableInstanceCount(appscaling.BaseScalableAttribute):
    """The instance count of one production variant, scaled by Application Auto Scaling
    (made by `auto_scale_instance_count` of the endpoint or of a variant)."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        endpoint_name: str,
        variant_name: str,
        role: iam.IRole,
        min_capacity: int,
        max_capacity: int,
    ) -> None:
        _, logical_id = _names_before(scope, id)
        super().__init__(
            scope,
            id,
            service_namespace=appscaling.ServiceNamespace.SAGEMAKER,
            resource_id=scalable_resource_id(endpoint_name, variant_name),
            dimension=SCALABLE_DIMENSION,
            role=role,
            min_capacity=min_capacity,
            max_capacity=max_capacity,
        )
        self._owner = scope
        target = cast(cdk.CfnResource, self.scalable_target.node.default_child)
        target.override_logical_id(logical_id)
        self.node.default_child = target

    @property
    def scalable_target(self) -> appscaling.ScalableTarget:
        """The `ScalableTarget` (its scheduled and step scaling are `scale_on_schedule` and
        `scale_on_metric`)."""
        return cast(appscaling.ScalableTarget, self.node.find_child(_BASE_TARGET_ID))

    def scale_on_invocations(
        self,
        id: str = "InvocationsScaling",
        *,
        invocations_per_instance: float,
        scale_in_cooldown: cdk.Duration | None = None,
        scale_out_cooldown: cdk.Duration | None = None,
        disable_scale_in: bool = False,
    ) -> appscaling.TargetTrackingScalingPolicy:
        """Keep `SageMakerVariantInvocationsPerInstance` (requests per instance per minute)
        near `invocations_per_instance`.

        :param scale_in_cooldown: wait after a scale-in. @default the service's default
        :param scale_out_cooldown: wait after a scale-out. @default the service's default
        :param disable_scale_in: only ever scale out. @default False
        """
        return self._track(
            id,
            "scale_on_invocations",
            "invocations_per_instance",
            invocations_per_instance,
            predefined_metric=appscaling.PredefinedMetric.SAGEMAKER_VARIANT_INVOCATIONS_PER_INSTANCE,
            scale_in_cooldown=scale_in_cooldown,
            scale_out_cooldown=scale_out_cooldown,
            disable_scale_in=disable_scale_in,
        )

    def scale_on_invocations_per_second(
        self,
        max_requests_per_second: float,
        id: str = "InvocationsScaling",
        *,
        safety_factor: float = 0.5,
        scale_in_cooldown: cdk.Duration | None = None,
        scale_out_cooldown: cdk.Duration | None = None,
        disable_scale_in: bool = False,
    ) -> appscaling.TargetTrackingScalingPolicy:
        """Scale on invocations, from the requests per second one instance serves at most (as
        measured by a load test): the target of `SageMakerVariantInvocationsPerInstance`
        (invocations per instance per minute) is `safety_factor * max_requests_per_second * 60`,
        as the alpha L2's `scaleOnInvocations` computes it and as the Developer Guide's
        load-testing page gives it.

        :param max_requests_per_second: the most requests per second one instance serves; a
            positive, finite number.
        :param safety_factor: the share of that rate to scale out at, greater than 0 and at
            most 1. @default 0.5 (the Developer Guide's recommended start)
        :param scale_in_cooldown: wait after a scale-in. @default the service's default
        :param scale_out_cooldown: wait after a scale-out. @default the service's default
        :param disable_scale_in: only ever scale out. @default False
        """
        where = ROOT.field("scale_on_invocations_per_second")
        report(
            self._owner,
            check_requests_per_second(max_requests_per_second, safety_factor, where),
        )
        return self._track(
            id,
            "scale_on_invocations_per_second",
            "max_requests_per_second",
            invocations_per_instance_target(max_requests_per_second, safety_factor),
            predefined_metric=appscaling.PredefinedMetric.SAGEMAKER_VARIANT_INVOCATIONS_PER_INSTANCE,
            scale_in_cooldown=scale_in_cooldown,
            scale_out_cooldown=scale_out_cooldown,
            disable_scale_in=disable_scale_in,
        )

    def scale_to_track_custom_metric(
        self,
        id: str,
        *,
        metric: cloudwatch.IMetric,
        target_value: float,
        scale_in_cooldown: cdk.Duration | None = None,
        scale_out_cooldown: cdk.Duration | None = None,
        disable_scale_in: bool = False,
    ) -> appscaling.TargetTrackingScalingPolicy:
        """Keep `metric` near `target_value`: more instances above it, fewer below (the
        metric must fall as instances are added, like a utilization).

        :param scale_in_cooldown: wait after a scale-in. @default the service's default
        :param scale_out_cooldown: wait after a scale-out. @default the service's default
        :param disable_scale_in: only ever scale out. @default False
        """
        return self._track(
            id,
            "scale_to_track_custom_metric",
            "target_value",
            target_value,
            custom_metric=metric,
            scale_in_cooldown=scale_in_cooldown,
            scale_out_cooldown=scale_out_cooldown,
            disable_scale_in=disable_scale_in,
        )

    def scale_on_schedule(
        self,
        id: str,
        *,
        schedule: appscaling.Schedule,
        min_capacity: int | None = None,
        max_capacity: int | None = None,
        start_time: datetime.datetime | None = None,
        end_time: datetime.datetime | None = None,
        time_zone: cdk.TimeZone | None = None,
    ) -> None:
        """Set the capacity bounds at scheduled times (`appscaling.ScalingSchedule`).

        :param min_capacity: the new fewest instances. @default unchanged
        :param max_capacity: the new most instances. @default unchanged
        :param start_time: when the schedule starts. @default now
        :param end_time: when it ends. @default never
        :param time_zone: the time zone of a cron schedule. @default UTC
        """
        where = ROOT.field("scale_on_schedule")
        report(
            self._owner,
            [
                problem
                for name, value in (("min_capacity", min_capacity), ("max_capacity", max_capacity))
                for problem in check_optional(value, WHOLE_NUMBER, where.field(name))
            ],
        )
        self._do_scale_on_schedule(
            id,
            schedule=schedule,
            min_capacity=min_capacity,
            max_capacity=max_capacity,
            start_time=start_time,
            end_time=end_time,
            time_zone=time_zone,
        )

    def scale_on_metric(
        self,
        id: str,
        *,
        metric: cloudwatch.IMetric,
        scaling_steps: Sequence[appscaling.ScalingInterval],
        adjustment_type: appscaling.AdjustmentType | None = None,
        cooldown: cdk.Duration | None = None,
        evaluation_periods: int | None = None,
        datapoints_to_alarm: int | None = None,
    ) -> None:
        """Step scaling: change the capacity by steps as `metric` crosses the
        `scaling_steps` (`appscaling.BasicStepScalingPolicyProps`).

        :param adjustment_type: how a step's change is read. @default a change in capacity
        :param cooldown: wait after a change. @default the service's default
        :param evaluation_periods: periods the alarms evaluate. @default 1
        :param datapoints_to_alarm: breaching periods that fire an alarm.
            @default evaluation_periods
        """
        where = ROOT.field("scale_on_metric")
        problems = optional_duration_problems(cooldown, where.field("cooldown"))
        for name, value in (
            ("evaluation_periods", evaluation_periods),
            ("datapoints_to_alarm", datapoints_to_alarm),
        ):
            problems += check_optional(value, WHOLE_NUMBER, where.field(name))
        problems += _step_problems(scaling_steps, where.field("scaling_steps"))
        report(self._owner, problems)
        self._do_scale_on_metric(
            id,
            metric=metric,
            scaling_steps=scaling_steps,
            adjustment_type=adjustment_type,
            cooldown=cooldown,
            evaluation_periods=evaluation_periods,
            datapoints_to_alarm=datapoints_to_alarm,
        )

    def _track(
        self,
        id: str,
        method: str,
        target_option: str,
        target_value: float,
        *,
        predefined_metric: appscaling.PredefinedMetric | None = None,
        custom_metric: cloudwatch.IMetric | None = None,
        scale_in_cooldown: cdk.Duration | None,
        scale_out_cooldown: cdk.Duration | None,
        disable_scale_in: bool,
    ) -> appscaling.TargetTrackingScalingPolicy:
        """A target-tracking policy with the name and logical id it had as the target's
        child in earlier versions."""
        where = ROOT.field(method)
        problems = check_target_value(
            target_value, where.field(target_option), custom=custom_metric is not None
        )
        problems += check_type(disable_scale_in, FLAG, where.field("disable_scale_in"))
        for name, cooldown in (
            ("scale_in_cooldown", scale_in_cooldown),
            ("scale_out_cooldown", scale_out_cooldown),
        ):
            problems += optional_duration_problems(cooldown, where.field(name))
        if id == _BASE_TARGET_ID:
            problems.append(
                where.problem(f"{id!r} is the id of the scalable target; give the policy another")
            )
        report(self._owner, problems)
        policy_name, logical_id = _names_before(self, id)
        self._do_scale_to_track_metric(
            id,
            target_value=target_value,
            predefined_metric=predefined_metric,
            custom_metric=custom_metric,
            policy_name=policy_name,
            scale_in_cooldown=scale_in_cooldown,
            scale_out_cooldown=scale_out_cooldown,
            disable_scale_in=disable_scale_in or None,
        )
        policy = cast(
            appscaling.TargetTrackingScalingPolicy, self.scalable_target.node.find_child(id)
        )
        cast(cdk.CfnResource, policy.node.default_child).override_logical_id(logical_id)
        return policy

    @staticmethod
    def of_variant(
        scope: Construct,
        endpoint: sagemaker.CfnEndpoint,
        *,
        endpoint_name: str,
        variant_name: str,
        id_suffix: str,
        instance_type: str | None,
        captures_data: bool,
        fixed_endpoint_name: bool,
        min_capacity: int,
        max_capacity: int,
    ) -> ScalableInstanceCount:
        """Register a variant's instance count as a scalable target under `scope`, the
        endpoint (its ids end with `id_suffix`, one per variant).

        The target waits for the endpoint, and the endpoint keeps the scaled counts when a
        deployment updates it.
        """
        where = ROOT.field("auto_scale_instance_count")
        problems = check_capacity_range(min_capacity, max_capacity, where)
        problems += check_scalable_instance_type(instance_type, where)
        if scope.node.try_find_child(TARGET_ID + id_suffix) is not None:
            problems.append(
                where.problem(
                    "already called; the variant's instance count has one scalable target"
                )
            )
        report(scope, problems)
        role_arn = cdk.Stack.of(scope).format_arn(
            service="iam", region="", resource="role", resource_name=SERVICE_LINKED_ROLE
        )
        scaling = ScalableInstanceCount(
            scope,
            TARGET_ID + id_suffix,
            endpoint_name=endpoint_name,
            variant_name=variant_name,
            role=iam.Role.from_role_arn(scope, ROLE_ID + id_suffix, role_arn),
            min_capacity=min_capacity,
            max_capacity=max_capacity,
        )
        if fixed_endpoint_name:
            # A given name (a literal or a parameter) makes no reference to the endpoint that
            # would order the two; a generated one is read with Fn::GetAtt, which does.
            scaling.scalable_target.node.add_dependency(endpoint)
        _retain_scaled_counts(scope, endpoint, variant_name, captures_data=captures_data)
        return scaling


def _step_problems(steps: object, where: Location) -> list[Problem]:
    """Step scaling's intervals: a list of `appscaling.ScalingInterval`s whose bounds and
    changes are finite numbers (NaN or an infinity would stop jsii)."""
    if not is_list(steps):
        return [where.problem(f"{shown(steps)} is not a list of appscaling.ScalingInterval")]
    problems = []
    for index, step in enumerate(cast(Sequence[object], steps)):
        at = where.index(index)
        if not isinstance(step, appscaling.ScalingInterval):
            problems.append(at.problem(f"{shown(step)} is not an appscaling.ScalingInterval"))
            continue
        problems += check_type(step.change, NUMBER, at.field("change"))
        for name in ("lower", "upper"):
            problems += check_optional(getattr(step, name), NUMBER, at.field(name))
    return problems


def _retain_scaled_counts(
    scope: Construct, endpoint: sagemaker.CfnEndpoint, variant_name: str, *, captures_data: bool
) -> None:
    """The endpoint keeps the scaled instance counts on update but applies the new weights; a
    scaled endpoint warns about changing its instance type (and about its data capture)."""
    endpoint.retain_all_variant_properties = True
    endpoint.exclude_retained_variant_properties = [
        sagemaker.CfnEndpoint.VariantPropertyProperty(variant_property_type=property_type)
        for property_type in APPLIED_ON_UPDATE
    ]
    if captures_data:
        cdk.Annotations.of(scope).add_warning_v2(SCALED_CAPTURE_WARNING_ID, SCALED_CAPTURE_WARNING)
    cdk.Annotations.of(scope).add_warning_v2(
        INSTANCE_TYPE_WARNING_ID, instance_type_warning(variant_name)
    )


class _Scaled(Protocol):
    """A variant that may be autoscaled (an `EndpointVariant`)."""

    @property
    def variant_name(self) -> str: ...

    @property
    def scaling(self) -> ScalableInstanceCount | None: ...


@jsii.implements(cdk.IAspect)
class _UnscaledVariants:
    """Warns, once every variant that will be autoscaled is (when the app is synthesized), of
    the variants of `endpoint` that are not."""

    def __init__(self, endpoint: Construct, variants: Sequence[_Scaled]) -> None:
        self._endpoint = endpoint
        self._variants = variants

    def visit(self, node: IConstruct) -> None:
        if node is not self._endpoint:
            return
        unscaled = [variant.variant_name for variant in self._variants if not variant.scaling]
        if unscaled:
            cdk.Annotations.of(node).add_warning_v2(
                UNSCALED_VARIANTS_WARNING_ID, unscaled_variants_warning(unscaled)
            )


def warn_of_unscaled_variants(endpoint: Construct, variants: Sequence[_Scaled]) -> None:
    """Warn at synthesis of the variants of `endpoint` that are not autoscaled (when some are)."""
    cdk.Aspects.of(endpoint).add(_UnscaledVariants(endpoint, variants))
