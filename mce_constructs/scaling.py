"""Autoscaling of a variant's instance count with Application Auto Scaling.

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

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import aws_cdk as cdk
import jsii
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct, IConstruct

from ._validation import (
    FLAG,
    check_capacity_range,
    check_scalable_instance_type,
    check_target_value,
    report,
    type_problems,
)
from .errors import Problem
from .instance_type import InstanceType

if TYPE_CHECKING:
    # Imported where used: aws_applicationautoscaling and aws_cloudwatch cost about 25 and
    # 30 ms to import, which an app that does not scale does not pay.
    from aws_cdk import aws_applicationautoscaling as appscaling
    from aws_cdk import aws_cloudwatch as cloudwatch

    from .variants import EndpointVariant

TARGET_ID = "InstanceCount"
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


class ScalableInstanceCount:
    """The instance count of the endpoint's variant, scaled by Application Auto Scaling
    (made by `MultiContainerEndpoint.auto_scale_instance_count`)."""

    def __init__(self, scalable_target: appscaling.ScalableTarget, endpoint: Construct) -> None:
        self.scalable_target = scalable_target
        """The `ScalableTarget` (for scheduled or step scaling, use it directly)."""
        self._endpoint = endpoint

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
        from aws_cdk import aws_applicationautoscaling as appscaling

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
        problems = check_target_value(f"{method}.{target_option}", target_value)
        problems += type_problems(f"{method}.disable_scale_in", disable_scale_in, FLAG)
        report(self._endpoint, problems)
        return self.scalable_target.scale_to_track_metric(
            id,
            target_value=target_value,
            predefined_metric=predefined_metric,
            custom_metric=custom_metric,
            scale_in_cooldown=scale_in_cooldown,
            scale_out_cooldown=scale_out_cooldown,
            disable_scale_in=disable_scale_in or None,
        )


def scale_instance_count(
    scope: Construct,
    endpoint: sagemaker.CfnEndpoint,
    *,
    endpoint_name: str,
    variant_name: str,
    id_suffix: str,
    instance_type: str | InstanceType,
    captures_data: bool,
    min_capacity: int,
    max_capacity: int,
) -> ScalableInstanceCount:
    """Register the variant's instance count as a scalable target under `scope` (its ids end
    with `id_suffix`, one per variant).

    The target waits for the endpoint, and the endpoint keeps the scaled counts when a
    deployment updates it.
    """
    problems = check_capacity_range(min_capacity, max_capacity)
    problems += check_scalable_instance_type(instance_type)
    if scope.node.try_find_child(TARGET_ID + id_suffix) is not None:
        problems.append(
            Problem(
                "auto_scale_instance_count",
                "already called; the variant's instance count has one scalable target",
            )
        )
    report(scope, problems)
    from aws_cdk import aws_applicationautoscaling as appscaling

    stack = cdk.Stack.of(scope)
    role_arn = stack.format_arn(
        service="iam", region="", resource="role", resource_name=SERVICE_LINKED_ROLE
    )
    resource_id = scalable_resource_id(endpoint_name, variant_name)
    target = appscaling.ScalableTarget(
        scope,
        TARGET_ID + id_suffix,
        service_namespace=appscaling.ServiceNamespace.SAGEMAKER,
        resource_id=resource_id,
        scalable_dimension=SCALABLE_DIMENSION,
        min_capacity=min_capacity,
        max_capacity=max_capacity,
        role=iam.Role.from_role_arn(scope, ROLE_ID + id_suffix, role_arn),
    )
    resolved_id, logical_id = stack.resolve([resource_id, endpoint.logical_id])
    if not refers_to(resolved_id, logical_id):
        # A literal name (or a parameter) makes no reference that would order the two.
        target.node.add_dependency(endpoint)
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
    return ScalableInstanceCount(target, scope)


@jsii.implements(cdk.IAspect)
class _UnscaledVariants:
    """Warns, once every variant that will be autoscaled is (when the app is synthesized), of
    the variants of `endpoint` that are not."""

    def __init__(self, endpoint: Construct, variants: Sequence[EndpointVariant]) -> None:
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


def warn_of_unscaled_variants(endpoint: Construct, variants: Sequence[EndpointVariant]) -> None:
    """Warn at synthesis of the variants of `endpoint` that are not autoscaled (when some are)."""
    cdk.Aspects.of(endpoint).add(_UnscaledVariants(endpoint, variants))


def refers_to(value: Any, logical_id: str) -> bool:
    """Whether a resolved CloudFormation value has a `Ref` or `Fn::GetAtt` to `logical_id`."""
    if isinstance(value, dict):
        attribute = value.get("Fn::GetAtt")
        if value.get("Ref") == logical_id or (
            isinstance(attribute, list) and attribute[:1] == [logical_id]
        ):
            return True
        return any(refers_to(item, logical_id) for item in value.values())
    if isinstance(value, list):
        return any(refers_to(item, logical_id) for item in value)
    return False
