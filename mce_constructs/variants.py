"""Production variants: `VariantDefinition` (what one variant of an A/B endpoint serves, and on
what instances), and `EndpointVariant` (one variant of a created endpoint: its model, its
autoscaling and its metrics).

The single-variant form of `MultiContainerEndpoint` (`containers=`, `mode=`, ...) is one
`VariantDefinition` named `variant_name`; the `variants=` form lists up to 10. Each variant gets
a model of its own, or serves a `MultiContainerModel` that several variants can share; the
endpoint config lists them all. `VariantDefinition` is the one place the defaults of a variant
live.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import aws_cdk as cdk
from aws_cdk import aws_sagemaker as sagemaker

from ._tokens import is_unresolved, unconvertible_duration, unconvertible_size
from .container import ContainerDefinition, InvocationMode, check_containers
from .errors import Problem, report
from .instance_type import InstanceType, check_instance_type_argument, instance_type_name
from .metrics import SingleVariantMetrics, only_variant
from .model import MultiContainerModel, mode_problems, model_settings
from .rules.arguments import FLAG, check_token_unit, check_type
from .rules.containers import ModelSettings
from .rules.location import ROOT, SINGLE_VARIANT, Location
from .rules.lookups import as_configured, check_container_hostname
from .rules.values import UNKNOWN, is_number, is_unknown, is_whole_number, shown
from .rules.variants import VariantSettings, count_problem, variant_where, weight_problem

if TYPE_CHECKING:
    # Imported where used, so that an app that does not use them does not pay for them.
    from aws_cdk import aws_cloudwatch as cloudwatch

    from .scaling import ScalableInstanceCount

DEFAULT_INSTANCE_TYPE = "ml.m5.large"
DEFAULT_VARIANT_NAME = "AllTraffic"


class RoutingStrategy(enum.Enum):
    """How a variant routes requests to its instances (`RoutingConfig.RoutingStrategy`)."""

    LEAST_OUTSTANDING_REQUESTS = "LEAST_OUTSTANDING_REQUESTS"
    """To the instances with the most capacity to process them."""
    RANDOM = "RANDOM"
    """To a randomly chosen instance (the service's default)."""
    PREFIX_AWARE = "PREFIX_AWARE"
    """To the instance that served requests with the same prompt prefix (for language
    models; `RoutingConfig.RoutingStrategy` in the CloudFormation schema, which has no
    `KV_AWARE`)."""


@dataclass(frozen=True, kw_only=True)
class VariantDefinition:
    """One production variant of an A/B endpoint: its containers (a model of its own), its
    instances and its share of the traffic."""

    name: str
    """The variant's name: unique in the endpoint, and kept across updates (as deployment
    guardrails and autoscaling need)."""
    containers: Sequence[ContainerDefinition] = ()
    """The variant's containers, 1 to 15, in pipeline order for Serial mode: a model of the
    variant's own. Give `containers` or `model`. With `model`, the model's containers.
    @default none (give `model`)"""
    model: MultiContainerModel | None = None
    """A `MultiContainerModel` the variant serves instead of a model of its own: several
    variants (of one endpoint or of several) can share it (one `AWS::SageMaker::Model`). Its
    mode is the variant's. The endpoint's `vpc`, `enable_network_isolation` and `role` are not
    the model's: it has its own. @default none (give `containers`)"""
    mode: InvocationMode = InvocationMode.SERIAL
    """Serial (an inference pipeline) or Direct (invoke one container by hostname); with
    `model`, the model's. @default InvocationMode.SERIAL"""
    instance_type: str | InstanceType = DEFAULT_INSTANCE_TYPE
    """The variant's instance type: a str from the service's list, or `InstanceType.of(...)`
    for a type the list does not know yet. @default "ml.m5.large\""""
    initial_instance_count: int = 1
    """Instances at creation. @default 1"""
    initial_weight: float = 1
    """The variant's share of the traffic is its weight divided by the sum of all weights:
    at least 0, and not 0 on every variant. @default 1"""
    volume_size: cdk.Size | None = None
    """The storage volume of each instance, 1 to 512 GiB (`VolumeSizeInGB`).
    @default SageMaker's default for the instance type"""
    model_data_download_timeout: cdk.Duration | None = None
    """How long SageMaker may take to download and extract the model data, 60 to 3600
    seconds (`ModelDataDownloadTimeoutInSeconds`). @default SageMaker's default"""
    container_startup_health_check_timeout: cdk.Duration | None = None
    """How long the containers may take to pass their health check, 60 to 3600 seconds
    (`ContainerStartupHealthCheckTimeoutInSeconds`). @default SageMaker's default"""
    routing_strategy: RoutingStrategy | None = None
    """How requests are routed to the instances. @default SageMaker's default (random)"""
    enable_ssm_access: bool = False
    """Allow AWS Systems Manager sessions on the variant's instances (`EnableSSMAccess`).
    @default False"""

    def __post_init__(self) -> None:
        # Keep the definition immutable: copy the caller's list. A value of a wrong type is
        # kept as it is, for the endpoint's validation to name it.
        if isinstance(self.containers, Sequence) and not isinstance(self.containers, str):
            object.__setattr__(self, "containers", tuple(self.containers))
        # A shared model's containers and mode are the variant's (for its grants, metrics and
        # rules). A Direct `mode` given with a Serial model is kept, for the check to name it.
        model = self.model
        if isinstance(model, MultiContainerModel) and self.containers == ():
            object.__setattr__(self, "containers", model.containers)
            if self.mode is InvocationMode.SERIAL:
                object.__setattr__(self, "mode", model.mode)


def variant_location(index: int, definition: VariantDefinition, *, single: bool) -> Location:
    """Where the problems of a variant are: the construct's own options in the single-variant
    form (whose variant name is `variant_name`), else `variants[<index>] ('<name>')`."""
    if single:
        return Location(SINGLE_VARIANT)
    return variant_where(ROOT, index, definition.name)


def _seconds(duration: object) -> float | None:
    """A duration in seconds (None when absent, of a wrong type, or a token)."""
    if not isinstance(duration, cdk.Duration) or duration.is_unresolved():
        return None
    return duration.to_seconds(integral=False)


def variant_settings(definition: VariantDefinition) -> VariantSettings:
    """What the rules read of a variant; a value of a wrong type (refused by
    `check_variant_definition`) or known only at deploy time is left out."""
    count, weight, size = (
        definition.initial_instance_count,
        definition.initial_weight,
        definition.volume_size,
    )
    gibibytes = None
    if isinstance(size, cdk.Size) and not size.is_unresolved():
        gibibytes = size.to_gibibytes(rounding=cdk.SizeRoundingBehavior.NONE)
    return VariantSettings(
        name=definition.name if isinstance(definition.name, str) else UNKNOWN,
        mode=definition.mode.value if isinstance(definition.mode, InvocationMode) else None,
        instance_type=instance_type_name(definition.instance_type),
        listed_instance_type=not isinstance(definition.instance_type, InstanceType),
        initial_instance_count=count if is_whole_number(count) and not is_unknown(count) else None,
        initial_variant_weight=weight if is_number(weight) and not is_unknown(weight) else None,
        volume_size_in_gb=gibibytes,
        model_data_download_timeout_in_seconds=_seconds(definition.model_data_download_timeout),
        container_startup_health_check_timeout_in_seconds=_seconds(
            definition.container_startup_health_check_timeout
        ),
    )


def own_model_settings(definition: VariantDefinition, *, in_vpc: bool) -> ModelSettings | None:
    """What the rules read of a variant's own model (None when its containers are not a list,
    or it serves a `MultiContainerModel`, which checked its own)."""
    if definition.model is not None:
        return None
    return model_settings(definition.containers, definition.mode, in_vpc=in_vpc)


def _model_problems(definition: VariantDefinition, where: Location) -> list[Problem]:
    """`containers` or `model` (a `MultiContainerModel`), not both; with `model`, its mode."""
    model = definition.model
    if model is None:
        return check_containers(definition.containers, where)
    at = where.field("model")
    if not isinstance(model, MultiContainerModel):
        return [at.problem(f"{shown(model)} is not a MultiContainerModel")]
    if definition.containers != model.containers:
        return [at.problem("give containers or model, not both (the model has its containers)")]
    if isinstance(definition.mode, InvocationMode) and definition.mode is not model.mode:
        return [
            where.field("Mode").problem(
                f"{definition.mode.value}, but the model is {model.mode.value}: a variant "
                "serves its model in the model's mode (give mode to the MultiContainerModel)"
            )
        ]
    return []


def _option_problems(definition: VariantDefinition, where: Location) -> list[Problem]:
    """The types of the variant's settings (a token is of any type)."""
    problems: list[Problem] = []
    volume_size = definition.volume_size
    if volume_size is not None and not isinstance(volume_size, cdk.Size):
        problems.append(
            where.field("VolumeSizeInGB").problem(
                f"{shown(volume_size)} is not a cdk.Size (e.g. cdk.Size.gibibytes(30))"
            )
        )
    elif volume_size is not None:
        problems += check_token_unit(
            unconvertible_size(volume_size), "gibibytes", where.field("VolumeSizeInGB")
        )
    for name, duration in (
        ("ModelDataDownloadTimeoutInSeconds", definition.model_data_download_timeout),
        (
            "ContainerStartupHealthCheckTimeoutInSeconds",
            definition.container_startup_health_check_timeout,
        ),
    ):
        if duration is not None and not isinstance(duration, cdk.Duration):
            problems.append(
                where.field(name).problem(
                    f"{shown(duration)} is not a cdk.Duration (e.g. cdk.Duration.minutes(10))"
                )
            )
        elif duration is not None:
            problems += check_token_unit(
                unconvertible_duration(duration), "seconds", where.field(name)
            )
    strategy = definition.routing_strategy
    if strategy is not None and not isinstance(strategy, RoutingStrategy):
        problems.append(
            where.field("RoutingStrategy").problem(
                f"{shown(strategy)} is not a RoutingStrategy; use "
                "RoutingStrategy.LEAST_OUTSTANDING_REQUESTS or RoutingStrategy.RANDOM"
            )
        )
    return problems + check_type(definition.enable_ssm_access, FLAG, where.field("EnableSSMAccess"))


def check_variant_definition(definition: VariantDefinition, where: Location) -> list[Problem]:
    """The types of everything a variant is given (`where`: the variant's location)."""
    problems: list[Problem] = []
    if not isinstance(definition.name, str):
        problems.append(
            where.field("VariantName").problem(f"{shown(definition.name)} is not a str")
        )
    problems += _model_problems(definition, where)
    problems += mode_problems(definition.mode, where)
    problems += check_instance_type_argument(definition.instance_type, where)
    count = definition.initial_instance_count
    if not is_unknown(count) and not is_whole_number(count):
        problems.append(count_problem(where.field("InitialInstanceCount"), count))
    weight = definition.initial_weight
    if not is_unknown(weight) and not is_number(weight):
        problems.append(weight_problem(where.field("InitialVariantWeight"), weight))
    return problems + _option_problems(definition, where)


def scaling_id_suffix(name: str, suffix: str) -> str:
    """What the ids of a variant's autoscaling end with: as its other children's (`suffix`), but
    nothing for a variant named `DEFAULT_VARIANT_NAME`, so that moving an endpoint from
    `containers=` to `variants=[VariantDefinition(name="AllTraffic"), ...]` keeps its scalable
    target (a new one for the same variant would be registered first, and the old one's
    deletion would then deregister the scaling)."""
    return "" if name == DEFAULT_VARIANT_NAME else suffix


def id_suffix(name: str, index: int, *, single: bool) -> str:
    """What the ids of a variant's children end with: nothing in the single-variant form
    (whose ids are those of earlier versions), else `-<variant name>`, so that reordering the
    variants moves nothing. A name that is a token gives `[<index>]`, which no variant name
    gives (letters, digits and hyphens only): `Model[0]` beside a variant named "0"'s
    `Model-0`."""
    if single:
        return ""
    return f"[{index}]" if is_unresolved(name) else f"-{name}"


def production_variant(
    definition: VariantDefinition, model_name: str
) -> sagemaker.CfnEndpointConfig.ProductionVariantProperty:
    """The endpoint config's `ProductionVariant` for `definition`, serving `model_name`."""
    timeouts = (
        definition.model_data_download_timeout,
        definition.container_startup_health_check_timeout,
    )
    download, startup = (None if value is None else value.to_seconds() for value in timeouts)
    strategy = definition.routing_strategy
    return sagemaker.CfnEndpointConfig.ProductionVariantProperty(
        variant_name=definition.name,
        model_name=model_name,
        instance_type=instance_type_name(definition.instance_type),
        initial_instance_count=definition.initial_instance_count,
        initial_variant_weight=definition.initial_weight,
        volume_size_in_gb=None
        if definition.volume_size is None
        else definition.volume_size.to_gibibytes(),
        model_data_download_timeout_in_seconds=download,
        container_startup_health_check_timeout_in_seconds=startup,
        routing_config=None
        if strategy is None
        else sagemaker.CfnEndpointConfig.RoutingConfigProperty(routing_strategy=strategy.value),
        enable_ssm_access=True if definition.enable_ssm_access else None,
    )


def hostnames_of(definition: VariantDefinition) -> tuple[str, ...]:
    """The hostnames of a variant's containers (those that have one)."""
    return tuple(
        container.container_hostname
        for container in definition.containers
        if container.container_hostname is not None
    )


class EndpointVariant(SingleVariantMetrics):
    """One production variant of a `MultiContainerEndpoint` (`endpoint.variant(name)`): its
    model, the autoscaling of its instance count, and its metrics (dimension `VariantName`)."""

    def __init__(
        self,
        owner: cdk.Resource,
        definition: VariantDefinition,
        model: sagemaker.CfnModel,
        id_suffix: str,
        *,
        endpoint: sagemaker.CfnEndpoint,
        endpoint_name: str,
        siblings: Sequence[EndpointVariant],
        captures_data: bool,
        fixed_endpoint_name: bool,
    ) -> None:
        self.definition = definition
        """What the variant was defined with."""
        self.model = model
        """The variant's `CfnModel`."""
        self.scaling: ScalableInstanceCount | None = None
        """The autoscaling of the variant's instance count (None: not autoscaled)."""
        self._owner = owner
        self._endpoint = endpoint
        self._endpoint_name = endpoint_name
        self._siblings = siblings
        self._id_suffix = id_suffix
        self._captures_data = captures_data
        self._fixed_endpoint_name = fixed_endpoint_name

    @property
    def variant_name(self) -> str:
        """The variant's name (the `VariantName` of its metrics)."""
        return self.definition.name

    @functools.cached_property
    def model_name(self) -> str:
        """The model's name, generated by CloudFormation (a `Fn::GetAtt` token)."""
        return self.model.attr_model_name

    @property
    def mode(self) -> InvocationMode:
        """How the variant invokes its containers."""
        return self.definition.mode

    def auto_scale_instance_count(
        self, *, min_capacity: int = 1, max_capacity: int
    ) -> ScalableInstanceCount:
        """Let Application Auto Scaling set this variant's instance count; add a policy with
        `scale_on_invocations` or `scale_to_track_custom_metric` on the result.

        The endpoint then keeps every variant's instance count across deployments (and still
        applies a changed weight), and SageMaker refuses a change of this variant's
        `instance_type`, or its removal, until autoscaling is removed (see
        docs/operations.md).

        :param min_capacity: fewest instances. @default 1
        :param max_capacity: most instances.
        """
        from .scaling import ScalableInstanceCount, warn_of_unscaled_variants

        siblings = self._siblings
        if len(siblings) > 1 and not any(variant.scaling for variant in siblings):
            warn_of_unscaled_variants(self._owner, siblings)
        self.scaling = ScalableInstanceCount.of_variant(
            self._owner,
            self._endpoint,
            endpoint_name=self._endpoint_name,
            variant_name=self.variant_name,
            id_suffix=scaling_id_suffix(self.variant_name, self._id_suffix),
            instance_type=instance_type_name(self.definition.instance_type),
            captures_data=self._captures_data,
            fixed_endpoint_name=self._fixed_endpoint_name,
            min_capacity=min_capacity,
            max_capacity=max_capacity,
        )
        return self.scaling

    def _metric_scope(self) -> tuple[cdk.IResource, str, Sequence[str]]:
        return self._owner, self._endpoint_name, (self.variant_name,)

    def _combine(
        self, owner: cdk.IResource, metrics: Mapping[str, cloudwatch.Metric], what: str
    ) -> cloudwatch.Metric:
        return only_variant(metrics)

    def _metric_target(
        self, container_hostname: str, *, serial_too: bool
    ) -> tuple[cdk.IResource, str, str, str]:
        hostnames = hostnames_of(self.definition)
        report(
            self._owner,
            check_container_hostname(
                container_hostname,
                ROOT.field("metric").field("container_hostname"),
                direct=self.mode is InvocationMode.DIRECT,
                hostnames=hostnames,
                serial_too=serial_too,
            ),
        )
        return (
            self._owner,
            self._endpoint_name,
            self.variant_name,
            as_configured(container_hostname, hostnames),
        )
