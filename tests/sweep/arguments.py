"""Every argument of every public callable, as a slot the argument sweep fills with a value of
a wrong type (DESIGN.md, guarantee 6).

A `Slot` calls one public callable with valid arguments but one, `value`, in a fresh stack, and
says which field the refusal must name and which kinds of value the argument takes (those are
not drawn). A factory's product is given to the endpoint: a factory keeps what it was given, and
the endpoint names it.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3

from mce_constructs import (
    CapacitySize,
    ContainerDefinition,
    ContainerImage,
    DataCapture,
    DeploymentConfig,
    InstanceType,
    InvocationMode,
    ModelData,
    MultiContainerEndpoint,
    TrafficRouting,
    VariantDefinition,
)

IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/img:1"
ALARM_ARN = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:errors"
ENDPOINT = "Mce"


class Kind(enum.Enum):
    """A kind of value drawn for an argument."""

    NONE = "None"
    TEXT = "a str"
    WHOLE = "an int"
    FRACTION = "a float"
    NAN = "NaN"
    INFINITY = "an infinity"
    FLAG = "a bool"
    OBJECT = "an object"
    LIST = "a list of None"
    DURATION = "a cdk.Duration"


def value_of(kind: Kind, negative: bool = False) -> Any:
    """A value of `kind`."""
    return {
        Kind.NONE: None,
        Kind.TEXT: "text",
        Kind.WHOLE: 7,
        Kind.FRACTION: 2.5,
        Kind.NAN: math.nan,
        Kind.INFINITY: -math.inf if negative else math.inf,
        Kind.FLAG: True,
        Kind.OBJECT: object(),
        Kind.LIST: [None],
        Kind.DURATION: cdk.Duration.minutes(1),
    }[kind]


NUMBERS = frozenset({Kind.WHOLE, Kind.FRACTION})


def container(**fields: Any) -> ContainerDefinition:
    return ContainerDefinition(**{"image": IMAGE, **fields})


def endpoint(stack: cdk.Stack, **options: Any) -> MultiContainerEndpoint:
    """An endpoint of one valid container and `options`."""
    options.setdefault("containers", [container()])
    return MultiContainerEndpoint(stack, ENDPOINT, **options)


def direct(stack: cdk.Stack) -> MultiContainerEndpoint:
    return endpoint(
        stack, containers=[container(container_hostname="a")], mode=InvocationMode.DIRECT
    )


def alarm(stack: cdk.Stack) -> cloudwatch.IAlarm:
    return cloudwatch.Alarm.from_alarm_arn(stack, "Alarm", ALARM_ARN)


@dataclass(frozen=True)
class Slot:
    """One argument of a public callable: `call(stack, value)` passes `value` to it; the refusal
    names `field`; `takes` are the kinds it accepts (never drawn)."""

    name: str
    call: Callable[[cdk.Stack, Any], object]
    field: str
    takes: frozenset[Kind] = frozenset()


def _slots() -> list[Slot]:
    def with_endpoint(option: str, **others: Any) -> Callable[[cdk.Stack, Any], object]:
        return lambda stack, value: endpoint(stack, **{option: value, **others})

    def with_container(option: str) -> Callable[[cdk.Stack, Any], object]:
        return lambda stack, value: endpoint(stack, containers=[container(**{option: value})])

    def with_variant(option: str) -> Callable[[cdk.Stack, Any], object]:
        def call(stack: cdk.Stack, value: Any) -> object:
            fields = {"name": "a", "containers": [container()], option: value}
            return MultiContainerEndpoint(stack, ENDPOINT, variants=[VariantDefinition(**fields)])

        return call

    def deploy(make: Callable[[cdk.Stack, Any], DeploymentConfig]) -> Any:
        return lambda stack, value: endpoint(stack, deployment=make(stack, value))

    minute = cdk.Duration.minutes(1)
    size = CapacitySize.percent(10)
    optional = frozenset({Kind.NONE})
    return [
        # The endpoint's own options.
        Slot("endpoint(containers)", lambda s, v: endpoint(s, containers=v), "containers"),
        Slot("endpoint(mode)", with_endpoint("mode"), "mode", optional),
        Slot("endpoint(instance_type)", with_endpoint("instance_type"), "instance_type", optional),
        Slot(
            "endpoint(initial_instance_count)",
            with_endpoint("initial_instance_count"),
            "initial_instance_count",
            frozenset({Kind.NONE, Kind.WHOLE}),
        ),
        Slot(
            "endpoint(variants)",
            lambda s, v: MultiContainerEndpoint(s, ENDPOINT, variants=v),
            "variants",
            optional,  # None: the single-variant form
        ),
        Slot(
            "endpoint(endpoint_name)",
            with_endpoint("endpoint_name"),
            "endpoint_name",
            frozenset({Kind.NONE, Kind.TEXT}),
        ),
        Slot("endpoint(role)", with_endpoint("role"), "role", optional),
        Slot(
            "endpoint(variant_name)",
            with_endpoint("variant_name"),
            "variant_name",
            frozenset({Kind.NONE, Kind.TEXT}),
        ),
        Slot("endpoint(vpc)", with_endpoint("vpc"), "vpc", optional),
        Slot(
            "endpoint(enable_network_isolation)",
            with_endpoint("enable_network_isolation"),
            "enable_network_isolation",
            frozenset({Kind.FLAG}),
        ),
        Slot("endpoint(kms_key)", with_endpoint("kms_key"), "kms_key", optional),
        Slot("endpoint(deployment)", with_endpoint("deployment"), "deployment", optional),
        Slot("endpoint(data_capture)", with_endpoint("data_capture"), "data_capture", optional),
        Slot("endpoint(volume_size)", with_endpoint("volume_size"), "volume_size", optional),
        Slot(
            "endpoint(model_data_download_timeout)",
            with_endpoint("model_data_download_timeout"),
            "model_data_download_timeout",
            frozenset({Kind.NONE, Kind.DURATION}),
        ),
        Slot(
            "endpoint(routing_strategy)",
            with_endpoint("routing_strategy"),
            "routing_strategy",
            optional,
        ),
        Slot(
            "endpoint(enable_ssm_access)",
            with_endpoint("enable_ssm_access"),
            "enable_ssm_access",
            frozenset({Kind.NONE, Kind.FLAG}),
        ),
        Slot("endpoint(tags)", with_endpoint("tags"), "tags", optional),
        # ContainerDefinition and VariantDefinition.
        Slot("ContainerDefinition(image)", with_container("image"), "containers[0].image"),
        Slot(
            "ContainerDefinition(container_hostname)",
            with_container("container_hostname"),
            "containers[0]",
            frozenset({Kind.NONE, Kind.TEXT}),
        ),
        Slot(
            "ContainerDefinition(model_data)",
            with_container("model_data"),
            "containers[0].model_data",
            optional,
        ),
        Slot(
            "ContainerDefinition(environment)",
            with_container("environment"),
            "containers[0].environment",
        ),
        Slot(
            "ContainerDefinition(source_code)",
            with_container("source_code"),
            "containers[0].source_code",
            optional,
        ),
        Slot(
            "VariantDefinition(name)", with_variant("name"), "variants[0]", frozenset({Kind.TEXT})
        ),
        Slot(
            "VariantDefinition(initial_weight)",
            with_variant("initial_weight"),
            "variants[0]",
            NUMBERS,
        ),
        Slot(
            "VariantDefinition(initial_instance_count)",
            with_variant("initial_instance_count"),
            "variants[0]",
            frozenset({Kind.WHOLE}),
        ),
        # Sources of images and model data.
        Slot(
            "ContainerImage.from_registry(uri)",
            lambda s, v: endpoint(s, containers=[container(image=ContainerImage.from_registry(v))]),
            "containers[0].image",
        ),
        Slot(
            "ContainerImage.from_ecr_repository(repository)",
            lambda s, v: endpoint(
                s, containers=[container(image=ContainerImage.from_ecr_repository(v))]
            ),
            "containers[0].image",
        ),
        Slot(
            "ContainerImage.from_asset(directory)",
            lambda s, v: endpoint(s, containers=[container(image=ContainerImage.from_asset(v))]),
            "containers[0].image",
        ),
        *(
            Slot(f"ModelData.{factory}(uri)", _model_data_of(factory), "containers[0].model_data")
            for factory in ("from_uri", "from_s3_prefix", "from_asset")
        ),
        Slot(
            "ModelData.from_bucket(bucket)",
            lambda s, v: endpoint(
                s, containers=[container(model_data=ModelData.from_bucket(v, "m.tar.gz"))]
            ),
            "containers[0].model_data",
        ),
        Slot(
            "ModelData.from_bucket(key)",
            lambda s, v: endpoint(
                s,
                containers=[
                    container(
                        model_data=ModelData.from_bucket(
                            s3.Bucket.from_bucket_name(s, "B", "models"), v
                        )
                    )
                ],
            ),
            "containers[0].model_data",
            frozenset({Kind.TEXT}),
        ),
        # Data capture.
        Slot(
            "DataCapture.to_uri(uri)",
            lambda s, v: endpoint(s, data_capture=DataCapture.to_uri(v)),
            "data_capture",
        ),
        Slot(
            "DataCapture.to_uri(sampling_percentage)",
            lambda s, v: endpoint(
                s, data_capture=DataCapture.to_uri("s3://b/c", sampling_percentage=v)
            ),
            "data_capture",
            frozenset({Kind.WHOLE}),
        ),
        # Deployment guardrails.
        Slot(
            "CapacitySize.percent(value)",
            deploy(
                lambda _, v: DeploymentConfig.blue_green(
                    traffic_routing=TrafficRouting.canary(size=CapacitySize.percent(v), wait=minute)
                )
            ),
            "deployment.traffic_routing.size",
            frozenset({Kind.WHOLE}),
        ),
        Slot(
            "CapacitySize.instances(count)",
            deploy(
                lambda _, v: DeploymentConfig.rolling(
                    batch_size=CapacitySize.instances(v), wait=minute
                )
            ),
            "deployment.batch_size",
            frozenset({Kind.WHOLE}),
        ),
        Slot(
            "TrafficRouting.canary(size)",
            deploy(
                lambda _, v: DeploymentConfig.blue_green(
                    traffic_routing=TrafficRouting.canary(size=v, wait=minute)
                )
            ),
            "deployment.traffic_routing.size",
        ),
        Slot(
            "TrafficRouting.linear(wait)",
            deploy(
                lambda _, v: DeploymentConfig.blue_green(
                    traffic_routing=TrafficRouting.linear(step=CapacitySize.percent(10), wait=v)
                )
            ),
            "deployment.traffic_routing.wait",
            frozenset({Kind.DURATION}),
        ),
        Slot(
            "TrafficRouting.all_at_once(wait)",
            deploy(
                lambda _, v: DeploymentConfig.blue_green(
                    traffic_routing=TrafficRouting.all_at_once(wait=v)
                )
            ),
            "deployment.traffic_routing.wait",
            frozenset({Kind.NONE, Kind.DURATION}),
        ),
        Slot(
            "DeploymentConfig.blue_green(traffic_routing)",
            deploy(lambda _, v: DeploymentConfig.blue_green(traffic_routing=v)),
            "deployment.traffic_routing",
            optional,
        ),
        Slot(
            "DeploymentConfig.blue_green(termination_wait)",
            deploy(lambda _, v: DeploymentConfig.blue_green(termination_wait=v)),
            "deployment.termination_wait",
            frozenset({Kind.NONE, Kind.DURATION}),
        ),
        Slot(
            "DeploymentConfig.blue_green(maximum_execution_timeout)",
            deploy(lambda _, v: DeploymentConfig.blue_green(maximum_execution_timeout=v)),
            "deployment.maximum_execution_timeout",
            optional,
        ),
        Slot(
            "DeploymentConfig.blue_green(rollback_alarms)",
            deploy(lambda _, v: DeploymentConfig.blue_green(rollback_alarms=v)),
            "deployment.rollback_alarms",
        ),
        Slot(
            "DeploymentConfig.rolling(batch_size)",
            deploy(lambda _, v: DeploymentConfig.rolling(batch_size=v, wait=minute)),
            "deployment.batch_size",
        ),
        Slot(
            "DeploymentConfig.rolling(wait)",
            deploy(lambda _, v: DeploymentConfig.rolling(batch_size=size, wait=v)),
            "deployment.wait",
            frozenset({Kind.DURATION}),
        ),
        Slot(
            "DeploymentConfig.rolling(rollback_batch_size)",
            deploy(
                lambda _, v: DeploymentConfig.rolling(
                    batch_size=size, wait=minute, rollback_batch_size=v
                )
            ),
            "deployment.rollback_batch_size",
            optional,
        ),
        Slot("InstanceType.of(name)", with_instance_type_of, "instance_type"),
        # Methods.
        Slot(
            "add_rollback_alarm(alarm)",
            lambda s, v: endpoint(s).add_rollback_alarm(v),
            "add_rollback_alarm",
        ),
        Slot("grant_invoke(grantee)", lambda s, v: endpoint(s).grant_invoke(v), "grant_invoke"),
        Slot(
            "grant_invoke(container_hostname)",
            lambda s, v: direct(s).grant_invoke(
                iam.Role(s, "R", assumed_by=iam.AccountRootPrincipal()), container_hostname=v
            ),
            "grant_invoke.container_hostname",
            optional,
        ),
        *(
            Slot(
                f"{method}(container_hostname)",
                _metric_of(method),
                "metric.container_hostname",
            )
            for method in (
                "metric_container_invocations",
                "metric_container_latency",
                "metric_container_cpu_utilization",
            )
        ),
        Slot("variant(name)", lambda s, v: endpoint(s).variant(v), "variant"),
        Slot(
            "auto_scale_instance_count(min_capacity)",
            lambda s, v: endpoint(s).auto_scale_instance_count(min_capacity=v, max_capacity=4),
            "auto_scale_instance_count.min_capacity",
            frozenset({Kind.WHOLE}),
        ),
        Slot(
            "auto_scale_instance_count(max_capacity)",
            lambda s, v: endpoint(s).auto_scale_instance_count(max_capacity=v),
            "auto_scale_instance_count.max_capacity",
            frozenset({Kind.WHOLE}),
        ),
        Slot(
            "scale_on_invocations(invocations_per_instance)",
            lambda s, v: (
                endpoint(s)
                .auto_scale_instance_count(max_capacity=4)
                .scale_on_invocations(invocations_per_instance=v)
            ),
            "scale_on_invocations.invocations_per_instance",
            NUMBERS,
        ),
        Slot(
            "scale_to_track_custom_metric(target_value)",
            lambda s, v: (
                endpoint(s)
                .auto_scale_instance_count(max_capacity=4)
                .scale_to_track_custom_metric(
                    "Custom",
                    metric=cloudwatch.Metric(namespace="N", metric_name="M"),
                    target_value=v,
                )
            ),
            "scale_to_track_custom_metric.target_value",
            NUMBERS,
        ),
        Slot(
            "scale_on_invocations(scale_in_cooldown)",
            lambda s, v: _scaled(s).scale_on_invocations(
                invocations_per_instance=100, scale_in_cooldown=v
            ),
            "scale_on_invocations.scale_in_cooldown",
            frozenset({Kind.NONE, Kind.DURATION}),
        ),
        Slot(
            "scale_on_schedule(min_capacity)",
            lambda s, v: _scaled(s).scale_on_schedule(
                "Night", schedule=appscaling.Schedule.cron(hour="0"), min_capacity=v
            ),
            "scale_on_schedule.min_capacity",
            frozenset({Kind.NONE, Kind.WHOLE}),
        ),
        Slot(
            "scale_on_metric(evaluation_periods)",
            lambda s, v: _scaled(s).scale_on_metric(
                "Steps", metric=METRIC, scaling_steps=STEPS, evaluation_periods=v
            ),
            "scale_on_metric.evaluation_periods",
            frozenset({Kind.NONE, Kind.WHOLE}),
        ),
        Slot(
            "scale_on_metric(scaling_steps)",
            lambda s, v: _scaled(s).scale_on_metric("Steps", metric=METRIC, scaling_steps=v),
            "scale_on_metric.scaling_steps",
        ),
        Slot(
            "ScalingInterval(change)",
            lambda s, v: _scaled(s).scale_on_metric(
                "Steps",
                metric=METRIC,
                scaling_steps=[
                    appscaling.ScalingInterval(upper=10, change=-1),
                    appscaling.ScalingInterval(lower=50, change=v),
                ],
            ),
            "scale_on_metric.scaling_steps[1].change",
            # The struct's own type checks (aws-cdk-lib's) refuse a change of another type.
            frozenset(Kind) - {Kind.NAN, Kind.INFINITY},
        ),
        Slot(
            "from_endpoint_name(name)",
            lambda s, v: MultiContainerEndpoint.from_endpoint_name(s, "Imported", v),
            "name",
            frozenset({Kind.TEXT}),
        ),
        Slot(
            "from_endpoint_name(variant_name)",
            lambda s, v: MultiContainerEndpoint.from_endpoint_name(
                s, "Imported", "ep", variant_name=v
            ),
            "variant_name",
            frozenset({Kind.TEXT}),
        ),
        Slot(
            "from_endpoint_name(container_hostnames)",
            lambda s, v: MultiContainerEndpoint.from_endpoint_name(
                s, "Imported", "ep", container_hostnames=v
            ),
            "container_hostnames",
            optional,
        ),
        Slot(
            "from_endpoint_arn(arn)",
            lambda s, v: MultiContainerEndpoint.from_endpoint_arn(s, "Imported", v),
            "arn",
        ),
    ]


METRIC = cloudwatch.Metric(namespace="AWS/SageMaker", metric_name="CPUUtilization")
STEPS = [
    appscaling.ScalingInterval(upper=10, change=-1),
    appscaling.ScalingInterval(lower=50, change=1),
]


def _scaled(stack: cdk.Stack) -> Any:
    """The scalable instance count of an endpoint."""
    return endpoint(stack).auto_scale_instance_count(max_capacity=4)


def _metric_of(method: str) -> Callable[[cdk.Stack, Any], object]:
    """A per-container metric of a Direct endpoint, for the hostname given."""
    return lambda stack, value: getattr(direct(stack), method)(value)


def _model_data_of(factory: str) -> Callable[[cdk.Stack, Any], object]:
    """An endpoint whose container's model data is `ModelData.<factory>(value)`."""
    return lambda stack, value: endpoint(
        stack, containers=[container(model_data=getattr(ModelData, factory)(value))]
    )


def with_instance_type_of(stack: cdk.Stack, value: Any) -> object:
    return endpoint(stack, instance_type=InstanceType.of(value))


SLOTS = _slots()
"""Every argument the sweep fills."""
